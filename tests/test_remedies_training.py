"""Claims of the "Remedies, measured" page about training the nine networks.

``measure()`` trains every network on each of the snippet's seeds once (module
fixture); claims are medians over those seeds unless they say "every seed".
"""

import numpy as np
import pytest

import backprop
import remedies_init as ri
import remedies_training as rt
from conftest import measured

LEARNERS = ["tanh_xavier", "relu_he", "batchnorm", "clipped"]  # reach the target


@pytest.fixture(scope="module")
def d():
    return measured(rt)


@pytest.fixture(scope="module")
def s(d):
    return rt.summary(d)


@pytest.fixture(scope="module")
def vals(d):
    return rt.values(d)


@pytest.fixture(scope="module")
def digits():
    return ri.load()


def test_every_network_trains_on_at_least_three_seeds(d):
    assert set(d["runs"]) == set(ri.REMEDIES)
    assert len(rt.SEEDS) >= 3
    for runs in d["runs"].values():
        assert len(runs) == len(rt.SEEDS)
        assert all(r["accuracy"].shape == (rt.EPOCHS + 1,) for r in runs)


def test_plain_sigmoid_networks_stay_at_chance_on_every_seed(d):
    for name in ("baseline", "sigmoid_xavier"):
        for r in d["runs"][name]:
            assert np.nanmax(r["accuracy"]) < 0.2, name


def test_init_and_architecture_remedies_reach_the_target_on_every_seed(d, s):
    for name in LEARNERS:
        assert all(np.isfinite(rt.epochs_to_target(r)) for r in d["runs"][name])
        assert s[name]["final"] > rt.TARGET


def test_batch_norm_reaches_the_target_first(s):
    others = [v["epochs"] for name, v in s.items() if name != "batchnorm"]
    assert s["batchnorm"]["epochs"] < min(others)


def test_tanh_and_residual_learn_but_miss_the_target(s):
    for name in ("tanh", "residual"):
        assert np.isinf(s[name]["epochs"]), name
        assert s[name]["final"] > 0.5, name  # five times chance


def test_large_weights_diverge_on_every_seed_within_two_epochs(d, s):
    assert s["large"]["diverged"] == len(rt.SEEDS)
    assert s["large"]["diverged_step"] <= 2 * d["steps_per_epoch"]
    for r in d["runs"]["large"]:
        assert np.isnan(r["accuracy"][-1])
        assert np.nanmax(r["accuracy"]) < 0.2


def test_clipping_stops_the_divergence(d, s):
    assert s["clipped"]["diverged"] == 0
    for r in d["runs"]["clipped"]:
        assert r["diverged"] is None and np.all(np.isfinite(r["speeds"]))


def test_clipped_steps_never_exceed_tau_and_the_clip_acts_first_then_rarely(d, vals):
    tau = ri.CLIP
    for r in d["runs"]["clipped"]:
        assert r["applied"].max() <= tau * (1 + 1e-12)
        assert r["applied"][0] == pytest.approx(tau)  # the very first step is clipped
    assert 0 < vals["clip_fraction"] < 0.1
    assert vals["clip_last_epoch"] < rt.EPOCHS


def test_speeds_are_measured_before_the_clip(d):
    """Same seed, same first mini-batch: the clipped and unclipped networks log
    identical first-step speeds, far above what a step of length τ carries."""
    for big, clipped in zip(d["runs"]["large"], d["runs"]["clipped"]):
        np.testing.assert_array_equal(big["speeds"][0], clipped["speeds"][0])
        assert np.linalg.norm(clipped["speeds"][0]) > ri.CLIP


def test_after_training_the_first_hidden_layer_is_the_faster(s):
    for name in ("tanh", "tanh_xavier", "relu_he", "residual", "clipped"):
        assert s[name]["end"] > 1, name
    assert s["relu_he"]["end"] > 3  # ReLU + He does not keep the ratio near 1
    # explorer.md: "longer runs can leave that range" (0.1 to 10) cites this run
    assert s["relu_he"]["end"] > 10


def test_clipped_and_plain_he_end_with_nearly_the_same_ratio(vals):
    """remedies.md: the clipped network's final s_2/s_7 is no leftover explosion,
    plain ReLU with He's initialization (never exploded) ends near the same value."""
    assert vals["end_clipped"] > 3 and vals["end_relu_he"] > 3
    assert 1 / 1.5 < vals["end_clipped"] / vals["end_relu_he"] < 1.5


