"""Optimizers that step with the learner's own update functions (for the playground and the explorers).

``optimizer("Adam", 0.02)`` behaves like ``utils.optimizers.Adam(0.02)`` (``.step(layers)`` updates every Dense in
place from its gradients) but each array is updated by the learner's ``adam_step`` when they passed it (lesson 07),
else by the course's. ``"SGD"`` and ``"momentum"`` use ``sgd_momentum_step`` (momentum 0 and 0.9). When the
learner's function fails mid-training (raises, returns None, a wrong shape or NaN where the course's is finite) the
optimizer switches to the course's function for good, keeps training, and ``error`` says what happened.
"""

from __future__ import annotations

import os

import numpy as np

from utils.my_library.load import Piece, use

ADAM_EPSILON = 1e-7  # the course's Adam: the learner's adam_step gets the same epsilon, so both give the same steps


class PieceOptimizer:
    """``kind``: "SGD", "momentum" or "Adam"; ``piece``: the update function in use (``piece.whose`` says whose);
    ``error``: None, or why the learner's function was replaced by the course's. Same ``step(layers)`` as the
    course's optimizers."""

    def __init__(self, kind: str, learning_rate: float, folder: str | os.PathLike | None = None):
        if kind not in ("SGD", "momentum", "Adam"):
            raise ValueError(f"optimizer: expected 'SGD', 'momentum' or 'Adam', got {kind!r}")
        self.kind, self.learning_rate = kind, float(learning_rate)
        self.momentum = 0.9 if kind == "momentum" else 0.0
        self.piece: Piece = use("adam_step" if kind == "Adam" else "sgd_momentum_step", folder=folder)
        self.error: str | None = None
        self.t = 0
        self.state: dict[tuple[int, str], list[np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"PieceOptimizer({self.kind!r}, learning_rate={self.learning_rate}, runs {self.piece.whose})"

    @property
    def whose(self) -> str:
        return self.piece.whose

    def _update(self, param: np.ndarray, grad: np.ndarray, state: list[np.ndarray]) -> tuple:
        if self.kind == "Adam":
            args = (param, grad, state[0], state[1], self.t, self.learning_rate, 0.9, 0.999, ADAM_EPSILON)
        else:
            args = (param, grad, state[0], self.learning_rate, self.momentum)
        like = (param, param, param) if self.kind == "Adam" else (param, param)
        outcome = self.piece.call(*args, like=like) if self.piece.mine else None
        if outcome is not None and not outcome:
            self.error = f"{outcome.error} — the course's version takes over"
            self.piece = Piece(self.piece.name, self.piece.fallback, False, f"the course's {self.piece.name}",
                               self.piece.fallback)
            outcome = None
        if outcome is None:
            with np.errstate(all="ignore"):
                return tuple(np.asarray(a, dtype=np.float64) for a in self.piece.fn(*args))
        return tuple(np.asarray(a, dtype=np.float64) for a in outcome.value)

    def step(self, layers) -> None:
        """Update every layer that has ``parameters()`` in place from its stored ``gradients()`` (one time step)."""
        self.t += 1
        for layer in layers:
            if not hasattr(layer, "parameters"):
                continue
            grads = layer.gradients()
            for name, param in layer.parameters().items():
                state = self.state.setdefault((id(layer), name), [np.zeros_like(param), np.zeros_like(param)])
                new = self._update(param, grads[name], state)
                param[...] = new[0]
                state[0] = new[1]
                if self.kind == "Adam":
                    state[1] = new[2]


def optimizer(kind: str, learning_rate: float, folder: str | os.PathLike | None = None) -> PieceOptimizer:
    """An optimizer stepping with the learner's ``adam_step`` / ``sgd_momentum_step`` (see the module docstring)."""
    return PieceOptimizer(kind, learning_rate, folder)
