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


def test_on_the_plateau_with_m_100_the_first_layer_noise_stays_below_its_gradient(d):
    """Why the page says "with mini-batches of 10": not so for m = 100."""
    assert d["median"][PLATEAU, M100, 0, ERR] < 1


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


# ------------------------------------------------ every value the page quotes


def test_quoted_set_up_is_the_one_measured(d):
    v = sn.values(d)
    assert (v["m_small"], v["m_large"]) == (10, 100)
    assert v["n"] == 1000 == d["n"]  # the training images
    assert v["n_seeds"] == 10 == d["per_seed"].shape[0]
    assert v["samples"] == 200
    rng = np.random.default_rng(0)  # noise() returns one row per mini-batch drawn
    weights, biases = backprop.init_params([4, 3, 2], rng)
    x, y = rng.uniform(size=(4, 20)), rng.uniform(size=(2, 20))
    assert sn.noise(weights, biases, x, y, 5, rng, v["samples"]).shape[0] == 200


def test_quoted_shrink_factors_against_the_sampling_theory(d):
    v = sn.values(d)
    n, small, large = 1000, 10, 100
    assert v["shrink_naive"] == pytest.approx(np.sqrt(10), rel=1e-12)
    # √(10 · 990/900) = √11 exactly, the finite-population factor's effect
    assert v["shrink_expected"] == pytest.approx(
        np.sqrt(large / small * (n - small) / (n - large)), rel=1e-12)
    assert v["shrink_expected"] == pytest.approx(np.sqrt(11), rel=1e-12)
    shrink = d["median"][:, M10, :, ERR] / d["median"][:, M100, :, ERR]
    assert v["shrink_min"] == pytest.approx(shrink.min(), rel=1e-12)
    assert v["shrink_max"] == pytest.approx(shrink.max(), rel=1e-12)
    assert 0.92 * np.sqrt(11) < v["shrink_min"] <= v["shrink_max"] < 1.08 * np.sqrt(11)


def test_quoted_cosines_read_from_the_medians_and_bounded(d):
    v = sn.values(d)
    cos = d["median"][..., COS]  # (moments, sizes, layers)
    assert v["start_cos_min"] == pytest.approx(cos[START, M10].min(), rel=1e-12)
    assert 0.9 < v["start_cos_min"] < 1
    expected = {"plateau_cos_first": (cos[PLATEAU, M10, 0], 0.3, 0.8),
                "plateau_cos_last": (cos[PLATEAU, M10, -1], 0.0, 0.2),
                "plateau100_cos_first": (cos[PLATEAU, M100, 0], 0.8, 1.0),
                "plateau100_cos_last": (cos[PLATEAU, M100, -1], 0.1, 0.6)}
    for key in ("plateau_cos_first", "plateau_cos_last", "plateau100_cos_first",
                "plateau100_cos_last"):
        value, low, high = expected[key]
        assert v[key] == pytest.approx(value, rel=1e-12), key
        assert low < v[key] < high, key


def test_quoted_table_rows_are_the_medians_for_m_10(d):
    v = sn.values(d)
    lines = v["table"].splitlines()
    assert len(v["table"].splitlines()) == 2 + len(d["layers"])
    med = d["median"][:, M10]  # (moments, layers, [error, cosine])
    for j, line in enumerate(lines[2:]):
        cells = [float(c) for c in line.strip("| ").split(" | ")]
        assert cells[0] == d["layers"][j]
        assert cells[1:] == pytest.approx([med[0, j, 0], med[0, j, 1], med[1, j, 0],
                                           med[1, j, 1]], abs=0.006)
