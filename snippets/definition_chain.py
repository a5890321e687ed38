"""Nielsen's definition, measured: does ||δ^2|| ≪ ||δ^4|| ≪ ||δ^6|| hold?

δ^l here is "the gradient in the l-th layer", ``backprop.layer_gradient``: every
∂C/∂w^l_jk and ∂C/∂b^l_j of book layer l, for the unregularised cost as
``backprop.backward`` returns it. Networks have six layers (book layers 1 to 6),
sigmoid neurons everywhere and the cross-entropy cost.

For each of N_SEEDS seeds k, one generator ``default_rng([SEED, k])`` draws, in
this order, the weights and biases (``backprop.init_params``), one input x with
entries uniform on [0, 1], and a one-hot target y whose 1 sits at a uniformly
random output neuron. The same seed gives the same draws under both
initializations, so "large" is the "nielsen" network with its weights scaled up.

Figures: the per-layer norms of one network; the distribution over seeds of the
weaker of the two steps of the chain; each step's ratio against the size of the
weights it passes through, with the bound that explains where the chain can fail.
"""

from __future__ import annotations

import sys

import numpy as np

import backprop
import plotstyle
import stacked

SEED = 0
N_SEEDS = 2000  # random networks per (width, initialization)
DEPTH = 6  # book layers 1 (input) .. 6 (output)
WIDTHS = (2, 30)  # neurons in every layer: the reference network, and a wider one
SCHEMES = ("nielsen", "large")  # weights N(0, 1/n_in) or N(0, 1); biases N(0, 1)
FACTOR = 10  # "≪" read as: at least FACTOR times smaller
EXAMPLE = 0  # the seed k drawn in the first figure
MEASURES = ("delta", "bias")  # ||δ^l|| (weights and biases), ||∂C/∂b^l|| (Nielsen)
SCHEME_LABEL = {"nielsen": r"default, $w \sim N(0, 1/n_{\rm in})$",
                "large": r"large, $w \sim N(0, 1)$"}

# The bound figure's scatter is rasterized, its colours inside a PNG that
# plotstyle.dark_svg cannot recolour: draw both themes.
DRAW_DARK = True
FIGURES = {
    "definition_chain_example": plotstyle.Figure(
        alt="Line chart with a logarithmic vertical axis: for one randomly drawn "
        "network of six layers of two sigmoid neurons, the norm of the layer "
        "gradient rises steadily from book layer 2 to the output layer 6, under "
        "both initializations; the bias-only norm runs just below it.",
        caption=r"One network (seed \(k = 0\)), both initializations: "
        r"\(\lVert\delta^l\rVert\), the norm of all \(\partial C/\partial w^l_{jk}\) "
        r"and \(\partial C/\partial b^l_j\) of layer \(l\) (solid), and Nielsen's "
        r"bias-only \(\lVert\partial C/\partial b^l\rVert\) (dashed). The labels "
        r"give the two steps of the chain, \(\lVert\delta^4\rVert/\lVert\delta^2"
        r"\rVert\) and \(\lVert\delta^6\rVert/\lVert\delta^4\rVert\).",
    ),
    "definition_chain_weaker_step": plotstyle.Figure(
        alt="Cumulative distribution curves on a logarithmic horizontal axis, one "
        "per network width and initialization, of the smaller of the two chain "
        "ratios over thousands of random networks. Vertical lines mark ratio 1 "
        "and ratio 10. The curves of the default initialization lie mostly right "
        "of 10; the large initialization of the two-neuron network crosses 10 for "
        "a sizeable share of networks; the wide network with large weights lies "
        "entirely left of 10, partly left of 1.",
        caption=r"Where \(\lVert\delta^2\rVert \ll \lVert\delta^4\rVert \ll "
        r"\lVert\delta^6\rVert\) fails. For each random network, the smaller of "
        r"its two steps, \(\min(\lVert\delta^4\rVert/\lVert\delta^2\rVert,\ "
        r"\lVert\delta^6\rVert/\lVert\delta^4\rVert)\); a curve's height at a "
        r"ratio is the share of networks whose smaller step is below it. Its height "
        r"at 1 is the share where the norms are not even in order, at 10 the share "
        r"where the chain with factor 10 fails.",
    ),
    "definition_chain_bound": plotstyle.Figure(
        alt="Scatter plot on logarithmic axes for the two-neuron network: each "
        "point is one step of the chain in one random network, its ratio against "
        "the product of the spectral norms of the two weight matrices it passes "
        "through. All points lie above a falling curve, the guaranteed lower "
        "bound. The points below the line at ratio 10 all sit right of where the "
        "curve crosses that line, but so do most of the points above it; the "
        "points below it lie further right on average.",
        caption=r"Why the chain fails where it does (two-neuron network, both "
        r"initializations). Each point is one step, "
        r"\(\lVert\delta^{l+2}\rVert/\lVert\delta^l\rVert\) for \(l = 2, 4\), "
        r"against \(\lVert w^{l+1}\rVert_2\,\lVert w^{l+2}\rVert_2\). The curve is "
        r"the bound \(16/(\sqrt{3}\,\lVert w^{l+1}\rVert_2\lVert w^{l+2}\rVert_2)\): "
        r"no point can lie below it, so a step can fall short of 10 only right of "
        r"where the curve crosses 10. Most steps lie there, short or not; that the "
        r"short ones tend to have larger weights is measured, not forced by the "
        r"bound.",
    ),
}


