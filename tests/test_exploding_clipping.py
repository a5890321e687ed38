"""Claims of docs/exploding.md about gradient clipping on Nielsen's chain
(snippets/exploding_clipping.py)."""

import numpy as np
import pytest

import backprop
import exploding_clipping as ecl
from conftest import measured
from tables import read_number, rows
from why_exploding import X, exploding_chain


@pytest.fixture(scope="module")
def runs():
    return {r["threshold"]: r for r in measured(ecl)["runs"]}



def test_norm_is_logged_before_the_clip(runs):
    """Every run starts from the same chain, so the logged first norm is the
    unclipped one, whatever the threshold."""
    start = runs[np.inf]["fed_norm"][0]
    for r in runs.values():
        assert r["raw_norm"][0] == pytest.approx(start, rel=1e-12)


def test_clipping_keeps_the_norm_fed_to_the_update_at_most_the_threshold(runs):
    for t, r in runs.items():
        if np.isfinite(t):
            assert np.all(r["fed_norm"] <= t * (1 + 1e-9))
            assert r["raw_norm"][0] > t  # the clip was needed


def test_unclipped_run_feeds_a_norm_above_every_threshold(runs):
    finite = [t for t in runs if np.isfinite(t)]
    assert runs[np.inf]["fed_norm"].max() > max(finite)
    np.testing.assert_array_equal(runs[np.inf]["fed_norm"], runs[np.inf]["raw_norm"])


def test_threshold_one_saturates_the_chain_like_no_clipping(runs):
    for t in (np.inf, 1.0):  # neurons 1-3 stuck: gradients too small to move b_j
        assert np.all(np.abs(runs[t]["grad_b"][1:, :-1]) < 1e-16)
        b = runs[t]["b"][1:, :-1]
        assert np.all(b == b[0])  # after the first step b_1..b_3 never change
    s_none, s_one = ecl.summary(runs[np.inf]), ecl.summary(runs[1.0])
    assert abs(s_none["first_good"] - s_one["first_good"]) < 10
    assert s_one["first_good"] > 1000


def test_small_thresholds_keep_the_first_neuron_learning(runs):
    for t in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5):
        assert np.all(runs[t]["grad_b"][:, 0] != 0.0)


def test_middle_thresholds_bounce_and_never_reach_the_target(runs):
    for t in (1e-2, 1e-3):
        s = ecl.summary(runs[t])
        assert s["first_good"] == -1
        assert s["tail_hi"] > 1.5 * s["tail_lo"]


def test_smallest_threshold_reaches_the_target_fast_and_stays(runs):
    s = ecl.summary(runs[1e-5])
    assert 0 <= s["first_good"] < 50
    assert np.all(runs[1e-5]["excess"][s["first_good"]:] < ecl.GOOD)


def test_clipping_does_not_shrink_the_gradient_itself(runs):
    """With small thresholds the norm before the clip stays above 10 to the end."""
    for t in (1e-2, 1e-3, 1e-4, 1e-5):
        assert runs[t]["raw_norm"][-1] > 10
        assert ecl.summary(runs[t])["clipped_steps"] == ecl.STEPS


def test_unclipped_run_ends_lower_than_the_clipped_one(runs):
    """Fixed-length clipped steps keep hopping around the minimum."""
    assert runs[np.inf]["excess"][-1] < ecl.summary(runs[1e-5])["tail_lo"]


def test_largest_step_is_eta_times_threshold(runs):
    for t, r in runs.items():
        if np.isfinite(t):
            assert ecl.summary(r)["largest_step"] <= ecl.ETA * t * (1 + 1e-6)


def test_threshold_one_tenth_dips_below_the_target_once_then_bounces(runs):
    s = ecl.summary(runs[1e-1])
    assert s["first_good"] >= 0
    assert s["tail_hi"] > 1


