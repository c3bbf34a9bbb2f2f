"""Checkers for lesson 06 (the chain rule and backpropagation)."""

from __future__ import annotations

import numpy as np

from utils.activations import sigmoid
from utils.checks.core import TUPLE, Case, Checker, Mistake, as_floats, lesson_section
from utils.validation import class_labels, one_hot

_CHAIN = lesson_section("06", "1. The chain rule")
_BY_HAND = lesson_section("06", "2. One neuron, by hand")
_LAYER = lesson_section("06", "3. A whole layer")
_SOFTMAX_CE = lesson_section("06", "5. Softmax and cross-entropy, together")
_rng = np.random.default_rng(6)
_Z = np.array([[1.5, -0.5, 2.0], [-1.0, 0.3, -2.5], [0.7, -0.1, 4.0]])  # no exact zeros (the kink)
_D = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0], [0.2, 0.4, -0.6]])
_Z4 = _rng.normal(size=(4, 5)) + 0.05
_Z4[0, 3] = _Z4[3, 3] = 0.0  # two inputs exactly at the kink: the gradient is blocked there
_D4 = _rng.normal(size=(4, 5))
_COPY_FIX = "start from a copy ({name} = {name}.copy()) or build a new array, and return that"


# ------------------------------------------------------------------------------ ReLU
def _relu_backward(dvalues, inputs):
    """dvalues, inputs ``(n_samples, n)`` -> dinputs ``(n_samples, n)``: dvalues where inputs > 0, else 0."""
    return as_floats(dvalues) * (as_floats(inputs) > 0)


check_relu_backward = Checker(
    name="relu_backward",
    reference=_relu_backward,
    verified="gradient passed where the input was positive and blocked elsewhere; inputs unchanged",
    section=_BY_HAND,
    about="ReLU's local slope is 1 where its input was positive and 0 elsewhere; the chain rule multiplies "
          "dvalues by that slope.",
    cases=[
        Case("the single neuron: dvalues [[1.0]], inputs [[6.0]]", (np.array([[1.0]]), np.array([[6.0]]))),
        Case("a (3, 3) batch with negative inputs", (_D, _Z)),
        Case("a (4, 5) batch, two inputs exactly 0", (_D4, _Z4)),
    ],
    mistakes=[
        Mistake("the gradient also flowed where the input was negative: ReLU's slope is 0 there, so set "
                "dinputs to 0 where inputs <= 0", lambda d, z: as_floats(d).copy()),
        Mistake("the mask must come from this ReLU's inputs (its forward pass), not from dvalues",
                lambda d, z: as_floats(d) * (as_floats(d) > 0)),
        Mistake("that is the mask alone: multiply it by dvalues (chain rule: incoming gradient × local slope)",
                lambda d, z: (as_floats(z) > 0).astype(float)),
        Mistake("the mask is inverted: keep the gradient where inputs > 0", lambda d, z: as_floats(d) * (as_floats(z) <= 0)),
        Mistake("the mask is inverted (inputs < 0): keep the gradient where inputs > 0", lambda d, z: as_floats(d) * (as_floats(z) < 0)),
        Mistake("that is relu applied to dvalues; the backward pass masks dvalues by inputs > 0",
                lambda d, z: np.maximum(0, as_floats(d))),
        Mistake("dvalues was multiplied by relu(inputs), the forward output; multiply by the slope instead, which is "
                "1 where inputs > 0 and 0 elsewhere: dvalues * (inputs > 0)", lambda d, z: as_floats(d) * np.maximum(0, as_floats(z)),
                why="The backward pass needs the derivative of ReLU, not ReLU itself."),
        Mistake("dvalues was multiplied by the inputs; multiply by ReLU's slope, (inputs > 0)",
                lambda d, z: as_floats(d) * as_floats(z)),
        Mistake("@ is a matrix product; the chain rule through an elementwise function is elementwise: "
                "dvalues * (inputs > 0)", lambda d, z: as_floats(d) @ (as_floats(z) > 0).astype(float)),
        Mistake("the gradient was passed where inputs == 0: the lesson passes it only where inputs > 0 and "
                "blocks it elsewhere, so use inputs > 0, not inputs >= 0", lambda d, z: as_floats(d) * (as_floats(z) >= 0)),
    ],
    mutation_hint="dvalues[inputs <= 0] = 0 changed the caller's array: start with dinputs = dvalues.copy()",
    mutation_fix=_COPY_FIX,
)


