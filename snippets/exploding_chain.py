"""Nielsen's exploding chain, trained: the explosion lasts one step.

The chain of four sigmoid neurons from ``why_exploding`` (layer sizes [1, 1, 1, 1, 1],
every weight 100, biases chosen so that every z_j = 0 for the input x = 1, so every
factor w_j σ′(z_j) is 25) is trained with ``backprop.train`` (plain SGD, η = 0.1,
no weight decay) to output 0.3 for that input, under the cross-entropy cost. The
figure shows |∂C/∂b_j| of every neuron over the first steps, and the excess cost
C − C_min over the whole run; the table shows the first step in detail.
"""

import sys

import numpy as np

import backprop
import plotstyle
from why_exploding import X, exploding_chain

TARGET = 0.3  # not 0 or 1: a saturated output cannot be the answer
ETA = 0.1  # Nielsen's η in chapter 5
STEPS = 2000
SEED = 0  # train() shuffles with it; with one example the order never matters
ZOOM = 6  # steps shown in the left panel
STUCK_BELOW = 1e-20  # gradients this small are drawn on the left panel's bottom edge

FIGURES = {
    "exploding_chain": plotstyle.Figure(
        alt="Two panels. Left, logarithmic axis: the bias gradient of each of the "
        "four neurons over the first steps of training. At step 0 they form a "
        "ladder, larger by a factor of 25 per neuron towards the input; from step "
        "1 on, the gradients of neurons 1 to 3 fall below 10 to the minus 20, "
        "drawn on the bottom edge, and only the output neuron keeps a usable "
        "gradient. Right: the "
        "excess cost over all steps, logarithmic axis; it jumps up sharply at the "
        "first step, stays high while falling slowly, and drops below its starting "
        "level only late in the run.",
        caption=r"Training Nielsen's chain (every \(w_j = 100\), every "
        r"\(z_j = 0\)) with plain SGD. Left: \(|\partial C/\partial b_j|\) per "
        r"neuron. The first step, driven by the exploded gradient, throws neurons "
        r"1 to 3 deep into saturation, and their gradients fall below "
        r"\(10^{-20}\) (drawn on the bottom edge). Right: the excess cost "
        r"\(C - C_{\min}\). "
        r"Only the output neuron's bias still learns, slowly.",
    )
}


# --8<-- [start:core]
def excess_cost(z_out: float, y: float = TARGET) -> float:
    """C − C_min of the cross-entropy for one example, computed from the output's
    weighted input z (so a saturated output gives a large number, not ∞):
    C = ln(1 + e^z) − y z, smallest when σ(z) = y."""
    c_min = -(y * np.log(y) + (1 - y) * np.log(1 - y))
    return np.logaddexp(0.0, z_out) - y * z_out - c_min


def chain_state(u: backprop.Update, zs: list, clip: float | None = None) -> dict:
    """What is recorded of one step, before its update: the excess cost, every z_j,
    w_j, b_j, ∂C/∂b_j, the gradient's norm and the norm of the gradient that the
    update uses (smaller when ``clip`` shortened it). Every array of the chain is
    1×1: ``[..., 0, 0]`` is its number (one per chain for a stack of chains)."""
    def numbers(arrays):
        return [a[..., 0, 0] for a in arrays]
    return {
        "excess": excess_cost(zs[-1][..., 0, 0]),
        "z": numbers(zs), "w": numbers(u.weights), "b": numbers(u.biases),
        "grad_b": numbers(u.nabla_b),
        "raw_norm": u.norm,
        "fed_norm": u.norm if clip is None else np.minimum(u.norm, clip),
    }


def train_chain(clip: float | None = None, steps: int = STEPS,
                eta: float = ETA) -> dict:
    """Train the w = 100 chain on (x, TARGET), recording chain_state at every
    step; ``clip``: clip the gradient to this global norm."""
    weights, biases = exploding_chain()
    x, y = np.array([[X]]), np.array([[TARGET]])

    def record(u: backprop.Update) -> dict:
        zs, _ = backprop.forward(u.weights, u.biases, x)
        return chain_state(u, zs, clip)

    _, _, history = backprop.train(
        weights, biases, x, y, epochs=steps, batch_size=1, eta=eta,
        rng=np.random.default_rng(SEED), record=record, clip=clip)
    return {key: np.array([h[key] for h in history]) for key in history[0]}
