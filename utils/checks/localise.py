"""Which elements of a case are wrong, named by a property of the input (``z < 0``, ``|z| large``), and what the
values are there: observed on the case, never guessed."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from utils.checks.claims import Diagnosis, _Context
from utils.checks.compare import ARRAY, NUMBER, _close, _float, compare
from utils.checks.relations import _factor
from utils.checks.result import _g, fmt


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


def _diagnose_elements(got: np.ndarray, expected: np.ndarray, ctx: _Context, case: Any,
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
                return Diagnosis(f"{what} is wrong where {words}; {on} — look at what your formula does there",
                                 "The elements that differ share one property of the input: work one of "
                                 "them through by hand.", "branch")
    flat = wrong.ravel()
    k_last = int(flat.sum())
    never_written = bool(np.all(got[wrong] == 0))  # an np.zeros entry the loop never reached
    if named is None and k_last <= 2 and flat[-k_last:].all() and got.size > k_last and never_written:
        return Diagnosis(f"{what} is right except the last {'element' if k_last == 1 else f'{k_last} elements'}, "
                         "which are 0 — never written: check which elements your loop reaches (range(n) runs "
                         "0 … n-1; a loop that stops early or returns inside the loop leaves the rest of np.zeros)",
                         "Entries still at their starting 0 were never reached.", "branch")
    if named is None and k_last <= 2 and flat[:k_last].all() and got.size > k_last and never_written:
        return Diagnosis(f"{what} is right except the first {'element' if k_last == 1 else f'{k_last} elements'}, "
                         "which are 0 — never written: check which elements your loop reaches (Python counts from 0)",
                         "Entries still at their starting 0 were never reached.", "branch")
    if named is None and got.ndim == 2 and got.shape[0] > 1 and got.shape[1] > 1:
        for axis, word in ((0, "row"), (1, "column")):
            lines = wrong.any(axis=1 - axis)
            for end, at in ((-1, "last"), (0, "first")):
                only = np.zeros_like(lines)
                only[end] = True
                line_of_got = got.take(end, axis=axis)
                untouched = np.all(line_of_got == 0)
                if np.array_equal(lines, only) and untouched:
                    return Diagnosis(f"{what} is right except its {at} {word}, which is 0 — never written: "
                                     f"check which {word}s your loop reaches (range(n) runs 0 … n-1)",
                                     "Entries still at their starting 0 were never reached.", "branch")
    in_name = named[0].split()[0] if named is not None else "the input"
    on = _relation(got[wrong], expected[wrong], named[1][wrong] if named is not None else None, in_name, ctx)
    if named is not None and named[0].endswith("!= 0") and on is None:
        named = None  # "wrong wherever the input is not 0" says nothing without a relation
    on = f"; {on}" if on else ""
    if named is not None:
        return Diagnosis(f"{what} is right except exactly where {named[0]}{on} — look at what your formula does there",
                         "The elements that differ share one property of the input: work one of them "
                         "through by hand.", "branch")
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




# ------------------------------------------------------------------------------ what was observed
def _first_array(args: dict) -> np.ndarray | None:
    for value in args.values():
        if isinstance(value, np.ndarray | list) and not callable(value):
            with contextlib.suppress(TypeError, ValueError):
                arr = np.asarray(value, dtype=np.float64)
                if arr.ndim >= 1:
                    return arr
    return None


def _size(args: dict) -> int:
    total = 0
    for value in args.values():
        with contextlib.suppress(TypeError, ValueError):
            total += int(np.asarray(value, dtype=np.float64).size)
    return total


def _inside(got: Any, expected: Any, args: dict, output_names: Sequence[str], case: Any) -> str:
    """Which part of one case's output is wrong, in words that are true by construction ('' when nothing can be
    said beyond "wrong")."""
    rtol, atol = getattr(case, "rtol", 1e-6), getattr(case, "atol", 1e-9)
    if isinstance(expected, tuple) and isinstance(got, tuple | list) and len(got) == len(expected):
        names = list(output_names) or [f"item {i}" for i in range(len(expected))]
        right = [names[i] for i, (g, e) in enumerate(zip(got, expected, strict=True))
                 if compare(g, np.asarray(e, dtype=np.float64), ARRAY, rtol, atol) is None]
        wrong = [names[i] for i in range(len(expected)) if names[i] not in right]
        if right and wrong:
            return (f"{', '.join(f'`{n}`' for n in right)} {'is' if len(right) == 1 else 'are'} right, "
                    f"{', '.join(f'`{n}`' for n in wrong)} {'is' if len(wrong) == 1 else 'are'} not")
        return ""
    g, e = _float(got), _float(expected)
    if g is None or e is None or g.shape != e.shape or g.ndim == 0 or not np.all(np.isfinite(g)):
        return ""
    wrong = ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not wrong.any():
        return ""
    ctx = _Context(dict(args), [])
    if not wrong.all():
        named = _describe_mask(wrong, ctx)
        if named is not None:
            words = named[0]
            return f"right except exactly where {words}"
    if g.ndim == 2 and g.shape[0] > 1:
        rows_e = e.sum(axis=1)
        if np.allclose(g.sum(axis=1), rows_e, rtol=1e-6, atol=1e-9) and np.allclose(rows_e, 1.0, atol=1e-6):
            return "each row sums to 1, as it should, but the values differ"
        bad = np.flatnonzero(wrong.any(axis=1))
        if 0 < len(bad) < g.shape[0]:
            return (f"rows {', '.join(str(int(r)) for r in bad[:6])} are wrong, the other "
                    f"{g.shape[0] - len(bad)} right")
    if not wrong.all():
        return f"{int(wrong.sum())} of {g.size} values are wrong, the others right"
    return ""


def _sign(value: Any) -> str:
    v = _float(value)
    if v is None or v.ndim != 0 or not np.isfinite(v):
        return ""
    return "negative" if v < 0 else "positive"


def observe(index: int, outputs: list, expecteds: list, passed: list[bool], cases: Sequence, args_of: list[dict],
            output_names: Sequence[str] = (), kind: str = ARRAY) -> str:
    """What was observed when no explanation is verified (DESIGN §3.2): which cases pass and which fail, which
    part of the failing output is wrong, and the smallest failing case to work through by hand. Every statement is
    read off the outputs, so it is true by construction; no cause is named."""
    n = len(cases)
    ran = range(n)
    failing = [j for j in ran if not passed[j]]
    right = [j for j in ran if passed[j]]
    parts = []
    if right:
        parts.append(f"right on {len(right)} of {n} cases (e.g. \"{cases[right[0]].label}\"), wrong on "
                     + ", ".join(f'"{cases[j].label}"' for j in failing[:3]) + (" ..." if len(failing) > 3 else ""))
        one = [j for j in right if (a := _first_array(args_of[j])) is not None and (a.ndim == 1 or a.shape[0] == 1)]
        many = [j for j in failing if (a := _first_array(args_of[j])) is not None and a.ndim == 2 and a.shape[0] > 1]
        if one and len(many) == len(failing) and kind != NUMBER:
            parts.append("right for one sample, wrong for a batch")
        signs = [_sign(expecteds[j]) for j in ran]
        if kind == NUMBER and all(signs[j] == "negative" for j in failing) and all(
                signs[j] != "negative" for j in right):
            parts.append("right when the answer is positive, wrong when it is negative (your result there: "
                         + ", ".join(fmt(outputs[j]) for j in failing[:3]) + ")")
    else:
        parts.append(f"wrong on every one of the {n} cases")
    inside = _inside(outputs[index], expecteds[index], args_of[index], output_names, cases[index])
    if inside:
        parts.append(f"on \"{cases[index].label}\": {inside}")
    smallest = min(failing, key=lambda j: (_size(args_of[j]), j)) if failing else index
    parts.append(f"work \"{cases[smallest].label}\" through by hand next to the formula in the lesson, printing "
                 "your intermediate values")
    return "; ".join(parts)
