"""Where the initialization variances come from, measured.

A network whose layers halve in width, [512, 256, 128, 64, 32, 16], gets weights of
variance 1/n_in (LeCun: keeps Var(z^l) level going forward), 1/n_out (keeps the
variance of Nielsen's error δ^l_• level going backward) or 2/(n_in + n_out) (Glorot
and Bengio's compromise), with biases 0; for ReLU units also 2/n_in (He). A batch of
Gaussian inputs goes forward and a Gaussian output error δ^L goes backward through
``backprop.backward``. The first figure shows Var(z^l) and Var(δ^l_•) per book layer
l, beside the prediction of the variance argument.

The second figure scans k = n_in·Var(w) for sigmoid (and tanh) units in a network of
equal widths: the factor by which Var(δ^l_•) changes per layer. Finally, a small
network trained from all-zero weights shows why the weights must differ at all: the
neurons of a hidden layer get identical gradients and stay identical.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle

SEED = 0
SIZES = [512, 256, 128, 64, 32, 16]  # book layers 1 (input) to 6 (output)
M = 200  # examples in the batch
N_NETS = 4  # networks per setting; variances are averaged over them
RULES = {  # Var(w^l) from the fan-in n_in and fan-out n_out of layer l
    "lecun": lambda n_in, n_out: 1 / n_in,
    "backward": lambda n_in, n_out: 1 / n_out,
    "glorot": lambda n_in, n_out: 2 / (n_in + n_out),
    "he": lambda n_in, n_out: 2 / n_in,
}
# (hidden activation, rule) drawn in the first figure, with its legend label
SETTINGS = {
    ("identity", "lecun"): r"identity, $1/n_{\mathrm{in}}$ (LeCun)",
    ("identity", "backward"): r"identity, $1/n_{\mathrm{out}}$",
    ("identity", "glorot"):
        r"identity, $2/(n_{\mathrm{in}}+n_{\mathrm{out}})$ (Glorot)",
    ("relu", "he"): r"ReLU, $2/n_{\mathrm{in}}$ (He)",
    ("relu", "lecun"): r"ReLU, $1/n_{\mathrm{in}}$",
}
GAIN = {"identity": 1.0, "tanh": 1.0, "relu": 0.5}  # E[f'(z)²] for z near 0
TANH_INPUT = 0.01  # tanh near 0: inputs with standard deviation 0.01
# sigmoid scan: equal widths, k = n_in·Var(w) on a log grid
WIDTH, DEPTH, SCAN_M = 128, 8, 64  # DEPTH hidden layers of WIDTH neurons
C_GRID = 2.0 ** np.arange(-2, 8.5, 0.5)  # 1/4 .. 256
C_MARKED = {"lecun": 1.0, "he": 2.0, "sixteen": 16.0}  # 16 = 1/σ′(0)²
SATURATED = 0.025  # σ′(z) below a tenth of its maximum 1/4
# why not zeros: a small network trained from all-zero weights and biases
SYM_SIZES = [64, 30, 30, 10]
SYM_EPOCHS, SYM_BATCH, SYM_ETA = 5, 20, 1.0

FIGURES = {
    "init_variance_layers": plotstyle.Figure(
        alt="Two line charts with logarithmic vertical axes against the book "
        "layer, for a network whose layers halve in width. Left, the variance of "
        "the weighted inputs z: flat for identity units with variance 1 over "
        "n_in and ReLU units with He's 2 over n_in, rising for 1 over n_out, "
        "rising less for Glorot's, falling for ReLU with 1 over n_in. Right, the "
        "variance of Nielsen's error going back from the output: flat for 1 over "
        "n_out, shrinking toward the input for the others. Dashed lines, the "
        "predictions, run along the measured points.",
        caption=r"Variance of the weighted inputs \(z^l\) relative to layer 2 "
        r"(left) and of Nielsen's error \(\delta^l_\bullet\) relative to the output "
        r"layer (right), per book layer \(l\) of the network "
        r"[512, 256, 128, 64, 32, 16], biases 0. Dashed: the variance "
        "argument's prediction.",
    ),
    "init_variance_sigmoid": plotstyle.Figure(
        alt="Line chart on logarithmic axes: the factor by which the variance of "
        "Nielsen's error changes per layer against the weight scale c. The tanh "
        "curve reaches 1 at c equal to 1. The sigmoid curve rises slowly and "
        "stays far below 1 at k = 1, 2 and 16, marked by dotted lines; it "
        "reaches 1 only far to the right of the dotted lines.",
        caption=r"Per-layer factor \(\operatorname{Var}(\delta^l_\bullet) / "
        r"\operatorname{Var}(\delta^{l+1}_\bullet)\) in a network of equal widths, "
        r"against \(k = n_{\mathrm{in}} \operatorname{Var}(w)\), biases 0. Dotted: "
        r"\(k = 1\) (LeCun, Glorot), \(2\) (He) and \(16 = 1/\sigma'(0)^2\).",
    ),
}


# --8<-- [start:core]
def init_weights(sizes, rule: str, rng, scale: float = 1.0):
    """Weights w^l ~ N(0, scale · RULES[rule](n_in, n_out)), biases 0."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose one of {tuple(RULES)}")
    weights = [rng.normal(0.0, np.sqrt(scale * RULES[rule](n_in, n_out)),
                          size=(n_out, n_in))
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return weights, [np.zeros((n, 1)) for n in sizes[1:]]


def variances(weights, biases, x, activation, rng):
    """Var(z^l) and Var(δ^l_•) for book layers l = 2..L, with a Gaussian output
    error δ^L (targets y = a^L − δ^L, identity output, quadratic cost); and zs."""
    zs, activations = backprop.forward(weights, biases, x, activation, "identity")
    y = activations[-1] - rng.normal(size=activations[-1].shape)
    *_, errors = backprop.backward(weights, biases, x, y, activation,
                                   "identity", "quadratic")
    return (np.array([z.var() for z in zs]), np.array([e.var() for e in errors]),
            zs)


def predicted(sizes, rule: str, activation: str):
    """Per-layer factors of the variance argument: forward Var(z^{l+1})/Var(z^l)
    = n_in·Var(w)·E[f'²], backward Var(δ^l)/Var(δ^{l+1}) = n_out·Var(w)·E[f'²]."""
    g = GAIN[activation]
    n = list(sizes)
    forward = [n[i] * RULES[rule](n[i], n[i + 1]) * g for i in range(1, len(n) - 1)]
    backward = [n[i + 1] * RULES[rule](n[i], n[i + 1]) * g
                for i in range(1, len(n) - 1)]
    return np.array(forward), np.array(backward)
# --8<-- [end:core]


def per_layer(ratios: np.ndarray) -> float:
    """Geometric mean of the factors between consecutive hidden layers."""
    return float(np.exp(np.mean(np.log(ratios))))


def measure_setting(activation, rule, rng, input_scale=1.0) -> dict:
    """Variances averaged over N_NETS networks, and the measured per-layer factors
    between hidden layers (the input and output layers differ in kind)."""
    vz, vd = np.zeros(len(SIZES) - 1), np.zeros(len(SIZES) - 1)
    for _ in range(N_NETS):
        weights, biases = init_weights(SIZES, rule, rng)
        x = input_scale * rng.normal(size=(SIZES[0], M))
        z, d, _ = variances(weights, biases, x, activation, rng)
        vz, vd = vz + z / N_NETS, vd + d / N_NETS
    return {"var_z": vz, "var_delta": vd,
            "forward": per_layer(vz[1:-1] / vz[:-2]),
            "backward": per_layer(vd[:-2] / vd[1:-1])}


def sigmoid_scan(activation, rng, c_grid=C_GRID) -> dict:
    """Per-layer backward factor and saturated fraction for each c in c_grid."""
    sizes = [WIDTH] * (DEPTH + 2)
    factors, saturated = [], []
    for c in c_grid:
        weights, biases = init_weights(sizes, "lecun", rng, scale=c)
        x = TANH_INPUT * rng.normal(size=(WIDTH, SCAN_M))
        _, vd, zs = variances(weights, biases, x, activation, rng)
        # skip the first two hidden layers: z settles to its typical spread
        factors.append(per_layer(vd[2:-2] / vd[3:-1]))
        saturated.append(float(np.mean([np.mean(backprop.sigmoid_prime(z) < SATURATED)
                                        for z in zs[2:-1]])))
    return {"c": np.array(c_grid), "factor": np.array(factors),
            "saturated": np.array(saturated)}


def crossing(c: np.ndarray, factor: np.ndarray) -> float:
    """The c at which ``factor`` first reaches 1, interpolated on log scales."""
    above = np.flatnonzero(factor >= 1.0)
    if not above.size:
        raise ValueError("the factor never reaches 1 on this grid")
    i = above[0]
    if i == 0:
        return float(c[0])
    lc, lf = np.log(c[i - 1:i + 1]), np.log(factor[i - 1:i + 1])
    return float(np.exp(lc[0] - lf[0] * (lc[1] - lc[0]) / (lf[1] - lf[0])))


def symmetry(x, y, x_test, labels, rng) -> dict:
    """Train SYM_SIZES from all-zero and from Nielsen's random parameters."""
    out = {}
    zeros = ([np.zeros((n_out, n_in)) for n_in, n_out in zip(SYM_SIZES, SYM_SIZES[1:])],
             [np.zeros((n, 1)) for n in SYM_SIZES[1:]])
    for name, (weights, biases) in {"zeros": zeros,
                                    "random": backprop.init_params(SYM_SIZES, rng)
                                    }.items():
        weights, biases, _ = backprop.train(
            weights, biases, x, y, epochs=SYM_EPOCHS, batch_size=SYM_BATCH,
            eta=SYM_ETA, rng=rng)
        output = backprop.forward(weights, biases, x_test)[1][-1]
        out[name] = {
            "weights": weights, "biases": biases,
            "accuracy": float(np.mean(output.argmax(axis=0) == labels)),
        }
    return out


def distinct_rows(w: np.ndarray) -> int:
    """How many different neurons a weight matrix holds (rows, compared exactly)."""
    return len(np.unique(w, axis=0))


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    settings = {key: measure_setting(*key, rng) for key in SETTINGS}
    tanh = {rule: measure_setting("tanh", rule, rng, TANH_INPUT)
            for rule in ("lecun", "backward", "glorot")}
    scans = {"sigmoid": sigmoid_scan("sigmoid", rng),
             "tanh": sigmoid_scan(
                 "tanh", rng, C_GRID[C_GRID <= C_MARKED["sixteen"]])}
    x, labels = data.load_digits()
    x, y, x_test, y_test = data.nielsen_split(x, labels)
    return {"settings": settings, "tanh": tanh, "scans": scans,
            "symmetry": symmetry(x, data.one_hot(y), x_test, y_test, rng)}


def values(d: dict) -> dict:
    s, sig = d["settings"], d["scans"]["sigmoid"]
    out = {"sizes": str(SIZES), "m": M, "n_nets": N_NETS,
           "width": WIDTH, "depth": DEPTH}
    for (activation, rule), r in s.items():
        key = rule if activation == "identity" else f"{activation}_{rule}"
        out[f"fwd_{key}"] = r["forward"]
        out[f"bwd_{key}"] = r["backward"]
        fwd, bwd = predicted(SIZES, rule, activation)
        out[f"pred_fwd_{key}"], out[f"pred_bwd_{key}"] = float(fwd[0]), float(bwd[0])
    out["tanh_max_diff"] = max(
        abs(d["tanh"][rule][k] / s[("identity", rule)][k] - 1)
        for rule in d["tanh"] for k in ("forward", "backward"))
    out["tanh_input"] = TANH_INPUT
    for name, c in C_MARKED.items():
        i = int(np.flatnonzero(np.isclose(sig["c"], c))[0])
        out[f"sigmoid_{name}"] = float(sig["factor"][i])
    out["sigmoid_max_below_16"] = float(
        sig["factor"][sig["c"] <= C_MARKED["sixteen"]].max())
    c_star = crossing(sig["c"], sig["factor"])
    out["sigmoid_crossing"] = c_star
    out["sigmoid_saturated_at_crossing"] = float(np.interp(
        np.log(c_star), np.log(sig["c"]), sig["saturated"]))
    sym = d["symmetry"]
    out["sym_distinct"] = max(distinct_rows(w) for w in sym["zeros"]["weights"][:-1])
    out["sym_hidden"] = min(SYM_SIZES[1:-1])
    out["sym_sizes"] = str(SYM_SIZES)
    out["sym_accuracy"] = sym["zeros"]["accuracy"]
    out["random_accuracy"] = sym["random"]["accuracy"]
    out["sym_epochs"], out["sym_eta"] = SYM_EPOCHS, SYM_ETA
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    layers = np.arange(2, len(SIZES) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.4), sharey=True)
    colours = [plotstyle.palette(theme)[i] for i in (0, 1, 2, 3, 5)]  # 4 looks like 0
    for colour, ((activation, rule), label) in zip(colours, SETTINGS.items()):
        r = d["settings"][(activation, rule)]
        fwd, bwd = predicted(SIZES, rule, activation)
        left.semilogy(layers, r["var_z"] / r["var_z"][0], "o-", color=colour,
                      label=label, markersize=4)
        left.semilogy(layers, np.concatenate([[1], np.cumprod(fwd)]), "--",
                      color=colour, linewidth=1)
        right.semilogy(layers, r["var_delta"] / r["var_delta"][-1], "o-",
                       color=colour, markersize=4)
        right.semilogy(layers, np.concatenate([np.cumprod(bwd[::-1])[::-1], [1]]),
                       "--", color=colour, linewidth=1)
    left.set_title(r"forward: $\mathrm{Var}(z^l)\,/\,\mathrm{Var}(z^2)$", fontsize=9)
    right.set_title(r"backward: $\mathrm{Var}(\delta^l_\bullet)\,/\,"
                    r"\mathrm{Var}(\delta^L_\bullet)$", fontsize=9)
    for ax in (left, right):
        ax.set_xticks(layers)
        ax.set_xlabel(r"book layer $l$")
    fig.legend(loc="lower center", ncols=2, fontsize=7.5,
               bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout()

    fig2, ax = plt.subplots(figsize=(6.4, 3.2))
    for activation, marker in (("sigmoid", "o"), ("tanh", "s")):
        scan = d["scans"][activation]
        ax.loglog(scan["c"], scan["factor"], marker=marker,
                  markersize=4, label=activation)
    ax.axhline(1.0, color=plotstyle.ink(theme), linewidth=1, linestyle="--")
    for c in C_MARKED.values():
        ax.axvline(c, color=plotstyle.ink(theme), linewidth=0.8, linestyle=":")
    ax.set_xlabel(r"$k = n_{\mathrm{in}}\,\mathrm{Var}(w)$")
    ax.set_ylabel(r"$\mathrm{Var}(\delta^l_\bullet)\,/\,"
                  r"\mathrm{Var}(\delta^{l+1}_\bullet)$")
    ax.legend(title="hidden units", fontsize=8)
    return {"init_variance_layers": fig, "init_variance_sigmoid": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
