"""An exception explained from the learner's own line: the cause in plain words (a list used as an array, `^`
for a power, an axis that does not exist, a shape mismatch), never a fix that runs but gives a wrong answer."""

from __future__ import annotations

import contextlib
import inspect
import re

import numpy as np

from utils.checks.claims import Diagnosis, _Context
from utils.checks.compare import _shape_words
from utils.checks.learner import _Raised

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
    (r"axis (-?\d+) is out of bounds for array of dimension (\d+)", "AXIS",
     "An array with d axes has axes 0 … d-1 (and -1 … -d counted from the end); a single sample is 1-D, a batch "
     "2-D.", "axis"),
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
     "Python stopped after about 1000 calls nested inside each other: your function (or a helper) calls itself, "
     "and the chain of calls never reached a case that stops — or the input is deeper than Python allows. Check "
     "which call on the quoted line calls itself, and with what",
     "Each call waits for the calls it makes; Python allows sys.getrecursionlimit() of them at once.", None),
    (r"unsupported operand type\(s\) for \^|ufunc 'bitwise_xor' not supported",
     "`^` is not a power in Python: it is bitwise XOR (defined for integers only) — a power is written `**`, "
     "e.g. x ** 2", "Python borrowed ^ from C, where it means exclusive-or.", "power"),
    (r"unsupported operand type\(s\) for @: 'list'|for @: '\w+' and 'list'",
     "`@` got a Python list: lists have no matrix product — convert the inputs with np.asarray(x, dtype=float) "
     "first", "`@` is numpy's matrix product; a list is only a container of numbers.", "list"),
    (r"missing (\d+) required positional argument", "MISSING",
     "The checker calls your function the way the exercise's signature says.", "args"),
    (r"takes (\d+) positional arguments? but (\d+) (?:was|were) given",
     "your function takes a different number of arguments than the exercise passes: compare your `def` line with "
     "the signature in the exercise", "The checker calls your function the way the exercise's signature says.",
     "args"),
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
        if hint == "AXIS":
            return Diagnosis(f"`axis={m.group(1)}` does not exist for this {m.group(2)}-D array: it has axes 0 … "
                             f"{int(m.group(2)) - 1} only (a single sample is 1-D, a batch 2-D) — see which array "
                             "the quoted line reduces, and which of its axes the formula runs over", why, topic)
        if hint == "MISSING":
            return _missing_argument(text, ctx, why, topic)
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




def _missing_argument(text: str, ctx: _Context, why: str, topic: str | None) -> Diagnosis:
    """A parameter the checker did not pass: one the exercise gives a default (``alpha=0.01``), or one the exercise
    does not have."""
    names = re.findall(r"'(\w+)'", text.split("argument", 1)[-1])
    defaults = {}
    with contextlib.suppress(TypeError, ValueError):
        defaults = {n: p.default for n, p in inspect.signature(ctx.reference).parameters.items()
                    if p.default is not inspect.Parameter.empty}
    for name in names:
        if name in defaults:
            return Diagnosis(f"your parameter `{name}` has no default value, and the checker calls your function "
                             f"without it, as the exercise allows: write `{name}={defaults[name]!r}` in your `def` "
                             "line", why, topic)
    if names:
        return Diagnosis(f"your function needs `{names[0]}`, which the exercise does not pass: compare your `def` "
                         "line with the signature in the exercise", why, topic)
    return Diagnosis("your function needs more arguments than the exercise passes: compare your `def` line with the "
                     "signature in the exercise", why, topic)
