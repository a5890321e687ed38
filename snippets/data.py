"""Real handwritten digits, laid out for ``backprop.py``: one column per example.

Two sources:

- :func:`load_digits` — the 1,797 8x8 digits bundled inside scikit-learn. No
  download; this is what the site uses by default.
- :func:`load_mnist` — Nielsen's MNIST from the four standard IDX ``.gz`` files in a
  local folder, or downloaded on request from public mirrors.

Local MNIST files are read as they are: re-compressed copies decompress to the same
images but have other MD5 sums, so only their IDX headers are checked. Downloaded
files must match the published MD5 sums (``MD5``) or they are refused.

Inputs ``x`` have shape ``(n_pixels, m)`` with values in [0, 1]; labels ``y`` are
integers 0-9 of shape ``(m,)``; :func:`one_hot` turns them into Nielsen's target
columns of shape ``(10, m)``, and :func:`nielsen_split` keeps his first 1,000 examples
for training.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import struct
import tempfile
import urllib.request
import zlib
from collections.abc import Callable
from http.client import HTTPException
from pathlib import Path

import numpy as np

MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]
MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # unsigned bytes, 3 and 1 dimensions
ROWS = COLS = 28
TIMEOUT = 60  # seconds per download attempt

Fetch = Callable[[str], bytes]


# ------------------------------------------------------------ bundled digits


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits: ``x`` (64, 1797) in [0, 1], ``y`` (1797,) int64.

    Read from the file scikit-learn ships them in, the one its own
    ``sklearn.datasets.load_digits`` reads (one row per image: 64 pixels, then the
    label), without importing scikit-learn, which takes about a second.
    """
    table = np.loadtxt(digits_file(), delimiter=",")
    x = table[:, :-1].T / 16.0  # pixels are 0..16
    return x, table[:, -1].astype(np.int64)


def digits_file() -> Path:
    """Where the installed scikit-learn keeps its digits (found, not imported)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the digits come with scikit-learn: "
                                  "pip install scikit-learn")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: this scikit-learn keeps "
                                "its digits elsewhere (requirements.txt pins one "
                                "that has them there)")
    return path


def one_hot(y: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Target columns: ``out[j, i] = 1`` if example i has label j, shape (n, m)."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise TypeError(f"n_classes must be an integer, got {n_classes!r}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1, got {n_classes}")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels y must be 1-D (one label per example), got {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels y must be integers, got dtype {y.dtype}")
    bad = y[(y < 0) | (y >= n_classes)]
    if bad.size:
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1}, found {bad[:5].tolist()}"
        )
    out = np.zeros((n_classes, y.size))
    out[y.astype(np.intp), np.arange(y.size)] = 1.0
    return out


def nielsen_split(
    x: np.ndarray, y: np.ndarray, n_train: int = 1000
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)``: the first ``n_train`` examples
    (columns) for training, as in Nielsen's chapter 5, and the rest held out."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or y.ndim < 1 or y.shape[-1] != x.shape[1]:
        raise ValueError(
            f"x must have shape (n_inputs, m) and y one label or column per example; "
            f"got x {x.shape} and y {y.shape}"
        )
    if isinstance(n_train, bool) or not isinstance(n_train, (int, np.integer)):
        raise TypeError(f"n_train must be an integer, got {n_train!r}")
    m = x.shape[1]
    if not 0 < n_train < m:
        raise ValueError(
            f"n_train must be between 1 and {m - 1} to leave examples on both sides "
            f"of the split (there are m={m}), got {n_train}"
        )
    return x[:, :n_train], y[..., :n_train], x[:, n_train:], y[..., n_train:]


# ---------------------------------------------------------------------- MNIST


def load_mnist(
    path: str | os.PathLike,
    split: str = "train",
    download: bool = False,
    *,
    fetch: Fetch | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST from the IDX ``.gz`` files in folder ``path``: ``x`` (784, m) in [0, 1],
    ``y`` (m,) int64. ``split`` is ``"train"`` (60,000) or ``"test"`` (10,000).

    With ``download=True`` missing files are fetched from ``MIRRORS`` (in turn) and
    refused unless their MD5 matches ``MD5``; files already present are used as they
    are. ``fetch(url) -> bytes`` replaces the default urllib getter (for tests).
    """
    if split not in FILES:
        raise ValueError(f"unknown split {split!r}; choose one of {tuple(FILES)}")
    folder = Path(path)
    files = [folder / name for name in FILES[split]]
    for file in files:
        if not file.is_file():
            if not download:
                raise FileNotFoundError(_missing_message(file, split))
            _download(file, fetch or _urlopen)
    images = _read_idx(files[0], IMAGE_MAGIC, 3)
    labels = _read_idx(files[1], LABEL_MAGIC, 1)
    _check_mnist(images, labels, *files)
    x = images.reshape(len(images), ROWS * COLS).T / 255.0
    return x, labels.astype(np.int64)


def _missing_message(file: Path, split: str) -> str:
    return (
        f"MNIST file {file} not found. Put the standard IDX file there, or call "
        f"load_mnist({str(file.parent)!r}, split={split!r}, download=True) to fetch "
        f"it (MD5-checked) from one of {MIRRORS}"
    )


def _read_idx(file: Path, magic: int, ndim: int) -> np.ndarray:
    """The array stored in a gzipped IDX file, after checking its header."""
    try:
        data = gzip.decompress(file.read_bytes())
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise ValueError(f"{file} is not a readable gzip file: {err}") from err
    header = 4 * (1 + ndim)
    if len(data) < header:
        raise ValueError(
            f"{file} holds {len(data)} bytes, too few for an IDX header ({header})"
        )
    found, *dims = struct.unpack(f">{1 + ndim}I", data[:header])
    if found != magic:
        raise ValueError(f"{file} has IDX magic number {found}, expected {magic}")
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise ValueError(
            f"{file}: its header gives dimensions {tuple(dims)}, i.e. {expected} data "
            f"bytes, but it holds {len(data) - header} (truncated or corrupt)"
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def _check_mnist(
    images: np.ndarray, labels: np.ndarray, image_file: Path, label_file: Path
) -> None:
    if images.shape[1:] != (ROWS, COLS):
        raise ValueError(
            f"{image_file} holds images of {images.shape[1]}x{images.shape[2]} "
            f"pixels, expected {ROWS}x{COLS}"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{image_file} holds {len(images)} images but {label_file} holds "
            f"{len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(
            f"{label_file} holds label {labels.max()}; MNIST labels are 0..9"
        )


# ------------------------------------------------------------------- download


def _urlopen(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read()


def _download(file: Path, fetch: Fetch) -> None:
    """Fetch ``file`` from the first mirror that answers; keep it only if its MD5
    matches the published sum."""
    data, failures = None, []
    for mirror in MIRRORS:
        url = mirror + file.name
        try:
            data = fetch(url)
            break
        except (OSError, HTTPException) as err:  # URLError, timeouts, cut transfers
            failures.append(f"{url}: {err!r}")
    if data is None:
        raise ConnectionError(
            f"could not download {file.name}; tried " + "; ".join(failures)
        )
    expected = MD5[file.name]
    actual = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if actual != expected:
        raise ValueError(
            f"refusing downloaded {file.name} from {url}: md5 {actual}, expected "
            f"{expected}; nothing was saved"
        )
    _write_atomically(file, data)


def _write_atomically(file: Path, data: bytes) -> None:
    """Write to a temporary file beside ``file``, then rename it into place."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
