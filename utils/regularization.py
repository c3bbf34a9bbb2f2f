"""What fights over-fitting (lesson 10): L2 weight decay, dropout, early stopping.

- **L2 weight decay** adds ``lam * Σ weights²`` (every layer's weights, not its biases) to the loss, so each weight's
  gradient gains ``2 * lam * weights``: ``l2_penalty``, ``l2_backward``. The optimizers take it as
  ``weight_decay=lam`` (``utils.optimizers``).
- **Inverted dropout** zeroes each input with probability ``rate`` during training and scales the survivors by
  ``1 / (1 - rate)``, so the expected output equals the input and inference needs no change: ``dropout_forward``,
  ``dropout_backward`` and the layer ``Dropout``.
- **Early stopping** watches the validation loss and keeps the weights of its best epoch: ``early_stopping_epoch``
  (which epoch that is) and ``EarlyStopping`` (the same rule while training, with a copy of the best weights).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from utils.validation import as_float_array


# ------------------------------------------------------------------------------ L2 weight decay
def l2_penalty(layers: Iterable, lam: float) -> float:
    """``lam × Σ weights²`` over every layer that has ``weights`` (biases are not penalised) -> a float."""
    return float(lam * sum(np.sum(layer.weights**2) for layer in layers if hasattr(layer, "weights")))


def l2_backward(weights, lam: float) -> np.ndarray:
    """The gradient of ``lam × Σ weights²`` with respect to ``weights`` ``(n_inputs, n_neurons)``: ``2 × lam ×
    weights``, same shape."""
    return 2.0 * lam * np.asarray(weights, dtype=np.float64)


# ------------------------------------------------------------------------------ dropout
def _check_rate(rate: float) -> float:
    if not 0 <= rate < 1:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    return float(rate)


def dropout_forward(inputs, rate: float, rng: np.random.Generator, training: bool = True):
    """Inverted dropout. inputs ``(n_samples, n_features)`` (any shape) -> ``(output, mask)``, both that shape.

    Training: ``mask = (rng.random(inputs.shape) >= rate) / (1 - rate)`` — each entry kept with probability
    ``1 - rate`` and then scaled so the expected output equals the input — and ``output = inputs * mask``.
    Inference (``training=False``): ``output = inputs``, ``mask`` all ones, and ``rng`` is not used.
    """
    rate = _check_rate(rate)
    inputs = as_float_array(inputs, "dropout_forward inputs")
    if not training:
        return inputs.copy(), np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate) / (1.0 - rate)
    return inputs * mask, mask


def dropout_backward(dvalues, mask) -> np.ndarray:
    """dvalues (the gradient of the loss w.r.t. the dropout output) -> dinputs ``= dvalues * mask``, same shape:
    a dropped entry passes no gradient, a kept one passes it scaled by ``1 / (1 - rate)``, as in the forward pass."""
    dvalues = as_float_array(dvalues, "dropout_backward dvalues")
    mask = as_float_array(mask, "dropout_backward mask")
    if dvalues.shape != mask.shape:
        raise ValueError(f"dropout_backward: dvalues has shape {dvalues.shape}, expected the mask's {mask.shape}")
    return dvalues * mask


class Dropout:
    """A dropout layer: ``Dropout(rate, rng)``, with ``forward(inputs) -> output`` and ``backward(dvalues) ->
    dinputs`` like every layer (shapes unchanged). ``training`` (True at start) switches it: ``False`` passes inputs
    through unchanged (use ``inference_mode(layers)`` to evaluate a model). It has no parameters.
    """

    def __init__(self, rate: float, rng: np.random.Generator | None = None):
        self.rate = _check_rate(rate)
        self.rng = np.random.default_rng() if rng is None else rng
        self.training = True

    def __repr__(self) -> str:
        return f"Dropout({self.rate:g})"

    def forward(self, inputs) -> np.ndarray:
        """inputs ``(n_samples, n_features)`` -> output, same shape; stores ``inputs``, ``mask``, ``output``."""
        self.inputs = as_float_array(inputs, "Dropout.forward inputs")
        self.output, self.mask = dropout_forward(self.inputs, self.rate, self.rng, self.training)
        return self.output

    def backward(self, dvalues) -> np.ndarray:
        """dvalues, the output's shape -> dinputs ``= dvalues * mask`` of the last forward pass."""
        self.dinputs = dropout_backward(dvalues, self.mask)
        return self.dinputs


@contextlib.contextmanager
def inference_mode(layers: Iterable) -> Iterator[None]:
    """Inside ``with inference_mode(model.layers):`` every layer with a ``training`` switch (``Dropout``) is off;
    afterwards each is back as it was."""
    switches = [layer for layer in layers if hasattr(layer, "training")]
    before = [layer.training for layer in switches]
    try:
        for layer in switches:
            layer.training = False
        yield
    finally:
        for layer, state in zip(switches, before, strict=True):
            layer.training = state


# ------------------------------------------------------------------------------ early stopping
def early_stopping_epoch(val_losses: Sequence[float], patience: int) -> int:
    """The epoch (an index into ``val_losses``, from 0) whose weights early stopping keeps.

    Epochs are read in order; an epoch *improves* when its loss is strictly below the best so far (a tie does not).
    Training stops once ``patience`` epochs in a row have not improved, so later epochs are never seen; the
    answer is the best epoch up to there (the first of equal best losses). A run that ends before patience runs
    out keeps its best epoch overall.
    """
    if int(patience) != patience or patience < 1:
        raise ValueError(f"patience must be a positive integer, got {patience}")
    losses = [float(v) for v in val_losses]
    if not losses:
        raise ValueError("val_losses is empty: expected at least one epoch's validation loss")
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


class EarlyStopping:
    """Early stopping while training: call ``update(val_loss, layers)`` once per epoch; it returns True when
    training should stop (``patience`` epochs in a row without a strictly lower validation loss). It keeps a copy
    of the best epoch's parameters; ``restore(layers)`` puts them back. ``best_epoch`` counts from 0, like
    ``early_stopping_epoch``, which gives the same epoch for the same losses.
    """

    def __init__(self, patience: int):
        if int(patience) != patience or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience}")
        self.patience = int(patience)
        self.best_loss, self.best_epoch, self.epoch, self.waited = float("inf"), -1, -1, 0
        self.best_parameters: list[dict[str, np.ndarray]] = []

    def update(self, val_loss: float, layers: Sequence) -> bool:
        """Record one epoch's validation loss; True when training should stop now."""
        self.epoch += 1
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.waited = float(val_loss), self.epoch, 0
            self.best_parameters = [{name: p.copy() for name, p in layer.parameters().items()}
                                    for layer in layers if hasattr(layer, "parameters")]
            return False
        self.waited += 1
        return self.waited >= self.patience

    def restore(self, layers: Sequence) -> None:
        """Copy the best epoch's parameters back into ``layers`` (the same layers given to ``update``)."""
        trainable = [layer for layer in layers if hasattr(layer, "parameters")]
        if len(trainable) != len(self.best_parameters):
            raise ValueError(f"restore: expected the {len(self.best_parameters)} layers with parameters given to "
                             f"update, got {len(trainable)}")
        for layer, saved in zip(trainable, self.best_parameters, strict=True):
            for name, param in layer.parameters().items():
                param[...] = saved[name]
