"""d2l's product of random matrices, over 1,000 seeds instead of one printout.

For each seed s, ``np.random.default_rng(s)`` draws 101 matrices A_0 .. A_100 of
size 4x4 with N(0, 1) entries; P_k = A_0 A_1 ⋯ A_k is the product after k
multiplications (d2l prints P_100 for one seed). The figure shows log10 of the
largest |entry| of P_k against k: the median over the seeds and the band holding
the middle 90 %, once for N(0, 1) matrices and once for the same matrices scaled by
1/√n, with the growth rate that theory predicts (the top Lyapunov exponent).
"""

import sys

import numpy as np
from scipy.special import digamma, polygamma

import plotstyle

N = 4  # d2l's matrix size
K = 100  # multiplications after the first matrix
N_SEEDS = 1000
SEEDS = range(N_SEEDS)  # seed s draws product number s, as a reader's rerun would
BAND = (5, 95)  # percentiles of the shaded band
D2L_LOG10 = 25  # d2l: "largest entry around 1e25" (varies by seed)

FIGURES = {
    "exploding_products": plotstyle.Figure(
        alt="Line chart: the base-10 logarithm of the largest entry of a product of "
        "random 4 by 4 matrices against the number of multiplications, median and "
        "shaded band over many seeds. With standard normal entries the median rises "
        "along a straight line and ends next to a star marking d2l's printout, with "
        "a band that widens slowly; with entries scaled by one over the square root "
        "of 4 it falls slowly along a straight line. Dashed lines with the slopes "
        "predicted by theory lie on top of both medians.",
        caption=r"Largest \(|\)entry\(|\) of \(P_k = A_0 A_1 \cdots A_k\) for "
        r"\(4 \times 4\) Gaussian matrices, over many seeds: median (line) and "
        r"the middle 90 % (band). The logarithm grows linearly in \(k\), at the "
        r"rate theory predicts (dashed, the top Lyapunov exponent), and the band "
        r"widens like \(\sqrt{k}\). Scaling every matrix by \(1/\sqrt{n}\) lowers "
        r"the slope by \(\tfrac12 \log_{10} n\) and makes the product shrink.",
    )
}


# --8<-- [start:core]
def lyapunov(n: int, scale: float = 1.0) -> float:
    """Growth rate of ln ||P_k|| per multiplication, for n x n matrices with
    N(0, scale²) entries: ½ (ln 2 + ψ(n/2)) + ln scale (Cohen & Newman, 1984)."""
    return 0.5 * (np.log(2) + digamma(n / 2)) + np.log(scale)


def spread(n: int, k: int) -> float:
    """Standard deviation of ln ||e_1ᵀ P_k||, a sum of k + 1 independent terms
    ½ ln χ²_n, each of variance ψ′(n/2)/4."""
    return 0.5 * np.sqrt((k + 1) * polygamma(1, n / 2))


def matrices(seed: int, n: int = N, k: int = K) -> np.ndarray:
    """The k + 1 matrices A_0 .. A_k of one seed, N(0, 1) entries: (k + 1, n, n)."""
    return np.random.default_rng(seed).normal(0.0, 1.0, size=(k + 1, n, n))


def products(n: int = N, k: int = K, seeds=SEEDS, scale: float = 1.0) -> dict:
    """log10 of the largest |entry|, of the spectral norm and of the first row's
    norm of P_0 .. P_k, for every seed: arrays of shape (k + 1, seeds)."""
    a = scale * np.stack([matrices(s, n, k) for s in seeds])  # (seeds, k+1, n, n)
    p = a[:, 0]
    out = {"max_entry": [], "spectral": [], "row": []}
    for i in range(k + 1):
        if i > 0:
            p = p @ a[:, i]  # P_i = P_{i-1} A_i, for all seeds at once
        out["max_entry"].append(np.abs(p).max(axis=(1, 2)))
        out["spectral"].append(np.linalg.norm(p, ord=2, axis=(1, 2)))
        out["row"].append(np.linalg.norm(p[:, 0, :], axis=1))
    return {key: np.log10(np.array(v)) for key, v in out.items()}


