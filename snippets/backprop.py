"""A small, vectorised backpropagation module in Michael Nielsen's notation.

Every figure and number on this site is computed with this file. It follows the
layout of Nielsen's ``network.py`` (*Neural Networks and Deep Learning*) and favours
clarity over speed, but works on a whole batch at once instead of looping over
examples.

Layout (``l`` is the book's layer number; layer 1 is the input layer):

- ``weights[i]`` has shape ``(sizes[i+1], sizes[i])``; ``weights[l-2][j-1, k-1]`` is
  w^l_jk, the weight from neuron k in layer l-1 to neuron j in layer l.
- ``biases[i]`` has shape ``(sizes[i+1], 1)``; ``biases[l-2][j-1, 0]`` is b^l_j.
- A batch of m inputs is a matrix ``x`` of shape ``(sizes[0], m)``, one column per
  example; targets ``y`` have shape ``(sizes[-1], m)``.

Two different deltas appear below. ``errors[l-2]`` holds Nielsen's error
δ^l_j = ∂C/∂z^l_j for every example. ``layer_gradient(..., l)`` is "the gradient in
the l-th layer": every ∂C/∂w^l_jk and ∂C/∂b^l_j of layer l in one vector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

Params = list[np.ndarray]

# ---------------------------------------------------------------- activations
# Each activation sits next to its derivative. A derivative takes z and, if the
# forward pass already has it, a = f(z): σ′ and tanh′ are written in terms of a, so
# backward reuses the forward pass's activations instead of computing f(z) again.


def sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(−z) overflows to inf for z < −709, and 1/(1 + inf) = 0 is then the right
    # limit: the warning is silenced, not the result. (Twice as fast as via tanh.)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """σ′(z) = σ(z)(1 − σ(z)); at most 1/4, reached at z = 0."""
    s = sigmoid(z) if a is None else a
    return s * (1.0 - s)


def tanh_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """tanh′(z) = 1 − tanh²(z); at most 1, reached at z = 0."""
    t = np.tanh(z) if a is None else a
    return 1.0 - t * t


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """1 where z > 0, else 0: at the kink z = 0 we take 0, by convention."""
    return (z > 0).astype(float)


def identity(z: np.ndarray) -> np.ndarray:
    return z


def identity_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    return np.ones_like(z)


ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (np.tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
}
COSTS = ("quadratic", "cross_entropy")
SCHEMES = ("nielsen", "large", "xavier", "he", "gaussian", "orthogonal")
SCALED_SCHEMES = ("gaussian", "orthogonal")  # these take sigma_w2 and sigma_b2


# ------------------------------------------------------------- initialisation


def init_params(
    sizes: Sequence[int], rng: np.random.Generator, scheme: str = "nielsen", *,
    sigma_w2: float | None = None, sigma_b2: float | None = None,
) -> tuple[Params, Params]:
    """Random ``(weights, biases)`` for a network of the given layer sizes.

    Schemes (normal distributions, given by their variances):
    ``"nielsen"`` weights N(0, 1/n_in), biases N(0, 1) (his ``network2`` default);
    ``"large"`` weights and biases N(0, 1) (his ``network.py``);
    ``"xavier"`` weights N(0, 2/(n_in + n_out)), biases 0 (Glorot & Bengio, 2010);
    ``"he"`` weights N(0, 2/n_in), biases 0 (He et al., 2015).
    The two schemes of signal-propagation theory need ``sigma_w2`` and
    ``sigma_b2`` (the others refuse them), and draw biases N(0, σ_b²):
    ``"gaussian"`` weights N(0, σ_w²/n_in) (σ_w² = σ_b² = 1 is ``"nielsen"``,
    draw for draw); ``"orthogonal"`` weights √σ_w² times a random orthogonal
    matrix (Haar distributed), so that w wᵀ = σ_w² I when n_out ≤ n_in and
    wᵀ w = σ_w² I otherwise (Saxe et al., 2014).
    """
    _check_sizes(sizes)
    _check_rng(rng)
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    _check_scheme_variances(scheme, sigma_w2, sigma_b2)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        if scheme == "orthogonal":
            weights.append(np.sqrt(sigma_w2) * _haar_orthogonal(n_out, n_in, rng))
        else:
            w_var = {"nielsen": 1 / n_in, "large": 1.0, "xavier": 2 / (n_in + n_out),
                     "he": 2 / n_in, "gaussian": (sigma_w2 or 0.0) / n_in}[scheme]
            weights.append(rng.normal(0.0, np.sqrt(w_var), size=(n_out, n_in)))
        if scheme in ("nielsen", "large") or scheme in SCALED_SCHEMES:
            b_var = 1.0 if sigma_b2 is None else sigma_b2
            biases.append(rng.normal(0.0, np.sqrt(b_var), size=(n_out, 1)))
        else:
            biases.append(np.zeros((n_out, 1)))
    return weights, biases


def _haar_orthogonal(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """An (n_out, n_in) matrix with orthonormal rows or columns, Haar distributed:
    Q of the QR of a Gaussian matrix, each column times the sign of R's diagonal
    (without that fix Q is not uniformly distributed; Mezzadri 2007)."""
    a = rng.normal(size=(max(n_out, n_in), min(n_out, n_in)))
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q if n_out >= n_in else q.T


def _check_scheme_variances(scheme: str, sigma_w2, sigma_b2) -> None:
    given = {"sigma_w2": sigma_w2, "sigma_b2": sigma_b2}
    if scheme not in SCALED_SCHEMES:
        if any(v is not None for v in given.values()):
            raise ValueError(f"scheme {scheme!r} fixes its own variances; sigma_w2 "
                             f"and sigma_b2 are for {SCALED_SCHEMES}")
        return
    for name, v in given.items():
        if v is None:
            raise ValueError(f"scheme {scheme!r} needs {name}")
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)):
            raise TypeError(f"{name} must be a number, got {v!r}")
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite variance >= 0, got {v!r}")


# ---------------------------------------------------------- forward, backward
# The public functions check their input, then call an unchecked core (_forward,
# _backward) that train also uses. The core is written with ``.mT`` (the transpose
# of the last two axes, which is ``.T`` for a matrix) and sums over ``axis=-1``, so
# that it also runs a whole stack of networks at once (stacked.py).


def forward(
    weights: Params,
    biases: Params,
    x: np.ndarray,
    activation: str = "sigmoid",
    output: str = "sigmoid",
) -> tuple[Params, Params]:
    """Feed the batch ``x`` forward; return ``(zs, activations)``.

    ``zs[i]`` is z^l and ``activations[i+1]`` is a^l for book layer l = i + 2;
    ``activations[0]`` is ``x`` itself.
    """
    x = _check_network(weights, biases, x)
    _activation(activation, "activation")
    _activation(output, "output")
    return _forward(weights, biases, x, activation, output)


def _forward(weights, biases, x, activation, output):
    f_hidden, f_out = ACTIVATIONS[activation][0], ACTIVATIONS[output][0]
    zs, activations = [], [x]
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = w @ activations[-1]
        z += b  # (n_l, m); in place, the same sum without a second array
        zs.append(z)
        activations.append(f_out(z) if i == len(weights) - 1 else f_hidden(z))
    return zs, activations


def cost_value(
    a: np.ndarray, y: np.ndarray, cost: str = "cross_entropy"
) -> float:
    """The unregularised cost C, averaged over the m examples (columns)."""
    if cost == "quadratic":
        return float(0.5 * np.sum((a - y) ** 2) / a.shape[1])
    if cost == "cross_entropy":
        # −[y ln a + (1 − y) ln(1 − a)]; a saturated output that is wrong costs +inf
        # (Nielsen's nan_to_num would report 1.8e308 instead).
        terms = -(_xlogy(y, a) + _xlogy(1 - y, 1 - a))
        return float(np.sum(terms) / a.shape[1])
    raise ValueError(f"unknown cost {cost!r}; choose one of {COSTS}")


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x·ln y elementwise, with 0·ln 0 = 0 (the limit): where x = 0, y is
    replaced by 1, whose logarithm is 0."""
    with np.errstate(divide="ignore"):
        return x * np.log(np.where(x == 0, 1.0, y))


