"""Signal-propagation theory's per-layer factor beside the measured one.

Deep networks of equal widths n = 2, 30 and 256 (N_HIDDEN hidden layers),
Gaussian inputs scaled to ‖x‖² = n, identity output units and a Gaussian output
error δ^L drawn apart from the network, for three choices of hidden unit and
initialization, all with the ``"gaussian"`` scheme: sigmoid with
Nielsen's init (σ_w² = σ_b² = 1, his ``"nielsen"`` scheme draw for draw), tanh,
and ReLU with He's init (2, 0). N_SEEDS networks of each kind run at once as a
stack (stacked.py). For each book layer l the measured quantity is the
root-mean-square, over examples and networks, of the per-example error norm
‖δ^l_{•,x}‖, and its ratio between consecutive layers; meanfield.py predicts
that ratio as √χ(q^l), with q^l the variance of z^l from the variance map.

Then Nielsen's network [64, 30, 30, 30, 30, 10] on the first 1,000 bundled digits
(sigmoid, cross-entropy, his init): the same per-example quantity, its prediction
from each image's own starting variance q^2_x = ‖x‖²/64 + 1, and his published
measure, the norm of the batch-averaged error ‖∂C/∂b^l‖, which is smaller because
the errors of different examples partly cancel.
"""

from __future__ import annotations

import sys

import numpy as np

import backprop
import data
import meanfield
import nielsen_speeds
import plotstyle
import stacked

SEED = 0  # network s of a stack is initialised with default_rng(SEED + s)
N_SEEDS = 50
WIDTHS = (2, 30, 256)
N_HIDDEN = 10  # hidden layers: book layers 2 .. N_HIDDEN + 1; output L = N_HIDDEN + 2
M = 32  # Gaussian input examples per network
FACTOR = 2  # a network "follows the theory" if within this factor of it, l = 2..L
K_SE = 4  # a measured ratio agrees with theory within K_SE standard errors
# activation -> (σ_w², σ_b²); sigmoid's is Nielsen's network2 init
SETTINGS = {"sigmoid": (1.0, 1.0), "tanh": (1.0, 0.05), "relu": (2.0, 0.0)}
DIGITS_SIZES = [64, 30, 30, 30, 30, 10]
AVERAGE_N, AVERAGE_DRAWS = 30, 4000  # step 2 of the derivation, checked
N_TRAIN = 1000

FIGURES = {
    "theory_ratios": plotstyle.Figure(
        alt="Three panels, sigmoid, tanh and ReLU, each plotting the per-layer "
        "ratio of the root-mean-square error norm against the book layer, with a "
        "dashed line for the theory's prediction. At widths 30 and 256 the "
        "measured points sit on the dashed line: far below 1 for sigmoid, a little "
        "below 1 for tanh, at 1 for ReLU with He's init. At width 2 the points "
        "scatter widely around it.",
        caption=r"Per-layer ratio \(\rho^l\) of the root-mean-square per-example "
        r"error norm \(\lVert\delta^l_{\bullet,x}\rVert\) between book layers "
        rf"\(l\) and \(l+1\), over {N_SEEDS} random networks of each width; bars: "
        r"\(\pm 2\) standard errors. Dashed: the theory's \(\sqrt{\chi(q^l)}\).",
    ),
    "theory_digits": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis against the book layer of "
        "Nielsen's network on the digits. The measured root-mean-square error norm "
        "falls by the same large factor at every step from the output back to "
        "layer 2 and lies on the dashed prediction. Nielsen's speeds, the norms of the "
        "batch-averaged error, run parallel to it and a little below.",
        caption=rf"Nielsen's {DIGITS_SIZES} (sigmoid, cross-entropy, his "
        rf"init) on the first {N_TRAIN:,} bundled digits, {N_SEEDS} random "
        r"networks: root-mean-"
        r"square per-example error norm, its prediction from the measured output "
        r"error, and the root-mean-square over networks of his speed "
        r"\(\lVert\partial C/\partial b^l\rVert\).",
    ),
}


# --8<-- [start:core]
def init_stack(sizes, variances: tuple[float, float] | None, seeds: range):
    """One network per seed, stacked: the ``"gaussian"`` scheme with variances
    (σ_w², σ_b²), or Nielsen's own scheme when variances is None (it is
    ``"gaussian"`` with σ_w² = σ_b² = 1, draw for draw)."""
    options = ({} if variances is None else
               {"scheme": "gaussian", "sigma_w2": variances[0],
                "sigma_b2": variances[1]})
    return stacked.stack([backprop.init_params(sizes, np.random.default_rng(s),
                                               **options) for s in seeds])


