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
import matplotlib.pyplot as plt
import numpy as np

import definition_chain as dc

# %matplotlib inline

FACTOR = 5  # the page uses dc.FACTOR = 10
N = 500  # networks per setting


def steps(width, scheme):
    """Per network, the steps ||delta^4||/||delta^2|| and ||delta^6||/||delta^4||."""
    norms = np.array([dc.layer_norms(*dc.sample(width, scheme, k))[0]
                      for k in range(N)])
    return norms[:, 2] / norms[:, 0], norms[:, 4] / norms[:, 2]


def strong_fraction(s42, s64, factor=FACTOR):
    """Fraction of networks whose chain gains at least `factor` at both steps."""
    return np.mean((s42 >= factor) & (s64 >= factor))


results = {}
for width in (2, 10):
    for scheme in ("nielsen", "large"):
        s42, s64 = results[width, scheme] = steps(width, scheme)
        plain = np.mean((s42 > 1) & (s64 > 1))
        print(f"width {width:2d}, {scheme:7s}: chain with < in {plain:6.1%}, "
              f"with a factor {FACTOR} per step in {strong_fraction(s42, s64):6.1%}")

# %%
# Figure: histograms, log scale across, of the weaker of the two steps
# ||delta^4||/||delta^2|| and ||delta^6||/||delta^4|| of each network, one outline
# per width and initialization. A dashed line marks FACTOR: networks to its right
# keep the chain with that factor at both steps, networks left of 1 break it.
fig, ax = plt.subplots(figsize=(6.4, 3.6))
bins = np.logspace(-1, 3, 49)
for (width, scheme), (s42, s64) in results.items():
    ax.hist(np.minimum(s42, s64), bins=bins, histtype="step", linewidth=1.5,
            label=f"width {width}, {scheme}")
ax.axvline(FACTOR, linestyle="--", color="gray")
ax.axvline(1, linestyle=":", color="gray")
ax.set_xscale("log")
ax.set(xlabel="weaker step: min(||delta^4||/||delta^2||, ||delta^6||/||delta^4||)",
       ylabel="networks")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The weakest networks: which step fails, and by how much?

# %%
s42, s64 = results[2, "large"]
weakest = np.argsort(np.minimum(s42, s64))[:5]
for k in weakest:
    print(f"network {k}: ||d4||/||d2|| = {s42[k]:.2f}, ||d6||/||d4|| = {s64[k]:.2f}")

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to change one constant at the top of a cell, predict what
# it will print, and run it. The answer, computed, is folded below the cell.
#
# **1.** With weights drawn from $N(0, 1)$ (`"large"`), almost every network of
# 2-neuron layers gains a factor `FACTOR` at both steps. Change `WIDTH_1` to 30
# neurons per layer. Do more or fewer networks keep the chain with that factor?

# %%
WIDTH_1 = 2  # exercise 1: change to 30
seen_1 = strong_fraction(*steps(WIDTH_1, "large"))
print(f"width {WIDTH_1}, large: a factor {FACTOR} at both steps in {seen_1:.1%}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
narrow = strong_fraction(*results[2, "large"])
s42_wide, s64_wide = steps(30, "large")
answer_1 = strong_fraction(s42_wide, s64_wide)
assert answer_1 < 0.05 < 0.9 < narrow  # the claims printed below
print(f"Fewer: {answer_1:.1%} of the 30-neuron networks, against {narrow:.1%} of "
      f"the 2-neuron ones; the median steps shrink to {np.median(s42_wide):.2g} and "
      f"{np.median(s64_wide):.2g}. With 30 inputs per neuron, weights of variance "
      "1 are large, and large weights make the factors |w sigma'(z)| between "
      "layers larger (the scaling notebook shows the same): the gradient shrinks "
      "less from layer to layer.")

# %% [markdown]
# **2.** The weakest of the `"large"` networks above still has both steps above 1.
# Change `SCHEME_2` to Nielsen's initialization, `"nielsen"` (weights
# $N(0, 1/n_{\rm in})$). Will its weakest network have a larger or a smaller
# weakest step?

# %%
SCHEME_2 = "large"  # exercise 2: change to "nielsen"
seen_2 = np.minimum(*steps(2, SCHEME_2)).min()
print(f"{SCHEME_2}: the weakest network's smaller step is {seen_2:.2f}")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
large = np.minimum(*results[2, "large"]).min()
answer_2 = np.minimum(*results[2, "nielsen"]).min()
assert answer_2 > large  # the claim printed below
print(f"Larger: {answer_2:.2f} against {large:.2f}. With weights N(0, 1/n_in) "
      "z stays small, sigma'(z) stays near its maximum 1/4 and the weights are "
      "small, so every layer shrinks the gradient by a similar factor: even the "
      f"weakest network gains a factor {answer_2:.1f} at each step.")
