"""Checkers for lesson 04 (loss functions and accuracy)."""

from __future__ import annotations

import numpy as np

from utils import losses as ref
from utils.activations import softmax
from utils.checks.core import NUMBER, Case, Checker, Mistake, as_floats, lesson_section

EPS = ref.EPS
_REGRESSION = lesson_section("04", "1. Regression: MSE and MAE")
_CE = lesson_section("04", "2. Classification: cross-entropy")
_CLIP = lesson_section("04", "log(0), and why we clip")
_BCE = lesson_section("04", "Binary cross-entropy")
_ACCURACY = lesson_section("04", "3. Accuracy")



def _clip(p) -> np.ndarray:
    return np.clip(as_floats(p), EPS, 1 - EPS)


# ------------------------------------------------------------------------------ regression
_rng = np.random.default_rng(4)
_column_case = (_rng.normal(size=(5, 1)), _rng.normal(size=(5, 1)))
_column_case = _column_case[::-1]  # predictions too low on average: a mean error below 0 (MSE/MAE are symmetric)
_REG_CASES = [
    Case("y_pred [2.5, 0.0, 2.1], y_true [3.0, -0.5, 2.0]", (np.array([2.5, 0.0, 2.1]), np.array([3.0, -0.5, 2.0]))),
    Case("predictions too high and too low: y_pred [1, 5], y_true [3, 3]", (np.array([1.0, 5.0]), np.array([3.0, 3.0])),
         hint_if_fails="errors of opposite sign must not cancel"),
    Case("a column (5, 1)", _column_case),
    Case("several outputs per sample (4, 3)", (_rng.normal(size=(4, 3)), _rng.normal(size=(4, 3)))),
    Case("y_pred [0.1234, -0.5678, 0.9012], y_true [0.2, -0.4, 1.1] (a loss with many decimals)",
         (np.array([0.1234, -0.5678, 0.9012]), np.array([0.2, -0.4, 1.1]))),
]


def _mean_abs(p, t):
    return float(np.mean(np.abs(as_floats(p) - as_floats(t))))


def _mean_sq(p, t):
    return float(np.mean((as_floats(p) - as_floats(t)) ** 2))


def _flattened(error):
    """One of the two arrays flattened: a column (n, 1) minus an (n,) broadcasts to an (n, n) matrix."""
    def fn(p, t):
        p, t = as_floats(p), as_floats(t)
        if p.ndim == 2 and p.shape[1] == 1:
            p = p.reshape(-1)
        return float(np.mean(error(p - t)))
    return fn


_FLAT_HINT = ("only one of y_pred and y_true was flattened: an (n,) array minus an (n, 1) column broadcasts to an "
              "(n, n) matrix of every pair — keep both the same shape (flatten both, or neither)")
_FLAT_WHY = "numpy stretches the size-1 axes of both arrays, so every prediction meets every target."
_COPY_FIX = "read `{name}`, never change it: compute into a new array (p = np.clip({name}, 1e-7, 1 - 1e-7))"


check_mse = Checker(
    name="mse",
    reference=lambda y_pred, y_true: ref.MSE().forward(y_pred, y_true),
    kind=NUMBER,
    verified="mean of squared errors on vectors, columns and (n, 3) outputs",
    section=_REGRESSION,
    about="MSE squares each error (y_pred - y_true) and averages over every element, so it is one number.",
    cases=_REG_CASES,
    mistakes=[
        Mistake("the errors were not squared, so positive and negative errors cancel: use (y_pred - y_true) ** 2",
                lambda p, t: float(np.mean(as_floats(p) - as_floats(t)))),
        Mistake("that is the mean absolute error; MSE squares the errors: (y_pred - y_true) ** 2", _mean_abs),
        Mistake("that is a sum, not a mean: use np.mean", lambda p, t: float(np.sum((as_floats(p) - as_floats(t)) ** 2)),
                why="A sum grows with the batch size; the mean does not, so losses of different batches compare."),
        Mistake("that is the difference of the squares; MSE squares the difference: (y_pred - y_true) ** 2",
                lambda p, t: float(np.mean(as_floats(p) ** 2 - as_floats(t) ** 2))),
        Mistake("that squares the mean error; square each error first, then average: np.mean((y_pred - y_true) ** 2)",
                lambda p, t: float(np.mean(as_floats(p) - as_floats(t)) ** 2)),
        Mistake("that is the root of the MSE (RMSE): drop np.sqrt", lambda p, t: float(np.sqrt(_mean_sq(p, t)))),
        Mistake("np.sum(..., axis=-1) adds up each sample's outputs (and for a 1-D y_pred it adds up every sample); "
                "MSE averages over every element: np.mean((y_pred - y_true) ** 2)",
                lambda p, t: float(np.mean(np.sum((as_floats(p) - as_floats(t)) ** 2, axis=-1)))),
        Mistake("that divides by the number of samples only, but every element (samples × outputs) is an error "
                "to average: use np.mean, or divide by .size",
                lambda p, t: float(np.sum(np.mean((as_floats(p) - as_floats(t)) ** 2, axis=0)))),
        Mistake(_FLAT_HINT, _flattened(np.square), why=_FLAT_WHY),
    ],
    mutation_fix="read `{name}`, never change it: compute the errors into a new array",
)

