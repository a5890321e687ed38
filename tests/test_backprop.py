"""Tests for ``snippets/backprop.py``, each against an independent oracle.

The oracle for every derivative is a central finite difference of a cost computed by
the reference forward pass below, written here from the book's equations and sharing
no code with the module: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l), C averaged over the m
examples (columns). Book layer ``l`` is index ``l - 2`` of ``weights``/``biases``.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

import backprop
import optimizers

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
# (cost, output activation): every pairing the module accepts.
COSTS = [
    ("quadratic", "sigmoid"),
    ("quadratic", "identity"),
    ("cross_entropy", "sigmoid"),
]
# Finite differences: the fourth-order central stencil
#   f'(0) ≈ [8 (f(h) − f(−h)) − (f(2h) − f(−2h))] / 12h,
# with h large enough that rounding in C (≈ 1e-16 C / h) stays far below the smallest
# layer gradients of a vanishing-gradient network (≈ 1e-7 here), and small enough that
# the truncation error (∝ h⁴) does too. A relu network is piecewise smooth: its samples
# keep every |z| ≥ KINK, far more than a step of 2h can move any z.
STEP = {"sigmoid": 1e-3, "tanh": 1e-3, "identity": 1e-3, "relu": 1e-4}
KINK = 1e-2
RTOL = 1e-6  # relative error allowed between backprop and finite differences
ATOL = 1e-12  # the rounding floor of the oracle, for layers whose gradient is ~0

# ----------------------------------------------------------------- the oracle

REF_ACTIVATION = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "identity": lambda z: z,
}


def ref_cost(a, y, cost):
    """C averaged over the columns: ½‖a − y‖² or −[y ln a + (1 − y) ln(1 − a)]."""
    if cost == "quadratic":
        per_example = 0.5 * ((a - y) ** 2).sum(axis=0)
    else:
        per_example = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=0)
    return per_example.mean()


def ref_forward_from(weights, biases, z, i, activation, output):
    """Output activations given z^l of book layer l = i + 2 (z has shape (n_l, m))."""
    last = len(weights) - 1
    a = REF_ACTIVATION[output if i == last else activation](z)
    for j in range(i + 1, len(weights)):
        z = weights[j] @ a + biases[j]
        a = REF_ACTIVATION[output if j == last else activation](z)
    return a


def ref_zs(weights, biases, x, activation):
    """All z^l, by the definition, one example (column) at a time."""
    zs = [np.empty((w.shape[0], x.shape[1])) for w in weights]
    for r in range(x.shape[1]):
        a = x[:, r]
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            zs[i][:, r] = w @ a + b[:, 0]
            a = REF_ACTIVATION[activation](zs[i][:, r])
    return zs


def net_cost(weights, biases, x, y, activation, output, cost):
    z1 = weights[0] @ x + biases[0]
    return ref_cost(ref_forward_from(weights, biases, z1, 0, activation, output),
                    y, cost)


def central_difference(f, h):
    """f'(0) from f at ±h and ±2h (fourth-order central stencil)."""
    # Differences first: a constant f gives exactly 0.
    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)


def numerical_gradient(weights, biases, x, y, activation, output, cost):
    """∂C/∂w^l_jk and ∂C/∂b^l_j by moving one parameter at a time."""
    weights = [w.copy() for w in weights]
    biases = [b.copy() for b in biases]
    grads = []
    for params in (weights, biases):
        grads.append([])
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                def cost_at(d, p=p, idx=idx, old=p[idx]):
                    p[idx] = old + d
                    c = net_cost(weights, biases, x, y, activation, output, cost)
                    p[idx] = old
                    return c
                g[idx] = central_difference(cost_at, STEP[activation])
            grads[-1].append(g)
    return grads[0], grads[1]


def numerical_errors(weights, biases, x, y, activation, output, cost):
    """∂C_r/∂z^l_j for every example r, moving z^l_j of that example alone."""
    result = []
    for i, z in enumerate(ref_zs(weights, biases, x, activation)):
        g = np.zeros_like(z)
        for j, r in np.ndindex(z.shape):
            def cost_of_example(d, i=i, j=j, r=r, z=z):
                z_r = z[:, [r]].copy()  # (n_l, 1): example r on its own
                z_r[j, 0] += d
                a = ref_forward_from(weights, biases, z_r, i, activation, output)
                return ref_cost(a, y[:, [r]], cost)
            g[j, r] = central_difference(cost_of_example, STEP[activation])
        result.append(g)
    return result


def assert_close_per_layer(got, expected, what):
    """‖got − expected‖ ≤ RTOL (‖got‖ + ‖expected‖) + ATOL, layer by layer."""
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g.shape == e.shape, f"{what}, layer {i + 2}: shape"
        scale = np.linalg.norm(g) + np.linalg.norm(e)
        err = np.linalg.norm(g - e)
        assert err <= RTOL * scale + ATOL, (
            f"{what}, layer {i + 2}: error {err:.2e}, relative error "
            f"{err / max(scale, 1e-300):.2e}"
        )


# ------------------------------------------------------------ random networks


def seed_of(*parts) -> int:
    return zlib.crc32("-".join(map(str, parts)).encode())


