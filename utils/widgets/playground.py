"""Lesson 07: a TensorFlow-Playground-style panel — pick data and a network, then play, pause, step, reset."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from utils import data, my_library
from utils.model import History, fit
from utils.optimizers import SGD, Adam
from utils.style import plain_log_ticks
from utils.widgets.engine import Explorer, choice_slider, dropdown, log_slider, new_figure, one_blas_thread, slider
from utils.widgets.training import _BoundaryView, _classifier

FLAT_EPOCHS = 30
"""How many recent epochs the playground looks at to call the loss flat."""
FLAT_CHANGE = 0.01
"""The loss is flat when it changed by less than this fraction over the last ``FLAT_EPOCHS`` epochs."""


def stuck_reason(model, X, losses, accuracy: float) -> str | None:
    """Why training is stuck, in words, or None when it is not.

    Stuck means: at least ``FLAT_EPOCHS`` epochs, the loss changed by less than ``FLAT_CHANGE`` (relative) over
    the last ``FLAT_EPOCHS`` of them, and the training accuracy is below 0.95. The reasons looked for, on the
    hidden layers of ``model`` (Dense, activation, Dense, ..., as ``make_mlp`` builds it) with the data ``X``
    ``(n_samples, 2)``:

    - *dead units*: a hidden unit whose activation output is the same for every sample (ReLU: 0 everywhere) has
      no slope, so no gradient reaches its weights and it never comes back;
    - *symmetric units*: two units with the same incoming weights and bias compute the same thing and receive
      the same gradient, so they can never become different;
    - otherwise the plateau itself: a loss near ln(classes) means the network still guesses every class equally.
    """
    losses = np.asarray(losses, dtype=float)
    if len(losses) < FLAT_EPOCHS or accuracy >= 0.95 or not np.all(np.isfinite(losses[-FLAT_EPOCHS:])):
        return None
    recent = losses[-FLAT_EPOCHS:]
    if abs(recent[0] - recent[-1]) > FLAT_CHANGE * max(abs(recent[0]), 1e-12):
        return None
    reasons = []
    outputs = np.asarray(X, dtype=float)
    dense_layers = [layer for layer in model.layers if hasattr(layer, "weights")]
    for layer in model.layers[:-1]:
        outputs = layer.forward(outputs)
        if hasattr(layer, "weights"):
            continue
        previous = _dense_before(model, layer)
        number = next((i + 1 for i, dense in enumerate(dense_layers) if dense is previous), 0)
        dead = int(np.sum(np.ptp(outputs, axis=0) < 1e-9))
        if dead:
            reasons.append(f"{dead} of {outputs.shape[1]} units of hidden layer {number} are dead: they output the "
                           "same value for every point (a ReLU stuck at 0), so no gradient reaches their weights")
        if previous is not None:
            incoming = np.vstack([previous.weights, previous.biases]).T  # (n_units, n_inputs + 1)
            pairs = sum(1 for i in range(len(incoming)) for j in range(i + 1, len(incoming))
                        if np.allclose(incoming[i], incoming[j], rtol=1e-6, atol=1e-9))
            if pairs:
                reasons.append(f"hidden layer {number} has {pairs} pair(s) of units with the same weights: they "
                               "compute the same thing and get the same gradient, so they never become different")
    n_classes = dense_layers[-1].weights.shape[1]
    plateau = (f"the loss stays near ln({n_classes}) = {np.log(n_classes):.2f}: the network still gives every "
               "class the same probability" if abs(recent[-1] - np.log(n_classes)) < 0.05 else
               f"the loss has not moved for {FLAT_EPOCHS} epochs")
    advice = "try reset (new random weights), more hidden units, another activation or a smaller learning rate"
    return "stuck: " + "; ".join([plateau, *reasons]) + f" — {advice}"


def _dense_before(model, activation_layer):
    """The Dense layer right before ``activation_layer`` in ``model.layers`` (None if there is none)."""
    index = model.layers.index(activation_layer)
    for layer in reversed(model.layers[:index]):
        if hasattr(layer, "weights"):
            return layer
    return None


class Playground(Explorer):
    """TensorFlow-Playground-style panel: pick data and network, then play / pause / step / reset.

    ``step()`` trains ``epochs_per_step`` epochs and redraws the boundary and the loss curve; ``play``
    repeats steps in the background (an asyncio task, so the kernel stays free for the pause button)
    until paused or ``max_epochs`` is reached. Attributes: ``model``, ``history``, ``X``, ``y``.
    """

    def __init__(self, dataset="spiral", noise=0.2, hidden=16, activation="relu", optimizer="Adam",
                 learning_rate=0.02, batch_size=32, epochs_per_step=10, max_epochs=1500, seed=0):
        self.epochs_per_step, self.max_epochs, self.seed = epochs_per_step, max_epochs, seed
        self._task = None
        self.playing = False
        fig, (self.ax, self.ax_loss) = new_figure(7.8, 3.6, ncols=2)
        self.rng = np.random.default_rng(seed)
        controls = {
            "dataset": dropdown("data", sorted(data.TOY_DATASETS), dataset),
            "noise": slider("noise", noise, 0.0, 0.5, step=0.05),
            "hidden": choice_slider("hidden units", [2, 4, 8, 16, 32, 64], hidden),
            "activation": dropdown("activation", ["relu", "tanh", "sigmoid", "leaky_relu"], activation),
            "optimizer": dropdown("optimizer", ["SGD", "momentum", "Adam"], optimizer),
            "learning_rate": log_slider("learning rate", learning_rate, -3, 0.5),
            "batch_size": choice_slider("batch size", [8, 16, 32, 64, 128, 1024], batch_size),
        }
        self.buttons = {name: widgets.Button(description=name, icon=icon, layout=widgets.Layout(width="90px"))
                        for name, icon in [("play", "play"), ("pause", "pause"), ("step", "step-forward"),
                                           ("reset", "refresh")]}
        self.buttons["play"].on_click(lambda _b: self.play())
        self.buttons["pause"].on_click(lambda _b: self.pause())
        self.buttons["step"].on_click(lambda _b: self.step())
        self.buttons["reset"].on_click(lambda _b: self.reset())
        self.ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", ylim=(0.01, 3), xlim=(0, 100),
                         title="training loss")
        plain_log_ticks(self.ax_loss.yaxis)
        self.ax_loss.grid(alpha=0.3)
        (self.loss_line,) = self.ax_loss.plot([], [], color="C0", lw=1.8)
        self.ax.set_title("decision regions and data")
        self._new_problem(controls)
        super().__init__(fig, controls, self._update_from_controls, buttons=list(self.buttons.values()),
                         animated=[self.view.image, self.loss_line], foreground=list(self.view.scatter))

    # -- building
    def _new_problem(self, controls) -> None:
        v = SimpleNamespace(**{k: c.value for k, c in controls.items()})
        self.X, self.y, self.model = _classifier(v.dataset, 240, v.noise, int(v.hidden), v.activation, self.seed)
        self.history = History()
        self.optimizer = self._make_optimizer(v)
        self.rng = np.random.default_rng(self.seed)
        for artist in list(self.ax.images) + list(self.ax.collections):
            artist.remove()
        if getattr(self, "view", None) is not None:
            self.view.image.remove()
        self.view = _BoundaryView(self.ax, self.X, self.y, resolution=50, size=16)
        self.view.image.set_animated(True)
        self.loss_line.set_data([], [])
        if tuple(self.ax_loss.get_xlim()) != (0, 100):
            self.ax_loss.set_xlim(0, 100)
            self.invalidate()
        self._shown = (v.dataset, v.noise, v.hidden, v.activation)
        # the boundary and the points are animated / foreground layers: swapping them needs no full redraw
        self.animated = [self.view.image, self.loss_line]
        self.foreground = list(self.view.scatter)  # the data above the boundary

    @staticmethod
    def _make_optimizer(v):
        """The learner's adam_step / sgd_momentum_step when they passed it (utils.my_library), else the course's."""
        learner = my_library.optimizer(v.optimizer, v.learning_rate)
        if learner.piece.mine:
            return learner
        if v.optimizer == "Adam":
            return Adam(v.learning_rate)
        return SGD(v.learning_rate, momentum=0.9 if v.optimizer == "momentum" else 0.0)

    def _whose(self) -> str:
        """Whose update rule the optimizer runs, or how the learner's failed."""
        error = getattr(self.optimizer, "error", None)
        if error:
            return my_library.error_note(error)
        name = "adam_step" if self.controls["optimizer"].value == "Adam" else "sgd_momentum_step"
        piece = getattr(self.optimizer, "piece", None) or my_library.use(name)
        return my_library.whose_note(piece, prefix="the optimizer ")

    def _update_from_controls(self, v) -> str:
        if (v.dataset, v.noise, v.hidden, v.activation) != self._shown:
            self._new_problem(self.controls)  # a different problem: start over
        else:
            self.optimizer = self._make_optimizer(v)  # a new optimizer continues from the current weights
        return self._draw()

    def _draw(self) -> str:
        self.view.update(self.model)
        losses = self.history.loss
        self.loss_line.set_data(np.arange(1, len(losses) + 1), losses)
        right = 100 * int(np.ceil(max(len(losses), 1) / 100))
        if self.ax_loss.get_xlim()[1] != right:
            self.ax_loss.set_xlim(0, right)
            self.invalidate()
        epoch = len(losses)
        if self.history.diverged:
            return f"epoch {epoch}: <b>{self.history.summary()}</b>{self._whose()}"
        if not losses:
            return f"epoch 0: press step or play{self._whose()}"
        text = (f"epoch {epoch}: loss {losses[-1]:.4f}, training accuracy <b>{self.history.accuracy[-1]:.3f}</b>"
                f"{self._whose()}")
        reason = stuck_reason(self.model, self.X, losses, self.history.accuracy[-1])
        return text if reason is None else f"{text}<br><b>{reason}</b>"

    # -- actions
    def step(self) -> None:
        """Train ``epochs_per_step`` more epochs and redraw."""
        if self.history.diverged:
            return
        start = time.perf_counter()
        v = self.values()
        with one_blas_thread():
            fit(self.model, self.X, self.y, self.optimizer, epochs=self.epochs_per_step, batch_size=int(v.batch_size),
                rng=self.rng, history=self.history)
            text = self._draw()
            self.render()
        self.readout.value = text
        self.timings_ms.append((time.perf_counter() - start) * 1e3)

    def reset(self) -> None:
        """Fresh weights, empty history, same settings."""
        self.pause()
        self._new_problem(self.controls)
        self.refresh()

    def pause(self) -> None:
        self.playing = False

    def play(self, frames: int | None = None) -> None:
        """Step until paused or ``max_epochs``. Inside a running event loop (a Jupyter kernel) this is a
        background task; without one (scripts, tests) it runs ``frames`` steps (default 3) right away."""
        self.playing = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            for _ in range(3 if frames is None else frames):
                if not self._can_continue():
                    break
                self.step()
            self.playing = False
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._play_loop())

    def _can_continue(self) -> bool:
        return self.playing and not self.history.diverged and len(self.history.loss) < self.max_epochs

    async def _play_loop(self) -> None:
        while self._can_continue():
            self.step()
            await asyncio.sleep(0.02)  # hand the kernel back so a pause click is processed
        self.playing = False


def playground(**settings) -> Playground:
    """A TF-Playground-style panel (see ``Playground`` for the settings)."""
    return Playground(**settings)
