"""Where the error keeps its size: χ₁ over the initialization variances.

For tanh units, χ₁ (meanfield.py) on a grid of (σ_w², σ_b²), its contours and the
critical line χ₁ = 1, with Schoenholz et al.'s (2017) four critical values
recomputed, and measured per-layer factors of the mean-square error norm at a few
points (stacked networks of width 256, as in theory_ratios.py). Beside it, sigmoid
with Nielsen's bias variance σ_b² = 1: χ₁ against σ_w², which reaches 1 only far
from his σ_w² = 1.
"""

from __future__ import annotations

import math
import sys

import numpy as np

import meanfield
import plotstyle
import theory_ratios

SEED = 1
SIGMA_W2 = np.linspace(0.5, 4.0, 22)  # tanh grid
SIGMA_B2 = np.linspace(0.0, 0.4, 11)
# where the critical line is solved for (dense near 0, where it is steep)
LINE_B2 = np.array([0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4])
# Schoenholz et al. 2017: critical σ_w² at these σ_b² (FACTS.md, checked)
SCHOENHOLZ = {0.01: 1.42, 0.05: 1.76, 0.1: 1.99, 0.3: 2.51}
LEVELS = (0.5, 0.7, 0.85, 1.15, 1.3)  # χ₁ contours besides 1
# measured points: (σ_w², σ_b²) for tanh networks
POINTS = ((1.0, 0.05), (1.76, 0.05), (3.0, 0.05), (1.5, 0.3), (2.5, 0.3),
          (3.5, 0.3), (0.75, 0.2))
WIDTH, N_HIDDEN, N_NETS, M = 256, 14, 10, 16
FIRST, LAST = 6, 15  # book layers between which the factor is measured
SIGMOID_W2 = np.geomspace(0.25, 400, 25)  # sigmoid with σ_b² = 1
SATURATED = 0.025  # σ′(z) below a tenth of its peak 1/4

FIGURES = {
    "theory_phase": plotstyle.Figure(
        alt="Two panels. Left: for tanh units, the plane of weight variance "
        "(horizontal, 0.5 to 4) and bias variance (vertical, 0 to 0.4) with "
        "contour lines of the per-layer factor chi_1; the thick critical line where "
        "it equals 1 rises to the right as the bias variance grows; four crosses "
        "from Schoenholz et al. sit on it; measured factors, printed beside dots, "
        "match the contours. Right: for sigmoid units with bias variance 1, chi_1 "
        "against the weight variance on logarithmic axes, far below 1 at "
        "Nielsen's weight variance 1 and reaching 1 only about a hundred times "
        "further right.",
        caption=r"Left: \(\chi_1\) of tanh units over \((\sigma_w^2, \sigma_b^2)\); "
        r"thick: the critical line \(\chi_1 = 1\); crosses: Schoenholz et al.'s "
        r"critical values; dots with numbers: the per-layer factor of the mean "
        rf"square of \(\lVert\delta^l_{{\bullet,x}}\rVert\) measured in {N_NETS} "
        rf"networks of width {WIDTH}. Right: \(\chi_1\) of sigmoid units with "
        r"\(\sigma_b^2 = 1\) (Nielsen's bias variance).",
    ),
}


# --8<-- [start:core]
def chi_grid(activation: str, sigma_w2: np.ndarray, sigma_b2: np.ndarray
             ) -> np.ndarray:
    """χ₁ for every (σ_b², σ_w²): shape (len(sigma_b2), len(sigma_w2))."""
    return np.array([[meanfield.chi_1(activation, float(w2), float(b2))
                      for w2 in sigma_w2] for b2 in sigma_b2])


def measured_factor(variances: tuple[float, float], rng: np.random.Generator
                    ) -> dict:
    """The per-layer factor of the mean square of ‖δ^l_{•,x}‖ between book layers
    FIRST and LAST of tanh networks, with its standard error, and the theory's
    geometric mean of χ(q^l) over the same layers."""
    ms, _ = theory_ratios.deep_network("tanh", variances, WIDTH, rng, N_HIDDEN,
                                       N_NETS, M)
    steps = LAST - FIRST
    rho, se = theory_ratios.ratio_with_se(ms[:, FIRST - 2], ms[:, LAST - 2])
    chis = theory_ratios.predicted_chis("tanh", variances, sum(variances),
                                        N_HIDDEN)[FIRST - 2:LAST - 2]
    factor = rho ** (2 / steps)
    return {"factor": factor, "se": factor * (2 / steps) * se / rho,
            "predicted": float(np.exp(np.mean(np.log(chis))))}
