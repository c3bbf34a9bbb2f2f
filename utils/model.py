"""A small training helper: ``Sequential`` chains layers, ``fit`` runs forward -> loss -> backward ->
update over epochs and minibatches and records a ``History``.

The loop written out (lesson 07 first writes it by hand)::

    for epoch in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):
            y_pred = model.forward(X_batch)          # forward through every layer
            loss = model.loss.forward(y_pred, y_batch)
            model.backward(y_pred, y_batch)          # gradients, last layer first
            optimizer.step(model.layers)             # update weights from the gradients
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from utils.activations import ACTIVATIONS, softmax
from utils.blas import one_blas_thread
from utils.layers import Dense
from utils.losses import CategoricalCrossEntropy, SoftmaxCrossEntropy, accuracy
from utils.regularization import inference_mode


class Sequential:
    """Layers applied in order, plus the loss they are trained on.

    ``forward(X)`` ``(n_samples, n_features)`` -> output of the last layer; ``backward(y_pred, y_true)``
    passes the loss gradient back through every layer (each layer stores its own gradients).
    """

    def __init__(self, layers: Sequence, loss=None):
        self.layers = list(layers)
        self.loss = SoftmaxCrossEntropy() if loss is None else loss

    def __repr__(self) -> str:
        return "Sequential([" + ", ".join(map(repr, self.layers)) + f"], loss={type(self.loss).__name__})"

    def forward(self, X) -> np.ndarray:
        """X ``(n_samples, n_features)`` -> output ``(n_samples, n_outputs)``."""
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, y_pred, y_true) -> np.ndarray:
        """Gradient of the loss, passed back through every layer; returns dinputs of the first layer."""
        grad = self.loss.backward(y_pred, y_true)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n_samples, n_classes)`` (softmax of the outputs when the loss takes logits);
        dropout layers are off (inference)."""
        with inference_mode(self.layers):
            out = self.forward(X)
        return softmax(out) if isinstance(self.loss, SoftmaxCrossEntropy) else out

    def predict(self, X) -> np.ndarray:
        """Predicted class per sample ``(n_samples,)``; dropout layers are off (inference)."""
        with inference_mode(self.layers):
            return np.argmax(self.forward(X), axis=1)

    def n_parameters(self) -> int:
        """How many trainable numbers the model has."""
        return sum(p.size for layer in self.layers if hasattr(layer, "parameters") for p in layer.parameters().values())


def training_step(layers: Sequence, loss_fn, X, y, learning_rate: float) -> float:
    """One step of plain gradient descent on a list of layers (lesson 07's exercise, reference version).

    Forward ``X`` ``(n_samples, n_features)`` through ``layers`` in order, compute ``loss_fn.forward(output, y)``,
    pass ``loss_fn.backward(output, y)`` back through the layers in reverse, and only then update every layer
    that has weights: ``weights -= learning_rate * dweights``, ``biases -= learning_rate * dbiases``.
    Returns the loss *before* the update (the loss of the forward pass the gradients belong to).
    """
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = float(loss_fn.forward(out, y))
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases
    return loss


def make_mlp(sizes: Sequence[int], activation: str = "relu", rng: np.random.Generator | None = None, loss=None) -> Sequential:
    """A multilayer perceptron: Dense layers of the given sizes with ``activation`` between them.

    ``sizes=(2, 64, 3)`` -> Dense(2, 64), ReLU, Dense(64, 3). The last layer has no activation (it
    returns logits for ``SoftmaxCrossEntropy``). Hidden weights use He/Xavier scaling instead of 0.01,
    so deeper nets start training at once.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, got {tuple(sizes)}")
    rng = np.random.default_rng(0) if rng is None else rng
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        dense = Dense(n_in, n_out, rng=rng)
        gain = 2.0 if activation in ("relu", "leaky_relu") else 1.0
        dense.weights = rng.standard_normal((n_in, n_out)) * np.sqrt(gain / n_in)
        layers.append(dense)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return Sequential(layers, loss)


def minibatches(X, y, batch_size: int | None, rng: np.random.Generator | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` covering every sample once, in an order shuffled by ``rng``.

    ``batch_size=None`` (or >= n_samples) gives the full batch; without ``rng`` the order is kept.
    """
    n = X.shape[0]
    if batch_size is None or batch_size >= n:
        yield X, y
        return
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


