"""Lesson 09's checkers: a corpus of realistic wrong answers (written the way a learner writes them) is
rejected with the hint that names the mistake; valid alternatives pass (recursive or iterative topological
orders, `a.grad = a.grad + ...`, 1/cosh² ...); nothing raises; one line is printed (for a failure, plus one line
saying why, pointing to a section of lesson 09), shown like every other checker's."""

import math

import pytest

from utils import checks
from utils.autograd import Value
from utils.checks import (
    check_backward,
    check_mul_backward,
    check_sgd_step,
    check_tanh_backward,
    check_topological_order,
)


def _mul(rule):
    """A learner's mul(a, b) whose _backward body is `rule(a, b, out)`."""
    def mul(a, b):
        out = Value(a.data * b.data, (a, b), "*")

        def _backward():
            rule(a, b, out)
        out._backward = _backward
        return out
    return mul


def _tanh(rule):
    def tanh(a):
        t = math.tanh(a.data)
        out = Value(t, (a,), "tanh")

        def _backward():
            rule(a, t, out)
        out._backward = _backward
        return out
    return tanh


# ------------------------------------------------------------------------------ mul
def _mul_assign(a, b, out):
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def _mul_own_factor(a, b, out):
    a.grad += a.data * out.grad
    b.grad += b.data * out.grad


def _mul_no_chain(a, b, out):
    a.grad += b.data
    b.grad += a.data


def _mul_out_data(a, b, out):
    a.grad += b.data * out.data
    b.grad += a.data * out.data


def _mul_uses_grads(a, b, out):
    a.grad += b.grad * out.grad
    b.grad += a.grad * out.grad


def _mul_like_add(a, b, out):
    a.grad += out.grad
    b.grad += out.grad


def _mul_minus(a, b, out):
    a.grad -= b.data * out.grad
    b.grad -= a.data * out.grad


def _mul_only_a(a, b, out):
    a.grad += b.data * out.grad


def _mul_values(a, b, out):
    a.grad += b * out.grad
    b.grad += a * out.grad


def _mul_pass(a, b, out):
    pass


def _mul_changes_out_grad(a, b, out):
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad
    out.grad = 0.0


def _mul_returns_nothing(a, b):
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad
    out._backward = _backward


# ------------------------------------------------------------------------------ tanh
def _tanh_assign(a, t, out):
    a.grad = (1 - t**2) * out.grad


def _tanh_input(a, t, out):
    a.grad += (1 - a.data**2) * out.grad


def _tanh_no_chain(a, t, out):
    a.grad += 1 - t**2


def _tanh_no_square(a, t, out):
    a.grad += (1 - t) * out.grad


def _tanh_sign(a, t, out):
    a.grad += (t**2 - 1) * out.grad


def _tanh_sigmoid_slope(a, t, out):
    a.grad += t * (1 - t) * out.grad


def _tanh_twice(a, t, out):
    a.grad += (1 - math.tanh(t) ** 2) * out.grad


def _tanh_square_of_difference(a, t, out):
    a.grad += (1 - t) ** 2 * out.grad


def _tanh_out_data(a, t, out):
    a.grad += (1 - t**2) * out.data


def _tanh_pass(a, t, out):
    pass


def _tanh_value(a, t, out):
    a.grad += (1 - out**2) * out.grad


# ------------------------------------------------------------------------------ topological order
def _topo_reversed(root):
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v.inputs:
                build(child)
            order.append(v)
    build(root)
    return order[::-1]


def _topo_preorder(root):
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            order.append(v)
            for child in v.inputs:
                build(child)
    build(root)
    return order


def _topo_no_visited(root):
    order = []

    def build(v):
        for child in v.inputs:
            build(child)
        order.append(v)
    build(root)
    return order


def _topo_visited_by_data(root):
    order, visited = [], set()

    def build(v):
        if v.data not in visited:
            visited.add(v.data)
            for child in v.inputs:
                build(child)
            order.append(v)
    build(root)
    return order


def _topo_breadth_first(root):
    order, seen, queue = [], {root}, [root]
    while queue:
        v = queue.pop(0)
        order.append(v)
        for child in v.inputs:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return order[::-1]


def _topo_direct_inputs(root):
    order = []
    for child in root.inputs:
        if child not in order:
            order.append(child)
    order.append(root)
    return order


def _topo_no_return(root):
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v.inputs:
                build(child)
            order.append(v)
    build(root)


