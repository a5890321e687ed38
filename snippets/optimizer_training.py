"""SGD, momentum, RMSProp and Adam on the vanishing network: step against gradient.

The deep sigmoid network of ``sgd_training`` ([64, 30, 30, 30, 30, 10], Nielsen's
default initialisation, cross-entropy cost, the first 1,000 bundled digits, mini-
batches of 100, no weight decay) is trained with each optimizer of
``optimizers.py`` at each learning rate of a small grid, the seeds of one setting
stacked (``stacked.py``). A run stops when every seed has left the plateau or
diverged, or after CAP epochs. A ``record`` keeps, at every step, for every book
layer l and every seed, the root-mean-square (RMS) step per parameter
sqrt(mean(Δα²)) and the RMS gradient per parameter sqrt(mean(ĝ_α²)) over all
weights and biases α of layer l (layers differ in size, so per parameter).

- Leaving the plateau: the first epoch whose held-out accuracy reaches
  ``sgd_training.ESCAPE``. Each optimizer's η is the grid value with the smallest
  median of these epochs over the seeds (a seed that never leaves counts as
  CAP + 1; a tie goes to the smaller η).
- A seed diverges when its held-out cost at the end of an epoch is not finite or
  more than DIVERGE times its cost at initialisation.
- On the plateau (the epochs before a seed leaves it) we fit, per seed, the slope
  of log RMS step against log RMS gradient over all layers and steps (1 for SGD by
  construction), and take the ratio of the output layer's RMS step to layer 2's
  (how much faster the late layer moves), and the same ratio of the gradients.

The SGD grid doubles as "can't I just raise η?": the same ratios for every η.
Figures: step against gradient under each optimizer at its chosen η; the late over
early gradient ratio during training under SGD for every η.
"""

from __future__ import annotations

import sys

import numpy as np

import backprop
import data
import optimizers
import plotstyle
import sgd_training as setup
import stacked

SEEDS = range(3)  # each seed k: default_rng(k) draws the weights, then shuffles
SIZES = setup.SIZES
BATCH = setup.BATCH
ESCAPE = setup.ESCAPE  # held-out accuracy that marks the end of the plateau
CAP = 60  # epochs at most per run
DIVERGE = 2.0  # a held-out cost above DIVERGE × its initial value: diverged
GRIDS = {  # learning rates tried, a factor of about 3 apart
    "sgd": (1.0, 3.0, 10.0, 30.0),
    "momentum": (0.1, 0.3, 1.0),
    "rmsprop": (0.003, 0.01, 0.03),
    "adam": (0.003, 0.01, 0.03),
}
LABELS = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp",
          "adam": "Adam"}
SHOWN_EPOCHS = 20  # plateau epochs plotted in the step-against-gradient figure

FIGURES = {
    "optimizer_step_vs_gradient": plotstyle.Figure(
        alt="Four log-log scatter plots, one per optimizer, of the root-mean-square "
        "step per parameter against the root-mean-square gradient per parameter, "
        "one colour per layer, one dot per epoch on the plateau. Under SGD and "
        "momentum the dots of all layers lie on one rising line, the first hidden "
        "layer far left and low. Under RMSProp and Adam the steps of all layers lie "
        "at nearly the same height although their gradients differ by orders of "
        "magnitude.",
        caption=r"Root-mean-square step per parameter against root-mean-square "
        r"gradient per parameter of each book layer \(l\), on the plateau, each "
        "optimizer at its chosen learning rate. Each dot is one epoch's median "
        "over its steps and the seeds.",
    ),
    "optimizer_raise_eta": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: under SGD, the ratio of "
        "the output layer's to the first hidden layer's root-mean-square gradient "
        "per parameter, per epoch, one line per learning rate. The lines for the "
        "two smaller rates stay in the hundreds and fall only late in training; "
        "the next larger rate rises within a few epochs to about twenty thousand "
        "and stays there; the largest ends after its first epoch, because every "
        "network diverged.",
        caption=r"SGD: root-mean-square gradient per parameter of the output layer "
        r"over that of layer 2, per epoch (median over steps and seeds), for each "
        r"\(\eta\) of the grid. Under SGD the same ratio holds for the steps.",
    ),
}


