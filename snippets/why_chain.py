"""Nielsen's chain of single neurons: ∂C/∂b_1 as a product of one factor per neuron.

A network of layer sizes [1, 1, 1, 1, 1] is an input and a chain of four sigmoid
neurons (Nielsen's neurons 1-4 sit in book layers 2-5). The table lists, for one
random chain, each neuron's w_j, b_j, z_j, σ′(z_j), the factor |w_j σ′(z_j)|, and
∂C/∂b_j twice: from ``backprop.backward`` and from the product formula of Nielsen's
chapter 5. A second measurement draws many random chains and reports how often a
factor is below 1/4 and how much smaller ∂C/∂b_1 is than ∂C/∂b_4.
"""

import sys

import numpy as np

import backprop
import plotstyle

SEED = 1
SIZES = [1, 1, 1, 1, 1]  # input, then Nielsen's neurons 1..4 (book layers 2..5)
X, Y = 1.0, 1.0  # the one input and its target for the table's chain
N_CHAINS = 10_000  # random chains for the frequencies

FIGURES = {}


# --8<-- [start:core]
def chain_gradients(weights, biases, x: float, y: float) -> dict:
    """∂C/∂b_j of a chain of single neurons, by backprop and by the product
    ∂C/∂b_j = σ′(z_j) · w_{j+1}σ′(z_{j+1}) ··· w_Lσ′(z_L) · ∂C/∂a_L."""
    x_col, y_col = np.array([[x]]), np.array([[y]])
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x_col, y_col)
    zs, activations = backprop.forward(weights, biases, x_col)
    w = np.array([m[0, 0] for m in weights])  # w_1 .. w_L
    z = np.array([v[0, 0] for v in zs])  # z_1 .. z_L
    a_out = activations[-1][0, 0]
    dC_da = (a_out - y) / (a_out * (1 - a_out))  # cross-entropy cost
    factors = w * backprop.sigmoid_prime(z)  # w_j σ′(z_j)
    # later[j] = product of the factors of neurons j+1 .. L
    later = np.append(np.cumprod(factors[::-1])[::-1][1:], 1.0)
    return {
        "w": w, "b": np.array([v[0, 0] for v in biases]), "z": z,
        "sigma_prime": backprop.sigmoid_prime(z), "factors": factors,
        "backprop": np.array([nb[0, 0] for nb in nabla_b]),
        "product": backprop.sigmoid_prime(z) * later * dC_da,
    }
# --8<-- [end:core]


def random_chain(rng: np.random.Generator) -> tuple[list, list]:
    """A chain with N(0, 1) weights and biases (``init_params`` for n_in = 1)."""
    return backprop.init_params(SIZES, rng)


def chain_statistics(rng: np.random.Generator, n: int = N_CHAINS) -> dict:
    """Over n random chains with inputs in [0, 1] and targets 0 or 1: every factor
    w_jσ′(z_j) of neurons 2..L and the ratio |∂C/∂b_1| / |∂C/∂b_L|."""
    factors, ratios, gaps = [], [], []
    for _ in range(n):
        weights, biases = random_chain(rng)
        x, y = rng.uniform(0, 1), float(rng.integers(0, 2))
        g = chain_gradients(weights, biases, x, y)
        factors.append(g["factors"][1:])
        ratios.append(abs(g["backprop"][0]) / abs(g["backprop"][-1]))
        gaps.append(_relative_gap(g["backprop"], g["product"]))
    return {"factors": np.concatenate(factors), "ratios": np.array(ratios),
            "max_gap": float(max(gaps))}


def _relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    weights, biases = random_chain(rng)
    return {"chain": chain_gradients(weights, biases, X, Y),
            "stats": chain_statistics(rng)}


def chain_table(g: dict) -> str:
    """The chain as a Markdown table, one row per neuron."""
    rows = [
        "| neuron \\(j\\) | layer \\(l\\) | \\(w_j\\) | \\(b_j\\) | \\(z_j\\) "
        "| \\(\\sigma'(z_j)\\) | \\(\\lvert w_j\\sigma'(z_j)\\rvert\\) "
        "| \\(\\partial C/\\partial b_j\\), backprop "
        "| \\(\\partial C/\\partial b_j\\), product |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    num = plotstyle.number
    for j in range(len(g["w"])):
        factor = "—" if j == 0 else num(abs(g["factors"][j]))
        cells = [str(j + 1), str(j + 2), num(g["w"][j]), num(g["b"][j]),
                 num(g["z"][j]), num(g["sigma_prime"][j]), factor,
                 num(g["backprop"][j]), num(g["product"][j])]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def values(data: dict) -> dict:
    g, s = data["chain"], data["stats"]
    return {
        "table": chain_table(g),
        "db1_backprop": float(g["backprop"][0]),
        "db1_product": float(g["product"][0]),
        "gap": _relative_gap(g["backprop"], g["product"]),
        "x": X, "y": Y, "seed": SEED,
        "n_chains": N_CHAINS,
        "max_gap_random": s["max_gap"],
        "pct_factor_below_quarter": 100 * float(np.mean(np.abs(s["factors"]) < 0.25)),
        "median_ratio_b1_bL": float(np.median(s["ratios"])),
        "pct_b1_smaller": 100 * float(np.mean(s["ratios"] < 1)),
    }


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