# ------------------------------------------------------------------------------ sigmoid
def _sigmoid_backward(dvalues, inputs):
    """dvalues, inputs same shape -> dinputs = dvalues * s * (1 - s) with s = sigmoid(inputs)."""
    s = sigmoid(inputs)
    return as_floats(dvalues) * s * (1 - s)


check_sigmoid_backward = Checker(
    name="sigmoid_backward",
    reference=_sigmoid_backward,
    verified="dvalues × σ(z)(1 − σ(z)) on batches, including saturated inputs",
    section=_CHAIN,
    about="The sigmoid's slope is s(1 - s) with s = sigmoid(inputs); the chain rule multiplies dvalues by it.",
    cases=[
        Case("dvalues [[1.0]], inputs [[0.0]] (slope 0.25)", (np.array([[1.0]]), np.array([[0.0]]))),
        Case("a (3, 3) batch", (_D, _Z)),
        Case("saturated inputs ±30", (np.ones((1, 4)), np.array([[-30.0, -5.0, 5.0, 30.0]]))),
        Case("extreme inputs ±1000 and ±1e4 (the slope is 0 there, never nan)",
             (np.ones((1, 6)), np.array([[-1e4, -1000.0, -710.0, 710.0, 1000.0, 1e4]]))),
    ],
    mistakes=[
        Mistake("σ'(z) = σ(z)(1 − σ(z)) uses the sigmoid of the inputs: compute s = sigmoid(inputs) first",
                lambda d, z: as_floats(d) * as_floats(z) * (1 - as_floats(z))),
        Mistake("dvalues is missing: multiply the local slope by the incoming gradient (chain rule)",
                lambda d, z: sigmoid(z) * (1 - sigmoid(z))),
        Mistake("sign error: the slope is s * (1 - s), which is positive", lambda d, z: as_floats(d) * sigmoid(z) * (sigmoid(z) - 1)),
        Mistake("that multiplies by σ(z) only; the slope is σ(z)(1 − σ(z))", lambda d, z: as_floats(d) * sigmoid(z)),
        Mistake("that multiplies by (1 − σ(z)) only; the slope is σ(z)(1 − σ(z))", lambda d, z: as_floats(d) * sigmoid(-as_floats(z))),
        Mistake("1 - s² is the slope of tanh; sigmoid's slope is s * (1 - s)", lambda d, z: as_floats(d) * (1 - sigmoid(z) ** 2)),
        Mistake("the slope is s * (1 - s), not s * (1 + s)", lambda d, z: as_floats(d) * sigmoid(z) * (1 + sigmoid(z))),
        Mistake("s must be the sigmoid of the inputs (the forward pass), not of dvalues: s = sigmoid(inputs)",
                lambda d, z: as_floats(d) * sigmoid(d) * (1 - sigmoid(d))),
        Mistake("@ is a matrix product; the chain rule through an elementwise function is elementwise: "
                "dvalues * s * (1 - s)", lambda d, z: as_floats(d) @ (sigmoid(z) * (1 - sigmoid(z)))),
        Mistake("s was computed with np.tanh: s must be the sigmoid of the inputs, s = 1 / (1 + np.exp(-inputs)) "
                "(stable form from lesson 03)", lambda d, z: as_floats(d) * np.tanh(as_floats(z)) * (1 - np.tanh(as_floats(z)))),
        Mistake("dvalues was added to the slope; the chain rule multiplies: dvalues * s * (1 - s)",
                lambda d, z: as_floats(d) + sigmoid(z) * (1 - sigmoid(z))),
    ],
    mutation_fix=_COPY_FIX,
)


# ------------------------------------------------------------------------------ Dense
def _dense_backward(dvalues, inputs, weights):
    """dvalues ``(n, n_neurons)``, inputs ``(n, n_inputs)``, weights ``(n_inputs, n_neurons)`` ->
    (dinputs ``(n, n_inputs)``, dweights ``(n_inputs, n_neurons)``, dbiases ``(1, n_neurons)``)."""
    d, x, w = as_floats(dvalues), as_floats(inputs), as_floats(weights)
    return d @ w.T, x.T @ d, d.sum(axis=0, keepdims=True)


_DV = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [4.0, 4.0, 4.0]])
_W = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T
_X = np.array([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8], [-2.4, -1.0, -0.3, -2.3]])


