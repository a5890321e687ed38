"""Claims of the "Remedies, measured" page about the networks at initialization.

Every claim is a median over the snippet's random initializations (or a frequency
over them); the speed of hidden layer l is ||∂C/∂b^l|| (||∂C/∂β^l|| with batch
normalization), on the full batch of 1,000 training digits.
"""

import numpy as np
import pytest

import architectures
import backprop
import remedies_init as ri
from conftest import measured


@pytest.fixture(scope="module")
def d():
    return measured(ri)


@pytest.fixture(scope="module")
def ratio(d):
    return ri.ratios(d)


@pytest.fixture(scope="module")
def wratio(d):
    return ri.ratios(d, "weight")


@pytest.fixture(scope="module")
def vals(d):
    return ri.values(d)


def test_network_has_six_hidden_layers_and_at_least_20_seeds(d):
    for r in d.values():
        assert r["bias"].shape == (20, 6)  # (seeds, hidden layers 2..7)


def test_baseline_first_hidden_layer_learns_over_1000_times_slower(d, ratio):
    assert ratio["baseline"] < 1e-3
    assert np.all(ri.first_over_last(d["baseline"]["bias"]) < 1e-2)  # every seed
    med = np.median(d["baseline"]["bias"], axis=0)
    assert np.all(np.diff(med) > 0)  # each layer slower than the one above it


def test_xavier_init_does_not_rescue_the_sigmoid_network(ratio):
    assert ratio["sigmoid_xavier"] < 1e-2
    assert ratio["sigmoid_xavier"] < 3 * ratio["baseline"]


def test_tanh_vanishes_much_less_than_sigmoid_but_still_vanishes(ratio):
    assert ratio["tanh"] > 30 * ratio["baseline"]
    assert ratio["tanh"] < 0.3


def test_xavier_tanh_keeps_weight_gradients_level_while_biases_shrink(ratio, wratio):
    """Glorot & Bengio's observation: back-propagated gradients still shrink
    toward the input, the weight gradients much less."""
    assert 0.5 < wratio["tanh_xavier"] < 2
    assert ratio["tanh_xavier"] < 0.7
    assert ratio["tanh_xavier"] > 3 * ratio["tanh"]


def test_relu_he_keeps_the_ratio_near_1(d, ratio, wratio):
    assert 0.5 < ratio["relu_he"] < 2
    assert 0.5 < wratio["relu_he"] < 2
    per_seed = ri.first_over_last(d["relu_he"]["bias"])
    assert np.all((per_seed > 0.1) & (per_seed < 10))  # every seed within a decade


def test_residual_connections_keep_the_ratio_near_1(ratio):
    assert 0.5 < ratio["residual"] < 3
    assert ratio["residual"] > 1000 * ratio["baseline"]


def test_batch_norm_shift_speeds_are_flat_below_the_last_hidden_layer(vals, ratio):
    """β speeds of layers 2..6 (each feeding a normalized layer) agree; only the
    last hidden layer, feeding the plain output layer, is much faster."""
    assert 0.5 < vals["bn_flat"] < 2
    assert vals["bn_jump"] > 10
    assert ratio["batchnorm"] < 0.1


def test_batch_norm_weight_gradients_do_not_vanish(wratio):
    assert 0.5 < wratio["batchnorm"] < 3


def test_large_relu_weights_make_the_first_layer_learn_fastest(d, ratio, vals):
    assert ratio["large"] > 3
    assert np.argmax(np.median(d["large"]["bias"], axis=0)) == 0
    assert np.all(ri.first_over_last(d["large"]["bias"]) > 1)  # every seed
    # Each of the five backward steps between layers 7 and 2 is LARGE times larger.
    assert vals["large_theory"] / 2 < vals["large_over_he"] < 2 * vals["large_theory"]
    assert vals["norm_large"] > 10 * vals["norm_he"]
    assert vals["norm_large"] > 5 * ri.CLIP  # so the clip acts at the start


def test_clip_threshold_is_about_the_he_networks_gradient_norm(vals):
    assert vals["norm_he"] / 2 < ri.CLIP < 2 * vals["norm_he"]


def test_the_clipped_network_is_measured_before_the_clip(d):
    np.testing.assert_array_equal(d["clipped"]["bias"], d["large"]["bias"])


def test_speeds_of_batch_norm_are_the_shift_gradients():
    x, y, _, _ = ri.load()
    remedy = ri.REMEDIES["batchnorm"]
    weights, biases = ri.init(remedy, np.random.default_rng(0))
    _, nabla_b, _ = architectures.bn_backward(weights, biases, x, y)
    np.testing.assert_array_equal(
        ri.speeds(weights, nabla_b), [np.linalg.norm(g) for g in nabla_b[:6]])
    plain, _ = ri.init(ri.REMEDIES["baseline"], np.random.default_rng(0))
    assert len(ri.speeds(plain, [np.ones((3, 1))] * 7)) == 6


def test_large_is_he_times_the_factor():
    he = ri.init(ri.REMEDIES["relu_he"], np.random.default_rng(4))
    big = ri.init(ri.REMEDIES["large"], np.random.default_rng(4))
    for w, w_big in zip(he[0], big[0]):
        np.testing.assert_allclose(w_big, ri.LARGE * w)


