"""Layers. ``Dense`` is the fully connected layer every lesson builds on.

Layout (fixed by the course design): ``weights`` is ``(n_inputs, n_neurons)`` and ``biases`` is
``(1, n_neurons)``, so a batch ``(n_samples, n_inputs)`` goes through with no transpose:
``inputs @ weights + biases`` -> ``(n_samples, n_neurons)``.
"""

from __future__ import annotations

import numpy as np

from utils.validation import as_batch, as_float_array


class Dense:
    """A fully connected layer: every neuron sees every input.

    Attributes:
        weights: ``(n_inputs, n_neurons)``, ``0.01 * standard normal`` at start.
        biases: ``(1, n_neurons)``, zeros at start.
        inputs, output: the last batch seen by ``forward`` and its result.
        dweights, dbiases, dinputs: gradients from the last ``backward``.
    """

    def __init__(self, n_inputs: int, n_neurons: int, rng: np.random.Generator | None = None):
        if int(n_inputs) != n_inputs or int(n_neurons) != n_neurons or n_inputs < 1 or n_neurons < 1:
            raise ValueError(f"Dense: n_inputs and n_neurons must be positive integers, got {n_inputs}, {n_neurons}")
        rng = np.random.default_rng() if rng is None else rng
        self.n_inputs, self.n_neurons = int(n_inputs), int(n_neurons)
        self.weights = 0.01 * rng.standard_normal((self.n_inputs, self.n_neurons))
        self.biases = np.zeros((1, self.n_neurons))

    def __repr__(self) -> str:
        return f"Dense({self.n_inputs}, {self.n_neurons})"

    def forward(self, inputs) -> np.ndarray:
        """inputs ``(n_samples, n_inputs)`` -> output ``(n_samples, n_neurons)``."""
        self.inputs = as_batch(inputs, "Dense.forward inputs", self.n_inputs)
        self.output = self.inputs @ self.weights + self.biases
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """dvalues ``(n_samples, n_neurons)`` (gradient of the loss w.r.t. ``output``) -> dinputs
        ``(n_samples, n_inputs)``. Also sets ``dweights`` ``(n_inputs, n_neurons)`` and ``dbiases``
        ``(1, n_neurons)``.
        """
        dvalues = as_float_array(dvalues, "Dense.backward dvalues")
        expected = (self.inputs.shape[0], self.n_neurons)
        if dvalues.shape != expected:
            raise ValueError(f"Dense.backward dvalues: expected shape {expected}, got shape {dvalues.shape}")
        self.dweights = self.inputs.T @ dvalues
        self.dbiases = dvalues.sum(axis=0, keepdims=True)
        self.dinputs = dvalues @ self.weights.T
        return self.dinputs

    def parameters(self) -> dict[str, np.ndarray]:
        """The trainable arrays by name: ``{"weights": ..., "biases": ...}``."""
        return {"weights": self.weights, "biases": self.biases}

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradients from the last ``backward``, named like ``parameters()``."""
        return {"weights": self.dweights, "biases": self.dbiases}
