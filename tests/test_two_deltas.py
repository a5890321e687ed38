"""Claims of two-deltas.md, checked against finite differences computed here.

The oracle below shares no code with backprop.py: its own sigmoid, forward pass
and cross-entropy, and central differences on the weights, biases and weighted
inputs z^l_j.
"""

import numpy as np
import pytest

import backprop
import two_deltas as td
import two_neuron
from conftest import measured
from tables import read_number
from tryit import run_try_it

LAYERS = list(range(2, 7))
H = 1e-6


# ----------------------------------------------------------- independent oracle


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _cost_from(l, z, weights, biases, y):
    """Cross-entropy when the weighted input of book layer l is set to z."""
    a = _sigmoid(z)
    for w, b in zip(weights[l - 1:], biases[l - 1:]):
        a = _sigmoid(w @ a + b)
    return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))


def _zs(weights, biases, x):
    zs, a = [], x
    for w, b in zip(weights, biases):
        zs.append(w @ a + b)
        a = _sigmoid(zs[-1])
    return zs


def _cost(weights, biases, x, y):
    return _cost_from(2, weights[0] @ x + biases[0], weights, biases, y)


def fd_layer_gradients(weights, biases, x, y):
    """Central differences of C for the 6 parameters of every layer, in
    layer_gradient's order (w11, w12, w21, w22, b1, b2)."""
    out = []
    for l in LAYERS:
        entries = []
        for p, idx in [(weights[l - 2], (0, 0)), (weights[l - 2], (0, 1)),
                       (weights[l - 2], (1, 0)), (weights[l - 2], (1, 1)),
                       (biases[l - 2], (0, 0)), (biases[l - 2], (1, 0))]:
            old = p[idx]
            p[idx] = old + H
            up = _cost(weights, biases, x, y)
            p[idx] = old - H
            down = _cost(weights, biases, x, y)
            p[idx] = old
            entries.append((up - down) / (2 * H))
        out.append(np.array(entries))
    return out


def fd_errors(weights, biases, x, y):
    """Central differences of C with respect to each weighted input z^l_j."""
    zs, out = _zs(weights, biases, x), []
    for l in LAYERS:
        err = []
        for j in (0, 1):
            bump = np.zeros_like(zs[l - 2])
            bump[j] = H
            up = _cost_from(l, zs[l - 2] + bump, weights, biases, y)
            down = _cost_from(l, zs[l - 2] - bump, weights, biases, y)
            err.append((up - down) / (2 * H))
        out.append(np.array(err))
    return out


@pytest.fixture(scope="module")
def data():
    return measured(td)


@pytest.fixture(scope="module")
def oracle():
    weights, biases, x, y = two_neuron.network()
    return {"gradient": fd_layer_gradients(weights, biases, x, y),
            "error": fd_errors(weights, biases, x, y)}


@pytest.fixture(scope="module")
def table_rows(data):
    """The build-time table parsed back: {row name: [value per layer]}."""
    lines = td.values(data)["table"].splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[2:] == [rf"\(l = {l}\)" for l in LAYERS]
    rows, group = {}, None
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        group = cells[0] or group
        rows[(group, cells[1])] = [read_number(c) for c in cells[2:]]
    return rows


GRADIENT = r"**layer gradient \(\delta^l\)**"
ERROR = r"**error \(\delta^l_j = \partial C/\partial z^l_j\)**"


# ---------------------------------------------------------------- the table


def test_oracle_agrees_with_itself_on_the_cost():
    weights, biases, x, y = two_neuron.network()
    assert _cost(weights, biases, x, y) == pytest.approx(
        two_neuron.cost(weights, biases, x, y), rel=1e-12)


def test_table_names_the_two_deltas_apart(table_rows):
    groups = [g for g, _ in table_rows]
    assert groups.count(GRADIENT) == 7  # six entries and the norm
    assert groups.count(ERROR) == 3  # two errors and the norm


def test_table_layer_gradient_matches_finite_differences(table_rows, oracle):
    for i, name in enumerate(td.ENTRIES):
        np.testing.assert_allclose(table_rows[(GRADIENT, name)],
                                   [g[i] for g in oracle["gradient"]],
                                   rtol=1e-3, err_msg=name)
    np.testing.assert_allclose(table_rows[(GRADIENT, r"\(\lVert \delta^l \rVert\)")],
                               [np.linalg.norm(g) for g in oracle["gradient"]],
                               rtol=1e-3)


