"""A two-parameter loss surface for the optimizer lessons: an ill-conditioned bowl, its gradient, and the path
gradient descent with momentum takes on it (lesson 07's loss-surface widget and its numbers).

The valley is 20 times steeper across than along and rotated by 30°, so plain SGD zig-zags across it while
momentum cancels the zig-zag and speeds along it.
"""

from __future__ import annotations

import numpy as np

from utils.optimizers import sgd_momentum_step

VALLEY_ANGLE = np.pi / 6
"""The valley's direction (30°)."""
STEEPNESS = 20.0
"""How much steeper the bowl is across the valley than along it."""


def along_and_across(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of points ``w`` ``(..., 2)`` along the valley and across it: two arrays of shape ``(...)``."""
    c, s = np.cos(VALLEY_ANGLE), np.sin(VALLEY_ANGLE)
    w = np.asarray(w, dtype=float)
    return c * w[..., 0] + s * w[..., 1], -s * w[..., 0] + c * w[..., 1]


def surface(w: np.ndarray) -> np.ndarray:
    """The loss at points ``w`` ``(..., 2)``: ``0.5 · (along² + 20 · across²)``, shape ``(...)``."""
    u, v = along_and_across(w)
    return 0.5 * (u ** 2 + STEEPNESS * v ** 2)


def surface_gradient(w: np.ndarray) -> np.ndarray:
    """The gradient ``(2,)`` of ``surface`` at one point ``w`` ``(2,)``."""
    c, s = np.cos(VALLEY_ANGLE), np.sin(VALLEY_ANGLE)
    u, v = along_and_across(w)
    du, dv = u, STEEPNESS * v
    return np.array([c * du - s * dv, s * du + c * dv])


def descent_path(learning_rate: float, momentum: float, steps: int = 60, start=(-2.5, 1.5),
                 step=None) -> np.ndarray:
    """Positions ``(steps + 1, 2)`` of SGD with momentum on ``surface`` from ``start``; stops early once the path
    diverges (not finite, or beyond 1e6). ``step``: an update with ``sgd_momentum_step``'s signature (default: the
    course's; the loss-surface widget passes the learner's); what it raises goes to the caller."""
    step = sgd_momentum_step if step is None else step
    w = np.array(start, dtype=float)
    velocity = np.zeros(2)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w, velocity = (np.asarray(a, dtype=float) for a in step(w, surface_gradient(w), velocity, learning_rate,
                                                                     momentum))
            path.append(w.copy())
            if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                break
    return np.array(path)
