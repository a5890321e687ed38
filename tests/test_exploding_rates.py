"""Claims of docs/exploding.md about growth rates against the matrix size
(snippets/exploding_rates.py)."""

import numpy as np
import pytest
from scipy.special import polygamma

import exploding_rates as er
from conftest import measured


@pytest.fixture(scope="module")
def rows():
    return measured(er)["rows"]


def _standard_error(n: int) -> float:
    """Standard error of the measured log10 rate: each of K steps adds a term of
    variance ψ′(n/2)/4 (in ln), averaged over N_SEEDS seeds."""
    return np.sqrt(polygamma(1, n / 2) / 4 / (er.K * er.N_SEEDS)) / np.log(10)


def test_measured_rate_matches_the_lyapunov_exponent_for_every_n(rows):
    for r in rows:
        assert abs(r["plain_rate"] - r["plain_theory"]) < 4 * _standard_error(r["n"])


def test_measured_spread_matches_the_theory_for_every_n(rows):
    for r in rows:
        assert r["sd"] == pytest.approx(r["sd_theory"], rel=0.10)


def test_scaled_products_shrink_for_every_n(rows):
    assert all(r["scaled_theory"] < 0 and r["scaled_rate"] < 0 for r in rows)


def test_scaled_shrinkage_fades_like_one_over_2n(rows):
    """½ (ln 2 + ψ(n/2) − ln n) ≈ −1/(2n) for large n, in log10 units."""
    rates = [r["scaled_theory"] for r in rows]
    assert rates == sorted(rates)  # closer to 0 as n grows
    big = rows[-1]
    assert big["scaled_theory"] == pytest.approx(
        -1 / (2 * big["n"] * np.log(10)), rel=0.05)


def test_unscaled_growth_rises_with_n(rows):
    rates = [r["plain_theory"] for r in rows]
    assert rates == sorted(rates)


def test_scaling_keeps_wide_products_within_an_order_but_not_narrow_ones(rows):
    by_n = {r["n"]: r for r in rows}
    assert -by_n[32]["scaled_rate"] * er.K < 1  # orders of magnitude lost
    assert -by_n[4]["scaled_rate"] * er.K > 5