def _dense_wrong(dinputs="ok", dweights="ok", dbiases="ok"):
    def fn(dvalues, inputs, weights):
        d, x, w = as_floats(dvalues), as_floats(inputs), as_floats(weights)
        di = d @ w if dinputs == "no_transpose" else d @ w.T
        dw = d.T @ x if dweights == "transposed" else (x.T @ d).T if dweights == "T" else x.T @ d
        if dbiases == "no_keepdims":
            db = d.sum(axis=0)
        elif dbiases == "axis1":
            db = d.sum(axis=1, keepdims=True)
        elif dbiases == "mean":
            db = d.mean(axis=0, keepdims=True)
        elif dbiases == "all":
            db = np.array([[d.sum()]])
        else:
            db = d.sum(axis=0, keepdims=True)
        return di, dw, db
    return fn


_rng_sq = np.random.default_rng(7)
check_dense_backward = Checker(
    name="dense_backward",
    reference=_dense_backward,
    kind=TUPLE,
    output_names=("dinputs", "dweights", "dbiases"),
    verified="dinputs = dvalues @ weights.T, dweights = inputs.T @ dvalues, dbiases summed over samples with keepdims",
    section=_LAYER,
    about="Each gradient has the shape of what it belongs to: dinputs = dvalues @ weights.T, dweights = "
          "inputs.T @ dvalues, dbiases = dvalues summed over the samples (axis=0, keepdims=True).",
    cases=[
        Case("the lesson's layer: 4 samples, 4 inputs, 3 neurons", (_DV, _X, _W)),
        Case("a square layer: 3 samples, 3 inputs, 3 neurons",
             (_rng_sq.normal(size=(3, 3)), _rng_sq.normal(size=(3, 3)), _rng_sq.normal(size=(3, 3)))),
        Case("5 samples, 2 inputs, 4 neurons",
             (_rng_sq.normal(size=(5, 4)), _rng_sq.normal(size=(5, 2)), _rng_sq.normal(size=(2, 4)))),
    ],
    mistakes=[
        Mistake("dweights is transposed: it must have the shape of weights (n_inputs, n_neurons), "
                "so it is inputs.T @ dvalues", _dense_wrong(dweights="transposed")),
        Mistake("dbiases needs keepdims: np.sum(dvalues, axis=0, keepdims=True) has shape (1, n_neurons) like biases",
                _dense_wrong(dbiases="no_keepdims")),
        Mistake("dbiases was summed over the wrong axis: sum over samples, axis=0 (one value per neuron)",
                _dense_wrong(dbiases="axis1")),
        Mistake("dbiases was summed over everything: sum over samples only, axis=0, keepdims=True",
                _dense_wrong(dbiases="all")),
        Mistake("dinputs uses the weights without a transpose: dinputs = dvalues @ weights.T, which has the "
                "shape of inputs", _dense_wrong(dinputs="no_transpose")),
        Mistake("dweights = inputs.T @ dvalues: the inputs need a transpose, so that samples are summed over",
                lambda d, x, w: (as_floats(d) @ as_floats(w).T, as_floats(x) @ as_floats(d), as_floats(d).sum(axis=0, keepdims=True))),
        Mistake("dbiases is a mean over the samples; the biases are added to every sample, so their gradient is "
                "the sum: np.sum(dvalues, axis=0, keepdims=True)", _dense_wrong(dbiases="mean"),
                why="Each sample's output used the same biases, so the gradients of all samples add up."),
        Mistake("dweights comes from the first sample only: every sample used the same weights, so their "
                "gradients add up — inputs.T @ dvalues sums over all samples",
                lambda d, x, w: (as_floats(d) @ as_floats(w).T, np.outer(as_floats(x)[0], as_floats(d)[0]),
                                 as_floats(d).sum(axis=0, keepdims=True))),
    ],
    mutation_fix=_COPY_FIX,
)


# ------------------------------------------------------------------------------ softmax + cross-entropy
def _softmax_ce_backward(probs, y_true):
    """probs ``(n, n_classes)``, y_true labels ``(n,)`` or one-hot -> dlogits = (probs - one_hot) / n."""
    p = as_floats(probs)
    labels = class_labels(y_true, p.shape[0], p.shape[1])
    return (p - one_hot(labels, p.shape[1])) / p.shape[0]


def _onehot_of(p, t):
    t = np.asarray(t)
    return t.astype(float) if t.ndim == 2 else np.eye(as_floats(p).shape[1])[t]


def _labels_of(p, t):
    t = np.asarray(t)
    return t if t.ndim == 1 else np.argmax(t, axis=1)