def test_table_errors_match_finite_differences_on_z(table_rows, oracle):
    for j in (1, 2):
        np.testing.assert_allclose(table_rows[(ERROR, rf"\(\delta^l_{j}\)")],
                                   [e[j - 1] for e in oracle["error"]], rtol=1e-3)
    norm_row = r"\(\lVert \delta^l_\bullet \rVert\)"
    np.testing.assert_allclose(table_rows[(ERROR, norm_row)],
                               [np.linalg.norm(e) for e in oracle["error"]],
                               rtol=1e-3)


def test_table_last_row_is_the_ratio_of_the_two_norms(table_rows):
    ratio = [r for (g, _), r in table_rows.items() if "ratio" in g][0]
    g = table_rows[(GRADIENT, r"\(\lVert \delta^l \rVert\)")]
    e = table_rows[(ERROR, r"\(\lVert \delta^l_\bullet \rVert\)")]
    np.testing.assert_allclose(ratio, np.divide(g, e), rtol=2e-3)


def test_measured_arrays_match_finite_differences_closely(data, oracle):
    for got, fd in zip(data["gradient"], oracle["gradient"]):
        np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-10)
    for got, fd in zip(data["error"], oracle["error"]):
        np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-10)


# ------------------------------------------------------------------ BP1-BP4


def test_bp3_bias_entries_are_the_errors(data):
    for g, e in zip(data["gradient"], data["error"]):
        np.testing.assert_allclose(g[4:], e, rtol=1e-14)


def test_bp4_weight_entries_are_activation_times_error(data):
    for g, e, a in zip(data["gradient"], data["error"], data["a_prev"]):
        np.testing.assert_allclose(g[:4], np.outer(e, a).ravel(), rtol=1e-14)


def test_bp1_output_error_is_a_minus_y_for_cross_entropy(data):
    weights, biases, x, y = two_neuron.network()
    a_out = backprop.forward(weights, biases, x)[1][-1][:, 0]
    np.testing.assert_allclose(data["error"][-1], a_out - y[:, 0], rtol=1e-14)


def test_bp2_error_moves_back_through_transposed_weights(data):
    weights, biases, x, _ = two_neuron.network()
    zs = _zs(weights, biases, x)
    for l in LAYERS[:-1]:
        w_next, e_next = weights[l - 1], data["error"][l - 1]  # w^{l+1}, δ^{l+1}
        s = _sigmoid(zs[l - 2][:, 0])
        for j in (0, 1):
            expected = sum(w_next[k, j] * e_next[k] for k in (0, 1)) * s[j] * (1 - s[j])
            assert data["error"][l - 2][j] == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------ the norm relation


def test_norm_identity_holds_for_the_reference_example(data):
    for g, e, a in zip(data["gradient"], data["error"], data["a_prev"]):
        assert np.linalg.norm(g) == pytest.approx(
            np.linalg.norm(e) * np.sqrt(1 + a @ a), rel=1e-12)


@pytest.mark.parametrize("scheme", ["nielsen", "large"])
def test_one_example_norm_ratio_is_between_1_and_sqrt3_over_many_networks(scheme):
    rng = np.random.default_rng(7)
    for seed in range(300):
        weights, biases, _, _ = two_neuron.network(seed=seed, scheme=scheme)
        x = rng.uniform(0, 1, size=(2, 1))
        y = (rng.uniform(size=(2, 1)) < 0.5).astype(float)
        d = td.two_deltas(weights, biases, x, y)
        for g, e, a in zip(d["gradient"], d["error"], d["a_prev"]):
            ratio = np.linalg.norm(g) / np.linalg.norm(e)
            assert ratio == pytest.approx(td.predicted_ratio(a), rel=1e-10)
            assert 1.0 <= ratio <= np.sqrt(3)


def test_over_a_batch_gradient_is_mean_of_products_not_product_of_means():
    rng = np.random.default_rng(1)
    far, n = 0, 200
    for seed in range(n):
        weights, biases, _, _ = two_neuron.network(seed=seed)
        x = rng.uniform(0, 1, size=(2, 10))
        y = (rng.uniform(size=(2, 10)) < 0.5).astype(float)
        nabla_w, _, errors = backprop.backward(weights, biases, x, y)
        acts = backprop.forward(weights, biases, x)[1]
        gaps = []
        for l in LAYERS:
            e, a = errors[l - 2], acts[l - 2]
            np.testing.assert_allclose(nabla_w[l - 2], e @ a.T / 10, rtol=1e-12)
            naive = np.outer(e.mean(axis=1), a.mean(axis=1))
            gaps.append(np.linalg.norm(nabla_w[l - 2] - naive)
                        / np.linalg.norm(nabla_w[l - 2]))
        far += max(gaps) > 0.1
    assert far > 0.5 * n  # in most networks some layer is off by more than 10 %


