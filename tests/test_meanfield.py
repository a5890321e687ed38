"""meanfield.py: the fixed point q*, χ₁, the depth scale and the critical line."""

import math

import numpy as np
import pytest

import backprop
import meanfield as mf

N_MC = 400_000  # Monte-Carlo draws of z ~ N(0, 1)
K_SE = 5  # a Monte-Carlo estimate must lie within K_SE standard errors


def monte_carlo(f, q, seed=0):
    """Mean and standard error of f(√q z) over N_MC seeded draws of z."""
    z = np.random.default_rng(seed).normal(size=N_MC)
    values = f(math.sqrt(q) * z)
    return values.mean(), values.std() / math.sqrt(N_MC)


# ---------------------------------------------------------------- quadrature


@pytest.mark.parametrize("q", [0.01, 1.0, 7.3, 48.0, 3000.0])
def test_quadrature_of_relu_and_identity_matches_closed_forms(q):
    relu, relu_prime = backprop.ACTIVATIONS["relu"]
    assert mf.gaussian_mean(lambda h: relu(h) ** 2, q) == pytest.approx(q / 2,
                                                                        rel=1e-12)
    # the kink sits on a panel edge: exactly one half, not a smeared value
    assert mf.gaussian_mean(lambda h: relu_prime(h) ** 2, q) == pytest.approx(
        0.5, abs=1e-12)
    assert mf.gaussian_mean(lambda h: h ** 2, q) == pytest.approx(q, rel=1e-12)
    assert mf.gaussian_mean(lambda h: h ** 4, q) == pytest.approx(3 * q * q,
                                                                  rel=1e-12)
    assert mf.gaussian_mean(np.ones_like, q) == pytest.approx(1, abs=1e-13)


def test_quadrature_at_q_zero_is_the_value_at_zero():
    assert mf.gaussian_mean(lambda h: np.cos(h) + 2, 0.0) == 3.0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("q", [0.3, 1.3, 48.0])
def test_second_moments_match_an_independent_monte_carlo(activation, q):
    f, f_prime = backprop.ACTIVATIONS[activation]
    e_f2, e_fp2 = mf.second_moments(activation, q)
    for exact, g in ((e_f2, lambda h: f(h) ** 2), (e_fp2, lambda h: f_prime(h) ** 2)):
        mean, se = monte_carlo(g, q)
        assert abs(exact - mean) < K_SE * se, (activation, q)


def test_gaussian_cosine_has_a_closed_form():
    # E[cos(√q z)] = exp(−q/2): an oscillating integrand, checked to 1e-12
    for q in (0.5, 4.0, 30.0):
        assert mf.gaussian_mean(np.cos, q) == pytest.approx(math.exp(-q / 2),
                                                            abs=1e-12)


# ---------------------------------------------------------- q*, χ₁, ξ, critical


def test_sigmoid_with_nielsens_init_matches_facts():
    # FACTS.md (checked by independent quadrature): q* = 1.3021, χ₁ = 0.04196
    assert mf.q_star("sigmoid", 1.0, 1.0) == pytest.approx(1.3021, abs=5e-5)
    assert mf.chi_1("sigmoid", 1.0, 1.0) == pytest.approx(0.04196, abs=5e-6)
    assert mf.chi_1("sigmoid", 1.0, 1.0) ** -0.5 == pytest.approx(4.88, abs=0.005)


@pytest.mark.parametrize("sigma_b2, paper", [(0.01, 1.4242), (0.05, 1.7610),
                                             (0.1, 1.9861), (0.3, 2.5051)])
def test_tanh_critical_line_matches_schoenholz(sigma_b2, paper):
    # Schoenholz et al. 2017: critical σ_w² ≈ 1.42, 1.76, 1.99, 2.51 (FACTS.md: the
    # four decimals were checked by independent quadrature)
    crit = mf.critical_sigma_w2("tanh", sigma_b2)
    assert crit == pytest.approx(paper, abs=5e-5)
    assert mf.chi_1("tanh", crit, sigma_b2) == pytest.approx(1, abs=1e-9)


def test_sigmoid_with_unit_bias_variance_becomes_critical_only_near_105():
    crit = mf.critical_sigma_w2("sigmoid", 1.0)
    assert 100 < crit < 110
    assert 45 < mf.q_star("sigmoid", crit, 1.0) < 50
    assert mf.chi_1("sigmoid", crit, 1.0) == pytest.approx(1, abs=1e-9)
    assert mf.chi_1("sigmoid", 0.9 * crit, 1.0) < 1 < mf.chi_1("sigmoid",
                                                               1.1 * crit, 1.0)


@pytest.mark.parametrize("activation, sigma_w2, sigma_b2",
                         [("sigmoid", 1.0, 1.0), ("tanh", 1.76, 0.05),
                          ("tanh", 3.0, 0.0), ("sigmoid", 105.0, 1.0),
                          ("relu", 1.5, 0.2), ("identity", 0.5, 1.0)])