def test_output_matches_each_forward_pass():
    x, _, x_test, _ = ri.load()
    rng = np.random.default_rng(1)
    for name, r in ri.REMEDIES.items():
        weights, biases = ri.init(r, rng)
        out = ri.output(r, weights, biases, x_test[:, :5], x)
        assert out.shape == (10, 5), name
    w, b = ri.init(ri.REMEDIES["tanh"], rng)
    np.testing.assert_array_equal(
        ri.output(ri.REMEDIES["tanh"], w, b, x_test, x),
        backprop.forward(w, b, x_test, "tanh")[1][-1])


def test_quoted_baseline_slowdown_and_seed_count(d, vals):
    bias = d["baseline"]["bias"]  # (seeds, hidden layers 2..7)
    assert vals["slower_baseline"] == pytest.approx(
        1 / np.median(bias[:, 0] / bias[:, -1]), rel=1e-12)
    assert 1000 < vals["slower_baseline"] < 10_000  # "over 1,000 times slower"
    assert vals["n_seeds"] == 20 == bias.shape[0]


def test_large_network_is_he_scaled_layer_by_layer():
    """With zero biases and ReLU, a^l of the ×k network is k^(l-1) times He's for
    every hidden layer l, and z^8 is k^7 times He's."""
    x, _, _, _ = ri.load()
    he_w, he_b = ri.init(ri.REMEDIES["relu_he"], np.random.default_rng(7))
    big_w, big_b = ri.init(ri.REMEDIES["large"], np.random.default_rng(7))
    he_z, he_a = backprop.forward(he_w, he_b, x, "relu")
    big_z, big_a = backprop.forward(big_w, big_b, x, "relu")
    k = ri.LARGE
    for l in ri.HIDDEN:
        np.testing.assert_allclose(big_a[l - 1], k ** (l - 1) * he_a[l - 1],
                                   rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(big_z[-1], k ** 7 * he_z[-1], rtol=1e-10)


def test_large_network_weight_gradients_are_nearly_level(wratio):
    assert 0.5 < wratio["large"] < 2


def test_some_large_network_outputs_start_exactly_saturated(vals):
    """The reason its initial cost is infinite in floating point."""
    assert vals["saturated_large"] > 0
    assert vals["saturated_he"] == 0


def test_residual_activations_grow_along_the_chain_of_sums():
    x, _, _, _ = ri.load()
    means = []
    for seed in range(5):
        w, b = ri.init(ri.REMEDIES["residual"], np.random.default_rng(seed))
        acts = architectures.res_forward(w, b, x)[1]
        means.append([a.mean() for a in acts[1:-1]])  # hidden layers 2..7
    assert np.all(np.diff(np.median(means, axis=0)) > 0.2)


# ------------------------------------------------ every value the page quotes

# (low, high) for each quoted median ratio s_2/s_7 (biases) and its weight twin
QUOTED_RATIO_BOUNDS = {
    "ratio_sigmoid_xavier": (1e-4, 1e-2), "ratio_tanh": (0.02, 0.3),
    "ratio_tanh_xavier": (0.2, 0.7), "ratio_relu_he": (0.5, 2.0),
    "ratio_residual": (0.5, 3.0), "ratio_batchnorm": (0.005, 0.1),
    "ratio_large": (3.0, 20.0),
    "wratio_tanh_xavier": (0.5, 2.0), "wratio_relu_he": (0.5, 2.0),
    "wratio_residual": (0.1, 0.7), "wratio_batchnorm": (0.5, 3.0),
    "wratio_large": (0.5, 2.0),
}
QUOTED_RATIOS = ("ratio_sigmoid_xavier", "ratio_tanh", "ratio_tanh_xavier",
                 "ratio_relu_he", "ratio_residual", "ratio_batchnorm", "ratio_large",
                 "wratio_tanh_xavier", "wratio_relu_he", "wratio_residual",
                 "wratio_batchnorm", "wratio_large")


def test_quoted_ratios_are_medians_of_first_over_last_and_within_bounds(d, vals):
    assert set(QUOTED_RATIOS) == set(QUOTED_RATIO_BOUNDS)
    for key in QUOTED_RATIOS:
        kind, name = key.split("_", 1)
        speeds = d[name]["bias" if kind == "ratio" else "weight"]  # (seeds, 6)
        assert vals[key] == pytest.approx(np.median(speeds[:, 0] / speeds[:, 5]),
                                          rel=1e-12), key
        low, high = QUOTED_RATIO_BOUNDS[key]
        assert low < vals[key] < high, key


def test_quoted_set_up_is_the_network_measured(d, vals):
    assert vals["sizes"] == str([64] + [30] * 6 + [10])  # 8x8 digits, 10 classes
    assert d["baseline"]["bias"].shape[1] == 6  # hidden layers 2..7
    assert vals["large"] == 1.5
    # five backward steps from layer 7 to layer 2, each k times larger
    assert vals["large_theory"] == pytest.approx(vals["large"] ** 5, rel=1e-12)
    assert vals["clip"] == 10.0
    assert vals["norm_he"] / 2 < vals["clip"] < 2 * vals["norm_he"]
