"""Checkers for lesson 08 (real data): ``standardize``, ``confusion_matrix`` and the debugged iris network
(``fixed_train_step``)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np

from utils import iris_net
from utils.checks.core import ARRAY, TUPLE, Case, Checker, CheckResult, Mistake, as_floats, fmt
from utils.data import standardize as _standardize_reference
from utils.metrics import confusion_matrix as _confusion_reference


# ------------------------------------------------------------------------------ standardize
def _scaled(X_train, X_other, mean_of, std_of, ddof=0, std0=1.0):
    """Scale with statistics of ``mean_of`` / ``std_of`` (arrays), per feature."""
    mean = as_floats(mean_of).mean(axis=0, keepdims=True)
    std = as_floats(std_of).std(axis=0, ddof=ddof, keepdims=True)
    if std0 is not None:
        std = np.where(std > 0, std, std0)
    return (as_floats(X_train) - mean) / std, (as_floats(X_other) - mean) / std


def _std_own_stats(X_train, X_other):
    return _scaled(X_train, X_train, X_train, X_train)[0], _scaled(X_other, X_other, X_other, X_other)[0]


def _std_combined(X_train, X_other):
    both = np.vstack([as_floats(X_train), as_floats(X_other)])
    return _scaled(X_train, X_other, both, both)


def _std_global(X_train, X_other):
    X_train, X_other = as_floats(X_train), as_floats(X_other)
    mean, std = X_train.mean(), X_train.std()
    return (X_train - mean) / std, (X_other - mean) / std


def _std_per_sample(X_train, X_other):
    def rows(X):
        X = as_floats(X)
        return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    return rows(X_train), rows(X_other)


def _std_centre_only(X_train, X_other):
    mean = as_floats(X_train).mean(axis=0)
    return as_floats(X_train) - mean, as_floats(X_other) - mean


def _std_by_variance(X_train, X_other):
    X_train, X_other = as_floats(X_train), as_floats(X_other)
    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    return (X_train - mean) / var, (X_other - mean) / var


def _std_nan(X_train, X_other):
    X_train, X_other = as_floats(X_train), as_floats(X_other)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


def _std_ddof1(X_train, X_other):
    return _scaled(X_train, X_other, X_train, X_train, ddof=1)


def _std_swapped(X_train, X_other):
    a, b = _standardize_reference(X_train, X_other)
    return b, a


def _std_minmax(X_train, X_other):
    X_train, X_other = as_floats(X_train), as_floats(X_other)
    low, span = X_train.min(axis=0), X_train.max(axis=0) - X_train.min(axis=0)
    span = np.where(span > 0, span, 1.0)
    return (X_train - low) / span, (X_other - low) / span


def _std_other_mean_train_std(X_train, X_other):
    X_train, X_other = as_floats(X_train), as_floats(X_other)
    std = np.where(X_train.std(axis=0) > 0, X_train.std(axis=0), 1.0)
    return (X_train - X_train.mean(axis=0)) / std, (X_other - X_other.mean(axis=0)) / std


def _constant_feature_zeroed(got) -> bool:
    """The other reading of "a constant feature gives 0": the constant feature set to 0 in *both* sets (the
    reference divides it by 1, so X_other keeps X_other - mean there). Everything else as the reference."""
    expected = _standardize_reference(_X_CONST, _X_CONST_OTHER)
    constant = _X_CONST.std(axis=0) == 0
    if not (isinstance(got, tuple) and len(got) == 2):
        return False
    for g, e in zip(got, expected, strict=True):
        g = np.asarray(g, dtype=float)
        if g.shape != e.shape or not np.allclose(g[:, ~constant], e[:, ~constant], rtol=1e-6, atol=1e-9):
            return False
        if not np.all(g[:, constant] == 0):
            return False
    return True


_SD = "(lesson 08, §1)"
_X_HAND = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
_rng = np.random.default_rng(8)
_X_TRAIN = _rng.normal(loc=[5.0, -2.0, 100.0], scale=[1.0, 0.5, 20.0], size=(20, 3))
_X_OTHER = _rng.normal(loc=[6.0, -1.0, 80.0], scale=[2.0, 1.0, 5.0], size=(6, 3))
_X_CONST = np.column_stack([_X_TRAIN[:8, :2], np.full(8, 4.0)])
_X_CONST_OTHER = np.column_stack([_X_OTHER[:3, :2], np.array([5.0, 4.0, 3.0])])

check_standardize = Checker(
    name="standardize",
    reference=_standardize_reference,
    kind=TUPLE,
    output_names=("X_train_scaled", "X_other_scaled"),
    verified="per-feature mean and std of X_train only, applied to both sets; a constant feature gives 0, not nan; "
             "inputs unchanged",
    cases=[
        Case("X_train [[1, 10], [3, 30], [5, 20]], X_other [[3, 20], [7, 0]] (means 3 and 20)",
             (_X_HAND, np.array([[3.0, 20.0], [7.0, 0.0]]))),
        Case("3 features on very different scales; X_other comes from shifted data",
             (_X_TRAIN, _X_OTHER)),
        Case("a feature that is constant (4.0) in X_train — its std is 0 — and 5, 4, 3 in X_other",
             (_X_CONST, _X_CONST_OTHER), valid=_constant_feature_zeroed,
             hint_if_fails="a feature with std 0 cannot be divided by its std: leave it centred (it becomes 0 in X_train, "
                           "and X_other - mean in X_other) by dividing by 1, e.g. std = np.where(std > 0, std, 1.0) " + _SD),
        Case("X_other is a single sample (1, 3)", (_X_TRAIN, _X_OTHER[:1])),
    ],
    mistakes=[
        Mistake("both sets must use the *training* mean and std: X_other was scaled with its own statistics, so it goes "
                "through a different transform than the data the network learned on (and needs statistics of the "
                "held-out set, which a deployed network never has) " + _SD,
                _std_own_stats),
        Mistake("the statistics came from X_train and X_other together: use X_train only " + _SD, _std_combined),
        Mistake("the mean and std must be per feature (axis=0), not of the whole array " + _SD, _std_global),
        Mistake("axis=1 takes statistics per sample (row): features are columns, so use axis=0 " + _SD,
                _std_per_sample),
        Mistake("centred but not scaled: also divide by the training std, so every feature has std 1 " + _SD,
                _std_centre_only),
        Mistake("divide by the standard deviation (np.std), not by the variance " + _SD, _std_by_variance),
        Mistake("a feature that is constant in X_train has std 0, and x / 0 is nan: replace a std of 0 by 1 (the "
                "feature is then just centred, giving 0) " + _SD, _std_nan),
        Mistake("that is the sample standard deviation (ddof=1); the course, like scikit-learn's StandardScaler, "
                "uses np.std's default ddof=0 " + _SD, _std_ddof1),
        Mistake("the two results are swapped: return (X_train_scaled, X_other_scaled) " + _SD, _std_swapped),
        Mistake("that is min-max scaling to [0, 1]; standardising subtracts the mean and divides by the std " + _SD,
                _std_minmax),
        Mistake("X_other was centred with its own mean: subtract the *training* mean from both sets " + _SD,
                _std_other_mean_train_std),
    ],
    mutation_hint="X_train -= mean changed the caller's array: compute new arrays ((X_train - mean) / std)",
)


# ------------------------------------------------------------------------------ confusion_matrix
def _cm_transposed(y_true, y_pred, n_classes):
    return _confusion_reference(y_true, y_pred, n_classes).T


def _cm_float(y_true, y_pred, n_classes):
    return _confusion_reference(y_true, y_pred, n_classes).astype(np.float64)


def _cm_fancy_index(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    matrix[np.asarray(y_true), np.asarray(y_pred)] += 1
    return matrix


def _cm_unique_size(y_true, y_pred, n_classes):
    k = int(max(np.max(y_true), np.max(y_pred))) + 1
    return _confusion_reference(y_true, y_pred, k)


def _cm_unique_count(y_true, y_pred, n_classes):
    k = len(np.unique(y_true))
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def _cm_row_fractions(y_true, y_pred, n_classes):
    cm = _confusion_reference(y_true, y_pred, n_classes).astype(np.float64)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


def _cm_diagonal_only(y_true, y_pred, n_classes):
    cm = _confusion_reference(y_true, y_pred, n_classes)
    return np.diag(np.diag(cm))


def _cm_one_based(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true) - 1, np.asarray(y_pred) - 1), 1)
    return matrix


def _cm_bincount_no_minlength(y_true, y_pred, n_classes):
    counts = np.bincount(np.asarray(y_true) * n_classes + np.asarray(y_pred))
    return counts.reshape(n_classes, n_classes)


def _cm_true_counts(y_true, y_pred, n_classes):
    return np.bincount(np.asarray(y_true), minlength=n_classes)


_CM = "(lesson 08, §1)"

_confusion_checker = Checker(
    name="confusion_matrix",
    reference=_confusion_reference,
    kind=ARRAY,
    verified="rows = true class, columns = predicted, repeated pairs all counted, classes that never occur, "
             "integer counts, inputs unchanged",
    cases=[
        Case("y_true [0, 0, 1, 1, 2, 2, 2], y_pred [0, 1, 1, 1, 2, 0, 2], 3 classes",
             (np.array([0, 0, 1, 1, 2, 2, 2]), np.array([0, 1, 1, 1, 2, 0, 2]), 3)),
        Case("4 classes where class 3 never occurs (the matrix is still 4 × 4)",
             (np.array([0, 1, 2, 2, 1, 0]), np.array([1, 1, 2, 0, 1, 0]), 4)),
        Case("50 random labels of 5 classes", (np.random.default_rng(5).integers(0, 5, 50),
                                                np.random.default_rng(6).integers(0, 5, 50), 5)),
    ],
    mistakes=[
        Mistake("the matrix is transposed: rows are the true class and columns the predicted class, "
                "matrix[true, predicted] += 1 " + _CM, _cm_transposed),
        Mistake("matrix[y_true, y_pred] += 1 counts a repeated (true, predicted) pair only once (numpy applies the "
                "+= once per distinct index): loop over the pairs, or use np.add.at(matrix, (y_true, y_pred), 1) "
                + _CM, _cm_fancy_index),
        Mistake("the matrix must be n_classes × n_classes, even when some class never appears in y_true or y_pred "
                + _CM, _cm_unique_size),
        Mistake("the matrix must be n_classes × n_classes: np.unique only sees the classes that occur " + _CM,
                _cm_unique_count),
        Mistake("these are fractions per row; the confusion matrix holds counts (integers) " + _CM, _cm_row_fractions),
        Mistake("only the diagonal (correct predictions) was counted: a mistake of true class i predicted as j "
                "goes in row i, column j " + _CM, _cm_diagonal_only),
        Mistake("the labels already start at 0: class k is row and column k, no -1 " + _CM, _cm_one_based),
        Mistake("np.bincount needs minlength=n_classes * n_classes, or the counts are too few to reshape when the "
                "last classes never occur " + _CM, _cm_bincount_no_minlength),
        Mistake("that counts the samples per true class; the matrix also needs the predicted class: "
                "matrix[true, predicted] += 1 " + _CM, _cm_true_counts),
    ],
    mutation_hint="your function changed y_true or y_pred: read the labels, never change them",
)


class _IntegerCounts:
    """``check_confusion_matrix``: the values must match, and (because they are counts) the dtype must be an
    integer; a float matrix that is right in value fails with the float-dtype hint."""

    name = "confusion_matrix"

    def __init__(self, checker: Checker):
        self.checker = checker
        self.reference = checker.reference
        self.cases = checker.cases
        self.mistakes = checker.mistakes

    def __call__(self, student_fn) -> CheckResult:
        if callable(student_fn):
            case = self.cases[0]
            try:
                with np.errstate(all="ignore"):
                    got = student_fn(*copy.deepcopy(case.args))
            except Exception:  # noqa: BLE001 — the full checker reports errors in its own words
                got = None
            expected = self.reference(*copy.deepcopy(case.args))
            if (isinstance(got, np.ndarray) and got.shape == expected.shape and np.issubdtype(got.dtype, np.floating)
                    and np.array_equal(got, expected)):
                hint = ("counts are whole numbers: create the matrix with np.zeros((n_classes, n_classes), dtype=int) "
                        + _CM)
                problem = f"the counts have dtype {got.dtype}, expected an integer dtype"
                line = (f'✗ check_{self.name} — case "{case.label}": {problem}; expected {fmt(expected)}, '
                        f"got {fmt(got)}. Hint: {hint}")
                print(line)
                return CheckResult(self.name, False, len(self.cases), line, case.label, hint, problem)
        return self.checker(student_fn)


check_confusion_matrix = _IntegerCounts(_confusion_checker)


# ------------------------------------------------------------------------------ the debugged iris network
def _buggy_step(update_early=False, global_max=False, loss_on_logits=False, loss_after=False):
    """``iris_net.train_step`` with any of the lesson's three bugs switched on."""
    def softmax(logits):
        shift = np.max(logits) if global_max else np.max(logits, axis=1, keepdims=True)
        exps = np.exp(logits - shift)
        return exps / np.sum(exps, axis=1, keepdims=True)

    def step(params, X, y, learning_rate):
        hidden, logits = iris_net.forward(params, X)
        probs = softmax(logits)
        loss_before = iris_net.cross_entropy(logits if loss_on_logits else probs, y)
        dlogits = probs.copy()
        dlogits[np.arange(len(y)), y] -= 1
        dlogits /= len(y)
        dW2, db2 = hidden.T @ dlogits, dlogits.sum(axis=0, keepdims=True)
        if update_early:  # bug 1: the update happens before dhidden is computed from W2
            params["W2"] -= learning_rate * dW2
            params["b2"] -= learning_rate * db2
        dhidden = (dlogits @ params["W2"].T) * (hidden > 0)
        if not update_early:
            params["W2"] -= learning_rate * dW2
            params["b2"] -= learning_rate * db2
        params["W1"] -= learning_rate * X.T @ dhidden
        params["b1"] -= learning_rate * dhidden.sum(axis=0, keepdims=True)
        if loss_after:
            return iris_net.loss(params, X, y)
        return loss_before
    return step


