"""Optimizers: each ``step(layers)`` updates every layer that has parameters (``Dense``), in place,
from the gradients its last ``backward`` stored.

From plain to adaptive (lesson 07): ``SGD`` (optionally with momentum), ``AdaGrad`` (divides by the root of the
*sum* of all squared gradients so far), ``RMSProp`` (a decaying *average* of squared gradients instead), and
``Adam`` (RMSProp's denominator plus momentum's numerator, both bias-corrected). Every optimizer takes
``decay``: the learning rate of step t is ``learning_rate / (1 + decay * t)``, and ``weight_decay`` (lesson 10): L2
regularisation, the loss gains ``weight_decay * Σ weights²`` over every layer, so each layer's weight gradient gains
``2 * weight_decay * weights`` before the update (biases are not decayed). In Adam this is the classic, coupled L2
(PyTorch's ``Adam(weight_decay=...)``), not AdamW's decoupled decay.

The one-array update rules, as the lesson's exercises write them: ``sgd_momentum_step`` and ``adam_step``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _trainable(layers: Iterable, weight_decay: float):
    """``(layer, parameters, gradients)`` for each layer that has parameters (``Dense``), each dict read once per
    step; with ``weight_decay`` λ > 0 the weights' gradient gains the L2 term 2λW."""
    for layer in layers:
        if hasattr(layer, "parameters"):
            params, grads = layer.parameters(), layer.gradients()
            if weight_decay and "weights" in grads:
                grads = {**grads, "weights": grads["weights"] + 2.0 * weight_decay * params["weights"]}
            yield layer, params, grads


def _check_weight_decay(who: str, weight_decay: float) -> float:
    if weight_decay < 0:
        raise ValueError(f"{who}: weight_decay must be >= 0, got {weight_decay}")
    return float(weight_decay)


def sgd_momentum_step(param, grad, velocity, learning_rate: float, momentum: float):
    """One SGD-with-momentum update of one array (lesson 07's exercise, reference version).

    velocity = momentum * velocity - learning_rate * grad;  param = param + velocity.
    All arrays the same shape; returns ``(new_param, new_velocity)`` and changes neither input.
    """
    new_velocity = momentum * np.asarray(velocity, dtype=np.float64) - learning_rate * np.asarray(grad, dtype=np.float64)
    return np.asarray(param, dtype=np.float64) + new_velocity, new_velocity


