"""Notebooks: each one runs top to bottom, shows what it draws, ends with exercises
whose folded answers are right, and its outputs can never be stale."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
import notebooks as hook  # noqa: E402

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))
# A pyplot call that creates or draws on a figure.
DRAWS = re.compile(r"\bplt\.(subplots|figure|plot|semilogy|semilogx|loglog|scatter|"
                   r"hist|imshow|bar)\(")
# The first line of an exercise cell: the constant a reader changes, and to what.
EXERCISE = re.compile(r"^(\w+) = (.+?)  # exercise (\d+): change to (.+)$", re.M)
# Appended to a notebook: does each exercise's result equal its answer's?
CHECK = """
# %%
import json as _json
import numpy as _np
print(_json.dumps({{k: bool(_np.all(_np.asarray(globals()[f"seen_{{k}}"])
                                    == _np.asarray(globals()[f"answer_{{k}}"])))
                   for k in {keys!r}}}))
"""


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


def exercises(source: Path) -> list[tuple[str, str, str, str]]:
    """(name, value, exercise number, value to change to) of each exercise."""
    return EXERCISE.findall(source.read_text())


def run(source: Path, tmp_path: Path, text: str) -> nbformat.NotebookNode:
    """Execute the notebook ``text`` as a reader runs the download of ``source``:
    next to the snippets it imports, with the build's own code
    (hooks/notebooks.py)."""
    for module in (ROOT / "snippets").glob("*.py"):
        shutil.copy(module, tmp_path)
    notebook = tmp_path / source.name
    notebook.write_text(text)
    target = tmp_path / f"{source.stem}.ipynb"
    hook.execute(notebook, target, tmp_path)
    return nbformat.read(target, as_version=4)


def answers_match(cell) -> dict:
    """An appended check's verdict: {exercise number: seen == answer}."""
    return json.loads("".join(o["text"] for o in cell.outputs))


def worked(source: Path) -> str:
    """The notebook as a reader works its exercises: run top to bottom, then each
    exercise cell run again with its constant changed as the exercise says. A
    check after the notebook and one after the changed cells compare every
    ``seen_k`` with its ``answer_k``."""
    found = exercises(source)
    check = CHECK.format(keys=[number for _, _, number, _ in found])
    changed = []
    for cell in jupytext.read(source).cells:
        if cell.cell_type != "code" or not EXERCISE.search(cell.source):
            continue
        text = cell.source
        for name, value, number, new in found:
            text = text.replace(f"{name} = {value}  # exercise {number}: change to "
                                f"{new}", f"{name} = {new}")
        changed.append(f"\n# %%\n{text}\n")
    assert len(changed) == len(found), "an exercise cell holds two exercises"
    return source.read_text() + check + "".join(changed) + check


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_every_figure(source, built_site):
    """On the notebook the build executed (and the site offers for download)."""
    nb = nbformat.read(built_site / "notebooks" / source.stem / f"{source.stem}.ipynb",
                       as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == len([c for c in jupytext.read(source).cells
                             if c.cell_type == "code"])
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert outputs, f"{source.name} produced no output"
    assert not [o for o in outputs if o.output_type == "error"]
    drawing = [c for c in code if DRAWS.search(c.source)]
    assert drawing, f"{source.name} draws nothing"
    for cell in code:
        images = hook.image_outputs(cell)
        if any(cell is d for d in drawing):
            assert len(images) == 1, f"no figure published by:\n{cell.source}"
            svg = images[0].data["image/svg+xml"]
            # An opaque white card (legible in both site themes), no date.
            assert 'style="fill: #ffffff"' in svg.split("<g id=\"axes_1\">")[0]
            assert "<dc:date>" not in svg
        else:
            assert not images, cell.source
    alts = hook.figure_alts(nb)
    assert len(alts) == len(drawing) and all(len(a) > 40 for a in alts)


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_ends_with_exercises_and_folded_answers(source):
    nb = jupytext.read(source)
    found = exercises(source)
    assert 2 <= len(found) <= 3
    assert [int(n) for _, _, n, _ in found] == list(range(1, len(found) + 1))
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = next(i for i, c in enumerate(code) if EXERCISE.search(c.source))
    answers = [c for c in code if "answer" in c.metadata.get("tags", [])]
    assert len(answers) == len(found)
    assert "answer" in code[-1].metadata.get("tags", [])
    for name, _, number, _ in found:
        cell = next(i for i, c in enumerate(code) if f"seen_{number} =" in c.source)
        answer = code[cell + 1]  # the folded answer right after the exercise
        assert "answer" in answer.metadata.get("tags", [])
        assert f"answer_{number} =" in answer.source
        assert answer.metadata["jupyter"] == {"source_hidden": True,
                                              "outputs_hidden": True}
        assert name not in answer.source  # computed apart from the reader's change
        assert f"exercise {number}: change to" in code[cell].source
    assert first == len(code) - 2 * len(found)  # the notebook ends with them


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_with_its_change_gives_its_answer(source, tmp_path):
    nb = run(source, tmp_path, worked(source))
    numbers = [number for _, _, number, _ in exercises(source)]
    checks = [c for c in nb.cells if c.source.startswith("import json as _json")]
    assert len(checks) == 2
    before, after = (answers_match(c) for c in checks)
    # Before the change no exercise shows its answer already; after it, each does.
    assert before == {number: False for number in numbers}
    assert after == {number: True for number in numbers}


def test_a_figure_without_alt_text_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": "<svg/>", "text/plain": "fig"})]
    nb.cells = [cell]
    with pytest.raises(ValueError, match="alt text"):
        hook.figure_alts(nb)
    cell.source = "# Figure: a rising line,\n# from 1 to 2.\nplt.plot([1, 2])"
    assert hook.figure_alts(nb) == ["a rising line, from 1 to 2."]


def test_answers_are_wrapped_in_closed_details():
    cell = ('<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_answer">'
            '<div class="x"><div>answer</div></div></div>')
    html = f"<div>before</div>{cell}<div>after</div>"
    out = hook.collapse_answers(html)
    assert out == (f'<div>before</div><details class="nb-answer"><summary>Answer'
                   f"</summary>{cell}</details><div>after</div>")
    with pytest.raises(hook.PluginError):
        hook.collapse_answers(cell[:-6])


CONFIG = """\
site_name: fixture
strict: true
theme: mkdocs
hooks:
  - {hooks}/figures.py
  - {hooks}/notebooks.py
plugins:
  - mkdocs-jupyter:
      include: ["*.ipynb"]
      execute: false
      include_source: true
nav:
  - index.md
  - notebooks/probe.ipynb
"""

PROBE = """\
# %%
import helper
print("value is", helper.VALUE)
"""


def build(site: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=site,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def executed_output(site: Path) -> str:
    nb = json.loads((site / "site" / "notebooks" / "probe" / "probe.ipynb")
                    .read_text())
    return "".join("".join(o.get("text", "")) for c in nb["cells"]
                   for o in c.get("outputs", []))


@pytest.fixture
def site(tmp_path):
    (tmp_path / "docs" / "notebooks").mkdir(parents=True)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "helper.py").write_text("VALUE = 1\n")
    (tmp_path / "docs" / "index.md").write_text("# Fixture\n")
    (tmp_path / "docs" / "notebooks" / "probe.py").write_text(PROBE)
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(hooks=ROOT / "hooks"))
    return tmp_path


