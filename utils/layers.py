"""Layers. ``Dense`` is the fully connected layer every lesson builds on.

Layout (fixed by the course design): ``weights`` is ``(n_inputs, n_neurons)`` and ``biases`` is
``(1, n_neurons)``, so a batch ``(n_samples, n_inputs)`` goes through with no transpose:
``inputs @ weights + biases`` -> ``(n_samples, n_neurons)``.
"""

from __future__ import annotations

import numpy as np

from utils.validation import FLOAT64, as_batch, as_float_array

INITS = ("small", "zeros", "xavier", "he")
"""Starting weights ``Dense(..., init=...)`` knows (lesson 10): ``"small"`` 0.01 × standard normal (the course's
first layers), ``"zeros"`` (fails by symmetry), ``"xavier"`` normal with std √(1 / n_inputs) (for tanh and sigmoid),
``"he"`` normal with std √(2 / n_inputs) (for ReLU)."""


def he_init(n_inputs: int, n_neurons: int, rng: np.random.Generator) -> np.ndarray:
    """He (Kaiming) initialisation for ReLU layers: normal with mean 0 and std √(2 / n_inputs), drawn from ``rng``.

    Returns ``(n_inputs, n_neurons)``. The factor 2 makes up for ReLU zeroing half of its inputs, so the variance
    of the activations stays the same from layer to layer (lesson 10).
    """
    return rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2.0 / n_inputs)


def xavier_init(n_inputs: int, n_neurons: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier (Glorot) initialisation in its fan-in form, for tanh and sigmoid: normal, std √(1 / n_inputs).

    Returns ``(n_inputs, n_neurons)``. (Glorot and Bengio average fan-in and fan-out, std √(2 / (n_inputs +
    n_neurons)); for layers of equal width the two are the same.)
    """
    return rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(1.0 / n_inputs)


def initial_weights(init: str | float, n_inputs: int, n_neurons: int, rng: np.random.Generator) -> np.ndarray:
    """Starting weights ``(n_inputs, n_neurons)``: ``init`` is one of ``INITS`` or a number, the std of a normal."""
    shape = (n_inputs, n_neurons)
    if isinstance(init, int | float) and not isinstance(init, bool):
        if init < 0:
            raise ValueError(f"init: a standard deviation must be >= 0, got {init}")
        return float(init) * rng.standard_normal(shape)
    if init == "small":
        return 0.01 * rng.standard_normal(shape)
    if init == "zeros":
        return np.zeros(shape)
    if init == "xavier":
        return xavier_init(n_inputs, n_neurons, rng)
    if init == "he":
        return he_init(n_inputs, n_neurons, rng)
    raise ValueError(f"init: expected one of {INITS} or a standard deviation (a number), got {init!r}")


class Dense:
    """A fully connected layer: every neuron sees every input.

    ``init`` chooses the starting weights (lesson 10): ``"small"`` (default) 0.01 × standard normal, ``"zeros"``,
    ``"xavier"`` std √(1 / n_inputs), ``"he"`` std √(2 / n_inputs), or a number: that std.

    Attributes:
        weights: ``(n_inputs, n_neurons)``, drawn as ``init`` says at start.
        biases: ``(1, n_neurons)``, zeros at start.
        inputs, output: the last batch seen by ``forward`` and its result.
        dweights, dbiases, dinputs: gradients from the last ``backward``.
    """

    def __init__(self, n_inputs: int, n_neurons: int, rng: np.random.Generator | None = None,
                 init: str | float = "small"):
        if int(n_inputs) != n_inputs or int(n_neurons) != n_neurons or n_inputs < 1 or n_neurons < 1:
            raise ValueError(f"Dense: n_inputs and n_neurons must be positive integers, got {n_inputs}, {n_neurons}")
        rng = np.random.default_rng() if rng is None else rng
        self.n_inputs, self.n_neurons = int(n_inputs), int(n_neurons)
        self.weights = initial_weights(init, self.n_inputs, self.n_neurons, rng)
        self.biases = np.zeros((1, self.n_neurons))

    def __repr__(self) -> str:
        return f"Dense({self.n_inputs}, {self.n_neurons})"

    def forward(self, inputs) -> np.ndarray:
        """inputs ``(n_samples, n_inputs)`` -> output ``(n_samples, n_neurons)``."""
        self.inputs = as_batch(inputs, "Dense.forward inputs", self.n_inputs)
        output = self.inputs @ self.weights
        output += self.biases  # in place: the same sum as `inputs @ weights + biases`, one array fewer
        self.output = output
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """dvalues ``(n_samples, n_neurons)`` (gradient of the loss w.r.t. ``output``) -> dinputs
        ``(n_samples, n_inputs)``. Also sets ``dweights`` ``(n_inputs, n_neurons)`` and ``dbiases``
        ``(1, n_neurons)``.
        """
        if type(dvalues) is not np.ndarray or dvalues.dtype is not FLOAT64:  # the hot path skips the call
            dvalues = as_float_array(dvalues, "Dense.backward dvalues")
        if dvalues.shape != (self.inputs.shape[0], self.n_neurons):
            raise ValueError(f"Dense.backward dvalues: expected shape {(self.inputs.shape[0], self.n_neurons)}, "
                             f"got shape {dvalues.shape}")
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
