"""A corpus of learner answers for every exercise of lessons 01–06 (issue 13).

Each wrong answer is written the way learners write them (lists, loops, in-place edits, a wrong axis,
constant or order, aliasing, off-by-one) and is listed with a keyword of the hint that names its mistake.
Every wrong answer must be rejected with that hint; every valid alternative must pass; no checker raises.
``test_hint_rate`` reports the share of wrong answers whose hint names the mistake (it must be ≥ 90 %).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from checker_harness import assert_accepted, assert_rejected, hint_names, run

WRONG: list[tuple[str, object, str]] = []
VALID: list[tuple[str, object]] = []


def wrong(exercise: str, keyword: str):
    """Register a wrong answer and a keyword its hint must contain (case-insensitive)."""
    def register(fn):
        WRONG.append((exercise, fn, keyword))
        return fn
    return register


def valid(exercise: str):
    def register(fn):
        VALID.append((exercise, fn))
        return fn
    return register


def _stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


# ============================================================================== lesson 01: neuron_output
@wrong("neuron_output", "bias is missing")
def _n1(inputs, weights, bias):
    total = 0
    for x, w in zip(inputs, weights):
        total += x * w
    return total


@wrong("neuron_output", "once per input")
def _n2(inputs, weights, bias):
    total = 0
    for x, w in zip(inputs, weights):
        total += x * w + bias
    return total


@wrong("neuron_output", "rounded to 2 decimals")
def _n3(inputs, weights, bias):
    return round(float(np.dot(inputs, weights) + bias), 2)


@wrong("neuron_output", "int()")
def _n4(inputs, weights, bias):
    return int(np.dot(inputs, weights) + bias)


@wrong("neuron_output", "skipped the last input")
def _n5(inputs, weights, bias):
    total = 0.0
    for i in range(len(inputs) - 1):
        total += inputs[i] * weights[i]
    return total + bias


@wrong("neuron_output", "skipped the first input")
def _n6(inputs, weights, bias):
    total = 0.0
    for i in range(1, len(inputs)):
        total += inputs[i] * weights[i]
    return total + bias


@wrong("neuron_output", "np.mean averages")
def _n7(inputs, weights, bias):
    return np.mean(np.array(inputs) * np.array(weights)) + bias


@wrong("neuron_output", "did not add the products up")
def _n8(inputs, weights, bias):
    return [x * w for x, w in zip(inputs, weights)]


@wrong("neuron_output", "multiplies the sum")
def _n9(inputs, weights, bias):
    return np.dot(inputs, weights) * bias


@wrong("neuron_output", "subtracted")
def _n10(inputs, weights, bias):
    return np.dot(inputs, weights) - bias


@wrong("neuron_output", "single number")
def _n11(inputs, weights, bias):
    return np.array([np.dot(inputs, weights) + bias])


@wrong("neuron_output", "reverse order")
def _n12(inputs, weights, bias):
    return sum(x * w for x, w in zip(inputs, reversed(weights))) + bias


@wrong("neuron_output", "sums were multiplied")
def _n13(inputs, weights, bias):
    return sum(inputs) * sum(weights) + bias


@wrong("neuron_output", "np.asarray")
def _n14(inputs, weights, bias):
    return sum(inputs * weights) + bias


@wrong("neuron_output", "inputs and weights were added")
def _n15(inputs, weights, bias):
    return sum(x + w for x, w in zip(inputs, weights)) + bias


@valid("neuron_output")
def _nv1(inputs, weights, bias):
    return math.fsum(x * w for x, w in zip(inputs, weights)) + bias


@valid("neuron_output")
def _nv2(inputs, weights, bias):
    output = bias
    for i in range(len(inputs)):
        output = output + inputs[i] * weights[i]
    return output


@valid("neuron_output")
def _nv3(inputs, weights, bias):
    return float(np.asarray(inputs, dtype=float) @ np.asarray(weights, dtype=float) + bias)


@valid("neuron_output")
def _nv4(inputs, weights, bias):
    return np.sum(np.multiply(inputs, weights)) + bias


# ============================================================================== lesson 02: layer_output
@wrong("layer_output", "no .T")
def _l1(inputs, weights, biases):
    return np.dot(inputs, np.array(weights).T) + biases


@wrong("layer_output", "not np.dot(weights, inputs)")
def _l2(inputs, weights, biases):
    return np.dot(weights, inputs) + biases


@wrong("layer_output", "biases are missing")
def _l3(inputs, weights, biases):
    return np.dot(inputs, weights)


@wrong("layer_output", "down a column")
def _l4(inputs, weights, biases):
    return np.dot(inputs, weights) + np.array(biases).reshape(-1, 1)


@wrong("layer_output", "single sample")
def _l5(inputs, weights, biases):
    outputs = []
    for sample in inputs:
        row = []
        for j in range(len(biases)):
            row.append(sum(sample[i] * weights[i][j] for i in range(len(sample))) + biases[j])
        outputs.append(row)
    return np.array(outputs)


@wrong("layer_output", "single sample")
def _l6(inputs, weights, biases):
    return np.atleast_2d(inputs) @ weights + biases


@wrong("layer_output", "biases were multiplied")
def _l7(inputs, weights, biases):
    return np.dot(inputs, weights) * biases


@wrong("layer_output", "only the first bias")
def _l8(inputs, weights, biases):
    return np.dot(inputs, weights) + biases[0]


@wrong("layer_output", "matrix product")
def _l9(inputs, weights, biases):
    return np.array(inputs) * np.array(weights) + biases


@wrong("layer_output", "numpy array")
def _l10(inputs, weights, biases):
    return (np.dot(inputs, weights) + biases).tolist()


@wrong("layer_output", "rounded to 3 decimals")
def _l11(inputs, weights, biases):
    return np.round(np.dot(inputs, weights) + biases, 3)


@wrong("layer_output", "which axis")
def _l12(inputs, weights, biases):
    x, w = np.asarray(inputs, dtype=float), np.asarray(weights, dtype=float)
    x = np.atleast_2d(x)
    out = np.zeros((x.shape[0], w.shape[1]))
    for s in range(x.shape[0]):
        for j in range(w.shape[1]):
            out[s, j] = sum(x[s, i] * w[j, i] for i in range(x.shape[1])) + biases[j]
    return out if np.ndim(inputs) == 2 else out[0]


@valid("layer_output")
def _lv1(inputs, weights, biases):
    x = np.array(inputs, dtype=float)
    return x @ np.array(weights) + np.array(biases)


@valid("layer_output")
def _lv2(inputs, weights, biases):
    x = np.asarray(inputs, dtype=float)
    if x.ndim == 1:
        return np.array([sum(x[i] * weights[i][j] for i in range(len(x))) + biases[j] for j in range(len(biases))])
    return np.array([[sum(r[i] * weights[i][j] for i in range(len(r))) + biases[j] for j in range(len(biases))]
                     for r in x])


@valid("layer_output")
def _lv3(inputs, weights, biases):
    return np.matmul(inputs, weights) + np.reshape(biases, -1)


# ============================================================================== lesson 03: step
WRONG += [
    ("step", lambda z: (z >= 0).astype(float), "use z > 0"),
    ("step", lambda z: z > 0, "astype(float)"),
    ("step", lambda z: np.sign(z), "np.sign gives -1"),
    ("step", lambda z: np.heaviside(z, 1.0), "use z > 0"),
    ("step", lambda z: np.heaviside(np.asarray(z, dtype=float), 0.5), "not 0.5"),
    ("step", lambda z: np.maximum(0, z), "that is relu"),
    ("step", lambda z: (z > 0).astype(int), "made integers"),
    ("step", lambda z: np.where(z > 0, 1, 0), "made integers"),
    ("step", lambda z: np.where(z > 0, 1.0, -1.0), "`z` <= 0"),
]


@wrong("step", "np.where")
def _s1(z):
    return 1.0 if z > 0 else 0.0


@wrong("step", "np.where")
def _s2(z):
    return np.array([1.0 if v > 0 else 0.0 for v in z])


@wrong("step", "copy")
def _s3(z):
    z[z <= 0] = 0
    z[z > 0] = 1
    return z


VALID += [
    ("step", lambda z: (np.asarray(z) > 0) * 1.0),
    ("step", lambda z: np.heaviside(z, 0)),
]


@valid("step")
def _sv1(z):
    out = np.zeros(np.shape(z))
    out[np.asarray(z) > 0] = 1
    return out


# ============================================================================== lesson 03: sigmoid
WRONG += [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), "overflows for z = -1000"),
    ("sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)), "nan for z = 1000"),
    ("sigmoid", lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))), "both branches"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(np.clip(z, -500, 500))), "sign error"),
    ("sigmoid", lambda z: 1 / 1 + np.exp(-np.clip(z, -500, 500)), "parentheses"),
    ("sigmoid", lambda z: 1 / (1 - np.exp(-np.clip(z, -500, 500))), "with a plus"),
    ("sigmoid", lambda z: np.tanh(z), "that is tanh"),
]


@wrong("sigmoid", "np.where")
def _sg1(z):
    return np.array([1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)) for v in z])


@wrong("sigmoid", "`z` < 0")
def _sg2(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), 1 / (1 + e))


@wrong("sigmoid", "dtype=float")
def _sg3(z):
    out = np.zeros_like(z)
    e = np.exp(-np.abs(z))
    out[z >= 0] = (1 / (1 + e))[z >= 0]
    out[z < 0] = (e / (1 + e))[z < 0]
    return out


VALID += [("sigmoid", _stable_sigmoid),
          ("sigmoid", lambda z: 1 / (1 + np.exp(-np.clip(z, -500, 500)))),
          ("sigmoid", lambda z: 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float))))]


@valid("sigmoid")
def _sgv1(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        v = z[i]
        out[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return out


# ============================================================================== lesson 03: tanh
def _unstable_sigmoid(z):
    return 1 / (1 + np.exp(-z))


WRONG += [
    ("tanh", lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), "np.tanh"),
    ("tanh", lambda z: 2 * _stable_sigmoid(z) - 1, "2 * sigmoid(2 * z) - 1"),
    ("tanh", _stable_sigmoid, "that is the sigmoid"),
    ("tanh", lambda z: np.sinh(z) / np.cosh(z), "overflow"),
    ("tanh", lambda z: (np.exp(2 * z) - 1) / (np.exp(2 * z) + 1), "overflow"),
    ("tanh", lambda z: 1 - 2 / (np.exp(2 * z) + 1), "overflow"),
    ("tanh", lambda z: 2 * _unstable_sigmoid(2 * z) - 1, "overflow"),
    ("tanh", lambda z: np.tanh(z / 2), "/ 2"),
    ("tanh", lambda z: np.round(np.tanh(z), 4), "rounded to 4 decimals"),
    ("tanh", lambda z: np.tanh(np.abs(z)), "`z` < 0"),
]


@wrong("tanh", "numpy version")
def _t1(z):
    return np.array([math.tanh(v) for v in z])


VALID += [
    ("tanh", np.tanh),
    ("tanh", lambda z: 2 * _stable_sigmoid(2 * np.asarray(z, dtype=float)) - 1),
    ("tanh", lambda z: np.vectorize(math.tanh)(np.asarray(z, dtype=float))),
]


@valid("tanh")
def _tv1(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2 * np.abs(z))
    return np.sign(z) * (1 - e) / (1 + e)


# ============================================================================== lesson 03: relu
WRONG += [
    ("relu", lambda z: max(0, z), "np.maximum(0, z)"),
    ("relu", lambda z: np.max(z, 0), "np.max(z)"),
    ("relu", lambda z: np.minimum(0, z), "keeps the negative part"),
    ("relu", lambda z: np.clip(z, 0, 1), "caps the positive side"),
    ("relu", lambda z: np.abs(z), "`z` < 0"),
    ("relu", lambda z: np.maximum(0, z).astype(int), "integer dtype"),
    ("relu", lambda z: [max(0.0, float(v)) for v in np.ravel(z)], "numpy array"),
]


@wrong("relu", "np.maximum")
def _r1(z):
    z[z < 0] = 0
    return z


@wrong("relu", "np.maximum")
def _r2(z):
    return np.array([max(0, v) for v in z])


@wrong("relu", "np.maximum")
def _r3(z):
    return np.maximum(0, z, out=z)


@wrong("relu", "last element")
def _r4(z):
    out = np.zeros(np.shape(z))
    flat_z, flat_out = np.ravel(z), out.reshape(-1)
    for i in range(len(flat_z) - 1):
        flat_out[i] = max(0.0, flat_z[i])
    return out


@wrong("relu", "last row")
def _r5(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        return np.maximum(0, z)
    out = np.zeros_like(z)
    for i in range(len(z) - 1):
        out[i] = np.maximum(0, z[i])
    return out


VALID += [
    ("relu", lambda z: z * (z > 0)),
    ("relu", lambda z: (z + np.abs(z)) / 2),
    ("relu", lambda z: np.where(z > 0, z, 0)),
    ("relu", lambda z: np.clip(z, 0, None)),
]


@valid("relu")
def _rv1(z):
    out = np.array(z, dtype=float)
    out[out < 0] = 0
    return out


# ============================================================================== lesson 03: leaky_relu
WRONG += [
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, alpha * z, z), "wrong side"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z), "alpha was ignored"),
    ("leaky_relu", lambda z, alpha=0.01: np.maximum(0, z), "plain relu"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, alpha), "alpha itself"),
    ("leaky_relu", lambda z, alpha=0.01: np.maximum(alpha, z), "alpha itself"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, -alpha * z), "sign"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, z / alpha), "divided by alpha"),
    ("leaky_relu", lambda z, alpha=0.1: np.where(z > 0, z, alpha * z), "default alpha"),
]


@wrong("leaky_relu", "integer")
def _lr1(z, alpha=0.01):
    z = z.copy()
    z[z < 0] *= alpha
    return z


@wrong("leaky_relu", "copy")
def _lr2(z, alpha=0.01):
    z[z < 0] *= alpha
    return z


@wrong("leaky_relu", "np.maximum")
def _lr3(z, alpha=0.01):
    return max(alpha * z, z)


VALID += [
    ("leaky_relu", lambda z, alpha=0.01: np.where(z >= 0, z, alpha * z)),
    ("leaky_relu", lambda z, alpha=0.01: np.maximum(alpha * np.asarray(z, dtype=float), z)),
    ("leaky_relu", lambda z, alpha=0.01: np.maximum(0, z) + alpha * np.minimum(0, z)),
]


@valid("leaky_relu")
def _lrv1(z, alpha=0.01):
    out = np.array(z, dtype=float)
    out[out < 0] *= alpha
    return out


# ============================================================================== lesson 03: softmax
def _rowmax(z):
    return z.max(axis=-1, keepdims=True)


WRONG += [
    ("softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "whole array"),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "subtract the row max"),
    ("softmax", lambda z: np.exp(z - _rowmax(z)) / np.exp(z - _rowmax(z)).sum(axis=-1), "keepdims is missing: exp.sum"),
    ("softmax", lambda z: np.exp(z - z.max(axis=-1)) / np.exp(z - z.max(axis=-1)).sum(axis=-1, keepdims=True),
     "keepdims is missing on the row max"),
    ("softmax", lambda z: np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)), axis=-1, keepdims=True),
     "each row's own max"),
    ("softmax", lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(
        axis=1, keepdims=True), "axis=-1"),
    ("softmax", lambda z: np.exp(z - z.max(axis=0, keepdims=True)) / np.exp(z - z.max(axis=0, keepdims=True)).sum(
        axis=0, keepdims=True), "axis=0"),
    ("softmax", lambda z: np.exp(z - _rowmax(z)), "divide each row by its own sum"),
]


@wrong("softmax", "z - z.max")
def _sm1(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@wrong("softmax", "single vector")
def _sm2(z):
    return np.array([np.exp(r - r.max()) / np.exp(r - r.max()).sum() for r in z]) if np.ndim(z) == 2 else np.exp(z)


@wrong("softmax", "single vector")
def _sm3(z):
    out = []
    for row in z:
        m = max(row)
        e = [math.exp(v - m) for v in row]
        out.append([v / sum(e) for v in e])
    return np.array(out)


VALID += [
    ("softmax", lambda z: np.exp(z - _rowmax(z)) / np.exp(z - _rowmax(z)).sum(axis=-1, keepdims=True)),
]


@valid("softmax")
def _smv1(z):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)))


@valid("softmax")
def _smv2(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum()
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


@valid("softmax")
def _smv3(z):
    from scipy.special import softmax

    return softmax(np.asarray(z, dtype=float), axis=-1)


# ============================================================================== lesson 04: mse
WRONG += [
    ("mse", lambda p, t: np.mean(p - t), "not squared"),
    ("mse", lambda p, t: np.mean(np.abs(p - t)), "mean absolute error"),
    ("mse", lambda p, t: np.sum((p - t) ** 2), "sum, not a mean"),
    ("mse", lambda p, t: np.sqrt(np.mean((p - t) ** 2)), "RMSE"),
    ("mse", lambda p, t: np.mean((p - t) ** 2, axis=-1), "np.mean"),
    ("mse", lambda p, t: (p - t) ** 2 / len(p), "np.sum"),
    ("mse", lambda p, t: np.mean(p - t) ** 2, "square each error"),
    ("mse", lambda p, t: np.sum((p - t) ** 2) / p.shape[1], "shape[1]"),
    ("mse", lambda p, t: 0.5 * np.mean((p - t) ** 2), "½ × the right answer"),
    ("mse", lambda p, t: np.mean(np.sum((p - t) ** 2, axis=-1)), "every element"),
]


@wrong("mse", "number itself")
def _mse1(y_pred, y_true):
    total = 0
    for a, b in zip(y_pred, y_true):
        total += (a - b) ** 2
    return total / len(y_pred)


VALID += [
    ("mse", lambda p, t: ((p - t) ** 2).mean()),
    ("mse", lambda p, t: np.average(np.square(t - p))),
    ("mse", lambda p, t: np.sum((p - t) ** 2) / np.size(p)),
]


@valid("mse")
def _msev1(y_pred, y_true):
    p, t = np.ravel(y_pred), np.ravel(y_true)
    return sum((a - b) ** 2 for a, b in zip(p, t)) / len(p)


# ============================================================================== lesson 04: mae
WRONG += [
    ("mae", lambda p, t: np.mean(p - t), "np.abs is missing"),
    ("mae", lambda p, t: np.mean((p - t) ** 2), "mean squared error"),
    ("mae", lambda p, t: np.sum(np.abs(p - t)), "sum, not a mean"),
    ("mae", lambda p, t: np.abs(np.mean(p - t)), "cancel"),
    ("mae", lambda p, t: np.mean(np.abs(p - t), axis=-1), "np.mean"),
    ("mae", lambda p, t: np.max(np.abs(p - t)), "largest error"),
    ("mae", lambda p, t: np.mean(np.abs(p) - np.abs(t)), "each array separately"),
    ("mae", lambda p, t: np.mean(abs(p - t)) * len(p), "number of rows"),
    ("mae", lambda p, t: np.round(np.mean(np.abs(p - t)), 2), "rounded"),
]


@wrong("mae", "number itself")
def _mae1(y_pred, y_true):
    return np.mean(np.abs(y_pred - y_true), axis=0)


VALID += [
    ("mae", lambda p, t: np.abs(p - t).mean()),
    ("mae", lambda p, t: np.mean(np.fabs(np.subtract(t, p)))),
]


@valid("mae")
def _maev1(y_pred, y_true):
    p, t = np.ravel(y_pred), np.ravel(y_true)
    return sum(abs(a - b) for a, b in zip(p, t)) / len(p)


# ============================================================================== lesson 04: binary cross-entropy
def _clip(p):
    return np.clip(p, 1e-7, 1 - 1e-7)


WRONG += [
    ("binary_cross_entropy", lambda p, t: np.mean(np.sum(-(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p))))),
     "np.sum inside np.mean"),
    ("binary_cross_entropy", lambda p, t: np.sum(-(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p)))),
     "sum over the batch"),
    ("binary_cross_entropy", lambda p, t: np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))), "clip"),
    ("binary_cross_entropy", lambda p, t: np.mean(-t * np.log(_clip(p))), "term is missing"),
    ("binary_cross_entropy", lambda p, t: np.mean(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p))), "sign"),
    ("binary_cross_entropy", lambda p, t: np.mean(-(t * np.log2(_clip(p)) + (1 - t) * np.log2(1 - _clip(p)))),
     "log2"),
    ("binary_cross_entropy", lambda p, t: np.mean(-(t * np.log(_clip(p)) + (1 - t) * np.log(_clip(p)))),
     "log(1 - y_pred)"),
    ("binary_cross_entropy", lambda p, t: np.mean(-(t * np.log(np.clip(p, 1e-7, 1)) + (1 - t) * np.log(
        1 - np.clip(p, 1e-7, 1)))), "clip"),
    ("binary_cross_entropy", lambda p, t: np.sum(-(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p)))) // len(p),
     "//"),
]


@wrong("binary_cross_entropy", "number itself")
def _bce1(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=0)


VALID += [
    ("binary_cross_entropy", lambda p, t: -np.mean(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p)))),
    ("binary_cross_entropy", lambda p, t: np.mean(-np.log(np.where(t == 1, _clip(p), 1 - _clip(p))))),
]


@valid("binary_cross_entropy")
def _bcev1(y_pred, y_true):
    total = 0.0
    p_all, t_all = np.ravel(y_pred), np.ravel(y_true)
    for p, t in zip(p_all, t_all):
        p = min(max(p, 1e-7), 1 - 1e-7)
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
    return total / len(p_all)


# ============================================================================== lesson 04: categorical cross-entropy
def _labels(y_true):
    y_true = np.asarray(y_true)
    return y_true.argmax(axis=1) if y_true.ndim == 2 else y_true


WRONG += [
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(np.sum(_clip(p) * t, axis=1))), "integer labels"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(_clip(p)[range(len(p)), t])), "one-hot targets"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(p[range(len(p)), _labels(t)])), "clip"),
    ("categorical_cross_entropy", lambda p, t: np.sum(-np.log(_clip(p)[range(len(p)), _labels(t)])), "sum over the batch"),
    ("categorical_cross_entropy", lambda p, t: np.mean(np.log(_clip(p)[range(len(p)), _labels(t)])), "minus sign"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(_clip(p)[:, _labels(t)])), "whole columns"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log2(_clip(p)[range(len(p)), _labels(t)])), "log2"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(np.max(_clip(p), axis=1))), "predicted"),
    ("categorical_cross_entropy", lambda p, t: -np.log(_clip(p)[range(len(p)), _labels(t)]), "np.mean"),
    ("categorical_cross_entropy", lambda p, t: np.sum(-np.log(_clip(p)[range(len(p)), _labels(t)])) / p.shape[1],
     "instead of the number of rows"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log(_clip(p)) * np.eye(p.shape[1])[_labels(t)]),
     "every element"),
]


@wrong("categorical_cross_entropy", "already holds probabilities")
def _cce1(y_pred, y_true):
    e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return np.mean(-np.log(np.clip(p[range(len(p)), _labels(y_true)], 1e-7, 1 - 1e-7)))


VALID += [
    ("categorical_cross_entropy", lambda p, t: -np.mean(np.log(np.clip(p[np.arange(len(p)), _labels(t)], 1e-7, 1 - 1e-7)))),
]


@valid("categorical_cross_entropy")
def _ccev1(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return np.mean(-np.log(np.sum(np.clip(y_pred, 1e-7, 1 - 1e-7) * y_true, axis=1)))


@valid("categorical_cross_entropy")
def _ccev2(y_pred, y_true):
    total = 0.0
    for row, label in zip(y_pred, _labels(y_true)):
        total -= math.log(min(max(row[label], 1e-7), 1 - 1e-7))
    return total / len(y_pred)


# ============================================================================== lesson 04: accuracy
WRONG += [
    ("accuracy", lambda p, t: np.mean(p == t), "np.argmax(y_pred, axis=1)"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=1) == t), "one-hot targets"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=0) == _labels(t)), "axis 0"),
    ("accuracy", lambda p, t: np.sum(np.argmax(p, axis=1) == _labels(t)), "divide by the number of samples"),
    ("accuracy", lambda p, t: np.sum(np.argmax(p, axis=1) == _labels(t)) // len(p), "//"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p) == _labels(t)), "without axis"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=1) == _labels(t)) * 100, "percentage"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=1) != _labels(t)), "error rate"),
    ("accuracy", lambda p, t: np.sum(np.argmax(p, axis=1) == _labels(t)) / p.shape[1], "instead of the number of rows"),
    ("accuracy", lambda p, t: int(np.mean(np.argmax(p, axis=1) == _labels(t))), "int()"),
    ("accuracy", lambda p, t: np.argmax(p, axis=1) == _labels(t), "np.mean"),
]

VALID += [
    ("accuracy", lambda p, t: float(np.mean(np.argmax(p, axis=1) == _labels(t)))),
    ("accuracy", lambda p, t: np.sum(p.argmax(axis=1) == _labels(t)) / len(p)),
]


@valid("accuracy")
def _accv1(y_pred, y_true):
    correct = 0
    for row, label in zip(y_pred, _labels(y_true)):
        if list(row).index(max(row)) == label:
            correct += 1
    return correct / len(y_pred)


# ============================================================================== lesson 05: numerical_derivative
WRONG += [
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "forward difference"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, "backward difference"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "divide by 2*h"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h, "(2 * h)"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "h was ignored"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) + f(x - h)) / (2 * h), "subtracts"),
    ("numerical_derivative", lambda f, x, h=1e-5: f(x + h) - f(x - h) / (2 * h), "parentheses"),
    ("numerical_derivative", lambda f, x, h=1e-5: round((f(x + h) - f(x - h)) / (2 * h), 4), "rounded"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) // (2 * h), "//"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x)) / (2 * h), "span of h"),
]


@wrong("numerical_derivative", "return")
def _nd1(f, x, h=1e-5):
    slope = (f(x + h) - f(x - h)) / (2 * h)  # noqa: F841 — the learner forgot to return it


VALID += [
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 / h),
    ("numerical_derivative", lambda f, x, h=1e-5: (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h / 2) - f(x - h / 2)) / h),
]


@valid("numerical_derivative")
def _ndv1(f, x, h=1e-5):
    """Richardson extrapolation of two central differences."""
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


# ============================================================================== lesson 05: numerical_gradient
@wrong("numerical_gradient", "x must be left as it was")
def _ng1(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad


@wrong("numerical_gradient", "x_plus = x does not copy")
def _ng2(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += h
        x_minus = x
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


@wrong("numerical_gradient", "only the first element")
def _ng3(f, x, h=1e-5):
    grad = np.zeros_like(x)
    xp, xm = x.copy(), x.copy()
    xp.flat[0] += h
    xm.flat[0] -= h
    grad.flat[0] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", "forward difference")
def _ng4(f, x, h=1e-5):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


@wrong("numerical_gradient", "h was ignored")
def _ng5(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += 1e-5
        xm[i] -= 1e-5
        grad[i] = (f(xp) - f(xm)) / 2e-5
    return grad


@wrong("numerical_gradient", "a whole row at a time")
def _ng6(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", "divide by 2*h")
def _ng7(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / h
    return grad


@wrong("numerical_gradient", "stops early")
def _ng8(f, x, h=1e-5):
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    for i in range(flat.size - 1):
        old = flat[i]
        flat[i] = old + h
        fp = f(x)
        flat[i] = old - h
        fm = f(x)
        flat[i] = old
        grad.flat[i] = (fp - fm) / (2 * h)
    return grad


@wrong("numerical_gradient", "same value")
def _ng9(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] += h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", "every element at once")
def _ng10(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = (f(x + h) - f(x - h)) / (2 * h)
    return grad


@wrong("numerical_gradient", "numpy array")
def _ng11(f, x, h=1e-5):
    grad = []
    for i in range(x.size):
        xp, xm = x.copy().reshape(-1), x.copy().reshape(-1)
        xp[i] += h
        xm[i] -= h
        grad.append((f(xp.reshape(x.shape)) - f(xm.reshape(x.shape))) / (2 * h))
    return grad


@valid("numerical_gradient")
def _ngv1(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        xp, xm = x.astype(float).ravel(), x.astype(float).ravel()
        xp[i] += h
        xm[i] -= h
        grad.flat[i] = (f(xp.reshape(x.shape)) - f(xm.reshape(x.shape))) / (2 * h)
    return grad


@valid("numerical_gradient")
def _ngv2(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


@valid("numerical_gradient")
def _ngv3(f, x, h=1e-5):
    """Five-point stencil: more accurate than the central difference."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        values = []
        for step in (2 * h, h, -h, -2 * h):
            xs = x.copy()
            xs[i] += step
            values.append(f(xs))
        grad[i] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
    return grad


