"""How noisy is the mini-batch gradient, layer by layer?

SGD never sees ∂C/∂α itself, only its estimate ĝ from one mini-batch. For the deep
sigmoid network of ``sgd_training`` this snippet compares, in every book layer l,
the mini-batch layer gradient ĝ^l (all ∂C/∂w^l_jk and ∂C/∂b^l_j of layer l, from
``backprop.backward`` on one mini-batch) with the full-batch layer gradient g^l over
all 1,000 training digits: the relative error ‖ĝ^l − g^l‖ / ‖g^l‖ and the cosine
between the two, over many mini-batches and several networks. It does so at
initialisation and again on the plateau, after ``sgd_training.PLATEAU`` epochs of
training, for mini-batches of 10 (Nielsen's) and of 100 (this site's).

The figure shows the median relative error per layer at both moments.
"""

import sys

import numpy as np

import backprop
import plotstyle
import sgd_training as setup

SEEDS = range(10)
BATCHES = (10, 100)  # mini-batch sizes m compared
SAMPLES = 200  # mini-batches drawn per network and size

FIGURES = {
    "sgd_noise": plotstyle.Figure(
        alt="Two line charts with logarithmic vertical axes, relative error of the "
        "mini-batch gradient against book layer, for mini-batches of 10 and of "
        "100. At initialisation every error sits below the dashed line where the "
        "noise equals the signal. On the plateau the errors are far larger and "
        "grow from the first hidden layer to the output layer.",
        caption=r"Relative error \(\lVert \hat g^l - g^l \rVert / \lVert g^l "
        r"\rVert\) of the mini-batch estimate \(\hat g^l\) of the layer gradient "
        r"(all \(\partial C/\partial w^l_{jk}\) and \(\partial C/\partial "
        r"b^l_j\) of book layer \(l\)), median over mini-batches and networks, at "
        "initialisation (left) and on the plateau (right). Above the dashed line "
        "the noise is larger than the gradient it estimates. Mini-batches of 100 "
        "are less noisy than mini-batches of 10 by about the factor expected of "
        "averages over examples drawn without replacement.",
    )
}