def random_problem(rng, sizes, m, activation, cost):
    """Parameters, inputs and targets; for relu, redrawn until no z is near a kink."""
    for _ in range(100):
        weights = [rng.normal(0, 1 / math.sqrt(n_in), (n_out, n_in))
                   for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        biases = [rng.normal(0, 1, (n, 1)) for n in sizes[1:]]
        x = rng.normal(0, 1, (sizes[0], m))
        if cost == "cross_entropy":
            y = rng.uniform(0, 1, (sizes[-1], m))
        else:
            y = rng.normal(0, 1, (sizes[-1], m))
        zs = ref_zs(weights, biases, x, activation)
        if activation != "relu" or min(np.abs(z).min() for z in zs) > KINK:
            return weights, biases, x, y
    raise AssertionError("no kink-free relu sample in 100 draws")


def architectures(rng, count):
    """The extremes of depth 2-7 and width 1-6, then random ones."""
    fixed = [[1, 1], [6, 6], [6, 6, 6, 6, 6, 6, 6], [1, 6, 1, 6, 1, 6, 1]]
    drawn = [list(rng.integers(1, 7, size=rng.integers(2, 8))) for _ in range(count)]
    return fixed + [[int(s) for s in sizes] for sizes in drawn]


def small_net(sizes=(3, 4, 2), m=5, seed=0):
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(list(sizes), rng)
    x = rng.uniform(0, 1, (sizes[0], m))
    y = rng.uniform(0, 1, (sizes[-1], m))
    return weights, biases, x, y


# ------------------------------------------------------------ forward and cost


# ------------------------------------------------------- activation derivatives

CLOSED_FORM = {  # each derivative from the activation's definition
    "sigmoid": lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2,
    "tanh": lambda z: 1.0 / np.cosh(z) ** 2,
    "relu": lambda z: np.where(z > 0, 1.0, 0.0),
    "identity": lambda z: np.ones_like(z),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivative_matches_closed_form_and_finite_differences(name):
    f, prime = backprop.ACTIVATIONS[name]
    z = np.linspace(-6.0, 6.0, 241)
    z = z[np.abs(z) > KINK]  # a difference step must not straddle relu's kink
    np.testing.assert_allclose(prime(z), CLOSED_FORM[name](z), rtol=1e-12,
                               atol=1e-15)
    slope = central_difference(lambda d: f(z + d), STEP[name])
    np.testing.assert_allclose(prime(z), slope, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivative_from_the_forward_pass_is_the_same(name):
    # backward passes a = f(z) it already has; the result must not change
    f, prime = backprop.ACTIVATIONS[name]
    z = np.random.default_rng(seed_of(name)).normal(0.0, 3.0, (4, 50))
    np.testing.assert_array_equal(prime(z, f(z)), prime(z))


def test_activation_derivatives_at_zero_and_at_the_kink():
    zero = np.zeros((1, 1))
    assert backprop.sigmoid_prime(zero)[0, 0] == 0.25  # σ′'s maximum
    assert backprop.tanh_prime(zero)[0, 0] == 1.0  # tanh′'s maximum
    assert backprop.identity_prime(np.array([-3.0, 0.0, 5.0])).tolist() == [1] * 3
    # relu′ at its kink z = 0 is 0 by this module's convention; 1 just right of it
    tiny = np.array([-1e-300, 0.0, 1e-300])
    assert backprop.relu_prime(tiny).tolist() == [0.0, 0.0, 1.0]


def test_backward_uses_relu_prime_zero_at_the_kink():
    # Hidden weights and biases 0: every hidden z is exactly 0, so no error
    # reaches the hidden layer, and its gradient is exactly 0.
    weights = [np.zeros((2, 3)), np.ones((1, 2))]
    biases = [np.zeros((2, 1)), np.zeros((1, 1))]
    x, y = np.ones((3, 4)), np.full((1, 4), 0.7)
    nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y, "relu")
    assert not errors[0].any() and not nabla_w[0].any() and not nabla_b[0].any()
    assert errors[1].all()  # the output error itself is not 0


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", ["sigmoid", "identity"])
def test_forward_matches_definition(activation, output):
    rng = np.random.default_rng(seed_of(activation, output))
    weights, biases, x, _ = random_problem(rng, [3, 5, 4, 2], 6, activation,
                                           "quadratic")
    zs, activations = backprop.forward(weights, biases, x, activation, output)
    expected_zs = ref_zs(weights, biases, x, activation)
    assert len(zs) == 3 and len(activations) == 4
    np.testing.assert_array_equal(activations[0], x)
    for z, expected in zip(zs, expected_zs, strict=True):
        np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-14)
    for z, a in zip(zs[:-1], activations[1:-1], strict=True):
        np.testing.assert_allclose(a, REF_ACTIVATION[activation](z), rtol=1e-12)
    np.testing.assert_allclose(activations[-1], REF_ACTIVATION[output](zs[-1]),
                               rtol=1e-12)


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_cost_value_is_the_cost_averaged_over_examples(cost):
    rng = np.random.default_rng(seed_of(cost))
    a, y = rng.uniform(0.01, 0.99, (3, 7)), rng.uniform(0, 1, (3, 7))
    assert backprop.cost_value(a, y, cost) == pytest.approx(ref_cost(a, y, cost),
                                                            rel=1e-12)
    # Averaged, not summed: duplicating every example leaves C unchanged.
    assert backprop.cost_value(np.hstack([a, a]), np.hstack([y, y]), cost) == (
        pytest.approx(ref_cost(a, y, cost), rel=1e-12))


def test_cross_entropy_counts_0_ln_0_as_0():
    a = np.array([[0.0, 1.0]])
    y = np.array([[0.0, 1.0]])
    assert backprop.cost_value(a, y, "cross_entropy") == 0.0


# -------------------------------------------------- backward: the gradient check


@pytest.mark.parametrize("m", [1, 4])
@pytest.mark.parametrize("cost, output", COSTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_matches_finite_differences(activation, cost, output, m):
    rng = np.random.default_rng(seed_of(activation, cost, output, m))
    for sizes in architectures(rng, count=4):
        weights, biases, x, y = random_problem(rng, sizes, m, activation, cost)
        nabla_w, nabla_b, _ = backprop.backward(
            weights, biases, x, y, activation=activation, output=output, cost=cost)
        num_w, num_b = numerical_gradient(weights, biases, x, y, activation, output,
                                          cost)
        assert_close_per_layer(nabla_w, num_w, f"{sizes} nabla_w")
        assert_close_per_layer(nabla_b, num_b, f"{sizes} nabla_b")


def test_gradient_check_detects_a_wrong_gradient():
    # The check above can fail: a 0.1 % error in one entry is caught.
    rng = np.random.default_rng(1)
    weights, biases, x, y = random_problem(rng, [3, 4, 2], 3, "sigmoid", "quadratic")
    nabla_w, _, _ = backprop.backward(weights, biases, x, y, cost="quadratic")
    num_w, _ = numerical_gradient(weights, biases, x, y, "sigmoid", "sigmoid",
                                  "quadratic")
    nabla_w[0][1, 2] *= 1.001
    with pytest.raises(AssertionError, match="relative error"):
        assert_close_per_layer(nabla_w, num_w, "perturbed")


@pytest.mark.parametrize("cost, output", COSTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_errors_are_dC_dz_of_each_example(activation, cost, output):
    """δ^l_j of example r is ∂C_r/∂z^l_j, C_r the cost of that example alone (m = 1)."""
    rng = np.random.default_rng(seed_of("errors", activation, cost, output))
    m = 3
    for sizes in ([2, 3, 4, 3, 2], [1, 5, 1], [4, 4]):
        weights, biases, x, y = random_problem(rng, sizes, m, activation, cost)
        _, _, errors = backprop.backward(
            weights, biases, x, y, activation=activation, output=output, cost=cost)
        numerical = numerical_errors(weights, biases, x, y, activation, output, cost)
        assert len(errors) == len(weights)
        for i, expected in enumerate(numerical):
            assert errors[i].shape == (sizes[i + 1], m)
            assert_close_per_layer([errors[i]], [expected], f"{sizes} δ^{i + 2}")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_nabla_b_and_nabla_w_are_batch_means_of_bp3_and_bp4(activation):
    """BP3: ∂C/∂b^l_j = mean δ^l_j; BP4: ∂C/∂w^l_jk = mean a^{l-1}_k δ^l_j."""
    rng = np.random.default_rng(seed_of("bp34", activation))
    sizes, m = [3, 4, 5, 2], 6
    weights, biases, x, y = random_problem(rng, sizes, m, activation, "quadratic")
    nabla_w, nabla_b, errors = backprop.backward(
        weights, biases, x, y, activation=activation, cost="quadratic")
    zs = ref_zs(weights, biases, x, activation)
    inputs = [x] + [REF_ACTIVATION[activation](z) for z in zs[:-1]]  # a^{l-1}
    for i, (a_prev, delta) in enumerate(zip(inputs, errors, strict=True)):
        expected_b = np.zeros((sizes[i + 1], 1))
        expected_w = np.zeros((sizes[i + 1], sizes[i]))
        for j in range(sizes[i + 1]):
            expected_b[j, 0] = sum(delta[j, r] for r in range(m)) / m
            for k in range(sizes[i]):
                expected_w[j, k] = sum(a_prev[k, r] * delta[j, r]
                                       for r in range(m)) / m
        np.testing.assert_allclose(nabla_b[i], expected_b, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nabla_w[i], expected_w, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cost, output", COSTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batch_backward_is_mean_of_per_example_backwards(activation, cost, output):
    rng = np.random.default_rng(seed_of("batch", activation, cost, output))
    sizes, m = [4, 6, 3, 5, 2], 7
    weights, biases, x, y = random_problem(rng, sizes, m, activation, cost)
    options = dict(activation=activation, output=output, cost=cost)
    nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y, **options)
    singles = [backprop.backward(weights, biases, x[:, [r]], y[:, [r]], **options)
               for r in range(m)]
    for i in range(len(weights)):
        mean_w = sum(s[0][i] for s in singles) / m
        mean_b = sum(s[1][i] for s in singles) / m
        np.testing.assert_allclose(nabla_w[i], mean_w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nabla_b[i], mean_b, rtol=1e-12, atol=1e-15)
        stacked = np.hstack([s[2][i] for s in singles])
        np.testing.assert_allclose(errors[i], stacked, rtol=1e-12, atol=1e-15)


def test_backward_returns_weights_first_shaped_like_the_parameters():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=5)
    nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y)
    assert [g.shape for g in nabla_w] == [(4, 3), (2, 4)]
    assert [g.shape for g in nabla_b] == [(4, 1), (2, 1)]
    assert [d.shape for d in errors] == [(4, 5), (2, 5)]
    assert all(g.dtype == np.float64 for g in nabla_w + nabla_b + errors)


# ------------------------------------------------- layer_gradient and speeds


def labelled_gradients(sizes):
    """nabla_w[l-2][j-1, k-1] = 100 l + 10 j + k, nabla_b[l-2][j-1] = 100 l + j / 10:
    each entry says which ∂C/∂w^l_jk or ∂C/∂b^l_j it stands for."""
    nabla_w, nabla_b = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        l = i + 2
        j, k = np.meshgrid(np.arange(1, n_out + 1), np.arange(1, n_in + 1),
                           indexing="ij")
        nabla_w.append(100.0 * l + 10 * j + k)
        nabla_b.append(100.0 * l + np.arange(1, n_out + 1)[:, None] / 10)
    return nabla_w, nabla_b


def test_layer_gradient_lists_w11_w12_w21_w22_b1_b2_of_book_layer_l():
    sizes = [2, 2, 2, 2, 2, 2]
    nabla_w, nabla_b = labelled_gradients(sizes)
    for l in range(2, 7):
        expected = [100 * l + 11, 100 * l + 12, 100 * l + 21, 100 * l + 22,
                    100 * l + 0.1, 100 * l + 0.2]
        np.testing.assert_array_equal(
            backprop.layer_gradient(nabla_w, nabla_b, l), expected)
    # A numpy integer names a layer too.
    assert backprop.layer_gradient(nabla_w, nabla_b, np.int64(3))[0] == 311


def test_layer_gradient_of_real_gradients_on_a_2_2_2_2_2_2_net():
    weights, biases, x, y = small_net(sizes=(2, 2, 2, 2, 2, 2), m=4)
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    for l in range(2, 7):
        nw, nb = nabla_w[l - 2], nabla_b[l - 2]
        expected = [nw[0, 0], nw[0, 1], nw[1, 0], nw[1, 1], nb[0, 0], nb[1, 0]]
        got = backprop.layer_gradient(nabla_w, nabla_b, l)
        assert got.shape == (6,)
        np.testing.assert_array_equal(got, expected)


def test_layer_gradient_of_a_non_square_layer_is_row_major_then_biases():
    nabla_w, nabla_b = labelled_gradients([2, 3, 1])
    np.testing.assert_array_equal(
        backprop.layer_gradient(nabla_w, nabla_b, 2),
        [211, 212, 221, 222, 231, 232, 200.1, 200.2, 200.3])


@pytest.mark.parametrize(
    "l, error, match",
    [
        (1, ValueError, r"layer l=1 does not exist: this network has layers 2 to 6"),
        (7, ValueError, r"layer l=7 does not exist"),
        (0, ValueError, r"layer l=0 does not exist"),
        (2.0, TypeError, r"layer l must be an integer, got float"),
        (True, TypeError, r"layer l must be an integer, got bool"),
        ("2", TypeError, r"layer l must be an integer, got str"),
    ],
)
def test_layer_gradient_refuses_layers_that_do_not_exist(l, error, match):
    nabla_w, nabla_b = labelled_gradients([2, 2, 2, 2, 2, 2])
    with pytest.raises(error, match=match):
        backprop.layer_gradient(nabla_w, nabla_b, l)


def test_speeds_are_bias_gradient_norms_of_hidden_layers_only():
    nabla_w, nabla_b = labelled_gradients([2, 2, 2, 2, 2, 2])
    got = backprop.speeds(nabla_b)
    # Hidden layers 2, 3, 4, 5; not the output layer 6.
    expected = [math.sqrt((100 * l + 0.1) ** 2 + (100 * l + 0.2) ** 2)
                for l in range(2, 6)]
    assert got.shape == (4,)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_speeds_of_a_real_network_have_one_entry_per_hidden_layer():
    sizes = (3, 5, 4, 6, 2)
    weights, biases, x, y = small_net(sizes=sizes, m=4)
    _, nabla_b, _ = backprop.backward(weights, biases, x, y)
    got = backprop.speeds(nabla_b)
    assert len(got) == len(sizes) - 2
    for i, nb in enumerate(nabla_b[:-1]):
        assert got[i] == pytest.approx(math.sqrt(sum(v * v for v in nb[:, 0])),
                                       rel=1e-12)


# ----------------------------------------------------------------- init_params


@pytest.mark.parametrize("scheme", ["nielsen", "large", "xavier", "he"])
def test_init_params_shapes_follow_sizes(scheme):
    weights, biases = backprop.init_params([3, 5, 1, 2], np.random.default_rng(0),
                                           scheme)
    assert [w.shape for w in weights] == [(5, 3), (1, 5), (2, 1)]
    assert [b.shape for b in biases] == [(5, 1), (1, 1), (2, 1)]
    assert all(p.dtype == np.float64 for p in weights + biases)


@pytest.mark.parametrize(
    "scheme, variance",
    [
        ("nielsen", 1 / 200),
        ("large", 1.0),
        ("xavier", 2 / (200 + 600)),
        ("he", 2 / 200),
    ],
)
def test_init_params_weight_variance_matches_its_scheme(scheme, variance):
    # n_in = 200 ≠ n_out = 600 tells every scheme apart; 120,000 samples put the
    # standard error of the variance at 0.4 %.
    (w,), _ = backprop.init_params([200, 600], np.random.default_rng(2), scheme)
    assert w.var() == pytest.approx(variance, rel=0.03)
    assert abs(w.mean()) < 5 * math.sqrt(variance / w.size)


@pytest.mark.parametrize("scheme", ["nielsen", "large"])
def test_init_params_biases_are_standard_normal_for_nielsen_and_large(scheme):
    _, (b,) = backprop.init_params([2, 40_000], np.random.default_rng(3), scheme)
    assert b.var() == pytest.approx(1.0, rel=0.03)
    assert abs(b.mean()) < 5 / math.sqrt(b.size)


@pytest.mark.parametrize("scheme", ["xavier", "he"])
def test_init_params_biases_are_zero_for_xavier_and_he(scheme):
    _, biases = backprop.init_params([4, 8, 3], np.random.default_rng(4), scheme)
    assert all(np.all(b == 0) for b in biases)


def test_init_params_defaults_to_nielsen():
    default = backprop.init_params([5, 4, 3], np.random.default_rng(5))
    nielsen = backprop.init_params([5, 4, 3], np.random.default_rng(5), "nielsen")
    large = backprop.init_params([5, 4, 3], np.random.default_rng(5), "large")
    for a, b in zip(default[0] + default[1], nielsen[0] + nielsen[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(default[0][0], large[0][0])


def test_init_params_same_seed_gives_same_params():
    first = backprop.init_params([6, 5, 4], np.random.default_rng(7))
    again = backprop.init_params([6, 5, 4], np.random.default_rng(7))
    other = backprop.init_params([6, 5, 4], np.random.default_rng(8))
    for a, b in zip(first[0] + first[1], again[0] + again[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], other[0][0])


# ----------------------------------------------------------------------- train


def test_train_one_full_batch_epoch_is_one_nielsen_step():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=6)
    eta, lmbda, n = 0.5, 2.0, 6
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    new_w, new_b, _ = backprop.train(weights, biases, x, y, epochs=1, batch_size=n,
                                     eta=eta, lmbda=lmbda,
                                     rng=np.random.default_rng(0))
    for w, nw, got in zip(weights, nabla_w, new_w, strict=True):
        # w ← (1 − ηλ/n) w − η ∂C/∂w, here 0.8333… w − 0.5 ∂C/∂w
        expected = (1 - eta * lmbda / n) * w - eta * nw
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
        assert not np.allclose(got, w - eta * nw)  # the decay did happen
    for b, nb, got in zip(biases, nabla_b, new_b, strict=True):
        np.testing.assert_allclose(got, b - eta * nb, rtol=1e-12, atol=1e-14)


def test_train_passes_net_options_to_backward():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=5)
    options = dict(activation="tanh", output="identity", cost="quadratic")
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, **options)
    new_w, new_b, _ = backprop.train(weights, biases, x, y, epochs=1, batch_size=5,
                                     eta=0.1, rng=np.random.default_rng(0),
                                     **options)
    for w, nw, got in zip(weights + biases, nabla_w + nabla_b, new_w + new_b,
                          strict=True):
        np.testing.assert_allclose(got, w - 0.1 * nw, rtol=1e-12, atol=1e-14)