def backward(
    weights: Params,
    biases: Params,
    x: np.ndarray,
    y: np.ndarray,
    activation: str = "sigmoid",
    output: str = "sigmoid",
    cost: str = "cross_entropy",
) -> tuple[Params, Params, Params]:
    """Backpropagation (BP1-BP4) over a batch; return ``(nabla_w, nabla_b, errors)``.

    ``nabla_w``/``nabla_b`` are ∂C/∂w and ∂C/∂b of the unregularised cost averaged
    over the m examples, shaped like ``weights``/``biases``. ``errors[i]`` holds
    Nielsen's error vector δ^l_• (entries δ^l_j = ∂C/∂z^l_j) of every example,
    shape ``(sizes[i+1], m)``, for book layer l = i + 2.
    """
    x = _check_network(weights, biases, x)
    _check_options(activation, output, cost)
    y = _check_array(y, "y")
    _check_target_shape(y, (weights[-1].shape[0], x.shape[1]))
    return _backward(weights, biases, x, y, activation, output, cost)


def _backward(weights, biases, x, y, activation="sigmoid", output="sigmoid",
              cost="cross_entropy"):
    zs, activations = _forward(weights, biases, x, activation, output)
    m = x.shape[-1]
    # BP1: the output error. For cross-entropy with sigmoid outputs σ' cancels.
    if cost == "cross_entropy":
        delta = activations[-1] - y
    else:
        delta = (activations[-1] - y) * ACTIVATIONS[output][1](zs[-1],
                                                               activations[-1])
    errors = [delta]
    # BP2: move the error back one layer at a time.
    prime = ACTIVATIONS[activation][1]
    for w, z, a in zip(reversed(weights[1:]), reversed(zs[:-1]),
                       reversed(activations[1:-1]), strict=True):
        delta = (w.mT @ delta) * prime(z, a)
        errors.insert(0, delta)
    # BP3 and BP4, averaged over the batch.
    nabla_b = [d.sum(axis=-1, keepdims=True) / m for d in errors]
    nabla_w = [d @ a.mT / m
               for d, a in zip(errors, activations[:-1], strict=True)]
    return nabla_w, nabla_b, errors