# ============================================================================== lesson 06: relu_backward
WRONG += [
    ("relu_backward", lambda d, z: d.copy(), "slope is 0 there"),
    ("relu_backward", lambda d, z: d * (d > 0), "not from dvalues"),
    ("relu_backward", lambda d, z: (z > 0).astype(float), "mask alone"),
    ("relu_backward", lambda d, z: d * (z <= 0), "inverted"),
    ("relu_backward", lambda d, z: np.maximum(0, d), "not from dvalues"),
    ("relu_backward", lambda d, z: d * np.maximum(0, z), "relu(inputs)"),
    ("relu_backward", lambda d, z: d * z, "multiplied by the inputs"),
    ("relu_backward", lambda d, z: np.where(z > 0, d, z), "`inputs` < 0"),
    ("relu_backward", lambda d, z: d @ (z > 0), "elementwise"),
]


@wrong("relu_backward", "dvalues.copy()")
def _rb1(dvalues, inputs):
    dvalues[inputs <= 0] = 0
    return dvalues


VALID += [
    ("relu_backward", lambda d, z: np.where(z > 0, d, 0.0)),
    ("relu_backward", lambda d, z: d * (z > 0).astype(int)),
]


@valid("relu_backward")
def _rbv1(dvalues, inputs):
    dinputs = dvalues.copy()
    dinputs[inputs <= 0] = 0
    return dinputs


