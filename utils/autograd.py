"""A tiny autograd engine (lesson 09): numbers that remember how they were made, so the chain rule can run
by itself.

Every operation builds a new ``Value`` and gives it a ``_backward`` function, written right beside the
forward computation: it takes the gradient that arrived at the result (``out.grad``) and **adds** each
input's share to that input's ``.grad`` (``+=``, because a value used twice receives gradient from both
uses). ``root.backward()`` sets ``root.grad = 1``, lists the graph in topological order (every node after
all its inputs) and calls each node's ``_backward`` once, root first.

    >>> a, b = Value(2.0), Value(-3.0)
    >>> out = a * b + a          # a is used twice
    >>> out.backward()
    >>> a.grad, b.grad           # d out/d a = b + 1, d out/d b = a
    (-2.0, 2.0)

Like PyTorch, ``backward()`` adds to the ``.grad`` already stored: reset parameters' grads to 0 (e.g.
``MLP.zero_grad()``) before each new backward pass.

The module also holds a small multilayer perceptron made of Values (``Neuron``, ``Layer``, ``MLP``), which
lesson 09 compares with the vectorised ``utils.layers.Dense`` network.
"""

from __future__ import annotations

import gc
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np


def _is_number(x) -> bool:
    if type(x) is float or type(x) is int:  # the common case, without the slow check against the numbers.Real ABC
        return True
    return isinstance(x, numbers.Real) and not isinstance(x, Value)


class Value:
    """One number in a computation graph.

    Attributes:
        data: the number (float), computed by the forward pass.
        grad: d(root)/d(this value) after ``root.backward()`` (float, starts at 0.0).
        inputs: the Values this one was computed from (a tuple; empty for a leaf such as a weight).
        op: the operation that made it (``"+"``, ``"*"``, ``"tanh"``, ...; ``""`` for a leaf).
        label: an optional name shown in drawings (``"w0"``).
        _backward: adds this node's gradient share to its inputs' ``.grad`` (set by the operation).
    """

    def __init__(self, data, inputs: Sequence[Value] = (), op: str = "", label: str = ""):
        if isinstance(data, Value):
            raise TypeError("Value(...) expects a plain number, got a Value — use the Value itself, or Value(v.data) for a copy")
        if not _is_number(data) or isinstance(data, bool):
            raise TypeError(f"Value(...) expects a real number (int or float), got {type(data).__name__} {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        self.label = label
        self._backward: Callable[[], None] = _nothing

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for ``inputs`` (read-only), for readers coming from there."""
        return self.inputs

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other) -> Value:
        other = _as_value(other)
        if other is None:
            return NotImplemented
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = _as_value(other)
        if other is None:
            return NotImplemented
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(a * b)/da = b, d(a * b)/db = a: each input gets the *other* factor
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other) -> Value:
        other = _as_value(other)
        if other is None:
            return NotImplemented
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():  # d(a - b)/da = 1, d(a - b)/db = -1
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other) -> Value:
        other = _as_value(other)
        if other is None:
            return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(f"Value division: dividing {self.data:g} by a Value that is 0")
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():  # d(a / b)/da = 1 / b, d(a / b)/db = -a / b²
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / other.data**2
        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        out = Value(-self.data, (self,), "neg")

        def _backward():  # d(-a)/da = -1
            self.grad -= out.grad
        out._backward = _backward
        return out

    def __pow__(self, k) -> Value:
        if isinstance(k, Value):
            raise TypeError("Value ** k: k must be a plain number (int or float), not a Value; "
                            "for a Value exponent write (k * x.log()).exp()")
        if not _is_number(k):
            return NotImplemented
        k = float(k)
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"Value ** k: {self.data:g} ** {k:g} is not a real number (negative base, fractional power)")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"Value ** k: 0 ** {k:g} divides by zero")
        out = Value(self.data**k, (self,), f"**{k:g}")
        if k == 0:
            slope = 0.0  # a^0 = 1 whatever a is
        elif self.data == 0 and k < 1:
            slope = math.inf  # the slope of a^k (0 < k < 1, e.g. a square root) is infinite at 0
        else:
            slope = k * self.data ** (k - 1)

        def _backward():  # d(a^k)/da = k a^(k-1)
            self.grad += slope * out.grad
        out._backward = _backward
        return out

    def __rpow__(self, base):
        raise TypeError(f"{base!r} ** Value: a Value exponent is not supported (only Value ** number); "
                        "for b ** x write (x * math.log(b)).exp()")

    # number on the left: 2 * v, 1 - v, 1 / v
    def __radd__(self, other) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other + self

    def __rmul__(self, other) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other * self

    def __rsub__(self, other) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other - self

    def __rtruediv__(self, other) -> Value:
        other = _as_value(other)
        return NotImplemented if other is None else other / self

    # ------------------------------------------------------------------ functions
    def exp(self) -> Value:
        """e^x; its slope is e^x itself (the output)."""
        if self.data > 709.78:
            raise OverflowError(f"Value.exp: exp({self.data:g}) is too large for a float")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self) -> Value:
        """Natural logarithm; its slope is 1/x. Needs x > 0."""
        if self.data <= 0:
            raise ValueError(f"Value.log: log needs a positive number, got {self.data:g}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """tanh(x); its slope is 1 - tanh(x)², computed from the output t."""
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self) -> Value:
        """max(0, x); its slope is 1 where x > 0, else 0."""
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), without overflow for large |x|; its slope is s (1 - s), s the output."""
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    # ------------------------------------------------------------------ the backward pass
    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one was computed from with d(self)/d(that value).

        Sets ``self.grad = 1``, then calls each node's ``_backward`` once, in reversed topological order
        (a node passes its gradient on only after every use of it has added its share). Gradients are
        *added* to what ``.grad`` already holds: reset them to 0 before a second backward pass.
        """
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def _nothing() -> None:
    """The ``_backward`` of a leaf: it has no inputs to pass gradient to."""


def _as_value(x) -> Value | None:
    if isinstance(x, Value):
        return x
    if _is_number(x):
        return Value(x)
    return None


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on (and root itself), each once, every node after all its inputs.

    Depth-first, post-order (a node is appended after all its inputs), written with an explicit stack so a
    graph thousands of nodes deep does not hit Python's recursion limit.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order expects a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for child in reversed(node.inputs):
            if id(child) not in visited:
                stack.append((child, False))
    return order


def zero_grad(root: Value) -> None:
    """Set ``.grad = 0`` on every Value in ``root``'s graph (before a second ``backward()`` on it)."""
    for node in topological_order(root):
        node.grad = 0.0


@contextmanager
def fewer_collections(new_objects: int = 100_000) -> Iterator[None]:
    """Inside the block, Python's cycle collector runs after ``new_objects`` new objects, not after its default.

    Every Value made by an operation sits in a reference cycle: the Value holds its ``_backward``, and
    ``_backward`` holds the Value (it reads ``out.grad``). Reference counting cannot free a cycle, so each
    training step leaves thousands of Values for the cycle collector. By default that collector starts after
    a few hundred to a few thousand new objects (700 in Python 3.11 and 3.12), and every so often it walks
    every object the program holds — numpy, matplotlib, the notebook's history — to find them. Running it
    less often frees the same Values in fewer, larger passes. The previous setting is back after the block,
    also after an error. Memory stays bounded: a pass still comes after every ``new_objects`` new objects.

        >>> with fewer_collections():
        ...     pass  # train here
    """
    if isinstance(new_objects, bool) or not isinstance(new_objects, numbers.Integral) or new_objects < 1:
        raise ValueError(f"fewer_collections(new_objects): expected a whole number ≥ 1, got {new_objects!r}")
    previous = gc.get_threshold()
    gc.set_threshold(int(new_objects), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


# ---------------------------------------------------------------------------------------- a tiny MLP
_ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": lambda v: v,
}


def _check_activation(name: str) -> None:
    if name not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(_ACTIVATIONS)}")


