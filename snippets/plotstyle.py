"""The look of every figure on the site, and the runner every figure snippet shares.

A figure snippet defines, at top level:

- ``FIGURES``: ``{figure_id: plotstyle.Figure(alt=..., caption=...)}``;
- ``measure() -> dict``: the pure computation, the data its test asserts on;
- ``draw(data, theme) -> {figure_id: matplotlib Figure}``: one drawing per figure
  for ``theme`` ("light" or "dark"), called inside ``rc(theme)``; it draws what
  ``measure`` returned (no formula computed again) and takes explicit colours from
  ``palette(theme)`` and ``ink(theme)``. The dark drawing must differ from the light
  one in those colours only: ``render`` draws the light theme and writes the dark
  SVG by swapping the colours (``dark_svg``), unless the snippet sets
  ``DRAW_DARK = True``, when ``draw`` is called for each theme;
- optionally ``values(data) -> {name: number or str}``: numbers the pages quote
  (numbers inside Markdown tables or TeX are formatted with ``number``);
- optionally ``files(data) -> {file name: str}``: data files the site publishes
  under ``data/`` (for example the JSON an interactive page loads);
- optionally ``mnist_report(path) -> str``: the same experiment on real MNIST
  (IDX files in ``path``), run by ``python <snippet>.py --mnist PATH``;

and ends with ``if __name__ == "__main__": plotstyle.main(sys.modules[__name__])``.
``python <snippet>.py --out DIR`` then writes ``<figure_id>.svg`` (light),
``<figure_id>-dark.svg`` and ``<snippet>.json`` (alt texts, captions, values) to DIR.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

THEMES = ("light", "dark")

# Okabe & Ito's colour-blind-safe palette (blue, orange, green, purple, sky blue,
# vermillion, yellow), each hue nudged per theme to keep a 3:1 contrast against the
# page (WCAG's rule for graphics): darker on white, a lighter blue on slate.
PALETTES = {
    "light": ["#0072B2", "#C28400", "#009E73", "#CC79A7", "#3193D2", "#D55E00",
              "#9E9100"],
    "dark": ["#5DA8F0", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#E07A2E",
             "#F0E442"],
}
_INK = {"light": "#222222", "dark": "#e2e4e9"}
_GRID = {"light": "#d0d0d0", "dark": "#4a4f5c"}
# Each colour of the light theme and its dark counterpart, for dark_svg.
_TO_DARK = {light.lower(): dark.lower() for light, dark in zip(
    [*PALETTES["light"], _INK["light"], _GRID["light"]],
    [*PALETTES["dark"], _INK["dark"], _GRID["dark"]], strict=True)}
assert len(_TO_DARK) == len(PALETTES["light"]) + 2, "a light colour used twice"
# A colour as matplotlib writes it; its element ids (m…, p…, C0_…, DejaVuSans-…)
# never read as six hex digits.
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")


@dataclass(frozen=True)
class Figure:
    """What the page needs besides the image: alt text and a caption."""

    alt: str
    caption: str


def rc(theme: str) -> dict:
    """matplotlib settings for one theme; transparent so the page shows through."""
    _check_theme(theme)
    ink, grid = _INK[theme], _GRID[theme]
    return {
        "figure.figsize": (6.4, 3.6),
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.transparent": True,
        "font.size": 10,
        "text.color": ink,
        "axes.labelcolor": ink,
        "axes.edgecolor": ink,
        "xtick.color": ink,
        "ytick.color": ink,
        "axes.grid": True,
        "grid.color": grid,
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTES[theme]),
        "legend.frameon": False,
        "svg.hashsalt": "vanishing-gradient",  # stable element ids
        "path.simplify": False,
    }


def _check_theme(theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {THEMES}")


def ink(theme: str) -> str:
    """The text colour of a theme, for annotations drawn by hand."""
    _check_theme(theme)
    return _INK[theme]


def palette(theme: str) -> list[str]:
    """The colours of a theme, in the order of ``rc(theme)``'s colour cycle.

    draw() receives ``theme`` and picks colours by index from this list; nothing
    global changes between the light and the dark drawing.
    """
    _check_theme(theme)
    return list(PALETTES[theme])


def number(x: float, digits: int = 3) -> str:
    """A number for a Markdown table or sentence, to ``digits`` significant digits.

    From 0.01 up to 10**digits: plain digits with thousands separators
    (``12.5``, ``7,812.5``); up to a million: rounded to a whole number
    (``4,422``); otherwise a power of ten in inline TeX (``\\(2.5 \\times
    10^{-8}\\)``, ``\\(10^{-3}\\)`` when the mantissa is 1). Outside TeX a
    negative number gets a true minus sign (U+2212).
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer,
                                                  np.floating)):
        raise TypeError(f"number() needs a real number, got {type(x).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive int, got {digits!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"number() needs a finite number, got {x!r}")
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    power = int(exponent)  # after rounding to ``digits`` significant digits
    if -2 <= power < digits:
        text = f"{x:,.{digits}g}"
    elif digits <= power < 6:
        text = f"{x:,.0f}"
    else:
        tex = rf"10^{{{power}}}"
        if float(mantissa) not in (1.0, -1.0):
            tex = rf"{mantissa.rstrip('0').rstrip('.')} \times {tex}"
        elif float(mantissa) < 0:
            tex = "-" + tex
        return rf"\({tex}\)"
    return text.replace("-", "\u2212")


def save_svg(fig, path: Path) -> None:
    """Write ``fig`` as SVG whose bytes depend only on the drawing."""
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)


