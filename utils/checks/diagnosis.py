"""The diagnosis layer (``diagnose``), generic for every checker: how *got* relates to *expected* on one case —
the type and shape of what came back, NaN/inf, and then the relations (``relations``), the places (``localise``)
and the exceptions (``exceptions``). Each finding is a ``Diagnosis``; the checker verifies claims on every case."""

from __future__ import annotations

import contextlib
import itertools
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from utils.checks.claims import Diagnosis, Part, _Context
from utils.checks.compare import ARRAY, TUPLE, _close, _float, _shape_words, compare
from utils.checks.exceptions import _diagnose_raised
from utils.checks.learner import _alias_written_into, _Raised, _short
from utils.checks.localise import _describe_mask, _diagnose_elements, _mask_tests
from utils.checks.relations import (
    _diagnose_factor,
    _diagnose_log,
    _diagnose_normalised,
    _diagnose_offset,
    _diagnose_places,
    _diagnose_rounding,
    _diagnose_scaled_input,
    _diagnose_swapped_args,
)


class _NoCase:
    rtol, atol, driver, args, kwargs = 1e-6, 1e-9, None, (), {}


_NO_CASE = _NoCase()


def _all_zeros(what: str, fn: Callable | None) -> Diagnosis:
    """All zeros where the expected values are not. A cause is named only when the learner's source shows it (an
    argument given another name and written into); otherwise the hint states the symptom and what to check."""
    found = None
    if fn is not None:
        with contextlib.suppress(Exception):
            found = _alias_written_into(fn)
    if found is not None:
        argument, alias, made_by, line = found
        return Diagnosis(f"every value of {what} is 0. In your code `{_short(made_by)}` does not copy: `{alias}` is "
                         f"`{argument}` under another name, so `{_short(line)}` changes `{argument}` too and values "
                         f"meant to differ stay the same — make a real copy: {alias} = {argument}.copy()",
                         "Assigning an array to a new name does not copy it: both names see every change.", "zeros")
    return Diagnosis(f"every value of {what} is 0, but the expected values are not: print your intermediate values "
                     "on this case to see which step gives 0 (an element never written, an array changed through "
                     "another name, an integer division // are the usual ways)",
                     "All zeros means the result never changed from its starting value.", "zeros", weak=True)