def _topo_data(root):
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v.inputs:
                build(child)
            order.append(v.data)
    build(root)
    return order


def _topo_only_ops(root):
    order, visited = [], set()

    def build(v):
        if v not in visited and v.inputs:
            visited.add(v)
            for child in v.inputs:
                build(child)
            order.append(v)
    build(root)
    return order


def _topo_zeroes_grads(root):
    order = _topo_recursive(root)
    for v in order:
        v.grad = 0.0
        v.data = v.data + 0.0
    root.data += 1.0
    return order


# ------------------------------------------------------------------------------ backward
def _reference_order(root):
    from utils.autograd import topological_order

    return topological_order(root)


def _bw_no_seed(root):
    for v in reversed(_reference_order(root)):
        v._backward()


def _bw_seed_after(root):
    for v in reversed(_reference_order(root)):
        v._backward()
    root.grad = 1.0


def _bw_forward_order(root):
    root.grad = 1.0
    for v in _reference_order(root):
        v._backward()


def _bw_recursive_preorder(root):
    visited = set()

    def go(v):
        if v not in visited:
            visited.add(v)
            v._backward()
            for child in v.inputs:
                go(child)
    root.grad = 1.0
    go(root)


def _bw_every_path(root):
    def go(v):
        v._backward()
        for child in v.inputs:
            go(child)
    root.grad = 1.0
    go(root)


def _bw_breadth_first(root):
    root.grad = 1.0
    queue, seen = [root], {root}
    while queue:
        v = queue.pop(0)
        v._backward()
        for child in v.inputs:
            if child not in seen:
                seen.add(child)
                queue.append(child)


def _bw_twice(root):
    root.backward()
    root.grad = 1.0
    for v in reversed(_reference_order(root)):
        v._backward()


def _bw_iterative_preorder_reversed_children(root):
    root.grad = 1.0
    stack, seen = [root], set()
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        v._backward()
        stack.extend(v.inputs)


def _bw_reversed_topo_of_reversed(root):
    root.grad = 1.0
    for v in reversed(_topo_reversed(root)):
        v._backward()


def _bw_changes_data(root):
    root.backward()
    for v in _reference_order(root):
        v.data -= 0.1 * v.grad


# ------------------------------------------------------------------------------ sgd_step
def _sgd_no_reset(parameters, learning_rate):
    for p in parameters:
        p.data -= learning_rate * p.grad


def _sgd_rebind(parameters, learning_rate):
    for p in parameters:
        p = p - learning_rate * p.grad  # noqa: PLW2901


def _sgd_plus(parameters, learning_rate):
    for p in parameters:
        p.data += learning_rate * p.grad
        p.grad = 0


def _sgd_no_lr(parameters, learning_rate):
    for p in parameters:
        p.data -= p.grad
        p.grad = 0


def _sgd_reset_first(parameters, learning_rate):
    for p in parameters:
        p.grad = 0
        p.data -= learning_rate * p.grad


def _sgd_assign(parameters, learning_rate):
    for p in parameters:
        p.data = -learning_rate * p.grad
        p.grad = 0


def _sgd_grad(parameters, learning_rate):
    for p in parameters:
        p.grad -= learning_rate * p.grad


def _sgd_fixed_lr(parameters, learning_rate):
    for p in parameters:
        p.data -= 0.1 * p.grad
        p.grad = 0.0


def _sgd_data_value(parameters, learning_rate):
    for p in parameters:
        p.data = p - learning_rate * p.grad
        p.grad = 0.0


