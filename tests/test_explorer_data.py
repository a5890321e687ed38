"""The gradient explorer: its data file, and the claims its page makes in words.

Tests of the published file read it from the built site (the session's clean build);
tests of the page's claims retrain only the networks they need.
"""

import functools
import json
import math

import numpy as np
import pytest

import backprop
import data
import explorer_data as ex

SEEDS = range(101, 111)  # other draws, for claims about random networks


@functools.cache
def _digits():
    return ex.digits()


@pytest.fixture(scope="module")
def digits():
    return _digits()


@functools.cache
def run(layers, activation, init, scale=1.0, seed=None):
    """One setting as explorer_data measures it (trained through the checkpoints)."""
    return ex.measure_one(layers, activation, init, scale, _digits(), seed=seed)


@pytest.fixture(scope="module")
def published(built_site):
    text = (built_site / "data" / "explorer.json").read_text(encoding="utf-8")
    return text, json.loads(text)


def shown(published, layers, activation, init, scale):
    return published[1]["settings"][ex.key(layers, activation, init, scale)]


# ------------------------------------------------------- the stacked training


@pytest.mark.parametrize("layers, activation", [(10, "relu"), (2, "tanh")])
def test_stacked_training_gives_measure_one_for_every_setting(digits, layers,
                                                              activation):
    """measure() trains each depth and activation as one stack; each network in
    it must come out as measure_one trains it alone, divergence included."""
    stack = ex.measure_stack(layers, activation, digits)
    assert len(stack) == len(ex.INITS) * len(ex.SCALES)
    n_diverged = 0
    for init in ex.INITS:
        for scale in ex.SCALES:
            alone = run(layers, activation, init, scale)
            got = stack[ex.key(layers, activation, init, scale)]
            for name in ("gradient", "speed", "accuracy"):
                for want, value in zip(alone[name], got[name], strict=True):
                    assert (want is None) == (value is None), (init, scale, name)
                    if want is not None:
                        np.testing.assert_allclose(value, want, rtol=1e-12)
            n_diverged += ex.diverged(got)
    if activation == "relu":  # both cases occur among these twelve
        assert 0 < n_diverged < len(stack)


# ------------------------------------------------------------ the published file

BUILD = pytest.mark.build


def recompute(layers, activation, init, scale, x, y):
    """The measurements of one setting, written out with backprop alone."""
    rng = np.random.default_rng(ex.settings_seed(layers))
    weights, biases = backprop.init_params([64] + [30] * layers + [10], rng, init)
    weights = [scale * w for w in weights]
    out, done = [], 0
    for step in (0, 10, 30, 100, 200):
        if step > done:
            with np.errstate(all="ignore"):
                weights, biases, _ = backprop.train(
                    weights, biases, x, y, epochs=(step - done) // 10,
                    batch_size=100, eta=0.1, lmbda=5.0, rng=rng,
                    activation=activation)
            if not all(np.isfinite(p).all() for p in weights + biases):
                return out + [None] * (5 - len(out))  # diverged
            done = step
        nabla_w, nabla_b, _ = backprop.backward(weights, biases, x, y, activation)
        gradient = [np.linalg.norm(np.concatenate([nw.ravel(), nb.ravel()]))
                    for nw, nb in zip(nabla_w[:-1], nabla_b[:-1])]
        speed = [np.linalg.norm(nb) for nb in nabla_b[:-1]]
        out.append((gradient, speed))
    return out


@BUILD
@pytest.mark.parametrize("setting", [
    (4, "sigmoid", "nielsen", 1.0),
    (1, "tanh", "xavier", 0.5),
    (7, "relu", "he", 1.0),
    (3, "tanh", "large", 2.0),
    (10, "relu", "he", 2.0),  # diverges
])
def test_published_data_agree_with_backprop_for_sampled_settings(published, setting):
    x, labels = data.load_digits()
    x, labels = x[:, :1000], labels[:1000]
    expected = recompute(*setting, x, data.one_hot(labels))
    got = shown(published, *setting)
    assert len(got["gradient"]) == len(expected) == 5
    for i, want in enumerate(expected):
        if want is None:
            assert got["gradient"][i] is None and got["speed"][i] is None
            continue
        for name, values in zip(("gradient", "speed"), want, strict=True):
            assert len(got[name][i]) == setting[0]
            np.testing.assert_allclose(got[name][i], values, rtol=1e-3)
            ratio = got[f"{name}_ratio"][i]
            assert ratio == pytest.approx(values[0] / values[-1], rel=1e-3)


