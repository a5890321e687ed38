"""Pascanu, Mikolov & Bengio's one-unit "cliff", and what gradient clipping does there.

Their smallest recurrent network (2013, §3 and Fig. 6) has one unit and two
parameters: x_t = w σ(x_{t−1}) + b, run for 50 steps from x_0 = 0.5, with the
quadratic cost C = (x_50 − 0.7)². Where the map x ↦ w σ(x) + b gains a second
stable fixed point, x_50 jumps from one to the other: the cost surface over (w, b)
has a wall, and on the wall the gradient is huge. Gradient descent from the same
start is run twice, once as is and once with ``backprop.clip_by_norm``.

This is a small function of its own, outside ``recurrent.py``'s contract: the
derivatives are carried forward with x (forward-mode), as the unit has only two
parameters.
"""

import sys

import numpy as np

import backprop
import plotstyle

STEPS = 50  # time steps of the unit
X0, TARGET = 0.5, 0.7  # x_0 and the target for x_50
START = (7.0, -5.0)  # (w, b) where gradient descent starts
ETA = 0.02
DESCENT_STEPS = 100
CLIP = 15.0  # threshold τ for the global gradient norm
GRID_W = np.linspace(2.0, 8.0, 121)
GRID_B = np.linspace(-6.0, -1.0, 101)

FIGURES = {
    "recurrent_cliff": plotstyle.Figure(
        alt="Left, a colour map of the cost of the one-unit recurrent network over "
        "w and b, with a sharp diagonal wall between a high-cost region and a "
        "low-cost one, and two gradient-descent paths from the same start: they "
        "agree until the wall, where the unclipped path leaves the picture and "
        "the clipped one steps along. Right, the cost against the step on a "
        "logarithmic axis: the unclipped run jumps by three orders of magnitude "
        "at the wall, the clipped one does not.",
        caption=r"The unit \(x_t = w\,\sigma(x_{t-1}) + b\), \(x_0 = 0.5\), cost "
        r"\(C = (x_{50} - 0.7)^2\). Left: \(\log_{10} C\) over \((w, b)\) and "
        r"gradient descent from the same start, with and without clipping the "
        r"gradient's norm. Right: the cost along each run.",
    ),
}


# --8<-- [start:core]
def cliff(w, b, steps: int = STEPS, x0: float = X0):
    """x_steps of the unit x_t = w σ(x_{t−1}) + b, and its derivatives ∂x/∂w,
    ∂x/∂b, carried forward with x. Works elementwise on arrays of w and b."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError("w and b must be finite")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    x = np.full(np.broadcast_shapes(w.shape, b.shape), float(x0))
    dx_dw, dx_db = np.zeros_like(x), np.zeros_like(x)
    for _ in range(steps):
        s = backprop.sigmoid(x)
        slope = w * backprop.sigmoid_prime(x, s)  # ∂x_t/∂x_{t−1} = w σ′(x_{t−1})
        dx_dw, dx_db = s + slope * dx_dw, 1.0 + slope * dx_db
        x = w * s + b
    return x, dx_dw, dx_db


def cost_and_gradient(w, b):
    """C = (x_50 − 0.7)² and (∂C/∂w, ∂C/∂b)."""
    x, dx_dw, dx_db = cliff(w, b)
    return (x - TARGET) ** 2, 2 * (x - TARGET) * dx_dw, 2 * (x - TARGET) * dx_db


def descend(w: float, b: float, eta: float, steps: int, clip: float | None = None):
    """Gradient descent on (w, b); with ``clip``, the gradient is first shortened
    to norm ``clip`` when longer. Returns the path (steps + 1, 2), the cost at
    each point and the gradient norm before any clipping."""
    path, costs, norms = [(w, b)], [], []
    for _ in range(steps):
        c, g_w, g_b = cost_and_gradient(w, b)
        grads = [np.array([[g_w]])], [np.array([[g_b]])]
        costs.append(float(c))
        norms.append(backprop.global_norm(*grads))
        if clip is not None:
            grads = backprop.clip_by_norm(*grads, clip)
        w, b = w - eta * float(grads[0][0][0, 0]), b - eta * float(grads[1][0][0, 0])
        path.append((w, b))
    costs.append(float(cost_and_gradient(w, b)[0]))
    return np.array(path), np.array(costs), np.array(norms)
# --8<-- [end:core]


def measure() -> dict:
    w, b = np.meshgrid(GRID_W, GRID_B)
    c, g_w, g_b = cost_and_gradient(w, b)
    runs = {name: dict(zip(("path", "cost", "norm"),
                           descend(*START, ETA, DESCENT_STEPS, clip)))
            for name, clip in (("plain", None), ("clipped", CLIP))}
    return {"grid_cost": c, "grid_norm": np.hypot(g_w, g_b), "runs": runs}


def values(d: dict) -> dict:
    out = {"steps": STEPS, "x0": X0, "target": TARGET, "eta": ETA,
           "clip": CLIP, "descent_steps": DESCENT_STEPS,
           "start_w": START[0], "start_b": START[1]}
    for name, r in d["runs"].items():
        step_lengths = np.linalg.norm(np.diff(r["path"], axis=0), axis=1)
        out[f"{name}_largest_step"] = float(step_lengths.max())
        out[f"{name}_final_cost"] = float(r["cost"][-1])
        out[f"{name}_max_cost"] = float(r["cost"].max())
    plain = d["runs"]["plain"]
    i = int(plain["norm"].argmax())
    out["wall_step"] = i + 1  # counted from 1
    out["wall_norm"] = float(plain["norm"][i])
    out["wall_w"], out["wall_b"] = (float(v) for v in plain["path"][i])
    out["thrown_w"], out["thrown_b"] = (float(v) for v in plain["path"][i + 1])
    out["thrown_cost"] = float(plain["cost"][i + 1])
    out["median_norm"] = float(np.median(d["grid_norm"]))
    out["clip_over_median"] = CLIP / out["median_norm"]
    return out


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    colours = plotstyle.palette(theme)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.2),
                                      gridspec_kw={"width_ratios": [1.1, 1]})
    image = left.imshow(np.log10(d["grid_cost"] + 1e-6), origin="lower",
                        aspect="auto", cmap="viridis",
                        extent=(GRID_W[0], GRID_W[-1], GRID_B[0], GRID_B[-1]))
    fig.colorbar(image, ax=left, label=r"$\log_{10} C$")
    styles = {"plain": ("without clipping", colours[1], "-"),
              "clipped": (f"clipped at norm {CLIP:g}", colours[3], "--")}
    for name, r in d["runs"].items():
        label, colour, line = styles[name]
        left.plot(*r["path"].T, line, color=colour, linewidth=1.2)
        right.semilogy(r["cost"], line, color=colour, label=label)
    left.set_xlim(GRID_W[0], GRID_W[-1])
    left.set_ylim(GRID_B[0], GRID_B[-1])
    left.plot(*START, "o", color=plotstyle.ink(theme), markersize=4)
    left.set_xlabel("$w$")
    left.set_ylabel("$b$")
    right.set_xlabel("gradient-descent step")
    right.set_ylabel("cost $C$")
    right.legend(fontsize=8)
    fig.tight_layout()
    return {"recurrent_cliff": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
