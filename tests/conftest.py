"""Shared fixtures: one clean build of the real site per test session."""

import os
import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

# One BLAS thread per process, set before anything imports numpy: the tests run
# snippets on 2 shared cores, where threads fighting over them cost 10-30x.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
# What a build reads; everything else (caches, .venv, site/) stays behind.
SOURCES = ("mkdocs.yml", "docs", "snippets", "hooks", "overrides")
sys.path.insert(0, str(ROOT / "hooks"))
import figures as figure_hook  # noqa: E402  (the build's own cache key)

# Figure caches whose outputs tests may reuse: a local build's, then each clean build
# this session makes (build_clean appends).
FIGURE_CACHES = [ROOT / ".cache" / "figures"]


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(src, dest / name)
    return dest


def start_build(dest: Path, nice: int = 0) -> tuple[subprocess.Popen, Path]:
    """Copy the project to ``dest`` and start building it there, strict, from an
    empty figure cache; ``nice`` lowers the build's priority (and its snippets')."""
    project = copy_project(dest)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1")
    with open(dest.parent / f"{dest.name}.log", "w") as log:  # not a pipe: never full
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,  # so that a kill reaches its snippets too
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
    return proc, project


def finish_build(proc: subprocess.Popen, project: Path) -> Path:
    """Wait for :func:`start_build`'s build; fail with its log if it failed."""
    proc.wait()
    log = (project.parent / f"{project.name}.log").read_text()
    assert proc.returncode == 0, f"mkdocs build in {project} failed:\n{log}"
    FIGURE_CACHES.append(project / ".cache" / "figures")
    return project / "site"


def build_clean(dest: Path) -> Path:
    """Copy the project to ``dest`` and build it there from an empty figure cache."""
    return finish_build(*start_build(dest))


class _SnippetUnpickler(pickle.Unpickler):
    """The build runs a snippet as a script, so its classes pickle as __main__.X."""

    def __init__(self, file, module: ModuleType):
        super().__init__(file)
        self.module = module

    def find_class(self, module_name, name):
        if module_name == "__main__":
            return getattr(self.module, name)
        return super().find_class(module_name, name)


def measured(module: ModuleType):
    """``module.measure()``: the result a build of the same sources already computed
    (same cache key as the figure, so never stale), or else computed now.

    A snippet's tests then check exactly what the site shows, and the suite does not
    run each experiment again after building the site.
    """
    path = Path(module.__file__)
    found = f"{path.stem}@{figure_hook.cache_key(path)}/{path.stem}.measured.pickle"
    for cache in reversed(FIGURE_CACHES):
        if (cache / found).is_file():
            with open(cache / found, "rb") as f:
                return _SnippetUnpickler(f, module).load()
    return module.measure()


SECOND_BUILD = "test_two_clean_builds_are_byte_identical"
SECOND: list = []  # the background build that SECOND_BUILD compares with built_site


def pytest_collection_modifyitems(config, items):
    """Tests that need the built site run first, so the snippet tests after them
    reuse that build's measurements (``measured``) instead of recomputing them.
    The second clean build runs in the background meanwhile (see ``built_site``),
    beside tests that use one core; the browser tests, which use both, come after
    them, and the comparison of the two builds last."""
    items.sort(key=lambda item: (item.name == SECOND_BUILD,
                                 item.get_closest_marker("browser") is not None,
                                 "built_site" not in getattr(item, "fixturenames", ())))


@pytest.fixture(scope="session")
def built_site(request, tmp_path_factory) -> Path:
    """The site as a fresh clone builds it: strict, with an empty figure cache.

    BUILT_SITE=path reuses a site built beforehand (quicker while editing tests).
    If the session compares two clean builds, the second one starts as soon as this
    one is done, at a lower priority: most tests use one core, and the build takes
    the other, so comparing them costs little more than one build. So do the
    browser tests' passes over every page (test_browser.start_passes).
    """
    if os.environ.get("BUILT_SITE"):
        site = Path(os.environ["BUILT_SITE"]).resolve()
    else:
        site = build_clean(tmp_path_factory.mktemp("build") / "a")
    if any(item.name == SECOND_BUILD for item in request.session.items):
        SECOND[:] = start_build(tmp_path_factory.mktemp("build") / "b", nice=10)
    if any(item.get_closest_marker("browser") for item in request.session.items):
        import test_browser  # its page-by-page passes run beside the other tests

        test_browser.start_passes(site)
    yield site
    if SECOND and SECOND[0].poll() is None:  # the comparison did not run
        os.killpg(SECOND[0].pid, signal.SIGKILL)
        SECOND[0].wait()


@pytest.fixture(scope="session")
def second_clean_build(built_site) -> Path:
    """The second clean build, waited for; see ``built_site``."""
    assert SECOND, "the second build was not started"
    return finish_build(*SECOND)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each test's outcome on the item, so fixtures can react to failures."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