WRONG = [
    ("mul_backward", _mul(_mul_assign), "`=` replaced the gradient"),
    ("mul_backward", _mul(_mul_own_factor), "*other* factor"),
    ("mul_backward", _mul(_mul_no_chain), "out.grad is missing"),
    ("mul_backward", _mul(_mul_out_data), "out.data"),
    ("mul_backward", _mul(_mul_uses_grads), "the other factor's .data"),
    ("mul_backward", _mul(_mul_like_add), "rule for +"),
    ("mul_backward", _mul(_mul_minus), "sign error"),
    ("mul_backward", _mul(_mul_only_a), "b needs its share"),
    ("mul_backward", _mul(_mul_values), "became a Value"),
    ("mul_backward", _mul(_mul_pass), "did not change"),
    ("mul_backward", _mul(_mul_changes_out_grad), "changed out.grad"),
    ("mul_backward", _mul_returns_nothing, "return out"),
    ("tanh_backward", _tanh(_tanh_assign), "`=` replaced the gradient"),
    ("tanh_backward", _tanh(_tanh_input), "not 1 - a.data**2"),
    ("tanh_backward", _tanh(_tanh_no_chain), "out.grad is missing"),
    ("tanh_backward", _tanh(_tanh_no_square), "square is missing"),
    ("tanh_backward", _tanh(_tanh_sign), "sign error"),
    ("tanh_backward", _tanh(_tanh_sigmoid_slope), "slope of the sigmoid"),
    ("tanh_backward", _tanh(_tanh_twice), "applied twice"),
    ("tanh_backward", _tanh(_tanh_square_of_difference), "(1 - t)**2"),
    ("tanh_backward", _tanh(_tanh_out_data), "out.data"),
    ("tanh_backward", _tanh(_tanh_pass), "did not change a.grad"),
    ("tanh_backward", _tanh(_tanh_value), "became a Value"),
    ("topological_order", _topo_reversed, "the root came first"),
    ("topological_order", _topo_preorder, "post-order"),
    ("topological_order", _topo_no_visited, "visited"),
    ("topological_order", _topo_visited_by_data, "not node.data"),
    ("topological_order", _topo_breadth_first, "breadth-first"),
    ("topological_order", _topo_direct_inputs, "direct inputs"),
    ("topological_order", _topo_no_return, "forget `return order`"),
    ("topological_order", _topo_data, "Value objects themselves"),
    ("topological_order", _topo_only_ops, "leaves"),
    ("topological_order", lambda root: [root], "only the root"),
    ("topological_order", _topo_zeroes_grads, "changed the graph"),
    ("backward", _bw_no_seed, "root.grad was never set"),
    ("backward", _bw_seed_after, "no _backward ran after root.grad"),
    ("backward", _bw_forward_order, "forward order"),
    ("backward", _bw_recursive_preorder, "before every use of it had added its share"),
    ("backward", _bw_iterative_preorder_reversed_children, "before every use of it had added its share"),
    ("backward", _bw_every_path, "once for every path"),
    ("backward", _bw_breadth_first, "breadth-first"),
    ("backward", _bw_twice, "backward ran twice"),
    ("backward", _bw_reversed_topo_of_reversed, "forward order"),
    ("backward", _bw_changes_data, "changed a .data"),
    ("sgd_step", _sgd_no_reset, "grads were not reset"),
    ("sgd_step", _sgd_rebind, "makes a new Value"),
    ("sgd_step", _sgd_plus, "sign error"),
    ("sgd_step", _sgd_no_lr, "learning rate is missing"),
    ("sgd_step", _sgd_reset_first, "reset before it was used"),
    ("sgd_step", _sgd_assign, "p.data = ... replaced"),
    ("sgd_step", _sgd_grad, "changed p.grad"),
    ("sgd_step", _sgd_fixed_lr, "learning_rate you were given"),
    ("sgd_step", _sgd_data_value, "became a Value"),
]


def _one_line(capsys) -> str:
    """The first printed line; a failure may add one indented second line saying why and where lesson 09 explains it."""
    out = capsys.readouterr().out
    lines = out.rstrip("\n").split("\n")
    assert 1 <= len(lines) <= 2, out
    if len(lines) == 2:
        assert lines[0].startswith("✗") and lines[1].startswith("    ") and "\n" not in lines[1].strip(), out
    return lines[0].strip()


@pytest.mark.parametrize(("name", "fn", "hint"), WRONG, ids=[f"{w[0]}-{w[1].__name__}-{i}" for i, w in enumerate(WRONG)])
def test_wrong_answer_is_rejected_with_the_hint_that_names_it(capsys, name, fn, hint):
    result = getattr(checks, f"check_{name}")(fn)
    line = _one_line(capsys)
    assert not result and line.startswith(f"✗ check_{name}"), line
    assert hint in line, line
    assert result.line == line


def test_the_corpus_has_at_least_eight_wrong_answers_per_exercise():
    for name in ("mul_backward", "tanh_backward", "topological_order", "backward", "sgd_step"):
        assert sum(1 for w in WRONG if w[0] == name) >= 8, name


# ------------------------------------------------------------------------------ valid alternatives
def _mul_long_form(a, b, out):
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad


def _tanh_cosh(a, t, out):
    a.grad += out.grad / math.cosh(a.data) ** 2