# ============================================================================== lesson 06: sigmoid_backward
WRONG += [
    ("sigmoid_backward", lambda d, z: d * z * (1 - z), "sigmoid of the inputs"),
    ("sigmoid_backward", lambda d, z: _stable_sigmoid(z) * (1 - _stable_sigmoid(z)), "dvalues is missing"),
    ("sigmoid_backward", lambda d, z: d * _stable_sigmoid(z) * (_stable_sigmoid(z) - 1), "sign error"),
    ("sigmoid_backward", lambda d, z: d * _stable_sigmoid(z), "σ(z) only"),
    ("sigmoid_backward", lambda d, z: d * (1 - _stable_sigmoid(z) ** 2), "slope of tanh"),
    ("sigmoid_backward", lambda d, z: d * _stable_sigmoid(z) * (1 + _stable_sigmoid(z)), "not s * (1 + s)"),
    ("sigmoid_backward", lambda d, z: d * _stable_sigmoid(d) * (1 - _stable_sigmoid(d)), "not of dvalues"),
    ("sigmoid_backward", lambda d, z: d @ (_stable_sigmoid(z) * (1 - _stable_sigmoid(z))), "elementwise"),
]

VALID += [("sigmoid_backward", lambda d, z: d * _stable_sigmoid(z) * (1 - _stable_sigmoid(z)))]
WRONG += [  # e^-x / (1 + e^-x)^2 is nan below -709 (inf / inf): the checker calls it at -1000 and -1e4
    ("sigmoid_backward", lambda d, z: d * np.exp(-z) / (1 + np.exp(-z)) ** 2, "overflow"),
]


