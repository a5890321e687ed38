"""Claims of the "Speed of learning under SGD" page about the cost in training time."""

import numpy as np
import pytest

import backprop
import sgd_time_cost as tc
import sgd_training as setup
from conftest import measured
from tryit import run_try_it


@pytest.fixture(scope="module")
def d():
    return measured(tc)


@pytest.fixture(scope="module")
def med(d):
    return {name: np.median(e) for name, e in d["epochs"].items()}


def test_compensation_equalises_hidden_layer_speeds():
    """Oracle: after scaling, every hidden layer's ‖ĝ_b^l‖ equals the last one's,
    the output layer and p = 0 are untouched."""
    x, y, _, _ = setup.load()
    w, b = backprop.init_params(setup.SIZES, np.random.default_rng(3))
    xb, yb = x[:, :100], y[:, :100]
    plain_w, plain_b, _ = backprop.backward(w, b, xb, yb)
    scaled_w, scaled_b, _ = tc.compensated(1.0)(w, b, xb, yb)
    s = backprop.speeds(scaled_b)
    np.testing.assert_allclose(s, s[-1], rtol=1e-12)
    np.testing.assert_array_equal(scaled_w[-1], plain_w[-1])
    np.testing.assert_array_equal(scaled_w[-2], plain_w[-2])
    assert np.linalg.norm(scaled_w[0]) > 10 * np.linalg.norm(plain_w[0])
    same_w, same_b, _ = tc.compensated(0.0)(w, b, xb, yb)
    for got, want in zip(same_w + same_b, plain_w + plain_b):
        np.testing.assert_array_equal(got, want)


def test_compensation_equalises_bias_steps_not_weight_steps():
    """What the page says: with p = 1 the hidden layers' bias steps are equal, their
    weight steps are not (same c_l, different ‖ĝ_w^l‖/‖ĝ_b^l‖)."""
    x, y, _, _ = setup.load()
    w, b = backprop.init_params(setup.SIZES, np.random.default_rng(3))
    scaled_w, scaled_b, _ = tc.compensated(1.0)(w, b, x[:, :100], y[:, :100])
    bias = backprop.speeds(scaled_b)
    weight = np.array([np.linalg.norm(g) for g in scaled_w[:-1]])  # hidden layers
    assert bias.max() / bias.min() == pytest.approx(1.0, abs=1e-12)
    assert weight.max() / weight.min() > 1.05


def test_compensation_changes_exactly_the_hidden_layers_it_names():
    """Oracle: the layers whose gradient is rescaled are compensated_layers."""
    x, y, _, _ = setup.load()
    w, b = backprop.init_params(setup.SIZES, np.random.default_rng(5))
    plain_w, _, _ = backprop.backward(w, b, x[:, :100], y[:, :100])
    scaled_w, _, _ = tc.compensated(1.0)(w, b, x[:, :100], y[:, :100])
    changed = [l for l in range(2, len(setup.SIZES) + 1)
               if not np.array_equal(scaled_w[l - 2], plain_w[l - 2])]
    assert changed == tc.compensated_layers(setup.SIZES) == [2, 3, 4]


def test_every_run_reaches_the_target(d):
    for epochs in d["epochs"].values():
        assert max(epochs) <= tc.MAX_EPOCHS


def test_more_compensation_fewer_epochs(med):
    assert med["plain"] > med["half rescaled"] > med["fully rescaled"]


def test_full_compensation_is_faster_on_every_seed(d):
    assert max(d["epochs"]["fully rescaled"]) < min(d["epochs"]["plain"])


def test_full_compensation_saves_more_than_half_the_epochs(med):
    assert med["plain"] / med["fully rescaled"] > 2


def test_compensation_does_not_close_the_gap_to_one_hidden_layer(med):
    assert med["fully rescaled"] > 3 * med["1 hidden layer"]


def test_values(d):
    v = tc.values(d)
    assert v["speedup_full"] > v["speedup_half"] > 1
    assert v["plain_min"] > v["full_max"]


def test_try_it_block_prints_seed_0s_epochs_plain_and_fully_compensated(d):
    lines = run_try_it("speed-of-learning.md").splitlines()
    assert lines == [f"p = 0.0: {d['epochs']['plain'][0]} epochs",
                     f"p = 1.0: {d['epochs']['fully rescaled'][0]} epochs"]


def test_figure_is_drawn_for_both_themes(d):
    import matplotlib.pyplot as plt

    import plotstyle

    for theme in plotstyle.THEMES:
        with plt.rc_context(plotstyle.rc(theme)):
            figs = tc.draw(d, theme)
        assert set(figs) == set(tc.FIGURES)
        for fig in figs.values():
            plt.close(fig)


# ------------------------------------------------ every value the page quotes

QUOTED_MEDIANS = {  # value key: (arm, low, high) in epochs to the target
    "plain": ("plain", 120, 300), "half": ("half rescaled", 50, 150),
    "full": ("fully rescaled", 30, 100), "shallow": ("1 hidden layer", 2, 20),
}


def test_quoted_median_epochs_recounted_and_bounded(d):
    v = tc.values(d)
    for key in ("plain", "half", "full", "shallow"):
        arm, low, high = QUOTED_MEDIANS[key]
        assert v[key] == np.median(d["epochs"][arm]), key
        assert low <= v[key] <= high, key


def test_quoted_set_up_is_the_one_run(d):
    v = tc.values(d)
    assert v["n_seeds"] == 5
    assert all(len(e) == v["n_seeds"] for e in d["epochs"].values())
    assert v["target"] == 0.8
    # every hidden layer below the last (layer 5 of [64, 30, 30, 30, 30, 10])
    assert (v["compensated_first"], v["compensated_last"]) == (2, 4)
    assert v["compensated_last"] == len(setup.SIZES) - 2