def load():
    return setup.load()


# --8<-- [start:core]
def rms_per_layer(u: backprop.Update) -> np.ndarray:
    """record(): per layer and seed, RMS step and RMS gradient per parameter,
    over the weights and biases of the layer: shape (2, seeds, layers), or
    (2, layers) for one network."""
    def rms(ws, bs):
        return np.stack([np.sqrt((np.sum(w * w, axis=(-2, -1))
                                  + np.sum(b * b, axis=(-2, -1)))
                                 / (w.shape[-2] * w.shape[-1] + b.shape[-2]))
                         for w, b in zip(ws, bs, strict=True)], axis=-1)
    return np.stack([rms(u.delta_w, u.delta_b), rms(u.nabla_w, u.nabla_b)])


def run(name: str, eta: float, x, y, x_test, labels) -> dict:
    """Train every seed with a fresh ``optimizers.make(name, eta)`` (one state per
    network of the stack), one ``stacked.train`` call per epoch."""
    rngs = [np.random.default_rng(seed) for seed in SEEDS]
    weights, biases = stacked.stack([backprop.init_params(SIZES, r) for r in rngs])
    opt = optimizers.make(name, eta)
    _, cost0 = evaluate(weights, biases, x_test, labels)
    escaped = np.full(len(SEEDS), CAP + 1)
    diverged = np.zeros(len(SEEDS), bool)
    records, epochs = [], 0
    with np.errstate(all="ignore"):  # a diverging network overflows, on purpose
        while epochs < CAP and not np.all((escaped <= CAP) | diverged):
            weights, biases, history = stacked.train(
                weights, biases, x, y, epochs=1, batch_size=BATCH, optimizer=opt,
                rngs=rngs, record=rms_per_layer)
            records += history
            epochs += 1
            acc, cost = evaluate(weights, biases, x_test, labels)
            escaped = np.where((escaped > CAP) & (acc >= ESCAPE), epochs, escaped)
            diverged |= ~np.isfinite(cost) | (cost > DIVERGE * cost0)
    r = np.array(records)  # (steps, 2, seeds, layers)
    return {"step": r[:, 0], "grad": r[:, 1], "escaped": escaped,
            "diverged": diverged, "epochs": epochs}


def evaluate(weights, biases, x_test, labels) -> tuple[np.ndarray, np.ndarray]:
    """Held-out accuracy and cost C of every network of the stack (the cost is
    inf once a network's outputs saturate on a wrong answer)."""
    output = stacked.forward(weights, biases, x_test)[1][-1]  # (seeds, 10, m)
    y = data.one_hot(labels)
    return (np.mean(output.argmax(axis=1) == labels, axis=1),
            np.array([backprop.cost_value(a, y) for a in output]))
# --8<-- [end:core]


