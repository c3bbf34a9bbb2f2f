"""Checkers for lesson 01 (one neuron) and lesson 02 (a layer of neurons)."""

from __future__ import annotations

import numpy as np

from utils.checks.core import NUMBER, Case, Checker, Mistake, as_floats, lesson_section

# ------------------------------------------------------------------------------ lesson 01
_IDEA = lesson_section("01", "1. The idea")
_NUMPY = lesson_section("01", "With numpy")


def _skip_last(i, w, b):
    i, w = as_floats(i), as_floats(w)
    return float(np.dot(i[:-1], w[:-1]) + b)


def _skip_first(i, w, b):
    i, w = as_floats(i), as_floats(w)
    return float(np.dot(i[1:], w[1:]) + b)


def _neuron_reference(inputs, weights, bias) -> float:
    """inputs, weights ``(n_inputs,)`` (lists or arrays), bias a number -> float."""
    return float(np.dot(as_floats(inputs), as_floats(weights)) + bias)


_rng = np.random.default_rng(1)
_x5, _w5 = _rng.uniform(-2, 2, 5), _rng.uniform(-1, 1, 5)

check_neuron_output = Checker(
    name="neuron_output",
    reference=_neuron_reference,
    kind=NUMBER,
    verified="the three neurons from the lesson, lists and numpy arrays, a random 5-input neuron",
    section=_IDEA,
    sections={"list": _NUMPY, "number": _NUMPY, "sum": _IDEA},
    about="A neuron multiplies each input by its weight, adds the products up, and adds the bias once.",
    cases=[
        Case("inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2", ([1, 2, 3], [0.2, 0.8, -0.5], 2)),
        Case("inputs [1, 2, 3, 2.5], weights [0.2, 0.8, -0.5, 1.0], bias 2",
             ([1.0, 2.0, 3.0, 2.5], [0.2, 0.8, -0.5, 1.0], 2.0)),
        Case("x = [1, -2, 3], w = [-3, -1, 2], b = 1", ([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0)),
        Case("inputs [1, 2], weights [-1, -0.5], bias 0.5 (a negative output, -1.5)", ([1.0, 2.0], [-1.0, -0.5], 0.5)),
        Case("numpy arrays, 5 inputs, bias -0.7", (_x5, _w5, -0.7),
             hint_if_fails="your function must also work for numpy arrays of any length"),
    ],
    mistakes=[
        Mistake("the bias is missing: add it once, after the sum",
                lambda i, w, b: float(np.dot(as_floats(i), as_floats(w))),
                why="The bias shifts the neuron's output; without it every neuron passes through 0."),
        Mistake("the bias was added once per input (inside the loop); add it once, after the loop",
                lambda i, w, b: float(np.sum(as_floats(i) * as_floats(w) + b)),
                why="The bias belongs to the neuron, not to each input: it is added after the sum."),
        Mistake("np.mean averages the products; a neuron adds them up: use np.sum or np.dot",
                lambda i, w, b: float(np.mean(as_floats(i) * as_floats(w)) + b),
                why="The weighted sum adds every product; a mean divides it by the number of inputs."),
        Mistake("the bias multiplies the sum; it is added: np.dot(inputs, weights) + bias",
                lambda i, w, b: float(np.dot(as_floats(i), as_floats(w)) * b)),
        Mistake("each input must meet its own weight: the weights were used in reverse order — pair them with "
                "zip(inputs, weights)", lambda i, w, b: float(np.dot(as_floats(i), as_floats(w)[::-1]) + b)),
        Mistake("the sums were multiplied: multiply each input by its own weight first, then add the products "
                "(sum(x * w for x, w in zip(inputs, weights)))", lambda i, w, b: float(np.sum(as_floats(i)) * np.sum(as_floats(w)) + b)),
        Mistake("the loop skipped the last input (off by one): range(len(inputs)) already stops at the last "
                "index; or loop with zip(inputs, weights)", _skip_last,
                why="range(n - 1) stops one element early."),
        Mistake("the loop skipped the first input (off by one): Python counts from 0, so use range(len(inputs)) "
                "or zip(inputs, weights)", _skip_first, why="range(1, n) starts at the second element."),
        Mistake("you multiplied each input by its weight but did not add the products up: use sum(...) or np.dot",
                lambda i, w, b: as_floats(i) * as_floats(w) + b),
        Mistake("you multiplied each input by its weight but did not add the products up: use sum(...) or np.dot",
                lambda i, w, b: as_floats(i) * as_floats(w)),
        Mistake("inputs and weights were added; a neuron multiplies each input by its weight",
                lambda i, w, b: float(np.sum(as_floats(i) + as_floats(w)) + b)),
        Mistake("only the first input was used: loop over all of them (for x, w in zip(inputs, weights))",
                lambda i, w, b: float(as_floats(i)[0] * as_floats(w)[0] + b)),
        Mistake("return a single number, not a list or array with one number in it (use float(...))",
                lambda i, w, b: [float(np.dot(as_floats(i), as_floats(w)) + b)]),
        Mistake("return a single number, not a list or array with one number in it (use float(...))",
                lambda i, w, b: np.array([np.dot(as_floats(i), as_floats(w)) + b])),
    ],
    mutation_fix="read `{name}`, never change it: keep the running total in a new variable",
)


# ------------------------------------------------------------------------------ lesson 02
def _layer_reference(inputs, weights, biases) -> np.ndarray:
    """inputs ``(n_samples, n_inputs)`` or ``(n_inputs,)``, weights ``(n_inputs, n_neurons)``, biases
    ``(n_neurons,)`` -> ``(n_samples, n_neurons)`` or ``(n_neurons,)``."""
    return np.dot(as_floats(inputs), as_floats(weights)) + as_floats(biases).reshape(-1)


def _loop_layer(inputs, weights, biases):
    """Wrong for one sample: treats every row of inputs as a sample."""
    x, w, b = as_floats(inputs), as_floats(weights), as_floats(biases)
    return np.array([[sum(s[i] * w[i, j] for i in range(w.shape[0])) + b[j] for j in range(w.shape[1])] for s in x])


_W_LESSON = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T
_B_LESSON = [2.0, 3.0, 0.5]
_X_BATCH = [[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]]
_rng2 = np.random.default_rng(2)

check_layer_output = Checker(
    name="layer_output",
    reference=_layer_reference,
    verified="one sample, the lesson's batch of 3, a square layer, a batch of 5 × 2 neurons",
    section=lesson_section("02", "2. The course's layout: one column per neuron"),
    sections={"shape": lesson_section("02", "3. A batch"),
              "broadcast": lesson_section("02", "The shape error you will meet"),
              "transpose": lesson_section("02", "The shape error you will meet")},
    about="Each neuron is one column of weights: np.dot(inputs, weights) gives one output per neuron, then the "
          "biases (one per neuron) are added to every row.",
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
                "np.dot(inputs, weights) — no .T", lambda x, w, b: np.dot(as_floats(x), as_floats(w).T) + as_floats(b)),
        Mistake("weights are stored (n_inputs, n_neurons): the product is np.dot(inputs, weights), "
                "not np.dot(weights, inputs)", lambda x, w, b: np.dot(as_floats(w), as_floats(x)) + as_floats(b)),
        Mistake("weights are stored (n_inputs, n_neurons): the product is np.dot(inputs, weights), "
                "not np.dot(weights.T, inputs)", lambda x, w, b: np.dot(as_floats(w).T, as_floats(x)) + as_floats(b)),
        Mistake("the biases were added down a column: they are one per neuron, shape (n_neurons,), "
                "and broadcast along each row — add them as they are",
                lambda x, w, b: np.dot(as_floats(x), as_floats(w)) + as_floats(b).reshape(-1, 1)),
        Mistake("the biases are missing: add biases after the dot product", lambda x, w, b: np.dot(as_floats(x), as_floats(w))),
        Mistake("the biases were multiplied; they are added: np.dot(inputs, weights) + biases",
                lambda x, w, b: np.dot(as_floats(x), as_floats(w)) * as_floats(b)),
        Mistake("only the first bias was added, to every neuron: each neuron has its own bias, so add the whole "
                "biases vector", lambda x, w, b: np.dot(as_floats(x), as_floats(w)) + as_floats(b)[0]),
        Mistake("a single sample (1-D inputs) must also work: looping over rows breaks when inputs is one "
                "sample; np.dot(inputs, weights) + biases handles both", _loop_layer),
        Mistake("a single sample (1-D inputs) must also work: `for row in inputs` then walks over its numbers, "
                "not over samples; np.dot(inputs, weights) + biases handles one sample and a batch alike",
                lambda x, w, b: np.array([np.dot(r, as_floats(w)) + as_floats(b) for r in as_floats(x)])),
        Mistake("the biases were summed into one number and added to every neuron: each neuron gets its own "
                "bias, np.dot(inputs, weights) + biases", lambda x, w, b: np.dot(as_floats(x), as_floats(w)) + np.sum(as_floats(b))),
    ],
    mutation_fix="build a new array (np.dot(inputs, weights) + biases) instead of changing `{name}`",
)