def test_editing_an_imported_module_re_executes_the_notebook(site):
    log = build(site)
    assert "notebook probe.py: executed" in log
    assert executed_output(site) == "value is 1\n"
    assert "notebook probe.py: cached" in build(site)
    (site / "snippets" / "helper.py").write_text("VALUE = 2\n")
    log = build(site)
    assert "notebook probe.py: executed" in log
    assert executed_output(site) == "value is 2\n"
    assert "value is 2" in (site / "site" / "notebooks" / "probe" / "index.html"
                            ).read_text()


def test_a_failing_notebook_fails_the_build(site):
    (site / "snippets" / "helper.py").write_text("raise RuntimeError('boom')\n")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=site,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "probe.py" in proc.stderr and "boom" in proc.stderr


def test_notebook_pages_are_built_and_downloadable(built_site):
    for source in NOTEBOOKS:
        page = built_site / "notebooks" / source.stem
        assert (page / "index.html").is_file()
        nb = json.loads((page / f"{source.stem}.ipynb").read_text())
        assert nb["cells"] and nb["metadata"]["kernelspec"]["name"] == "python3"
        html = (page / "index.html").read_text()
        assert 'src=""' not in html and "cdnjs" not in html


FIGURE_PROBE = """\
# %%
import matplotlib.pyplot as plt

# %matplotlib inline

# %%
# Figure: a line rising
# from 1 to 3.
plt.plot([1, 2, 3])
plt.show()

# %% tags=["answer"] jupyter={"source_hidden": true, "outputs_hidden": true}
print("the answer is", 42)
"""


def test_figures_and_folded_answers_reach_the_page(site):
    (site / "docs" / "notebooks" / "probe.py").write_text(FIGURE_PROBE)
    build(site)
    html = (site / "site" / "notebooks" / "probe" / "index.html").read_text()
    assert html.count('src="data:image/svg+xml;base64,') == 1
    assert 'alt="a line rising from 1 to 3."' in html
    assert "No description has been provided" not in html
    start = html.index('<details class="nb-answer"><summary>Answer</summary>')
    assert start < html.index("the answer is 42") < html.index("</details>", start)
