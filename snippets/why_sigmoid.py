"""The sigmoid σ and its derivative σ′: σ′ never exceeds 1/4, reached only at z = 0.

The maximum of σ′(z) = σ(z)(1 − σ(z)), from the shared module, is found on a fine
grid of z; the figure draws σ and σ′ on a coarse one (a fine grid is for computing
a maximum, not for drawing it: 160,001 points made an 8 MB SVG).
"""

import sys

import numpy as np

import backprop
import plotstyle

Z_MAX = 8.0  # the plotted range is [-Z_MAX, Z_MAX]
N_GRID = 160_001  # grid step 1e-4 for the maximum; z = 0 lies on the grid
N_PLOT = 401  # grid step 0.04 for the drawing; z = 0 lies on it too

FIGURES = {
    "why_sigmoid": plotstyle.Figure(
        alt="Two curves against z from -8 to 8: the sigmoid rises from 0 to 1 "
        "through one half at z = 0; its derivative is a bell that peaks at one "
        "quarter at z = 0 and falls towards 0 on both sides.",
        caption=r"The sigmoid \(\sigma(z)\) and its derivative "
        r"\(\sigma'(z) = \sigma(z)(1-\sigma(z))\). The derivative peaks at "
        r"\(z = 0\), where it equals \(1/4\), and is small once \(|z|\) is a few "
        "units away from 0.",
    )
}


# --8<-- [start:core]
def grid(n: int) -> np.ndarray:
    """n equally spaced z in [-Z_MAX, Z_MAX]; odd n puts z = 0 on the grid."""
    return np.linspace(-Z_MAX, Z_MAX, n)


def measure() -> dict:
    z = grid(N_GRID)  # fine: for the maximum and where σ′ falls to a tenth
    ds = backprop.sigmoid_prime(z)
    i = int(np.argmax(ds))
    z_plot = grid(N_PLOT)  # coarse: for the drawing
    return {"z": z_plot, "sigma": backprop.sigmoid(z_plot),
            "sigma_prime": backprop.sigmoid_prime(z_plot),
            "max_prime": float(ds[i]), "argmax_prime": float(z[i]),
            # where σ′ has fallen to a tenth of its peak
            "tenth_at": float(z[(z > 0) & (ds >= ds[i] / 10)].max())}
# --8<-- [end:core]


def values(data: dict) -> dict:
    return {
        "max_prime": data["max_prime"],
        "argmax_prime": data["argmax_prime"],
        "tenth_at": data["tenth_at"],
    }


def draw(data: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.plot(data["z"], data["sigma"], label=r"$\sigma(z)$")
    ax.plot(data["z"], data["sigma_prime"], label=r"$\sigma'(z)$")
    ax.axhline(0.25, linestyle="--", linewidth=1, color=plotstyle.ink(theme))
    ax.annotate(r"$\sigma'(0) = 1/4$", (0, 0.25), xytext=(1.2, 0.33),
                arrowprops={"arrowstyle": "->", "color": plotstyle.ink(theme)})
    ax.set_xlabel(r"$z$")
    ax.set_xlim(-Z_MAX, Z_MAX)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="upper left")
    return {"why_sigmoid": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
