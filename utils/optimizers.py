"""Optimizers: each ``step(layers)`` updates every layer that has parameters (``Dense``), in place,
from the gradients its last ``backward`` stored."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _trainable(layers: Iterable) -> list:
    return [layer for layer in layers if hasattr(layer, "parameters")]


def sgd_momentum_step(param, grad, velocity, learning_rate: float, momentum: float):
    """One SGD-with-momentum update of one array (lesson 07's exercise, reference version).

    velocity = momentum * velocity - learning_rate * grad;  param = param + velocity.
    All arrays the same shape; returns ``(new_param, new_velocity)`` and changes neither input.
    """
    new_velocity = momentum * np.asarray(velocity, dtype=np.float64) - learning_rate * np.asarray(grad, dtype=np.float64)
    return np.asarray(param, dtype=np.float64) + new_velocity, new_velocity


class SGD:
    """Stochastic gradient descent, optionally with momentum.

    ``momentum=0``: param -= learning_rate * grad. With momentum, each parameter keeps a velocity
    (``velocity = momentum * velocity - learning_rate * grad``; ``param += velocity``), so steps in a
    consistent direction build up speed and zig-zags cancel.
    """

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0):
        if learning_rate <= 0:
            raise ValueError(f"SGD: learning_rate must be positive, got {learning_rate}")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum}")
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.velocities: dict[int, dict[str, np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"SGD(learning_rate={self.learning_rate}, momentum={self.momentum})"

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients."""
        for layer in _trainable(layers):
            grads = layer.gradients()
            if self.momentum == 0:
                for name, param in layer.parameters().items():
                    param -= self.learning_rate * grads[name]
                continue
            velocity = self.velocities.setdefault(
                id(layer), {name: np.zeros_like(p) for name, p in layer.parameters().items()}
            )
            for name, param in layer.parameters().items():
                v = velocity[name]
                v *= self.momentum
                v -= self.learning_rate * grads[name]
                param += v


class Adam:
    """Adam: momentum on the gradient (beta1) plus a per-parameter step size from the running mean of
    squared gradients (beta2), both bias-corrected for the first steps."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-7):
        if learning_rate <= 0:
            raise ValueError(f"Adam: learning_rate must be positive, got {learning_rate}")
        self.learning_rate, self.beta1, self.beta2, self.epsilon = float(learning_rate), beta1, beta2, epsilon
        self.t = 0
        self.state: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]] = {}

    def __repr__(self) -> str:
        return f"Adam(learning_rate={self.learning_rate})"

    def step(self, layers: Iterable) -> None:
        """Update every trainable layer in place from its stored gradients (one Adam time step)."""
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        for layer in _trainable(layers):
            grads = layer.gradients()
            state = self.state.setdefault(
                id(layer), {n: (np.zeros_like(p), np.zeros_like(p)) for n, p in layer.parameters().items()}
            )
            for name, param in layer.parameters().items():
                m, v = state[name]
                g = grads[name]
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                param -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