# ----------------------------------------------------------- the two measures


def layer_gradient(nabla_w: Params, nabla_b: Params, l: int) -> np.ndarray:
    """The gradient in the l-th layer (book numbering, l ≥ 2) as one vector.

    All ∂C/∂w^l_jk in row-major order (j, then k), followed by all ∂C/∂b^l_j.
    For a layer of 2 neurons fed by 2 neurons that is 6 numbers.
    """
    if isinstance(l, bool) or not isinstance(l, (int, np.integer)):
        raise TypeError(f"layer l must be an integer, got {type(l).__name__}")
    if not 2 <= l <= len(nabla_w) + 1:
        raise ValueError(
            f"layer l={l} does not exist: this network has layers 2 to "
            f"{len(nabla_w) + 1} (layer 1 is the input and has no parameters)"
        )
    return np.concatenate([nabla_w[l - 2].ravel(), nabla_b[l - 2].ravel()])


def speeds(nabla_b: Params) -> np.ndarray:
    """Nielsen's speed of learning of each hidden layer: ||∂C/∂b^l|| for l = 2..L-1."""
    return np.array([np.linalg.norm(nb) for nb in nabla_b[:-1]])


# ------------------------------------------------------------------- training

Gradient = Callable[..., tuple]


def global_norm(nabla_w: Params, nabla_b: Params) -> float:
    """The length of the whole gradient: every ∂C/∂w and ∂C/∂b at once."""
    return float(_norms(nabla_w, nabla_b))


