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
# # Slow, not stuck: one deep network under SGD
#
# The page [Speed of learning under SGD](../../speed-of-learning/) trains a
# `[64, 30, 30, 30, 30, 10]` sigmoid network on the bundled digits and follows each
# layer. Here you can train it with another seed and see the two things the page
# measures: how long each layer's steps are, and how far each layer's weights have
# moved from where they started.
#
# **To run it yourself**, put this notebook next to `backprop.py`, `data.py`,
# `plotstyle.py` and `sgd_training.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import sgd_training as st

x, y, x_test, labels = st.load()
SEED = 11  # the page uses seeds 0-4
st.EPOCHS = 60  # fewer epochs than the page, to keep this quick
run = st.run(SEED, x, y, x_test, labels)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
layers = range(2, len(st.SIZES) + 1)
for i, l in enumerate(layers):
    left.semilogy(run["step_size"][:, i], label=f"layer {l}", linewidth=0.8)
    right.plot(run["distance"][:, i], label=f"layer {l}")
left.set(xlabel="step", ylabel="||change of w^l|| per step")
right.set(xlabel="epoch", ylabel="||w^l - w^l(0)||")
right.legend()
plt.show()

# %%
moved = run["distance"][-1]
print("distance moved by each layer's weights after", st.EPOCHS, "epochs:")
for l, d in zip(layers, moved):
    print(f"  layer {l}: {d:.3f}")
print(f"first hidden layer moved {moved[0] / moved[-1]:.3g} times as far as the "
      f"output layer: small, but not zero")
print("held-out accuracy by epoch 0, 20, 40, 60:",
      np.round(run["accuracy"][::20], 2))
