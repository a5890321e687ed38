"""Claims of the "Speed of learning under SGD" page about mini-batch noise."""

import numpy as np
import pytest

import backprop
import sgd_noise as sn
import sgd_training as setup
from conftest import measured

START, PLATEAU = 0, 1
M10, M100 = sn.BATCHES.index(10), sn.BATCHES.index(100)
ERR, COS = 0, 1


@pytest.fixture(scope="module")
def d():
    return measured(sn)


def test_noise_of_the_full_batch_is_zero():
    """Oracle: a 'mini-batch' holding every example reproduces g exactly."""
    x, y, _, _ = setup.load()
    w, b = backprop.init_params(setup.SIZES, np.random.default_rng(0))
    out = sn.noise(w, b, x, y, x.shape[1], np.random.default_rng(1), samples=2)
    np.testing.assert_allclose(out[..., ERR], 0, atol=1e-12)
    np.testing.assert_allclose(out[..., COS], 1, atol=1e-12)


def test_at_start_minibatch_of_10_points_the_same_way_in_every_layer(d):
    per_seed = d["per_seed"][:, START, M10]
    assert np.all(per_seed[..., ERR] < 1)
    assert np.all(per_seed[..., COS] > 0.8)
    assert np.all(d["median"][START, M10, :, COS] > 0.9)


def test_at_start_first_hidden_layer_is_the_noisiest(d):
    med = d["median"][START, M10, :, ERR]
    assert np.all(med[0] > med[1:])


def test_on_the_plateau_noise_exceeds_the_gradient(d):
    med = d["median"][PLATEAU, M10, :, ERR]
    assert np.all(med > 1)


def test_on_the_plateau_noise_grows_towards_the_output(d):
    med = d["median"][PLATEAU, :, :, ERR]  # (sizes, layers)
    assert np.all(np.diff(med, axis=1) > 0)
    per_seed = d["per_seed"][:, PLATEAU, M10, :, ERR]
    assert np.all(per_seed[:, -1] > 5)
    assert np.all(per_seed[:, 0] < per_seed[:, -1])


def test_on_the_plateau_first_layer_keeps_most_direction(d):
    cos = d["median"][PLATEAU, :, :, COS]  # (sizes, layers)
    assert np.all(cos[:, 0] > cos[:, -1])
    assert cos[M100, 0] > 0.8
    assert cos[M10, -1] < 0.2


def test_expected_shrink_is_sqrt_11_for_10_and_100_of_1000_without_replacement():
    assert sn.expected_shrink(1000, 10, 100) == pytest.approx(np.sqrt(11))
    # with replacement (n → ∞) the correction disappears: √(m_large / m_small)
    assert sn.expected_shrink(10**12, 10, 100) == pytest.approx(np.sqrt(10))


def test_expected_shrink_matches_a_direct_simulation_of_permutation_batches():
    """Oracle: spread of means of permutation slices of fixed random numbers."""
    rng = np.random.default_rng(4)
    values = rng.normal(size=1000)
    spread = {m: np.std([rng.permutation(values)[:m].mean() for _ in range(20000)])
              for m in (10, 100)}
    assert spread[10] / spread[100] == pytest.approx(sn.expected_shrink(1000, 10, 100),
                                                     rel=0.03)


def test_ten_times_larger_minibatch_is_less_noisy_by_the_expected_factor(d):
    shrink = d["median"][:, M10, :, ERR] / d["median"][:, M100, :, ERR]
    expected = sn.expected_shrink(d["n"], 10, 100)
    assert np.all(np.abs(shrink / expected - 1) < 0.08)
    # the finite-population correction is visible: closer to √11 than to √10
    v = sn.values(d)
    assert v["shrink_median"] == pytest.approx(np.median(shrink))
    assert abs(v["shrink_median"] - expected) < abs(v["shrink_median"] - np.sqrt(10))


def test_values_and_table(d):
    v = sn.values(d)
    assert v["table"].count("\n") == 1 + len(d["layers"])
    assert v["plateau_err_last"] > v["plateau_err_first"] > 1


def test_figure_is_drawn_for_both_themes(d):
    import matplotlib.pyplot as plt

    import plotstyle

    for theme in plotstyle.THEMES:
        with plt.rc_context(plotstyle.rc(theme)):
            figs = sn.draw(d, theme)
        assert set(figs) == set(sn.FIGURES)
        for fig in figs.values():
            plt.close(fig)
