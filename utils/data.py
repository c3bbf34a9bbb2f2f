"""Datasets. The nnfs generators (spiral, vertical, sine) and XOR, circles, iris, digits.

Every generator takes a ``seed``, returns float64 features ``X (n_samples, n_features)`` and integer
labels ``y (n_samples,)``, and leaves the caller's global numpy random state exactly as it was (nnfs's
generators draw from ``np.random``; we seed it for the call and put the old state back).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from nnfs import datasets as _nnfs


@contextmanager
def _global_seed(seed: int):
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _check_counts(samples: int, classes: int) -> None:
    if int(samples) != samples or samples < 1 or int(classes) != classes or classes < 1:
        raise ValueError(f"samples and classes must be positive integers, got samples={samples}, classes={classes}")


def spiral(samples: int = 100, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms (nnfs ``spiral_data``). X ``(samples*classes, 2)``, y ``(samples*classes,)``."""
    _check_counts(samples, classes)
    with _global_seed(seed):
        X, y = _nnfs.spiral_data(samples=int(samples), classes=int(classes))
    return X.astype(np.float64), y.astype(np.int64)


def vertical(samples: int = 100, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Vertical blobs, one per class (nnfs ``vertical_data``). X ``(samples*classes, 2)``, y labels."""
    _check_counts(samples, classes)
    with _global_seed(seed):
        X, y = _nnfs.vertical_data(samples=int(samples), classes=int(classes))
    return X.astype(np.float64), y.astype(np.int64)


def sine(samples: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(2 pi x) for x evenly spaced in [0, 1) (nnfs ``sine_data``). X, y both ``(samples, 1)``."""
    _check_counts(samples, 1)
    X, y = _nnfs.sine_data(samples=int(samples))
    return X.astype(np.float64), y.astype(np.float64)


def xor(samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four clouds at (±1, ±1); label 1 where exactly one coordinate is positive (the XOR of the signs).

    X ``(samples, 2)``, y ``(samples,)``. No straight line separates the classes.
    """
    _check_counts(samples, 1)
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(samples, 2))
    X = (2.0 * corners - 1.0) * 0.6 + noise * 2.0 * rng.standard_normal((samples, 2))
    y = (corners[:, 0] ^ corners[:, 1]).astype(np.int64)
    return X, y


def circles(samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """An inner disc (class 0) inside a ring (class 1). X ``(samples, 2)``, y ``(samples,)``."""
    _check_counts(samples, 1)
    rng = np.random.default_rng(seed)
    y = np.arange(samples) % 2
    radius = np.where(y == 0, rng.uniform(0.0, 0.45, samples), rng.uniform(0.65, 1.0, samples))
    angle = rng.uniform(0, 2 * np.pi, samples)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += noise * rng.standard_normal((samples, 2))
    return X, y.astype(np.int64)


def xor_truth_table() -> tuple[np.ndarray, np.ndarray]:
    """The four rows of 2-input XOR: X ``(4, 2)`` of 0/1, y ``(4,)``."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array([0, 1, 1, 0], dtype=np.int64)


TOY_DATASETS = {"spiral": spiral, "xor": xor, "circles": circles, "vertical": vertical}
"""The 2-D classification sets a playground can pick by name: name -> generator(samples, ..., seed)."""


def toy_dataset(name: str, samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of ``TOY_DATASETS`` by name with about ``samples`` points in total (2 or 3 classes).

    ``noise`` scales the spread of xor and circles; for spiral and vertical (which have nnfs's own
    spread) it adds Gaussian jitter with standard deviation ``noise / 4``, so the slider acts on every set.
    """
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(TOY_DATASETS)}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if name in ("spiral", "vertical"):
        X, y = TOY_DATASETS[name](samples=max(1, samples // 3), classes=3, seed=seed)
        return X + np.random.default_rng(seed + 1).normal(scale=noise / 4, size=X.shape), y
    return TOY_DATASETS[name](samples=samples, noise=noise, seed=seed)


# ------------------------------------------------------------------------------ real data (lesson 08)
def _bundled_with_sklearn(file_name: str):
    """The path of a data file scikit-learn ships (``sklearn/datasets/data/<file_name>``), found without importing
    scikit-learn: its import (scipy.stats and more) takes seconds, and we only need the two CSV files. ``None`` when
    the file is not there (then the caller asks scikit-learn's own loader)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / file_name
    return path if path.is_file() else None


def iris() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Fisher's iris (bundled with scikit-learn, no download): X ``(150, 4)``, y ``(150,)``, class names (plain
    ``str``, so a printed list reads ``['setosa', ...]``, not ``[np.str_('setosa'), ...]``)."""
    path = _bundled_with_sklearn("iris.csv")
    if path is None:
        from sklearn.datasets import load_iris

        data = load_iris()
        return (np.ascontiguousarray(data.data, dtype=np.float64), data.target.astype(np.int64),
                [str(name) for name in data.target_names])
    # the file: a header "150,4,setosa,versicolor,virginica", then one flower per line: 4 measurements, the class
    with path.open(encoding="utf-8") as file:
        class_names = [str(name) for name in file.readline().strip().split(",")[2:]]
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    return np.ascontiguousarray(table[:, :-1]), table[:, -1].astype(np.int64), class_names


def digits() -> tuple[np.ndarray, np.ndarray]:
    """8x8 handwritten digits (bundled with scikit-learn, no download): X ``(1797, 64)`` pixel values
    0..16, y ``(1797,)`` digits 0..9. ``X[i].reshape(8, 8)`` is an image."""
    path = _bundled_with_sklearn("digits.csv.gz")
    if path is None:
        from sklearn.datasets import load_digits

        data = load_digits()
        return np.ascontiguousarray(data.data, dtype=np.float64), data.target.astype(np.int64)
    table = np.loadtxt(path, delimiter=",", dtype=np.float64)  # one image per line: 64 pixels, then the digit
    return np.ascontiguousarray(table[:, :-1]), table[:, -1].astype(np.int64)


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """Shuffle with ``default_rng(seed)`` and split: returns ``X_train, X_test, y_train, y_test``.

    The split is stratified (each class keeps its share in both parts).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of samples, got {X.shape[0]} and {y.shape[0]}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    rng = np.random.default_rng(seed)
    test_idx = []
    for cls in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == cls))
        test_idx.extend(idx[: int(round(test_fraction * idx.size))])
    test_mask = np.zeros(y.shape[0], dtype=bool)
    test_mask[test_idx] = True
    train, test = rng.permutation(np.flatnonzero(~test_mask)), rng.permutation(np.flatnonzero(test_mask))
    return X[train], X[test], y[train], y[test]


def train_validation_test_split(X, y, validation_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0):
    """Three stratified parts: returns ``X_train, X_val, X_test, y_train, y_val, y_test``.

    Train on the first, choose settings (epochs, learning rate, size) on the validation part, and touch the
    test part once, at the very end: a test set that chose the settings no longer measures new data.
    ``validation_fraction`` and ``test_fraction`` are fractions of the whole data set.
    """
    if not (0 < validation_fraction < 1 and 0 < test_fraction < 1 and validation_fraction + test_fraction < 1):
        raise ValueError("validation_fraction and test_fraction must be between 0 and 1 and leave some training data, "
                         f"got {validation_fraction} and {test_fraction}")
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_fraction=test_fraction, seed=seed)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_fraction=validation_fraction / (1 - test_fraction), seed=seed + 1)
    return X_train, X_val, X_test, y_train, y_val, y_test


