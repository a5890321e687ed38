"""The claims of the "Backpropagation, checked" page."""

import numpy as np
import pytest

import backprop
import gradient_check


@pytest.fixture(scope="module")
def data():
    return gradient_check.measure()


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
    monkeypatch.setattr(backprop, "_prime", lambda name, z, a: np.ones_like(z))
    errors = gradient_check.relative_errors("sigmoid", np.random.default_rng(0))
    assert max(errors) > 1e-2


def test_values_quote_the_measured_worst_case(data):
    values = gradient_check.values(data)
    assert values["max_rel_error"] == max(max(e) for e in data["errors"].values())
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