def mean_square_norms(errors) -> np.ndarray:
    """(seeds, layers): the mean over examples of ‖δ^l_{•,x}‖² for each network."""
    return np.stack([np.mean(np.sum(e * e, axis=-2), axis=-1) for e in errors],
                    axis=1)


def ratio_with_se(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """ρ = √(mean a / mean b) over networks, and its standard error (delta
    method: the networks are independent, a and b of one network are not)."""
    ra = a.mean() / b.mean()
    rel = (a / a.mean() - b / b.mean()).std(ddof=1) / np.sqrt(a.size)
    return float(np.sqrt(ra)), float(0.5 * np.sqrt(ra) * rel)


def predicted_chis(activation: str, variances: tuple[float, float], q2: float,
                   n_steps: int) -> np.ndarray:
    """χ(q^l) = σ_w² E[φ′(√q^l z)²] for l = 2, 3, ..., from q^2 by the variance map."""
    sigma_w2, sigma_b2 = variances
    chis, q = [], q2
    for _ in range(n_steps):
        chis.append(sigma_w2 * meanfield.second_moments(activation, q)[1])
        q = meanfield.variance_map(activation, sigma_w2, sigma_b2, q)
    return np.array(chis)


def predicted_qs(activation: str, variances: tuple[float, float], n_steps: int
                 ) -> np.ndarray:
    """q^2 = σ_w² + σ_b² (inputs with ‖x‖² = n), then the variance map."""
    qs = [sum(variances)]
    for _ in range(n_steps - 1):
        qs.append(meanfield.variance_map(activation, *variances, qs[-1]))
    return np.array(qs)


def average_over_weights(n: int, sigma_w2: float, draws: int,
                         rng: np.random.Generator) -> tuple[float, float]:
    """The step of the derivation that averages BP2 over w^{l+1}: for one fixed
    vector δ^{l+1} and many independent weight matrices, the mean of
    ‖(w^{l+1})ᵀ δ^{l+1}‖² / (σ_w² ‖δ^{l+1}‖²), which should be 1; and its s.e."""
    delta = rng.normal(size=n)
    w = rng.normal(0.0, np.sqrt(sigma_w2 / n), size=(draws, n, n))
    ratio = np.sum((w.mT @ delta) ** 2, axis=-1) / (sigma_w2 * delta @ delta)
    return float(ratio.mean()), float(ratio.std(ddof=1) / np.sqrt(draws))
# --8<-- [end:core]


def output_error(weights, biases, x, activation: str, rng) -> tuple[list, list]:
    """The weighted inputs z^l and Nielsen's errors δ^l_• of every network in the
    stack when the output error δ^L is N(0, 1) noise drawn apart from the network
    (quadratic cost, identity output, targets y = a^L − δ^L): the theory's
    assumption that the error coming down is independent of the weights it meets.
    Each network has its own targets, so each gets x as a batch of its own (a
    read-only view, not a copy)."""
    zs, activations = stacked.forward(weights, biases, x, activation, "identity")
    y = activations[-1] - rng.normal(size=activations[-1].shape)
    own_x = np.broadcast_to(x, (len(y), *x.shape))
    return zs, stacked.backward(weights, biases, own_x, y, activation, "identity",
                                "quadratic")[2]


def deep_network(activation: str, variances: tuple[float, float], width: int,
                 rng: np.random.Generator, n_hidden: int = N_HIDDEN,
                 n_seeds: int = N_SEEDS, m: int = M) -> tuple[np.ndarray, np.ndarray]:
    """(seeds, layers 2..L): mean over m Gaussian inputs of ‖δ^l_{•,x}‖² in
    n_seeds networks of n_hidden hidden layers of the given width; and the
    measured q^l, the mean of (z^l_j)² over neurons and inputs, (seeds, layers)."""
    sizes = [width] * (n_hidden + 2)
    weights, biases = init_stack(sizes, variances, range(SEED, SEED + n_seeds))
    x = rng.normal(size=(width, m))
    x *= np.sqrt(width) / np.linalg.norm(x, axis=0)  # ‖x‖² = n: q^2 = σ_w² + σ_b²
    zs, errors = output_error(weights, biases, x, activation, rng)
    return mean_square_norms(errors), np.stack([np.mean(z * z, axis=(-2, -1))
                                                for z in zs], axis=1)


def compared(activation: str, width: int, rng: np.random.Generator) -> dict:
    """Measured ρ^l with standard errors and the predicted √χ(q^l), l = 2..L−1."""
    variances = SETTINGS[activation]
    ms, q = deep_network(activation, variances, width, rng)
    ratios = [ratio_with_se(ms[:, i], ms[:, i + 1]) for i in range(N_HIDDEN)]
    chis = predicted_chis(activation, variances, sum(variances), N_HIDDEN)
    through = ms[:, 0] / ms[:, -1]  # per network, from the output to layer 2
    with np.errstate(divide="ignore"):  # a width-2 ReLU network can pass nothing
        off = np.abs(np.log(through / np.prod(chis)))
    return {"ratio": np.array([r for r, _ in ratios]),
            "se": np.array([s for _, s in ratios]),
            "predicted": np.sqrt(chis), "q": q[:, :-1].mean(axis=0),
            "q_se": q[:, :-1].std(axis=0, ddof=1) / np.sqrt(q.shape[0]),
            "q_predicted": predicted_qs(activation, variances, N_HIDDEN),
            "spread": float(through.std(ddof=1) / through.mean()),
            "within_2": float(np.mean(off < np.log(FACTOR)))}


def chis_by_interpolation(q2: np.ndarray, n_steps: int, n_grid: int = 33
                          ) -> np.ndarray:
    """predicted_chis("sigmoid", (1.0, 1.0), q, n_steps) for every q in q2, interpolated
    linearly from n_grid starting values spanning q2 (smooth in q: see tests)."""
    grid = np.linspace(q2.min(), q2.max(), n_grid)
    table = np.array([predicted_chis("sigmoid", (1.0, 1.0), q, n_steps)
                      for q in grid])
    return np.stack([np.interp(q2, grid, column) for column in table.T], axis=1)


def digits() -> dict:
    """Nielsen's [64, 30, 30, 30, 30, 10] at initialization, N_SEEDS networks."""
    x, labels = data.load_digits()
    x, labels, _, _ = data.nielsen_split(x, labels, N_TRAIN)
    weights, biases = init_stack(DIGITS_SIZES, None, range(SEED, SEED + N_SEEDS))
    *_, errors = stacked.backward(weights, biases, x, data.one_hot(labels))
    squares = np.stack([np.sum(e * e, axis=-2) for e in errors], axis=1)
    # squares: (seeds, layers 2..L, examples) of ‖δ^l_{•,x}‖²; his speed is the
    # norm of the batch-averaged error, ‖∂C/∂b^l‖ = ‖mean_x δ^l_{•,x}‖
    speeds = np.stack([np.linalg.norm(e.mean(axis=-1), axis=-1) for e in errors],
                      axis=1)
    q2 = np.sum(x * x, axis=0) / DIGITS_SIZES[0] + 1.0  # σ_w² ‖x‖²/n_in + σ_b²
    chis = chis_by_interpolation(q2, len(DIGITS_SIZES) - 2)  # (m, hidden)
    # E‖δ^l_x‖² = χ(q^l_x) E‖δ^{l+1}_x‖², from each measured output error down
    after = np.cumprod(chis[:, ::-1], axis=1)[:, ::-1]  # Π_{k=l}^{L-1} χ(q^k_x)
    predicted = np.mean(squares[:, -1, None, :] * after.T[None], axis=(0, 2))
    return {"ms": squares.mean(axis=2),
            "predicted_ms": np.append(predicted, squares[:, -1].mean()),
            "speed_ms": np.mean(speeds ** 2, axis=0), "q2": q2, "chis": chis}


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    deep = {(activation, width): compared(activation, width, rng)
            for activation in SETTINGS for width in WIDTHS}
    return {"deep": deep, "digits": digits(),
            "weights_average": average_over_weights(AVERAGE_N, 1.0, AVERAGE_DRAWS,
                                                    rng)}


def values(d: dict) -> dict:
    out = {"factor": FACTOR, "n_seeds": N_SEEDS, "n_hidden": N_HIDDEN, "m": M,
           "k_se": K_SE,
           "widths": ", ".join(map(str, WIDTHS)), "n_train": N_TRAIN,
           "digits_sizes": str(DIGITS_SIZES), "width_small": WIDTHS[0],
           "width_mid": WIDTHS[1], "width_large": WIDTHS[2]}
    for activation, (sigma_w2, sigma_b2) in SETTINGS.items():
        chi = meanfield.chi_1(activation, sigma_w2, sigma_b2)
        out[f"{activation}_sigma_w2"], out[f"{activation}_sigma_b2"] = (
            sigma_w2, sigma_b2)
        out[f"{activation}_chi"], out[f"{activation}_rho"] = chi, np.sqrt(chi)
        for width in WIDTHS:
            r = d["deep"][(activation, width)]
            # the last five steps: z has settled at q*
            out[f"{activation}_{width}_rho"] = float(np.mean(r["ratio"][-5:]))
            out[f"{activation}_{width}_spread"] = r["spread"]
            out[f"{activation}_{width}_within"] = r["within_2"]
    for width in WIDTHS:  # Hanin's β = Σ_l 1/n_l over the hidden layers
        out[f"beta_{width}"] = N_HIDDEN / width
    out["sigmoid_shrink"] = 1 / np.sqrt(out["sigmoid_chi"])
    out["weights_average"], out["weights_average_se"] = d["weights_average"]
    out["average_n"], out["average_draws"] = AVERAGE_N, AVERAGE_DRAWS
    out["q_worst_se_256"] = max(float(np.max(np.abs(r["q"] - r["q_predicted"])
                                              / r["q_se"]))
                                for (_, width), r in d["deep"].items() if width == 256)
    g = d["digits"]
    rms = np.sqrt(g["ms"].mean(axis=0))
    predicted, speed = np.sqrt(g["predicted_ms"]), np.sqrt(g["speed_ms"])
    for i, l in enumerate(range(2, len(DIGITS_SIZES) - 1)):
        ratio, se = ratio_with_se(g["ms"][:, i + 1], g["ms"][:, i])
        out[f"digits_shrink_{l}"], out[f"digits_shrink_se_{l}"] = ratio, se
        out[f"digits_pred_shrink_{l}"] = float(predicted[i + 1] / predicted[i])
        out[f"digits_speed_shrink_{l}"] = float(speed[i + 1] / speed[i])
    for i, l in enumerate(range(2, len(DIGITS_SIZES))):  # the hidden layers
        out[f"digits_cancel_{l}"] = float(rms[i] / speed[i])
    # the first step back, from the output error computed by the cost
    out["digits_out_shrink"], out["digits_out_shrink_se"] = ratio_with_se(
        g["ms"][:, -1], g["ms"][:, -2])
    out["digits_pred_out_shrink"] = float(predicted[-1] / predicted[-2])
    nielsen = nielsen_speeds.NIELSEN[len(DIGITS_SIZES) - 2]
    for i, l in enumerate(range(2, len(DIGITS_SIZES) - 1)):
        out[f"nielsen_shrink_{l}"] = nielsen[i + 1] / nielsen[i]
    out["digits_q2_min"], out["digits_q2_max"] = float(g["q2"].min()), float(
        g["q2"].max())
    out["sigmoid_q_star"] = meanfield.q_star("sigmoid", 1.0, 1.0)
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    layers = np.arange(2, N_HIDDEN + 2)
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 3.0), sharey=False)
    for ax, activation in zip(axes, SETTINGS):
        for k, width in enumerate(WIDTHS):
            r = d["deep"][(activation, width)]
            ax.errorbar(layers + 0.15 * (k - 1), r["ratio"], yerr=2 * r["se"],
                        fmt="o", markersize=3, color=colours[k], label=f"n = {width}")
        ax.plot(layers, d["deep"][(activation, WIDTHS[-1])]["predicted"], "--",
                color=plotstyle.ink(theme), linewidth=1, label="theory")
        sigma_w2, sigma_b2 = SETTINGS[activation]
        ax.set_title(f"{activation}, $\\sigma_w^2={sigma_w2:g}$, "
                     f"$\\sigma_b^2={sigma_b2:g}$", fontsize=8)
        ax.set_xlabel(r"book layer $l$")
    axes[0].set_ylabel(r"$\rho^l$")
    axes[0].legend(fontsize=7)
    fig.tight_layout()

    g = d["digits"]
    layers = np.arange(2, len(DIGITS_SIZES) + 1)
    fig2, ax = plt.subplots(figsize=(5.6, 3.2))
    ax.semilogy(layers, np.sqrt(g["ms"].mean(axis=0)), "o", color=colours[0],
                label=r"measured: rms of $\Vert\delta^l_{\bullet,x}\Vert$")
    ax.semilogy(layers, np.sqrt(g["predicted_ms"]), "--", color=colours[0],
                linewidth=1, label="theory, from each image's $q^2_x$")
    ax.semilogy(layers, np.sqrt(g["speed_ms"]), "s", color=colours[1],
                markersize=4, label=r"Nielsen's speed $\Vert\partial C/\partial "
                r"b^l\Vert$ (batch average)")
    ax.set_xticks(layers)
    ax.set_xlabel(r"book layer $l$ (6 = output)")
    ax.legend(fontsize=7.5)
    fig2.tight_layout()
    return {"theory_ratios": fig, "theory_digits": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
