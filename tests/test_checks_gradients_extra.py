"""check_numerical_gradient (lesson 05): hints that quote the learner's own source and never guess a cause.

An all-zeros gradient is explained by what was checked — an alias such as ``x_plus = x`` found in the learner's
source and written into, or where the learner's function evaluated f — and a function that leaves its input
changed gets the line that changed it quoted.
"""

from __future__ import annotations

import numpy as np

from utils.checks import check_numerical_gradient, run_quietly


def _hint(fn) -> str:
    result = run_quietly(check_numerical_gradient, fn)
    assert not result.passed, result.text
    assert result.hint, result.text
    assert result.why and "See lesson 05" in result.why, result.text
    return result.hint


def _from_source(source: str):
    """A function defined from a string: Python cannot show its source (inspect.getsource raises OSError)."""
    namespace = {"np": np}
    exec(source, namespace)  # noqa: S102 — a learner's function without a source file, on purpose
    return namespace["numerical_gradient"]


# ------------------------------------------------------------------------------ all zeros: an alias in the source
def test_alias_of_both_copies_is_quoted_from_the_source():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x_plus = x
            x_minus = x
            x_plus[i] += h
            x_minus[i] -= h
            grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "x_plus = x does not copy, and neither does x_minus = x" in hint
    assert "x_plus = x.copy() and x_minus = x.copy()" in hint


def test_alias_through_a_slice_and_the_learners_own_names():
    def numerical_gradient(f, w, h=1e-5):
        grad = np.zeros(w.shape)
        for i in np.ndindex(w.shape):
            wp, wm = w[:], w[:]
            wp[i] += h
            wm[i] -= h
            grad[i] = (f(wp) - f(wm)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "wp = w[:] does not copy" in hint and "wm = w[:]" in hint
    assert "wp = w.copy() and wm = w.copy()" in hint
    assert "x_plus = x" not in hint


def test_alias_through_np_asarray_is_found():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            up = np.asarray(x)
            down = np.asarray(x)
            up[i] += h
            down[i] -= h
            grad[i] = (f(up) - f(down)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "up = np.asarray(x) does not copy" in hint and "up = x.copy()" in hint


# ------------------------------------------------------------------------------ all zeros: no alias, no guess
def test_no_source_and_an_alias_inside_describes_what_f_saw_without_naming_an_alias():
    fn = _from_source(
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    grad = np.zeros(x.shape)\n"
        "    for i in np.ndindex(x.shape):\n"
        "        x_plus = x\n"
        "        x_minus = x\n"
        "        x_plus[i] += h\n"
        "        x_minus[i] -= h\n"
        "        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)\n"
        "    return grad\n")
    hint = _hint(fn)
    assert "does not copy" not in hint, "no source was read, so no alias may be named"
    assert "f only ever saw x unchanged" in hint and "x.copy()" in hint


def test_zeros_without_calling_f_says_f_was_never_called():
    def numerical_gradient(f, x, h=1e-5):
        return np.zeros(x.shape)

    hint = _hint(numerical_gradient)
    assert "f was never called" in hint
    assert "does not copy" not in hint and "usual cause" not in hint


def test_nudges_undone_before_f_runs_without_an_alias():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            x[i] = old
            f_plus = f(x)
            x[i] = old - h
            x[i] = old
            f_minus = f(x)
            grad[i] = (f_plus - f_minus) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "f only ever saw x unchanged" in hint
    assert "does not copy" not in hint


def test_an_alias_that_is_only_read_is_not_blamed():
    def numerical_gradient(f, x, h=1e-5):
        original = x  # read only: never written into, so not the cause
        grad = np.zeros(original.shape)
        for i in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] += h
            grad[i] = (f(xp) - f(xm)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "does not copy" not in hint
    assert "evaluated at x + h but never at x - h" in hint and "same value" in hint


def test_same_nudge_downwards_names_the_missing_point():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[i] -= h
            xm[i] -= h
            grad[i] = (f(xp) - f(xm)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "evaluated at x - h but never at x + h" in hint and "x_plus[i] += h" in hint


def test_right_evaluations_but_a_result_that_never_reaches_the_returned_array():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        result = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] -= h
            result[i] = (f(xp) - f(xm)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "never reached the array you return" in hint
    assert "does not copy" not in hint


def test_a_callable_object_without_source_is_judged_without_crashing():
    class Zeros:
        def __call__(self, f, x, h=1e-5):
            return np.zeros(np.shape(x))

    hint = _hint(Zeros())
    assert "every gradient is 0" in hint and "does not copy" not in hint


def test_a_function_that_raises_in_the_probe_still_gets_a_hint():
    calls = [0]

    def numerical_gradient(f, x, h=1e-5):
        calls[0] += 1
        if calls[0] > 4:  # the checker's own cases pass through; the extra probe call raises
            raise RuntimeError("no more")
        return np.zeros(x.shape)

    hint = _hint(numerical_gradient)
    assert "every gradient is 0" in hint and "does not copy" not in hint


# ------------------------------------------------------------------------------ x changed: the line is quoted
def test_in_place_nudge_never_restored_quotes_the_line():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x[i] += h
            f_plus = f(x)
            x[i] -= 2 * h
            grad[i] = (f_plus - f(x)) / (2 * h)
        return grad

    result = run_quietly(check_numerical_gradient, numerical_gradient)
    assert not result.passed and "changed its input `x`" in result.line
    assert "your line `x[i] += h` changes the caller's `x`" in result.hint
    assert "x must be left as it was" in result.hint and "put the old value back" in result.hint


def test_in_place_nudge_through_an_alias_quotes_both_lines():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x_plus = x
            x_plus[i] += h
            f_plus = f(x_plus)
            x_minus = x
            x_minus[i] -= 2 * h
            grad[i] = (f_plus - f(x_minus)) / (2 * h)
        return grad

    hint = _hint(numerical_gradient)
    assert "`x_plus = x` does not copy" in hint and "`x_plus[i] += h`" in hint


def test_mutation_under_another_argument_name_quotes_the_learners_own_line():
    def numerical_gradient(f, params, h=1e-5):
        grad = np.zeros(params.shape)
        for i in np.ndindex(params.shape):
            params[i] = params[i] + h
            f_plus = f(params)
            params[i] = params[i] - 2 * h
            grad[i] = (f_plus - f(params)) / (2 * h)
        return grad

    result = run_quietly(check_numerical_gradient, numerical_gradient)
    # the case names the exercise's argument and the learner's own name for it (same position)
    assert "changed its input `x` (your `params`)" in result.line
    # the source search maps `x` to the learner's `params` by position, so their own line is quoted
    assert "your line `params[i] = params[i] + h` changes the caller's `params`" in result.hint
    assert "put the old value back (old = params[i]" in result.hint


# ------------------------------------------------------------------------------ right answers still pass
def test_restore_and_copy_solutions_pass():
    def restore(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            f_plus = f(x)
            x[i] = old - h
            f_minus = f(x)
            x[i] = old
            grad[i] = (f_plus - f_minus) / (2 * h)
        return grad

    def copies(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x_plus, x_minus = x.copy(), x.copy()
            x_plus[i] += h
            x_minus[i] -= h
            grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
        return grad

    for fn in (restore, copies):
        result = run_quietly(check_numerical_gradient, fn)
        assert result.passed, result.text
