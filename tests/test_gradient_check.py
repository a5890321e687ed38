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
    monkeypatch.setattr(backprop, "_prime", lambda name, z, a: np.ones_like(z))
    errors = gradient_check.relative_errors("sigmoid", np.random.default_rng(0))
    assert max(errors) > 1e-2


def test_values_quote_the_measured_worst_case(data):
    values = gradient_check.values(data)
    assert values["max_rel_error"] == max(max(e) for e in data["errors"].values())
    assert values["n_params"] == 4 * 5 + 5 + 5 * 5 + 5 + 5 * 5 + 5 + 5 * 3 + 3
