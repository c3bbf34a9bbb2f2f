"""Checkers for lesson 09 (a tiny autograd engine).

The exercises work on graphs of ``utils.autograd.Value`` s, so these checkers build a fresh graph for every
case, run the learner's function on it and read the ``.grad`` (or the order, or the ``.data``) of every node
by name. Like every checker they show one line (✓, or ✗ with the first failing case, expected vs got and a
hint, then a second line saying why and which section of lesson 09 explains it), return a ``CheckResult``, never
raise, and never let the learner's function touch the caller's objects. They show their result the way every
checker does (``utils.checks.core``: green ✓ / red ✗ HTML in a notebook, plain text elsewhere).

    check_mul_backward(mul)                   # mul(a, b) -> out; out._backward adds to a.grad and b.grad
    check_tanh_backward(tanh)                 # tanh(a) -> out; out._backward adds to a.grad
    check_topological_order(topological_order)  # root -> list of every node, each after all its inputs
    check_backward(backward)                  # backward(root) fills every .grad
    check_sgd_step(sgd_step)                  # sgd_step(parameters, learning_rate): update, then reset grads
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Sequence
from typing import Any

from utils import autograd as ag
from utils.autograd import Value
from utils.checks.checker import Mistake
from utils.checks.graph import _DEPTH, GraphCase, GraphChecker, Problem, _is_real, _num
from utils.checks.result import fmt, lesson_section

# the sections of lesson 09 a second line points to (tests/test_checks_autograd.py checks they are headings)
SECTION_MUL_TANH = lesson_section("09", "3. Exercises: the backward of * and of tanh")
SECTION_FAN_OUT = lesson_section("09", "4. Fan-out: a value used twice adds its gradients")
SECTION_ORDER = lesson_section("09", "5. Exercises: the topological order and backward()")
SECTION_SGD = lesson_section("09", "Exercise: one step of gradient descent")
SECTION_MISTAKES = lesson_section("09", "8. Common mistakes")
_FAN_OUT_WHY = ("A Value used twice receives gradient from each use, and its .grad is the sum of them; `=` "
                "keeps only the last share.")


def _grad_of(node: Value, what: str = "grad") -> float:
    """node.grad (or .data) as a float; a Value or anything else stored there is a Problem that names it."""
    value = getattr(node, what)
    name = node.label or "a node"
    if isinstance(value, Value):
        raise Problem(f"{name}.{what} became a Value ({value!r}), not a number — compute with the numbers inside "
                      f"Values (b.data, out.grad), not with the Values themselves (b, out)")
    if not _is_real(value):
        raise Problem(f"{name}.{what} is {fmt(value)} ({type(value).__name__}), expected a number")
    return float(value)


# ===================================================================================== mul and tanh
def _mul_reference(a: Value, b: Value) -> Value:
    """a, b: Values -> out = a * b; out._backward adds b.data·out.grad to a.grad and a.data·out.grad to b.grad."""
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad
    out._backward = _backward
    return out


def _mul_with(rule: Callable[[Value, Value, Value], None]) -> Callable:
    """A ``mul`` whose ``_backward`` runs ``rule(a, b, out)`` (to write wrong versions in one line)."""
    def mul(a, b):
        out = Value(a.data * b.data, (a, b), "*")
        out._backward = lambda: rule(a, b, out)
        return out
    return mul


def _set(node: Value, value) -> None:
    node.grad = value


def _add(node: Value, value) -> None:
    node.grad += value


def _check_out(out: Any, fn_name: str, expected_data: float) -> Value:
    if out is None:
        raise Problem(f"{fn_name} returned None — keep the last line `return out`")
    if not isinstance(out, Value):
        raise Problem(f"{fn_name} returned a {type(out).__name__}, expected the Value `out`")
    if not callable(getattr(out, "_backward", None)):
        raise Problem("out._backward is not a function — keep `out._backward = _backward` (without calling it)")
    if not math.isclose(out.data, expected_data, rel_tol=1e-12, abs_tol=1e-12):
        raise Problem(f"out.data is {_num(out.data)}, expected {_num(expected_data)} — the forward line was changed")
    return out


def _mul_driver(a_data: float, b_data: float, out_grad: float, a_grad: float = 0.0, b_grad: float = 0.0,
                same: bool = False) -> Callable:
    def drive(fn):
        a = Value(a_data, label="a")
        a.grad = a_grad
        b = a if same else Value(b_data, label="b")
        if not same:
            b.grad = b_grad
        out = _check_out(fn(a, b), "mul(a, b)", a.data * b.data)
        out.grad = out_grad
        out._backward()
        if a.data != a_data or b.data != (a_data if same else b_data):
            raise Problem("_backward changed a.data or b.data; it should only add to the .grad of the inputs")
        if out.grad != out_grad:
            raise Problem(f"_backward changed out.grad (from {_num(out_grad)} to {fmt(out.grad)}); it should only read it")
        return {"a.grad": _grad_of(a)} if same else {"a.grad": _grad_of(a), "b.grad": _grad_of(b)}
    return drive


check_mul_backward = GraphChecker(
    name="mul_backward",
    reference=_mul_reference,
    section=SECTION_MUL_TANH,
    about=("The chain rule: each input's gradient is its local slope (for a product, the other factor) times the "
           "gradient that arrived at the output, out.grad, added to what the input's .grad already holds."),
    verified="a.grad += b.data·out.grad and b.grad += a.data·out.grad, with out.grad ≠ 1, for a * a, "
             "and adding to a gradient that was already there",
    cases=[
        GraphCase("a = 3, b = -2, out.grad = 1", _mul_driver(3.0, -2.0, 1.0)),
        GraphCase("a = 3, b = -2, out.grad = 0.5", _mul_driver(3.0, -2.0, 0.5),
                  hint_if_fails="the chain rule multiplies the local slope by out.grad"),
        GraphCase("a * a with a = 3, out.grad = 1 (one Value used twice)", _mul_driver(3.0, 3.0, 1.0, same=True),
                  hint_if_fails="when a and b are the same Value, both lines must add to a.grad: d(a·a)/da = 2a"),
        GraphCase("a = 2, b = 4, out.grad = -1, and a.grad is already 0.5 from another use of a",
                  _mul_driver(2.0, 4.0, -1.0, a_grad=0.5),
                  hint_if_fails="a.grad may already hold gradient from another use of a: add to it with +="),
    ],
    mistakes=[
        Mistake("a.grad and b.grad did not change: _backward must add b.data * out.grad to a.grad and a.data * "
                "out.grad to b.grad", _mul_with(lambda a, b, o: None)),
        Mistake("_backward used the other factor's .grad where the chain rule needs the other factor's .data: "
                "a.grad += b.data * out.grad, b.grad += a.data * out.grad",
                _mul_with(lambda a, b, o: (_add(a, b.grad * o.grad), _add(b, a.grad * o.grad)))),
        Mistake("`=` replaced the gradient instead of adding to it: a Value used twice (a * a, or a used elsewhere "
                "too) must collect gradient from every use — write a.grad += ..., b.grad += ...",
                _mul_with(lambda a, b, o: (_set(a, b.data * o.grad), _set(b, a.data * o.grad))),
                why=_FAN_OUT_WHY, section=SECTION_FAN_OUT),
        Mistake("each input's slope is the *other* factor: a.grad += b.data * out.grad, b.grad += a.data * out.grad",
                _mul_with(lambda a, b, o: (_add(a, a.data * o.grad), _add(b, b.data * o.grad)))),
        Mistake("out.grad is missing: the chain rule multiplies the local slope (the other factor) by the gradient "
                "that arrived at out", _mul_with(lambda a, b, o: (_add(a, b.data), _add(b, a.data)))),
        Mistake("that multiplies by out.data (the forward value); the chain rule needs out.grad",
                _mul_with(lambda a, b, o: (_add(a, b.data * o.data), _add(b, a.data * o.data)))),
        Mistake("that is the rule for + (pass out.grad unchanged); for * multiply it by the other factor",
                _mul_with(lambda a, b, o: (_add(a, o.grad), _add(b, o.grad)))),
        Mistake("sign error: the slope of a * b with respect to a is +b, so a.grad += b.data * out.grad",
                _mul_with(lambda a, b, o: (_add(a, -b.data * o.grad), _add(b, -a.data * o.grad)))),
        Mistake("only a.grad was updated: b needs its share too, b.grad += a.data * out.grad",
                _mul_with(lambda a, b, o: _add(a, b.data * o.grad))),
    ],
)


def _tanh_reference(a: Value) -> Value:
    """a: a Value -> out = tanh(a); out._backward adds (1 - t²)·out.grad to a.grad, t = out.data."""
    t = math.tanh(a.data)
    out = Value(t, (a,), "tanh")

    def _backward():
        a.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def _tanh_with(rule: Callable[[Value, float, Value], None]) -> Callable:
    def tanh(a):
        t = math.tanh(a.data)
        out = Value(t, (a,), "tanh")
        out._backward = lambda: rule(a, t, out)
        return out
    return tanh


def _tanh_driver(a_data: float, out_grad: float, a_grad: float = 0.0) -> Callable:
    def drive(fn):
        a = Value(a_data, label="a")
        a.grad = a_grad
        out = _check_out(fn(a), "tanh(a)", math.tanh(a_data))
        out.grad = out_grad
        out._backward()
        if a.data != a_data:
            raise Problem("_backward changed a.data; it should only add to a.grad")
        if out.grad != out_grad:
            raise Problem(f"_backward changed out.grad (from {_num(out_grad)} to {fmt(out.grad)}); it should only read it")
        return {"a.grad": _grad_of(a)}
    return drive


check_tanh_backward = GraphChecker(
    name="tanh_backward",
    reference=_tanh_reference,
    section=SECTION_MUL_TANH,
    about=("tanh's local slope is 1 − t², where t = tanh(a) is the output; the chain rule multiplies it by out.grad "
           "and adds the result to a.grad."),
    verified="a.grad += (1 − t²)·out.grad with t = tanh(a), in the steep middle, with out.grad ≠ 1, saturated, "
             "and adding to a gradient that was already there",
    cases=[
        GraphCase("a = 0.5, out.grad = 1", _tanh_driver(0.5, 1.0)),
        GraphCase("a = -1.2, out.grad = 2", _tanh_driver(-1.2, 2.0),
                  hint_if_fails="the chain rule multiplies the local slope 1 - t² by out.grad"),
        GraphCase("a = 3 (saturated: slope close to 0), out.grad = 1", _tanh_driver(3.0, 1.0)),
        GraphCase("a = 0.8, out.grad = -0.5, and a.grad is already 0.25 from another use of a",
                  _tanh_driver(0.8, -0.5, a_grad=0.25),
                  hint_if_fails="a.grad may already hold gradient from another use of a: add to it with +="),
    ],
    mistakes=[
        Mistake("`=` replaced the gradient instead of adding to it: when a is also used elsewhere its gradient "
                "collects every use — write a.grad += (1 - t**2) * out.grad",
                _tanh_with(lambda a, t, o: _set(a, (1 - t**2) * o.grad)),
                why=_FAN_OUT_WHY, section=SECTION_FAN_OUT),
        Mistake("the slope uses the output t = tanh(a), not the input: 1 - t**2, not 1 - a.data**2",
                _tanh_with(lambda a, t, o: _add(a, (1 - a.data**2) * o.grad))),
        Mistake("out.grad is missing: multiply the local slope 1 - t**2 by the gradient that arrived at out",
                _tanh_with(lambda a, t, o: _add(a, 1 - t**2))),
        Mistake("the square is missing: the slope of tanh is 1 - t**2", _tanh_with(lambda a, t, o: _add(a, (1 - t) * o.grad))),
        Mistake("sign error: the slope of tanh is 1 - t**2, which is positive",
                _tanh_with(lambda a, t, o: _add(a, (t**2 - 1) * o.grad))),
        Mistake("t * (1 - t) is the slope of the sigmoid; the slope of tanh is 1 - t**2",
                _tanh_with(lambda a, t, o: _add(a, t * (1 - t) * o.grad))),
        Mistake("tanh was applied twice: t is already tanh(a), so the slope is 1 - t**2, not 1 - tanh(t)**2",
                _tanh_with(lambda a, t, o: _add(a, (1 - math.tanh(t) ** 2) * o.grad))),
        Mistake("that is (1 - t)**2; the slope is 1 - t**2 (square t first)", _tanh_with(lambda a, t, o: _add(a, (1 - t) ** 2 * o.grad))),
        Mistake("that multiplies by out.data (= t); the chain rule needs out.grad",
                _tanh_with(lambda a, t, o: _add(a, (1 - t**2) * o.data))),
        Mistake("_backward did not change a.grad: add (1 - t**2) * out.grad to it", _tanh_with(lambda a, t, o: None)),
    ],
)


# ===================================================================================== graphs for the order and backward


def _neuron_graph() -> Value:
    x = [Value(v, label=f"x{i}") for i, v in enumerate([1.0, -2.0, 3.0])]
    w = [Value(v, label=f"w{i}") for i, v in enumerate([-3.0, -1.0, 2.0])]
    b = Value(1.0, label="b")
    p = [xi * wi for xi, wi in zip(x, w)]
    for i, pi in enumerate(p):
        pi.label = f"p{i}"
    s0 = p[0] + p[1]
    s0.label = "s"
    s1 = s0 + p[2]
    s1.label = "s'"
    z = s1 + b
    z.label = "z"
    out = z.relu()
    out.label = "out"
    return out


def _a_plus_a_graph() -> Value:
    a = Value(3.0, label="a")
    out = a + a
    out.label = "out"
    return out


def _shared_middle_graph() -> Value:
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    u = x * w
    u.label = "u"
    h = u.tanh()
    h.label = "h"
    hh = h * h
    hh.label = "hh"
    th = h.tanh()
    th.label = "th"
    out = hh + th
    out.label = "out"
    return out


def _equal_data_graph() -> Value:
    a, b, c = Value(2.0, label="a"), Value(2.0, label="b"), Value(-1.0, label="c")
    s = a + b
    s.label = "s"
    m = s * c
    m.label = "m"
    out = m * a
    out.label = "out"
    return out


def _uneven_paths_graph() -> Value:
    a, w = Value(0.7, label="a"), Value(1.3, label="w")
    u = a * w
    u.label = "u"
    t1 = u.tanh()
    t1.label = "t1"
    t2 = t1.tanh()
    t2.label = "t2"
    t3 = t2.tanh()
    t3.label = "t3"
    out = u + t3
    out.label = "out"
    return out


def _deep_chain_graph() -> Value:
    v = Value(0.1, label="v0")
    for i in range(1, _DEPTH):
        v = v * 1.01 if i % 2 else v + 0.01
        v.label = f"v{i}"
        if v.inputs[1].label == "":
            v.inputs[1].label = f"k{i}"
    return v


def _nodes(root: Value) -> list[Value]:
    return ag.topological_order(root)


_GRAPHS = {
    "neuron": ("the lesson's neuron relu(x0·w0 + x1·w1 + x2·w2 + b)", _neuron_graph),
    "a+a": ("out = a + a (one Value used twice)", _a_plus_a_graph),
    "shared": ("h = tanh(x·w) used three times: out = h·h + tanh(h)", _shared_middle_graph),
    "equal": ("two different leaves with equal data: out = (a + b)·c·a with a = b = 2", _equal_data_graph),
    "uneven": ("paths of different length: u = a·w, out = u + tanh(tanh(tanh(u)))", _uneven_paths_graph),
    "deep": (f"a chain {_DEPTH} Values deep", _deep_chain_graph),
}


# ===================================================================================== topological order
def _topo_reference(root: Value) -> list[Value]:
    """root -> every Value in its graph, each once, each after all its inputs."""
    return ag.topological_order(root)


def _snapshot(nodes: Sequence[Value]) -> list[tuple]:
    return [(n.data, n.grad, n.inputs, n.op) for n in nodes]


def _topo_driver(kind: str) -> Callable:
    def drive(fn):
        root = _GRAPHS[kind][1]()
        nodes = _nodes(root)
        before = _snapshot(nodes)
        result = fn(root)
        if _snapshot(nodes) != before:
            raise Problem("your function changed the graph (a .data, .grad or .inputs); it should only list the nodes")
        if result is None:
            raise Problem("your function returned None — did you forget `return order`?")
        if not isinstance(result, list | tuple):
            raise Problem(f"your function returned a {type(result).__name__}, expected a list of Values")
        by_id = {id(n): n.label for n in nodes}
        names = []
        for item in result:
            if not isinstance(item, Value):
                raise Problem(f"the list holds {fmt(item)} ({type(item).__name__}); expected the Value objects themselves "
                              "(append node, not node.data or node.label)")
            if id(item) not in by_id:
                raise Problem(f"the list holds {item!r}, which is not a node of this graph — append the nodes you "
                              "visit, do not make new Values")
            names.append(by_id[id(item)])
        return names
    return drive


def _short(names: Sequence[str], limit: int = 9) -> str:
    if len(names) <= limit:
        return "[" + ", ".join(names) + "]"
    return "[" + ", ".join(names[:4]) + ", ..., " + ", ".join(names[-3:]) + f"] ({len(names)} nodes)"


def _judge_order(case: GraphCase, expected: list[str], got: list[str]):
    """Any order with every node once, each after all its inputs, passes; otherwise name what is wrong."""
    root = case.graph()
    nodes = _nodes(root)
    inputs = {n.label: [c.label for c in n.inputs] for n in nodes}
    data = {n.label: n.data for n in nodes}
    shown = _short(expected)
    counts = collections.Counter(got)
    twice = [name for name in got if counts[name] > 1]
    if twice:
        return (f"`{twice[0]}` appears {counts[twice[0]]} times", f"each node once, e.g. {shown}", _short(got),
                "keep a set of visited nodes and skip a node you have already visited (a Value used twice is reached "
                "twice)")
    missing = [name for name in expected if name not in counts]
    if missing:
        problem = f"{len(missing)} of {len(expected)} nodes are missing (e.g. `{missing[0]}`)"
        if got == [root.label]:
            hint = "only the root is listed: visit its inputs, their inputs, and so on, down to the leaves"
        elif all(any(data[m] == data[g] for g in got) for m in missing):
            hint = ("two different nodes can hold the same number: put the Value objects themselves in visited "
                    "(or id(node)), not node.data")
        elif set(got) <= {root.label, *inputs[root.label]}:
            hint = "only the root and its direct inputs: recurse into each input's inputs too"
        elif all(not inputs[m] for m in missing):
            hint = "the leaves (Values with no inputs, such as x0 and w0) belong in the list too"
        else:
            hint = "every Value that the root depends on must be in the list: visit each node's inputs recursively"
        return problem, f"{shown}", _short(got), hint
    if len(got) != len(expected):
        return f"{len(got)} entries for {len(expected)} nodes", shown, _short(got), None
    position = {name: i for i, name in enumerate(got)}
    for name in got:
        for child in inputs[name]:
            if position[child] > position[name]:
                problem = f"`{name}` comes before its input `{child}`"
                all_reversed = all(position[c] > position[n] for n in got for c in inputs[n])
                if all_reversed or got[0] == root.label:
                    hint = ("the root came first: each node was appended before its inputs (pre-order, or the list "
                            "reversed) — append a node after the loop over its inputs (post-order), so the root comes "
                            "last; backward() walks the list reversed itself")
                else:
                    hint = ("a node must come after all its inputs, also when they are reached along paths of "
                            "different length (a breadth-first walk does not guarantee this): append a node after "
                            "visiting all of its inputs, depth first")
                return problem, f"every node after its inputs, e.g. {shown}", _short(got), hint
    return None


def _topo_case(kind: str, hint: str | None = None) -> GraphCase:
    return GraphCase(_GRAPHS[kind][0], _topo_driver(kind), hint_if_fails=hint, graph=_GRAPHS[kind][1])


check_topological_order = GraphChecker(
    name="topological_order",
    reference=_topo_reference,
    section=SECTION_ORDER,
    about=("backward() walks this list reversed, so every node must come after all its inputs: then each node hands "
           "its gradient on only after every use of it has added its share."),
    judge=_judge_order,
    verified="every node exactly once and after all its inputs — for a + a, equal data, the neuron, a shared middle "
             f"node, paths of different length, and a chain {_DEPTH} deep; any valid order passes",
    cases=[_topo_case(kind) for kind in ["a+a", "equal", "neuron", "shared", "uneven", "deep"]],
)


# ===================================================================================== backward
def _backward_reference(root: Value) -> None:
    """root: a Value -> None; fills .grad of every node with d root / d node."""
    order = ag.topological_order(root)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


def _backward_driver(kind: str) -> Callable:
    def drive(fn):
        root = _GRAPHS[kind][1]()
        nodes = _nodes(root)
        data_before = [n.data for n in nodes]
        fn(root)
        if [n.data for n in nodes] != data_before:
            raise Problem("your function changed a .data; backward only fills the .grad of each node")
        return {f"{n.label}.grad": _grad_of(n) for n in reversed(nodes)}  # root first: the first wrong one is shown
    return drive


def _backward_no_seed(root):
    for node in reversed(ag.topological_order(root)):
        node._backward()


def _backward_seed_last(root):
    for node in reversed(ag.topological_order(root)):
        node._backward()
    root.grad = 1.0


def _backward_forward_order(root):
    root.grad = 1.0
    for node in ag.topological_order(root):
        node._backward()


def _backward_preorder(root):
    root.grad = 1.0
    visited, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        node._backward()
        stack.extend(reversed(node.inputs))


def _backward_preorder_recursive(root):
    visited = set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        node._backward()
        for child in node.inputs:
            visit(child)
    root.grad = 1.0
    visit(root)


def _backward_preorder_last_input_first(root):
    root.grad = 1.0
    visited, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        node._backward()
        stack.extend(node.inputs)


def _backward_every_path(root):
    def visit(node):
        node._backward()
        for child in node.inputs:
            visit(child)
    root.grad = 1.0
    visit(root)


def _backward_breadth_first(root):
    root.grad = 1.0
    seen, queue = {id(root)}, [root]
    while queue:
        node = queue.pop(0)
        node._backward()
        for child in node.inputs:
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)


def _backward_twice(root):
    _backward_reference(root)
    _backward_reference(root)


_ORDER_HINT = ("a node passed its gradient on before every use of it had added its share (a Value used twice): call "
               "_backward in reversed topological order — for node in reversed(topological_order(root))")

check_backward = GraphChecker(
    name="backward",
    reference=_backward_reference,
    section=SECTION_ORDER,
    about=("A node may pass its gradient on only once it is complete, after every node that uses it has run its "
           "_backward; reversed topological order (root first) guarantees that, starting from root.grad = 1."),
    not_implemented=("not implemented yet — your backward (or the topological_order it calls) still raises "
                     "NotImplementedError; replace it with your code, then run this cell again"),
    verified="root.grad = 1, every node's _backward once in reversed topological order, gradients of reused "
             "Values added — for the neuron, a + a, a shared middle node, paths of different length, a deep chain",
    cases=[GraphCase(_GRAPHS[kind][0], _backward_driver(kind)) for kind in ["neuron", "a+a", "shared", "uneven", "deep"]],
    mistakes=[
        Mistake("root.grad was never set, so every gradient stayed 0: start with root.grad = 1.0 (d root / d root = 1)",
                _backward_no_seed),
        Mistake("root.grad is 1 but every other .grad stayed 0: no _backward ran after root.grad = 1.0 was set (the "
                "seed came after the loop, or _backward was never called) — set root.grad = 1.0 first, then call "
                "node._backward() for every node, root first", _backward_seed_last,
                why="Each _backward multiplies by its output's grad: before the seed that grad is 0, and a _backward "
                    "that is never called passes nothing on."),
        Mistake("the nodes were visited in forward order (leaves first): walk the topological order reversed, root "
                "first, so each node has its gradient before it passes it on", _backward_forward_order),
        Mistake("breadth-first (level by level) order lets a node pass its gradient on before a longer path has "
                "reached it: use reversed topological order", _backward_breadth_first),
        Mistake(_ORDER_HINT, _backward_preorder),
        Mistake(_ORDER_HINT, _backward_preorder_recursive),
        Mistake(_ORDER_HINT, _backward_preorder_last_input_first),
        Mistake("a node's _backward ran once for every path that reaches it, so its inputs got its gradient several "
                "times: call each node's _backward exactly once (keep a visited set, or use topological_order)",
                _backward_every_path),
        Mistake("the gradients came out too large, as if backward ran twice on this graph: backward() adds to "
                ".grad, so a second pass without resetting every grad to 0 doubles the leaves' gradients (or worse)",
                _backward_twice, section=SECTION_MISTAKES,
                why=("backward() adds to .grad, so that the shares of a Value used twice add up; run again on the same "
                     "graph, it adds every gradient a second time, and the middle nodes pass their doubled grads on.")),
    ],
)


# ===================================================================================== sgd_step
def _sgd_reference(parameters: Sequence[Value], learning_rate: float) -> None:
    """parameters: Values with .grad filled by backward(); moves each against its gradient, then resets its grad."""
    for p in parameters:
        p.data -= learning_rate * p.grad
        p.grad = 0.0


def _sgd_driver(steps: int, learning_rate: float) -> Callable:
    """A tiny model w·x + c fitted to two points by squared error; `steps` rounds of forward, backward, fn."""
    def drive(fn):
        w, c = Value(0.5, label="w"), Value(-0.3, label="c")
        for _ in range(steps):
            loss = (w * 1.5 + c - 2.0) ** 2 + (w * (-1.0) + c - 0.5) ** 2
            loss.backward()
            fn([w, c], learning_rate)
        return {"w.data": _grad_of(w, "data"), "c.data": _grad_of(c, "data"), "w.grad": _grad_of(w), "c.grad": _grad_of(c)}
    return drive


def _sgd_no_reset(parameters, learning_rate):
    for p in parameters:
        p.data -= learning_rate * p.grad


def _sgd_rebind(parameters, learning_rate):
    for p in parameters:
        p = p - learning_rate * p.grad  # noqa: PLW2901 — the mistake: a new Value, the parameter is unchanged
        p.grad = 0.0


def _sgd_rebind_keep(parameters, learning_rate):
    for p in parameters:
        p = p - learning_rate * p.grad  # noqa: PLW2901


def _sgd_sign(parameters, learning_rate):
    for p in parameters:
        p.data += learning_rate * p.grad
        p.grad = 0.0


def _sgd_no_lr(parameters, learning_rate):
    for p in parameters:
        p.data -= p.grad
        p.grad = 0.0


def _sgd_reset_first(parameters, learning_rate):
    for p in parameters:
        p.grad = 0.0
        p.data -= learning_rate * p.grad


def _sgd_assign(parameters, learning_rate):
    for p in parameters:
        p.data = -learning_rate * p.grad
        p.grad = 0.0


def _sgd_grad_step(parameters, learning_rate):
    for p in parameters:
        p.grad -= learning_rate * p.grad


_REBIND_HINT = ("the parameters did not change: `p = p - ...` makes a new Value and leaves the one in the list as it "
                "was — change it in place, p.data -= learning_rate * p.grad")

check_sgd_step = GraphChecker(
    name="sgd_step",
    reference=_sgd_reference,
    section=SECTION_SGD,
    about=("Gradient descent moves each parameter a small step against its gradient, in place (the model holds "
           "these very Values); backward() adds to .grad, so each gradient is reset once it has been used."),
    verified="p.data -= learning_rate · p.grad, then p.grad = 0, so two training steps in a row use each step's "
             "own gradient",
    cases=[
        GraphCase("one step on w·x + c, lr 0.1", _sgd_driver(1, 0.1)),
        GraphCase("one step, lr 0.05", _sgd_driver(1, 0.05), hint_if_fails="use the learning_rate you were given"),
        GraphCase("two steps in a row (forward, backward, sgd_step, forward, backward, sgd_step), lr 0.1",
                  _sgd_driver(2, 0.1)),
    ],
    mistakes=[
        Mistake("the grads were not reset: backward() adds to .grad, so the next backward() piles its gradient on "
                "top of the old one (like calling backward() twice) — set p.grad = 0 after updating p",
                _sgd_no_reset),
        Mistake(_REBIND_HINT, _sgd_rebind),
        Mistake(_REBIND_HINT, _sgd_rebind_keep),
        Mistake("sign error: step *against* the gradient, p.data -= learning_rate * p.grad", _sgd_sign),
        Mistake("the learning rate is missing: p.data -= learning_rate * p.grad", _sgd_no_lr),
        Mistake("the grad was reset before it was used: update p.data first, then set p.grad = 0", _sgd_reset_first),
        Mistake("p.data = ... replaced the parameter by the step; subtract the step from it: p.data -= "
                "learning_rate * p.grad", _sgd_assign),
        Mistake("that changed p.grad, not the parameter: p.data -= learning_rate * p.grad", _sgd_grad_step),
    ],
)
