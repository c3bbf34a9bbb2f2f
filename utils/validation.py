"""Input checks shared by the reference implementations.

Every function raises ``ValueError`` that names what was expected and what came, so a learner who
passes the wrong thing reads the fix in the error message instead of a numpy broadcasting trace.

The checks sit on the training hot path (every ``forward`` and ``backward``), so each one first tries the
common case with a few attribute reads (a float64 ndarray of the right shape is returned as it is, no copy)
and only then does the thorough conversion that produces the error message.
"""

from __future__ import annotations

import numpy as np

FLOAT64 = np.dtype(np.float64)
"""numpy's one float64 dtype object: ``x.dtype is FLOAT64`` is the hot path's check, a pointer comparison where
``x.dtype == np.float64`` converts ``np.float64`` to a dtype on every call. (A float64 dtype that is another object,
such as a byte-swapped one, takes the thorough path, which gives the same answer.)"""
_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
"""The unsigned integer type of each size in bytes, to read signed labels as unsigned (``class_labels``)."""


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array (a copy only when needed).

    Raises ``ValueError`` when ``x`` cannot be read as numbers (strings, ragged lists, None).
    """
    if type(x) is np.ndarray and x.dtype is FLOAT64:  # the hot path: nothing to convert
        return x
    if x is None:
        raise ValueError(f"{name}: expected an array of numbers, got None")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected an array of numbers, got {type(x).__name__} ({exc})") from None
    return arr


def require_ndim(arr: np.ndarray, ndims: tuple[int, ...], name: str, layout: str) -> None:
    """Raise ``ValueError`` unless ``arr.ndim`` is one of ``ndims``; ``layout`` describes the shape."""
    if arr.ndim not in ndims:
        raise ValueError(f"{name}: expected shape {layout}, got shape {arr.shape}")


def as_batch(x, name: str, n_features: int | None = None) -> np.ndarray:
    """Return ``x`` as a float64 batch of shape ``(n_samples, n_features)``.

    A 1-D input is *not* silently reshaped: layers work on batches, and the error says how to make one.
    """
    if (type(x) is np.ndarray and x.dtype is FLOAT64 and x.ndim == 2
            and (n_features is None or x.shape[1] == n_features)):
        return x  # the hot path: already a float64 batch of the right width
    arr = as_float_array(x, name)
    if arr.ndim == 1:
        raise ValueError(
            f"{name}: expected a batch of shape (n_samples, {n_features if n_features else 'n_features'}), "
            f"got a single sample of shape {arr.shape}; wrap it as a batch of one with x.reshape(1, -1)"
        )
    require_ndim(arr, (2,), name, f"(n_samples, {n_features if n_features else 'n_features'})")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name}: expected shape (n_samples, {n_features}), got shape {arr.shape}")
    return arr


def class_labels(y_true, n_samples: int, n_classes: int | None, name: str = "y_true") -> np.ndarray:
    """Turn integer labels ``(n_samples,)`` or one-hot ``(n_samples, n_classes)`` into labels ``(n_samples,)``.

    Raises ``ValueError`` for a wrong batch size, labels out of range, or a one-hot row that is not one-hot.
    """
    y = y_true if type(y_true) is np.ndarray else np.asarray(y_true)
    if y.ndim == 2:
        if y.shape[0] != n_samples or (n_classes is not None and y.shape[1] != n_classes):
            raise ValueError(
                f"{name}: one-hot targets must have shape ({n_samples}, {n_classes}), got {y.shape}"
            )
        if not np.allclose(y.sum(axis=1), 1.0) or np.any((y != 0) & (y != 1)):
            raise ValueError(f"{name}: a 2-D target must be one-hot (one 1 per row, zeros elsewhere)")
        return np.argmax(y, axis=1)
    if y.ndim != 1:
        raise ValueError(
            f"{name}: expected integer labels ({n_samples},) or one-hot ({n_samples}, n_classes), got {y.shape}"
        )
    if y.shape[0] != n_samples:
        raise ValueError(f"{name}: expected {n_samples} labels (one per sample), got {y.shape[0]}")
    if y.dtype.kind in "iu":
        labels = y  # integer labels need neither the whole-number check nor a copy (the training hot path)
    else:
        if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError(f"{name}: class labels must be whole numbers, got {y[:5]}")
        labels = y.astype(np.int64)
    if n_classes is not None:
        # one pass instead of min and max: seen as unsigned, a negative label is huge, so max >= n_classes catches both
        # (the largest found with argmax: the same value, at a fifth of a reduction's fixed cost, ~0.2 µs not ~1 µs)
        unsigned = labels.view(_UNSIGNED[labels.itemsize])
        out_of_range = labels.size and unsigned[unsigned.argmax()] >= n_classes
    else:
        out_of_range = labels.size and labels.min() < 0
    if out_of_range:
        raise ValueError(
            f"{name}: labels must be in 0..{n_classes - 1 if n_classes else 'n_classes-1'}, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return labels


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Labels ``(n_samples,)`` -> one-hot float64 ``(n_samples, n_classes)``."""
    out = np.zeros((labels.shape[0], n_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out
