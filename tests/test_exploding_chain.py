"""Claims of docs/exploding.md about training Nielsen's w = 100 chain
(snippets/exploding_chain.py)."""

import numpy as np
import pytest

import backprop
import exploding_chain as ec
from conftest import measured


@pytest.fixture(scope="module")
def h():
    return measured(ec)


def test_excess_cost_matches_the_module_cost():
    for z in (-3.0, -0.5, 0.0, 2.0):
        a = backprop.sigmoid(np.array([[z]]))
        c = backprop.cost_value(a, np.array([[ec.TARGET]]))
        c_min = backprop.cost_value(np.array([[ec.TARGET]]), np.array([[ec.TARGET]]))
        assert ec.excess_cost(z) == pytest.approx(c - c_min, rel=1e-9, abs=1e-12)


def test_the_start_is_nielsens_chain_with_factors_of_25(h):
    assert np.all(h["z"][0] == 0)
    np.testing.assert_array_equal(h["grad_b"][0, :-1] / h["grad_b"][0, 1:], 25.0)


def test_first_step_throws_the_first_neuron_far_into_saturation(h):
    assert h["b"][0, 0] - h["b"][1, 0] == pytest.approx(ec.ETA * h["grad_b"][0, 0])
    assert h["z"][1, 0] < -500
    assert np.all(h["z"][1] < -45)  # every neuron saturated after one step


def test_hidden_neurons_get_exactly_zero_gradient_after_the_first_step(h):
    assert np.all(h["grad_b"][1:, :-1] == 0.0)
    assert np.all(h["grad_b"][1:, -1] != 0.0)


def test_only_the_output_bias_moves_after_the_first_step(h):
    assert np.all(h["w"][1:] == h["w"][1])
    assert np.all(h["b"][1:, :-1] == h["b"][1, :-1])
    assert h["b"][-1, -1] - h["b"][1, -1] > 40


def test_cost_jumps_by_over_100x_and_recovers_only_after_1000_steps(h):
    v = ec.values(h)
    assert v["jump_factor"] > 100
    assert v["recovery_step"] > 1000


def test_output_bias_alone_ends_up_fitting_the_target(h):
    v = ec.values(h)
    assert v["z4_final"] == pytest.approx(v["z4_target"], abs=0.01)
    assert h["excess"][-1] < 1e-6


def test_after_the_first_step_every_sigma_prime_is_exactly_zero_in_float64(h):
    assert np.all(backprop.sigmoid_prime(h["z"][1]) == 0.0)
