"""The checker framework every exercise uses.

A checker runs the learner's function on several cases, compares each answer with the reference
implementation, and shows one line: ✓ with what was verified, or ✗ with the first failing case,
expected vs got, and a hint — followed, for a failure, by a short second line that says *why* and
which section of the lesson explains it.

How a failure is explained, in order:

1. the function changed its input (``Checker.mutation_hint``; with ``mutation_fix``, the learner's own line
   that wrote into the argument, found in their source, is quoted);
2. a known wrong implementation (``Mistake``) that reproduces the learner's answer on the failing case
   *and* on every other case — or, second best, on another case the learner got wrong as well and nowhere
   contradicts them (a mistake that matches the failing case only is a coincidence and names nothing);
3. the **diagnosis layer** (``diagnose``), generic for every checker: how *got* relates to *expected*
   — a constant factor (×n_samples, ×2, ×½, × an argument such as ``h`` or ``alpha``), a flipped sign,
   the right function of a scaled input, a transpose, the right values in the wrong places, normalised
   over the wrong axis, a broadcast to a wrong shape, integer dtype or rounding, all zeros (a no-op or an
   alias), NaN/inf (overflow, log of 0), right on some elements/rows only, tuple items in the wrong
   order, a list instead of an array; for an exception, the learner's own line that raised it. A relation
   must hold on the other failing cases too (a 1×1 case, or inputs of ones, make coincidences): what a tiny
   case suggests is dropped when the larger cases say otherwise;
4. the case's ``hint_if_fails``; 5. a known mistake or a diagnosis found on another failing case;
6. which cases pass and which do not.

A valid alternative is judged against the mathematically right answer (``Case.valid``), so a more
accurate method passes. A checker never raises and never lets the learner's function change the
caller's arrays: every case gets deep copies, and a function that modifies its inputs fails.

Output: plain text (``print``) in terminals, tests and the grader; in a Jupyter kernel an HTML block
(✓ green, ✗ red, wrapping at spaces) with the same text as its plain-text version.
"""

from __future__ import annotations

import contextlib
import copy
import html as _html
import inspect
import io
import itertools
import math
import os
import re
import sys
import sysconfig
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NUMBER, ARRAY, TUPLE = "number", "array", "tuple"

#: "auto" (HTML in a Jupyter kernel, text elsewhere), "text" or "html".
OUTPUT_MODE = "auto"
_QUIET = [0]


class _Raised:
    """What a call raised (kept instead of an output, so two failures can be compared).

    ``where``: the learner's own line that raised, as ``(function name, line number, source text)``.
    """

    def __init__(self, exc: BaseException):
        self.type = type(exc)
        self.message = str(exc).strip()
        self.where = _learner_frame(exc)

    def __str__(self) -> str:
        return f"{self.type.__name__}: {self.message}"


@dataclass
class Mistake:
    """A known wrong implementation and the hint that names it.

    fn: takes the same arguments as the exercise. If it returns what the learner returned (within
    rtol/atol), or raises the same exception with the same message, the hint is shown.
    why: optional second line (1–3 plain sentences: why it is wrong); section: optional lesson section
    that explains it (default: the checker's).
    """

    hint: str
    fn: Callable
    rtol: float = 1e-6
    atol: float = 1e-9
    why: str | None = None
    section: str | None = None


@dataclass
class Case:
    """One call of the exercise.

    label: what a learner reads, e.g. ``"inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2"``.
    args / kwargs: the arguments (deep-copied for every call).
    hint_if_fails: shown when this case fails and nothing more specific is found (says what the case tests).
    rtol / atol: tolerance of the comparison with the reference.
    driver: ``driver(fn, *args, **kwargs) -> output`` for cases that call the function more than once
    (two optimizer steps in a row); the default is ``fn(*args, **kwargs)``.
    valid: ``valid(got) -> bool``, another way to be right (e.g. compared with the exact derivative at
    a tolerance fitting the method): a result the reference comparison rejects passes when it is True.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    hint_if_fails: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    driver: Callable | None = None
    valid: Callable[[Any], bool] | None = None


@dataclass
class Diagnosis:
    """What the diagnosis layer found: a hint (the mistake and its fix), why (1–3 sentences), and a
    topic the checker may map to a lesson section (``Checker.sections``)."""

    hint: str
    why: str | None = None
    topic: str | None = None
    weak: bool = False


#: Callbacks called with every ``CheckResult`` as it is made (the grader records results this way,
#: instead of parsing printed text). Add with ``RESULT_LISTENERS.append(fn)``; a listener that raises is ignored.
RESULT_LISTENERS: list[Callable[[CheckResult], None]] = []


class CheckResult:
    """What a checker found. ``bool(result)`` is True only when every case passed.

    Attributes: ``name``, ``passed``, ``n_cases``, ``line`` (the first printed line), ``case`` (label of the
    first failing case or None), ``hint`` (or None), ``problem`` (what was wrong, or None), ``why`` (the
    second line: why, and the lesson section; or None), ``text`` (everything printed), ``html`` (the same
    as HTML, shown in a notebook). Every new result is handed to each callback in ``RESULT_LISTENERS``.
    """

    def __init__(self, name: str, passed: bool, n_cases: int, line: str,
                 case: str | None = None, hint: str | None = None, problem: str | None = None,
                 why: str | None = None):
        self.name, self.passed, self.n_cases, self.line = name, passed, n_cases, line
        self.case, self.hint, self.problem, self.why = case, hint, problem, why
        self.text = line if not why else f"{line}\n    {why}"
        self.html = _to_html(passed, line, why)
        for listener in list(RESULT_LISTENERS):
            with contextlib.suppress(Exception):  # recording must never break a learner's check
                listener(self)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult({self.name!r}, passed={self.passed})"

    def _ipython_display_(self) -> None:
        """The line was already shown; show nothing more when the result ends a cell."""


# ------------------------------------------------------------------------------ output
_GREEN, _RED = "#1b7f3b", "#c0262d"
_BOX = ("margin:0.15em 0;white-space:normal;word-break:normal;overflow-wrap:normal;"
        "line-height:1.45;font-family:var(--jp-content-font-family, sans-serif)")


def _to_html(passed: bool, line: str, why: str | None) -> str:
    """The result as a deterministic HTML block (no ids): the line in green or red, ``why`` below it."""
    colour = _GREEN if passed else _RED
    kind = "pass" if passed else "fail"
    text = _html.escape(line)
    text = re.sub(r"^([✓✗] check_\w+)", r"<b>\1</b>", text)
    text = text.replace(". Hint: ", ". <b>Hint:</b> ", 1)
    out = (f'<div class="nnfs-check nnfs-check-{kind}" style="{_BOX}">'
           f'<div style="color:{colour}">{text}</div>')
    if why:
        out += f'<div style="margin-left:1.6em;opacity:0.85">{_html.escape(why)}</div>'
    return out + "</div>"


def _in_notebook() -> bool:
    if OUTPUT_MODE != "auto":
        return OUTPUT_MODE == "html"
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    try:
        shell = shell_module.get_ipython()
    except Exception:  # noqa: BLE001
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _show(result: CheckResult) -> None:
    if _QUIET[0]:
        return
    if _in_notebook():
        try:
            from IPython.display import display

            display({"text/plain": result.text, "text/html": result.html}, raw=True)
            return
        except Exception:  # noqa: BLE001 — fall back to text
            pass
    print(result.text)


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
        if not np.issubdtype(value.dtype, np.number) and value.dtype != np.bool_:
            text = repr(value)
            return text if len(text) < 80 else text[:77] + "..."
        text = np.array2string(value, precision=4, threshold=max_items, edgeitems=2,
                               suppress_small=True, separator=", ", max_line_width=200)
        text = " ".join(text.split())
        return f"{text} (shape {value.shape})" if value.ndim > 1 or value.size > max_items else text
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v, max_items) for v in value) + ")"
    if isinstance(value, list):
        if all(_is_number(v) for v in value):
            items = [fmt(v) for v in value[:max_items]]
            return "[" + ", ".join(items) + (", ...]" if len(value) > max_items else "]")
        text = repr(value)
        return text if len(text) < 80 else text[:77] + "...]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def lesson_section(lesson: str, title: str) -> str:
    """How a hint cites a lesson: ``lesson_section("03", "Batches: one softmax per row")``."""
    return f"lesson {lesson}, section '{title}'"


def _g(x: float) -> str:
    return f"{x:.6g}"


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
    if np.issubdtype(got.dtype, np.complexfloating):
        return f"{what} has a complex dtype, expected real numbers"
    if not np.issubdtype(got.dtype, np.number):
        return f"{what} has dtype {got.dtype}, expected numbers"
    values = got.astype(np.float64)
    if np.any(np.isnan(values)) and not np.any(np.isnan(expected)):
        return f"{what} contains nan"
    if np.any(np.isinf(values)) and not np.any(np.isinf(expected)):
        return f"{what} contains inf"
    if not np.allclose(values, expected, rtol=rtol, atol=atol, equal_nan=True):
        if np.issubdtype(got.dtype, np.integer) and not np.allclose(expected, np.round(expected), atol=1e-12,
                                                                      equal_nan=True):
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
    return bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol, equal_nan=True))


def _is_bool(x: Any) -> bool:
    return isinstance(x, bool | np.bool_) or (isinstance(x, np.ndarray) and x.dtype == np.bool_)


def _consistent(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """On a case other than the failing one: do the learner and a known mistake behave alike?
    Two errors of the same type count as alike (messages may name different variables)."""
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return isinstance(a, _Raised) and isinstance(b, _Raised) and a.type is b.type
    return _matches(a, b, rtol, atol)


# ------------------------------------------------------------------------------ running
def _library_dirs() -> tuple[str, ...]:
    dirs = {os.path.dirname(os.path.abspath(__file__)), os.path.dirname(np.__file__)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(Exception):
            dirs.add(sysconfig.get_paths()[key])
    return tuple(os.path.abspath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()
_UTILS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _learner_frame(exc: BaseException) -> tuple[str, int, str] | None:
    """The last traceback frame in the learner's own code (not numpy, Python, or utils)."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001
        return None
    for frame in reversed(frames):
        path = os.path.abspath(frame.filename) if frame.filename and not frame.filename.startswith("<") \
            else frame.filename or ""
        if path.startswith(_LIBRARY_DIRS) or path.startswith(_UTILS_DIR):
            continue
        if frame.name in ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>"):
            continue  # Python 3.12 inlines comprehensions: name the enclosing function on every version
        text = (frame.line or "").strip()
        if not text:
            continue
        name = frame.name
        base = os.path.basename(frame.filename or "")
        if base.endswith(".py") and "ipykernel_" not in (frame.filename or ""):
            name = f"{name}` of `{base}"  # a file's name is stable; a notebook cell's temporary file is not
        return name, frame.lineno or 0, text
    return None


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


