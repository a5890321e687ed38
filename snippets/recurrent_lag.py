"""A long-lag task: recall the first input after T − 1 steps of distractors.

The task, the success criterion and the seeds were fixed before the first run.
Each sequence has one input per step: x_1 = ±1 (the bit to recall), then T − 1
distractors drawn from N(0, 1); the target is 1 if x_1 = +1, else 0, read at the
last step. For T = 5, 10, 20, 40, a vanilla tanh RNN (W ~ N(0, 1/n)) and an LSTM
(forget-gate bias 1), both with n = 8 units and the initializers' defaults, are
trained with Adam (η = 0.01, PyTorch's defaults otherwise) for the same number of
mini-batch steps on the same training sequences, 8 networks (seeds) of each at once.
A network succeeds if it classifies at least 90% of 512 held-out sequences
correctly (chance is 50%).

Beside it, the gradient measurement that explains it: at initialization, how much
of the error at the last step reaches step 1, ‖∂C_x/∂z_1‖ / ‖∂C_x/∂z_T‖ (RNN) or
‖∂C_x/∂c_1‖ / ‖∂C_x/∂c_T‖ (LSTM).
"""

import sys

import numpy as np

import optimizers
import plotstyle
import recurrent
from recurrent_time import geometric_mean, relative_norms, stack

SEED = 0
LAGS = (5, 10, 20, 40)  # sequence lengths T
N = 8  # hidden units (LSTM: cells)
N_SEEDS = 8  # networks of each kind per T
N_TRAIN, N_TEST = 512, 512
STEPS, BATCH, ETA = 300, 32, 0.01
SUCCESS = 0.9  # held-out accuracy that counts as solved
KINDS = {"rnn": "vanilla RNN", "lstm": "LSTM, forget bias 1"}

FIGURES = {
    "recurrent_lag": plotstyle.Figure(
        alt="Two charts against the sequence length T = 5, 10, 20, 40. Left, the "
        "held-out accuracy of each of 8 vanilla RNNs and 8 LSTMs after the same "
        "training budget, with a dotted line at the 90% that counts as solved: "
        "all above it at T = 5 and 10; at T = 20 a few vanilla networks below "
        "it; at T = 40 most networks of both kinds near chance, 50%. Right, on a "
        "logarithmic axis, "
        "the fraction of the last step's error that reaches step 1 at "
        "initialization, falling with T for both, more slowly for the LSTM.",
        caption=r"Recall the first of \(T\) inputs. Left: held-out accuracy per "
        r"network after training with Adam (dotted: the 90% success criterion). "
        r"Right: at initialization, \(\lVert\partial C_x/\partial z_1\rVert / "
        r"\lVert\partial C_x/\partial z_T\rVert\) (RNN) or the same for the cell "
        r"\(c_t\) (LSTM), geometric mean over networks and examples.",
    ),
}


# --8<-- [start:core]
def recall_task(rng: np.random.Generator, T: int, m: int):
    """m sequences (T, 1, m): x_1 = ±1, then T − 1 distractors from N(0, 1);
    targets y (1, m) = 1 where x_1 = +1."""
    bit = rng.integers(0, 2, size=m)
    xs = rng.normal(size=(T, 1, m))
    xs[0, 0] = 2.0 * bit - 1
    return xs, bit[None].astype(float)


def output(kind: str, params: dict, xs: np.ndarray) -> np.ndarray:
    if kind == "rnn":
        return recurrent._rnn_forward(params, xs, "tanh")[2]
    return recurrent._lstm_forward(params, xs)[1]


def run(kind: str, T: int, rng: np.random.Generator) -> dict:
    """Train N_SEEDS networks on one lag; held-out accuracy per network and the
    first-step fraction of the error at initialization."""
    xs, y = recall_task(rng, T, N_TRAIN)
    x_test, y_test = recall_task(rng, T, N_TEST)
    init = recurrent.init_rnn if kind == "rnn" else recurrent.init_lstm
    params = stack([init(N, 1, 1, rng) for _ in range(N_SEEDS)])
    _, errors = recurrent.BACKWARD[kind](params, x_test, y_test)
    reach = geometric_mean(relative_norms(errors)[0], axis=None)
    trained, _ = recurrent.train(params, xs, y, steps=STEPS, batch_size=BATCH,
                                 optimizer=optimizers.make("adam", ETA), rng=rng)
    correct = (output(kind, trained, x_test) > 0.5) == (y_test > 0.5)
    return {"accuracy": correct.mean(axis=(-2, -1)), "reach": float(reach)}
# --8<-- [end:core]


def measure() -> dict:
    rng = np.random.default_rng(SEED)
    return {T: {kind: run(kind, T, rng) for kind in KINDS} for T in LAGS}


def values(d: dict) -> dict:
    out = {"n": N, "n_seeds": N_SEEDS, "steps": STEPS, "batch": BATCH, "eta": ETA,
           "n_train": N_TRAIN, "n_test": N_TEST, "success": SUCCESS,
           "lags": ", ".join(map(str, LAGS[:-1])) + f" and {LAGS[-1]}"}
    for T, runs in d.items():
        for kind, r in runs.items():
            out[f"{kind}_{T}_solved"] = int((r["accuracy"] >= SUCCESS).sum())
            out[f"{kind}_{T}_reach"] = plotstyle.number(r["reach"], 2)
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.2))
    lags = np.array(list(d))
    for i, (kind, label) in enumerate(KINDS.items()):
        offset = (i - 0.5) * 0.12
        for j, T in enumerate(lags):
            acc = d[T][kind]["accuracy"]
            left.plot(np.full(acc.shape, j + offset), acc, "o", color=colours[i],
                      markersize=3.5, alpha=0.8, label=label if j == 0 else None)
        right.semilogy(lags, [d[T][kind]["reach"] for T in lags], "o-",
                       color=colours[i], label=label)
    left.axhline(SUCCESS, color=plotstyle.ink(theme), linestyle=":", linewidth=1)
    left.set_xticks(range(len(lags)), [str(T) for T in lags])
    left.set_ylim(0.4, 1.02)
    left.set_xlabel("sequence length $T$")
    left.set_ylabel("held-out accuracy")
    left.legend(fontsize=7.5, loc="lower left")
    right.set_xticks(lags, [str(T) for T in lags])
    right.set_xlabel("sequence length $T$")
    right.set_ylabel("error at step 1 / at step $T$")
    fig.tight_layout()
    return {"recurrent_lag": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
