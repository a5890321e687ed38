"""What gradient clipping changes in Nielsen's exploding chain.

The training of ``exploding_chain`` (the w = 100 chain, target 0.3, plain SGD with
η = 0.1) is repeated with the global gradient norm clipped to a threshold τ:
``backprop.train(..., clip=τ)`` rescales the whole gradient to norm τ whenever its
norm exceeds τ, and tells ``record`` the norm *before* the clip. The figure
shows, for a few thresholds, the excess cost C − C_min and the gradient norm before
the clip over the steps; the table covers more thresholds.
"""

import sys

import numpy as np

import backprop
import plotstyle
import stacked
from envelope import envelope
from exploding_chain import ETA, SEED, STEPS, TARGET, chain_state, train_chain
from why_exploding import X, exploding_chain

THRESHOLDS = (np.inf, 1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5)  # ∞: no clipping
SHOWN = (np.inf, 1.0, 1e-2, 1e-5)  # the thresholds drawn in the figure
GOOD = 1e-3  # "reached the target": excess cost below this
TAIL = 100  # the last steps, for the state the run ends in
BINS = 200  # intervals of the step axis in the figure (envelope.py)



SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _plain_threshold(t: float) -> str:
    """A threshold for alt text: "no clipping", "τ = 0.01", "τ = 10^-5"."""
    if np.isinf(t):
        return "no clipping"
    if t >= 1e-2:
        return f"τ = {t:g}"
    return "τ = 10" + str(round(np.log10(t))).translate(SUPERSCRIPT)


def _alt_thresholds() -> str:
    names = [_plain_threshold(t) for t in SHOWN]
    return ", ".join(names[:-1]) + " and " + names[-1]


FIGURES = {
    "exploding_clipping": plotstyle.Figure(
        alt="Two panels with logarithmic axes against the step, one line for each "
        f"of {len(SHOWN)} of the {len(THRESHOLDS)} clipping thresholds of the table "
        f"({_alt_thresholds()}). Left, the excess cost: without clipping and with the "
        "largest threshold it jumps up at the first step and comes back only late "
        "in the run; with a middle threshold it jumps between two levels at every "
        "step and never settles; with the smallest threshold it falls early and "
        "stays low. Without clipping and with the largest threshold the lines "
        "coincide after the first step. Right, the gradient norm before the clip: "
        "without clipping and with the largest threshold it drops sharply after "
        "the first step; with the smaller thresholds it stays large for the whole "
        "run.",
        caption=r"Training Nielsen's chain with the gradient norm clipped to "
        r"\(\tau\). Left: excess cost \(C - C_{\min}\). Right: the norm of the "
        r"gradient *before* the clip, which the update never sees when it exceeds "
        r"\(\tau\). Only a threshold small enough to keep each step inside the "
        r"chain's narrow responsive window lets it learn with every neuron alive.",
    )
}


# --8<-- [start:core]
def run(threshold: float, steps: int = STEPS) -> dict:
    """The chain's training with clipping at threshold (np.inf: no clipping).
    ``train`` reports the gradient's norm before the clip at every step."""
    history = train_chain(clip=None if np.isinf(threshold) else threshold,
                          steps=steps)
    return {**history, "threshold": threshold}
# --8<-- [end:core]


def run_all(thresholds=THRESHOLDS, steps: int = STEPS) -> list[dict]:
    """``run`` of every threshold, with the chains trained side by side as one
    stack (stacked.py): the same numbers, for a fraction of the time."""
    clip = np.array(thresholds, dtype=float)
    weights, biases = stacked.stack([exploding_chain()] * len(clip))
    x, y = np.array([[X]]), np.array([[TARGET]])

    def record(u: backprop.Update) -> dict:
        zs, _ = stacked.forward(u.weights, u.biases, x)
        return chain_state(u, zs, clip)

    _, _, history = stacked.train(
        weights, biases, x, y, epochs=steps, batch_size=1, eta=ETA,
        rngs=[np.random.default_rng(SEED) for _ in clip], record=record, clip=clip)
    # one row per step, the stack's axis last: split it into one run per threshold
    arrays = {key: np.array([h[key] for h in history]) for key in history[0]}
    return [{**{key: a[..., s] for key, a in arrays.items()}, "threshold": t}
            for s, t in enumerate(thresholds)]


def measure() -> dict:
    return {"runs": run_all()}


