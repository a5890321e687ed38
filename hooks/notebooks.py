"""MkDocs hook: execute the site's notebooks at build time, so outputs are never stale.

Notebook sources are jupytext "percent" files, ``docs/notebooks/*.py``. For each,
this hook builds and executes an ``.ipynb`` in a subprocess (nbclient, cells run
with ``snippets/`` as the working directory, any error fails the build) and caches
it in ``.cache/notebooks/`` under a key that covers the source, every local module
it imports (``backprop.py``, ``data.py``, ...), both hooks' sources and the
third-party versions (the same key as figures, see ``figures.py``). mkdocs-jupyter's
own cache only knows the notebook, which is why execution happens here and
mkdocs-jupyter merely renders the executed file, with ``execute: false``.

The executed notebook is added as the generated file ``notebooks/<name>.ipynb``,
which mkdocs-jupyter turns into a page and offers for download.

Figures: the kernel runs with matplotlib's inline backend, configured at kernel
start (``KERNEL_CONFIG``, not in the notebooks) to publish every figure as SVG on
an opaque white background, with a fixed ``svg.hashsalt`` and no date, so two
builds write the same bytes and the figure stays a light card, legible on the dark
("slate") theme too. A cell that draws starts with a comment ``# Figure: ...``:
that text becomes the image's alt text on the page (a figure without one fails the
build). Exercise answers are cells tagged ``answer`` (collapsed in JupyterLab via
``jupyter.source_hidden``/``outputs_hidden``); on the page each is wrapped in a
closed ``<details>`` block.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

import figures  # the sibling hook: import graph and cache key

log = logging.getLogger("mkdocs.hooks.notebooks")
SALT = Path(__file__).read_bytes()

# IPython kernel configuration, written as the profile of a fresh IPYTHONDIR (so a
# user's own profile cannot change the outputs). matplotlib's inline backend
# applies ``rc`` whenever it is activated, including by ``%matplotlib inline``.
KERNEL_CONFIG = """
c.InlineBackend.figure_formats = {"svg"}
c.InlineBackend.print_figure_kwargs = {"bbox_inches": "tight",
                                       "metadata": {"Date": None}}
c.InlineBackend.rc = {
    "svg.hashsalt": "vanishing-gradient-notebooks",  # stable element ids
    "figure.facecolor": "white",  # an opaque light card, in both site themes
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.facecolor": "white",
    "figure.dpi": 72,
    "font.size": 10,
}
"""
INLINE = "module://matplotlib_inline.backend_inline"
ALT = re.compile(r"^# Figure: (.*(?:\n# (?!%).*)*)", re.M)
IMAGE_TYPES = ("image/svg+xml", "image/png")

# Run in a subprocess: read the percent file, execute every cell, write .ipynb.
EXECUTE = """
import sys, jupytext, nbformat
from nbclient import NotebookClient
src, out, cwd = sys.argv[1:4]
nb = jupytext.read(src)
for i, cell in enumerate(nb.cells):  # jupytext gives random ids; builds must not
    cell.id = f"cell-{i}"
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                             "language": "python"}
NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
               record_timing=False, resources={"metadata": {"path": cwd}}).execute()
# How the kernel splits printed text into outputs depends on timing: join
# consecutive stream outputs so that two builds write the same bytes.
for cell in nb.cells:
    merged = []
    for o in cell.get("outputs", []):
        if (o.output_type == "stream" and merged
                and merged[-1].output_type == "stream"
                and merged[-1].name == o.name):
            merged[-1].text = "".join(merged[-1].text) + "".join(o.text)
        else:
            merged.append(o)
    if cell.cell_type == "code":
        cell.outputs = merged
