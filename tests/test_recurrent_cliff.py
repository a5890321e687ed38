"""The claims about Pascanu, Mikolov & Bengio's one-unit cliff."""

import numpy as np
import pytest

import recurrent_cliff as rc
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(rc)


@pytest.fixture(scope="module")
def v(data):
    return rc.values(data)


def ref_x(w, b, steps=50, x0=0.5):
    x = x0
    for _ in range(steps):
        x = w / (1 + np.exp(-x)) + b
    return x


def test_the_model_is_the_papers(v):
    assert (v["steps"], v["x0"], v["target"]) == (50, 0.5, 0.7)
    assert (v["start_w"], v["start_b"], v["eta"], v["clip"],
            v["descent_steps"]) == (7.0, -5.0, 0.02, 15.0, 100)


@pytest.mark.parametrize("w, b", [(7.0, -5.0), (4.6, -2.37), (-3.0, 1.0), (1.0, 0.2)])
def test_forward_mode_derivatives_match_finite_differences(w, b):
    x, dw, db = rc.cliff(w, b)
    assert x == pytest.approx(ref_x(w, b))
    h = 1e-6
    assert dw == pytest.approx((ref_x(w + h, b) - ref_x(w - h, b)) / (2 * h),
                               rel=1e-5, abs=1e-8)
    assert db == pytest.approx((ref_x(w, b + h) - ref_x(w, b - h)) / (2 * h),
                               rel=1e-5, abs=1e-8)


def test_at_the_wall_one_step_throws_the_parameters_far(v):
    assert v["wall_step"] == 52
    assert v["wall_norm"] > 100 * v["median_norm"]
    # the step η·g lands where ref_x says the cost is huge
    c, gw, gb = rc.cost_and_gradient(v["wall_w"], v["wall_b"])
    assert v["thrown_w"] == pytest.approx(v["wall_w"] - rc.ETA * gw)
    assert v["thrown_b"] == pytest.approx(v["wall_b"] - rc.ETA * gb)
    assert v["thrown_cost"] == pytest.approx(
        (ref_x(v["thrown_w"], v["thrown_b"]) - 0.7) ** 2)
    assert v["thrown_cost"] > 1000 and v["plain_max_cost"] == v["thrown_cost"]
    assert v["plain_largest_step"] > 50


def test_clipping_bounds_every_step_and_the_run_goes_on(v):
    assert v["clipped_largest_step"] == pytest.approx(rc.ETA * rc.CLIP)
    assert v["clipped_max_cost"] < 40  # never above the start's cost
    assert v["clipped_final_cost"] < 0.5 < 2 < v["plain_final_cost"] < 10


def test_the_threshold_is_in_pascanus_range(v):
    # they suggest 0.5 to 10 times the average norm
    assert 8 < v["median_norm"] < 13
    assert 0.5 < v["clip_over_median"] < 10


def test_cliff_refuses_bad_input():
    with pytest.raises(ValueError, match="finite"):
        rc.cliff(np.nan, 0.0)
    with pytest.raises(ValueError, match="steps"):
        rc.cliff(1.0, 0.0, steps=0)