def clip_by_norm(
    nabla_w: Params, nabla_b: Params, threshold: float
) -> tuple[Params, Params]:
    """Gradient clipping: the same direction, shortened to length ``threshold``
    when it is longer (Pascanu et al., 2013)."""
    return _clip(nabla_w, nabla_b, threshold, _norms(nabla_w, nabla_b))


def _norms(nabla_w, nabla_b) -> np.ndarray:
    """The global norm of each network (one number, or one per network of a stack)."""
    return np.sqrt(sum(np.sum(g * g, axis=(-2, -1)) for g in [*nabla_w, *nabla_b]))


def _clip(nabla_w, nabla_b, threshold, norm):
    with np.errstate(divide="ignore"):  # norm 0 is never clipped
        scale = np.where(norm > threshold, threshold / norm, 1.0)[..., None, None]
    return [scale * g for g in nabla_w], [scale * g for g in nabla_b]


def sgd_step(params: Params, grads: Params, eta: float, decay: float) -> Params:
    """One gradient step ``p ← decay·p − η·g`` on every array in ``params``."""
    return [decay * p - eta * g for p, g in zip(params, grads, strict=True)]


@runtime_checkable
class Optimizer(Protocol):
    """What ``train(optimizer=...)`` needs: an η and one ``step`` per update
    (``optimizers.make`` builds them; backprop does not import that module)."""

    eta: float

    def step(self, params: Params, grads: Params) -> Params: ...


@dataclass(frozen=True)
class Update:
    """What ``train`` tells ``record`` about one mini-batch step."""

    step: int  # counted from 0 over all epochs
    batch: np.ndarray  # the mini-batch: indices of its examples (columns of x)
    weights: Params  # the parameters before the step
    biases: Params
    nabla_w: Params  # the mini-batch's gradient as computed, before any clipping
    nabla_b: Params
    extras: tuple  # the gradient function's further outputs; backward: (errors,)
    norm: float  # global norm of (nabla_w, nabla_b), before any clipping
    delta_w: Params  # the change the step made: new weights minus old
    delta_b: Params


def train(
    weights: Params,
    biases: Params,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    eta: float | None = None,
    lmbda: float = 0.0,
    rng: np.random.Generator,
    record: Callable | None = None,
    gradient: Gradient | None = None,
    clip: float | None = None,
    optimizer: Optimizer | None = None,
    **net_options,
) -> tuple[Params, Params, list]:
    """Mini-batch SGD with L2 weight decay, as in Nielsen's ``network2``.

    Each epoch shuffles the n examples with ``rng``; every mini-batch then gives
    one step ``w ← (1 − ηλ/n)·w − η·nabla_w``, ``b ← b − η·nabla_b``. With
    ``clip=τ`` the gradient is first shortened to global norm τ when it is longer
    (:func:`clip_by_norm`). With ``optimizer`` (``optimizers.make(...)``) each
    mini-batch is instead one ``optimizer.step`` over ``[*weights, *biases]``, with
    the optimizer's own η and state (kept across calls of ``train``); ``eta`` may
    then be left out, and a different ``eta`` or ``lmbda > 0`` is refused.
    After each step ``record(update)`` is called with an
    :class:`Update`; ``history`` holds what it returned. Returns new
    ``(weights, biases, history)``.

    ``gradient(weights, biases, x_batch, y_batch, **net_options)`` must return
    ``(nabla_w, nabla_b, ...)``; it defaults to :func:`backward`, and other
    architectures (batch norm, residual nets) pass their own. ``biases`` then
    stands for the parameters that get no weight decay. The inputs are checked
    once, not at every step: a run whose parameters overflow goes on with inf or
    nan (numpy warns); a ``record`` can stop it by raising.
    """
    eta = _check_optimizer(optimizer, eta, lmbda)
    _check_positive(epochs=epochs, batch_size=batch_size, eta=eta)
    _check_rng(rng)
    if gradient is None or gradient is backward:
        x = _check_network(weights, biases, x)
        _check_options(**net_options)
        gradient = _backward
    else:
        x = _check_array(x, "x")
    y = _check_array(y, "y")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"x has {x.shape[-1]} examples (columns) but y has {y.shape[-1]}"
        )
    if gradient is _backward:
        _check_target_shape(y, (weights[-1].shape[0], x.shape[1]))
    _check_decay(lmbda)
    if clip is not None:
        _check_positive(clip=clip)
    n = x.shape[-1]
    return _sgd(weights, biases, x, y, lambda: rng.permutation(n), gradient,
                epochs=epochs, batch_size=batch_size, eta=eta, lmbda=lmbda,
                record=record, clip=clip, optimizer=optimizer, **net_options)


