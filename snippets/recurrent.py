"""Recurrent networks in Nielsen's notation: a vanilla RNN and an LSTM, with
backpropagation through time.

The same cost and activations as ``backprop.py``; what is new is time. A batch is
an array ``xs`` of shape (T, d, m): T time steps, d input features, m examples
(columns). Parameters are dicts of arrays:

- vanilla RNN: ``W`` (n, n), ``U`` (n, d), ``b`` (n, 1), ``V`` (k, n), ``c`` (k, 1).
  h_0 = 0; z_t = W h_{t−1} + U x_t + b; h_t = f(z_t) for t = 1..T.
- LSTM: ``W_g`` (n, n), ``U_g`` (n, d), ``b_g`` (n, 1) for each gate g in i, f, o, g,
  plus ``V`` and ``c``. i_t, f_t, o_t = σ(W h_{t−1} + U x_t + b) with their own
  parameters, g_t = tanh(…); the cell c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t;
  h_t = o_t ⊙ tanh(c_t); h_0 = c_0 = 0.

Both read out a = σ(V h_T + c) at the last step, and the cost C is
``backprop.cost_value``'s cross-entropy averaged over the m examples, with targets y
of shape (k, m). The backward functions return ``(grads, errors)``: ``grads`` is
shaped like ``params`` and holds ∂C/∂(each parameter) of the averaged C;
``errors[t-1][:, x]`` is, for example x, Nielsen's error at time t, ∂C_x/∂z_t (RNN),
or the cell's error ∂C_x/∂c_t through every path (LSTM). Backpropagation through
time applies BP2 once per step with the same W: that is why the factors become a
power.

The unchecked cores (``_rnn_backward``, ``_lstm_backward``) also run a stack of S
networks at once: every parameter then has a leading axis S, and ``xs``, ``y`` may
have one (T, S, d, m) or share the batch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import backprop

Params = dict[str, np.ndarray]
GATES = ("i", "f", "o", "g")
RNN_KEYS = ("W", "U", "b", "V", "c")
LSTM_KEYS = tuple(f"{p}_{g}" for g in GATES for p in ("W", "U", "b")) + ("V", "c")
SCHEMES = ("gaussian", "orthogonal")


# ------------------------------------------------------------- initialisation


def recurrent_matrix(n: int, rng: np.random.Generator, scheme: str = "gaussian",
                     scale: float = 1.0) -> np.ndarray:
    """An (n, n) recurrent matrix: ``"gaussian"`` entries N(0, scale²/n) (LeCun's
    1/n_in, the site's ``nielsen`` weights), or ``"orthogonal"``: scale times a
    random orthogonal matrix (Saxe et al., 2014), every singular value = scale."""
    _check_size(n=n)
    backprop._check_rng(rng)
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    _check_scale(scale)
    g = rng.normal(size=(n, n))
    if scheme == "gaussian":
        return scale * g / np.sqrt(n)
    q, r = np.linalg.qr(g)
    return scale * q * np.sign(np.diag(r))  # signs fixed: uniform over O(n)


def init_rnn(n: int, d: int, k: int, rng: np.random.Generator,
             scheme: str = "gaussian", scale: float = 1.0) -> Params:
    """A vanilla RNN with n hidden units, d inputs and k outputs.

    Defaults: W from :func:`recurrent_matrix` (N(0, 1/n)); U ~ N(0, 1/d);
    V ~ N(0, 1/n); biases b and c zero.
    """
    _check_size(n=n, d=d, k=k)
    return {"W": recurrent_matrix(n, rng, scheme, scale),
            "U": rng.normal(0.0, 1 / np.sqrt(d), size=(n, d)),
            "b": np.zeros((n, 1)),
            "V": rng.normal(0.0, 1 / np.sqrt(n), size=(k, n)),
            "c": np.zeros((k, 1))}


def init_lstm(n: int, d: int, k: int, rng: np.random.Generator,
              scheme: str = "gaussian", forget_bias: float = 1.0) -> Params:
    """An LSTM with n cells, d inputs and k outputs.

    Defaults: each W_g from :func:`recurrent_matrix` (N(0, 1/n)); U_g ~ N(0, 1/d);
    V ~ N(0, 1/n); biases zero except the forget gate's b_f = ``forget_bias`` = 1
    (Jozefowicz, Zaremba & Sutskever, 2015: σ(1) ≈ 0.73 keeps the cell at first).
    """
    _check_size(n=n, d=d, k=k)
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be finite, got {forget_bias!r}")
    params: Params = {}
    for g in GATES:
        params[f"W_{g}"] = recurrent_matrix(n, rng, scheme)
        params[f"U_{g}"] = rng.normal(0.0, 1 / np.sqrt(d), size=(n, d))
        params[f"b_{g}"] = np.full((n, 1), forget_bias if g == "f" else 0.0)
    params["V"] = rng.normal(0.0, 1 / np.sqrt(n), size=(k, n))
    params["c"] = np.zeros((k, 1))
    return params


# ----------------------------------------------------- the vanilla RNN, BPTT


def rnn_forward(params: Params, xs: np.ndarray, activation: str = "tanh"
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the RNN over ``xs`` (T, d, m); return ``(zs, hs, a)``: zs (T, n, m)
    with zs[t-1] = z_t, hs (T+1, n, m) with hs[0] = h_0 = 0, and the output
    a = σ(V h_T + c) of shape (k, m)."""
    xs = _check_rnn(params, xs, activation)
    return _rnn_forward(params, xs, activation)


def _rnn_forward(p, xs, activation):
    f = backprop.ACTIVATIONS[activation][0]
    h = np.zeros(np.broadcast_shapes(p["b"].shape, (1, xs.shape[-1])))
    zs, hs = [], [h]
    for x in xs:
        z = p["W"] @ h + p["U"] @ x + p["b"]  # (n, m)
        zs.append(z)
        h = f(z)
        hs.append(h)
    a = backprop.sigmoid(p["V"] @ h + p["c"])
    return np.stack(zs), np.stack(hs), a


def rnn_backward(params: Params, xs: np.ndarray, y: np.ndarray,
                 activation: str = "tanh") -> tuple[Params, np.ndarray]:
    """Backpropagation through time; return ``(grads, errors)``.

    ``errors[t-1]`` (n, m) holds ∂C_x/∂z_t of every example x: BP1 at the output,
    then BP2 once per step, δ_t = (Wᵀ δ_{t+1}) ⊙ f′(z_t). ``grads`` sums BP3/BP4
    over the steps (the same W, U, b at every step) and averages over examples.
    """
    xs = _check_rnn(params, xs, activation)
    y = _check_y(y, params, xs)
    return _rnn_backward(params, xs, y, activation)


# --8<-- [start:bptt]
def _rnn_backward(p, xs, y, activation="tanh"):
    zs, hs, a = _rnn_forward(p, xs, activation)
    prime = backprop.ACTIVATIONS[activation][1]
    m = xs.shape[-1]
    delta_out = a - y  # BP1 for cross-entropy with a sigmoid output: σ′ cancels
    g = {"V": delta_out @ hs[-1].mT / m, "c": delta_out.sum(-1, keepdims=True) / m}
    errors = np.empty_like(zs)
    delta = (p["V"].mT @ delta_out) * prime(zs[-1], hs[-1])
    for t in range(len(xs) - 1, -1, -1):  # index t is time step t + 1
        errors[t] = delta
        if t:
            delta = (p["W"].mT @ delta) * prime(zs[t - 1], hs[t])
    g["W"] = np.einsum("t...im,t...jm->...ij", errors, hs[:-1]) / m
    g["U"] = np.einsum("t...im,t...jm->...ij", errors,
                       np.broadcast_to(xs, xs.shape)) / m
    g["b"] = errors.sum(axis=(0, -1))[..., None] / m
    return {key: g[key] for key in RNN_KEYS}, errors
# --8<-- [end:bptt]


def step_gradients(errors: np.ndarray, hs: np.ndarray, xs: np.ndarray
                   ) -> np.ndarray:
    """The per-step analogue of the layer gradient: for each time step t, the
    length of step t's share of ∂C/∂W, ∂C/∂U and ∂C/∂b, i.e. of
    (δ_t h_{t−1}ᵀ, δ_t x_tᵀ, δ_t) averaged over the batch. Summed over t these
    shares are the gradient. Returns shape (T,) (or (T, S) for a stack)."""
    m = xs.shape[-1]
    if errors.ndim > xs.ndim:  # a stack of networks sharing one batch
        xs = xs[:, None]
    w = errors @ hs[:-1].mT / m
    u = errors @ np.broadcast_to(xs, xs.shape).mT / m
    b = errors.sum(-1) / m
    return np.sqrt((w * w).sum((-2, -1)) + (u * u).sum((-2, -1)) + (b * b).sum(-1))


def rnn_cost(params: Params, xs: np.ndarray, y: np.ndarray,
             activation: str = "tanh") -> float:
    """The cost C: cross-entropy of the last output, averaged over examples."""
    a = rnn_forward(params, xs, activation)[2]
    return backprop.cost_value(a, _check_y(y, params, xs))


# ------------------------------------------------------------- the LSTM, BPTT


def lstm_forward(params: Params, xs: np.ndarray) -> tuple[dict, np.ndarray]:
    """Run the LSTM over ``xs`` (T, d, m); return ``(states, a)``. ``states`` holds
    arrays over time: "i", "f", "o", "g" (T, n, m) (and all four stacked as
    "gates", (T, 4n, m)), the cells "c" and the outputs "h" (T+1, n, m) with
    c_0 = h_0 = 0; a = σ(V h_T + c) has shape (k, m)."""
    xs = _check_lstm(params, xs)
    return _lstm_forward(params, xs)


def _joined(p, name):
    """The four gates' W (or U, b) stacked row-wise, in the order i, f, o, g: one
    product then computes every gate's input at once."""
    return np.concatenate([p[f"{name}_{g}"] for g in GATES], axis=-2)


def _lstm_forward(p, xs):
    n = p["W_i"].shape[-2]
    W, U, b = (_joined(p, name) for name in ("W", "U", "b"))
    h = np.zeros(np.broadcast_shapes(p["b_i"].shape, (1, xs.shape[-1])))
    gates, cs, hs = [], [h], [h]
    for x in xs:
        z = W @ h + U @ x + b  # (4n, m): the inputs of gates i, f, o, g
        act = np.concatenate([backprop.sigmoid(z[..., :3 * n, :]),
                              np.tanh(z[..., 3 * n:, :])], axis=-2)
        i, f, o, g = (act[..., q * n:(q + 1) * n, :] for q in range(4))
        cs.append(f * cs[-1] + i * g)
        h = o * np.tanh(cs[-1])
        gates.append(act)
        hs.append(h)
    a = backprop.sigmoid(p["V"] @ h + p["c"])
    gates = np.stack(gates)
    states = {q: gates[..., k * n:(k + 1) * n, :] for k, q in enumerate(GATES)}
    return states | {"gates": gates, "c": np.stack(cs), "h": np.stack(hs)}, a


def lstm_backward(params: Params, xs: np.ndarray, y: np.ndarray
                  ) -> tuple[Params, np.ndarray]:
    """Backpropagation through time in the LSTM; return ``(grads, errors)``.

    ``errors[t-1][:, x]`` = ∂C_x/∂c_t, the total derivative through every path:
    directly into c_{t+1} (times f_{t+1}), and through h_t into every later gate.
    """
    xs = _check_lstm(params, xs)
    y = _check_y(y, params, xs)
    return _lstm_backward(params, xs, y)


# --8<-- [start:lstm]
def _lstm_backward(p, xs, y):
    s, a = _lstm_forward(p, xs)
    n, m = p["W_i"].shape[-2], xs.shape[-1]
    W = _joined(p, "W")
    delta_out = a - y
    g_V, g_c = delta_out @ s["h"][-1].mT / m, delta_out.sum(-1, keepdims=True) / m
    g_W, g_U, g_b = 0.0, 0.0, 0.0  # the four gates' gradients, stacked
    dh = p["V"].mT @ delta_out  # ∂C_x/∂h_T
    dc_next = 0.0  # ∂C_x/∂c_{t+1} · f_{t+1}: the path along the cell
    errors = np.empty_like(s["c"][1:])
    for t in range(len(xs) - 1, -1, -1):  # index t is time step t + 1
        i, f, o, g = (s[q][t] for q in GATES)
        c, c_prev, h_prev = s["c"][t + 1], s["c"][t], s["h"][t]
        tanh_c = np.tanh(c)
        dc = dh * o * backprop.tanh_prime(c, tanh_c) + dc_next
        errors[t] = dc
        # ∂C_x/∂(input of each gate): what the gate multiplies, times its slope
        dz = np.concatenate([dc * g * backprop.sigmoid_prime(None, i),
                             dc * c_prev * backprop.sigmoid_prime(None, f),
                             dh * tanh_c * backprop.sigmoid_prime(None, o),
                             dc * i * backprop.tanh_prime(None, g)], axis=-2)
        g_W = g_W + dz @ h_prev.mT
        g_U = g_U + dz @ xs[t].mT
        g_b = g_b + dz.sum(-1, keepdims=True)
        dh = W.mT @ dz  # through every gate into h_{t-1}
        dc_next = dc * f
    grads = {}
    for k, q in enumerate(GATES):
        rows = slice(k * n, (k + 1) * n)
        for name, total in (("W", g_W), ("U", g_U), ("b", g_b)):
            grads[f"{name}_{q}"] = total[..., rows, :] / m
    return grads | {"V": g_V, "c": g_c}, errors
# --8<-- [end:lstm]


def lstm_cost(params: Params, xs: np.ndarray, y: np.ndarray) -> float:
    """The cost C of the LSTM's last output, averaged over examples."""
    a = lstm_forward(params, xs)[1]
    return backprop.cost_value(a, _check_y(y, params, xs))


# ------------------------------------------------------------------- training


def to_list(params: Params) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """The one place where a dict of parameters becomes the list the optimizers
    take: ``(keys, arrays)`` in the contract's order. :func:`from_list` inverts."""
    keys = RNN_KEYS if "W" in params else LSTM_KEYS
    missing = set(keys) - set(params)
    if missing or len(params) != len(keys):
        raise ValueError(f"parameters must have exactly the keys {keys}, got "
                         f"{tuple(params)}")
    return keys, [params[key] for key in keys]


def from_list(keys: tuple[str, ...], arrays: list[np.ndarray]) -> Params:
    """The dict of parameters named ``keys`` from the list ``arrays``."""
    if len(keys) != len(arrays):
        raise ValueError(f"{len(keys)} keys but {len(arrays)} arrays")
    return dict(zip(keys, arrays, strict=True))


BACKWARD: dict[str, Callable] = {"rnn": _rnn_backward, "lstm": _lstm_backward}


def train(params: Params, xs: np.ndarray, y: np.ndarray, *, optimizer,
          steps: int, batch_size: int, rng: np.random.Generator,
          record: Callable | None = None) -> tuple[Params, list]:
    """Train an RNN or LSTM (told apart by its keys) for ``steps`` mini-batch
    steps of ``optimizer`` (from ``optimizers.make``), each on ``batch_size``
    examples drawn without replacement by ``rng``. After each step
    ``record(step, params, grads)`` is called; ``history`` holds its results.
    Works on a stack of networks too (a leading axis S on every parameter)."""
    backprop._check_positive(steps=steps, batch_size=batch_size)
    backprop._check_rng(rng)
    if not hasattr(optimizer, "step"):
        raise TypeError("optimizer must have a .step(params, grads) method, e.g. "
                        "optimizers.make('adam', eta)")
    keys, arrays = to_list(params)
    kind = "rnn" if keys == RNN_KEYS else "lstm"
    xs, y = backprop._check_array(xs, "xs"), backprop._check_array(y, "y")
    n = xs.shape[-1]
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} exceeds the {n} examples")
    history = []
    for step in range(steps):
        batch = rng.choice(n, size=batch_size, replace=False)
        grads, _ = BACKWARD[kind](from_list(keys, arrays), xs[..., batch],
                                  y[..., batch])
        arrays = optimizer.step(arrays, [grads[key] for key in keys])
        if record is not None:
            history.append(record(step, from_list(keys, arrays), grads))
    return from_list(keys, arrays), history


