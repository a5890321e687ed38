"""The phase diagram of "Predicting it": χ₁ over (σ_w², σ_b²)."""

import numpy as np
import pytest

import backprop
import meanfield
import theory_phase as tp
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(tp)


@pytest.fixture(scope="module")
def v(data):
    return tp.values(data)


def test_grid_is_chi_1_at_every_point(data):
    grid = data["tanh"]
    assert grid.shape == (len(tp.SIGMA_B2), len(tp.SIGMA_W2))
    for i, j in ((0, 0), (3, 7), (10, 21)):
        assert grid[i, j] == meanfield.chi_1("tanh", tp.SIGMA_W2[j], tp.SIGMA_B2[i])


def test_chi_1_grows_with_sigma_w2_and_falls_with_sigma_b2(data):
    grid = data["tanh"]
    assert np.all(np.diff(grid, axis=1) > 0)
    assert np.all(np.diff(grid[1:], axis=0) < 0)  # σ_b² > 0: q* > 0


def test_critical_line_separates_the_phases(data):
    for b2, crit in zip(tp.LINE_B2, data["line"], strict=True):
        assert meanfield.chi_1("tanh", crit, b2) == pytest.approx(1, abs=1e-9)
        assert meanfield.chi_1("tanh", 0.95 * crit, b2) < 1 < meanfield.chi_1(
            "tanh", 1.05 * crit, b2)
    assert data["line"][0] == pytest.approx(1.0, abs=1e-9)  # tanh′(0) = 1
    assert np.all(np.diff(data["line"]) > 0)


def test_schoenholz_critical_values_reproduced(v):
    # Schoenholz et al. 2017 give 1.42, 1.76, 1.99, 2.51 (two decimals)
    for i, (b2, paper) in enumerate(tp.SCHOENHOLZ.items()):
        assert v[f"tanh_crit_b2_{i}"] == b2
        assert v[f"tanh_crit_{i}"] == pytest.approx(paper, abs=0.006)
        assert v[f"tanh_crit_{i}"] == pytest.approx(
            meanfield.critical_sigma_w2("tanh", b2), rel=1e-9)


def test_measured_points_match_the_theory_within_k_standard_errors(data, v):
    for point, p in data["points"].items():
        assert p["se"] > 0
        assert abs(p["factor"] - p["predicted"]) < 4 * p["se"], point
        # settled layers: the geometric mean is χ₁ at q*
        assert p["predicted"] == pytest.approx(meanfield.chi_1("tanh", *point),
                                               rel=0.01)
    assert v["points_worst_se"] < 4 and v["n_points"] == len(tp.POINTS)


def test_points_lie_on_both_sides_of_the_line(data):
    factors = [p["predicted"] for p in data["points"].values()]
    assert min(factors) < 0.6 and max(factors) > 1.1


def test_sigmoid_with_nielsens_bias_variance_is_critical_only_near_105(v, data):
    assert 100 < v["sigmoid_crit"] < 110 and 45 < v["sigmoid_crit_q"] < 50
    assert v["sigmoid_chi_nielsen"] == pytest.approx(0.04196, abs=5e-6)
    # depth scale −1/ln χ₁: a third of a layer
    assert v["sigmoid_xi"] == pytest.approx(-1 / np.log(0.04196), rel=1e-3)
    assert 0.3 < v["sigmoid_xi"] < 0.33
    curve = data["sigmoid"]
    assert np.all(np.diff(curve) > 0)
    assert curve[tp.SIGMOID_W2 < v["sigmoid_crit"]].max() < 1
    assert curve[tp.SIGMOID_W2 > v["sigmoid_crit"]].min() > 1


def test_he_init_is_exactly_critical_for_relu(v):
    assert v["relu_he_chi"] == 1.0 and v["relu_crit"] == 2.0


def test_quoted_setup(v):
    assert v["width"] == 256 and v["n_nets"] == tp.N_NETS
    assert v["first"] < v["last"] <= tp.N_HIDDEN + 1


# The keys the page quotes, spelled out (tests/test_quoted_values.py reads them):
# Schoenholz et al. 2017, critical σ_w² of tanh at σ_b² = 0.01, 0.05, 0.1, 0.3.
B2 = {"tanh_crit_b2_0": 0.01, "tanh_crit_b2_1": 0.05, "tanh_crit_b2_2": 0.1,
      "tanh_crit_b2_3": 0.3}
PAPER = {"tanh_crit_0": 1.42, "tanh_crit_1": 1.76, "tanh_crit_2": 1.99,
         "tanh_crit_3": 2.51}


def test_quoted_schoenholz_values_spelled_out(v):
    for key, b2 in B2.items():
        assert v[key] == b2
    for key, paper in PAPER.items():
        assert v[key] == pytest.approx(paper, abs=0.006)


def test_most_units_are_saturated_where_sigmoid_becomes_critical(v):
    # independent Monte Carlo: z ~ N(0, q*), count σ′(z) below a tenth of 1/4
    q = v["sigmoid_crit_q"]
    z = np.random.default_rng(3).normal(0.0, np.sqrt(q), size=400_000)
    hits = backprop.sigmoid_prime(z) < v["saturated_below"]
    se = hits.std() / np.sqrt(hits.size)
    assert abs(v["sigmoid_crit_saturated"] - hits.mean()) < 5 * se
    assert 0.5 < v["sigmoid_crit_saturated"] < 0.8
    assert v["saturated_below"] == 0.25 / 10
    assert tp.saturated_fraction(1e-9) == 0.0
