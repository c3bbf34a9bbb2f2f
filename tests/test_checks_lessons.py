"""Every checker: the wrong answers named in the issues fail with a hint naming the mistake; valid
variants (loops, np.dot, @, einsum, numpy scalars, float32, one-hot vs labels) pass."""

import math

import numpy as np
import pytest
from checker_harness import assert_prints_pass, assert_prints_rejection

from utils import checks


def _a(x):
    return np.asarray(x, dtype=float)


# ------------------------------------------------------------------------------ wrong answers
def _neuron_bias_per_input(inputs, weights, bias):
    out = 0.0
    for x, w in zip(inputs, weights):
        out += x * w + bias
    return out


def _layer_loop_rows(inputs, weights, biases):
    return np.array([[sum(s[i] * weights[i][j] for i in range(len(s))) + biases[j]
                      for j in range(len(biases))] for s in inputs])


def _sigmoid_where(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _leaky_int_inplace(z, alpha=0.01):
    z = z.copy()
    z[z < 0] *= alpha
    return z


def _softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_inplace(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _bce_sum_in_mean(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(np.sum(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))


def _cce_onehot_only(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(np.sum(p * y_true, axis=1)))


def _cce_labels_only(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[range(len(p)), y_true]))


def _cce_no_clip(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = y_true.argmax(axis=1)
    return np.mean(-np.log(y_pred[range(len(y_pred)), y_true]))


def _cce_softmax_again(y_pred, y_true):
    e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = y_true.argmax(axis=1)
    return np.mean(-np.log(np.clip(p[range(len(p)), y_true], 1e-7, 1 - 1e-7)))


def _cce_mean_all_elements(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return np.mean(-np.log(np.clip(y_pred, 1e-7, 1 - 1e-7)) * y_true)


def _grad_mutates(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _grad_alias(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += h
        fp = f(x_plus)
        x_plus[i] -= h
        x_minus = x
        x_minus[i] -= h
        fm = f(x_minus)
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _grad_first_only(f, x, h=1e-5):
    grad = np.zeros_like(x)
    xp, xm = x.copy(), x.copy()
    xp[0] += h
    xm[0] -= h
    grad[0] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _grad_forward(f, x, h=1e-5):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def _grad_fixed_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + 1e-5
        fp = f(x)
        x[i] = old - 1e-5
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / 2e-5
    return grad


def _relu_backward_inplace(dvalues, inputs):
    dvalues[inputs <= 0] = 0
    return dvalues


def _sce_inplace(probs, y_true):
    probs[range(len(probs)), y_true] -= 1
    return probs / len(probs)


def _momentum_inplace(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    param += velocity
    return param, velocity


WRONG = [
    # lesson 01
    ("neuron_output", lambda i, w, b: sum(x * y for x, y in zip(i, w)), "bias is missing"),
    ("neuron_output", _neuron_bias_per_input, "once per input"),
    ("neuron_output", lambda i, w, b: np.multiply(i, w) + b, "did not add the products up"),
    ("neuron_output", lambda i, w, b: [x * y for x, y in zip(i, w)], "did not add the products up"),
    ("neuron_output", lambda i, w, b: sum(x + y for x, y in zip(i, w)) + b, "inputs and weights were added"),
    ("neuron_output", lambda i, w, b: i[0] * w[0] + b, "only the first input"),
    ("neuron_output", lambda i, w, b: [np.dot(i, w) + b], "single number"),
    ("neuron_output", lambda i, w, b: np.array([np.dot(i, w) + b]), "single number"),
    # lesson 02
    ("layer_output", lambda x, w, b: np.dot(x, np.array(w).T) + b, "no .T"),
    ("layer_output", lambda x, w, b: np.dot(w, x) + b, "not np.dot(weights, inputs)"),
    ("layer_output", lambda x, w, b: np.dot(x, w) + np.array(b).reshape(-1, 1), "biases were added down a column"),
    ("layer_output", lambda x, w, b: np.dot(x, w), "biases are missing"),
    ("layer_output", _layer_loop_rows, "single sample"),
    ("layer_output", lambda x, w, b: np.atleast_2d(x) @ w + b, "single sample"),
    # lesson 03
    ("step", lambda z: (z >= 0).astype(float), "use z > 0"),
    ("step", lambda z: z > 0, "dtype bool"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), "overflows for z = -1000"),
    ("sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)), "nan for z = 1000"),
    ("sigmoid", _sigmoid_where, "evaluates both branches"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(np.clip(z, -500, 500))), "sign error"),
    ("tanh", lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), "use np.tanh"),
    ("relu", lambda z: max(0, z), "np.maximum(0, z)"),
    ("relu", lambda z: np.minimum(0, z), "keeps the negative part"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, alpha * z, z), "wrong side"),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z), "alpha was ignored"),
    ("leaky_relu", _leaky_int_inplace, "integer"),
    ("softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "whole array"),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "subtract the row max"),
    ("softmax", lambda z: np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1),
     "keepdims is missing"),
    ("softmax", _softmax_global_max, "each row's own max"),
    ("softmax", lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True),
     "axis=-1"),
    ("softmax", _softmax_inplace, "changed its input"),
    # lesson 04
    ("mse", lambda p, t: np.mean(p - t), "not squared"),
    ("mse", lambda p, t: np.sum((p - t) ** 2), "sum, not a mean"),
    ("mae", lambda p, t: np.mean(p - t), "np.abs is missing"),
    ("binary_cross_entropy", _bce_sum_in_mean, "np.sum inside np.mean"),
    ("binary_cross_entropy", lambda p, t: np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))), "clip"),
    ("categorical_cross_entropy", _cce_onehot_only, "integer labels"),
    ("categorical_cross_entropy", _cce_labels_only, "one-hot targets"),
    ("categorical_cross_entropy", _cce_no_clip, "clip"),
    ("categorical_cross_entropy", _cce_softmax_again, "already holds probabilities"),
    ("categorical_cross_entropy", _cce_mean_all_elements, "every element"),
    ("accuracy", lambda p, t: np.mean(p == t), "np.argmax(y_pred, axis=1)"),
    ("accuracy", lambda p, t: np.mean(np.argmax(p, axis=1) == t), "one-hot targets"),
    # lesson 05
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "forward difference"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "divide by 2*h"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "h was ignored"),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h, "(2 * h)"),
    ("numerical_gradient", _grad_mutates, "x must be left as it was"),
    ("numerical_gradient", _grad_alias, "does not copy"),
    ("numerical_gradient", _grad_first_only, "never written"),  # it nudges a whole row of a 2-D x: no mistake fits all
    ("numerical_gradient", _grad_forward, "forward difference"),
    ("numerical_gradient", _grad_fixed_h, "h was ignored"),
    # lesson 06
    ("relu_backward", lambda d, z: d.copy(), "slope is 0 there"),
    ("relu_backward", lambda d, z: d * (d > 0), "not from dvalues"),
    ("relu_backward", _relu_backward_inplace, "dvalues.copy()"),
    ("sigmoid_backward", lambda d, z: d * z * (1 - z), "sigmoid of the inputs"),
    ("dense_backward", lambda d, x, w: (d @ w.T, d.T @ x, d.sum(axis=0, keepdims=True)), "dweights is transposed"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, np.sum(d, axis=0)), "keepdims"),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, np.sum(d, axis=1, keepdims=True)), "wrong axis"),
    ("dense_backward", lambda d, x, w: (d @ w, x.T @ d, d.sum(axis=0, keepdims=True)), "without a transpose"),
    ("softmax_cross_entropy_backward", lambda p, t: p - np.eye(p.shape[1])[t], "not divided by n_samples"),
    ("softmax_cross_entropy_backward", lambda p, t: (p - t) / len(p), "integer labels are not one-hot"),
    ("softmax_cross_entropy_backward", _sce_inplace, "probs.copy()"),
    # lesson 07
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p - lr * g, -lr * g), "not carried over"),
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p + m * v + lr * g, m * v + lr * g), "sign error"),
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p + v - lr * m * g, v - lr * m * g), "momentum multiplies the old velocity"),
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p + lr * (m * v - lr * g), m * v - lr * g), "applied twice"),
    ("sgd_momentum_step", _momentum_inplace, "return new arrays"),
]


