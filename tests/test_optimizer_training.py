"""Claims of the "Beyond SGD" page about the deep network of the digits.

``measured(optimizer_training)`` runs once (module fixture). Oracles: RMS values
recomputed from ``backprop.layer_gradient``; a run retrained one network at a
time with ``backprop.train``; the learning-rate rule applied again to the raw
escape epochs; SGD's step, which is η times the gradient by construction.
"""

import numpy as np
import pytest

import backprop
import optimizer_training as ot
import optimizers
import sgd_training
import stacked
from conftest import measured


@pytest.fixture(scope="module")
def d():
    return measured(ot)


@pytest.fixture(scope="module")
def vals(d):
    return ot.values(d)


def test_rms_per_layer_is_the_rms_of_each_layer_gradient():
    """Oracle: backprop.layer_gradient of each network of the stack, its norm over
    the square root of its length."""
    rngs = [np.random.default_rng(s) for s in range(2)]
    sizes = [4, 3, 3, 2]
    w, b = stacked.stack([backprop.init_params(sizes, r) for r in rngs])
    x, y = rngs[0].uniform(0, 1, (4, 5)), rngs[0].uniform(0, 1, (2, 5))
    nw, nb, _ = stacked.backward(w, b, x, y)
    dw, db = [-2 * g for g in nw], [-2 * g for g in nb]
    got = ot.rms_per_layer(backprop.Update(0, None, w, b, nw, nb, (), 0.0, dw, db))
    assert got.shape == (2, 2, 3)
    for s in range(2):
        for l in range(2, 5):
            g = backprop.layer_gradient([a[s] for a in nw], [a[s] for a in nb], l)
            want = np.linalg.norm(g) / np.sqrt(g.size)
            assert got[1, s, l - 2] == pytest.approx(want, rel=1e-12)
            assert got[0, s, l - 2] == pytest.approx(2 * want, rel=1e-12)


def test_slope_recovers_a_known_power():
    grad = np.logspace(-8, -2, 30)
    assert ot.slope(3e-2 * grad ** 0.5, grad) == pytest.approx(0.5, abs=1e-12)


def test_settings_are_sgd_trainings(vals):
    assert vals["sizes"] == str(sgd_training.SIZES)
    assert vals["batch"] == sgd_training.BATCH == 100
    assert vals["escape"] == sgd_training.ESCAPE == 0.2
    assert vals["cap"] == 60 and vals["n_seeds"] == 3 and vals["diverge"] == 2.0


def test_each_eta_is_the_best_of_its_grid(d, vals):
    """The rule applied again to the raw escape epochs."""
    for name, grid in ot.GRIDS.items():
        medians = [np.median(d["runs"][name, eta]["escaped"]) for eta in grid]
        best = grid[int(np.argmin(medians))]  # argmin: the first, smaller η
        assert vals[f"{name}_eta"] == best
    assert (vals["sgd_eta"], vals["momentum_eta"], vals["rmsprop_eta"],
            vals["adam_eta"]) == (3.0, 0.1, 0.01, 0.01)
    # the chosen η lies inside its grid for the optimizers that leave the plateau
    for name in ("sgd", "rmsprop", "adam"):
        assert ot.GRIDS[name][0] < vals[f"{name}_eta"] < ot.GRIDS[name][-1]


def test_escape_epochs_match_one_network_trained_alone(d):
    """Oracle: seed 0 trained by itself with backprop.train and a fresh optimizer
    leaves the plateau at the same epoch as in the stack."""
    x, y, x_test, labels = ot.load()
    for name in ("rmsprop", "adam"):
        eta = ot.chosen(d)[name]
        rng = np.random.default_rng(0)
        w, b = backprop.init_params(ot.SIZES, rng)
        opt = optimizers.make(name, eta)
        want = d["runs"][name, eta]["escaped"][0]
        accuracy = []
        while len(accuracy) < want:
            w, b, _ = backprop.train(w, b, x, y, epochs=1, batch_size=ot.BATCH,
                                     optimizer=opt, rng=rng)
            accuracy.append(sgd_training.accuracy(w, b, x_test, labels))
        assert accuracy[-1] >= ot.ESCAPE > max(accuracy[:-1], default=0.0)


def test_under_sgd_the_step_is_eta_times_the_gradient(d, vals):
    r = d["runs"]["sgd", vals["sgd_eta"]]
    np.testing.assert_allclose(r["step"], vals["sgd_eta"] * r["grad"], rtol=1e-9)
    assert vals["sgd_slope"] == pytest.approx(1.0, abs=1e-9)
    assert vals["sgd_step_ratio"] == pytest.approx(vals["sgd_grad_ratio"],
                                                   rel=1e-9)
    assert vals["sgd_grad_ratio"] > 100


def test_momentum_is_close_to_proportional(d, vals):
    assert 0.5 < vals["momentum_slope"] < 1.0
    assert 10 < vals["momentum_step_ratio"] < vals["momentum_grad_ratio"]
    assert vals["momentum_escape"] > ot.CAP  # never left the plateau in 60 epochs
    for eta in ot.GRIDS["momentum"]:  # the median seed never left it
        assert np.median(d["runs"]["momentum", eta]["escaped"]) > ot.CAP


