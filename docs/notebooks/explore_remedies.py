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

import remedies_init as setup
import remedies_training as rt

print("variants:", ", ".join(setup.REMEDIES))
x, y, x_test, labels = setup.load()

CHOSEN = ["baseline", "relu_he", "batchnorm", "residual"]  # try "tanh_xavier"
ETA = rt.ETA  # the page's common learning rate; try 0.5
SEED = 7
runs = {name: rt.run(setup.REMEDIES[name], SEED, x, y, x_test, labels, eta=ETA)
        for name in CHOSEN}

# %%
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
