"""requirements.txt pins everything and names every distribution the code imports."""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ("snippets", "hooks", "tests", "benchmarks")
# Imported only when present, never required (the benchmark compares with PyTorch).
OPTIONAL = {"torch"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _header_names() -> set[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    header = " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))
    direct = header.split("Direct needs:", 1)[1]
    return {_normal(w) for w in re.findall(r"[A-Za-z][\w.-]*", direct)}


def _third_party_imports() -> dict[str, Path]:
    local = {p.stem for d in CODE for p in (ROOT / d).glob("*.py")} | set(CODE)
    found = {}
    for folder in CODE:
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_bytes())):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names | local | OPTIONAL:
                        found.setdefault(top, path)
    return found


def test_every_imported_distribution_is_named_among_the_direct_needs():
    dists = importlib.metadata.packages_distributions()
    named = _header_names()
    missing = {}
    for module, path in _third_party_imports().items():
        candidates = {_normal(d) for d in dists.get(module, [module])}
        if not candidates & named:
            missing[module] = path.relative_to(ROOT).as_posix()
    assert not missing, f"imported but not named in requirements.txt: {missing}"


def test_scipy_is_a_direct_need():
    assert "scipy" in _header_names()


def test_every_requirement_is_pinned_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", line.strip()), line
