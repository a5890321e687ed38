"""Adam on the Cross Validated answer's network, and where Adam's ε takes over.

Two measurements, both cheap:

1. The answer's network (``two_neuron``: six layers of two sigmoid neurons, one
   input x and target y) is drawn for N_NETS seeds k (``two_neuron.network(k)``)
   and trained, stacked, for STEPS full-batch steps with each optimizer. As in
   ``optimizer_training``, each step's root-mean-square (RMS) step and gradient
   per parameter of every book layer are recorded; per network we fit the slope
   of log step against log gradient over all layers and steps, and take the ratio
   of the output layer's RMS step (and gradient) to layer 2's.
2. Adam's first step is η·g/(|g| + ε) for a parameter with gradient g: the same
   size η for every |g| ≫ ε, but η·g/ε, proportional to g again, for |g| ≪ ε.
   For sigmoid networks [64, 30, …, 30, 10] of growing depth (Nielsen's
   initialisation, the first BATCH training digits), we measure layer 2's RMS
   gradient per parameter at initialisation, median over seeds, and find the
   fewest hidden layers at which it falls below ε and below ε/10. A network of
   DEEP hidden layers is then trained with Adam for one epoch, recording each
   layer's RMS step per parameter over η against its RMS gradient.
"""

from __future__ import annotations

import sys

import numpy as np

import backprop
import optimizer_training as training
import optimizers
import plotstyle
import stacked
import two_neuron

N_NETS = 50  # networks of the Cross Validated answer, seeds k = 0..N_NETS-1
STEPS = 100  # full-batch steps on its single example
ETAS = {"sgd": 3.0, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}  # as chosen
EPS = optimizers.DEFAULTS["adam"]["eps"]
HIDDEN = range(4, 25)  # hidden layers of 30 neurons, for the depth sweep
DEPTH_SEEDS = range(5)
BATCH = training.BATCH  # the first BATCH training digits give the gradient
DEEP = 20  # hidden layers of the network trained with Adam for one epoch
DEEP_ETA = ETAS["adam"]

FIGURES = {
    "optimizer_eps": plotstyle.Figure(
        alt="Two charts. Left, logarithmic vertical axis: layer 2's root-mean-square "
        "gradient per parameter at initialization falls steadily as hidden layers "
        "are added, crossing the horizontal line at Adam's epsilon. Right, log-log: "
        "for a network of many hidden layers trained with Adam, each layer's "
        "root-mean-square step over eta against its root-mean-square gradient; the "
        "dots follow the curve g/(g + epsilon): flat at 1 for large gradients, a "
        "rising line of slope 1 for gradients below epsilon.",
        caption=r"Left: RMS gradient per parameter of book layer 2 at "
        r"initialization, median over seeds, against the number of hidden layers; "
        r"the dashed line is Adam's \(\varepsilon\). Right: Adam, one epoch on a "
        r"network of many hidden layers: each layer's RMS step per parameter over "
        r"\(\eta\) (one dot per layer and step) against its RMS gradient per "
        r"parameter; the curve is \(g/(g + \varepsilon)\).",
    ),
}


# --8<-- [start:core]
def two_neuron_runs() -> dict:
    """Per optimizer: RMS steps and gradients (steps, seeds, layers) of N_NETS
    networks of the Cross Validated answer, trained on its one example."""
    nets = [two_neuron.network(k) for k in range(N_NETS)]
    weights, biases = stacked.stack([(w, b) for w, b, _, _ in nets])
    x, y = nets[0][2], nets[0][3]
    out = {}
    for name, eta in ETAS.items():
        rngs = [np.random.default_rng(k) for k in range(N_NETS)]  # 1 example:
        _, _, history = stacked.train(                      # order is moot
            weights, biases, x, y, epochs=STEPS, batch_size=1,
            optimizer=optimizers.make(name, eta), rngs=rngs,
            record=training.rms_per_layer)
        r = np.array(history)
        out[name] = {"step": r[:, 0], "grad": r[:, 1]}
    return out


