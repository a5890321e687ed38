"""MkDocs hook: render every figure snippet at build time and let pages quote it.

A figure snippet is a ``snippets/*.py`` file with a top-level ``measure`` function
(see ``snippets/plotstyle.py`` for the contract). For each one this hook:

1. computes a cache key from the snippet's source, the sources of every local module
   it imports (directly or not), this hook's source, and the versions of Python and
   of the third-party distributions those files import;
2. on a miss, runs ``python <snippet>.py --out DIR`` as a fork of a process with
   the heavy imports done (``snippet_runner.py``; in parallel, one BLAS thread
   each) and stores the output under ``.cache/figures/``, outside ``docs/`` so
   that ``mkdocs serve`` does not rebuild forever;
3. adds the SVGs (``figures/``), data files (``data/``) and every snippet's source
   (``downloads/``) to the site as generated files;
4. replaces ``{{ figure ID }}`` and ``{{ value SNIPPET.NAME }}`` (optionally with a
   format, ``{{ value SNIPPET.NAME:.2f }}``) in pages. Anything unresolved fails.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.figures")

# mkdocs loads this hook as the module "hooks/figures.py", and notebooks.py imports
# it as "figures": one module object for both, so they share its caches.
sys.modules.setdefault("figures", sys.modules[__name__])
RUNNER = Path(__file__).with_name("snippet_runner.py")  # how snippets are run
# Both are part of what a snippet's output depends on.
HOOK_SOURCE = Path(__file__).read_bytes() + RUNNER.read_bytes()
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s+([\w.]+)(?::([^}\s]*))?\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
# What every snippet and notebook process gets in its environment: one BLAS thread
# (the build runs them side by side), and glibc's malloc told to keep freed memory
# for reuse rather than hand each large array back to the kernel when it is freed
# (that churn cost about a tenth of the snippets' CPU time, as system time).
RUN_ENV = {
    **{var: "1" for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                            "MKL_NUM_THREADS")},
    "MALLOC_MMAP_THRESHOLD_": str(64 << 20),
    "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
}

_state: dict = {}


# ------------------------------------------------------------- import graph


def _imports(path: Path) -> frozenset[str]:
    """Top-level names of every module imported anywhere in ``path``."""
    return _imported_names(path.read_bytes(), str(path))


@functools.lru_cache(maxsize=512)
def _imported_names(source: bytes, filename: str) -> frozenset[str]:
    """``_imports`` of one source text. Every snippet's import graph passes through
    ``backprop.py`` and the other shared modules, so each text is parsed once per
    process; the key is the text itself, so an edited file is parsed again."""
    names = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
        elif found := _found_package(node):
            names.add(found.split(".")[0])
    return frozenset(names)


def _found_package(node: ast.AST) -> str | None:
    """The package named in a call ``find_spec("name")``, if ``node`` is one: a
    module that reads a package's files without importing it (``data.py`` with
    scikit-learn's digits) still depends on its version."""
    if not (isinstance(node, ast.Call) and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return node.args[0].value if name == "find_spec" else None


def dependencies(
    snippet: Path, folder: Path | None = None
) -> tuple[list[Path], list[str]]:
    """Local modules ``snippet`` needs (itself first) and third-party top names.

    Local modules are the ``.py`` files in ``folder`` (default: the snippet's own).
    """
    folder = snippet.parent if folder is None else folder
    seen, third = [snippet], set()
    todo = [snippet]
    while todo:
        for name in sorted(_imports(todo.pop())):
            local = folder / f"{name}.py"
            if local.is_file():
                if local not in seen:
                    seen.append(local)
                    todo.append(local)
            elif name not in sys.stdlib_module_names and name != "snippets":
                third.add(name)
    return seen, sorted(third)


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """{top-level module: [distributions]}: a scan of every installed package,
    about a second each time, so it is done once per process."""
    return importlib.metadata.packages_distributions()


def _versions(modules: list[str]) -> list[str]:
    dists = _distributions()
    found = {d for m in modules for d in dists.get(m, [m])}
    return [f"{dist}=={_version(dist)}" for dist in sorted(found)]


@functools.cache
def _version(dist: str) -> str:
    """The installed version of ``dist`` ("?" if none), looked up once per process
    like the package scan: each lookup searches every entry of sys.path."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def cache_key(snippet: Path, folder: Path | None = None, salt: bytes = b"") -> str:
    """Hash of everything a snippet's output depends on (see the module docstring)."""
    local, third = dependencies(snippet, folder)
    h = hashlib.sha256(HOOK_SOURCE + salt)
    h.update(sys.version.encode())
    for path in local:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for pin in _versions(third):
        h.update(pin.encode() + b"\0")
    return h.hexdigest()[:20]


def is_figure_snippet(path: Path) -> bool:
    tree = ast.parse(path.read_bytes(), filename=str(path))
    return any(
        isinstance(node, ast.FunctionDef) and node.name == "measure"
        for node in tree.body
    )


# ---------------------------------------------------------------- rendering


class _Runner:
    """A ``snippet_runner.py`` process: runs one worker thread's snippets, each
    in a fresh fork of a process that has the heavy imports done."""

    def __init__(self):
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", **RUN_ENV)
        self.proc = subprocess.Popen([sys.executable, str(RUNNER)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def run(self, argv: list[str], cwd: Path, stdout: Path, stderr: Path
            ) -> tuple[int, float]:
        """Run one snippet; return its exit status and the CPU seconds it used."""
        job = {"argv": argv, "cwd": str(cwd), "stdout": str(stdout),
               "stderr": str(stderr)}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise PluginError(f"{RUNNER.name} stopped while running {argv[0]}")
        status, cpu = reply.split()
        return int(status), float(cpu)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def _render(snippet: Path, target: Path, runner: Callable[[], _Runner]) -> str:
    """Make sure ``target`` holds the snippet's output; return what was done, for
    the log. ``runner()`` gives the calling thread's runner (started on first
    use)."""
    if (target / f"{snippet.stem}.json").is_file():
        return "cached"
    tmp = Path(tempfile.mkdtemp(prefix=f"{snippet.stem}-", dir=target.parent))
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    start = time.perf_counter()
    code, cpu = runner().run([str(snippet), "--out", str(tmp), "--keep-measured"],
                             snippet.parent, out, err)
    seconds = time.perf_counter() - start
    printed = err.read_text().strip() or out.read_text().strip()
    out.unlink()
    err.unlink()
    if code != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PluginError(f"figure snippet {snippet} failed (exit {code}):\n{printed}")
    try:
        tmp.rename(target)  # atomic: a half-written figure is never seen as cached
    except OSError:  # a concurrent build stored the same key first
        shutil.rmtree(tmp, ignore_errors=True)
    return f"rendered in {seconds:.1f} s ({cpu:.1f} s CPU)"


def _prune(cache: Path, snippet: Path, keep: Path, age: float = 600.0) -> None:
    """Drop other versions of a snippet's output once they are ``age`` s old (a
    younger one may belong to a concurrent build, e.g. ``mkdocs serve``)."""
    for old in cache.glob(f"{snippet.stem}@*"):
        if old != keep and time.time() - old.stat().st_mtime > age:
            shutil.rmtree(old, ignore_errors=True)


def render_all(snippets_dir: Path, cache: Path) -> dict[str, Path]:
    """Render (or reuse) every figure snippet; return {snippet stem: output dir}."""
    cache.mkdir(parents=True, exist_ok=True)
    jobs = {}
    for snippet in sorted(snippets_dir.glob("*.py")):
        if is_figure_snippet(snippet):
            jobs[snippet] = cache / f"{snippet.stem}@{cache_key(snippet)}"
    runners, local = [], threading.local()

    def runner() -> _Runner:
        if not hasattr(local, "runner"):
            local.runner = _Runner()
            runners.append(local.runner)
        return local.runner

    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = {s: pool.submit(_render, s, t, runner) for s, t in jobs.items()}
            for snippet, future in futures.items():
                log.info(f"figure snippet {snippet.name}: {future.result()}")
                _prune(cache, snippet, jobs[snippet])
    finally:
        for r in runners:
            r.close()
    return {s.stem: t for s, t in jobs.items()}


def load_outputs(outputs: dict[str, Path]) -> tuple[dict, dict, dict]:
    """Collect {figure id: (spec, light svg, dark svg, snippet)}, {name: value}
    and {data file name: path}."""
    figures, values, data_files = {}, {}, {}
    for stem, folder in outputs.items():
        manifest = json.loads((folder / f"{stem}.json").read_text())
        for file_name in manifest.get("files", []):
            if file_name in data_files:
                raise PluginError(f"data file {file_name!r} is written by two "
                                  f"snippets, one of them {stem}.py")
            data_files[file_name] = folder / file_name
        for fig_id, spec in manifest["figures"].items():
            if fig_id in figures:
                raise PluginError(
                    f"figure id {fig_id!r} is declared by both "
                    f"{figures[fig_id][3]}.py and {stem}.py"
                )
            light, dark = folder / f"{fig_id}.svg", folder / f"{fig_id}-dark.svg"
            figures[fig_id] = (spec, light, dark, stem)
        for key, value in manifest["values"].items():
            values[f"{stem}.{key}"] = value
    return figures, values, data_files


# ---------------------------------------------------------------- mkdocs events


def on_config(config):
    root = Path(config.config_file_path).parent
    os.environ.setdefault("SOURCE_DATE_EPOCH", _commit_time(root))
    snippets_dir = root / "snippets"
    outputs = render_all(snippets_dir, root / ".cache" / "figures")
    figures, values, data_files = load_outputs(outputs)
    _state.update(root=root, snippets=snippets_dir, figures=figures, values=values,
                  data_files=data_files)
    return config


def _commit_time(root: Path) -> str:
    proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root,
                          capture_output=True, text=True)
    return proc.stdout.strip() or "0"


def on_files(files, config):
    for _, light, dark, _ in _state["figures"].values():
        for path in (light, dark):
            files.append(File.generated(config, f"figures/{path.name}",
                                        abs_src_path=str(path)))
    for file_name, path in _state["data_files"].items():
        files.append(File.generated(config, f"data/{file_name}",
                                    abs_src_path=str(path)))
    for path in sorted(_state["snippets"].glob("*.py")):
        if path.name != "__init__.py":
            files.append(File.generated(config, f"downloads/{path.name}",
                                        abs_src_path=str(path)))
    return files


def _link(page, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")


def figure_html(page, fig_id: str) -> str:
    spec, light, dark, stem = _state["figures"][fig_id]
    local, _ = dependencies(_state["snippets"] / f"{stem}.py")
    downloads = ", ".join(
        f"[{p.name}]({_link(page, 'downloads/' + p.name)})" for p in local
    )
    alt = spec["alt"].replace('"', "&quot;")
    return (
        f'<figure markdown="span">\n'
        f'![{alt}]({_link(page, "figures/" + light.name)}#only-light)\n'
        f'![{alt}]({_link(page, "figures/" + dark.name)}#only-dark)\n'
        f'<figcaption markdown="span">{spec["caption"]} '
        f"<span class=\"fig-download\">Code: {downloads}.</span></figcaption>\n"
        f"</figure>"
    )


def format_value(value, spec: str | None) -> str:
    if spec:
        return format(value, spec)
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3g}"


def indented(match: re.Match, text: str) -> str:
    """``text`` for the placeholder ``match``; when the placeholder starts its line
    after some indentation (inside an admonition or a list item), every further
    line of a multi-line insert (a table, a figure) gets the same indentation."""
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    indent = match.string[line_start:match.start()]
    if not indent or indent.strip():
        return text
    return text.replace("\n", "\n" + indent)


def on_page_markdown(markdown, page, config, files):
    where = page.file.src_uri

    def replace(match: re.Match) -> str:
        return indented(match, insert(match))

    def insert(match: re.Match) -> str:
        verb, name, spec = match.groups()
        if verb == "figure" and name in _state["figures"]:
            return figure_html(page, name)
        if verb == "value" and name in _state["values"]:
            try:
                return format_value(_state["values"][name], spec)
            except (ValueError, TypeError) as err:
                raise PluginError(f"{where}: bad format for {name}: {err}") from err
        raise PluginError(f"{where}: unknown {verb} {name!r} in {match.group(0)!r}")

    markdown = PLACEHOLDER.sub(replace, markdown)
    left = ANY_PLACEHOLDER.search(markdown)
    if left:
        raise PluginError(f"{where}: unresolved placeholder {left.group(0)!r}")
    return markdown


class _ImageAlt(HTMLParser):
    def __init__(self):
        super().__init__()
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and not (attrs.get("alt") or "").strip():
            self.missing.append(attrs.get("src", "?"))


def on_post_page(output, page, config):
    parser = _ImageAlt()
    parser.feed(output)
    if parser.missing:
        raise PluginError(
            f"{page.file.src_uri}: image(s) without alt text: {parser.missing}"
        )
    return output