nbformat.write(nb, out)
"""

_state: dict = {}


def execute(source: Path, target: Path, cwd: Path) -> None:
    """Execute the percent notebook ``source`` with ``cwd`` as working directory and
    write the executed ``.ipynb`` to ``target``, as the build does.

    Raises PluginError if a cell fails or a figure has no ``# Figure:`` alt text.
    """
    with tempfile.TemporaryDirectory() as ipython_dir:
        profile = Path(ipython_dir) / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
        env = dict(os.environ, MPLBACKEND=INLINE, PYTHONHASHSEED="0",
                   IPYTHONDIR=ipython_dir, **figures.RUN_ENV)
        proc = subprocess.run(
            [sys.executable, "-c", EXECUTE, str(source), str(target), str(cwd)],
            capture_output=True, text=True, env=env,
        )
    if proc.returncode != 0:
        raise PluginError(f"notebook {source} failed:\n{proc.stderr.strip()}")
    try:
        figure_alts(nbformat.read(target, as_version=4))
    except ValueError as err:
        raise PluginError(f"notebook {source}: {err}") from None


def image_outputs(cell) -> list:
    """The outputs of a code cell that hold an image."""
    return [o for o in cell.get("outputs", [])
            if any(kind in o.get("data", {}) for kind in IMAGE_TYPES)]


def figure_alts(nb) -> list[str]:
    """Alt text for each image output of an executed notebook, in page order: the
    ``# Figure: ...`` comment (continued on the comment lines below it) of its cell.
    """
    alts = []
    for i, cell in enumerate(nb.cells):
        images = image_outputs(cell) if cell.cell_type == "code" else []
        if not images:
            continue
        found = ALT.search(cell.source)
        if not found:
            raise ValueError(f"cell {i} draws a figure but has no '# Figure: ...' "
                             "comment to serve as its alt text")
        text = " ".join(line.removeprefix("#").strip()
                        for line in found.group(1).splitlines())
        alts += [text] * len(images)
    return alts


def _execute(source: Path, target: Path, snippets: Path) -> tuple[str, float | None]:
    if target.is_file():
        return "cached", None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", dir=target.parent)
    os.close(fd)
    start = time.perf_counter()
    try:
        execute(source, Path(tmp), snippets)
    except BaseException:
        os.unlink(tmp)
        raise
    os.replace(tmp, target)
    return "executed", time.perf_counter() - start


def start_all(sources: list[Path], snippets: Path, cache: Path) -> dict:
    """Start executing every notebook in the background (a cached one returns at
    once); :func:`finish_all` waits for them. Returns {source: (future, target)}."""
    cache.mkdir(parents=True, exist_ok=True)
    # <stem>@<key>/notebooks/<stem>.ipynb: the key folder is the file's src_dir.
    jobs = {
        src: cache / f"{src.stem}@{figures.cache_key(src, snippets, SALT)}"
        / "notebooks" / f"{src.stem}.ipynb"
        for src in sources
    }
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    started = {s: (pool.submit(_execute, s, t, snippets), t) for s, t in jobs.items()}
    pool.shutdown(wait=False)  # the submitted jobs still run to the end
    return started


def finish_all(started: dict, cache: Path) -> dict[str, Path]:
    """Wait for :func:`start_all`'s jobs (an error fails the build); return
    {stem: executed notebook}, and drop older versions of each from the cache."""
    for src, (future, target) in started.items():
        status, seconds = future.result()
        detail = f"executed in {seconds:.1f} s" if seconds else status
        log.info(f"notebook {src.name}: {detail}")
        for old in cache.glob(f"{src.stem}@*"):
            if old != target.parents[1]:
                shutil.rmtree(old, ignore_errors=True)
    return {src.stem: target for src, (_, target) in started.items()}


# Priority above figures.py's on_config: the notebooks execute in the background
# while the figure snippets render, so neither waits for the other's slowest job.
@event_priority(50)
def on_config(config):
    root = Path(config.config_file_path).parent
    sources = sorted((Path(config.docs_dir) / "notebooks").glob("*.py"))
    cache = root / ".cache" / "notebooks"
    _state["started"] = (start_all(sources, root / "snippets", cache), cache)
    return config


@event_priority(100)  # before mkdocs-jupyter wraps notebook files into pages
def on_files(files, config):
    _state["executed"] = finish_all(*_state.pop("started"))
    for stem, path in _state["executed"].items():
        source = files.get_file_from_path(f"notebooks/{stem}.py")
        if source is not None:
            files.remove(source)  # the .py is the source; readers get the .ipynb
        # A plain File (not File.generated): mkdocs-jupyter's page wrapper needs
        # src_dir to find the notebook.
        files.append(File(f"notebooks/{stem}.ipynb", src_dir=str(path.parents[1]),
                          dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


# mkdocs-jupyter adds to each notebook page a MathJax 2 loader (an empty
# <script src="">) with its config, and a module that would fetch Mermaid from a
# CDN if a notebook held a diagram. The site's own MathJax 3 typesets notebooks (see
# docs/javascripts/mathjax-config.js) and the site loads nothing from elsewhere, so
# all of them are removed.
_UNWANTED = re.compile(
    r'<script[^>]*src=""[^>]*>\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?jp-Mermaid.*?</script>',
    re.S,
)


# nbconvert writes this alt text on every image output; the hook replaces it.
_NO_ALT = 'alt="No description has been provided for this image"'
_ANSWER = '<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_answer">'
_DIV = re.compile(r"<div\b|</div>")


def _element_end(html: str, start: int) -> int:
    """Index just past the </div> that closes the <div> opening at ``start``."""
    depth = 0
    for tag in _DIV.finditer(html, start):
        depth += 1 if tag.group() == "<div" else -1
        if depth == 0:
            return tag.end()
    raise PluginError("unbalanced <div> in a notebook page")


def collapse_answers(html: str) -> str:
    """Wrap each cell tagged ``answer`` in a closed <details> block."""
    pieces, pos = [], 0
    while (start := html.find(_ANSWER, pos)) >= 0:
        end = _element_end(html, start)
        pieces += [html[pos:start], '<details class="nb-answer"><summary>Answer'
                   "</summary>", html[start:end], "</details>"]
        pos = end
    return "".join(pieces) + html[pos:]


def add_alt_text(html: str, alts: list[str]) -> str:
    """Give the notebook's images, in order, their ``# Figure:`` alt texts."""
    parts = html.split(_NO_ALT)
    if len(parts) - 1 != len(alts):
        raise PluginError(f"{len(parts) - 1} images on the page, {len(alts)} "
                          "figures in the notebook")
    out = [parts[0]]
    for alt, rest in zip(alts, parts[1:]):
        out += [f'alt="{escape(alt)}"', rest]
    return "".join(out)


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = _UNWANTED.sub("", output)
        stem = Path(page.file.src_uri).stem
        if stem in _state.get("executed", {}):
            nb = nbformat.read(_state["executed"][stem], as_version=4)
            output = add_alt_text(output, figure_alts(nb))
        output = collapse_answers(output)
    return output
