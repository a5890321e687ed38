"""Tests for ``snippets/architectures.py``: batch normalization and residual nets.

The oracle is a reference forward pass written here from the equations (one neuron
and one example at a time where the definition allows, sharing no code with the
module), differentiated by central finite differences, as in ``test_backprop.py``.
The reference batch-norm layer also has the bias before the normalization that the
module leaves out, so that its gradient can be measured.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import architectures as arch
import backprop

ACTIVATIONS = ["sigmoid", "tanh", "relu"]
REF = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
}
STEP = {"sigmoid": 1e-4, "tanh": 1e-4, "relu": 1e-5}
KINK = 1e-2  # relu samples keep every pre-activation at least this far from 0
RTOL = 1e-6
ATOL = 1e-10  # rounding floor of the finite differences: ~1e-16 · C / h per entry
SIZES = [[3, 4, 4, 2], [2, 5, 5, 5, 3], [4, 3, 1]]


def seed_of(*parts) -> int:
    return zlib.crc32("-".join(map(str, parts)).encode())


def ref_cost(a, y):
    return -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=0).mean()


# ---------------------------------------------------------- reference passes


def ref_bn(weights, shifts, scales, b_out, x, activation, pre_bias=None):
    """Batch norm by definition; returns (cost inputs a^L, hidden pre-activations).

    ``pre_bias[i]``, if given, is added to z before the normalization.
    """
    a, ys = x, []
    for i in range(len(weights) - 1):
        z = weights[i] @ a
        if pre_bias is not None:
            z = z + pre_bias[i]
        y = np.empty_like(z)
        for j in range(z.shape[0]):  # neuron by neuron: mean and variance of row j
            row = z[j]
            mu = sum(row) / len(row)
            var = sum((v - mu) ** 2 for v in row) / len(row)
            z_hat = (row - mu) / np.sqrt(var + arch.EPS)
            y[j] = scales[i][j, 0] * z_hat + shifts[i][j, 0]
        ys.append(y)
        a = REF[activation](y)
    return REF["sigmoid"](weights[-1] @ a + b_out), ys


def ref_res(weights, biases, x, activation):
    """Residual net by definition, one example at a time; returns (a^L, zs)."""
    out, zs = [], [[] for _ in weights]
    for r in range(x.shape[1]):
        a = x[:, r]
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = w @ a + b[:, 0]
            zs[i].append(z)
            if i == len(weights) - 1:
                a = REF["sigmoid"](z)
            elif w.shape[0] == w.shape[1]:
                a = a + REF[activation](z)
            else:
                a = REF[activation](z)
        out.append(a)
    return np.array(out).T, [np.array(z).T for z in zs]


def bn_cost(weights, biases, x, y, activation, pre_bias=None):
    """C as a function of the (moved in place) parameters of a batch-norm net."""
    hidden = len(weights) - 1
    return lambda: ref_cost(ref_bn(weights, biases[:hidden], biases[hidden + 1:],
                                   biases[hidden], x, activation, pre_bias)[0], y)


def res_cost(weights, biases, x, y, activation):
    return lambda: ref_cost(ref_res(weights, biases, x, activation)[0], y)


def central(f, h):
    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)


def numerical(cost, params, h):
    """∂cost/∂p for every entry of every array in ``params`` (moved in place)."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            def moved(d, p=p, idx=idx, old=p[idx]):
                p[idx] = old + d
                c = cost()
                p[idx] = old
                return c
            g[idx] = central(moved, h)
        grads.append(g)
    return grads


def assert_close(got, expected, what):
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g.shape == e.shape, f"{what}[{i}] shape"
        err = np.linalg.norm(g - e)
        scale = np.linalg.norm(g) + np.linalg.norm(e)
        assert err <= RTOL * scale + ATOL, (
            f"{what}[{i}]: error {err:.2e}, relative {err / max(scale, 1e-300):.2e}")


# ------------------------------------------------------------ random problems


def bn_problem(rng, sizes, m, activation):
    for _ in range(100):
        weights, biases = arch.bn_init(sizes, rng)
        hidden = len(weights) - 1
        # Move γ and β away from 1 and 0 so that every term of the backward pass counts.
        biases = [b + rng.normal(0, 0.5, b.shape) for b in biases]
        x = rng.normal(0, 1, (sizes[0], m))
        y = rng.uniform(0, 1, (sizes[-1], m))
        _, ys = ref_bn(weights, biases[:hidden], biases[hidden + 1:],
                       biases[hidden], x, activation)
        if activation != "relu" or min(np.abs(v).min() for v in ys) > KINK:
            return weights, biases, x, y
    raise AssertionError("no kink-free relu sample")


def res_problem(rng, sizes, m, activation):
    for _ in range(100):
        weights, biases = backprop.init_params(sizes, rng)
        x = rng.normal(0, 1, (sizes[0], m))
        y = rng.uniform(0, 1, (sizes[-1], m))
        _, zs = ref_res(weights, biases, x, activation)
        if activation != "relu" or min(np.abs(z).min() for z in zs[:-1]) > KINK:
            return weights, biases, x, y
    raise AssertionError("no kink-free relu sample")


