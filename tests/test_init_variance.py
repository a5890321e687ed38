"""The claims of "Where the initialization variances come from"."""

import numpy as np
import pytest

import backprop
import init_variance as iv
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(iv)


@pytest.fixture(scope="module")
def v(data):
    return iv.values(data)


# ------------------------------------------------------- the variance argument


def test_the_network_has_unequal_widths():
    # With equal widths 1/n_in, 1/n_out and 2/(n_in + n_out) coincide.
    widths = iv.SIZES
    assert all(a == 2 * b for a, b in zip(widths, widths[1:]))
    for n in (10, 300):
        assert iv.RULES["lecun"](n, n) == iv.RULES["backward"](n, n) \
            == iv.RULES["glorot"](n, n)


@pytest.mark.parametrize("key", list(iv.SETTINGS))
def test_measured_factors_match_the_variance_argument(data, key):
    activation, rule = key
    forward, backward = iv.predicted(iv.SIZES, rule, activation)
    # every step of this funnel has the same predicted factor
    assert np.ptp(forward) == pytest.approx(0) and np.ptp(backward) == pytest.approx(0)
    r = data["settings"][key]
    assert r["forward"] == pytest.approx(forward[0], rel=0.15), key
    assert r["backward"] == pytest.approx(backward[0], rel=0.15), key


def test_lecun_keeps_z_level_but_the_error_shrinks_in_a_funnel(v):
    assert v["fwd_lecun"] == pytest.approx(1, rel=0.1)
    assert v["bwd_lecun"] < 0.6


def test_fan_out_keeps_the_error_level_but_z_grows(v):
    assert v["bwd_backward"] == pytest.approx(1, rel=0.1)
    assert v["fwd_backward"] > 1.7


def test_glorot_sits_between_the_two(v):
    assert v["fwd_lecun"] < v["fwd_glorot"] < v["fwd_backward"]
    assert v["bwd_lecun"] < v["bwd_glorot"] < v["bwd_backward"]


def test_relu_needs_he_factor_two(v):
    assert v["fwd_relu_he"] == pytest.approx(1, rel=0.15)
    assert v["fwd_relu_lecun"] == pytest.approx(0.5, rel=0.15)


def test_tanh_near_zero_behaves_like_identity(v):
    assert v["tanh_max_diff"] < 0.1


def test_predicted_factors_by_hand():
    fwd, bwd = iv.predicted([40, 20, 10, 5], "glorot", "identity")
    # steps 2 -> 3 and 3 -> 4: n_in = 20 then 10, n_out = 10 then 5
    assert fwd == pytest.approx([20 * 2 / 30, 10 * 2 / 15])
    assert bwd == pytest.approx([10 * 2 / 30, 5 * 2 / 15])
    fwd, bwd = iv.predicted([8, 8, 8], "he", "relu")
    assert fwd == pytest.approx([1.0]) and bwd == pytest.approx([1.0])


def test_variances_injects_a_gaussian_output_error():
    rng = np.random.default_rng(1)
    weights, biases = iv.init_weights([30, 20, 10], "lecun", rng)
    x = rng.normal(size=(30, 4000))
    _, vd, zs = iv.variances(weights, biases, x, "identity", rng)
    assert vd[-1] == pytest.approx(1, rel=0.05)  # δ^L ~ N(0, 1)
    assert len(zs) == 2


def test_init_weights_rejects_an_unknown_rule():
    with pytest.raises(ValueError, match="unknown rule"):
        iv.init_weights([3, 2], "xavier", np.random.default_rng(0))


# ------------------------------------------------------------------- sigmoid


def test_no_variance_choice_for_unit_slope_preserves_the_sigmoid_error(v):
    # c = 1 (LeCun; Glorot with equal widths), c = 2 (He), c = 16 = 1/σ′(0)²
    for key in ("sigmoid_lecun", "sigmoid_he", "sigmoid_sixteen"):
        assert v[key] < 0.5, key
    assert v["sigmoid_max_below_16"] < 0.5
    assert v["sigmoid_lecun"] <= (0.25 ** 2) * 1.0 * 1.05  # ≤ c·σ′(0)²


def test_sigmoid_keeps_its_error_only_with_huge_mostly_saturated_weights(v):
    assert 30 < v["sigmoid_crossing"] < 300
    assert v["sigmoid_saturated_at_crossing"] > 0.3