def _sce_at(p, columns):
    d = as_floats(p).copy()
    d[np.arange(len(d)), columns] -= 1
    return d / len(d)


def _sce_columns(p, t):
    d = as_floats(p).copy()
    d[:, _labels_of(p, t)] -= 1
    return d / len(d)


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


_PROBS = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_PROBS4 = np.array([[0.25, 0.25, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])

check_softmax_cross_entropy_backward = Checker(
    name="softmax_cross_entropy_backward",
    reference=_softmax_ce_backward,
    verified="(probs − one_hot) / n_samples with integer labels and one-hot targets; probs unchanged",
    section=_SOFTMAX_CE,
    about="Softmax followed by cross-entropy has the gradient (probs - one_hot) / n_samples: subtract 1 at each "
          "sample's true class and divide by the number of samples.",
    cases=[
        Case("the lesson's 3 samples with labels [0, 1, 1]", (_PROBS, np.array([0, 1, 1]))),
        Case("the same with one-hot targets", (_PROBS, np.eye(3)[[0, 1, 1]]),
             hint_if_fails="one-hot targets (2-D): turn them into labels with np.argmax(y_true, axis=1) — axis=1, "
                           "one label per row"),
        Case("4 samples with labels [2, 0, 1, 1]", (_PROBS4, np.array([2, 0, 1, 1]))),
    ],
    mistakes=[
        Mistake("not divided by n_samples: the loss is a mean over the batch, so its gradient is "
                "(probs - one_hot) / n_samples", lambda p, t: as_floats(p) - _onehot_of(p, t)),
        Mistake("integer labels are not one-hot: subtract 1 at probs[range(n), y_true] (or build the one-hot "
                "matrix first)", lambda p, t: (as_floats(p) - np.asarray(t)) / len(as_floats(p))),
        Mistake("integer labels are not one-hot: subtract 1 at probs[range(n), y_true] (or build the one-hot "
                "matrix first)", lambda p, t: (as_floats(p) - np.asarray(t).reshape(len(as_floats(p)), -1)) / len(as_floats(p))),
        Mistake("one-hot targets (2-D) must work too: turn them into labels with np.argmax(y_true, axis=1)",
                lambda p, t: _softmax_ce_backward(p, np.asarray(t).astype(int))),
        Mistake("sign error: the gradient is probs - one_hot (push the true class's score up, the others down)",
                lambda p, t: (_onehot_of(p, t) - as_floats(p)) / len(as_floats(p))),
        Mistake("divide after subtracting: (probs - one_hot) / n_samples; subtracting 1 after dividing leaves the 1 "
                "undivided", lambda p, t: as_floats(p) / len(as_floats(p)) - _onehot_of(p, t)),
        Mistake("divided by the number of classes; divide by n_samples (the rows)",
                lambda p, t: (as_floats(p) - _onehot_of(p, t)) / as_floats(p).shape[1]),
        Mistake("d[:, y_true] -= 1 subtracts 1 from whole columns (every sample, every label's class): pair each "
                "row with its own label, d[np.arange(n), y_true] -= 1", _sce_columns,
                why="Two index arrays pair up element by element; a slice with an index array takes every "
                    "combination."),
        Mistake("the labels were shifted by one (y_true - 1): classes count from 0, so label k is column k",
                lambda p, t: _sce_at(p, _labels_of(p, t) - 1)),
        Mistake("softmax was applied again: probs are already probabilities (the softmax output), so the "
                "gradient is (probs - one_hot) / n_samples, with no further softmax",
                lambda p, t: (_softmax_rows(as_floats(p)) - _onehot_of(p, t)) / len(as_floats(p))),
        Mistake("d[np.arange(n), y_true] - 1 makes a new 1-D array of n values and leaves d unchanged: subtract "
                "in place on a copy, d = probs.copy(); d[np.arange(n), y_true] -= 1; return d / n",
                lambda p, t: (as_floats(p)[np.arange(len(as_floats(p))), _labels_of(p, t)] - 1) / len(as_floats(p))),
        Mistake("np.argmax(y_true) without axis= gives one number for the whole array: turn one-hot targets into "
                "labels with np.argmax(y_true, axis=1)",
                lambda p, t: _sce_at(p, np.argmax(t) if np.ndim(t) == 2 else np.asarray(t))),
    ],
    mutation_hint="probs[range(n), y_true] -= 1 changed the caller's array: start with dlogits = probs.copy()",
    mutation_fix="start with a copy, dlogits = {name}.copy(), and change that",
)
