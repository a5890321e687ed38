"""Tests for ``snippets/data.py``: bundled digits, labels, the split, and MNIST IDX
files (written here, tiny) read from a folder or "downloaded" with a fake fetch."""

from __future__ import annotations

import gzip
import hashlib
import importlib.machinery
import re
import subprocess
import sys
import urllib.error
from pathlib import Path

import numpy as np
import pytest

import data
from idxfiles import idx_images, idx_labels, sample, write, write_split

TRAIN_IMAGES, TRAIN_LABELS = data.FILES["train"]
TEST_IMAGES, TEST_LABELS = data.FILES["test"]


# ------------------------------------------------------------ bundled digits


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_digits_are_1797_columns_of_64_pixels_in_unit_range(digits):
    x, y = digits
    assert x.shape == (64, 1797) and x.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(y).tolist()) == set(range(10))


def test_digits_are_sklearn_pixels_divided_by_16(digits):
    from sklearn.datasets import load_digits

    raw = load_digits()
    x, y = digits
    np.testing.assert_array_equal(x * 16, raw.data.T)
    np.testing.assert_array_equal(y, raw.target)


def test_digits_without_scikit_learn_name_the_package(monkeypatch):
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        data.load_digits()


def test_digits_missing_from_scikit_learn_name_the_path(monkeypatch, tmp_path):
    spec = importlib.machinery.ModuleSpec("sklearn", None,
                                          origin=str(tmp_path / "__init__.py"))
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: spec)
    where = re.escape(str(tmp_path / "datasets" / "data" / "digits.csv.gz"))
    with pytest.raises(FileNotFoundError, match=where):
        data.load_digits()


def test_importing_data_does_not_import_sklearn():
    code = "import sys, data; print('sklearn' in sys.modules)"
    snippets = Path(__file__).resolve().parents[1] / "snippets"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=snippets, capture_output=True, text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_nielsen_split_keeps_first_1000_columns_for_training(digits):
    x, y = digits
    x_train, y_train, x_test, y_test = data.nielsen_split(x, y)
    assert x_train.shape == (64, 1000) and x_test.shape == (64, 797)
    assert y_train.shape == (1000,) and y_test.shape == (797,)
    np.testing.assert_array_equal(x_train, x[:, :1000])
    np.testing.assert_array_equal(x_test, x[:, 1000:])
    np.testing.assert_array_equal(y_train, y[:1000])
    np.testing.assert_array_equal(y_test, y[1000:])


def test_nielsen_split_also_splits_one_hot_targets(digits):
    x, y = digits
    _, t_train, _, t_test = data.nielsen_split(x, data.one_hot(y), n_train=10)
    assert t_train.shape == (10, 10) and t_test.shape == (10, 1787)
    np.testing.assert_array_equal(t_train.argmax(axis=0), y[:10])


@pytest.mark.parametrize(
    "n_train, error",
    [(0, ValueError), (-1, ValueError), (5, ValueError), (6, ValueError),
     (2.5, TypeError), (True, TypeError)],
)
def test_nielsen_split_rejects_n_train_outside_1_to_m_minus_1(n_train, error):
    x, y = np.zeros((2, 5)), np.zeros(5, dtype=int)
    with pytest.raises(error, match="n_train"):
        data.nielsen_split(x, y, n_train=n_train)


def test_nielsen_split_rejects_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"x \(2, 5\) and y \(4,\)"):
        data.nielsen_split(np.zeros((2, 5)), np.zeros(4, dtype=int), n_train=2)


# ------------------------------------------------------------------- one_hot


def test_one_hot_puts_a_single_one_in_each_labels_row():
    t = data.one_hot(np.array([3, 0, 9, 3]))
    assert t.shape == (10, 4) and t.dtype == np.float64
    expected = np.zeros((10, 4))
    expected[[3, 0, 9, 3], [0, 1, 2, 3]] = 1.0
    np.testing.assert_array_equal(t, expected)


def test_one_hot_respects_n_classes():
    np.testing.assert_array_equal(data.one_hot([1, 0], n_classes=2), [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    "y, n_classes, error, message",
    [([10], 10, ValueError, r"0\.\.9.*\[10\]"),
     ([-1, 2], 10, ValueError, r"\[-1\]"),
     ([3], 3, ValueError, r"0\.\.2"),
     ([1.5], 10, TypeError, "integers"),
     ([[1, 2]], 10, ValueError, "1-D"),
     ([1], 0, ValueError, "n_classes"),
     ([1], 2.0, TypeError, "n_classes")],
    ids=["too-big", "negative", "n-classes-too-small", "float", "2-d",
         "zero-classes", "float-classes"],
)
def test_one_hot_rejects_bad_labels(y, n_classes, error, message):
    with pytest.raises(error, match=message):
        data.one_hot(y, n_classes=n_classes)


# --------------------------------------------------------- MNIST from a folder


def test_mnist_round_trip_scales_pixels_by_255(tmp_path):
    images, labels = sample(n=4)
    write_split(tmp_path, "train", images, labels)
    x, y = data.load_mnist(tmp_path)
    assert x.shape == (784, 4) and x.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, [0, 1, 2, 3])
    np.testing.assert_allclose(x, images.reshape(4, 784).T / 255.0)
    assert x[0, 0] == 0.0 and x[1, 0] == 1.0


