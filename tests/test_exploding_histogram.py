"""Claims of docs/exploding.md about the distribution of d2l's largest entry
(snippets/exploding_histogram.py)."""

import numpy as np
import pytest
from scipy.stats import skew

import exploding_histogram as eh
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(eh)


def test_there_is_one_value_per_seed(data):
    assert data["log10_max"].shape == (eh.N_SEEDS,)


def test_d2l_value_is_a_typical_draw(data):
    """1e25 lies between the 25th and 75th percentiles of the seeds."""
    q25, q75 = np.percentile(data["log10_max"], [25, 75])
    assert q25 < eh.D2L_LOG10 < q75


def test_spread_matches_the_theory_within_ten_percent(data):
    assert data["sd"] == pytest.approx(data["sd_theory"], rel=0.10)


def test_fewer_than_two_thirds_of_seeds_land_within_one_order_of_1e25(data):
    assert 25 < data["pct_within_one"] < 65


def test_seeds_span_about_ten_orders_of_magnitude(data):
    assert data["max"] - data["min"] > 8


def test_log_of_the_largest_entry_is_close_to_normal(data):
    assert abs(skew(data["log10_max"])) < 0.35


def test_quoted_range_is_the_span_of_the_seeds_in_orders_of_magnitude(data):
    v = eh.values(data)
    assert v["orders_range"] == pytest.approx(np.ptp(data["log10_max"]), rel=1e-12)
    assert 8 < v["orders_range"] < 14
