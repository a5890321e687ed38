"""Dynamical isometry: the spread of the input-output Jacobian's spectrum at depth.

At the critical point the mean eigenvalue of J Jᵀ is χ₁^L = 1, yet the eigenvalues
spread out with depth (Pennington, Schoenholz & Ganguli 2017, "Resurrecting the
sigmoid in deep learning through dynamical isometry"). Free probability gives, for
infinitely wide layers at the fixed point q*, the variance of the eigenvalues
divided by their mean squared:

    s² = L (μ₂/μ₁² − 1 + s_w),   μ_k = E[φ′(√q* u)^{2k}],  u ~ N(0, 1),

with s_w = 1 for Gaussian weights (the spectrum of w wᵀ has variance/mean² 1) and
s_w = 0 for orthogonal ones (w wᵀ = σ_w² I). With φ′² equal to 1 on a fraction p of
the units and 0 elsewhere, μ₂/μ₁² = 1/p: L/p and L(1/p − 1), as the paper puts it.

Measured: for tanh at a critical point with a small σ_b² and ReLU at He's (2, 0),
Gaussian and orthogonal weights (backprop.init_params), N_NETS networks of width
WIDTH and depth max(DEPTHS). For one input at the fixed point, J is the product of
the layer Jacobians D^l w^l (D^l the diagonal of φ′(z^l)); its squared singular
values are the eigenvalues of J Jᵀ, taken at each depth in DEPTHS.
"""

from __future__ import annotations

import sys
from functools import cache

import numpy as np

import backprop
import meanfield
import plotstyle

SEED = 0  # network s is drawn with default_rng(SEED + s); inputs: default_rng(SEED)
WIDTH = 256
DEPTHS = (10, 25, 50, 100)
N_NETS = 3
TANH_B2 = 1e-3  # a small bias variance: q* small, tanh nearly linear
TOLERANCE = 0.3  # measured s² within this fraction of the prediction (finite width)
TANH_ORTHOGONAL_TOLERANCE = 0.1  # where the theory is closest: tanh, orthogonal
SCHEMES = ("gaussian", "orthogonal")
B2_TABLE = (1e-4, 1e-3, 1e-2, 0.1)  # σ_b² at which the tanh terms are tabulated
EIGEN_RANGE = (1e-8, 1e4)  # the right panel's vertical range
WEIGHT_TERM = {"gaussian": 1.0, "orthogonal": 0.0}  # s_w


@cache
def settings() -> dict:
    """activation -> (σ_w², σ_b²) of the measured critical points."""
    return {"tanh": (meanfield.critical_sigma_w2("tanh", TANH_B2), TANH_B2),
            "relu": (2.0, 0.0)}


FIGURES = {
    "theory_isometry": plotstyle.Figure(
        alt="Two panels. Left: on logarithmic axes, the variance of the "
        "eigenvalues of J J-transpose divided by their mean squared against the "
        f"depth, {min(DEPTHS)} to {max(DEPTHS)}, for four kinds of network: tanh "
        "and ReLU, each with Gaussian and with orthogonal weights. Lines are "
        "predictions, dots measurements, and the dots sit near their lines. Three "
        "lines grow in proportion to the depth; tanh with orthogonal weights stays "
        "far below them. Right: the eigenvalues of one network of each kind at the "
        "largest depth, sorted, on a logarithmic axis: tanh with orthogonal "
        "weights stays close to 1, the others spread over many powers of ten.",
        caption=r"Left: variance of the eigenvalues of \(JJ^{\mathsf T}\) over their "
        rf"mean squared, mean over {N_NETS} networks of width {WIDTH} (dots) and "
        r"the prediction \(L(\mu_2/\mu_1^2 - 1 + s_w)\) (lines). Right: the "
        r"eigenvalues of one network at depth "
        rf"{max(DEPTHS)}, largest first (the smallest are off the chart: with "
        r"ReLU every unit at 0 removes a direction). tanh: "
        rf"\(\sigma_b^2 = {TANH_B2:g}\) at its "
        r"critical \(\sigma_w^2\); ReLU: \((\sigma_w^2, \sigma_b^2) = (2, 0)\).",
    ),
}