@dataclass
class History:
    """What ``fit`` recorded, one entry per epoch: ``loss``, ``accuracy`` (training) and, when
    validation data was given, ``val_loss``, ``val_accuracy``. ``diverged_epoch`` is set when the loss
    became nan or inf (the learning rate is too high); ``best_epoch`` (from 0) when early stopping chose the
    epoch whose weights the model kept."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    diverged_epoch: int | None = None
    best_epoch: int | None = None

    @property
    def diverged(self) -> bool:
        """True when training stopped because the loss stopped being a finite number."""
        return self.diverged_epoch is not None

    def summary(self) -> str:
        """One line: epochs run, final loss and accuracy, or where it diverged and what to do."""
        if self.diverged:
            return (f"diverged at epoch {self.diverged_epoch}: the loss became nan/inf — "
                    "the learning rate is too high; lower it (e.g. by 10x)")
        text = f"{len(self.loss)} epochs: loss {self.loss[-1]:.4f}"
        if self.accuracy and np.isfinite(self.accuracy[-1]):
            text += f", accuracy {self.accuracy[-1]:.3f}"
        if self.val_loss:
            text += f", validation loss {self.val_loss[-1]:.4f}, validation accuracy {self.val_accuracy[-1]:.3f}"
        return text


def _evaluate(model: Sequential, X, y) -> tuple[float, float]:
    with inference_mode(model.layers):  # dropout off: validation measures the network that would be used
        out = model.forward(X)
    return model.loss.forward(out, y), accuracy(out, y)


def fit(
    model: Sequential,
    X,
    y,
    optimizer,
    epochs: int = 100,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    validation: tuple | None = None,
    progress: bool | str = False,
    history: History | None = None,
    early_stopping=None,
) -> History:
    """Train ``model`` in place and return its ``History``.

    Args:
        X ``(n_samples, n_features)``, y labels ``(n_samples,)`` or one-hot (or regression targets).
        optimizer: ``SGD`` or ``Adam`` (anything with ``step(layers)``).
        batch_size: ``None`` for full batch; otherwise minibatches shuffled each epoch with ``rng``.
        validation: ``(X_val, y_val)`` to record ``val_loss`` / ``val_accuracy`` each epoch.
        progress: show a tqdm progress bar that stays on screen when training ends (100 %, epochs, time), in
            plain text so a saved notebook shows it too; a string names the run (``progress="lr 0.005"``), so
            several bars in one cell can be told apart.
        history: continue recording into an existing History (used by the playground's step button).
        early_stopping: a ``utils.regularization.EarlyStopping`` (needs ``validation``): training stops after its
            ``patience`` epochs without a lower validation loss, and the model keeps the weights of the best epoch
            (``history.best_epoch``), also when the run ends first.
    Stops early, setting ``history.diverged_epoch``, when the loss becomes nan or inf. Computes on one BLAS
    thread (``utils.blas.one_blas_thread``; the setting before is restored).
    """
    history = History() if history is None else history
    rng = np.random.default_rng(0) if rng is None else rng
    if early_stopping is not None and validation is None:
        raise ValueError("fit: early_stopping needs validation=(X_val, y_val) to watch")
    classify = isinstance(model.loss, (SoftmaxCrossEntropy, CategoricalCrossEntropy))
    epoch_iter = range(int(epochs))
    if progress:
        import sys

        from tqdm import tqdm

        desc = progress if isinstance(progress, str) and progress else "training"
        epoch_iter = tqdm(epoch_iter, desc=desc, unit="epoch", leave=True, file=sys.stdout, ncols=90,
                          mininterval=0.2)
    start = len(history.loss)
    # with one full batch and no dropout, the epoch's numbers are those of the training pass itself
    full_batch = (batch_size is None or batch_size >= X.shape[0]) and not any(
        hasattr(layer, "training") for layer in model.layers)
    with one_blas_thread():  # small products: a second BLAS thread saves nothing and busy-waits (utils.blas)
        for epoch in epoch_iter:
            with np.errstate(over="ignore", invalid="ignore"):
                for X_batch, y_batch in minibatches(X, y, batch_size, rng):
                    y_pred = model.forward(X_batch)
                    batch_loss = model.loss.forward(y_pred, y_batch)
                    if not math.isfinite(batch_loss):
                        history.diverged_epoch = start + epoch + 1
                        return history
                    model.backward(y_pred, y_batch)
                    optimizer.step(model.layers)
                if full_batch:
                    loss_value, acc = batch_loss, accuracy(y_pred, y) if classify else float("nan")
                else:
                    with inference_mode(model.layers):
                        out = model.forward(X)
                    loss_value = model.loss.forward(out, y)
                    acc = accuracy(out, y) if classify else float("nan")
            history.loss.append(loss_value)
            history.accuracy.append(acc)
            if validation is not None:
                val_loss, val_acc = _evaluate(model, *validation)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
                if early_stopping is not None and early_stopping.update(val_loss, model.layers):
                    break
    if early_stopping is not None and early_stopping.best_epoch >= 0:
        early_stopping.restore(model.layers)
        history.best_epoch = early_stopping.best_epoch
    return history


def tune_learning_rate(make_optimizer, learning_rates: Sequence[float], X, y, sizes: Sequence[int], epochs: int,
                       seed: int = 0) -> tuple[float, dict[float, History]]:
    """Train a fresh ``make_mlp(sizes)`` (same seed, same start) once per learning rate and keep the best.

    make_optimizer: ``learning_rate -> optimizer`` (e.g. ``lambda lr: SGD(lr, momentum=0.9)``). "Best" is the
    lowest training loss averaged over the last 10 % of the epochs — a single final value may land on a spike of
    a run at the edge of stability — and a run that diverged counts as infinitely bad. Returns
    ``(best_learning_rate, {learning_rate: History})``.
    """
    histories = {}
    for lr in learning_rates:
        model = make_mlp(sizes, rng=np.random.default_rng(seed))
        histories[lr] = fit(model, X, y, make_optimizer(lr), epochs=epochs)

    def final(lr):
        h = histories[lr]
        tail = h.loss[-max(1, len(h.loss) // 10):]
        return float("inf") if h.diverged or not np.all(np.isfinite(tail)) else float(np.mean(tail))

    return min(learning_rates, key=final), histories
