"""Activation functions: plain functions (``relu(z)``) and layer classes (``ReLU().forward(z)``).

Each class keeps ``forward`` and ``backward`` side by side so the derivative rule sits on the same
screen as the function. ``backward(dvalues)`` multiplies the incoming gradient by the local derivative.
All functions accept any shape, return float64, and are stable for |z| up to 1e4 without warnings.
"""

from __future__ import annotations

import numpy as np

from utils.validation import FLOAT64, as_float_array


# ---------------------------------------------------------------- plain functions (lesson 03)
def step(z) -> np.ndarray:
    """Heaviside step: 1.0 where z > 0, else 0.0. Any shape in, same shape out."""
    return (as_float_array(z, "z") > 0).astype(np.float64)


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + e^-z), computed without overflow for large |z|. Same shape out."""
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))  # always in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent, outputs in (-1, 1). Same shape out."""
    return np.tanh(as_float_array(z, "z"))


def relu(z) -> np.ndarray:
    """Rectified linear unit max(0, z), elementwise. Same shape out."""
    return np.maximum(as_float_array(z, "z"), 0.0)  # the array first: numpy's fast loop for array and scalar


def leaky_relu(z, alpha: float = 0.01) -> np.ndarray:
    """z where z > 0, alpha * z elsewhere. Same shape out."""
    z = as_float_array(z, "z")
    return np.where(z > 0, z, alpha * z)


def softmax(z) -> np.ndarray:
    """Softmax over the last axis (each row of a batch ``(n_samples, n_classes)`` sums to 1).

    Subtracts the row maximum first, so logits like 1000 do not overflow.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax: expected a vector (n_classes,) or a batch (n_samples, n_classes), got a scalar")
    exp = np.exp(z - z.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------- layer classes
class _Activation:
    """Shared bookkeeping: ``forward`` stores ``inputs`` and ``output``; ``backward`` stores ``dinputs``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _check_dvalues(self, dvalues) -> np.ndarray:
        if type(dvalues) is not np.ndarray or dvalues.dtype is not FLOAT64:  # the hot path skips the call
            dvalues = as_float_array(dvalues, f"{type(self).__name__}.backward dvalues")
        if dvalues.shape != self.output.shape:
            raise ValueError(
                f"{type(self).__name__}.backward dvalues: expected shape {self.output.shape} "
                f"(the shape of the forward output), got shape {dvalues.shape}"
            )
        return dvalues


class Linear(_Activation):
    """Identity: output = inputs; gradient passes through unchanged (used for regression outputs)."""

    def forward(self, inputs) -> np.ndarray:
        """inputs any shape -> the same values as float64."""
        self.inputs = as_float_array(inputs, "Linear.forward inputs")
        self.output = self.inputs.copy()
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """d(output)/d(inputs) = 1."""
        self.dinputs = self._check_dvalues(dvalues).copy()
        return self.dinputs


class ReLU(_Activation):
    """max(0, z). The gradient flows only where the input was positive."""

    def forward(self, inputs) -> np.ndarray:
        """inputs any shape -> max(0, inputs), same shape."""
        self.inputs = as_float_array(inputs, "ReLU.forward inputs")
        self.output = np.maximum(self.inputs, 0.0)  # relu(), without checking the inputs a second time
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """dvalues (shape of output) -> dvalues where inputs > 0, else 0."""
        self.dinputs = self._check_dvalues(dvalues) * (self.inputs > 0)
        return self.dinputs


class LeakyReLU(_Activation):
    """z for z > 0, alpha * z otherwise: a small slope keeps negative units alive."""

    def __init__(self, alpha: float = 0.01):
        self.alpha = float(alpha)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"

    def forward(self, inputs) -> np.ndarray:
        """inputs any shape -> leaky_relu(inputs), same shape."""
        self.inputs = as_float_array(inputs, "LeakyReLU.forward inputs")
        self.output = leaky_relu(self.inputs, self.alpha)
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """Local slope is 1 where inputs > 0, alpha elsewhere."""
        self.dinputs = self._check_dvalues(dvalues) * np.where(self.inputs > 0, 1.0, self.alpha)
        return self.dinputs


class Sigmoid(_Activation):
    """1 / (1 + e^-z); derivative s * (1 - s) uses the stored output."""

    def forward(self, inputs) -> np.ndarray:
        """inputs any shape -> sigmoid(inputs), same shape."""
        self.inputs = as_float_array(inputs, "Sigmoid.forward inputs")
        self.output = sigmoid(self.inputs)
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """d sigmoid / dz = s * (1 - s)."""
        self.dinputs = self._check_dvalues(dvalues) * self.output * (1.0 - self.output)
        return self.dinputs


class Tanh(_Activation):
    """tanh(z); derivative 1 - tanh(z)^2 uses the stored output."""

    def forward(self, inputs) -> np.ndarray:
        """inputs any shape -> tanh(inputs), same shape."""
        self.inputs = as_float_array(inputs, "Tanh.forward inputs")
        self.output = np.tanh(self.inputs)
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """d tanh / dz = 1 - tanh(z)^2."""
        self.dinputs = self._check_dvalues(dvalues) * (1.0 - self.output**2)
        return self.dinputs


class Softmax(_Activation):
    """Softmax over the last axis of a batch ``(n_samples, n_classes)``.

    ``backward`` applies each sample's Jacobian ``diag(s) - s s^T`` to its gradient row. (Combined with
    cross-entropy, ``utils.losses.SoftmaxCrossEntropy`` does the same in one cheap step.)
    """

    def forward(self, inputs) -> np.ndarray:
        """inputs ``(n_samples, n_classes)`` -> probabilities, each row sums to 1."""
        self.inputs = as_float_array(inputs, "Softmax.forward inputs")
        self.output = softmax(self.inputs)
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """dvalues ``(n_samples, n_classes)`` -> dinputs ``(n_samples, n_classes)``.

        Row by row: J = diag(s) - s s^T, dinputs = J @ dvalues; written without building J:
        s * (dvalues - sum(s * dvalues)).
        """
        dvalues = self._check_dvalues(dvalues)
        s = self.output
        self.dinputs = s * (dvalues - np.sum(s * dvalues, axis=-1, keepdims=True))
        return self.dinputs


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh, "linear": Linear}
"""Activation classes by name (used by the widgets' dropdowns and ``utils.model.make_mlp``)."""
