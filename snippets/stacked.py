"""Many networks of one shape, trained at once as stacked arrays.

A stack of S networks with the same layer sizes keeps each layer's parameters in one
array with a leading stack axis: ``weights[i]`` has shape ``(S, sizes[i+1],
sizes[i])``, ``biases[i]`` shape ``(S, sizes[i+1], 1)``, and network s is
``[w[s] for w in weights]``. The core of ``backprop`` runs on such stacks unchanged
(``np.matmul`` multiplies stacks of matrices pairwise), so a step of S small
networks costs one pass of Python instead of S. Each network keeps its own random
generator for the order of its mini-batches, so a stack trains as S separate calls
of ``backprop.train`` would, up to rounding (``tests/test_stacked.py``).

A network whose parameters overflow does not stop the others: its slice of every
array becomes inf or nan, and stays so, while the other slices go on unaffected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import backprop

Params = list[np.ndarray]


def stack(networks: Sequence[tuple[Params, Params]]) -> tuple[Params, Params]:
    """``[(weights, biases), ...]`` of S networks -> one stacked ``(weights,
    biases)``."""
    weights, biases = zip(*networks, strict=True)
    return ([np.stack(layer) for layer in zip(*weights, strict=True)],
            [np.stack(layer) for layer in zip(*biases, strict=True)])


def unstack(weights: Params, biases: Params) -> list[tuple[Params, Params]]:
    """The inverse of :func:`stack`: one ``(weights, biases)`` per network."""
    return [([w[s] for w in weights], [b[s] for b in biases])
            for s in range(weights[0].shape[0])]


def forward(weights: Params, biases: Params, x: np.ndarray,
            activation: str = "sigmoid", output: str = "sigmoid"
            ) -> tuple[Params, Params]:
    """``backprop.forward`` of every network in the stack, on the same batch
    ``x`` or on one batch per network (``x`` of shape (S, sizes[0], m)); parameters
    may be non-finite (see the module's docstring)."""
    x = backprop._check_array(x, "x")
    _check_stack(weights, biases, x, own_batches=True)
    backprop._check_options(activation, output, "quadratic")
    return backprop._forward(weights, biases, x, activation, output)


def backward(weights: Params, biases: Params, x: np.ndarray, y: np.ndarray,
             activation: str = "sigmoid", output: str = "sigmoid",
             cost: str = "cross_entropy") -> tuple[Params, Params, Params]:
    """``backprop.backward`` of every network in the stack, on the same batch
    ``x``, ``y`` (one column per example), or each network on its own batch:
    ``x[s]``, ``y[s]`` with shapes (S, sizes[0], m) and (S, sizes[-1], m). Every
    result has the stack axis first. Parameters may be non-finite (a diverged
    network): that network's results are then inf or nan."""
    x, y = backprop._check_array(x, "x"), backprop._check_array(y, "y")
    _check_stack(weights, biases, x, own_batches=True)
    backprop._check_options(activation, output, cost)
    backprop._check_target_shape(y, (*x.shape[:-2], weights[-1].shape[1],
                                     x.shape[-1]))
    return backprop._backward(weights, biases, x, y, activation, output, cost)


def norms(nabla_w: Params, nabla_b: Params) -> np.ndarray:
    """``backprop.global_norm`` of every network: shape (S,)."""
    return backprop._norms(nabla_w, nabla_b)


def train(weights: Params, biases: Params, x: np.ndarray, y: np.ndarray, *,
          epochs: int, batch_size: int, eta: float | None = None,
          lmbda: float = 0.0, rngs: Sequence[np.random.Generator],
          record: Callable | None = None, clip: float | np.ndarray | None = None,
          optimizer: backprop.Optimizer | None = None, **net_options
          ) -> tuple[Params, Params, list]:
    """``backprop.train`` for every network of the stack at once.

    Network s shuffles its examples with ``rngs[s]``. ``clip`` is one threshold
    or one per network (``np.inf``: no clipping). ``record`` receives a
    ``backprop.Update`` whose arrays have the stack axis first; its ``norm`` and
    ``batch`` hold one row per network. Unlike ``backprop.train`` the parameters
    may be non-finite (see the module's docstring). An ``optimizer`` acts on the
    stacked arrays elementwise, so each network gets its own state.
    """
    eta = backprop._check_optimizer(optimizer, eta, lmbda)
    backprop._check_positive(epochs=epochs, batch_size=batch_size, eta=eta)
    backprop._check_decay(lmbda)
    backprop._check_options(**net_options)
    x, y = backprop._check_array(x, "x"), backprop._check_array(y, "y")
    _check_stack(weights, biases, x)
    backprop._check_target_shape(y, (weights[-1].shape[1], x.shape[1]))
    if len(rngs) != weights[0].shape[0]:
        raise ValueError(f"{len(rngs)} generators for a stack of "
                         f"{weights[0].shape[0]} networks: give one per network")
    for rng in rngs:
        backprop._check_rng(rng)
    if clip is not None and not np.all(np.asarray(clip) > 0):
        raise ValueError(f"clip must be positive (np.inf: no clipping), got {clip}")
    n = x.shape[1]
    return backprop._sgd(
        weights, biases, x, y, lambda: np.stack([r.permutation(n) for r in rngs]),
        backprop._backward, epochs=epochs, batch_size=batch_size, eta=eta,
        lmbda=lmbda, record=record, clip=clip, optimizer=optimizer, **net_options)


def _check_stack(weights: Params, biases: Params, x: np.ndarray,
                 own_batches: bool = False) -> None:
    """Shapes only (values may be non-finite): stacks of the same S networks
    that chain like backprop's, fed by x of shape (sizes[0], m), or, if
    ``own_batches``, also (S, sizes[0], m): one batch per network."""
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)):
        raise TypeError("weights and biases must be lists of stacked numpy arrays")
    if not weights or len(weights) != len(biases):
        raise ValueError(f"{len(weights)} weight stacks but {len(biases)} bias "
                         f"stacks; a network needs at least one of each")
    for i, p in enumerate([*weights, *biases]):
        if not isinstance(p, np.ndarray) or p.ndim != 3:
            raise ValueError(f"parameter array {i} must be a stack of matrices "
                             f"(S, rows, columns), got {np.shape(p)}")
        if p.shape[0] != weights[0].shape[0]:
            raise ValueError(f"parameter array {i} stacks {p.shape[0]} networks, "
                             f"weights[0] stacks {weights[0].shape[0]}")
    shape = np.shape(x)
    if own_batches and len(shape) == 3:
        if shape[0] != weights[0].shape[0]:
            raise ValueError(f"x holds {shape[0]} batches for a stack of "
                             f"{weights[0].shape[0]} networks: give one per network")
        shape = shape[1:]
    # The rest as backprop checks one network, on zeros of the same shapes.
    backprop._check_network([np.zeros(w.shape[1:]) for w in weights],
                            [np.zeros(b.shape[1:]) for b in biases], np.zeros(shape))
