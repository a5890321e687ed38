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
# # Nielsen's experiment, on your own terms
#
# The page [Nielsen's experiment, reproduced](../../nielsen-reproduced/) runs his
# chapter-5 setup once per depth. Here you can change the depth, the weight decay
# $\lambda$ or the seed and watch both measures per hidden layer: Nielsen's
# speed of learning $\lVert \partial C/\partial b^l \rVert$ and the full layer
# gradient $\lVert \delta^l \rVert$ (every $\partial C/\partial w^l_{jk}$ and
# $\partial C/\partial b^l_j$ of layer $l$).
#
# **To run it yourself**, put this notebook in one folder with `backprop.py`,
# `data.py`, `plotstyle.py` and `nielsen_training.py` (download links sit under
# every figure of that page).

# %%
import matplotlib.pyplot as plt
import numpy as np

import backprop
import data
import nielsen_training as nt

# %matplotlib inline

x, labels = data.load_digits()
x_train, y_train = nt.nielsen_setup(x, labels)

DEPTH = 4  # hidden layers of 30 neurons: try 2, 3, 4, 5
LMBDA = 5.0  # Nielsen's weight decay; try 0.0
SEED = 1  # the page uses seed 0
sizes = [64] + [30] * DEPTH + [10]
run = nt.train_full_batch(sizes, x_train, y_train, LMBDA, seed=SEED)
print(f"{nt.STEPS} full-batch steps, eta = {nt.ETA}, lambda = {LMBDA}")

# %%
# Figure: two line charts side by side, log scale, against the training step, one
# line per hidden layer: Nielsen's speed ||dC/db^l|| (left) and the layer
# gradient ||delta^l|| (right). The first hidden layer's line is the lowest.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, key, title in zip(axes, ["bias", "full"],
                          ["Nielsen: ||dC/db^l||", "layer gradient ||delta^l||"]):
    for i in range(DEPTH):
        ax.semilogy(run[key][:, i], label=f"layer {i + 2}")
    ax.set(title=title, xlabel="step")
axes[0].legend()
plt.show()

# %% [markdown]
# How often does each measure keep the order "first hidden layer slowest"?
# A ratio below 1 at the end means the order has flipped.

# %%
for key in ("bias", "full", "decayed"):
    s = run[key]
    print(f"{key:8s} first slower than last in {nt.first_slower(s).sum():3d} "
          f"of {len(s)} steps; last/first at the end: {s[-1, -1] / s[-1, 0]:.3g}")


# %% [markdown]
# ## Exercises
#
# Each exercise asks you to change one constant at the top of a cell, predict what
# it will print, and run it. The answer, computed, is folded below the cell. Both
# look at the network as initialized, before any step (one backward pass: quick).


# %%
def at_start(depth, lmbda):
    """The measures of nielsen_training.hidden_norms before the first step."""
    weights, biases = backprop.init_params([64] + [30] * depth + [10],
                                           np.random.default_rng(SEED))
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x_train, y_train)
    return nt.hidden_norms(nabla_w, nabla_b, weights, lmbda, x_train.shape[1])


# %% [markdown]
# **1.** Run the cell below as it is: with 4 hidden layers the last hidden layer
# starts out learning far faster than the first. Now change `DEPTH_1` to 2. If each
# hidden layer multiplies the speed by about the same factor, what do you expect?

# %%
DEPTH_1 = 4  # exercise 1: change to 2
speed = at_start(DEPTH_1, LMBDA)["bias"]
seen_1 = speed[-1] / speed[0]
print(f"{DEPTH_1} hidden layers: last/first speed at the start = {seen_1:.3g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
deep = at_start(4, LMBDA)["bias"]
r = (deep[-1] / deep[0]) ** (1 / 3)  # 3 steps from layer 5 down to layer 2
shallow = at_start(2, LMBDA)["bias"]
answer_1 = shallow[-1] / shallow[0]
assert 0.5 < answer_1 / r < 2  # "about r", the claim printed below
print(f"About {r:.2g}, the cube root of the 4-layer ratio {r**3:.3g} (one step "
      f"instead of three); the measured ratio is {answer_1:.3g}.")

# %% [markdown]
# **2.** The measure "decayed" adds the weight-decay term $(\lambda/n)\,w$ to
# $\partial C/\partial w$, as Nielsen's update does. Change `LMBDA_2` to 0.0.
# What becomes of the ratio of the two measures for the first hidden layer?

# %%
LMBDA_2 = 5.0  # exercise 2: change to 0.0
norms = at_start(DEPTH, LMBDA_2)
seen_2 = norms["decayed"][0] / norms["full"][0]
print(f"lambda = {LMBDA_2}: decayed / full, first hidden layer = {seen_2:.3g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
with_decay, without = at_start(DEPTH, 5.0), at_start(DEPTH, 0.0)
answer_2 = without["decayed"][0] / without["full"][0]
before = with_decay["decayed"][0] / with_decay["full"][0]
assert answer_2 == 1 and before > 2  # the claims printed below
print(f"Exactly {answer_2:g}: without decay the two measures are the same. With "
      f"lambda = 5 the decay term makes the first hidden layer's measure "
      f"{before:.2g} times larger before any step: there, (lambda/n) w outweighs "
      "the gradient itself.")