def test_folder_with_only_t10k_files_loads_as_test_split(tmp_path):
    images, labels = sample(n=3, seed=1)
    write_split(tmp_path, "test", images, labels)
    x, y = data.load_mnist(str(tmp_path), split="test")
    np.testing.assert_allclose(x, images.reshape(3, 784).T / 255.0)
    np.testing.assert_array_equal(y, labels)


def test_missing_train_files_raise_file_not_found_saying_how_to_get_them(tmp_path):
    write_split(tmp_path, "test", *sample())
    with pytest.raises(FileNotFoundError) as info:
        data.load_mnist(tmp_path, split="train")
    message = str(info.value)
    assert TRAIN_IMAGES in message and "download=True" in message
    assert data.MIRRORS[0] in message


def test_unknown_split_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="'validation'"):
        data.load_mnist(tmp_path, split="validation")


def _corrupt(kind: str) -> tuple[bytes, bytes, str, str]:
    """Train-split (images, labels) file bytes with one defect, the file name the
    error must contain, and a pattern for the reason it must give."""
    images, labels = sample(n=3)
    good_images, good_labels = idx_images(images), idx_labels(labels)
    short = gzip.compress(b"\x00\x00\x08\x01\x00", mtime=0)
    return {
        "image-magic": (idx_images(images, magic=2049), good_labels, TRAIN_IMAGES,
                        "magic number 2049, expected 2051"),
        "label-magic": (good_images, idx_labels(labels, magic=2051), TRAIN_LABELS,
                        "magic number 2051, expected 2049"),
        "image-truncated": (idx_images(images, extra=-5), good_labels, TRAIN_IMAGES,
                            r"\(3, 28, 28\), i.e. 2352 data bytes, but it holds 2347"),
        "image-count-too-big": (idx_images(images, dims=(4, 28, 28)), good_labels,
                                TRAIN_IMAGES, "3136 data bytes, but it holds 2352"),
        "image-extra-bytes": (idx_images(images, extra=784), good_labels,
                              TRAIN_IMAGES, "2352 data bytes, but it holds 3136"),
        "label-truncated": (good_images, idx_labels(labels, extra=-1), TRAIN_LABELS,
                            "3 data bytes, but it holds 2"),
        "label-count-too-small": (good_images, idx_labels(labels, count=2),
                                  TRAIN_LABELS, "2 data bytes, but it holds 3"),
        "rows-cols": (idx_images(images.reshape(3, 14, 56)), good_labels,
                      TRAIN_IMAGES, "14x56 pixels, expected 28x28"),
        "count-mismatch": (good_images, idx_labels([1, 2]), TRAIN_IMAGES,
                           f"3 images but .*{TRAIN_LABELS} holds 2 labels"),
        "label-10": (good_images, idx_labels([1, 10, 2]), TRAIN_LABELS,
                     "label 10; MNIST labels are 0..9"),
        "not-gzip": (b"\x00\x00\x08\x03 plain bytes", good_labels, TRAIN_IMAGES,
                     "not a readable gzip file"),
        "short-header": (good_images, short, TRAIN_LABELS,
                         r"too few for an IDX header \(8\)"),
    }[kind]


