"""Loss functions and accuracy.

Every loss class has ``forward(y_pred, y_true) -> float`` (the mean over the batch) and
``backward(y_pred, y_true) -> dinputs`` (the gradient of that mean w.r.t. ``y_pred``, already divided by
``n_samples``), side by side. Classification targets may be integer labels ``(n_samples,)`` or one-hot
``(n_samples, n_classes)``.
"""

from __future__ import annotations

import numpy as np

from utils.activations import softmax
from utils.validation import as_float_array, class_labels, one_hot, require_ndim

EPS = 1e-7
"""Probabilities are clipped to ``[EPS, 1 - EPS]`` before a log, so log(0) never gives inf."""
_LOG_EPS = float(np.log(EPS))


def _regression_pair(y_pred, y_true, who: str) -> tuple[np.ndarray, np.ndarray]:
    y_pred = as_float_array(y_pred, f"{who} y_pred")
    y_true = as_float_array(y_true, f"{who} y_true")
    if y_pred.shape != y_true.shape:
        hint = ""
        if y_pred.ndim == 2 and y_true.ndim == 1 and y_pred.shape == (y_true.shape[0], 1):
            hint = "; reshape the targets with y_true.reshape(-1, 1)"
        raise ValueError(f"{who}: y_pred and y_true must have the same shape, got {y_pred.shape} and {y_true.shape}{hint}")
    if y_pred.size == 0:
        raise ValueError(f"{who}: got an empty batch")
    return y_pred, y_true


def _probabilities(y_pred, who: str) -> np.ndarray:
    """Validate a batch of class probabilities ``(n_samples, n_classes)``."""
    p = as_float_array(y_pred, f"{who} y_pred")
    require_ndim(p, (2,), f"{who} y_pred", "(n_samples, n_classes) of probabilities")
    if p.shape[0] == 0:
        raise ValueError(f"{who}: got an empty batch")
    if np.any(p < 0) or np.any(p > 1) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError(
            f"{who}: y_pred must be probabilities (each row in [0, 1] and summing to 1); these look like raw "
            "scores (logits) — apply softmax first, or use SoftmaxCrossEntropy, which takes logits"
        )
    return p


# ------------------------------------------------------------------------------ regression
class MSE:
    """Mean squared error: mean over every element of (y_pred - y_true)^2."""

    def forward(self, y_pred, y_true) -> float:
        """y_pred, y_true same shape, e.g. ``(n_samples, n_outputs)`` -> float."""
        y_pred, y_true = _regression_pair(y_pred, y_true, "MSE")
        return float(np.mean((y_pred - y_true) ** 2))

    def backward(self, y_pred, y_true) -> np.ndarray:
        """-> dinputs, shape of y_pred: 2 (y_pred - y_true) / n_elements."""
        y_pred, y_true = _regression_pair(y_pred, y_true, "MSE")
        return 2.0 * (y_pred - y_true) / y_pred.size


class MAE:
    """Mean absolute error: mean over every element of |y_pred - y_true|."""

    def forward(self, y_pred, y_true) -> float:
        """y_pred, y_true same shape -> float."""
        y_pred, y_true = _regression_pair(y_pred, y_true, "MAE")
        return float(np.mean(np.abs(y_pred - y_true)))

    def backward(self, y_pred, y_true) -> np.ndarray:
        """-> dinputs, shape of y_pred: sign(y_pred - y_true) / n_elements (0 where they are equal)."""
        y_pred, y_true = _regression_pair(y_pred, y_true, "MAE")
        return np.sign(y_pred - y_true) / y_pred.size


# ------------------------------------------------------------------------------ classification
class BinaryCrossEntropy:
    """-(y log p + (1 - y) log(1 - p)), averaged over every element; p clipped to [1e-7, 1 - 1e-7].

    y_pred are probabilities (e.g. sigmoid outputs) and y_true are 0/1, both the same shape, e.g.
    ``(n_samples, 1)`` or ``(n_samples, n_outputs)``.
    """

    def forward(self, y_pred, y_true) -> float:
        """-> float, mean over every element."""
        p, y = _regression_pair(y_pred, y_true, "BinaryCrossEntropy")
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError("BinaryCrossEntropy: y_pred must be probabilities in [0, 1]; apply sigmoid first")
        p = np.clip(p, EPS, 1 - EPS)
        return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))

    def backward(self, y_pred, y_true) -> np.ndarray:
        """-> dinputs, shape of y_pred: -(y / p - (1 - y) / (1 - p)) / n_elements."""
        p, y = _regression_pair(y_pred, y_true, "BinaryCrossEntropy")
        p = np.clip(p, EPS, 1 - EPS)
        return -(y / p - (1 - y) / (1 - p)) / p.size