def adam_step(param, grad, m, v, t: int, learning_rate: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """One Adam update of one array (lesson 07's exercise, reference version).

    m = beta1 * m + (1 - beta1) * grad;  v = beta2 * v + (1 - beta2) * grad**2   (running averages)
    m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)                       (bias correction, t = 1, 2, ...)
    param = param - learning_rate * m_hat / (sqrt(v_hat) + eps)
    All arrays the same shape; returns ``(new_param, new_m, new_v)`` with the *uncorrected* m and v (they are
    what the next step continues from) and changes no input.
    """
    g = np.asarray(grad, dtype=np.float64)
    new_m = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * g
    new_v = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * g * g
    m_hat = new_m / (1 - beta1**t)
    v_hat = new_v / (1 - beta2**t)
    return np.asarray(param, dtype=np.float64) - learning_rate * m_hat / (np.sqrt(v_hat) + eps), new_m, new_v


def _check_rate(who: str, learning_rate: float, decay: float) -> None:
    if learning_rate <= 0:
        raise ValueError(f"{who}: learning_rate must be positive, got {learning_rate}")
    if decay < 0:
        raise ValueError(f"{who}: decay must be >= 0, got {decay}")


class _Decaying:
    """Learning-rate decay shared by every optimizer: step t (counting from 0) uses
    ``learning_rate / (1 + decay * t)``; ``decay=0`` keeps it constant."""

    learning_rate: float
    decay: float = 0.0
    iterations: int = 0
    weight_decay: float = 0.0

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next ``step`` will use."""
        return self.learning_rate / (1.0 + self.decay * self.iterations)


class SGD(_Decaying):
    """Stochastic gradient descent, optionally with momentum.

    ``momentum=0``: param -= learning_rate * grad. With momentum, each parameter keeps a velocity
    (``velocity = momentum * velocity - learning_rate * grad``; ``param += velocity``), so steps in a
    consistent direction build up speed and zig-zags cancel.
    """

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0, decay: float = 0.0,
                 weight_decay: float = 0.0):
        _check_rate("SGD", learning_rate, decay)
        self.weight_decay = _check_weight_decay("SGD", weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum}")
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.decay, self.iterations = float(decay), 0
        self.velocities: dict[int, dict[str, np.ndarray]] = {}

    def __repr__(self) -> str:
        return (f"SGD(learning_rate={self.learning_rate}, momentum={self.momentum}"
                + (f", decay={self.decay}" if self.decay else "") + ")")

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients."""
        lr = self.current_learning_rate
        self.iterations += 1
        momentum = self.momentum
        for layer, params, grads in _trainable(layers, self.weight_decay):
            if momentum == 0:
                for name, param in params.items():
                    param -= lr * grads[name]
                continue
            velocity = self.velocities.get(id(layer))
            if velocity is None:  # first step of this layer (a setdefault would build zeros on every step)
                velocity = self.velocities[id(layer)] = {n: np.zeros_like(p) for n, p in params.items()}
            for name, param in params.items():
                v = velocity[name]
                v *= momentum
                v -= lr * grads[name]
                param += v


class AdaGrad(_Decaying):
    """AdaGrad: each parameter's step is divided by the root of the sum of *all* its squared gradients so far,
    ``cache += grad**2; param -= learning_rate * grad / (sqrt(cache) + epsilon)``. Rarely-updated parameters
    keep big steps; but the sum only grows, so every step size shrinks for ever."""

    def __init__(self, learning_rate: float = 0.1, epsilon: float = 1e-7, decay: float = 0.0,
                 weight_decay: float = 0.0):
        _check_rate("AdaGrad", learning_rate, decay)
        self.weight_decay = _check_weight_decay("AdaGrad", weight_decay)
        self.learning_rate, self.epsilon = float(learning_rate), epsilon
        self.decay, self.iterations = float(decay), 0
        self.cache: dict[int, dict[str, np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"AdaGrad(learning_rate={self.learning_rate})"

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients."""
        lr = self.current_learning_rate
        self.iterations += 1
        for layer, params, grads in _trainable(layers, self.weight_decay):
            cache = self.cache.get(id(layer))
            if cache is None:
                cache = self.cache[id(layer)] = {n: np.zeros_like(p) for n, p in params.items()}
            for name, param in params.items():
                g = grads[name]
                cache[name] += g * g
                param -= lr * g / (np.sqrt(cache[name]) + self.epsilon)


class RMSProp(_Decaying):
    """RMSProp: like AdaGrad, but the squared gradients are a decaying *average*
    ``cache = rho * cache + (1 - rho) * grad**2``, so old gradients are forgotten and the step size does not
    shrink for ever: ``param -= learning_rate * grad / (sqrt(cache) + epsilon)``."""

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7, decay: float = 0.0,
                 weight_decay: float = 0.0):
        _check_rate("RMSProp", learning_rate, decay)
        self.weight_decay = _check_weight_decay("RMSProp", weight_decay)
        if not 0 <= rho < 1:
            raise ValueError(f"RMSProp: rho must be in [0, 1), got {rho}")
        self.learning_rate, self.rho, self.epsilon = float(learning_rate), float(rho), epsilon
        self.decay, self.iterations = float(decay), 0
        self.cache: dict[int, dict[str, np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"RMSProp(learning_rate={self.learning_rate}, rho={self.rho})"

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients."""
        lr = self.current_learning_rate
        self.iterations += 1
        for layer, params, grads in _trainable(layers, self.weight_decay):
            cache = self.cache.get(id(layer))
            if cache is None:
                cache = self.cache[id(layer)] = {n: np.zeros_like(p) for n, p in params.items()}
            for name, param in params.items():
                g = grads[name]
                c = cache[name]
                c *= self.rho
                c += (1 - self.rho) * g * g
                param -= lr * g / (np.sqrt(c) + self.epsilon)


class Adam(_Decaying):
    """Adam: momentum on the gradient (beta1) plus a per-parameter step size from the running mean of
    squared gradients (beta2), both bias-corrected for the first steps."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-7,
                 decay: float = 0.0, weight_decay: float = 0.0):
        _check_rate("Adam", learning_rate, decay)
        self.weight_decay = _check_weight_decay("Adam", weight_decay)
        self.learning_rate, self.beta1, self.beta2, self.epsilon = float(learning_rate), beta1, beta2, epsilon
        self.decay, self.iterations = float(decay), 0
        self.t = 0
        self.state: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]] = {}

    def __repr__(self) -> str:
        return f"Adam(learning_rate={self.learning_rate})"

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients (one Adam time step)."""
        lr = self.current_learning_rate
        self.iterations += 1
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        for layer, params, grads in _trainable(layers, self.weight_decay):
            state = self.state.get(id(layer))
            if state is None:
                state = self.state[id(layer)] = {n: (np.zeros_like(p), np.zeros_like(p)) for n, p in params.items()}
            for name, param in params.items():
                m, v = state[name]
                g = grads[name]
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                param -= lr * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)

