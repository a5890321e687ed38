"""Tests for ``snippets/optimizers.py``: the first three steps of each optimizer
against values worked out by hand from the update rules (the intermediate numbers
are written out as literals), its state, and its refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers

ETA = 0.1
P0 = 1.0
GRADS = (0.5, -1.0, 2.0)  # three successive gradients of one parameter


def three_steps(name, grads=GRADS, p0=P0, eta=ETA, **hyper):
    opt = optimizers.make(name, eta, **hyper)
    p, out = [np.array([p0])], []
    for g in grads:
        p = opt.step(p, [np.array([g])])
        out.append(float(p[0][0]))
    return out


def test_sgd_first_three_steps():
    # p ← p − 0.1 g: 1 − 0.05, then + 0.1, then − 0.2
    assert three_steps("sgd") == pytest.approx([0.95, 1.05, 0.85], abs=1e-15)


def test_momentum_first_three_steps():
    # v = 0.5; 0.9·0.5 − 1 = −0.55; 0.9·(−0.55) + 2 = 1.505; p ← p − 0.1 v
    assert three_steps("momentum") == pytest.approx([0.95, 1.005, 0.8545],
                                                    abs=1e-15)


def test_rmsprop_first_three_steps():
    # v = 0.01·0.25 = 0.0025; 0.99·0.0025 + 0.01·1 = 0.012475;
    # 0.99·0.012475 + 0.01·4 = 0.05235025; p ← p − 0.1 g/(√v + 1e-8)
    p1 = 1 - 0.1 * 0.5 / (0.05 + 1e-8)
    p2 = p1 + 0.1 / (math.sqrt(0.012475) + 1e-8)
    p3 = p2 - 0.2 / (math.sqrt(0.05235025) + 1e-8)
    assert three_steps("rmsprop") == pytest.approx([p1, p2, p3], rel=1e-12)
    # the first step of RMSProp is ±η/√(1 − α) = ±1 whatever the gradient's size
    assert 1 - p1 == pytest.approx(1.0, rel=1e-6)


def test_adam_first_three_steps():
    # m: 0.05, −0.055, 0.1505; v: 0.00025, 0.00124975, 0.00524850025;
    # bias corrections 1 − 0.9^t: 0.1, 0.19, 0.271; 1 − 0.999^t: 0.001, 0.001999,
    # 0.002997001; p ← p − 0.1 m̂/(√v̂ + 1e-8)
    p1 = 1 - 0.1 * (0.05 / 0.1) / (math.sqrt(0.00025 / 0.001) + 1e-8)
    p2 = p1 - 0.1 * (-0.055 / 0.19) / (math.sqrt(0.00124975 / 0.001999) + 1e-8)
    p3 = p2 - 0.1 * (0.1505 / 0.271) / (
        math.sqrt(0.00524850025 / 0.002997001) + 1e-8)
    assert three_steps("adam") == pytest.approx([p1, p2, p3], rel=1e-12)
    assert 1 - p1 == pytest.approx(0.1, rel=1e-6)  # Adam's first step is ±η


def test_adam_and_rmsprop_when_eps_dominates():
    g = 1e-9  # a gradient below ε = 1e-8
    # Adam: m̂ = g, v̂ = g² at every t, so each step is η g/(g + ε) = η/11
    steps = np.diff([P0, *three_steps("adam", grads=(g,) * 3)])
    np.testing.assert_allclose(steps, -ETA / 11, rtol=1e-9)
    # ε outside the root: with ε inside (√(v̂ + ε)) the step would be ~η·1e-5
    assert abs(steps[0]) > 1e3 * ETA * g / math.sqrt(g * g + 1e-8)
    # RMSProp: v = 0.01 g², 0.0199 g², 0.029701 g²; step η g/(√v + ε)
    expected = [-ETA * g / (math.sqrt(c) * g + 1e-8)
                for c in (0.01, 0.0199, 0.029701)]
    steps = np.diff([P0, *three_steps("rmsprop", grads=(g,) * 3)])
    np.testing.assert_allclose(steps, expected, rtol=1e-7)
    # far below ε the step is proportional to the gradient again: η g / ε
    tiny = np.diff([P0, *three_steps("adam", grads=(1e-13,) * 3)])
    np.testing.assert_allclose(tiny, -ETA * 1e-13 / (1e-13 + 1e-8), rtol=1e-6)
    assert abs(tiny[0]) == pytest.approx(ETA * 1e-5, rel=1e-4)


def test_elementwise_on_several_arrays_and_stacks():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 1))]
    grads = [rng.normal(size=p.shape) for p in params]
    for name in optimizers.NAMES:
        new = optimizers.make(name, ETA).step(params, grads)
        for p, g, q in zip(params, grads, new, strict=True):
            for index in [(0, 0, 0), (1, 2, 0)]:
                single = three_steps(name, grads=(g[index],), p0=p[index])[0]
                assert q[index] == pytest.approx(single, rel=1e-12)


def test_the_callers_arrays_are_untouched_and_new_arrays_returned():
    params, grads = [np.ones((2, 2)), np.zeros((2, 1))], [np.ones((2, 2)),
                                                          np.ones((2, 1))]
    before = [a.copy() for a in params + grads]
    for name in optimizers.NAMES:
        opt = optimizers.make(name, ETA)
        new = opt.step(params, grads)
        new = opt.step(new, grads)
        assert all(n is not p for n, p in zip(new, params, strict=True))
        for a, b in zip(params + grads, before, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_each_optimizer_keeps_its_own_state(name):
    # two instances stepped alternately give what each gives alone
    alone = three_steps(name)
    first, second = optimizers.make(name, ETA), optimizers.make(name, ETA)
    p, q = [np.array([P0])], [np.array([P0])]
    got = []
    for g in GRADS:
        p = first.step(p, [np.array([g])])
        q = second.step(q, [np.array([-5 * g])])
        got.append(float(p[0][0]))
    assert got == pytest.approx(alone, rel=1e-15)
    assert first.t == second.t == 3
    # and the state matters: a fresh optimizer's step differs from a used one's
    fresh = optimizers.make(name, ETA).step([np.array([P0])], [np.array([0.5])])
    used = first.step([np.array([P0])], [np.array([0.5])])
    assert fresh[0][0] != used[0][0]


def test_state_is_for_one_set_of_shapes():
    opt = optimizers.make("adam", ETA)
    opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="one optimizer per set"):
        opt.step([np.zeros(4)], [np.ones(4)])


@pytest.mark.parametrize("name, eta, hyper, error, match", [
    ("adagrad", 0.1, {}, ValueError, "unknown optimizer"),
    ("Adam", 0.1, {}, ValueError, "unknown optimizer"),
    (None, 0.1, {}, ValueError, "unknown optimizer"),
    ("sgd", 0.0, {}, ValueError, "eta must be positive"),
    ("sgd", -1.0, {}, ValueError, "eta must be positive"),
    ("sgd", float("nan"), {}, ValueError, "finite"),
    ("sgd", "0.1", {}, TypeError, "eta must be a number"),
    ("sgd", True, {}, TypeError, "eta must be a number"),
    ("sgd", 0.1, {"mu": 0.9}, ValueError, "no hyper-parameter"),
    ("adam", 0.1, {"mu": 0.9}, ValueError, "no hyper-parameter"),
    ("momentum", 0.1, {"mu": 1.0}, ValueError, r"mu must lie in \[0, 1\)"),
    ("momentum", 0.1, {"mu": -0.1}, ValueError, "mu must lie"),
    ("rmsprop", 0.1, {"alpha": 1.5}, ValueError, "alpha must lie"),
    ("rmsprop", 0.1, {"eps": 0.0}, ValueError, "eps must be positive"),
    ("adam", 0.1, {"beta2": 1.0}, ValueError, "beta2 must lie"),
    ("adam", 0.1, {"beta1": float("inf")}, ValueError, "finite"),
    ("adam", 0.1, {"eps": "small"}, TypeError, "eps must be a number"),
])
def test_bad_names_and_hyper_parameters_are_refused(name, eta, hyper, error,
                                                    match):
    with pytest.raises(error, match=match):
        optimizers.make(name, eta, **hyper)


def test_bad_steps_are_refused():
    opt = optimizers.make("sgd", ETA)
    with pytest.raises(TypeError, match="list of numpy arrays"):
        opt.step(np.zeros(2), [np.zeros(2)])
    with pytest.raises(ValueError, match="one gradient per array"):
        opt.step([np.zeros(2)], [np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match="shape"):
        opt.step([np.zeros(2)], [np.zeros(3)])


def test_defaults_are_pytorchs():
    assert optimizers.make("momentum", 1.0).hyper == {"mu": 0.9}
    assert optimizers.make("rmsprop", 1.0).hyper == {"alpha": 0.99, "eps": 1e-8}
    assert optimizers.make("adam", 1.0).hyper == {"beta1": 0.9, "beta2": 0.999,
                                                  "eps": 1e-8}
    assert optimizers.make("adam", 1e-3, eps=1e-6).hyper["eps"] == 1e-6