def measure() -> dict:
    x, y, x_test, labels = load()
    return {"runs": {(name, eta): run(name, eta, x, y, x_test, labels)
                     for name, grid in GRIDS.items() for eta in grid},
            "steps_per_epoch": -(-x.shape[1] // BATCH),
            "layers": list(range(2, len(SIZES) + 1))}


# ------------------------------------------------------------------ analysis


def chosen(d: dict) -> dict[str, float]:
    """Per optimizer, the grid η with the smallest median epochs to leave the
    plateau (ties: the smaller η)."""
    return {name: min(grid, key=lambda eta: (
        np.median(d["runs"][name, eta]["escaped"]), eta))
        for name, grid in GRIDS.items()}


def plateau_mask(r: dict, steps_per_epoch: int) -> np.ndarray:
    """(steps, seeds): True for the steps of the epochs before the seed left the
    plateau, while its parameters are finite."""
    epoch = np.arange(r["step"].shape[0]) // steps_per_epoch + 1
    finite = np.all(np.isfinite(r["step"]) & (r["step"] > 0)
                    & np.isfinite(r["grad"]) & (r["grad"] > 0), axis=-1)
    return (epoch[:, None] < r["escaped"][None, :]) & finite


def slope(step: np.ndarray, grad: np.ndarray) -> float:
    """Least-squares slope of log10 step against log10 gradient."""
    return float(np.polyfit(np.log10(grad.ravel()), np.log10(step.ravel()), 1)[0])


def summary(r: dict, steps_per_epoch: int) -> dict:
    """Medians over the seeds of the per-seed plateau statistics of one run."""
    mask = plateau_mask(r, steps_per_epoch)
    per_seed = []
    for s in range(mask.shape[1]):
        if mask[:, s].sum() < 2:
            continue
        step, grad = r["step"][mask[:, s], s], r["grad"][mask[:, s], s]
        per_seed.append((slope(step, grad),
                         np.median(step[:, -1] / step[:, 0]),
                         np.median(grad[:, -1] / grad[:, 0]),
                         np.median(step[:, 0])))
    stats = np.median(np.array(per_seed), axis=0)
    return {"slope": stats[0], "step_ratio": stats[1], "grad_ratio": stats[2],
            "first_step": stats[3],
            "escape": float(np.median(r["escaped"])),
            "escape_min": int(r["escaped"].min()),
            "escape_max": int(r["escaped"].max()),
            "diverged": int(r["diverged"].sum())}


def largest_stable(d: dict) -> float:
    """The largest SGD η of the grid with which no seed diverged."""
    return max(eta for eta in GRIDS["sgd"] if not d["runs"]["sgd", eta]["diverged"]
               .any())


def ratio(x: float) -> str:
    """A ratio for a table: whole numbers from 10 on, else two decimals."""
    return f"{x:.0f}" if x >= 10 else f"{x:.2f}"


def escape_cell(r: dict) -> str:
    """Median (fastest–slowest seed); "> CAP" for a seed that never left."""
    def epochs(e: float) -> str:
        return f"{e:g}" if e <= CAP else f"> {CAP}"
    e = r["escaped"]
    if e.min() > CAP:
        return f"> {CAP}"
    return f"{epochs(float(np.median(e)))} ({epochs(e.min())}–{epochs(e.max())})"


def grid_table(d: dict) -> str:
    best = chosen(d)
    rows = ["| optimizer | \\(\\eta\\) | median epochs to leave the plateau "
            "(fastest–slowest seed) | seeds diverged |", "|---|---|---|---|"]
    for name, grid in GRIDS.items():
        for eta in grid:
            r = d["runs"][name, eta]
            mark = "**" if eta == best[name] else ""
            rows.append(f"| {LABELS[name]} | {mark}{eta:g}{mark} | "
                        f"{escape_cell(r)} | {int(r['diverged'].sum())} of "
                        f"{len(SEEDS)} |")
    return "\n".join(rows)


def optimizer_table(d: dict) -> str:
    best = chosen(d)
    rows = ["| optimizer | \\(\\eta\\) | slope of log step against log gradient | "
            "output layer's RMS gradient over layer 2's | output layer's RMS step "
            "over layer 2's | median epochs to leave the plateau |",
            "|---|---|---|---|---|---|"]
    for name, eta in best.items():
        s = summary(d["runs"][name, eta], d["steps_per_epoch"])
        rows.append(f"| {LABELS[name]} | {eta:g} | {s['slope']:.2f} | "
                    f"{s['grad_ratio']:.0f} | {ratio(s['step_ratio'])} | "
                    f"{escape_cell(d['runs'][name, eta])} |")
    return "\n".join(rows)


def raise_table(d: dict) -> str:
    rows = ["| \\(\\eta\\) | output layer's RMS gradient over layer 2's | "
            "layer 2's RMS step | median epochs to leave the plateau | seeds "
            "diverged |", "|---|---|---|---|---|"]
    for eta in GRIDS["sgd"]:
        r = d["runs"]["sgd", eta]
        s = summary(r, d["steps_per_epoch"])
        rows.append(f"| {eta:g} | {s['grad_ratio']:.0f} | {s['first_step']:.1e} | "
                    f"{escape_cell(r)} | {s['diverged']} of {len(SEEDS)} |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    best = chosen(d)
    out = {"grid_table": grid_table(d), "optimizer_table": optimizer_table(d),
           "raise_table": raise_table(d), "cap": CAP, "n_seeds": len(SEEDS),
           "diverge": DIVERGE, "escape": ESCAPE, "batch": BATCH,
           "sizes": str(SIZES)}
    for name, eta in best.items():
        s = summary(d["runs"][name, eta], d["steps_per_epoch"])
        out |= {f"{name}_eta": eta, f"{name}_slope": s["slope"],
                f"{name}_step_ratio": s["step_ratio"],
                f"{name}_grad_ratio": s["grad_ratio"],
                f"{name}_escape": s["escape"]}
    stable = largest_stable(d)
    unstable = min(eta for eta in GRIDS["sgd"] if eta > stable)
    low, high, over = (summary(d["runs"]["sgd", eta], d["steps_per_epoch"])
                       for eta in (GRIDS["sgd"][0], stable, unstable))
    out |= {"sgd_stable": stable, "sgd_low": GRIDS["sgd"][0],
            "sgd_grid_max": GRIDS["sgd"][-1],
            "sgd_ratio_low": low["grad_ratio"], "sgd_ratio_stable": high["grad_ratio"],
            "sgd_unstable": unstable, "sgd_ratio_unstable": over["grad_ratio"],
            "sgd_first_gain": high["first_step"] / low["first_step"],
            "sgd_eta_gain": stable / GRIDS["sgd"][0],
            "sgd_unstable_diverged": over["diverged"],
            "n_momentum_rates": len(GRIDS["momentum"]),
            "adam_speedup": out["sgd_escape"] / out["adam_escape"]}
    return out


def per_epoch(series: np.ndarray, steps_per_epoch: int) -> np.ndarray:
    """(steps, seeds, layers) -> (epochs, layers): median over each epoch's steps
    and the seeds."""
    t, s, n = series.shape
    e = t // steps_per_epoch
    return np.median(series[:e * steps_per_epoch].reshape(e, steps_per_epoch * s, n),
                     axis=1)


def layer_colour(i: int) -> int:
    """Palette index of the i-th layer: skips the second blue (index 4)."""
    return (0, 1, 2, 3, 5, 6)[i % 6]


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    best = chosen(d)
    colours = plotstyle.palette(theme)
    fig, axes = plt.subplots(2, 2, figsize=(6.4, 5.6), sharex=True, sharey=True)
    for ax, (name, eta) in zip(axes.ravel(), best.items(), strict=True):
        r = d["runs"][name, eta]
        shown = min(SHOWN_EPOCHS, int(np.median(r["escaped"])) - 1, r["epochs"])
        shown = max(shown, 1)
        k = shown * d["steps_per_epoch"]
        step = per_epoch(r["step"][:k], d["steps_per_epoch"])
        grad = per_epoch(r["grad"][:k], d["steps_per_epoch"])
        for i, l in enumerate(d["layers"]):
            ax.loglog(grad[:, i], step[:, i], "o", markersize=3,
                      color=colours[layer_colour(i)], label=f"$l = {l}$")
        ax.set_title(f"{LABELS[name]}, $\\eta = {eta:g}$", fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel("RMS gradient per parameter")
    for ax in axes[:, 0]:
        ax.set_ylabel("RMS step per parameter")
    axes[0, 1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8,
                      title="layer", title_fontsize=8)

    fig2, ax = plt.subplots()
    for i, eta in enumerate(GRIDS["sgd"]):
        r = d["runs"]["sgd", eta]
        with np.errstate(all="ignore"):
            ratio = per_epoch(r["grad"][..., -1:] / r["grad"][..., :1],
                              d["steps_per_epoch"])[:, 0]
        ax.semilogy(np.arange(1, ratio.size + 1), ratio, marker="o" if
                    ratio.size < 3 else None, color=colours[i % len(colours)],
                    label=f"$\\eta = {eta:g}$")
    ax.set_xlabel("epoch")
    ax.set_ylabel("RMS gradient: output layer / layer 2")
    ax.legend(fontsize=8)
    return {"optimizer_step_vs_gradient": fig, "optimizer_raise_eta": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
