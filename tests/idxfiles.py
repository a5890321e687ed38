"""Tiny MNIST-format (IDX) files written by the tests themselves (no download)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

import data


def idx_images(images: np.ndarray, magic: int = 2051, dims=None, extra: int = 0):
    """Gzipped IDX bytes for uint8 ``images`` (n, rows, cols); ``dims`` overrides
    the header's (n, rows, cols) and ``extra`` (< 0 cuts) changes the data length."""
    dims = images.shape if dims is None else dims
    body = images.astype(np.uint8).tobytes()
    body = body + b"\x07" * extra if extra >= 0 else body[:extra]
    return gzip.compress(struct.pack(">4I", magic, *dims) + body, mtime=0)


def idx_labels(labels, magic: int = 2049, count=None, extra: int = 0) -> bytes:
    labels = np.asarray(labels, dtype=np.uint8)
    count = len(labels) if count is None else count
    body = labels.tobytes()
    body = body + b"\x01" * extra if extra >= 0 else body[:extra]
    return gzip.compress(struct.pack(">2I", magic, count) + body, mtime=0)


def sample(n: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n random 28x28 images using the extremes 0 and 255, and labels."""
    images = np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28))
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    return images.astype(np.uint8), np.arange(n) % 10


def write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)


def write_split(folder: Path, split: str, images, labels) -> None:
    image_name, label_name = data.FILES[split]
    write(folder, {image_name: idx_images(images), label_name: idx_labels(labels)})




def write_mnist(folder: Path, n: int = 1100, seed: int = 0) -> None:
    """A train split of n random images, enough for Nielsen's 1,000-image split."""
    images = np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28))
    write_split(folder, "train", images.astype(np.uint8), np.arange(n) % 10)
