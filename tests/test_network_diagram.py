"""Claims of notation.md: the diagram's labels, and w^l_jk -> weights[l-2][j-1, k-1]."""

import numpy as np
import pytest

import backprop
import network_diagram as nd
import two_neuron
from conftest import measured
from tryit import run_try_it

LAYERS = range(2, len(two_neuron.SIZES) + 1)
PAIRS = [(j, k) for j in (1, 2) for k in (1, 2)]


@pytest.fixture(scope="module")
def data():
    return measured(nd)


@pytest.fixture(scope="module")
def vals(data):
    return nd.values(data)


# ------------------------------------------------------------------ the figure


def test_diagram_draws_every_layer_1_to_6_with_two_neurons(data):
    lay = data["layout"]
    assert sorted({l for l, _ in lay["neurons"]}) == [1, 2, 3, 4, 5, 6]
    assert len(lay["neurons"]) == 12
    assert len(lay["edges"]) == 5 * 4  # every neuron feeds both of the next layer


def test_diagram_labels_edge_from_k_to_j_as_w_l_jk(data):
    labels = data["layout"]["edge_labels"]
    assert set(labels) == {(nd.LABELLED, j, k) for j, k in PAIRS}
    for (l, j, k), text in labels.items():
        # the edge (l, j, k) runs from neuron k of layer l-1 to neuron j of layer l
        assert text == rf"$w^{{{l}}}_{{{j}{k}}}$"


def test_diagram_labels_the_neurons_of_that_layer_with_their_biases(data):
    assert data["layout"]["bias_labels"] == {
        (nd.LABELLED, j): rf"$b^{{{nd.LABELLED}}}_{{{j}}}$" for j in (1, 2)}


def test_draw_returns_the_declared_figure_in_both_themes(data):
    import matplotlib.pyplot as plt

    for theme in ("light", "dark"):
        figs = nd.draw(data, theme)
        assert set(figs) == set(nd.FIGURES)
        plt.close("all")


# ----------------------------------------------------------------- the mapping


def test_z_by_hand_equals_forward_zs_for_every_neuron(data):
    w, b, a, zs = data["weights"], data["biases"], data["activations"], data["zs"]
    for l in LAYERS:
        for j in (1, 2):
            assert nd.z_by_hand(w, b, a, l, j) == pytest.approx(
                zs[l - 2][j - 1, 0], rel=1e-12, abs=1e-14)


def test_activation_of_layer_l_is_sigmoid_of_zs_l_minus_2(data):
    for l in LAYERS:
        np.testing.assert_allclose(data["activations"][l - 1],
                                   1 / (1 + np.exp(-data["zs"][l - 2])), rtol=1e-13)


@pytest.mark.parametrize("l", LAYERS)
@pytest.mark.parametrize("j,k", PAIRS)
def test_nudging_weights_l_minus_2_moves_only_z_l_j_and_later_layers(data, l, j, k):
    weights, biases, x, _ = two_neuron.network()
    h = 1e-3
    dz = nd.nudge(weights, biases, x, l, j, k, h)
    for earlier in range(2, l):
        assert np.all(dz[earlier - 2] == 0), f"z^{earlier} moved"
    assert dz[l - 2][2 - j, 0] == 0, "the other neuron of layer l moved"
    # ∂z^l_j/∂w^l_jk = a^{l-1}_k: z is linear in the weight
    a_prev_k = data["activations"][l - 2][k - 1, 0]
    assert dz[l - 2][j - 1, 0] == pytest.approx(h * a_prev_k, rel=1e-9)
    for later in range(l + 1, 7):
        assert np.all(dz[later - 2] != 0), f"z^{later} did not move"


@pytest.mark.parametrize("l", LAYERS)
@pytest.mark.parametrize("j", (1, 2))
def test_nudging_biases_l_minus_2_moves_only_z_l_j_and_later_layers(l, j):
    weights, biases, x, _ = two_neuron.network()
    h = 1e-3
    zs, _ = backprop.forward(weights, biases, x)
    biases[l - 2][j - 1, 0] += h
    dz = [z_h - z for z, z_h in zip(zs, backprop.forward(weights, biases, x)[0])]
    for earlier in range(2, l):
        assert np.all(dz[earlier - 2] == 0)
    assert dz[l - 2][2 - j, 0] == 0
    assert dz[l - 2][j - 1, 0] == pytest.approx(h, rel=1e-9)
    for later in range(l + 1, 7):
        assert np.all(dz[later - 2] != 0)


def test_layer_gradient_order_is_w11_w12_w21_w22_b1_b2():
    weights, biases, x, y = two_neuron.network()
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    for l in LAYERS:
        expected = [nabla_w[l - 2][j - 1, k - 1] for j, k in PAIRS]
        expected += [nabla_b[l - 2][j - 1, 0] for j in (1, 2)]
        np.testing.assert_array_equal(
            backprop.layer_gradient(nabla_w, nabla_b, l), expected)


