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

import data
import nielsen_training as nt

x, labels = data.load_digits()
x_train, y_train = nt.nielsen_setup(x, labels)

DEPTH = 4  # hidden layers of 30 neurons: try 2, 3, 4, 5
LMBDA = 5.0  # Nielsen's weight decay; try 0.0
SEED = 1  # the page uses seed 0
sizes = [64] + [30] * DEPTH + [10]
run = nt.train_full_batch(sizes, x_train, y_train, LMBDA, seed=SEED)
print(f"{nt.STEPS} full-batch steps, eta = {nt.ETA}, lambda = {LMBDA}")

# %%
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