def layer2_gradient(hidden: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """RMS gradient per parameter of book layer 2 at initialisation, per seed,
    for [64, 30 × hidden, 10]."""
    sizes = [x.shape[0], *[30] * hidden, y.shape[0]]
    nets = [backprop.init_params(sizes, np.random.default_rng(s))
            for s in DEPTH_SEEDS]
    weights, biases = stacked.stack(nets)
    nabla_w, nabla_b, _ = stacked.backward(weights, biases, x, y)
    return training.rms_per_layer(backprop.Update(
        0, None, weights, biases, nabla_w, nabla_b, (), 0.0, nabla_w, nabla_b))[1][
            :, 0]


def deep_adam(x: np.ndarray, y: np.ndarray) -> dict:
    """One epoch of Adam on [64, 30 × DEEP, 10], seed 0: per step and layer, RMS
    step per parameter over η and RMS gradient per parameter."""
    rng = np.random.default_rng(0)
    weights, biases = backprop.init_params([x.shape[0], *[30] * DEEP, y.shape[0]],
                                           rng)
    _, _, history = backprop.train(
        weights, biases, x, y, epochs=1, batch_size=BATCH, rng=rng,
        optimizer=optimizers.make("adam", DEEP_ETA),
        record=training.rms_per_layer)
    r = np.array(history)  # (steps, 2, layers)
    return {"step": r[:, 0] / DEEP_ETA, "grad": r[:, 1]}
# --8<-- [end:core]


def measure() -> dict:
    x, y, _, _ = training.load()
    return {"two_neuron": two_neuron_runs(),
            "depth": np.array([layer2_gradient(h, x[:, :BATCH], y[:, :BATCH])
                               for h in HIDDEN]),  # (depths, seeds)
            "deep": deep_adam(x, y)}


def two_neuron_summary(r: dict) -> dict:
    """Medians over the networks of the per-network slope and late/early ratios."""
    step, grad = r["step"], r["grad"]  # (steps, seeds, layers)
    slopes = [training.slope(step[:, s], grad[:, s]) for s in range(step.shape[1])]
    return {"slope": float(np.median(slopes)),
            "step_ratio": float(np.median(step[..., -1] / step[..., 0])),
            "grad_ratio": float(np.median(grad[..., -1] / grad[..., 0]))}


def crossing(d: dict, level: float) -> int:
    """The fewest hidden layers whose median layer-2 RMS gradient is below level."""
    below = np.median(d["depth"], axis=1) < level
    if not below.any():
        raise ValueError(f"no depth up to {HIDDEN[-1]} gets below {level:g}")
    return int(np.array(HIDDEN)[below.argmax()])


def per_layer(d: dict) -> float:
    """The factor by which each added hidden layer multiplies layer 2's median RMS
    gradient (a least-squares fit of its logarithm against depth)."""
    fit = np.polyfit(list(HIDDEN), np.log(np.median(d["depth"], axis=1)), 1)
    return float(np.exp(fit[0]))


def table(d: dict) -> str:
    rows = ["| optimizer | \\(\\eta\\) | slope of log step against log gradient | "
            "output layer's RMS gradient over layer 2's | output layer's RMS step "
            "over layer 2's |", "|---|---|---|---|---|"]
    for name, r in d["two_neuron"].items():
        s = two_neuron_summary(r)
        rows.append(f"| {training.LABELS[name]} | {ETAS[name]:g} | {s['slope']:.2f} "
                    f"| {s['grad_ratio']:.0f} | {training.ratio(s['step_ratio'])} |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    out = {"table": table(d), "n_nets": N_NETS, "steps": STEPS, "eps": EPS,
           "cross_eps": crossing(d, EPS), "cross_tenth": crossing(d, EPS / 10),
           "deep": DEEP, "deep_eta": DEEP_ETA,
           "hidden_min": HIDDEN[0], "hidden_max": HIDDEN[-1],
           "depth_seeds": len(DEPTH_SEEDS), "batch": BATCH,
           "per_layer": per_layer(d)}
    for name, r in d["two_neuron"].items():
        s = two_neuron_summary(r)
        out |= {f"{name}_slope": s["slope"], f"{name}_step_ratio": s["step_ratio"],
                f"{name}_grad_ratio": s["grad_ratio"]}
    deep = d["deep"]
    low = deep["grad"] < EPS / 10  # layers far below ε
    out["deep_low_slope"] = training.slope(deep["step"][low], deep["grad"][low])
    out["deep_low_layers"] = int(low.all(axis=0).sum())
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.4))
    left.semilogy(list(HIDDEN), np.median(d["depth"], axis=1), "o-", markersize=3,
                  color=colours[0])
    left.axhline(EPS, linestyle="--", color=plotstyle.ink(theme), linewidth=1)
    left.text(HIDDEN[0], EPS * 2, r"$\varepsilon$", color=plotstyle.ink(theme))
    left.set_xlabel("hidden layers")
    left.set_ylabel("layer 2: RMS gradient per parameter")
    grad, step = d["deep"]["grad"], d["deep"]["step"]
    right.loglog(grad.ravel(), step.ravel(), "o", markersize=2.5, color=colours[1])
    g = np.logspace(np.log10(grad.min()), np.log10(grad.max()), 60)
    right.loglog(g, g / (g + EPS), color=plotstyle.ink(theme), linewidth=1)
    right.axvline(EPS, linestyle="--", color=plotstyle.ink(theme), linewidth=1)
    right.set_xlabel("RMS gradient per parameter")
    right.set_ylabel(r"RMS step per parameter / $\eta$")
    fig.tight_layout()
    return {"optimizer_eps": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
