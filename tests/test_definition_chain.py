"""Tests for ``snippets/definition_chain.py``: every claim of docs/definition.md.

δ^l is "the gradient in the l-th layer" (``backprop.layer_gradient``). The
statistics are computed once per module (``measure()``) and asserted with bounds
wide enough for a change of seed but narrow enough to catch a changed claim.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import backprop
import definition_chain as dc
from conftest import measured
from tryit import run_try_it, try_it_code

# definition.md (the student path) and definition-detail.md (its evidence)
PAGES = [Path(__file__).resolve().parents[1] / "docs" / name
         for name in ("definition.md", "definition-detail.md")]


@pytest.fixture(scope="module")
def data() -> dict:
    return measured(dc)


@pytest.fixture(scope="module")
def vals(data) -> dict:
    return dc.values(data)


# ------------------------------------------------------------- the set-up


def test_each_network_is_six_layers_with_one_input_in_unit_square_and_one_hot_target():
    for width in dc.WIDTHS:
        for k in range(20):
            weights, biases, x, y = dc.sample(width, "nielsen", k)
            assert [w.shape for w in weights] == [(width, width)] * 5
            assert x.shape == (width, 1) and np.all((x >= 0) & (x <= 1))
            assert y.shape == (width, 1) and sorted(y.ravel())[-2:] == [0.0, 1.0]
            assert y.sum() == 1.0


def test_large_network_is_its_nielsen_twin_with_weights_scaled_by_sqrt_n_in():
    for width in dc.WIDTHS:
        for k in range(20):
            w_n, b_n, x_n, y_n = dc.sample(width, "nielsen", k)
            w_l, b_l, x_l, y_l = dc.sample(width, "large", k)
            for a, b in zip(w_n, w_l):
                np.testing.assert_allclose(a * np.sqrt(width), b, rtol=1e-12)
            for a, b in zip(b_n, b_l):
                np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(x_n, x_l)
            np.testing.assert_array_equal(y_n, y_l)


def test_delta_l_of_two_neuron_network_has_six_entries_from_backward():
    weights, biases, x, y = dc.sample(2, "nielsen", 0)
    nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y)
    norms = dc.layer_norms(weights, biases, x, y)
    for l in range(2, 7):
        delta = backprop.layer_gradient(nabla_w, nabla_b, l)
        assert delta.shape == (6,)
        assert norms[0, l - 2] == pytest.approx(np.linalg.norm(delta), rel=1e-12)
        assert norms[1, l - 2] == pytest.approx(np.linalg.norm(delta[4:]), rel=1e-12)


def test_bias_measure_is_nielsens_speed_on_hidden_layers():
    weights, biases, x, y = dc.sample(2, "nielsen", 3)
    _, nabla_b, _ = backprop.backward(weights, biases, x, y)
    norms = dc.layer_norms(weights, biases, x, y)
    np.testing.assert_allclose(norms[1, :-1], backprop.speeds(nabla_b), rtol=1e-12)


def test_delta_norm_is_bias_norm_times_sqrt_one_plus_activation_norm_squared():
    for width in dc.WIDTHS:
        for k in range(50):
            weights, biases, x, y = dc.sample(width, "large", k)
            _, activations = backprop.forward(weights, biases, x)
            full, bias = dc.layer_norms(weights, biases, x, y)
            a_prev = np.array([np.sum(a**2) for a in activations[:-1]])
            np.testing.assert_allclose(full, bias * np.sqrt(1 + a_prev), rtol=1e-10)


def test_two_measures_of_a_layer_differ_by_at_most_sqrt3_in_two_neuron_networks(data):
    for scheme in dc.SCHEMES:
        full, bias = data["runs"][2, scheme]["norms"].transpose(1, 0, 2)
        ratio = full / bias
        assert ratio.min() >= 1.0 and ratio.max() <= np.sqrt(3.0)


# ---------------------------------------------------------------- one network


def test_example_network_satisfies_the_strong_chain(vals):
    assert vals["example_step_42"] >= dc.FACTOR
    assert vals["example_step_64"] >= dc.FACTOR


def test_example_network_norm_grows_at_every_layer_for_both_inits_and_measures(data):
    for scheme in dc.SCHEMES:
        norms = data["runs"][2, scheme]["norms"][dc.EXAMPLE]
        assert np.all(np.diff(norms, axis=1) > 0)
        assert np.all(norms[1] < norms[0])  # the bias-only measure runs lower


# ------------------------------------------------------------ the statistics


def test_sample_has_at_least_a_thousand_networks_per_configuration(data):
    for run in data["runs"].values():
        assert run["norms"].shape == (dc.N_SEEDS, 2, dc.DEPTH - 1)


def test_chain_statistics_count_as_stated():
    norms = np.array([[1, 0, 20, 0, 400],  # strong chain
                      [1, 0, 5, 0, 100],  # plain only
                      [1, 0, 2, 0, 1.5],  # neither
                      [1, 0, 10, 0, 100]], dtype=float)  # exactly 10: strong
    stats = dc.chain_statistics(norms)
    assert stats["plain"] == 0.5 + 0.25
    assert stats["strong"] == 0.5
    np.testing.assert_allclose(stats["weaker"], [20, 5, 0.75, 10])


def test_plain_chain_holds_in_every_two_neuron_network(vals):
    for scheme in dc.SCHEMES:
        for m in dc.MEASURES:
            assert vals[f"plain_w2_{scheme}_{m}"] == 1.0


def test_strong_chain_holds_in_most_default_networks_and_fewer_large_ones(vals):
    for m in dc.MEASURES:
        nielsen, large = vals[f"strong_w2_nielsen_{m}"], vals[f"strong_w2_large_{m}"]
        assert 0.90 <= nielsen <= 0.97
        assert 0.65 <= large <= 0.80
        assert large < nielsen - 0.1


def test_median_steps_two_neuron_network(vals):
    for m in dc.MEASURES:
        for step in ("42", "64"):
            assert 35 <= vals[f"median_{step}_w2_nielsen_{m}"] <= 52
            assert 19 <= vals[f"median_{step}_w2_large_{m}"] <= 29


def test_larger_weights_make_the_gradient_vanish_less(vals):
    for width in dc.WIDTHS:
        for step in ("42", "64"):
            assert (vals[f"median_{step}_w{width}_large_delta"]
                    < vals[f"median_{step}_w{width}_nielsen_delta"])


def test_bias_only_measure_gives_nearly_the_same_frequencies(data, vals):
    gaps = []
    for run in data["runs"].values():
        for i in (0, 1):  # "plain" and "strong", recomputed from the norms
            delta, bias = (_shares(run, m)[i] for m in dc.MEASURES)
            gaps.append(abs(delta - bias))
    assert max(gaps) <= 0.03  # close, but not equal by necessity
    assert max(gaps) > 0
    assert vals["max_measure_gap"] == pytest.approx(max(gaps), abs=1e-12)


def test_wide_default_network_satisfies_strong_chain_with_less_scattered_steps(data,
                                                                               vals):
    assert vals["strong_w30_nielsen_delta"] >= 0.99
    assert vals["min_step_w30_nielsen"] >= dc.FACTOR
    for step in ("42", "64"):
        assert 18 <= vals[f"median_{step}_w30_nielsen_delta"] <= 32

    def log_iqr(width):
        q1, q3 = np.quantile(np.log(dc.steps(data["runs"][width, "nielsen"])),
                             [0.25, 0.75])
        return q3 - q1

    assert log_iqr(30) < 0.5 * log_iqr(2)


def test_wide_large_network_never_strong_sometimes_not_even_plain(vals):
    for m in dc.MEASURES:
        assert vals[f"strong_w30_large_{m}"] == 0.0
        assert 0.01 <= vals[f"fail_plain_w30_large_{m}"] <= 0.10
    assert vals["min_step_w30_large"] < 1.0
    for step in ("42", "64"):
        assert 1.3 <= vals[f"median_{step}_w30_large_delta"] <= 3.0


def test_failures_of_strong_chain_in_two_neuron_networks_still_shrink(vals):
    assert 1.0 < vals["min_step_w2_large"] < vals["min_step_w2_nielsen"] < dc.FACTOR


def test_failure_shares_count_the_networks_where_a_step_falls_short(data, vals):
    for key, v in vals.items():
        if key.startswith("fail_"):
            _, kind, width, scheme, m = key.split("_")
            run = data["runs"][int(width[1:]), scheme]
            s42, s64 = _steps(run, m)
            short = (s42 <= 1) | (s64 <= 1) if kind == "plain" else (
                (s42 < dc.FACTOR) | (s64 < dc.FACTOR))
            assert v == pytest.approx(np.mean(short), abs=1e-12), key


# ----------------------------------------------------------------- the bound


def test_every_measured_step_lies_above_the_bound(data):
    for run in data["runs"].values():
        assert np.all(dc.steps(run) >= run["bound"] * (1 - 1e-12))


def test_bound_is_several_times_loose(data, vals):
    """definition.md: a typical step is several times its bound (independent
    recomputation from the runs), and no step reaches the bound itself."""
    slack = np.concatenate([(dc.steps(data["runs"][2, s]) / data["runs"][2, s]["bound"])
                            .ravel() for s in dc.SCHEMES])
    assert slack.size == 2 * 2 * dc.N_SEEDS
    assert vals["bound_slack_w2"] == pytest.approx(np.median(slack))
    assert 4 < vals["bound_slack_w2"] < 10
    assert 1 < vals["bound_slack_min_w2"] < vals["bound_slack_w2"]


def test_bias_only_steps_lie_above_the_bound_without_sqrt_factor(data):
    for (width, _), run in data["runs"].items():
        bias = run["norms"][:, 1]
        observed = np.stack([bias[:, 2] / bias[:, 0], bias[:, 4] / bias[:, 2]], 1)
        assert np.all(observed >= run["bound"] * np.sqrt(1 + width) * (1 - 1e-12))


def test_bound_uses_spectral_norms_of_w3_w4_and_w5_w6():
    weights, biases, x, y = dc.sample(2, "large", 7)
    spectral = np.array([[np.linalg.norm(w, 2) for w in weights]])
    bound, products = dc.step_bound(spectral, 2)
    s = [np.linalg.svd(w, compute_uv=False)[0] for w in weights]
    np.testing.assert_allclose(products[0], [s[1] * s[2], s[3] * s[4]])
    np.testing.assert_allclose(bound[0], 16 / (np.sqrt(3) * products[0]))


def test_short_steps_tend_to_have_larger_weights(vals):
    """A measured tendency: the median norm product of short steps is larger."""
    for scheme in dc.SCHEMES:
        assert vals[f"product_short_w2_{scheme}"] > 1.5 * vals[
            f"product_long_w2_{scheme}"]


def test_threshold_is_where_the_bound_crosses_the_factor(vals):
    assert vals["threshold_w2"] == pytest.approx(16 / (dc.FACTOR * np.sqrt(3)))
    assert 0.9 < vals["threshold_w2"] < 0.95  # the page's "about 0.92"
    bound, _ = dc.step_bound(np.full((1, 5), np.sqrt(vals["threshold_w2"])), 2)
    np.testing.assert_allclose(bound, dc.FACTOR)


def test_every_short_step_is_past_the_threshold(data):
    for scheme in dc.SCHEMES:
        run = data["runs"][2, scheme]
        short = dc.steps(run) < dc.FACTOR
        assert np.all(run["products"][short] > dc.threshold(2))


def test_most_steps_that_reach_the_factor_are_past_the_threshold_too(vals):
    """So the bound alone does not tie falling short to large weights."""
    for scheme in dc.SCHEMES:
        assert vals[f"past_threshold_long_w2_{scheme}"] > 0.5


def test_bound_guarantees_plain_chain_but_rarely_the_strong_one(vals):
    assert vals["bound_plain_w2_nielsen"] == 1.0
    assert vals["bound_plain_w2_large"] >= 0.95
    assert vals["bound_strong_w2_nielsen"] <= 0.15
    assert vals["bound_strong_w2_large"] <= 0.02
    assert vals["bound_plain_w30_nielsen"] == 0.0
    assert vals["bound_plain_w30_large"] == 0.0


# -------------------------------------------------- the reversed (exploding) chain


def test_hand_picked_weights_reverse_the_chain():
    weights = [100.0 * np.eye(2) for _ in range(5)]
    biases = [np.full((2, 1), -50.0) for _ in range(5)]
    x, y = np.full((2, 1), 0.5), np.array([[1.0], [0.0]])
    zs, _ = backprop.forward(weights, biases, x)
    assert all(np.all(z == 0) for z in zs)
    full = dc.layer_norms(weights, biases, x, y)[0]
    assert full[0] > full[2] > full[4]
    assert full[0] / full[2] == pytest.approx(25.0**2)


# ------------------------------------------------------------- page and table


def test_table_has_a_row_per_width_initialization_and_measure(vals):
    rows = [r for r in vals["table"].splitlines() if r.startswith("| ")]
    assert len(rows) == 1 + len(dc.WIDTHS) * len(dc.SCHEMES) * len(dc.MEASURES)
    assert f"≥ {dc.FACTOR}×" in rows[0]
    assert f"{vals['strong_w2_nielsen_delta']:.1%}" in rows[1]


def test_every_value_the_page_quotes_exists(vals):
    names = re.findall(r"\{\{\s*value\s+definition_chain\.(\w+)",
                       "".join(p.read_text() for p in PAGES))
    assert names and set(names) <= set(vals)


def test_every_figure_the_page_embeds_is_declared():
    ids = re.findall(r"\{\{\s*figure\s+(\w+)", "".join(p.read_text() for p in PAGES))
    assert set(ids) == set(dc.FIGURES)


def test_try_it_prints_the_inserted_frequency(vals):
    code = try_it_code("definition.md")
    assert f"default_rng([{dc.SEED}, k])" in code and f"range({dc.N_SEEDS})" in code
    assert float(run_try_it("definition.md")) == vals["strong_w2_nielsen_delta"]


def test_draw_returns_every_declared_figure(data):
    import matplotlib.pyplot as plt

    import plotstyle

    for theme in plotstyle.THEMES:
        with plt.rc_context(plotstyle.rc(theme)):
            figures = dc.draw(data, theme)
        assert set(figures) == set(dc.FIGURES)
        for fig in figures.values():
            plt.close(fig)


# ------------------------------------------------ every value the page quotes

# Quoted keys that the tests above build with f-strings (tests/test_quoted_values.py).
QUOTED_STATS = (
    "plain_w2_nielsen_delta", "plain_w2_large_delta",
    "strong_w2_large_delta", "strong_w30_large_delta",
    "fail_plain_w30_large_bias", "fail_plain_w30_large_delta",
    "fail_strong_w2_large_delta", "fail_strong_w2_nielsen_delta",
    "median_42_w2_nielsen_delta", "median_64_w2_nielsen_delta",
    "median_42_w2_large_delta", "median_64_w2_large_delta",
    "median_42_w30_nielsen_delta", "median_64_w30_nielsen_delta",
    "median_42_w30_large_delta", "median_64_w30_large_delta",
)
QUOTED_PRODUCTS = (
    "product_short_w2_nielsen", "product_short_w2_large",
    "product_long_w2_nielsen", "product_long_w2_large",
    "past_threshold_long_w2_nielsen", "past_threshold_long_w2_large",
)


def _steps(run: dict, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """||·^4||/||·^2|| and ||·^6||/||·^4|| straight from the stored norms."""
    n = run["norms"][:, dc.MEASURES.index(measure)]  # columns: layers 2..6
    return n[:, 2] / n[:, 0], n[:, 4] / n[:, 2]


def _shares(run: dict, measure: str) -> tuple[float, float]:
    s42, s64 = _steps(run, measure)
    return (float(np.mean((s42 > 1) & (s64 > 1))),
            float(np.mean(np.minimum(s42, s64) >= 10)))


def _expected(data: dict, key: str) -> float:
    """A quoted statistic recomputed from the norms, without chain_statistics."""
    stat, rest = key.split("_w")
    width, scheme, m = rest.split("_")
    run = data["runs"][int(width), scheme]
    s42, s64 = _steps(run, m)
    return {"plain": _shares(run, m)[0], "strong": _shares(run, m)[1],
            "fail_plain": 1 - _shares(run, m)[0],
            "fail_strong": 1 - _shares(run, m)[1],
            "median_42": np.median(s42), "median_64": np.median(s64)}[stat]


def test_quoted_statistics_match_a_recount_of_the_norms(data, vals):
    for key in QUOTED_STATS:
        assert vals[key] == pytest.approx(_expected(data, key), rel=1e-12), key
    for key in ("plain_w2_nielsen_delta", "plain_w2_large_delta"):
        assert vals[key] == 1.0
    assert vals["strong_w30_large_delta"] == 0.0
    assert 0.65 <= vals["strong_w2_large_delta"] <= 0.80
    assert 0.03 <= vals["fail_strong_w2_nielsen_delta"] <= 0.10
    assert 0.20 <= vals["fail_strong_w2_large_delta"] <= 0.35


def test_quoted_norm_products_match_a_recount(data, vals):
    threshold = 16 / (10 * np.sqrt(3))  # the bound 16/(√3 p) equals 10 here
    for key in QUOTED_PRODUCTS:
        scheme = key.rsplit("_", 1)[1]
        run = data["runs"][2, scheme]
        short = np.stack(_steps(run, "delta"), axis=1) < 10
        long_products = run["products"][~short]
        expected = {"product_short": np.median(run["products"][short]),
                    "product_long": np.median(long_products),
                    "past_threshold_long": np.mean(long_products > threshold)}
        assert vals[key] == pytest.approx(expected[key.rsplit("_w2", 1)[0]],
                                          rel=1e-12), key
    for scheme in dc.SCHEMES:
        assert 1.0 <= vals[f"product_long_w2_{scheme}"] <= 3.0
        assert 2.0 <= vals[f"product_short_w2_{scheme}"] <= 6.0
        assert 0.6 <= vals[f"past_threshold_long_w2_{scheme}"] <= 0.99


def test_quoted_set_up_is_the_one_the_networks_were_drawn_with(data, vals):
    assert vals["factor"] == 10  # the page reads "≪" as "at least 10 times"
    assert vals["n_seeds"] == 2000
    for run in data["runs"].values():
        assert run["norms"].shape[0] == vals["n_seeds"]
    # network k is what default_rng([seed, k]) draws, in the order the page gives
    k = 5
    rng = np.random.default_rng([vals["seed"], k])
    weights, biases = backprop.init_params([2] * 6, rng, "nielsen")
    x = rng.uniform(0.0, 1.0, size=(2, 1))
    w, b, x_k, _ = dc.sample(2, "nielsen", k)
    np.testing.assert_array_equal(weights[0], w[0])
    np.testing.assert_array_equal(x, x_k)
    assert vals["seed"] == 0


def test_quoted_example_is_the_drawn_network_and_its_steps(data, vals):
    assert vals["example"] == 0
    w, b, x, y = dc.sample(2, "nielsen", vals["example"])
    full = dc.layer_norms(w, b, x, y)[0]
    np.testing.assert_allclose(data["runs"][2, "nielsen"]["norms"][
        vals["example"], 0], full, rtol=1e-12)
    assert vals["example_step_42"] == pytest.approx(full[2] / full[0], rel=1e-12)
    assert vals["example_step_64"] == pytest.approx(full[4] / full[2], rel=1e-12)
    for key in ("example_step_42", "example_step_64"):
        assert 15 <= vals[key] <= 25  # the page: both steps near 20


def test_quoted_table_holds_the_recounted_shares_and_medians(data, vals):
    lines = vals["table"].splitlines()
    assert len(vals["table"].splitlines()) == 2 + len(dc.WIDTHS) * len(
        dc.SCHEMES) * len(dc.MEASURES)
    rows = [r.strip("| ").split(" | ") for r in lines[2:]]
    for (width, scheme, m), row in zip(
            [(w, s, m) for w in dc.WIDTHS for s in dc.SCHEMES for m in dc.MEASURES],
            rows):
        assert row[:2] == [str(width), scheme]
        key = f"w{width}_{scheme}_{m}"
        plain, strong = _shares(data["runs"][width, scheme], m)
        medians = [_expected(data, f"median_{s}_{key}") for s in ("42", "64")]
        assert row[3:] == [f"{plain:.1%}", f"{strong:.1%}",
                           *(f"{v:.1f}" for v in medians)]