def test_the_sigmoid_baseline_still_vanishes_after_training(s):
    assert s["baseline"]["end"] < 0.01
    assert s["sigmoid_xavier"]["end"] < 0.01


def test_batch_norm_ratio_moves_toward_1(s):
    assert s["batchnorm"]["init"] < 0.1
    assert 0.2 < s["batchnorm"]["end"] < 2


def test_at_eta_1_the_baseline_still_stays_at_chance_and_relu_diverges(digits):
    r = rt.run(ri.REMEDIES["baseline"], 0, *digits, eta=1.0)
    assert np.nanmax(r["accuracy"]) < 0.2 and r["diverged"] is None
    r = rt.run(ri.REMEDIES["relu_he"], 0, *digits, eta=1.0)
    assert r["diverged"] is not None


def test_logged_speeds_are_measured_before_the_clip_that_train_applies(digits):
    x, y, _, _ = digits
    xb, yb = x[:, :100], y[:, :100]
    remedy = ri.REMEDIES["clipped"]
    weights, biases = ri.init(remedy, np.random.default_rng(0))
    raw_w, raw_b, _ = backprop.backward(weights, biases, xb, yb, "relu")
    norm = backprop.global_norm(raw_w, raw_b)
    assert norm > remedy.clip
    log = []
    new_w, new_b, applied = backprop.train(  # one step on the 100 examples
        weights, biases, xb, yb, epochs=1, batch_size=100, eta=rt.ETA,
        rng=np.random.default_rng(0), clip=remedy.clip,
        record=rt.logged(remedy, log), activation="relu")
    np.testing.assert_allclose(log[0], backprop.speeds(raw_b), rtol=1e-12)
    assert applied == [pytest.approx(remedy.clip)]
    for p, p_new, raw in zip(weights + biases, new_w + new_b, raw_w + raw_b):
        np.testing.assert_allclose(p_new, p - rt.ETA * raw * remedy.clip / norm,
                                   rtol=1e-10, atol=1e-14)
    _, _, applied = backprop.train(  # unclipped: the norm as computed
        weights, biases, xb, yb, epochs=1, batch_size=100, eta=rt.ETA,
        rng=np.random.default_rng(0), record=rt.logged(ri.REMEDIES["large"], []),
        activation="relu")
    assert applied == [pytest.approx(norm, rel=1e-12)]


def test_a_non_finite_network_or_gradient_raises_diverged(digits):
    x, y, _, _ = digits
    weights, biases = ri.init(ri.REMEDIES["relu_he"], np.random.default_rng(0))
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, "relu")
    norm = backprop.global_norm(nabla_w, nabla_b)

    def update(weights, norm):
        return backprop.Update(0, np.arange(x.shape[1]), weights, biases, nabla_w,
                               nabla_b, (), norm, nabla_w, nabla_b)

    record = rt.logged(ri.REMEDIES["relu_he"], [])
    assert record(update(weights, norm)) == norm  # finite: logged
    broken = [w.copy() for w in weights]
    broken[0][0, 0] = np.inf
    for u in (update(broken, norm), update(weights, np.inf)):
        with pytest.raises(rt.Diverged):
            record(u)


def test_per_epoch_takes_medians_and_leaves_unfinished_epochs_nan():
    speeds = np.arange(25.0).reshape(25, 1)  # 2 full epochs of 10 steps, then 5
    out = rt.per_epoch(speeds, 10)
    assert out.shape == (rt.EPOCHS, 1)
    np.testing.assert_array_equal(out[:2, 0], [4.5, 14.5])
    assert np.isnan(out[2:]).all()


def test_table_has_one_row_per_network(d, vals):
    lines = vals["table"].splitlines()
    assert len(lines) == 2 + len(ri.REMEDIES)
    assert all(line.count("|") == 7 for line in lines)
    row = {name: lines[2 + i] for i, name in enumerate(ri.REMEDIES)}
    assert "diverged" in row["large"]
    assert "not reached" in row["baseline"]
    assert f"{rt.TARGET:.0%}" in lines[0]


