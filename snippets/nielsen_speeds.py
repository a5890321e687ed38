"""Nielsen's speeds of learning at initialization, over many random networks.

His chapter-5 setup on the bundled 8x8 digits: networks [64, 30, ..., 30, 10] with
2, 3 and 4 hidden layers, sigmoid neurons, cross-entropy, his default init (weights
N(0, 1/n_in), biases N(0, 1)) and the first 1,000 images. The speed of hidden layer
l is ||∂C/∂b^l||, the bias gradient averaged over those images. For each of N_SEEDS
initializations this records every hidden layer's speed and the full layer
gradient ||δ^l|| (weights and biases); the figure sets their spread beside the
values Nielsen published for MNIST.

``python -m snippets.nielsen_speeds --mnist PATH`` prints the same tables for his
784-input networks on real MNIST, read from the IDX files in PATH.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle

SEED = 0  # seeds SEED, SEED + 1, ... SEED + N_SEEDS - 1
N_SEEDS = 100
DEPTHS = (2, 3, 4)  # hidden layers of 30 neurons
N_TRAIN = 1000
PERCENTILES = (10, 90)
# Nielsen's saved JSON at epoch 0 (fig/generate_gradient.py, chapter 5), MNIST.
NIELSEN = {2: (0.0657, 0.3092), 3: (0.0118, 0.0600, 0.2831),
           4: (0.0030, 0.0171, 0.0695, 0.2851)}

FIGURES = {
    "nielsen_speeds": plotstyle.Figure(
        alt="Three log-scale panels, one per depth (2, 3 and 4 hidden layers). "
        "For every hidden layer a vertical bar spans the middle 80 percent of our "
        "speeds over many random initializations, with a dot at the median; a "
        "cross marks Nielsen's published value. Each layer is labelled with its "
        "number on this site and, below it, the name Nielsen's chapter 5 gives it "
        "(delta 1 for layer 2). The crosses fall on or near the "
        "bars, and in every panel the speeds rise from the first hidden layer to "
        "the last.",
        caption=r"Speed of learning \(\lVert\partial C/\partial b^l\rVert\) of each "
        r"hidden layer \(l\) at initialization, on the first 1,000 bundled digits "
        r"(in brackets the name Nielsen's chapter 5 gives the layer: his "
        r"\(\delta^1\) is the first hidden layer, \(l = 2\) here). "
        r"Bars: 10th to 90th percentile over random initializations; dots: "
        r"median; crosses: Nielsen's epoch-0 values on MNIST.",
    )
}


# --8<-- [start:core]
def speeds_at_init(x: np.ndarray, y: np.ndarray, depth: int,
                   seeds: range) -> dict:
    """Per seed and hidden layer: Nielsen's speed and the full ||δ^l||.

    x: (n_in, m) inputs, y: (10, m) one-hot targets. Arrays (len(seeds), depth).
    """
    sizes = [x.shape[0], *[30] * depth, 10]
    bias, full = [], []
    for seed in seeds:
        weights, biases = backprop.init_params(sizes, np.random.default_rng(seed))
        nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
        bias.append(backprop.speeds(nabla_b))  # ||∂C/∂b^l||, l = 2 .. L-1
        full.append([np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                     for l in range(2, depth + 2)])
    return {"bias": np.array(bias), "full": np.array(full)}


def all_depths(x: np.ndarray, labels: np.ndarray, n_seeds: int = N_SEEDS) -> dict:
    """Nielsen's setup: the first 1,000 examples; every depth, every seed."""
    x_train, y_train, _, _ = data.nielsen_split(x, labels, N_TRAIN)
    y = data.one_hot(y_train)
    seeds = range(SEED, SEED + n_seeds)
    return {d: speeds_at_init(x_train, y, d, seeds) for d in DEPTHS}


def last_over_first(s: np.ndarray) -> np.ndarray:
    """How many times slower the first hidden layer learns than the last."""
    return s[:, -1] / s[:, 0]
# --8<-- [end:core]


def measure() -> dict:
    x, labels = data.load_digits()
    return {"n_seeds": N_SEEDS, "runs": all_depths(x, labels)}


# ---------------------------------------------------------------- the tables


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def his_delta(l: int) -> str:
    """Nielsen's chapter-5 name for the site's hidden layer l, e.g. "δ¹" for l = 2.

    Chapter 5 counts hidden layers from 1 (his ||δ¹|| is the speed of the first
    hidden layer); the site counts book layers, input first, so that layer is l = 2.
    """
    return "δ" + str(l - 1).translate(SUPERSCRIPT)


def ratio_text(v: float) -> str:
    """A last/first ratio as every table on the site prints it: 4.7, 23, 96."""
    return f"{v:.1f}" if v < 10 else f"{v:.0f}"


def _spread(v: np.ndarray, fmt=lambda v: f"{v:#.2g}") -> str:
    lo, hi = np.percentile(v, PERCENTILES)
    return f"{fmt(lo)}–{fmt(hi)}"