CORRUPTIONS = [
    "image-magic", "label-magic", "image-truncated", "image-count-too-big",
    "image-extra-bytes", "label-truncated", "label-count-too-small", "rows-cols",
    "count-mismatch", "label-10", "not-gzip", "short-header",
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_idx_file_raises_value_error_naming_the_file(tmp_path, kind):
    image_bytes, label_bytes, target, reason = _corrupt(kind)
    write(tmp_path, {TRAIN_IMAGES: image_bytes, TRAIN_LABELS: label_bytes})
    with pytest.raises(ValueError, match=reason) as info:
        data.load_mnist(tmp_path)
    assert str(tmp_path / target) in str(info.value)


# ------------------------------------------------------------------ download


class FakeFetch:
    """Serves ``files`` by name; URLs starting with a prefix in ``down`` fail."""

    def __init__(self, files: dict[str, bytes], down: tuple[str, ...] = ()):
        self.files, self.down, self.urls = files, down, []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        if url.startswith(self.down):
            raise urllib.error.URLError("mirror is down")
        return self.files[url.rsplit("/", 1)[1]]


def served(split: str, monkeypatch, n: int = 3) -> tuple[dict[str, bytes], tuple]:
    """Valid IDX bytes for ``split``, with data.MD5 patched to their sums."""
    images, labels = sample(n=n, seed=2)
    names = data.FILES[split]
    files = {names[0]: idx_images(images), names[1]: idx_labels(labels)}
    sums = {name: hashlib.md5(b).hexdigest() for name, b in files.items()}
    monkeypatch.setattr(data, "MD5", sums)
    return files, (images, labels)


def test_download_writes_checked_files_and_loads_them(tmp_path, monkeypatch):
    files, (images, labels) = served("train", monkeypatch)
    fetch = FakeFetch(files)
    folder = tmp_path / "new" / "mnist"
    x, y = data.load_mnist(folder, download=True, fetch=fetch)
    assert fetch.urls == [data.MIRRORS[0] + name for name in data.FILES["train"]]
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    assert (folder / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]
    np.testing.assert_allclose(x, images.reshape(3, 784).T / 255.0)
    np.testing.assert_array_equal(y, labels)


def test_download_refuses_wrong_md5_and_leaves_no_file(tmp_path, monkeypatch):
    files, _ = served("test", monkeypatch)
    monkeypatch.setitem(data.MD5, TEST_IMAGES, "0" * 32)
    actual = hashlib.md5(files[TEST_IMAGES]).hexdigest()
    with pytest.raises(ValueError) as info:
        data.load_mnist(tmp_path, split="test", download=True, fetch=FakeFetch(files))
    message = str(info.value)
    assert TEST_IMAGES in message and "0" * 32 in message and actual in message
    assert list(tmp_path.iterdir()) == []


def test_download_falls_back_to_second_mirror(tmp_path, monkeypatch):
    files, (_, labels) = served("test", monkeypatch)
    fetch = FakeFetch(files, down=(data.MIRRORS[0],))
    _, y = data.load_mnist(tmp_path, split="test", download=True, fetch=fetch)
    assert fetch.urls == [
        data.MIRRORS[0] + TEST_IMAGES, data.MIRRORS[1] + TEST_IMAGES,
        data.MIRRORS[0] + TEST_LABELS, data.MIRRORS[1] + TEST_LABELS,
    ]
    np.testing.assert_array_equal(y, labels)


def test_download_with_all_mirrors_down_lists_every_url_tried(tmp_path, monkeypatch):
    files, _ = served("train", monkeypatch)
    fetch = FakeFetch(files, down=tuple(data.MIRRORS))
    with pytest.raises(ConnectionError) as info:
        data.load_mnist(tmp_path, download=True, fetch=fetch)
    message = str(info.value)
    for mirror in data.MIRRORS:
        assert mirror + TRAIN_IMAGES in message
    assert "mirror is down" in message
    assert list(tmp_path.iterdir()) == []


def test_download_keeps_local_files_without_fetching_or_md5(tmp_path, monkeypatch):
    files, _ = served("train", monkeypatch)  # MD5 now fits `files`, not the local ones
    local_images, local_labels = sample(n=5, seed=7)
    write_split(tmp_path, "train", local_images, local_labels)
    fetch = FakeFetch(files)
    x, y = data.load_mnist(tmp_path, download=True, fetch=fetch)
    assert fetch.urls == []
    assert x.shape == (784, 5)
    np.testing.assert_array_equal(y, local_labels)


def test_download_fetches_only_the_missing_file(tmp_path, monkeypatch):
    files, (images, _) = served("train", monkeypatch)
    write(tmp_path, {TRAIN_IMAGES: files[TRAIN_IMAGES]})
    fetch = FakeFetch(files)
    x, _ = data.load_mnist(tmp_path, download=True, fetch=fetch)
    assert fetch.urls == [data.MIRRORS[0] + TRAIN_LABELS]
    np.testing.assert_allclose(x, images.reshape(3, 784).T / 255.0)


def test_default_fetch_uses_urlopen_with_a_timeout(tmp_path, monkeypatch):
    files, _ = served("test", monkeypatch)
    calls = []

    class Response:
        def __init__(self, url):
            self.body = files[url.rsplit("/", 1)[1]]

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return self.body

    def fake_urlopen(url, timeout=None):
        calls.append((url, timeout))
        return Response(url)

    monkeypatch.setattr(data.urllib.request, "urlopen", fake_urlopen)
    data.load_mnist(tmp_path, split="test", download=True)
    assert [url for url, _ in calls] == [data.MIRRORS[0] + n for n in files]
    assert all(timeout and timeout > 0 for _, timeout in calls)


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    files, _ = served("test", monkeypatch)

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(data.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        data.load_mnist(tmp_path, split="test", download=True, fetch=FakeFetch(files))
    assert list(tmp_path.iterdir()) == []
