"""Tests for ``snippets/stacked.py``: a stack of networks trains as the same
networks trained one by one with ``backprop`` (the oracle)."""

import numpy as np
import pytest

import backprop
import optimizers
import stacked

SIZES = [5, 4, 4, 3]


def networks(count, scheme="nielsen", seed=0):
    """``count`` networks of SIZES and, for each, the generator that shuffles."""
    out = []
    for s in range(count):
        rng = np.random.default_rng(seed + s)
        out.append((*backprop.init_params(SIZES, rng, scheme), rng))
    return out


def data(m=11, seed=9):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (SIZES[0], m)), rng.uniform(0, 1, (SIZES[-1], m))


def test_stack_and_unstack_are_inverse():
    nets = [(w, b) for w, b, _ in networks(3)]
    weights, biases = stacked.stack(nets)
    assert [w.shape for w in weights] == [(3, 4, 5), (3, 4, 4), (3, 3, 4)]
    assert [b.shape for b in biases] == [(3, 4, 1), (3, 4, 1), (3, 3, 1)]
    for (w, b), (w2, b2) in zip(nets, stacked.unstack(weights, biases), strict=True):
        for p, q in zip(w + b, w2 + b2, strict=True):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_backward_of_a_stack_is_backward_of_each_network(activation):
    nets = networks(4)
    x, y = data()
    got = stacked.backward(*stacked.stack([(w, b) for w, b, _ in nets]), x, y,
                           activation)
    for s, (w, b, _) in enumerate(nets):
        expected = backprop.backward(w, b, x, y, activation)
        for part, want in zip(got, expected, strict=True):
            for g, e in zip(part, want, strict=True):
                np.testing.assert_allclose(g[s], e, rtol=1e-12, atol=1e-15)


def test_each_network_on_its_own_batch_is_backward_of_that_network():
    nets = networks(3)
    rng = np.random.default_rng(7)
    x = rng.uniform(size=(3, 5, 4))  # network s gets the 4 examples x[s]
    y = rng.uniform(size=(3, 3, 4))
    got = stacked.backward(*stacked.stack([(w, b) for w, b, _ in nets]), x, y)
    for s, (w, b, _) in enumerate(nets):
        expected = backprop.backward(w, b, x[s], y[s])
        for part, want in zip(got, expected, strict=True):
            for g, e in zip(part, want, strict=True):
                np.testing.assert_allclose(g[s], e, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation, lmbda, clip", [
    ("sigmoid", 0.0, None), ("tanh", 2.0, None), ("relu", 1.0, 0.3),
    ("sigmoid", 1.0, np.array([np.inf, 0.2, 0.05])),
])
def test_training_a_stack_is_training_each_network_alone(activation, lmbda, clip):
    x, y = data()
    nets, again = networks(3, "xavier"), networks(3, "xavier")
    seen = []
    weights, biases, history = stacked.train(
        *stacked.stack([(w, b) for w, b, _ in nets]), x, y, epochs=3, batch_size=4,
        eta=0.5, lmbda=lmbda, rngs=[r for *_, r in nets], clip=clip,
        record=seen.append, activation=activation)
    assert len(history) == 3 * 3  # ceil(11 / 4) steps per epoch
    for s, (w, b, rng) in enumerate(again):
        threshold = None if clip is None else np.broadcast_to(clip, 3)[s]
        alone = []
        w1, b1, _ = backprop.train(
            w, b, x, y, epochs=3, batch_size=4, eta=0.5, lmbda=lmbda, rng=rng,
            clip=None if threshold == np.inf else threshold,
            record=alone.append, activation=activation)
        for p, q in zip(w1 + b1, weights + biases, strict=True):
            np.testing.assert_allclose(q[s], p, rtol=1e-12, atol=1e-15)
        for u_stack, u in zip(seen, alone, strict=True):
            np.testing.assert_array_equal(u_stack.batch[s], u.batch)
            assert u_stack.norm[s] == pytest.approx(u.norm, rel=1e-12)
            for p, q in zip(u.delta_w + u.delta_b + list(u.extras[0]),
                            u_stack.delta_w + u_stack.delta_b
                            + list(u_stack.extras[0]), strict=True):
                np.testing.assert_allclose(q[s], p, rtol=1e-12, atol=1e-15)
    if clip is not None:  # the clip acted on some step of some network
        assert any(np.any(u.norm > clip) for u in seen)