@BUILD
def test_published_file_holds_every_setting_and_checkpoint(published):
    doc = published[1]
    assert doc["depths"] == list(range(1, 11))
    assert doc["activations"] == ["sigmoid", "tanh", "relu"]
    assert doc["inits"] == ["nielsen", "large", "xavier", "he"]
    assert doc["checkpoints"] == list(ex.CHECKPOINTS) and doc["checkpoints"][0] == 0
    assert doc["scales"] == list(ex.SCALES) and 1.0 in doc["scales"]
    n = len(doc["checkpoints"])
    assert set(doc["settings"]) == {ex.key(*s) for s in ex.settings()}
    for name, one in doc["settings"].items():
        layers = int(name.split("/")[0])
        for m in ("gradient", "speed", "gradient_ratio", "speed_ratio", "accuracy"):
            assert len(one[m]) == n, (name, m)
        for m in ("gradient", "speed"):
            for values in one[m]:
                assert values is None or len(values) == layers, name
        for a in one["accuracy"]:
            assert a is None or 0 <= a <= 1
    assert set(doc["labels"]) == set(doc["activations"] + doc["inits"])


@BUILD
def test_published_file_is_small_strict_json_without_nan(published):
    text, _ = published
    assert len(text.encode()) < 2_000_000

    def refuse(constant):
        raise AssertionError(f"{constant} in explorer.json")

    json.loads(text, parse_constant=refuse)  # NaN, Infinity, -Infinity


@BUILD
def test_a_diverged_network_stays_diverged(published):
    for name, one in published[1]["settings"].items():
        g = one["gradient"]
        first_null = next((i for i, v in enumerate(g) if v is None), len(g))
        assert first_null > 0, f"{name}: nothing to show at step 0"
        for m in ("gradient", "speed", "gradient_ratio", "speed_ratio", "accuracy"):
            assert all(v is None for v in one[m][first_null:]), (name, m)


@BUILD
def test_only_relu_networks_that_start_with_large_weights_diverge(published):
    settings = published[1]["settings"]
    diverged = [name for name, one in settings.items() if one["gradient"][-1] is None]
    assert diverged, "the page shows a diverged network"
    for name in diverged:
        _, activation, init, scale = name.split("/")
        assert activation == "relu" and (init == "large" or float(scale) > 1), name
    # The example the page names diverges before the first checkpoint after 0.
    assert settings[ex.key(10, "relu", "he", 2.0)]["gradient"][1] is None


@BUILD
def test_exact_zeros_occur_only_in_relu_networks(published):
    zeros = set()
    for name, one in published[1]["settings"].items():
        for m in ("gradient", "speed"):
            for values in one[m]:
                if values is not None and 0.0 in values:
                    zeros.add(name.split("/")[1])
    assert zeros == {"relu"}


@BUILD
def test_the_page_quotes_the_published_numbers(built_site, published):
    html = (built_site / "explorer" / "index.html").read_text(encoding="utf-8")
    text = " ".join(html.split())
    settings = published[1]["settings"]
    n_diverged = sum(one["gradient"][-1] is None for one in settings.values())
    assert f"diverged here, {n_diverged} of the {len(settings)}," in text
    ratio = settings[ex.key(10, "relu", "large", 1.0)]["gradient_ratio"][0]
    assert f"first/last ratio is {ratio:.2f}," in text


# ------------------------------------------------------------ the snippet's parts


def test_numbers_keep_four_significant_digits():
    assert ex.rounded(123456.7) == 123500.0
    assert ex.rounded(1.234567e-9) == 1.235e-9
    assert ex.rounded(-0.012345678) == -0.01235
    assert ex.rounded(0.0) == 0.0


def test_non_finite_numbers_become_null():
    assert ex.rounded(float("nan")) is None
    assert ex.rounded(float("inf")) is None
    assert ex.rounded(None) is None
    assert ex.ratio(np.array([1.0, 0.0])) is None  # last layer 0: undefined
    assert ex.ratio(np.array([np.inf, 1.0])) is None
    assert ex.ratio(np.array([0.0, 2.0])) == 0.0


