"""utils.autograd: every operation's gradient, fan-out, backward's order, and agreement with two independent
references — float64 finite differences on random expressions that reuse values, and the vectorised utils
network (Dense, Tanh, Sigmoid, BinaryCrossEntropy) on the same weights."""

import gc
import math
import weakref

import numpy as np
import pytest

from utils.autograd import (
    MLP,
    Layer,
    Neuron,
    Value,
    binary_cross_entropy,
    fewer_collections,
    topological_order,
    zero_grad,
)
from utils.gradients import rel_error
from utils.losses import BinaryCrossEntropy, SoftmaxCrossEntropy


# ------------------------------------------------------------------------------ single operations
def _grad(f, x: float) -> tuple[float, float]:
    v = Value(x)
    out = f(v)
    out.backward()
    return out.data, v.grad


@pytest.mark.parametrize(("f", "value", "slope"), [
    (lambda v: v + 2, lambda x: x + 2, lambda x: 1.0),
    (lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0),
    (lambda v: v * 3, lambda x: 3 * x, lambda x: 3.0),
    (lambda v: 3 * v, lambda x: 3 * x, lambda x: 3.0),
    (lambda v: v - 5, lambda x: x - 5, lambda x: 1.0),
    (lambda v: 5 - v, lambda x: 5 - x, lambda x: -1.0),
    (lambda v: v / 4, lambda x: x / 4, lambda x: 0.25),
    (lambda v: 4 / v, lambda x: 4 / x, lambda x: -4 / x**2),
    (lambda v: -v, lambda x: -x, lambda x: -1.0),
    (lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2),
    (lambda v: v**-2, lambda x: x**-2, lambda x: -2 * x**-3),
    (lambda v: v**0.5, lambda x: x**0.5, lambda x: 0.5 * x**-0.5),
    (lambda v: v.exp(), math.exp, math.exp),
    (lambda v: v.log(), math.log, lambda x: 1 / x),
    (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    (lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0)),
    (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
], ids=["v+2", "2+v", "v*3", "3*v", "v-5", "5-v", "v/4", "4/v", "-v", "v**3", "v**-2", "v**0.5", "exp", "log", "tanh",
        "relu", "sigmoid"])
@pytest.mark.parametrize("x", [0.7, 1.9, -1.3])
def test_each_operation_forward_and_slope(f, value, slope, x):
    if x < 0 and f(Value(2.0)).op in ("log", "**0.5"):
        pytest.skip("outside the domain")
    data, grad = _grad(f, x)
    assert math.isclose(data, value(x), rel_tol=1e-14)
    assert math.isclose(grad, slope(x), rel_tol=1e-12, abs_tol=1e-15)


def test_value_with_value_operations():
    a, b = Value(3.0), Value(-2.0)
    for out, da, db in [(a + b, 1, 1), (a - b, 1, -1), (a * b, -2, 3), (a / b, -0.5, -3 / 4)]:
        a.grad = b.grad = 0.0
        out.backward()
        assert (a.grad, b.grad) == (da, db)


def test_relu_slope_is_zero_at_and_below_zero():
    assert _grad(lambda v: v.relu(), 0.0) == (0.0, 0.0)
    assert _grad(lambda v: v.relu(), -2.0) == (0.0, 0.0)


def test_sigmoid_and_tanh_do_not_overflow():
    for x in (-1000.0, 1000.0):
        data, grad = _grad(lambda v: v.sigmoid(), x)
        assert data in (0.0, 1.0) and grad == 0.0
        assert _grad(lambda v: v.tanh(), x)[1] == 0.0


def test_numpy_scalars_work_on_either_side():
    v = Value(2.0)
    out = np.float64(3.0) * v + v * np.float64(0.5)
    assert isinstance(out, Value) and out.data == 7.0
    out.backward()
    assert v.grad == 3.5



def test_every_kind_of_real_number_is_a_value_and_bools_are_not():
    # plain floats and ints take a fast path in _is_number; the other reals still pass the numbers.Real check
    from fractions import Fraction

    for number in (2.5, 3, np.float64(2.5), np.int64(3), np.float32(0.5), Fraction(1, 2)):
        assert Value(number).data == float(number) and (Value(1.0) + number).data == 1.0 + float(number)
    for not_a_number in (True, np.bool_(True), "3", None, 1j):
        with pytest.raises(TypeError):
            Value(not_a_number)


# ------------------------------------------------------------------------------ fan-out and backward
def test_a_value_used_twice_collects_both_gradients():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0


def test_the_lesson_neuron_has_the_lesson_06_gradients():
    x = [Value(v) for v in (1.0, -2.0, 3.0)]
    w = [Value(v) for v in (-3.0, -1.0, 2.0)]
    b = Value(1.0)
    out = (x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + b).relu()
    out.backward()
    assert out.data == 6.0
    assert [v.grad for v in w] == [1.0, -2.0, 3.0]
    assert [v.grad for v in x] == [-3.0, -1.0, 2.0]
    assert b.grad == 1.0


def test_backward_adds_to_existing_grads_and_zero_grad_resets():
    a, b = Value(2.0), Value(-1.0)
    out = (a * b).tanh() + a
    out.backward()
    first = (a.grad, b.grad)
    out.backward()  # a second pass on the same graph: the leaves' gradients grow (like PyTorch's accumulation)
    assert a.grad != first[0]
    zero_grad(out)
    out.backward()
    assert (a.grad, b.grad) == first


def test_topological_order_lists_each_node_once_after_its_inputs():
    a = Value(0.5)
    h = (a * a).tanh()
    out = h * h + h.exp() + a
    order = topological_order(out)
    assert len(order) == len({id(n) for n in order})
    position = {id(n): i for i, n in enumerate(order)}
    assert all(position[id(c)] < position[id(n)] for n in order for c in n.inputs)
    assert order[-1] is out


def test_a_very_deep_graph_needs_no_recursion():
    v = Value(0.0)
    leaf = v
    for _ in range(20_000):
        v = v + 1e-4
    v.backward()
    assert leaf.grad == 1.0 and len(topological_order(v)) == 40_001


# ------------------------------------------------------------------------------ random expressions vs finite differences
_UNARY = ["neg", "exp", "log", "tanh", "relu", "sigmoid", "square", "cube", "sqrt", "recip"]
_BINARY = ["+", "-", "*", "/", "num+", "num-", "num*", "num/"]


def _recipe(rng: np.random.Generator, n_leaves: int, n_ops: int) -> list[tuple]:
    """A random expression as steps (op, i, j, constant) over earlier nodes; indices repeat, so values are reused."""
    steps = []
    for k in range(n_ops):
        n = n_leaves + k
        if rng.random() < 0.45:
            steps.append((str(rng.choice(_UNARY)), int(rng.integers(n)), None, None))
        else:
            steps.append((str(rng.choice(_BINARY)), int(rng.integers(n)), int(rng.integers(n)),
                          float(rng.uniform(0.5, 2.0))))
    return steps


def _evaluate(steps: list[tuple], leaves: list, lib, squash: set[int]) -> object:
    """Run the recipe with Values (lib=None) or floats (lib=math); log/sqrt/division act on safe positive
    arguments (x² + 0.5) so every expression stays smooth and finite. With Values, ``squash`` collects the
    steps whose result grew beyond 50; those are passed through 3·tanh(r/3) — with floats the same steps are
    squashed, so both runs compute the same smooth function."""
    nodes = list(leaves)

    def safe(x):
        return x * x + 0.5

    for k, (op, i, j, c) in enumerate(steps):
        x = nodes[i]
        y = nodes[j] if j is not None else None
        if op == "neg":
            r = -x
        elif op == "exp":
            r = (x * 0.3).exp() if lib is None else math.exp(x * 0.3)
        elif op == "log":
            r = safe(x).log() if lib is None else math.log(safe(x))
        elif op == "tanh":
            r = x.tanh() if lib is None else math.tanh(x)
        elif op == "relu":
            r = x.relu() if lib is None else max(x, 0.0)
        elif op == "sigmoid":
            r = x.sigmoid() if lib is None else 1 / (1 + math.exp(-x))
        elif op == "square":
            r = x**2
        elif op == "cube":
            r = (x * 0.5) ** 3
        elif op == "sqrt":
            r = safe(x) ** 0.5
        elif op == "recip":
            r = 1 / safe(x)
        elif op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "/":
            r = x / safe(y)
        elif op == "num+":
            r = c + x
        elif op == "num-":
            r = c - x
        elif op == "num*":
            r = c * x
        else:
            r = c / safe(x)
        if lib is None and abs(r.data) > 50:  # keep magnitudes moderate so finite differences stay accurate
            squash.add(k)
        if k in squash:
            r = (r / 3).tanh() * 3 if lib is None else 3 * math.tanh(r / 3)
        nodes.append(r)
    total = nodes[-1]
    for extra in nodes[-4:-1]:  # the root reuses several late nodes too
        total = total + extra
    return total


@pytest.mark.parametrize("seed", range(40))
def test_random_expressions_match_float64_finite_differences(seed):
    rng = np.random.default_rng(seed)
    n_leaves = int(rng.integers(2, 5))
    steps = _recipe(rng, n_leaves, int(rng.integers(6, 25)))
    x0 = rng.uniform(-1.5, 1.5, n_leaves)
    leaves = [Value(float(x)) for x in x0]
    squash: set[int] = set()
    root = _evaluate(steps, leaves, None, squash)
    root.backward()
    autograd = np.array([leaf.grad for leaf in leaves])

    def f(x):
        return _evaluate(steps, [float(v) for v in x], math, squash)

    assert math.isclose(root.data, f(x0), rel_tol=1e-12, abs_tol=1e-12)
    h = 1e-6
    numeric = np.empty(n_leaves)
    for i in range(n_leaves):
        xp, xm = x0.copy(), x0.copy()
        xp[i] += h
        xm[i] -= h
        numeric[i] = (f(xp) - f(xm)) / (2 * h)
    np.testing.assert_allclose(autograd, numeric, rtol=1e-6, atol=1e-7)


def test_random_expressions_really_reuse_values():
    rng = np.random.default_rng(0)
    steps = _recipe(rng, 3, 20)
    used = [k for _, i, j, _ in steps for k in (i, j) if k is not None]
    assert len(used) > len(set(used)), "the recipe must use some node more than once"


# ------------------------------------------------------------------------------ the MLP vs the vectorised network
def _gradients_both_ways(mlp: MLP, X: np.ndarray, y: np.ndarray):
    probs = [mlp([float(v) for v in row])[0] for row in X]
    loss = binary_cross_entropy(probs, [int(t) for t in y])
    mlp.zero_grad()
    loss.backward()
    layers = mlp.to_dense()
    out = X
    for layer in layers:
        out = layer.forward(out)
    bce = BinaryCrossEntropy()
    dense_loss = bce.forward(out, y.reshape(-1, 1).astype(float))
    grad = bce.backward(out, y.reshape(-1, 1).astype(float))
    for layer in reversed(layers):
        grad = layer.backward(grad)
    dense = [layer for layer in layers if hasattr(layer, "dweights")]
    return loss.data, dense_loss, mlp.gradients(), [layer.gradients() for layer in dense]


@pytest.mark.parametrize(("sizes", "activation", "seed"), [([2, 8, 1], "tanh", 0), ([2, 5, 4, 1], "tanh", 1),
                                                           ([2, 6, 1], "relu", 2), ([3, 4, 1], "sigmoid", 3)])
def test_mlp_gradients_equal_the_vectorised_network(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, sizes[0]))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    mlp = MLP(sizes, activation=activation, rng=rng)
    for p in mlp.parameters():  # non-zero biases too
        p.data += 0.1 * rng.normal()
    loss, dense_loss, grads, dense_grads = _gradients_both_ways(mlp, X, y)
    assert math.isclose(loss, dense_loss, rel_tol=1e-12)
    for mine, theirs in zip(grads, dense_grads, strict=True):
        for name in ("weights", "biases"):
            assert mine[name].shape == theirs[name].shape
            assert rel_error(mine[name], theirs[name]) <= 1e-10