def test_tanh_first_hidden_layer_is_slowest_in_the_first_epoch(d, vals):
    assert vals["first_epoch_tanh"] < 0.3
    first = np.median([rt.per_epoch(r["speeds"], d["steps_per_epoch"])[0]
                       for r in d["runs"]["tanh"]], axis=0)
    assert np.argmin(first) == 0


def test_batch_norm_layers_2_to_6_stay_together_below_layer_7(d):
    med = np.median([rt.per_epoch(r["speeds"], d["steps_per_epoch"])
                     for r in d["runs"]["batchnorm"]], axis=0)  # (epochs, layers)
    lower = med[:, :-1]
    assert np.all(lower.max(axis=1) / lower.min(axis=1) < 3)
    assert np.all(med[:, -1] > lower.max(axis=1))


def test_plain_sigmoid_layers_stay_orders_of_magnitude_apart_every_epoch(d):
    for name in ("baseline", "sigmoid_xavier"):
        for r in d["runs"][name]:
            speeds = rt.per_epoch(r["speeds"], d["steps_per_epoch"])
            assert np.all(speeds[:, 0] < 0.01 * speeds[:, -1]), name
            assert np.all(np.argmin(speeds, axis=1) == 0), name


# ------------------------------------------------ every value the page quotes

QUOTED_END = {  # s_2/s_7 after training, median over seeds: (low, high)
    "end_baseline": (0.0, 0.01), "end_batchnorm": (0.2, 2.0),
    "end_clipped": (1.0, 30.0), "end_relu_he": (10.0, 30.0),
    "end_residual": (1.0, 10.0), "end_tanh_xavier": (1.0, 15.0),
}
QUOTED_EPOCHS = {  # first epoch at 80 % held-out accuracy, median over seeds
    "epochs_batchnorm": (1, 12), "epochs_clipped": (1, 20),
    "epochs_relu_he": (1, 30), "epochs_tanh_xavier": (1, 30),
}
QUOTED_FINAL = {  # held-out accuracy after the last epoch, median over seeds
    "final_clipped": (0.8, 1.0), "final_residual": (0.5, 0.8),
    "final_tanh": (0.5, 0.8),
}


def _recount(d: dict, key: str) -> float:
    """A quoted summary recomputed from the runs, without rt.summary."""
    kind, name = key.split("_", 1)
    runs = d["runs"][name]
    if kind == "end":
        return np.median([r["end"][0] / r["end"][-1] for r in runs])
    if kind == "final":
        return np.median([r["accuracy"][-1] for r in runs])
    return np.median([np.argmax(r["accuracy"] >= 0.8) for r in runs])  # reached


def test_quoted_summaries_recounted_from_the_runs(d, vals):
    for table in (QUOTED_END, QUOTED_EPOCHS, QUOTED_FINAL):
        for key, (low, high) in table.items():
            assert vals[key] == pytest.approx(_recount(d, key), rel=1e-12), key
            assert low <= vals[key] <= high, key
    assert vals["epochs_batchnorm"] < min(vals["epochs_clipped"],
                                          vals["epochs_tanh_xavier"],
                                          vals["epochs_relu_he"])


def test_quoted_set_up_is_the_one_trained(d, vals):
    assert (vals["batch"], vals["eta"], vals["target"]) == (100, 0.1, 0.8)
    assert vals["epochs"] == 40
    assert vals["n_seeds"] == 3
    for runs in d["runs"].values():
        assert len(runs) == vals["n_seeds"]
        assert all(r["accuracy"].shape == (vals["epochs"] + 1,) for r in runs)
    # 1,000 training digits in mini-batches of `batch`
    assert d["steps_per_epoch"] == 1000 // vals["batch"]


def test_quoted_divergence_of_the_large_network(d, vals):
    steps = [r["diverged"] for r in d["runs"]["large"]]
    assert vals["large_diverged"] == sum(s is not None for s in steps) == 3
    assert vals["large_diverged_step"] == max(steps)
    assert 0 < vals["large_diverged_step"] <= 2 * d["steps_per_epoch"]


def test_quoted_table_shows_the_recounted_accuracies(d, vals):
    lines = vals["table"].splitlines()
    assert len(vals["table"].splitlines()) == 2 + len(ri.REMEDIES)
    for name, line in zip(ri.REMEDIES, lines[2:]):
        last = line.strip("| ").split(" | ")[-1]
        if name != "large":
            assert last == f"{_recount(d, 'final_' + name):.1%}", name