def test_a_diverging_network_does_not_disturb_the_others():
    x, y = data()
    nets = networks(3)
    weights, biases = stacked.stack([(w, b) for w, b, _ in nets])
    weights[0][1, 0, 0] = np.inf  # network 1 has already diverged
    with np.errstate(all="ignore"):
        weights, biases, _ = stacked.train(
            weights, biases, x, y, epochs=2, batch_size=5, eta=0.5,
            rngs=[r for *_, r in nets], activation="relu")
    for s in (0, 2):
        w, b, rng = networks(3)[s]
        w1, b1, _ = backprop.train(w, b, x, y, epochs=2, batch_size=5, eta=0.5,
                                   rng=rng, activation="relu")
        for p, q in zip(w1 + b1, weights + biases, strict=True):
            np.testing.assert_allclose(q[s], p, rtol=1e-12, atol=1e-15)
    assert not all(np.isfinite(p[1]).all() for p in weights + biases)


BAD = {
    "not stacked": (lambda w, b, x, y, r: stacked.train(
        [a[0] for a in w], [a[0] for a in b], x, y, epochs=1, batch_size=2,
        eta=0.1, rngs=r), ValueError, r"must be a stack of matrices"),
    "stacks of different sizes": (lambda w, b, x, y, r: stacked.train(
        [*w[:2], w[2][:2]], b, x, y, epochs=1, batch_size=2, eta=0.1, rngs=r),
        ValueError, r"parameter array 2 stacks 2 networks, weights\[0\] stacks 3"),
    "one rng short": (lambda w, b, x, y, r: stacked.train(
        w, b, x, y, epochs=1, batch_size=2, eta=0.1, rngs=r[:2]),
        ValueError, r"2 generators for a stack of 3 networks"),
    "x rows": (lambda w, b, x, y, r: stacked.backward(w, b, x[:4], y),
               ValueError, r"x has shape \(4, 11\), expected \(5, m\)"),
    "y rows": (lambda w, b, x, y, r: stacked.backward(w, b, x, y[:2]),
               ValueError, r"y has shape \(2, 11\), expected \(3, 11\)"),
    "a batch short": (lambda w, b, x, y, r: stacked.backward(
        w, b, np.stack([x, x]), np.stack([y, y])),
        ValueError, r"x holds 2 batches for a stack of 3 networks"),
    "own y's rows": (lambda w, b, x, y, r: stacked.backward(
        w, b, np.stack([x] * 3), np.stack([y[:2]] * 3)),
        ValueError, r"y has shape \(3, 2, 11\), expected \(3, 3, 11\)"),
    "own batches in train": (lambda w, b, x, y, r: stacked.train(
        w, b, np.stack([x] * 3), np.stack([y] * 3), epochs=1, batch_size=2,
        eta=0.1, rngs=r), ValueError, r"x has shape \(3, 5, 11\)"),
    "clip 0": (lambda w, b, x, y, r: stacked.train(
        w, b, x, y, epochs=1, batch_size=2, eta=0.1, rngs=r, clip=0.0),
        ValueError, r"clip must be positive"),
    "rng a seed": (lambda w, b, x, y, r: stacked.train(
        w, b, x, y, epochs=1, batch_size=2, eta=0.1, rngs=[0, 1, 2]),
        TypeError, r"rng must be a numpy.random.Generator"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_raises_an_error_naming_the_problem(case):
    call, error, match = BAD[case]
    nets = networks(3)
    weights, biases = stacked.stack([(w, b) for w, b, _ in nets])
    with pytest.raises(error, match=match):
        call(weights, biases, *data(), [r for *_, r in nets])


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_a_stack_with_an_optimizer_trains_as_each_network_with_its_own(name):
    nets = networks(3)
    x, y = data()
    weights, biases = stacked.stack([(w, b) for w, b, _ in nets])
    rngs = [np.random.default_rng(100 + s) for s in range(3)]
    got_w, got_b, _ = stacked.train(weights, biases, x, y, epochs=2, batch_size=4,
                                    optimizer=optimizers.make(name, 0.05),
                                    rngs=rngs)
    for s, (w, b, _) in enumerate(nets):
        want_w, want_b, _ = backprop.train(
            w, b, x, y, epochs=2, batch_size=4, optimizer=optimizers.make(name, 0.05),
            rng=np.random.default_rng(100 + s))
        for got, want in zip([g[s] for g in got_w + got_b], want_w + want_b,
                             strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)
    with pytest.raises(ValueError, match="weight decay"):
        stacked.train(weights, biases, x, y, epochs=1, batch_size=4, lmbda=1.0,
                      optimizer=optimizers.make(name, 0.05), rngs=rngs)
