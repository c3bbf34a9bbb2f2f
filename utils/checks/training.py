"""Checkers for lesson 07 (training)."""

from __future__ import annotations

import numpy as np

from utils import optimizers as ref
from utils.checks.core import TUPLE, Case, Checker, Mistake


def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _two_steps(step, param, grads, velocity, learning_rate, momentum):
    """Apply ``step`` twice, feeding the returned velocity back in (as an optimizer does)."""
    p, v = step(param, grads[0], velocity, learning_rate, momentum)
    return step(p, grads[1], v, learning_rate, momentum)


def _wrong(velocity_rule, param_rule):
    def fn(param, grad, velocity, learning_rate, momentum):
        p, g, v = _a(param), _a(grad), _a(velocity)
        new_v = velocity_rule(v, g, learning_rate, momentum)
        return param_rule(p, new_v, learning_rate), new_v
    return fn


def _plus(p, v, lr):
    return p + v


check_sgd_momentum_step = Checker(
    name="sgd_momentum_step",
    reference=ref.sgd_momentum_step,
    kind=TUPLE,
    output_names=("new_param", "new_velocity"),
    verified="velocity = momentum·velocity − lr·grad, param + velocity, two steps in a row, inputs unchanged",
    cases=[
        Case("first step from velocity 0: param [1, 2], grad [0.5, -1], lr 0.1, momentum 0.9",
             (np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), 0.1, 0.9)),
        Case("a step with velocity [0.2, -0.1] carried in", (np.array([1.0, 2.0]), np.array([0.5, -1.0]),
                                                           np.array([0.2, -0.1]), 0.1, 0.9)),
        Case("two steps in a row on a (2, 2) weight matrix, lr 0.01, momentum 0.9",
             (np.array([[0.5, -0.5], [1.0, 0.0]]), [np.array([[1.0, 2.0], [-1.0, 0.5]]),
                                                   np.array([[0.5, 1.0], [-2.0, 0.0]])], np.zeros((2, 2)), 0.01, 0.9),
             driver=_two_steps,
             hint_if_fails="the velocity you return is passed back in at the next step: return the new one"),
    ],
    mistakes=[
        Mistake("the velocity was not carried over: new velocity = momentum * velocity - learning_rate * grad "
                "uses the velocity you were given", _wrong(lambda v, g, lr, m: -lr * g, _plus)),
        Mistake("sign error: step against the gradient, velocity = momentum * velocity - learning_rate * grad",
                _wrong(lambda v, g, lr, m: m * v + lr * g, _plus)),
        Mistake("sign error: param = param + velocity (the velocity already points downhill)",
                _wrong(lambda v, g, lr, m: m * v - lr * g, lambda p, v, lr: p - v)),
        Mistake("momentum multiplies the old velocity, not the gradient: velocity = momentum * velocity - "
                "learning_rate * grad", _wrong(lambda v, g, lr, m: v - lr * m * g, _plus)),
        Mistake("momentum multiplies the old velocity, not the gradient: velocity = momentum * velocity - "
                "learning_rate * grad", _wrong(lambda v, g, lr, m: m * (v - lr * g), _plus)),
        Mistake("the learning rate was applied twice: it is already inside the velocity, so param = param + velocity",
                _wrong(lambda v, g, lr, m: m * v - lr * g, lambda p, v, lr: p + lr * v)),
        Mistake("that is plain SGD without momentum: velocity = momentum * velocity - learning_rate * grad",
                _wrong(lambda v, g, lr, m: -lr * g + 0 * v, _plus)),
    ],
    mutation_hint="param += ... changed the caller's array: return new arrays (new_param = param + velocity)",
)
