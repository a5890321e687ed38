"""Nielsen's speed-of-learning curves over 500 full-batch steps, and two measures.

His chapter-5 setup on the bundled 8x8 digits: networks [64, 30, ..., 30, 10] with
2, 3 and 4 hidden layers, sigmoid neurons, cross-entropy, his default init, the first
1,000 images as one batch, η = 0.1, L2 weight decay λ = 5.0 (and λ = 0 to compare),
500 gradient steps, every measure recorded before each step. One seed.

Per hidden layer and step it records Nielsen's speed ||∂C/∂b^l|| (biases only), the
layer gradient ||δ^l|| of the Cross Validated answer (all ∂C/∂w^l_jk and ∂C/∂b^l_j)
without and with the weight-decay term (λ/n)·w, the weight and decay parts alone,
and the per-example error size mean_x ||δ^l_{•,x}|| (δ^l_{•,x} is Nielsen's error
vector, all the ∂C/∂z^l_j of layer l, for example x, before averaging).
It counts the steps in which the first hidden layer is slower than the last, and in
which the hidden layers are strictly ordered (slowest first).

``python -m snippets.nielsen_training --mnist PATH`` prints the epoch-0/epoch-499
table and the ordering counts on real MNIST (784 inputs) instead of drawing.
"""

import sys

import numpy as np

import backprop
import data
import plotstyle
from envelope import envelope
from nielsen_speeds import ratio_text

SEED = 0
EXTRA_SEEDS = (1, 2, 3)  # the runs the page checks on more seeds, listed in EXTRA
DEPTHS = (2, 3, 4)  # hidden layers of 30 neurons
LAMBDAS = (5.0, 0.0)
STEPS, ETA, N_TRAIN = 500, 0.1, 1000
EXTRA = ((4, 5.0), (4, 0.0), (2, 5.0))  # (depth, λ) repeated on EXTRA_SEEDS
BINS = 100  # intervals of the step axis in the figures (envelope.py)
LEARNED = 0.2  # training accuracy (twice chance) that counts as learning digits
# Nielsen's saved JSON at epoch 0 and epoch 499 (fig/generate_gradient.py, ch. 5;
# norms_during_training_4_layers.json gives 9.2476e-4 for the last hidden layer).
NIELSEN_0 = {2: (0.0657, 0.3092), 3: (0.0118, 0.0600, 0.2831),
             4: (0.0030, 0.0171, 0.0695, 0.2851)}
NIELSEN_499 = {2: (3.4e-3, 9.6e-3), 3: (8.6e-5, 2.2e-4, 1.26e-3),
               4: (8.2e-6, 2.6e-5, 1.8e-4, 9.2476e-4)}
MEASURES = {"bias": "Nielsen's speed (biases only)",
            "full": "layer gradient, no decay term",
            "decayed": r"layer gradient with $(\lambda/n)w$"}
CHAP5 = "http://neuralnetworksanddeeplearning.com/chap5.html"
SCRIPT = ("https://github.com/mnielsen/neural-networks-and-deep-learning/blob/"
          "master/fig/generate_gradient.py")


def _curves_alt(depth: int) -> str:
    return (
        f"Two log-scale line charts over 500 training steps for the network with "
        f"{depth} hidden layers. Left: Nielsen's bias-only speed of each hidden "
        f"layer, with his epoch-499 values marked at the right edge. Right: the "
        f"layer gradient (weights and biases) of each hidden layer, without the "
        f"decay term (solid) and with it (dashed); the dashed lines flatten and "
        f"bunch together."
    )


FIGURES = {
    f"nielsen_training_{d}": plotstyle.Figure(
        alt=_curves_alt(d),
        caption=(
            rf"[64, {', '.join(['30'] * d)}, 10], \(\lambda = 5\), one seed. Left: "
            r"Nielsen's speed of learning \(\lVert\partial C/\partial b^l\rVert\) "
            r"per hidden layer \(l\) (in brackets Nielsen's chapter-5 name: his "
            r"\(\delta^1\) is layer \(l = 2\)); crosses are his epoch-499 values "
            r"on MNIST. "
            r"Right: the norm of the layer gradient \(\delta^l\) (all "
            r"\(\partial C/\partial w^l_{jk}\) and \(\partial C/\partial b^l_j\)), "
            r"solid without and dashed with the decay term \((\lambda/n)\,w\)."
        ),
    )
    for d in DEPTHS
} | {
    "nielsen_training_cancel": plotstyle.Figure(
        alt="Two log-scale line charts over 500 steps for four hidden layers, "
        "with weight decay (left) and without (right). Dashed lines, the average "
        "size of each example's error, stay flat and ordered from the first to "
        "the last hidden layer. Solid lines, the bias gradient averaged over the "
        "batch, drop far below them within a few dozen steps; on the left they "
        "stay ordered, on the right they cross and bunch together.",
        caption=r"[64, 30, 30, 30, 30, 10], one seed. Solid: Nielsen's speed "
        r"\(\lVert\partial C/\partial b^l\rVert = \lVert\mathrm{mean}_x\,"
        r"\delta^l_{\bullet,x}\rVert\). Dashed: "
        r"\(\mathrm{mean}_x\lVert\delta^l_{\bullet,x}\rVert\), the same error "
        r"vectors before they are averaged. The gap between a solid line "
        r"and the dashed line of its colour is how much the examples' errors "
        r"cancel.",
    )
}


