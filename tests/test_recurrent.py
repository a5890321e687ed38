"""Tests for ``snippets/recurrent.py``, each against an independent oracle.

The oracle for every derivative is a central finite difference of a cost computed by
the reference forward passes below, written here from the equations and sharing no
code with the module: z_t = W h_{t−1} + U x_t + b, h_t = f(z_t); the LSTM's gates,
c_t = f_t c_{t−1} + i_t g_t, h_t = o_t tanh(c_t); a = σ(V h_T + c); C the mean over
examples of −[y ln a + (1 − y) ln(1 − a)]. An error ∂C_x/∂z_t (or ∂C_x/∂c_t) is
found by nudging z_t (or c_t) of example x alone: since C is a mean over the m
examples, ∂C/∂(z_t of example x) = ∂C_x/∂z_t / m.
"""

from __future__ import annotations

import numpy as np
import pytest

import recurrent as rec

STEP = 1e-4
RTOL, ATOL = 1e-6, 1e-10
REF_F = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "identity": lambda z: z}


def ref_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def ref_cost(a, y):
    return float(np.mean(np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)), axis=0)))


def ref_rnn(p, xs, y, activation="tanh", nudge=None):
    """C of the RNN; ``nudge=(t, j, x, d)`` adds d to z_t[j, x] (t from 1)."""
    f = REF_F[activation]
    h = np.zeros((p["W"].shape[0], xs.shape[2]))
    for t, x in enumerate(xs, start=1):
        z = p["W"] @ h + p["U"] @ x + p["b"]
        if nudge is not None and nudge[0] == t:
            z = z.copy()
            z[nudge[1], nudge[2]] += nudge[3]
        h = f(z)
    return ref_cost(ref_sigmoid(p["V"] @ h + p["c"]), y)


def ref_lstm(p, xs, y, nudge=None):
    """C of the LSTM; ``nudge=(t, j, x, d)`` adds d to the cell c_t[j, x]."""
    n, m = p["W_i"].shape[0], xs.shape[2]
    h, c = np.zeros((n, m)), np.zeros((n, m))
    for t, x in enumerate(xs, start=1):
        pre = {g: p[f"W_{g}"] @ h + p[f"U_{g}"] @ x + p[f"b_{g}"] for g in "ifog"}
        c = (ref_sigmoid(pre["f"]) * c
             + ref_sigmoid(pre["i"]) * np.tanh(pre["g"]))
        if nudge is not None and nudge[0] == t:
            c = c.copy()
            c[nudge[1], nudge[2]] += nudge[3]
        h = ref_sigmoid(pre["o"]) * np.tanh(c)
    return ref_cost(ref_sigmoid(p["V"] @ h + p["c"]), y)


def central(f, h=STEP):
    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)


def numerical_grads(cost, params):
    params = {k: v.copy() for k, v in params.items()}
    grads = {}
    for key, p in params.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            def at(d, p=p, idx=idx, old=p[idx]):
                p[idx] = old + d
                value = cost(params)
                p[idx] = old
                return value
            g[idx] = central(at)
        grads[key] = g
    return grads


def numerical_errors(cost, shape, m):
    T, n = shape[0], shape[1]
    errors = np.zeros(shape)
    for t, j, x in np.ndindex(T, n, m):
        errors[t, j, x] = m * central(lambda d, t=t, j=j, x=x: cost((t + 1, j, x, d)))
    return errors


def problem(kind, seed, n=3, d=2, k=2, m=4, T=5, scale=1.0):
    rng = np.random.default_rng(seed)
    if kind == "rnn":
        params = rec.init_rnn(n, d, k, rng, scale=scale)
    else:
        params = rec.init_lstm(n, d, k, rng)
    # random biases too, so that every derivative is exercised
    for key in params:
        if key.startswith(("b", "c")):
            params[key] = params[key] + 0.3 * rng.normal(size=params[key].shape)
    xs = rng.normal(size=(T, d, m))
    y = rng.uniform(size=(k, m))
    return params, xs, y


