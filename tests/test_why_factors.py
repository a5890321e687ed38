"""Claims of docs/why.md about the factors |w^l_jk σ′(z^l_j)| (why_factors.py)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import backprop
import data as digits
import why_factors
from conftest import measured


@pytest.fixture(scope="module")
def data():
    with threadpool_limits(1):  # small matrices: extra BLAS threads only contend
        return measured(why_factors)


@pytest.fixture(scope="module")
def v(data):
    return why_factors.values(data)


def test_factor_is_weight_times_sigma_prime_of_the_receiving_neuron():
    rng = np.random.default_rng(3)
    weights, biases = backprop.init_params(why_factors.SIZES, rng)
    x = digits.load_digits()[0][:, :5]
    f = why_factors.factors(weights, biases, x, 4)
    assert f.shape == (30, 30, 5)
    zs, _ = backprop.forward(weights, biases, x)
    j, k, i = 7, 11, 2  # w^4_{8,12} for example 3
    expected = abs(weights[2][j, k] * backprop.sigmoid_prime(zs[2][j, i]))
    assert f[j, k, i] == pytest.approx(expected, rel=1e-14)


def test_no_factor_reaches_a_quarter_under_nielsens_default_init(v):
    assert v["nielsen_max"] < 0.25
    assert v["nielsen_pct_quarter"] == 0.0


def test_with_unit_variance_weights_a_minority_reaches_a_quarter(v):
    assert 1 < v["large_pct_quarter"] < 30


def test_with_unit_variance_weights_hardly_any_factor_reaches_one(v):
    assert v["large_pct_one"] < 0.01  # percent: fewer than 1 in 10,000


def test_unit_variance_weights_give_larger_factors(v):
    assert v["large_median"] > v["nielsen_median"]


def test_typical_factor_is_the_median_of_one_median_per_network_and_layer(data, v):
    """why.md: each network's median factor in each of the 3 layers, 20 networks:
    the typical factor is the median of those 60 numbers."""
    assert v["n_layers"] == 3 and v["n_medians"] == 60 == 3 * why_factors.N_SEEDS
    for s in why_factors.SCHEMES:
        medians = [m for l in why_factors.LAYERS for m in data[(s, l)]["medians"]]
        assert len(medians) == v["n_medians"]
        assert v[f"{s}_median"] == pytest.approx(np.median(medians), rel=1e-12)


def test_typical_factor_is_far_below_a_quarter_under_both_inits(v):
    assert v["nielsen_median"] < 0.05 and v["large_median"] < 0.05


def test_histograms_count_every_factor(data):
    for s in why_factors.SCHEMES:
        for l in why_factors.LAYERS:
            cell = data[(s, l)]
            assert cell["counts"].sum() == cell["n"]
            assert cell["n"] == 30 * 30 * 1000 * why_factors.N_SEEDS


def test_error_shrinks_per_layer_under_both_inits(v):
    assert v["nielsen_error_ratio"] < 0.5
    assert v["large_error_ratio"] < 1.0


def test_error_shrinks_less_per_layer_with_unit_variance_weights(v):
    assert v["large_error_ratio"] > 2 * v["nielsen_error_ratio"]


def test_a_layer_shrinks_the_error_far_less_than_one_factor_does(v):
    """n factors add up: the per-layer ratio exceeds the typical single factor."""
    for s in why_factors.SCHEMES:
        assert v[f"{s}_error_ratio"] > 5 * v[f"{s}_median"]


def test_unit_variance_weights_push_z_into_the_flat_tails_of_sigma():
    """The typical σ′(z^l) of hidden layers 3-5 is lower with N(0, 1) weights."""
    x = digits.load_digits()[0][:, :200]
    rng = np.random.default_rng(11)
    typical = {}
    for scheme in why_factors.SCHEMES:
        sp = []
        for _ in range(10):
            weights, biases = backprop.init_params(why_factors.SIZES, rng, scheme)
            zs, _ = backprop.forward(weights, biases, x)
            sp += [backprop.sigmoid_prime(zs[l - 2]) for l in why_factors.LAYERS]
        typical[scheme] = np.median(sp)
    assert typical["large"] < 0.5 * typical["nielsen"]


def test_random_weights_land_in_the_vanishing_regime_far_more_often(data, v):
    """why.md, end of Nielsen's problem: under both random inits hardly any factor
    reaches 1 (fewer than 1 in 10,000) and the error shrinks layer by layer."""
    counted = {s: 100 * sum(data[(s, l)]["n_one"] for l in why_factors.LAYERS)
               / sum(data[(s, l)]["n"] for l in why_factors.LAYERS)
               for s in why_factors.SCHEMES}
    assert v["max_pct_one"] == pytest.approx(max(counted.values()), rel=1e-12)
    assert 0 <= v["max_pct_one"] < 0.01  # percent
    for s in why_factors.SCHEMES:
        assert v[f"{s}_error_ratio"] < 1


# ------------------------------------------------ every value the page quotes


def test_quoted_counts_are_every_factor_of_every_network(data, v):
    assert v["n_seeds"] == 20
    assert v["sizes"] == "[64, 30, 30, 30, 30, 10]"
    # w^l_jk σ'(z^l_j) for the 30 × 30 connections into hidden layers 3, 4, 5,
    # on each of 1,000 training digits, in every network
    assert v["n_factors"] == 3 * 30 * 30 * 1000 * v["n_seeds"]
    assert v["n_factors"] == sum(data[("nielsen", l)]["n"] for l in (3, 4, 5))
