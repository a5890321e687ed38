"""The unstable gradient problem: one network, its weights scaled, vanishes or explodes.

A sigmoid network [64, 30 × 8, 10] gets Nielsen's default init (weights N(0, 1/n_in),
biases N(0, 1)); then every weight is multiplied by a scale c, the biases kept. For
each c the figure shows the norm of the layer gradient ||δ^l|| (all ∂C/∂w^l_jk and
∂C/∂b^l_j of layer l, from ``backprop.layer_gradient``) of the cross-entropy cost
over the first 1,000 bundled digits, against the book layer l: the median over
several random initializations.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle

SEED = 0
N_SEEDS = 25
SIZES = [64] + [30] * 8 + [10]  # book layers 1 (input) .. 10 (output)
SCALES = [1, 4, 16, 64]  # c = 1 is Nielsen's default init

FIGURES = {
    "why_unstable": plotstyle.Figure(
        alt="Line chart, logarithmic vertical axis: the norm of the layer gradient "
        "against book layer l for four weight scales. At scale 1 the norm climbs "
        "steeply from the first layer to the last; at scale 4 it still climbs, "
        "less steeply; at scale 16 it is roughly flat; at scale 64 it is largest "
        "in the first layers and falls towards the output.",
        caption=r"Norm of the layer gradient \(\delta^l\) (all "
        r"\(\partial C/\partial w^l_{jk}\) and \(\partial C/\partial b^l_j\) of "
        r"layer \(l\)) of one sigmoid network whose weights are all multiplied by "
        r"\(c\); the median over several random initializations. Small weights "
        "make the gradient vanish towards the input, large ones make it explode; "
        "in between it can be balanced, but only by tuning.",
    )
}


# --8<-- [start:core]
def layer_norms(c: float, rng: np.random.Generator, x, y) -> np.ndarray:
    """||δ^l|| for l = 2..L of one network whose weights are scaled by c."""
    weights, biases = backprop.init_params(SIZES, rng)
    weights = [c * w for w in weights]
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    return np.array([np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                     for l in range(2, len(SIZES) + 1)])


def measure() -> dict:
    x, labels = data.load_digits()
    x, labels, _, _ = data.nielsen_split(x, labels)
    y = data.one_hot(labels)
    norms = {}
    for c in SCALES:
        rng = np.random.default_rng(SEED)  # the same networks for every c
        norms[c] = np.array([layer_norms(c, rng, x, y) for _ in range(N_SEEDS)])
    return {"layers": list(range(2, len(SIZES) + 1)), "norms": norms}
# --8<-- [end:core]


def first_over_last(norms: np.ndarray) -> np.ndarray:
    """||δ^2|| / ||δ^L|| for every initialization."""
    return norms[:, 0] / norms[:, -1]


def sizes_text(sizes: list[int]) -> str:
    """[64, 30, 30, 10] as "[64, 30 × 2, 10]" (the hidden layers must be equal)."""
    hidden = set(sizes[1:-1])
    assert len(hidden) == 1, sizes
    return f"[{sizes[0]}, {sizes[1]} × {len(sizes) - 2}, {sizes[-1]}]"


def unit_scales() -> dict:
    """c = √n_in, the scale that turns N(0, 1/n_in) weights into N(0, 1) ones: for
    layer 2 and for the hidden layers after it, and the plotted scales around both."""
    first, hidden = np.sqrt(SIZES[0]), np.sqrt(SIZES[1])
    lo, hi = min(first, hidden), max(first, hidden)
    return {"c_unit_first": float(first), "c_unit_hidden": float(hidden),
            "c_below_unit": max(c for c in SCALES if c < lo),
            "c_above_unit": min(c for c in SCALES if c > hi)}


def values(d: dict) -> dict:
    v = {"n_seeds": N_SEEDS, "sizes": sizes_text(SIZES), "L": len(SIZES),
         "n_hidden": len(SIZES) - 2, "n_input": SIZES[0], **unit_scales()}
    rows = [r"| scale \(c\) | median \(\lVert\delta^2\rVert/\lVert\delta^L\rVert\) "
            r"| initializations with \(\lVert\delta^2\rVert > \lVert\delta^L\rVert\) |",
            "|---:|---:|---:|"]
    for c, norms in d["norms"].items():
        r = first_over_last(norms)
        v[f"ratio_c{c}"] = float(np.median(r))
        v[f"pct_explode_c{c}"] = 100 * float(np.mean(r > 1))
        rows.append(f"| {c} | {plotstyle.number(v[f'ratio_c{c}'])} "
                    f"| {v[f'pct_explode_c{c}']:.0f} % |")
    v["table"] = "\n".join(rows)
    v["balanced"] = ", ".join(str(c) for c in balanced_scales(v))
    return v


def balanced_scales(v: dict) -> list:
    """The scales whose median ||δ^2|| / ||δ^L|| lies within a factor of 10 of 1."""
    return [c for c in SCALES if 0.1 < v[f"ratio_c{c}"] < 10]


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for (c, norms), marker in zip(d["norms"].items(), "osD^"):
        ax.semilogy(d["layers"], np.median(norms, axis=0), marker=marker,
                    label=rf"$c = {c}$")
    ax.set_xticks(d["layers"])
    ax.set_xlabel(r"book layer $l$")
    ax.set_ylabel(r"median $\|\delta^l\|$ (layer gradient)")
    ax.legend(title="weights × c", ncols=2, fontsize=9)
    return {"why_unstable": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
