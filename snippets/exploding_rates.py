"""Growth rate of a product of random matrices against the matrix size n.

A backpropagated gradient is a vector multiplied by one matrix per layer, so this
table follows a vector: the first row e_1ᵀ P_k of d2l's product P_k = A_0 A_1 ⋯ A_k.
For n x n matrices with N(0, 1) entries it compares the measured growth of
log10 ||e_1ᵀ P_k|| per multiplication (mean over seeds, k = 0 to 100) with the top
Lyapunov exponent ½ (ln 2 + ψ(n/2)), the same for the matrices scaled by 1/√n, and
the measured spread of log10 ||e_1ᵀ P_100|| over the seeds with the one theory gives.
"""

import sys

import numpy as np

import plotstyle
from exploding_products import K, lyapunov, matrices, spread

SIZES = (2, 4, 8, 16, 32)
N_SEEDS = 1000

FIGURES = {}


# --8<-- [start:core]
def row_log10_norms(n: int, n_seeds: int = N_SEEDS, chunk: int = 100) -> np.ndarray:
    """log10 ||e_1ᵀ P_k|| for k = 0..K and every seed: (K + 1, n_seeds)."""
    out = np.empty((K + 1, n_seeds))
    for first in range(0, n_seeds, chunk):
        seeds = range(first, min(first + chunk, n_seeds))
        a = np.stack([matrices(s, n, K) for s in seeds])  # (seeds, K+1, n, n)
        row = a[:, 0, 0, :]  # e_1ᵀ A_0 of every seed, (seeds, n)
        out[0, seeds] = np.linalg.norm(row, axis=1)
        for i in range(1, K + 1):
            row = np.einsum("sj,sjk->sk", row, a[:, i])  # e_1ᵀ P_i = (e_1ᵀ P_{i-1}) A_i
            out[i, seeds] = np.linalg.norm(row, axis=1)
    return np.log10(out)


def rates(n: int) -> dict:
    """Measured and predicted log10 growth per multiplication, and the spread.

    Scaling every matrix by c multiplies P_k by exactly c^(k+1), so the scaled
    product's log10 norm is the plain one plus (k + 1) log10 c, seed by seed.
    """
    logs = row_log10_norms(n)
    rate = float(np.mean(logs[K] - logs[0]) / K)
    shift = float(np.log10(1 / np.sqrt(n)))  # per multiplication, for c = 1/√n
    return {
        "n": n,
        "plain_rate": rate,
        "plain_theory": float(lyapunov(n) / np.log(10)),
        "scaled_rate": rate + shift,
        "scaled_theory": float(lyapunov(n, 1 / np.sqrt(n)) / np.log(10)),
        "sd": float(np.std(logs[K])),
        "sd_theory": float(spread(n, K) / np.log(10)),
    }
# --8<-- [end:core]


def measure() -> dict:
    return {"rows": [rates(n) for n in SIZES]}


def _signed(x: float, digits: int = 4) -> str:
    return f"{x:+.{digits}f}".replace("-", "−")


def values(d: dict) -> dict:
    lines = [
        r"| \(n\) | growth per step, theory | measured "
        r"| with \(1/\sqrt{n}\): theory | measured "
        r"| spread at \(k = 100\), theory | measured |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in d["rows"]:
        cells = [str(r["n"]), _signed(r["plain_theory"]), _signed(r["plain_rate"]),
                 _signed(r["scaled_theory"]), _signed(r["scaled_rate"]),
                 f"{r['sd_theory']:.2f}", f"{r['sd']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    gaps = [abs(r["plain_rate"] - r["plain_theory"]) for r in d["rows"]]
    last = d["rows"][-1]
    return {
        "table": "\n".join(lines),
        "n_seeds": N_SEEDS, "k": K,
        "max_gap": float(max(gaps)),
        "sizes": ", ".join(str(n) for n in SIZES),
        "n_big": last["n"],
        "big_scaled_orders": float(-last["scaled_theory"] * K),
        "big_scaled_sd": last["sd_theory"],
        "max_sd_gap_pct": float(max(100 * abs(r["sd"] / r["sd_theory"] - 1)
                                    for r in d["rows"])),
    }


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
