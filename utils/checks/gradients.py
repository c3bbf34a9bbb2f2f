"""Checkers for lesson 05 (finite-difference derivatives and gradients)."""

from __future__ import annotations

import contextlib
import inspect
import io
import re

import numpy as np

from utils import gradients as ref
from utils.checks.core import NUMBER, Case, Checker, Mistake, lesson_section

_SLOPE = lesson_section("05", "1. The derivative is a slope")
_H = lesson_section("05", "2. How small should h be?")
_GRADIENT = lesson_section("05", "4. Many inputs: the gradient")


def _at_least_as_accurate(exact, reference_value, got) -> bool:
    """A valid alternative (five-point stencil, Richardson, …): at least as close to the exact derivative
    as the central difference with the same h, allowing round-off."""
    exact = np.asarray(exact, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    if got.shape != exact.shape or not np.all(np.isfinite(got)):
        return False
    allowed = np.maximum(1.01 * np.abs(np.asarray(reference_value) - exact), 1e-7 * (1 + np.abs(exact)))
    return bool(np.all(np.abs(got - exact) <= allowed))


def _valid_derivative(f, x, h, exact):
    central = (f(x + h) - f(x - h)) / (2 * h)
    return lambda got: _at_least_as_accurate(exact, central, got)


def _reach_of_derivative(fn, f, x, h=1e-5):
    """Call the learner's function with a recording f; return how far from x it evaluates f, in units of h
    (1 for the central difference, 2 for a five-point stencil, about 0 when h is ignored)."""
    points = []

    def recording_f(t):
        points.append(float(np.asarray(t, dtype=np.float64).reshape(-1)[0]))
        return f(t)

    fn(recording_f, x, h=h)
    return max((abs(p - x) for p in points), default=0.0) / h


def _reach_of_gradient(fn, f, x, h=1e-5):
    """Like ``_reach_of_derivative`` for an array x: the largest nudge of any element, in units of h."""
    x0 = np.array(x, dtype=np.float64)
    reach = [0.0]

    def recording_f(t):
        t = np.asarray(t, dtype=np.float64)
        if t.shape == x0.shape:
            reach[0] = max(reach[0], float(np.max(np.abs(t - x0))))
        return f(t)

    fn(recording_f, x, h=h)
    return reach[0] / h


def _uses_h(got) -> bool:
    return 0.5 <= float(got) <= 4.5


def _cube(x):
    return x ** 3


def _parabola(x):
    return 2 * x ** 2


def _wiggle(x):
    return np.sin(3 * x) + x ** 2


check_numerical_derivative = Checker(
    name="numerical_derivative",
    reference=ref.numerical_derivative,
    kind=NUMBER,
    verified="central difference (f(x+h) - f(x-h)) / 2h (or a more accurate stencil), the h argument, three "
             "functions",
    section=_SLOPE, sections={"factor": _SLOPE, "scale": _H},
    about="The central difference (f(x+h) - f(x-h)) / (2h) measures the slope over a span of 2h around x; a "
          "method at least as accurate is accepted too.",
    cases=[
        Case("f(x) = 2x² at x = 2 (slope 8)", (_parabola, 2.0), valid=_valid_derivative(_parabola, 2.0, 1e-5, 8.0)),
        Case("f(x) = x³ at x = 1, h = 0.01", (_cube, 1.0), {"h": 0.01},
             valid=_valid_derivative(_cube, 1.0, 0.01, 3.0)),
        Case("f(x) = x³ at x = -2, h = 0.1", (_cube, -2.0), {"h": 0.1},
             valid=_valid_derivative(_cube, -2.0, 0.1, 12.0)),
        Case("f(x) = sin(3x) + x² at x = 0.5", (_wiggle, 0.5),
             valid=_valid_derivative(_wiggle, 0.5, 1e-5, 3 * np.cos(1.5) + 1.0)),
        Case("the h argument: with h = 0.02, f is evaluated about h away from x (distance / h shown)",
             (_cube, 1.0), {"h": 0.02}, driver=_reach_of_derivative, valid=_uses_h,
             hint_if_fails="use the h you are given: evaluate f at x + h and x - h"),
    ],
    mistakes=[
        Mistake("that is the forward difference (f(x+h) - f(x)) / h, whose error shrinks only like h: use the "
                "central difference (f(x+h) - f(x-h)) / (2*h)", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h,
                rtol=1e-9),
        Mistake("that is the backward difference (f(x) - f(x-h)) / h: use the central difference "
                "(f(x+h) - f(x-h)) / (2*h)", lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, rtol=1e-9),
        Mistake("the central difference spans 2h, from x-h to x+h: divide by 2*h, not h",
                lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h,
                why="Rise over run: the two points are 2h apart, so the run is 2h."),
        Mistake("/ 2 * h divides by 2 and then multiplies by h: write / (2 * h)",
                lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h),
        Mistake("h was ignored: use the h argument instead of a fixed 1e-5",
                lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, rtol=1e-8,
                why="The caller chooses h (lesson 05 compares several); a fixed step makes that impossible.",
                section=_H),
        Mistake("from x to x + h is a span of h, not 2h: use the central difference (f(x+h) - f(x-h)) / (2*h)",
                lambda f, x, h=1e-5: (f(x + h) - f(x)) / (2 * h), rtol=1e-9),
        Mistake("the central difference subtracts: (f(x+h) - f(x-h)) / (2*h)",
                lambda f, x, h=1e-5: (f(x + h) + f(x - h)) / (2 * h)),
        Mistake("f(x+h) - f(x-h) / (2*h) divides only f(x-h): put the numerator in parentheses, "
                "(f(x+h) - f(x-h)) / (2*h)", lambda f, x, h=1e-5: f(x + h) - f(x - h) / (2 * h),
                why="Division binds tighter than subtraction."),
        Mistake("x was nudged by a fixed amount but divided by h (or the other way round): nudge by h and divide "
                "by 2*h", lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / (2 * h), rtol=1e-8),
        Mistake("x was nudged by h but divided by a fixed 2e-5 (or the other way round): nudge by h and divide "
                "by 2*h", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2e-5, rtol=1e-8),
        Mistake("h was added to f(x), not to x: evaluate f at the nudged points, f(x + h) and f(x - h)",
                lambda f, x, h=1e-5: ((f(x) + h) - (f(x) - h)) / (2 * h),
                why="The slope compares f at two inputs; f(x) + h only shifts one output."),
    ],
    mutation_fix="leave `{name}` alone: evaluate f at new arrays (never change the caller's `{name}`)",
)


# ------------------------------------------------------------------------------ gradient of an array
_A = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])