def _learner_arg_name(fn: Callable, position: int, fallback: str) -> str:
    """The learner's own name for the argument at ``position`` (their ``params`` where the exercise says ``x``),
    read from their function's signature; ``fallback`` when it cannot be read (no signature, ``*args``, too few
    positional parameters)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fallback
    positional = [p for p in parameters
                  if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if 0 <= position < len(positional) and positional[position].name.isidentifier():
        return positional[position].name
    return fallback


def _learner_arg_names(fn: Callable) -> list[str]:
    """The learner's positional parameter names, in order ([] when their signature cannot be read)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters
            if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]


def _source_lines(fn: Callable) -> list[str]:
    """The learner's function's source lines (comments dropped), or [] when Python cannot find them."""
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return []
    return [line.split("#", 1)[0].rstrip() for line in source.splitlines()]


_ALIAS = re.compile(r"^\s*(\w+)\s*=\s*(?:np\.(?:asarray|asanyarray)\(\s*)?(\w+)\s*(?:,\s*(?:dtype\s*=\s*)?[\w.]+\s*)?\)?\s*$")


def _mutating_line(fn: Callable, name: str) -> tuple[str, str | None] | None:
    """The learner's line that writes into the argument ``name`` (directly, or through another name for the same
    array such as ``y = name`` or ``y = np.asarray(name)``), and the line that made that other name (or None)."""
    lines = _source_lines(fn)
    if not lines:
        return None
    aliases: dict[str, str | None] = {name: None}
    for line in lines[1:]:
        m = _ALIAS.match(line)
        if m and m.group(2) in aliases and (m.group(1) != m.group(2) or "asarray" in line):
            aliases[m.group(1)] = line.strip()
        elif m is None:
            target = re.match(r"^\s*(\w+)\s*=[^=]", line)
            if target and target.group(1) in aliases and target.group(1) != name:
                aliases.pop(target.group(1))  # rebound to a new array: no longer the argument
        for alias, made_by in aliases.items():
            a = re.escape(alias)
            if (re.match(rf"^\s*{a}\s*\[.*\]\s*(?:[-+*/@%]|//|\*\*)?=(?!=)", line)
                    or re.match(rf"^\s*{a}\s*(?:[-+*/@%]|//|\*\*)=", line)
                    or re.search(rf"\bout\s*=\s*\(?\s*{a}\b", line)
                    or re.search(rf"\b{a}\.(?:sort|fill|resize|put|itemset|setflags)\(", line)
                    or re.match(rf"^\s*{a}\.shape\s*=", line)):
                return line.strip(), made_by
    return None


def _mutation_where(fn: Callable, name: str) -> str:
    """Which of the learner's lines changed the argument, in words (checked against their source)."""
    found = _mutating_line(fn, name)
    if found is None:
        return f"your function changed the caller's `{name}` in place"
    line, made_by = found
    short = line if len(line) <= 70 else line[:67] + "..."
    if made_by is None:
        if "out=" in line.replace(" ", ""):
            return f"your line `{short}` writes its result into `{name}` (out=)"
        return f"your line `{short}` changes the caller's `{name}` in place"
    made = made_by if len(made_by) <= 50 else made_by[:47] + "..."
    return (f"`{made}` does not copy (it gives the same array another name), so your line `{short}` changes the "
            f"caller's `{name}`")