def test_mlp_softmax_cross_entropy_agrees_with_utils():
    """A 3-class head written with Values (exp, log, division) against utils.losses.SoftmaxCrossEntropy."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(12, 2)), rng.integers(0, 3, 12)
    mlp = MLP([2, 6, 3], output_activation="linear", rng=rng)
    total = Value(0.0)
    for row, label in zip(X, y):
        logits = mlp([float(v) for v in row])
        top = max(v.data for v in logits)
        exps = [(v - top).exp() for v in logits]
        norm = exps[0] + exps[1] + exps[2]
        total = total - (exps[int(label)] / norm).log()
    loss = total / len(y)
    loss.backward()
    layers = mlp.to_dense()
    out = X
    for layer in layers:
        out = layer.forward(out)
    sce = SoftmaxCrossEntropy()
    assert math.isclose(loss.data, sce.forward(out, y), rel_tol=1e-12)
    grad = sce.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    dense = [layer for layer in layers if hasattr(layer, "dweights")]
    for mine, layer in zip(mlp.gradients(), dense, strict=True):
        assert rel_error(mine["weights"], layer.dweights) <= 1e-10
        assert rel_error(mine["biases"], layer.dbiases) <= 1e-10


def test_mlp_trains_on_xor():
    from utils.data import xor

    X, y = xor(samples=32, noise=0.1, seed=0)
    mlp = MLP([2, 8, 1], rng=np.random.default_rng(0))
    losses = []
    for _ in range(30):
        loss = binary_cross_entropy([mlp([float(v) for v in row])[0] for row in X], y.tolist())
        mlp.zero_grad()
        loss.backward()
        for p in mlp.parameters():
            p.data -= 1.0 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.75 * losses[0]


def test_model_shapes_and_parameters():
    mlp = MLP([2, 3, 1], rng=np.random.default_rng(0))
    assert len(mlp.parameters()) == 2 * 3 + 3 + 3 * 1 + 1
    assert [type(layer).__name__ for layer in mlp.to_dense()] == ["Dense", "Tanh", "Dense", "Sigmoid"]
    assert mlp.layers[0].weights_array().shape == (2, 3) and mlp.layers[0].biases_array().shape == (1, 3)
    assert mlp.predict_proba(np.zeros((4, 2))).shape == (4, 1)
    assert isinstance(Neuron(2, rng=np.random.default_rng(0))([1.0, 2.0]), Value)
    assert len(Layer(2, 4, rng=np.random.default_rng(0))([1.0, 2.0])) == 4
    assert "MLP([2, 3, 1]" in repr(mlp)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("make", "error", "words"), [
    (lambda: Value("3"), TypeError, "real number"),
    (lambda: Value([1.0]), TypeError, "real number"),
    (lambda: Value(Value(1.0)), TypeError, "plain number"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "plain number"),
    (lambda: Value(-1.0).log(), ValueError, "positive"),
    (lambda: Value(1.0) / 0, ZeroDivisionError, "0"),
    (lambda: Value(-8.0) ** 0.5, ValueError, "not a real number"),
    (lambda: Value(1000.0).exp(), OverflowError, "too large"),
    (lambda: Value(1.0) + "a", TypeError, "unsupported"),
    (lambda: topological_order(3.0), TypeError, "expects a Value"),
    (lambda: MLP([2]), ValueError, "at least"),
    (lambda: MLP([2, 3], activation="swish"), ValueError, "unknown activation"),
    (lambda: Neuron(2)([1.0]), ValueError, "expected 2 inputs"),
    (lambda: binary_cross_entropy([Value(0.5)], [2]), ValueError, "0 or 1"),
    (lambda: binary_cross_entropy([Value(0.5)], []), ValueError, "as many"),
])
def test_bad_input_gets_a_clear_error(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_repr_names_data_and_grad():
    v = Value(2.5, label="w0")
    assert repr(v) == "Value(w0: data=2.5, grad=0)"


# ------------------------------------------------------------------------------ the drawing
def _neuron():
    x = [Value(v, label=f"x{i}") for i, v in enumerate([1.0, -2.0, 3.0])]
    w = [Value(v, label=f"w{i}") for i, v in enumerate([-3.0, -1.0, 2.0])]
    z = x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + Value(1.0, label="b")
    out = z.relu()
    out.backward()
    return out


def _fan_out():
    a = Value(3.0, label="a")
    h = (a * a).tanh()
    out = h + h * 2 + a
    out.backward()
    return out


def _long_numbers():
    a = Value(-1.234567e-7, label="a")
    out = (a * -987654.3).exp() * a
    out.backward()
    return out


def _a_plus_a():
    a = Value(3.0, label="a")
    out = a + a
    out.backward()
    return out


@pytest.mark.parametrize("make", [_neuron, _fan_out, _long_numbers, lambda: Value(1.0) + Value(2.0), _a_plus_a,
                                  lambda: Value(1.0, label="one")])
def test_graph_drawing_is_readable(make):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from utils.autograd_plots import _BOX_H, _DUMMY_H, _layout, draw_graph

    root = make()
    fig = draw_graph(root)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_text()]
    assert all(t.get_fontsize() >= 10 for t in texts)
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i, a in enumerate(boxes):
        assert fig.bbox.contains(a.x0, a.y0) and fig.bbox.contains(a.x1, a.y1), texts[i].get_text()
        for j in range(i + 1, len(boxes)):
            assert not a.overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    # every line of a node's text sits inside that node's box
    from matplotlib.patches import FancyBboxPatch

    frames = [p.get_window_extent(renderer) for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    for text, box in zip(texts, boxes):
        if text.get_fontsize() > 10.5:  # the title
            continue
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        frame = next(f for f in frames if f.contains(cx, cy))
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, text.get_text()
    # every arrow that skips columns runs in its own lane, clear of every box in the columns it crosses
    order = topological_order(root)
    col, row, arrows = _layout(order)
    for *_, chain, _uses, _repeat in arrows:
        for lane in chain[1:-1]:
            for node in order:
                if col[id(node)] == col[lane]:
                    assert abs(row[lane] - row[id(node)]) >= (_BOX_H + _DUMMY_H) / 2 - 1e-9


def test_graph_drawing_refuses_what_it_cannot_draw_well():
    from utils.autograd_plots import draw_graph

    with pytest.raises(TypeError, match="expects a Value"):
        draw_graph(3.0)
    big = MLP([2, 4, 1], rng=np.random.default_rng(0))([1.0, 2.0])[0]
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(big)


def test_power_at_zero_has_the_right_slope_and_a_value_exponent_is_refused():
    for k, slope in [(0, 0.0), (1, 1.0), (2, 0.0), (3, 0.0), (0.5, math.inf)]:
        a = Value(0.0)
        (a**k).backward()
        assert a.grad == slope, k
    with pytest.raises(TypeError, match="Value exponent"):
        2 ** Value(1.0)


def test_each_input_of_a_node_gets_its_own_arrow_also_when_it_is_the_same_value():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.patches import FancyArrowPatch

    from utils.autograd_plots import draw_graph

    for root, n_arrows in [(_a_plus_a(), 2), (_neuron(), 13)]:
        fig = draw_graph(root)
        fig.canvas.draw()
        arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
        assert len(arrows) == n_arrows
        ends = {tuple(round(float(v), 1) for v in a.get_window_extent().get_points().ravel()) for a in arrows}
        assert len(ends) == n_arrows  # no two arrows drawn on top of each other


# ------------------------------------------------------------------------------ the cycle collector
def test_every_operation_leaves_a_cycle_that_only_the_collector_frees():
    """The premise of fewer_collections (and of lesson 09's Section 7): reference counting alone does not free
    a Value made by an operation, because it and its _backward refer to each other."""
    gc.disable()
    try:
        product = Value(2.0) * 3
        probe = weakref.ref(product)
        del product
        assert probe() is not None
        gc.collect()
        assert probe() is None
    finally:
        gc.enable()


def test_fewer_collections_raises_the_threshold_and_restores_it_even_after_an_error():
    before = gc.get_threshold()
    with fewer_collections(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError, match="inside"), fewer_collections():
        assert gc.get_threshold()[0] == 100_000
        raise RuntimeError("an error inside the block")
    assert gc.get_threshold() == before


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "1000", None])
def test_fewer_collections_rejects_what_is_not_a_positive_whole_number(bad):
    before = gc.get_threshold()
    with pytest.raises(ValueError, match=r"whole number ≥ 1, got"), fewer_collections(bad):
        pass
    assert gc.get_threshold() == before


def test_training_inside_fewer_collections_computes_the_same_numbers():
    X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [1, 1, 0]

    def train():
        model = MLP([2, 4, 1], rng=np.random.default_rng(3))
        for _ in range(3):
            loss = binary_cross_entropy([model(list(row))[0] for row in X], y)
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= 0.5 * p.grad
        return [p.data for p in model.parameters()]

    plain = train()
    with fewer_collections():
        assert train() == plain