def test_a_network_whose_weights_overflow_is_recorded_as_diverged():
    one = run(10, "relu", "he", 2.0)
    assert one["gradient"][0] is not None
    assert all(v is None for v in one["gradient"][1:] + one["accuracy"][1:])
    doc = ex.explorer_json({ex.key(10, "relu", "he", 2.0): one})
    text = json.dumps(doc, allow_nan=False)  # would raise on NaN
    assert json.loads(text)["settings"]["10/relu/he/2"]["speed"][1] is None


def test_values_quote_the_data():
    settings = [(4, "sigmoid", "nielsen", 1.0), (6, "sigmoid", "nielsen", 1.0),
                (10, "relu", "large", 1.0), (10, "relu", "he", 2.0)]
    measured = {ex.key(*s): run(*s) for s in settings}
    values = ex.values(measured)
    s = run(4, "sigmoid", "nielsen")["speed"][0]
    assert values["sigmoid4_speed_factor"] == pytest.approx(s[-1] / s[0])
    g, s = run(6, "sigmoid", "nielsen")["gradient"][0], \
        run(6, "sigmoid", "nielsen")["speed"][0]
    assert values["sigmoid6_gradient_factor"] == pytest.approx(g[-1] / g[0])
    assert values["sigmoid6_speed_factor"] == pytest.approx(s[-1] / s[0])
    g, s = run(10, "relu", "large")["gradient"][0], run(10, "relu", "large")["speed"][0]
    assert values["relu_large_speed_ratio"] == pytest.approx(s[0] / s[-1])
    assert values["relu_large_speed_ratio_2sf"] == pytest.approx(s[0] / s[-1],
                                                                 rel=0.05)
    assert values["relu_large_gradient_ratio"] == pytest.approx(g[0] / g[-1])
    assert values["n_settings"] == 4
    assert values["n_diverged"] == 2  # he ×2 and large ×1, both 10 layers
    assert ex.key(10, "relu", "he", 2.0) == "10/relu/he/2"


# ------------------------------------------------------------ the page's claims


def step0_ratios(digits, layers, activation, init, scale=1.0, seed=None):
    """First/last ratios of (||δ^l||, Nielsen's speed) before training."""
    weights, biases, _ = ex.network(layers, init, scale, seed)
    g, s, _ = ex.both_measures(weights, biases, *digits, activation)
    return g[0] / g[-1], s[0] / s[-1]


def median_ratios(digits, *setting):
    ratios = np.array([step0_ratios(digits, *setting, seed=s) for s in SEEDS])
    return np.median(ratios, axis=0)


def test_sigmoid_ratios_fall_with_every_added_layer(digits):
    shown_ratios = [step0_ratios(digits, d, "sigmoid", "nielsen") for d in ex.DEPTHS]
    medians = [median_ratios(digits, d, "sigmoid", "nielsen") for d in ex.DEPTHS]
    for ratios in (shown_ratios, medians):  # this draw, and the median of others
        assert np.allclose(ratios[0], 1.0)
        for a, b in zip(ratios, ratios[1:]):
            assert np.all(np.asarray(b) < np.asarray(a))


def test_sigmoid_bars_fall_toward_the_input_at_every_depth(digits):
    for depth in ex.DEPTHS[1:]:
        for seed in (None, *SEEDS):  # the draw shown, and others
            weights, biases, _ = ex.network(depth, "nielsen", 1.0, seed)
            g, s, _ = ex.both_measures(weights, biases, *digits, "sigmoid")
            assert np.all(np.diff(g) > 0) and np.all(np.diff(s) > 0), (depth, seed)


def test_training_does_not_cure_a_6_layer_sigmoid_network():
    for seed in (None, 101, 102):  # the draw shown, and two others
        deep = run(6, "sigmoid", "nielsen", seed=seed)
        shallow = run(1, "sigmoid", "nielsen", seed=seed)
        for name in ("gradient", "speed"):
            assert all(ex.ratio(v) < 0.1 for v in deep[name]), (seed, name)
        assert max(deep["accuracy"]) < 0.15, seed  # chance is 0.1
        assert shallow["accuracy"][-1] > 0.5, seed
        assert shallow["accuracy"][-1] > 3 * deep["accuracy"][-1], seed