def _alias_written_into(fn: Callable) -> tuple[str, str, str, str] | None:
    """An argument of the learner's function that their source gives another name (``x_plus = x``) and then writes
    into through that name (``x_plus[i] += h``): (argument, alias, the line making the alias, the line writing).
    Read from their source and signature; None when there is no such pair or the source cannot be read."""
    for argument in _learner_arg_names(fn):
        found = _mutating_line(fn, argument)
        if found is None or found[1] is None:
            continue
        line, made_by = found
        m = _ALIAS.match(made_by)
        if m is not None:
            return argument, m.group(1), made_by, line
    return None


def _short(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[: limit - 3] + "..."


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
    return Diagnosis(f"every value of {what} is 0, but the expected values are not: nothing the function computed "
                     "reached the result. Check that every element of the result is written (a loop over the wrong "
                     "range, or a return inside the loop, leaves np.zeros as it was), that arrays you change are "
                     "copies (y = x.copy(), not y = x), and that no division is an integer division (//)",
                     "All zeros means the result never changed from its starting value; print your intermediate "
                     "values on this case to see which step leaves it at 0.", "zeros")


# ------------------------------------------------------------------------------ the diagnosis layer
@dataclass
class _Context:
    """What the diagnosis knows about a case: its arguments by name, numpy's warnings, the reference."""

    args: dict[str, Any]
    warnings: list[str]
    reference: Callable | None = None
    case: Case | None = None
    output_names: Sequence[str] = ()
    others: list = field(default_factory=list)  # other failing cases: (got, expected, args by name)
    student_fn: Callable | None = None  # the learner's function: its source may show a cause (never guessed)

    def arrays(self) -> list[tuple[str, np.ndarray]]:
        out = []
        for name, value in self.args.items():
            if callable(value) or isinstance(value, str):
                continue
            with contextlib.suppress(TypeError, ValueError):
                arr = np.asarray(value, dtype=np.float64)
                if arr.ndim >= 1:
                    out.append((name, arr))
        return out

    def scalars(self) -> list[tuple[str, float]]:
        out = []
        for name, value in self.args.items():
            if _is_number(value) and not isinstance(value, bool):
                out.append((name, float(value)))
        return out


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
                         "sign")
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
                             "right and one constant is not.", "factor", weak)
    if got.size > 1 and np.count_nonzero(expected) > 1:
        return Diagnosis(f"every value of {what} is {_g(c)} × the right one: a constant factor is wrong "
                         "(look for a number or a division that does not belong)",
                         "A single wrong constant scales every value by the same amount.", "factor", True)
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
                                 f"{words}", f"Everything except `{name}` is right.", "offset")
        for arr_name, arr in ctx.arrays():
            n = arr.shape[0]
            if n > 1 and np.allclose(d, (n - 1) * v, rtol=1e-6, atol=1e-9):
                return Diagnosis(f"{what} has `{name}` added {n} times, once per element of `{arr_name}` "
                                 f"(inside the loop): add it once, after the loop",
                                 f"The sum runs over the {n} elements, but `{name}` belongs to the neuron, "
                                 "not to each input.", "offset")
    for name, arr in ctx.arrays():
        if arr.ndim == 0 or arr.size < 1:
            continue
        with contextlib.suppress(ValueError):
            b = np.broadcast_to(arr.reshape(-1) if arr.ndim == 1 else arr, d.shape)
            if np.any(b != 0):
                if np.allclose(d, -b, rtol=1e-6, atol=1e-9):
                    return Diagnosis(f"{what} is off by exactly `{name}`: `{name}` is missing — add it",
                                     f"Everything except the `{name}` term is right.", "offset")
                if np.allclose(d, b, rtol=1e-6, atol=1e-9):
                    return Diagnosis(f"{what} has `{name}` added twice: add it once",
                                     f"Everything except the `{name}` term is right.", "offset")
    if d.size == 1 and abs(float(d)) > 1e-9 and ctx.others:
        same = [np.allclose(_float(g) - _float(e), d, rtol=1e-6, atol=1e-9) for g, e, _ in ctx.others
                if _float(g) is not None and _float(e) is not None and np.shape(g) == np.shape(e)]
        if same and all(same):
            return Diagnosis(f"{what} is off by the same {_g(float(d))} in every case: a constant term is added or "
                             "missing", "The same amount is added to every result, so one term of the formula is "
                             "wrong.", "offset")
    if d.size > 1 and np.allclose(d, d.flat[0], rtol=1e-6, atol=1e-9) and abs(float(d.flat[0])) > 1e-9:
        return Diagnosis(f"every value of {what} is off by the same {_g(float(d.flat[0]))}: a constant term is "
                         "added or missing", "The same amount is added to every value, so one term of the "
                         "formula is wrong.", "offset", True)
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
                                 "not in the function.", "dtype")
    for k in range(1, 7):
        rounded = np.round(expected, k)
        if not np.allclose(expected, rounded, rtol=1e-12, atol=1e-15) and np.allclose(got, rounded, rtol=0,
                                                                                       atol=1e-12) and everywhere(
                lambda e, k=k: np.round(e, k)):
            return Diagnosis(f"{what} was rounded to {k} decimal{'s' if k > 1 else ''} (round(x, {k}) or "
                             f"np.round): return the full value and round only when you print it",
                             "Rounding loses digits that later steps (and the checker) need.", "dtype")
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
                         "Each value is right but sits at [j, i] instead of [i, j].", "transpose")
    if got.size < 2 or not _close(np.sort(got.ravel()), np.sort(expected.ravel())):
        return None
    if len(np.unique(np.round(expected, 9))) < max(3, expected.size // 2):
        return None  # few distinct values (0s and 1s): a sorted match says nothing about places
    if got.ndim >= 1 and _close(got[::-1], expected) and everywhere(lambda a: a[::-1]):
        return Diagnosis(f"{what} is in reverse order (along the first axis): check the loop's index or a [::-1]",
                         "The values are right but listed backwards.", "order")
    if got.ndim == 2 and _close(got[:, ::-1], expected) and everywhere(lambda a: a[:, ::-1]):
        return Diagnosis(f"the columns of {what} are in reverse order: check the column index",
                         "The values are right but each row is listed backwards.", "order")
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
                         "log")
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


def _mask_tests(ctx: _Context, shape: tuple) -> list[tuple[np.ndarray, str, np.ndarray]]:
    """Sets of elements named by a property of an input of the given shape: (mask, words, the input)."""
    out = []
    for name, arr in ctx.arrays():
        if arr.shape != shape:
            continue
        out += [(arr < 0, f"`{name}` < 0", arr), (arr <= 0, f"`{name}` <= 0", arr), (arr > 0, f"`{name}` > 0", arr),
                (arr >= 0, f"`{name}` >= 0", arr), (arr == 0, f"`{name}` == 0", arr),
                (arr != 0, f"`{name}` != 0", arr),
                (np.abs(arr) >= 20, f"|`{name}`| is large (≥ 20)", arr),
                (arr >= 20, f"`{name}` is large and positive", arr),
                (arr <= -20, f"`{name}` is large and negative", arr)]
    return out


