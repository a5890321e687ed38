"""Claims of the "Beyond SGD" page about the Cross Validated answer's network and
Adam's ε. Oracles: the layer gradient of one network from ``backprop.backward``;
Adam's first step η·g/(|g| + ε) written out from the gradient."""

import numpy as np
import pytest

import backprop
import optimizer_eps as oe
import optimizer_training as ot
from conftest import measured


@pytest.fixture(scope="module")
def d():
    return measured(oe)


@pytest.fixture(scope="module")
def vals(d):
    return oe.values(d)


def test_settings(vals):
    assert vals["n_nets"] == 50 and vals["steps"] == 100
    assert vals["eps"] == 1e-8 and vals["batch"] == 100
    assert (vals["hidden_min"], vals["hidden_max"]) == (4, 24)
    assert vals["deep"] == 20 and vals["deep_eta"] == 0.01
    assert vals["depth_seeds"] == 5


def test_learning_rates_are_those_chosen_on_the_digits():
    assert oe.ETAS == ot.chosen(measured(ot))


def test_two_neuron_sgd_is_proportional_adam_is_not(vals):
    assert vals["sgd_slope"] == pytest.approx(1.0, abs=1e-9)
    assert vals["sgd_step_ratio"] == pytest.approx(vals["sgd_grad_ratio"],
                                                   rel=1e-9)
    assert vals["sgd_grad_ratio"] > 100
    assert 0.9 < vals["momentum_slope"] < 1.05
    assert vals["momentum_step_ratio"] > 100
    assert abs(vals["adam_slope"]) < 0.1 and 0 < vals["rmsprop_slope"] < 0.3
    for name in ("rmsprop", "adam"):
        assert vals[f"{name}_grad_ratio"] > 1000
        assert 0.5 < vals[f"{name}_step_ratio"] < 2
    assert vals["adam_grad_ratio"] > 1000 and 0.5 < vals["adam_step_ratio"] < 2


def test_depth_sweep_matches_one_network_at_a_time(d):
    """Oracle: backprop.backward on one network, layer_gradient of book layer 2."""
    x, y, _, _ = ot.load()
    for i in (0, 7):
        hidden, seed = oe.HIDDEN[i], oe.DEPTH_SEEDS[2]
        sizes = [64, *[30] * hidden, 10]
        w, b = backprop.init_params(sizes, np.random.default_rng(seed))
        nw, nb, _ = backprop.backward(w, b, x[:, :100], y[:, :100])
        g = backprop.layer_gradient(nw, nb, 2)
        assert d["depth"][i, 2] == pytest.approx(np.linalg.norm(g) / np.sqrt(g.size),
                                                 rel=1e-9)


def test_layer2_gradient_crosses_eps_where_stated(d, vals):
    median = dict(zip(oe.HIDDEN, np.median(d["depth"], axis=1), strict=True))
    assert median[vals["cross_eps"]] < 1e-8 <= median[vals["cross_eps"] - 1]
    assert median[vals["cross_tenth"]] < 1e-9 <= median[vals["cross_tenth"] - 1]
    assert (vals["cross_eps"], vals["cross_tenth"]) == (11, 12)
    assert all(g < 1e-8 for h, g in median.items() if h >= vals["cross_eps"])
    assert median[4] > 1e4 * 1e-8  # Nielsen's four hidden layers: far above ε
    assert 0.1 < vals["per_layer"] < 0.3
    ratios = np.array(list(median.values()))
    assert vals["per_layer"] == pytest.approx(
        np.exp(np.log(ratios[-1] / ratios[0]) / (len(ratios) - 1)), rel=0.3)


def test_adams_first_step_in_the_deep_network(d):
    """Oracle: η g/(|g| + ε) per parameter, from the first mini-batch's gradient
    (train draws the order with the generator that drew the weights)."""
    x, y, _, _ = ot.load()
    rng = np.random.default_rng(0)
    w, b = backprop.init_params([64, *[30] * oe.DEEP, 10], rng)
    batch = rng.permutation(x.shape[1])[:oe.BATCH]
    nw, nb, _ = backprop.backward(w, b, x[:, batch], y[:, batch])
    for l in range(2, oe.DEEP + 3):
        g = backprop.layer_gradient(nw, nb, l)
        step = g / (np.abs(g) + 1e-8)  # over η
        assert d["deep"]["step"][0, l - 2] == pytest.approx(
            np.sqrt(np.mean(step ** 2)), rel=1e-6)
        assert d["deep"]["grad"][0, l - 2] == pytest.approx(
            np.sqrt(np.mean(g ** 2)), rel=1e-9)


def test_far_below_eps_adams_step_is_proportional_again(d, vals):
    assert 0.9 < vals["deep_low_slope"] < 1.1
    assert vals["deep_low_layers"] >= 5
    high = d["deep"]["grad"] > 1e-6  # far above ε: the step is about η
    assert np.all((d["deep"]["step"][high] > 0.3) & (d["deep"]["step"][high] < 5))


def test_table_lists_every_optimizer(vals):
    assert vals["table"].count("\n") == 1 + len(oe.ETAS)
    assert "| SGD | 3 | 1.00 | 661 | 661 |" in vals["table"]
    assert "| Adam | 0.01 |" in vals["table"]