def test_no_initialization_rescues_a_10_layer_sigmoid_network(digits):
    for init in ex.INITS:
        assert np.all(np.array(step0_ratios(digits, 10, "sigmoid", init)) < 0.1)
        assert np.all(median_ratios(digits, 10, "sigmoid", init) < 0.1), init


@pytest.mark.parametrize("activation, init", [("tanh", "xavier"), ("relu", "he")])
def test_matched_activation_and_initialization_keep_ratios_within_ten(
        digits, activation, init):
    for depth in ex.DEPTHS:
        one = run(depth, activation, init)
        for name in ("gradient", "speed"):
            for values in one[name]:  # every checkpoint of the draw shown
                assert 0.1 <= ex.ratio(values) <= 10, (depth, name)
        medians = median_ratios(digits, depth, activation, init)  # step 0
        assert np.all((medians >= 0.1) & (medians <= 10)), depth


def test_with_large_relu_weights_the_two_measures_disagree(digits):
    for depth in range(5, 11):
        gradient, speed = step0_ratios(digits, depth, "relu", "large")
        assert speed > 100 and 1 / 3 < gradient < 3, depth
    gradient, speed = median_ratios(digits, 10, "relu", "large")
    assert speed > 1000 and 1 / 3 < gradient < 3


def test_large_relu_weight_gradients_stay_flat_while_bias_gradients_explode(
        digits):
    # The page's explanation: the weight part alone is flat across the layers.
    for seed in SEEDS:
        weights, biases, _ = ex.network(10, "large", 1.0, seed)
        nabla_w, nabla_b, _ = backprop.backward(weights, biases, *digits, "relu")
        w_first, w_last = np.linalg.norm(nabla_w[0]), np.linalg.norm(nabla_w[-2])
        b_first, b_last = np.linalg.norm(nabla_b[0]), np.linalg.norm(nabla_b[-2])
        assert 0.1 < w_first / w_last < 10, seed
        assert b_first / b_last > 100, seed


def test_large_init_is_sqrt_30_times_nielsen_in_hidden_layers():
    big, _ = backprop.init_params([30, 30, 30], np.random.default_rng(0), "large")
    small, _ = backprop.init_params([30, 30, 30], np.random.default_rng(0), "nielsen")
    assert np.allclose(big[1] / small[1], math.sqrt(30))


# ------------------------------------------------ every value the page quotes


@pytest.fixture(scope="module")
def small_values():
    """values() over a few settings (cached runs): the set-up keys do not depend
    on which settings were measured."""
    few = [(4, "sigmoid", "nielsen", 1.0), (6, "sigmoid", "nielsen", 1.0),
           (10, "relu", "large", 1.0)]
    return ex.values({ex.key(*s): run(*s) for s in few})


def test_quoted_training_set_up_is_the_one_run(small_values, digits):
    v = small_values
    assert v["width"] == 30  # Nielsen's chapter-5 hidden layers
    assert v["n_train"] == 1000 == digits[0].shape[1]  # the first 1,000 images
    assert (v["eta"], v["lmbda"]) == (0.1, 5.0)  # Nielsen's chapter-5 values
    assert v["batch_size"] == 100
    assert v["steps_per_epoch"] * v["batch_size"] == v["n_train"]
    assert v["last_step"] == 200 == ex.CHECKPOINTS[-1]
    assert v["epochs"] * v["n_train"] == v["last_step"] * v["batch_size"]
    assert v["max_depth"] == 10 == max(s[0] for s in ex.settings())


@BUILD
def test_quoted_file_size_is_the_published_files(built_site, published):
    """json_kb, read from the build's own record of the values (the hook's cache
    of this snippet's output, found by its cache key)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
    import figures as hook

    project = built_site.parent
    key = hook.cache_key(project / "snippets" / "explorer_data.py")
    manifest = project / ".cache" / "figures" / f"explorer_data@{key}"
    quoted = json.loads((manifest / "explorer_data.json").read_text())["values"]
    size = len(published[0].encode())
    assert quoted["json_kb"] == pytest.approx(size / 1000, rel=1e-12)
    assert 0 < quoted["json_kb"] < 500  # within a page's budget even before gzip
