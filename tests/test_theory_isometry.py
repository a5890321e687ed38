"""Dynamical isometry on "Predicting it": the spread of J Jᵀ's eigenvalues."""

import numpy as np
import pytest

import backprop
import meanfield
import theory_isometry as ti
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(ti)


@pytest.fixture(scope="module")
def v(data):
    return ti.values(data)


# ----------------------------------------------------------------- the pieces


def test_jacobian_is_the_derivative_of_the_forward_pass(monkeypatch):
    """The product of D^l w^l against central finite differences of forward."""
    monkeypatch.setattr(ti, "WIDTH", 5)
    monkeypatch.setattr(ti, "DEPTHS", (2, 3))
    variances = (1.5, 0.1)
    net = ti.unit_network("gaussian", np.random.default_rng(4))
    spectra = ti.jacobian_spectra("tanh", variances, net, np.random.default_rng(9))
    weights = [np.sqrt(variances[0]) * w for w in net[0][:3]]
    biases = [np.sqrt(variances[1]) * b for b in net[1][:3]]
    q = meanfield.q_star("tanh", *variances)
    x = np.tanh(np.random.default_rng(9).normal(0.0, np.sqrt(q), size=(5, 1)))

    def out(x):
        return np.tanh(backprop.forward(weights, biases, x, "tanh", "identity")[0][-1])

    h = 1e-6
    jac = np.hstack([(out(x + h * e) - out(x - h * e)) / (2 * h)
                     for e in np.eye(5)[:, :, None]])
    expected = np.sort(np.linalg.svd(jac, compute_uv=False) ** 2)
    np.testing.assert_allclose(np.sort(spectra[3]), expected, rtol=1e-6)


def test_moment_ratio_against_monte_carlo():
    q = ti.fixed_q("tanh", *ti.settings()["tanh"])
    u = np.random.default_rng(2).normal(0.0, np.sqrt(q), size=400_000)
    d2 = (1 - np.tanh(u) ** 2) ** 2
    assert ti.moment_ratio("tanh", q) == pytest.approx(np.mean(d2 ** 2)
                                                       / np.mean(d2) ** 2, rel=2e-3)


def test_the_papers_relu_and_linear_cases():
    # Pennington et al.: ReLU 2L (Gaussian) vs L (orthogonal); linear L vs 0
    for depth in (1, 10, 100):
        assert ti.predicted_spread("relu", (2.0, 0.0), "gaussian", depth) == \
            pytest.approx(2 * depth, rel=1e-9)
        assert ti.predicted_spread("relu", (2.0, 0.0), "orthogonal", depth) == \
            pytest.approx(depth, rel=1e-9)
        assert ti.predicted_spread("identity", (1.0, 0.0), "gaussian", depth) == \
            pytest.approx(depth, rel=1e-12)
        assert ti.predicted_spread("identity", (1.0, 0.0), "orthogonal", depth) == \
            pytest.approx(0.0, abs=1e-12)


def test_tanh_settings_are_critical():
    sigma_w2, sigma_b2 = ti.settings()["tanh"]
    assert sigma_b2 == ti.TANH_B2
    assert meanfield.chi_1("tanh", sigma_w2, sigma_b2) == pytest.approx(1, abs=1e-9)
    assert meanfield.chi_1("relu", *ti.settings()["relu"]) == 1.0


# ------------------------------------------------------- prediction vs measured


def test_every_measured_spread_within_the_tolerance(data, v):
    assert v["tolerance"] == ti.TOLERANCE == 0.3
    for key in ti.LABELS:
        measured_mean = data[key]["spread"].mean(axis=0)
        assert np.all(abs(measured_mean / data[key]["predicted"] - 1) < 0.3), key
    assert v["worst_relative"] < 0.3
    assert v["tanh_orthogonal_worst"] < v["tanh_orthogonal_tolerance"] == 0.1


QUOTED = ("tanh_gaussian_10", "tanh_gaussian_25", "tanh_gaussian_50",
          "tanh_gaussian_100", "tanh_orthogonal_10", "tanh_orthogonal_25",
          "tanh_orthogonal_50", "tanh_orthogonal_100", "relu_gaussian_10",
          "relu_gaussian_25", "relu_gaussian_50", "relu_gaussian_100",
          "relu_orthogonal_10", "relu_orthogonal_25", "relu_orthogonal_50",
          "relu_orthogonal_100")