def _diagnose_nonfinite(got: np.ndarray, expected: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    bad = ~np.isfinite(got)
    if not bad.any() and not ctx.warnings:
        return None
    where = ""
    named = _describe_mask(bad, ctx) if bad.any() and got.ndim else None
    if named:
        where = f" where {named[0]}"
    text = " ".join(ctx.warnings).lower()
    if "overflow" in text:
        return Diagnosis(f"numpy overflowed{where} ('{ctx.warnings[0]}'): np.exp of a large number is inf. Keep "
                         "exponents at most 0 — subtract the row max before np.exp, or use np.exp(-np.abs(z))",
                         "float64 holds numbers up to about 1.8e308, so np.exp(710) is already inf, and inf/inf "
                         "is nan.", "overflow")
    if "divide by zero" in text and "log" in text:
        return Diagnosis(f"np.log(0) = -inf{where}: clip the probabilities to [1e-7, 1 - 1e-7] with np.clip "
                         "before the log", "A probability of exactly 0 (or 1 in log(1 - p)) makes the log -inf.",
                         "log0")
    if "divide by zero" in text:
        return Diagnosis(f"a division by zero{where} ('{ctx.warnings[0]}'): something you divide by is 0 for "
                         "this input", "x / 0 is inf in numpy (with a warning).", "overflow")
    if "invalid value" in text:
        m = re.search(r"invalid value encountered in (\w+)", text)
        op = m.group(1) if m else ""
        cause = {"sqrt": "np.sqrt of a negative number is nan: something under the square root is negative here",
                 "log": "np.log of a negative number is nan: something inside the log is negative here",
                 "divide": "0 / 0 or inf / inf is nan: a division met two zeros or two infinities here",
                 "true_divide": "0 / 0 or inf / inf is nan: a division met two zeros or two infinities here",
                 "subtract": "inf - inf is nan: two infinities were subtracted here (an overflow came first)",
                 "multiply": "0 × inf is nan: a zero met an infinity here (an overflow came first)",
                 "power": "a negative number to a fractional power is nan"}.get(
            op, "numpy produced nan (inf - inf, inf / inf, 0 / 0, or the square root or log of a negative number)")
        return Diagnosis(f"numpy warned '{ctx.warnings[0]}'{where}: {cause}. Print the intermediate values of "
                         "this case to find the step", "numpy marks an impossible operation with nan (and a "
                         "warning) instead of stopping.", "overflow")
    if bad.any():
        return Diagnosis(f"{what} contains {'nan' if np.isnan(got).any() else 'inf'}{where}, where the right answer "
                         "is finite (numpy gave no warning): print the intermediate values of this case to find the "
                         "first step that is not finite", "nan and inf spread through every later step, so the first "
                         "one is what matters.", "overflow")
    return None


def _diagnose_boolean_index(got: np.ndarray, expected: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    """a[mask] keeps only the selected elements, as a flat 1-D array."""
    if got.ndim != 1 or expected.ndim < 2 or got.size >= expected.size:
        return None
    for mask, words, _ in _mask_tests(ctx, expected.shape):
        if int(mask.sum()) == got.size and _close(got, expected[mask]):
            return Diagnosis(f"{what} is 1-D and holds only the elements where {words}: indexing with a mask, "
                             "a[mask], keeps just those, flattened — keep the shape with np.where(mask, a, 0.0), "
                             "or copy and set the others, out = a.copy(); out[~mask] = 0",
                             "Boolean indexing selects elements; it does not keep their places.", "mask")
    return None


def _diagnose_shape(got: np.ndarray, expected: np.ndarray, ctx: _Context, what: str) -> Diagnosis | None:
    gs, es = got.shape, expected.shape
    masked = _diagnose_boolean_index(got, expected, ctx, what)
    if masked is not None:
        return masked
    smaller_elsewhere = any(np.size(g) < np.size(e) for g, e, _ in ctx.others if _float(g) is not None)
    if got.size < expected.size or (got.size == expected.size and smaller_elsewhere):
        def explains(g: np.ndarray, e: np.ndarray, fn: Callable, axis: int, keep: bool) -> bool:
            if axis >= e.ndim:
                return False
            reduced = fn(e, axis=axis, keepdims=keep)
            return reduced.shape == g.shape and _close(g, reduced)

        found = [(fn, words, axis, keep) for axis in range(expected.ndim)
                 for fn, words in ((np.sum, "sum"), (np.mean, "mean")) for keep in (True, False)
                 if explains(got, expected, fn, axis, keep)]
        others = [(_float(g), _float(e)) for g, e, _ in ctx.others if _float(g) is not None and _float(e) is not None]
        everywhere = [f for f in found if all(explains(g, e, f[0], f[2], f[3]) for g, e in others)]
        if found:
            fn_, words, axis, keep_ = (everywhere or found)[0]
            return Diagnosis(f"{what} is the {words} over axis {axis} of the right answer (shape "
                             f"{_shape_words(gs)} instead of {_shape_words(es)}): this step keeps one "
                             f"value per element — drop the {words}(axis={axis})",
                             "A reduction collapses an axis that the result must keep.", "reduce",
                             predict=(lambda e, a, c, fn=fn_, axis=axis, keep=keep_:
                                      fn(np.asarray(e, dtype=np.float64), axis=axis, keepdims=keep)))
    if got.size == expected.size:
        if _close(got.reshape(es), expected):
            if len(gs) == len(es) + 1 and gs[0] == 1 and any(a.ndim == 1 for _, a in ctx.arrays()):
                return Diagnosis(f"the values of {what} are right but it has an extra axis, shape {_shape_words(gs)} "
                                 f"instead of {_shape_words(es)}: a single sample (1-D input) must give a 1-D "
                                 "result — do not turn it into a batch with np.atleast_2d / reshape(1, -1), or "
                                 "return result[0] for it", "One sample in, one row of outputs out, without the "
                                 "batch axis.", "shape")
            if 1 in es and 1 not in gs:
                return Diagnosis(f"the values of {what} are right but its shape is {_shape_words(gs)} instead of "
                                 f"{_shape_words(es)}: keep the summed axis with keepdims=True (or .reshape"
                                 f"{_shape_words(es)})", "A sum over an axis drops that axis unless keepdims=True "
                                 "keeps it with size 1.", "shape")
            return Diagnosis(f"the values of {what} are right but the shape is {_shape_words(gs)} instead of "
                             f"{_shape_words(es)}: reshape it, or do not flatten/add axes",
                             "The numbers are right; only their arrangement is not.", "shape")
        if got.ndim == 2 and expected.ndim == 2 and _close(got.T, expected):
            return Diagnosis(f"{what} is transposed: shape {_shape_words(gs)} instead of {_shape_words(es)} — "
                             "swap the order of the matrix product (or drop/add a .T)",
                             "Each value is right but rows and columns are swapped.", "transpose")
    with contextlib.suppress(ValueError):
        if np.broadcast_shapes(gs, es) == gs and got.size > expected.size:
            shapes = [f"`{n}` {_shape_words(a.shape)}" for n, a in ctx.arrays()]
            diag = ""
            if got.ndim == 2 and expected.ndim == 1 and gs[0] == gs[1] and _close(np.diag(got), expected):
                diag = " (the right values are on its diagonal)"
            column = next((f"`{n}`" for n, a in ctx.arrays() if a.ndim == 2 and a.shape[-1] == 1), None)
            where = (f"; {column} is a column (n, 1)" if column else "")
            return Diagnosis(f"{what} has shape {_shape_words(gs)}, not {_shape_words(es)}: numpy broadcast two "
                             f"arrays of different shapes against each other (a {_shape_words(es)} met a "
                             f"{_shape_words(gs[:-1] + (1,)) if len(gs) >= 2 else 'column'}){diag}{where}. Make "
                             "both operands the same shape (reshape(-1), [:, 0], or keepdims=True)",
                             "When two shapes differ, numpy stretches size-1 axes: a (3,) and a (3, 1) make a "
                             f"(3, 3). Your inputs: {', '.join(shapes)}.", "broadcast")
    return Diagnosis(f"{what} has shape {_shape_words(gs)}, expected {_shape_words(es)}: check which axis each "
                     "sum, product or index runs over", "The shape tells which axes the computation kept.", "shape",
                     True)


def _diagnose_array(got_raw: Any, expected_raw: Any, ctx: _Context, what: str = "your result") -> Diagnosis | None:
    """How an array (or number) *got* relates to *expected*."""
    case = ctx.case or _NO_CASE
    expected = _float(expected_raw)
    if expected is None:
        return None
    if got_raw is None:
        return Diagnosis(f"{what} is None: the function ends without `return` (or returns the result of an "
                         "in-place method such as list.append) — add `return result`",
                         "A Python function without `return` gives None.", "return")
    if isinstance(got_raw, list | tuple):
        arr = _float(got_raw)
        if arr is not None and arr.shape == expected.shape and _close(arr, expected, case.rtol, case.atol):
            if expected.ndim == 0:
                return None
            return Diagnosis(f"the values are right but {what} is a Python {type(got_raw).__name__}: return a "
                             "numpy array — np.array(result), or build it with numpy operations",
                             "Lists do not do elementwise arithmetic (list * 2 repeats the list), so later "
                             "steps need an array.", "list")
        if arr is not None and expected.ndim == 0 and arr.size == 1 and _close(arr.reshape(()), expected):
            return Diagnosis(f"{what} is a {type(got_raw).__name__} holding the right number: return the number "
                             "itself, float(...)", "The exercise returns a single number.", "number")
        if arr is not None and expected.ndim == 0 and arr.ndim >= 1 and _close(arr.sum(), expected):
            return Diagnosis(f"{what} is a {type(got_raw).__name__} of the terms: add them up — sum(...) "
                             "or np.sum", "The terms are right; the last step, adding them, is missing.", "sum")
        inner = _diagnose_array(arr, expected_raw, ctx, what) if arr is not None else None
        base = (f"{what} is a Python {type(got_raw).__name__}: return a numpy array (np.array(...))"
                if expected.ndim else f"return a single number, not a {type(got_raw).__name__}")
        if inner is not None and not (expected.ndim == 0 and inner.topic == "reduce"):
            return Diagnosis(f"{base}; also: {inner.hint}", inner.why, inner.topic)
        if expected.ndim == 0:
            return Diagnosis(base, "The exercise returns one number.", "number")
        return Diagnosis(base, "numpy arrays do arithmetic elementwise; lists do not.", "list")
    if isinstance(got_raw, bool | np.bool_) or (isinstance(got_raw, np.ndarray) and got_raw.dtype == np.bool_):
        g = _float(got_raw)
        if g is not None and expected.ndim == 0 and g.ndim > 0 and _close(np.mean(g), expected):
            return Diagnosis(f"{what} is the comparison itself, one True/False per sample: the answer is the fraction "
                             "of True values — take np.mean(...) of it", "The mean of booleans counts the True "
                             "values and divides by their number.", "reduce")
        if g is not None and g.shape == expected.shape and _close(g, expected):
            return Diagnosis(f"{what} holds True/False (a comparison) where numbers are expected: convert it with "
                             ".astype(float) (or float(...))", "A comparison gives booleans; the exercise wants "
                             "0.0 and 1.0 as floats.", "dtype")
        return Diagnosis(f"{what} is a comparison (True/False): the exercise returns numbers — use the comparison as "
                         "a mask, or convert it with .astype(float)", "Booleans are not numbers here.", "dtype")
    got = _float(got_raw)
    if got is None:
        return Diagnosis(f"{what} is a {type(got_raw).__name__}: return numbers (a float or a numpy array)",
                         None, "type")
    if expected.ndim == 0 and got.ndim > 0:
        if got.size == 1 and _close(got.reshape(()), expected):
            return Diagnosis(f"{what} is an array holding the right number: return the number itself (float(...) "
                             "or .item())", "The exercise returns a single number, not an array of one.", "number")
        for fn, words in ((np.mean, "take their mean (np.mean): you stopped before averaging"),
                          (np.sum, "add them up (np.sum): you stopped before summing")):
            if _close(fn(got), expected):
                return Diagnosis(f"{what} has shape {_shape_words(got.shape)}, one value per element: {words}",
                                 "The per-element values are right; the final reduction to one number is missing.",
                                 "reduce")
        return Diagnosis(f"{what} has shape {_shape_words(got.shape)}, expected a single number: reduce the "
                         "values to one (sum or mean) at the end", "The exercise returns one number.", "reduce")
    if expected.ndim > 0 and got.ndim == 0:
        for fn, words in ((np.sum, "the sum"), (np.mean, "the mean"), (np.max, "the maximum")):
            if _close(got, fn(expected)):
                return Diagnosis(f"{what} is a single number — {words} of the right array: work element by element "
                                 f"(or reduce along one axis only), keeping shape {_shape_words(expected.shape)}",
                                 "A reduction without axis= collapses the whole array to one number.", "reduce")
        return Diagnosis(f"{what} is a single number, expected an array of shape {_shape_words(expected.shape)}: "
                         "numpy functions such as np.maximum and np.exp work element by element; Python's max, "
                         "math.exp or a reduction (sum, max) give one number", None, "reduce")
    if got.shape != expected.shape:
        return _diagnose_shape(got, expected, ctx, what)
    nonfinite = _diagnose_nonfinite(got, expected, ctx, what)
    if nonfinite is not None:
        return nonfinite
    if expected.ndim == 0 and not (isinstance(got_raw, int | np.integer) and not isinstance(got_raw, bool)):
        factor = _diagnose_factor(got, expected, ctx, what)
        if factor is not None and not factor.weak and "exactly" in factor.hint:
            return factor
    rounding = _diagnose_rounding(got_raw, got, expected, ctx, what)
    if rounding is not None:
        return rounding
    if expected.size and np.all(got == 0) and np.any(np.abs(expected) > 1e-12):
        return _all_zeros(what, ctx.student_fn)
    for step in (lambda: _diagnose_factor(got, expected, ctx, what),
                 lambda: _diagnose_offset(got, expected, ctx, what),
                 lambda: _diagnose_log(got, expected, what),
                 lambda: _diagnose_places(got, expected, what, ctx.others),
                 lambda: _diagnose_normalised(got, expected, what),
                 lambda: _diagnose_scaled_input(got, ctx, what),
                 lambda: _diagnose_swapped_args(got, ctx, what),
                 lambda: _diagnose_elements(got, expected, ctx, case, what)):
        found = step()
        if found is not None:
            return found
    return None


def _for_item(i: int, predict: Callable) -> Callable:
    """A claim about item i of a tuple output, as a claim about the whole output."""
    def on_item(expected: Any, args: dict, case: Any) -> Any:
        value = predict(expected[i], args, case)
        return None if value is None else Part(i, value)
    return on_item


def _diagnose_tuple(got: Any, expected: Sequence, ctx: _Context) -> Diagnosis | None:
    names = list(ctx.output_names) or [f"item {i}" for i in range(len(expected))]
    want = "(" + ", ".join(names) + ")"
    if got is None:
        return Diagnosis(f"the result is None: return all {len(expected)} results as a tuple, return {want}",
                         "A Python function without `return` gives None.", "return")
    if not isinstance(got, tuple | list):
        for i, e in enumerate(expected):
            if _close(got, e):
                return Diagnosis(f"only {names[i]} was returned: return all of them, return {want}",
                                 "The exercise returns a tuple.", "tuple")
        return Diagnosis(f"return a tuple {want}", "The exercise returns several arrays.", "tuple")
    if len(got) != len(expected):
        return Diagnosis(f"the tuple has {len(got)} items, expected {len(expected)}: return {want}",
                         "The exercise returns one array per name, in this order.", "tuple")
    n = len(expected)
    for perm in itertools.permutations(range(n)):
        if list(perm) == list(range(n)):
            continue
        if all(_close(got[i], expected[perm[i]]) for i in range(n)):
            order = ", ".join(names[p] for p in perm)
            return Diagnosis(f"the items are right but in the wrong order: you returned ({order}); return {want}",
                             "Callers unpack the tuple by position, so the order is part of the contract.", "tuple",
                             predict=(lambda e, a, c, perm=perm: tuple(np.asarray(e[p], dtype=np.float64) for p in perm)))
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        e_arr = np.asarray(e, dtype=np.float64)
        if compare(g, e_arr, ARRAY, ctx.case.rtol if ctx.case else 1e-6, ctx.case.atol if ctx.case else 1e-9) is None:
            continue
        g_arr = _float(g)
        if g_arr is not None and g_arr.shape != e_arr.shape:
            other = [names[j] for j in range(n) if j != i and np.shape(expected[j]) == g_arr.shape]
            if other:
                return Diagnosis(f"{names[i]} has shape {_shape_words(g_arr.shape)}, which is the shape of "
                                 f"{other[0]}: the items are mixed up or {names[i]} is computed from the wrong "
                                 f"arrays — {names[i]} must have shape {_shape_words(e_arr.shape)}; return {want}",
                                 "Each gradient has the shape of the thing it is the gradient of.", "tuple")
        item_ctx = _Context(ctx.args, ctx.warnings, None, ctx.case, ctx.output_names,
                            [(o[i], e_o[i], a) for o, e_o, a in ctx.others
                             if isinstance(o, tuple | list) and len(o) == n and len(e_o) == n])
        inner = _diagnose_array(g, e_arr, item_ctx, f"`{names[i]}`")
        if inner is not None and inner.predict is not None:
            inner.predict = _for_item(i, inner.predict)
        if inner is not None:
            return inner
        return None
    return None




def diagnose(got: Any, expected: Any, kind: str = ARRAY, *, args: dict | None = None,
             warnings_seen: Sequence[str] = (), output_names: Sequence[str] = (),
             case: Any = None, reference: Callable | None = None,
             others: Sequence[tuple[Any, Any, dict]] = (), student_fn: Callable | None = None) -> Diagnosis | None:
    """How *got* relates to *expected* (the generic diagnosis layer), or None when nothing is recognised.

    ``args``: the case's arguments by name (used to name factors such as n_samples or ``h``, offsets such
    as ``bias``, and input properties such as ``z < 0``). ``others``: the other failing cases as
    ``(got, expected, args)``; a named factor must hold with the same name on them too. ``student_fn``: the
    learner's function, whose source may show a cause (an argument given another name and written into); only
    what it shows is named.
    """
    ctx = _Context(dict(args or {}), list(warnings_seen), reference, case, output_names, list(others), student_fn)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if isinstance(got, _Raised):
                return _diagnose_raised(got, ctx)
            if kind == TUPLE:
                return _diagnose_tuple(got, expected, ctx)
            return _diagnose_array(got, expected, ctx)
    except Exception:  # noqa: BLE001 — a diagnosis must never break a check
        return None


