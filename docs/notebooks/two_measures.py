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
# # Two measures of a vanishing gradient
#
# This notebook needs `backprop.py` and `data.py` from this site (see the download
# links under any figure) in the same folder. It computes, for Nielsen's
# `[64, 30, 30, 30, 30, 10]` sigmoid network on the first 1,000 bundled digits, both
# measures per hidden layer: the norm of the bias gradient $\partial C/\partial b^l$
# (Nielsen's *speed of learning*) and the norm of the full layer gradient
# $\delta^l$ (every $\partial C/\partial w^l_{jk}$ and $\partial C/\partial b^l_j$).

# %%
import numpy as np

import backprop
import data

x, labels = data.load_digits()
x_train, y_train, _, _ = data.nielsen_split(x, data.one_hot(labels, 10))
weights, biases = backprop.init_params([64, 30, 30, 30, 30, 10],
                                       np.random.default_rng(0))
nabla_w, nabla_b, errors = backprop.backward(weights, biases, x_train, y_train)

# %%
speed = backprop.speeds(nabla_b)
full = [np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
        for l in range(2, len(weights) + 1)][:-1]
for l, (s, f) in enumerate(zip(speed, full), start=2):
    print(f"layer {l}: ||dC/db^{l}|| = {s:.4f}   ||delta^{l}|| = {f:.4f}")
print(f"first/last hidden layer, bias-only: {speed[-1] / speed[0]:.1f}x")

# %% [markdown]
# The ratio between the last and the first hidden layer is the size of the effect:
# with $\sigma'(z) \le 1/4$ in every layer, each step back multiplies the error
# $\delta^l_j = \partial C / \partial z^l_j$ by a factor that is usually well below 1.
