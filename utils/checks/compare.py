"""Comparing a learner's output with the expected one: right or wrong (``compare``), two outputs alike
(``_matches``: used to verify a claim), and the small numeric helpers every other module uses."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from utils.checks.learner import _Raised


def as_floats(x) -> np.ndarray:
    """``x`` as a float64 array of the same shape (the checkers' reference maths and known mistakes work on these)."""
    return np.asarray(x, dtype=np.float64)

NUMBER, ARRAY, TUPLE = "number", "array", "tuple"


def _is_number(x: Any) -> bool:
    if isinstance(x, bool | np.bool_):
        return False
    if isinstance(x, int | float | np.integer | np.floating):
        return True
    return isinstance(x, np.ndarray) and x.ndim == 0 and np.issubdtype(x.dtype, np.number)


def _compare_number(got: Any, expected: float, rtol: float, atol: float, what: str) -> str | None:
    if got is None:
        return f"{what} is None — did you forget `return`?"
    if isinstance(got, list | tuple) or (isinstance(got, np.ndarray) and got.ndim > 0):
        kind = "a list" if isinstance(got, list) else "a tuple" if isinstance(got, tuple) else "an array"
        return f"{what} is {kind}, expected a single number"
    if isinstance(got, bool | np.bool_):
        return f"{what} is a bool ({bool(got)}), expected a number"
    if isinstance(got, complex | np.complexfloating):
        return f"{what} is a complex number, expected a real number"
    if not _is_number(got):
        return f"{what} is a {type(got).__name__}, expected a number"
    value = float(got)
    if math.isnan(value) or math.isinf(value):
        return f"{what} is {value}"
    if not math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        if isinstance(got, int | np.integer) and not float(expected).is_integer():
            return f"wrong value ({what} is an integer, so the fraction was cut off)"
        return "wrong value"
    return None


def _compare_array(got: Any, expected: np.ndarray, rtol: float, atol: float, what: str,
                   floats_asked: bool = False) -> str | None:
    if got is None:
        return f"{what} is None — did you forget `return`?"
    if isinstance(got, list | tuple):
        return f"{what} is a Python {type(got).__name__}, expected a numpy array"
    if _is_number(got) and expected.ndim > 0:
        return f"{what} is a single number, expected an array of shape {expected.shape}"
    if not isinstance(got, np.ndarray):
        return f"{what} is a {type(got).__name__}, expected a numpy array"
    if got.shape != expected.shape:
        return f"{what} has shape {got.shape}, expected shape {expected.shape}"
    if got.dtype == np.bool_:
        return f"{what} has dtype bool, expected numbers (convert with .astype(float))"
    if np.issubdtype(got.dtype, np.complexfloating):
        return f"{what} has a complex dtype, expected real numbers"
    if not np.issubdtype(got.dtype, np.number):
        return f"{what} has dtype {got.dtype}, expected numbers"
    values = got.astype(np.float64)
    if np.any(np.isnan(values)) and not np.any(np.isnan(expected)):
        return f"{what} contains nan"
    if np.any(np.isinf(values)) and not np.any(np.isinf(expected)):
        return f"{what} contains inf"
    if np.issubdtype(got.dtype, np.integer) and floats_asked:
        return (f"{what} has integer dtype {got.dtype}, but the exercise returns floats (e.g. 1.0, not 1): "
                "make it a float array (np.asarray(..., dtype=float), .astype(float), or a float constant)")
    if not np.allclose(values, expected, rtol=rtol, atol=atol, equal_nan=True):
        if np.issubdtype(got.dtype, np.integer) and not np.allclose(expected, np.round(expected), atol=1e-12,
                                                                      equal_nan=True):
            return f"wrong values ({what} has integer dtype {got.dtype}, so fractions were cut off)"
        return "wrong values"
    return None


def _floating(expected: Any) -> bool:
    """Does the reference return floats (so an integer array is the wrong type, even when its values are whole)?"""
    try:
        return np.asarray(expected).dtype.kind == "f"
    except (TypeError, ValueError):
        return False


def integers_for_floats(got: Any, expected: Any, args: Sequence, names: Sequence[str] = ()) -> str | None:
    """An integer array where the reference returns floats, from inputs that hold no integer array (so the function
    itself turned floats into integers: ``(z > 0).astype(int)``, ``np.zeros(n, dtype=int)``): what is wrong, or None.
    """
    def int_array(x: Any) -> bool:
        return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.integer)

    def has_int_input(x: Any) -> bool:
        if isinstance(x, list | tuple):
            return any(has_int_input(v) for v in x)
        return int_array(x)

    if has_int_input(list(args)):
        return None
    pairs = [(got, expected, "the result")]
    if isinstance(expected, tuple) and isinstance(got, tuple | list) and len(got) == len(expected):
        pairs = [(g, e, names[i] if i < len(names) else f"item {i}")
                 for i, (g, e) in enumerate(zip(got, expected, strict=True))]
    for g, e, what in pairs:
        if int_array(g) and _floating(e):
            return f"{what} has integer dtype {g.dtype}, but the exercise returns floats (1.0, not 1)"
    return None


