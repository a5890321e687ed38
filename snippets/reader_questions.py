"""Questions readers ask: dead ReLUs, N(0, 1) weights, saturation, all measured.

The network is [64, 30, 30, 30, 30, 10] on the first 1,000 bundled 8x8 digits.

- ReLU with He's initialization: the speed of learning of the first hidden layer
  against the last's at the start, and how many hidden units are dead (z ≤ 0 for
  every training input, so their gradient is exactly 0) at the start and after a
  few epochs of SGD with a moderate and with a large learning rate η.
- Sigmoid with N(0, 1) weights (Nielsen's ``network.py``): the share of weights with
  |w| < 1, and the factors |w^l_jk σ′(z^l_j)| between hidden layers.
- Sigmoid with Nielsen's initialization and with N(0, 1) weights: the share of
  saturated neurons, and how much slower the first hidden layer learns.

The first figure counts the dead units per hidden layer; the second compares the
sizes of the weights with the sizes of the factors.
"""

import math
import sys

import numpy as np

import backprop
import data
import plotstyle

SEEDS = range(3)
SIZES = [64, 30, 30, 30, 30, 10]  # book layers 1 (input) to 6 (output)
HIDDEN = list(range(2, len(SIZES)))  # book layers 2 .. 5
ETAS = {"moderate": 0.05, "large": 0.5}  # SGD learning rates η for the ReLU net
EPOCHS, BATCH = 2, 10
SATURATED = 0.025  # σ′(z) below a tenth of its maximum 1/4
LOG_LO, LOG_HI = -6, 1  # histogram range, as log10 of |w| or of the factor
BINS = 8 * (LOG_HI - LOG_LO)  # 8 bins per decade

FIGURES = {
    "reader_questions_dead": plotstyle.Figure(
        alt="Grouped bar chart: the share of dead ReLU units in each of the four "
        "hidden layers. At the start and after training with a moderate learning "
        "rate the bars are low; after training with a large learning rate "
        "most units in every hidden layer are dead.",
        caption=r"Share of dead units (\(z^l_j \le 0\) for all training inputs) "
        "per hidden layer of a ReLU network with He's initialization: at the "
        r"start, and after a few epochs of SGD with a moderate and a large "
        r"\(\eta\). Median over seeds.",
    ),
    "reader_questions_factors": plotstyle.Figure(
        alt="Two overlaid histograms on a logarithmic axis. The sizes of N(0, 1) "
        "weights pile up around 1, about a third of them to its right. The "
        "factors w times sigma-prime of the same network sit further left, "
        "about nine in ten below one quarter and almost none to the right of 1.",
        caption=r"Sizes of the weights \(|w^l_{jk}|\) between hidden layers of a "
        r"sigmoid network with \(N(0, 1)\) weights, and of the factors "
        r"\(|w^l_{jk}\,\sigma'(z^l_j)|\) they contribute to the gradient, over the "
        r"training digits. Dashed lines: \(1/4\) and \(1\).",
    ),
}


# --8<-- [start:core]
def dead_units(weights, biases, x) -> list[np.ndarray]:
    """Per hidden layer, which ReLU units have z ≤ 0 for every input in x."""
    zs, _ = backprop.forward(weights, biases, x, "relu")
    return [np.all(z <= 0, axis=1) for z in zs[:-1]]


def factors(weights, biases, x) -> tuple[np.ndarray, np.ndarray]:
    """|w^l_jk| and |w^l_jk σ′(z^l_j)| for the connections between hidden layers,
    every example: the factors of the chain that BP2 multiplies."""
    zs, _ = backprop.forward(weights, biases, x)
    sizes, chain = [], []
    for l in HIDDEN[1:]:
        w = np.abs(weights[l - 2])  # (n_l, n_{l-1})
        sp = backprop.sigmoid_prime(zs[l - 2])  # (n_l, m)
        sizes.append(w.ravel())
        chain.append((w[:, :, None] * sp[:, None, :]).ravel())
    return np.concatenate(sizes), np.concatenate(chain)
# --8<-- [end:core]


def first_over_last(weights, biases, x, y, activation="sigmoid") -> float:
    """Speed of learning of the first hidden layer over the last's."""
    _, nabla_b, _ = backprop.backward(weights, biases, x, y, activation)
    speeds = backprop.speeds(nabla_b)
    return float(speeds[0] / speeds[-1])


def saturated(weights, biases, x) -> float:
    """Share of (hidden neuron, example) pairs with σ′(z) < SATURATED."""
    zs, _ = backprop.forward(weights, biases, x)
    return float(np.mean(np.concatenate(
        [(backprop.sigmoid_prime(z) < SATURATED).ravel() for z in zs[:-1]])))


