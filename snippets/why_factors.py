"""The factors |w^l_jk σ′(z^l_j)| inside a real network, per layer and per init.

Nielsen's chain argument multiplies one factor w_j σ′(z_j) per neuron. In a network
with many neurons per layer the analogue is one factor per connection: the weight
w^l_jk into neuron j of layer l times that neuron's σ′(z^l_j). This snippet feeds the
first 1,000 bundled digits through a sigmoid network [64, 30, 30, 30, 30, 10] and
collects the factor of every connection between hidden layers (l = 3, 4, 5), for
every image and several random initializations, under Nielsen's default init
(weights N(0, 1/n_in)) and under the N(0, 1) weights his chain argument assumes.
It also measures, per image, how much Nielsen's error vector δ^l_• (all the
δ^l_j = ∂C/∂z^l_j of layer l) shrinks per hidden layer, ||δ^l_•|| / ||δ^{l+1}_•||,
which adds up n factors at a time.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle

SEED = 0
N_SEEDS = 20
SIZES = [64, 30, 30, 30, 30, 10]  # book layers 1 (input) .. 6 (output)
LAYERS = [3, 4, 5]  # connections from a hidden layer into a hidden layer
SCHEMES = {"nielsen": r"Nielsen's default, $N(0, 1/n_{\mathrm{in}})$",
           "large": r"$N(0, 1)$, as in the chain argument"}
LOG_LO, LOG_HI = -6, 1  # histogram range, as log10 of the factor
BINS = np.logspace(LOG_LO, LOG_HI, 8 * (LOG_HI - LOG_LO) + 1)  # 8 bins per decade

FIGURES = {
    "why_factors": plotstyle.Figure(
        alt="Three panels, one per layer 3, 4 and 5 of a sigmoid network fed "
        "handwritten digits, each a histogram on a logarithmic axis of the factors "
        "w times sigma-prime of single connections. Under Nielsen's default "
        "initialization the factors sit well below the one-quarter line; with "
        "standard-normal weights they spread wider and higher, but still mostly "
        "below one quarter, and almost none reach 1.",
        caption=r"Per-connection factors \(|w^l_{jk}\,\sigma'(z^l_j)|\) between "
        r"hidden layers of the sigmoid network [64, 30, 30, 30, 30, 10], over the "
        "first 1,000 bundled digits and several random initializations. Dashed "
        r"lines mark \(1/4\) and \(1\). The output layer is left out: with the "
        r"cross-entropy cost its \(\sigma'(z^L)\) cancels.",
    )
}


# --8<-- [start:core]
def factors(weights, biases, x, l: int) -> np.ndarray:
    """|w^l_jk σ′(z^l_j)| for every connection (j, k) and example, shape
    (n_l, n_{l-1}, m)."""
    zs, _ = backprop.forward(weights, biases, x)
    sp = backprop.sigmoid_prime(zs[l - 2])  # (n_l, m)
    return np.abs(weights[l - 2][:, :, None] * sp[:, None, :])


def error_ratios(weights, biases, x, y) -> np.ndarray:
    """||δ^l_•|| / ||δ^{l+1}_•|| of Nielsen's error vector, per image, for every
    pair of hidden layers l, l+1; shape (number of pairs, m)."""
    *_, errors = backprop.backward(weights, biases, x, y)
    norms = np.array([np.linalg.norm(e, axis=0) for e in errors])  # (L-1, m)
    return norms[:-2] / norms[1:-1]
# --8<-- [end:core]


def _summary(f: np.ndarray) -> dict:
    """Histogram counts (log10 bins) and tallies of one batch of factors."""
    log_f = np.log10(np.clip(f, BINS[0], BINS[-1]))
    counts, _ = np.histogram(log_f, len(BINS) - 1, (LOG_LO, LOG_HI))
    return {"counts": counts, "n": f.size, "median": float(np.median(f)),
            "n_quarter": int(np.count_nonzero(f >= 0.25)),
            "n_one": int(np.count_nonzero(f >= 1.0)), "max": float(f.max())}


def measure() -> dict:
    """Per (scheme, layer): summed counts and tallies, one median per network;
    per scheme: the median error ratio."""
    x, labels = data.load_digits()
    x, labels, _, _ = data.nielsen_split(x, labels)
    y = data.one_hot(labels)
    rng = np.random.default_rng(SEED)
    out = {}
    for scheme in SCHEMES:
        cells = {l: [] for l in LAYERS}
        ratios = []
        for _ in range(N_SEEDS):
            weights, biases = backprop.init_params(SIZES, rng, scheme)
            for l in LAYERS:
                cells[l].append(_summary(factors(weights, biases, x, l)))
            ratios.append(error_ratios(weights, biases, x, y))
        for l, parts in cells.items():
            out[(scheme, l)] = {
                "counts": sum(p["counts"] for p in parts),
                "n": sum(p["n"] for p in parts),
                "n_quarter": sum(p["n_quarter"] for p in parts),
                "n_one": sum(p["n_one"] for p in parts),
                "max": max(p["max"] for p in parts),
                "medians": [p["median"] for p in parts],
            }
        out[(scheme, "error_ratio")] = float(np.median(np.concatenate(ratios, 1)))
    return out


def values(d: dict) -> dict:
    v = {"n_seeds": N_SEEDS, "sizes": str(SIZES)}
    for s in SCHEMES:
        cells = [d[(s, l)] for l in LAYERS]
        n = sum(c["n"] for c in cells)
        # the typical network's typical factor: median over networks and layers
        v[f"{s}_median"] = float(np.median([c["medians"] for c in cells]))
        v[f"{s}_pct_quarter"] = 100 * sum(c["n_quarter"] for c in cells) / n
        v[f"{s}_pct_one"] = 100 * sum(c["n_one"] for c in cells) / n
        v[f"{s}_max"] = max(c["max"] for c in cells)
        v[f"{s}_error_ratio"] = d[(s, "error_ratio")]
    v["n_factors"] = sum(d[("nielsen", l)]["n"] for l in LAYERS)
    v["n_medians"] = N_SEEDS * len(LAYERS)  # one median per network and layer
    v["n_layers"] = len(LAYERS)
    v["max_pct_one"] = max(v[f"{s}_pct_one"] for s in SCHEMES)
    return v


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(LAYERS), figsize=(7.2, 2.8), sharey=True)
    for ax, l in zip(axes, LAYERS):
        for scheme, label in SCHEMES.items():
            cell = d[(scheme, l)]
            ax.stairs(100 * cell["counts"] / cell["n"], BINS, label=label,
                      linewidth=1.4)
        for x, text, dx, ha in ((0.25, "1/4", -2, "right"), (1.0, "1", 2, "left")):
            ax.axvline(x, linestyle="--", linewidth=1, color=plotstyle.ink(theme))
            ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), ha=ha,
                        va="bottom", xytext=(dx, 1), textcoords="offset points",
                        fontsize=8)
        ax.set_xscale("log")
        ax.set_xticks([1e-6, 1e-4, 1e-2, 1])
        ax.set_title(rf"layer $l = {l}$", fontsize=10, loc="left")
        ax.set_xlabel(r"$|w^l_{jk}\,\sigma'(z^l_j)|$")
    axes[0].set_ylabel("% of factors")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center",
               ncols=2, bbox_to_anchor=(0.5, 1.08), fontsize=9)
    fig.tight_layout()
    return {"why_factors": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