class CategoricalCrossEntropy:
    """-log(probability given to the true class), averaged over the batch; p clipped to [1e-7, 1 - 1e-7].

    y_pred: probabilities ``(n_samples, n_classes)``; y_true: labels ``(n_samples,)`` or one-hot.
    """

    def forward(self, y_pred, y_true) -> float:
        """-> float."""
        p = _probabilities(y_pred, "CategoricalCrossEntropy")
        labels = class_labels(y_true, p.shape[0], p.shape[1])
        picked = np.clip(p[np.arange(p.shape[0]), labels], EPS, 1 - EPS)
        return float(np.mean(-np.log(picked)))

    def backward(self, y_pred, y_true) -> np.ndarray:
        """-> dinputs ``(n_samples, n_classes)``: -one_hot / p / n_samples."""
        p = _probabilities(y_pred, "CategoricalCrossEntropy")
        labels = class_labels(y_true, p.shape[0], p.shape[1])
        return -one_hot(labels, p.shape[1]) / np.clip(p, EPS, 1 - EPS) / p.shape[0]


class SoftmaxCrossEntropy:
    """Softmax followed by categorical cross-entropy, taking raw scores (logits).

    Together their gradient is simply ``(softmax(logits) - one_hot) / n_samples`` — cheaper and more
    accurate than chaining ``Softmax.backward`` and ``CategoricalCrossEntropy.backward``.
    """

    _logits = _y_true = _picked = _shape = _row_starts = None

    def _validate(self, logits, y_true) -> tuple[np.ndarray, np.ndarray]:
        """logits as a float64 ``(n_samples, n_classes)`` array, and where each sample's true class sits in it
        counted row after row (``row * n_classes + label``): indices ``(n_samples,)``, for ``take``."""
        z = as_float_array(logits, "SoftmaxCrossEntropy logits")
        require_ndim(z, (2,), "SoftmaxCrossEntropy logits", "(n_samples, n_classes)")
        labels = class_labels(y_true, z.shape[0], z.shape[1])
        if z.shape != self._shape:  # where each row starts, counted in entries: made once per batch shape
            self._shape, self._row_starts = z.shape, np.arange(z.shape[0]) * z.shape[1]
        return z, np.add(self._row_starts, labels, dtype=np.intp, casting="unsafe")  # uint64 labels too (checked)

    def forward(self, logits, y_true) -> float:
        """logits ``(n_samples, n_classes)``, y_true labels or one-hot -> float. Stores ``self.output``
        (the probabilities), which ``backward`` reuses when it is called with the same logits and targets."""
        z, picked = self._validate(logits, y_true)
        # one exp for both softmax and the log-probabilities: log p = (z - max) - log(sum(exp(z - max)))
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        exp /= total  # in place: now the probabilities
        self.output = exp
        self._logits, self._y_true, self._picked = logits, y_true, picked
        # the true class's log-probability, clipped at log(EPS) like the other losses' probabilities
        log_p = shifted.take(picked) - np.log(total[:, 0])  # take: the flat indices, cheaper than [rows, labels]
        np.maximum(log_p, _LOG_EPS, out=log_p)
        return float(-(log_p.sum() / log_p.shape[0]))  # the mean, the same numbers as np.mean with less to call

    def backward(self, logits, y_true) -> np.ndarray:
        """-> dlogits ``(n_samples, n_classes)`` = (softmax(logits) - one_hot) / n_samples.

        Called with the very arrays ``forward`` just checked (the training loop's case), it reuses their
        probabilities and labels instead of checking and computing them again."""
        if logits is self._logits and y_true is self._y_true:
            picked, dlogits = self._picked, self.output.copy()  # copy: C order, whatever the logits' order
        else:
            z, picked = self._validate(logits, y_true)
            dlogits = np.ascontiguousarray(softmax(z))
        dlogits.reshape(-1)[picked] -= 1.0  # a C-ordered array's reshape(-1) is a view: this changes dlogits
        dlogits /= dlogits.shape[0]
        return dlogits


def accuracy(y_pred, y_true) -> float:
    """Fraction of samples whose predicted class is the true class.

    y_pred: scores or probabilities ``(n_samples, n_classes)`` (argmax per row), or one column /
    vector of probabilities for a binary task (threshold 0.5). y_true: labels ``(n_samples,)`` or one-hot.
    """
    p = as_float_array(y_pred, "accuracy y_pred")
    require_ndim(p, (1, 2), "accuracy y_pred", "(n_samples, n_classes) or (n_samples,)")
    if p.ndim == 2 and p.shape[1] > 1:
        predicted = np.argmax(p, axis=1)
        labels = class_labels(y_true, p.shape[0], p.shape[1])
    else:
        predicted = (p.reshape(-1) > 0.5).astype(np.int64)
        labels = class_labels(np.asarray(y_true).reshape(-1), p.shape[0], 2)
    if labels.size == 0:
        return float("nan")  # no samples: no fraction (as np.mean of nothing, without its warning)
    return float(np.count_nonzero(predicted == labels) / labels.size)  # the same float as np.mean, a sixth of the cost