def relu_runs(x, y, seed: int) -> dict:
    """Dead units and gradients of one He-initialized ReLU network."""
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(SIZES, rng, "he")
    out = {"ratio": first_over_last(weights, biases, x, y, "relu"),
           "dead": {"start": dead_units(weights, biases, x)}}
    for name, eta in ETAS.items():
        w, b, _ = backprop.train(weights, biases, x, y, epochs=EPOCHS,
                                 batch_size=BATCH, eta=eta, rng=rng,
                                 activation="relu")
        dead = dead_units(w, b, x)
        nabla_w, nabla_b, _ = backprop.backward(w, b, x, y, "relu")
        out["dead"][name] = dead
        # the gradient of every dead unit's incoming weights and bias
        out.setdefault("dead_gradient", []).extend(
            float(np.abs(np.hstack([nw[d], nb[d]])).max(initial=0.0))
            for nw, nb, d in zip(nabla_w, nabla_b, dead))
    return out


def measure() -> dict:
    x, labels = data.load_digits()
    x, labels, _, _ = data.nielsen_split(x, labels)
    y = data.one_hot(labels)
    relu = [relu_runs(x, y, seed) for seed in SEEDS]
    sigmoid = {}
    for scheme in ("nielsen", "large"):
        runs = []
        for seed in SEEDS:
            weights, biases = backprop.init_params(
                SIZES, np.random.default_rng(seed), scheme)
            runs.append({"ratio": first_over_last(weights, biases, x, y),
                         "saturated": saturated(weights, biases, x)})
        sigmoid[scheme] = runs
    weights, biases = backprop.init_params(SIZES, np.random.default_rng(SEEDS[0]),
                                           "large")
    sizes, chain = factors(weights, biases, x)
    return {"relu": relu, "sigmoid": sigmoid, "sizes": sizes, "chain": chain,
            "n_train": x.shape[1]}


def dead_share(d: dict, when: str) -> np.ndarray:
    """Median over seeds of the share of dead units, per hidden layer."""
    return np.median([[dead.mean() for dead in run["dead"][when]]
                      for run in d["relu"]], axis=0)


def dead_overall(d: dict, when: str) -> float:
    """Median over seeds of the share of dead units among all hidden units."""
    return float(np.median([np.mean(np.concatenate(run["dead"][when]))
                            for run in d["relu"]]))


def values(d: dict) -> dict:
    median = {s: {k: float(np.median([r[k] for r in runs]))
                  for k in ("ratio", "saturated")}
              for s, runs in d["sigmoid"].items()}
    return {
        "sizes": str(SIZES), "n_seeds": len(SEEDS), "epochs": EPOCHS,
        "n_train": d["n_train"],
        "eta_moderate": ETAS["moderate"], "eta_large": ETAS["large"],
        "relu_ratio": float(np.median([r["ratio"] for r in d["relu"]])),
        "dead_start": dead_overall(d, "start"),
        "dead_moderate": dead_overall(d, "moderate"),
        "dead_large": dead_overall(d, "large"),
        "dead_gradient": max(max(r["dead_gradient"]) for r in d["relu"]),
        "below_one": math.erf(1 / math.sqrt(2)),  # P(|w| < 1), w ~ N(0, 1)
        "below_one_measured": float(np.mean(d["sizes"] < 1)),
        "at_least_four": math.erfc(4 / math.sqrt(2)),  # P(|w| ≥ 4)
        "factor_below_quarter": float(np.mean(d["chain"] < 0.25)),
        "factor_below_one": float(np.mean(d["chain"] < 1)),
        "vanishing_ratio": 1 / median["nielsen"]["ratio"],
        "saturated_nielsen": median["nielsen"]["saturated"],
        "saturated_large": median["large"]["saturated"],
        "saturation": SATURATED,
    }


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    layers = np.array(HIDDEN)
    labels = {"start": "at the start",
              "moderate": rf"after SGD, $\eta$ = {ETAS['moderate']:g}",
              "large": rf"after SGD, $\eta$ = {ETAS['large']:g}"}
    for i, (when, label) in enumerate(labels.items()):
        ax.bar(layers + (i - 1) * 0.27, dead_share(d, when), width=0.27,
               label=label)
    ax.set_xticks(layers)
    ax.set_xlabel(r"book layer $l$ (hidden)")
    ax.set_ylabel("share of dead units")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)

    fig2, ax2 = plt.subplots(figsize=(6.4, 3.0))
    edges = np.logspace(LOG_LO, LOG_HI, BINS + 1)
    for values_, label in ((d["sizes"], r"$|w|$, $w \sim N(0, 1)$"),
                           (d["chain"], r"$|w\,\sigma'(z)|$")):
        share = np.full(values_.size, 1 / values_.size)  # each histogram sums to 1
        ax2.hist(np.clip(values_, edges[0], edges[-1]), bins=edges, weights=share,
                 histtype="step", linewidth=1.5, label=label)
    for x in (0.25, 1.0):
        ax2.axvline(x, color=plotstyle.ink(theme), linewidth=1, linestyle="--")
    ax2.set_xscale("log")
    ax2.set_ylabel("share per bin")
    ax2.set_xlabel("size")
    ax2.legend(fontsize=8, loc="upper left")
    return {"reader_questions_dead": fig, "reader_questions_factors": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
