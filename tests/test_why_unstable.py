"""Claims of docs/why.md about the unstable gradient (snippets/why_unstable.py)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import why_unstable


@pytest.fixture(scope="module")
def data():
    with threadpool_limits(1):  # small matrices: extra BLAS threads only contend
        return why_unstable.measure()


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


def test_only_the_tuned_scale_is_roughly_balanced(v):
    balanced = {c for c in why_unstable.SCALES if 0.1 < v[f"ratio_c{c}"] < 10}
    assert balanced == {16}


def test_every_scale_sees_the_same_networks(data):
    # c multiplies the weights only, so norms at c = 1 come from the same draws
    assert data["norms"][1].shape == (why_unstable.N_SEEDS, len(data["layers"]))
    assert data["layers"] == list(range(2, len(why_unstable.SIZES) + 1))


def test_explosion_is_far_milder_than_25_per_layer(data):
    m = medians(data, max(why_unstable.SCALES))
    assert np.max(m[:-1] / m[1:]) < 25 / 2
