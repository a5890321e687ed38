"""The remedies in training: training curves, speeds during training, a summary.

Every network of ``remedies_init`` is trained with ``backprop.train`` on the first
1,000 bundled digits (mini-batches of BATCH, one common η, λ = 0) for EPOCHS epochs,
on each of SEEDS; the other 797 digits are held out; the clipped network trains with
``clip=τ``. A ``record`` function logs Nielsen's speed of every hidden layer at
every step, on the gradient as computed, *before* the clip. After every epoch the
snippet notes the cost C and the accuracy on the held-out digits; a run whose
parameters or gradient stop being finite is marked as diverged and stopped.

The first figure shows each hidden layer's speed during training, one panel per
remedy; the second the held-out cost and accuracy per epoch. ``values`` builds the
summary table, one row per remedy.
"""

import sys
from collections.abc import Callable

import numpy as np

import backprop
import data
import plotstyle
import remedies_init as setup
from remedies_init import REMEDIES

SEEDS = range(3)
EPOCHS = 40
BATCH = 100  # mini-batch size m
ETA = 0.1  # η, the same for every network
TARGET = 0.8  # held-out accuracy whose first epoch the table reports


class Diverged(Exception):
    """The parameters or the gradient of a run are no longer finite."""


# --8<-- [start:core]
def logged(remedy: setup.Remedy, log: list) -> Callable:
    """A ``record`` for backprop.train: logs the speeds, measured on the gradient
    before any clip; returns the norm of the gradient the step applied."""
    def record(u: backprop.Update) -> float:
        finite = all(np.isfinite(p).all() for p in u.weights + u.biases)
        if not (finite and np.isfinite(u.norm)):
            raise Diverged
        log.append(setup.speeds(u.weights, u.nabla_b))
        return u.norm if remedy.clip is None else min(u.norm, remedy.clip)
    return record


def run(remedy: setup.Remedy, seed: int, x: np.ndarray, y: np.ndarray,
        x_test: np.ndarray, labels: np.ndarray, eta: float = ETA) -> dict:
    """Train one network, one ``backprop.train`` call per epoch."""
    rng = np.random.default_rng(seed)
    weights, biases = setup.init(remedy, rng)
    y_test = data.one_hot(labels)
    log, applied = [], []
    acc, cost = np.full(EPOCHS + 1, np.nan), np.full(EPOCHS + 1, np.nan)
    diverged = None
    for epoch in range(EPOCHS + 1):
        out = setup.output(remedy, weights, biases, x_test, x)  # held out
        with np.errstate(over="ignore"):  # saturated wrong outputs: C = inf
            cost[epoch] = backprop.cost_value(out, y_test)
        acc[epoch] = np.mean(out.argmax(axis=0) == labels)
        if epoch == EPOCHS:
            break
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # when diverging
                weights, biases, history = backprop.train(
                    weights, biases, x, y, epochs=1, batch_size=BATCH, eta=eta,
                    rng=rng, gradient=setup.BACKWARD[remedy.net],
                    clip=remedy.clip, record=logged(remedy, log),
                    activation=remedy.activation)
        except Diverged:
            diverged = len(log) + 1  # the first step (from 1) that was not finite
            break
        applied += history
    return {"accuracy": acc, "cost": cost, "speeds": np.array(log),
            "applied": np.array(applied), "diverged": diverged,
            "end": end_speeds(remedy, weights, biases, x, y, diverged)}
# --8<-- [end:core]


def end_speeds(remedy, weights, biases, x, y, diverged) -> np.ndarray:
    """Full-batch speeds of the hidden layers after training (nan if diverged)."""
    if diverged is not None:
        return np.full(len(setup.HIDDEN), np.nan)
    nabla_b = setup.BACKWARD[remedy.net](weights, biases, x, y,
                                         activation=remedy.activation)[1]
    return setup.speeds(weights, nabla_b)