def test_tanh_keeps_its_error_at_unit_scale(data):
    scan = data["scans"]["tanh"]
    at_one = scan["factor"][np.isclose(scan["c"], 1.0)][0]
    assert at_one == pytest.approx(1, rel=0.1)


def test_sigmoid_factor_grows_with_c(data):
    scan = data["scans"]["sigmoid"]
    assert scan["factor"][scan["c"] <= 16].max() < 1 <= scan["factor"].max()
    assert np.all(np.diff(scan["factor"][scan["c"] <= 16]) > 0)


def test_crossing_interpolates_on_log_scales():
    c = np.array([1.0, 10.0, 100.0])
    assert iv.crossing(c, np.array([0.1, 0.5, 2.0])) == pytest.approx(
        10 * 10 ** (np.log(2) / np.log(4)))
    assert iv.crossing(c, np.array([1.0, 2.0, 3.0])) == 1.0
    with pytest.raises(ValueError):
        iv.crossing(c, np.array([0.1, 0.2, 0.3]))


# ------------------------------------------------------------- why not zeros


def test_neurons_started_equal_stay_identical(data, v):
    zeros = data["symmetry"]["zeros"]
    for w, b in zip(zeros["weights"][:-1], zeros["biases"][:-1]):
        assert iv.distinct_rows(w) == 1  # every neuron of the layer is the same
        assert np.ptp(b) == 0
        assert np.abs(w).max() > 0  # ... although the weights did move
    assert v["sym_distinct"] == 1


def test_random_weights_break_the_symmetry(data):
    for w in data["symmetry"]["random"]["weights"][:-1]:
        assert iv.distinct_rows(w) == w.shape[0]


def test_identical_neurons_learn_far_less(v):
    assert v["sym_accuracy"] < 0.3 and v["random_accuracy"] > 0.6


def test_distinct_rows_counts_neurons():
    assert iv.distinct_rows(np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 2.0]])) == 2


def test_the_schemes_quoted_match_backprop():
    # the page's LeCun/Glorot/He rules are the site's nielsen/xavier/he weights
    rng = np.random.default_rng(0)
    for scheme, rule in (("nielsen", "lecun"), ("xavier", "glorot"), ("he", "he")):
        w, _ = backprop.init_params([2000, 1000], rng, scheme)
        assert w[0].var() == pytest.approx(iv.RULES[rule](2000, 1000), rel=0.02)


# ------------------------------------------------ every value the page quotes

# (setting key, forward factor, backward factor) in a funnel whose widths halve,
# n_in = 2 n_out: worked out by hand from n_in·Var(w)·g and n_out·Var(w)·g, where
# g = 1 for identity units and 1/2 for ReLU (half the units pass their input).
BY_HAND = (("lecun", 1.0, 0.5), ("backward", 2.0, 1.0), ("glorot", 4 / 3, 2 / 3),
           ("relu_he", 1.0, 0.5), ("relu_lecun", 0.5, 0.25))


def test_quoted_predictions_worked_out_by_hand(v):
    for key, fwd, bwd in BY_HAND:
        assert v[f"pred_fwd_{key}"] == pytest.approx(fwd, rel=1e-12), key
        assert v[f"pred_bwd_{key}"] == pytest.approx(bwd, rel=1e-12), key
    for key in ("pred_fwd_lecun", "pred_fwd_backward", "pred_fwd_glorot",
                "pred_fwd_relu_he", "pred_fwd_relu_lecun", "pred_bwd_lecun",
                "pred_bwd_backward", "pred_bwd_glorot", "pred_bwd_relu_he",
                "pred_bwd_relu_lecun"):
        assert key in v


def test_quoted_relu_backward_factors_are_half_of_identitys(v):
    assert v["bwd_relu_he"] == pytest.approx(0.5, rel=0.15)
    assert v["bwd_relu_lecun"] == pytest.approx(0.25, rel=0.15)


def test_quoted_setup(v):
    assert v["sizes"] == "[512, 256, 128, 64, 32, 16]"
    assert 2 <= v["n_nets"] <= 20
    assert v["sym_sizes"] == "[64, 30, 30, 10]" and v["sym_hidden"] == 30
    assert 1 <= v["sym_epochs"] <= 50