def _check_optimizer(optimizer, eta, lmbda) -> float:
    """train's η: its own without an optimizer, else the optimizer's (which a
    different ``eta`` or any weight decay would contradict)."""
    if optimizer is None:
        if eta is None:
            raise TypeError("eta must be a number, got None (train needs eta, or "
                            "an optimizer that has one)")
        return eta
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must have an eta and a step(params, grads), as "
                        f"optimizers.make(...) gives; got {type(optimizer).__name__}")
    if eta is not None and eta != optimizer.eta:
        raise ValueError(f"eta={eta!r} contradicts the optimizer's own "
                         f"eta={optimizer.eta!r}: leave eta out")
    _check_decay(lmbda)
    if lmbda > 0:
        raise ValueError(f"lmbda={lmbda!r}: weight decay is only defined for "
                         f"plain SGD (optimizer=None)")
    return optimizer.eta


def _sgd(weights, biases, x, y, shuffle, gradient, *, epochs, batch_size, eta,
         lmbda, record, clip, optimizer=None, **net_options):
    """train's loop, unchecked. ``shuffle()`` gives an epoch's order of the
    examples: shape (n,), or (S, n) for a stack of S networks, each its own.
    Without ``optimizer`` a step is Nielsen's SGD; with one, its ``step``."""
    n = x.shape[-1]
    decay = 1 - eta * lmbda / n
    weights = [w.copy() for w in weights]
    biases = [b.copy() for b in biases]
    history, step = [], 0
    for _ in range(epochs):
        order = shuffle()
        for start in range(0, n, batch_size):
            batch = order[..., start:start + batch_size]
            nabla_w, nabla_b, *extras = gradient(
                weights, biases, _columns(x, batch), _columns(y, batch),
                **net_options)
            norm = None
            if clip is not None or record is not None:
                norm = _norms(nabla_w, nabla_b)
            used_w, used_b = nabla_w, nabla_b
            if clip is not None:
                used_w, used_b = _clip(nabla_w, nabla_b, clip, norm)
            if optimizer is None:
                new_w = sgd_step(weights, used_w, eta, decay)
                new_b = sgd_step(biases, used_b, eta, 1.0)
            else:
                new = optimizer.step([*weights, *biases], [*used_w, *used_b])
                new_w, new_b = new[:len(weights)], new[len(weights):]
            if record is not None:
                history.append(record(Update(
                    step, batch, weights, biases, nabla_w, nabla_b, tuple(extras),
                    norm[()] if norm.ndim == 0 else norm,
                    _minus(new_w, weights), _minus(new_b, biases))))
            weights, biases = new_w, new_b
            step += 1
    return weights, biases, history


def _columns(a: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """The examples ``batch`` of ``a`` (its last axis). For a stack of networks,
    ``batch`` has one row per network, and so has the result: (S, rows, m)."""
    if batch.ndim == 1:
        return a[..., batch]
    return np.moveaxis(a[..., batch], -2, 0)


def _minus(new: Params, old: Params) -> Params:
    return [p - q for p, q in zip(new, old, strict=True)]


# ------------------------------------------------------------ input checking


def _check_sizes(sizes: Sequence[int]) -> None:
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least 2 layers, got sizes={sizes!r}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"layer sizes must be integers, got {sizes!r}")
        if s < 1:
            raise ValueError(f"every layer needs width ≥ 1, got sizes={sizes!r}")