@wrong("sigmoid_backward", "overflow")  # e^-x overflows at -1000: right by luck, with a RuntimeWarning
def _sbv1(dvalues, inputs):
    s = 1 / (1 + np.exp(-inputs))
    return dvalues * s * (1 - s)


# ============================================================================== lesson 06: dense_backward
WRONG += [
    ("dense_backward", lambda d, x, w: (d @ w.T, d.T @ x, d.sum(axis=0, keepdims=True)), "dweights is transposed"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, np.sum(d, axis=0)), "keepdims"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, np.sum(d, axis=1, keepdims=True)), "wrong axis"),
    ("dense_backward", lambda d, x, w: (d @ w, x.T @ d, d.sum(axis=0, keepdims=True)), "without a transpose"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, d.mean(axis=0, keepdims=True)), "mean over the samples"),
    ("dense_backward", lambda d, x, w: (x.T @ d, d @ w.T, d.sum(axis=0, keepdims=True)), "wrong order"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, np.array([[d.sum()]])), "summed over everything"),
    ("dense_backward", lambda d, x, w: (d @ x.T, x.T @ d, d.sum(axis=0, keepdims=True)), "inner sizes"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x @ d, d.sum(axis=0, keepdims=True)), "inputs.T"),
    ("dense_backward", lambda d, x, w: (x.T @ d, d.sum(axis=0, keepdims=True)), "items"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, d.sum(axis=0, keepdims=True) / len(d)),
     "mean over the samples"),
]

