"""The vanishing gradient through time, measured in recurrent networks.

First figure: the Cross Validated answer's definition, moved from layers to time
steps. For a batch of random sequences, ``recurrent.rnn_backward`` gives Nielsen's
error ∂C_x/∂z_t of every example at every step t; its length, relative to the last
step T, shrinks as we go back in time. The same for the cell error ∂C_x/∂c_t of
an LSTM (``recurrent.lstm_backward``), and, for the vanilla RNN, for the per-step
analogue of the layer gradient (step t's share of ∂C/∂W, ∂C/∂U, ∂C/∂b). Many
networks (seeds) per initializer, run at once as a stack.

Second figure: Pascanu, Mikolov & Bengio (2013), §2.1. With γ a bound on |f′| (1 for
tanh, 1/4 for sigmoid), BP2 through time gives ‖δ_t‖ ≤ γ λ₁(W) ‖δ_{t+1}‖ (λ₁ the
largest singular value), so λ₁ < 1/γ is sufficient for vanishing. The scale of a
Gaussian W is swept and the measured per-step rate is plotted against λ₁.
"""

import sys

import numpy as np

import plotstyle
import recurrent

SEED = 0
N, D, M, T = 32, 4, 16, 50  # hidden units, inputs, examples, time steps
N_SEEDS = 48  # networks per initializer
# setting -> (kind, initializer keyword arguments); inputs x_t ~ N(0, 1)
SETTINGS = {
    "rnn_gaussian": ("rnn", {"scheme": "gaussian"}),
    "rnn_orthogonal": ("rnn", {"scheme": "orthogonal"}),
    "lstm_f0": ("lstm", {"forget_bias": 0.0}),
    "lstm_f1": ("lstm", {"forget_bias": 1.0}),
    "lstm_f3": ("lstm", {"forget_bias": 3.0}),
}
LABELS = {
    "rnn_gaussian": r"RNN, $W \sim N(0, 1/n)$",
    "rnn_orthogonal": "RNN, orthogonal $W$",
    "lstm_f0": "LSTM, forget bias 0",
    "lstm_f1": "LSTM, forget bias 1",
    "lstm_f3": "LSTM, forget bias 3",
}
# Pascanu's threshold: W = scale · N(0, 1/n), small inputs so that f′ is near γ
SWEEP_SEEDS = 32
INPUT_SCALE = 0.1
SCALES = {"tanh": 2.0 ** np.arange(-2, 2.01, 0.25),
          "sigmoid": 2.0 ** np.arange(0, 5.51, 0.5)}
GAMMA = {"tanh": 1.0, "sigmoid": 0.25}  # the bound on |f′|
XTICKS = {"tanh": [0.5, 1, 2, 4, 8], "sigmoid": [2, 4, 10, 20, 50, 100]}

FIGURES = {
    "recurrent_through_time": plotstyle.Figure(
        alt="Two line charts with logarithmic vertical axes against the time step t "
        "from 1 to 50. Left, the length of each example's error relative to the "
        "last step: the two vanilla RNN lines and the LSTM with forget bias 0 fall "
        "by about ten orders of magnitude going back to t = 1; the LSTM with "
        "forget bias 1 falls by about four; with forget bias 3 it stays within "
        "one order. Right, the vanilla RNN's per-step share of the gradient falls "
        "the same way.",
        caption=r"Left: \(\lVert\partial C_x/\partial z_t\rVert\) (RNN) or "
        r"\(\lVert\partial C_x/\partial c_t\rVert\) (LSTM) relative to step "
        r"\(T\), geometric mean over examples and networks; shaded, the middle "
        r"80% of networks. Right: step \(t\)'s share of the RNN's gradient "
        r"(\(\partial C/\partial W, \partial C/\partial U, \partial C/\partial "
        r"b\)) relative to step \(T\).",
    ),
    "recurrent_threshold": plotstyle.Figure(
        alt="Two scatter charts on logarithmic axes of the measured per-step rate "
        "against the largest singular value of W, for tanh (left) and sigmoid "
        "(right) RNNs. Every point lies below the dashed bound gamma times "
        "lambda one. The rate stays below 1 left of the dotted threshold "
        "1 over gamma and crosses 1 only well to its right: near 2.3 for tanh "
        "and near 30 for sigmoid.",
        caption=r"Per-step rate \((\lVert\delta_1\rVert/\lVert\delta_T\rVert)"
        r"^{1/(T-1)}\) of Nielsen's error through time against \(\lambda_1(W)\): "
        r"geometric mean over the networks of each scale; shaded, their range. Dotted: "
        r"\(\lambda_1 = 1/\gamma\); dashed: the bound \(\gamma\lambda_1\).",
    ),
}