def compare(got: Any, expected: Any, kind: str, rtol: float, atol: float,
            names: Sequence[str] = ()) -> str | None:
    """None when ``got`` matches ``expected``; otherwise a short description of the problem."""
    if kind == NUMBER:
        return _compare_number(got, float(expected), rtol, atol, "the result")
    if kind == ARRAY:
        return _compare_array(got, np.asarray(expected, dtype=np.float64), rtol, atol, "the result")
    # TUPLE: several arrays, e.g. (dinputs, dweights, dbiases)
    if got is None:
        return "the result is None — did you forget `return`?"
    if not isinstance(got, tuple | list) or len(got) != len(expected):
        what = (f"a {type(got).__name__} of {len(got)}" if isinstance(got, tuple | list)
                else f"a single {'array' if isinstance(got, np.ndarray) else type(got).__name__}")
        return f"expected a tuple of {len(expected)} arrays ({', '.join(names)}), got {what}"
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        name = names[i] if i < len(names) else f"item {i}"
        problem = _compare_array(g, np.asarray(e, dtype=np.float64), rtol, atol, name)
        if problem:
            return problem if problem != "wrong values" else f"wrong values in {name}"
    return None


def _same(a: Any, b: Any) -> bool:
    """Exact equality for arguments (arrays, lists, numbers); functions are the same object."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            a, b = np.asarray(a), np.asarray(b)
            return a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)
        except (TypeError, ValueError):
            return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if callable(a):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _matches(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Do two outputs (or two raised errors) look the same? Used to recognise a known mistake."""
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return isinstance(a, _Raised) and isinstance(b, _Raised) and a.type is b.type and a.message == b.message
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_matches(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    if a is None or b is None:
        return a is None and b is None
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        return False
    if _is_bool(a) != _is_bool(b):
        return False  # True where the mistake gives 1.0 is a different answer
    try:
        a_arr = np.asarray(a, dtype=np.float64)
        b_arr = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if a_arr.shape != b_arr.shape:
        return False
    # beyond 1e200 both have overflowed (inf in one, 1e217 in a version that clips its exponent): alike
    a_arr, b_arr = _overflowed_as_inf(a_arr), _overflowed_as_inf(b_arr)
    return bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol, equal_nan=True))


def _overflowed_as_inf(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        huge = np.abs(x) > 1e200
    return np.where(huge, np.sign(x) * np.inf, x) if huge.any() else x


def _is_bool(x: Any) -> bool:
    return isinstance(x, bool | np.bool_) or (isinstance(x, np.ndarray) and x.dtype == np.bool_)


def _consistent(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """On a case other than the failing one: do the learner and a known mistake behave alike?
    Two errors of the same type count as alike (messages may name different variables)."""
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return isinstance(a, _Raised) and isinstance(b, _Raised) and a.type is b.type
    return _matches(a, b, rtol, atol)


def _float(x: Any) -> np.ndarray | None:
    if np.iscomplexobj(x):
        return None
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr if np.issubdtype(arr.dtype, np.number) else None


def _close(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    a, b = _float(a), _float(b)
    if a is None or b is None or a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))



def _right_type(got: Any, expected: Any, kind: str) -> bool:
    """Only a result of the right type and shape may pass as a valid alternative (a list never does)."""
    if kind == NUMBER:
        return _is_number(got)
    if kind == ARRAY:
        return isinstance(got, np.ndarray) and got.shape == np.shape(expected) and got.dtype != np.bool_
    return isinstance(got, tuple) and len(got) == len(expected) and all(
        _right_type(g, e, ARRAY) for g, e in zip(got, expected, strict=True))


def _shape_words(shape: tuple) -> str:
    return str(tuple(int(s) for s in shape))
