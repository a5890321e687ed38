"""Tests for ``snippets/envelope.py``: fewer points, the same extremes."""

import numpy as np
import pytest

from envelope import envelope


def test_a_short_curve_is_kept_as_it_is():
    x, y = np.arange(10.0), np.sin(np.arange(10.0))
    got_x, got_y = envelope(x, y, bins=5)
    np.testing.assert_array_equal(got_x, x)
    np.testing.assert_array_equal(got_y, y)


def test_a_long_curve_keeps_its_extremes_in_every_interval():
    x = np.arange(1.0, 10_001.0)
    y = np.where(np.arange(x.size) % 2 == 0, 1.0, 3.0) + np.log(x)  # alternates
    y[5000] = 100.0  # a spike
    got_x, got_y = envelope(x, y, bins=50)
    assert got_x.size <= 4 * 50
    assert np.all(np.diff(got_x) > 0)  # in order, each sample once
    np.testing.assert_array_equal(got_y, y[got_x.astype(int) - 1])  # real samples
    assert 100.0 in got_y
    assert got_y.min() == y.min()
    level = np.round(got_y - np.log(got_x), 9)  # 1 or 3, but for the spike
    for start in range(1, 10_001, 400):  # two intervals' width: both levels in each
        inside = (got_x >= start) & (got_x < start + 400)
        assert {1.0, 3.0} <= set(level[inside]), start


def test_log_intervals_keep_every_early_sample():
    x = np.arange(1.0, 2001.0)
    y = np.cos(x)
    got_x, _ = envelope(x, y, bins=200, log=True)
    assert got_x.size < x.size
    np.testing.assert_array_equal(got_x[:20], x[:20])  # where steps are far apart


@pytest.mark.parametrize("args, match", [
    ((np.arange(3.0), np.arange(4.0)), "same length"),
    ((np.arange(3.0), np.arange(3.0), 0), "bins must be a positive integer"),
    ((np.arange(3.0), np.arange(3.0), 1, True), "needs x > 0"),
])
def test_bad_input_raises_an_error_naming_the_problem(args, match):
    with pytest.raises(ValueError, match=match):
        envelope(*args)
