"""Two deltas on one network: the layer gradient δ^l against Nielsen's error δ^l_j.

For the concrete 2-neuron network, input and target of ``two_neuron.py`` this
computes, for each book layer l = 2..6, the six entries of the layer gradient δ^l
(every ∂C/∂w^l_jk and ∂C/∂b^l_j), its norm, and Nielsen's errors δ^l_j = ∂C/∂z^l_j,
whose vector δ^l_• = (δ^l_1, δ^l_2) is the layer's error vector. The table lists
them; the figure shows both norms per layer on a log scale. For one example BP3 and
BP4 tie them exactly: ||δ^l|| = ||δ^l_•|| · √(1 + ||a^{l-1}||²).
"""

import sys

import numpy as np

import backprop
import plotstyle
import two_neuron

FIGURES = {
    "two_deltas_norms": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis and book layers 2 to 6 on "
        "the horizontal axis. Two lines, the norm of the layer gradient and the "
        "norm of Nielsen's error vector, both rise steeply from layer 2 to layer "
        "6; the layer-gradient line lies a little above the error line at every "
        "layer, by a factor between 1 and the square root of 3.",
        caption=r"For the one input of the table, the norm of the layer gradient "
        r"\(\delta^l\) and the norm of Nielsen's error vector "
        r"\(\delta^l_\bullet = (\delta^l_1, \delta^l_2)\), per layer. Both "
        r"shrink towards the input; their ratio is exactly "
        r"\(\sqrt{1 + \lVert a^{l-1} \rVert^2}\) (BP3, BP4), a factor between 1 "
        r"and \(\sqrt 3\) here.",
    )
}
ENTRIES = [r"\(\partial C/\partial w^l_{11}\)", r"\(\partial C/\partial w^l_{12}\)",
           r"\(\partial C/\partial w^l_{21}\)", r"\(\partial C/\partial w^l_{22}\)",
           r"\(\partial C/\partial b^l_1\)", r"\(\partial C/\partial b^l_2\)"]


# --8<-- [start:core]
def two_deltas(weights, biases, x, y) -> dict:
    """Per book layer l = 2..L: the layer gradient δ^l, Nielsen's error, a^{l-1}."""
    nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y)
    _, activations = backprop.forward(weights, biases, x)
    layers = list(range(2, len(weights) + 2))
    return {
        "layers": layers,
        # the layer gradient: w^l_11, w^l_12, w^l_21, w^l_22, b^l_1, b^l_2
        "gradient": [backprop.layer_gradient(nabla_w, nabla_b, l) for l in layers],
        # Nielsen's error δ^l_j = ∂C/∂z^l_j of the single example
        "error": [errors[l - 2][:, 0] for l in layers],
        "a_prev": [activations[l - 2][:, 0] for l in layers],  # a^{l-1}
    }


def predicted_ratio(a_prev: np.ndarray) -> float:
    """||δ^l|| / ||δ^l_•|| implied by BP3 and BP4 for one example."""
    return float(np.sqrt(1.0 + a_prev @ a_prev))
# --8<-- [end:core]


def measure() -> dict:
    weights, biases, x, y = two_neuron.network()
    data = two_deltas(weights, biases, x, y)
    data["gradient_norm"] = [float(np.linalg.norm(g)) for g in data["gradient"]]
    data["error_norm"] = [float(np.linalg.norm(e)) for e in data["error"]]
    data["ratio"] = [predicted_ratio(a) for a in data["a_prev"]]
    return data


def table(data: dict) -> str:
    """One column per layer; the two deltas in separate, named row groups."""
    head = "| | | " + " | ".join(rf"\(l = {l}\)" for l in data["layers"]) + " |"
    lines = [head, "|:--|:--|" + "--:|" * len(data["layers"])]

    def four_digits(v: float) -> str:
        return plotstyle.number(v, digits=4)

    def row(group: str, name: str, cells: list[float], fmt=four_digits) -> None:
        lines.append(f"| {group} | {name} | " + " | ".join(map(fmt, cells)) + " |")

    for i, name in enumerate(ENTRIES):
        group = r"**layer gradient \(\delta^l\)**" if i == 0 else ""
        row(group, name, [g[i] for g in data["gradient"]])
    row("", r"\(\lVert \delta^l \rVert\)", data["gradient_norm"])
    for j in (1, 2):
        group = (r"**error \(\delta^l_j = \partial C/\partial z^l_j\)**"
                 if j == 1 else "")
        row(group, rf"\(\delta^l_{j}\)", [e[j - 1] for e in data["error"]])
    row("", r"\(\lVert \delta^l_\bullet \rVert\)", data["error_norm"])
    row("**ratio of the norms**", r"\(\sqrt{1 + \lVert a^{l-1} \rVert^2}\)",
        data["ratio"], fmt="{:.4f}".format)
    return "\n".join(lines)


def values(data: dict) -> dict:
    g, e = data["gradient_norm"], data["error_norm"]
    return {
        "table": table(data),
        "norm_2": g[0],
        "norm_4": g[2],
        "norm_6": g[-1],
        "ratio_6_2": g[-1] / g[0],
        "error_ratio_6_2": e[-1] / e[0],
        "min_ratio": min(data["ratio"]),
        "max_ratio": max(data["ratio"]),
    }


def draw(data: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.semilogy(data["layers"], data["gradient_norm"], marker="o",
                label=r"layer gradient $\Vert\delta^l\Vert$")
    ax.semilogy(data["layers"], data["error_norm"], marker="s", linestyle="--",
                label=r"error vector $\Vert\delta^l_\bullet\Vert$")
    ax.set_xticks(data["layers"])
    ax.set_xlabel(r"book layer $l$")
    ax.set_ylabel("norm")
    ax.legend()
    return {"two_deltas_norms": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