def _sum_squares(x):
    return float(np.sum(x ** 2))


def _weighted(x):
    return float(np.sum(np.sin(x) * _A) + np.sum(x) ** 2)


def _cubes(x):
    return float(np.sum(x ** 3))


def _zeros_after_nudging(f, x, h=1e-5):
    """f evaluated at every nudged point, yet a gradient of zeros (the same nudge twice, or a result never stored)."""
    for i in np.ndindex(np.shape(x)):
        for step in (h, -h):
            nudged = np.array(x, dtype=float)
            nudged[i] += step
            f(nudged)
    return np.zeros(np.shape(x))


_X3 = np.array([0.5, 1.0, -1.5])
_X2D = np.array([[0.1, 0.2, -0.3], [1.0, -1.0, 0.5]])


def _copies_before_loop(f, x, h=1e-5):
    """x_plus, x_minus copied once, before the loop: the nudges of earlier elements stay in."""
    grad = np.zeros_like(x, dtype=float)
    xp, xm = x.copy(), x.copy()
    for i in np.ndindex(x.shape):
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _first_only(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    xp, xm = x.copy(), x.copy()
    xp.flat[0] += h
    xm.flat[0] -= h
    grad.flat[0] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _by_rows(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _forward_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    base = f(x.copy())
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        grad[i] = (f(xp) - base) / h
    return grad


# ------------------------------------------------------------------------------ an all-zeros gradient, explained
#: the hint of the all-zeros mistake before it is made specific (what the learner's source and a probe show)
_ALL_ZEROS = ("every gradient is 0: both evaluations of f saw the same x, so f(x_plus) - f(x_minus) is 0. x_plus "
              "must be a copy of x with element i raised by h, x_minus a copy with it lowered by h: x_plus = "
              "x.copy(); x_plus[i] += h (likewise x_minus), then f(x_plus) and f(x_minus)")
_ALL_ZEROS_WHY = "The central difference compares f at two different points; if both calls see one x, it is 0."
_ALIAS_WHY = ("Assignment in Python gives an array a second name; only .copy() makes a new array (in numpy, x[:] "
              "and np.asarray(x) do not copy either).")
#: right-hand sides that give the argument another name instead of copying it ({x} is the argument's name)
_NOT_A_COPY = (r"{x}", r"{x}\s*\[\s*:\s*\]", r"{x}\s*\[\s*\.\.\.\s*\]", r"{x}\s*\.\s*view\(\s*\)",
               r"(?:np|numpy)\s*\.\s*(?:asarray|asanyarray)\(\s*{x}\s*\)")


def _argument_name(fn) -> str:
    """The name the learner gave the array argument (the second parameter), "x" when Python cannot tell."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return "x"
    return names[1] if len(names) > 1 else "x"


def _aliases_written_to(fn) -> list[tuple[str, str]]:
    """``(name, line)`` for each of the learner's lines that makes another name for the argument without copying
    it — ``x_plus = x``, ``x_minus = x[:]``, ``xp, xm = x, x`` — where that name is then written into
    (``x_plus[i] += h``). Read from their source; [] when Python cannot find the source."""
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return []
    name = _argument_name(fn)
    rhs = "|".join(p.format(x=re.escape(name)) for p in _NOT_A_COPY)
    lines = [line.split("#", 1)[0].rstrip() for line in source.splitlines()]
    found: list[tuple[str, str]] = []  # (alias, line)
    for line in lines[1:]:
        single = re.match(rf"^\s*(\w+)\s*=\s*(?:{rhs})\s*$", line)
        if single and single.group(1) != name:
            found.append((single.group(1), line.strip()))
            continue
        pair = re.match(r"^\s*(\w+)\s*,\s*(\w+)\s*=\s*(.+?)\s*,\s*(.+?)\s*$", line)
        if pair:
            for target, value in ((pair.group(1), pair.group(3)), (pair.group(2), pair.group(4))):
                if target != name and re.fullmatch(rf"(?:{rhs})", value):
                    found.append((target, f"{target} = {value}"))
    written: list[tuple[str, str]] = []
    for alias, line in found:
        write = re.compile(rf"^\s*{re.escape(alias)}\s*\[.*\]\s*(?:[-+*/]|//|\*\*)?=(?!=)")
        if (alias, line) not in written and any(write.match(other) for other in lines):
            written.append((alias, line))
    return written


def _nudges_seen(fn, x, h):
    """Call the learner's function on f(x) = sum(x²) with a recording f; return, for every call of f, how its
    argument differed from x (an array shaped like x, or None for another shape), or None when the call fails.
    Prints are swallowed."""
    x0 = np.array(x, dtype=np.float64)
    seen: list = []

    def recording_f(t):
        t = np.asarray(t, dtype=np.float64)
        seen.append(t - x0 if t.shape == x0.shape else None)
        return _sum_squares(t)

    try:
        with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
            fn(recording_f, x0.copy(), h=h)
    except Exception:  # noqa: BLE001 — only evidence for a hint; a failing probe proves nothing
        return None
    return seen


def _all_zeros_explained(student_fn) -> tuple[str, str]:
    """(hint, why) for a gradient of all zeros, from what was checked: the learner's source (an alias written
    into) first, then where f was evaluated; without evidence, the symptom and the usual fixes."""
    try:
        aliases = _aliases_written_to(student_fn)
    except Exception:  # noqa: BLE001
        aliases = []
    if aliases:
        name = _argument_name(student_fn)
        said = f"{aliases[0][1]} does not copy" + (f", and neither does {aliases[1][1]}" if len(aliases) > 1 else "")
        copies = " and ".join(f"{alias} = {name}.copy()" for alias, _ in aliases[:2])
        each, copy = ("each", "copies") if len(aliases) > 1 else ("it", "a copy")
        return (f"every gradient is 0 because {said}: {each} gives {name} another name, so your nudges change {name} "
                f"itself and both calls of f see the same array, which makes the difference 0. Make real {copy}: "
                f"{copies}"), _ALIAS_WHY
    h = 1e-5
    seen = _nudges_seen(student_fn, np.array([1.0, -2.0, 3.0]), h)
    if seen is None or any(d is None for d in seen):
        return _ALL_ZEROS, _ALL_ZEROS_WHY
    if not seen:
        return ("every gradient is 0 and f was never called: evaluate f(x_plus) and f(x_minus) for every element, "
                "with x_plus = x.copy(); x_plus[i] += h and x_minus = x.copy(); x_minus[i] -= h"), _ALL_ZEROS_WHY
    if all(np.max(np.abs(d)) < 0.01 * h for d in seen):
        return ("every gradient is 0 and f only ever saw x unchanged: the nudges were undone before f ran (or "
                "never made). Nudge copies — x_plus = x.copy(); x_plus[i] += h and x_minus = x.copy(); "
                "x_minus[i] -= h — and call f(x_plus) and f(x_minus)"), _ALL_ZEROS_WHY
    up = any(np.any(np.abs(d - h) < 0.01 * h) for d in seen)
    down = any(np.any(np.abs(d + h) < 0.01 * h) for d in seen)
    if up and down:
        return ("every gradient is 0 although f was evaluated at x + h and at x - h: those values never reached the "
                "array you return. Store (f_plus - f_minus) / (2 * h) in grad[i] of the array you return"), (
                "The checker watched the calls of f: the nudged points were right, the result was lost.")
    if up != down:
        seen_at, missing, fix = (("x + h", "x - h", "lower element i by h in x_minus (x_minus[i] -= h)") if up else
                                 ("x - h", "x + h", "raise element i by h in x_plus (x_plus[i] += h)"))
        return (f"every gradient is 0: f was evaluated at {seen_at} but never at {missing}, so both evaluations gave "
                f"the same value. Nudge the two copies in opposite directions: {fix}"), _ALL_ZEROS_WHY
    return _ALL_ZEROS, _ALL_ZEROS_WHY


class _NumericalGradientChecker(Checker):
    """The lesson-05 checker: an all-zeros answer is explained by what the learner's source and a probe show."""

    def _explain(self, index, outputs, warned, expecteds, numpy_warnings, passed, warnings_of=None,
                 student_fn=None):
        hint, why, section, shown = super()._explain(index, outputs, warned, expecteds, numpy_warnings, passed,
                                                     warnings_of, student_fn)
        if hint == _ALL_ZEROS and student_fn is not None:
            with contextlib.suppress(Exception):
                hint, why = _all_zeros_explained(student_fn)
        return hint, why, section, shown


check_numerical_gradient = _NumericalGradientChecker(
    name="numerical_gradient",
    reference=ref.numerical_gradient,
    verified="every element of 1-D and 2-D arrays, central differences (or more accurate), the h argument, "
             "x left unchanged",
    section=_GRADIENT, sections={"factor": _SLOPE},
    about="The gradient nudges one element of x at a time by ±h (the others fixed), takes the central "
          "difference, and puts x back as it was.",
    cases=[
        Case("f(x) = sum(x²) at x = [1, -2, 3] (gradient 2x)", (_sum_squares, np.array([1.0, -2.0, 3.0])),
             valid=lambda got: _at_least_as_accurate([2.0, -4.0, 6.0], [2.0, -4.0, 6.0], got)),
        Case("f(x) = sum(x³) at x = [0.5, 1, -1.5], h = 0.1", (_cubes, np.array([0.5, 1.0, -1.5])), {"h": 0.1},
             valid=lambda got: _at_least_as_accurate(3 * _X3 ** 2, 3 * _X3 ** 2 + 0.01, got)),
        Case("a 2-D x of shape (2, 3)", (_weighted, _X2D),
             hint_if_fails="nudge every element of x, whatever its shape (np.ndindex(x.shape) visits them all)",
             valid=lambda got: _at_least_as_accurate(np.cos(_X2D) * _A + 2 * np.sum(_X2D),
                                                     ref.numerical_gradient(_weighted, _X2D.copy()), got)),
        Case("the h argument: with h = 0.1, each element is nudged about h (largest nudge / h shown)",
             (_cubes, np.array([0.5, 1.0, -1.5])), {"h": 0.1}, driver=_reach_of_gradient, valid=_uses_h,
             hint_if_fails="use the h you are given: nudge each element by +h and -h"),
    ],
    mistakes=[
        Mistake("only the first element got a gradient: loop over every element of x "
                "(for i in np.ndindex(x.shape))", _first_only),
        Mistake("a 2-D x was nudged a whole row at a time: loop over every element with "
                "for i in np.ndindex(x.shape)", _by_rows),
        Mistake("that is the forward difference (f(x+h) - f(x)) / h: use the central difference "
                "(f(x+h) - f(x-h)) / (2*h)", _forward_gradient, rtol=1e-9),
        Mistake("h was ignored: use the h argument instead of a fixed 1e-5",
                lambda f, x, h=1e-5: ref.numerical_gradient(f, x.copy(), 1e-5), rtol=1e-8, section=_H),
        # all zeros, f never called or called at x only / all zeros, f called at nudged points: one hint, made
        # specific by _NumericalGradientChecker from the learner's source and from where f was evaluated
        Mistake(_ALL_ZEROS, lambda f, x, h=1e-5: np.zeros(np.shape(x)), why=_ALL_ZEROS_WHY),
        Mistake(_ALL_ZEROS, _zeros_after_nudging, why=_ALL_ZEROS_WHY),
        Mistake("the central difference spans 2h: divide by 2*h, not h",
                lambda f, x, h=1e-5: 2 * ref.numerical_gradient(f, x.copy(), h)),
        Mistake("x + h nudges every element at once: nudge one element at a time (x_plus = x.copy(); "
                "x_plus[i] += h), so each partial derivative sees only its own element move",
                lambda f, x, h=1e-5: np.full(np.shape(x), (f(x + h) - f(x - h)) / (2 * h))),
        Mistake("x_plus and x_minus were copied once, before the loop, so the nudges of earlier elements are still "
                "in them: make fresh copies inside the loop, one pair per element", _copies_before_loop,
                why="Each partial derivative must move only its own element; the others stay at x."),
    ],
    mutation_hint="x must be left as it was: after evaluating f at x[i] + h and x[i] - h, put the old value "
                  "back (old = x[i] ... x[i] = old); note that x_plus = x does not copy",
    mutation_fix="{name} must be left as it was: nudging `{name}` itself is fine while f runs, but afterwards put the "
                 "old value back (old = {name}[i] ... {name}[i] = old), or nudge copies ({name}_plus = "
                 "{name}.copy())",
)
