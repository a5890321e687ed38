"""Claims of the "Speed of learning under SGD" page about training the deep network.

``measured(sgd_training)`` runs once (module fixture); every claim is checked on each
seed or on the median over seeds, as the page states it.
"""

import numpy as np
import pytest

import sgd_training as st
from conftest import measured


@pytest.fixture(scope="module")
def d():
    return measured(st)


@pytest.fixture(scope="module")
def plateau(d):
    """Per seed and layer, over the first PLATEAU epochs: median step, median
    update:data ratio, distance moved, and distance / path length."""
    k = st.PLATEAU * d["steps_per_epoch"]
    moved = d["distance"][:, st.PLATEAU]
    return {
        "step": np.median(d["step_size"][:, :k], axis=1),
        "ratio": np.median(d["ratio"][:, :k], axis=1),
        "moved": moved,
        "relative": moved / d["norm0"],
        "straight": moved / d["step_size"][:, :k].sum(axis=1),
    }


def test_shapes_cover_every_step_seed_and_layer(d):
    steps = st.EPOCHS * d["steps_per_epoch"]
    layers = len(st.SIZES) - 1
    assert d["step_size"].shape == (len(st.SEEDS), steps, layers)
    assert d["ratio"].shape == (len(st.SEEDS), steps, layers)
    assert d["distance"].shape == (len(st.SEEDS), st.EPOCHS + 1, layers)
    assert d["layers"] == [2, 3, 4, 5, 6]


def test_step_size_is_eta_times_gradient_norm():
    """With λ = 0 the recorded ‖Δw^l‖ is the real change of w^l in that step."""
    import backprop

    x, y, _, _ = st.load()
    rng = np.random.default_rng(0)
    w, b = backprop.init_params(st.SIZES, rng)
    w1, _, hist = backprop.train(w, b, x, y, epochs=1, batch_size=len(x.T),
                                 eta=st.ETA, lmbda=st.LMBDA, rng=rng,
                                 record=st.diagnostics)
    moves, _ = hist[0]
    np.testing.assert_allclose(moves, [np.linalg.norm(a - c) for a, c in zip(w1, w)],
                               rtol=1e-12)


def test_network_sits_at_chance_on_the_plateau(d):
    assert np.all(d["accuracy"][:, st.PLATEAU] < 0.15)


def test_network_leaves_the_plateau_within_the_run_on_every_seed(d):
    assert np.all(st.escape_epochs(d) <= st.EPOCHS)
    assert np.all(st.escape_epochs(d) > st.PLATEAU)


def test_update_data_ratio_increases_with_layer_on_the_plateau(plateau):
    assert np.all(np.diff(plateau["ratio"], axis=1) > 0)


def test_early_layers_below_karpathys_minus_three_late_layers_above(plateau):
    med = np.median(plateau["ratio"], axis=0)
    assert np.all(med[:2] < st.KARPATHY)
    assert np.all(med[2:] > st.KARPATHY)


def test_first_layer_steps_are_about_a_hundred_times_smaller(plateau):
    ratio = plateau["step"][:, -1] / plateau["step"][:, 0]
    assert np.all(ratio > 30)
    assert 50 < np.median(ratio) < 300


def test_early_weights_move_they_are_not_stuck(plateau):
    # weights[0] moved by at least 3 % of its own initial norm on every seed.
    assert np.all(plateau["moved"][:, 0] > 0)
    assert np.all(plateau["relative"][:, 0] > 0.03)


def test_output_weights_moved_farther_than_first_layer(plateau):
    ratio = plateau["moved"][:, -1] / plateau["moved"][:, 0]
    assert np.all(ratio > 2)
    assert np.median(ratio) > 4


def test_distance_ratio_far_below_step_ratio(plateau):
    """Slow steps add up: moved ratio ≪ per-step ratio because the first layer
    moves straight while the output layer mostly jitters."""
    moved = plateau["moved"][:, -1] / plateau["moved"][:, 0]
    step = plateau["step"][:, -1] / plateau["step"][:, 0]
    assert np.all(step > 5 * moved)
    assert np.all(plateau["straight"][:, 0] > 0.5)
    assert np.all(plateau["straight"][:, -1] < 0.1)


def test_first_layer_ratio_rises_by_over_a_decade_and_layers_meet(d, plateau):
    final = st.per_epoch(d["ratio"], d["steps_per_epoch"])[:, -1]
    assert np.all(final[:, 0] - plateau["ratio"][:, 0] > 1.0)
    spread = final.max(axis=1) - final.min(axis=1)
    assert np.median(spread) < 0.4


def test_first_layer_starts_lowest_and_catches_up_in_distance(d):
    dist = np.median(d["distance"], axis=0)  # (epochs + 1, layers), as drawn
    assert np.argmin(dist[1]) == 0
    assert dist[-1, 0] > 0.5 * dist[-1].max()


def test_same_step_per_example_as_nielsen_with_fewer_steps_per_epoch(d):
    v = st.values(d)
    assert st.ETA / st.BATCH == pytest.approx(st.NIELSEN_ETA / st.NIELSEN_BATCH)
    assert v["steps_per_epoch"] * st.BATCH == v["nielsen_steps_per_epoch"] * \
        st.NIELSEN_BATCH == 1000
    assert v["steps_per_epoch"] < v["nielsen_steps_per_epoch"]


