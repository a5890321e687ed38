"""Tests for ``snippets/nielsen_training.py``: 500 full-batch steps of Nielsen's
chapter-5 runs on the bundled digits, the two measures, the ordering counts, and the
reasons the page gives for where they part ways. Seed 0 is the page's run; the runs
with four hidden layers, and the one with two and λ = 5, are repeated on seeds 1-3
(``measure()["extra"]``)."""

from __future__ import annotations

import numpy as np
import pytest

import backprop
import data
import nielsen_speeds as ns
import nielsen_training as nt
import plotstyle
from conftest import measured
from idxfiles import write_mnist
from tryit import run_try_it

EXTRA_SEEDS = nt.EXTRA_SEEDS


@pytest.fixture(scope="module")
def result():
    return measured(nt)


@pytest.fixture(scope="module")
def vals(result):
    return nt.values(result)


@pytest.fixture(scope="module")
def deep_runs(result):
    """{(seed, λ): run} for four hidden layers on seeds 0-3."""
    return {(seed, lm): run for lm in nt.LAMBDAS
            for seed, run in nt.seed_runs(result, 4, lm).items()}


def test_extra_seeds_are_the_same_runs_as_on_seed_0(result):
    """Oracle: the extra runs are train_full_batch on another seed, nothing else."""
    assert EXTRA_SEEDS == (1, 2, 3) and nt.SEED == 0
    x, labels = data.load_digits()
    again = nt.run_all(x, labels, EXTRA_SEEDS[0], depths=(2,), lambdas=(5.0,))
    np.testing.assert_array_equal(again[(2, 5.0)]["bias"],
                                  result["extra"][(EXTRA_SEEDS[0], 2, 5.0)]["bias"])


def all_runs(result):
    """Every run the snapshot holds: seed 0's and the repeats on EXTRA_SEEDS."""
    return list(result["runs"].values()) + list(result["extra"].values())


# ----------------------------------------------------------------- the loop


def test_full_batch_run_matches_an_explicit_loop(monkeypatch):
    """Oracle: Nielsen's full-batch loop written out with backward and sgd_step
    (no shuffling: a full batch's gradient does not depend on the order)."""
    monkeypatch.setattr(nt, "STEPS", 6)
    x, labels = data.load_digits()
    x_train, y_train = nt.nielsen_setup(x, labels)
    sizes, lmbda, n = [64, 30, 30, 10], 5.0, x_train.shape[1]
    ours = nt.train_full_batch(sizes, x_train, y_train, lmbda, seed=7)
    weights, biases = backprop.init_params(sizes, np.random.default_rng(7))
    expected = []
    for _ in range(6):
        nabla_w, nabla_b, errors = backprop.backward(weights, biases, x_train,
                                                     y_train)
        a = errors[-1] + y_train
        expected.append({
            "bias": [np.linalg.norm(g) for g in nabla_b[:-1]],
            "weight": [np.linalg.norm(g) for g in nabla_w[:-1]],
            "decay": [lmbda / n * np.linalg.norm(w) for w in weights[:-1]],
            "examples": [np.mean(np.sqrt(np.sum(e**2, axis=0))) for e in errors[:-1]],
            "cost": backprop.cost_value(a, y_train),
            "accuracy": np.mean(a.argmax(axis=0) == labels[:n]),
        })
        weights = [(1 - nt.ETA * lmbda / n) * w - nt.ETA * g
                   for w, g in zip(weights, nabla_w)]
        biases = [b - nt.ETA * g for b, g in zip(biases, nabla_b)]
    for key in expected[0]:
        np.testing.assert_allclose(ours[key], [e[key] for e in expected],
                                   rtol=1e-9, err_msg=key)
    assert ours["accuracy"][-1] > 0  # the accuracy compared is not trivially 0


def test_every_measure_is_recorded_for_every_step_and_hidden_layer(result):
    for (d, _), run in result["runs"].items():
        for key in ("bias", "full", "decayed", "weight", "decay", "examples"):
            assert run[key].shape == (nt.STEPS, d), key
        assert run["cost"].shape == run["accuracy"].shape == (nt.STEPS,)


def test_full_measure_is_weight_and_bias_parts_together(result):
    run = result["runs"][(3, 5.0)]
    np.testing.assert_allclose(run["full"] ** 2, run["weight"] ** 2 + run["bias"] ** 2)


def test_without_decay_the_decayed_measure_equals_the_plain_one(result):
    for (_, lm), run in result["runs"].items():
        if lm == 0:
            np.testing.assert_array_equal(run["decayed"], run["full"])
            assert not run["decay"].any()


# ------------------------------------------------------- what the page states


