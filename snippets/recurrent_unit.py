"""Hochreiter & Schmidhuber's single unit (1997, §3), and the constant error carousel.

A sigmoid unit j feeds itself through the weight w: y_t = σ(net_t) with
net_t = w y_{t−1} + b. Going back one step, the error is multiplied by
f′(net_t)·w, so over q steps by the product of q such factors. As σ′ ≤ 1/4, every
factor is below 1 whenever |w| < 4.0: the error vanishes, whatever b and the state.
For |w| > 4 the factor can exceed 1 only while net_t stays near 0; a large weight
usually drives the unit into saturation, where σ′ is tiny, so it vanishes there too.
The threshold is sufficient, not two-sided. A linear unit with self-weight 1 (the
constant error carousel at the heart of the LSTM) has the factor 1·1 = 1 at every
step.

The figure shows the geometric mean of the factor over 50 steps against w, for a
unit started at y_0 = 0.5 with b = 0, and for a unit held at net = 0 (b = −w/2),
the largest the factor can be.
"""

import sys

import numpy as np

import backprop
import plotstyle

STEPS = 50
Y0 = 0.5
W_GRID = np.linspace(-12.0, 12.0, 96)  # even: w = 0 (no flow at all) left out
HOCHREITER_W = 4.0  # 1 / max σ′

FIGURES = {
    "recurrent_single_unit": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: the per-step factor of "
        "the error flowing back through one self-connected sigmoid unit, against "
        "its self-weight w from -12 to 12. Every curve stays below 1 between the "
        "dotted lines at w = -4 and 4. The unit held at net input 0 follows the "
        "dashed bound |w|/4 and passes 1 at |w| = 4; the unit with bias 0 "
        "saturates and stays far below 1 for large positive w. A marker at "
        "factor 1 shows the linear unit with self-weight 1.",
        caption=r"Geometric mean over 50 steps of the factor "
        r"\(|f'(\mathrm{net}_t)\, w|\) for a sigmoid unit with self-weight "
        r"\(w\), \(y_0 = 0.5\). Dashed: the bound \(|w|/4\); dotted: "
        r"\(|w| = 4\). Square: the constant error carousel (linear unit, "
        r"\(w = 1\)).",
    ),
}


# --8<-- [start:core]
def error_flow(w, b, steps: int = STEPS, y0: float = Y0,
               activation: str = "sigmoid") -> np.ndarray:
    """The factors f′(net_t)·w by which the error is scaled per step, for the unit
    y_t = f(w y_{t−1} + b): shape (steps, *broadcast(w, b))."""
    f, f_prime = backprop._activation(activation, "activation")
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError("w and b must be finite")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    y = np.full(np.broadcast_shapes(w.shape, b.shape), float(y0))
    factors = []
    for _ in range(steps):
        net = w * y + b
        y = f(net)
        factors.append(f_prime(net, y) * w)
    return np.array(factors)


def per_step(factors: np.ndarray) -> np.ndarray:
    """Geometric mean of |factor| over the steps: the per-step rate."""
    return np.exp(np.log(np.abs(factors)).mean(axis=0))
# --8<-- [end:core]


def measure() -> dict:
    return {"w": W_GRID,
            "bias_zero": per_step(error_flow(W_GRID, 0.0)),
            "centred": per_step(error_flow(W_GRID, -W_GRID / 2)),
            "carousel": per_step(error_flow(1.0, 0.0, activation="identity"))}


def values(d: dict) -> dict:
    w = d["w"]
    inside = np.abs(w) < HOCHREITER_W
    out = {"steps": STEPS, "y0": Y0, "hochreiter_w": HOCHREITER_W,
           "max_inside": float(max(d["bias_zero"][inside].max(),
                                   d["centred"][inside].max())),
           "carousel": float(d["carousel"])}
    i = int(np.argmin(np.abs(w - 10.0)))
    out["w_large"] = float(w[i])
    out["bias_zero_large"] = plotstyle.number(float(d["bias_zero"][i]), 2)
    out["centred_large"] = float(d["centred"][i])
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    ink = plotstyle.ink(theme)
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    w = d["w"]
    ax.semilogy(w, d["bias_zero"], color=colours[0], label=r"$b = 0$")
    ax.semilogy(w, d["centred"], color=colours[1], label=r"held at net $= 0$ "
                r"($b = -w/2$)")
    ax.semilogy(w, np.abs(w) / 4, "--", color=ink, linewidth=1,
                label=r"bound $|w|/4$")
    ax.semilogy([1.0], [d["carousel"]], "s", color=colours[2], markersize=6,
                label="linear unit, $w = 1$")
    for x in (-HOCHREITER_W, HOCHREITER_W):
        ax.axvline(x, color=ink, linestyle=":", linewidth=1)
    ax.axhline(1.0, color=ink, linewidth=0.6)
    ax.set_ylim(1e-5, 5)
    ax.set_xlabel("self-weight $w$")
    ax.set_ylabel("per-step factor")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return {"recurrent_single_unit": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
