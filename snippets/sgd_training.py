"""Training a deep sigmoid network with SGD: how fast each layer's weights move.

A [64, 30, 30, 30, 30, 10] network (Nielsen's default initialisation, sigmoid
neurons, cross-entropy cost) is trained with ``backprop.train`` on the first 1,000
bundled 8x8 digits; the other 797 are held out. A ``record`` callback keeps, for
every step and every book layer l, the size of the weight update ‖Δw^l‖ and
Karpathy's update:data ratio log10(std(η·∂C/∂w^l) / std(w^l)); after every epoch
the snippet notes the held-out accuracy, how far each weight matrix has moved
from where it started, and, over the whole training set, Nielsen's speed of
learning ||∂C/∂b^l|| of each hidden layer and the per-example error size
mean_x ||δ^l_{•,x}|| (Nielsen's error vector of each example, before averaging).

The first figure shows the held-out accuracy and the update:data ratio of each
layer over training; the second the distance each weight matrix has moved.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle

SEEDS = range(5)
SIZES = [64, 30, 30, 30, 30, 10]  # book layers 1 (input) to 6 (output)
ETA = 1.0  # η; with mini-batches of 100 this is Nielsen's η/m = 0.1/10
BATCH = 100  # mini-batch size m
NIELSEN_ETA, NIELSEN_BATCH = 0.1, 10  # his chapter-5 SGD runs
LMBDA = 0.0  # λ = 0: every move of a weight is caused by its gradient
EPOCHS = 150
PLATEAU = 50  # the epoch at which the "distance moved" is read off
KARPATHY = -3.0  # his rule-of-thumb update:data ratio (log10)
ESCAPE = 0.2  # held-out accuracy (twice chance) that marks the end of the plateau

FIGURES = {
    "sgd_training_ratio": plotstyle.Figure(
        alt="Two stacked line charts sharing an epoch axis. Top: held-out accuracy "
        "stays at chance for many epochs, then climbs. Bottom: the update:data "
        "ratio of each layer; at first the layers are ordered, the first hidden "
        "layer lowest and the output layer highest, and the gaps close once the "
        "accuracy starts to climb.",
        caption=r"Held-out accuracy (top) and the update:data ratio "
        r"\(\log_{10}(\operatorname{std}(\eta\,\partial C/\partial w^l) / "
        r"\operatorname{std}(w^l))\) of each book layer \(l\) (bottom), per epoch: "
        "medians over seeds of the per-step values. The dashed line is "
        "Karpathy's rule of thumb of −3.",
    ),
    "sgd_training_distance": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: the distance each weight "
        "matrix has moved from its initial value grows with the epochs for every "
        "layer; the first hidden layer's curve starts lowest, rises steadily, and "
        "catches up with the others late in training.",
        caption=r"Distance \(\lVert w^l(t) - w^l(0) \rVert\) moved by the weights "
        r"of each book layer \(l\) after \(t\) epochs, median over seeds. The "
        "dotted vertical line marks the epoch at which the table above reads "
        "the distances off.",
    ),
}


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first 1,000 bundled digits for training, the rest held out:
    ``(x, y_onehot, x_test, labels)``."""
    x, labels = data.load_digits()
    x_train, y_train, x_test, y_test = data.nielsen_split(x, labels)
    return x_train, data.one_hot(y_train), x_test, y_test


