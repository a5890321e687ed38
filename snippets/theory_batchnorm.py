"""Batch norm at depth: the error grows per layer at initialization, whatever σ_w.

Yang et al. (2019, "A mean field theory of batch normalization") find that in a
deep plain network with batch normalization the gradient explodes at
initialization; for ReLU the squared gradient norm grows by π/(π − 1) per layer in
the limit of infinitely wide layers and an infinitely large batch. In that limit
one backward step through hidden layer l (architectures.py: ẑ = (z − μ)/√v,
a = φ(ẑ), γ = 1, β = 0) multiplies the mean square of Nielsen's error by

    σ_w² E[φ′(u)²] / v,   v = σ_w² Var φ(u),   u ~ N(0, 1),

because v, the batch variance of z^{l+1} that the next layer divides by, counts
only the spread of φ around its batch mean. So the factor is E[φ′(u)²] / Var φ(u):
σ_w² cancels, and by the Gaussian Poincaré inequality it is ≥ 1, equal to 1 only
for a linear φ. For ReLU it is (1/2)/(1/2 − 1/(2π)) = π/(π − 1).

Measured with architectures.bn_backward: ReLU and sigmoid networks of DEPTH
batch-normalized hidden layers of width WIDTH on a batch of BATCH Gaussian inputs
(N_NETS networks each, Nielsen's weights), the per-layer growth of the mean square
over examples of Nielsen's error ‖δ^l_{•,x}‖² and of ‖∂C/∂w^l‖²; ReLU also at
smaller batches; and the batch-normalized sigmoid network of the remedies page
(remedies_init.py) on its digits.
"""

from __future__ import annotations

import sys

import numpy as np

import architectures
import backprop
import meanfield
import plotstyle
import remedies_init
import theory_ratios

SEED = 0  # network s is initialised with default_rng(SEED + s)
WIDTH, DEPTH, BATCH, N_NETS = 256, 50, 64, 3
FIRST, LAST = 7, 47  # book layers between which the growth is measured
SMALL_BATCHES = (16,)  # ReLU at a smaller batch too
REMEDIES_SEEDS = 10  # the first 10 of the remedies page's seeds
TOLERANCE = 0.03  # measured per-layer factor within this fraction of the limit
ACTIVATIONS = ("relu", "sigmoid")
NAMES = {"relu": "ReLU", "sigmoid": "sigmoid"}
REMEDIES_LAYERS = (3, 6)  # book layers of the remedies network compared
N_CLASSES = 10

FIGURES = {
    "theory_batchnorm": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: the mean square of "
        f"Nielsen's error against the book layer, 2 to {DEPTH + 1}, in "
        f"batch-normalized networks of {DEPTH} hidden layers, for ReLU and sigmoid "
        "units. Both rise steadily from the last hidden layer back toward the "
        "first, ReLU by many powers of ten and sigmoid far less; dashed lines with "
        "the predicted growth per layer run parallel to the measurements. The "
        "first hidden layer, whose input is not normalized, sits lower.",
        caption=r"Mean over examples of \(\lVert\delta^l_{\bullet,x}\rVert^2\) in "
        rf"batch-normalized networks of {DEPTH} hidden layers of width {WIDTH}, "
        rf"batch {BATCH}, mean over {N_NETS} networks (dots), and the growth "
        r"\(\mathbb{E}[\sigma'(u)^2]/\operatorname{Var}\sigma(u)\) per layer "
        "predicted for an infinitely large batch (dashed, drawn from the measured "
        f"value at layer {LAST}).",
    ),
}


# --8<-- [start:core]
def predicted_rate(activation: str) -> float:
    """E[φ′(u)²] / Var φ(u) for u ~ N(0, 1): the per-layer growth of the error's
    mean square through batch norm (γ = 1, β = 0), infinitely wide and batch."""
    f, f_prime = backprop.ACTIVATIONS[activation]
    mean = meanfield.gaussian_mean(f, 1.0)
    variance = meanfield.gaussian_mean(lambda h: f(h) ** 2, 1.0) - mean ** 2
    return meanfield.gaussian_mean(lambda h: f_prime(h) ** 2, 1.0) / variance


