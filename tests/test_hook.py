"""The figure hook on a tiny fixture site: caching, re-rendering, loud failures."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
import figures as hook  # noqa: E402

CONFIG = """\
site_name: fixture
strict: true
theme: mkdocs
hooks:
  - {hook}
markdown_extensions: [attr_list, md_in_html]
nav:
  - index.md
"""

SNIPPET = '''\
"""Fixture figure {name}."""
import sys
import plotstyle
{imports}

FIGURES = {{"{name}": plotstyle.Figure(alt="{alt}", caption="A caption.")}}


def measure():
    return {{"x": [0, 1], "y": [0, {value}]}}


def values(data):
    return {{"top": data["y"][-1]}}


def draw(data, theme):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot(data["x"], data["y"])
    return {{"{name}": fig}}


if __name__ == "__main__":
    plotstyle.main(sys.modules[__name__])
'''


def write_snippet(site: Path, name: str, imports: str = "", value: str = "1",
                  alt: str = "A line.") -> None:
    text = SNIPPET.format(name=name, imports=imports, value=value, alt=alt)
    (site / "snippets" / f"{name}.py").write_text(text)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with fig_a (imports helper.py) and fig_b (imports nothing local)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    shutil.copy(ROOT / "snippets" / "plotstyle.py", tmp_path / "snippets")
    (tmp_path / "snippets" / "helper.py").write_text("SLOPE = 2\n")
    write_snippet(tmp_path, "fig_a", "import helper", "helper.SLOPE")
    write_snippet(tmp_path, "fig_b")
    (tmp_path / "mkdocs.yml").write_text(
        CONFIG.format(hook=ROOT / "hooks" / "figures.py"))
    (tmp_path / "docs" / "index.md").write_text(
        "# Fixture\n\n{{ figure fig_a }}\n\nTop: {{ value fig_a.top }}.\n\n"
        "{{ figure fig_b }}\n")
    return tmp_path


def build(site: Path, expect_ok: bool = True) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml")],
        capture_output=True, text=True, cwd=site,
    )
    log = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == expect_ok, log
    return log


def statuses(log: str) -> dict[str, str]:
    out = {}
    for line in log.splitlines():
        if "figure snippet" in line:
            name = line.split("figure snippet ")[1].split(".py")[0]
            out[name] = "cached" if line.rstrip().endswith("cached") else "rendered"
    return out


def test_second_build_is_all_cache_hits(site):
    first = build(site)
    assert statuses(first) == {"fig_a": "rendered", "fig_b": "rendered"}
    assert "rendered in" in first
    assert statuses(build(site)) == {"fig_a": "cached", "fig_b": "cached"}


def test_editing_an_imported_module_rerenders_only_its_dependants(site):
    build(site)
    (site / "snippets" / "helper.py").write_text("SLOPE = 3\n")
    assert statuses(build(site)) == {"fig_a": "rendered", "fig_b": "cached"}
    html = (site / "site" / "index.html").read_text()
    assert "Top: 3." in html


def test_editing_one_snippet_rerenders_that_figure_only(site):
    build(site)
    write_snippet(site, "fig_b", value="5")
    assert statuses(build(site)) == {"fig_a": "cached", "fig_b": "rendered"}


def test_figures_and_downloads_are_published(site):
    build(site)
    out = site / "site"
    for name in ("fig_a.svg", "fig_a-dark.svg", "fig_b.svg", "fig_b-dark.svg"):
        assert (out / "figures" / name).read_bytes().startswith(b"<?xml")
    assert (out / "downloads" / "helper.py").read_text() == "SLOPE = 2\n"
    html = (out / "index.html").read_text()
    assert 'alt="A line."' in html and "#only-dark" in html
    assert not (site / "docs" / "figures").exists()  # nothing written into docs/


def test_a_raising_snippet_fails_the_build_with_its_name_and_traceback(site):
    write_snippet(site, "fig_b", value="1 / 0")
    log = build(site, expect_ok=False)
    assert "fig_b.py" in log and "ZeroDivisionError" in log
    assert "Traceback" in log


def test_unknown_value_fails_the_build_naming_the_page(site):
    (site / "docs" / "index.md").write_text("{{ value fig_a.nope }}\n")
    log = build(site, expect_ok=False)
    assert "index.md" in log and "fig_a.nope" in log


def test_unresolved_placeholder_fails_the_build(site):
    (site / "docs" / "index.md").write_text("{{ figure }}\n")
    assert "unresolved placeholder" in build(site, expect_ok=False)


def test_a_figure_without_alt_text_fails_the_build(site):
    write_snippet(site, "fig_b", alt=" ")
    log = build(site, expect_ok=False)
    assert "fig_b.py" in log and "alt text" in log


def test_an_image_without_alt_text_in_a_page_fails_the_build(site):
    (site / "docs" / "index.md").write_text("![](figures/fig_a.svg)\n")
    log = build(site, expect_ok=False)
    assert "index.md" in log and "without alt text" in log


def test_cache_key_covers_sources_hook_and_versions(site, monkeypatch):
    fig_a = site / "snippets" / "fig_a.py"
    key = hook.cache_key(fig_a)
    assert hook.cache_key(fig_a) == key
    monkeypatch.setattr(hook, "HOOK_SOURCE", hook.HOOK_SOURCE + b"#")
    assert hook.cache_key(fig_a) != key
    monkeypatch.undo()
    monkeypatch.setattr(hook, "_versions", lambda names: ["matplotlib==0.0"])
    assert hook.cache_key(fig_a) != key


def test_dependencies_are_followed_transitively(tmp_path):
    (tmp_path / "a.py").write_text("import b\nimport numpy as np\n")
    (tmp_path / "b.py").write_text("from c import x\nimport json\n")
    (tmp_path / "c.py").write_text("x = 1\nimport matplotlib.pyplot\n")
    local, third = hook.dependencies(tmp_path / "a.py")
    assert [p.name for p in local] == ["a.py", "b.py", "c.py"]
    assert third == ["matplotlib", "numpy"]


def test_a_package_found_without_importing_it_is_a_dependency(tmp_path):
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text(
        "import importlib.util\nspec = importlib.util.find_spec('sklearn')\n")
    assert hook.dependencies(tmp_path / "a.py")[1] == ["sklearn"]
    _, third = hook.dependencies(ROOT / "snippets" / "explorer_data.py")
    assert "sklearn" in third  # data.py reads scikit-learn's digits


def test_figure_snippets_are_recognised_by_their_measure_function(tmp_path):
    (tmp_path / "f.py").write_text(textwrap.dedent("""
        def measure():
            return {}
    """))
    (tmp_path / "m.py").write_text("def helper():\n    pass\n")
    assert hook.is_figure_snippet(tmp_path / "f.py")
    assert not hook.is_figure_snippet(tmp_path / "m.py")


def test_data_files_of_a_snippet_are_published(site):
    text = (site / "snippets" / "fig_b.py").read_text().replace(
        "def draw(", "def files(data):\n    return {'fig_b.data.json': '[1, 2]'}\n\n\n"
        "def draw(")
    (site / "snippets" / "fig_b.py").write_text(text)
    build(site)
    assert (site / "site" / "data" / "fig_b.data.json").read_text() == "[1, 2]"


def test_a_downloaded_snippet_runs_on_its_own(tmp_path):
    # What a reader does: the snippet and the modules listed under its figure,
    # in one folder, run with `python <snippet>.py`.
    local, _ = hook.dependencies(ROOT / "snippets" / "gradient_check.py")
    for path in local:
        shutil.copy(path, tmp_path)
    assert {p.name for p in local} == {"gradient_check.py", "backprop.py",
                                       "plotstyle.py"}
    proc = subprocess.run([sys.executable, "gradient_check.py"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "figures" / "gradient_check.svg").is_file()
    assert "max_rel_error = " in proc.stdout


def test_a_snippet_runs_as_a_module_from_the_repository(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "snippets.gradient_check", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "gradient_check-dark.svg").is_file()


def test_palettes_keep_three_to_one_contrast_against_each_theme():
    import plotstyle

    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
               for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a, b):
        hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    backgrounds = {"light": "#ffffff", "dark": "#1e2029"}  # material's slate
    for theme, colours in plotstyle.PALETTES.items():
        for colour in colours:
            assert contrast(colour, backgrounds[theme]) >= 3.0, (theme, colour)


@pytest.mark.parametrize("page, expected", [
    # inside a collapsed block: every line of the inserted table is indented
    ("??? note\n    {{ value s.table }}\n", "??? note\n    | a |\n    |---|\n"),
    # at the margin, or after text on its line: inserted as it is
    ("{{ value s.table }}\n", "| a |\n|---|\n"),
    ("ratio {{ value s.table }}\n", "ratio | a |\n|---|\n"),
])
def test_multi_line_inserts_take_the_indentation_of_their_placeholder(page, expected):
    match = hook.PLACEHOLDER.search(page)
    out = page[:match.start()] + hook.indented(match, "| a |\n|---|") \
        + page[match.end():]
    assert out == expected