# --8<-- [start:sample]
def sample(width: int, scheme: str, k: int) -> tuple[list, list, np.ndarray,
                                                      np.ndarray]:
    """Network k of a given width and initialization, with its input and target."""
    rng = np.random.default_rng([SEED, k])
    weights, biases = backprop.init_params([width] * DEPTH, rng, scheme)
    x = rng.uniform(0.0, 1.0, size=(width, 1))  # one input, a column
    y = np.zeros((width, 1))
    y[rng.integers(width)] = 1.0  # one-hot target
    return weights, biases, x, y


def layer_norms(weights: list, biases: list, x: np.ndarray,
                y: np.ndarray) -> np.ndarray:
    """Row 0: ||δ^l|| (weights and biases); row 1: ||∂C/∂b^l||; for l = 2..L."""
    return stack_norms(*stacked.stack([(weights, biases)]), x[None], y[None])[0]


def stack_norms(weights: list, biases: list, x: np.ndarray,
                y: np.ndarray) -> np.ndarray:
    """``layer_norms`` of every network of a stack (stacked.py) at once, each on
    its own x[s] and y[s]: shape (networks, 2, L - 1)."""
    nabla_w, nabla_b, _ = stacked.backward(weights, biases, x, y)
    # squared norms of each layer's ∂C/∂w^l_jk and ∂C/∂b^l_j, per network
    w2 = np.stack([np.sum(g * g, axis=(-2, -1)) for g in nabla_w], axis=-1)
    b2 = np.stack([np.sum(g * g, axis=(-2, -1)) for g in nabla_b], axis=-1)
    return np.stack([np.sqrt(w2 + b2), np.sqrt(b2)], axis=1)


def chain_statistics(norms: np.ndarray) -> dict:
    """How often ||δ^2|| < ||δ^4|| < ||δ^6|| holds, plainly and by FACTOR per step.

    ``norms`` has shape (networks, L - 1): column l - 2 holds layer l.
    """
    step_42 = norms[:, 2] / norms[:, 0]  # ||δ^4|| / ||δ^2||
    step_64 = norms[:, 4] / norms[:, 2]  # ||δ^6|| / ||δ^4||
    return {
        "plain": np.mean((step_42 > 1) & (step_64 > 1)),
        "strong": np.mean((step_42 >= FACTOR) & (step_64 >= FACTOR)),
        "median_42": np.median(step_42),
        "median_64": np.median(step_64),
        "weaker": np.minimum(step_42, step_64),
    }
# --8<-- [end:sample]


# --8<-- [start:bound]
def threshold(width: int, factor: float = FACTOR) -> float:
    """The norm product above which the bound lets a step fall short of factor."""
    return 16.0 / (factor * np.sqrt(1.0 + width))


