"""Claims of docs/exploding.md about d2l's product of random matrices
(snippets/exploding_products.py)."""

import numpy as np
import pytest

import exploding_products as ep
from conftest import measured
from tryit import run_try_it


@pytest.fixture(scope="module")
def data():
    return measured(ep)


@pytest.fixture(scope="module")
def vals(data):
    return ep.values(data)


def test_lyapunov_formula_matches_an_independent_chi_square_estimate():
    """½ (ln 2 + ψ(n/2)) is E[½ ln χ²_n]: estimate it from a million χ² draws."""
    rng = np.random.default_rng(1)
    for n in (2, 4, 9):
        estimate = np.mean(0.5 * np.log(rng.chisquare(n, size=1_000_000)))
        assert abs(estimate - ep.lyapunov(n)) < 3e-3


def test_lyapunov_scale_adds_log_scale():
    assert ep.lyapunov(4, 0.5) == pytest.approx(ep.lyapunov(4) + np.log(0.5))


def test_one_seed_reproduces_the_products_row():
    """Product number s is the one a reader gets from default_rng(s)."""
    a = ep.matrices(7)
    p = a[0]
    for m in a[1:]:
        p = p @ m
    assert np.log10(np.abs(p).max()) == pytest.approx(
        ep.products(seeds=[7])["max_entry"][-1, 0], rel=1e-12)


def test_median_largest_entry_after_100_multiplications_is_about_1e25(vals):
    assert 24 <= vals["plain_median"] <= 26


def test_single_seeds_spread_over_orders_of_magnitude(vals):
    """The middle 90 % of seeds spans more than 4 orders of magnitude."""
    assert vals["plain_hi"] - vals["plain_lo"] > 4


def test_log_norm_grows_at_the_lyapunov_rate(vals):
    for key in ("plain_rate", "plain_rate_entry", "plain_rate_row"):
        assert vals[key] == pytest.approx(vals["plain_theory_rate"], rel=0.015)
    assert vals["rate_gap_pct"] < 1.5


def test_log_norm_grows_linearly_in_k(data):
    """The median log10 largest entry stays within 0.5 of a straight line."""
    median, _, _ = ep.band(data["plain"]["max_entry"])
    k = data["k"]
    fit = np.polyval(np.polyfit(k[10:], median[10:], 1), k[10:])
    assert np.max(np.abs(median[10:] - fit)) < 0.5


def test_band_widens_like_the_square_root_of_k(data):
    """Width of the 5-95 % band at k = 100 over k = 25: √(101/26) ≈ 1.97."""
    _, lo, hi = ep.band(data["plain"]["spectral"])
    ratio = (hi[100] - lo[100]) / (hi[25] - lo[25])
    assert ratio == pytest.approx(np.sqrt(101 / 26), rel=0.15)


def test_scaling_by_one_over_root_n_shifts_every_product_exactly(data):
    """c = 1/√n multiplies P_k by c^(k+1): log10 drops by (k+1)·½ log10 n."""
    shift = (data["k"] + 1) * 0.5 * np.log10(ep.N)
    for key in ("max_entry", "spectral", "row"):
        np.testing.assert_allclose(data["scaled"][key],
                                   data["plain"][key] - shift[:, None], atol=1e-9)


def test_scaled_product_shrinks_at_the_predicted_rate(vals):
    assert vals["scaled_theory_rate"] < 0
    assert vals["scaled_rate"] == pytest.approx(vals["scaled_theory_rate"], abs=3e-3)
    assert vals["scaled_median"] < -4


def test_scaled_product_shrinks_in_nearly_every_seed(vals):
    assert vals["pct_scaled_shrunk"] >= 99


def test_variance_1_over_n_keeps_the_mean_square_while_the_median_falls():
    """Scaled by 1/√n: E ||e_1ᵀ A_0 A_1 A_2||² = 1, but the median is far below."""
    rng = np.random.default_rng(2)
    a = rng.normal(0, 1 / np.sqrt(ep.N), size=(3, 200_000, ep.N, ep.N))
    v = a[0][:, 0, :]
    for m in a[1:]:
        v = np.einsum("sj,sjk->sk", v, m)
    squares = np.sum(v**2, axis=1)
    assert np.mean(squares) == pytest.approx(1.0, abs=0.03)
    assert np.median(squares) < 0.6


def test_try_it_block_reproduces_seed_0_the_theory_and_the_clipped_chain():
    lines = run_try_it("exploding.md").splitlines()
    assert float(lines[0]) == pytest.approx(
        ep.products(seeds=[0])["max_entry"][-1, 0], rel=1e-12)
    assert float(lines[1]) == pytest.approx(101 * ep.lyapunov(4) / np.log(10))
    assert [line.split()[0] for line in lines[2:]] == ["inf", "1.0", "1e-05"]
    assert float(lines[-1].split()[-1]) > 10  # clipped: the gradient is still large


def test_quoted_theory_in_closed_form(vals):
    """For n = 4, ψ(2) = 1 − γ: the rate is ½ (ln 2 + 1 − γ) per multiplication."""
    rate_ln = 0.5 * (np.log(2) + 1 - np.euler_gamma)
    assert vals["plain_theory_ln"] == pytest.approx(rate_ln, rel=1e-12)
    assert vals["theory_total"] == pytest.approx(101 * rate_ln / np.log(10), rel=1e-12)
    assert 24 < vals["theory_total"] < 25  # d2l's printout: about 1e25
    assert vals["shift_per_step"] == pytest.approx(np.log10(2), rel=1e-12)  # ½ log10 4


def test_quoted_seed_count_is_the_number_of_products_measured(data, vals):
    assert vals["n_seeds"] == 1000
    assert data["plain"]["max_entry"].shape == (101, vals["n_seeds"])
