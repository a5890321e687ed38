"""The remedies at initialization: the speed of every hidden layer, per remedy.

One deep network, [64, 30, 30, 30, 30, 30, 30, 10] (six hidden layers), on the first
1,000 bundled 8x8 digits, in nine variants: the sigmoid baseline with Nielsen's
init; tanh; sigmoid and tanh with Xavier/Glorot init; ReLU with He init; sigmoid
with batch normalization; sigmoid with residual connections; and ReLU with He
weights times LARGE, without and with gradient clipping. For each of N_SEEDS random
initializations this records Nielsen's speed of learning of each hidden layer, the
norm of the full-batch bias gradient ||∂C/∂b^l|| (for batch normalization, of the
shift ||∂C/∂β^l||), and the norm of the weight gradient ||∂C/∂w^l||.

The figure shows the median speed of each hidden layer, one line per remedy. This
module also defines the remedies for ``remedies_training``.
"""

import sys
from dataclasses import dataclass

import numpy as np

import architectures
import backprop
import data
import plotstyle

SEED = 0  # seeds SEED ... SEED + N_SEEDS - 1
N_SEEDS = 20
SIZES = [64, 30, 30, 30, 30, 30, 30, 10]  # book layers 1 (input) to 8 (output)
HIDDEN = list(range(2, len(SIZES)))  # book layers 2 .. 7
LARGE = 1.5  # the exploding network's weights are He's times this factor
CLIP = 10.0  # τ: the largest global gradient norm a clipped step may use


# --8<-- [start:remedies]
@dataclass(frozen=True)
class Remedy:
    """One variant of the deep network."""

    label: str
    activation: str  # hidden neurons: a key of backprop.ACTIVATIONS
    init: str = "nielsen"  # a scheme of backprop.init_params
    net: str = "plain"  # "plain", "batchnorm" or "residual"
    scale: float = 1.0  # every weight times this factor
    clip: float | None = None  # clip the global gradient norm to this (τ)


REMEDIES = {
    "baseline": Remedy("sigmoid, Nielsen init", "sigmoid"),
    "sigmoid_xavier": Remedy("sigmoid, Xavier init", "sigmoid", "xavier"),
    "tanh": Remedy("tanh, Nielsen init", "tanh"),
    "tanh_xavier": Remedy("tanh, Xavier init", "tanh", "xavier"),
    "relu_he": Remedy("ReLU, He init", "relu", "he"),
    "batchnorm": Remedy("sigmoid + batch norm", "sigmoid", net="batchnorm"),
    "residual": Remedy("sigmoid, residual", "sigmoid", net="residual"),
    "large": Remedy(f"ReLU, He × {LARGE:g}", "relu", "he", scale=LARGE),
    "clipped": Remedy(f"ReLU, He × {LARGE:g}, clipped", "relu", "he",
                      scale=LARGE, clip=CLIP),
}
BACKWARD = {"plain": backprop.backward, "batchnorm": architectures.bn_backward,
            "residual": architectures.res_backward}


def init(remedy: Remedy, rng: np.random.Generator) -> tuple[list, list]:
    """Random ``(weights, biases)`` of the remedy's network."""
    if remedy.net == "batchnorm":
        weights, biases = architectures.bn_init(SIZES, rng)  # γ = 1, β = 0
    else:
        weights, biases = backprop.init_params(SIZES, rng, remedy.init)
    return [remedy.scale * w for w in weights], biases


def speeds(weights: list, nabla_b: list) -> np.ndarray:
    """Nielsen's speed of each hidden layer: ||∂C/∂b^l||, or ||∂C/∂β^l|| with
    batch norm (its first len(weights) "biases" are the shifts β^l, then b^L)."""
    return backprop.speeds(nabla_b[:len(weights)])


def output(remedy: Remedy, weights, biases, x, x_train) -> np.ndarray:
    """The network's output a^L for inputs ``x`` (batch norm: training statistics)."""
    if remedy.net == "batchnorm":
        return architectures.bn_output(weights, biases, x, x_train,
                                       remedy.activation)
    if remedy.net == "residual":
        return architectures.res_forward(weights, biases, x, remedy.activation)[1][-1]
    return backprop.forward(weights, biases, x, remedy.activation)[1][-1]
# --8<-- [end:remedies]


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first 1,000 bundled digits for training, the rest held out:
    ``(x, y_onehot, x_test, labels)``."""
    x, labels = data.load_digits()
    x_train, y_train, x_test, y_test = data.nielsen_split(x, labels)
    return x_train, data.one_hot(y_train), x_test, y_test


# --8<-- [start:core]
def at_init(remedy: Remedy, x: np.ndarray, y: np.ndarray, seeds: range) -> dict:
    """Per seed and hidden layer: speed (bias or β) and ||∂C/∂w^l||, full batch."""
    bias, weight, norm, saturated = [], [], [], []
    for seed in seeds:
        weights, biases = init(remedy, np.random.default_rng(seed))
        nabla_w, nabla_b, _ = BACKWARD[remedy.net](weights, biases, x, y,
                                                   activation=remedy.activation)
        bias.append(speeds(weights, nabla_b))  # before any clipping
        weight.append([np.linalg.norm(g) for g in nabla_w[:-1]])
        norm.append(np.sqrt(sum(np.sum(g ** 2) for g in nabla_w + nabla_b)))
        a = output(remedy, weights, biases, x, x)
        saturated.append(np.mean((a == 0.0) | (a == 1.0)))  # σ exactly 0 or 1
    return {"bias": np.array(bias), "weight": np.array(weight),  # (seeds, layers)
            "norm": np.array(norm), "saturated": np.array(saturated)}  # (seeds,)


def first_over_last(s: np.ndarray) -> np.ndarray:
    """Speed of the first hidden layer over the last's: < 1 means vanishing."""
    return s[..., 0] / s[..., -1]