VALID += [
    ("dense_backward", lambda d, x, w: (np.dot(d, w.T), np.dot(x.T, d), np.sum(d, axis=0, keepdims=True))),
    ("dense_backward", lambda d, x, w: [d @ w.T, x.T @ d, d.sum(axis=0)[None, :]]),
    ("dense_backward", lambda d, x, w: (np.einsum("nj,ij->ni", d, w), np.einsum("ni,nj->ij", x, d),
                                        d.sum(axis=0).reshape(1, -1))),
]


# ============================================================================== lesson 06: softmax_cross_entropy_backward
def _one_hot(p, t):
    t = np.asarray(t)
    return t.astype(float) if t.ndim == 2 else np.eye(p.shape[1])[t]


WRONG += [
    ("softmax_cross_entropy_backward", lambda p, t: p - _one_hot(p, t), "not divided by n_samples"),
    ("softmax_cross_entropy_backward", lambda p, t: (p - t) / len(p), "integer labels are not one-hot"),
    ("softmax_cross_entropy_backward", lambda p, t: (p - np.eye(p.shape[1])[t]) / len(p), "np.argmax"),
    ("softmax_cross_entropy_backward", lambda p, t: (_one_hot(p, t) - p) / len(p), "sign error"),
    ("softmax_cross_entropy_backward", lambda p, t: (p - _one_hot(p, t)) / p.size, "instead of the number of rows"),
    ("softmax_cross_entropy_backward", lambda p, t: np.mean(p - _one_hot(p, t)), "single number"),
    ("softmax_cross_entropy_backward", lambda p, t: p / len(p) - _one_hot(p, t), "divide after subtracting"),
]


