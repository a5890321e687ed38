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
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

import figures  # the sibling hook: import graph and cache key

log = logging.getLogger("mkdocs.hooks.notebooks")
SALT = Path(__file__).read_bytes()

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


def _execute(source: Path, target: Path, snippets: Path) -> tuple[str, float | None]:
    if target.is_file():
        return "cached", None
    target.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env.update({var: "1" for var in figures.THREAD_VARS})
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", dir=target.parent)
    os.close(fd)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", EXECUTE, str(source), tmp, str(snippets)],
        capture_output=True, text=True, env=env,
    )
    if proc.returncode != 0:
        os.unlink(tmp)
        raise PluginError(f"notebook {source} failed:\n{proc.stderr.strip()}")
    os.replace(tmp, target)
    return "executed", time.perf_counter() - start


def execute_all(sources: list[Path], snippets: Path, cache: Path) -> dict[str, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    # <stem>@<key>/notebooks/<stem>.ipynb: the key folder is the file's src_dir.
    jobs = {
        src: cache / f"{src.stem}@{figures.cache_key(src, snippets, SALT)}"
        / "notebooks" / f"{src.stem}.ipynb"
        for src in sources
    }
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {s: pool.submit(_execute, s, t, snippets) for s, t in jobs.items()}
        for src, future in futures.items():
            status, seconds = future.result()
            detail = f"executed in {seconds:.1f} s" if seconds else status
            log.info(f"notebook {src.name}: {detail}")
            for old in cache.glob(f"{src.stem}@*"):
                if old != jobs[src].parents[1]:
                    shutil.rmtree(old, ignore_errors=True)
    return {src.stem: target for src, target in jobs.items()}


def on_config(config):
    root = Path(config.config_file_path).parent
    sources = sorted((Path(config.docs_dir) / "notebooks").glob("*.py"))
    _state["executed"] = execute_all(sources, root / "snippets",
                                     root / ".cache" / "notebooks")
    return config


@event_priority(100)  # before mkdocs-jupyter wraps notebook files into pages
def on_files(files, config):
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


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = _UNWANTED.sub("", output)
    return output
