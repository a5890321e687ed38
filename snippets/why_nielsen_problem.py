"""Nielsen's problem: for which inputs a is |w σ′(w a + b)| ≥ 1, and how wide is that?

For each weight w on a grid, the snippet evaluates |w σ′(w a + b)| on a fine grid of
inputs a, for several biases b, and measures the width of the set where it is at
least 1. The figure shows the factor against a for three weights (left) and the
measured width against |w| beside Nielsen's closed form
(2/|w|) ln(|w|(1 + √(1 − 4/|w|))/2 − 1) (right).
"""

import sys

import numpy as np
from scipy.optimize import minimize_scalar

import backprop
import plotstyle

DA = 1e-5  # grid step in a
A_GRID = np.arange(-1.0, 1.0, DA)  # one fixed grid of inputs for every w and b
BIASES = [-2.0, 0.0, 1.7]  # centres −b/w within ±0.5: every interval fits A_GRID
W_GRID = np.concatenate([np.linspace(4, 12, 81), np.geomspace(12.5, 100, 30)])
W_SHOWN = [4.5, None, 20.0]  # left panel; None stands for the peak's |w|

FIGURES = {
    "why_nielsen_problem": plotstyle.Figure(
        alt="Two panels. Left: the factor |w times sigma-prime of w a| against the "
        "input a for three weights; each is a bump centred at a = 0 that crosses "
        "the level 1 only on a short interval, shortest for the largest weight. "
        "Right: the width of that interval against |w| on a logarithmic axis: "
        "measured points lie on the closed-form curve, which is 0 at |w| = 4, "
        "rises to a peak a little below one half near |w| = 7, then decays.",
        caption=r"Left: the factor \(|w\,\sigma'(wa+b)|\) against the input "
        r"\(a\) (here \(b = 0\)); it reaches 1 only where \(|wa+b|\) is small. "
        r"Right: the width of the set of \(a\) where the factor is at least 1, "
        r"measured on a fine grid of \(a\) (points), against Nielsen's closed form "
        r"(line). The peak is marked.",
    )
}


# --8<-- [start:core]
def factor(w: float, a: np.ndarray, b: float) -> np.ndarray:
    return np.abs(w * backprop.sigmoid_prime(w * a + b))


def measured_width(w: float, b: float) -> float:
    """Width of {a : |w σ′(w a + b)| ≥ 1}, counted on the grid A_GRID."""
    return float(np.count_nonzero(factor(w, A_GRID, b) >= 1.0) * DA)


def closed_form(w: float) -> float:
    """Nielsen's width (2/|w|) ln(|w|(1 + √(1 − 4/|w|))/2 − 1), for |w| ≥ 4."""
    w = abs(w)
    return 2 / w * np.log(w * (1 + np.sqrt(1 - 4 / w)) / 2 - 1)


def measure() -> dict:
    widths = np.array([[measured_width(w, b) for b in BIASES] for w in W_GRID])
    peak = minimize_scalar(lambda w: -closed_form(w), bounds=(4, 20),
                           method="bounded", options={"xatol": 1e-8})
    return {"w": W_GRID, "widths": widths,  # (len(W_GRID), len(BIASES))
            "closed": np.array([closed_form(w) for w in W_GRID]),
            "peak_w": float(peak.x), "peak_width": float(-peak.fun)}
# --8<-- [end:core]


def values(d: dict) -> dict:
    numeric = d["widths"].max(axis=1)  # maximised over b
    i = int(np.argmax(numeric))
    return {
        "peak_w": d["peak_w"],
        "peak_width": d["peak_width"],
        "numeric_peak_w": float(d["w"][i]),
        "numeric_peak_width": float(numeric[i]),
        "max_gap": float(np.max(np.abs(d["widths"] - d["closed"][:, None]))),
        "b_spread": float(np.max(np.ptp(d["widths"], axis=1))),
        "da": DA,
        "n_w": len(d["w"]),
        "biases": ", ".join(f"{b:g}".replace("-", "−") for b in BIASES),
    }


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    ink = plotstyle.ink(theme)
    colours = plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.4, 3.2))
    a = np.linspace(-0.6, 0.6, 1201)
    for w in W_SHOWN:
        w = d["peak_w"] if w is None else w
        left.plot(a, factor(w, a, 0.0), label=rf"$|w| = {w:.1f}$")
    left.axhline(1.0, linestyle="--", linewidth=1, color=ink)
    left.set_xlabel(r"input $a$")
    left.set_ylabel(r"$|w\,\sigma'(wa)|$")
    left.legend(fontsize=8, loc="upper right")

    w_fine = np.geomspace(4, 100, 400)
    right.plot(w_fine, [closed_form(w) for w in w_fine], color=colours[0],
               label="closed form")
    # measured points spread evenly in log |w|, so the line stays visible
    shown = np.unique(np.searchsorted(d["w"], np.geomspace(4, 100, 25)))
    right.plot(d["w"][shown], d["widths"].max(axis=1)[shown], "o", ms=3.5,
               color=colours[1], label="measured")
    right.plot([d["peak_w"]], [d["peak_width"]], "*", ms=11, color=ink)
    right.annotate(rf"peak $|w| \approx {d['peak_w']:.1f}$", (d["peak_w"],
                   d["peak_width"]), xytext=(14, 0.4), fontsize=9,
                   arrowprops={"arrowstyle": "->", "color": ink})
    right.set_xscale("log")
    right.set_xlabel(r"$|w|$")
    right.set_ylabel(r"width of $\{a : |w\,\sigma'(wa+b)| \geq 1\}$")
    right.legend(fontsize=8, loc="lower center")
    fig.tight_layout()
    return {"why_nielsen_problem": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