def deep_errors(activation: str, batch: int, rng: np.random.Generator,
                scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """One batch-normalized network: per hidden layer, the mean over examples of
    ‖δ^l_{•,x}‖² and ‖∂C/∂w^l‖²; hidden weights times ``scale``."""
    sizes = [WIDTH] * (DEPTH + 1) + [N_CLASSES]
    weights, biases = architectures.bn_init(sizes, rng)
    weights = [scale * w for w in weights[:-1]] + weights[-1:]
    x = rng.normal(size=(WIDTH, batch))
    y = np.eye(N_CLASSES)[:, rng.integers(0, N_CLASSES, batch)]
    nabla_w, _, errors = architectures.bn_backward(weights, biases, x, y, activation)
    # errors[i] is m·∂C/∂z^l for book layer l = i + 2: with batch norm every
    # example's cost depends on z^l_x, so this is Nielsen's δ^l_x summed over them
    ms = [np.mean(np.sum(e * e, axis=0)) for e in errors[:-1]]
    return np.array(ms), np.array([np.sum(g * g) for g in nabla_w[:-1]])


def growth(per_layer: np.ndarray, first: int, last: int) -> tuple[float, float]:
    """Per-layer factor from book layer ``last`` back to ``first``, over networks
    (rows; columns are book layers 2, 3, ...), and its standard error."""
    steps = last - first
    rho, se = theory_ratios.ratio_with_se(per_layer[:, first - 2],
                                          per_layer[:, last - 2])
    factor = rho ** (2 / steps)
    return factor, factor * (2 / steps) * se / rho
# --8<-- [end:core]


def stack(activation: str, batch: int) -> dict:
    nets = [deep_errors(activation, batch, np.random.default_rng(SEED + s))
            for s in range(N_NETS)]
    return {"ms": np.array([n[0] for n in nets]), "w": np.array([n[1] for n in nets])}


def remedies_network() -> np.ndarray:
    """The remedies page's batch-normalized sigmoid network on its digits:
    mean square of ‖δ^l_{•,x}‖² per hidden layer, one row per seed."""
    remedy = remedies_init.REMEDIES["batchnorm"]
    x, y, _, _ = remedies_init.load()
    rows = []
    for seed in range(remedies_init.SEED, remedies_init.SEED + REMEDIES_SEEDS):
        weights, biases = remedies_init.init(remedy, np.random.default_rng(seed))
        errors = architectures.bn_backward(weights, biases, x, y,
                                           remedy.activation)[2]
        rows.append([np.mean(np.sum(e * e, axis=0)) for e in errors[:-1]])
    return np.array(rows)


def remedies_setup() -> dict:
    """Width of the remedies network's hidden layers and its batch (all its
    training digits)."""
    return {"remedies_width": remedies_init.SIZES[1],
            "remedies_batch": remedies_init.load()[0].shape[1]}


def measure() -> dict:
    out = {a: stack(a, BATCH) for a in ACTIVATIONS}
    out |= {("relu", b): stack("relu", b) for b in SMALL_BATCHES}
    out["remedies"] = remedies_network()
    return out


def values(d: dict) -> dict:
    out = {"width": WIDTH, "depth": DEPTH, "batch": BATCH, "n_nets": N_NETS,
           "first": FIRST, "last": LAST, "tolerance": TOLERANCE}
    for a in ACTIVATIONS:
        out[f"{a}_rate"], out[f"{a}_rate_se"] = growth(d[a]["ms"], FIRST, LAST)
        out[f"{a}_wrate"], out[f"{a}_wrate_se"] = growth(d[a]["w"], FIRST, LAST)
        out[f"{a}_pred"] = predicted_rate(a)
        out[f"{a}_total"] = float(d[a]["ms"][:, 0].mean() / d[a]["ms"][:, -1].mean())
    out["relu_total_log10"] = float(np.log10(out["relu_total"]))
    out["small_batch"] = SMALL_BATCHES[0]
    for b in SMALL_BATCHES:
        out[f"relu_rate_{b}"] = growth(d[("relu", b)]["ms"], FIRST, LAST)[0]
    out["pi_rate"] = np.pi / (np.pi - 1)
    # remedies page: layer 2 divides by the pixels' variance, layers 3..6 by a
    # normalized layer's, and layer 7 feeds the plain output layer
    first, last = REMEDIES_LAYERS
    out["remedies_rate"], out["remedies_rate_se"] = growth(d["remedies"], first, last)
    out["remedies_first"], out["remedies_last"] = first, last
    out["remedies_steps"] = last - first
    out["sigmoid_excess"] = (out["sigmoid_rate"] - 1) / (out["sigmoid_pred"] - 1)
    out["remedies_n_seeds"] = len(d["remedies"])
    out |= remedies_setup()
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    layers = np.arange(2, DEPTH + 2)
    for k, a in enumerate(ACTIVATIONS):
        ms = d[a]["ms"].mean(axis=0)
        ax.semilogy(layers[::2], ms[::2], "o", markersize=3, color=colours[k],
                    label=f"{NAMES[a]}, measured")
        line = ms[LAST - 2] * predicted_rate(a) ** (LAST - layers)
        ax.semilogy(layers, line, "--", color=colours[k], linewidth=1,
                    label=f"{NAMES[a]}, predicted growth")
    ax.set_xlabel(r"book layer $l$")
    ax.set_ylabel(r"mean of $\Vert\delta^l_{\bullet,x}\Vert^2$")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return {"theory_batchnorm": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
