"""Checkers for lesson 05 (finite-difference derivatives and gradients)."""

from __future__ import annotations

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


def _same_points(f, x, h=1e-5):
    """Both evaluations at x + h (a typo), so every difference is 0."""
    for i in np.ndindex(np.shape(x)):
        xp = np.array(x, dtype=float)
        xp[i] += h
        f(xp)
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


check_numerical_gradient = Checker(
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
        Mistake("every gradient is 0, so f(x_plus) and f(x_minus) gave the same value: x_plus must be x with element i "
                "raised by h, and x_minus with it lowered by h. The usual cause: x_plus = x does not copy — both "
                "names are one array, so the two nudges cancel before f runs. Use x_plus = x.copy() (and "
                "x_minus = x.copy())", lambda f, x, h=1e-5: np.zeros(np.shape(x)),
                why="Assignment in Python gives an array a second name; only .copy() makes a new array."),
        Mistake("every gradient is 0, so f(x_plus) and f(x_minus) gave the same value although f was evaluated at "
                "nudged points: x_plus and x_minus must differ — raise element i by h in one and lower it by h in "
                "the other", _same_points),
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
)