def accuracy(weights: list, biases: list, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of the columns of ``x`` whose largest output is the right digit."""
    output = backprop.forward(weights, biases, x)[1][-1]
    return float(np.mean(output.argmax(axis=0) == labels))


# --8<-- [start:core]
def diagnostics(u: backprop.Update):
    """record(): per layer, ‖Δw^l‖ = η‖∂C/∂w^l‖ and the update:data ratio."""
    moves = [ETA * np.linalg.norm(g) for g in u.nabla_w]
    ratios = [np.log10(np.std(ETA * g) / np.std(w))
              for g, w in zip(u.nabla_w, u.weights)]
    return moves, ratios


def full_batch(weights, biases, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Per hidden layer, over all of x: Nielsen's speed ||∂C/∂b^l|| and the
    per-example error size mean_x ||δ^l_{•,x}||."""
    _, nabla_b, errors = backprop.backward(weights, biases, x, y)
    sizes = [np.linalg.norm(e, axis=0).mean() for e in errors[:-1]]
    return backprop.speeds(nabla_b), np.array(sizes)


def run(seed: int, x, y, x_test, labels) -> dict:
    """Train one network for EPOCHS epochs, one ``backprop.train`` call per epoch."""
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(SIZES, rng)
    start = [w.copy() for w in weights]
    steps, dist = [], [[0.0] * len(start)]
    acc = [accuracy(weights, biases, x_test, labels)]
    full = [full_batch(weights, biases, x, y)]
    for _ in range(EPOCHS):
        weights, biases, history = backprop.train(
            weights, biases, x, y, epochs=1, batch_size=BATCH, eta=ETA,
            lmbda=LMBDA, rng=rng, record=diagnostics)
        steps += history
        acc.append(accuracy(weights, biases, x_test, labels))
        dist.append([np.linalg.norm(w - w0) for w, w0 in zip(weights, start)])
        full.append(full_batch(weights, biases, x, y))
    return {"step_size": np.array([s for s, _ in steps]),  # (steps, layers)
            "ratio": np.array([r for _, r in steps]),
            "accuracy": np.array(acc), "distance": np.array(dist),  # (epochs+1, …)
            "speed": np.array([s for s, _ in full]),  # (epochs+1, hidden layers)
            "example_error": np.array([e for _, e in full]),
            "norm0": np.array([np.linalg.norm(w) for w in start])}
# --8<-- [end:core]


def measure() -> dict:
    x, y, x_test, labels = load()
    runs = [run(seed, x, y, x_test, labels) for seed in SEEDS]
    out = {key: np.stack([r[key] for r in runs]) for key in runs[0]}  # seeds first
    out["layers"] = list(range(2, len(SIZES) + 1))
    out["steps_per_epoch"] = -(-x.shape[1] // BATCH)
    out["n_train"] = x.shape[1]
    return out


def per_epoch(series: np.ndarray, steps_per_epoch: int) -> np.ndarray:
    """(seeds, steps, layers) -> (seeds, epochs, layers): median within each epoch."""
    s, t, n = series.shape
    return np.median(series.reshape(s, t // steps_per_epoch, steps_per_epoch, n),
                     axis=2)


def escape_epochs(d: dict) -> np.ndarray:
    """Per seed, the first epoch with held-out accuracy ≥ ESCAPE (EPOCHS + 1: never)."""
    reached = d["accuracy"] >= ESCAPE
    return np.where(reached.any(axis=1), reached.argmax(axis=1), EPOCHS + 1)


def plateau_summary(d: dict) -> dict:
    """Per layer, medians over seeds of what happens in the first PLATEAU epochs."""
    k = PLATEAU * d["steps_per_epoch"]
    step = np.median(d["step_size"][:, :k], axis=1)  # (seeds, layers)
    ratio = np.median(d["ratio"][:, :k], axis=1)
    path = d["step_size"][:, :k].sum(axis=1)
    moved = d["distance"][:, PLATEAU]
    return {
        "step": np.median(step, axis=0), "ratio": np.median(ratio, axis=0),
        "moved": np.median(moved, axis=0),
        "relative": np.median(moved / d["norm0"], axis=0),
        "straightness": np.median(moved / path, axis=0),
        "moved_ratio": float(np.median(moved[:, -1] / moved[:, 0])),
        "step_ratio": float(np.median(step[:, -1] / step[:, 0])),
        # Nielsen's measure: last over first hidden layer, full batch, per epoch
        "bias_ratio": float(np.median(np.median(
            last_over_first(d["speed"][:, :PLATEAU + 1]), axis=1))),
        "accuracy": float(np.median(d["accuracy"][:, PLATEAU])),
    }


def last_over_first(s: np.ndarray) -> np.ndarray:
    """Last hidden layer's value over the first's, along the last axis."""
    return s[..., -1] / s[..., 0]


def table(d: dict) -> str:
    s = plateau_summary(d)
    rows = ["| book layer \\(l\\) | median step \\(\\lVert\\Delta w^l\\rVert\\) | "
            "median update:data ratio | distance moved | relative to "
            "\\(\\lVert w^l(0)\\rVert\\) | distance / path length |",
            "|---|---|---|---|---|---|"]
    for i, l in enumerate(d["layers"]):
        rows.append(f"| {l} | {s['step'][i]:.2g} | {s['ratio'][i]:.2f} | "
                    f"{s['moved'][i]:.2g} | {s['relative'][i]:.2g} | "
                    f"{s['straightness'][i]:.2f} |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    s = plateau_summary(d)
    final = per_epoch(d["ratio"], d["steps_per_epoch"])[:, -1]  # (seeds, layers)
    return {
        "table": table(d),
        "sizes": str(SIZES),
        "eta": ETA, "batch": BATCH, "lmbda": LMBDA, "epochs": EPOCHS,
        "plateau": PLATEAU, "n_seeds": len(SEEDS),
        "plateau_accuracy": s["accuracy"],
        "final_accuracy": float(np.median(d["accuracy"][:, -1])),
        "moved_first": float(s["moved"][0]), "moved_last": float(s["moved"][-1]),
        "moved_ratio": s["moved_ratio"], "step_ratio": s["step_ratio"],
        "relative_first": float(s["relative"][0]),
        "straight_first": float(s["straightness"][0]),
        "straight_last": float(s["straightness"][-1]),
        "ratio_first": float(s["ratio"][0]), "ratio_last": float(s["ratio"][-1]),
        "final_spread": float(np.median(final.max(axis=1) - final.min(axis=1))),
        "final_ratio_first": float(np.median(final[:, 0])),
        "escape": ESCAPE, "escape_epoch": float(np.median(escape_epochs(d))),
        "nielsen_eta": NIELSEN_ETA, "nielsen_batch": NIELSEN_BATCH,
        "steps_per_epoch": d["steps_per_epoch"],
        "nielsen_steps_per_epoch": -(-d["n_train"] // NIELSEN_BATCH),
        "bias_ratio": s["bias_ratio"],
        "bias_ratio_start": float(np.median(last_over_first(d["speed"][:, 0]))),
        "bias_ratio_final": float(np.median(last_over_first(d["speed"][:, -1]))),
        "example_ratio_start": float(np.median(
            last_over_first(d["example_error"][:, 0]))),
        "example_ratio_final": float(np.median(
            last_over_first(d["example_error"][:, -1]))),
    }


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    epochs = np.arange(1, EPOCHS + 1)
    ratio = np.median(per_epoch(d["ratio"], d["steps_per_epoch"]), axis=0)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6.4, 5.0),
                                      height_ratios=[1, 2])
    top.plot(np.arange(EPOCHS + 1), np.median(d["accuracy"], axis=0),
             color=plotstyle.ink(theme))
    top.set_ylabel("held-out\naccuracy")
    top.set_ylim(0, 1)
    for i, l in enumerate(d["layers"]):
        bottom.plot(epochs, ratio[:, i], label=f"$l = {l}$")
    bottom.axhline(KARPATHY, linestyle="--", color=plotstyle.ink(theme),
                   linewidth=1)
    bottom.set_xlabel("epoch")
    bottom.set_ylabel("update:data ratio (log$_{10}$)")
    bottom.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8,
                  title="layer", title_fontsize=8)

    fig2, ax = plt.subplots()
    dist = np.median(d["distance"], axis=0)
    for i, l in enumerate(d["layers"]):
        ax.semilogy(epochs, dist[1:, i], label=f"$l = {l}$")
    ax.axvline(PLATEAU, linestyle=":", color=plotstyle.ink(theme), linewidth=1)
    ax.set_xlabel("epoch $t$")
    ax.set_ylabel(r"$\Vert w^l(t) - w^l(0)\Vert$")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8,
              title="layer", title_fontsize=8)
    return {"sgd_training_ratio": fig, "sgd_training_distance": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
