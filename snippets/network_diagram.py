"""The 2-neuron reference network, drawn, and its book indices mapped onto arrays.

The figure shows the six layers of two neurons in book numbering (layer 1 is the
input), every connection, and the labels w^3_jk and b^3_j of one layer. The values
check the mapping ``w^l_jk -> weights[l-2][j-1, k-1]``, ``b^l_j -> biases[l-2][j-1,
0]`` on the concrete network of ``two_neuron.py``: z^3_1 written out by hand against
``forward``'s ``zs[1][0, 0]``, and which z^l_j move when w^3_12 alone is nudged.
"""

import sys

import numpy as np

import backprop
import plotstyle
import two_neuron

LABELLED = 3  # the book layer whose weights and biases carry labels in the figure
NUDGED = (3, 1, 2)  # (l, j, k): the weight w^l_jk nudged in the dependency table
H = 1e-3  # size of the nudge
# The lit edges are palette[0] in the light theme but palette[4] in the dark one
# (plotstyle.dark_svg would give palette[0]'s dark counterpart): draw both themes.
DRAW_DARK = True

FIGURES = {
    "network_diagram": plotstyle.Figure(
        alt="Diagram of a network with six layers of two neurons, numbered 1 "
        "(input) to 6 (output) from left to right; each neuron is connected to "
        "both neurons of the next layer. The four connections into layer 3 are "
        "highlighted and labelled w^3_11, w^3_12, w^3_21 and w^3_22, the two "
        "neurons of layer 3 are labelled with their biases b^3_1 and b^3_2, and "
        "the two outputs feed the cost C, which also sees the target y.",
        caption=r"The reference network of these pages: six layers of two "
        r"sigmoid neurons, numbered as in the book. \(w^l_{jk}\) connects neuron "
        r"\(k\) of layer \(l-1\) to neuron \(j\) of layer \(l\), shown for "
        r"\(l = 3\); note the order of \(j\) and \(k\).",
    )
}


# --8<-- [start:mapping]
def z_by_hand(weights, biases, activations, l: int, j: int) -> float:
    """z^l_j = Σ_k w^l_jk a^{l-1}_k + b^l_j, with book indices l, j, k."""
    a_prev = activations[l - 2]  # a^{l-1}: activations[0] is a^1 = x
    n_prev = weights[l - 2].shape[1]  # neurons in layer l-1
    return sum(
        weights[l - 2][j - 1, k - 1] * a_prev[k - 1, 0] for k in range(1, n_prev + 1)
    ) + biases[l - 2][j - 1, 0]


def nudge(weights, biases, x, l: int, j: int, k: int, h: float) -> list[np.ndarray]:
    """The change of every z^l (a list like ``zs``) when w^l_jk alone grows by h."""
    zs, _ = backprop.forward(weights, biases, x)
    bumped = [w.copy() for w in weights]
    bumped[l - 2][j - 1, k - 1] += h
    zs_h, _ = backprop.forward(bumped, biases, x)
    return [z_h - z for z, z_h in zip(zs, zs_h)]
# --8<-- [end:mapping]


def tex(symbol: str, l: int, index: str) -> str:
    """Mathtext for symbol^l_index, e.g. tex("w", 3, "12") -> "$w^{3}_{12}$"."""
    return "$" + symbol + "^{" + str(l) + "}_{" + index + "}$"


def layout(sizes: list[int]) -> dict:
    """Neuron positions and labelled edges, in book numbering."""
    neurons = [(l, j) for l, n in enumerate(sizes, start=1) for j in range(1, n + 1)]
    edges = [
        (l, j, k)
        for l in range(2, len(sizes) + 1)
        for j in range(1, sizes[l - 1] + 1)
        for k in range(1, sizes[l - 2] + 1)
    ]
    return {
        "sizes": list(sizes),
        "neurons": neurons,
        "edges": edges,
        "edge_labels": {(l, j, k): tex("w", l, f"{j}{k}") for l, j, k in edges
                        if l == LABELLED},
        "bias_labels": {(l, j): tex("b", l, str(j)) for l, j in neurons
                        if l == LABELLED},
    }


def measure() -> dict:
    weights, biases, x, y = two_neuron.network()
    zs, activations = backprop.forward(weights, biases, x)
    l, j, k = NUDGED
    return {
        "layout": layout(two_neuron.SIZES),
        "weights": weights,
        "biases": biases,
        "activations": activations,
        "zs": zs,
        "z_hand": z_by_hand(weights, biases, activations, 3, 1),
        "dz": nudge(weights, biases, x, l, j, k, H),
        "cost": two_neuron.cost(weights, biases, x, y),
    }