PREDICTED = ("pred_tanh_gaussian_10", "pred_tanh_gaussian_25",
             "pred_tanh_gaussian_50", "pred_tanh_gaussian_100",
             "pred_tanh_orthogonal_10", "pred_tanh_orthogonal_25",
             "pred_tanh_orthogonal_50", "pred_tanh_orthogonal_100",
             "pred_relu_gaussian_10", "pred_relu_gaussian_25",
             "pred_relu_gaussian_50", "pred_relu_gaussian_100",
             "pred_relu_orthogonal_10", "pred_relu_orthogonal_25",
             "pred_relu_orthogonal_50", "pred_relu_orthogonal_100")


def test_quoted_spreads(v):
    for key in QUOTED:
        assert abs(v[key] / v[f"pred_{key}"] - 1) < 0.3, key
    for key in PREDICTED:
        activation, scheme, depth = key.split("_")[1:]
        assert v[key] == pytest.approx(ti.predicted_spread(
            activation, ti.settings()[activation], scheme, int(depth)), rel=1e-12)


def test_orthogonal_weights_shrink_the_spread_for_tanh(v):
    for depth in ti.DEPTHS:
        assert v[f"tanh_orthogonal_{depth}"] < v[f"tanh_gaussian_{depth}"] / 10


def test_relu_with_orthogonal_weights_still_grows_with_depth(v):
    spreads = [v[f"relu_orthogonal_{d}"] for d in ti.DEPTHS]
    assert np.all(np.diff(spreads) > 0)
    for depth in ti.DEPTHS:
        assert 0.35 < v[f"relu_orthogonal_{depth}"] / v[f"relu_gaussian_{depth}"] \
            < 0.8
        assert v[f"relu_orthogonal_{depth}"] > 0.7 * depth


def test_tanh_orthogonal_term_vanishes_as_q_star_does(v):
    qs = [v[f"table_q_{i}"] for i in range(len(ti.B2_TABLE))]
    terms = [v[f"table_orthogonal_{i}"] for i in range(len(ti.B2_TABLE))]
    assert np.all(np.diff(qs) > 0) and np.all(np.diff(terms) > 0)
    for i, b2 in enumerate(ti.B2_TABLE):
        assert v[f"table_b2_{i}"] == b2
        assert v[f"table_sigma_w2_{i}"] == pytest.approx(
            meanfield.critical_sigma_w2("tanh", b2), rel=1e-12)
        assert v[f"table_gaussian_{i}"] == pytest.approx(terms[i] + 1, rel=1e-12)
        assert terms[i] < 8 * qs[i] ** 2
    # small q: φ′² ≈ 1 − 2h², so μ₂/μ₁² − 1 ≈ Var(2h²) = 8q², from below
    assert 0.5 * 8 * qs[0] ** 2 < terms[0] < 0.02


TABLE = ("table_b2_0", "table_b2_1", "table_b2_2", "table_b2_3", "table_q_0",
         "table_q_1", "table_q_2", "table_q_3", "table_orthogonal_0",
         "table_orthogonal_1", "table_orthogonal_2", "table_orthogonal_3",
         "table_gaussian_0", "table_gaussian_1", "table_gaussian_2",
         "table_gaussian_3", "table_sigma_w2_0", "table_sigma_w2_1",
         "table_sigma_w2_2", "table_sigma_w2_3")


def test_table_values_are_finite(v):
    for key in TABLE:
        assert np.isfinite(v[key]) and v[key] > 0


def test_ratios_and_setup(v):
    assert v["relu_ratio"] == pytest.approx(2.0, rel=1e-9)  # 1/p with p = 1/2
    assert 1 < v["tanh_ratio"] < 1.1
    assert v["tanh_ratio"] == pytest.approx(v["table_gaussian_1"], rel=1e-12)
    assert v["tanh_sigma_b2"] == ti.TANH_B2 == 0.001
    assert v["tanh_sigma_w2"] == pytest.approx(
        meanfield.critical_sigma_w2("tanh", 0.001), rel=1e-12)
    assert v["width"] == 256 and v["n_nets"] == ti.N_NETS and v["deepest"] == 100
    assert v["depths"] == "10, 25, 50 and 100"


def test_single_networks_mean_eigenvalue_fluctuates_at_depth(v, data):
    # χ₁^L = 1 on average, but one network's mean eigenvalue at depth 100 is not
    assert 0 < v["deepest_mean_min"] < 0.8 and 1.5 < v["deepest_mean_max"] < 50
    means = np.array([c["mean"] for c in data.values()])  # (cases, nets, depths)
    assert abs(np.log(means).mean()) < 0.5  # but 1 is the typical value
