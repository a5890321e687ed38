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
# # Does $\lVert\delta^2\rVert \ll \lVert\delta^4\rVert \ll \lVert\delta^6\rVert$ hold?
#
# The page [Nielsen's definition, measured](../../definition/) counts how often the
# chain holds over thousands of random networks of 2-neuron layers. Here you can
# read "$\ll$" differently (change `FACTOR`), try other widths and initializations,
# and look at the networks where the chain fails. $\delta^l$ is the layer gradient:
# every $\partial C/\partial w^l_{jk}$ and $\partial C/\partial b^l_j$ of layer $l$.
#
# **To run it yourself**, put this notebook next to `backprop.py`, `plotstyle.py`
# and `definition_chain.py`.

# %%
import numpy as np

import definition_chain as dc

FACTOR = 5  # the page uses dc.FACTOR = 10
N = 500  # networks per setting


def steps(width, scheme):
    norms = np.array([dc.layer_norms(*dc.sample(width, scheme, k))[0]
                      for k in range(N)])
    return norms[:, 2] / norms[:, 0], norms[:, 4] / norms[:, 2]


for width in (2, 10):
    for scheme in ("nielsen", "large"):
        s42, s64 = steps(width, scheme)
        plain = np.mean((s42 > 1) & (s64 > 1))
        strong = np.mean((s42 >= FACTOR) & (s64 >= FACTOR))
        print(f"width {width:2d}, {scheme:7s}: chain with < in {plain:6.1%}, "
              f"with a factor {FACTOR} per step in {strong:6.1%}")

# %% [markdown]
# The weakest networks: which step fails, and by how much?

# %%
s42, s64 = steps(2, "large")
weakest = np.argsort(np.minimum(s42, s64))[:5]
for k in weakest:
    print(f"network {k}: ||d4||/||d2|| = {s42[k]:.2f}, ||d6||/||d4|| = {s64[k]:.2f}")