def test_over_a_batch_ratio_stays_at_least_1_but_can_exceed_sqrt3():
    rng = np.random.default_rng(3)
    exceed, n = 0, 200
    for seed in range(n):
        weights, biases, _, _ = two_neuron.network(seed=seed)
        x = rng.uniform(0, 1, size=(2, 10))
        y = (rng.uniform(size=(2, 10)) < 0.5).astype(float)
        nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
        ratios = [np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                  / np.linalg.norm(nabla_b[l - 2]) for l in LAYERS]
        assert min(ratios) >= 1.0
        exceed += max(ratios) > np.sqrt(3)
    assert exceed >= 0.05 * n


def test_over_a_batch_the_two_measures_can_rank_layers_differently():
    """Some batch orders the five layers differently by ||δ^l|| and by ||∂C/∂b^l||
    (rare on freshly drawn networks, hence many of them)."""
    rng = np.random.default_rng(5)
    differ = 0
    for seed in range(200):
        weights, biases, _, _ = two_neuron.network(seed=seed)
        x = rng.uniform(0, 1, size=(2, 10))
        y = (rng.uniform(size=(2, 10)) < 0.5).astype(float)
        nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
        full = [np.linalg.norm(backprop.layer_gradient(nabla_w, nabla_b, l))
                for l in LAYERS]
        bias = [np.linalg.norm(nabla_b[l - 2]) for l in LAYERS]
        differ += not np.array_equal(np.argsort(full), np.argsort(bias))
    assert differ >= 1


# ------------------------------------------------------ the figure and the prose


def test_both_norms_shrink_towards_the_input_for_the_reference_example(data):
    assert np.all(np.diff(data["gradient_norm"]) > 0)
    assert np.all(np.diff(data["error_norm"]) > 0)


def test_gradient_norm_is_never_below_error_norm(data):
    assert all(g >= e for g, e in zip(data["gradient_norm"], data["error_norm"]))


def test_quoted_values_match_the_data(data):
    v = td.values(data)
    assert v["ratio_6_2"] == pytest.approx(v["norm_6"] / v["norm_2"])
    assert 1.0 <= v["min_ratio"] <= v["max_ratio"] <= np.sqrt(3)


def test_draw_returns_the_declared_figure_in_both_themes(data):
    import matplotlib.pyplot as plt

    for theme in ("light", "dark"):
        assert set(td.draw(data, theme)) == set(td.FIGURES)
        plt.close("all")


def test_try_it_prints_both_norms_for_every_layer(data):
    rows = np.array([[float(v) for v in line.split()]
                     for line in run_try_it("two-deltas.md").splitlines()])
    np.testing.assert_array_equal(rows[:, 0], LAYERS)
    np.testing.assert_allclose(rows[:, 1], data["gradient_norm"], rtol=1e-12)
    np.testing.assert_allclose(rows[:, 2], data["error_norm"], rtol=1e-12)


# ------------------------------------------------ every value the page quotes


def test_quoted_norms_match_the_finite_difference_oracle(data, oracle):
    v = td.values(data)
    norms = [np.linalg.norm(g) for g in oracle["gradient"]]
    errors = [np.linalg.norm(e) for e in oracle["error"]]
    assert v["norm_4"] == pytest.approx(norms[2], rel=1e-6)  # l = 4
    assert v["error_ratio_6_2"] == pytest.approx(errors[-1] / errors[0], rel=1e-5)
    assert v["error_ratio_6_2"] > 100  # the errors grow towards the output too


def test_quoted_table_has_both_deltas_and_the_ratio_row(data):
    v = td.values(data)
    lines = v["table"].splitlines()
    assert len(v["table"].splitlines()) == 2 + 6 + 1 + 2 + 1 + 1
    assert sum(GRADIENT in line for line in lines) == 1
    assert sum(ERROR in line for line in lines) == 1