def standardize(X_train, X_other):
    """Scale every feature to mean 0 and standard deviation 1 with the *training* statistics (lesson 08's
    exercise, reference version).

    X_train ``(n_train, n_features)``, X_other ``(n_other, n_features)`` -> ``(X_train_scaled, X_other_scaled)``,
    same shapes. The mean and standard deviation (``np.std``, ddof 0) come from ``X_train`` only, so nothing about
    the other set leaks into training. A feature that is constant in ``X_train`` (std 0) is only centred, never
    divided by 0: it becomes 0, not nan.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    mean = X_train.mean(axis=0, keepdims=True)
    std = X_train.std(axis=0, keepdims=True)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_other - mean) / std


class Standardizer:
    """Rescale each feature to mean 0 and standard deviation 1, using statistics of the training set only.

    ``fit(X)`` learns ``mean`` and ``std`` ``(1, n_features)``; ``transform(X)`` applies them. Constant
    features (std 0) are left centred instead of dividing by zero.
    """

    def fit(self, X) -> Standardizer:
        """X ``(n_samples, n_features)`` -> self."""
        X = np.asarray(X, dtype=np.float64)
        self.mean = X.mean(axis=0, keepdims=True)
        std = X.std(axis=0, keepdims=True)
        self.std = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        """X ``(n_samples, n_features)`` -> standardized copy, same shape."""
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.std