def dark_svg(svg: str) -> str:
    """The dark theme of a figure drawn in the light theme: ``svg`` with each of
    the light theme's colours (palette, ink, grid) replaced by its dark counterpart.

    Saving a figure lays it out twice (once for its tight bounding box), which is
    most of what a figure costs; swapping colours in the text costs nothing.
    Element ids stay those of the light drawing (matplotlib hashes some of them
    from colours), so the result renders like, but is not byte for byte, the SVG
    of ``draw(data, "dark")``.
    """
    return _HEX_COLOUR.sub(
        lambda m: _TO_DARK.get(m.group().lower(), m.group()), svg)


def _plain(value):
    """A JSON-ready copy of a value a snippet reports (numpy scalars included)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"value {value!r} is not finite")
    if not isinstance(value, (int, float, str)):
        raise TypeError(f"values must be numbers or strings, got {type(value)}")
    return value


def render(module: ModuleType, out: Path, keep_measured: bool = False) -> dict:
    """Run a figure snippet: measure, draw, write both themes' SVGs and a manifest
    (and, with ``keep_measured``, what measure() returned, pickled)."""
    name = Path(module.__file__).stem
    specs = getattr(module, "FIGURES", {})
    for fig_id, spec in specs.items():
        if not isinstance(spec, Figure) or not spec.alt.strip():
            raise ValueError(f"{name}.py: figure {fig_id!r} needs non-empty alt text")
    data = module.measure()
    out.mkdir(parents=True, exist_ok=True)
    if keep_measured:  # the build keeps it: tests assert on the build's own result
        (out / f"{name}.measured.pickle").write_bytes(pickle.dumps(data, protocol=5))
    draw_dark = getattr(module, "DRAW_DARK", False)
    for theme in THEMES if draw_dark else ("light",):
        with plt.rc_context(rc(theme)):  # saving reads rc too (hash salt, facecolor)
            drawn = module.draw(data, theme) if specs else {}
            if set(drawn) != set(specs):
                raise ValueError(
                    f"{name}.py: draw() returned {sorted(drawn)}, FIGURES declares "
                    f"{sorted(specs)}"
                )
            for fig_id, fig in drawn.items():
                suffix = "" if theme == "light" else "-dark"
                save_svg(fig, out / f"{fig_id}{suffix}.svg")
    if not draw_dark:  # the dark theme by swapping the light one's colours
        for fig_id in specs:
            light = (out / f"{fig_id}.svg").read_bytes().decode("utf-8")
            (out / f"{fig_id}-dark.svg").write_bytes(dark_svg(light).encode("utf-8"))
    values = getattr(module, "values", lambda d: {})(data)
    extra = getattr(module, "files", lambda d: {})(data)
    for file_name, text in extra.items():
        if Path(file_name).name != file_name or file_name == f"{name}.json":
            raise ValueError(f"{name}.py: bad data file name {file_name!r}")
        (out / file_name).write_text(text, encoding="utf-8")
    manifest = {
        "figures": {k: asdict(v) for k, v in specs.items()},
        "values": {k: _plain(v) for k, v in values.items()},
        "files": sorted(extra),
    }
    (out / f"{name}.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


# TeX that Markdown tables carry for MathJax, spelled out for a terminal.
_PLAIN = {r"\(": "", r"\)": "", r"\lVert": "‖", r"\rVert": "‖", r"\partial": "∂",
          r"\delta": "δ", r"\lambda": "λ", r"\sigma": "σ", r"\eta": "η",
          r"\,": " ", r"\cdot": "·"}


def plain_text(markdown: str) -> str:
    """A Markdown table or sentence with its inline TeX made readable as text."""
    for tex, text in _PLAIN.items():
        markdown = markdown.replace(tex, text)
    return markdown


def main(module: ModuleType, argv: list[str] | None = None) -> None:
    """Command line of every figure snippet: ``python <snippet>.py [--out DIR]``
    (and ``--mnist PATH`` where the snippet has an ``mnist_report``)."""
    parser = argparse.ArgumentParser(description=module.__doc__)
    parser.add_argument("--out", type=Path, default=Path("figures"),
                        help="folder for the SVGs and the manifest (default: figures)")
    if hasattr(module, "mnist_report"):
        parser.add_argument("--mnist", metavar="PATH",
                            help="folder with MNIST's IDX .gz files: print the "
                            "tables for Nielsen's 784-input networks, draw nothing")
    parser.add_argument("--keep-measured", action="store_true",
                        help="also write what measure() returned to "
                        "<snippet>.measured.pickle (the build does, for the tests)")
    args, _ = parser.parse_known_args(argv)
    if getattr(args, "mnist", None):
        print(plain_text(module.mnist_report(args.mnist)))
        return
    manifest = render(module, args.out, args.keep_measured)
    for fig_id in manifest["figures"]:
        print(f"wrote {args.out / fig_id}.svg and {fig_id}-dark.svg")
    for key, value in manifest["values"].items():
        if not isinstance(value, str) or "\n" not in value:
            print(f"{key} = {value}")
    sys.stdout.flush()