# --8<-- [start:core]
def nielsen_setup(x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """His training set: the first 1,000 examples, targets as one-hot columns."""
    x_train, y_train, _, _ = data.nielsen_split(x, labels, N_TRAIN)
    return x_train, data.one_hot(y_train)


def hidden_norms(nabla_w, nabla_b, weights, lmbda: float, n: int) -> dict:
    """Per hidden layer: Nielsen's speed and the layer gradient δ^l, two ways."""
    hidden = range(2, len(nabla_w) + 1)  # book layers 2 .. L-1
    decayed_w = [g + lmbda / n * w for g, w in zip(nabla_w, weights)]
    norm = np.linalg.norm
    return {
        "bias": backprop.speeds(nabla_b),
        "full": np.array([norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                          for l in hidden]),
        "decayed": np.array([norm(backprop.layer_gradient(decayed_w, nabla_b, l))
                             for l in hidden]),
        "weight": np.array([norm(nabla_w[l - 2]) for l in hidden]),
        "decay": np.array([lmbda / n * norm(weights[l - 2]) for l in hidden]),
    }


def train_full_batch(sizes, x, y, lmbda: float, seed: int = SEED) -> dict:
    """Nielsen's run: STEPS full-batch steps; every measure taken before a step.

    Returns arrays of shape (STEPS, hidden layers) under the keys of hidden_norms
    and "examples", the per-example error size mean_x ||δ^l_{•,x}||.
    """
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(sizes, rng)
    n = x.shape[1]

    def record(u: backprop.Update) -> dict:
        (errors,) = u.extras  # Nielsen's δ^l of every example, from backward
        out = hidden_norms(u.nabla_w, u.nabla_b, u.weights, lmbda, n)
        out["examples"] = np.array(
            [np.linalg.norm(e, axis=0).mean() for e in errors[:-1]])
        out["cost"], out["accuracy"] = _fit(errors[-1] + y[:, u.batch],
                                            y[:, u.batch])
        # ||∂C/∂b^L|| = ||mean_x a^L_x − mean_x y_x||: output vs label frequencies
        out["output_bias"] = np.linalg.norm(u.nabla_b[-1])
        return out

    _, _, history = backprop.train(weights, biases, x, y, epochs=STEPS,
                                   batch_size=n, eta=ETA, lmbda=lmbda, rng=rng,
                                   record=record)
    return {key: np.array([h[key] for h in history]) for key in history[0]}


def _fit(a: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Cost and accuracy of outputs a^L; errors[-1] = a^L − y for cross-entropy."""
    accuracy = np.mean(a.argmax(axis=0) == y.argmax(axis=0))
    return backprop.cost_value(a, y), accuracy


def first_slower(s: np.ndarray) -> np.ndarray:
    """Per step: is the first hidden layer slower than the last?"""
    return s[:, 0] < s[:, -1]


def strictly_increasing(s: np.ndarray) -> np.ndarray:
    """Per step: does every hidden layer learn slower than the next one?"""
    return np.all(np.diff(s, axis=1) > 0, axis=1)
# --8<-- [end:core]


def run_all(x: np.ndarray, labels: np.ndarray, seed: int = SEED,
            depths=DEPTHS, lambdas=LAMBDAS) -> dict:
    """Every (depth, λ) run on one dataset: {(depth, λ): train_full_batch(...)}."""
    x_train, y_train = nielsen_setup(x, labels)
    sizes = {d: [x.shape[0], *[30] * d, 10] for d in depths}
    return {(d, lm): train_full_batch(sizes[d], x_train, y_train, lm, seed)
            for d in depths for lm in lambdas}


def input_sizes(sizes, x: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Root-mean-square ||a^{l-1}_x|| over the examples, for each hidden layer l,
    at initialization: the size of what BP4 multiplies the errors by."""
    weights, biases = backprop.init_params(sizes, np.random.default_rng(seed))
    _, activations = backprop.forward(weights, biases, x)
    return np.array([np.sqrt(np.mean(np.sum(a**2, axis=0)))
                     for a in activations[:-2]])


def counts(run: dict) -> dict:
    """Steps (of STEPS) in which each criterion holds, for each measure."""
    return {(m, c.__name__): int(c(run[m]).sum())
            for m in MEASURES for c in (first_slower, strictly_increasing)}


# ---------------------------------------------------------------- the tables


def _fmt(v: float) -> str:
    return f"{v:.2g}" if v >= 1e-3 else f"{v:.1e}"


def speeds_table(runs: dict, lmbda: float = 5.0, source: str = "8x8 digits") -> str:
    """Markdown: his speeds at epochs 0 and 499 beside ours, and last/first."""
    rows = [f"| hidden layers | step | Nielsen (MNIST) | ours ({source}) "
            "| his last/first | our last/first |",
            "|---|---|---|---|---|---|"]
    for d in sorted({d for d, _ in runs}):
        ours = runs[(d, lmbda)]["bias"]
        for step, his in ((0, NIELSEN_0[d]), (STEPS - 1, NIELSEN_499[d])):
            s = ours[step]
            rows.append(
                f"| {d} | {step} | {', '.join(_fmt(v) for v in his)} "
                f"| {', '.join(_fmt(v) for v in s)} | {ratio_text(his[-1] / his[0])} "
                f"| {ratio_text(s[-1] / s[0])} |")
    return "\n".join(rows)


def counts_table(runs: dict) -> str:
    """Markdown: steps in which each ordering holds, per measure, depth and λ.

    Each cell reads "first < last / strictly increasing".
    """
    heads = [r"Nielsen: \(\lVert\partial C/\partial b^l\rVert\)",
             r"\(\lVert\delta^l\rVert\), no decay term",
             r"\(\lVert\delta^l\rVert\) with \((\lambda/n)\,w\)"]
    rows = ["| λ | hidden layers | " + " | ".join(heads) + " |",
            "|---|---|---|---|---|"]
    for (d, lm), run in sorted(runs.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        c = counts(run)
        cells = [f"{c[(m, 'first_slower')]} / {c[(m, 'strictly_increasing')]}"
                 for m in MEASURES]
        if lm == 0:  # no decay term: the last column would repeat the middle one
            cells[2] = "(no decay term)"
        rows.append(f"| {lm:g} | {d} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def prior_cost(labels: np.ndarray) -> float:
    """The cost of the best constant output: each a_j = frequency of label j."""
    p = np.bincount(labels[:N_TRAIN], minlength=10) / N_TRAIN
    return float(-np.sum(p * np.log(p) + (1 - p) * np.log(1 - p)))


def extra_runs(x: np.ndarray, labels: np.ndarray) -> dict:
    """{(seed, depth, λ): run} for the (depth, λ) in EXTRA on EXTRA_SEEDS."""
    x_train, y_train = nielsen_setup(x, labels)
    return {(seed, d, lm): train_full_batch([x.shape[0], *[30] * d, 10], x_train,
                                            y_train, lm, seed)
            for seed in EXTRA_SEEDS for d, lm in EXTRA}


def measure() -> dict:
    x, labels = data.load_digits()
    x_train, _ = nielsen_setup(x, labels)
    inputs = {d: input_sizes([64, *[30] * d, 10], x_train) for d in DEPTHS}
    return {"seed": SEED, "runs": run_all(x, labels), "prior": prior_cost(labels),
            "inputs": inputs, "extra": extra_runs(x, labels)}


def seed_runs(data_: dict, depth: int, lmbda: float) -> dict:
    """{seed: run} for one (depth, λ) of EXTRA, on SEED and EXTRA_SEEDS."""
    return {data_["seed"]: data_["runs"][(depth, lmbda)]} | {
        seed: data_["extra"][(seed, depth, lmbda)] for seed in EXTRA_SEEDS}


def frequencies_step(run: dict) -> int:
    """First step at which the output's mismatch with the label frequencies,
    ||∂C/∂b^L||, has fallen to a tenth of its initial value."""
    return int(np.argmax(run["output_bias"] < 0.1 * run["output_bias"][0]))


def _seeds(data_: dict) -> dict:
    """What the page says about the runs repeated on several seeds."""
    deep0 = seed_runs(data_, 4, 0.0)
    strict_last = {s: last_step(strictly_increasing(r["bias"]))
                   for s, r in deep0.items()}
    early = [step for step in strict_last.values() if step < STEPS // 5]
    overtaken = [s for s, r in seed_runs(data_, 2, 5.0).items()
                 if not first_slower(r["bias"])[-1]]
    return {
        "n_seeds_total": 1 + len(EXTRA_SEEDS),
        "extra_first": EXTRA_SEEDS[0], "extra_last": EXTRA_SEEDS[-1],
        "deep5_strict_seeds": sum(bool(strictly_increasing(r["bias"]).all())
                                  for r in seed_runs(data_, 4, 5.0).values()),
        "l0_early_seeds": len(early), "l0_early_last": max(early, default=-1),
        "two_overtaken": ", ".join(map(str, overtaken)),
        "n_two_overtaken": len(overtaken),
    }


def values(data_: dict) -> dict:
    runs = data_["runs"]
    deep5, deep0 = runs[(4, 5.0)], runs[(4, 0.0)]
    ratio0 = deep0["bias"][:, -1] / deep0["bias"][:, 0]
    cancel5 = deep5["bias"][-1] / deep5["examples"][-1]
    cancel0 = deep0["bias"][-1] / deep0["examples"][-1]
    full_strict = [last_step(strictly_increasing(r["full"])) for r in runs.values()]
    weight_bias = [r["weight"] / r["bias"] for r in runs.values()]
    start = np.hstack([w[0] for w in weight_bias])
    stuck = [r for (d, _), r in runs.items() if d > 2]
    return {
        "seed": data_["seed"],
        "steps": STEPS,
        "speeds_table": speeds_table(runs),
        "counts_table": counts_table(runs),
        "ratio_start_4": deep5["bias"][0, -1] / deep5["bias"][0, 0],
        "ratio_end_4": deep5["bias"][-1, -1] / deep5["bias"][-1, 0],
        "nielsen_ratio_end_4": NIELSEN_499[4][-1] / NIELSEN_499[4][0],
        "nielsen_last_499_4": NIELSEN_499[4][-1],
        "ratio_end_4_l0": ratio0[-1],
        "examples_ordered": sum(int(strictly_increasing(r["examples"]).sum())
                                for r in runs.values()),
        "total_steps": STEPS * len(runs),
        "full_strict_last": max(full_strict),
        "decay_first_wins": max(_first_dominated(r) for r in runs.values()
                                if r["decay"].any()),
        "weight_over_bias_start": np.median(start),
        "weight_over_bias_start_spread": start.max() / start.min(),
        "weight_bias_vs_input": max(
            np.max(np.abs(r["weight"][0] / r["bias"][0] / data_["inputs"][d] - 1))
            for (d, _), r in runs.items()),
        "weight_over_bias_end": np.median(np.hstack([w[-1] for w in weight_bias])),
        "bias_cancel_start_4": float(np.max(deep5["bias"][0] / deep5["examples"][0])),
        "bias_cancel_end_4": float(np.max(cancel5)),
        "cancel_spread_l5": cancel5.max() / cancel5.min(),
        "cancel_spread_l0": cancel0.max() / cancel0.min(),
        "prior_cost": data_["prior"],
        "cost_start_max": max(r["cost"][0] for r in stuck),
        "cost_end_max_gap": max(r["cost"][-1] / data_["prior"] - 1 for r in stuck),
        "accuracy_end_max": max(r["accuracy"][-1] for r in stuck),
        "accuracy_end_2_l0": runs[(2, 0.0)]["accuracy"][-1],
        "decay_spread_end": max(r["decay"][-1].max() / r["decay"][-1].min()
                                for r in runs.values() if r["decay"].any()),
        **_two_layers(runs),
        **_versus_nielsen(runs),
        **_seeds(data_),
        "frequencies_step_max": max(frequencies_step(r) for r in runs.values()),
        "learned": LEARNED,
        "learned_step": min(int(np.argmax(r["accuracy"] >= LEARNED))
                            for r in runs.values() if r["accuracy"].max() >= LEARNED),
    }


def _two_layers(runs: dict) -> dict:
    """Where the two-hidden-layer speeds bottom out, and how far they rebound:
    the most either rises with λ = 5, the least either rises with λ = 0."""
    out = {}
    for lm, tag, pick in ((5.0, "l5", np.max), (0.0, "l0", np.min)):
        s = runs[(2, lm)]["bias"]
        out[f"bottom_2_{tag}"] = int(s[:, 0].argmin())
        out[f"rebound_2_{tag}"] = float(pick(s[-1] / s.min(axis=0)))
    return out


def _versus_nielsen(runs: dict) -> dict:
    """How far our step-499 speeds (λ = 5) are from his epoch-499 values."""
    factor = {d: runs[(d, 5.0)]["bias"][-1] / np.array(NIELSEN_499[d])
              for d in DEPTHS}
    deep = np.hstack([factor[3], factor[4]])
    return {"deep_499_factor": float(np.max(np.maximum(deep, 1 / deep))),
            "two_499_below": float(np.min(1 / factor[2]))}


def last_step(holds: np.ndarray) -> int:
    """The last step at which a per-step criterion holds (-1 if never)."""
    where = np.flatnonzero(holds)
    return int(where[-1]) if where.size else -1


def _first_dominated(run: dict) -> int:
    """First step from which the decay term outweighs the weight gradient in every
    hidden layer for good."""
    wins = np.all(run["decay"] > run["weight"], axis=1)
    losing = np.flatnonzero(~wins)
    return 0 if losing.size == 0 else int(losing.max()) + 1


# ------------------------------------------------------------------ drawing


def _curves(ax, steps, series, theme, style="-", label=True):
    colours = plotstyle.palette(theme)
    for i, col in enumerate(series.T):  # each line's min/max envelope: fewer points
        name = rf"layer {i + 2} (his $\delta^{{{i + 1}}}$)"  # chapter 5 counts from 1
        ax.semilogy(*envelope(steps, col, BINS), style, color=colours[i],
                    linewidth=1.2, label=name if label else None)


def draw_depth(run: dict, depth: int, theme: str):
    import matplotlib.pyplot as plt

    steps = np.arange(STEPS)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True)
    _curves(left, steps, run["bias"], theme)
    for i, v in enumerate(NIELSEN_499[depth]):
        left.plot(STEPS - 1, v, "x", color=plotstyle.palette(theme)[i], markersize=8,
                  markeredgewidth=2, label="Nielsen, epoch 499" if i == 0 else None)
    _curves(right, steps, run["full"], theme)
    _curves(right, steps, run["decayed"], theme, "--",
            label=False)
    left.set_title("Nielsen's speed of learning", fontsize=10)
    right.set_title(r"layer gradient: solid, with $(\lambda/n)w$ dashed",
                    fontsize=10)
    left.set_ylabel(r"$\|\partial C/\partial b^l\|$")
    right.set_ylabel(r"$\|\delta^l\|$ (layer gradient)")
    right.yaxis.set_label_position("right")  # clear of the left panel
    for ax in (left, right):
        ax.set_xlabel("step (full batch of 1,000)")
    left.legend(fontsize=8, ncols=1 if depth < 4 else 2)
    return fig


def draw_cancel(runs: dict, theme: str):
    import matplotlib.pyplot as plt

    steps = np.arange(STEPS)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True)
    for ax, lm in zip(axes, LAMBDAS):
        _curves(ax, steps, runs[(4, lm)]["bias"], theme)
        _curves(ax, steps, runs[(4, lm)]["examples"], theme, "--",
                label=False)
        ax.set_title(rf"$\lambda = {lm:g}$", fontsize=10)
        ax.set_xlabel("step (full batch of 1,000)")
    axes[0].set_ylabel(r"$\|\mathrm{mean}_x\,\delta^l_{\bullet,x}\|$ (solid), "
                       r"$\mathrm{mean}_x\|\delta^l_{\bullet,x}\|$ (dashed)",
                       fontsize=9)
    axes[1].legend(fontsize=8, ncols=2, loc="center right",
                   bbox_to_anchor=(1.0, 0.3))  # the empty band between the lines
    return fig


def draw(data_: dict, theme: str) -> dict:
    runs = data_["runs"]
    figs = {f"nielsen_training_{d}": draw_depth(runs[(d, 5.0)], d, theme)
            for d in DEPTHS}
    figs["nielsen_training_cancel"] = draw_cancel(runs, theme)
    return figs


# -------------------------------------------------------------------- MNIST


def mnist_report(path: str) -> str:
    """Both tables for Nielsen's own 784-input networks, from MNIST IDX files."""
    x, labels = data.load_mnist(path)
    runs = run_all(x, labels)
    return (
        f"Speed of learning, λ = 5 (seed {SEED}):\n\n"
        f"{speeds_table(runs, source='MNIST')}\n\n"
        f"Steps (of {STEPS}) in which each ordering holds:\n\n{counts_table(runs)}")


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
