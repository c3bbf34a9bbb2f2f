"""A from-scratch 4-8-3 iris classifier in plain numpy: the *fixed* version of lesson 08's "debug this network".

The lesson shows the same code with three classic bugs (weights updated before the gradient is passed back,
softmax's maximum taken over the whole batch, cross-entropy applied to logits); the learner finds them with the
sanity checks of lessons 04–06 and fixes them. ``train_step`` here is the reference its checker compares with.

Parameters live in a dict: ``W1 (4, 8)``, ``b1 (1, 8)``, ``W2 (8, 3)``, ``b2 (1, 3)`` (the course's layout,
``inputs @ weights + biases``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.gradients import numerical_gradient, rel_error, verdict


def init_params(seed: int = 0, n_inputs: int = 4, n_hidden: int = 8, n_classes: int = 3) -> dict[str, np.ndarray]:
    """He-scaled first layer, a small last layer (so the first predictions are close to uniform and the loss at
    initialisation is close to ln(n_classes)), zero biases."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((n_inputs, n_hidden)) * np.sqrt(2.0 / n_inputs),
        "b1": np.zeros((1, n_hidden)),
        "W2": 0.01 * rng.standard_normal((n_hidden, n_classes)),
        "b2": np.zeros((1, n_classes)),
    }


def softmax(logits: np.ndarray) -> np.ndarray:
    """logits ``(n_samples, n_classes)`` -> probabilities, each row's own maximum subtracted first."""
    exps = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)


def cross_entropy(probs: np.ndarray, y: np.ndarray) -> float:
    """Mean -log(probability of the true class); probs ``(n_samples, n_classes)``, y labels ``(n_samples,)``."""
    picked = np.clip(probs[np.arange(len(y)), y], 1e-7, 1 - 1e-7)
    return float(np.mean(-np.log(picked)))


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """X ``(n_samples, 4)`` -> (hidden ReLU activations ``(n_samples, 8)``, logits ``(n_samples, 3)``)."""
    hidden = np.maximum(0.0, X @ params["W1"] + params["b1"])
    return hidden, hidden @ params["W2"] + params["b2"]


def loss(params: dict, X: np.ndarray, y: np.ndarray) -> float:
    """Cross-entropy of the softmax probabilities (never of the raw logits)."""
    return cross_entropy(softmax(forward(params, X)[1]), y)


def train_step(params: dict, X: np.ndarray, y: np.ndarray, learning_rate: float) -> float:
    """One full-batch gradient-descent step on ``params`` (updated in place); returns the loss before the update.

    The whole backward pass runs with the weights of the forward pass; only then is every parameter updated.
    """
    hidden, logits = forward(params, X)
    probs = softmax(logits)
    loss_before = cross_entropy(probs, y)
    dlogits = probs.copy()
    dlogits[np.arange(len(y)), y] -= 1
    dlogits /= len(y)
    grads = {"W2": hidden.T @ dlogits, "b2": dlogits.sum(axis=0, keepdims=True)}
    dhidden = (dlogits @ params["W2"].T) * (hidden > 0)
    grads["W1"], grads["b1"] = X.T @ dhidden, dhidden.sum(axis=0, keepdims=True)
    for name, grad in grads.items():
        params[name] -= learning_rate * grad
    return loss_before


def update_gradient_check(step: Callable, loss_fn: Callable, params: dict, X, y, learning_rate: float,
                          verbose: bool = True) -> dict[str, float]:
    """Is the update a training step makes really ``-learning_rate * gradient``?

    Runs ``step(copy of params, X, y, learning_rate)`` once, turns each parameter's change into the gradient it
    implies, ``(before - after) / learning_rate``, and compares it with the finite-difference gradient of
    ``loss_fn(params, X, y)`` (lesson 05). Prints one verdict per parameter (good below 1e-7, WRONG above 1e-2;
    the words, not the digits, which depend on round-off) and returns ``{name: max relative error}``.
    ``params`` is left unchanged.
    """
    stepped = {name: value.copy() for name, value in params.items()}
    with np.errstate(all="ignore"):
        step(stepped, X, y, learning_rate)
    probe = {name: value.copy() for name, value in params.items()}
    errors = {}
    for name in params:
        implied = (params[name] - stepped[name]) / learning_rate
        numeric = numerical_gradient(lambda _p: loss_fn(probe, X, y), probe[name])
        errors[name] = rel_error(implied, numeric) if np.all(np.isfinite(implied)) else float("inf")
    if verbose:
        for name, error in errors.items():
            print(f"{name:<3} {str(params[name].shape):<8} {verdict(error)}")
    return errors
