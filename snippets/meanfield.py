"""Mean-field signal propagation: the per-layer factor predicted before measuring.

Weights w^l_jk ~ N(0, σ_w²/n_in) and biases b^l_j ~ N(0, σ_b²), in a network wide
enough that each z^l_j is Gaussian (Poole et al. 2016; Schoenholz et al. 2017, "Deep
Information Propagation"). Then, with z ~ N(0, 1) and φ the activation,

- the variance of z^l follows q^l = σ_w² E[φ(√q^{l−1} z)²] + σ_b², and settles at a
  fixed point q* (:func:`q_star`);
- averaging BP2 over the weights, the mean square of Nielsen's error δ^l_j of one
  example is multiplied per backward step (equal widths) by
  χ₁ = σ_w² E[φ′(√q* z)²] (:func:`chi_1`);
- the error therefore shrinks like exp(−l/ξ) with ξ = −1/ln χ₁ (:func:`depth_scale`),
  and χ₁ = 1 is the critical line (:func:`critical_sigma_w2`).

Gaussian expectations use Gauss–Legendre quadrature on panels of z (a panel edge at
the kink z = 0, panels narrow enough for the scale √q); for ReLU and the identity the
closed forms E[relu(√q z)²] = q/2, E[relu′(z)²] = 1/2, E[(√q z)²] = q are used.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

import backprop

ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
# E[φ(√q z)²] = q·A and E[φ′(√q z)²] = B for the positively homogeneous ones
HOMOGENEOUS = {"relu": (0.5, 0.5), "identity": (1.0, 1.0)}
Z_MAX = 12.0  # quadrature range of z ~ N(0, 1); the mass beyond is below 1e-32
H_FINE = 40.0  # |√q z| up to which the panels follow the scale of φ
NODES, WEIGHTS = np.polynomial.legendre.leggauss(20)
SIGMA_W2_RANGE = (1e-3, 1e5)  # where critical_sigma_w2 looks for χ₁ = 1


def gaussian_mean(f: Callable[[np.ndarray], np.ndarray], q: float) -> float:
    """E[f(√q z)] for z ~ N(0, 1), by composite Gauss–Legendre quadrature.

    z = 0 is a panel edge, so a kink of f at 0 (ReLU) does not spoil the rule.
    Panels have width 1/4 in h = √q z up to |h| = H_FINE, where sigmoid and tanh
    still bend, and width 1/4 in z beyond (where they are flat to e^−40).
    """
    _check_variance(q=q)
    if q == 0:
        return float(np.asarray(f(np.zeros(1)))[0])
    fine = min(Z_MAX, H_FINE / math.sqrt(q))
    step = min(0.25, 0.25 / math.sqrt(q))
    edges = np.concatenate([np.linspace(0.0, fine, int(math.ceil(fine / step)) + 1),
                            np.linspace(fine, Z_MAX, int(math.ceil(
                                (Z_MAX - fine) / 0.25)) + 1)[1:]])
    edges = np.unique(np.concatenate([-edges, edges]))  # symmetric, 0 included
    half = np.diff(edges)[:, None] / 2
    z = (edges[:-1, None] + half) + half * NODES  # (panels, nodes)
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return float(np.sum(half * WEIGHTS * density * f(math.sqrt(q) * z)))


def _phi(activation: str) -> tuple[Callable, Callable]:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of "
                         f"{ACTIVATIONS}")
    return backprop.ACTIVATIONS[activation]


def second_moments(activation: str, q: float) -> tuple[float, float]:
    """(E[φ(√q z)²], E[φ′(√q z)²]) for z ~ N(0, 1)."""
    f, f_prime = _phi(activation)
    _check_variance(q=q)
    if activation in HOMOGENEOUS:
        a, b = HOMOGENEOUS[activation]
        return a * q, b
    return (gaussian_mean(lambda h: f(h) ** 2, q),
            gaussian_mean(lambda h: f_prime(h) ** 2, q))


def variance_map(activation: str, sigma_w2: float, sigma_b2: float,
                 q: float) -> float:
    """One layer forward: q^{l+1} = σ_w² E[φ(√q^l z)²] + σ_b²."""
    _check_variance(sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    return sigma_w2 * second_moments(activation, q)[0] + sigma_b2


def q_star(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """The fixed point q* of :func:`variance_map` that the variance of z settles at.

    Raises ValueError where there is none: ReLU or identity units at or above their
    critical σ_w² (the variance grows without bound when σ_b² > 0 or σ_w² exceeds
    it; at σ_w² critical and σ_b² = 0 every q is fixed, so none is singled out).
    """
    _phi(activation)
    _check_variance(sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    if activation in HOMOGENEOUS:
        gain = sigma_w2 * HOMOGENEOUS[activation][0]  # q^{l+1} = gain·q^l + σ_b²
        if gain < 1:
            return sigma_b2 / (1 - gain)
        if gain == 1 and sigma_b2 == 0:
            raise ValueError(f"{activation} at σ_w² = {sigma_w2} with σ_b² = 0: "
                             "every q is a fixed point (the variance keeps the "
                             "input's), so there is no single q*")
        raise ValueError(f"{activation} at σ_w² = {sigma_w2} ≥ its critical "
                         f"{1 / HOMOGENEOUS[activation][0]:g} with σ_b² = "
                         f"{sigma_b2}: the fixed point diverges (the variance of "
                         "z grows without bound from layer to layer)")
    return _bounded_fixed_point(activation, sigma_w2, sigma_b2)


def _bounded_fixed_point(activation, sigma_w2, sigma_b2) -> float:
    """sigmoid and tanh: |φ| ≤ 1, so q* lies in [0, σ_w² + σ_b²]."""
    f, f_prime = backprop.ACTIVATIONS[activation]
    if sigma_w2 == 0:
        return float(sigma_b2)
    excess = lambda q: variance_map(activation, sigma_w2, sigma_b2, q) - q  # noqa: E731
    low = 0.0
    if sigma_b2 == 0 and f(np.zeros(1))[0] == 0:
        # q = 0 is fixed (tanh); it is the stable one unless the slope at 0 exceeds 1
        if sigma_w2 * f_prime(np.zeros(1))[0] ** 2 <= 1:
            return 0.0
        lows = [q for q in 10.0 ** -np.arange(2, 17, 2) if excess(q) > 0]
        if not lows:
            return 0.0  # q* < 1e-16: indistinguishable from 0
        low = lows[0]
    high = sigma_w2 + sigma_b2
    if excess(low) <= 0 or excess(high) > 0:
        raise ValueError(f"no fixed point of the variance map for {activation} at "
                         f"σ_w² = {sigma_w2}, σ_b² = {sigma_b2}")
    return float(brentq(excess, low, high, xtol=1e-14, rtol=1e-13))


def chi_1(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """χ₁ = σ_w² E[φ′(√q* z)²]: the factor by which one backward step (BP2 with
    random weights, equal widths) multiplies the mean square of Nielsen's error.

    For ReLU and identity units E[φ′²] does not depend on q, so χ₁ is defined with
    σ_b² = 0 at any σ_w²; with σ_b² > 0 it needs q* (see :func:`q_star`).
    """
    _phi(activation)
    _check_variance(sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    if activation in HOMOGENEOUS and sigma_b2 == 0:
        return sigma_w2 * HOMOGENEOUS[activation][1]
    q = q_star(activation, sigma_w2, sigma_b2)
    return sigma_w2 * second_moments(activation, q)[1]


def depth_scale(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """ξ = −1/ln χ₁: the error's mean square shrinks like exp(−depth/ξ).

    Positive when the error shrinks, negative when it grows, inf at χ₁ = 1.
    """
    chi = chi_1(activation, sigma_w2, sigma_b2)
    if chi == 0:
        return 0.0
    return math.inf if chi == 1 else -1 / math.log(chi)


def critical_sigma_w2(activation: str, sigma_b2: float) -> float:
    """The σ_w² at which χ₁ = 1 for the given σ_b² (the critical line).

    ReLU and identity units are critical only at σ_b² = 0 (σ_w² = 2 and 1): with
    σ_b² > 0 the fixed point q* diverges as σ_w² reaches that value, a ValueError.
    """
    _phi(activation)
    _check_variance(sigma_b2=sigma_b2)
    if activation in HOMOGENEOUS:
        if sigma_b2 > 0:
            raise ValueError(f"{activation} with σ_b² = {sigma_b2} > 0 has no "
                             "critical point: χ₁ reaches 1 only where the fixed "
                             "point q* diverges; only σ_b² = 0 is critical")
        return 1 / HOMOGENEOUS[activation][1]
    log_chi = lambda s: math.log(chi_1(activation, math.exp(s), sigma_b2))  # noqa: E731
    grid = np.linspace(*np.log(SIGMA_W2_RANGE), 25)
    signs = np.sign([log_chi(s) for s in grid])
    crossings = np.flatnonzero(np.diff(signs) > 0)
    if not crossings.size:
        raise ValueError(f"χ₁ of {activation} with σ_b² = {sigma_b2} does not reach "
                         f"1 for σ_w² in {SIGMA_W2_RANGE}")
    i = crossings[0]
    return math.exp(brentq(log_chi, grid[i], grid[i + 1], xtol=1e-13, rtol=1e-13))


def _check_variance(**values: float) -> None:
    for name, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite variance ≥ 0, got {v}")
