"""Two networks beside backprop.py's plain one: batch normalization and residual.

Each has a forward and a backward pass of its own, in the book's notation, reusing
backprop's activation pairs (``backprop.ACTIVATIONS``) and its conventions: sigmoid
output layer, cross-entropy cost, gradients of the cost averaged over the batch,
``weights[l-2]`` for book layer l (layer 1 is the input). Their backward passes
have the signature ``backprop.train(gradient=...)`` expects, so both train
with the same loop as every other network on the site.

**Batch normalization** (Ioffe & Szegedy, 2015). Hidden layer l computes

    z^l = w^l a^{l-1}                          (no bias, see below)
    ẑ^l = (z^l − μ^l) / sqrt(v^l + ε)          μ^l, v^l: mean, variance over the batch
    a^l = f(γ^l ⊙ ẑ^l + β^l)

and the output layer is plain, a^L = σ(w^L a^{L-1} + b^L). A bias added to z^l
would be subtracted again with μ^l, so its gradient is exactly zero; the shift β^l
takes its place. ``biases`` is the list ``[β^2, …, β^{L-1}, b^L, γ^2, …, γ^{L-1}]``:
its first ``len(weights)`` entries are each layer's additive shift, so
``backprop.speeds(nabla_b[:len(weights)])`` is the speed of learning by β; the
scales γ follow. ``backprop.train`` applies no weight decay to any of them.

**Residual connections** (He et al., 2016). A hidden layer as wide as the layer
before it adds its input back:

    z^l = w^l a^{l-1} + b^l,    a^l = a^{l-1} + f(z^l);

the other layers are plain. Parameters are exactly backprop's.

In both backward passes ``errors[l-2]`` is m·∂C/∂z^l, one column per example: for a
plain layer that is Nielsen's error δ^l_x of example x, as in ``backprop.backward``.
"""

from __future__ import annotations

import numpy as np

import backprop

Params = list[np.ndarray]
EPS = 1e-5  # ε in the normalization


# --8<-- [start:batchnorm]
def bn_init(sizes, rng: np.random.Generator) -> tuple[Params, Params]:
    """Nielsen's weights; β = 0 and γ = 1 in hidden layers; output bias N(0, 1)."""
    weights, biases = backprop.init_params(sizes, rng)
    hidden = sizes[1:-1]
    shifts = [np.zeros((n, 1)) for n in hidden] + [biases[-1]]
    scales = [np.ones((n, 1)) for n in hidden]
    return weights, shifts + scales