def _tanh_exp(a, t, out):
    e = math.exp(2 * a.data)
    a.grad += 4 * e / (e + 1) ** 2 * out.grad


def _topo_recursive(root):
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v.inputs:
                build(child)
            order.append(v)
    build(root)
    return order


def _topo_recursive_reversed_children(root):
    order, visited = [], set()

    def build(v):
        if id(v) not in visited:
            visited.add(id(v))
            for child in reversed(v.inputs):
                build(child)
            order.append(v)
    build(root)
    return order


def _topo_iterative(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))
            stack.extend((c, False) for c in v.inputs if c not in visited)
    return order


def _topo_kahn(root):
    """Kahn's algorithm on the nodes found by a search: leaves first, a node when all its inputs are out."""
    nodes, stack = {}, [root]
    while stack:
        v = stack.pop()
        if id(v) not in nodes:
            nodes[id(v)] = v
            stack.extend(v.inputs)
    waiting = {key: len({id(c) for c in v.inputs}) for key, v in nodes.items()}
    users = {key: [] for key in nodes}
    for key, v in nodes.items():
        for child_id in {id(c) for c in v.inputs}:
            users[child_id].append(key)
    ready = [key for key, n in waiting.items() if n == 0]
    order = []
    while ready:
        key = ready.pop()
        order.append(nodes[key])
        for user in users[key]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return tuple(order)


def _topo_marks_nodes(root):
    """Marks visited nodes with an attribute, and walks micrograd's `_prev`."""
    order = []

    def build(v):
        if not getattr(v, "seen", False):
            v.seen = True
            for child in v._prev:
                build(child)
            order.append(v)
    build(root)
    return order


def _bw_with_own_order(root):
    order = _topo_recursive(root)
    root.grad = 1
    for v in order[::-1]:
        v._backward()


