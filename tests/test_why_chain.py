"""Claims of docs/why.md about Nielsen's chain of single neurons (why_chain.py)."""

import ast

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import backprop
import why_chain
from conftest import measured
from tryit import run_try_it


@pytest.fixture(scope="module")
def data():
    with threadpool_limits(1):  # small matrices: extra BLAS threads only contend
        return measured(why_chain)


def test_backprop_equals_the_product_for_the_table_chain(data):
    g = data["chain"]
    np.testing.assert_allclose(g["backprop"], g["product"], rtol=1e-12, atol=0)


def test_backprop_equals_the_product_in_every_random_chain(data):
    assert data["stats"]["max_gap"] < 1e-12


def test_product_formula_detects_a_wrong_gradient():
    """The check can fail: perturb one weight after backprop and it disagrees."""
    weights, biases = why_chain.random_chain(np.random.default_rng(5))
    g = why_chain.chain_gradients(weights, biases, 0.3, 1.0)
    weights[2] = weights[2] * 1.01
    h = why_chain.chain_gradients(weights, biases, 0.3, 1.0)
    assert abs(h["product"][0] - g["backprop"][0]) > 1e-6 * abs(g["backprop"][0])


def test_table_chain_has_the_book_layout(data):
    g = data["chain"]
    assert len(g["w"]) == 4  # Nielsen's neurons 1..4, book layers 2..5
    table = why_chain.chain_table(g).splitlines()
    assert len(table) == 2 + 4
    assert table[2].startswith("| 1 | 2 |") and table[-1].startswith("| 4 | 5 |")


def test_every_factor_is_below_a_quarter_when_the_weight_is_below_one():
    for w in np.linspace(-0.999, 0.999, 41):
        z = np.linspace(-20, 20, 4001)
        assert np.all(np.abs(w * backprop.sigmoid_prime(z)) < 0.25)


def test_most_factors_of_random_chains_are_below_a_quarter(data):
    pct = why_chain.values(data)["pct_factor_below_quarter"]
    assert 50 < pct < 100


def test_first_bias_gradient_is_much_smaller_than_the_last(data):
    v = why_chain.values(data)
    assert v["pct_b1_smaller"] >= 99
    assert v["median_ratio_b1_bL"] < 0.01


def test_try_it_block_of_the_page_reproduces_the_table_and_the_factor_25(data):
    lines = run_try_it("why.md").splitlines()
    np.testing.assert_allclose(
        np.array(lines[0].strip("[]").split(), float), data["chain"]["backprop"],
        rtol=1e-3)  # printed to 8 decimals
    assert ast.literal_eval(lines[-1]) == [25.0**3 / 2, 25.0**2 / 2, 25 / 2, 1 / 2]