# --8<-- [start:core]
def noise(weights, biases, x, y, m: int, rng, samples: int = SAMPLES) -> np.ndarray:
    """Per mini-batch and book layer: relative error and cosine of ĝ^l against g^l.

    Returns shape (samples, layers, 2). Mini-batches are drawn as ``train`` draws
    them: consecutive slices of a random permutation of the n examples.
    """
    layers = range(2, len(weights) + 2)
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    full = [backprop.layer_gradient(nabla_w, nabla_b, l) for l in layers]
    n = x.shape[1]
    batches = np.concatenate([rng.permutation(n).reshape(-1, m)
                              for _ in range(-(-samples * m // n))])[:samples]
    out = np.empty((samples, len(full), 2))
    for i, batch in enumerate(batches):
        hat_w, hat_b, _ = backprop.backward(weights, biases, x[:, batch], y[:, batch])
        for j, (l, g) in enumerate(zip(layers, full)):
            g_hat = backprop.layer_gradient(hat_w, hat_b, l)
            out[i, j, 0] = np.linalg.norm(g_hat - g) / np.linalg.norm(g)
            out[i, j, 1] = g_hat @ g / np.linalg.norm(g_hat) / np.linalg.norm(g)
    return out


def expected_shrink(n: int, m_small: int, m_large: int) -> float:
    """Expected noise ratio of mini-batches of m_small and m_large examples drawn
    without replacement from n: the standard error of a mean of m such examples is
    σ/√m · √((n − m)/(n − 1)) (the finite-population correction), so the ratio is
    √(m_large/m_small · (n − m_small)/(n − m_large))."""
    return float(np.sqrt(m_large / m_small * (n - m_small) / (n - m_large)))
# --8<-- [end:core]


def one_seed(seed: int, x, y) -> np.ndarray:
    """Medians over mini-batches, shape (moments=2, sizes, layers, 2)."""
    rng = np.random.default_rng(seed)
    weights, biases = backprop.init_params(setup.SIZES, rng)
    noise_rng = np.random.default_rng([seed, 1])  # keeps the training rng untouched
    start = [np.median(noise(weights, biases, x, y, m, noise_rng), axis=0)
             for m in BATCHES]
    # The same training as sgd_training.run, up to the plateau epoch.
    weights, biases, _ = backprop.train(
        weights, biases, x, y, epochs=setup.PLATEAU, batch_size=setup.BATCH,
        eta=setup.ETA, lmbda=setup.LMBDA, rng=rng)
    plateau = [np.median(noise(weights, biases, x, y, m, noise_rng), axis=0)
               for m in BATCHES]
    return np.array([start, plateau])


def measure() -> dict:
    x, y, _, _ = setup.load()
    per_seed = np.stack([one_seed(seed, x, y) for seed in SEEDS])
    return {
        "layers": list(range(2, len(setup.SIZES) + 1)),
        "n": x.shape[1],
        "per_seed": per_seed,  # (seeds, moments, sizes, layers, [rel. error, cos])
        "median": np.median(per_seed, axis=0),
    }


def table(d: dict) -> str:
    med = d["median"]
    i = BATCHES.index(10)
    rows = ["| book layer \\(l\\) | relative error, start | cosine, start | "
            "relative error, plateau | cosine, plateau |", "|---|---|---|---|---|"]
    for j, l in enumerate(d["layers"]):
        rows.append(f"| {l} | {med[0, i, j, 0]:.2f} | {med[0, i, j, 1]:.2f} | "
                    f"{med[1, i, j, 0]:.2f} | {med[1, i, j, 1]:.2f} |")
    return "\n".join(rows)


def values(d: dict) -> dict:
    med = d["median"]
    i10, i100 = BATCHES.index(10), BATCHES.index(100)
    shrink = med[:, i10, :, 0] / med[:, i100, :, 0]  # (moments, layers)
    small, large = BATCHES
    return {
        "m_small": small, "m_large": large, "n": d["n"],
        "shrink_expected": expected_shrink(d["n"], small, large),
        "shrink_naive": float(np.sqrt(large / small)),
        "table": table(d),
        "n_seeds": len(SEEDS),
        "samples": SAMPLES,
        "shrink_min": float(shrink.min()),
        "shrink_median": float(np.median(shrink)),
        "shrink_max": float(shrink.max()),
        "start_cos_min": float(med[0, i10, :, 1].min()),
        "plateau_err_first": float(med[1, i10, 0, 0]),
        "plateau_err_last": float(med[1, i10, -1, 0]),
        "plateau_cos_first": float(med[1, i10, 0, 1]),
        "plateau_cos_last": float(med[1, i10, -1, 1]),
        "plateau100_cos_first": float(med[1, i100, 0, 1]),
        "plateau100_cos_last": float(med[1, i100, -1, 1]),
    }


def draw(d: dict, theme: str) -> dict:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(6.4, 3.2))
    for ax, moment, title in zip(axes, (0, 1), ("at initialisation",
                                                f"after {setup.PLATEAU} epochs")):
        for k, (m, marker) in enumerate(zip(BATCHES, "os")):
            ax.semilogy(d["layers"], d["median"][moment, k, :, 0], marker=marker,
                        label=f"$m = {m}$")
        ax.axhline(1.0, linestyle="--", color=plotstyle.ink(theme), linewidth=1)
        ax.set_xticks(d["layers"])
        ax.set_xlabel(r"book layer $l$")
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel(r"$\Vert\hat g^l - g^l\Vert \,/\, \Vert g^l\Vert$")
    axes[0].legend(title="mini-batch", fontsize=8, title_fontsize=8)
    return {"sgd_noise": fig}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