# ------------------------------------------------------------ input checking


def _check_size(**sizes) -> None:
    for name, v in sizes.items():
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {v!r}")
        if v < 1:
            raise ValueError(f"{name} must be at least 1, got {v!r}")


def _check_scale(scale) -> None:
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.number)):
        raise TypeError(f"scale must be a number, got {scale!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be positive and finite, got {scale!r}")


def _check_params(params, keys: tuple[str, ...], n_of: Callable) -> dict:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of numpy arrays, got "
                        f"{type(params).__name__}")
    if set(params) != set(keys):
        raise ValueError(f"params must have exactly the keys {keys}, got "
                         f"{tuple(params)}")
    p = {key: backprop._check_array(params[key], f"params[{key!r}]")
         for key in keys}
    n, k = p[n_of("W")].shape[0], p["V"].shape[0]
    d = p[n_of("U")].shape[-1]
    expected = {"W": (n, n), "U": (n, d), "b": (n, 1), "V": (k, n), "c": (k, 1)}
    for key in keys:
        want = expected[key.split("_")[0]]
        if p[key].shape != want:
            raise ValueError(f"params[{key!r}] has shape {p[key].shape}, expected "
                             f"{want} (n={n} hidden units, d={d} inputs, k={k} "
                             f"outputs)")
    return p


def _check_xs(xs, d: int) -> np.ndarray:
    xs = backprop._check_array(xs, "xs")
    if xs.ndim != 3 or xs.shape[1] != d or min(xs.shape) < 1:
        raise ValueError(f"xs has shape {xs.shape}, expected (T, {d}, m): time "
                         f"steps, {d} input features, m examples")
    return xs


def _check_rnn(params, xs, activation) -> np.ndarray:
    p = _check_params(params, RNN_KEYS, lambda key: key)
    backprop._activation(activation, "activation")
    return _check_xs(xs, p["U"].shape[1])


def _check_lstm(params, xs) -> np.ndarray:
    p = _check_params(params, LSTM_KEYS, lambda key: f"{key}_i")
    return _check_xs(xs, p["U_i"].shape[1])


def _check_y(y, params, xs) -> np.ndarray:
    y = backprop._check_array(y, "y")
    backprop._check_target_shape(y, (params["V"].shape[0], xs.shape[-1]))
    if np.any((y < 0) | (y > 1)):
        raise ValueError("y must lie in [0, 1]: the cross-entropy cost needs targets "
                         "between 0 and 1")
    return y
