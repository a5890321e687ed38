"""The reference network of the explanation pages: six layers of two sigmoid neurons.

Book layers 1 (the input) to 6 (the output), two neurons each, so every layer
l = 2..6 has four weights w^l_jk and two biases b^l_j: "the gradient in the l-th
layer" has six entries. :func:`network` gives one concrete network, drawn with
Nielsen's default initialization from a fixed seed, together with one concrete
input ``x`` and target ``y`` (columns, shape ``(2, 1)``).

Pages import it so that they all talk about the same numbers::

    import two_neuron
    weights, biases, x, y = two_neuron.network()
"""

from __future__ import annotations

import numpy as np

import backprop

# --8<-- [start:network]
SIZES = [2, 2, 2, 2, 2, 2]  # book layers 1 (input) .. 6 (output)
SEED = 0
X = np.array([[0.7], [0.2]])  # the input a^1 = x, one column
Y = np.array([[1.0], [0.0]])  # the target y of the two output neurons


def network(
    seed: int = SEED, scheme: str = "nielsen"
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """``(weights, biases, x, y)``: a seeded 2-neuron network, its input, its target."""
    weights, biases = backprop.init_params(SIZES, np.random.default_rng(seed), scheme)
    return weights, biases, X.copy(), Y.copy()


def cost(weights, biases, x, y) -> float:
    """C for fixed (x, y): a plain function of the weights and biases."""
    return backprop.cost_value(backprop.forward(weights, biases, x)[1][-1], y)
# --8<-- [end:network]
