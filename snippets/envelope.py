"""Fewer points for a long curve, drawn the same: its min/max envelope.

A figure with thousands of points per line makes a large SVG, and the eye cannot
see them apart. ``envelope`` cuts the horizontal axis into at most ``bins`` equal
intervals (equal on a logarithmic axis with ``log=True``) and keeps, in each, the
samples with the smallest and the largest value, in their order; an interval of
at most four samples keeps them all. Spikes and a curve that alternates between
two levels at every step survive.
"""

from __future__ import annotations

import numpy as np


def envelope(x: np.ndarray, y: np.ndarray, bins: int = 200,
             log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The samples of the curve (x, y) to draw: at most 4·bins of them."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of the same length, got {x.shape} "
                         f"and {y.shape}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    if log and np.any(x <= 0):
        raise ValueError("a logarithmic axis needs x > 0")
    if x.size <= 2 * bins:
        return x, y
    position = np.log(x) if log else x
    edges = np.linspace(position.min(), position.max(), bins + 1)
    which = np.clip(np.searchsorted(edges, position, side="right") - 1, 0, bins - 1)
    keep = []
    for b in np.unique(which):
        idx = np.flatnonzero(which == b)
        if idx.size <= 4:  # too few to thin: a min and a max would lose a turn
            keep += list(idx)
            continue
        finite = idx[np.isfinite(y[idx])]
        if finite.size == 0:
            keep.append(idx[0])  # nothing to draw but a gap: keep one
            continue
        keep += [finite[np.argmin(y[finite])], finite[np.argmax(y[finite])]]
    keep = np.unique(keep)  # sorted, and once each
    return x[keep], y[keep]
