"""The checker contract: one printed line (plus, for a failure, one line saying why), never raises, names the
first failing case, rejects mutation; the generic diagnosis layer (issue 13) and the notebook output."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from utils.checks import CheckResult, check_layer_output, check_neuron_output, check_relu, check_softmax, core
from utils.checks import result as result_module
from utils.checks.core import ARRAY, NUMBER, TUPLE, Case, Checker, Mistake, compare, fmt, run_quietly


def _one_line(capsys) -> str:
    """The printed result: one line, plus for a failure at most one indented line saying why."""
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert 1 <= len(lines) <= 2, out
    if len(lines) == 2:
        assert lines[0].startswith("✗") and lines[1].startswith("    "), out
    return " ".join(line.strip() for line in lines)


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


def test_integer_result_is_not_blamed_on_lost_fractions_when_the_answer_is_whole():
    assert compare(np.array([0, 2]), np.array([0.0, 1.0]), ARRAY, 1e-9, 0) == "wrong values"


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


# ------------------------------------------------------------------------------ issue 13: diagnosis, output, sections
_ROWS = np.array([[1.0, 2.0, 3.0], [4.0, -5.0, 6.0], [0.5, 0.25, -2.0], [3.0, 1.0, 1.0]])


def _generic(reference, cases, kind=ARRAY, **kwargs):
    """A checker for an exercise the framework has never seen: only the generic diagnosis can explain."""
    return Checker("exercise", reference, cases, kind=kind, **kwargs)


def _hint(checker, fn) -> str:
    result = run_quietly(checker, fn)
    assert not result.passed
    return result.hint or ""


def _row_sums(x):
    return np.asarray(x, dtype=float).sum(axis=1)


def _scale(z):
    return 3.0 * np.asarray(z, dtype=float)


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _mean_loss(p, t):
    return float(np.mean((np.asarray(p) - np.asarray(t)) ** 2))


ROWS_CASE = [Case("a (4, 3) batch", (_ROWS,))]


@pytest.mark.parametrize(("reference", "cases", "kind", "wrong", "keyword"), [
    (_mean_loss, [Case("4 samples", (np.arange(4.0), np.ones(4)))], NUMBER,
     lambda p, t: float(np.sum((p - t) ** 2)), "number of rows of `p`"),
    (_scale, ROWS_CASE, ARRAY, lambda z: -3.0 * z, "opposite sign"),
    (_scale, ROWS_CASE, ARRAY, lambda z: 6.0 * z, "exactly 2 ×"),
    (_scale, [Case("square", (_ROWS[:3],))], ARRAY, lambda z: 3.0 * z.T, "transposed"),
    (_scale, ROWS_CASE, ARRAY, lambda z: 3.0 * z[::-1], "reverse order"),
    (_scale, ROWS_CASE, ARRAY, lambda z: 3.0 * z[[1, 0, 3, 2]], "rows of your result are right but in the wrong order"),
    (_softmax_rows, ROWS_CASE, ARRAY, lambda z: np.exp(z) / np.exp(z).sum(axis=0, keepdims=True), "axis=0"),
    (_softmax_rows, ROWS_CASE, ARRAY, lambda z: np.exp(z) / np.exp(z).sum(), "whole array"),
    (_row_sums, [Case("column input", (_ROWS[:, :1],))], ARRAY, lambda x: x + x[:, 0], "broadcast"),
    (_scale, ROWS_CASE, ARRAY, lambda z: (3.0 * z).astype(int), "integer dtype"),
    (_scale, [Case("fractions", (_ROWS / 7,))], ARRAY, lambda z: np.round(3.0 * z, 2), "rounded to 2 decimals"),
    (_scale, ROWS_CASE, ARRAY, lambda z: np.zeros_like(z), "every value of your result is 0"),
    (_scale, ROWS_CASE, ARRAY, lambda z: np.where(z < 0, 0.0, 3.0 * z), "`z` < 0"),
    (_scale, ROWS_CASE, ARRAY, lambda z: list(3.0 * z.ravel()), "Python list"),
    (_scale, ROWS_CASE, ARRAY, lambda z: (3.0 * z).tolist(), "values are right"),
    (_scale, ROWS_CASE, ARRAY, lambda z: 3.0 * z / (z - z), "division by zero"),
    (_scale, ROWS_CASE, ARRAY, lambda z: 3.0 * np.exp(z * 1000) / np.exp(z * 1000) * z, "overflow"),
    (_row_sums, ROWS_CASE, ARRAY, lambda x: x.sum(axis=1, keepdims=True), "shape"),
])
def test_the_generic_diagnosis_explains_any_checker(reference, cases, kind, wrong, keyword):
    hint = _hint(_generic(reference, cases, kind), wrong)
    assert keyword.lower() in hint.lower(), hint


def test_a_factor_is_named_from_the_arguments():
    checker = _generic(lambda x, learning_rate: x - learning_rate * 2.0,
                       [Case("lr 0.1", (np.array([1.0, 2.0]), 0.1))])
    assert "`learning_rate`" in _hint(checker, lambda x, learning_rate: x - learning_rate * 2.0 - 0.1)
    factor = _generic(lambda g, learning_rate: learning_rate * g, [Case("lr 0.1", (np.array([1.0, -2.0]), 0.1))])
    assert "1 / `learning_rate`" in _hint(factor, lambda g, learning_rate: g)


def test_tuple_items_in_the_wrong_order_and_per_item_diagnosis():
    checker = _generic(lambda a, b: (a @ b, a.sum(axis=0, keepdims=True)),
                       [Case("(3, 2) and (2, 4)", (np.arange(6.0).reshape(3, 2), np.ones((2, 4))))], kind=TUPLE,
                       output_names=("product", "sums"))
    assert "wrong order" in _hint(checker, lambda a, b: (a.sum(axis=0, keepdims=True), a @ b))
    assert "`sums`" in _hint(checker, lambda a, b: (a @ b, a.mean(axis=0, keepdims=True)))


def test_an_exception_names_the_learners_own_line():
    def exercise(z):
        doubled = 2 * z
        return doubled.reshape(7, 7)

    result = run_quietly(_generic(_scale, ROWS_CASE), exercise)
    assert "in `exercise`" in result.problem and "doubled.reshape(7, 7)" in result.problem


def test_missing_keepdims_names_the_reduction_on_the_failing_line():
    def softmax(z):
        e = np.exp(z - z.max(axis=1))
        return e / e.sum(axis=1, keepdims=True)

    result = run_quietly(_generic(_softmax_rows, [Case("(4, 3)", (_ROWS,))]), softmax)
    assert "row max" in result.hint and "keepdims=True" in result.hint


def test_a_known_mistake_must_explain_the_other_cases_too():
    """A mistake that coincides with the learner on the failing case but is wrong where the learner is right
    names nothing (issue 13: `sum // len` got the hint for comparing probabilities with labels)."""
    checker = _generic(lambda x: float(np.mean(x)), [Case("[1, 1]", (np.array([1.0, 1.0]),)),
                                                     Case("[0, 1, 1, 1]", (np.array([0.0, 1.0, 1.0, 1.0]),))],
                       kind=NUMBER, mistakes=[Mistake("compared the wrong things", lambda x: 0.0)])
    result = run_quietly(checker, lambda x: np.sum(x) // len(x))
    assert "compared the wrong things" not in result.hint and "//" in result.hint


def test_values_that_print_alike_show_the_largest_difference():
    result = run_quietly(check_relu, lambda z: np.maximum(0, z) * (1 + 1e-5))
    assert "largest |difference|" in result.line and "at [5]" in result.line


def test_a_failure_has_a_second_line_saying_why_and_where_the_lesson_explains_it(capsys):
    result = check_softmax(lambda z: np.exp(z) / np.exp(z).sum())
    out = capsys.readouterr().out
    assert out.count("\n") == 2 and result.why and result.why in out
    assert "See lesson 03, section '" in result.why
    assert result.text == out.rstrip("\n")


def _headings() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("solutions").glob("0*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        titles = {line.lstrip("#").strip() for cell in cells if cell["cell_type"] == "markdown"
                  for line in "".join(cell["source"]).splitlines() if line.startswith("#")}
        found[path.name[:2]] = titles
    return found


def test_every_cited_lesson_section_exists():
    from utils.checks import activations, backprop, gradients, losses, neuron

    headings = _headings()
    cited = set()
    for module in (neuron, activations, losses, gradients, backprop):
        for value in vars(module).values():
            if isinstance(value, Checker):
                cited |= {value.section, *value.sections.values(), *(m.section for m in value.mistakes)}
    cited.discard(None)
    assert len(cited) >= 15
    for citation in cited:
        lesson, title = re.fullmatch(r"lesson (\d\d), section '(.+)'", citation).groups()
        assert title in headings[lesson], f"{citation} is not a heading of lesson {lesson}"


def test_html_output_is_coloured_wraps_at_spaces_and_is_deterministic():
    bad = run_quietly(check_relu, lambda z: np.minimum(0, z))
    good = run_quietly(check_relu, lambda z: np.maximum(0, z))
    assert "var(--jp-error-color1" in bad.html and "var(--jp-success-color0" in good.html
    for html in (bad.html, good.html):
        assert "white-space:normal" in html and "word-break:normal" in html and " id=" not in html
    assert run_quietly(check_relu, lambda z: np.minimum(0, z)).html == bad.html
    assert "<b>Hint:</b>" in bad.html and "Why:" in bad.html
    escaped = core._to_html(False, "✗ check_x: got <b> & 'q'", None)
    assert "&lt;b&gt; &amp;" in escaped


def test_in_a_notebook_the_result_is_shown_as_html_with_the_text_as_fallback(monkeypatch, capsys):
    import IPython.display

    shown = []
    monkeypatch.setattr(result_module, "OUTPUT_MODE", "html")
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    result = check_relu(lambda z: np.maximum(0, z))
    assert capsys.readouterr().out == ""
    assert shown == [{"text/plain": result.text, "text/html": result.html}]
    run_quietly(check_relu, lambda z: np.maximum(0, z))
    assert len(shown) == 1


def test_listeners_receive_the_why_line(monkeypatch):
    seen = []
    monkeypatch.setattr(result_module, "RESULT_LISTENERS", [seen.append])
    result = run_quietly(check_relu, lambda z: np.minimum(0, z))
    assert seen == [result] and seen[0].why and seen[0].hint and seen[0].problem and seen[0].case


@pytest.mark.parametrize("strange", [
    lambda z: object(), lambda z: "relu", lambda z: {"a": 1}, lambda z: (x for x in z),
    lambda z: np.array(["a", "b"]), lambda z: (None, None), lambda z: np.full((1000, 1000), np.inf),
    lambda z: [[1, 2], [3]], lambda z: np.ma.masked_array(z), lambda z: 1j * z,
])
def test_checker_never_raises_on_strange_results(strange):
    result = run_quietly(check_relu, strange)
    assert not result.passed and result.line.startswith("✗")


def test_a_more_accurate_method_is_accepted_but_an_ignored_h_is_not():
    from utils.checks import check_numerical_derivative

    five_point = run_quietly(check_numerical_derivative, lambda f, x, h=1e-5: (
        -f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h))
    assert five_point.passed, five_point.text
    fixed = run_quietly(check_numerical_derivative, lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5)
    assert not fixed.passed and "h was ignored" in fixed.hint


# ------------------------------------------------------------------------------ never guess: causes are checked
def test_a_mistake_seen_on_the_failing_case_only_is_a_coincidence():
    """A known mistake that reproduces the failing case but computes something else on every other case the
    learner got wrong names nothing (a median that equals the maximum on one case is not 'the largest error')."""
    checker = _generic(lambda x: float(np.mean(x)), [Case("[1, 3, 3]", (np.array([1.0, 3.0, 3.0]),)),
                                                     Case("[0, 1, 5, 6]", (np.array([0.0, 1.0, 5.0, 6.0]),))],
                       kind=NUMBER, mistakes=[Mistake("that is the largest value", lambda x: float(np.max(x)))])
    result = run_quietly(checker, lambda x: float(np.median(x)))
    assert not result.passed and "largest value" not in (result.hint or "")


def test_a_relation_on_a_one_by_one_case_must_hold_on_the_larger_cases():
    """dvalues [[1.0]] makes 'dvalues + slope' look like 'dvalues added twice'; the (3, 3) case says otherwise."""
    def slope(d, z):
        return d * z * (1 - z)

    checker = _generic(slope, [Case("1 × 1", (np.array([[1.0]]), np.array([[0.5]]))),
                               Case("3 × 3", (_ROWS[:3] / 10, _ROWS[1:] / 10))])
    result = run_quietly(checker, lambda d, z: d + z * (1 - z))
    assert "added twice" not in (result.hint or "")


def test_a_reordering_must_reorder_every_case():
    """On a symmetric input a flipped comparison looks like a reversed array; the other cases show it is not."""
    def step(z):
        return (np.asarray(z) > 0).astype(float)

    checker = _generic(step, [Case("symmetric", (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),)),
                              Case("(2, 3)", (np.array([[1.0, -3.0, 2.0], [0.5, -0.5, 4.0]]),))])
    hint = _hint(checker, lambda z: (np.asarray(z) < 0).astype(float))
    assert "reverse order" not in hint and "wrong places" not in hint
    assert "-z" in hint or "condition is reversed" in hint


def test_rounding_must_explain_every_failing_case():
    checker = _generic(lambda x: float(x) * 2.5, [Case("0.5", (0.5,)), Case("3", (3.0,))], kind=NUMBER)
    assert "rounded" not in _hint(checker, lambda x: 1.0)


def test_a_valid_alternative_must_have_the_right_type():
    checker = _generic(lambda x: 2.0 * x, [Case("[1, 2]", (np.array([1.0, 2.0]),), valid=lambda got: True)])
    assert not run_quietly(checker, lambda x: [2.0, 4.0]).passed
    assert run_quietly(checker, lambda x: 2.0 * x + 1).passed


# ------------------------------------------------------------------------------ what the learner wrote
def test_mutation_hint_quotes_the_learners_own_line():
    def relu(z):
        out = np.asarray(z)
        out[out < 0] = 0
        return out

    hint = run_quietly(check_relu, relu).hint
    assert "`out = np.asarray(z)` does not copy" in hint and "`out[out < 0] = 0`" in hint

    def relu_out(z):
        return np.maximum(z, 0, out=z)

    assert "(out=)" in run_quietly(check_relu, relu_out).hint

    def relu_direct(z):
        z[z < 0] = 0
        return z

    assert "your line `z[z < 0] = 0` changes the caller's `z`" in run_quietly(check_relu, relu_direct).hint


def test_mutation_hint_maps_the_argument_by_position_to_the_learners_own_name():
    def relu(values):  # the exercise calls it `z`
        values[values < 0] = 0
        return values

    result = run_quietly(check_relu, relu)
    assert "changed its input `z` (your `values`)" in result.line
    assert "your line `values[values < 0] = 0` changes the caller's `values`" in result.hint
    assert "values = np.array(values, dtype=float)" in result.hint  # the fix, in the learner's own name

    def relu_alias(scores):
        out = np.asarray(scores)
        out[out < 0] = 0
        return out

    hint = run_quietly(check_relu, relu_alias).hint
    assert "`out = np.asarray(scores)` does not copy" in hint and "`out[out < 0] = 0`" in hint

    def layer_output(x, w, b):  # every parameter renamed; the second one is changed
        w *= 1.0
        w[0, 0] += 1.0
        return np.dot(x, w) + b

    result = run_quietly(check_layer_output, layer_output)
    assert "changed its input `weights` (your `w`)" in result.line and "`w *= 1.0`" in result.hint


def test_mutation_hint_without_a_readable_signature_falls_back_to_the_exercises_name():
    def relu(*args):  # no name at position 0: the exercise's `z` is used, and nothing crashes
        z = args[0]
        z[z < 0] = 0
        return z

    result = run_quietly(check_relu, relu)
    assert "changed its input `z`" in result.line and "(your" not in result.line
    assert core._learner_arg_name(relu, 0, "z") == "z"
    assert core._learner_arg_name(max, 0, "z") == "z"  # a builtin without a signature to read
    assert core._learner_arg_name(lambda p, q: p, 1, "y") == "q"


def _spread(x):
    up = np.array(x, dtype=float)
    up += 1.0
    down = np.array(x, dtype=float)
    down -= 1.0
    return up - down


def test_all_zeros_names_an_alias_only_when_the_learners_source_shows_it():
    case = [Case("[1, -2, 3]", (np.array([1.0, -2.0, 3.0]),))]

    def spread(values):
        up = values
        up += 1.0
        down = values
        down -= 1.0  # values is back as it was, but up and down were one array all along
        return up - down

    hint = _hint(_generic(_spread, case), spread)
    assert "every value of your result is 0" in hint
    assert "`up = values` does not copy" in hint and "`up += 1.0`" in hint and "up = values.copy()" in hint

    def spread_lost(values):
        result = np.zeros(len(values))
        total = 0.0
        for i in range(len(values)):
            total += (values[i] + 1.0) - (values[i] - 1.0)  # computed, never written into result[i]
        return result

    hint = _hint(_generic(_spread, case), spread_lost)
    # no alias in this source: the symptom and what to check, no guessed cause (no `x_plus = x`, no "because")
    assert "every value of your result is 0" in hint and "print your intermediate values" in hint
    assert "x_plus" not in hint and "Common causes" not in hint and "because" not in hint and "does not copy" not in hint
    # a function whose source Python cannot read gets the same careful hint
    assert "print your intermediate values" in _hint(_generic(_spread, case), np.zeros_like)


def test_np_max_with_two_arguments_points_to_np_maximum():
    assert "np.maximum(a, b)" in run_quietly(check_relu, lambda z: np.max(0, z)).hint


def test_wrong_only_on_one_branch_names_what_it_computes_there():
    def exercise(z, alpha=0.5):
        return np.where(z > 0, z, alpha * z)

    checker = _generic(exercise, [Case("mixed signs", (np.array([-2.0, -1.0, 0.5, 1.0, 3.0]),))])
    assert "`z` / `alpha`" in _hint(checker, lambda z, alpha=0.5: np.where(z > 0, z, z / alpha))
    assert "`z`²" in _hint(checker, lambda z, alpha=0.5: np.where(z > 0, z * z, alpha * z))


def test_log_of_the_right_answer_and_boolean_indexing():
    assert "logarithm" in _hint(_generic(_softmax_rows, ROWS_CASE), lambda z: np.log(_softmax_rows(z)))
    masked = _generic(lambda d, z: d * (z > 0), [Case("(4, 3)", (_ROWS, _ROWS - 1.0))])
    assert "a[mask]" in _hint(masked, lambda d, z: d[z > 0])


def test_labels_broadcast_against_probabilities_is_named():
    def cross_entropy(p, t):
        t = np.asarray(t)
        one_hot = t if t.ndim == 2 else np.eye(p.shape[1])[t]
        return float(np.mean(-np.log(np.sum(p * one_hot, axis=1))))

    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    checker = _generic(cross_entropy, [Case("4 samples", (probs, np.array([2, 0, 1, 1])))], kind=NUMBER)
    hint = _hint(checker, lambda p, t: float(np.mean(-np.sum(t * np.log(p), axis=1))))
    assert "`t` has shape (4,)" in hint and "np.arange(n)" in hint and "keepdims" not in hint


def test_parameters_in_the_wrong_order_are_found_by_calling_the_function_swapped():
    def loss(p, t):
        return float(np.mean(np.asarray(p)[np.arange(len(p)), t]))

    checker = _generic(loss, [Case("3 samples", (_ROWS[:3], np.array([0, 2, 1])))], kind=NUMBER)
    hint = _hint(checker, lambda t, p: float(np.mean(np.asarray(p)[np.arange(len(p)), t])))
    assert "`p` and `t` are swapped" in hint and "def exercise(p, t)" in hint
