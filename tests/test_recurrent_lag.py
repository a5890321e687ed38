"""The claims of the long-lag task on the recurrent-networks page."""

import numpy as np
import pytest

import plotstyle
import recurrent_lag as rl
from conftest import measured


@pytest.fixture(scope="module")
def data():
    return measured(rl)


@pytest.fixture(scope="module")
def v(data):
    return rl.values(data)


def test_settings_were_fixed_before_the_run(v):
    assert (v["n"], v["n_seeds"], v["steps"], v["batch"], v["eta"]) == (
        8, 8, 300, 32, 0.01)
    assert (v["n_train"], v["n_test"], v["success"]) == (512, 512, 0.9)
    assert rl.LAGS == (5, 10, 20, 40) and rl.SEED == 0
    assert v["lags"] == "5, 10, 20 and 40"


def test_the_task_hides_one_bit_among_distractors():
    xs, y = rl.recall_task(np.random.default_rng(3), 30, 4000)
    assert xs.shape == (30, 1, 4000) and y.shape == (1, 4000)
    assert set(np.unique(xs[0])) == {-1.0, 1.0}
    np.testing.assert_array_equal(y[0], xs[0, 0] > 0)
    assert abs(xs[1:].mean()) < 0.01 and xs[1:].std() == pytest.approx(1, rel=0.01)
    assert 0.45 < y.mean() < 0.55


SOLVED_KEYS = ("rnn_5_solved", "rnn_10_solved", "lstm_5_solved", "lstm_10_solved")


def test_short_lags_are_solved_by_every_network(data, v):
    for key in SOLVED_KEYS:
        assert v[key] == rl.N_SEEDS
    for T in (5, 10):
        for kind in rl.KINDS:
            assert data[T][kind]["accuracy"].min() >= rl.SUCCESS


def test_at_lag_20_the_lstm_solves_more_and_at_40_neither_does(data, v):
    assert 6 <= v["lstm_20_solved"] <= 8 and 2 <= v["rnn_20_solved"] <= 6
    assert v["lstm_20_solved"] > v["rnn_20_solved"]
    assert v["lstm_40_solved"] <= 2 and v["rnn_40_solved"] <= 2
    for T in rl.LAGS:
        for kind in rl.KINDS:
            acc = data[T][kind]["accuracy"]
            assert v[f"{kind}_{T}_solved"] == int((acc >= 0.9).sum())
    # the failures sit at chance: they never learned the bit
    for kind in rl.KINDS:
        acc = data[40][kind]["accuracy"]
        assert np.all(acc[acc < rl.SUCCESS] < 0.6)


REACH_KEYS = ("rnn_5_reach", "rnn_10_reach", "rnn_20_reach", "rnn_40_reach",
              "lstm_5_reach", "lstm_10_reach", "lstm_20_reach", "lstm_40_reach")


def test_less_of_the_error_reaches_step_one_the_longer_the_lag(data, v):
    for kind in rl.KINDS:
        reach = [data[T][kind]["reach"] for T in rl.LAGS]
        assert np.all(np.diff(reach) < 0)
    for T in (10, 20, 40):
        assert data[T]["lstm"]["reach"] > 5 * data[T]["rnn"]["reach"]
    assert data[20]["lstm"]["reach"] > 100 * data[20]["rnn"]["reach"]
    assert data[40]["rnn"]["reach"] < 1e-7 and data[40]["lstm"]["reach"] > 1e-4
    for key in REACH_KEYS:
        kind, T, _ = key.split("_")
        assert v[key] == plotstyle.number(data[int(T)][kind]["reach"], 2)