def test_rmsprop_and_adam_steps_ignore_the_gradients_size(vals):
    for name in ("rmsprop", "adam"):
        assert abs(vals[f"{name}_slope"]) < 0.1
        # the early layer's gradient is > 100 times smaller, its step is not
        assert vals[f"{name}_grad_ratio"] > 100
        assert 0.2 < vals[f"{name}_step_ratio"] < 1.0  # layer 2 moves farther
    assert abs(vals["adam_slope"]) < 0.1 and vals["adam_grad_ratio"] > 1000
    assert 0.2 < vals["adam_step_ratio"] < 1.0


def test_adam_and_rmsprop_leave_the_plateau_sooner(vals):
    assert vals["rmsprop_escape"] < vals["adam_escape"] < vals["sgd_escape"]
    assert vals["adam_speedup"] == pytest.approx(
        vals["sgd_escape"] / vals["adam_escape"], rel=1e-12)
    assert 2 < vals["adam_speedup"] < 10


def test_raising_eta(d, vals):
    """SGD: 10 is the largest grid η without a diverged seed; there the early
    layers are relatively slower than at η = 1, and layer 2's median step is
    smaller, not 10 times larger; at 30 every seed diverges."""
    assert vals["sgd_stable"] == 10.0 == ot.largest_stable(d)
    assert vals["sgd_low"] == 1.0 and vals["sgd_grid_max"] == 30.0
    assert not d["runs"]["sgd", 10.0]["diverged"].any()
    assert d["runs"]["sgd", 30.0]["diverged"].all()
    assert vals["sgd_unstable"] == 30.0
    assert vals["sgd_unstable_diverged"] == 3 == vals["n_seeds"]
    assert vals["sgd_eta_gain"] == vals["sgd_stable"] / vals["sgd_low"] == 10.0
    assert 100 < vals["sgd_ratio_low"] < 1000
    assert vals["sgd_ratio_stable"] > 10 * vals["sgd_ratio_low"]
    assert 0.01 < vals["sgd_first_gain"] < 1.0  # smaller steps, not 10x larger
    low = ot.summary(d["runs"]["sgd", 1.0], d["steps_per_epoch"])
    ten = ot.summary(d["runs"]["sgd", 10.0], d["steps_per_epoch"])
    assert vals["sgd_first_gain"] == pytest.approx(
        ten["first_step"] / low["first_step"], rel=1e-12)
    assert vals["sgd_ratio_stable"] == pytest.approx(ten["grad_ratio"], rel=1e-12)
    assert vals["sgd_ratio_low"] == pytest.approx(low["grad_ratio"], rel=1e-12)
    thirty = ot.summary(d["runs"]["sgd", 30.0], d["steps_per_epoch"])
    assert vals["sgd_ratio_unstable"] == pytest.approx(thirty["grad_ratio"],
                                                       rel=1e-12)
    assert vals["n_momentum_rates"] == len(ot.GRIDS["momentum"]) == 3


def test_divergence_at_eta_30_is_real():
    """Oracle: one network, plain backprop.train, one epoch at η = 30: the
    held-out cost is infinite or more than twice its initial value."""
    x, y, x_test, labels = ot.load()
    rng = np.random.default_rng(0)
    w, b = backprop.init_params(ot.SIZES, rng)
    y_test = np.eye(10)[labels].T
    before = backprop.cost_value(backprop.forward(w, b, x_test)[1][-1], y_test)
    with np.errstate(all="ignore"):
        w, b, _ = backprop.train(w, b, x, y, epochs=1, batch_size=100, eta=30.0,
                                 rng=rng)
        after = backprop.cost_value(backprop.forward(w, b, x_test)[1][-1], y_test)
    assert not after <= ot.DIVERGE * before


def test_tables_list_every_setting(vals):
    assert vals["grid_table"].count("\n") == 1 + sum(map(len, ot.GRIDS.values()))
    assert "| Adam | **0.01** |" in vals["grid_table"]
    assert "| SGD | 30 | > 60 | 3 of 3 |" in vals["grid_table"]
    assert "| SGD | **3** | 59 (29–> 60) | 0 of 3 |" in vals["grid_table"]
    assert "| momentum | 0.3 | > 60 (31–> 60) | 0 of 3 |" in vals["grid_table"]
    assert vals["optimizer_table"].count("\n") == 1 + len(ot.GRIDS)
    assert "| SGD | 3 | 1.00 | 211 | 211 |" in vals["optimizer_table"]
    assert "| Adam | 0.01 | -0.02 | 4192 | 0.54 |" in vals["optimizer_table"]
    assert (ot.ratio(211.4), ot.ratio(0.543), ot.ratio(9.996)) == ("211", "0.54",
                                                                   "10.00")
    assert vals["raise_table"].count("\n") == 1 + len(ot.GRIDS["sgd"])
    assert "| 30 |" in vals["raise_table"] and "3 of 3" in vals["raise_table"]


def test_rms_per_layer_of_one_network():
    """The same oracle for one network, arrays without a stack axis."""
    rng = np.random.default_rng(1)
    w, b = backprop.init_params([4, 3, 2], rng)
    x, y = rng.uniform(0, 1, (4, 5)), rng.uniform(0, 1, (2, 5))
    nw, nb, _ = backprop.backward(w, b, x, y)
    got = ot.rms_per_layer(backprop.Update(0, None, w, b, nw, nb, (), 0.0, nw, nb))
    assert got.shape == (2, 2)
    for l in (2, 3):
        g = backprop.layer_gradient(nw, nb, l)
        assert got[1, l - 2] == pytest.approx(np.linalg.norm(g) / np.sqrt(g.size),
                                              rel=1e-12)
