"""Lesson 08's digits network trained twice: on the course's pieces and on the learner's own (``my_nn/``).

The network is lesson 08's: 64-64-10, ReLU, softmax cross-entropy, Adam, minibatches of 64 shuffled by
``default_rng(0)``, start weights from ``make_mlp([64, 64, 10], rng=default_rng(0))``. The course's way is the
lesson's own code (``fit`` with ``Adam``); the learner's way is a loop built from twelve exercises, each the
learner's function when they passed it, else the course's reference.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from utils.my_library.load import Piece, use

#: the twelve exercises the digits network is made of, and what each does in it
PIECES: dict[str, str] = {
    "standardize": "scale the pixels (lesson 08)",
    "layer_output": "Dense forward (lesson 02)",
    "relu": "ReLU forward (lesson 03)",
    "softmax": "softmax (lesson 03)",
    "categorical_cross_entropy": "the loss (lesson 04)",
    "accuracy": "accuracy (lesson 04)",
    "numerical_gradient": "gradient check (lesson 05)",
    "relu_backward": "ReLU backward (lesson 06)",
    "dense_backward": "Dense backward (lesson 06)",
    "softmax_cross_entropy_backward": "loss backward (lesson 06)",
    "adam_step": "the optimizer step (lesson 07)",
    "confusion_matrix": "confusion matrix (lesson 08)",
}
EPSILON = 1e-7  # utils.optimizers.Adam's epsilon: the learner's adam_step gets the same one


@dataclass
class Comparison:
    """What ``compare_digits`` found. ``pieces``: exercise -> Piece; ``yours``/``course``: names by owner;
    accuracies on the test set; ``gradient_error``: largest relative difference of the four gradients at the
    start; ``weight_error``: largest absolute difference of the trained weights; ``same_predictions``;
    ``gradient_check``: largest relative error of the backprop gradient of the biases against
    ``numerical_gradient``; ``problems``: pieces that failed while training (then the run stopped)."""

    pieces: dict[str, Piece]
    course_accuracy: float
    your_accuracy: float | None = None
    gradient_error: float | None = None
    weight_error: float | None = None
    same_predictions: bool | None = None
    same_confusion: bool | None = None
    gradient_check: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def yours(self) -> list[str]:
        return [name for name, piece in self.pieces.items() if piece.mine]

    @property
    def course(self) -> list[str]:
        return [name for name, piece in self.pieces.items() if not piece.mine]


def _rel_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))


class _PieceFailed(Exception):
    pass


_FAST = [False]


def _run(piece: Piece, *args, like=None):
    """The piece's answer; raises _PieceFailed with the piece's error. Full care (copies, shape and NaN checks) for
    the learner's pieces until ``_FAST[0]`` is set: after the first checked step the loop trusts them."""
    if _FAST[0] or not piece.mine:
        outcome = piece.call(*args, copy_args=False)
    else:
        outcome = piece.call(*args, like=like)
    if not outcome:
        raise _PieceFailed(outcome.error)
    return outcome.value


