"""What one gradient costs, measured: the timing harness behind Lessons 05 and 06.

The lessons keep to their idea (count passes, compare methods); the stopwatch work lives here.

    from utils.costs import gradient_costs
    rows = gradient_costs(X, y, hidden_sizes=[4, 16, 64, 256])

Every time is the *fastest* of several runs, so other programs on the machine disturb it less. Times depend on
the machine: lessons print them in cells tagged ``nbval-ignore-output`` and never compare them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from utils.activations import ReLU
from utils.gradients import numerical_gradient
from utils.layers import Dense
from utils.losses import SoftmaxCrossEntropy
from utils.model import Sequential


def fastest(fn: Callable[[], object], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls of ``fn()``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def gradient_costs(X, y, hidden_sizes: Sequence[int], finite_differences_up_to: int = 256,
                   repeats: int = 20, fd_repeats: int = 2, seed: int = 0) -> list[dict]:
    """Time one gradient of a ``Dense(n_features, hidden) -> ReLU -> Dense(hidden, n_classes)`` network with
    softmax cross-entropy on ``X`` ``(n_samples, n_features)``, ``y`` ``(n_samples,)``, for each hidden size.

    Returns one dict per hidden size: ``hidden``; ``parameters`` (every weight and bias, counted from the
    arrays); ``forward``, seconds for one forward pass with the loss; ``backprop``, seconds for one forward and
    backward pass; ``finite_differences``, seconds for one central-difference gradient of every parameter
    (``nan`` above ``finite_differences_up_to`` hidden units, where it would take seconds).
    """
    X = np.asarray(X, dtype=float)
    n_classes = int(np.max(y)) + 1
    rows = []
    for hidden in hidden_sizes:
        rng = np.random.default_rng(seed)
        model = Sequential([Dense(X.shape[1], hidden, rng=rng), ReLU(), Dense(hidden, n_classes, rng=rng)],
                           SoftmaxCrossEntropy())
        params = [p for layer in model.layers if hasattr(layer, "parameters") for p in layer.parameters().values()]

        def forward_loss(_=None, model=model):
            return model.loss.forward(model.forward(X), y)

        def backprop(model=model):
            model.backward(model.forward(X), y)

        def finite_differences(params=params, forward_loss=forward_loss):
            for p in params:
                numerical_gradient(forward_loss, p)

        fd = fastest(finite_differences, fd_repeats) if hidden <= finite_differences_up_to else float("nan")
        rows.append({"hidden": hidden, "parameters": sum(p.size for p in params),
                     "forward": fastest(forward_loss, repeats), "backprop": fastest(backprop, repeats),
                     "finite_differences": fd})
    return rows