def measured_rate(log10_norms: np.ndarray, k0: int = 20) -> float:
    """Growth of log10 ||P_k|| per multiplication between k0 and the last k,
    averaged over the seeds (k0 skips the start, where P_k is not yet typical)."""
    k = log10_norms.shape[0] - 1
    return float(np.mean(log10_norms[k] - log10_norms[k0]) / (k - k0))
# --8<-- [end:core]


SCALES = {"plain": 1.0, "scaled": 1 / np.sqrt(N)}  # entries N(0, 1), N(0, 1/n)


def measure() -> dict:
    out = {name: products(scale=scale) for name, scale in SCALES.items()}
    # predicted growth of log10 ||P_k|| per multiplication (the dashed slopes)
    out["theory_rate"] = {name: float(lyapunov(N, scale) / np.log(10))
                          for name, scale in SCALES.items()}
    return {"k": np.arange(K + 1), **out}


def band(log10_values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and the BAND percentiles over the seeds, for every k."""
    lo, hi = np.percentile(log10_values, BAND, axis=1)
    return np.median(log10_values, axis=1), lo, hi


def values(d: dict) -> dict:
    ln10 = np.log(10)
    v = {"n": N, "k": K, "n_seeds": N_SEEDS, "band_lo": BAND[0], "band_hi": BAND[1],
         "d2l_log10": D2L_LOG10}
    for name in SCALES:
        logs = d[name]
        v[f"{name}_theory_rate"] = d["theory_rate"][name]
        v[f"{name}_rate"] = measured_rate(logs["spectral"])
        v[f"{name}_rate_entry"] = measured_rate(logs["max_entry"])
        v[f"{name}_rate_row"] = measured_rate(logs["row"])
        last = logs["max_entry"][-1]
        v[f"{name}_median"] = float(np.median(last))
        v[f"{name}_lo"], v[f"{name}_hi"] = (float(q) for q in np.percentile(last, BAND))
    v["plain_theory_ln"] = float(lyapunov(N))
    v["theory_total"] = float((K + 1) * lyapunov(N) / ln10)  # orders, K + 1 matrices
    v["rate_gap_pct"] = 100 * abs(v["plain_rate"] / v["plain_theory_rate"] - 1)
    v["shift_per_step"] = float(0.5 * np.log10(N))
    v["pct_scaled_shrunk"] = 100 * float(np.mean(
        d["scaled"]["spectral"][-1] < d["scaled"]["spectral"][0]))
    return v


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    k = d["k"]
    labels = {"plain": rf"$A_i$: ${N} \times {N}$, entries $N(0, 1)$",
              "scaled": rf"scaled by $1/\sqrt{{n}}$: entries $N(0, 1/{N})$"}
    colours = plotstyle.palette(theme)
    for (name, label), colour in zip(labels.items(), colours):
        median, lo, hi = band(d[name]["max_entry"])
        ax.fill_between(k, lo, hi, color=colour, alpha=0.25, linewidth=0)
        ax.plot(k, median, color=colour, label=label)
        ax.plot(k, median[0] + d["theory_rate"][name] * k, "--",
                color=plotstyle.ink(theme), linewidth=1)
    ax.plot([], [], "--", color=plotstyle.ink(theme), linewidth=1,
            label="slope from theory")
    ax.plot([K], [D2L_LOG10], "*", color=colours[5], markersize=10,
            label="d2l's printout, one seed (about $10^{25}$)")
    ax.set_xlabel(r"multiplications $k$")
    ax.set_ylabel(r"$\log_{10}$ largest $|$entry$|$ of $P_k$")
    ax.legend(fontsize=8, loc="upper left")
    return {"exploding_products": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