def test_with_decay_bias_speeds_are_strictly_ordered_at_every_step(result,
                                                                   deep_runs):
    for d in nt.DEPTHS:
        assert nt.strictly_increasing(result["runs"][(d, 5.0)]["bias"]).all(), d
    for seed in EXTRA_SEEDS:
        assert nt.strictly_increasing(deep_runs[(seed, 5.0)]["bias"]).all(), seed


def test_four_layer_ratio_keeps_its_order_of_magnitude_through_training(vals):
    assert 50 <= vals["ratio_start_4"] <= 200
    assert 50 <= vals["ratio_end_4"] <= 200


def test_nielsens_epoch_499_values_are_those_of_his_json(vals):
    """norms_during_training_4_layers.json, epoch 499: 8.2e-6 ... 9.2476e-4; the
    table prints 9.2e-04 and his last/first ratio rounds to 113."""
    assert vals["nielsen_last_499_4"] == 9.2476e-4
    assert "9.2e-04" in vals["speeds_table"]
    assert "9.3e-04" not in vals["speeds_table"]
    assert vals["nielsen_ratio_end_4"] == pytest.approx(9.2476e-4 / 8.2e-6)
    assert ns.ratio_text(vals["nielsen_ratio_end_4"]) == "113"


def test_deep_networks_end_within_a_factor_1_5_of_nielsens_epoch_499(vals):
    assert vals["deep_499_factor"] < 1.5


def test_two_layer_speeds_end_several_times_below_nielsens(vals):
    assert vals["two_499_below"] > 3


def test_two_layers_without_decay_bottom_out_early_and_rebound(vals):
    assert 30 <= vals["bottom_2_l0"] <= 70 and vals["rebound_2_l0"] > 2
    assert vals["accuracy_end_2_l0"] > 0.3


def test_two_layers_with_decay_bottom_out_late_and_barely_rebound(vals):
    assert vals["bottom_2_l5"] > 100 and vals["rebound_2_l5"] < 1.5