def test_threshold_1e_4_keeps_hopping_across_the_target_level(runs):
    s = ecl.summary(runs[1e-4])
    assert 0 <= s["first_good"] < 10
    assert s["tail_lo"] < ecl.GOOD < s["tail_hi"]


def test_threshold_one_barely_moves_z1_but_saturates_neuron_3(runs):
    z = runs[1.0]["z"][1]
    assert abs(z[0]) < 0.5
    assert z[2] < -40


def test_middle_thresholds_alternate_between_two_levels(runs):
    for t in (1e-2, 1e-3):
        tail = runs[t]["excess"][-ecl.TAIL:]
        np.testing.assert_allclose(tail[2:], tail[:-2], rtol=1e-6)
        assert abs(np.log(tail[1] / tail[0])) > np.log(1.5)


def test_chain_amplifies_a_small_change_of_z1_by_25_cubed():
    """In the responsive range z_4 ≈ 25³ z_1, the basis of the threshold estimate."""
    weights, biases = exploding_chain()
    biases[0] = biases[0] + 1e-7  # z_1 = 1e-7
    zs, _ = backprop.forward(weights, biases, np.array([[X]]))
    assert zs[-1][0, 0] / zs[0][0, 0] == pytest.approx(25.0**3, rel=1e-3)


def test_threshold_one_tenth_dips_below_the_target_only_on_isolated_steps(runs):
    excess = runs[1e-1]["excess"]
    good = np.nonzero(excess < ecl.GOOD)[0]
    assert good.size > 1 and np.all(np.diff(good) > 1)  # never two steps running
    assert good.size < 0.1 * excess.size
    assert ecl.values({"runs": list(runs.values())})["t1e1_good_steps"] == good.size


def test_stacked_runs_are_the_runs_one_by_one(runs):
    """measure() trains every threshold at once as a stack (run_all)."""
    for t in (np.inf, 1e-1, 1e-5):
        alone = ecl.run(t)
        assert alone.keys() == runs[t].keys()
        for key, value in alone.items():
            np.testing.assert_allclose(runs[t][key], value, rtol=1e-12, atol=0,
                                       err_msg=key)


def test_figure_draws_the_thresholds_its_alt_text_names(runs):
    alt = ecl.FIGURES["exploding_clipping"].alt
    assert f"{len(ecl.SHOWN)} of the {len(ecl.THRESHOLDS)} clipping thresholds" in alt
    fig = ecl.draw({"runs": list(runs.values())}, "light")["exploding_clipping"]
    left, right = fig.axes
    assert len(left.get_lines()) == len(right.get_lines()) == len(ecl.SHOWN)
    labels = [line.get_label() for line in left.get_lines()]
    assert labels[0] == "no clipping" and len(set(labels)) == len(ecl.SHOWN)
    for t in ecl.SHOWN:
        assert ecl._plain_threshold(t) in alt


def test_figure_draws_few_points_but_every_extreme(runs):
    fig = ecl.draw({"runs": list(runs.values())}, "light")["exploding_clipping"]
    for line, t in zip(fig.axes[0].get_lines(), ecl.SHOWN, strict=True):
        y = line.get_ydata()
        assert len(y) <= 4 * ecl.BINS < ecl.STEPS
        assert y.max() == runs[t]["excess"].max()
        assert y.min() == runs[t]["excess"].min()


# ------------------------------------------------ every value the page quotes

QUOTED_FIRST_GOOD = {  # key: (threshold τ, low, high) for the first step below GOOD
    "none_first_good": (np.inf, 1000, 2000), "t1_first_good": (1.0, 1000, 2000),
    "t1e1_first_good": (1e-1, 0, 50), "t1e4_first_good": (1e-4, 0, 10),
    "t1e5_first_good": (1e-5, 0, 50),
}
QUOTED_TAIL_TEX = {  # key: (τ, "lo" or "hi", low, high) of the last TAIL steps
    "none_tail_lo_tex": (np.inf, "lo", 1e-9, 1e-6),
    "t1e5_tail_lo_tex": (1e-5, "lo", 1e-7, 1e-4),
    "t1e5_tail_hi_tex": (1e-5, "hi", 1e-6, 1e-4),
}