def _check_array(a, name: str) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(a).__name__}")
    if a.dtype.kind not in "iuf":  # signed, unsigned, floating
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains non-finite values (nan or inf)")
    return a.astype(np.float64, copy=False)


def _check_network(weights: Params, biases: Params, x: np.ndarray) -> np.ndarray:
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)):
        raise TypeError("weights and biases must be lists of numpy arrays")
    if len(weights) < 1:
        raise ValueError("a network needs at least 2 layers (one weight matrix)")
    if len(weights) != len(biases):
        raise ValueError(
            f"{len(weights)} weight matrices but {len(biases)} bias vectors"
        )
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        w = _check_array(w, f"weights[{i}]")
        b = _check_array(b, f"biases[{i}]")
        if w.ndim != 2 or min(w.shape) < 1:
            raise ValueError(f"weights[{i}] must be a non-empty matrix, got {w.shape}")
        if b.shape != (w.shape[0], 1):
            raise ValueError(
                f"biases[{i}] has shape {b.shape}, expected {(w.shape[0], 1)} "
                f"to match weights[{i}] of shape {w.shape}"
            )
        if i > 0 and w.shape[1] != weights[i - 1].shape[0]:
            raise ValueError(
                f"weights[{i}] has shape {w.shape} but layer {i + 1} has "
                f"{weights[i - 1].shape[0]} neurons: expected "
                f"{weights[i - 1].shape[0]} columns"
            )
    x = _check_array(x, "x")
    if x.ndim != 2 or x.shape[0] != weights[0].shape[1] or x.shape[1] < 1:
        raise ValueError(
            f"x has shape {x.shape}, expected ({weights[0].shape[1]}, m): one column "
            f"per example with {weights[0].shape[1]} inputs"
        )
    return x


def _check_target_shape(y: np.ndarray, shape: tuple) -> None:
    if y.shape != shape:
        raise ValueError(
            f"y has shape {y.shape}, expected {shape}: one column per example "
            f"with one entry per output neuron"
        )


def _activation(name: str, role: str) -> tuple[Callable, Callable]:
    choices = tuple(ACTIVATIONS) if role == "activation" else ("sigmoid", "identity")
    if name not in choices:
        raise ValueError(f"unknown {role} {name!r}; choose one of {choices}")
    return ACTIVATIONS[name]


def _check_options(activation: str = "sigmoid", output: str = "sigmoid",
                   cost: str = "cross_entropy") -> None:
    """The network options of backward (and of train with its default gradient)."""
    _activation(activation, "activation")
    _activation(output, "output")
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; choose one of {COSTS}")
    if cost == "cross_entropy" and output != "sigmoid":
        raise ValueError(
            f"the cross-entropy cost needs sigmoid outputs in (0, 1), got "
            f"output={output!r}; use cost='quadratic'"
        )


def _check_decay(lmbda) -> None:
    if isinstance(lmbda, bool) or not isinstance(lmbda, (int, float, np.number)):
        raise TypeError(f"lmbda must be a number, got {lmbda!r}")
    if not np.isfinite(lmbda) or lmbda < 0:
        raise ValueError(f"lmbda must be a finite number ≥ 0, got {lmbda!r}")


def _check_positive(**values) -> None:
    for name, v in values.items():
        # eta and clip may be any real number; range() needs epochs and
        # batch_size as ints.
        kind, allowed = (("a number", (int, float, np.number))
                         if name in ("eta", "clip")
                         else ("an integer", (int, np.integer)))
        if isinstance(v, bool) or not isinstance(v, allowed):
            raise TypeError(f"{name} must be {kind}, got {v!r}")
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be positive and finite, got {v!r}")


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