def _bw_resets_first(root):
    order = _topo_iterative(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(order):
        v._backward()


def _sgd_zero_after_loop(parameters, learning_rate):
    for p in parameters:
        p.data = p.data - learning_rate * p.grad
    for p in parameters:
        p.grad *= 0


VALID = [
    ("mul_backward", _mul(_mul_long_form)),
    ("mul_backward", check_mul_backward.reference),
    ("tanh_backward", _tanh(_tanh_cosh)),
    ("tanh_backward", _tanh(_tanh_exp)),
    ("topological_order", _topo_recursive),
    ("topological_order", _topo_recursive_reversed_children),
    ("topological_order", _topo_iterative),
    ("topological_order", _topo_kahn),
    ("topological_order", _topo_marks_nodes),
    ("backward", _bw_with_own_order),
    ("backward", _bw_resets_first),
    ("backward", lambda root: root.backward()),
    ("sgd_step", _sgd_zero_after_loop),
]


@pytest.mark.parametrize(("name", "fn"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_alternative_passes(capsys, name, fn):
    result = getattr(checks, f"check_{name}")(fn)
    line = _one_line(capsys)
    assert result, line
    assert line.startswith(f"✓ check_{name}: all ")


# ------------------------------------------------------------------------------ never raises
def _raise_not_implemented(*args):
    raise NotImplementedError()


def _prints_and_passes(root):
    print("debugging", root)
    return _topo_recursive(root)


def _deep_recursion(root):
    visited = set()

    def build(v, order):
        if v not in visited:
            visited.add(v)
            for child in v.inputs:
                build(child, order)
            order.append(v)
        return order
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(120)
    try:
        return build(root, [])
    finally:
        sys.setrecursionlimit(limit)


CHECKS = [check_mul_backward, check_tanh_backward, check_topological_order, check_backward, check_sgd_step]
ODD = [None, 3, "mul", lambda *a: 1 / 0, lambda *a: None, lambda *a: "text", lambda *a: [1, 2], lambda *a: Value(1.0),
       lambda *a: float("nan"), lambda: 1, lambda *a: a, _raise_not_implemented]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("fn", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_odd_answers_are_reported_never_raised(capsys, check, fn):
    result = check(fn)
    line = _one_line(capsys)
    assert not result and line.startswith(f"✗ check_{check.name}")


def test_not_implemented_and_not_a_function_say_so(capsys):
    check_backward(_raise_not_implemented)
    assert "not implemented yet" in _one_line(capsys)
    check_mul_backward(3)
    assert "pass `mul` without calling it" in _one_line(capsys)
    check_tanh_backward(None)
    assert "pass `tanh` without calling it" in _one_line(capsys)


def test_a_learner_that_prints_still_gets_one_line(capsys):
    assert check_topological_order(_prints_and_passes)
    _one_line(capsys)


def test_a_recursion_error_is_reported(capsys):
    assert not check_topological_order(_deep_recursion)
    assert "RecursionError" in _one_line(capsys)


def test_listeners_receive_the_result():
    from utils.checks.core import RESULT_LISTENERS

    seen = []
    RESULT_LISTENERS.append(seen.append)
    try:
        checks.run_quietly(check_backward, _bw_no_seed)
    finally:
        RESULT_LISTENERS.remove(seen.append)
    assert len(seen) == 1 and seen[0].name == "backward" and not seen[0].passed and "never set" in seen[0].hint


def test_references_pass_quietly():
    for check in CHECKS:
        result = checks.run_quietly(check, check.reference)
        assert result and result.line.startswith("✓")


def test_a_check_leaves_the_garbage_collector_as_it_found_it():
    """The cases run inside utils.autograd.fewer_collections; the learner's kernel gets its setting back, also
    when the learner's function raises."""
    import gc

    def crashes(*args):
        raise RuntimeError("a learner's bug")

    before = gc.get_threshold()
    for check in CHECKS:
        checks.run_quietly(check, check.reference)
        assert gc.get_threshold() == before
        result = checks.run_quietly(check, crashes)
        assert result is not None and not result.passed
        assert gc.get_threshold() == before


# ------------------------------------------------------------------------------ the second line and the display
def _lesson_09_headings() -> set[str]:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "solutions" / "09_autograd.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return {line.lstrip("#").strip() for cell in cells if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines() if line.startswith("#")}


def test_every_cited_section_is_a_heading_of_lesson_09():
    import re

    from utils.checks import autograd as module

    headings = _lesson_09_headings()
    cited = {c.section for c in CHECKS} | {m.section for c in CHECKS for m in c.mistakes}
    cited.discard(None)
    assert len(cited) >= 5
    for citation in cited:
        lesson, title = re.fullmatch(r"lesson (\d\d), section '(.+)'", citation).groups()
        assert lesson == "09" and title in headings, f"{citation} is not a heading of lesson 09"
    assert all(getattr(module, name) in cited for name in dir(module) if name.startswith("SECTION_"))


@pytest.mark.parametrize(("check", "fn", "section"), [
    (check_mul_backward, _mul(lambda a, b, o: (setattr(a, "grad", b.data * o.grad), setattr(b, "grad", a.data * o.grad))),
     "4. Fan-out"),
    (check_tanh_backward, _tanh(lambda a, t, o: setattr(a, "grad", a.grad + (1 - a.data**2) * o.grad)), "3. Exercises"),
    (check_topological_order, lambda root: [root], "5. Exercises"),
    (check_backward, _bw_twice, "8. Common mistakes"),
    (check_sgd_step, _sgd_no_reset, "Exercise: one step of gradient descent"),
])
def test_a_failure_says_why_and_which_section_explains_it(capsys, check, fn, section):
    result = check(fn)
    out = capsys.readouterr().out
    assert not result and out.count("\n") == 2 and result.text == out.rstrip("\n")
    assert result.why.startswith("Why: ") and f"See lesson 09, section '{section}" in result.why
    assert "<b>Hint:</b>" in result.html and "Why:" in result.html and "var(--jp-error-color1" in result.html


def test_a_pass_is_one_green_line_without_why(capsys):
    result = check_backward(check_backward.reference)
    assert result and result.why is None and capsys.readouterr().out.count("\n") == 1
    assert "var(--jp-success-color0" in result.html


def test_in_a_notebook_the_result_is_shown_as_html_like_every_checker(monkeypatch, capsys):
    import IPython.display

    from utils.checks import result as result_module

    shown = []
    monkeypatch.setattr(result_module, "OUTPUT_MODE", "html")
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    result = check_topological_order(lambda root: [root])
    assert capsys.readouterr().out == ""
    assert shown == [{"text/plain": result.text, "text/html": result.html}]


def test_a_checker_that_fails_internally_reports_instead_of_raising(capsys, monkeypatch):
    def broken_judge(case, expected, got):
        raise RuntimeError("boom")

    monkeypatch.setattr(check_topological_order, "judge", broken_judge)
    result = check_topological_order(check_topological_order.reference)
    assert not result and "could not judge" in _one_line(capsys)