# ------------------------------------------------------------ the page's values


def test_page_values_hand_z_matches_forward_and_nudge_ratio_is_a_2_2(vals):
    assert vals["n_params"] == 30
    assert vals["z3_1_hand"] == pytest.approx(vals["z3_1_forward"], abs=1e-12)
    assert vals["dz_ratio"] == pytest.approx(vals["a2_2"], rel=1e-9)
    assert vals["w3_12"] == two_neuron.network()[0][1][0, 1]
    assert (vals["x1"], vals["x2"]) == tuple(two_neuron.X[:, 0])


def test_nudge_table_marks_exactly_the_unmoved_weighted_inputs(vals):
    rows = [r for r in vals["nudge_table"].splitlines()[2:]]
    assert [r.split("|")[1].strip() for r in rows] == ["2", "3", "4", "5", "6"]
    exact = [[c.strip() == "0 (exactly)" for c in r.split("|")[2:4]] for r in rows]
    assert exact == [[True, True], [False, True]] + [[False, False]] * 3


def test_try_it_prints_the_same_z_twice():
    by_hand, from_forward = map(float, run_try_it("notation.md").split())
    assert by_hand == pytest.approx(from_forward, abs=1e-12)
    assert by_hand == pytest.approx(nd.values(measured(nd))["z3_1_forward"], abs=1e-12)


# ------------------------------------------------ every value the page quotes


def _by_hand(weights, biases, x) -> list[list[float]]:
    """Every a^l, neuron by neuron with math.exp: no backprop.forward."""
    import math

    a = [list(x[:, 0])]
    for w, b in zip(weights, biases):
        z = [sum(w[j, k] * a[-1][k] for k in range(len(a[-1]))) + b[j, 0]
             for j in range(w.shape[0])]
        a.append([1 / (1 + math.exp(-zj)) for zj in z])
    return a


def test_quoted_parameters_sit_where_the_mapping_says(vals):
    weights, biases, x, y = two_neuron.network()
    assert vals["w3_11"] == weights[1][0, 0]  # w^3_11 is weights[3-2][1-1, 1-1]
    assert vals["b3_1"] == biases[1][0, 0]  # b^3_1 is biases[3-2][1-1, 0]
    assert (vals["y1"], vals["y2"]) == (1.0, 0.0) == tuple(y[:, 0])
    for key in ("w3_11", "w3_12", "b3_1"):  # drawn, not typed: ordinary draws
        assert 0 < abs(vals[key]) < 4


def test_quoted_activations_z_and_cost_recomputed_by_hand(vals):
    weights, biases, x, y = two_neuron.network()
    a = _by_hand(weights, biases, x)
    assert vals["a2_1"] == pytest.approx(a[1][0], rel=1e-12)
    assert vals["a2_2"] == pytest.approx(a[1][1], rel=1e-12)
    # the page's equation, with the numbers it prints
    assert vals["z3_1_hand"] == pytest.approx(
        vals["w3_11"] * vals["a2_1"] + vals["w3_12"] * vals["a2_2"] + vals["b3_1"],
        rel=1e-12)
    out, target = a[-1], y[:, 0]
    cost = -sum(t * np.log(o) + (1 - t) * np.log(1 - o) for o, t in zip(out, target))
    assert vals["cost"] == pytest.approx(cost, rel=1e-12)
    assert 0 < vals["cost"] < 2 * np.log(2) + 1  # an untrained net: near chance


def test_quoted_nudge_and_its_table_recomputed_by_hand(vals):
    weights, biases, x, _ = two_neuron.network()
    before = _by_hand(weights, biases, x)
    weights[1][0, 1] += vals["h"]  # w^3_12
    after = _by_hand(weights, biases, x)
    assert vals["h"] == 1e-3  # small: the change is h a^2_2 to 1e-9 relative
    lines = vals["nudge_table"].splitlines()
    assert len(vals["nudge_table"].splitlines()) == 2 + 5
    for line, l in zip(lines[2:], range(2, 7)):
        cells = line.strip("| ").split(" | ")[1:]
        for j, cell in enumerate(cells):
            if l == 2 or (l == 3 and j == 1):
                assert cell == "0 (exactly)"
            elif l == 3:  # z^3_1 moves by h a^2_2, z is linear in w^3_12
                assert float(cell) == pytest.approx(vals["h"] * before[1][1],
                                                    rel=1e-3)
            else:  # later layers: compare the activations' change in sign
                da = after[l - 1][j] - before[l - 1][j]
                assert np.sign(float(cell)) == np.sign(da)
