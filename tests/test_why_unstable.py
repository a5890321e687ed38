"""Claims of docs/why.md about the unstable gradient (snippets/why_unstable.py)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import backprop
import why_unstable
from conftest import measured
from tables import read_number, rows


@pytest.fixture(scope="module")
def data():
    with threadpool_limits(1):  # small matrices: extra BLAS threads only contend
        return measured(why_unstable)


@pytest.fixture(scope="module")
def v(data):
    return why_unstable.values(data)


def medians(data, c):
    return np.median(data["norms"][c], axis=0)


def test_default_init_gradient_grows_layer_by_layer_towards_the_output(data):
    assert np.all(np.diff(medians(data, 1)) > 0)


def test_default_init_vanishes_in_every_initialization(v):
    assert v["pct_explode_c1"] == 0.0
    assert v["ratio_c1"] < 1e-4


def test_largest_scale_gradient_shrinks_towards_the_output(data):
    m = medians(data, max(why_unstable.SCALES))
    assert np.all(np.diff(m[: len(m) // 2 + 1]) < 0)


def test_largest_scale_explodes_in_almost_every_initialization(v):
    c = max(why_unstable.SCALES)
    assert v[f"pct_explode_c{c}"] >= 95
    assert v[f"ratio_c{c}"] > 10


def test_first_over_last_ratio_grows_with_the_scale(v):
    ratios = [v[f"ratio_c{c}"] for c in why_unstable.SCALES]
    assert np.all(np.diff(ratios) > 0)


def test_only_one_scale_is_roughly_balanced(v):
    balanced = [c for c in why_unstable.SCALES if 0.1 < v[f"ratio_c{c}"] < 10]
    assert len(balanced) == 1
    assert v["balanced"] == str(balanced[0]) and balanced[0] not in (1, 64)


def test_sizes_text_is_built_from_the_layer_sizes(v):
    assert v["sizes"] == "[64, 30 × 8, 10]"
    n = len(why_unstable.SIZES) - 2
    assert v["sizes"].endswith(f"× {n}, {why_unstable.SIZES[-1]}]")
    assert why_unstable.sizes_text([64, 30, 30, 10]) == "[64, 30 × 2, 10]"


def test_unit_variance_scale_is_sqrt_n_in_and_between_two_plotted_scales(v):
    """No single c gives every layer N(0, 1) weights: layer 2 needs √64, the rest
    √30, and both lie between the same two plotted scales."""
    assert v["c_unit_first"] == 8.0 and v["c_unit_hidden"] == pytest.approx(30**0.5)
    assert v["c_below_unit"] < v["c_unit_hidden"] < v["c_unit_first"]
    assert v["c_unit_first"] < v["c_above_unit"]
    assert v["c_unit_hidden"] not in why_unstable.SCALES
    rng = np.random.default_rng(0)
    weights, _ = backprop.init_params(why_unstable.SIZES, rng)
    stds = [np.std(v["c_unit_first"] * weights[0])]
    stds += [np.std(v["c_unit_hidden"] * w) for w in weights[1:]]
    np.testing.assert_allclose(stds, 1.0, rtol=0.15)


def test_every_scale_sees_the_same_networks(data):
    # c multiplies the weights only, so norms at c = 1 come from the same draws
    assert data["norms"][1].shape == (why_unstable.N_SEEDS, len(data["layers"]))
    assert data["layers"] == list(range(2, len(why_unstable.SIZES) + 1))


def test_explosion_is_far_milder_than_25_per_layer(data):
    m = medians(data, max(why_unstable.SCALES))
    assert np.max(m[:-1] / m[1:]) < 25 / 2


# ------------------------------------------------ every value the page quotes


def test_quoted_set_up_is_the_networks_measured(data, v):
    assert v["n_seeds"] == 25 == data["norms"][1].shape[0]
    assert v["n_input"] == 64  # 8 x 8 digits
    assert v["n_hidden"] == 8 == len(data["layers"]) - 1  # layers 2..9; 10 is output


def test_quoted_table_recounts_each_scale(data, v):
    body = rows(v["table"])
    assert len(v["table"].splitlines()) == 2 + 4
    for cells, c in zip(body, (1, 4, 16, 64)):
        norms = data["norms"][c]
        ratio = norms[:, 0] / norms[:, -1]
        assert int(cells[0]) == c
        assert read_number(cells[1]) == pytest.approx(np.median(ratio), rel=0.01)
        assert cells[2] == f"{100 * np.mean(ratio > 1):.0f} %"
