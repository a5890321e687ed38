"""The data behind the gradient explorer: per-layer gradients of many networks.

For every combination of depth (1 to 10 hidden layers of 30 neurons), hidden
activation, initialization scheme and weight-scale multiplier, a 64-30-...-30-10
network with sigmoid outputs and the cross-entropy cost is trained by mini-batch SGD
on the first 1,000 bundled 8x8 digits. At a few checkpoints both measures of every
hidden layer l are taken on all 1,000 training examples: the norm of the gradient in
the l-th layer, ||δ^l|| (all ∂C/∂w^l_jk and ∂C/∂b^l_j), and Nielsen's speed of
learning ||∂C/∂b^l|| (biases only). No figure: ``files()`` writes ``explorer.json``,
which the page's JavaScript draws.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator

import numpy as np

import backprop
import data
import plotstyle
import stacked

SEED = 5
DEPTHS = tuple(range(1, 11))  # hidden layers
ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = ("nielsen", "large", "xavier", "he")
SCALES = (0.5, 1.0, 2.0)  # multiply every weight after init_params
CHECKPOINTS = (0, 10, 30, 100, 200)  # SGD steps (mini-batches) taken so far
WIDTH = 30  # neurons per hidden layer
N_TRAIN = 1000
BATCH_SIZE = 100  # so one epoch is 10 steps and every checkpoint ends an epoch
ETA = 0.1
LMBDA = 5.0
DIGITS = 4  # significant digits kept in the JSON
MEASURES = ("gradient", "speed")
LABELS = {  # what the explorer's menus show
    "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
    "nielsen": "Nielsen: w ~ N(0, 1/n_in), b ~ N(0, 1)",
    "large": "large: w ~ N(0, 1), b ~ N(0, 1)",
    "xavier": "Xavier: w ~ N(0, 2/(n_in + n_out)), b = 0",
    "he": "He: w ~ N(0, 2/n_in), b = 0",
}

FIGURES = {}

Digits = tuple[np.ndarray, np.ndarray]
Params = list[np.ndarray]


def digits() -> Digits:
    """``(x, y)``: Nielsen's first 1,000 examples, targets as one-hot columns."""
    x, labels = data.load_digits()
    x_train, l_train, _, _ = data.nielsen_split(x, labels, N_TRAIN)
    return x_train, data.one_hot(l_train)


def settings_seed(layers: int) -> int:
    """The seed of every network with ``layers`` hidden layers. Activations and
    scales share it, so for one depth and scheme they start from the same draw."""
    return SEED * 1000 + layers


def key(layers: int, activation: str, init: str, scale: float) -> str:
    """The name of a setting in ``explorer.json``, e.g. ``"4/sigmoid/nielsen/1"``."""
    return f"{layers}/{activation}/{init}/{scale:g}"


# --8<-- [start:core]
def network(layers: int, init: str, scale: float, seed: int | None = None
            ) -> tuple[Params, Params, np.random.Generator]:
    """Initial ``(weights, biases)`` and the generator that then shuffles batches."""
    rng = np.random.default_rng(settings_seed(layers) if seed is None else seed)
    sizes = [64] + [WIDTH] * layers + [10]
    weights, biases = backprop.init_params(sizes, rng, init)
    return [scale * w for w in weights], biases, rng


def both_measures(weights: Params, biases: Params, x: np.ndarray, y: np.ndarray,
                  activation: str) -> tuple[np.ndarray, np.ndarray, float | None]:
    """||δ^l|| (weights and biases) and Nielsen's ||∂C/∂b^l|| for each hidden
    layer l = 2..L-1, on the whole batch ``x``; and the accuracy on that batch."""
    nabla_w, nabla_b, errors = backprop.backward(weights, biases, x, y, activation)
    hidden = range(2, len(weights) + 1)  # book layers 2..L-1
    gradient = [np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                for l in hidden]
    # BP1 for cross-entropy: δ^L = a^L − y, so the outputs come for free.
    outputs = errors[-1] + y
    correct = outputs.argmax(axis=0) == y.argmax(axis=0)
    hit = float(np.mean(correct)) if np.all(np.isfinite(outputs)) else None
    return np.array(gradient), backprop.speeds(nabla_b), hit