def _net_params(seed, w2_scale):
    params = iris_net.init_params(seed)
    params["W2"] *= w2_scale  # livelier than the 0.01 start, so every bug changes the numbers visibly
    params["b1"] += 0.1 * np.random.default_rng(seed + 100).standard_normal(params["b1"].shape)
    return params


class _Params:
    """A seeded recipe for a fresh parameter dict (the step updates it in place)."""

    def __init__(self, seed, w2_scale=50.0):
        self.seed, self.w2_scale = seed, w2_scale

    def __call__(self):
        return _net_params(self.seed, self.w2_scale)

    def __repr__(self) -> str:
        return f"init_params({self.seed})"


def _loss_out(value):
    from utils.checks.core import _is_number

    return np.asarray(float(value)) if _is_number(value) else value


def _net_one_step(step, make_params, X, y, learning_rate):
    params = make_params()
    loss = step(params, X, y, learning_rate)
    return (_loss_out(loss), *(np.asarray(params[k]) for k in ("W1", "b1", "W2", "b2")))


def _net_two_steps(step, make_params, X, y, learning_rate):
    params = make_params()
    step(params, X, y, learning_rate)
    loss = step(params, X, y, learning_rate)
    return (_loss_out(loss), *(np.asarray(params[k]) for k in ("W1", "b1", "W2", "b2")))


