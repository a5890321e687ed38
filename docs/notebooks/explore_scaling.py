# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Vanishing or exploding: one network, scaled
#
# The page [Why the gradient vanishes](../../why/) multiplies every weight of a deep
# sigmoid network by a factor $c$ and shows the layer gradient
# $\lVert\delta^l\rVert$ against $l$. Try other factors, depths or activations.
#
# **To run it yourself**, put this notebook next to `backprop.py` and `data.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import backprop
import data

# %matplotlib inline

x, labels = data.load_digits()
x, labels, _, _ = data.nielsen_split(x, labels)
y = data.one_hot(labels)


def layer_gradient_norms(c, hidden=8, activation="sigmoid", seed=0):
    """||delta^l|| for l = 2..L: `hidden` layers of 30 neurons, weights times c."""
    sizes = [64] + [30] * hidden + [10]
    weights, biases = backprop.init_params(sizes, np.random.default_rng(seed))
    weights = [c * w for w in weights]
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, activation)
    return np.array([np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                     for l in range(2, len(sizes) + 1)])


def first_over_last(norms):
    """First hidden layer's ||delta^2|| over the last hidden layer's."""
    return norms[0] / norms[-2]


# %%
# Figure: the layer gradient ||delta^l|| of each book layer l, on a log scale,
# one line per factor c. For c up to 4 it falls toward the input; for c = 64 the
# first hidden layer has the largest gradient.
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for c in (0.5, 1, 4, 16, 64):
    ax.semilogy(range(2, 11), layer_gradient_norms(c), marker="o", label=f"c = {c}")
ax.set(xlabel="book layer l", ylabel="||delta^l||")
ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
plt.show()

# %% [markdown]
# With $c = 1$ (Nielsen's default) the gradient shrinks toward the input; with large
# $c$ the factors $|w\,\sigma'(z)|$ can exceed 1 and the early layers get the
# *largest* gradient instead: the same instability, pointing the other way.
#
# ## Exercises
#
# Each exercise asks you to change one constant at the top of a cell, predict what
# it will print, and run it. The answer, computed, is folded below the cell.
#
# **1.** Change `ACTIVATION_1` to `"tanh"`. The sigmoid's slope is at most
# $\sigma'(0) = 1/4$, tanh's is $\tanh'(0) = 1$. At $c = 1$, does the first hidden
# layer still get a much smaller gradient than the last, and by how much less?

# %%
ACTIVATION_1 = "sigmoid"  # exercise 1: change to "tanh"
seen_1 = first_over_last(layer_gradient_norms(1, activation=ACTIVATION_1))
print(f"{ACTIVATION_1}: ||delta^2|| / ||delta^9|| = {seen_1:.3g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
sigmoid = first_over_last(layer_gradient_norms(1))
answer_1 = first_over_last(layer_gradient_norms(1, activation="tanh"))
assert 100 * sigmoid < answer_1 < 1  # the claims printed below
print(f"tanh: ||delta^2|| / ||delta^9|| = {answer_1:.3g}, against {sigmoid:.3g} "
      f"for the sigmoid: {answer_1 / sigmoid:.0f} times larger, yet still below 1. "
      "A steeper activation shrinks the gradient far less per layer, but "
      "|w tanh'(z)| is still mostly below 1.")

# %% [markdown]
# **2.** Change `HIDDEN_2` from 8 to 4 hidden layers. If every hidden layer
# multiplies the gradient by about the same factor $r$, the ratio is $r^7$ with 8
# hidden layers (7 steps from layer 9 down to layer 2). What does that predict
# for 4?

# %%
HIDDEN_2 = 8  # exercise 2: change to 4
seen_2 = first_over_last(layer_gradient_norms(1, hidden=HIDDEN_2))
print(f"{HIDDEN_2} hidden layers: ||delta^2|| / ||delta^{HIDDEN_2 + 1}|| = "
      f"{seen_2:.3g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
r = first_over_last(layer_gradient_norms(1)) ** (1 / 7)  # per layer, 8 hidden
answer_2 = first_over_last(layer_gradient_norms(1, hidden=4))
assert 0.5 < answer_2 / r**3 < 2  # "about r^3", the claim printed below
print(f"With 8 hidden layers each layer multiplies the gradient by about "
      f"r = {r:.2f}, which predicts r^3 = {r**3:.2g} for 4 hidden layers; the "
      f"measured ratio is {answer_2:.2g}. The shrinking compounds: depth enters as "
      "an exponent.")
