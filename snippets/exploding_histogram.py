"""How far d2l's one printout can land: the largest entry of P_100 over 1,000 seeds.

The same products as ``exploding_products`` (4x4 matrices with N(0, 1) entries, one
product per seed). The histogram shows log10 of the largest |entry| of P_100 = A_0
A_1 ⋯ A_100, with its median, the 5th and 95th percentiles, d2l's "around 1e25",
and a normal curve whose width is the one theory predicts for log ||P_k||.
"""

import sys

import numpy as np

import plotstyle
from exploding_products import BAND, D2L_LOG10, N_SEEDS, K, N, products, spread

FIGURES = {
    "exploding_histogram": plotstyle.Figure(
        alt="Histogram of the base-10 logarithm of the largest entry of the product "
        "of 101 random 4 by 4 matrices, one value per seed. The histogram is "
        "bell-shaped and spans many orders of magnitude; a normal curve of the "
        "width predicted by theory follows its outline, and the line at d2l's "
        "value lies close to the median.",
        caption=r"The largest \(|\)entry\(|\) of \(P_{100}\), one value per seed. "
        r"d2l's \(10^{25}\) is a typical draw, but single seeds land several "
        r"orders of magnitude away on either side. The dashed curve is a normal "
        r"density with the standard deviation theory gives for "
        r"\(\log_{10} \lVert P_{100} \rVert\), centred on the median.",
    )
}


# --8<-- [start:core]
def last_entries() -> np.ndarray:
    """log10 of the largest |entry| of P_K for every seed."""
    return products()["max_entry"][-1]


def summary(log10_max: np.ndarray) -> dict:
    """Median, percentiles and spread of the seeds' log10 largest |entry|."""
    lo, hi = np.percentile(log10_max, BAND)
    return {
        "median": float(np.median(log10_max)),
        "lo": float(lo), "hi": float(hi),
        "min": float(log10_max.min()), "max": float(log10_max.max()),
        "sd": float(np.std(log10_max)),
        "sd_theory": float(spread(N, K) / np.log(10)),
        "pct_within_one": 100 * float(np.mean(np.abs(log10_max - D2L_LOG10) < 1)),
    }
# --8<-- [end:core]


def normal_density(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


def measure() -> dict:
    log10_max = last_entries()
    s = summary(log10_max)
    # the normal curve drawn over the histogram: the seeds' median, theory's width
    grid = np.linspace(log10_max.min() - 1, log10_max.max() + 1, 300)
    return {"log10_max": log10_max, **s,
            "normal_curve": (grid, normal_density(grid, s["median"], s["sd_theory"]))}


def values(d: dict) -> dict:
    keys = ("median", "lo", "hi", "min", "max", "sd", "sd_theory", "pct_within_one")
    v = {key: d[key] for key in keys}
    v["orders_range"] = d["max"] - d["min"]
    v["seed0"] = float(d["log10_max"][0])
    v["n_seeds"] = N_SEEDS
    return v


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, ax = plt.subplots()
    x = d["log10_max"]
    ax.hist(x, bins=40, density=True, color=colours[0], alpha=0.6,
            label=f"{N_SEEDS:,} seeds")
    ink = plotstyle.ink(theme)
    ax.plot(*d["normal_curve"], "--", color=ink, linewidth=1,
            label="normal, width from theory")
    ax.axvline(d["median"], color=ink, linewidth=1.2, label="median")
    for q in (d["lo"], d["hi"]):
        ax.axvline(q, color=ink, linewidth=1, linestyle=":")
    ax.plot([], [], ":", color=ink, linewidth=1,
            label=f"{BAND[0]}th and {BAND[1]}th percentiles")
    ax.axvline(D2L_LOG10, color=colours[5], linewidth=1.5, linestyle="-.",
               label="d2l: about $10^{25}$")
    ax.set_xlabel(rf"$\log_{{10}}$ largest $|$entry$|$ of $P_{{{K}}}$")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, loc="upper left")
    return {"exploding_histogram": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