def test_train_records_each_step_before_its_update():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    eta, lmbda, n = 0.3, 1.0, 10
    seen = []

    def record(u):
        seen.append((u.step, [a.copy() for a in u.weights],
                     [a.copy() for a in u.biases], [a.copy() for a in u.nabla_w],
                     [a.copy() for a in u.nabla_b]))
        return f"step {u.step}"

    new_w, new_b, history = backprop.train(
        weights, biases, x, y, epochs=3, batch_size=3, eta=eta, lmbda=lmbda,
        rng=np.random.default_rng(0), record=record)
    steps = 3 * math.ceil(10 / 3)
    assert [s[0] for s in seen] == list(range(steps))
    assert history == [f"step {k}" for k in range(steps)]
    # Step 0 sees the initial parameters; each later step sees the previous update.
    for a, b in zip(seen[0][1] + seen[0][2], weights + biases, strict=True):
        np.testing.assert_array_equal(a, b)
    after = [(s[1], s[2]) for s in seen[1:]] + [(new_w, new_b)]
    for (_, w, b, nabla_w, nabla_b), (w_next, b_next) in zip(seen, after,
                                                             strict=True):
        for p, g, p_next in zip(w, nabla_w, w_next, strict=True):
            np.testing.assert_allclose(p_next, (1 - eta * lmbda / n) * p - eta * g,
                                       rtol=1e-12, atol=1e-14)
        for p, g, p_next in zip(b, nabla_b, b_next, strict=True):
            np.testing.assert_allclose(p_next, p - eta * g, rtol=1e-12, atol=1e-14)