class _LearnerNetwork:
    """The 64-64-10 network as plain arrays, every step done by a piece."""

    def __init__(self, pieces: dict[str, Piece], start_weights: list[np.ndarray]):
        self.p = pieces
        self.params = [w.copy() for w in start_weights]  # W1, b1, W2, b2
        self.m = [np.zeros_like(w) for w in self.params]
        self.v = [np.zeros_like(w) for w in self.params]
        self.t = 0

    def forward(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        W1, b1, W2, b2 = self.params
        hidden_in = np.asarray(_run(self.p["layer_output"], X, W1, b1, like=X @ W1 + b1), dtype=np.float64)
        hidden = np.asarray(_run(self.p["relu"], hidden_in, like=hidden_in), dtype=np.float64)
        logits = np.asarray(_run(self.p["layer_output"], hidden, W2, b2, like=hidden @ W2 + b2), dtype=np.float64)
        return hidden_in, hidden, logits

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        logits = self.forward(X)[2]
        return np.asarray(_run(self.p["softmax"], logits, like=logits), dtype=np.float64)

    def gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        W1, b1, W2, b2 = self.params
        hidden_in, hidden, logits = self.forward(X)
        probs = np.asarray(_run(self.p["softmax"], logits, like=logits), dtype=np.float64)
        loss = float(_run(self.p["categorical_cross_entropy"], probs, y, like=0.0))
        dlogits = _run(self.p["softmax_cross_entropy_backward"], probs, y, like=probs)
        like = (hidden, W2, b2)
        dhidden, dW2, db2 = _run(self.p["dense_backward"], dlogits, hidden, W2, like=like)
        dhidden_in = _run(self.p["relu_backward"], dhidden, hidden_in, like=hidden_in)
        _, dW1, db1 = _run(self.p["dense_backward"], dhidden_in, X, W1, like=(X, W1, b1))
        return loss, [np.asarray(g, dtype=np.float64).reshape(w.shape)
                      for g, w in zip((dW1, db1, dW2, db2), self.params, strict=True)]

    def step(self, X: np.ndarray, y: np.ndarray, learning_rate: float) -> float:
        loss, grads = self.gradients(X, y)
        self.t += 1
        for i, (param, grad) in enumerate(zip(self.params, grads, strict=True)):
            like = (param, param, param)
            self.params[i], self.m[i], self.v[i] = (np.asarray(a, dtype=np.float64) for a in _run(
                self.p["adam_step"], param, grad, self.m[i], self.v[i], self.t, learning_rate, 0.9, 0.999, EPSILON,
                like=like))
        return loss


def _gradient_check(net: _LearnerNetwork, X: np.ndarray, y: np.ndarray) -> float:
    """Largest relative error between the backprop gradients of both bias vectors and the learner's (or the
    course's) ``numerical_gradient`` of the loss, on a small batch."""
    _loss, grads = net.gradients(X, y)
    worst = 0.0
    for index in (1, 3):  # b1, b2
        saved = net.params[index]

        def loss_at(bias, index=index):
            net.params[index] = np.asarray(bias, dtype=np.float64)
            logits = net.forward(X)[2]
            probs = np.asarray(_run(net.p["softmax"], logits, like=logits), dtype=np.float64)
            return float(_run(net.p["categorical_cross_entropy"], probs, y, like=0.0))

        try:
            numeric = _run(net.p["numerical_gradient"], loss_at, saved.copy(), like=saved)
        finally:
            net.params[index] = saved
        worst = max(worst, _rel_error(grads[index], numeric))
    return worst


def assemble(folder: str | os.PathLike | None = None) -> dict[str, Piece]:
    """The twelve pieces of the digits network: each the learner's (``my_nn/``) when passed, else the course's."""
    return {name: use(name, folder=folder) for name in PIECES}


def pieces_line(pieces: dict[str, Piece]) -> str:
    """"9 of 12 pieces are yours; 3 are still the course's: softmax, accuracy, adam_step"."""
    course = [name for name, piece in pieces.items() if not piece.mine]
    yours = len(pieces) - len(course)
    if not course:
        return f"all {len(pieces)} pieces are yours"
    if not yours:
        return f"0 of {len(pieces)} pieces are yours yet; all {len(pieces)} are the course's: " + ", ".join(course)
    return (f"{yours} of {len(pieces)} pieces are yours; {len(course)} are still the course's: "
            + ", ".join(course))


def compare_digits(X_train, y_train, X_test, y_test, learning_rate: float = 0.005, epochs: int = 20,
                   batch_size: int = 64, folder: str | os.PathLike | None = None, seed: int = 0,
                   verbose: bool = True, course_model=None) -> Comparison:
    """Train lesson 08's digits network on the course's pieces and on yours, and compare them.

    X_train ``(n_train, 64)`` and X_test ``(n_test, 64)``: raw pixels (each way standardises them with its own
    ``standardize``); y_train ``(n_train,)``, y_test ``(n_test,)``: digit labels. Prints which pieces are yours,
    both test accuracies, the largest gradient difference at the start (same to ~1e-10 when your pieces are
    right) and whether the two trained networks predict the same digits. Never raises for a broken piece: the
    piece and its error are reported and the comparison stops there.

    course_model: the lesson's network already trained the course's way (``make_mlp(..., rng=default_rng(seed))``
    and ``fit(..., Adam(learning_rate), epochs, batch_size, rng=default_rng(seed))`` on the course's
    standardised ``X_train``), to save training it again; None trains it here."""
    from utils.layers import Dense
    from utils.losses import accuracy as course_accuracy_fn
    from utils.model import fit, make_mlp, minibatches
    from utils.optimizers import Adam

    X_train, X_test = np.asarray(X_train, dtype=np.float64), np.asarray(X_test, dtype=np.float64)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"compare_digits: expected X_{name} (n, n_features) and y_{name} (n,), got "
                             f"{X.shape} and {y.shape}")
    pieces = assemble(folder)
    say: Callable[[str], None] = print if verbose else (lambda _text: None)
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    sizes = [X_train.shape[1], 64, n_classes]

    # the course's way: lesson 08's own code
    from utils.data import standardize as course_standardize

    Xc_train, Xc_test = course_standardize(X_train, X_test)
    course_net = make_mlp(sizes, activation="relu", rng=np.random.default_rng(seed))
    start = [layer.parameters()[k].copy() for layer in course_net.layers if isinstance(layer, Dense)
             for k in ("weights", "biases")]
    first_X, first_y = next(minibatches(Xc_train, y_train, batch_size, np.random.default_rng(seed)))
    course_net.backward(course_net.forward(first_X), first_y)
    course_grads = [layer.gradients()[k].copy() for layer in course_net.layers if isinstance(layer, Dense)
                    for k in ("weights", "biases")]
    if course_model is None:
        fit(course_net, Xc_train, y_train, Adam(learning_rate), epochs=epochs, batch_size=batch_size,
            rng=np.random.default_rng(seed))
    else:
        course_net = course_model
    course_out = course_net.forward(Xc_test)
    result = Comparison(pieces, course_accuracy_fn(course_out, y_test))
    course_pred = np.argmax(course_out, axis=1)

    say(f"the digits network is made of {len(pieces)} pieces: " + pieces_line(pieces))
    say(f"the course's network : test accuracy {result.course_accuracy:.3f}")
    try:
        scaled = _run(pieces["standardize"], X_train, X_test, like=(Xc_train, Xc_test))
        Xy_train, Xy_test = (np.asarray(a, dtype=np.float64) for a in scaled)
        net = _LearnerNetwork(pieces, start)
        X_first, y_first = next(minibatches(Xy_train, y_train, batch_size, np.random.default_rng(seed)))
        _loss, grads = net.gradients(X_first, y_first)
        result.gradient_error = max(_rel_error(a, b) for a, b in zip(grads, course_grads, strict=True))
        result.gradient_check = _gradient_check(net, X_first[:8], y_first[:8])
        rng = np.random.default_rng(seed)  # one generator for every epoch, as in fit
        for epoch in range(epochs):
            for X_batch, y_batch in minibatches(Xy_train, y_train, batch_size, rng):
                net.step(X_batch, y_batch, learning_rate)
                _FAST[0] = True  # the first step checked every piece with copies: the rest runs at full speed
            if not all(np.all(np.isfinite(p)) for p in net.params):
                raise _PieceFailed(f"the weights became NaN or inf in epoch {epoch + 1}")
            _FAST[0] = False
        probs = net.probabilities(Xy_test)
        result.your_accuracy = float(_run(pieces["accuracy"], probs, y_test, like=0.0))
        your_pred = np.argmax(probs, axis=1)
        result.same_predictions = bool(np.array_equal(your_pred, course_pred))
        result.weight_error = max(float(np.max(np.abs(a - b))) for a, b in zip(
            net.params, [layer.parameters()[k] for layer in course_net.layers if isinstance(layer, Dense)
                         for k in ("weights", "biases")], strict=True))
        reference_cm = np.zeros((n_classes, n_classes), dtype=int)
        np.add.at(reference_cm, (y_test, course_pred), 1)
        cm = _run(pieces["confusion_matrix"], y_test, your_pred, n_classes, like=reference_cm)
        result.same_confusion = bool(np.array_equal(np.asarray(cm), reference_cm))
    except _PieceFailed as exc:
        result.problems.append(str(exc))
        say(f"your network stopped: {exc}")
        return result
    finally:
        _FAST[0] = False
    agree = "the same predictions on" if result.same_predictions else "different predictions on some of"
    say(f"your network         : test accuracy {result.your_accuracy:.3f} — {agree} all {len(y_test)} test digits")
    say("gradients at the start (first minibatch): " + (
        "the same as the course's to 1e-10 ✓" if result.gradient_error <= 1e-10 else
        f"differ from the course's by up to {result.gradient_error:.1e} ✗ (a backward piece is not exact)"))
    say(f"gradient check with {pieces['numerical_gradient'].whose}: " + (
        "backprop and finite differences agree (relative error < 1e-5) ✓" if result.gradient_check < 1e-5 else
        f"relative error {result.gradient_check:.1e} ✗"))
    say("confusion matrix: " + ("the same as the course's ✓" if result.same_confusion else "differs ✗"))
    return result
