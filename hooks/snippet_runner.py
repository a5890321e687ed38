"""Runs figure snippets for hooks/figures.py, each in a fresh fork of this process.

This process imports the heavy libraries the snippets share (NumPy, Matplotlib,
SciPy) and draws one throwaway figure, once. Each job then runs in a
child forked from it: the snippet starts with those imports done (about 1 s of CPU
saved per snippet) and, being a fresh copy, sees nothing another snippet did. The
child runs ``python <snippet>.py ARGS`` would: ``__name__ == "__main__"``, its
folder first on ``sys.path``, its own working directory, stdin empty.

Protocol, one job at a time: a JSON line ``{"argv": [snippet, ...], "cwd": folder,
"stdout": file, "stderr": file}`` on stdin; the child's exit status and the CPU
seconds it used, as a line ``"STATUS SECONDS"`` on stdout. The hook starts the
process with the environment every snippet gets (``PYTHONHASHSEED=0``,
``MPLBACKEND=Agg``, ``figures.RUN_ENV``).
"""

import io
import json
import os
import runpy
import sys
import traceback

import matplotlib
import numpy  # noqa: F401  (imported here so that children find it loaded)
import scipy.special  # noqa: F401

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _warm_up() -> None:
    """Load the fonts and the SVG writer once, as the first figure of a snippet
    would."""
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 10], label=r"$\delta^l_j$")
    ax.set(xlabel="x", yscale="log")
    ax.legend()
    fig.savefig(io.BytesIO(), format="svg")
    plt.close(fig)


def _exit_code(exc: SystemExit) -> int:
    """The status ``sys.exit(code)`` gives a process, as the interpreter sets it."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _child(job: dict) -> int:
    """Run one snippet in this (forked) process; return its exit status."""
    with open(os.devnull, "rb") as nothing, open(job["stdout"], "wb") as out, \
            open(job["stderr"], "wb") as err:
        os.dup2(nothing.fileno(), 0)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    os.chdir(job["cwd"])
    sys.path[0] = job["cwd"]
    sys.argv = list(job["argv"])
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
        return 0
    except SystemExit as exc:
        return _exit_code(exc)
    except BaseException:
        traceback.print_exc()
        return 1


def main() -> None:
    _warm_up()
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(job)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        cpu = usage.ru_utime + usage.ru_stime
        print(os.waitstatus_to_exitcode(status), f"{cpu:.2f}", flush=True)


if __name__ == "__main__":
    main()
