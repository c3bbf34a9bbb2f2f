"""Relations between the learner's output and the expected one, each a verifiable claim (``Diagnosis.predict``):
a constant factor (named when it is an argument or a size), a sign, an offset by an argument, rounding, values
in the wrong places (transpose, reverse), a log, normalised over the wrong axis, the right function of a scaled
input, arguments swapped or one used for another."""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from utils.checks.claims import Diagnosis, Fit, _Context
from utils.checks.compare import _close, _float
from utils.checks.result import _g


# ------------------------------------------------------------------------------ predictions (the claims)
# Each relation below carries ``predict(expected, args, case)``: what the learner's function returns on a case if
# the relation is the cause. The checker evaluates it on every case (``claims.claim_holds``).
def _arr(e: Any) -> np.ndarray:
    return np.asarray(e, dtype=np.float64)


def _arg_array(value: Any) -> np.ndarray:
    arr = _arr(value)
    return arr.reshape(-1) if arr.ndim == 1 else arr


def _factor_value(key: str, args: dict) -> float | None:
    """The named factor ``key`` (rows, 1/`h`, 2, ...) on a case with these arguments, or None where it is not
    defined (a one-row batch has no "× rows")."""
    for k, value, _, _ in _factor_names(_Context(dict(args), [])):
        if k == key:
            return value
    return None


def _times(factor: Callable[[dict], float | None]) -> Callable:
    def predict(expected: Any, args: dict, case: Any) -> Any:
        c = factor(args)
        return None if c is None else c * _arr(expected)
    return predict


def _plus(term: Callable[[dict, Any], Any]) -> Callable:
    def predict(expected: Any, args: dict, case: Any) -> Any:
        return _arr(expected) + term(args, expected)
    return predict


def _log_of_expected(expected: Any, args: dict, case: Any) -> Fit:
    e = _arr(expected)
    tiny = e < 1e-12

    def test(got: Any) -> bool:
        g = _float(got)
        return (g is not None and g.shape == e.shape and bool(np.all(e >= 0)) and _close(g[~tiny], np.log(e[~tiny]))
                and bool(np.all(g[tiny] < math.log(1e-12))))
    return Fit(test)


def _apply(fn: Callable[[np.ndarray], Any]) -> Callable:
    def predict(expected: Any, args: dict, case: Any) -> Any:
        return fn(_arr(expected))
    return predict


def _reference_of(reference: Callable | None, change: Callable[[list], list | None]) -> Callable | None:
    """The reference run on changed arguments (an input scaled, two arguments swapped)."""
    if reference is None:
        return None

    def predict(expected: Any, args: dict, case: Any) -> Any:
        if case is None or getattr(case, "driver", None) is not None:
            return None
        changed = change(list(copy.deepcopy(case.args)))
        return None if changed is None else reference(*changed, **copy.deepcopy(case.kwargs))
    return predict


def _scale_arg(args: list, index: int, c: float) -> list | None:
    if index >= len(args) or not isinstance(args[index], np.ndarray):
        return None
    args[index] = _arr(args[index]) * c
    return args


def _swap_args(args: list, i: int, j: int, swap: bool) -> list | None:
    if max(i, j) >= len(args) or np.shape(args[i]) != np.shape(args[j]):
        return None
    if swap:
        args[i], args[j] = args[j], args[i]
    else:
        args[j] = copy.deepcopy(args[i])
    return args


