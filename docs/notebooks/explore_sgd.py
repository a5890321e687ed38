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
# layer. Here you train it with another seed until it leaves the plateau: for many
# epochs the held-out accuracy stays at chance while the first hidden layer's
# weights creep; then the network escapes. You see the two things the page
# measures, how long each layer's steps are and how far each layer's weights have
# moved from where they started, before and after the escape.
#
# **To run it yourself**, put this notebook next to `backprop.py`, `data.py`,
# `plotstyle.py` and `sgd_training.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import sgd_training as st

# %matplotlib inline

x, y, x_test, labels = st.load()
SEED = 7  # the page uses seeds 0-4
st.EPOCHS = 120  # the page trains for longer; this seed escapes well before 120
run = st.run(SEED, x, y, x_test, labels)
escape = int(st.escape_epochs({"accuracy": run["accuracy"][None]})[0])
assert escape <= st.EPOCHS, "no escape: train for more epochs"
steps = st.per_epoch(run["step_size"][None], -(-x.shape[1] // st.BATCH))[0]
layers = list(range(2, len(st.SIZES) + 1))  # book layers 2 .. 6
print(f"held-out accuracy first reaches {st.ESCAPE:.0%} (twice chance) after "
      f"{escape} epochs of {st.EPOCHS}")

# %%
# Figure: three line charts against the epoch. Left: held-out accuracy, at chance
# (0.1) for many epochs, then climbing after the escape (dotted line). Middle: the
# median length of each layer's weight step per epoch, log scale: on the plateau
# the first hidden layer's steps are the shortest. Right: how far each layer's
# weights have moved from their start, log scale.
epochs = np.arange(1, st.EPOCHS + 1)
fig, (acc, step, moved) = plt.subplots(1, 3, figsize=(11, 3.3))
acc.plot(np.arange(st.EPOCHS + 1), run["accuracy"], color="black")
acc.set(xlabel="epoch", ylabel="held-out accuracy", ylim=(0, 1))
for i, l in enumerate(layers):
    step.semilogy(epochs, steps[:, i], label=f"layer {l}")
    moved.semilogy(epochs, run["distance"][1:, i], label=f"layer {l}")
step.set(xlabel="epoch", ylabel="median ||change of w^l|| per step")
moved.set(xlabel="epoch", ylabel="||w^l - w^l(0)||")
for ax in (acc, step, moved):
    ax.axvline(escape, linestyle=":", color="gray")
moved.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
moved_at = run["distance"]
for t in (st.PLATEAU, escape, st.EPOCHS):
    first, last = moved_at[t, 0], moved_at[t, -1]
    print(f"after {t:3d} epochs: held-out accuracy {run['accuracy'][t]:.2f}; "
          f"first hidden layer moved {first:.2f}, output layer {last:.2f}")

# %% [markdown]
# On the plateau the first hidden layer's weights move slowly, but they move: the
# network is slow, not stuck. The exercises below look at what changes after the
# escape.
#
# ## Exercises
#
# Each exercise asks you to change one constant at the top of a cell, predict what
# it will print, and run it. The answer, computed, is folded below the cell. Both
# read the training run above (no new training: quick).
#
# **1.** On the plateau (epoch `st.PLATEAU`) the first hidden layer has moved a
# small fraction of the output layer's distance. Change `EPOCH_1` to 120, well
# after the escape. Does the first hidden layer fall further behind, or catch up?

# %%
EPOCH_1 = st.PLATEAU  # exercise 1: change to 120
seen_1 = moved_at[EPOCH_1, 0] / moved_at[EPOCH_1, -1]
print(f"after {EPOCH_1} epochs the first hidden layer has moved {seen_1:.2f} times "
      "as far as the output layer")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
plateau = moved_at[st.PLATEAU, 0] / moved_at[st.PLATEAU, -1]
answer_1 = moved_at[120, 0] / moved_at[120, -1]
assert answer_1 > 0.5 and answer_1 > 3 * plateau  # the claims printed below
print(f"It catches up: {answer_1:.2f} times the output layer's distance after 120 "
      f"epochs, against {plateau:.2f} after {st.PLATEAU}. Most of its movement "
      f"comes after the escape at epoch {escape}.")

# %% [markdown]
# **2.** On the plateau the first hidden layer's steps are more than a hundred
# times shorter than the output layer's. Change `EPOCH_2` to 110, after the escape.
# How do the two compare now?


# %%
def step_ratio(epoch):
    """First hidden layer's median step over the output layer's, in the ten
    epochs up to ``epoch`` (row k of ``steps`` holds epoch k + 1)."""
    window = np.median(steps[epoch - 10:epoch], axis=0)
    return window[0] / window[-1]


EPOCH_2 = 20  # exercise 2: change to 110
seen_2 = step_ratio(EPOCH_2)
print(f"epochs {EPOCH_2 - 9}-{EPOCH_2}: the first hidden layer's steps are "
      f"{seen_2:.2g} times as long as the output layer's")

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
answer_2 = step_ratio(110)
plateau = step_ratio(20)
assert plateau < 0.01 and answer_2 > 0.5  # the claims printed below
print(f"They are comparable: {answer_2:.2g} times as long, against {plateau:.2g} on "
      f"the plateau, {answer_2 / plateau:.0f} times closer. After the escape the "
      "first hidden layer takes steps as long as the output layer's: the slowest "
      "layer on the plateau is not slow for good.")