# --8<-- [end:core]


def saturated_fraction(q: float) -> float:
    """P(σ′(z) < SATURATED) for z ~ N(0, q): σ′ falls below it where |z| > z_s."""
    # σ′(z) = s(1 − s) = SATURATED at s = (1 + √(1 − 4·SATURATED))/2
    s = (1 + math.sqrt(1 - 4 * SATURATED)) / 2
    z_s = math.log(s / (1 - s))
    return math.erfc(z_s / math.sqrt(2 * q))


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    return {
        "tanh": chi_grid("tanh", SIGMA_W2, SIGMA_B2),
        "line": np.array([meanfield.critical_sigma_w2("tanh", b2) for b2 in LINE_B2]),
        "points": {p: measured_factor(p, rng) for p in POINTS},
        "sigmoid": chi_grid("sigmoid", SIGMOID_W2, np.array([1.0]))[0],
    }


def values(d: dict) -> dict:
    out = {"width": WIDTH, "n_nets": N_NETS, "first": FIRST, "last": LAST}
    for i, b2 in enumerate(SCHOENHOLZ):
        out[f"tanh_crit_b2_{i}"] = b2
        out[f"tanh_crit_{i}"] = float(d["line"][np.flatnonzero(LINE_B2 == b2)[0]])
    worst = max(abs(p["factor"] - p["predicted"]) / p["se"]
                for p in d["points"].values())
    out["points_worst_se"] = worst
    out["n_points"] = len(POINTS)
    out["sigmoid_crit"] = meanfield.critical_sigma_w2("sigmoid", 1.0)
    out["sigmoid_crit_q"] = meanfield.q_star("sigmoid", out["sigmoid_crit"], 1.0)
    out["sigmoid_chi_nielsen"] = meanfield.chi_1("sigmoid", 1.0, 1.0)
    out["sigmoid_xi"] = meanfield.depth_scale("sigmoid", 1.0, 1.0)
    out["sigmoid_crit_saturated"] = saturated_fraction(out["sigmoid_crit_q"])
    out["saturated_below"] = SATURATED
    out["relu_he_chi"] = meanfield.chi_1("relu", 2.0, 0.0)
    out["relu_crit"] = meanfield.critical_sigma_w2("relu", 0.0)
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    ink, colours = plotstyle.ink(theme), plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.4))
    lines = left.contour(SIGMA_W2, SIGMA_B2, d["tanh"], levels=LEVELS,
                         colors=[colours[0]], linewidths=0.8)
    left.clabel(lines, fontsize=6.5, fmt="%.2g")
    left.plot(d["line"], LINE_B2, color=ink, linewidth=2, label=r"$\chi_1 = 1$")
    left.plot(list(SCHOENHOLZ.values()), list(SCHOENHOLZ), "x", color=colours[1],
              markersize=7, label="Schoenholz et al.")
    for (w2, b2), p in d["points"].items():
        left.plot(w2, b2, "o", color=colours[2], markersize=4)
        left.annotate(f"{p['factor']:.2f}", (w2, b2), textcoords="offset points",
                      xytext=(4, 3), fontsize=7, color=colours[2])
    left.set_xlabel(r"$\sigma_w^2$")
    left.set_ylabel(r"$\sigma_b^2$")
    left.set_title("tanh", fontsize=9)
    left.legend(fontsize=7, loc="upper left")
    right.loglog(SIGMOID_W2, d["sigmoid"], color=colours[0])
    right.axhline(1.0, color=ink, linewidth=1, linestyle="--")
    right.plot([1.0], [meanfield.chi_1("sigmoid", 1.0, 1.0)], "o", color=colours[1],
               label=r"Nielsen: $\sigma_w^2 = 1$")
    right.set_xlabel(r"$\sigma_w^2$")
    right.set_ylabel(r"$\chi_1$")
    right.set_title(r"sigmoid, $\sigma_b^2 = 1$", fontsize=9)
    right.legend(fontsize=7)
    fig.tight_layout()
    return {"theory_phase": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
