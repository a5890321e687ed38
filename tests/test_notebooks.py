"""Notebooks: each one runs top to bottom, and its outputs can never be stale."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors(source, tmp_path):
    # As a reader runs the download: the notebook next to the snippets it imports.
    for module in (ROOT / "snippets").glob("*.py"):
        shutil.copy(module, tmp_path)
    nb = jupytext.read(source)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code"
               for o in cell.get("outputs", [])]
    assert outputs, f"{source.name} produced no output"
    assert not [o for o in outputs if o.output_type == "error"]


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