def test_full_batch_speeds_are_nielsens_speeds_at_initialization(d):
    """Oracle: epoch 0 of every run is the network nielsen_speeds draws with the
    same seed (same init, same 1,000 images)."""
    import data
    import nielsen_speeds as ns

    x, labels = data.load_digits()
    x_train, y_train, _, _ = data.nielsen_split(x, labels)
    theirs = ns.speeds_at_init(x_train, data.one_hot(y_train), 4, st.SEEDS)
    np.testing.assert_allclose(d["speed"][:, 0], theirs["bias"], rtol=1e-12)


def test_nielsens_first_vs_last_hidden_ratio_is_the_order_of_his_96(d):
    """Like with like: bias speeds, first vs last hidden layer, full batch."""
    v = st.values(d)
    for key in ("bias_ratio_start", "bias_ratio"):
        assert 96 / 3 < v[key] < 96 * 3, key
    assert v["bias_ratio"] < v["step_ratio"]  # a different, larger comparison


def test_after_the_escape_the_first_hidden_layer_is_not_slower(d):
    """Nielsen's speed of the first hidden layer ends above the last's, per seed."""
    final = st.last_over_first(d["speed"][:, -1])
    assert np.all(final < 1)
    assert st.values(d)["bias_ratio_final"] == pytest.approx(np.median(final))


def test_per_example_error_vanishes_at_first_and_not_at_the_end(d):
    ratio = st.last_over_first(d["example_error"])  # (seeds, epochs + 1)
    assert np.all(ratio[:, 0] > 50)
    assert np.all((ratio[:, -1] > 0.5) & (ratio[:, -1] < 2))
    v = st.values(d)
    assert v["example_ratio_start"] == pytest.approx(np.median(ratio[:, 0]))
    assert v["example_ratio_final"] == pytest.approx(np.median(ratio[:, -1]))


def test_values_and_table(d):
    v = st.values(d)
    assert v["table"].count("\n") == 1 + len(d["layers"])
    assert v["moved_first"] > 0 and v["moved_ratio"] > 1
    assert v["plateau"] < v["escape_epoch"] <= st.EPOCHS


def test_figures_are_drawn_for_both_themes(d):
    import matplotlib.pyplot as plt

    import plotstyle

    for theme in plotstyle.THEMES:
        with plt.rc_context(plotstyle.rc(theme)):
            figs = st.draw(d, theme)
        assert set(figs) == set(st.FIGURES)
        for fig in figs.values():
            plt.close(fig)


# ------------------------------------------------ every value the page quotes

QUOTED_PLATEAU = {  # key: (fixture entry, layer index, low, high), medians over seeds
    "ratio_first": ("ratio", 0, -4.5, -3.0), "ratio_last": ("ratio", -1, -3.0, 0.0),
    "moved_last": ("moved", -1, 1.0, 10.0),
    "relative_first": ("relative", 0, 0.03, 0.2),
    "straight_first": ("straight", 0, 0.5, 1.0),
    "straight_last": ("straight", -1, 0.0, 0.1),
}


def test_quoted_plateau_medians_recomputed_from_the_runs(d, plateau):
    v = st.values(d)
    for key in ("ratio_first", "ratio_last", "moved_last", "relative_first",
                "straight_first", "straight_last"):
        entry, layer, low, high = QUOTED_PLATEAU[key]
        assert v[key] == pytest.approx(np.median(plateau[entry][:, layer]),
                                       rel=1e-12), key
        assert low < v[key] < high, key
    assert v["ratio_first"] < -3.0 < v["ratio_last"]  # either side of Karpathy's -3
    assert v["plateau_accuracy"] == np.median(d["accuracy"][:, 50])
    assert 0.05 < v["plateau_accuracy"] < 0.15  # chance is 10 %


def test_quoted_last_epoch_ratios_recomputed_from_the_runs(d):
    v = st.values(d)
    steps = d["steps_per_epoch"]
    last = np.median(d["ratio"][:, -steps:], axis=1)  # last epoch's steps
    assert v["final_ratio_first"] == pytest.approx(np.median(last[:, 0]), rel=1e-12)
    assert -3.0 < v["final_ratio_first"] < -1.0
    spread = np.median(last.max(axis=1) - last.min(axis=1))
    assert v["final_spread"] == pytest.approx(spread, rel=1e-12)
    assert 0 < v["final_spread"] < 0.4


def test_quoted_set_up_is_the_one_trained(d):
    v = st.values(d)
    assert v["sizes"] == "[64, 30, 30, 30, 30, 10]"
    assert (v["eta"], v["batch"]) == (1.0, 100)  # η/m = Nielsen's 0.1/10
    assert v["eta"] / v["batch"] == pytest.approx(0.1 / 10)
    assert v["lmbda"] == 0.0
    assert v["epochs"] == 150 == d["accuracy"].shape[1] - 1
    assert v["n_seeds"] == 5 == d["accuracy"].shape[0]
    assert v["escape"] == 0.2  # twice chance with ten digits
