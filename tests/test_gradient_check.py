"""The claims of the "Backpropagation, checked" page."""

import numpy as np
import pytest

import backprop
import gradient_check
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(gradient_check)


def test_backprop_agrees_with_finite_differences_far_below_tolerance(data):
    for activation, errors in data["errors"].items():
        assert len(errors) == len(gradient_check.SIZES) - 1
        # A hundred times below the tolerance the page draws: a wrong sign, a
        # missing σ' or a transposed weight would give errors near 1.
        assert max(errors) < gradient_check.TOLERANCE / 100, activation


def test_every_activation_is_checked(data):
    assert set(data["errors"]) == set(backprop.ACTIVATIONS)


def test_the_check_detects_a_wrong_gradient(monkeypatch):
    # Break BP2 (drop σ'), and the same check must report a large error.
    sigmoid, _ = backprop.ACTIVATIONS["sigmoid"]
    monkeypatch.setitem(backprop.ACTIVATIONS, "sigmoid",
                        (sigmoid, lambda z, a=None: np.ones_like(z)))
    errors = gradient_check.relative_errors("sigmoid", np.random.default_rng(0))
    assert max(errors) > 1e-2


def test_values_count_every_weight_and_bias(data):
    values = gradient_check.values(data)
    assert values["n_params"] == 4 * 5 + 5 + 5 * 5 + 5 + 5 * 5 + 5 + 5 * 3 + 3


def test_every_partial_derivative_is_compared_on_its_own(data):
    """The page's count and maximum are over single partial derivatives."""
    values = gradient_check.values(data)
    assert values["n_entries_compared"] == values["n_checks"] == 412
    worst = max(float(e.max()) for e in data["entries"].values())
    assert values["max_entry_error"] == worst
    # Larger than the vector figure (a tiny derivative carries the rounding error),
    # and within the stated per-derivative tolerance of five significant digits.
    assert values["max_rel_error"] < values["max_entry_error"]
    assert 1e-9 < values["max_entry_error"] < values["entry_tolerance"] == 1e-5
    assert values["max_rel_error"] < values["tolerance"] == 1e-6


def test_relative_difference_of_single_entries():
    """Oracle by hand: |g − g̃| / (|g| + |g̃|), and 0 where both are exactly 0."""
    got = gradient_check.relative_difference(np.array([1.0, 0.0, -2.0]),
                                             np.array([3.0, 0.0, 2.0]))
    np.testing.assert_array_equal(got, [0.5, 0.0, 1.0])


def test_the_per_entry_check_detects_one_wrong_derivative():
    """One wrong partial derivative among many barely moves its layer's vector
    difference but shows in full in the per-entry check."""
    rng = np.random.default_rng(1)
    exact = [rng.normal(size=200)]
    approx = [exact[0].copy()]
    approx[0][7] *= 1.01  # 1% off in one entry
    assert gradient_check.layer_errors(exact, approx)[0] < 1e-3
    assert gradient_check.entry_errors(exact, approx).max() > 4e-3


# ------------------------------------------------ every value the page quotes


def test_quoted_counts_match_the_network_that_was_checked(data):
    values = gradient_check.values(data)
    assert values["sizes"] == "[4, 5, 5, 5, 3]"
    weights, biases = backprop.init_params([4, 5, 5, 5, 3],
                                           np.random.default_rng(0))
    n_params = sum(w.size + b.size for w, b in zip(weights, biases))
    assert len(data["layers"]) == len(weights)  # one error per layer l = 2..5
    # every weight and bias, once per activation function
    assert values["n_checks"] == n_params * len(data["errors"]) == 412


def test_quoted_step_batch_and_tolerance_suit_central_differences(data):
    values = gradient_check.values(data)
    # h: truncation error ~h² and round-off ~ε/h both far below the tolerance
    assert 1e-7 <= values["h"] <= 1e-4
    assert values["h"] ** 2 < values["tolerance"] / 100
    assert np.finfo(float).eps / values["h"] < values["tolerance"] / 100
    assert values["m"] == 8  # a mini-batch, so the averaging over examples is checked
    assert values["tolerance"] == 1e-6
    assert values["max_rel_error"] < values["tolerance"] / 100