def _describe_mask(mask: np.ndarray, ctx: _Context) -> tuple[str, np.ndarray] | None:
    """Name a set of elements by a property of an input of the same shape (z < 0, z == 0, |z| large)."""
    for test, words, arr in _mask_tests(ctx, mask.shape):
        if np.array_equal(test, mask):
            return words, arr
    return None


def _relation(values: np.ndarray, right: np.ndarray, inp: np.ndarray | None, in_name: str,
              ctx: _Context) -> str | None:
    """What the learner's values are on a set of elements, in terms of the input there (checked, not guessed)."""
    scalars = [(n, v) for n, v in ctx.scalars() if v not in (0.0, 1.0, -1.0)]
    if values.size and np.allclose(values, values.flat[0], rtol=1e-9, atol=1e-12) and not (
            inp is not None and _close(values, inp)):
        k = float(values.flat[0])
        for name, v in scalars:
            if math.isclose(k, v, rel_tol=1e-9):
                return f"there it returned `{name}` itself ({_g(v)}), a constant — it should depend on the input"
        if inp is not None and np.any(inp != 0) and _close(right, inp):
            return f"there every value is {_g(k)} where it should be {in_name} itself"
        return f"there every value is {_g(k)}"
    if inp is not None and _close(values, inp):
        return "there the input was passed through unchanged"
    if _close(values, -right):
        return "there the sign is flipped"
    if inp is not None and _close(values, -inp):
        return f"there it returned minus the input (-{in_name})"
    if np.all(np.isin(right, (0.0, 1.0))) and _close(values, 1 - right):
        return "there it gives 1 where it should give 0 and 0 where it should give 1: the condition is reversed"
    if inp is not None and np.all(inp != 0):
        for name, v in scalars:
            if _close(values, v * inp):
                return f"there it is `{name}` × {in_name}"
            if _close(values, inp / v):
                return f"there it is {in_name} / `{name}`: multiply by `{name}` instead of dividing"
        if _close(values, inp * inp):
            return f"there it is {in_name}², {in_name} multiplied in twice"
        ratio = values / inp
        c = float(ratio.flat[0])
        if np.allclose(ratio, c, rtol=1e-9) and c not in (0.0, 1.0, -1.0):
            return f"there it is {_g(c)} × {in_name}"
    c = _factor(values, right)
    if c is not None:
        return f"there every value is {_g(c)} × the right one"
    return None


def _diagnose_elements(got: np.ndarray, expected: np.ndarray, ctx: _Context, case: Case,
                       what: str) -> Diagnosis | None:
    """Right on some elements or rows, wrong on others."""
    if got.ndim == 0 or got.size < 2:
        return None
    wrong = ~np.isclose(got, expected, rtol=case.rtol, atol=case.atol)
    if not wrong.any() or wrong.all():
        return None
    named = _describe_mask(wrong, ctx)
    if named is None:  # a wider set of elements on which one relation holds (some of them agree by chance)
        for test, words, arr in _mask_tests(ctx, wrong.shape):
            if np.any(wrong & ~test) or not np.any(test & ~wrong):
                continue
            in_name = words.split()[0]
            on = _relation(got[test], expected[test], arr[test], in_name, ctx)
            if on is not None and not on.startswith("there every value is") and "itself" not in on:
                return Diagnosis(f"{what} is wrong where {words}; {on}: fix that branch of your formula",
                                 "The elements that differ share one property of the input, so one branch or "
                                 "condition is wrong.", "branch")
    flat = wrong.ravel()
    k_last = int(flat.sum())
    never_written = bool(np.all(got[wrong] == 0))  # an np.zeros entry the loop never reached
    if named is None and k_last <= 2 and flat[-k_last:].all() and got.size > k_last and never_written:
        return Diagnosis(f"{what} is right except the last {'element' if k_last == 1 else f'{k_last} elements'}, "
                         "which stayed 0: a loop stops early (range(len(x) - 1), or an index off by one) — loop over "
                         "every element, e.g. range(len(x)) or np.ndindex(x.shape)",
                         "range(n) already stops at n - 1; subtracting 1 skips the last element.", "branch")
    if named is None and k_last <= 2 and flat[:k_last].all() and got.size > k_last and never_written:
        return Diagnosis(f"{what} is right except the first {'element' if k_last == 1 else f'{k_last} elements'}, "
                         "which stayed 0: a loop starts late (range(1, n)) — Python counts from 0",
                         "range(1, n) skips index 0.", "branch")
    if named is None and got.ndim == 2 and got.shape[0] > 1 and got.shape[1] > 1:
        for axis, word in ((0, "row"), (1, "column")):
            lines = wrong.any(axis=1 - axis)
            for end, at in ((-1, "last"), (0, "first")):
                only = np.zeros_like(lines)
                only[end] = True
                line_of_got = got.take(end, axis=axis)
                untouched = np.all(line_of_got == 0)
                if np.array_equal(lines, only) and untouched:
                    loop = "stops one early (range(n - 1))" if at == "last" else "starts at 1 (Python counts from 0)"
                    return Diagnosis(f"{what} is right except its {at} {word}, which stayed 0: a loop over the "
                                     f"{word}s {loop} — loop over every {word}, e.g. range(len(x))",
                                     f"Only the {at} {word} differs, which is what an index off by one does.",
                                     "branch")
    in_name = named[0].split()[0] if named is not None else "the input"
    on = _relation(got[wrong], expected[wrong], named[1][wrong] if named is not None else None, in_name, ctx)
    if named is not None and named[0].endswith("!= 0") and on is None:
        named = None  # "wrong wherever the input is not 0" says nothing without a relation
    on = f"; {on}" if on else ""
    if named is not None:
        return Diagnosis(f"{what} is right except exactly where {named[0]}{on}: fix that branch of your formula",
                         "The elements that differ share one property of the input, so one branch or condition "
                         "is wrong.", "branch")
    if got.ndim >= 2:
        bad_rows = np.flatnonzero(wrong.reshape(got.shape[0], -1).any(axis=1))
        if 0 < len(bad_rows) < got.shape[0]:
            rows = ", ".join(str(int(r)) for r in bad_rows[:6])
            return Diagnosis(f"{what} is right on some rows and wrong on row{'s' if len(bad_rows) > 1 else ''} "
                             f"{rows}{on}: look at what is different about those rows (their size, a zero, the "
                             "largest value)", "Only some samples come out wrong, so the formula breaks for "
                             "particular values.", "rows", True)
    if on:
        n_bad = int(wrong.sum())
        return Diagnosis(f"{what} is wrong at {n_bad} of {got.size} elements{on}",
                         "Most values are right, so the formula fails only for particular inputs.", "branch", True)
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
                                 "The outer formula is right, but it receives a scaled input.", "scale")
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
                                     "The formula is right but is fed the wrong argument.", "args")
    return None


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
        return Diagnosis(f"an invalid operation gave nan{where} ('{ctx.warnings[0]}'): inf - inf, inf / inf or "
                         "0 / 0 — usually an overflow earlier in the formula; keep exponents at most 0",
                         "nan appears when an inf meets another inf or 0/0 happens.", "overflow")
    if bad.any():
        return Diagnosis(f"{what} contains {'nan' if np.isnan(got).any() else 'inf'}{where}: an overflow, a log "
                         "of 0 or a division by 0 happened", "Numbers beyond float64's range become inf, and "
                         "inf/inf becomes nan.", "overflow")
    return None


