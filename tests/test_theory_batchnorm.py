"""Batch norm at depth on "Predicting it": the error grows through every layer."""

import math

import numpy as np
import pytest

import architectures
import backprop
import remedies_init
import theory_batchnorm as tb
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(tb)


@pytest.fixture(scope="module")
def v(data):
    return tb.values(data)


# ----------------------------------------------------------------- the pieces


def test_relu_limit_is_yang_et_als_pi_over_pi_minus_1(v):
    # closed form: E[relu′²] = 1/2, Var relu(u) = 1/2 − 1/(2π)
    assert tb.predicted_rate("relu") == pytest.approx(math.pi / (math.pi - 1),
                                                      rel=1e-10)
    assert v["relu_pred"] == pytest.approx(1.467, abs=5e-4)  # Yang et al. 2019
    assert v["pi_rate"] == pytest.approx(1.46694, abs=1e-5)


def test_sigmoid_limit_against_monte_carlo(v):
    u = np.random.default_rng(5).normal(size=1_000_000)
    expected = np.mean(backprop.sigmoid_prime(u) ** 2) / np.var(backprop.sigmoid(u))
    assert v["sigmoid_pred"] == pytest.approx(expected, rel=2e-3)
    assert 1.03 < v["sigmoid_pred"] < 1.04


def test_the_limit_is_at_least_one_and_one_only_for_a_linear_unit():
    # Gaussian Poincaré inequality: Var φ(u) ≤ E[φ′(u)²], equality for linear φ
    assert tb.predicted_rate("identity") == pytest.approx(1.0, rel=1e-12)
    for activation in ("sigmoid", "tanh", "relu"):
        assert tb.predicted_rate(activation) > 1


def test_growth_does_not_depend_on_the_weight_scale(monkeypatch):
    """Scaling every hidden weight leaves the normalized forward pass unchanged and
    divides every hidden error by the same factor: the growth is the same (exactly
    without the ε that architectures.py adds to the batch variance)."""
    monkeypatch.setattr(architectures, "EPS", 0.0)
    monkeypatch.setattr(tb, "WIDTH", 12)
    monkeypatch.setattr(tb, "DEPTH", 6)
    for activation in ("relu", "sigmoid"):
        ms, w = tb.deep_errors(activation, 16, np.random.default_rng(1))
        ms3, w3 = tb.deep_errors(activation, 16, np.random.default_rng(1), scale=3.0)
        np.testing.assert_allclose(ms3, ms / 9, rtol=1e-9)
        np.testing.assert_allclose(w3, w / 9, rtol=1e-9)


def test_growth_by_hand():
    per_layer = np.array([[8.0, 4.0, 2.0], [8.0, 4.0, 2.0]])
    factor, se = tb.growth(per_layer, 2, 4)
    assert factor == pytest.approx(2.0) and se == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------- prediction vs measured


def test_relu_at_depth_50_grows_as_predicted(v):
    assert v["tolerance"] == tb.TOLERANCE == 0.03
    for key in ("relu_rate", "relu_wrate"):
        assert abs(v[key] / v["pi_rate"] - 1) < 0.03, key
        assert v[key] > v["pi_rate"]  # a finite batch adds to the growth
    for key in ("relu_rate_se", "relu_wrate_se"):
        assert 0 < v[key] < 0.01
    assert v["relu_rate"] == pytest.approx(v["relu_wrate"], rel=0.01)


def test_smaller_batches_grow_faster(v):
    assert v["small_batch"] == 16 < v["batch"]
    assert v["relu_rate_16"] > v["relu_rate"] > v["pi_rate"]
    assert v["relu_rate_16"] < 1.15 * v["pi_rate"]


def test_relu_total_growth(v):
    expected = v["relu_pred"] ** (tb.DEPTH - 1)
    assert 0.1 < v["relu_total"] / expected < 10
    assert v["relu_total"] > 1e6
    assert v["relu_total_log10"] == pytest.approx(np.log10(v["relu_total"]))


def test_sigmoid_grows_more_than_the_limit_at_this_size(v):
    for key in ("sigmoid_rate", "sigmoid_wrate"):
        assert 1.03 < v[key] < 1.08, key
    for key in ("sigmoid_rate_se", "sigmoid_wrate_se"):
        assert 0 < v[key] < 0.005
    assert 1.2 < v["sigmoid_excess"] < 2.5
    assert v["sigmoid_excess"] == pytest.approx(
        (v["sigmoid_rate"] - 1) / (v["sigmoid_pred"] - 1), rel=1e-12)


def test_remedies_network_grows_as_predicted(v, data):
    assert v["remedies_n_seeds"] == tb.REMEDIES_SEEDS == len(data["remedies"]) == 10
    assert tb.REMEDIES_SEEDS <= remedies_init.N_SEEDS  # the page's own seeds
    assert v["remedies_first"] == 3 and v["remedies_last"] == 6
    assert v["remedies_steps"] == 3
    assert v["remedies_width"] == 30 and v["remedies_batch"] == 1000
    assert v["remedies_width"] == remedies_init.SIZES[1]
    assert 0 < v["remedies_rate_se"] < 0.05
    assert abs(v["remedies_rate"] - v["sigmoid_pred"]) < 3 * v["remedies_rate_se"]
    # layer 2 divides by the pixels' variance, not by Var σ(u): it differs
    ms = data["remedies"].mean(axis=0)
    assert ms[0] / ms[1] < 0.8


def test_setup(v):
    assert v["width"] >= 128 and v["batch"] >= 64 and v["depth"] == 50
    assert v["n_nets"] == tb.N_NETS and v["first"] == 7 and v["last"] == 47