LABELS = {("tanh", "gaussian"): "tanh, Gaussian", ("tanh", "orthogonal"):
          "tanh, orthogonal", ("relu", "gaussian"): "ReLU, Gaussian",
          ("relu", "orthogonal"): "ReLU, orthogonal"}


# --8<-- [start:core]
def fixed_q(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """q* (ReLU and identity with σ_b² = 0 keep any q: take 1)."""
    if activation in meanfield.HOMOGENEOUS and sigma_b2 == 0:
        return 1.0
    return meanfield.q_star(activation, sigma_w2, sigma_b2)


def moment_ratio(activation: str, q: float) -> float:
    """μ₂/μ₁² with μ_k = E[φ′(√q u)^{2k}]: 1/p when φ′² is 1 on a fraction p."""
    _, f_prime = backprop.ACTIVATIONS[activation]
    mu_1 = meanfield.gaussian_mean(lambda h: f_prime(h) ** 2, q)
    mu_2 = meanfield.gaussian_mean(lambda h: f_prime(h) ** 4, q)
    return mu_2 / mu_1 ** 2


def predicted_spread(activation: str, variances: tuple[float, float],
                     scheme: str, depth: int) -> float:
    """s² = L (μ₂/μ₁² − 1 + s_w): variance / mean² of the eigenvalues of J Jᵀ."""
    q = fixed_q(activation, *variances)
    return depth * (moment_ratio(activation, q) - 1 + WEIGHT_TERM[scheme])


def unit_network(scheme: str, rng: np.random.Generator) -> tuple[list, list]:
    """A network of depth max(DEPTHS) with σ_w² = σ_b² = 1; scaling its weights by
    √σ_w² and biases by √σ_b² gives any other variances (drawn once, used twice)."""
    sizes = [WIDTH] * (max(DEPTHS) + 1)
    return backprop.init_params(sizes, rng, scheme, sigma_w2=1.0, sigma_b2=1.0)


def jacobian_spectra(activation: str, variances: tuple[float, float],
                     network: tuple[list, list], rng: np.random.Generator) -> dict:
    """{depth: eigenvalues of J Jᵀ} for the scaled network and one input at q*."""
    sigma_w2, sigma_b2 = variances
    weights = [np.sqrt(sigma_w2) * w for w in network[0]]
    biases = [np.sqrt(sigma_b2) * b for b in network[1]]
    f, f_prime = backprop.ACTIVATIONS[activation]
    q = fixed_q(activation, sigma_w2, sigma_b2)
    x = f(rng.normal(0.0, np.sqrt(q), size=(WIDTH, 1)))  # as if from layer 0
    zs, _ = backprop.forward(weights, biases, x, activation, "identity")
    jacobian, spectra = np.eye(WIDTH), {}
    for depth, (w, z) in enumerate(zip(weights, zs, strict=True), start=1):
        jacobian = f_prime(z) * (w @ jacobian)  # D^l w^l times the layers below
        if depth in DEPTHS:
            spectra[depth] = np.linalg.svd(jacobian, compute_uv=False) ** 2
    return spectra


def spread(eigenvalues: np.ndarray) -> float:
    """Variance of the eigenvalues over their mean squared (one network)."""
    return float(eigenvalues.var() / eigenvalues.mean() ** 2)
# --8<-- [end:core]


def case(activation: str, scheme: str, networks: list, rng) -> dict:
    """Spectra of the N_NETS networks, their spreads and means, and the prediction."""
    variances = settings()[activation]
    nets = [jacobian_spectra(activation, variances, n, rng) for n in networks]
    return {
        "eigenvalues": nets[0][max(DEPTHS)],
        "spread": np.array([[spread(n[d]) for d in DEPTHS] for n in nets]),
        "mean": np.array([[n[d].mean() for d in DEPTHS] for n in nets]),
        "predicted": np.array([predicted_spread(activation, variances, scheme, d)
                               for d in DEPTHS]),
    }


def measure() -> dict:
    rng = np.random.default_rng(SEED)  # the inputs
    out = {}
    for scheme in SCHEMES:
        networks = [unit_network(scheme, np.random.default_rng(SEED + s))
                    for s in range(N_NETS)]
        out |= {(a, scheme): case(a, scheme, networks, rng) for a in settings()}
    return {key: out[key] for key in LABELS}


@cache
def tanh_terms(sigma_b2: float) -> dict:
    """The per-layer terms of s² for tanh at its critical point for σ_b²."""
    sigma_w2 = meanfield.critical_sigma_w2("tanh", sigma_b2)
    q = meanfield.q_star("tanh", sigma_w2, sigma_b2)
    ratio = moment_ratio("tanh", q)
    return {"sigma_w2": sigma_w2, "q": q, "gaussian": ratio, "orthogonal": ratio - 1}


def values(d: dict) -> dict:
    w2, b2 = settings()["tanh"]
    out = {"width": WIDTH, "n_nets": N_NETS, "tanh_sigma_w2": w2, "tanh_sigma_b2": b2,
           "tolerance": TOLERANCE, "deepest": max(DEPTHS),
           "depths": ", ".join(map(str, DEPTHS[:-1])) + f" and {DEPTHS[-1]}"}
    for (activation, scheme), c in d.items():
        for i, depth in enumerate(DEPTHS):
            key = f"{activation}_{scheme}_{depth}"
            out[key] = float(c["spread"][:, i].mean())
            out[f"pred_{key}"] = float(c["predicted"][i])
    worst = max(abs(c["spread"].mean(axis=0) / c["predicted"] - 1).max()
                for c in d.values())
    out["worst_relative"] = float(worst)
    tanh_orth = d[("tanh", "orthogonal")]
    out["tanh_orthogonal_worst"] = float(abs(
        tanh_orth["spread"].mean(axis=0) / tanh_orth["predicted"] - 1).max())
    out["tanh_orthogonal_tolerance"] = TANH_ORTHOGONAL_TOLERANCE
    for i, sigma_b2 in enumerate(B2_TABLE):
        terms = tanh_terms(sigma_b2)
        out[f"table_b2_{i}"] = sigma_b2
        out |= {f"table_{k}_{i}": v for k, v in terms.items()}
    out["relu_ratio"] = moment_ratio("relu", 1.0)
    out["tanh_ratio"] = moment_ratio("tanh", fixed_q("tanh", w2, b2))
    out["deepest_mean_min"] = float(min(c["mean"][:, -1].min() for c in d.values()))
    out["deepest_mean_max"] = float(max(c["mean"][:, -1].max() for c in d.values()))
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.4))
    for k, (key, c) in enumerate(d.items()):
        style = {"color": colours[k], "linestyle": "-" if key[1] == "gaussian"
                 else "--"}
        left.loglog(DEPTHS, c["predicted"], **style, linewidth=1)
        left.loglog(DEPTHS, c["spread"].mean(axis=0), "o" if key[0] == "tanh"
                    else "s", color=colours[k], markersize=4, label=LABELS[key])
        ranks = np.arange(1, WIDTH + 1)[::4]
        right.semilogy(ranks, np.sort(c["eigenvalues"])[::-1][::4], **style,
                       label=LABELS[key])
    left.set_xlabel("depth $L$")
    left.set_ylabel("variance / mean$^2$ of eigenvalues")
    left.legend(fontsize=7)
    right.axhline(1.0, color=plotstyle.ink(theme), linewidth=0.6)
    right.set_ylim(*EIGEN_RANGE)
    right.set_xlabel("rank of the eigenvalue")
    right.set_ylabel(rf"eigenvalue of $JJ^T$, $L = {max(DEPTHS)}$")
    fig.tight_layout()
    return {"theory_isometry": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