def _exact_loss_is_valid(make_params, X, y, learning_rate) -> Callable:
    """Cross-entropy taken exactly (log-softmax, no clipping) is right too: the loss may be the clipped reference's
    or the exact one (they differ only where a probability is below 1e-7), the updated parameters must be the
    reference's (clipping never changes the gradient)."""
    def valid(got) -> bool:
        params = make_params()
        _, logits = iris_net.forward(params, X)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exact = float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]))
        expected = _net_one_step(iris_net.train_step, make_params, X, y, learning_rate)
        if not (isinstance(got, tuple) and len(got) == len(expected)):
            return False
        loss_ok = math.isclose(float(np.asarray(got[0])), exact, rel_tol=1e-6, abs_tol=1e-9)
        return loss_ok and all(np.allclose(np.asarray(g, dtype=float), e, rtol=1e-6, atol=1e-9)
                               for g, e in zip(got[1:], expected[1:], strict=True))
    return valid


_NET = "(lesson 08, §2)"
_BUG1 = ("W2 is updated before the gradient is passed back: dhidden = dlogits @ W2.T must use the weights of the "
         "forward pass, so compute every gradient first and update afterwards")
_BUG2 = ("softmax subtracts the maximum of the whole batch: one sample with huge logits (here a flower measured in "
         "the wrong unit) turns every other row into exp(-big) = 0 and 0 / 0 = nan; subtract each row's own maximum "
         "(np.max(logits, axis=1, keepdims=True))")
