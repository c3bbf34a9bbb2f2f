"""Finite-difference gradients (lesson 05) and the gradient check that compares them with backprop
(lesson 06)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.activations import LeakyReLU, ReLU
from utils.validation import as_float_array


def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Central difference (f(x + h) - f(x - h)) / 2h. Error shrinks like h^2 until round-off (~eps/h) wins."""
    if h <= 0:
        raise ValueError(f"numerical_derivative: h must be positive, got {h}")
    return float((f(x + h) - f(x - h)) / (2 * h))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function of an array by central differences, one element at a time.

    Args:
        f: array of the shape of ``x`` -> float.
        x: float array, any shape. It is nudged in place and restored, so ``f`` may read it through
           a layer that holds it (``layer.weights``); after the call it is exactly as it was.
        h: step size.
    Returns:
        grad: the shape of ``x``. Costs 2 * x.size calls of ``f``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"numerical_gradient: x must be a float numpy array (it is nudged in place), got "
            f"{type(x).__name__}{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}"
        )
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b) -> float:
    """Largest elementwise relative error max |a - b| / max(|a| + |b|, 1e-8). Shapes must match."""
    a = as_float_array(a, "rel_error a")
    b = as_float_array(b, "rel_error b")
    if a.shape != b.shape:
        raise ValueError(f"rel_error: a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def verdict(error: float) -> str:
    """Words for a relative error: < 1e-7 good, < 1e-4 acceptable near kinks, > 1e-2 wrong."""
    if error < 1e-7:
        return "good"
    if error < 1e-4:
        return "ok (check kinks)"
    if error < 1e-2:
        return "suspicious"
    return "WRONG"


def gradient_check(
    layers: Sequence,
    loss,
    X,
    y,
    h: float = 1e-5,
    verbose: bool = True,
) -> dict[str, float]:
    """Compare backprop gradients with finite differences for every parameter of a model.

    Args:
        layers: the model, in order: ``Dense`` layers and activations (anything with forward/backward).
        loss: a loss object with ``forward(y_pred, y_true)`` and ``backward(y_pred, y_true)``.
        X: inputs ``(n_samples, n_features)``; y: targets for the loss.
        h: finite-difference step.
        verbose: print a table: parameter, shape, max relative error, verdict.
    Returns:
        ``{"layer0.weights": error, "layer0.biases": error, ...}`` (max relative error per parameter).
    Warns (in the printed table) when an input of a ReLU-like layer lies within h of its kink at 0,
    where finite differences straddle the corner and disagree with backprop for a good reason.
    """

    def forward() -> float:
        out = X
        for layer in layers:
            out = layer.forward(out)
        return loss.forward(out, y)

    forward()
    out = layers[-1].output
    grad = loss.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    kinks = [
        i for i, layer in enumerate(layers)
        if isinstance(layer, (ReLU, LeakyReLU)) and np.any(np.abs(layer.inputs) < h)
    ]

    errors: dict[str, float] = {}
    rows = []
    for i, layer in enumerate(layers):
        if not hasattr(layer, "parameters"):
            continue
        analytic = {k: v.copy() for k, v in layer.gradients().items()}
        for name, param in layer.parameters().items():
            numeric = numerical_gradient(lambda _p: forward(), param, h)
            err = rel_error(analytic[name], numeric)
            key = f"layer{i}.{name}"
            errors[key] = err
            rows.append((key, str(param.shape), err))
    if verbose:
        print(f"{'parameter':<16} {'shape':<10} {'max rel. error':>14}  verdict")
        for key, shape, err in rows:
            print(f"{key:<16} {shape:<10} {err:>14.2e}  {verdict(err)}")
        for i in kinks:
            print(f"warning: layer{i} ({type(layers[i]).__name__}) has inputs within h={h:g} of 0; "
                  "finite differences cross the kink there, so a larger error is expected")
    return errors


def finite_difference_errors(f: Callable, dfdx: Callable, x: float, hs, dtype=np.float64) -> dict:
    """Errors of the forward and central differences of ``f`` at ``x`` for every step size in ``hs``.

    Everything (x, h, f's arithmetic) runs in ``dtype`` (np.float64 or np.float32), so round-off shows
    at the precision a network would use. The exact derivative ``dfdx(x)`` is computed in float64.
    Returns ``{"h": (k,), "forward": (k,), "central": (k,), "eps": machine epsilon of dtype, "label": name}``.
    """
    hs = np.asarray(hs, dtype=np.float64)
    xd = dtype(x)
    exact = float(dfdx(float(x)))
    forward, central = np.empty(hs.size), np.empty(hs.size)
    with np.errstate(all="ignore"):
        for i, h in enumerate(hs):
            hd = dtype(h)
            step_up, step_down = dtype(xd + hd), dtype(xd - hd)
            actual_h = float(step_up) - float(xd)  # the step the computer really took
            fwd = (dtype(f(step_up)) - dtype(f(xd))) / dtype(hd)
            cen = (dtype(f(step_up)) - dtype(f(step_down))) / (dtype(2) * hd)
            forward[i] = abs(float(fwd) - exact) if actual_h != 0 else abs(exact)
            central[i] = abs(float(cen) - exact) if actual_h != 0 else abs(exact)
    return {"h": hs, "forward": forward, "central": central, "eps": float(np.finfo(dtype).eps),
            "label": np.dtype(dtype).name}