def test_train_records_the_gradient_of_each_mini_batch():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    batches, recorded = [], []

    def gradient(w, b, x_batch, y_batch, **options):
        batches.append((x_batch.copy(), y_batch.copy()))
        return backprop.backward(w, b, x_batch, y_batch, **options)

    def record(u):
        recorded.append((u.weights, u.biases, u.nabla_w, u.nabla_b))

    backprop.train(weights, biases, x, y, epochs=2, batch_size=4, eta=0.1,
                   rng=np.random.default_rng(0), gradient=gradient, record=record)
    assert [xb.shape[1] for xb, _ in batches] == [4, 4, 2, 4, 4, 2]
    for (xb, yb), (w, b, nabla_w, nabla_b) in zip(batches, recorded, strict=True):
        expected_w, expected_b, _ = backprop.backward(w, b, xb, yb)
        for got, expected in zip(nabla_w + nabla_b, expected_w + expected_b,
                                 strict=True):
            np.testing.assert_array_equal(got, expected)
    # Each epoch visits every example once, as (x, y) pairs, in a fresh order.
    pairs = {tuple(np.r_[x[:, r], y[:, r]]) for r in range(10)}
    orders = []
    for epoch in (batches[:3], batches[3:]):
        xs = np.hstack([xb for xb, _ in epoch])
        ys = np.hstack([yb for _, yb in epoch])
        assert sorted(map(tuple, np.vstack([xs, ys]).T)) == sorted(pairs)
        orders.append(xs)
    assert not np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[0], x)