class Neuron:
    """``activation(w_0 x_0 + ... + w_(n-1) x_(n-1) + b)`` with every weight and the bias a ``Value``.

    weights: ``n_inputs`` Values, drawn from a normal with standard deviation ``1 / sqrt(n_inputs)``
    (LeCun scaling: the weighted sum stays of order 1, so tanh units start in their steep middle); bias: a
    Value, 0 at start.
    """

    def __init__(self, n_inputs: int, activation: str = "tanh", rng: np.random.Generator | None = None):
        if int(n_inputs) != n_inputs or n_inputs < 1:
            raise ValueError(f"Neuron: n_inputs must be a positive integer, got {n_inputs}")
        _check_activation(activation)
        rng = np.random.default_rng(0) if rng is None else rng
        scale = 1.0 / math.sqrt(n_inputs)
        self.weights = [Value(float(w), label=f"w{i}") for i, w in enumerate(rng.normal(0.0, scale, int(n_inputs)))]
        self.bias = Value(0.0, label="b")
        self.activation = activation

    def __repr__(self) -> str:
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"

    def __call__(self, inputs: Sequence) -> Value:
        """inputs: ``n_inputs`` numbers or Values -> one Value."""
        if len(inputs) != len(self.weights):
            raise ValueError(f"Neuron: expected {len(self.weights)} inputs, got {len(inputs)}")
        z = self.weights[0] * inputs[0]
        for w, x in zip(self.weights[1:], inputs[1:]):
            z = z + w * x
        return _ACTIVATIONS[self.activation](z + self.bias)

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.weights, self.bias]