def batch_stats(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """μ and v of every neuron over the batch (columns), shapes (n, 1)."""
    return z.mean(axis=1, keepdims=True), z.var(axis=1, keepdims=True)


def bn_forward(
    weights: Params, biases: Params, x: np.ndarray,
    activation: str = "sigmoid", stats: list | None = None,
) -> tuple[Params, Params, list]:
    """``(zs, activations, stats)``; ``stats[l-2] = (μ^l, v^l)`` of hidden layer l.

    With ``stats=None`` each hidden layer is normalized by the batch's own μ and v
    (training); pass the statistics of the training set to evaluate other inputs.
    """
    f, _ = backprop.ACTIVATIONS[activation]
    hidden = len(weights) - 1
    beta, gamma = biases[:hidden], biases[hidden + 1:]
    zs, activations, used = [], [x], []
    for i in range(hidden):
        z = weights[i] @ activations[-1]  # (n_l, m)
        mu, v = batch_stats(z) if stats is None else stats[i]
        z_hat = (z - mu) / np.sqrt(v + EPS)
        zs.append(z)
        used.append((mu, v))
        activations.append(f(gamma[i] * z_hat + beta[i]))
    zs.append(weights[-1] @ activations[-1] + biases[hidden])
    activations.append(backprop.sigmoid(zs[-1]))
    return zs, activations, used


def bn_backward(
    weights: Params, biases: Params, x: np.ndarray, y: np.ndarray,
    activation: str = "sigmoid",
) -> tuple[Params, Params, Params]:
    """``(nabla_w, nabla_b, errors)`` of the cross-entropy cost, batch statistics."""
    _, f_prime = backprop.ACTIVATIONS[activation]
    hidden = len(weights) - 1
    beta, gamma = biases[:hidden], biases[hidden + 1:]
    zs, activations, stats = bn_forward(weights, biases, x, activation)
    m = x.shape[1]
    delta = activations[-1] - y  # BP1, σ' cancels against cross-entropy
    errors, d_beta, d_gamma = [delta], [], []
    for i in reversed(range(hidden)):
        mu, v = stats[i]
        z_hat = (zs[i] - mu) / np.sqrt(v + EPS)
        d_y = (weights[i + 1].T @ delta) * f_prime(gamma[i] * z_hat + beta[i])
        d_beta.insert(0, d_y.mean(axis=1, keepdims=True))  # the bias analogue
        d_gamma.insert(0, (d_y * z_hat).mean(axis=1, keepdims=True))
        d_hat = gamma[i] * d_y
        # Through the normalization: μ and v depend on every example of the batch.
        delta = (d_hat - d_hat.mean(axis=1, keepdims=True)
                 - z_hat * (d_hat * z_hat).mean(axis=1, keepdims=True)
                 ) / np.sqrt(v + EPS)  # mean over the batch: exactly 0
        errors.insert(0, delta)
    nabla_w = [d @ a.T / m for d, a in zip(errors, activations[:-1])]
    d_out = errors[-1].mean(axis=1, keepdims=True)
    return nabla_w, d_beta + [d_out] + d_gamma, errors
# --8<-- [end:batchnorm]


def bn_output(
    weights: Params, biases: Params, x: np.ndarray, x_train: np.ndarray,
    activation: str = "sigmoid",
) -> np.ndarray:
    """Outputs for ``x`` normalized by the statistics of the whole training set."""
    stats = bn_forward(weights, biases, x_train, activation)[2]
    return bn_forward(weights, biases, x, activation, stats)[1][-1]


# --8<-- [start:residual]
def is_residual(weights: Params, i: int) -> bool:
    """Hidden layer ``weights[i]`` adds its input back if it keeps the width."""
    return i < len(weights) - 1 and weights[i].shape[0] == weights[i].shape[1]


def res_forward(
    weights: Params, biases: Params, x: np.ndarray, activation: str = "sigmoid"
) -> tuple[Params, Params]:
    """``(zs, activations)`` of the residual network; ``activations[0] = x``."""
    f, _ = backprop.ACTIVATIONS[activation]
    zs, activations = [], [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = w @ activations[-1] + b
        zs.append(z)
        if i == len(weights) - 1:
            activations.append(backprop.sigmoid(z))
        elif is_residual(weights, i):
            activations.append(activations[-1] + f(z))  # the skip connection
        else:
            activations.append(f(z))
    return zs, activations


def res_backward(
    weights: Params, biases: Params, x: np.ndarray, y: np.ndarray,
    activation: str = "sigmoid",
) -> tuple[Params, Params, Params]:
    """``(nabla_w, nabla_b, errors)`` of the cross-entropy cost; BP3, BP4 as usual."""
    _, f_prime = backprop.ACTIVATIONS[activation]
    zs, activations = res_forward(weights, biases, x, activation)
    m = x.shape[1]
    delta = activations[-1] - y  # BP1
    errors = [delta]
    d_a = weights[-1].T @ delta  # m·∂C/∂a^{L-1}
    for i in reversed(range(len(weights) - 1)):
        delta = d_a * f_prime(zs[i])  # BP2 without the skip
        errors.insert(0, delta)
        skip = d_a if is_residual(weights, i) else 0.0
        d_a = weights[i].T @ delta + skip  # the skip passes ∂C/∂a on untouched
    nabla_b = [d.mean(axis=1, keepdims=True) for d in errors]
    nabla_w = [d @ a.T / m for d, a in zip(errors, activations[:-1])]
    return nabla_w, nabla_b, errors
# --8<-- [end:residual]
