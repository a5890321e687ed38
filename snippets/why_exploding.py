"""Nielsen's exploding chain: every w_j = 100, every z_j = 0, so every factor is 25.

The same chain of four sigmoid neurons as ``why_chain`` (layer sizes [1, 1, 1, 1, 1]),
with all weights 100 and each bias chosen as b_j = −100·a_{j−1}, so that every
weighted input z_j is exactly 0 and σ′(z_j) = 1/4. The table lists ∂C/∂b_j from
``backprop.backward`` and the ratio to the next neuron's: 25 at every step.
"""

import sys

import numpy as np

import backprop
import plotstyle
from why_chain import chain_gradients

W = 100.0  # every weight
X, Y = 1.0, 0.0  # the input and its target
N_NEURONS = 4

FIGURES = {}


# --8<-- [start:core]
def exploding_chain(w: float = W, x: float = X, n: int = N_NEURONS, z: float = 0.0):
    """A chain of n neurons with every weight w and biases b_j = z − w·a_{j−1},
    so that every weighted input z_j = w·a_{j−1} + b_j equals z (Nielsen: 0)."""
    weights, biases, a = [], [], x
    for _ in range(n):
        weights.append(np.array([[w]]))
        biases.append(np.array([[z - w * a]]))
        a = float(backprop.sigmoid(np.array(z)))  # σ(0) = 1/2
    return weights, biases


def measure() -> dict:
    weights, biases = exploding_chain()
    g = chain_gradients(weights, biases, X, Y)
    g["growth"] = g["backprop"][:-1] / g["backprop"][1:]  # ∂C/∂b_j / ∂C/∂b_{j+1}
    return g
# --8<-- [end:core]



def values(g: dict) -> dict:
    def num(v: float) -> str:
        return plotstyle.number(v, digits=6)  # the chain's values are exact

    rows = [
        "| neuron \\(j\\) | layer \\(l\\) | \\(w_j\\) | \\(b_j\\) | \\(z_j\\) "
        "| \\(\\sigma'(z_j)\\) | \\(w_j\\sigma'(z_j)\\) "
        "| \\(\\partial C/\\partial b_j\\) "
        "| \\(\\dfrac{\\partial C/\\partial b_j}{\\partial C/\\partial b_{j+1}}\\) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for j in range(len(g["w"])):
        factor = "—" if j == 0 else num(g["factors"][j])
        growth = num(g["growth"][j]) if j < len(g["growth"]) else "—"
        cells = [str(j + 1), str(j + 2), num(g["w"][j]), num(g["b"][j]),
                 num(g["z"][j]), num(g["sigma_prime"][j]), factor,
                 num(g["backprop"][j]), growth]
        rows.append("| " + " | ".join(cells) + " |")
    return {
        "table": "\n".join(rows),
        "growth": float(g["growth"][0]),
        "db1": float(g["backprop"][0]),
        "dbL": float(g["backprop"][-1]),
        "ratio_b1_bL": float(g["backprop"][0] / g["backprop"][-1]),
        "w": W, "x": X, "y": Y,
    }


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