def test_two_layer_bias_order_with_decay_fails_late_on_one_seed(result, vals):
    runs = nt.seed_runs(result, 2, 5.0)
    overtaken = [s for s, r in runs.items() if not nt.first_slower(r["bias"])[-1]]
    assert vals["n_two_overtaken"] == len(overtaken) == 1
    assert vals["two_overtaken"] == str(overtaken[0])
    holds = nt.first_slower(runs[overtaken[0]]["bias"])
    assert holds[: nt.STEPS // 2].all()  # late: only in the second half


def test_four_layers_with_decay_keep_the_strict_bias_order_on_every_seed(vals):
    assert vals["deep5_strict_seeds"] == vals["n_seeds_total"] == 4
    assert (vals["extra_first"], vals["extra_last"]) == (1, 3)


def test_without_decay_four_layers_keep_the_strict_bias_order_only_early_on_3_of_4(
        deep_runs, vals):
    last = [nt.last_step(nt.strictly_increasing(deep_runs[(s, 0.0)]["bias"]))
            for s in (0, *EXTRA_SEEDS)]
    early = [step for step in last if step < nt.STEPS // 5]
    assert len(early) == vals["l0_early_seeds"] == 3, last
    assert vals["l0_early_last"] == max(early) < 100  # "a few dozen steps"
    assert max(last) == nt.STEPS - 1  # the fourth seed keeps it to the end


def test_without_decay_first_slower_than_last_depends_on_the_seed(deep_runs):
    counts = [nt.first_slower(deep_runs[(s, 0.0)]["bias"]).sum()
              for s in (0, *EXTRA_SEEDS)]
    assert min(counts) < nt.STEPS / 2 and max(counts) == nt.STEPS, counts


def test_without_decay_four_layer_ratio_collapses_to_about_one(vals, deep_runs):
    assert 0.4 <= vals["ratio_end_4_l0"] <= 2.5
    for seed in EXTRA_SEEDS:
        s = deep_runs[(seed, 0.0)]["bias"]
        assert s[0, -1] / s[0, 0] > 50 and 0.4 <= s[-1, -1] / s[-1, 0] <= 2.5


def test_full_measure_is_strictly_ordered_only_in_the_first_steps(result, vals):
    assert 0 < vals["full_strict_last"] < 60
    for run in all_runs(result):
        assert 0 < nt.last_step(nt.strictly_increasing(run["full"])) < 60


def test_full_measure_keeps_first_below_last_with_decay_for_3_and_4_layers(
        result, deep_runs):
    assert nt.first_slower(result["runs"][(3, 5.0)]["full"]).all()
    for seed in (0, *EXTRA_SEEDS):
        assert nt.first_slower(deep_runs[(seed, 5.0)]["full"]).all()


def test_full_measure_with_decay_term_counts_swing_from_run_to_run(result,
                                                                   deep_runs):
    runs = [r for (_, lm), r in result["runs"].items() if lm > 0]
    runs += [deep_runs[(s, 5.0)] for s in EXTRA_SEEDS]
    counts = [nt.first_slower(r["decayed"]).sum() for r in runs]
    assert min(counts) < 60 and max(counts) == nt.STEPS, counts


def test_full_measure_loses_first_below_last_for_2_layers_and_without_decay(
        result):
    for d, lm in ((2, 5.0), (2, 0.0), (3, 0.0), (4, 0.0)):
        assert nt.first_slower(result["runs"][(d, lm)]["full"]).sum() < 100, (d, lm)
    for (seed, d, lm), run in result["extra"].items():
        if d == 2 or lm == 0:
            assert not nt.first_slower(run["full"])[-1], (seed, d, lm)


# ------------------------------------------------------------- the reasons


def test_per_example_errors_are_strictly_ordered_at_every_step(result, vals):
    assert vals["examples_ordered"] == vals["total_steps"]
    for run in all_runs(result):
        assert nt.strictly_increasing(run["examples"]).all()


def test_bias_gradient_shrinks_to_a_small_residue_of_the_examples_errors(vals):
    assert vals["bias_cancel_start_4"] > 0.3
    assert vals["bias_cancel_end_4"] < 0.05


def test_label_frequencies_are_learned_first(result, vals):
    """In every run the average output matches the label frequencies (to a tenth
    of its initial mismatch) long before any run tells digits apart."""
    x, labels = data.load_digits()
    _, y = nt.nielsen_setup(x, labels)
    for run in result["runs"].values():
        step = nt.frequencies_step(run)
        assert 0 < step <= vals["frequencies_step_max"] < 30
        assert run["output_bias"][step] < 0.1 * run["output_bias"][0]
        assert np.all(run["accuracy"][: step + 1] < vals["learned"])
    learned = [k for k, r in result["runs"].items() if r["accuracy"].max() >= 0.2]
    assert learned == [(2, 0.0)]  # two hidden layers, no decay
    assert vals["learned_step"] > 10 * vals["frequencies_step_max"]
    assert vals["learned"] == 0.2 == 2 * (1 / y.shape[0])


def test_output_bias_gradient_is_the_mismatch_with_label_frequencies():
    """Oracle: with cross-entropy, ∂C/∂b^L = mean_x (a^L_x − y_x)."""
    x, labels = data.load_digits()
    x_train, y = nt.nielsen_setup(x, labels)
    weights, biases = backprop.init_params([64, 30, 30, 10],
                                           np.random.default_rng(2))
    a = backprop.forward(weights, biases, x_train)[1][-1]
    _, nabla_b, _ = backprop.backward(weights, biases, x_train, y)
    np.testing.assert_allclose(nabla_b[-1][:, 0], a.mean(axis=1) - y.mean(axis=1),
                               atol=1e-12)


def test_deeper_networks_end_at_the_cost_of_predicting_label_frequencies(vals):
    assert vals["cost_start_max"] > 2 * vals["prior_cost"]
    assert vals["cost_end_max_gap"] < 1e-3
    assert vals["accuracy_end_max"] < 0.15


def test_prior_cost_is_the_cost_of_the_label_frequencies():
    x, labels = data.load_digits()
    _, y = nt.nielsen_setup(x, labels)
    p = y.mean(axis=1, keepdims=True)
    constant = np.repeat(p, y.shape[1], axis=1)
    assert nt.prior_cost(labels) == pytest.approx(backprop.cost_value(constant, y))


def test_cancellation_is_even_across_layers_with_decay_uneven_without(vals,
                                                                      deep_runs):
    assert vals["cancel_spread_l5"] < 5 and vals["cancel_spread_l0"] > 20
    for seed in EXTRA_SEEDS:
        for lm, ok in ((5.0, lambda s: s < 5), (0.0, lambda s: s > 20)):
            run = deep_runs[(seed, lm)]
            c = run["bias"][-1] / run["examples"][-1]
            assert ok(c.max() / c.min()), (seed, lm)


def test_without_decay_the_last_hidden_layer_cancels_most(deep_runs):
    for seed in (0, *EXTRA_SEEDS):
        run = deep_runs[(seed, 0.0)]
        c = run["bias"][-1] / run["examples"][-1]
        assert c.argmin() == len(c) - 1 and c.argmax() == 0, seed


def test_weight_part_outgrows_the_bias_part_during_training(vals):
    assert vals["weight_over_bias_start"] < 4
    assert vals["weight_over_bias_start_spread"] < 1.5  # similar in every layer
    assert vals["weight_over_bias_end"] > 2 * vals["weight_over_bias_start"]


def test_at_init_weight_part_is_input_size_times_bias_part(vals):
    # BP4: ∂C/∂w^l_jk = mean_x a^{l-1}_k δ^l_j; ||a^{l-1}|| is the multiplier.
    assert vals["weight_bias_vs_input"] < 0.2


def test_decay_term_outweighs_the_weight_gradient_after_a_few_dozen_steps(result,
                                                                          vals):
    first = vals["decay_first_wins"]
    assert 0 < first < 60
    for (_, lm), run in result["runs"].items():
        if lm > 0:
            assert np.all(run["decay"][first:] > run["weight"][first:])


def test_decay_term_is_nearly_equal_in_every_hidden_layer(result, vals):
    assert vals["decay_spread_end"] < 1.1
    n, lm = nt.N_TRAIN, 5.0
    for (_, lmbda), run in result["runs"].items():  # (λ/n)·√30 at the start
        if lmbda > 0:
            np.testing.assert_allclose(run["decay"][0], lm / n * np.sqrt(30),
                                       rtol=0.15)


# -------------------------------------------------------------- tables, MNIST


def test_both_pages_tables_print_his_two_layer_ratio_alike(vals):
    """Nielsen's two-hidden-layer ratio at step 0 reads the same in both tables."""
    his = ns.ratio_text(ns.NIELSEN[2][-1] / ns.NIELSEN[2][0])
    assert his == "4.7"
    row = [r for r in vals["speeds_table"].splitlines() if r.startswith("| 2 | 0 |")]
    assert row[0].split("|")[5].strip() == his
    ratio_row = ns.ratio_table({2: {"bias": np.ones((3, 2)), "full": np.ones((3, 2))}})
    assert f"| 2 | {his} |" in ratio_row


def test_try_it_block_prints_the_pages_numbers(result):
    """nielsen-reproduced.md's Try it: 20 seeds' median ratio, and the ordered steps
    of seed 0's four-hidden-layer run without decay."""
    out = run_try_it("nielsen-reproduced.md").splitlines()
    x, labels = data.load_digits()
    ratio = np.median(ns.last_over_first(ns.all_depths(x, labels, 20)[4]["bias"]))
    assert out[0] == f"first layer slower by {ratio}"
    run = result["runs"][(4, 0.0)]
    assert out[1] == (f"steps strictly ordered: biases "
                      f"{nt.strictly_increasing(run['bias']).sum()} per-example "
                      f"errors {nt.strictly_increasing(run['examples']).sum()}")


def test_counts_table_has_a_row_per_depth_and_lambda(vals):
    lines = vals["counts_table"].splitlines()
    assert len(lines) == 2 + len(nt.DEPTHS) * len(nt.LAMBDAS)
    assert "| 5 | 4 | 500 / 500 |" in vals["counts_table"]


def test_mnist_option_prints_both_tables_for_784_inputs(tmp_path, monkeypatch,
                                                        capsys):
    monkeypatch.setattr(nt, "STEPS", 3)
    write_mnist(tmp_path, n=1050)
    plotstyle.main(nt, ["--mnist", str(tmp_path), "--out", str(tmp_path / "figs")])
    out = capsys.readouterr().out
    x, labels = data.load_mnist(tmp_path)
    assert nt.speeds_table(nt.run_all(x, labels, depths=(2,), lambdas=(5.0,))
                           ).splitlines()[2] in out  # the 784-input run's row
    assert "| 5 | 4 |" in out and "| 0 | 2 |" in out and "ours (MNIST)" in out
    assert "\\(" not in out  # no TeX left for the terminal
    assert not (tmp_path / "figs").exists()


# ------------------------------------------------ every value the page quotes


def test_quoted_seed_and_steps_are_the_runs_drawn(result, vals):
    assert vals["seed"] == 0 == result["seed"]
    assert vals["steps"] == 500  # Nielsen's 500 epochs, one full-batch step each
    for run in result["runs"].values():
        assert run["bias"].shape[0] == vals["steps"]


def test_quoted_decay_step_is_the_first_from_which_decay_wins_for_good(result,
                                                                       vals):
    first = vals["decay_first_wins"]
    assert 10 <= vals["decay_first_wins"] <= 60
    decayed = [run for (_, lm), run in result["runs"].items() if lm > 0]
    assert all(np.all(run["decay"][first:] > run["weight"][first:])
               for run in decayed)
    # one step earlier, some hidden layer of some λ = 5 run still loses
    assert any(np.any(run["decay"][first - 1] <= run["weight"][first - 1])
               for run in decayed)


def test_quoted_speeds_table_holds_our_speeds_and_ratios(result, vals):
    lines = vals["speeds_table"].splitlines()
    assert len(vals["speeds_table"].splitlines()) == 2 + 2 * len(nt.DEPTHS)
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        depth, step = int(cells[0]), int(cells[1])
        ours = result["runs"][(depth, 5.0)]["bias"][step]
        shown = [float(v) for v in cells[3].split(", ")]
        assert shown == pytest.approx(ours, rel=0.06)  # two significant digits
        assert float(cells[5]) == pytest.approx(ours[-1] / ours[0], rel=0.06)