def step_bound(spectral: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Guaranteed lower bounds on ||δ^4||/||δ^2|| and ||δ^6||/||δ^4||, one example.

    ``spectral[:, l - 2]`` holds ||w^l||₂ of each network. With one example and
    Nielsen's error vector δ^l_• = ∂C/∂z^l = ∂C/∂b^l,
    ||δ^l|| = ||δ^l_•|| √(1 + ||a^{l-1}||²) (BP3, BP4), and BP2 with σ' ≤ 1/4
    gives ||δ^l_•|| ≤ ¼ ||w^{l+1}||₂ ||δ^{l+1}_•||. Every a^{l-1} lies in
    [0, 1]^n, so a two-layer step is at least 16 / (√(1 + n) ||w^{l+1}||₂
    ||w^{l+2}||₂). Returns the bounds and the products, both (networks, 2).
    """
    products = np.stack([spectral[:, 1] * spectral[:, 2],  # w^3, w^4
                         spectral[:, 3] * spectral[:, 4]], axis=1)  # w^5, w^6
    return lower_bound(products, width), products


def lower_bound(products: np.ndarray, width: int) -> np.ndarray:
    """16 / (√(1 + n) ||w^{l+1}||₂ ||w^{l+2}||₂): no two-layer step lies below."""
    return 16.0 / (np.sqrt(1.0 + width) * products)
# --8<-- [end:bound]


def run_networks(width: int, scheme: str) -> dict:
    """Norms, chain statistics and bounds over N_SEEDS networks."""
    weights, biases, x, y = zip(*(sample(width, scheme, k) for k in range(N_SEEDS)))
    weights, biases = stacked.stack(list(zip(weights, biases, strict=True)))
    norms = stack_norms(weights, biases, np.stack(x), np.stack(y))
    spectral = np.stack([np.linalg.norm(w, 2, axis=(1, 2)) for w in weights],
                        axis=1)  # (N_SEEDS, L - 1)
    bound, products = step_bound(spectral, width)
    return {
        "norms": norms,  # (N_SEEDS, 2 measures, L - 1)
        "stats": {m: chain_statistics(norms[:, i]) for i, m in enumerate(MEASURES)},
        "bound": bound,
        "products": products,
    }


BOUND_GRID = np.geomspace(0.05, 30, 200)  # norm products where the bound is drawn


def measure() -> dict:
    runs = {(width, scheme): run_networks(width, scheme)
            for width in WIDTHS for scheme in SCHEMES}
    return {
        "runs": runs,
        "layers": list(range(2, DEPTH + 1)),
        # the example network's two steps, ||δ^4||/||δ^2|| and ||δ^6||/||δ^4||
        "example_steps": {scheme: steps(runs[2, scheme])[EXAMPLE]
                          for scheme in SCHEMES},
        # the drawn curve of the two-neuron network's bound
        "bound_curve": (BOUND_GRID, lower_bound(BOUND_GRID, 2)),
    }


def steps(run: dict) -> np.ndarray:
    """Both observed steps of the δ^l chain, shape (N_SEEDS, 2)."""
    n = run["norms"][:, 0]
    return np.stack([n[:, 2] / n[:, 0], n[:, 4] / n[:, 2]], axis=1)


def _table(data: dict) -> str:
    head = ("| width | initialization | measure | chain with `<` | chain with "
            f"≥ {FACTOR}× per step | median \\(\\lVert\\delta^4\\rVert/"
            "\\lVert\\delta^2\\rVert\\) | median \\(\\lVert\\delta^6\\rVert/"
            "\\lVert\\delta^4\\rVert\\) |\n|---|---|---|--:|--:|--:|--:|")
    rows = []
    label = {"delta": "\\(\\lVert\\delta^l\\rVert\\)",
             "bias": "\\(\\lVert\\partial C/\\partial b^l\\rVert\\)"}
    for (width, scheme), run in data["runs"].items():
        for m in MEASURES:
            s = run["stats"][m]
            rows.append(f"| {width} | {scheme} | {label[m]} | {s['plain']:.1%} | "
                        f"{s['strong']:.1%} | {s['median_42']:.1f} | "
                        f"{s['median_64']:.1f} |")
    return "\n".join([head, *rows])


def values(data: dict) -> dict:
    out = {"table": _table(data), "n_seeds": N_SEEDS, "factor": FACTOR,
           "example": EXAMPLE, "seed": SEED}
    for (width, scheme), run in data["runs"].items():
        for m in MEASURES:
            stats, name = run["stats"][m], f"w{width}_{scheme}_{m}"
            for stat in ("plain", "strong", "median_42", "median_64"):
                out[f"{stat}_{name}"] = float(stats[stat])
            out[f"fail_plain_{name}"] = 1.0 - float(stats["plain"])
            out[f"fail_strong_{name}"] = 1.0 - float(stats["strong"])
        observed, bound = steps(run), run["bound"]
        out[f"bound_plain_w{width}_{scheme}"] = float(np.mean((bound > 1).all(1)))
        out[f"bound_strong_w{width}_{scheme}"] = float(
            np.mean((bound >= FACTOR).all(1)))
        out[f"min_step_w{width}_{scheme}"] = float(observed.min())
        short = observed < FACTOR
        products = run["products"]
        if short.any():
            out[f"product_short_w{width}_{scheme}"] = float(
                np.median(products[short]))
        if (~short).any():
            out[f"product_long_w{width}_{scheme}"] = float(
                np.median(products[~short]))
            out[f"past_threshold_long_w{width}_{scheme}"] = float(
                np.mean(products[~short] > threshold(width)))
    example = data["example_steps"]["nielsen"]
    out["max_measure_gap"] = max(  # largest gap between the two measures' shares
        abs(out[f"{stat}_{name}_delta"] - out[f"{stat}_{name}_bias"])
        for name in (f"w{w}_{s}" for w in WIDTHS for s in SCHEMES)
        for stat in ("plain", "strong"))
    out["threshold_w2"] = threshold(2)
    # How loose the bound is: measured step over its bound, two-neuron network,
    # every step of both initializations pooled.
    slack = np.concatenate([(steps(data["runs"][2, s]) / data["runs"][2, s]["bound"])
                            .ravel() for s in SCHEMES])
    out["bound_slack_w2"] = float(np.median(slack))
    out["bound_slack_min_w2"] = float(slack.min())
    out["example_step_42"] = float(example[0])
    out["example_step_64"] = float(example[1])
    return out


def draw(data: dict, theme: str) -> dict:
    return {"definition_chain_example": _draw_example(data, theme),
            "definition_chain_weaker_step": _draw_weaker(data, theme),
            "definition_chain_bound": _draw_bound(data, theme)}


def _draw_example(data: dict, theme: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    layers = np.array(data["layers"])
    for colour, scheme in zip(plotstyle.palette(theme), SCHEMES):
        full, bias = data["runs"][2, scheme]["norms"][EXAMPLE]
        ax.semilogy(layers, full, "o-", color=colour,
                    label=r"$\|\delta^l\|$, " + SCHEME_LABEL[scheme])
        ax.semilogy(layers, bias, "s--", color=colour, markersize=4, alpha=0.8,
                    label=r"$\|\partial C/\partial b^l\|$")
        for (lo, hi), ratio in zip(((2, 4), (4, 6)), data["example_steps"][scheme]):
            mid = np.sqrt(full[hi - 2] * full[lo - 2])  # halfway on the log axis
            below = scheme == "nielsen"  # default labels under, large over
            ax.annotate(f"×{ratio:.0f}", (lo + 1, mid), color=colour, fontsize=8,
                        xytext=(4, -12) if below else (-30, 8),
                        textcoords="offset points", va="center")
    ax.set_xticks(layers)
    ax.set_xlabel(r"book layer $l$ (6 = output)")
    ax.set_ylabel("norm of the gradient")
    ax.legend(fontsize=7, ncols=2, loc="lower right")
    return fig


def _draw_weaker(data: dict, theme: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    styles = {2: "-", 30: ":"}
    for width in WIDTHS:
        for colour, scheme in zip(plotstyle.palette(theme), SCHEMES):
            weaker = data["runs"][width, scheme]["stats"]["delta"]["weaker"]
            share = np.linspace(0, 1, 401)  # quantiles keep the SVG small
            ax.plot(np.quantile(weaker, share), share, color=colour,
                    linestyle=styles[width], linewidth=1.6,
                    label=f"width {width}, {scheme}")
    for at in (1, FACTOR):
        ax.axvline(at, color=plotstyle.ink(theme), linewidth=0.8, linestyle="--")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel(r"smaller step, $\min(\|\delta^4\|/\|\delta^2\|,\ "
                  r"\|\delta^6\|/\|\delta^4\|)$")
    ax.set_ylabel("share of networks below")
    ax.legend(fontsize=8)
    return fig


def _draw_bound(data: dict, theme: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for colour, scheme in zip(plotstyle.palette(theme), SCHEMES):
        run = data["runs"][2, scheme]
        ax.scatter(run["products"].ravel(), steps(run).ravel(), s=3,
                   color=colour, alpha=0.35, linewidths=0, rasterized=True,
                   label=SCHEME_LABEL[scheme])
    ax.plot(*data["bound_curve"], color=plotstyle.ink(theme),
            linewidth=1.2, label="guaranteed lower bound")
    ax.axhline(FACTOR, color=plotstyle.ink(theme), linewidth=0.8, linestyle="--")
    ax.axhline(1, color=plotstyle.ink(theme), linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\|w^{l+1}\|_2\,\|w^{l+2}\|_2$ (spectral norms)")
    ax.set_ylabel(r"step $\|\delta^{l+2}\|/\|\delta^l\|$")
    legend = ax.legend(fontsize=8, markerscale=4, loc="upper right")
    for handle in legend.legend_handles:
        handle.set_alpha(1.0)
    return fig


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
