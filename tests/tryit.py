"""Run a page's "Try it" block the way a reader would: in a fresh interpreter, with
the snippets as the current folder (the downloads sit side by side there)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def try_it_code(page: str) -> str:
    """The first ```python block after the "## Try it" heading of docs/<page>."""
    text = (ROOT / "docs" / page).read_text()
    match = re.search(r"## Try it.*?```python\n(.*?)```", text, re.S)
    assert match, f"{page} has no Python block under '## Try it'"
    return match.group(1)


def run_try_it(page: str, timeout: float = 120) -> str:
    """Run the page's Try-it code in snippets/ and return what it prints."""
    proc = subprocess.run([sys.executable, "-c", try_it_code(page)],
                          cwd=ROOT / "snippets", capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