def summary(r: dict) -> dict:
    """What one run did: how often it clipped, how far it moved, where it ended."""
    theta = np.concatenate([r["w"], r["b"]], axis=1)  # (steps, 8): w_1..4, b_1..4
    good = np.nonzero(r["excess"] < GOOD)[0]
    tail = r["excess"][-TAIL:]
    return {
        "clipped_steps": int(np.sum(r["raw_norm"] > r["threshold"])),
        "max_fed": float(r["fed_norm"].max()),
        "max_raw": float(r["raw_norm"].max()),
        "moved": float(np.linalg.norm(theta[-1] - theta[0])),
        "largest_step": float(np.max(np.linalg.norm(np.diff(theta, axis=0), axis=1))),
        "tail_lo": float(tail.min()), "tail_hi": float(tail.max()),
        "first_good": int(good[0]) if good.size else -1,
        # the clip shortens every component of the gradient by fed / raw
        "end_grad_b1": float(abs(r["grad_b"][-1, 0]) * r["fed_norm"][-1]
                             / r["raw_norm"][-1]),
        "end_raw": float(r["raw_norm"][-1]),
    }


def _label(t: float) -> str:
    """A threshold for the table: none, 1, 0.1, 0.01, then powers of ten."""
    if np.isinf(t):
        return "none"
    return f"{t:g}" if t >= 1e-2 else rf"\(10^{{{round(np.log10(t))}}}\)"


def table(runs: list) -> str:
    rows = [
        r"| threshold \(\tau\) | steps clipped | largest norm fed to the update "
        r"| largest step \(\lVert\Delta\theta\rVert\) "
        r"| \(C - C_{\min}\), last 100 steps | first step with "
        rf"\(C - C_{{\min}} < 10^{{{int(np.log10(GOOD))}}}\) "
        r"| \(\lvert\partial C/\partial b_1\rvert\) fed to the last update |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    num = plotstyle.number
    for r in runs:
        s = summary(r)
        tail = (num(s["tail_hi"]) if np.isclose(s["tail_lo"], s["tail_hi"], rtol=0.05)
                else f"{num(s['tail_lo'])} to {num(s['tail_hi'])}")
        cells = [_label(r["threshold"]), f"{s['clipped_steps']:,}", num(s["max_fed"]),
                 num(s["largest_step"]), tail,
                 "never" if s["first_good"] < 0 else f"{s['first_good']:,}",
                 num(s["end_grad_b1"])]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    by = {r["threshold"]: summary(r) for r in d["runs"]}
    v = {"table": table(d["runs"]), "steps": STEPS, "eta": ETA, "good": GOOD,
         "tail": TAIL, "start_raw": float(d["runs"][0]["raw_norm"][0])}
    # The threshold the chain's gain allows: a clipped step moves z_1 by about
    # √2·ητ, and three layers of slope w·σ'(0) = 25 multiply that by 25³.
    v["z4_per_eta_tau"] = np.sqrt(2) * 25.0**3
    v["eta_tau_max"] = 1 / v["z4_per_eta_tau"]
    v["tau_max"] = v["eta_tau_max"] / ETA
    names = {np.inf: "none", 1.0: "t1", 1e-1: "t1e1", 1e-2: "t1e2", 1e-4: "t1e4",
             1e-5: "t1e5"}
    for t, name in names.items():
        s = by[t]
        v[f"{name}_first_good"] = s["first_good"]
        v[f"{name}_end_raw"] = s["end_raw"]
        v[f"{name}_tail_lo"], v[f"{name}_tail_hi"] = s["tail_lo"], s["tail_hi"]
        v[f"{name}_largest_step"] = s["largest_step"]
        v[f"{name}_tail_lo_tex"] = plotstyle.number(s["tail_lo"])
        v[f"{name}_tail_hi_tex"] = plotstyle.number(s["tail_hi"])
    tenth = next(r for r in d["runs"] if r["threshold"] == 1e-1)
    v["t1e1_good_steps"] = int(np.sum(tenth["excess"] < GOOD))
    return v


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.4), sharex=True)
    shown = [r for r in d["runs"] if r["threshold"] in SHOWN]
    for r, colour in zip(shown, plotstyle.palette(theme)):
        steps = np.arange(1, len(r["excess"]) + 1)
        t = r["threshold"]
        label = ("no clipping" if np.isinf(t) else rf"$\tau = {t:g}$" if t >= 1e-2
                 else rf"$\tau = 10^{{{round(np.log10(t))}}}$")
        # no clipping and τ = 1 coincide after the first step: draw one dashed
        style = {"linewidth": 2.5} if np.isinf(t) else {"linewidth": 1}
        if t == 1.0:
            style["linestyle"] = "--"
        # 2,000 steps per line: draw their min/max envelope on the log axis
        left.loglog(*envelope(steps, r["excess"], BINS, log=True), color=colour,
                    label=label, **style)
        right.loglog(*envelope(steps, r["raw_norm"], BINS, log=True), color=colour,
                     **style)
    left.set_ylabel(r"excess cost $C - C_{\min}$")
    right.set_ylabel("gradient norm before the clip")
    for ax in (left, right):
        ax.set_xlabel("step + 1")
    left.legend(fontsize=8)
    fig.tight_layout()
    return {"exploding_clipping": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
