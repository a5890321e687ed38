"""The cost of slow early layers in training time, and what rescaling them buys.

The deep sigmoid network of ``sgd_training`` is trained until its held-out accuracy
first reaches TARGET, counting epochs, in three ways that differ only in how the
early hidden layers' gradients are rescaled:

- plain SGD, one η for every layer;
- "fully rescaled": at every step, the gradient of each hidden layer l is scaled
  by c_l = s_{L-1} / s_l, where s_l = ‖ĝ_b^l‖ is the mini-batch estimate of
  Nielsen's speed of learning of layer l, so every hidden layer's bias step has the
  length of the last hidden layer's (its weight step is scaled by the same c_l and
  need not match); the output layer is left alone;
- "half rescaled": the same with c_l^{1/2}.

Since c_l comes from the very mini-batch gradient it multiplies, this is not SGD
with a fixed learning rate per layer but a layer-wise gradient normalisation: each
hidden layer's gradient is divided by its own bias-gradient norm (to the power p)
and multiplied by a common size. LARS (You, Gitman & Ginsburg 2017) is a relative
that scales each layer by ||w^l|| / ||∇_{w^l} C|| instead.

A network with one hidden layer of 30, trained plainly, is the reference. The
figure shows the epochs each network needed, one dot per seed.
"""

import sys

import numpy as np

import backprop
import plotstyle
import sgd_training as setup

SEEDS = range(5)
TARGET = 0.8  # held-out accuracy to reach
MAX_EPOCHS = 400  # give up after this many epochs
SHALLOW = [64, 30, 10]
ARMS = {  # name: (layer sizes, power p of the rescaling c_l**p)
    "plain": (setup.SIZES, 0.0),
    "half rescaled": (setup.SIZES, 0.5),
    "fully rescaled": (setup.SIZES, 1.0),
    "1 hidden layer": (SHALLOW, 0.0),
}

FIGURES = {
    "sgd_time_cost": plotstyle.Figure(
        alt="Dot plot of the epochs each network needed to reach the target "
        "held-out accuracy, one dot per seed and a bar at the median. Plain SGD "
        "on the deep network needs by far the most epochs; rescaling the "
        "early layers' gradients halfway needs fewer, fully fewer still; the network "
        "with one hidden layer needs the fewest.",
        caption=r"Epochs until the held-out accuracy first reaches the target, "
        "per seed (dots) and median (bar). The three deep networks differ only "
        r"in how the gradient of the hidden layers is scaled: by \(c_l^p\) with "
        r"\(c_l = s_{L-1}/s_l\) and \(p = 0\) (plain), \(1/2\) or \(1\).",
    )
}


# --8<-- [start:core]
def compensated(power: float):
    """A ``gradient=`` for backprop.train: hidden layer l's gradient times c_l**p.

    c_l = s_{L-1} / s_l is recomputed from each mini-batch's own gradient, so this
    normalises every hidden layer's gradient by its bias-gradient norm: with p = 1
    each hidden layer's bias step has the last hidden layer's length.
    """
    def gradient(weights, biases, x, y):
        nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y)
        s = backprop.speeds(nabla_b)  # ‖ĝ_b^l‖ for hidden layers 2 … L-1
        c = np.append((s[-1] / s) ** power, 1.0)  # output layer: c = 1
        return ([ci * g for ci, g in zip(c, nabla_w)],
                [ci * g for ci, g in zip(c, nabla_b)], errors)
    return gradient


def epochs_to_target(sizes, power: float, seed: int, x, y, x_test, labels) -> int:
    """Epochs of SGD until held-out accuracy ≥ TARGET (MAX_EPOCHS + 1: never)."""
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(sizes, rng)
    for epoch in range(1, MAX_EPOCHS + 1):
        weights, biases, _ = backprop.train(
            weights, biases, x, y, epochs=1, batch_size=setup.BATCH,
            eta=setup.ETA, lmbda=setup.LMBDA, rng=rng,
            gradient=compensated(power))
        if setup.accuracy(weights, biases, x_test, labels) >= TARGET:
            return epoch
    return MAX_EPOCHS + 1
# --8<-- [end:core]


def measure() -> dict:
    x, y, x_test, labels = setup.load()
    epochs = {name: [epochs_to_target(sizes, p, seed, x, y, x_test, labels)
                     for seed in SEEDS]
              for name, (sizes, p) in ARMS.items()}
    return {"epochs": epochs}


def compensated_layers(sizes: list[int]) -> list[int]:
    """Book layers whose gradient the rescaling changes: hidden layers 2 to
    L - 2 (the last hidden layer, L - 1, has c = 1; the output layer is left alone)."""
    return list(range(2, len(sizes) - 1))


def values(d: dict) -> dict:
    med = {name: float(np.median(e)) for name, e in d["epochs"].items()}
    layers = compensated_layers(setup.SIZES)
    return {
        "compensated_first": layers[0], "compensated_last": layers[-1],
        "target": TARGET, "max_epochs": MAX_EPOCHS, "n_seeds": len(SEEDS),
        "plain": med["plain"], "half": med["half rescaled"],
        "full": med["fully rescaled"], "shallow": med["1 hidden layer"],
        "speedup_full": med["plain"] / med["fully rescaled"],
        "speedup_half": med["plain"] / med["half rescaled"],
        "plain_min": min(d["epochs"]["plain"]),
        "full_max": max(d["epochs"]["fully rescaled"]),
    }


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    for i, epochs in enumerate(d["epochs"].values()):
        jitter = np.linspace(-0.12, 0.12, len(epochs))
        ax.scatter(np.array(epochs), i + jitter, color=colours[i], s=18,
                   zorder=3)
        ax.vlines(np.median(epochs), i - 0.3, i + 0.3, color=colours[i],
                  linewidth=2.5)
    ax.set_yticks(range(len(d["epochs"])), list(d["epochs"]))
    ax.invert_yaxis()
    ax.set_xlim(0, None)
    ax.set_xlabel(f"epochs to reach {TARGET:.0%} held-out accuracy")
    ax.grid(axis="y", visible=False)
    return {"sgd_time_cost": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