check_mae = Checker(
    name="mae",
    reference=lambda y_pred, y_true: ref.MAE().forward(y_pred, y_true),
    kind=NUMBER,
    verified="mean of absolute errors on vectors, columns and (n, 3) outputs",
    section=_REGRESSION,
    about="MAE takes the absolute value of each error and averages over every element.",
    cases=_REG_CASES,
    mistakes=[
        Mistake("np.abs is missing, so positive and negative errors cancel: use np.abs(y_pred - y_true)",
                lambda p, t: float(np.mean(as_floats(p) - as_floats(t)))),
        Mistake("that is the mean squared error; MAE takes np.abs of the errors", _mean_sq),
        Mistake("that is a sum, not a mean: use np.mean", lambda p, t: float(np.sum(np.abs(as_floats(p) - as_floats(t))))),
        Mistake("that is the largest error; MAE averages them: np.mean(np.abs(y_pred - y_true))",
                lambda p, t: float(np.max(np.abs(as_floats(p) - as_floats(t))))),
        Mistake("np.abs was applied to each array separately; take the absolute value of the difference: "
                "np.abs(y_pred - y_true)", lambda p, t: float(np.mean(np.abs(as_floats(p)) - np.abs(as_floats(t))))),
        Mistake("np.abs was applied to the mean, after positive and negative errors cancelled: take the absolute "
                "value of each error first, np.mean(np.abs(y_pred - y_true))",
                lambda p, t: float(abs(np.mean(as_floats(p) - as_floats(t))))),
        Mistake("that is the median of the errors; MAE is their mean: np.mean(np.abs(y_pred - y_true))",
                lambda p, t: float(np.median(np.abs(as_floats(p) - as_floats(t))))),
        Mistake(_FLAT_HINT, _flattened(np.abs), why=_FLAT_WHY),
    ],
    mutation_fix="read `{name}`, never change it: compute the errors into a new array",
)


# ------------------------------------------------------------------------------ binary cross-entropy
def _bce_terms(p, t, clip=True):
    p = _clip(p) if clip else as_floats(p)
    t = as_floats(t)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