def measure_one(layers: int, activation: str, init: str, scale: float,
                digits: Digits, seed: int | None = None) -> dict:
    """Train one network through the checkpoints, measuring at each of them.

    A checkpoint the training never reaches, because the weights became infinite
    or NaN, is recorded as ``None``: the network diverged.
    """
    x, y = digits
    weights, biases, rng = network(layers, init, scale, seed)
    out = {"gradient": [], "speed": [], "accuracy": []}
    done = 0
    with np.errstate(all="ignore"):  # overflow is expected, and recorded
        for step in CHECKPOINTS:
            if weights is not None and step > done:
                weights, biases = sgd(weights, biases, x, y, activation,
                                      (step - done) // (N_TRAIN // BATCH_SIZE), rng)
            done = step
            if weights is None:  # diverged
                for name in out:
                    out[name].append(None)
                continue
            gradient, speed, hit = both_measures(weights, biases, x, y, activation)
            out["gradient"].append(gradient)
            out["speed"].append(speed)
            out["accuracy"].append(hit)
    return out


def sgd(weights: Params, biases: Params, x: np.ndarray, y: np.ndarray,
        activation: str, epochs: int, rng: np.random.Generator):
    """``epochs`` more epochs of backprop.train, or ``(None, None)`` if the weights
    stopped being finite numbers."""
    weights, biases, _ = backprop.train(
        weights, biases, x, y, epochs=epochs, batch_size=BATCH_SIZE, eta=ETA,
        lmbda=LMBDA, rng=rng, activation=activation)
    if not all(np.all(np.isfinite(p)) for p in weights + biases):
        return None, None
    return weights, biases
# --8<-- [end:core]


def ratio(values: np.ndarray | None) -> float | None:
    """First hidden layer's value over the last's; None when undefined."""
    if values is None or not np.all(np.isfinite(values)) or values[-1] == 0:
        return None
    return float(values[0] / values[-1])


def settings() -> Iterator[tuple[int, str, str, float]]:
    """Every (layers, activation, init, scale) the explorer offers."""
    for layers in DEPTHS:
        for activation in ACTIVATIONS:
            for init in INITS:
                for scale in SCALES:
                    yield layers, activation, init, scale


def measure_stack(layers: int, activation: str, digits: Digits) -> dict:
    """``measure_one`` of every (init, scale) for one depth and activation, with
    the networks trained side by side as one stack (stacked.py): the same
    numbers, for a fraction of the time."""
    x, y = digits
    settings_ = [(init, scale) for init in INITS for scale in SCALES]
    nets = [network(layers, init, scale) for init, scale in settings_]
    weights, biases = stacked.stack([(w, b) for w, b, _ in nets])
    rngs = [rng for _, _, rng in nets]
    out = {s: {"gradient": [], "speed": [], "accuracy": []} for s in settings_}
    alive = list(settings_)  # the settings still in the stack, in its order
    done = 0
    with np.errstate(all="ignore"):  # overflow is expected, and recorded
        for step in CHECKPOINTS:
            if step > done and alive:
                weights, biases, _ = stacked.train(
                    weights, biases, x, y, epochs=(step - done) * BATCH_SIZE // N_TRAIN,
                    batch_size=BATCH_SIZE, eta=ETA, lmbda=LMBDA, rngs=rngs,
                    activation=activation)
            done = step
            measured = (_stack_measures(weights, biases, x, y, activation)
                        if alive else [])
            found = dict(zip(alive, measured, strict=True))
            for s in settings_:  # a network gone from the stack has diverged
                gradient, speed, hit = found.get(s, (None, None, None))
                out[s]["gradient"].append(gradient)
                out[s]["speed"].append(speed)
                out[s]["accuracy"].append(hit)
            # drop the networks that diverged: they would train on as NaN
            keep = [i for i, m in enumerate(measured) if m[0] is not None]
            weights, biases = [w[keep] for w in weights], [b[keep] for b in biases]
            rngs, alive = [rngs[i] for i in keep], [alive[i] for i in keep]
    return {key(layers, activation, *s): run for s, run in out.items()}


def _stack_measures(weights, biases, x, y, activation) -> list:
    """both_measures of every network in the stack; (None, None, None) for one
    whose parameters are no longer finite (it diverged)."""
    nabla_w, nabla_b, errors = stacked.backward(weights, biases, x, y, activation)
    # squared norms per hidden layer and network: shape (hidden layers, S)
    w2 = np.array([np.sum(g * g, axis=(-2, -1)) for g in nabla_w[:-1]])
    b2 = np.array([np.sum(g * g, axis=(-2, -1)) for g in nabla_b[:-1]])
    gradient, speed = np.sqrt(w2 + b2).T, np.sqrt(b2).T  # (S, hidden layers)
    outputs = errors[-1] + y
    finite = np.all([np.isfinite(p).all(axis=(-2, -1)) for p in weights + biases],
                    axis=0)
    result = []
    for s in range(len(finite)):
        if not finite[s]:
            result.append((None, None, None))
            continue
        hit = (float(np.mean(outputs[s].argmax(axis=0) == y.argmax(axis=0)))
               if np.all(np.isfinite(outputs[s])) else None)
        result.append((gradient[s], speed[s], hit))
    return result


def measure() -> dict:
    d = digits()
    runs = {}
    for layers in DEPTHS:
        for activation in ACTIVATIONS:
            runs |= measure_stack(layers, activation, d)
    return {key(*s): runs[key(*s)] for s in settings()}


# ------------------------------------------------------------ the JSON file


def rounded(value) -> float | None:
    """``value`` to DIGITS significant digits; None for NaN and infinity."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return float(f"{value:.{DIGITS - 1}e}")


def _setting_json(run: dict) -> dict:
    out = {}
    for name in MEASURES:
        out[name] = [None if v is None else [rounded(x) for x in v]
                     for v in run[name]]
        out[f"{name}_ratio"] = [rounded(ratio(v)) for v in run[name]]
    out["accuracy"] = [rounded(a) for a in run["accuracy"]]
    return out


def explorer_json(measured: dict) -> dict:
    """The document the page loads: the menus' choices and every setting's data."""
    return {
        "depths": list(DEPTHS),
        "activations": list(ACTIVATIONS),
        "inits": list(INITS),
        "scales": list(SCALES),
        "checkpoints": list(CHECKPOINTS),
        "measures": list(MEASURES),
        "labels": LABELS,
        "training": {"n": N_TRAIN, "batch_size": BATCH_SIZE, "eta": ETA,
                     "lmbda": LMBDA, "width": WIDTH, "seed": SEED},
        "settings": {k: _setting_json(run) for k, run in measured.items()},
    }


def files(measured: dict) -> dict[str, str]:
    text = json.dumps(explorer_json(measured), separators=(",", ":"),
                      allow_nan=False)
    return {"explorer.json": text}


def diverged(run: dict) -> bool:
    return run["gradient"][-1] is None


def _factor(measured: dict, setting: tuple, name: str) -> float:
    """How many times smaller the first hidden layer's value is than the last's,
    at step 0."""
    return 1 / ratio(measured[key(*setting)][name][0])


def _two_figures(v: float) -> int:
    """A large number rounded to two significant figures, e.g. 112,899 → 110,000."""
    return int(float(f"{v:.2g}"))


def values(measured: dict) -> dict:
    size = len(files(measured)["explorer.json"].encode())
    runs = list(measured.values())
    sigmoid4 = (4, "sigmoid", "nielsen", 1.0)
    sigmoid6 = (6, "sigmoid", "nielsen", 1.0)
    relu_large = (10, "relu", "large", 1.0)
    return {
        "sigmoid4_speed_factor": _factor(measured, sigmoid4, "speed"),
        "sigmoid6_gradient_factor": _factor(measured, sigmoid6, "gradient"),
        "sigmoid6_speed_factor": _factor(measured, sigmoid6, "speed"),
        "relu_large_speed_ratio": 1 / _factor(measured, relu_large, "speed"),
        # the same, to two significant figures: one random draw, not a constant
        "relu_large_speed_ratio_2sf": _two_figures(
            1 / _factor(measured, relu_large, "speed")),
        "relu_large_gradient_ratio": 1 / _factor(measured, relu_large, "gradient"),
        "n_settings": len(runs),
        "n_diverged": sum(diverged(r) for r in runs),
        "json_kb": size / 1000,
        "width": WIDTH,
        "n_train": N_TRAIN,
        "batch_size": BATCH_SIZE,
        "eta": ETA,
        "lmbda": LMBDA,
        "steps_per_epoch": N_TRAIN // BATCH_SIZE,
        "last_step": CHECKPOINTS[-1],
        "epochs": CHECKPOINTS[-1] * BATCH_SIZE // N_TRAIN,
        "checkpoints": ", ".join(str(c) for c in CHECKPOINTS),
        "scales": ", ".join(f"{s:g}" for s in SCALES),
        "max_depth": DEPTHS[-1],
    }


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