@pytest.fixture(scope="module")
def quoted(runs):
    return ecl.values({"runs": list(runs.values())})


def test_quoted_start_norm_is_the_chain_rule_by_hand(quoted):
    # ∂C/∂b_j = (a_4 − y)·25^(4−j) with a_4 = 1/2, y = 0.3; ∂C/∂w_j = a_{j−1}
    # ∂C/∂b_j with a_0 = x = 1 and every later a = σ(0) = 1/2
    grad_b = 0.2 * 25.0 ** np.arange(3, -1, -1)
    grad_w = grad_b * np.array([1.0, 0.5, 0.5, 0.5])
    start = np.sqrt(np.sum(grad_b**2) + np.sum(grad_w**2))
    assert quoted["start_raw"] == pytest.approx(start, rel=1e-12)
    # the first step is the largest: η times that norm unclipped, η τ with τ = 1
    assert quoted["none_largest_step"] == pytest.approx(0.1 * start, rel=1e-9)
    assert quoted["t1_largest_step"] == pytest.approx(0.1 * 1.0, rel=1e-9)


def test_quoted_first_steps_below_the_target_level_recounted(runs, quoted):
    for key, (t, low, high) in QUOTED_FIRST_GOOD.items():
        below = np.flatnonzero(runs[t]["excess"] < 1e-3)
        assert quoted[key] == below[0], key
        assert low <= quoted[key] <= high, key
    assert abs(quoted["none_first_good"] - quoted["t1_first_good"]) < 10


def test_quoted_tail_levels_recounted(runs, quoted):
    assert quoted["tail"] == 100 and quoted["steps"] == 2000
    assert all(len(r["excess"]) == quoted["steps"] for r in runs.values())
    for key, (t, end, low, high) in QUOTED_TAIL_TEX.items():
        tail = runs[t]["excess"][-quoted["tail"]:]
        value = tail.min() if end == "lo" else tail.max()
        assert read_number(quoted[key]) == pytest.approx(value, rel=5e-3), key
        assert low < value < high, key
    tail = runs[1e-1]["excess"][-quoted["tail"]:]
    assert quoted["t1e1_tail_hi"] == tail.max()
    assert 1 < quoted["t1e1_tail_hi"] < 100  # bounces far above where it started


def test_quoted_end_norms_stay_large_under_the_smallest_thresholds(runs, quoted):
    for key, t in (("t1e4_end_raw", 1e-4), ("t1e5_end_raw", 1e-5)):
        assert quoted[key] == runs[t]["raw_norm"][-1], key
        assert 10 < quoted[key] < 1e4, key


def test_quoted_table_has_a_row_per_threshold(quoted):
    body = rows(quoted["table"])
    assert len(quoted["table"].splitlines()) == 2 + len(ecl.THRESHOLDS)
    assert [cells[0] for cells in body][:4] == ["none", "1", "0.1", "0.01"]
    assert [cells[1] for cells in body][0] == "0"  # no clipping: nothing clipped


def test_quoted_threshold_from_the_chains_gain(quoted):
    # three layers of slope 100·σ'(0) = 25 between z_1 and z_4, and a clipped step
    # of length ητ split evenly over b_1 and w_1 (x = 1): Δz_1 ≈ √2 ητ
    assert quoted["z4_per_eta_tau"] == pytest.approx(22097.1, rel=1e-5)
    assert quoted["eta_tau_max"] * quoted["z4_per_eta_tau"] == pytest.approx(1)
    assert quoted["tau_max"] == pytest.approx(quoted["eta_tau_max"] / quoted["eta"])
    # the table's verdict: 1e-4 and 1e-5 lie below the bound, 1e-3 above it
    assert 1e-4 < quoted["tau_max"] < 1e-3
