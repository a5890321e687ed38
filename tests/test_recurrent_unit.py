"""The claims about Hochreiter & Schmidhuber's single unit and the carousel."""

import numpy as np
import pytest

import recurrent_unit as ru
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(ru)


@pytest.fixture(scope="module")
def v(data):
    return ru.values(data)


def test_settings(v):
    assert (v["steps"], v["y0"], v["hochreiter_w"]) == (50, 0.5, 4.0)
    assert v["w_large"] == pytest.approx(10.0, abs=0.2)


def test_the_factor_is_f_prime_times_w_by_hand():
    factors = ru.error_flow(np.array([2.0]), np.array([0.3]), steps=3)
    y = 0.5
    for t in range(3):
        net = 2.0 * y + 0.3
        y = 1 / (1 + np.exp(-net))
        assert factors[t, 0] == pytest.approx(y * (1 - y) * 2.0)


def test_below_four_the_error_vanishes_whatever_the_bias_and_start(v):
    assert 0.9 < v["max_inside"] < 1
    rng = np.random.default_rng(0)
    w = rng.uniform(-3.99, 3.99, size=2000)
    b = rng.uniform(-10, 10, size=2000)
    for y0 in (0.0, 0.5, 1.0):
        assert np.all(np.abs(ru.error_flow(w, b, y0=y0)) < 1)


def test_a_large_weight_saturates_so_the_threshold_is_not_two_sided(data, v):
    assert "10^{-4}" in v["bias_zero_large"]
    i = int(np.argmin(np.abs(data["w"] - v["w_large"])))
    assert data["bias_zero"][i] < 1e-3
    # held at net = 0 the factor is |w|/4, above 1 beyond |w| = 4
    assert v["centred_large"] == pytest.approx(v["w_large"] / 4)
    np.testing.assert_allclose(data["centred"], np.abs(data["w"]) / 4)


def test_the_constant_error_carousel_keeps_the_factor_at_one(v):
    assert v["carousel"] == 1.0
    assert np.all(ru.error_flow(1.0, 0.3, steps=200, activation="identity") == 1)


def test_error_flow_refuses_bad_input():
    with pytest.raises(ValueError, match="finite"):
        ru.error_flow(np.inf, 0.0)
    with pytest.raises(ValueError, match="steps"):
        ru.error_flow(1.0, 0.0, steps=2.5)
    with pytest.raises(ValueError, match="unknown activation"):
        ru.error_flow(1.0, 0.0, activation="softsign")