# --8<-- [end:core]


def measure() -> dict:
    return train_chain()


def first_step_table(h: dict) -> str:
    rows = [
        r"| neuron \(j\) | \(\partial C/\partial b_j\) at the start "
        r"| step on \(b_j\) and on \(w_j\) | \(z_j\) after it "
        r"| \(\sigma'(z_j)\) after it | \(\partial C/\partial b_j\) after it |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    sp = backprop.sigmoid_prime(h["z"][1])
    for j in range(h["z"].shape[1]):
        step_b = h["b"][1, j] - h["b"][0, j]
        step_w = h["w"][1, j] - h["w"][0, j]
        cells = [str(j + 1), f"{h['grad_b'][0, j]:.6g}",
                 f"{step_b:.6g} and {step_w:.6g}", f"{h['z'][1, j]:.6g}",
                 f"{sp[j]:.3g}", f"{h['grad_b'][1, j]:.3g}"]
        rows.append("| " + " | ".join(c.replace("-", "−") for c in cells) + " |")
    return "\n".join(rows)


def recovery_step(h: dict) -> int:
    """First step after the jump at which the excess cost is back below its start."""
    later = np.nonzero(h["excess"][1:] <= h["excess"][0])[0]
    return int(later[0] + 1) if later.size else -1


def values(h: dict) -> dict:
    moved = np.abs(h["b"][-1] - h["b"][1])
    return {
        "table": first_step_table(h),
        "target": TARGET, "eta": ETA, "steps": STEPS, "x": X,
        "start_excess": float(h["excess"][0]),
        "jump_excess": float(h["excess"][1]),
        "jump_factor": float(h["excess"][1] / h["excess"][0]),
        "final_excess": float(h["excess"][-1]),
        "recovery_step": recovery_step(h),
        "start_norm": float(h["fed_norm"][0]),
        "first_b_step": float(h["b"][0, 0] - h["b"][1, 0]),
        "z1_after": float(h["z"][1, 0]),
        "b4_moved": float(moved[-1]),
        "z4_final": float(h["z"][-1, -1]),
        "z4_target": float(np.log(TARGET / (1 - TARGET))),
        "ratio_25": float(h["grad_b"][0, 0] / h["grad_b"][0, 1]),
        "grad_b1": float(h["grad_b"][0, 0]),
        "grad_b4": float(h["grad_b"][0, -1]),
        "grad_b4_after": float(abs(h["grad_b"][1, -1])),
        # after step 1: the hidden neurons' largest gradient, and the largest step
        # η·|∂C/∂b_j| as a fraction of the float64 spacing at b_j (below 1/2: b_j
        # rounds back to itself, so it never moves)
        "stuck_grad_max": float(np.abs(h["grad_b"][1:, :-1]).max()),
        "stuck_step_over_spacing": float(np.max(
            ETA * np.abs(h["grad_b"][1:, :-1]) / np.spacing(np.abs(h["b"][1:, :-1])))),
    }


def draw(h: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.4))
    steps = np.arange(ZOOM)
    grads = np.abs(h["grad_b"][:ZOOM])
    floor = STUCK_BELOW  # anything smaller sits on the bottom edge
    for j, (colour, marker) in enumerate(zip(plotstyle.palette(theme), "osD^")):
        shown = np.maximum(grads[:, j], floor)
        left.semilogy(steps, shown, marker=marker, color=colour,
                      label=rf"$b_{j + 1}$", clip_on=False)
    left.set_ylim(bottom=floor)
    left.set_xticks(steps)
    left.set_xlabel("step")
    left.set_ylabel(r"$|\partial C/\partial b_j|$ (bottom edge: $\leq 10^{-20}$)")
    left.legend(fontsize=8, ncols=2)
    right.semilogy(h["excess"], color=plotstyle.palette(theme)[0])
    right.axhline(h["excess"][0], color=plotstyle.ink(theme), linewidth=1,
                  linestyle=":", label="at the start")
    right.legend(fontsize=8)
    right.set_xlabel("step")
    right.set_ylabel(r"excess cost $C - C_{\min}$")
    fig.tight_layout()
    return {"exploding_chain": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