_BUG3 = ("the loss is cross-entropy of the raw logits: apply softmax first (the loss at initialisation must be close "
         "to ln 3 = 1.0986)")
_rng_net = np.random.default_rng(11)
_NET_X = _rng_net.standard_normal((12, 4))
_NET_Y = np.arange(12) % 3
_NET_X_OUTLIER = _NET_X.copy()
_NET_X_OUTLIER[2] *= 1000.0  # its logits end up ~1400 above every other row's

check_fixed_train_step = Checker(
    name="fixed_train_step",
    reference=iris_net.train_step,
    kind=TUPLE,
    output_names=("the returned loss", "W1 after the step", "b1 after the step", "W2 after the step",
                  "b2 after the step"),
    verified="the loss is cross-entropy of softmax probabilities, taken before the update; the hidden layer's "
             "gradient uses the weights of the forward pass; softmax stays finite when one sample has huge logits; "
             "two steps in a row",
    cases=[
        Case("12 standardised flowers, learning rate 0.5", (_Params(1), _NET_X, _NET_Y, 0.5),
             driver=_net_one_step),
        Case("the same flowers, but the third one measured in the wrong unit (1000× larger)",
             (_Params(2), _NET_X_OUTLIER, _NET_Y, 0.01), driver=_net_one_step,
             valid=_exact_loss_is_valid(_Params(2), _NET_X_OUTLIER, _NET_Y, 0.01)),
        Case("two steps in a row, learning rate 0.5", (_Params(3), _NET_X, _NET_Y, 0.5), driver=_net_two_steps),
    ],
    mistakes=[
        Mistake("two bugs are left. (1) " + _BUG3 + "; (2) " + _BUG1 + " " + _NET,
                _buggy_step(update_early=True, loss_on_logits=True)),
        Mistake(_BUG1 + " " + _NET, _buggy_step(update_early=True)),
        Mistake(_BUG3 + " " + _NET, _buggy_step(loss_on_logits=True)),
        Mistake(_BUG2 + " " + _NET, _buggy_step(global_max=True)),
        Mistake("return the loss of this step's forward pass, before the update " + _NET, _buggy_step(loss_after=True)),
    ],
    mutation_hint="X and y are the data: read them, never change them (params is what the step updates)",
)
