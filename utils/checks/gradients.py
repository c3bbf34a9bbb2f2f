"""Checkers for lesson 05 (finite-difference derivatives and gradients)."""

from __future__ import annotations

import numpy as np

from utils import gradients as ref
from utils.checks.core import NUMBER, Case, Checker, Mistake


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
    verified="central difference (f(x+h) - f(x-h)) / 2h, the h argument, three functions",
    cases=[
        Case("f(x) = 2x² at x = 2 (slope 8)", (_parabola, 2.0)),
        Case("f(x) = x³ at x = 1, h = 0.01", (_cube, 1.0), {"h": 0.01}),
        Case("f(x) = x³ at x = -2, h = 0.1", (_cube, -2.0), {"h": 0.1},
             hint_if_fails="use the h you are given (the result depends on it for f = x³)"),
        Case("f(x) = sin(3x) + x² at x = 0.5", (_wiggle, 0.5)),
    ],
    mistakes=[
        Mistake("that is the forward difference (f(x+h) - f(x)) / h, whose error shrinks only like h: use the "
                "central difference (f(x+h) - f(x-h)) / (2*h)", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h,
                rtol=1e-9),
        Mistake("that is the backward difference (f(x) - f(x-h)) / h: use the central difference "
                "(f(x+h) - f(x-h)) / (2*h)", lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, rtol=1e-9),
        Mistake("the central difference spans 2h, from x-h to x+h: divide by 2*h, not h",
                lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h),
        Mistake("/ 2 * h divides by 2 and then multiplies by h: write / (2 * h)",
                lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h),
        Mistake("h was ignored: use the h argument instead of a fixed 1e-5",
                lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, rtol=1e-8),
    ],
)


# ------------------------------------------------------------------------------ gradient of an array
_A = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])


def _sum_squares(x):
    return float(np.sum(x ** 2))


def _weighted(x):
    return float(np.sum(np.sin(x) * _A) + np.sum(x) ** 2)


def _cubes(x):
    return float(np.sum(x ** 3))


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
    verified="every element of 1-D and 2-D arrays, central differences, the h argument, x left unchanged",
    cases=[
        Case("f(x) = sum(x²) at x = [1, -2, 3] (gradient 2x)", (_sum_squares, np.array([1.0, -2.0, 3.0]))),
        Case("f(x) = sum(x³) at x = [0.5, 1, -1.5], h = 0.1", (_cubes, np.array([0.5, 1.0, -1.5])), {"h": 0.1},
             hint_if_fails="use the h you are given (the result depends on it for x³)"),
        Case("a 2-D x of shape (2, 3)", (_weighted, np.array([[0.1, 0.2, -0.3], [1.0, -1.0, 0.5]])),
             hint_if_fails="nudge every element of x, whatever its shape (np.ndindex(x.shape) visits them all)"),
    ],
    mistakes=[
        Mistake("only the first element got a gradient: loop over every element of x "
                "(for i in np.ndindex(x.shape))", _first_only),
        Mistake("a 2-D x was nudged a whole row at a time: loop over every element with "
                "for i in np.ndindex(x.shape)", _by_rows),
        Mistake("that is the forward difference (f(x+h) - f(x)) / h: use the central difference "
                "(f(x+h) - f(x-h)) / (2*h)", _forward_gradient, rtol=1e-9),
        Mistake("h was ignored: use the h argument instead of a fixed 1e-5",
                lambda f, x, h=1e-5: ref.numerical_gradient(f, x.copy(), 1e-5), rtol=1e-8),
    ],
    mutation_hint="x must be left as it was: after evaluating f at x[i] + h and x[i] - h, put the old value "
                  "back (old = x[i] ... x[i] = old); note that x_plus = x does not copy",
)
