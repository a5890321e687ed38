"""Every value a page quotes is pinned by an assert in its snippet's test file.

A page quotes ``{{ value SNIPPET.KEY }}`` (``hooks/figures.py``). The build only
checks that the key exists; this test checks that ``tests/test_SNIPPET.py`` names
KEY inside an ``assert`` statement, read with ``ast`` (not run), in one of three
ways:

1. as a string constant anywhere inside the assert, calls included:
   ``assert vals["n_seeds"] == 2000``,
   ``assert vals["ratio"] == pytest.approx(expected, rel=1e-12)``;
2. as a string constant in the iterable of a ``for`` loop that contains an assert:
   ``for key in ("plain_rate", "plain_rate_row"): assert vals[key] > 0``;
3. for a key a test builds with an f-string, in a module-level tuple, list or set of
   string constants (or a dict whose keys are all string constants, e.g. each key's
   bounds) whose name appears inside an assert, in the iterable of a ``for``
   loop that contains an assert, or in the decorators of a test function that
   contains an assert (``pytest.mark.parametrize``)::

       MEDIAN_KEYS = ("median_42_w2_nielsen_delta", "median_42_w2_large_delta")

       def test_medians(vals):
           for key in MEDIAN_KEYS:
               assert 19 <= vals[key] <= 52

What the assert checks is for review to judge (an independent computation, or
bounds on both sides); this test makes sure no quoted number goes unchecked.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
from figures import PLACEHOLDER  # noqa: E402  the hook's own placeholder syntax


def quoted_keys(docs: Path = ROOT / "docs") -> dict[str, set[str]]:
    """{snippet: {key, ...}} of every ``{{ value snippet.key }}`` in docs/**/*.md."""
    keys: dict[str, set[str]] = {}
    for page in sorted(docs.rglob("*.md")):
        for verb, name, _ in PLACEHOLDER.findall(page.read_text(encoding="utf-8")):
            if verb == "value":
                snippet, _, key = name.partition(".")
                keys.setdefault(snippet, set()).add(key)
    return keys


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _has_assert(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Assert) for n in ast.walk(node))


def pinned_keys(source: str) -> set[str]:
    """Every string a test file names inside an assert (see the module docstring)."""
    tree = ast.parse(source)
    lists = {}  # module-level NAME = ("key", ...) or {"key": ...}: string keys only
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(
                node.value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            elts = (node.value.keys if isinstance(node.value, ast.Dict)
                    else node.value.elts)
            if elts and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                            for e in elts):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        lists[target.id] = {e.value for e in elts}
    pinned, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            pinned |= _strings(node)
            used |= _names(node)
        elif isinstance(node, (ast.For, ast.AsyncFor)) and _has_assert(node):
            pinned |= _strings(node.iter)
            used |= _names(node.iter)
        elif isinstance(node, ast.FunctionDef) and _has_assert(node):
            for decorator in node.decorator_list:
                used |= _names(decorator)
    for name in used & set(lists):
        pinned |= lists[name]
    return pinned


def unpinned(docs: Path = ROOT / "docs", tests: Path = ROOT / "tests") -> dict:
    """{snippet: [key, ...]} of quoted keys that no assert of its test names."""
    missing = {}
    for snippet, keys in sorted(quoted_keys(docs).items()):
        path = tests / f"test_{snippet}.py"
        source = path.read_text(encoding="utf-8") if path.is_file() else ""
        named = pinned_keys(source)
        if keys - named:
            missing[snippet] = sorted(keys - named)
    return missing


def test_every_quoted_value_is_named_in_an_assert_of_its_snippets_test():
    missing = unpinned()
    listing = "\n".join(f"  tests/test_{s}.py: {', '.join(k)}"
                        for s, k in missing.items())
    assert not missing, (
        f"{sum(map(len, missing.values()))} quoted value(s) that no assert pins:\n"
        f"{listing}")


def test_pages_quote_values():  # the scan finds the hook's placeholders at all
    keys = quoted_keys()
    assert len(keys) >= 20 and "n_seeds" in keys["definition_chain"]


# ------------------------------------------------------- the checker itself


def test_checker_counts_a_string_inside_an_assert_and_its_calls():
    source = ('def test_a(v):\n'
              '    x = v["loose"]\n'
              '    assert v["direct"] == pytest.approx(f(v["inner"]), rel=1e-3)\n')
    assert pinned_keys(source) == {"direct", "inner"}


def test_checker_counts_listed_keys_only_where_an_assert_uses_the_list():
    source = ('LOOPED = ("a1", "a2")\nINSIDE = ["b1"]\nDECORATED = ("c1",)\n'
              'BOUNDS = {"h1": (0, 1), "h2": (1, 2)}\n'
              'UNUSED = ("d1",)\nMIXED = ("e1", 2)\n'
              'def test_a(v):\n'
              '    for key in ("f1", "f2"):\n'
              '        assert v[key]\n'
              '    for key in ("g1",):\n'
              '        print(v[key])\n'
              '    for key in LOOPED:\n'
              '        assert v[key] > 0\n'
              '    assert all(v[k] for k in INSIDE)\n'
              '    for key in UNUSED:\n'
              '        print(v[key])\n'
              '    assert v[MIXED[0]]\n'
              '    for key, (low, high) in BOUNDS.items():\n'
              '        assert low < v[key] < high\n'
              '@pytest.mark.parametrize("key", DECORATED)\n'
              'def test_b(v, key):\n'
              '    assert v[key] < 1\n')
    assert pinned_keys(source) == {"a1", "a2", "b1", "c1", "f1", "f2", "h1", "h2"}


def test_checker_reports_every_unpinned_key_by_file(tmp_path):
    docs, tests = tmp_path / "docs", tmp_path / "tests"
    (docs / "sub").mkdir(parents=True)
    tests.mkdir()
    (docs / "a.md").write_text("{{ value snip.kept }} {{ value snip.lost:.2f }}\n"
                               "{{ figure snip_fig }} {{ value other.x }}\n")
    (docs / "sub" / "b.md").write_text("{{ value snip.gone }}\n")
    (tests / "test_snip.py").write_text('def test(v):\n    assert v["kept"]\n')
    assert unpinned(docs, tests) == {"other": ["x"], "snip": ["gone", "lost"]}
