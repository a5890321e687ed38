"""Backpropagation, checked: backprop.backward against central finite differences.

For a small network and each hidden activation, every ∂C/∂w^l_jk and ∂C/∂b^l_j is
also estimated as (C(α + h) − C(α − h)) / 2h. The figure shows, for each layer l,
the relative difference between the two estimates of the layer gradient δ^l; the
page also quotes the largest relative difference of a single partial derivative.
"""

import sys

import numpy as np

import backprop
import plotstyle

SEED = 0
SIZES = [4, 5, 5, 5, 3]  # book layers 1 (input) to 5 (output)
ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
H = 1e-5  # finite-difference step
M = 8  # examples in the batch

FIGURES = {
    "gradient_check": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: for book layers 2 to 5 of "
        "a small network, the relative difference between backpropagation and "
        "finite differences stays orders of magnitude below the dashed "
        "tolerance line for sigmoid, tanh, ReLU and identity hidden layers.",
        caption=r"Relative difference between the layer gradient \(\delta^l\) "
        "computed by backpropagation and by central finite differences, per "
        "layer and hidden activation. Every point sits orders of magnitude "
        "below the dashed tolerance line.",
    )
}
TOLERANCE = 1e-6  # for the relative difference of a layer's vectors
# For one partial derivative: five significant digits. A small derivative has the
# central difference's rounding error, about 1e-16 · C / h, as a larger share.
ENTRY_TOLERANCE = 1e-5


# --8<-- [start:check]
def numerical_gradient(weights, biases, x, y, h=H, **net):
    """Central differences of the cost for every weight and bias."""
    def cost():
        return backprop.cost_value(
            backprop.forward(weights, biases, x, **net)[1][-1], y)

    grads = []
    for params in (weights, biases):
        grads.append([])
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                c_plus = cost()
                p[idx] = old - h
                c_minus = cost()
                p[idx] = old
                g[idx] = (c_plus - c_minus) / (2 * h)
            grads[-1].append(g)
    return grads  # [nabla_w, nabla_b]


def both_gradients(activation, rng):
    """The layer gradients δ^l, l = 2 .. L, by backprop and by finite differences."""
    weights, biases = backprop.init_params(SIZES, rng)
    x = rng.uniform(0, 1, size=(SIZES[0], M))
    y = rng.uniform(0, 1, size=(SIZES[-1], M))
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, activation)
    num_w, num_b = numerical_gradient(weights, biases, x, y, activation=activation)
    layers = range(2, len(SIZES) + 1)
    return ([backprop.layer_gradient(nabla_w, nabla_b, l) for l in layers],
            [backprop.layer_gradient(num_w, num_b, l) for l in layers])


def relative_difference(exact, approx):
    """|exact − approx| / (|exact| + |approx|); 0 where both are exactly 0."""
    diff, size = np.abs(exact - approx), np.abs(exact) + np.abs(approx)
    return np.divide(diff, size, out=np.zeros_like(diff), where=size > 0)


def layer_errors(exact, approx):
    """Per layer: ||δ^l(backprop) − δ^l(numeric)|| / (||δ^l(backprop)|| +
    ||δ^l(numeric)||), the difference of the two vectors."""
    return [float(np.linalg.norm(e - a) / (np.linalg.norm(e) + np.linalg.norm(a)))
            for e, a in zip(exact, approx)]


def entry_errors(exact, approx):
    """The relative difference of every single partial derivative, all layers."""
    return relative_difference(np.concatenate(exact), np.concatenate(approx))


def relative_errors(activation, rng):
    """The per-layer relative differences for one hidden activation."""
    return layer_errors(*both_gradients(activation, rng))
# --8<-- [end:check]


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    pairs = {a: both_gradients(a, rng) for a in ACTIVATIONS}
    return {
        "layers": list(range(2, len(SIZES) + 1)),
        "errors": {a: layer_errors(*pair) for a, pair in pairs.items()},
        "entries": {a: entry_errors(*pair) for a, pair in pairs.items()},
    }


def values(data: dict) -> dict:
    worst = max(max(e) for e in data["errors"].values())
    entries = np.concatenate(list(data["entries"].values()))
    n_params = sum(n_out * (n_in + 1) for n_in, n_out in zip(SIZES, SIZES[1:]))
    return {
        "max_rel_error": worst,
        "max_entry_error": float(entries.max()),
        "n_entries_compared": int(entries.size),
        "tolerance": TOLERANCE,
        "entry_tolerance": ENTRY_TOLERANCE,
        "n_params": n_params,
        "n_checks": n_params * len(ACTIVATIONS),
        "sizes": str(SIZES),
        "h": H,
        "m": M,
    }


def draw(data: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    markers = "osD^"
    for (name, errs), marker in zip(data["errors"].items(), markers):
        ax.semilogy(data["layers"], errs, marker=marker, label=name)
    ax.axhline(TOLERANCE, linestyle="--", color=plotstyle.ink(theme), linewidth=1,
               label="tolerance")
    ax.set_xticks(data["layers"])
    ax.set_xlabel(r"book layer $l$")
    ax.set_ylabel(r"relative difference of $\delta^l$")
    ax.legend(title="hidden activation", ncols=2, fontsize=8)
    return {"gradient_check": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