# ------------------------------------------------------------- the gradients


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
@pytest.mark.parametrize("seed", [0, 1])
def test_rnn_backward_matches_finite_differences(activation, seed):
    params, xs, y = problem("rnn", seed)
    grads, errors = rec.rnn_backward(params, xs, y, activation)
    expected = numerical_grads(lambda p: ref_rnn(p, xs, y, activation), params)
    assert tuple(grads) == rec.RNN_KEYS
    for key in params:
        assert grads[key].shape == params[key].shape
        np.testing.assert_allclose(grads[key], expected[key], rtol=RTOL, atol=ATOL,
                                   err_msg=key)
    expected_errors = numerical_errors(
        lambda nudge: ref_rnn(params, xs, y, activation, nudge), errors.shape,
        xs.shape[2])
    np.testing.assert_allclose(errors, expected_errors, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_backward_matches_finite_differences(seed):
    params, xs, y = problem("lstm", seed)
    grads, errors = rec.lstm_backward(params, xs, y)
    expected = numerical_grads(lambda p: ref_lstm(p, xs, y), params)
    assert set(grads) == set(rec.LSTM_KEYS)
    for key in params:
        assert grads[key].shape == params[key].shape
        np.testing.assert_allclose(grads[key], expected[key], rtol=RTOL, atol=ATOL,
                                   err_msg=key)


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_errors_are_total_derivatives_of_each_example_cost_wrt_the_cell(seed):
    params, xs, y = problem("lstm", seed)
    _, errors = rec.lstm_backward(params, xs, y)
    expected = numerical_errors(lambda nudge: ref_lstm(params, xs, y, nudge),
                                errors.shape, xs.shape[2])
    np.testing.assert_allclose(errors, expected, rtol=RTOL, atol=ATOL)


def test_gradient_check_detects_a_wrong_gradient():
    # The oracle must be able to fail: a wrong W (transposed) gives other numbers.
    params, xs, y = problem("rnn", 3)
    wrong = dict(params, W=params["W"].T.copy())
    grads, _ = rec.rnn_backward(wrong, xs, y)
    expected = numerical_grads(lambda p: ref_rnn(p, xs, y), params)
    assert not np.allclose(grads["W"], expected["W"], rtol=RTOL, atol=ATOL)


def test_costs_match_the_reference():
    params, xs, y = problem("rnn", 4)
    assert rec.rnn_cost(params, xs, y) == pytest.approx(ref_rnn(params, xs, y))
    params, xs, y = problem("lstm", 4)
    assert rec.lstm_cost(params, xs, y) == pytest.approx(ref_lstm(params, xs, y))


def test_step_gradients_sum_to_the_gradient_and_are_step_shares():
    params, xs, y = problem("rnn", 5, T=6)
    grads, errors = rec.rnn_backward(params, xs, y)
    zs, hs, _ = rec.rnn_forward(params, xs)
    norms = rec.step_gradients(errors, hs, xs)
    assert norms.shape == (6,)
    m = xs.shape[2]
    shares = [np.concatenate([(errors[t] @ hs[t].T / m).ravel(),
                              (errors[t] @ xs[t].T / m).ravel(),
                              errors[t].mean(axis=1)]) for t in range(6)]
    np.testing.assert_allclose(norms, [np.linalg.norm(s) for s in shares])
    total = np.sum(shares, axis=0)
    n, d = params["U"].shape
    np.testing.assert_allclose(total[: n * n], grads["W"].ravel())
    np.testing.assert_allclose(total[n * n: n * n + n * d], grads["U"].ravel())


def test_a_stack_of_networks_gives_each_network_its_own_result():
    rng = np.random.default_rng(7)
    stack = [rec.init_rnn(4, 2, 1, rng) for _ in range(3)]
    xs, y = rng.normal(size=(6, 2, 5)), rng.uniform(size=(1, 5))
    stacked = {key: np.stack([p[key] for p in stack]) for key in rec.RNN_KEYS}
    grads, errors = rec._rnn_backward(stacked, xs, y)
    for s, p in enumerate(stack):
        g, e = rec.rnn_backward(p, xs, y)
        np.testing.assert_allclose(errors[:, s], e)
        for key in rec.RNN_KEYS:
            np.testing.assert_allclose(grads[key][s], g[key])
    lstms = [rec.init_lstm(4, 2, 1, rng) for _ in range(2)]
    stacked = {key: np.stack([p[key] for p in lstms]) for key in rec.LSTM_KEYS}
    grads, errors = rec._lstm_backward(stacked, xs, y)
    for s, p in enumerate(lstms):
        g, e = rec.lstm_backward(p, xs, y)
        np.testing.assert_allclose(errors[:, s], e)
        np.testing.assert_allclose(grads["W_f"][s], g["W_f"])


# ------------------------------------------------------------ initialisation


def test_gaussian_recurrent_matrix_has_variance_one_over_n():
    w = rec.recurrent_matrix(400, np.random.default_rng(0))
    assert w.var() * 400 == pytest.approx(1.0, rel=0.02)
    assert abs(w.mean()) < 0.01


def test_orthogonal_recurrent_matrix_has_every_singular_value_equal_to_scale():
    w = rec.recurrent_matrix(30, np.random.default_rng(0), "orthogonal", scale=0.9)
    np.testing.assert_allclose(np.linalg.svd(w, compute_uv=False), 0.9)


def test_lstm_default_forget_bias_is_one_and_other_biases_zero():
    p = rec.init_lstm(5, 3, 2, np.random.default_rng(0))
    assert np.all(p["b_f"] == 1.0)
    assert all(np.all(p[f"b_{g}"] == 0) for g in "iog") and np.all(p["c"] == 0)
    assert rec.init_lstm(5, 3, 2, np.random.default_rng(0),
                         forget_bias=0.0)["b_f"].max() == 0


def test_rnn_shapes_follow_the_contract():
    p = rec.init_rnn(5, 3, 2, np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {
        "W": (5, 5), "U": (5, 3), "b": (5, 1), "V": (2, 5), "c": (2, 1)}
    xs = np.zeros((4, 3, 6))
    zs, hs, a = rec.rnn_forward(p, xs)
    assert zs.shape == (4, 5, 6) and hs.shape == (5, 5, 6) and a.shape == (2, 6)
    assert np.all(hs[0] == 0)


def test_dicts_and_lists_convert_both_ways_in_contract_order():
    p = rec.init_lstm(3, 2, 1, np.random.default_rng(0))
    keys, arrays = rec.to_list(p)
    assert keys == rec.LSTM_KEYS and arrays[0] is p["W_i"]
    assert rec.from_list(keys, arrays) == p
    with pytest.raises(ValueError, match="keys"):
        rec.to_list({"W": p["W_i"]})


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("change, error, match", [
    (lambda p, xs, y: (dict(p, W=p["W"][:2]), xs, y), ValueError, "params\\['W'\\]"),
    (lambda p, xs, y: ({k: v for k, v in p.items() if k != "b"}, xs, y),
     ValueError, "keys"),
    (lambda p, xs, y: (p, xs[:, :1], y), ValueError, "xs has shape"),
    (lambda p, xs, y: (p, xs[0], y), ValueError, "xs has shape"),
    (lambda p, xs, y: (p, xs, y[:, :2]), ValueError, "y has shape"),
    (lambda p, xs, y: (p, xs, y + 2), ValueError, "\\[0, 1\\]"),
    (lambda p, xs, y: (p, xs * np.nan, y), ValueError, "non-finite"),
    (lambda p, xs, y: (p, xs.tolist(), y), TypeError, "numpy array"),
    (lambda p, xs, y: (list(p.values()), xs, y), TypeError, "dict"),
])
def test_rnn_backward_refuses_bad_input(change, error, match):
    params, xs, y = problem("rnn", 0)
    with pytest.raises(error, match=match):
        rec.rnn_backward(*change(params, xs, y))


def test_bad_options_are_refused():
    rng = np.random.default_rng(0)
    params, xs, y = problem("rnn", 0)
    with pytest.raises(ValueError, match="unknown activation"):
        rec.rnn_backward(params, xs, y, activation="softplus")
    with pytest.raises(ValueError, match="unknown scheme"):
        rec.init_rnn(3, 2, 1, rng, scheme="xavier")
    with pytest.raises(ValueError, match="n must be at least 1"):
        rec.init_rnn(0, 2, 1, rng)
    with pytest.raises(TypeError, match="integer"):
        rec.init_lstm(3.0, 2, 1, rng)
    with pytest.raises(ValueError, match="scale"):
        rec.recurrent_matrix(3, rng, scale=-1.0)
    with pytest.raises(TypeError, match="Generator"):
        rec.init_rnn(3, 2, 1, 0)
    lstm, xs, y = problem("lstm", 0)
    with pytest.raises(ValueError, match="params\\['U_f'\\]"):
        rec.lstm_backward(dict(lstm, U_f=lstm["U_f"][:, :1]), xs, y)


# ------------------------------------------------------------------- training


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_one_sgd_step_on_the_full_batch_is_params_minus_eta_grads(kind):
    import optimizers

    params, xs, y = problem(kind, 8)
    backward = rec.rnn_backward if kind == "rnn" else rec.lstm_backward
    grads, _ = backward(params, xs, y)
    new, history = rec.train(params, xs, y, optimizer=optimizers.make("sgd", 0.1),
                             steps=1, batch_size=xs.shape[2],
                             rng=np.random.default_rng(0),
                             record=lambda step, p, g: step)
    assert history == [0]
    for key in params:
        np.testing.assert_allclose(new[key], params[key] - 0.1 * grads[key])


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_adam_training_lowers_the_cost(kind):
    import optimizers

    params, xs, _ = problem(kind, 9, m=16)
    y = (xs[0, :1] > 0).astype(float) * np.ones((2, 1))  # recall the first input
    cost = rec.rnn_cost if kind == "rnn" else rec.lstm_cost
    new, _ = rec.train(params, xs, y, optimizer=optimizers.make("adam", 0.05),
                       steps=100, batch_size=8, rng=np.random.default_rng(0))
    assert cost(new, xs, y) < 0.5 * cost(params, xs, y)


def test_train_refuses_bad_input():
    import optimizers

    params, xs, y = problem("rnn", 0)
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="step"):
        rec.train(params, xs, y, optimizer="adam", steps=1, batch_size=2, rng=rng)
    with pytest.raises(ValueError, match="batch_size"):
        rec.train(params, xs, y, optimizer=optimizers.make("adam", 0.1), steps=1,
                  batch_size=99, rng=rng)
    with pytest.raises(ValueError, match="steps"):
        rec.train(params, xs, y, optimizer=optimizers.make("adam", 0.1), steps=0,
                  batch_size=2, rng=rng)
