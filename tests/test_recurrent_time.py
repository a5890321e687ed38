"""The claims of the page on recurrent networks: the definition through time and
Pascanu, Mikolov & Bengio's threshold λ₁(W) < 1/γ."""

import numpy as np
import pytest

import recurrent
import recurrent_time as rt
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(rt)


@pytest.fixture(scope="module")
def v(data):
    return rt.values(data)


def test_settings_are_the_stated_ones(v):
    assert (v["n"], v["d"], v["m"], v["T"]) == (rt.N, rt.D, rt.M, rt.T) == (
        32, 4, 16, 50)
    assert v["n_seeds"] == 48 and v["sweep_seeds"] == 32
    assert v["input_scale"] == 0.1


# ------------------------------------------------ the definition through time


@pytest.mark.parametrize("name", ["rnn_gaussian", "rnn_orthogonal"])
def test_the_rnn_error_shrinks_going_back_in_time(data, name):
    r = data["time"][name]
    assert r["mean"][-1] == pytest.approx(1.0)
    # shrinking at every step back, for the geometric mean over networks
    assert np.all(np.diff(r["mean"]) > 0)
    assert r["mean"][0] < 1e-8
    # and the per-step share of the gradient shrinks the same way
    assert np.all(np.diff(r["step"][5:]) > 0) and r["step"][0] < 1e-8


RATE_KEYS = ("rnn_gaussian_rate", "rnn_orthogonal_rate", "lstm_f0_rate",
             "lstm_f1_rate", "lstm_f3_rate")


def test_per_step_rates_match_the_curves(data, v):
    for key in RATE_KEYS:
        name = key.removesuffix("_rate")
        r = data["time"][name]
        # the mean rate over networks vs the mean curve's endpoint: same data
        assert v[key] == pytest.approx(r["mean"][0] ** (1 / (rt.T - 1)), rel=0.05)


def test_quoted_first_step_ratios_are_the_curves(data, v):
    for key in ("rnn_gaussian_first", "rnn_orthogonal_first", "lstm_f0_first",
                "lstm_f1_first", "lstm_f3_first"):
        r = data["time"][key.removesuffix("_first")]
        expected = float(r["mean"][0])
        text = v[key]
        assert text.startswith(r"\(") or float(text) == pytest.approx(expected,
                                                                       abs=0.01)
    assert "10^{-10}" in v["rnn_gaussian_first"]
    assert "10^{-10}" in v["rnn_gaussian_step_first"]
    assert "10^{-5}" in v["lstm_f1_first"]


def test_orthogonal_w_does_not_stop_the_vanishing_with_saturating_inputs(v):
    # every singular value 1 = 1/γ: only f′ < 1 is left, and inputs of unit size
    # keep tanh away from its slope-1 middle.
    assert v["rnn_orthogonal_rate"] < 0.75 and v["rnn_gaussian_rate"] < 0.75
    assert v["rnn_orthogonal_rate"] == pytest.approx(v["rnn_gaussian_rate"],
                                                     rel=0.05)


def test_forget_bias_slows_the_decay_but_does_not_abolish_it(v):
    assert v["lstm_f0_rate"] < v["lstm_f1_rate"] < v["lstm_f3_rate"] < 1
    assert v["lstm_f1_rate"] > v["rnn_gaussian_rate"] + 0.1
    # with bias 0 the LSTM is no better than the vanilla network
    assert v["lstm_f0_rate"] == pytest.approx(v["rnn_gaussian_rate"], abs=0.03)
    # forget gates below 1 on average, the more so the lower the bias
    assert 0 < v["lstm_f0_forget"] < v["lstm_f1_forget"] < v["lstm_f3_forget"] < 1
    assert v["lstm_f1_forget"] < 0.75
    # the cell's rate sits just above the typical forget gate: the direct path
    # c_{t+1} = f c_t + ... dominates, the h path adds a little
    for key in ("lstm_f0", "lstm_f1", "lstm_f3"):
        assert v[f"{key}_forget"] < v[f"{key}_rate"] < v[f"{key}_forget"] + 0.2


# --------------------------------------------------------- Pascanu's threshold


def test_the_measured_rate_never_exceeds_gamma_lambda1(v):
    # ‖δ_t‖ ≤ γ λ₁ ‖δ_{t+1}‖ at every step: a theorem, so per network
    assert 0.3 < v["tanh_max_bound_ratio"] < 1
    assert 0.3 < v["sigmoid_max_bound_ratio"] < 1


def test_below_one_over_gamma_every_network_vanishes(v):
    assert 0 < v["tanh_max_rate_below"] < 1
    assert 0 < v["sigmoid_max_rate_below"] < 1


def test_the_rate_crosses_one_well_above_one_over_gamma(v):
    assert 2.0 < v["tanh_cross_lam1"] < 3.0  # 1/γ = 1
    assert 25 < v["sigmoid_cross_lam1"] < 35  # 1/γ = 4; the alt text says ~30
    # there the spectral radius is near 1 (tanh) and λ₁ about twice it
    assert 1.0 < v["tanh_cross_rho"] < 1.5
    assert 10 < v["sigmoid_cross_rho"] < 25
    for key in ("tanh_cross_ratio", "sigmoid_cross_ratio"):
        assert 1.6 < v[key] < 2.2


def test_gaussian_lambda1_is_twice_the_spectral_radius_for_large_n():
    # the independent fact behind the crossing: for W with entries N(0, s²/n),
    # λ₁ → 2s (Marchenko-Pastur edge) and the spectral radius → s (circular law)
    rng = np.random.default_rng(1)
    w = recurrent.recurrent_matrix(600, rng, scale=0.7)
    lam1 = np.linalg.svd(w, compute_uv=False)[0]
    rho = np.abs(np.linalg.eigvals(w)).max()
    assert lam1 == pytest.approx(1.4, rel=0.03)
    assert rho == pytest.approx(0.7, rel=0.05)


def test_bp2_through_time_obeys_the_norm_bound_at_every_step():
    rng = np.random.default_rng(2)
    for activation, gamma in rt.GAMMA.items():
        params = recurrent.init_rnn(8, 2, 1, rng, scale=3.0)
        xs, y = rng.normal(size=(20, 2, 5)), rng.uniform(size=(1, 5))
        _, errors = recurrent.rnn_backward(params, xs, y, activation)
        lam1 = np.linalg.svd(params["W"], compute_uv=False)[0]
        norms = np.linalg.norm(errors, axis=1)
        assert np.all(norms[:-1] <= gamma * lam1 * norms[1:] * (1 + 1e-12))


def test_per_step_rate_of_a_known_geometric_decay():
    errors = np.ones((6, 2, 3, 4)) * (0.5 ** np.arange(5, -1, -1))[:, None, None,
                                                                     None]
    np.testing.assert_allclose(rt.per_step_rate(errors), [0.5, 0.5])
