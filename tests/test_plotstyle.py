"""The shared look of the figures: one palette per theme, one number formatter."""

import ast
import importlib
import re
import types
from pathlib import Path

import numpy as np
import pytest

import plotstyle
from conftest import figure_hook, measured
from tables import read_number

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets"


# ------------------------------------------------------------------ theming


def test_palette_is_the_theme_colour_cycle_and_a_fresh_copy():
    for theme in plotstyle.THEMES:
        cycle = plotstyle.rc(theme)["axes.prop_cycle"].by_key()["color"]
        assert plotstyle.palette(theme) == cycle
        plotstyle.palette(theme)[0] = "#000000"  # a caller's change stays local
        assert plotstyle.palette(theme) == cycle
    assert plotstyle.palette("light") != plotstyle.palette("dark")


def test_unknown_theme_is_refused():
    for call in (plotstyle.palette, plotstyle.ink, plotstyle.rc):
        with pytest.raises(ValueError, match="unknown theme"):
            call("sepia")


def test_no_module_level_palette_that_a_render_could_mutate():
    assert not hasattr(plotstyle, "PALETTE")
    for path in sorted(SNIPPETS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "PALETTE":
                pytest.fail(f"{path.name}:{node.lineno} uses plotstyle.PALETTE")


# --------------------------------------------------------------- numbers


@pytest.mark.parametrize(("x", "digits", "text"), [
    (0, 3, "0"),
    (0.0, 3, "0"),
    (12.5, 3, "12.5"),
    (0.0634, 3, "0.0634"),
    (-1.3, 3, "\u22121.3"),
    (0.01, 3, "0.01"),
    (0.0099996, 3, "0.01"),  # rounds up into the plain range
    (999.6, 3, "1,000"),  # rounds up into the whole-number range
    (4421.63, 3, "4,422"),
    (-4421.63, 3, "\u22124,422"),
    (999_999.7, 3, r"\(10^{6}\)"),
    (7812.5, 6, "7,812.5"),
    (15625.0, 6, "15,625"),
    (0.001, 3, r"\(10^{-3}\)"),
    (2.5204e-8, 3, r"\(2.52 \times 10^{-8}\)"),
    (2.5e-8, 3, r"\(2.5 \times 10^{-8}\)"),
    (-0.00553, 3, r"\(-5.53 \times 10^{-3}\)"),
    (-0.001, 3, r"\(-10^{-3}\)"),
    (3.2e7, 2, r"\(3.2 \times 10^{7}\)"),
    (np.float64(0.181), 3, "0.181"),
    (np.int64(1749), 3, "1,749"),
])
def test_number_formats_each_range(x, digits, text):
    assert plotstyle.number(x, digits) == text


def test_number_keeps_the_significant_digits_it_is_asked_for():
    rng = np.random.default_rng(0)
    for x in 10.0 ** rng.uniform(-12, 12, 500) * rng.choice([-1, 1], 500):
        for digits in (2, 3, 6):
            value = read_number(plotstyle.number(x, digits))
            if abs(x) < 10 ** digits or abs(x) >= 1e6:
                assert value == pytest.approx(x, rel=0.51 * 10.0 ** (1 - digits))
            else:  # whole numbers below a million: at least as precise
                assert value == pytest.approx(x, abs=0.5)


def test_number_refuses_what_it_cannot_format():
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="finite"):
            plotstyle.number(bad)
    for bad in ("1.5", None, True, [1.0]):
        with pytest.raises(TypeError):
            plotstyle.number(bad)
    for digits in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="digits"):
            plotstyle.number(1.0, digits)


def test_read_number_reads_each_form_back():
    assert read_number("\u22121,234.5") == -1234.5
    assert read_number(r"\(2.5 \times 10^{-8}\)") == pytest.approx(2.5e-8)
    assert read_number(r"\(-10^{-3}\)") == pytest.approx(-1e-3)
    with pytest.raises(ValueError):
        read_number(r"\(2.5\)")