# --8<-- [end:core]


def measure(n_seeds: int = N_SEEDS) -> dict:
    x, y, _, _ = load()
    seeds = range(SEED, SEED + n_seeds)
    return {name: at_init(r, x, y, seeds) for name, r in REMEDIES.items()}


def ratios(d: dict, kind: str = "bias") -> dict:
    """Median first/last ratio over seeds, per remedy."""
    return {name: float(np.median(first_over_last(r[kind])))
            for name, r in d.items()}


def values(d: dict) -> dict:
    bias, weight = ratios(d, "bias"), ratios(d, "weight")
    bn = d["batchnorm"]["bias"]
    out = {f"ratio_{k}": v for k, v in bias.items()}
    out |= {f"wratio_{k}": v for k, v in weight.items()}
    out |= {
        "n_seeds": len(d["baseline"]["bias"]), "sizes": str(SIZES),
        "large": LARGE, "clip": CLIP,
        "slower_baseline": 1 / bias["baseline"],
        "norm_he": float(np.median(d["relu_he"]["norm"])),
        "norm_large": float(np.median(d["large"]["norm"])),
        "saturated_he": float(np.median(d["relu_he"]["saturated"])),
        "saturated_large": float(np.median(d["large"]["saturated"])),
        "large_over_he": float(np.median(first_over_last(d["large"]["bias"]))
                               / np.median(first_over_last(d["relu_he"]["bias"]))),
        "large_theory": LARGE ** (len(HIDDEN) - 1),
        # batch norm: layers 2..6 feed a normalized layer, layer 7 the plain output
        "bn_flat": float(np.median(bn[:, 0] / bn[:, -2])),
        "bn_jump": float(np.median(bn[:, -1] / bn[:, -2])),
    }
    return out


def styles(theme: str) -> dict:
    """Line style of each remedy, shared by the page's figures: one colour per
    kind of neuron or architecture, dashed for Xavier init and for clipping."""
    ink, p = plotstyle.ink(theme), plotstyle.palette(theme)
    solid, dashed = {"linestyle": "-"}, {"linestyle": "--"}
    return {
        "baseline": {"color": ink, "marker": "o"} | solid,
        "sigmoid_xavier": {"color": ink, "marker": "s"} | dashed,
        "tanh": {"color": p[0], "marker": "^"} | solid,
        "tanh_xavier": {"color": p[0], "marker": "v"} | dashed,
        "relu_he": {"color": p[2], "marker": "D"} | solid,
        "batchnorm": {"color": p[1], "marker": "P"} | solid,
        "residual": {"color": p[5], "marker": "X", "linestyle": "-."},
        "large": {"color": p[3], "marker": "*"} | solid,
        "clipped": {"color": p[3], "marker": "h"} | dashed,
    }


FIGURES = {
    "remedies_init": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: the speed of learning of "
        "hidden layers 2 to 7 at initialization, one line per remedy. The sigmoid "
        "networks, with Nielsen's or Xavier init, fall steeply from the last "
        "hidden layer to the first; tanh falls less; the Xavier tanh, ReLU with He "
        "init and the residual network stay nearly flat; the network with large "
        "ReLU weights rises toward the first layer; batch normalization's shift "
        "gradients are level from layer 2 to layer 6 and jump up at layer 7.",
        caption=r"Speed of learning \(\lVert\partial C/\partial b^l\rVert\) of each "
        r"hidden layer \(l\) at initialization (with batch normalization: "
        r"\(\lVert\partial C/\partial \beta^l\rVert\)), full batch of 1,000 "
        "training digits, median over random initializations. Clipping acts on "
        "the step, not on the gradient measured here, so the clipped network "
        "shares the line of the unclipped one.",
    )
}


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    style = styles(theme)
    for name, r in d.items():
        if name == "clipped":
            continue  # before the clip it is the "large" network
        label = REMEDIES[name].label + (" (clipped or not)" if name == "large"
                                        else "")
        ax.semilogy(HIDDEN, np.median(r["bias"], axis=0), label=label,
                    markersize=5, **style[name])
    ax.set_xticks(HIDDEN)
    ax.set_xlabel(r"hidden layer $l$ (book numbering)")
    ax.set_ylabel(r"speed $\Vert\partial C/\partial b^l\Vert$ at init")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return {"remedies_init": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