def measure() -> dict:
    x, y, x_test, labels = setup.load()
    runs = {name: [run(r, seed, x, y, x_test, labels) for seed in SEEDS]
            for name, r in REMEDIES.items()}
    init = setup.measure()
    return {"runs": runs, "init": setup.ratios(init),
            "init_weight": setup.ratios(init, "weight"),
            "steps_per_epoch": -(-x.shape[1] // BATCH)}


# ------------------------------------------------------------------- summaries


def per_epoch(speeds: np.ndarray, steps_per_epoch: int) -> np.ndarray:
    """(steps, layers) -> (EPOCHS, layers): median over each epoch's steps; an
    epoch the run did not finish is nan."""
    out = np.full((EPOCHS, speeds.shape[1]), np.nan)
    full = len(speeds) // steps_per_epoch
    if full:
        steps = speeds[:full * steps_per_epoch]
        out[:full] = np.median(steps.reshape(full, steps_per_epoch, -1), axis=1)
    return out


def epochs_to_target(r: dict) -> float:
    """First epoch with held-out accuracy ≥ TARGET; inf if never reached."""
    hit = np.flatnonzero(r["accuracy"] >= TARGET)
    return float(hit[0]) if hit.size else np.inf


def clip_last_epoch(applied: np.ndarray, tau: float, d: dict) -> int:
    """The last epoch (1-based) in which the clip acted on some step."""
    hit = np.flatnonzero(applied >= tau * (1 - 1e-9))
    return int(hit[-1] // d["steps_per_epoch"]) + 1 if hit.size else 0


def summary(d: dict) -> dict:
    """Per remedy: medians over seeds of everything the table reports."""
    out = {}
    for name, runs in d["runs"].items():
        div = [r["diverged"] for r in runs]
        out[name] = {
            "init": d["init"][name], "init_weight": d["init_weight"][name],
            "end": float(np.median([setup.first_over_last(r["end"]) for r in runs])),
            "epochs": float(np.median([epochs_to_target(r) for r in runs])),
            "final": float(np.median([r["accuracy"][-1] for r in runs])),
            "diverged": sum(v is not None for v in div),
            "diverged_step": max((v for v in div if v is not None), default=-1),
        }
    return out


def table(d: dict) -> str:
    """The summary table, Markdown; ratios are first over last hidden layer."""
    rows = ["| network | \\(s_2/s_7\\) at init | \\(\\lVert\\partial C/\\partial "
            "w^2\\rVert / \\lVert\\partial C/\\partial w^7\\rVert\\) at init | "
            "\\(s_2/s_7\\) after training | "
            f"epochs to {TARGET:.0%} held-out accuracy | final held-out accuracy |",
            "|---|---|---|---|---|---|"]
    n = len(SEEDS)
    for name, s in summary(d).items():
        cells = [REMEDIES[name].label, f"{s['init']:.2g}", f"{s['init_weight']:.2g}"]
        if s["diverged"] == n:
            cells += ["—", "not reached",
                      f"diverged (all {n} runs, by step {s['diverged_step']})"]
        else:
            cells += [f"{s['end']:.2g}",
                      "not reached" if np.isinf(s["epochs"]) else f"{s['epochs']:.0f}",
                      f"{s['final']:.1%}"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    s = summary(d)
    applied = [r["applied"] for r in d["runs"]["clipped"]]
    tau = REMEDIES["clipped"].clip
    out = {
        "table": table(d), "epochs": EPOCHS, "batch": BATCH, "eta": ETA,
        "target": TARGET, "n_seeds": len(SEEDS),
        "clip_max_applied": float(max(a.max() for a in applied)),
        "clip_fraction": float(np.median([np.mean(a >= tau * (1 - 1e-9))
                                          for a in applied])),
        "clip_last_epoch": float(np.median([clip_last_epoch(a, tau, d)
                                            for a in applied])),
        "first_epoch_tanh": float(np.median(
            [setup.first_over_last(per_epoch(r["speeds"], d["steps_per_epoch"])[0])
             for r in d["runs"]["tanh"]])),
        "large_diverged": s["large"]["diverged"],
        "large_diverged_step": s["large"]["diverged_step"],
    }
    for name, v in s.items():
        for key in ("end", "epochs", "final"):
            if np.isfinite(v[key]):
                out[f"{key}_{name}"] = v[key]
    return out


# ------------------------------------------------------------------- figures

FIGURES = {
    "remedies_training_speeds": plotstyle.Figure(
        alt="Eight small line charts, one per remedy, sharing a logarithmic "
        "vertical axis: the speed of hidden layers 2 to 7 against the epoch, each "
        "layer in its own colour and marker. In "
        "the two plain sigmoid networks the six lines stay spread over several "
        "decades, the first hidden layer lowest, for the whole run. In most "
        "other networks the lines start close together and the first hidden "
        "layer ends among the fastest.",
        caption=r"Speed of learning of each hidden layer \(l\) during training "
        r"(with batch normalization: \(\lVert\partial C/\partial \beta^l\rVert\)), "
        "measured on every mini-batch before any clipping: per epoch, the median "
        "over its steps; median over seeds. The unclipped network with large "
        "ReLU weights is missing: it diverged within its first two epochs.",
    ),
    "remedies_training_curves": plotstyle.Figure(
        alt="Two stacked line charts sharing an epoch axis, one line per remedy. "
        "Top: the cost on the held-out digits, logarithmic axis; bottom: "
        "held-out accuracy. The two plain sigmoid networks stay at chance "
        "accuracy throughout; the others learn, batch normalization fastest; the "
        "network with large ReLU weights ends at a cross within two epochs, "
        "while its clipped twin learns.",
        caption=r"Cost \(C\) (top) and accuracy (bottom) on the 797 held-out "
        "digits after each epoch, median over seeds; epoch 0 is the "
        "initialization. A cross, drawn above the other lines, marks a network "
        "that diverged (at its median divergence step). With large "
        "ReLU weights some outputs start saturated at exactly 0 or 1 on the "
        "wrong side, which makes the initial cost infinite in floating point, "
        "so those lines start at epoch 1.",
    ),
}


def draw(d: dict, theme: str) -> dict:
    return {"remedies_training_speeds": draw_speeds(d, theme),
            "remedies_training_curves": draw_curves(d, theme)}


def draw_speeds(d: dict, theme: str):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    shown = [n for n in d["runs"] if n != "large"]  # "large" diverged early
    # One palette colour and one marker per layer: six shades of one colour map
    # are hard to tell apart in small panels.
    markers = "osD^vP"
    fig, axes = plt.subplots(2, 4, sharex=True, sharey=True, figsize=(7.2, 4.4))
    epochs = np.arange(1, EPOCHS + 1)
    colours = plotstyle.palette(theme)
    for ax, name in zip(axes.flat, shown):
        med = np.median([per_epoch(r["speeds"], d["steps_per_epoch"])
                         for r in d["runs"][name]], axis=0)  # (EPOCHS, layers)
        for i, l in enumerate(setup.HIDDEN):
            ax.semilogy(epochs, med[:, i], linewidth=1.2, color=colours[i],
                        marker=markers[i], markersize=3.5,
                        markevery=(i, len(setup.HIDDEN)), label=f"$l = {l}$")
        ax.set_title(REMEDIES[name].label, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.yaxis.set_minor_locator(NullLocator())  # minor log ticks: slow SVGs
    for ax in axes[-1]:
        ax.set_xlabel("epoch", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("speed", fontsize=8)
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="lower center",
               ncols=6, fontsize=8, title="hidden layer", title_fontsize=8)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.94, bottom=0.22,
                        wspace=0.08, hspace=0.3)
    return fig


def draw_curves(d: dict, theme: str):
    import matplotlib.pyplot as plt

    style = setup.styles(theme)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6.4, 5.4))
    epochs = np.arange(EPOCHS + 1)
    for name, runs in d["runs"].items():
        kw = style[name] | {"marker": None}
        with np.errstate(invalid="ignore"):  # inf - inf in the median
            cost = np.median([r["cost"] for r in runs], axis=0)
        acc = np.median([r["accuracy"] for r in runs], axis=0)
        cost[~np.isfinite(cost)] = np.nan
        top.semilogy(epochs, cost, label=REMEDIES[name].label, **kw)
        bottom.plot(epochs, acc, **kw)
        if all(r["diverged"] is not None for r in runs):
            at = np.median([r["diverged"] for r in runs]) / d["steps_per_epoch"]
            last = np.flatnonzero(np.isfinite(acc))[-1]
            bottom.plot(at, acc[last], "x", color=kw["color"], markersize=10,
                        markeredgewidth=2.5, zorder=10)  # above every other line
            bottom.annotate("diverged", (at, acc[last]), xytext=(6, 8),
                            textcoords="offset points", color=kw["color"],
                            fontsize=8, zorder=10)
    top.set_ylabel("held-out cost $C$")
    bottom.set_ylabel("held-out accuracy")
    bottom.set_ylim(0, 1)
    bottom.set_xlabel("epoch")
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
