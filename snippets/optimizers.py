"""Optimizers beyond plain SGD: momentum, RMSProp and Adam, as PyTorch defines them.

``make(name, eta, **hyper)`` returns an optimizer; ``opt.step(params, grads)`` takes
lists of arrays (the parameters and their gradients ∂C/∂p) and returns the new
parameters, leaving the caller's arrays untouched. Each optimizer keeps its own state
(running averages, the number of updates so far) and is called once per update.
The update rules and defaults follow PyTorch's ``torch.optim`` so that numbers
measured here carry over (g is the gradient, all operations elementwise):

- ``"sgd"``: p ← p − η·g.
- ``"momentum"`` (μ = 0.9): v ← μ·v + g, p ← p − η·v.
- ``"rmsprop"`` (α = 0.99, ε = 1e-8): v ← α·v + (1 − α)·g², p ← p − η·g/(√v + ε).
- ``"adam"`` (β₁ = 0.9, β₂ = 0.999, ε = 1e-8; Kingma & Ba, 2015): m ← β₁·m +
  (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) at update t,
  p ← p − η·m̂/(√v̂ + ε), with ε outside the root as in PyTorch.

All state starts at zero. The arrays may carry a leading stack axis (stacked.py):
every rule is elementwise, so each network of a stack gets its own rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Params = list[np.ndarray]

DEFAULTS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"mu": 0.9},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
NAMES = tuple(DEFAULTS)


class Optimizer:
    """One optimizer with its state; make one with :func:`make`."""

    def __init__(self, name: str, eta: float, hyper: dict[str, float]):
        self.name = name
        self.eta = eta
        self.hyper = hyper
        self.t = 0  # updates made so far
        self._state: list[list[np.ndarray]] | None = None  # one list per buffer
        self._shapes: list[tuple] | None = None

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]
             ) -> Params:
        """One update of every array in ``params``; returns new arrays."""
        params, grads = self._check(params, grads)
        self.t += 1
        return getattr(self, f"_{self.name}")(params, grads)

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v!r}" for k, v in self.hyper.items())
        return f"make({self.name!r}, eta={self.eta!r}{hyper})"

    # ----------------------------------------------------------- the rules

    def _buffers(self, count: int, grads: Params) -> list[list[np.ndarray]]:
        if self._state is None:
            self._state = [[np.zeros_like(g) for g in grads] for _ in range(count)]
        return self._state

    def _sgd(self, params, grads):
        return [p - self.eta * g for p, g in zip(params, grads, strict=True)]

    def _momentum(self, params, grads):
        (v,) = self._buffers(1, grads)
        mu = self.hyper["mu"]
        for i, g in enumerate(grads):
            v[i] = mu * v[i] + g
        return [p - self.eta * vi for p, vi in zip(params, v, strict=True)]

    def _rmsprop(self, params, grads):
        (v,) = self._buffers(1, grads)
        alpha, eps = self.hyper["alpha"], self.hyper["eps"]
        for i, g in enumerate(grads):
            v[i] = alpha * v[i] + (1 - alpha) * g * g
        return [p - self.eta * g / (np.sqrt(vi) + eps)
                for p, g, vi in zip(params, grads, v, strict=True)]

    def _adam(self, params, grads):
        m, v = self._buffers(2, grads)
        b1, b2, eps = self.hyper["beta1"], self.hyper["beta2"], self.hyper["eps"]
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        return [p - self.eta * (mi / c1) / (np.sqrt(vi / c2) + eps)
                for p, mi, vi in zip(params, m, v, strict=True)]

    # ------------------------------------------------------------ checking

    def _check(self, params, grads) -> tuple[Params, Params]:
        for name, arrays in (("params", params), ("grads", grads)):
            if not isinstance(arrays, (list, tuple)) or not all(
                    isinstance(a, np.ndarray) for a in arrays):
                raise TypeError(f"{name} must be a list of numpy arrays")
        if len(params) != len(grads) or not params:
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} "
                             f"gradients: give one gradient per array (at least one)")
        shapes = [p.shape for p in params]
        if shapes != [g.shape for g in grads]:
            raise ValueError("each gradient must have its parameter array's shape")
        if self._shapes is None:
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(
                f"this optimizer has state for arrays of shapes {self._shapes}, got "
                f"{shapes}: use one optimizer per set of parameters")
        return list(params), list(grads)


def make(name: str, eta: float, **hyper: float) -> Optimizer:
    """A fresh optimizer (state at zero) with learning rate ``eta``.

    ``hyper`` overrides the defaults of :data:`DEFAULTS` (PyTorch's): ``mu`` for
    momentum, ``alpha`` and ``eps`` for RMSProp, ``beta1``, ``beta2`` and ``eps``
    for Adam.
    """
    if not isinstance(name, str) or name not in DEFAULTS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {NAMES}")
    _check_number("eta", eta)
    if eta <= 0:
        raise ValueError(f"eta must be positive and finite, got {eta!r}")
    unknown = set(hyper) - set(DEFAULTS[name])
    if unknown:
        allowed = tuple(DEFAULTS[name]) or "none"
        raise ValueError(f"{name} has no hyper-parameter {sorted(unknown)}; "
                         f"it takes {allowed}")
    values = {**DEFAULTS[name], **hyper}
    for key, value in values.items():
        _check_number(key, value)
        if key == "eps" and value <= 0:
            raise ValueError(f"eps must be positive (it keeps 0/0 away), got {value!r}")
        if key != "eps" and not 0 <= value < 1:
            raise ValueError(f"{key} must lie in [0, 1), got {value!r}")
    return Optimizer(name, float(eta), {k: float(v) for k, v in values.items()})


def _check_number(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
