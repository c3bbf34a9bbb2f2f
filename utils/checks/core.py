"""The checker framework every exercise uses.

A checker runs the learner's function on several cases, compares each answer with the reference
implementation, and prints one line: ✓ with what was verified, or ✗ with the first failing case,
expected vs got, and a hint. When a case fails, the checker runs a list of known wrong implementations
(``Mistake``) on the same inputs; the one that reproduces the learner's answer names the mistake.

A checker never raises and never lets the learner's function change the caller's arrays: every case
gets deep copies, and a function that modifies its inputs fails with a hint saying so.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NUMBER, ARRAY, TUPLE = "number", "array", "tuple"


class _Raised:
    """What a call raised (kept instead of an output, so two failures can be compared)."""

    def __init__(self, exc: BaseException):
        self.type = type(exc)
        self.message = str(exc)

    def __str__(self) -> str:
        return f"{self.type.__name__}: {self.message}"


@dataclass
class Mistake:
    """A known wrong implementation and the hint that names it.

    fn: takes the same arguments as the exercise. If it returns what the learner returned (within
    rtol/atol), or raises the same exception with the same message, the hint is shown.
    """

    hint: str
    fn: Callable
    rtol: float = 1e-6
    atol: float = 1e-9


@dataclass
class Case:
    """One call of the exercise.

    label: what a learner reads, e.g. ``"inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2"``.
    args / kwargs: the arguments (deep-copied for every call).
    hint_if_fails: shown when this case fails and no ``Mistake`` matches (says what the case tests).
    rtol / atol: tolerance of the comparison with the reference.
    driver: ``driver(fn, *args, **kwargs) -> output`` for cases that call the function more than once
    (two optimizer steps in a row); the default is ``fn(*args, **kwargs)``.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    hint_if_fails: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    driver: Callable | None = None


#: Callbacks called with every ``CheckResult`` as it is made (the grader records results this way,
#: instead of parsing printed text). Add with ``RESULT_LISTENERS.append(fn)``; a listener that raises is ignored.
RESULT_LISTENERS: list[Callable[[CheckResult], None]] = []


class CheckResult:
    """What a checker found. ``bool(result)`` is True only when every case passed.

    Attributes: ``name``, ``passed``, ``n_cases``, ``line`` (the printed line), ``case`` (label of the
    first failing case or None), ``hint`` (or None), ``problem`` (what was wrong, or None).
    Every new result is handed to each callback in ``RESULT_LISTENERS``.
    """

    def __init__(self, name: str, passed: bool, n_cases: int, line: str,
                 case: str | None = None, hint: str | None = None, problem: str | None = None):
        self.name, self.passed, self.n_cases, self.line = name, passed, n_cases, line
        self.case, self.hint, self.problem = case, hint, problem
        for listener in list(RESULT_LISTENERS):
            with contextlib.suppress(Exception):  # recording must never break a learner's check
                listener(self)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult({self.name!r}, passed={self.passed})"

    def _ipython_display_(self) -> None:
        """The line was already printed; show nothing more when the result ends a cell."""


# ------------------------------------------------------------------------------ formatting
def fmt(value: Any, max_items: int = 8) -> str:
    """A short, readable rendering of a value for a checker line."""
    if isinstance(value, _Raised):
        return f"an error ({value})"
    if value is None:
        return "None"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.number):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return fmt(value.item())
        text = np.array2string(value, precision=4, threshold=max_items, edgeitems=2,
                               suppress_small=True, separator=", ", max_line_width=200)
        text = " ".join(text.split())
        return f"{text} (shape {value.shape})" if value.ndim > 1 or value.size > max_items else text
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v, max_items) for v in value) + ")"
    if isinstance(value, list):
        if all(_is_number(v) for v in value):
            return "[" + ", ".join(fmt(v) for v in value) + "]"
        text = repr(value)
        return text if len(text) < 80 else text[:77] + "...]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


# ------------------------------------------------------------------------------ comparing
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
    if not _is_number(got):
        return f"{what} is a {type(got).__name__}, expected a number"
    value = float(got)
    if math.isnan(value) or math.isinf(value):
        return f"{what} is {value}"
    if not math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return "wrong value"
    return None


def _compare_array(got: Any, expected: np.ndarray, rtol: float, atol: float, what: str) -> str | None:
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
    if not np.issubdtype(got.dtype, np.number):
        return f"{what} has dtype {got.dtype}, expected numbers"
    values = got.astype(np.float64)
    if np.any(np.isnan(values)) and not np.any(np.isnan(expected)):
        return f"{what} contains nan"
    if np.any(np.isinf(values)) and not np.any(np.isinf(expected)):
        return f"{what} contains inf"
    if not np.allclose(values, expected, rtol=rtol, atol=atol, equal_nan=True):
        if np.issubdtype(got.dtype, np.integer):
            return f"wrong values ({what} has integer dtype {got.dtype}, so fractions were cut off)"
        return "wrong values"
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
        return f"expected a tuple of {len(expected)} arrays ({', '.join(names)}), got {fmt(got)}"
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
    try:
        a_arr = np.asarray(a, dtype=np.float64)
        b_arr = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if a_arr.shape != b_arr.shape:
        return False
    return bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol, equal_nan=True))


