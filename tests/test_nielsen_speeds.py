"""Tests for ``snippets/nielsen_speeds.py``: Nielsen's epoch-0 speeds of learning,
over many random initializations on the bundled digits, and the MNIST path (run on
tiny IDX files written here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import data
import nielsen_speeds as ns
import plotstyle
from conftest import measured
from idxfiles import write_mnist

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result():
    return measured(ns)


@pytest.fixture(scope="module")
def vals(result):
    return ns.values(result)


def medians(run: dict) -> np.ndarray:
    return np.median(run["bias"], axis=0)


def test_measure_covers_every_depth_and_at_least_20_seeds(result):
    assert result["n_seeds"] >= 20
    for d in ns.DEPTHS:
        assert result["runs"][d]["bias"].shape == (result["n_seeds"], d)
        assert result["runs"][d]["full"].shape == (result["n_seeds"], d)


def test_four_hidden_layers_median_ratio_lies_within_50_to_200_like_nielsens_96(vals):
    assert 50 <= vals["ratio_4"] <= 200


def test_each_extra_hidden_layer_multiplies_the_median_ratio_about_fivefold(vals):
    for d in (3, 4):
        assert 3 <= vals[f"ratio_{d}"] / vals[f"ratio_{d - 1}"] <= 8


def test_every_median_speed_lies_within_a_factor_1_5_of_nielsens(result, vals):
    largest = 0.0
    for d, run in result["runs"].items():
        factor = medians(run) / np.array(ns.NIELSEN[d])
        assert np.all((factor > 1 / 1.5) & (factor < 1.5)), (d, factor)
        largest = max(largest, np.max(np.maximum(factor, 1 / factor)))
    assert vals["max_median_factor"] == pytest.approx(largest)
    assert vals["max_median_factor"] < 1.5


def test_only_nielsens_four_layer_value_for_layer_3_lies_outside_our_band(result,
                                                                       vals):
    outside = []
    for d, run in result["runs"].items():
        lo, hi = np.percentile(run["bias"], ns.PERCENTILES, axis=0)
        for i, his in enumerate(ns.NIELSEN[d]):
            if not lo[i] <= his <= hi[i]:
                outside.append((d, i + 2, "just above" if hi[i] < his < 1.2 * hi[i]
                                else "far"))
    assert outside == [(4, 3, "just above")]
    assert (vals["outside_depth"], vals["outside_layer"]) == (4, 3)
    assert 0 < vals["outside_excess"] < 0.2  # above the band, by a little
    assert vals["n_inside"] == vals["n_layers"] - 1 == sum(ns.DEPTHS) - 1


def test_speeds_rise_from_first_to_last_hidden_layer_in_every_network(result, vals):
    assert vals["ordered_fraction"] == 1.0
    for run in result["runs"].values():
        assert np.all(np.diff(run["full"], axis=1) > 0)  # the full measure too


def test_full_measure_ratio_at_init_agrees_with_bias_only_within_20_percent(vals):
    for d in ns.DEPTHS:
        assert 0.8 <= vals[f"ratio_full_{d}"] / vals[f"ratio_{d}"] <= 1.2


def test_tables_hold_one_row_per_hidden_layer_and_per_depth(vals):
    assert len(vals["speeds_table"].splitlines()) == 2 + sum(ns.DEPTHS)
    assert len(vals["ratio_table"].splitlines()) == 2 + len(ns.DEPTHS)
    assert "| 4 | 5 (δ⁴) | 0.2851 |" in vals["speeds_table"]


def test_his_delta_names_the_site_layer_as_chapter_5_does():
    """Nielsen's chapter 5 calls the first hidden layer δ¹: the site's l = 2."""
    assert [ns.his_delta(l) for l in (2, 3, 11)] == ["δ¹", "δ²", "δ¹⁰"]


# --------------------------------------------------------------- MNIST path


def test_mnist_report_measures_784_input_networks(tmp_path):
    write_mnist(tmp_path)
    report = ns.mnist_report(str(tmp_path), n_seeds=3)
    x, labels = data.load_mnist(tmp_path)
    runs = ns.all_depths(x, labels, n_seeds=3)
    assert ns.speeds_table(runs, "MNIST") in report
    assert ns.ratio_table(runs) in report
    assert "\\(" not in plotstyle.plain_text(report)  # no TeX left for a terminal
    digits = ns.all_depths(*data.load_digits(), n_seeds=3)
    assert ns.speeds_table(digits, "MNIST") != ns.speeds_table(runs, "MNIST")


def test_mnist_command_line_prints_the_tables_and_draws_nothing(tmp_path):
    write_mnist(tmp_path / "mnist")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    out = subprocess.run(
        [sys.executable, "-m", "snippets.nielsen_speeds", "--mnist",
         str(tmp_path / "mnist"), "--out", str(tmp_path / "figs")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "ours (MNIST): median" in out
    assert "| 4 | 5 (δ⁴) | 0.2851 |" in out and "Last/first hidden-layer ratio" in out
    assert not (tmp_path / "figs").exists()


def test_mnist_command_line_names_a_missing_folder(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "snippets.nielsen_speeds", "--mnist",
         str(tmp_path / "nowhere")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode != 0
    assert "not found" in proc.stderr and "nowhere" in proc.stderr


# ------------------------------------------------ every value the page quotes


def test_quoted_seed_range_covers_every_network_drawn(result, vals):
    assert vals["n_seeds"] == 100
    # seeds 0 .. last_seed, one network each
    assert vals["last_seed"] == 99 == result["runs"][4]["bias"].shape[0] - 1


def test_quoted_full_measure_ratio_recomputed_from_the_runs(result, vals):
    full = result["runs"][4]["full"]  # ||δ^l|| per network, layers 2..5
    assert vals["ratio_full_4"] == pytest.approx(np.median(full[:, 3] / full[:, 0]),
                                                 rel=1e-12)
    assert 50 <= vals["ratio_full_4"] <= 200
    assert np.all(np.diff(full, axis=1) > 0)  # the page: it too increases everywhere
