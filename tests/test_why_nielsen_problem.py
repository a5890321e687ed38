"""Claims of docs/why.md about Nielsen's problem (snippets/why_nielsen_problem.py)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import why_nielsen_problem as nielsen
from conftest import measured


@pytest.fixture(scope="module")
def data():
    with threadpool_limits(1):  # small matrices: extra BLAS threads only contend
        return measured(nielsen)


@pytest.fixture(scope="module")
def v(data):
    return nielsen.values(data)


def test_measured_width_matches_the_closed_form_for_every_w_and_b(data):
    gap = np.abs(data["widths"] - data["closed"][:, None])
    assert gap.max() <= 2 * nielsen.DA


def test_width_does_not_depend_on_the_bias(v):
    assert v["b_spread"] <= 2 * nielsen.DA


def test_width_does_not_depend_on_the_sign_of_w():
    for w in (4.5, 7.0, 30.0):
        assert nielsen.measured_width(-w, 0.4) == nielsen.measured_width(w, -0.4)


def test_factor_never_reaches_one_below_four():
    for w in (1.0, 2.5, 3.99):
        assert nielsen.measured_width(w, 0.0) == 0.0


def test_largest_width_is_about_045(v):
    assert v["peak_width"] == pytest.approx(0.45, abs=0.005)
    assert v["numeric_peak_width"] == pytest.approx(v["peak_width"], abs=2 * nielsen.DA)


def test_largest_width_is_near_w_69(v):
    assert v["peak_w"] == pytest.approx(6.9, abs=0.05)
    step = 0.1  # the measured grid's step near the peak
    assert abs(v["numeric_peak_w"] - v["peak_w"]) <= step


def test_closed_form_is_the_solution_of_sigma_prime_equal_one_over_w():
    # |w σ′(z)| = 1 at z = ±(|w|/2)·width
    import backprop

    for w in (4.2, 6.9, 50.0):
        z_edge = w * nielsen.closed_form(w) / 2
        assert w * backprop.sigmoid_prime(z_edge) == pytest.approx(1.0, rel=1e-12)


# ------------------------------------------------ every value the page quotes


def test_quoted_grid_and_gap(data, v):
    assert v["da"] == 1e-5
    np.testing.assert_allclose(np.diff(nielsen.A_GRID), v["da"], rtol=1e-6)
    assert v["n_w"] == len(data["w"]) == data["widths"].shape[0] == 81 + 30
    gap = np.abs(data["widths"] - data["closed"][:, None]).max()
    assert v["max_gap"] == gap
    assert 0 <= v["max_gap"] <= 2 * v["da"]  # the grid's resolution, no more
    assert v["biases"] == "\u22122, 0, 1.7"
    assert data["widths"].shape[1] == len(v["biases"].split(", "))