class Layer:
    """``n_neurons`` Neurons that all see the same inputs."""

    def __init__(self, n_inputs: int, n_neurons: int, activation: str = "tanh", rng: np.random.Generator | None = None):
        if int(n_neurons) != n_neurons or n_neurons < 1:
            raise ValueError(f"Layer: n_neurons must be a positive integer, got {n_neurons}")
        rng = np.random.default_rng(0) if rng is None else rng
        self.neurons = [Neuron(n_inputs, activation, rng) for _ in range(int(n_neurons))]
        self.activation = activation

    def __repr__(self) -> str:
        return f"Layer({len(self.neurons[0].weights)}, {len(self.neurons)}, activation={self.activation!r})"

    def __call__(self, inputs: Sequence) -> list[Value]:
        """inputs: ``n_inputs`` numbers or Values -> ``n_neurons`` Values."""
        return [neuron(inputs) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def weights_array(self, what: str = "data") -> np.ndarray:
        """The weights (``what="data"``) or their gradients (``"grad"``) as ``(n_inputs, n_neurons)``, the
        layout of ``Dense.weights``."""
        return np.array([[getattr(w, what) for w in n.weights] for n in self.neurons]).T

    def biases_array(self, what: str = "data") -> np.ndarray:
        """The biases or their gradients as ``(1, n_neurons)``, the layout of ``Dense.biases``."""
        return np.array([[getattr(n.bias, what) for n in self.neurons]])


class MLP:
    """A multilayer perceptron of Values: ``MLP([2, 8, 1])`` is 2 inputs, 8 hidden units, 1 output.

    Hidden layers use ``activation``, the last layer ``output_activation`` ("sigmoid" for a probability,
    "linear" for a score). ``mlp(x)`` maps ``n_inputs`` numbers to a list of ``sizes[-1]`` Values.
    """

    def __init__(self, sizes: Sequence[int], activation: str = "tanh", output_activation: str = "sigmoid",
                 rng: np.random.Generator | None = None):
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {tuple(sizes)}")
        _check_activation(activation)
        _check_activation(output_activation)
        rng = np.random.default_rng(0) if rng is None else rng
        last = len(sizes) - 2
        self.sizes = [int(s) for s in sizes]
        self.layers = [Layer(n_in, n_out, output_activation if i == last else activation, rng)
                       for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, {self.layers[0].activation!r} hidden, {self.layers[-1].activation!r} output)"

    def __call__(self, inputs: Sequence) -> list[Value]:
        """inputs: ``sizes[0]`` numbers or Values -> ``sizes[-1]`` Values."""
        out = list(inputs)
        for layer in self.layers:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        """Every weight and bias, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (``backward()`` adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    def predict_proba(self, X) -> np.ndarray:
        """X ``(n_samples, sizes[0])`` -> outputs ``(n_samples, sizes[-1])`` as floats (no gradients kept)."""
        return np.array([[v.data for v in self([float(x) for x in row])] for row in np.asarray(X, dtype=float)])

    def to_dense(self) -> list:
        """The same network as ``utils`` layers with the same weights: ``[Dense, Tanh, Dense, Sigmoid]`` for
        ``MLP([2, 8, 1])`` — ready for ``forward``/``backward`` on whole batches."""
        from utils.activations import ACTIVATIONS
        from utils.layers import Dense

        layers: list = []
        for layer in self.layers:
            dense = Dense(len(layer.neurons[0].weights), len(layer.neurons))
            dense.weights = layer.weights_array("data")
            dense.biases = layer.biases_array("data")
            layers.append(dense)
            if layer.activation != "linear":
                layers.append(ACTIVATIONS[layer.activation]())
        return layers

    def gradients(self) -> list[dict[str, np.ndarray]]:
        """Per layer ``{"weights": (n_inputs, n_neurons), "biases": (1, n_neurons)}`` of ``.grad`` — the
        layout of ``Dense.gradients()``, so the two can be compared directly."""
        return [{"weights": layer.weights_array("grad"), "biases": layer.biases_array("grad")} for layer in self.layers]


def binary_cross_entropy(probabilities: Sequence[Value], targets: Sequence) -> Value:
    """Mean over samples of -log(p) where the target is 1 and -log(1 - p) where it is 0.

    probabilities: one Value per sample (a sigmoid output in (0, 1)); targets: 0/1 numbers, same length.
    The same loss as ``utils.losses.BinaryCrossEntropy`` (which also clips p to [1e-7, 1 - 1e-7]).
    """
    if len(probabilities) != len(targets) or len(targets) == 0:
        raise ValueError(f"binary_cross_entropy: expected as many targets as probabilities (at least 1), "
                         f"got {len(targets)} and {len(probabilities)}")
    total = Value(0.0)
    for p, t in zip(probabilities, targets):
        if t not in (0, 1):
            raise ValueError(f"binary_cross_entropy: targets must be 0 or 1, got {t!r}")
        total = total - (p.log() if t == 1 else (1 - p).log())
    return total / len(targets)