@pytest.mark.parametrize("n, batch_size, epochs", [(10, 3, 3), (10, 10, 2),
                                                   (10, 11, 1), (7, 1, 2)])
def test_train_takes_epochs_times_ceil_n_over_batch_size_steps(n, batch_size,
                                                               epochs):
    weights, biases, x, y = small_net(m=n)
    _, _, history = backprop.train(weights, biases, x, y, epochs=epochs,
                                   batch_size=batch_size, eta=0.1,
                                   rng=np.random.default_rng(0),
                                   record=lambda u: u.step)
    assert history == list(range(epochs * math.ceil(n / batch_size)))


def test_train_without_record_returns_empty_history():
    weights, biases, x, y = small_net()
    *_, history = backprop.train(weights, biases, x, y, epochs=2, batch_size=2,
                                 eta=0.1, rng=np.random.default_rng(0))
    assert history == []


def test_train_does_not_modify_its_inputs():
    weights, biases, x, y = small_net(m=8)
    before = [a.copy() for a in weights + biases + [x, y]]
    new_w, new_b, _ = backprop.train(weights, biases, x, y, epochs=2, batch_size=3,
                                     eta=0.5, lmbda=0.1,
                                     rng=np.random.default_rng(0))
    for a, b in zip(weights + biases + [x, y], before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(new_w[0], weights[0])  # it did train
    assert all(p is not q for p, q in zip(new_w + new_b, weights + biases,
                                          strict=True))


def test_train_with_the_same_seed_gives_the_same_result():
    weights, biases, x, y = small_net(m=9)

    def run(seed):
        return backprop.train(weights, biases, x, y, epochs=3, batch_size=2,
                              eta=0.5, rng=np.random.default_rng(seed))

    first, again, other = run(11), run(11), run(12)
    for a, b in zip(first[0] + first[1], again[0] + again[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], other[0][0])  # the order matters


def test_train_uses_a_custom_gradient_and_decays_by_n_not_batch_size():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    calls = []

    def constant_gradient(w, b, x_batch, y_batch, **options):
        calls.append(options)
        return ([np.full_like(a, 1.0) for a in w], [np.full_like(a, 2.0) for a in b],
                "ignored")

    eta, lmbda, n = 0.1, 3.0, 10
    new_w, new_b, _ = backprop.train(
        weights, biases, x, y, epochs=2, batch_size=5, eta=eta, lmbda=lmbda,
        rng=np.random.default_rng(0), gradient=constant_gradient, flavour="plain")
    assert calls == [{"flavour": "plain"}] * 4
    decay = 1 - eta * lmbda / n  # 0.97, with n the training-set size
    for w, got in zip(weights, new_w, strict=True):
        expected = w
        for _ in range(4):
            expected = decay * expected - eta * 1.0
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    for b, got in zip(biases, new_b, strict=True):
        np.testing.assert_allclose(got, b - 4 * eta * 2.0, rtol=1e-12, atol=1e-14)


def test_record_sees_the_applied_step_and_backwards_errors():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    seen = []
    new_w, new_b, history = backprop.train(
        weights, biases, x, y, epochs=2, batch_size=4, eta=0.3, lmbda=1.0,
        rng=np.random.default_rng(3), record=seen.append)
    assert len(history) == 6 and [u.step for u in seen] == list(range(6))
    after = [(u.weights, u.biases) for u in seen[1:]] + [(new_w, new_b)]
    for u, (w_next, b_next) in zip(seen, after, strict=True):
        for d, p_next, p in zip(u.delta_w + u.delta_b, w_next + b_next,
                                u.weights + u.biases, strict=True):
            np.testing.assert_array_equal(d, p_next - p)
        assert u.norm == backprop.global_norm(u.nabla_w, u.nabla_b)
    # extras: backward's errors on the same mini-batch (train shuffles each
    # epoch with rng.permutation, so the batches can be rebuilt)
    rng = np.random.default_rng(3)
    batches = [order[k:k + 4] for order in (rng.permutation(10),
                                            rng.permutation(10))
               for k in (0, 4, 8)]
    for u, batch in zip(seen, batches, strict=True):
        (errors,) = u.extras
        expected = backprop.backward(u.weights, u.biases, x[:, batch],
                                     y[:, batch])[2]
        for got, want in zip(errors, expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_record_sees_a_custom_gradients_extra_outputs():
    weights, biases, x, y = small_net(m=4)

    def gradient(w, b, x_batch, y_batch):
        nabla_w, nabla_b, errors = backprop.backward(w, b, x_batch, y_batch)
        return nabla_w, nabla_b, "extra", x_batch.shape[1]

    _, _, history = backprop.train(weights, biases, x, y, epochs=1, batch_size=3,
                                   eta=0.1, rng=np.random.default_rng(0),
                                   gradient=gradient, record=lambda u: u.extras)
    assert history == [("extra", 3), ("extra", 1)]


def test_train_clips_the_step_and_reports_the_norm_before_the_clip():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    tau, eta = 0.4, 0.5
    seen = []
    new_w, new_b, _ = backprop.train(weights, biases, x, y, epochs=3,
                                     batch_size=5, eta=eta, clip=tau,
                                     rng=np.random.default_rng(1),
                                     record=seen.append)
    clipped = [u for u in seen if u.norm > tau]
    assert 0 < len(clipped) < len(seen)  # both cases occur
    for u in seen:
        applied = backprop.global_norm(u.delta_w, u.delta_b) / eta  # λ = 0
        assert applied == pytest.approx(min(u.norm, tau), rel=1e-9)
    # the same as clipping inside a gradient= wrapper, the old way
    def wrapped(w, b, x_batch, y_batch):
        nabla_w, nabla_b, _ = backprop.backward(w, b, x_batch, y_batch)
        return backprop.clip_by_norm(nabla_w, nabla_b, tau)

    old_w, old_b, _ = backprop.train(weights, biases, x, y, epochs=3, batch_size=5,
                                     eta=eta, rng=np.random.default_rng(1),
                                     gradient=wrapped)
    for got, want in zip(new_w + new_b, old_w + old_b, strict=True):
        np.testing.assert_array_equal(got, want)


def test_train_checks_its_arrays_once_not_at_every_step(monkeypatch):
    weights, biases, x, y = small_net(m=10)
    checked = []
    check = backprop._check_array
    monkeypatch.setattr(backprop, "_check_array",
                        lambda a, name: checked.append(name) or check(a, name))
    counts = []
    for epochs in (1, 5):
        checked.clear()
        backprop.train(weights, biases, x, y, epochs=epochs, batch_size=2,
                       eta=0.1, rng=np.random.default_rng(0))
        counts.append(len(checked))
    assert counts[0] == counts[1] == 2 * len(weights) + 2  # w, b, x and y


# ------------------------------------------------------- train with an optimizer


def test_train_with_the_sgd_optimizer_is_todays_sgd():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    plain = backprop.train(weights, biases, x, y, epochs=2, batch_size=3, eta=0.4,
                           rng=np.random.default_rng(5))
    with_opt = backprop.train(weights, biases, x, y, epochs=2, batch_size=3,
                              optimizer=optimizers.make("sgd", 0.4),
                              rng=np.random.default_rng(5))
    for a, b in zip(plain[0] + plain[1], with_opt[0] + with_opt[1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_train_steps_the_optimizer_once_per_mini_batch(name):
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    opt = optimizers.make(name, 0.05)
    seen = []
    new_w, new_b, _ = backprop.train(weights, biases, x, y, epochs=2, batch_size=4,
                                     optimizer=opt, rng=np.random.default_rng(2),
                                     record=seen.append)
    assert opt.t == len(seen) == 6  # Adam's counter counts updates
    # oracle: a fresh optimizer stepped by hand on [*weights, *biases]
    oracle = optimizers.make(name, 0.05)
    after = [(u.weights, u.biases) for u in seen[1:]] + [(new_w, new_b)]
    for u, (w_next, b_next) in zip(seen, after, strict=True):
        want = oracle.step(u.weights + u.biases, u.nabla_w + u.nabla_b)
        for got, expected in zip(w_next + b_next, want, strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
        # record carries the applied step
        for d, p_next, p in zip(u.delta_w + u.delta_b, w_next + b_next,
                                u.weights + u.biases, strict=True):
            np.testing.assert_array_equal(d, p_next - p)
    # not SGD: the applied step is not −η times the gradient
    u = seen[-1]
    assert not np.allclose(u.delta_w[0], -0.05 * u.nabla_w[0])


def test_train_keeps_the_optimizers_state_across_calls():
    weights, biases, x, y = small_net(sizes=(3, 4, 2), m=10)
    rng, opt = np.random.default_rng(4), optimizers.make("adam", 0.01)
    w, b = weights, biases
    for _ in range(2):
        w, b, _ = backprop.train(w, b, x, y, epochs=1, batch_size=5, optimizer=opt,
                                 rng=rng)
    once = backprop.train(weights, biases, x, y, epochs=2, batch_size=5,
                          optimizer=optimizers.make("adam", 0.01),
                          rng=np.random.default_rng(4))
    for got, want in zip(w + b, once[0] + once[1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_train_with_an_optimizer_refuses_a_different_eta_or_weight_decay():
    weights, biases, x, y = small_net(m=6)
    args = dict(epochs=1, batch_size=3, rng=np.random.default_rng(0))
    opt = optimizers.make("adam", 0.01)
    with pytest.raises(ValueError, match="contradicts the optimizer"):
        backprop.train(weights, biases, x, y, eta=0.5, optimizer=opt, **args)
    with pytest.raises(ValueError, match="weight decay"):
        backprop.train(weights, biases, x, y, lmbda=0.1, optimizer=opt, **args)
    with pytest.raises(TypeError, match="optimizers.make"):
        backprop.train(weights, biases, x, y, optimizer="adam", **args)
    with pytest.raises(TypeError, match="got None .train needs eta"):
        backprop.train(weights, biases, x, y, **args)
    assert opt.t == 0  # nothing was stepped
    # the optimizer's own η, given again, is fine
    backprop.train(weights, biases, x, y, eta=0.01, optimizer=opt, **args)
    assert opt.t == 2


# ------------------------------------------------------------------- bad input


def bad(**changes):
    """A call on a good 3-4-2 network (m = 5) with some arguments replaced."""
    weights, biases, x, y = small_net()
    args = dict(weights=weights, biases=biases, x=x, y=y)
    for key, change in changes.items():
        args[key] = change(args[key]) if callable(change) else change
    return args


def set_item(i, value):
    def change(params):
        params = list(params)
        params[i] = value(params[i]) if callable(value) else value
        return params
    return change


def with_nan(a):
    a = a.astype(float)  # a copy
    a.flat[-1] = np.nan
    return a


def with_inf(a):
    a = a.astype(float)
    a.flat[0] = -np.inf
    return a


def call_forward(**changes):
    args = bad(**changes)
    args.pop("y")
    return lambda: backprop.forward(**args)


def call_backward(options=None, **changes):
    return lambda: backprop.backward(**bad(**changes), **(options or {}))


def call_train(settings=None, **changes):
    kwargs = dict(epochs=1, batch_size=2, eta=0.1, rng=np.random.default_rng(0))
    kwargs.update(settings or {})
    return lambda: backprop.train(*bad(**changes).values(), **kwargs)


def call_init(sizes=(3, 4, 2), rng=None, scheme="nielsen"):
    rng = np.random.default_rng(0) if rng is None else rng
    return lambda: backprop.init_params(list(sizes), rng, scheme)


BAD_INPUT = {
    # mismatched shapes between weights, biases, x and y
    "more weights than biases": (
        call_forward(biases=lambda b: b[:1]), ValueError,
        r"2 weight matrices but 1 bias vectors"),
    "bias shape": (
        call_forward(biases=set_item(0, np.zeros((5, 1)))), ValueError,
        r"biases\[0\] has shape \(5, 1\), expected \(4, 1\) to match weights\[0\]"),
    "bias as a row": (
        call_forward(biases=set_item(1, np.zeros(2))), ValueError,
        r"biases\[1\] has shape \(2,\), expected \(2, 1\)"),
    "weights that do not chain": (
        call_forward(weights=set_item(1, np.zeros((2, 5))),
                     biases=set_item(1, np.zeros((2, 1)))), ValueError,
        r"weights\[1\] has shape \(2, 5\) but layer 2 has 4 neurons: "
        r"expected 4 columns"),
    "weights not a matrix": (
        call_forward(weights=set_item(0, np.zeros(4))), ValueError,
        r"weights\[0\] must be a non-empty matrix, got \(4,\)"),
    "x rows": (
        call_forward(x=np.zeros((4, 5))), ValueError,
        r"x has shape \(4, 5\), expected \(3, m\)"),
    "x a vector": (
        call_forward(x=np.zeros(3)), ValueError,
        r"x has shape \(3,\), expected \(3, m\): one column per example"),
    "x without examples": (
        call_forward(x=np.zeros((3, 0))), ValueError,
        r"x has shape \(3, 0\), expected \(3, m\)"),
    "y rows": (
        call_backward(y=np.zeros((3, 5))), ValueError,
        r"y has shape \(3, 5\), expected \(2, 5\)"),
    "y columns": (
        call_backward(y=np.zeros((2, 4))), ValueError,
        r"y has shape \(2, 4\), expected \(2, 5\)"),
    "train: x and y examples": (
        call_train(y=np.zeros((2, 4))), ValueError,
        r"x has 5 examples \(columns\) but y has 4"),
    "train: y rows": (
        call_train(y=np.zeros((3, 5))), ValueError,
        r"y has shape \(3, 5\), expected \(2, 5\)"),
    "train: bias shape": (
        call_train(biases=set_item(0, np.zeros((3, 1)))), ValueError,
        r"biases\[0\] has shape \(3, 1\), expected \(4, 1\)"),
    # fewer than 2 layers, width < 1
    "no weights": (
        call_forward(weights=[], biases=[]), ValueError,
        r"a network needs at least 2 layers"),
    "init: one layer": (
        call_init(sizes=[3]), ValueError,
        r"a network needs at least 2 layers, got sizes=\[3\]"),
    "init: no layers": (
        call_init(sizes=[]), ValueError, r"a network needs at least 2 layers"),
    "init: width 0": (
        call_init(sizes=[3, 0, 2]), ValueError,
        r"every layer needs width ≥ 1, got sizes=\[3, 0, 2\]"),
    "init: negative width": (
        call_init(sizes=[-1, 2]), ValueError, r"every layer needs width ≥ 1"),
    "init: fractional width": (
        call_init(sizes=[3, 2.5]), TypeError, r"layer sizes must be integers"),
    # non-finite values
    "nan weight": (
        call_forward(weights=set_item(1, with_nan)), ValueError,
        r"weights\[1\] contains non-finite values"),
    "inf bias": (
        call_forward(biases=set_item(0, with_inf)), ValueError,
        r"biases\[0\] contains non-finite values"),
    "nan x": (
        call_forward(x=with_nan), ValueError, r"^x contains non-finite values"),
    "inf y": (
        call_backward(y=with_inf), ValueError, r"^y contains non-finite values"),
    "train: nan x": (
        call_train(x=with_nan), ValueError, r"^x contains non-finite values"),
    "train: nan y": (
        call_train(y=with_nan), ValueError, r"^y contains non-finite values"),
    # unknown names
    "activation": (
        lambda: backprop.forward(*small_net()[:3], activation="softmax"), ValueError,
        r"unknown activation 'softmax'; choose one of \('sigmoid', 'tanh', 'relu', "
        r"'identity'\)"),
    "output": (
        lambda: backprop.forward(*small_net()[:3], output="tanh"), ValueError,
        r"unknown output 'tanh'; choose one of \('sigmoid', 'identity'\)"),
    "backward: activation": (
        call_backward(options=dict(activation="Sigmoid")), ValueError,
        r"unknown activation 'Sigmoid'"),
    "cost": (
        call_backward(options=dict(cost="hinge")), ValueError,
        r"unknown cost 'hinge'; choose one of \('quadratic', 'cross_entropy'\)"),
    "cost_value: cost": (
        lambda: backprop.cost_value(np.ones((2, 1)) / 2, np.ones((2, 1)), "l1"),
        ValueError, r"unknown cost 'l1'"),
    "scheme": (
        call_init(scheme="glorot"), ValueError,
        r"unknown scheme 'glorot'; choose one of \('nielsen', 'large', 'xavier', "
        r"'he'\)"),
    "cross-entropy with identity output": (
        call_backward(options=dict(output="identity")), ValueError,
        r"the cross-entropy cost needs sigmoid outputs in \(0, 1\), got "
        r"output='identity'; use cost='quadratic'"),
    "train: unknown activation": (
        call_train(settings=dict(activation="gelu")), ValueError,
        r"unknown activation 'gelu'"),
    # non-positive batch size, epochs, eta (and other bad training settings)
    "batch_size 0": (
        call_train(settings=dict(batch_size=0)), ValueError,
        r"batch_size must be positive and finite, got 0"),
    "batch_size -2": (
        call_train(settings=dict(batch_size=-2)), ValueError,
        r"batch_size must be positive"),
    "batch_size 2.5": (
        call_train(settings=dict(batch_size=2.5)), TypeError,
        r"batch_size must be an integer, got 2.5"),
    "batch_size float64(2)": (
        call_train(settings=dict(batch_size=np.float64(2.0))), TypeError,
        r"batch_size must be an integer"),
    "epochs 0": (
        call_train(settings=dict(epochs=0)), ValueError,
        r"epochs must be positive and finite, got 0"),
    "epochs -1": (
        call_train(settings=dict(epochs=-1)), ValueError, r"epochs must be positive"),
    "epochs '3'": (
        call_train(settings=dict(epochs="3")), TypeError,
        r"epochs must be an integer, got '3'"),
    "epochs True": (
        call_train(settings=dict(epochs=True)), TypeError,
        r"epochs must be an integer, got True"),
    "eta 0": (
        call_train(settings=dict(eta=0.0)), ValueError,
        r"eta must be positive and finite, got 0.0"),
    "eta -0.1": (
        call_train(settings=dict(eta=-0.1)), ValueError, r"eta must be positive"),
    "eta nan": (
        call_train(settings=dict(eta=float("nan"))), ValueError,
        r"eta must be positive and finite, got nan"),
    "eta inf": (
        call_train(settings=dict(eta=np.inf)), ValueError,
        r"eta must be positive and finite, got inf"),
    "eta None": (
        call_train(settings=dict(eta=None)), TypeError,
        r"eta must be a number, got None"),
    "lmbda -1": (
        call_train(settings=dict(lmbda=-1.0)), ValueError,
        r"lmbda must be a finite number ≥ 0, got -1.0"),
    "lmbda None": (
        call_train(settings=dict(lmbda=None)), TypeError,
        r"lmbda must be a number, got None"),
    "clip 0": (
        call_train(settings=dict(clip=0.0)), ValueError,
        r"clip must be positive and finite, got 0.0"),
    "clip a string": (
        call_train(settings=dict(clip="1")), TypeError,
        r"clip must be a number, got '1'"),
    # non-array input
    "x a list": (
        call_forward(x=[[0.0] * 5] * 3), TypeError,
        r"x must be a numpy array, got list"),
    "y a list": (
        call_backward(y=[[0.0] * 5] * 2), TypeError,
        r"y must be a numpy array, got list"),
    "weight a list": (
        call_forward(weights=set_item(0, [[0.0] * 3] * 4)), TypeError,
        r"weights\[0\] must be a numpy array, got list"),
    "weights an array": (
        call_forward(weights=np.zeros((2, 4, 3))), TypeError,
        r"weights and biases must be lists of numpy arrays"),
    "x of strings": (
        call_forward(x=np.full((3, 5), "a")), TypeError,
        r"x must hold real numbers, got dtype <U1"),
    "complex x": (
        call_forward(x=np.zeros((3, 5), complex)), TypeError,
        r"x must hold real numbers, got dtype complex128"),
    "train: x a list": (
        call_train(x=[[0.0] * 5] * 3), TypeError, r"x must be a numpy array"),
    # rng not a Generator
    "init: rng a seed": (
        call_init(rng=0), TypeError,
        r"rng must be a numpy.random.Generator \(np.random.default_rng\(seed\)\), "
        r"got int"),
    "init: legacy RandomState": (
        call_init(rng=np.random.RandomState(0)), TypeError,
        r"rng must be a numpy.random.Generator .*got RandomState"),
    "train: rng a seed": (
        call_train(settings=dict(rng=0)), TypeError,
        r"rng must be a numpy.random.Generator .*got int"),
    "train: legacy RandomState": (
        call_train(settings=dict(rng=np.random.RandomState(0))), TypeError,
        r"rng must be a numpy.random.Generator .*got RandomState"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_raises_an_error_naming_the_problem(case):
    call, error, match = BAD_INPUT[case]
    with pytest.raises(error, match=match):
        call()


def test_the_good_input_behind_every_bad_input_case_is_accepted():
    # So that each case above fails for its stated reason, not another one.
    weights, biases, x, y = small_net()
    backprop.forward(weights, biases, x)
    backprop.backward(weights, biases, x, y)
    backprop.backward(weights, biases, x, y, output="identity", cost="quadratic")
    backprop.train(weights, biases, x, y, epochs=1, batch_size=2, eta=0.1,
                   rng=np.random.default_rng(0))
    backprop.train(weights, biases, x, y, epochs=np.int64(1),
                   batch_size=np.int64(2), eta=np.float64(0.1), lmbda=1,
                   rng=np.random.default_rng(0))
    backprop.init_params([3, 4, 2], np.random.default_rng(0))
    backprop.init_params(np.array([3, 4, 2]), np.random.default_rng(0))


def test_cross_entropy_of_a_saturated_output():
    # A right answer given with certainty costs 0; a wrong one costs +inf,
    # never a huge finite number or NaN.
    a_right, y = np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])
    assert backprop.cost_value(a_right, y) == 0.0
    assert backprop.cost_value(1.0 - a_right, y) == np.inf
    a = np.array([[0.3]])
    expected = -(0.5 * np.log(0.3) + 0.5 * np.log(0.7))
    assert backprop.cost_value(a, np.array([[0.5]])) == pytest.approx(expected)


def test_clip_by_norm_shortens_only_long_gradients():
    nw, nb = [np.array([[3.0]])], [np.array([[4.0]])]  # global norm 5
    assert backprop.global_norm(nw, nb) == 5.0
    cw, cb = backprop.clip_by_norm(nw, nb, 1.0)
    assert cw[0][0, 0] == pytest.approx(0.6) and cb[0][0, 0] == pytest.approx(0.8)
    same_w, same_b = backprop.clip_by_norm(nw, nb, 10.0)
    assert same_w[0][0, 0] == 3.0 and same_b[0][0, 0] == 4.0
    zero_w, _ = backprop.clip_by_norm([np.zeros((1, 1))], [np.zeros((1, 1))], 1.0)
    assert zero_w[0][0, 0] == 0.0
