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


def test_hidden_neurons_get_a_gradient_too_small_to_move_them(h):
    v = ec.values(h)
    assert 0 < v["stuck_grad_max"] < ec.STUCK_BELOW
    # σ′(−45) ≈ 2.9e-20 bounds every factor of the chain from above
    assert v["stuck_grad_max"] < backprop.sigmoid_prime(np.array(-45.0))
    # each step is under half a float64 spacing at b_j, so b_j rounds to itself
    assert 0 < v["stuck_step_over_spacing"] < 0.5
    b = h["b"][1:, :-1]
    assert np.all(b - ec.ETA * h["grad_b"][1:, :-1] == b)
    assert np.all(np.abs(h["grad_b"][1:, -1]) > 1e-6)


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


def test_after_the_first_step_every_sigma_prime_is_below_1e_20(h):
    assert np.all(backprop.sigmoid_prime(h["z"][1]) < 1e-20)


# ------------------------------------------------ every value the page quotes


@pytest.fixture(scope="module")
def v(h):
    return ec.values(h)


def test_quoted_set_up_is_the_run_that_was_trained(h, v):
    assert v["x"] == 1.0  # Nielsen's chain: every z_j = 0 for this input
    assert v["target"] == 0.3  # not 0 or 1, so a finite z fits it
    assert v["eta"] == 0.1  # Nielsen's chapter-5 rate
    assert v["steps"] == 2000 == len(h["excess"])
    assert h["w"][0, 0] * v["x"] + h["b"][0, 0] == 0.0  # z_1 = w_1 x + b_1 = 0


def test_quoted_first_step_follows_from_the_chain_rule_by_hand(h, v):
    # At z = 0 the output is 1/2, so ∂C/∂b_4 = a - y (cross-entropy), and each
    # neuron further back multiplies it by w σ'(0) = 100 / 4 = 25.
    grad_b4 = 0.5 - v["target"]
    assert v["grad_b4"] == pytest.approx(grad_b4, rel=1e-12)
    assert v["grad_b1"] == pytest.approx(grad_b4 * 25**3, rel=1e-12)
    # b_1 and w_1 both move by η ∂C/∂b_1 (∂C/∂w_1 = x ∂C/∂b_1 with x = 1) ...
    assert v["first_b_step"] == pytest.approx(v["eta"] * grad_b4 * 25**3, rel=1e-12)
    # ... so z_1 = w_1 x + b_1 drops from 0 by (x² + 1) times that step.
    assert v["z1_after"] == pytest.approx(-(v["x"] ** 2 + 1) * v["first_b_step"],
                                          rel=1e-12)
    # The output is saturated afterwards: σ(z_4) is 0 to float precision, so
    # |∂C/∂b_4| = |0 - y| = y.
    assert h["z"][1, -1] < -40
    assert v["grad_b4_after"] == pytest.approx(v["target"], rel=1e-12)


def test_quoted_output_bias_climb_is_the_distance_z4_travels(h, v):
    # Only b_4 moves after step 1 (w_4 sees a saturated, zero input), so b_4's
    # climb is the distance from z_4 after the first step to its final value.
    assert v["b4_moved"] == pytest.approx(v["z4_final"] - h["z"][1, -1], rel=1e-9)
    assert 45 < v["b4_moved"] < 55


def test_quoted_table_is_the_first_step_neuron_by_neuron(h, v):
    rows = [r.strip("| ").split(" | ") for r in v["table"].splitlines()[2:]]
    assert len(v["table"].splitlines()) == 2 + 4
    for j, row in enumerate(rows):
        start = 0.2 * 25 ** (3 - j)  # (a - y) times 25 per neuron back
        assert row[0] == str(j + 1)
        assert float(row[1]) == pytest.approx(start, rel=1e-5)
        step_b = float(row[2].split(" and ")[0].replace("\u2212", "-"))
        assert step_b == pytest.approx(-0.1 * start, rel=1e-5)
        sp = float(row[4].replace("\u2212", "-"))  # σ' after the step
        assert 0 <= sp < 1e-20 and sp == pytest.approx(
            backprop.sigmoid_prime(h["z"][1, j]), rel=1e-2)
    assert rows[0][3] == "\u2212625"