def _shape_words(shape: tuple) -> str:
    return str(tuple(int(s) for s in shape))


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
            _, words, axis, _ = (everywhere or found)[0]
            return Diagnosis(f"{what} is the {words} over axis {axis} of the right answer (shape "
                             f"{_shape_words(gs)} instead of {_shape_words(es)}): this step keeps one "
                             f"value per element — drop the {words}(axis={axis})",
                             "A reduction collapses an axis that the result must keep.", "reduce")
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
    case = ctx.case or Case("", ())
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
                             "Callers unpack the tuple by position, so the order is part of the contract.", "tuple")
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
        if inner is not None:
            return inner
        return None
    return None


_EXCEPTION_RULES: list[tuple[str, str, str, str | None]] = [
    # (regex on "Type: message", hint, why, topic)
    (r"operands could not be broadcast together with shapes \(([\d, ]*)\) \(([\d, ]*)\)", "BROADCAST", "", "broadcast"),
    (r"(shapes .* not aligned|matmul: Input operand .* mismatch|size \d+ is different from \d+)",
     "a matrix product's inner sizes do not match: in a @ b the columns of a must equal the rows of b — check the "
     "order of the operands and whether one needs .T",
     "(n, k) @ (k, m) works; (n, k) @ (m, k) does not.", "shape"),
    (r"arrays used as indices must be of integer|only integers, slices",
     "an array of floats was used as an index: if these are one-hot targets (2-D), turn them into labels first "
     "with np.argmax(y_true, axis=1); otherwise convert the index with .astype(int)",
     "Indexing picks positions, which must be integers; one-hot rows are floats.", "index"),
    (r"too many indices for array",
     "an array was indexed with more indices than it has axes: a 1-D array (one sample, or labels) takes one "
     "index — check y_true.ndim / inputs.ndim before indexing",
     "x[i, j] needs a 2-D x.", "index"),
    (r"axis -?\d+ is out of bounds",
     "the axis does not exist for this array: a single vector has only axis 0 — use axis=-1 (the last axis), "
     "which works for a vector and a batch", "axis=-1 always means the last axis.", "axis"),
    (r"Cannot cast ufunc '\w+' output from dtype\('float64'\) to dtype\('int",
     "an integer array was changed in place with a float (e.g. z[z < 0] *= alpha): start from a float copy, "
     "z = np.array(z, dtype=float)", "numpy cannot store a float result back into an integer array.", "dtype"),
    (r"truth value of an array with more than one element is ambiguous",
     "Python's if / and / or / max() was applied to a whole array: use numpy's elementwise tools — np.where(cond, "
     "a, b), np.maximum(a, b), & and |", "Python asks one True/False of the whole array, which has many.",
     "elementwise"),
    (r"only (length-1|0-dimensional|size-1) arrays can be converted to Python scalars",
     "a math-module function (math.exp, math.log, float(...)) got a whole array: use the numpy version (np.exp, "
     "np.log), which works element by element", "math works on single numbers; numpy works on arrays.",
     "elementwise"),
    (r"can't multiply sequence|unsupported operand type\(s\) for .*'list'|can only concatenate list",
     "arithmetic on a Python list: lists do not compute elementwise — convert the inputs first with "
     "np.asarray(x, dtype=float)", "[1, 2] * 2 is [1, 2, 1, 2], and list - list is an error.", "list"),
    (r"OverflowError: math range error",
     "math.exp overflowed for a large input: use the stable form (np.exp(-np.abs(z)), or subtract the max) so "
     "exponents are never large and positive", "math.exp(1000) is beyond float64's range.", "overflow"),
    (r"ZeroDivisionError",
     "a division by zero: for this input the thing you divide by is 0 — check the denominator",
     "Python raises on x / 0.", None),
    (r"NameError: name '(\w+)' is not defined",
     "NAME", "Names inside a function must be its arguments, its own variables, or defined (and run) above.",
     None),
    (r"RecursionError",
     "the function calls itself without end: if you named a helper like the exercise, rename one of them",
     "Each call starts another call.", None),
    (r"IndexError: index \d+ is out of bounds",
     "an index went past the end of an array: check the loop's range (off by one?) and which axis it runs over",
     "range(n) gives 0 … n-1.", "index"),
    (r"tuple index out of range|list index out of range",
     "an index went past the end of a tuple or list: check the loop's range (off by one?)", "range(n) gives 0 … n-1.",
     "index"),
    (r"object has no attribute '(shape|ndim|reshape|T|copy|astype)'",
     "a numpy attribute was used on a list or number: convert first with np.asarray(x, dtype=float)",
     "Only numpy arrays have .shape, .T, .reshape and friends.", "list"),
]


def _diagnose_raised(raised: _Raised, ctx: _Context) -> Diagnosis | None:
    text = str(raised)
    line = raised.where[2] if raised.where else ""
    two_args = re.search(r"\bnp\.(max|min|amax|amin)\s*\(([^,()]+),", line)
    if two_args and re.search(r"scalar index|axis|integer|cannot be interpreted", text):
        fn = two_args.group(1).lstrip("a")
        return Diagnosis(f"np.{fn}(a, b) reads b as an axis (it reduces one array to its {fn}imum): for the "
                         f"elementwise {fn}imum of two things use np.{fn}imum(a, b), e.g. np.{fn}imum(0, z)",
                         f"np.{fn} looks at one array; np.{fn}imum compares two arrays element by element.",
                         "elementwise")
    if "tuple index out of range" in text and ".shape[" in line:
        return Diagnosis("`.shape[1]` (or a later axis) does not exist for a 1-D array: use len(x) or x.shape[0] for "
                         "the number of samples, or x.size for the number of elements",
                         "A 1-D array's shape has one entry, e.g. (3,).", "shape")
    for pattern, hint, why, topic in _EXCEPTION_RULES:
        m = re.search(pattern, text)
        if not m:
            continue
        if hint == "BROADCAST":
            return _broadcast_hint(m.group(1), m.group(2), raised, ctx)
        if hint == "NAME":
            return Diagnosis(f"the name `{m.group(1)}` is not defined inside your function: use the function's "
                             "arguments (or define it first)", why, topic)
        return Diagnosis(hint, why, topic)
    return None


def _parse_shape(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.replace(",", " ").split())


def _reduction_without_keepdims(line: str) -> str:
    """The reduction (max, sum, mean, min) on a line of code that is called without keepdims, or ''."""
    for name in ("max", "sum", "mean", "min"):
        for m in re.finditer(rf"\b{name}\s*\(((?:[^()]|\([^()]*\))*)\)", line):
            if "keepdims" not in m.group(1):
                return name
    return ""


