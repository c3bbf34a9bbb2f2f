"""Checkers for lesson 01 (one neuron) and lesson 02 (a layer of neurons)."""

from __future__ import annotations

import numpy as np

from utils.checks.core import NUMBER, Case, Checker, Mistake


def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


# ------------------------------------------------------------------------------ lesson 01
def _neuron_reference(inputs, weights, bias) -> float:
    """inputs, weights ``(n_inputs,)`` (lists or arrays), bias a number -> float."""
    return float(np.dot(_a(inputs), _a(weights)) + bias)


_rng = np.random.default_rng(1)
_x5, _w5 = _rng.uniform(-2, 2, 5), _rng.uniform(-1, 1, 5)

check_neuron_output = Checker(
    name="neuron_output",
    reference=_neuron_reference,
    kind=NUMBER,
    verified="the three neurons from the lesson, lists and numpy arrays, a random 5-input neuron",
    cases=[
        Case("inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2", ([1, 2, 3], [0.2, 0.8, -0.5], 2)),
        Case("inputs [1, 2, 3, 2.5], weights [0.2, 0.8, -0.5, 1.0], bias 2",
             ([1.0, 2.0, 3.0, 2.5], [0.2, 0.8, -0.5, 1.0], 2.0)),
        Case("x = [1, -2, 3], w = [-3, -1, 2], b = 1", ([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0)),
        Case("numpy arrays, 5 inputs, bias -0.7", (_x5, _w5, -0.7),
             hint_if_fails="your function must also work for numpy arrays of any length"),
    ],
    mistakes=[
        Mistake("the bias is missing: add it once, after the sum",
                lambda i, w, b: float(np.dot(_a(i), _a(w)))),
        Mistake("the bias was added once per input (inside the loop); add it once, after the loop",
                lambda i, w, b: float(np.sum(_a(i) * _a(w) + b))),
        Mistake("you multiplied each input by its weight but did not add the products up: use sum(...) or np.dot",
                lambda i, w, b: _a(i) * _a(w) + b),
        Mistake("you multiplied each input by its weight but did not add the products up: use sum(...) or np.dot",
                lambda i, w, b: _a(i) * _a(w)),
        Mistake("inputs and weights were added; a neuron multiplies each input by its weight",
                lambda i, w, b: float(np.sum(_a(i) + _a(w)) + b)),
        Mistake("only the first input was used: loop over all of them (for x, w in zip(inputs, weights))",
                lambda i, w, b: float(_a(i)[0] * _a(w)[0] + b)),
        Mistake("return a single number, not a list or array with one number in it (use float(...))",
                lambda i, w, b: [float(np.dot(_a(i), _a(w)) + b)]),
        Mistake("return a single number, not a list or array with one number in it (use float(...))",
                lambda i, w, b: np.array([np.dot(_a(i), _a(w)) + b])),
    ],
)


# ------------------------------------------------------------------------------ lesson 02
def _layer_reference(inputs, weights, biases) -> np.ndarray:
    """inputs ``(n_samples, n_inputs)`` or ``(n_inputs,)``, weights ``(n_inputs, n_neurons)``, biases
    ``(n_neurons,)`` -> ``(n_samples, n_neurons)`` or ``(n_neurons,)``."""
    return np.dot(_a(inputs), _a(weights)) + _a(biases).reshape(-1)


def _loop_layer(inputs, weights, biases):
    """Wrong for one sample: treats every row of inputs as a sample."""
    x, w, b = _a(inputs), _a(weights), _a(biases)
    return np.array([[sum(s[i] * w[i, j] for i in range(w.shape[0])) + b[j] for j in range(w.shape[1])] for s in x])


_W_LESSON = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T
_B_LESSON = [2.0, 3.0, 0.5]
_X_BATCH = [[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]]
_rng2 = np.random.default_rng(2)

check_layer_output = Checker(
    name="layer_output",
    reference=_layer_reference,
    verified="one sample, the lesson's batch of 3, a square layer, a batch of 5 × 2 neurons",
    cases=[
        Case("batch of 3 samples, 4 inputs, 3 neurons (the lesson's numbers)", (_X_BATCH, _W_LESSON, _B_LESSON)),
        Case("batch of 5 samples, 4 inputs, 2 neurons",
             (_rng2.normal(size=(5, 4)), _rng2.normal(size=(4, 2)), np.array([0.5, -1.0]))),
        Case("square layer: 3 inputs, 3 neurons, batch of 2",
             (_rng2.normal(size=(2, 3)), np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [0.0, 1.0, -2.0]]),
              np.array([0.1, 0.2, 0.3]))),
        Case("one sample inputs [1, 2, 3, 2.5] (1-D) -> 3 outputs [4.8, 1.21, 2.385]",
             (np.array([1.0, 2.0, 3.0, 2.5]), _W_LESSON, _B_LESSON),
             hint_if_fails="a single sample of shape (n_inputs,) should give shape (n_neurons,): "
                           "np.dot(inputs, weights) + biases handles both cases"),
    ],
    mistakes=[
        Mistake("weights are stored (n_inputs, n_neurons) in this course, so use them as they are: "
                "np.dot(inputs, weights) — no .T", lambda x, w, b: np.dot(_a(x), _a(w).T) + _a(b)),
        Mistake("weights are stored (n_inputs, n_neurons): the product is np.dot(inputs, weights), "
                "not np.dot(weights, inputs)", lambda x, w, b: np.dot(_a(w), _a(x)) + _a(b)),
        Mistake("weights are stored (n_inputs, n_neurons): the product is np.dot(inputs, weights), "
                "not np.dot(weights.T, inputs)", lambda x, w, b: np.dot(_a(w).T, _a(x)) + _a(b)),
        Mistake("the biases were added down a column: they are one per neuron, shape (n_neurons,), "
                "and broadcast along each row — add them as they are", lambda x, w, b: np.dot(_a(x), _a(w)) + _a(b).reshape(-1, 1)),
        Mistake("the biases are missing: add biases after the dot product", lambda x, w, b: np.dot(_a(x), _a(w))),
        Mistake("a single sample (1-D inputs) must also work: looping over rows breaks when inputs is one "
                "sample; np.dot(inputs, weights) + biases handles both", _loop_layer),
    ],
)