# ------------------------------------------------------------------------------ running
def _call(fn: Callable, case: Case) -> tuple[Any, list[str], tuple, BaseException | None]:
    """Run ``fn`` on deep copies of the case's arguments.

    Returns (output or _Raised, numpy warning messages, the argument copies after the call, the
    NotImplementedError if one was raised).
    """
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            if case.driver is None:
                out = fn(*args, **kwargs)
            else:
                out = case.driver(fn, *args, **kwargs)
        except NotImplementedError as exc:
            return None, [], args, exc
        except Exception as exc:  # noqa: BLE001 — a checker reports every error instead of raising
            out = _Raised(exc)
    numpy_warnings = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return out, numpy_warnings, args, None


def _arg_names(reference: Callable, n: int) -> list[str]:
    try:
        names = list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        names = []
    return (names + [f"argument {i + 1}" for i in range(len(names), n)])[:n]


@dataclass
class Checker:
    """Everything needed to check one exercise.

    name: the exercise (``"softmax"``); reference: the correct function; cases: what to run;
    mistakes: known wrong versions, tried in order; kind: NUMBER, ARRAY or TUPLE (several arrays,
    named by ``output_names``); verified: the words after ✓; mutation_hint: shown when the
    function changes an input.
    """

    name: str
    reference: Callable
    cases: Sequence[Case]
    mistakes: Sequence[Mistake] = ()
    kind: str = ARRAY
    output_names: Sequence[str] = ()
    verified: str = ""
    mutation_hint: str = "work on a copy (z = z.copy()) or build a new array instead of changing the argument"

    def _focus(self, expected: Any, got: Any, case: Case) -> tuple[Any, Any]:
        """For a tuple of arrays, show only the first part that is wrong."""
        if self.kind != TUPLE or not isinstance(got, tuple | list) or len(got) != len(expected):
            return expected, got
        for e, g in zip(expected, got, strict=True):
            if compare(g, e, ARRAY, case.rtol, case.atol) is not None:
                return e, g
        return expected, got

    def _diagnose(self, case: Case, got: Any, learner_warned: bool) -> str | None:
        for mistake in self.mistakes:
            out, warned, _, not_impl = _call(mistake.fn, case)
            if not_impl is None and bool(warned) == learner_warned and _matches(got, out, mistake.rtol, mistake.atol):
                return mistake.hint
        return case.hint_if_fails

    def __call__(self, student_fn: Any) -> CheckResult:
        title = f"check_{self.name}"

        def fail(case: Case | None, problem: str, expected: Any = None, got: Any = None,
                 hint: str | None = None, show_values: bool = True) -> CheckResult:
            where = f' — case "{case.label}"' if case else ""
            line = f"✗ {title}{where}: {problem}"
            if show_values:
                line += f"; expected {fmt(expected)}, got {fmt(got)}"
            if hint:
                line += f". Hint: {hint}"
            print(line)
            return CheckResult(self.name, False, len(self.cases), line, case.label if case else None, hint, problem)

        if not callable(student_fn):
            return fail(None, f"expected your function (pass `{self.name}` without calling it), "
                              f"got {type(student_fn).__name__} {fmt(student_fn)}", show_values=False)
        for case in self.cases:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                expected = (self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                            if case.driver is None else
                            case.driver(self.reference, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
            got, numpy_warnings, args_after, not_impl = _call(student_fn, case)
            if not_impl is not None:
                line = (f"✗ {title}: not implemented yet — replace `raise NotImplementedError()` with your code, "
                        "then run this cell again")
                print(line)
                return CheckResult(self.name, False, len(self.cases), line, case.label, None, "not implemented yet")
            if isinstance(got, _Raised):
                hint = self._diagnose(case, got, bool(numpy_warnings))
                return fail(case, f"your function raised {got}", expected, hint=hint, show_values=False)
            names = _arg_names(self.reference, len(case.args))
            for name, before, after in zip(names, case.args, args_after, strict=False):
                if not _same(before, after):
                    return fail(case, f"your function changed its input `{name}`", before, after,
                                hint=self.mutation_hint)
            problem = compare(got, expected, self.kind, case.rtol, case.atol, self.output_names)
            if problem is None and numpy_warnings:
                problem = f"numpy warned '{numpy_warnings[0]}' (the answer is only right by luck)"
            if problem is not None:
                hint = self._diagnose(case, got, bool(numpy_warnings))
                shown_expected, shown_got = self._focus(expected, got, case)
                return fail(case, problem, shown_expected, shown_got, hint=hint)
        line = f"✓ {title}: all {len(self.cases)} cases pass" + (f" ({self.verified})" if self.verified else "")
        print(line)
        return CheckResult(self.name, True, len(self.cases), line)


def run_quietly(check: Callable, fn: Callable) -> CheckResult:
    """Run a checker without printing (for tests and widgets); returns the result with its ``line``."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return check(fn)