def _broadcast_hint(a_text: str, b_text: str, raised: _Raised, ctx: _Context) -> Diagnosis:
    a, b = _parse_shape(a_text), _parse_shape(b_text)
    line = raised.where[2] if raised.where else ""
    why = (f"numpy can combine {_shape_words(a)} with {_shape_words(b)} only if every axis is equal or 1 (counted "
           "from the right); a reduction without keepdims=True drops an axis, so it no longer lines up with the rows.")
    for full, reduced in ((a, b), (b, a)):
        used = [(n, arr) for n, arr in ctx.arrays() if arr.shape == reduced and re.search(rf"\b{n}\b", line)]
        if used and len(full) == len(reduced) + 1 and full[:-1] == reduced:
            name, arr = used[0]
            raw = ctx.args.get(name)
            labels = isinstance(raw, np.ndarray) and np.issubdtype(raw.dtype, np.integer) and arr.ndim == 1
            fix = (f"integer labels pick one entry per row, p[np.arange(n), {name}]; only one-hot targets "
                   "(2-D) multiply elementwise — check the targets' ndim" if labels else
                   f"make the shapes match ({name}.reshape(-1, 1), or keepdims=True on a reduction)")
            return Diagnosis(f"`{name}` has shape {_shape_words(reduced)} and was combined elementwise with a "
                             f"{_shape_words(full)} array: they do not line up — {fix}",
                             f"numpy can combine {_shape_words(a)} with {_shape_words(b)} only if every axis is "
                             "equal or 1, counted from the right.",
                             "labels" if labels else "broadcast")
    for full, reduced in ((a, b), (b, a)):
        if len(full) == len(reduced) + 1 and full[:-1] == reduced:
            op = _reduction_without_keepdims(line)
            which = f"the row {op} " if op else "a reduction over the last axis "
            return Diagnosis(f"{which}has shape {_shape_words(reduced)} and does not line up with the rows of "
                             f"{_shape_words(full)}: keep the axis with keepdims=True "
                             f"(e.g. z.{op or 'sum'}(axis=-1, keepdims=True))", why, "keepdims")
    rows = {arr.shape[0] for _, arr in ctx.arrays() if arr.ndim == 2}
    for square, other in ((a, b), (b, a)):
        if (len(square) == 2 == len(other) and square[0] == square[1] == other[0] and other[1] != square[1]
                and square[0] in rows):
            made = (" — np.eye(len(...)) makes one column per sample; a one-hot matrix needs np.eye(n_classes), "
                    "n_classes = the number of columns" if re.search(r"eye\(\s*len\(", line) else "")
            return Diagnosis(f"a {_shape_words(square)} array (one column per sample) met a {_shape_words(other)} "
                             f"one (one column per class): something was built with n_samples columns where "
                             f"n_classes = {other[1]} belong{made}",
                             "Rows are samples and columns are classes: an array of one-hot targets has as many "
                             "columns as there are classes.", "shape")
    if len(a) == 2 and len(b) == 2 and a[1] == b[0] and "@" not in line and "dot" not in line:
        return Diagnosis(f"`*` multiplies element by element, so {_shape_words(a)} and {_shape_words(b)} do not fit; "
                         "these shapes fit a matrix product: use np.dot(a, b) or a @ b", why, "shape")
    if a[::-1] == b and a != b:
        return Diagnosis(f"{_shape_words(a)} and {_shape_words(b)} are transposes of each other: one operand needs "
                         ".T (or the operands are in the wrong order)", why, "transpose")
    return Diagnosis(f"arrays of shapes {_shape_words(a)} and {_shape_words(b)} were combined elementwise: check which "
                     "arrays the failing line combines and make their shapes match (reshape, .T, keepdims=True)",
                     why, "broadcast")