def nudge_table(dz: list[np.ndarray]) -> str:
    """Markdown table: the change of each z^l_j after the nudge, layers 2..6."""
    lines = [r"| layer \(l\) | change of \(z^l_1\) | change of \(z^l_2\) |",
             "|:-:|--:|--:|"]
    for i, d in enumerate(dz):
        cells = ["0 (exactly)" if v == 0 else f"{v:+.3e}" for v in d[:, 0]]
        lines.append(f"| {i + 2} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def values(data: dict) -> dict:
    w, b, a = data["weights"], data["biases"], data["activations"]
    l, j, k = NUDGED
    return {
        "n_params": sum(m.size for m in w + b),
        "x1": float(a[0][0, 0]),
        "x2": float(a[0][1, 0]),
        "y1": float(two_neuron.Y[0, 0]),
        "y2": float(two_neuron.Y[1, 0]),
        "w3_11": float(w[1][0, 0]),
        "w3_12": float(w[1][0, 1]),
        "b3_1": float(b[1][0, 0]),
        "a2_1": float(a[1][0, 0]),
        "a2_2": float(a[1][1, 0]),
        "z3_1_hand": float(data["z_hand"]),
        "z3_1_forward": float(data["zs"][1][0, 0]),
        "cost": data["cost"],
        "h": H,
        "dz_ratio": float(data["dz"][l - 2][j - 1, 0] / H),
        "nudge_table": nudge_table(data["dz"]),
    }


# --8<-- [start:draw]
DX, DY, R = 1.5, 1.5, 0.21  # layer spacing, neuron spacing, neuron radius


def draw(data: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    lay, ink = data["layout"], plotstyle.ink(theme)
    hot = plotstyle.palette(theme)[0 if theme == "light" else 4]
    pos = {(l, j): (DX * l, -DY * (j - 1)) for l, j in lay["neurons"]}
    fig, ax = plt.subplots(figsize=(7.8, 3.6))
    ax.set_axis_off()
    ax.set_aspect("equal")
    for l, j, k in lay["edges"]:
        lit = (l, j, k) in lay["edge_labels"]
        (x0, y0), (x1, y1) = _trim(pos[(l - 1, k)], pos[(l, j)])
        ax.plot([x0, x1], [y0, y1], color=hot if lit else ink,
                alpha=1.0 if lit else 0.35, lw=1.6 if lit else 0.9)
    _label_edges(ax, lay["edge_labels"], pos, hot)
    for (l, j), (x, y) in pos.items():
        lit = (l, j) in lay["bias_labels"]
        ax.add_patch(plt.Circle((x, y), R, fc="none", ec=hot if lit else ink,
                                lw=1.6 if lit else 1.0))
        ax.text(x, y, tex("a", l, str(j)), ha="center", va="center", fontsize=9)
    for (l, j), text in lay["bias_labels"].items():
        x, y = pos[(l, j)]
        up = j == 1
        ax.text(x, y + (R + 0.05) * (1 if up else -1), text, color=hot,
                ha="center", va="bottom" if up else "top", fontsize=11)
    last = len(lay["sizes"])
    for l in range(1, last + 1):
        role = {1: "\n(input)", last: "\n(output)"}.get(l, "")
        ax.text(DX * l, -DY - 0.75, f"layer {l}{role}", ha="center", va="top")
    ax.text(DX * (LABELLED - 0.5), 0.75, f"weights[{LABELLED - 2}], "
            f"biases[{LABELLED - 2}]", ha="center", va="bottom",
            family="monospace", fontsize=8, color=hot)
    _cost_box(ax, pos, last, ink)
    ax.set_xlim(DX - 0.4, DX * (last + 1) + 0.2)
    ax.set_ylim(-DY - 1.4, 1.1)
    return {"network_diagram": fig}
# --8<-- [end:draw]


def _trim(p: tuple, q: tuple) -> tuple:
    """The segment p-q shortened by one neuron radius at each end."""
    (x0, y0), (x1, y1) = p, q
    d = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    return (x0 + R * ux, y0 + R * uy), (x1 - R * ux, y1 - R * uy)


def _label_edges(ax, labels: dict, pos: dict, colour: str) -> None:
    """Write each w^l_jk along its edge, just above it: straight edges at their
    middle, the two crossing ones near their target so the labels do not meet."""
    for (l, j, k), text in labels.items():
        (x0, y0), (x1, y1) = pos[(l - 1, k)], pos[(l, j)]
        t = 0.5 if j == k else 0.7
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
        below = j == k and j == 2
        ax.text(x, y + (-0.06 if below else 0.06), text, color=colour,
                ha="center", va="top" if below else "bottom", rotation=angle,
                rotation_mode="anchor", transform_rotates_text=True, fontsize=10)


def _cost_box(ax, pos: dict, last: int, ink: str) -> None:
    """The cost C to the right of the output layer, fed by a^L and the target y."""
    cx, cy = DX * (last + 0.75), -DY / 2
    for j in (1, 2):
        x, y = pos[(last, j)]
        ax.annotate("", xy=(cx - 0.3, cy), xytext=(x + R, y),
                    arrowprops={"arrowstyle": "->", "color": ink, "lw": 0.9})
    ax.text(cx, cy, r"$C$", ha="center", va="center", fontsize=13,
            bbox={"boxstyle": "round", "fc": "none", "ec": ink})
    ax.annotate(r"target $y$", xy=(cx, cy - 0.3), xytext=(cx, cy - 1.0),
                ha="center", va="top", fontsize=9,
                arrowprops={"arrowstyle": "->", "color": ink, "lw": 0.9})


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
