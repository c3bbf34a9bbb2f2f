"""Measuring a classifier beyond one accuracy number (lesson 08)."""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs (lesson 08's exercise, reference version).

    y_true, y_pred: integer labels ``(n_samples,)`` in ``0 .. n_classes - 1``. Returns an int array
    ``(n_classes, n_classes)``: row i, column j = how many samples of true class i were predicted as class j.
    The diagonal holds the correct predictions; every row sums to that class's number of samples.
    """
    y_true = np.asarray(y_true).astype(np.int64).reshape(-1)
    y_pred = np.asarray(y_pred).astype(np.int64).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: y_true and y_pred must have the same shape, got {y_true.shape} and "
                         f"{y_pred.shape}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def spread(values) -> str:
    """``"0.953 ± 0.021 (min 0.917, max 0.972)"``: mean ± standard deviation over runs, for reporting
    results over several seeds."""
    values = np.asarray(values, dtype=np.float64)
    return f"{values.mean():.3f} ± {values.std():.3f} (min {values.min():.3f}, max {values.max():.3f})"