# ------------------------------------------------------------ batch normalization


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_bn_forward_matches_definition(activation):
    rng = np.random.default_rng(seed_of("bnf", activation))
    weights, biases, x, _ = bn_problem(rng, [3, 5, 4, 2], 7, activation)
    hidden = len(weights) - 1
    expected, _ = ref_bn(weights, biases[:hidden], biases[hidden + 1:],
                         biases[hidden], x, activation)
    zs, activations, stats = arch.bn_forward(weights, biases, x, activation)
    np.testing.assert_allclose(activations[-1], expected, rtol=1e-12)
    assert len(zs) == len(weights) and len(stats) == hidden
    for (mu, v), z in zip(stats, zs):
        np.testing.assert_allclose(mu[:, 0], z.mean(axis=1), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(v[:, 0], z.var(axis=1), rtol=1e-12)


@pytest.mark.parametrize("m", [3, 8])  # m = 1 has no variance to normalize by
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_bn_backward_matches_finite_differences(activation, m):
    rng = np.random.default_rng(seed_of("bn", activation, m))
    for sizes in SIZES:
        weights, biases, x, y = bn_problem(rng, sizes, m, activation)
        cost = bn_cost(weights, biases, x, y, activation)
        nabla_w, nabla_b, _ = arch.bn_backward(weights, biases, x, y, activation)
        assert_close(nabla_w, numerical(cost, weights, STEP[activation]),
                     f"{sizes} nabla_w")
        assert_close(nabla_b, numerical(cost, biases, STEP[activation]),
                     f"{sizes} nabla_b (β, b^L, γ)")


def test_bn_gradient_check_detects_a_wrong_gradient():
    rng = np.random.default_rng(5)
    weights, biases, x, y = bn_problem(rng, [3, 4, 4, 2], 5, "tanh")
    cost = bn_cost(weights, biases, x, y, "tanh")
    _, nabla_b, _ = arch.bn_backward(weights, biases, x, y, "tanh")
    nabla_b[-1][1, 0] *= 1.001  # one γ, off by 0.1 %
    with pytest.raises(AssertionError, match="error"):
        assert_close(nabla_b, numerical(cost, biases, 1e-4), "perturbed")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_bias_before_the_normalization_has_exactly_zero_gradient(activation):
    """Finite differences of the cost in a pre-BN bias vanish, and so does its
    backprop gradient, the batch mean of the error ∂C/∂z^l."""
    rng = np.random.default_rng(seed_of("pre", activation))
    sizes = [3, 5, 4, 2]
    weights, biases, x, y = bn_problem(rng, sizes, 6, activation)
    pre = [rng.normal(0, 1, (n, 1)) for n in sizes[1:-1]]
    cost = bn_cost(weights, biases, x, y, activation, pre)
    for g in numerical(cost, pre, 1e-3):
        assert np.abs(g).max() < 1e-10
    nabla_w, _, errors = arch.bn_backward(weights, biases, x, y, activation)
    for i, e in enumerate(errors[:-1]):
        scale = np.abs(e).max()
        assert scale > 1e-3  # the error itself is not zero ...
        assert np.abs(e.mean(axis=1)).max() < 1e-13 * max(scale, 1)  # ... its mean is
        assert np.linalg.norm(nabla_w[i]) > 1e-4  # and the weights still learn


def test_a_bn_layer_below_another_gets_an_error_of_zero_batch_mean():
    """∂C/∂a^l = (w^{l+1})ᵀ δ^{l+1} has zero batch mean when layer l+1 is
    normalized, so ∂C/∂β^l keeps only its correlation with f'(y^l)."""
    rng = np.random.default_rng(11)
    weights, biases, x, y = bn_problem(rng, [4, 6, 6, 6, 3], 8, "sigmoid")
    _, _, errors = arch.bn_backward(weights, biases, x, y)
    for i in range(len(weights) - 2):  # hidden layers feeding a normalized layer
        incoming = weights[i + 1].T @ errors[i + 1]
        assert np.abs(incoming.mean(axis=1)).max() < 1e-13 * np.abs(incoming).max()
    last = weights[-1].T @ errors[-1]  # the last hidden layer feeds the plain output
    assert np.abs(last.mean(axis=1)).max() > 1e-3 * np.abs(last).max()


def test_bn_init_puts_shifts_first_then_output_bias_then_scales():
    sizes = [5, 4, 3, 2]
    weights, biases = arch.bn_init(sizes, np.random.default_rng(0))
    assert [w.shape for w in weights] == [(4, 5), (3, 4), (2, 3)]
    assert [b.shape for b in biases] == [(4, 1), (3, 1), (2, 1), (4, 1), (3, 1)]
    for beta in biases[:2]:
        np.testing.assert_array_equal(beta, 0.0)
    for gamma in biases[3:]:
        np.testing.assert_array_equal(gamma, 1.0)
    assert np.abs(biases[2]).max() > 0  # output bias N(0, 1), as Nielsen's


def test_bn_output_on_the_training_set_is_the_training_forward_pass():
    rng = np.random.default_rng(2)
    weights, biases, x, _ = bn_problem(rng, [3, 4, 4, 2], 9, "sigmoid")
    np.testing.assert_allclose(arch.bn_output(weights, biases, x, x),
                               arch.bn_forward(weights, biases, x)[1][-1], rtol=1e-14)
    # Another batch is normalized by the training statistics, not its own.
    other = x[:, :3] + 1.0
    assert not np.allclose(arch.bn_output(weights, biases, other, x),
                           arch.bn_forward(weights, biases, other)[1][-1])


def test_train_decays_weights_but_not_beta_gamma_or_output_bias():
    """With λ > 0 one full-batch step is w ← (1 − ηλ/n) w − η ∂C/∂w and
    p ← p − η ∂C/∂p for every entry of ``biases`` (β, b^L, γ)."""
    rng = np.random.default_rng(3)
    weights, biases, x, y = bn_problem(rng, [3, 4, 4, 2], 6, "tanh")
    eta, lmbda, n = 0.5, 2.0, x.shape[1]
    nabla_w, nabla_b, _ = arch.bn_backward(weights, biases, x, y, "tanh")
    new_w, new_b, _ = backprop.train(
        weights, biases, x, y, epochs=1, batch_size=n, eta=eta, lmbda=lmbda,
        rng=np.random.default_rng(0), gradient=arch.bn_backward, activation="tanh")
    for w, g, got in zip(weights, nabla_w, new_w):
        np.testing.assert_allclose(got, (1 - eta * lmbda / n) * w - eta * g,
                                   rtol=1e-12)
    for b, g, got in zip(biases, nabla_b, new_b):
        np.testing.assert_allclose(got, b - eta * g, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------- residual


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_res_forward_matches_definition(activation):
    rng = np.random.default_rng(seed_of("resf", activation))
    weights, biases, x, _ = res_problem(rng, [3, 4, 4, 4, 2], 5, activation)
    expected, expected_zs = ref_res(weights, biases, x, activation)
    zs, activations = arch.res_forward(weights, biases, x, activation)
    np.testing.assert_allclose(activations[-1], expected, rtol=1e-12)
    for z, e in zip(zs, expected_zs):
        np.testing.assert_allclose(z, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("m", [1, 5])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_res_backward_matches_finite_differences(activation, m):
    rng = np.random.default_rng(seed_of("res", activation, m))
    for sizes in SIZES + [[2, 3, 3, 3, 3, 3, 2]]:
        weights, biases, x, y = res_problem(rng, sizes, m, activation)
        cost = res_cost(weights, biases, x, y, activation)
        nabla_w, nabla_b, _ = arch.res_backward(weights, biases, x, y, activation)
        assert_close(nabla_w, numerical(cost, weights, STEP[activation]),
                     f"{sizes} nabla_w")
        assert_close(nabla_b, numerical(cost, biases, STEP[activation]),
                     f"{sizes} nabla_b")


def test_only_hidden_layers_that_keep_their_width_are_residual():
    weights, _ = backprop.init_params([64, 30, 30, 30, 10], np.random.default_rng(0))
    assert [arch.is_residual(weights, i) for i in range(4)] == [
        False, True, True, False]
    square_out, _ = backprop.init_params([3, 3, 3], np.random.default_rng(0))
    assert not arch.is_residual(square_out, 1)  # the output layer never is


def test_a_residual_layer_with_zero_parameters_passes_its_input_on():
    """With w^l = 0 and b^l = 0 a tanh residual layer is the identity, forward
    (a^l = a^{l-1}) and backward (∂C/∂a^{l-1} = ∂C/∂a^l)."""
    rng = np.random.default_rng(4)
    weights, biases, x, y = res_problem(rng, [3, 4, 4, 4, 2], 5, "tanh")
    weights[1][:] = 0.0
    biases[1][:] = 0.0
    _, activations = arch.res_forward(weights, biases, x, "tanh")
    np.testing.assert_allclose(activations[2], activations[1], rtol=1e-15)
    zs, _ = arch.res_forward(weights, biases, x, "tanh")
    _, _, errors = arch.res_backward(weights, biases, x, y, "tanh")
    # δ^3 = ∂C/∂a^3 ⊙ tanh'(0) = ∂C/∂a^3; through the skip ∂C/∂a^2 = ∂C/∂a^3 too,
    # so δ^2 = δ^3 ⊙ tanh'(z^2).
    np.testing.assert_allclose(errors[0], errors[1] * backprop.tanh_prime(zs[0]),
                               rtol=1e-12)
    assert np.abs(errors[1]).max() > 1e-3


def test_residual_and_plain_nets_agree_when_no_layer_keeps_its_width():
    rng = np.random.default_rng(6)
    weights, biases, x, y = res_problem(rng, [3, 5, 4, 2], 4, "sigmoid")
    for got, want in zip(arch.res_backward(weights, biases, x, y)[:2],
                         backprop.backward(weights, biases, x, y)[:2]):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-16)