# --8<-- [start:core]
def stack(params: list[dict]) -> dict:
    """Many networks as one: every parameter gets a leading axis (the seed)."""
    return {key: np.stack([p[key] for p in params]) for key in params[0]}


def errors_through_time(kind, init, rng, xs, y, n_seeds, activation="tanh"):
    """Per-example errors of n_seeds networks: (T, n_seeds, n, m), and hs."""
    make = recurrent.init_rnn if kind == "rnn" else recurrent.init_lstm
    params = stack([make(N, D, 1, rng, **init) for _ in range(n_seeds)])
    if kind == "rnn":
        _, errors = recurrent._rnn_backward(params, xs, y, activation)
        return params, errors, recurrent._rnn_forward(params, xs, activation)[1]
    _, errors = recurrent._lstm_backward(params, xs, y)
    return params, errors, recurrent._lstm_forward(params, xs)[0]


def relative_norms(errors: np.ndarray) -> np.ndarray:
    """‖error at step t‖ / ‖error at step T‖ per example: (T, seeds, m)."""
    norms = np.linalg.norm(errors, axis=-2)
    return norms / norms[-1]


def per_step_rate(errors: np.ndarray) -> np.ndarray:
    """(‖δ_1‖/‖δ_T‖)^{1/(T−1)} per network, geometric mean over examples."""
    log_ratio = np.log(relative_norms(errors)[0])  # (seeds, m)
    return np.exp(log_ratio.mean(axis=-1) / (len(errors) - 1))
# --8<-- [end:core]


def geometric_mean(a: np.ndarray, axis) -> np.ndarray:
    return np.exp(np.log(a).mean(axis=axis))


def through_time(rng) -> dict:
    xs = rng.normal(size=(T, D, M))
    y = rng.integers(0, 2, size=(1, M)).astype(float)
    out = {}
    for name, (kind, init) in SETTINGS.items():
        params, errors, states = errors_through_time(kind, init, rng, xs, y,
                                                     N_SEEDS)
        per_seed = geometric_mean(relative_norms(errors), axis=-1)  # (T, seeds)
        r = {"mean": geometric_mean(per_seed, axis=-1),
             "low": np.percentile(per_seed, 10, axis=-1),
             "high": np.percentile(per_seed, 90, axis=-1),
             "rate": per_step_rate(errors)}
        if kind == "rnn":
            steps = recurrent.step_gradients(errors, states, xs)  # (T, seeds)
            r["step"] = geometric_mean(steps / steps[-1], axis=-1)
        else:
            r["forget"] = float(geometric_mean(states["f"], axis=None))
        out[name] = r
    return out


def threshold_sweep(rng, activation: str) -> dict:
    xs = INPUT_SCALE * rng.normal(size=(T, D, M))
    y = rng.integers(0, 2, size=(1, M)).astype(float)
    lam1, rho, rate = [], [], []
    for scale in SCALES[activation]:
        params, errors, _ = errors_through_time(
            "rnn", {"scale": float(scale)}, rng, xs, y, SWEEP_SEEDS, activation)
        lam1.append(np.linalg.svd(params["W"], compute_uv=False)[:, 0])
        rho.append(np.abs(np.linalg.eigvals(params["W"])).max(axis=-1))
        rate.append(per_step_rate(errors))
    return {"scale": SCALES[activation], "lam1": np.array(lam1),
            "rho": np.array(rho), "rate": np.array(rate)}


