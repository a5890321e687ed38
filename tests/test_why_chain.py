"""Claims of docs/why.md about Nielsen's chain of single neurons (why_chain.py)."""

import ast

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import backprop
import why_chain
from conftest import measured
from tables import read_number, rows
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


# ------------------------------------------------ every value the page quotes


def test_quoted_chain_is_the_seeded_draw_at_the_quoted_input(data):
    v = why_chain.values(data)
    assert (v["x"], v["y"]) == (1.0, 1.0)
    weights, biases = backprop.init_params([1] * 5, np.random.default_rng(1))
    nabla_b = backprop.backward(weights, biases, np.array([[v["x"]]]),
                                np.array([[v["y"]]]))[1]
    np.testing.assert_array_equal([nb[0, 0] for nb in nabla_b],
                                  data["chain"]["backprop"])


def test_quoted_gaps_are_rounding_only(data):
    v = why_chain.values(data)
    g = data["chain"]
    gap = np.max(np.abs(g["backprop"] - g["product"])
                 / np.maximum(np.abs(g["backprop"]), np.abs(g["product"])))
    assert v["gap"] == gap
    assert 0 <= v["gap"] < 1e-13
    assert v["max_gap_random"] == data["stats"]["max_gap"]
    assert 0 <= v["max_gap_random"] < 1e-12


def test_quoted_frequencies_recounted(data):
    v = why_chain.values(data)
    assert v["n_chains"] == 10_000 == len(data["stats"]["ratios"])
    factors = data["stats"]["factors"]
    assert len(factors) == 3 * v["n_chains"]  # neurons 2..4 of every chain
    assert v["pct_factor_below_quarter"] == pytest.approx(
        100 * np.count_nonzero(np.abs(factors) < 0.25) / len(factors), rel=1e-12)
    assert 70 < v["pct_factor_below_quarter"] < 90


def test_quoted_table_shows_the_chain_to_three_digits(data):
    v = why_chain.values(data)
    g = data["chain"]
    body = rows(v["table"])
    assert len(v["table"].splitlines()) == 2 + 4
    for j, cells in enumerate(body):
        shown = [read_number(c) for c in cells[2:6] + cells[7:]]
        expected = [g["w"][j], g["b"][j], g["z"][j], g["sigma_prime"][j],
                     g["backprop"][j], g["product"][j]]
        np.testing.assert_allclose(shown, expected, rtol=5e-3)