def _where(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _difference_note(expected: Any, got: Any) -> str:
    """Where the largest |difference| is, for values that print alike."""
    e, g = _float(expected), _float(got)
    if e is None or g is None or e.shape != g.shape or e.size == 0:
        return ""
    diff = np.abs(g - e)
    if not np.all(np.isfinite(diff)):
        return ""
    i = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    at = f" at {_where(i)}" if diff.ndim else ""
    return (f" (they agree to the digits shown: the largest |difference| is {diff[i]:.3g}{at}, "
            f"expected {e[i]:.10g}, got {g[i]:.10g})")


def _factor_names(ctx: _Context) -> list[tuple[str, float, str, str]]:
    """Recognised constant factors: (key, value, what it is, the fix)."""
    names: list[tuple[str, float, str, str]] = []
    for name, arr in ctx.arrays():
        rows = arr.shape[0]
        cols = arr.shape[-1] if arr.ndim >= 2 else 0
        if rows > 1:
            names.append(("rows", rows, f"the number of rows of `{name}` ({rows}, its samples)",
                          "a sum over the samples where a mean is needed: divide by the number of samples "
                          "(np.mean does it)"))
            names.append(("1/rows", 1 / rows, f"1 / the number of rows of `{name}` (1/{rows})",
                          "divided by the number of samples once too often (or a mean where a sum is needed): "
                          "divide by n only where the formula does"))
        if cols > 1 and cols != rows:
            names.append(("cols", cols, f"the number of columns of `{name}` ({cols})",
                          "a sum over the columns where a mean over them is needed"))
            names.append(("1/cols", 1 / cols, f"1 / the number of columns of `{name}` (1/{cols})",
                          "divided by the number of columns: average over the samples (rows) only, after "
                          "summing each row"))
            names.append(("rows/cols", rows / cols, f"(rows / columns of `{name}`) = {rows}/{cols}",
                          "divided by the number of columns (classes or outputs) instead of the number of rows "
                          "(samples): use len(...) or .shape[0]"))
        if arr.ndim >= 2 and arr.size not in (rows, cols):
            names.append(("size", arr.size, f"the number of elements of `{name}` ({arr.size})",
                          "a sum over every element where a mean is needed"))
            names.append(("1/size", 1 / arr.size, f"1 / the number of elements of `{name}` (1/{arr.size})",
                          "a mean over every element (samples × columns): sum each sample's terms first, "
                          "then average over the samples"))
            names.append(("rows/size", rows / arr.size, f"(rows / elements of `{name}`) = {rows}/{arr.size}",
                          "divided by the number of elements (.size) instead of the number of rows (samples): "
                          "use len(...) or .shape[0]"))
        break  # the first array argument is the batch
    for name, v in ctx.scalars():
        if v in (0.0, 1.0, -1.0) or not math.isfinite(v):
            continue
        names += [(f"{name}", v, f"the value of `{name}` ({_g(v)})",
                   f"`{name}` was multiplied in where it does not belong"),
                  (f"1/{name}", 1 / v, f"1 / `{name}` (1/{_g(v)})", f"something was divided by `{name}` once too often"),
                  (f"{name}^2", v * v, f"`{name}`² ({_g(v * v)})",
                   f"`{name}` entered twice: note that a / 2 * {name} is (a / 2) * {name}; write a / (2 * {name})")]
    names += [("2", 2.0, "2", "look for a 2 that does not belong (or a missing / 2) in your formula"),
              ("1/2", 0.5, "½", "look for an extra / 2 (or a missing factor of 2) in your formula"),
              ("100", 100.0, "100", "that is a percentage: return the fraction (between 0 and 1), without * 100"),
              ("log2", 1 / math.log(2), "1/ln 2 = 1.4427",
               "that is a base-2 logarithm (np.log2): the formula uses the natural logarithm np.log"),
              ("log10", 1 / math.log(10), "1/ln 10 = 0.4343",
               "that is a base-10 logarithm (np.log10): the formula uses the natural logarithm np.log")]
    return names


def _factor(got: np.ndarray, expected: np.ndarray) -> float | None:
    """c when got ≈ c · expected everywhere (c ≠ 1), else None."""
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    if scale == 0.0:
        return None
    big = np.abs(expected) > 1e-9 * scale
    ratios = got[big] / expected[big]
    c = float(np.median(ratios))
    if not math.isfinite(c) or c == 0 or math.isclose(c, 1.0, rel_tol=1e-6):
        return None
    if np.allclose(ratios, c, rtol=1e-5, atol=0) and np.allclose(got[~big], 0, atol=1e-9 * abs(c) * scale):
        return c
    return None


def _diagnose_factor(got: np.ndarray, expected: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    c = _factor(got, expected)
    if c is None:
        return None
    if math.isclose(c, -1.0, rel_tol=1e-6):
        return Diagnosis(f"{what} has the right size but the opposite sign: a sign is flipped (a missing minus, "
                         "or a - b where b - a is meant)",
                         "Every value equals minus the right one, so the formula is right up to one sign.",
                         "sign", predict=_times(lambda a: -1.0))
    sign = "minus " if c < 0 else ""
    found = [entry for entry in _factor_names(ctx) if math.isclose(abs(c), entry[1], rel_tol=1e-5)]
    keys = [entry[0] for entry in found]
    confirmed = 0
    for other_got, other_expected, other_args in ctx.others:  # the factor must have the same name everywhere
        g, e = _float(other_got), _float(other_expected)
        if g is None or e is None or g.shape != e.shape:
            continue
        c_other = _factor(g, e)
        if c_other is None:
            continue
        other_ctx = _Context(dict(other_args), [])
        other_keys = {k for k, v, _, _ in _factor_names(other_ctx) if math.isclose(abs(c_other), v, rel_tol=1e-3)}
        keys = [k for k in keys if k in other_keys]
        confirmed += 1
    for key, _value, name, fix in found:
        if key in keys:
            weak = got.size == 1 and key in ("2", "1/2") and not confirmed
            return Diagnosis(f"{what} is exactly {sign}{name} × the right answer: {fix}",
                             f"Every value is off by the same factor {_g(c)}, so the shape of the computation is "
                             "right and one constant is not.", "factor", weak,
                             predict=_times(lambda a, key=key, s=(-1.0 if c < 0 else 1.0): s * _factor_value(key, a)))
    if got.size > 1 and np.count_nonzero(expected) > 1:
        return Diagnosis(f"every value of {what} is {_g(c)} × the right one: a constant factor is wrong "
                         "(look for a number or a division that does not belong)",
                         "A single wrong constant scales every value by the same amount.", "factor", True,
                         predict=_times(lambda a, c=c: c))
    return None


def _diagnose_offset(got: np.ndarray, expected: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    d = got - expected
    for name, v in ctx.scalars():
        if v == 0:
            continue
        for k, words in ((-1, "is missing: add it once"), (1, "was added twice: add it once"),
                         (-2, "was subtracted: add it")):
            if np.allclose(d, k * v, rtol=1e-6, atol=1e-9):
                return Diagnosis(f"{what} is off by exactly {k:+d} × `{name}`: `{name}` "
                                 f"{words}", f"Everything except `{name}` is right.", "offset",
                                 predict=_plus(lambda a, e, name=name, k=k: k * float(a[name])))
        for arr_name, arr in ctx.arrays():
            n = arr.shape[0]
            if n > 1 and np.allclose(d, (n - 1) * v, rtol=1e-6, atol=1e-9):
                return Diagnosis(f"{what} has `{name}` added {n} times, once per element of `{arr_name}` "
                                 f"(inside the loop): add it once, after the loop",
                                 f"The sum runs over the {n} elements, but `{name}` belongs to the neuron, "
                                 "not to each input.", "offset",
                                 predict=_plus(lambda a, e, name=name, arr_name=arr_name: (len(a[arr_name]) - 1) * float(a[name])))
    for name, arr in ctx.arrays():
        if arr.ndim == 0 or arr.size < 1:
            continue
        with contextlib.suppress(ValueError):
            b = np.broadcast_to(arr.reshape(-1) if arr.ndim == 1 else arr, d.shape)
            if np.any(b != 0):
                if np.allclose(d, -b, rtol=1e-6, atol=1e-9):
                    return Diagnosis(f"{what} is off by exactly `{name}`: `{name}` is missing — add it",
                                     f"Everything except the `{name}` term is right.", "offset",
                                     predict=_plus(lambda a, e, name=name: -np.broadcast_to(_arg_array(a[name]), np.shape(e))))
                if np.allclose(d, b, rtol=1e-6, atol=1e-9):
                    return Diagnosis(f"{what} has `{name}` added twice: add it once",
                                     f"Everything except the `{name}` term is right.", "offset",
                                     predict=_plus(lambda a, e, name=name: np.broadcast_to(_arg_array(a[name]), np.shape(e))))
    if d.size == 1 and abs(float(d)) > 1e-9 and ctx.others:
        same = [np.allclose(_float(g) - _float(e), d, rtol=1e-6, atol=1e-9) for g, e, _ in ctx.others
                if _float(g) is not None and _float(e) is not None and np.shape(g) == np.shape(e)]
        if same and all(same):
            return Diagnosis(f"{what} is off by the same {_g(float(d))} in every case: a constant term is added or "
                             "missing", "The same amount is added to every result, so one term of the formula is "
                             "wrong.", "offset", predict=_plus(lambda a, e, d=float(d): d))
    if d.size > 1 and np.allclose(d, d.flat[0], rtol=1e-6, atol=1e-9) and abs(float(d.flat[0])) > 1e-9:
        return Diagnosis(f"every value of {what} is off by the same {_g(float(d.flat[0]))}: a constant term is "
                         "added or missing", "The same amount is added to every value, so one term of the "
                         "formula is wrong.", "offset", True, predict=_plus(lambda a, e, d=float(d.flat[0]): d))
    return None


def _diagnose_rounding(got_raw: Any, got: np.ndarray, expected: np.ndarray, ctx: _Context,
                       what: str) -> Diagnosis | None:
    fractional = not np.allclose(expected, np.round(expected), atol=1e-12)
    is_int = (isinstance(got_raw, int | np.integer) and not isinstance(got_raw, bool)) or (
        isinstance(got_raw, np.ndarray) and np.issubdtype(got_raw.dtype, np.integer))
    int_inputs = [name for name, value in ctx.args.items()
                  if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer)
                  and value.shape == got.shape and got.ndim > 0]
    if is_int and fractional:
        if int_inputs:
            return Diagnosis(f"{what} has an integer dtype because `{int_inputs[0]}` is an integer array, so the "
                             f"fractions were cut off: convert first with {int_inputs[0]} = "
                             f"np.asarray({int_inputs[0]}, dtype=float)",
                             "numpy keeps the dtype of its input: arithmetic written back into an integer array "
                             "(z.copy(), z[...] = ...) rounds toward zero.", "dtype")
        if isinstance(got_raw, np.ndarray) and got_raw.ndim > 0:
            return Diagnosis(f"{what} has integer dtype {got_raw.dtype}, so the fractions were cut off: .astype(int), "
                             "`//`, or an array made from an integer one (np.zeros_like of integer input) keeps only "
                             "whole numbers — keep floats (np.zeros(shape), np.asarray(x, dtype=float), `/`)",
                             "An integer array cannot hold 0.5; numpy truncates toward zero when it stores one.",
                             "dtype")
        return Diagnosis(f"{what} is an integer, so the fraction was cut off: `//` is integer division and int() "
                         "truncates — use `/` and keep floats",
                         "An integer cannot hold 0.75; Python's // and int() throw the fraction away.", "dtype")
    if not fractional:
        return None

    def everywhere(rounding: Callable[[np.ndarray], np.ndarray]) -> bool:
        """The same rounding must explain the other failing cases (one number can be whole by chance)."""
        for other_got, other_expected, _ in ctx.others:
            g, e = _float(other_got), _float(other_expected)
            if g is not None and e is not None and g.shape == e.shape and not _close(g, rounding(e), 0, 1e-6):
                return False
        return True

    if got.size and np.all(np.isfinite(got)) and np.allclose(got, np.round(got), atol=1e-12):
        for fn, words in ((np.floor, "floor division `//` or np.floor"), (np.trunc, "int() or .astype(int)"),
                          (np.round, "round() or np.round")):
            if np.allclose(got, fn(expected), atol=1e-12) and everywhere(fn):
                return Diagnosis(f"{what} was rounded to whole numbers — {words} drops the fraction: use `/` "
                                 "and keep the full float value",
                                 "The checker compares with the exact value; rounding belongs in a print, "
                                 "not in the function.", "dtype", predict=_apply(fn))
    for k in range(1, 7):
        rounded = np.round(expected, k)
        if not np.allclose(expected, rounded, rtol=1e-12, atol=1e-15) and np.allclose(got, rounded, rtol=0,
                                                                                       atol=1e-12) and everywhere(
                lambda e, k=k: np.round(e, k)):
            return Diagnosis(f"{what} was rounded to {k} decimal{'s' if k > 1 else ''} (round(x, {k}) or "
                             f"np.round): return the full value and round only when you print it",
                             "Rounding loses digits that later steps (and the checker) need.", "dtype",
                             predict=_apply(lambda e, k=k: np.round(e, k)))
    if isinstance(got_raw, np.ndarray) and got_raw.dtype == np.float32 and all(
            not (isinstance(v, np.ndarray) and v.dtype == np.float32) for v in ctx.args.values()):
        return Diagnosis(f"{what} is float32, which keeps only about 7 digits: compute in float64 (the default)",
                         "float32 rounds every value to about 7 significant digits.", "dtype")
    return None


def _diagnose_places(got: np.ndarray, expected: np.ndarray, what: str,
                     others: Sequence = ()) -> Diagnosis | None:
    """The right values, in the wrong places (a reordering must reorder the other failing cases alike)."""
    def everywhere(move: Callable[[np.ndarray], np.ndarray]) -> bool:
        for other_got, other_expected, _ in others:
            g, e = _float(other_got), _float(other_expected)
            if g is None or e is None or g.shape != e.shape or g.ndim < got.ndim:
                continue
            if not _close(move(g), e):
                return False
        return True

    if got.ndim == 2 and got.shape[0] == got.shape[1] and got.shape[0] > 1 and _close(got.T, expected):
        return Diagnosis(f"{what} is transposed: rows and columns are swapped — check the order of a matrix "
                         "product (a @ b vs b @ a) or a stray .T",
                         "Each value is right but sits at [j, i] instead of [i, j].", "transpose",
                         predict=_apply(lambda e: e.T if e.ndim == 2 else None))
    if got.size < 2 or not _close(np.sort(got.ravel()), np.sort(expected.ravel())):
        return None
    if len(np.unique(np.round(expected, 9))) < max(3, expected.size // 2):
        return None  # few distinct values (0s and 1s): a sorted match says nothing about places
    if got.ndim >= 1 and _close(got[::-1], expected) and everywhere(lambda a: a[::-1]):
        return Diagnosis(f"{what} is in reverse order (along the first axis): check the loop's index or a [::-1]",
                         "The values are right but listed backwards.", "order",
                         predict=_apply(lambda e: e[::-1] if e.ndim >= 1 else None))
    if got.ndim == 2 and _close(got[:, ::-1], expected) and everywhere(lambda a: a[:, ::-1]):
        return Diagnosis(f"the columns of {what} are in reverse order: check the column index",
                         "The values are right but each row is listed backwards.", "order",
                         predict=_apply(lambda e: e[:, ::-1] if e.ndim == 2 else None))
    if got.ndim == 2:
        rows_e = {tuple(np.round(r, 9)) for r in expected}
        if all(tuple(np.round(r, 9)) in rows_e for r in got):
            return Diagnosis(f"the rows of {what} are right but in the wrong order: row i of the result must come "
                             "from sample i — check which index the loop writes to",
                             "Each row you returned is a right row, at the wrong position.", "order")
        cols_e = {tuple(np.round(c, 9)) for c in expected.T}
        if all(tuple(np.round(c, 9)) in cols_e for c in got.T):
            return Diagnosis(f"the columns of {what} are right but in the wrong order: check the column index "
                             "(or the order of the weights)",
                             "Each column you returned is a right column, at the wrong position.", "order")
    return Diagnosis(f"{what} holds the right values in the wrong places: an index, an axis or an order is "
                     "mixed up (check the loop indices and any axis= argument)",
                     "Sorted, your values equal the expected ones, so only their positions are wrong.", "order")


def _diagnose_log(got: np.ndarray, expected: np.ndarray, what: str) -> Diagnosis | None:
    tiny = expected < 1e-12  # log of an underflowed probability: very negative, not comparable
    if (expected.size and np.all(expected >= 0) and not tiny.all() and _close(got[~tiny], np.log(expected[~tiny]))
            and np.all(got[tiny] < math.log(1e-12))):
        return Diagnosis(f"{what} is the logarithm of the right answer (log-probabilities): return the values "
                         "themselves — drop the final np.log (or apply np.exp)",
                         "Every value equals log of the right one, so the formula is right up to a last log.",
                         "log", predict=_log_of_expected)
    return None


def _diagnose_normalised(got: np.ndarray, expected: np.ndarray, what: str) -> Diagnosis | None:
    if got.ndim == 0 or np.any(got < -1e-12) or np.any(expected < -1e-12):
        return None
    exp_rows = np.allclose(expected.sum(axis=-1), 1.0, atol=1e-6)
    if not exp_rows:
        return None
    if np.isclose(got.sum(), 1.0, atol=1e-6) and got.ndim >= 1 and expected.ndim >= 1 and expected.size > \
            expected.shape[-1]:
        return Diagnosis(f"{what} was normalised over the whole array (all values together sum to 1): normalise each "
                         "row on its own with .sum(axis=-1, keepdims=True)",
                         "Each row is one sample and must sum to 1 by itself; dividing by the sum of the whole "
                         "batch mixes samples.", "axis")
    if expected.ndim >= 1 and np.all(expected > 0):
        ratio = got / expected
        per_row = ratio / ratio[..., :1]
        if np.allclose(per_row, 1.0, rtol=1e-6) and not np.allclose(got.sum(axis=-1), 1.0, atol=1e-6):
            return Diagnosis(f"each row of {what} is the right row times its own factor: the rows do not sum to 1 — "
                             "divide each row by its own sum, e / e.sum(axis=-1, keepdims=True)",
                             "Normalising makes each row a probability distribution; a row divided by the wrong "
                             "number (or not divided) is only proportional to it.", "axis")
    if got.ndim == 2 and np.allclose(got.sum(axis=0), 1.0, atol=1e-6):
        return Diagnosis(f"{what} was normalised down the columns (axis=0): each column sums to 1, but each row "
                         "should — use axis=-1 (the last axis) with keepdims=True",
                         "Rows are samples: the sum that normalises a sample runs along its row, axis=-1.", "axis")
    return None




def _diagnose_scaled_input(got: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    """got equals the right function of a scaled first input (tanh(z/2), sigmoid(-z))."""
    if ctx.reference is None or ctx.case is None or ctx.case.driver is not None:
        return None
    names = list(ctx.args)
    first = next((i for i, n in enumerate(names) if isinstance(ctx.args[n], np.ndarray)), None)
    if first is None:
        return None
    for c, words in ((-1.0, "-z (the sign of the input is flipped)"), (0.5, "z / 2"), (2.0, "2 * z")):
        args = list(copy.deepcopy(ctx.case.args))
        args[first] = np.asarray(args[first], dtype=np.float64) * c
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.suppress(Exception):
            warnings.simplefilter("ignore")
            out = ctx.reference(*args, **copy.deepcopy(ctx.case.kwargs))
            if _close(got, out, rtol=1e-6, atol=1e-9):
                arg = names[first]
                return Diagnosis(f"{what} is the right function evaluated at {words.replace('z', arg)}: check the "
                                 f"factor or sign applied to `{arg}` inside your formula",
                                 "The outer formula is right, but it receives a scaled input.", "scale",
                                 predict=_reference_of(ctx.reference, lambda args, first=first, c=c: _scale_arg(args, first, c)))
    return None


def _diagnose_swapped_args(got: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    """got equals the reference with two arguments swapped, or with one argument used in place of another."""
    if ctx.reference is None or ctx.case is None or ctx.case.driver is not None:
        return None
    names = list(ctx.args)[:len(ctx.case.args)]
    arrays = [i for i, n in enumerate(names) if isinstance(ctx.case.args[i], np.ndarray)]
    for i, j in itertools.permutations(arrays, 2):
        a, b = ctx.case.args[i], ctx.case.args[j]
        if a.shape != b.shape:
            continue
        tries = []
        if i < j:
            swapped = list(copy.deepcopy(ctx.case.args))
            swapped[i], swapped[j] = swapped[j], swapped[i]
            tries.append((swapped, f"`{names[i]}` and `{names[j]}` are swapped: check the order in which you use them"))
        replaced = list(copy.deepcopy(ctx.case.args))
        replaced[j] = copy.deepcopy(a)
        tries.append((replaced, f"`{names[i]}` was used where `{names[j]}` belongs (`{names[j]}` is never used)"))
        for args, words in tries:
            with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.suppress(Exception):
                warnings.simplefilter("ignore")
                out = ctx.reference(*args, **copy.deepcopy(ctx.case.kwargs))
                right = ctx.reference(*copy.deepcopy(ctx.case.args), **copy.deepcopy(ctx.case.kwargs))
                if _close(got, out) and not _close(out, right):
                    return Diagnosis(f"{what} is what the right formula gives when {words}",
                                     "The formula is right but is fed the wrong argument.", "args",
                                     predict=_reference_of(ctx.reference, lambda args, i=i, j=j, swap=i < j and 'swapped' in words:
                                                           _swap_args(args, i, j, swap)))
    return None