check_binary_cross_entropy = Checker(
    name="binary_cross_entropy",
    reference=lambda y_pred, y_true: ref.BinaryCrossEntropy().forward(y_pred, y_true),
    kind=NUMBER,
    verified="mean over samples, both terms, clipping of 0 and 1, columns of several outputs",
    section=_BCE, sections={"log0": _CLIP, "overflow": _CLIP},
    about="Binary cross-entropy is -(y log p + (1 - y) log(1 - p)) per output, with p clipped to [1e-7, 1 - 1e-7], "
          "averaged over every element.",
    cases=[
        Case("y_pred [0.9, 0.2, 0.6], y_true [1, 0, 1]", (np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0]))),
        Case("a column (4, 1)", (np.array([[0.1], [0.8], [0.5], [0.99]]), np.array([[0.0], [1.0], [1.0], [1.0]]))),
        Case("two outputs per sample (3, 2)", (np.array([[0.7, 0.1], [0.4, 0.6], [0.2, 0.9]]),
                                               np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]))),
        Case("confident and wrong: y_pred [1.0, 0.0], y_true [0, 1]", (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
             hint_if_fails="log(0) is -inf: clip y_pred to [1e-7, 1 - 1e-7] first"),
        Case("confident and right: y_pred [0.0, 0.4], y_true [0, 1] (without clipping, 0 × log(0) is nan)",
             (np.array([0.0, 0.4]), np.array([0.0, 1.0]))),
        Case("confident and right: y_pred [1.0, 0.4], y_true [1, 0] (without clipping, 0 × log(1 - 1) is nan)",
             (np.array([1.0, 0.4]), np.array([1.0, 0.0]))),
    ],
    mistakes=[
        Mistake("that is the sum over the batch, not the mean (np.sum inside np.mean still returns the sum): use "
                "np.mean of the per-sample losses only", lambda p, t: float(np.mean(np.sum(_bce_terms(p, t))))),
        Mistake("that is a sum, not a mean: use np.mean", lambda p, t: float(np.sum(_bce_terms(p, t)))),
        Mistake("log(0) = -inf: clip y_pred to [1e-7, 1 - 1e-7] with np.clip before the logs",
                lambda p, t: float(np.mean(_bce_terms(p, t, clip=False))),
                why="A prediction of exactly 0 or 1 makes one of the logs -inf, and the loss inf.", section=_CLIP),
        Mistake("the (1 - y_true) * log(1 - y_pred) term is missing: samples whose target is 0 count too",
                lambda p, t: float(np.mean(-as_floats(t) * np.log(_clip(p))))),
        Mistake("the y_true * log(y_pred) term is missing: samples whose target is 1 count too",
                lambda p, t: float(np.mean(-(1 - as_floats(t)) * np.log(1 - _clip(p))))),
        Mistake("the second term uses log(1 - y_pred): -(y log p + (1 - y) log(1 - p))",
                lambda p, t: float(np.mean(-(as_floats(t) * np.log(_clip(p)) + (1 - as_floats(t)) * np.log(_clip(p)))))),
        Mistake("the sign is wrong: the loss is -(y log p + (1 - y) log(1 - p)), which is never negative",
                lambda p, t: float(np.mean(-_bce_terms(p, t)))),
        Mistake("only the lower end was clipped: log(1 - p) is -inf for p = 1, so clip y_pred to "
                "[1e-7, 1 - 1e-7] (both ends)",
                lambda p, t: float(np.mean(_bce_terms(np.clip(as_floats(p), EPS, 1.0), t, clip=False))), section=_CLIP),
        *[Mistake(f"the probabilities were clipped at {eps:g} instead of the course's 1e-7: clip y_pred to "
                  "[1e-7, 1 - 1e-7]", lambda p, t, eps=eps: float(np.mean(_bce_terms(np.clip(as_floats(p), eps, 1 - eps), t,
                                                                                      clip=False))),
                  why="The clipping bound decides how large the loss of a confident wrong answer is, so every "
                      "implementation must use the same one.", section=_CLIP)
          for eps in (1e-15, 1e-12, 1e-10, 1e-8)],
    ],
    mutation_fix=_COPY_FIX,
)