@wrong("softmax_cross_entropy_backward", "probs.copy()")
def _sce1(probs, y_true):
    probs[range(len(probs)), _labels(y_true)] -= 1
    return probs / len(probs)


@wrong("softmax_cross_entropy_backward", "n_samples")
def _sce2(probs, y_true):
    d = probs.copy()
    d[range(len(d)), y_true] -= 1
    return d


@wrong("softmax_cross_entropy_backward", "axis=1")
def _sce3(probs, y_true):
    y = np.asarray(y_true)
    if y.ndim == 2:
        y = np.argmax(y)
    d = probs.copy()
    d[range(len(d)), y] -= 1
    return d / len(d)


VALID += [
    ("softmax_cross_entropy_backward", lambda p, t: (p - _one_hot(p, t)) / len(p)),
    ("softmax_cross_entropy_backward", lambda p, t: (p - _one_hot(p, t)) / np.shape(t)[0]),
]


@valid("softmax_cross_entropy_backward")
def _scev1(probs, y_true):
    d = np.array(probs, dtype=float)
    n = d.shape[0]
    for i, label in enumerate(_labels(y_true)):
        d[i, label] -= 1
    return d / n


# ============================================================================== more, found by the generic diagnosis
WRONG += [
    ("mae", lambda p, t: np.sum(np.abs(p - t)) / len(p), "number of columns"),
    ("binary_cross_entropy", lambda p, t: -np.sum(t * np.log(_clip(p)) + (1 - t) * np.log(1 - _clip(p))) / len(p),
     "number of columns"),
    ("categorical_cross_entropy", lambda p, t: np.mean(-np.log10(_clip(p)[range(len(p)), _labels(t)])), "log10"),
    ("tanh", lambda z: 2 * _stable_sigmoid(2 * np.asarray(z, dtype=float)) + 1, "off by the same 2"),
    ("relu", lambda z: np.where(z >= 0, z, -z), "minus the input"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, d.sum(axis=0, keepdims=True).T), "(1, 3)"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=1) == _labels(t)) > 0.5, "True/False"),
    ("sigmoid_backward", lambda d, z: -d * _stable_sigmoid(-z) * (1 - _stable_sigmoid(-z)), "sign"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x - h) - f(x + h)) / (2 * h), "opposite sign"),
    ("mse", lambda p, t: np.mean(p ** 2 - t ** 2), "difference of the squares"),
    ("softmax_cross_entropy_backward", lambda p, t: np.sum(p - _one_hot(p, t), axis=0, keepdims=True) / len(p),
     "sum over axis 0"),
    ("relu_backward", lambda d, z: np.sum(d * (z > 0), axis=1), "sum over axis 1"),
]


