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


# ------------------------------------------------ every value the page quotes


@pytest.fixture(scope="module")
def vals(rows):
    return er.values({"rows": rows})


def _digamma_whole(m: int) -> float:
    """ψ(m) for a whole m ≥ 1: the harmonic number H_{m-1} minus Euler's γ."""
    return sum(1 / j for j in range(1, m)) - np.euler_gamma


def _trigamma(m: int) -> float:
    """ψ′(m) for a whole m ≥ 1: π²/6 minus the first m − 1 inverse squares."""
    return np.pi**2 / 6 - sum(1 / j**2 for j in range(1, m))


def test_quoted_widest_matrices_lose_little_by_the_series_formulas(vals):
    n, k = 32, 100
    assert vals["n_big"] == n and vals["k"] == k
    rate = 0.5 * (np.log(2) + _digamma_whole(n // 2) - np.log(n))
    assert vals["big_scaled_orders"] == pytest.approx(-k * rate / np.log(10),
                                                      rel=1e-9)
    # close to the large-n approximation −1/(2n) per multiplication
    assert vals["big_scaled_orders"] == pytest.approx(k / (2 * n * np.log(10)),
                                                      rel=0.02)
    sd = 0.5 * np.sqrt((k + 1) * _trigamma(n // 2)) / np.log(10)
    assert vals["big_scaled_sd"] == pytest.approx(sd, rel=1e-9)
    assert 0.5 < vals["big_scaled_sd"] < 0.6


def test_quoted_gaps_are_the_largest_over_the_table(rows, vals):
    gaps = [abs(r["plain_rate"] - r["plain_theory"]) for r in rows]
    assert vals["max_gap"] == pytest.approx(max(gaps), rel=1e-12)
    assert 0 < vals["max_gap"] < 4 * max(_standard_error(r["n"]) for r in rows)
    sd_gaps = [100 * abs(r["sd"] / r["sd_theory"] - 1) for r in rows]
    assert vals["max_sd_gap_pct"] == pytest.approx(max(sd_gaps), rel=1e-12)
    assert 0 < vals["max_sd_gap_pct"] < 10


def test_quoted_set_up_and_table_match_the_rows(rows, vals):
    assert vals["n_seeds"] == 1000
    assert vals["sizes"] == "2, 4, 8, 16, 32" == ", ".join(str(r["n"]) for r in rows)
    lines = vals["table"].splitlines()
    assert len(vals["table"].splitlines()) == 2 + len(rows)
    for line, r in zip(lines[2:], rows):
        cells = [c.replace("\u2212", "-") for c in line.strip("| ").split(" | ")]
        assert int(cells[0]) == r["n"]
        numbers = [float(c) for c in cells[1:]]
        expected = [r["plain_theory"], r["plain_rate"], r["scaled_theory"],
                    r["scaled_rate"], r["sd_theory"], r["sd"]]
        assert numbers == pytest.approx(expected, abs=0.006)
