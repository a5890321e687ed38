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

x, labels = data.load_digits()
x, labels, _, _ = data.nielsen_split(x, labels)
y = data.one_hot(labels)

SIZES = [64] + [30] * 8 + [10]
ACTIVATION = "sigmoid"  # try "tanh"


def layer_gradient_norms(c, seed=0):
    weights, biases = backprop.init_params(SIZES, np.random.default_rng(seed))
    weights = [c * w for w in weights]
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, ACTIVATION)
    return [np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
            for l in range(2, len(SIZES) + 1)]


layers = range(2, len(SIZES) + 1)
for c in (0.5, 1, 4, 16, 64):
    plt.semilogy(layers, layer_gradient_norms(c), marker="o", label=f"c = {c}")
plt.xlabel("book layer l")
plt.ylabel("||delta^l||")
plt.legend()
plt.show()

# %% [markdown]
# With $c = 1$ (Nielsen's default) the gradient shrinks toward the input; with large
# $c$ the factors $|w\,\sigma'(z)|$ can exceed 1 and the early layers get the
# *largest* gradient instead: the same instability, pointing the other way.