# ------------------------------------------------------------------------------ categorical cross-entropy
_P = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_LABELS = np.array([0, 1, 1])
_ONE_HOT = np.eye(3)[_LABELS]
_P4 = np.array([[0.25, 0.25, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
_L4 = np.array([2, 0, 1, 1])


def _cce_one_hot(p, t, clip=True):
    p = _clip(p) if clip else as_floats(p)
    return float(np.mean(-np.log(np.sum(p * as_floats(t), axis=1))))


def _cce_labels(p, t, clip=True):
    p = _clip(p) if clip else as_floats(p)
    t = np.asarray(t)
    return float(np.mean(-np.log(p[np.arange(len(p)), t])))


def _cce_any(p, t, clip=True):
    return _cce_one_hot(p, t, clip) if np.asarray(t).ndim == 2 else _cce_labels(p, t, clip)


def _cce_one_hot_log(p, t):
    """sum(y_true * log p, axis=1): right for one-hot targets, broadcasts (n,) labels against (n, k)."""
    return float(np.mean(-np.sum(as_floats(t) * np.log(_clip(p)), axis=1)))


def _labels_of(t):
    t = np.asarray(t)
    return t if t.ndim == 1 else np.argmax(t, axis=1)


def _cce_columns(p, t):
    """p[:, y]: whole columns, an (n, n) matrix."""
    t = np.asarray(t)
    labels = t if t.ndim == 1 else np.argmax(t, axis=1)
    return float(np.mean(-np.log(_clip(p)[:, labels])))


check_categorical_cross_entropy = Checker(
    name="categorical_cross_entropy",
    reference=lambda y_pred, y_true: ref.CategoricalCrossEntropy().forward(y_pred, y_true),
    kind=NUMBER,
    verified="integer labels and one-hot targets, the lesson's 0.385, clipping of a zero probability",
    section=_CE, sections={"log0": _CLIP, "overflow": _CLIP},
    about="Categorical cross-entropy is -log of the probability each sample gives its true class (clipped to "
          "[1e-7, 1 - 1e-7]), averaged over the samples.",
    cases=[
        Case("the lesson's softmax outputs with labels [0, 1, 1] (loss ≈ 0.385)", (_P, _LABELS)),
        Case("the same with one-hot targets", (_P, _ONE_HOT)),
        Case("4 samples with labels [2, 0, 1, 1]", (_P4, _L4)),
        Case("4 samples with one-hot targets", (_P4, np.eye(3)[_L4])),
        Case("a probability of exactly 0 for the true class", (np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([0, 1])),
             hint_if_fails="log(0) = -inf: clip the probabilities to [1e-7, 1 - 1e-7] first"),
    ],
    mistakes=[
        Mistake("y_true may be integer labels of shape (n,): pick p[range(n), y_true] for labels and "
                "sum(p * y_true, axis=1) for one-hot (check y_true.ndim)", _cce_one_hot),
        Mistake("one-hot targets (2-D) must work too: for them use sum(p * y_true, axis=1) (check y_true.ndim)",
                _cce_labels),
        Mistake("log(0) = -inf: clip the probabilities to [1e-7, 1 - 1e-7] with np.clip first",
                lambda p, t: _cce_any(p, t, clip=False)),
        Mistake("you applied softmax to y_pred, but y_pred already holds probabilities: cross-entropy takes "
                "probabilities, only raw scores need softmax first", lambda p, t: _cce_any(softmax(as_floats(p)), t)),
        Mistake("that is a sum over the batch: use np.mean over the samples",
                lambda p, t: _cce_any(p, t) * len(as_floats(p))),
        Mistake("the mean was taken over every element (samples × classes): sum each row's loss first (only the "
                "true class counts), then average over samples",
                lambda p, t: float(np.mean(-np.log(_clip(p)) * np.eye(as_floats(p).shape[1])[
                    np.asarray(t) if np.asarray(t).ndim == 1 else np.argmax(t, axis=1)]))),
        Mistake("the loss needs a minus sign: -log(p) is positive, log(p) is negative",
                lambda p, t: -_cce_any(p, t)),
        Mistake("np.max(y_pred, axis=1) is the probability of the *predicted* class; the loss uses the probability "
                "of the *true* class, p[range(n), y_true]", lambda p, t: float(np.mean(-np.log(np.max(_clip(p), axis=1))))),
        Mistake("p[:, y_true] picks whole columns — an (n, n) matrix — not one entry per row: use "
                "p[np.arange(n), y_true] (or range(n)) to pick each sample's true-class probability",
                _cce_columns, why="Two index arrays pair up element by element; a slice with an index array "
                                  "takes every combination."),
        Mistake("integer labels (1-D) must work too: y_true * np.log(p) only fits one-hot targets — for labels pick "
                "p[np.arange(n), y_true] (check y_true.ndim)", _cce_one_hot_log),
        Mistake("np.argmax(y_true) without axis= gives one number for the whole array: turn one-hot targets into "
                "labels with np.argmax(y_true, axis=1)",
                lambda p, t: float(np.mean(-np.log(_clip(p)[np.arange(len(as_floats(p))),
                                                            np.argmax(t) if np.ndim(t) == 2 else np.asarray(t)])))),
        Mistake("the labels were shifted by one (y_true - 1): classes count from 0, so label k is column k — index "
                "with y_true itself", lambda p, t: float(np.mean(-np.log(_clip(p)[np.arange(len(as_floats(p))),
                                                                                _labels_of(t) - 1])))),
    ],
    mutation_fix=_COPY_FIX,
)


# ------------------------------------------------------------------------------ accuracy
def _accuracy_ref(y_pred, y_true) -> float:
    return ref.accuracy(y_pred, y_true)


# the largest score of the whole array sits at flat index 1, so argmax without axis= is not always wrong
_SCORES = np.array([[2.0, 7.0, 0.5], [0.1, 0.3, -2.0], [-1.0, -0.5, -3.0], [0.0, 4.0, 5.0]])
_SL = np.array([0, 1, 2, 2])

check_accuracy = Checker(
    name="accuracy",
    reference=_accuracy_ref,
    kind=NUMBER,
    verified="probabilities and raw scores, integer labels and one-hot targets",
    section=_ACCURACY,
    about="Accuracy is the fraction of samples whose predicted class (np.argmax over each row) equals the true "
          "class.",
    cases=[
        Case("the lesson's probabilities with labels [0, 1, 1]", (_P, _LABELS)),
        Case("the same with one-hot targets", (_P, _ONE_HOT),
             hint_if_fails="one-hot targets: turn them into labels with np.argmax(y_true, axis=1)"),
        Case("raw scores (4 samples) with labels [0, 1, 2, 2]", (_SCORES, _SL)),
        Case("4 samples (4 × 3 probabilities) with one-hot targets", (_P4, np.eye(3)[_L4])),
        Case("4 samples, labels [1, 0, 2, 1], one of them predicted wrongly (accuracy 0.75)",
             (np.array([[0.05, 0.9, 0.05], [0.7, 0.1, 0.2], [0.2, 0.1, 0.7], [0.6, 0.3, 0.1]]),
              np.array([1, 0, 2, 1]))),
    ],
    mistakes=[
        Mistake("probabilities were compared with the labels directly: take the predicted class with "
                "np.argmax(y_pred, axis=1) first", lambda p, t: float(np.mean(as_floats(p) == np.asarray(t)))),
        Mistake("probabilities were compared with the labels directly: take the predicted class with "
                "np.argmax(y_pred, axis=1) first",
                lambda p, t: float(np.mean(as_floats(p) == np.asarray(t).reshape(-1, 1)))),
        Mistake("one-hot targets must be turned into labels first: np.argmax(y_true, axis=1)",
                lambda p, t: float(np.mean(np.argmax(as_floats(p), axis=1) == np.asarray(t)))),
        Mistake("argmax over axis 0 picks a sample per class; the predicted class of each sample is "
                "np.argmax(y_pred, axis=1)",
                lambda p, t: float(np.mean(np.argmax(as_floats(p), axis=0) == (np.asarray(t) if np.asarray(t).ndim == 1
                                                                        else np.argmax(t, axis=1))))),
        Mistake("np.argmax without axis= returns one index for the whole flattened array: use "
                "np.argmax(y_pred, axis=1) for one prediction per sample",
                lambda p, t: float(np.mean(np.argmax(as_floats(p)) == (np.asarray(t) if np.asarray(t).ndim == 1
                                                              else np.argmax(t, axis=1))))),
        Mistake("that is the error rate (!=): accuracy counts where the prediction equals the label (==)",
                lambda p, t: float(np.mean(np.argmax(as_floats(p), axis=1) != (np.asarray(t) if np.asarray(t).ndim == 1
                                                                        else np.argmax(t, axis=1))))),
        Mistake("that counts correct samples: divide by the number of samples (np.mean does it)",
                lambda p, t: float(np.sum(np.argmax(as_floats(p), axis=1) == (np.asarray(t) if np.asarray(t).ndim == 1
                                                                       else np.argmax(t, axis=1))))),
        Mistake("np.max gives the largest probability itself, not its class: the predicted class is "
                "np.argmax(y_pred, axis=1)", lambda p, t: float(np.mean(np.max(as_floats(p), axis=1) == _labels_of(t)))),
        Mistake("np.argmin picks the least likely class: the prediction is the largest score, "
                "np.argmax(y_pred, axis=1)",
                lambda p, t: float(np.mean(np.argmin(as_floats(p), axis=1) == _labels_of(t)))),
        Mistake("the first sample was never counted (a loop from 1): Python counts from 0, so loop over "
                "range(len(y_true)) — or use np.mean(predictions == labels)",
                lambda p, t: float(np.sum(np.argmax(as_floats(p), axis=1)[1:] == _labels_of(t)[1:]) / len(as_floats(p)))),
        Mistake("rounding probabilities is not a prediction (a row whose largest probability is below 0.5 rounds to "
                "all zeros): the predicted class is np.argmax(y_pred, axis=1)",
                lambda p, t: float(np.mean(np.all(np.round(as_floats(p)) == np.eye(as_floats(p).shape[1])[_labels_of(t)],
                                                  axis=1)))),
    ],
)
