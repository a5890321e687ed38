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
# # Remedies, one network at a time
#
# The page [Remedies, measured](../../remedies/) trains nine variants of a deep
# network on the bundled digits. Here you pick variants, a learning rate and a
# seed, and compare the speed of learning per hidden layer (the norm of
# $\partial C/\partial b^l$, or of the batch-norm shift $\partial C/\partial\beta^l$)
# and the held-out accuracy.
#
# **To run it yourself**, put this notebook next to `backprop.py`, `data.py`,
# `architectures.py`, `plotstyle.py`, `remedies_init.py` and `remedies_training.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import remedies_init as setup
import remedies_training as rt

# %matplotlib inline

print("variants:", ", ".join(setup.REMEDIES))
x, y, x_test, labels = setup.load()

CHOSEN = ["baseline", "relu_he", "batchnorm", "residual"]  # try "tanh_xavier"
ETA = rt.ETA  # the page's common learning rate; try 0.5
SEED = 7
runs = {name: rt.run(setup.REMEDIES[name], SEED, x, y, x_test, labels, eta=ETA)
        for name in CHOSEN}

# %%
# Figure: two line charts. Left: the speed of each hidden layer (book layer l
# across, log scale up) at the first step, one line per variant; the baseline's
# falls steeply toward the input. Right: held-out accuracy per epoch, one line per
# variant.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
for name, r in runs.items():
    left.semilogy(setup.HIDDEN, r["speeds"][0], marker="o", label=name)
    right.plot(r["accuracy"], label=name)
left.set(xlabel="book layer l", ylabel="speed at the first step")
right.set(xlabel="epoch", ylabel="held-out accuracy")
left.legend()
plt.show()

# %%
for name, r in runs.items():
    first, final = r["speeds"][0], r["accuracy"][-1]
    print(f"{name:10s} last/first hidden-layer speed at step 0: "
          f"{first[-1] / first[0]:8.3g}; final held-out accuracy {final:.2f}")

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to change one constant at the top of a cell, predict what
# it will print, and run it. The answer, computed, is folded below the cell. Both
# look at freshly initialized networks (no training: quick), over a few seeds.

# %%
SEEDS = range(5)


def at_start(name):
    """Per seed: each hidden layer's speed and the global gradient norm."""
    return setup.at_init(setup.REMEDIES[name], x, y, SEEDS)


# %% [markdown]
# **1.** Run the cell below as it is: in Nielsen's sigmoid network the first
# hidden layer starts out far slower than the last. Change `VARIANT_1` to
# `"tanh_xavier"` (tanh neurons, Xavier's initialization). How close to 1 does the
# ratio get?

# %%
VARIANT_1 = "baseline"  # exercise 1: change to "tanh_xavier"
seen_1 = np.median(setup.first_over_last(at_start(VARIANT_1)["bias"]))
print(f"{VARIANT_1}: first/last hidden-layer speed, median over seeds: {seen_1:.2g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
baseline = np.median(setup.first_over_last(at_start("baseline")["bias"]))
answer_1 = np.median(setup.first_over_last(at_start("tanh_xavier")["bias"]))
assert 100 * baseline < answer_1 < 1  # the claims printed below
print(f"Close, though still below 1: {answer_1:.2g}, against {baseline:.2g} for "
      f"the baseline ({answer_1 / baseline:.0f} times closer). tanh'(0) = 1 "
      "instead of sigma'(0) = 1/4, and Xavier's scale is chosen to keep the "
      "signal's variance from shrinking from layer to layer.")

# %% [markdown]
# **2.** He's initialization keeps a ReLU network's speeds nearly level. Change
# `VARIANT_2` to `"large"`: the same network with every weight multiplied by
# `setup.LARGE`. Which way does the speed now change toward the input,
# and how large is the whole gradient compared with the clipping threshold
# $\tau$ of the variant `"clipped"`?

# %%
VARIANT_2 = "relu_he"  # exercise 2: change to "large"
start = at_start(VARIANT_2)
seen_2 = np.median(setup.first_over_last(start["bias"]))
print(f"{VARIANT_2}: first/last speed {seen_2:.2g}; global gradient norm "
      f"{np.median(start['norm']):.3g}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
he, large = at_start("relu_he"), at_start("large")
answer_2 = np.median(setup.first_over_last(large["bias"]))
norm_he, norm_large = np.median(he["norm"]), np.median(large["norm"])
assert answer_2 > 1 and norm_large > setup.CLIP > norm_he  # claims printed below
print(f"The first hidden layer is now the fastest: first/last = {answer_2:.2g} "
      f"(the gradient explodes toward the input). The global norm grows from "
      f"{norm_he:.3g} to {norm_large:.3g}, past the threshold tau = {setup.CLIP:g} "
      "to which the clipped variant cuts the global norm of every step.")