# ============================================================================== the tests
def _check(exercise, fn):
    return run(exercise, fn)


def _hint_names_the_mistake(result, keyword) -> bool:
    return hint_names(result, keyword)


@pytest.mark.parametrize(("exercise", "fn", "keyword"), WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_wrong_answer_is_rejected_with_the_right_hint(exercise, fn, keyword):
    result = _check(exercise, fn)
    assert_rejected(result, keyword, exercise=exercise, fn=fn)  # the hint's claim is re-checked on unseen inputs
    assert result.why and "See lesson 0" in result.why, result.text


@pytest.mark.parametrize(("exercise", "fn"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_alternative_passes(exercise, fn):
    assert_accepted(_check(exercise, fn))


EXERCISES = ["neuron_output", "layer_output", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "mse",
             "mae", "binary_cross_entropy", "categorical_cross_entropy", "accuracy", "numerical_derivative",
             "numerical_gradient", "relu_backward", "sigmoid_backward", "dense_backward",
             "softmax_cross_entropy_backward"]


def test_the_corpus_covers_every_exercise():
    for exercise in EXERCISES:
        n_wrong = sum(w[0] == exercise for w in WRONG)
        n_valid = sum(v[0] == exercise for v in VALID)
        assert n_wrong >= 8, f"{exercise}: only {n_wrong} wrong answers"
        assert n_valid >= 1, f"{exercise}: no valid alternative"


def test_hint_rate(capsys):
    """Every wrong answer rejected, ≥ 90 % with the hint that names it, every valid one accepted; the rate
    is printed in the test summary."""
    named, rejected, failures = 0, 0, []
    for exercise, fn, keyword in WRONG:
        result = _check(exercise, fn)
        rejected += not result.passed
        if not result.passed and _hint_names_the_mistake(result, keyword):
            named += 1
        else:
            failures.append(f"{exercise}: {keyword!r} <- {result.hint}")
    accepted = sum(_check(exercise, fn).passed for exercise, fn in VALID)
    rate = named / len(WRONG)
    with capsys.disabled():
        print(f"\nchecker corpus (lessons 01-06): {len(WRONG)} wrong answers, {rejected} rejected, "
              f"{named} with the hint naming the mistake ({rate:.1%}); {accepted}/{len(VALID)} valid alternatives "
              "accepted")
    assert rejected == len(WRONG)
    assert accepted == len(VALID)
    assert rate >= 0.9, "\n".join(failures)