def test_q_star_is_a_fixed_point_of_the_monte_carlo_map(activation, sigma_w2,
                                                        sigma_b2):
    q = mf.q_star(activation, sigma_w2, sigma_b2)
    assert mf.variance_map(activation, sigma_w2, sigma_b2, q) == pytest.approx(
        q, rel=1e-10)
    f = backprop.ACTIVATIONS[activation][0]
    mean, se = monte_carlo(lambda h: f(h) ** 2, q, seed=1)
    assert abs(sigma_w2 * mean + sigma_b2 - q) < K_SE * sigma_w2 * se


def test_iterating_the_map_reaches_q_star():
    q = 0.01
    for _ in range(200):
        q = mf.variance_map("tanh", 2.5, 0.3, q)
    assert q == pytest.approx(mf.q_star("tanh", 2.5, 0.3), rel=1e-9)


def test_relu_and_identity_closed_forms():
    # q* = σ_b² / (1 − σ_w² E[φ²]/q), χ₁ = σ_w² E[φ′²]
    assert mf.q_star("relu", 1.5, 0.2) == pytest.approx(0.2 / (1 - 0.75))
    assert mf.q_star("identity", 0.5, 1.0) == pytest.approx(2.0)
    assert mf.chi_1("relu", 1.5, 0.2) == 0.75
    assert mf.chi_1("identity", 0.5, 1.0) == 0.5
    assert mf.chi_1("relu", 2.0, 0.0) == 1.0  # He's init: exactly critical
    assert mf.chi_1("relu", 3.0, 0.0) == 1.5
    assert mf.critical_sigma_w2("relu", 0.0) == 2.0
    assert mf.critical_sigma_w2("identity", 0.0) == 1.0


def test_tanh_without_bias_is_critical_at_one_with_q_star_zero():
    assert mf.q_star("tanh", 0.8, 0.0) == 0.0
    assert mf.chi_1("tanh", 0.8, 0.0) == pytest.approx(0.8)
    assert mf.q_star("tanh", 1.5, 0.0) > 0.1
    assert mf.critical_sigma_w2("tanh", 0.0) == pytest.approx(1.0, abs=1e-9)


def test_depth_scale_sign_and_infinity():
    chi = mf.chi_1("sigmoid", 1.0, 1.0)
    assert mf.depth_scale("sigmoid", 1.0, 1.0) == pytest.approx(-1 / math.log(chi))
    assert 0 < mf.depth_scale("sigmoid", 1.0, 1.0) < 1
    assert mf.depth_scale("relu", 2.0, 0.0) == math.inf
    assert mf.depth_scale("relu", 3.0, 0.0) == pytest.approx(-1 / math.log(1.5))
    assert mf.depth_scale("relu", 0.0, 0.0) == 0.0


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_divergent_fixed_point_is_an_error(activation):
    crit = mf.critical_sigma_w2(activation, 0.0)
    for sigma_w2 in (crit, crit * 1.5):
        with pytest.raises(ValueError, match="diverges"):
            mf.q_star(activation, sigma_w2, 0.1)
        with pytest.raises(ValueError, match="diverges"):
            mf.chi_1(activation, sigma_w2, 0.1)
    with pytest.raises(ValueError, match="diverges"):
        mf.q_star(activation, crit * 1.5, 0.0)
    with pytest.raises(ValueError, match="every q is a fixed point"):
        mf.q_star(activation, crit, 0.0)
    with pytest.raises(ValueError, match="no critical point"):
        mf.critical_sigma_w2(activation, 0.1)


@pytest.mark.parametrize("call", [
    lambda: mf.q_star("softplus", 1.0, 1.0),
    lambda: mf.chi_1("Tanh", 1.0, 1.0),
    lambda: mf.critical_sigma_w2("elu", 0.1),
    lambda: mf.depth_scale("gelu", 1.0, 0.0),
])
def test_unknown_activation_is_an_error(call):
    with pytest.raises(ValueError, match="unknown activation"):
        call()


@pytest.mark.parametrize("call", [
    lambda: mf.q_star("tanh", -1.0, 0.1),
    lambda: mf.chi_1("tanh", 1.0, -0.1),
    lambda: mf.critical_sigma_w2("tanh", -0.1),
    lambda: mf.q_star("sigmoid", math.nan, 1.0),
    lambda: mf.chi_1("relu", math.inf, 0.0),
    lambda: mf.gaussian_mean(np.cos, -1.0),
])
def test_negative_or_non_finite_variances_are_errors(call):
    with pytest.raises(ValueError, match="finite variance"):
        call()


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="number"):
        mf.q_star("tanh", "1", 0.1)
    with pytest.raises(TypeError, match="number"):
        mf.chi_1("tanh", 1.0, None)


def test_no_crossing_in_range_is_an_error(monkeypatch):
    monkeypatch.setattr(mf, "SIGMA_W2_RANGE", (1e-3, 50.0))
    with pytest.raises(ValueError, match="does not reach 1"):
        mf.critical_sigma_w2("sigmoid", 1.0)


def test_no_fixed_point_is_an_error(monkeypatch):
    # a variance map that stays above the diagonal has no fixed point
    monkeypatch.setattr(mf, "variance_map", lambda *args: args[-1] + 1.0)
    with pytest.raises(ValueError, match="no fixed point"):
        mf.q_star("tanh", 1.0, 0.5)