def crossing(sweep: dict) -> dict:
    """λ₁, ρ and the scale where the mean rate crosses 1 (log interpolation)."""
    rate = geometric_mean(sweep["rate"], axis=1)
    lam1, rho = sweep["lam1"].mean(axis=1), sweep["rho"].mean(axis=1)
    i = int(np.flatnonzero(rate >= 1)[0])
    u = -np.log(rate[i - 1]) / (np.log(rate[i]) - np.log(rate[i - 1]))

    def at(v):
        return float(np.exp((1 - u) * np.log(v[i - 1]) + u * np.log(v[i])))
    return {"lam1": at(lam1), "rho": at(rho), "scale": at(sweep["scale"])}


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    return {"time": through_time(rng),
            "sweep": {a: threshold_sweep(rng, a) for a in SCALES}}


def values(d: dict) -> dict:
    tt = d["time"]
    out = {"n": N, "d": D, "m": M, "T": T, "n_seeds": N_SEEDS,
           "sweep_seeds": SWEEP_SEEDS, "input_scale": INPUT_SCALE}
    for name, r in tt.items():
        out[f"{name}_first"] = plotstyle.number(float(r["mean"][0]), 2)
        out[f"{name}_rate"] = float(r["rate"].mean())
        if "forget" in r:
            out[f"{name}_forget"] = r["forget"]
    out["rnn_gaussian_step_first"] = plotstyle.number(
        float(tt["rnn_gaussian"]["step"][0]), 2)
    for a, sweep in d["sweep"].items():
        c = crossing(sweep)
        out[f"{a}_cross_lam1"] = c["lam1"]
        out[f"{a}_cross_rho"] = c["rho"]
        out[f"{a}_cross_ratio"] = c["lam1"] / c["rho"]
        below = sweep["lam1"] < 1 / GAMMA[a]
        out[f"{a}_max_rate_below"] = float(sweep["rate"][below].max())
        out[f"{a}_max_bound_ratio"] = float(
            (sweep["rate"] / (GAMMA[a] * sweep["lam1"])).max())
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt
    import matplotlib.ticker as ticker

    colours = [plotstyle.palette(theme)[i] for i in (0, 1, 2, 3, 5)]  # 4 ≈ 0
    t = np.arange(1, T + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.4),
                                      gridspec_kw={"width_ratios": [3, 2]})
    for colour, (name, r) in zip(colours, d["time"].items()):
        left.semilogy(t, r["mean"], color=colour, label=LABELS[name])
        left.fill_between(t, r["low"], r["high"], color=colour, alpha=0.2,
                          linewidth=0)
        if "step" in r:
            right.semilogy(t, r["step"], color=colour)
    left.set_title("error at step $t$ / error at step $T$", fontsize=9)
    right.set_title("RNN: step $t$'s share of the gradient", fontsize=9)
    for ax in (left, right):
        ax.set_xlabel("time step $t$")
    fig.legend(loc="lower center", ncols=3, fontsize=7.5,
               bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()

    fig2, axes = plt.subplots(1, 2, figsize=(6.4, 3.2))
    for ax, (a, sweep) in zip(axes, d["sweep"].items()):
        lam1 = sweep["lam1"].mean(axis=1)
        ax.fill_between(lam1, sweep["rate"].min(axis=1), sweep["rate"].max(axis=1),
                        color=colours[0], alpha=0.25, linewidth=0)
        ax.loglog(lam1, geometric_mean(sweep["rate"], axis=1), "o-",
                  color=colours[0], markersize=3)
        x = np.array([sweep["lam1"].min(), sweep["lam1"].max()])
        ax.loglog(x, GAMMA[a] * x, "--", color=plotstyle.ink(theme), linewidth=1)
        ax.axvline(1 / GAMMA[a], color=plotstyle.ink(theme), linestyle=":",
                   linewidth=1)
        ax.axhline(1.0, color=plotstyle.ink(theme), linewidth=0.6)
        ax.set_ylim(0.1, 3)
        ax.set_xticks(XTICKS[a])
        ax.set_yticks([0.1, 0.2, 0.5, 1, 2])
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            axis.set_minor_formatter(ticker.NullFormatter())
        ax.set_title(rf"{a}: $\gamma = {'1/4' if a == 'sigmoid' else '1'}$",
                     fontsize=9)
        ax.set_xlabel(r"$\lambda_1(W)$")
    axes[0].set_ylabel("per-step rate")
    fig2.tight_layout()
    return {"recurrent_through_time": fig, "recurrent_threshold": fig2}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