def speeds_table(runs: dict, source: str = "8x8 digits") -> str:
    """Markdown: one row per hidden layer, his value beside our median and spread."""
    rows = [f"| hidden layers | layer \\(l\\) (Nielsen's name) | Nielsen (MNIST) "
            f"| ours ({source}): median | 10th–90th percentile |",
            "|---|---|---|---|---|"]
    for d, run in runs.items():
        for i, col in enumerate(run["bias"].T):
            rows.append(f"| {d} | {i + 2} ({his_delta(i + 2)}) "
                        f"| {NIELSEN[d][i]:.4f} "
                        f"| {np.median(col):.4f} | {_spread(col)} |")
    return "\n".join(rows)


def ratio_table(runs: dict) -> str:
    """Markdown: last/first hidden-layer ratio, his and ours, for both measures."""
    rows = ["| hidden layers | Nielsen | ours: median | 10th–90th percentile "
            "| full \\(\\lVert\\delta^l\\rVert\\): median |", "|---|---|---|---|---|"]
    for d, run in runs.items():
        ratio = last_over_first(run["bias"])
        full = last_over_first(run["full"])
        rows.append(f"| {d} | {ratio_text(NIELSEN[d][-1] / NIELSEN[d][0])} "
                    f"| {ratio_text(np.median(ratio))} | {_spread(ratio, ratio_text)} "
                    f"| {ratio_text(np.median(full))} |")
    return "\n".join(rows)


def versus_nielsen(runs: dict) -> dict:
    """How his epoch-0 values sit against ours: the largest factor between his value
    and our median, and the (depth, layer) where his value leaves our band, with how
    far beyond the band's edge it lies (his / edge − 1, signed: + above, − below)."""
    factors, outside = [], []
    for d, run in runs.items():
        his = np.array(NIELSEN[d])
        factors += list(np.median(run["bias"], axis=0) / his)
        lo, hi = np.percentile(run["bias"], PERCENTILES, axis=0)
        for i in np.flatnonzero((his < lo) | (his > hi)):
            edge = hi[i] if his[i] > hi[i] else lo[i]
            outside.append((d, int(i) + 2, float(his[i] / edge - 1)))
    factors = np.array(factors)
    return {"max_factor": float(np.max(np.maximum(factors, 1 / factors))),
            "outside": outside, "n_layers": len(factors)}


def values(data_: dict) -> dict:
    runs = data_["runs"]
    vs = versus_nielsen(runs)
    out = {
        "n_seeds": data_["n_seeds"],
        "last_seed": SEED + data_["n_seeds"] - 1,
        "speeds_table": speeds_table(runs),
        "ratio_table": ratio_table(runs),
        "max_median_factor": vs["max_factor"],
        "n_layers": vs["n_layers"],
        "n_inside": vs["n_layers"] - len(vs["outside"]),
    }
    if len(vs["outside"]) == 1:  # the page names the one exception
        (out["outside_depth"], out["outside_layer"],
         out["outside_excess"]) = vs["outside"][0]
    for d, run in runs.items():
        out[f"ratio_{d}"] = np.median(last_over_first(run["bias"]))
        out[f"ratio_full_{d}"] = np.median(last_over_first(run["full"]))
    ordered = np.hstack([np.all(np.diff(r["bias"], axis=1) > 0, axis=1)
                         for r in runs.values()])
    out["ordered_fraction"] = ordered.mean()
    return out


# ------------------------------------------------------------------ drawing


def draw(data_: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    runs = data_["runs"]
    fig, axes = plt.subplots(1, len(runs), figsize=(8, 3.2), sharey=True)
    for ax, (d, run) in zip(axes, runs.items()):
        layers = np.arange(2, d + 2)
        lo, med, hi = np.percentile(run["bias"], [PERCENTILES[0], 50,
                                                  PERCENTILES[1]], axis=0)
        ax.vlines(layers, lo, hi, color=colours[0], linewidth=4,
                  alpha=0.5, label="ours, 10th–90th pct.")
        ax.plot(layers, med, "o", color=colours[0], label="ours, median")
        ax.plot(layers, NIELSEN[d], "x", color=colours[5], markersize=8,
                markeredgewidth=2, label="Nielsen (MNIST)")
        ax.set_yscale("log")
        ax.set_xticks(layers, [f"{l}\n" rf"($\delta^{{{l - 1}}}$)" for l in layers])
        ax.set_xlim(1.5, d + 1.5)
        ax.set_title(f"{d} hidden layers", fontsize=10)
    axes[len(axes) // 2].set_xlabel(
        r"hidden layer $l$ (in brackets: Nielsen's chapter-5 name)")
    axes[0].set_ylabel(r"$\|\partial C/\partial b^l\|$ at initialization")
    axes[0].legend(fontsize=8, loc="lower right")
    return {"nielsen_speeds": fig}


# -------------------------------------------------------------------- MNIST


def mnist_report(path: str, n_seeds: int = N_SEEDS) -> str:
    """Both tables for Nielsen's own 784-input networks, from MNIST IDX files."""
    x, labels = data.load_mnist(path)
    runs = all_depths(x, labels, n_seeds)
    return (f"Speed of learning at initialization, {n_seeds} seeds:\n\n"
            f"{speeds_table(runs, 'MNIST')}\n\n"
            f"Last/first hidden-layer ratio:\n\n{ratio_table(runs)}")


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
