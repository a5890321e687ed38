"""The claims of the "Questions readers ask" page."""

import math

import numpy as np
import pytest

import backprop
import reader_questions as rq
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(rq)


@pytest.fixture(scope="module")
def v(data):
    return rq.values(data)


# ------------------------------------------------------------ ReLU, dead units


def test_relu_with_he_keeps_the_first_layer_near_the_last(v):
    # sigmoid's first hidden layer is orders of magnitude slower; ReLU's is not
    assert 0.3 < v["relu_ratio"] < 3
    assert v["vanishing_ratio"] > 30 * max(v["relu_ratio"], 1 / v["relu_ratio"])


def test_a_large_learning_rate_kills_most_relu_units(v):
    assert v["dead_large"] > 0.5
    assert v["dead_moderate"] < 0.2 and v["dead_start"] < 0.2
    assert v["dead_large"] > 4 * max(v["dead_moderate"], v["dead_start"])


def test_a_dead_unit_is_stuck_its_gradient_is_exactly_zero(data, v):
    assert v["dead_gradient"] == 0.0
    assert any(run["dead_gradient"] for run in data["relu"])  # there were some


def test_every_layer_loses_units_with_the_large_rate(data):
    assert np.all(rq.dead_share(data, "large") > 0.3)


def test_dead_units_are_found_exactly():
    # one unit whose z is negative for every input, one alive
    weights = [np.array([[-1.0, -1.0], [1.0, 1.0]]), np.array([[1.0, 1.0]])]
    biases = [np.zeros((2, 1)), np.zeros((1, 1))]
    x = np.array([[0.5, 1.0, 0.0], [0.2, 0.0, 0.3]])
    (dead,) = rq.dead_units(weights, biases, x)
    assert dead.tolist() == [True, False]
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x,
                                            np.ones((1, 3)), "relu")
    assert np.all(nabla_w[0][0] == 0) and nabla_b[0][0, 0] == 0


# -------------------------------------------------------------- N(0, 1) weights


def test_the_training_set_is_nielsens_first_thousand(v):
    assert v["n_train"] == 1000


def test_only_about_two_thirds_of_standard_normal_weights_are_below_one(v):
    assert v["below_one"] == pytest.approx(0.6827, abs=1e-4)
    assert v["below_one_measured"] == pytest.approx(v["below_one"], abs=0.03)


def test_what_matters_is_w_times_sigma_prime(v):
    # |w σ′| ≤ |w|/4: only |w| ≥ 4 could reach 1, and those are rare
    assert v["at_least_four"] < 1e-4
    assert v["factor_below_one"] > 0.999
    assert v["factor_below_quarter"] > v["below_one"] + 0.1


def test_factors_never_exceed_a_quarter_of_the_largest_weight(data):
    assert np.max(data["chain"]) <= np.max(data["sizes"]) / 4


def test_factors_by_hand():
    weights = [np.array([[2.0]]), np.array([[3.0]]), np.array([[1.0]]),
               np.array([[1.0]]), np.array([[1.0]])]
    biases = [np.zeros((1, 1))] * 5
    sizes, chain = rq.factors(weights, biases, np.zeros((1, 1)))
    # layers 3, 4, 5: z = 3·σ(0), σ(·), σ(·) ...; factor = |w| σ′(z)
    zs, _ = backprop.forward(weights, biases, np.zeros((1, 1)))
    expected = [3.0 * backprop.sigmoid_prime(zs[1])[0, 0],
                1.0 * backprop.sigmoid_prime(zs[2])[0, 0],
                1.0 * backprop.sigmoid_prime(zs[3])[0, 0]]
    assert sizes.tolist() == [3.0, 1.0, 1.0]
    assert chain == pytest.approx(expected)


def test_probabilities_are_the_normal_distributions():
    rng = np.random.default_rng(0)
    w = rng.normal(size=200_000)
    assert np.mean(np.abs(w) < 1) == pytest.approx(math.erf(1 / math.sqrt(2)),
                                                   abs=0.005)


# ------------------------------------------- vanishing, saturation, plateau


def test_vanishing_without_saturation(v):
    # Nielsen's init: the first hidden layer learns far slower than the last,
    # while hardly any neuron is saturated
    assert v["vanishing_ratio"] > 10
    assert v["saturated_nielsen"] < 0.01


def test_large_weights_saturate_many_neurons(v):
    assert v["saturated_large"] > 0.1
    assert v["saturated_large"] > 10 * v["saturated_nielsen"]


def test_saturated_share_by_hand():
    weights, biases = [np.array([[100.0], [0.0]]), np.array([[1.0, 1.0]])], \
        [np.zeros((2, 1)), np.zeros((1, 1))]
    assert rq.saturated(weights, biases, np.ones((1, 4))) == 0.5


def test_quoted_setup_and_thresholds(v):
    assert 1 <= v["n_seeds"] <= 10 and 1 <= v["epochs"] <= 10
    # a learning rate ten times larger kills many more units (the page's contrast)
    assert v["eta_large"] == pytest.approx(10 * v["eta_moderate"])
    assert 0.01 <= v["eta_moderate"] <= 0.1
    # "saturated": σ′(z) below a tenth of its maximum σ′(0) = 1/4
    assert v["saturation"] == pytest.approx(0.25 / 10)
