"""The reference 2-neuron network shared by the explanation pages."""

import numpy as np
import pytest

import backprop
import two_neuron


def test_six_layers_of_two_neurons_with_six_parameters_per_layer():
    weights, biases, x, y = two_neuron.network()
    assert [w.shape for w in weights] == [(2, 2)] * 5
    assert [b.shape for b in biases] == [(2, 1)] * 5
    assert x.shape == y.shape == (2, 1)
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    for l in range(2, 7):
        assert backprop.layer_gradient(nabla_w, nabla_b, l).shape == (6,)


def test_network_is_seeded_nielsen_init_and_deterministic():
    weights, biases, _, _ = two_neuron.network()
    ref_w, ref_b = backprop.init_params(
        two_neuron.SIZES, np.random.default_rng(two_neuron.SEED), "nielsen")
    for got, ref in zip(weights + biases, ref_w + ref_b):
        np.testing.assert_array_equal(got, ref)
    other, _, _, _ = two_neuron.network(seed=two_neuron.SEED + 1)
    assert not np.array_equal(other[0], weights[0])


def test_input_lies_in_unit_square_and_target_is_one_hot():
    # two_deltas.md bounds sqrt(1 + ||a^1||^2) by sqrt(3) using x in [0, 1]^2.
    _, _, x, y = two_neuron.network()
    assert np.all((x >= 0) & (x <= 1))
    assert sorted(y[:, 0]) == [0.0, 1.0]


def test_network_returns_copies_of_input_and_target():
    _, _, x, y = two_neuron.network()
    x += 1.0
    y += 1.0
    _, _, x2, y2 = two_neuron.network()
    np.testing.assert_array_equal(x2, two_neuron.X)
    np.testing.assert_array_equal(y2, two_neuron.Y)
    assert not np.array_equal(x, x2)


def test_cost_is_cross_entropy_of_the_output():
    weights, biases, x, y = two_neuron.network()
    a = backprop.forward(weights, biases, x)[1][-1]
    expected = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert two_neuron.cost(weights, biases, x, y) == pytest.approx(expected, rel=1e-12)


def test_cost_depends_on_every_one_of_the_30_parameters():
    weights, biases, x, y = two_neuron.network()
    c0 = two_neuron.cost(weights, biases, x, y)
    changed = 0
    for params in (weights, biases):
        for p in params:
            for idx in np.ndindex(p.shape):
                p[idx] += 1e-3
                changed += two_neuron.cost(weights, biases, x, y) != c0
                p[idx] -= 1e-3
    assert changed == 30