def test_no_snippet_keeps_its_own_number_formatter():
    for path in sorted(SNIPPETS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert "_num" not in names, path.name


# ------------------------------------------------------------- the dark theme


def _theme_colours(theme: str) -> list[str]:
    return [*plotstyle.palette(theme), plotstyle.ink(theme),
            plotstyle.rc(theme)["grid.color"]]


def test_dark_svg_swaps_each_light_colour_for_its_dark_counterpart():
    def svg(colours):
        return "".join(f'<path style="fill: {c}; stroke: {c}"/>' for c in colours)

    light, dark = _theme_colours("light"), _theme_colours("dark")
    expected = svg([c.lower() for c in dark])
    assert plotstyle.dark_svg(svg([c.lower() for c in light])) == expected
    assert plotstyle.dark_svg(svg([c.upper() for c in light])) == expected


def test_dark_svg_leaves_other_colours_and_element_ids_alone():
    light = _theme_colours("light")[0].lower()  # "#0072b2"
    svg = (f'<path id="m{light[1:]}c0de" style="fill: #000000; stroke: #fefefe"/>'
           f'<use xlink:href="#m{light[1:]}c0de"/><use xlink:href="#DejaVuSans-31"/>'
           f'<g clip-path="url(#p{light[1:]}1234)"/><path id="C0_0_d0d0d0ab12"/>'
           f'<path style="stroke: {light}ff"/>')
    assert plotstyle.dark_svg(svg) == svg


def test_render_draws_the_dark_theme_only_for_a_snippet_that_asks(tmp_path):
    import matplotlib.pyplot as plt

    themes = []

    def draw(data, theme):
        themes.append(theme)
        fig, ax = plt.subplots()
        ax.plot(data["y"], label="y")
        ax.legend()
        return {"fake_line": fig}

    module = types.ModuleType("fake")
    module.__file__ = str(tmp_path / "fake.py")
    module.FIGURES = {"fake_line": plotstyle.Figure(alt="A line.", caption="C.")}
    module.measure = lambda: {"y": [0, 1]}
    module.draw = draw
    plotstyle.render(module, tmp_path / "a")
    light = (tmp_path / "a" / "fake_line.svg").read_text("utf-8")
    dark = (tmp_path / "a" / "fake_line-dark.svg").read_text("utf-8")
    assert themes == ["light"]
    assert dark == plotstyle.dark_svg(light) != light
    module.DRAW_DARK = True
    plotstyle.render(module, tmp_path / "b")
    assert themes == ["light", "light", "dark"]
    assert (tmp_path / "b" / "fake_line.svg").read_text("utf-8") == light


_ID = re.compile(r'\bid="([^"]+)"')
_ID_OR_REFERENCE = re.compile(r'(?<=\bid=")[^"]+|(?<=#)[\w.-]+')


def _ids_numbered(svg: str) -> str:
    """``svg`` with every element id renamed id0, id1, ... in order of appearance."""
    names = {name: f"id{i}" for i, name in enumerate(dict.fromkeys(_ID.findall(svg)))}
    return _ID_OR_REFERENCE.sub(lambda m: names.get(m.group(), m.group()), svg)


DRAWING_SNIPPETS = sorted(p.stem for p in SNIPPETS.glob("*.py")
                          if figure_hook.is_figure_snippet(p)
                          and importlib.import_module(p.stem).FIGURES)


@pytest.mark.parametrize("name", DRAWING_SNIPPETS)
def test_each_published_dark_figure_is_the_dark_drawing(built_site, name, tmp_path):
    """The build writes most dark SVGs with plotstyle.dark_svg instead of drawing
    them: each must be what draw(data, "dark") gives, up to element ids."""
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    data = measured(module)
    with plt.rc_context(plotstyle.rc("dark")):  # as render saves: inside rc
        drawn = module.draw(data, "dark")
        for fig_id, fig in drawn.items():
            plotstyle.save_svg(fig, tmp_path / f"{fig_id}.svg")
    assert set(drawn) == set(module.FIGURES)
    for fig_id in drawn:
        published = (built_site / "figures" / f"{fig_id}-dark.svg").read_text("utf-8")
        fresh = (tmp_path / f"{fig_id}.svg").read_text("utf-8")
        assert _ids_numbered(published) == _ids_numbered(fresh), (
            f"figures/{fig_id}-dark.svg is not {name}.draw(data, 'dark'): give the "
            f"dark theme only the colours of palette/ink/rc, or set DRAW_DARK = True")
