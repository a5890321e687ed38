"""Claims of docs/why.md about σ and σ′ (snippets/why_sigmoid.py)."""

import numpy as np
import pytest

import backprop
import plotstyle
import why_sigmoid
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(why_sigmoid)


def test_sigmoid_prime_never_exceeds_a_quarter():
    z = np.concatenate([np.linspace(-50, 50, 1_000_001), [-1e300, 1e300, 1e-300]])
    assert np.all(backprop.sigmoid_prime(z) <= 0.25)


def test_sigmoid_prime_reaches_a_quarter_at_zero_only(data):
    assert backprop.sigmoid_prime(np.array(0.0)) == 0.25
    assert data["max_prime"] == 0.25
    assert data["argmax_prime"] == 0.0
    fine = backprop.sigmoid_prime(why_sigmoid.grid(why_sigmoid.N_GRID))
    assert np.count_nonzero(fine == 0.25) == 1
    assert np.count_nonzero(data["sigma_prime"] == 0.25) == 1  # drawn peak too


def test_sigmoid_prime_falls_on_both_sides_of_zero():
    z = why_sigmoid.grid(why_sigmoid.N_GRID)
    ds = backprop.sigmoid_prime(z)
    assert np.all(np.diff(ds[z <= 0]) > 0)
    assert np.all(np.diff(ds[z >= 0]) < 0)
    np.testing.assert_allclose(ds, ds[::-1], rtol=0, atol=1e-15)


def test_the_figure_draws_a_coarse_grid_and_stays_small(data, tmp_path):
    """A few hundred drawn points, and each SVG (light, dark) at most 50 KB."""
    assert len(data["z"]) == why_sigmoid.N_PLOT <= 1000
    assert why_sigmoid.N_PLOT < why_sigmoid.N_GRID
    plotstyle.render(why_sigmoid, tmp_path)
    for name in ("why_sigmoid.svg", "why_sigmoid-dark.svg"):
        assert (tmp_path / name).stat().st_size <= 50_000, name


def test_sigmoid_prime_is_a_tenth_of_its_peak_near_the_closed_form(data):
    # σ′ = 1/40  ⇔  σ = (1 + √(1 − 1/10)) / 2  ⇔  z = ln(σ / (1 − σ))
    s = (1 + np.sqrt(0.9)) / 2
    assert data["tenth_at"] == pytest.approx(np.log(s / (1 - s)), abs=2e-4)


def test_values_quote_the_measured_peak(data):
    v = why_sigmoid.values(data)
    assert v["max_prime"] == 0.25 and v["argmax_prime"] == 0.0
