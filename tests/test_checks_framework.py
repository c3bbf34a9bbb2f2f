"""The checker contract: one printed line, never raises, names the first failing case, rejects mutation."""

import numpy as np
import pytest

from utils.checks import CheckResult, check_layer_output, check_neuron_output, check_relu, check_softmax
from utils.checks.core import ARRAY, NUMBER, Case, Checker, compare, fmt


def _one_line(capsys) -> str:
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return lines[0]


def test_pass_prints_a_tick_and_is_truthy(capsys):
    result = check_relu(lambda z: np.maximum(0, z))
    line = _one_line(capsys)
    assert result and isinstance(result, CheckResult)
    assert line.startswith("✓ check_relu") and "cases pass" in line


def test_not_implemented_is_reported_not_raised(capsys):
    def relu(z):
        raise NotImplementedError()

    result = check_relu(relu)
    line = _one_line(capsys)
    assert not result and "not implemented yet" in line


def test_any_exception_is_reported(capsys):
    def relu(z):
        return 1 / 0

    result = check_relu(relu)
    line = _one_line(capsys)
    assert not result and "ZeroDivisionError" in line and line.startswith("✗")


@pytest.mark.parametrize("bad", [None, 3.0, "relu"])
def test_passing_something_that_is_not_a_function(capsys, bad):
    result = check_relu(bad)
    line = _one_line(capsys)
    assert not result and "expected your function" in line


def test_none_is_reported_with_return_hint(capsys):
    result = check_relu(lambda z: None)
    assert not result and "forget `return`" in _one_line(capsys)


def test_list_instead_of_array(capsys):
    result = check_relu(lambda z: [max(0.0, float(v)) for v in np.ravel(z)])
    assert not result and "Python list" in _one_line(capsys)


def test_wrong_shape_is_named(capsys):
    result = check_relu(lambda z: np.maximum(0, z).ravel())
    line = _one_line(capsys)
    assert not result and "shape" in line and "(4, 5)" in line


def test_nan_is_named(capsys):
    result = check_relu(lambda z: np.full(np.shape(z), np.nan))
    assert not result and "contains nan" in _one_line(capsys)


def test_mutating_the_input_is_rejected_and_the_caller_keeps_its_array(capsys):
    def relu(z):
        z[z < 0] = 0
        return z

    z = np.array([-1.0, 2.0])
    result = check_relu(relu)
    line = _one_line(capsys)
    assert not result and "changed its input `z`" in line and "np.maximum" in line
    assert np.array_equal(z, [-1.0, 2.0])


def test_first_failing_case_and_expected_vs_got(capsys):
    check_neuron_output(lambda i, w, b: 0.0)
    line = _one_line(capsys)
    assert 'case "inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2"' in line
    assert "expected 2.3" in line and "got 0" in line


def test_result_displays_nothing_extra():
    result = CheckResult("x", True, 1, "✓")
    assert result._ipython_display_() is None
    assert "passed=True" in repr(result)


def test_numpy_scalars_and_zero_d_arrays_count_as_numbers():
    assert compare(np.float64(2.0), 2.0, NUMBER, 1e-9, 0) is None
    assert compare(np.array(2.0), 2.0, NUMBER, 1e-9, 0) is None
    assert compare(np.float32(2.0), 2.0, NUMBER, 1e-6, 0) is None
    assert "single number" in compare(np.array([2.0]), 2.0, NUMBER, 1e-9, 0)
    assert "bool" in compare(np.array([True]), np.array([1.0]), ARRAY, 1e-9, 0)


def test_integer_result_that_lost_fractions_is_explained():
    assert "integer dtype" in compare(np.array([0, 1]), np.array([0.5, 1.0]), ARRAY, 1e-9, 0)


def test_warnings_fail_even_when_values_are_right(capsys):
    result = check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    line = _one_line(capsys)
    assert not result and "subtract the row max" in line


def test_custom_checker_hint_if_fails(capsys):
    checker = Checker("double", lambda x: 2 * x, [Case("x = 1", (1.0,), hint_if_fails="multiply by two")], kind=NUMBER)
    assert not checker(lambda x: x)
    assert "multiply by two" in _one_line(capsys)


def test_fmt_is_short_for_big_arrays():
    text = fmt(np.zeros((100, 100)))
    assert len(text) < 120 and "(100, 100)" in text


def test_checker_survives_a_learner_that_prints_and_warns(capsys):
    def layer_output(inputs, weights, biases):
        print("debug")
        return np.dot(inputs, weights) + biases

    assert check_layer_output(layer_output)
    assert "✓ check_layer_output" in capsys.readouterr().out