def diagnose(got: Any, expected: Any, kind: str = ARRAY, *, args: dict | None = None,
             warnings_seen: Sequence[str] = (), output_names: Sequence[str] = (),
             case: Case | None = None, reference: Callable | None = None,
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


@dataclass
class Checker:
    """Everything needed to check one exercise.

    name: the exercise (``"softmax"``); reference: the correct function; cases: what to run;
    mistakes: known wrong versions, tried in order; kind: NUMBER, ARRAY or TUPLE (several arrays,
    named by ``output_names``); verified: the words after ✓; mutation_hint: shown when the
    function changes an input; mutation_fix: when set, the hint quotes the learner's own line that changed the
    input (found in their source: an in-place write, ``out=``, or another name for the argument such as
    ``y = x``) followed by this fix (``{name}`` is replaced by the argument's name). Optional: ``section``
    (where the lesson explains the exercise, e.g.
    ``"lesson 03, section '3. Softmax: scores to probabilities'"``), ``sections`` (diagnosis topic →
    section, e.g. ``{"overflow": "lesson 03, section 'Overflow, and the one-line fix'"}``), ``about``
    (a sentence on what the exercise computes, used when nothing more specific explains a failure).
    """

    name: str
    reference: Callable
    cases: Sequence[Case]
    mistakes: Sequence[Mistake] = ()
    kind: str = ARRAY
    output_names: Sequence[str] = ()
    verified: str = ""
    mutation_hint: str = "work on a copy (z = z.copy()) or build a new array instead of changing the argument"
    mutation_fix: str | None = None
    section: str | None = None
    sections: dict = field(default_factory=dict)
    about: str | None = None
    mutation_why: str = ("The caller still needs its array: changing an argument in place changes it for them too "
                         "(numpy passes arrays by reference).")

    def _focus(self, expected: Any, got: Any, case: Case) -> tuple[Any, Any]:
        """For a tuple of arrays, show only the first part that is wrong."""
        if self.kind != TUPLE or not isinstance(got, tuple | list) or len(got) != len(expected):
            return expected, got
        for e, g in zip(expected, got, strict=True):
            if compare(g, e, ARRAY, case.rtol, case.atol) is not None:
                return e, g
        return expected, got

    def _expected(self, case: Case) -> Any:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if case.driver is None:
                return self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            return case.driver(self.reference, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))

    def _known_mistake(self, index: int, outputs: list, warned: list[bool], passed: list[bool],
                       expecteds: list) -> Mistake | None:
        """The known mistake that reproduces the failing case. The same mistake must also explain the other
        cases: one that agrees everywhere wins; next, one that is not contradicted by a case the learner got
        right (where the mistake would be wrong). A coincidence on one case names nothing."""
        case = self.cases[index]
        got = outputs[index]
        if self.kind == ARRAY and isinstance(got, list | tuple) and _close(got, expecteds[index], case.rtol, case.atol):
            return None  # the right values in a list: the type is the whole mistake
        second: Mistake | None = None
        for mistake in self.mistakes:
            out, mistake_warned, _, not_impl = _call(mistake.fn, case)
            if not_impl is not None or bool(mistake_warned) != warned[index]:
                continue
            if not _matches(got, out, mistake.rtol, mistake.atol):
                continue
            agrees_everywhere, contradicted = True, False
            evidence = False  # agrees on another case the learner got wrong (not a one-case coincidence)
            against = False   # both gave (different) values on another case
            for j, other in enumerate(self.cases):
                if j == index or outputs[j] is _NOT_RUN:
                    continue
                other_out = _call(mistake.fn, other)[0]
                if not _consistent(outputs[j], other_out, max(mistake.rtol, other.rtol), max(mistake.atol, other.atol)):
                    agrees_everywhere = False
                    if passed[j]:
                        contradicted = True
                        break
                    if not isinstance(outputs[j], _Raised):
                        against = True  # the learner computed a value there that the mistake does not
                elif not isinstance(outputs[j], _Raised) and not passed[j]:
                    evidence = True
            if agrees_everywhere:
                return mistake
            # a mistake that reproduces only the failing case and computes something else wherever else the
            # learner was wrong is a coincidence: it names nothing
            if not contradicted and second is None and (evidence or (not against and not isinstance(got, _Raised))):
                second = mistake
        return second

    def _mutation_hint(self, student_fn: Callable, name: str, own: str | None = None) -> str:
        """Which line changed the argument (found in the learner's source, never guessed) and the fix, both in the
        learner's own name for the argument (``own``: their parameter at the same position; default ``name``)."""
        if self.mutation_fix is None:
            return self.mutation_hint
        own = own or name
        try:
            where = _mutation_where(student_fn, own)
        except Exception:  # noqa: BLE001
            where = f"your function changed the caller's `{own}` in place"
        return f"{where} — {self.mutation_fix.replace('{name}', own)}"

    def _section_for(self, topic: str | None) -> str | None:
        if topic and topic in self.sections:
            return self.sections[topic]
        return self.section

    def _args(self, case: Case) -> dict:
        names = _arg_names(self.reference, len(case.args))
        args = dict(zip(names, case.args, strict=False))
        with contextlib.suppress(TypeError, ValueError):  # defaults the case leaves out (alpha=0.01, h=1e-5)
            for name, parameter in inspect.signature(self.reference).parameters.items():
                if name not in args and parameter.default is not inspect.Parameter.empty and _is_number(
                        parameter.default):
                    args[name] = parameter.default
        args.update(case.kwargs)
        return args

    def _diagnose_case(self, j: int, outputs: list, expecteds: list, passed: list[bool],
                       warnings_of: list[list[str]], student_fn: Callable | None = None) -> Diagnosis | None:
        others = [(outputs[k], expecteds[k], self._args(self.cases[k])) for k in range(len(self.cases))
                  if k != j and not passed[k] and outputs[k] is not _NOT_RUN
                  and not isinstance(outputs[k], _Raised) and self.cases[k].driver is None]
        return diagnose(outputs[j], expecteds[j], self.kind, args=self._args(self.cases[j]),
                        warnings_seen=warnings_of[j], output_names=self.output_names, case=self.cases[j],
                        reference=self.reference, others=others, student_fn=student_fn)

    def _confirmed(self, found: Diagnosis, index: int, outputs: list, expecteds: list, passed: list[bool],
                   warnings_of: list[list[str]], student_fn: Callable | None = None) -> bool:
        """A relation seen on one case can be a coincidence (a 1×1 batch, dvalues of ones): it must also be what
        the diagnosis finds on the other failing cases (for a tiny case: on the larger ones)."""
        def size(x: Any) -> int:
            if isinstance(x, tuple | list) and self.kind == TUPLE:
                return sum(size(item) for item in x)
            arr = _float(x)
            return arr.size if arr is not None else 0

        if self.kind == NUMBER or isinstance(outputs[index], _Raised):
            return True
        tiny = size(outputs[index]) <= 2
        if not tiny and found.topic not in _RELATIONS:
            return True
        for j in range(len(self.cases)):
            if (j == index or passed[j] or outputs[j] is _NOT_RUN or isinstance(outputs[j], _Raised)
                    or self.cases[j].driver is not None or size(outputs[j]) <= 2
                    or (not tiny and np.shape(outputs[j]) != np.shape(expecteds[j]))):
                continue
            other = self._diagnose_case(j, outputs, expecteds, passed, warnings_of, student_fn)
            if other is None or other.topic != found.topic:
                return False
        return True

    def _swapped_parameters(self, student_fn: Callable, index: int, expecteds: list) -> Diagnosis | None:
        """The learner's own function, called with two arguments swapped, gives the right answer on every case:
        its parameters are in the wrong order (checked by calling it, never guessed)."""
        case = self.cases[index]
        names = _arg_names(self.reference, len(case.args))
        if case.driver is not None or len(case.args) < 2:
            return None
        for i, j in itertools.combinations(range(len(case.args)), 2):
            if callable(case.args[i]) or callable(case.args[j]):
                continue
            right_everywhere = True
            for k, other in enumerate(self.cases):
                if other.driver is not None or len(other.args) != len(case.args):
                    continue
                args = list(other.args)
                args[i], args[j] = args[j], args[i]
                out = _call(student_fn, Case(other.label, tuple(args), other.kwargs))[0]
                if isinstance(out, _Raised) or compare(out, expecteds[k], self.kind, other.rtol, other.atol,
                                                      self.output_names) is not None:
                    right_everywhere = False
                    break
            if right_everywhere:
                order = ", ".join(names)
                return Diagnosis(f"your function gives the right answer when `{names[i]}` and `{names[j]}` are "
                                 f"swapped: its parameters are in the wrong order — def {self.name}({order})",
                                 "The checker passes the arguments in the order of the exercise's signature.", "args")
        return None

    def _explain(self, index: int, outputs: list, warned: list[bool], expecteds: list, numpy_warnings: list[str],
                 passed: list[bool], warnings_of: list[list[str]] | None = None, student_fn: Callable | None = None
                 ) -> tuple[str | None, str | None, str | None]:
        """(hint, why, section) for the failing case ``index``."""
        case = self.cases[index]
        got = outputs[index]
        if warnings_of is None:
            warnings_of = [numpy_warnings if j == index else [] for j in range(len(self.cases))]
        mistake = self._known_mistake(index, outputs, warned, passed, expecteds)
        if mistake is not None:
            return mistake.hint, mistake.why or self.about, mistake.section or self.section
        swapped = None
        if student_fn is not None:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(Exception):
                swapped = self._swapped_parameters(student_fn, index, expecteds)  # prints belong to the first call
        if swapped is not None:
            return swapped.hint, swapped.why, self.section
        found = self._diagnose_case(index, outputs, expecteds, passed, warnings_of, student_fn)
        if found is not None and not self._confirmed(found, index, outputs, expecteds, passed, warnings_of,
                                                     student_fn):
            found = None  # a coincidence of a tiny case: the larger cases say otherwise
        if found is not None and not found.weak:
            return found.hint, found.why, self._section_for(found.topic)
        if case.hint_if_fails:
            return case.hint_if_fails, self.about, self.section
        # nothing specific on this case: another failing case may show the mistake clearly
        failing = [j for j in range(len(self.cases)) if j != index and not passed[j] and outputs[j] is not _NOT_RUN]
        for j in failing:
            other_mistake = self._known_mistake(j, outputs, warned, passed, expecteds)
            if other_mistake is not None:
                return other_mistake.hint, other_mistake.why or self.about, other_mistake.section or self.section
            if self.cases[j].driver is not None:
                continue  # a driver's output (a measurement) is not what the exercise returns
            other = self._diagnose_case(j, outputs, expecteds, passed, warnings_of, student_fn)
            if other is not None and not other.weak and self._confirmed(other, j, outputs, expecteds, passed,
                                                                         warnings_of, student_fn):
                return other.hint, other.why, self._section_for(other.topic)
        if found is not None:
            return found.hint, found.why, self._section_for(found.topic)
        for j in failing if any(passed) else ():  # what a failing case tests means something next to a passing one
            if self.cases[j].hint_if_fails:
                return self.cases[j].hint_if_fails, self.about, self.section
        right = [self.cases[j].label for j, ok in enumerate(passed) if ok]
        if right:
            return (f"your function is right on {len(right)} of {len(self.cases)} cases (e.g. \"{right[0]}\") but not "
                    f"on \"{case.label}\": something that differs between them (the length, the shape, a sign, a "
                    "zero, the dtype, a keyword argument) is handled wrongly", self.about, self.section)
        if isinstance(got, _Raised):
            return None, self.about, self.section
        return ("no case is right and no known mistake matches: work through this case by hand and print your "
                "intermediate values next to the formula in the lesson", self.about, self.section)

    def __call__(self, student_fn: Any) -> CheckResult:
        try:
            return self._check(student_fn)
        except Exception as exc:  # noqa: BLE001 — a checker never crashes a learner's notebook
            return self._emit(False, f"✗ check_{self.name}: the checker could not judge this function "
                                     f"({type(exc).__name__}: {exc})", None, None, "checker error", None)

    def _emit(self, passed: bool, line: str, case: str | None, hint: str | None, problem: str | None,
              why: str | None) -> CheckResult:
        result = CheckResult(self.name, passed, len(self.cases), line, case, hint, problem, why)
        _show(result)
        return result

    def _check(self, student_fn: Any) -> CheckResult:
        title = f"check_{self.name}"

        def fail(case: Case | None, problem: str, expected: Any = None, got: Any = None,
                 hint: str | None = None, show_values: bool = True, why: str | None = None,
                 section: str | None = None) -> CheckResult:
            where = f' — case "{case.label}"' if case else ""
            line = f"✗ {title}{where}: {problem}"
            if show_values:
                shown_e, shown_g = fmt(expected), fmt(got)
                line += f"; expected {shown_e}, got {shown_g}"
                if shown_e == shown_g:
                    line += _difference_note(expected, got)
            if hint:
                line += f". Hint: {hint}"
            second = None
            if why or section:
                second = " ".join(p for p in (f"Why: {why}" if why else "", f"See {section}." if section else "") if p)
            return self._emit(False, line, case.label if case else None, hint, problem, second)

        if not callable(student_fn):
            return fail(None, f"expected your function (pass `{self.name}` without calling it), "
                              f"got {type(student_fn).__name__} {fmt(student_fn)}", show_values=False,
                        why="A checker calls your function itself, on several cases.")
        n = len(self.cases)
        outputs: list = [_NOT_RUN] * n
        expecteds: list = [None] * n
        warned = [False] * n
        warnings_of: list[list[str]] = [[] for _ in range(n)]
        passed = [False] * n
        first: tuple | None = None  # (index, expected, numpy warnings, problem, args_after)
        for i, case in enumerate(self.cases):
            expected = expecteds[i] = self._expected(case)
            if first is None:
                got, numpy_warnings, args_after, not_impl = _call(student_fn, case)
            else:  # after the first failure the remaining cases only inform the diagnosis: keep them silent
                with contextlib.redirect_stdout(io.StringIO()):
                    got, numpy_warnings, args_after, not_impl = _call(student_fn, case)
            if not_impl is not None and first is not None:
                got = _Raised(not_impl)
            elif not_impl is not None:
                line = (f"✗ {title}: not implemented yet — replace `raise NotImplementedError()` with your code, "
                        "then run this cell again")
                return self._emit(False, line, case.label, None, "not implemented yet", None)
            outputs[i], warned[i] = got, bool(numpy_warnings)
            warnings_of[i] = list(numpy_warnings)
            problem = None
            if not isinstance(got, _Raised):
                names = _arg_names(self.reference, len(case.args))
                mutated = False
                for position, (name, before, after) in enumerate(zip(names, case.args, args_after, strict=False)):
                    if not _same(before, after):
                        if first is None:
                            # the learner's own name for this argument (same position), when the case calls
                            # their function directly; a driver may pass its arguments differently
                            own = name if case.driver is not None else _learner_arg_name(student_fn, position, name)
                            called = f" (your `{own}`)" if own != name else ""
                            return fail(case, f"your function changed its input `{name}`{called}", before, after,
                                        hint=self._mutation_hint(student_fn, name, own), why=self.mutation_why,
                                        section=self.section)
                        mutated = True
                problem = compare(got, expected, self.kind, case.rtol, case.atol, self.output_names)
                if problem is not None and case.valid is not None and (
                        case.driver is not None or _right_type(got, expected, self.kind)):
                    with contextlib.suppress(Exception):
                        if case.valid(got):
                            problem = None
                if problem is None and numpy_warnings:
                    problem = f"numpy warned '{numpy_warnings[0]}' (the answer is only right by luck)"
                if problem is None and mutated:
                    problem = "changed its input"
            else:
                problem = "raised"
            passed[i] = problem is None
            if problem is not None and first is None:
                first = (i, expected, numpy_warnings, problem)
        if first is None:
            line = f"✓ {title}: all {n} cases pass" + (f" ({self.verified})" if self.verified else "")
            return self._emit(True, line, None, None, None, None)
        i, expected, numpy_warnings, problem = first
        case, got = self.cases[i], outputs[i]
        hint, why, section = self._explain(i, outputs, warned, expecteds, numpy_warnings, passed, warnings_of,
                                           student_fn)
        if isinstance(got, _Raised):
            at = ""
            if got.where:
                fn_name, lineno, text = got.where
                short = text if len(text) <= 90 else text[:87] + "..."
                at = f" in `{fn_name}`, line {lineno}: `{short}`" if fn_name != "<module>" else f" at `{short}`"
            return fail(case, f"your function raised {got}{at}", show_values=False, hint=hint, why=why,
                        section=section)
        shown_expected, shown_got = self._focus(expected, got, case)
        return fail(case, problem, shown_expected, shown_got, hint=hint, why=why, section=section)


_NOT_RUN = object()
#: diagnoses that state a relation between got and expected: it must hold on every failing case alike
_RELATIONS = frozenset({"offset", "args", "scale", "order", "log", "sign"})


def _right_type(got: Any, expected: Any, kind: str) -> bool:
    """Only a result of the right type and shape may pass as a valid alternative (a list never does)."""
    if kind == NUMBER:
        return _is_number(got)
    if kind == ARRAY:
        return isinstance(got, np.ndarray) and got.shape == np.shape(expected) and got.dtype != np.bool_
    return isinstance(got, tuple) and len(got) == len(expected) and all(
        _right_type(g, e, ARRAY) for g, e in zip(got, expected, strict=True))


def run_quietly(check: Callable, fn: Callable) -> CheckResult:
    """Run a checker without printing or displaying (for tests and widgets); returns the result with its ``line``."""
    _QUIET[0] += 1
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return check(fn)
    finally:
        _QUIET[0] -= 1
