"""Claims of docs/why.md about the exploding chain (snippets/why_exploding.py)."""

import numpy as np
import pytest

import backprop
import why_exploding
from conftest import measured
from tables import read_number, rows


@pytest.fixture(scope="module")
def data():
    return measured(why_exploding)


def test_every_weighted_input_is_exactly_zero(data):
    assert np.all(data["z"] == 0.0)
    assert np.all(data["sigma_prime"] == 0.25)


def test_every_factor_is_25(data):
    assert np.all(data["factors"][1:] == 25.0)


def test_gradient_grows_by_exactly_25_per_layer_towards_the_input(data):
    assert np.all(data["growth"] == 25.0)
    assert data["backprop"][0] == 25.0 ** 3 * data["backprop"][-1]


def test_module_agrees_with_the_product_formula(data):
    np.testing.assert_allclose(data["backprop"], data["product"], rtol=1e-12)


def test_growth_falls_below_25_when_the_biases_miss_zero():
    """With every z_j = 1 instead of 0 the factor is 100·σ′(1) ≈ 19.7 < 25."""
    weights, biases = why_exploding.exploding_chain(z=1.0)
    g = why_exploding.chain_gradients(weights, biases, why_exploding.X, 0.0)
    growth = g["backprop"][:-1] / g["backprop"][1:]
    np.testing.assert_allclose(growth, 100 * backprop.sigmoid_prime(1.0), rtol=1e-12)
    assert np.all(growth < 20)


def test_longer_chains_keep_growing_by_25():
    weights, biases = why_exploding.exploding_chain(n=8)
    g = why_exploding.chain_gradients(weights, biases, why_exploding.X, 0.0)
    assert np.all(g["backprop"][:-1] / g["backprop"][1:] == 25.0)


# ------------------------------------------------ every value the page quotes


def test_quoted_values_follow_from_the_chain_rule_by_hand(data):
    v = why_exploding.values(data)
    assert (v["x"], v["y"]) == (1.0, 0.0)
    # every z_j = 0, so a_4 = 1/2 and ∂C/∂b_4 = a_4 − y; each neuron further back
    # multiplies by w σ'(0) = 100/4 = 25
    assert v["ratio_b1_bL"] == 25.0**3 == 15_625
    body = rows(v["table"])
    assert len(v["table"].splitlines()) == 2 + 4
    for j, cells in enumerate(body):
        grad = (0.5 - v["y"]) * 25.0 ** (3 - j)
        assert read_number(cells[7]) == grad  # 7812.5, 312.5, 12.5, 0.5
        assert [read_number(c) for c in cells[2:6]] == [
            100, -100 if j == 0 else -50, 0, 0.25]