@pytest.mark.parametrize(("name", "fn", "hint"), WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_wrong_answer_fails_with_a_hint_naming_it(capsys, name, fn, hint):
    assert_prints_rejection(capsys, name, fn, hint)


# ------------------------------------------------------------------------------ valid variants
def _neuron_loop(inputs, weights, bias):
    total = 0.0
    for x, w in zip(inputs, weights):
        total += x * w
    return total + bias


def _layer_loop(inputs, weights, biases):
    x = np.asarray(inputs, dtype=float)
    single = x.ndim == 1
    x = np.atleast_2d(x)
    w = np.asarray(weights)
    out = np.zeros((x.shape[0], w.shape[1]))
    for s in range(x.shape[0]):
        for j in range(w.shape[1]):
            out[s, j] = sum(x[s, i] * w[i, j] for i in range(w.shape[0])) + biases[j]
    return out[0] if single else out


def _sigmoid_stable(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax_logsumexp(z):
    z = np.asarray(z, dtype=float)
    m = z.max(axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))


def _relu_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        out[i] = z[i] if z[i] > 0 else 0.0
    return out


def _cce_loop(y_pred, y_true):
    y_true = np.asarray(y_true)
    labels = y_true.argmax(axis=1) if y_true.ndim == 2 else y_true
    total = 0.0
    for row, label in zip(y_pred, labels):
        total += -math.log(min(max(row[label], 1e-7), 1 - 1e-7))
    return total / len(labels)


def _accuracy_onehot_aware(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return np.mean(np.argmax(y_pred, axis=1) == y_true)


def _grad_copy(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        xp, xm = x.astype(float).ravel(), x.astype(float).ravel()
        xp[i] += h
        xm[i] -= h
        grad.flat[i] = (f(xp.reshape(x.shape)) - f(xm.reshape(x.shape))) / (2 * h)
    return grad


def _grad_restore(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _sce_labels(probs, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = y_true.argmax(axis=1)
    d = probs.copy()
    d[range(len(d)), y_true] -= 1
    return d / len(d)


def _softmax_plain(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _bce_clipped(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))


def _relu_backward_copy(dvalues, inputs):
    d = dvalues.copy()
    d[inputs <= 0] = 0
    return d


VALID = [
    ("neuron_output", _neuron_loop),
    ("neuron_output", lambda i, w, b: np.dot(i, w) + b),
    ("neuron_output", lambda i, w, b: np.array(i) @ np.array(w) + b),
    ("neuron_output", lambda i, w, b: np.einsum("i,i->", np.array(i, dtype=float), np.array(w, dtype=float)) + b),
    ("neuron_output", lambda i, w, b: np.float64(np.dot(i, w) + b)),
    ("neuron_output", lambda i, w, b: float(np.sum(np.multiply(i, w)) + b)),
    ("layer_output", _layer_loop),
    ("layer_output", lambda x, w, b: np.dot(x, w) + b),
    ("layer_output", lambda x, w, b: np.asarray(x) @ np.asarray(w) + np.asarray(b)),
    ("layer_output", lambda x, w, b: np.einsum("...i,ij->...j", np.asarray(x, dtype=float), w) + b),
    ("step", lambda z: np.where(np.asarray(z) > 0, 1.0, 0.0)),
    ("step", lambda z: np.heaviside(np.asarray(z, dtype=float), 0.0)),
    ("sigmoid", _sigmoid_stable),
    ("tanh", np.tanh),
    ("tanh", lambda z: 2 * _sigmoid_stable(2 * np.asarray(z, dtype=float)) - 1),
    ("relu", lambda z: np.maximum(0, z)),
    ("relu", lambda z: np.maximum(z, 0.0)),
    ("relu", lambda z: np.where(z > 0, z, 0.0)),
    ("relu", _relu_loop),
    ("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, alpha * z)),
    ("leaky_relu", lambda z, alpha=0.01: np.maximum(alpha * np.asarray(z, dtype=float), z)),
    ("softmax", _softmax_plain),
    ("softmax", _softmax_logsumexp),
    ("mse", lambda p, t: np.mean((p - t) ** 2)),
    ("mse", lambda p, t: np.mean(np.square(np.subtract(p, t)))),
    ("mae", lambda p, t: np.mean(np.abs(p - t))),
    ("binary_cross_entropy", _bce_clipped),
    ("categorical_cross_entropy", _cce_loop),
    ("accuracy", _accuracy_onehot_aware),
    ("numerical_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h)),
    ("numerical_gradient", _grad_copy),
    ("numerical_gradient", _grad_restore),
    ("relu_backward", lambda d, z: d * (z > 0)),
    ("relu_backward", _relu_backward_copy),
    ("sigmoid_backward", lambda d, z: d * _sigmoid_stable(z) * (1 - _sigmoid_stable(z))),
    ("dense_backward", lambda d, x, w: (np.dot(d, w.T), np.dot(x.T, d), np.sum(d, axis=0, keepdims=True))),
    ("dense_backward", lambda d, x, w: (d @ w.T, x.T @ d, d.sum(axis=0).reshape(1, -1))),
    ("softmax_cross_entropy_backward", _sce_labels),
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p + (m * v - lr * g), m * v - lr * g)),
]


@pytest.mark.parametrize(("name", "fn"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_variant_passes(capsys, name, fn):
    assert_prints_pass(capsys, name, fn)


@pytest.mark.parametrize("name", [n[len("check_"):] for n in checks.__all__ if n.startswith("check_")])
def test_reference_passes_its_own_checker(name):
    check = getattr(checks, f"check_{name}")
    assert checks.run_quietly(check, check.reference)


def test_hand_values_from_the_lessons():
    """The numbers the issues quote are what the references compute."""
    from utils.checks import backprop, neuron

    assert math.isclose(neuron._neuron_reference([1, 2, 3], [0.2, 0.8, -0.5], 2), 2.3)
    assert math.isclose(neuron._neuron_reference([1, 2, 3, 2.5], [0.2, 0.8, -0.5, 1.0], 2), 4.8)
    assert math.isclose(neuron._neuron_reference([1, -2, 3], [-3, -1, 2], 1), 6.0)
    out = neuron._layer_reference([1, 2, 3, 2.5], neuron._W_LESSON, neuron._B_LESSON)
    np.testing.assert_allclose(out, [4.8, 1.21, 2.385])
    di, dw, db = backprop._dense_backward(backprop._DV, backprop._X, backprop._W)
    np.testing.assert_allclose(di[0], [0.44, -0.38, -0.07, 1.37])
    np.testing.assert_allclose(dw[:, 0], [-9.1, 16.1, 9.7, -5.1])
    np.testing.assert_allclose(db, [[10.0, 10.0, 10.0]])
