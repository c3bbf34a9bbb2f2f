"""Lesson 07: learning rate, the loss surface with momentum, batch size, and over-fitting."""

from __future__ import annotations

import numpy as np

from utils import data, my_library
from utils.model import History, fit, make_mlp, minibatches
from utils.optimizers import SGD, Adam
from utils.plots import class_background_cmap, class_scatter, grid_over
from utils.style import CLASS_COLORS, CLASS_MARKERS, POINT_EDGE, plain_log_ticks
from utils.surfaces import descent_path, surface
from utils.widgets.engine import Explorer, choice_slider, log_slider, new_figure, slider
from utils.widgets.rendering import RegionImage


def _classifier(dataset: str, samples: int, noise: float, hidden: int, activation: str, seed: int):
    X, y = data.toy_dataset(dataset, samples=samples, noise=noise, seed=seed)
    n_classes = int(y.max()) + 1
    model = make_mlp([2, hidden, hidden, n_classes], activation=activation, rng=np.random.default_rng(seed))
    return X, y, model


def learning_rate_explorer(learning_rate: float = 0.05, epochs: int = 60) -> Explorer:
    """Re-runs a short full-batch SGD training of a small network on vertical data for the chosen
    learning rate and redraws its loss curve: too small crawls, a good one drops fast, too big bounces or
    diverges (nan, which is detected and reported)."""
    X, y = data.vertical(samples=50, classes=3, seed=0)
    fig, (ax,) = new_figure(5.6, 3.4)
    (line,) = ax.plot([], [], color="C0", lw=2)
    ax.set(xlim=(1, epochs), ylim=(0.01, 30), yscale="log", xlabel="epoch", ylabel="training loss")
    plain_log_ticks(ax.yaxis)
    ax.axhline(np.log(3), color="0.45", lw=1.2, ls=":", label="guessing (log 3)")
    # the legend sits above the plot, right of the title: no curve can ever cross its labels
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1.01), frameon=False, borderaxespad=0)
    ax.grid(alpha=0.3)
    title = ax.set_title(" ", loc="left")

    runs: dict[float, History] = {}  # seeded: a learning rate seen before is not retrained
    piece = my_library.use("training_step")
    failed: list[str] = []

    def update(v):
        if v.learning_rate not in runs:
            if len(runs) > 256:
                runs.clear()
            model = make_mlp([2, 16, 3], activation="relu", rng=np.random.default_rng(0))
            history = None
            if piece.mine and not failed:
                history = _learner_training(piece, model, X, y, v.learning_rate, epochs)
            if isinstance(history, str):
                failed.append(history)
                history = None
            if history is None:
                model = make_mlp([2, 16, 3], activation="relu", rng=np.random.default_rng(0))
                history = fit(model, X, y, SGD(v.learning_rate), epochs=epochs)
            runs[v.learning_rate] = history
        history = runs[v.learning_rate]
        whose = (my_library.error_note(failed[0], " — the course's training_step runs instead") if failed
                 else my_library.whose_note(piece))
        losses = np.asarray(history.loss)
        line.set_data(np.arange(1, losses.size + 1), losses)
        line.set_color("C3" if history.diverged else "C0")
        title.set_text(f"learning rate {v.learning_rate:.2g}")
        if history.diverged:
            return f"<b>diverged</b>: {history.summary()}{whose}"
        verdict = ("too big: the loss ended higher than it started — the steps overshoot"
                   if losses[-1] > losses[0] else "too small: barely moving" if losses[-1] > 0.9 * losses[0]
                   else "learning")
        return f"after {epochs} epochs: loss {losses[-1]:.4f}, accuracy {history.accuracy[-1]:.3f} — {verdict}{whose}"

    return Explorer(fig, {"learning_rate": log_slider("learning rate", learning_rate, -3, 3)}, update,
                    animated=[line, title])


def _learner_path(piece, learning_rate: float, momentum: float, steps: int):
    """``descent_path`` stepping with the learner's ``sgd_momentum_step``, as an ``Outcome`` (never raises): an
    error, None or a wrong shape from their function is the outcome's error. Divergence is not an error."""
    from utils.my_library import Outcome

    def checked_step(param, grad, velocity, lr, mom):
        outcome = piece.call(param, grad, velocity, lr, mom)
        if not outcome:
            raise _LearnerFailed(outcome.error)
        new = outcome.value
        if not isinstance(new, tuple | list) or len(new) != 2 or np.shape(new[0]) != (2,) or np.shape(new[1]) != (2,):
            raise _LearnerFailed(f"{piece.whose} returned {type(new).__name__}, expected (new_param, new_velocity)"
                                 " of shape (2,) each")
        return new

    try:
        return Outcome(descent_path(learning_rate, momentum, steps, step=checked_step))
    except _LearnerFailed as exc:
        return Outcome(None, str(exc))


class _LearnerFailed(Exception):
    """A learner's function failed inside a widget's computation (the message says whose and how)."""


def loss_surface_explorer(learning_rate: float = 0.04, momentum: float = 0.0, steps: int = 60) -> Explorer:
    """Contours of a 2-parameter loss and the path gradient descent takes from the same start, for the
    chosen learning rate and momentum. The valley is steep across and shallow along: plain SGD zig-zags,
    momentum cancels the zig-zag and speeds along the valley."""
    g = np.linspace(-3, 3, 120)
    W1, W2 = np.meshgrid(g, g)
    fig, (ax,) = new_figure(4.8, 4.4)
    ax.contour(W1, W2, surface(np.stack([W1, W2], axis=-1)), levels=np.logspace(-2, 2.2, 14), cmap="viridis",
               linewidths=1)
    (path_line,) = ax.plot([], [], "o-", color="C3", ms=3.5, lw=1.3, mec=POINT_EDGE, mew=0.4)
    (minimum,) = ax.plot([0], [0], "*", color="k", ms=13, mec="white", label="minimum")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="weight 1", ylabel="weight 2", aspect="equal")
    title = ax.set_title(" ")

    piece = my_library.use("sgd_momentum_step")

    def update(v):
        whose = my_library.whose_note(piece)
        path = None
        if piece.mine:
            outcome = _learner_path(piece, v.learning_rate, v.momentum, steps)
            if outcome:
                path = outcome.value
            else:
                whose = my_library.error_note(outcome.error, " — showing the course's path")
        if path is None:
            path = descent_path(v.learning_rate, v.momentum, steps)
        path_line.set_data(path[:, 0], path[:, 1])
        final = float(surface(path[-1])) if np.all(np.isfinite(path[-1])) else float("inf")
        title.set_text(f"lr {v.learning_rate:.3f}, momentum {v.momentum:.2f}")
        if not np.isfinite(final) or final > 1e3:
            return f"<b>diverged</b>: the steps overshoot across the valley and grow (loss {final:.3g}){whose}"
        return f"loss after {len(path) - 1} steps: {final:.2e}{whose}"

    controls = {"learning_rate": slider("learning rate", learning_rate, 0.005, 0.11, step=0.005, fmt=".3f"),
                "momentum": slider("momentum", momentum, 0.0, 0.99, step=0.01)}
    return Explorer(fig, controls, update, animated=[path_line, title], foreground=[minimum])


def _learner_training(piece, model, X, y, learning_rate: float, epochs: int) -> History | str:
    """Full-batch training with the learner's ``training_step`` (one call per epoch, as ``fit`` with ``SGD`` does):
    the History, or the sentence saying how their function failed. A nan loss is divergence, not a failure."""
    from utils.losses import accuracy

    history = History()
    for epoch in range(epochs):
        with np.errstate(all="ignore"):
            accuracy_before = accuracy(model.forward(X), y)
        outcome = piece.call(model.layers, model.loss, X, y, learning_rate, copy_args=False)
        if not outcome:
            return outcome.error
        try:
            loss = float(outcome.value)
        except (TypeError, ValueError):
            return f"{piece.whose} returned {type(outcome.value).__name__}, expected the loss (a float)"
        if not np.isfinite(loss):
            history.diverged_epoch = epoch + 1
            break
        history.loss.append(loss)
        history.accuracy.append(accuracy_before)
    return history


def batch_size_explorer(batch_size: int = 32, epochs: int = 15) -> Explorer:
    """Train the same network with minibatches of the chosen size (shuffled each epoch with a fixed
    rng) and plot the loss of every update step: small batches are noisy but take many steps per epoch, the
    full batch (180) is smooth but takes one step per epoch. Vertical data (3 classes, 60 points each), which a
    2-32-3 network learns within the 15 epochs, so the speed difference shows."""
    X, y = data.vertical(samples=60, classes=3, seed=1)
    fig, (ax,) = new_figure(5.8, 3.4)
    (steps_line,) = ax.plot([], [], color="C0", lw=1, label="loss per step (batch)")
    (epoch_line,) = ax.plot([], [], "o-", color="C3", ms=5, lw=2, mec=POINT_EDGE, label="loss per epoch (all data)")
    ax.set(xlabel="epoch", ylabel="loss", xlim=(0, epochs + 0.5), ylim=(0.05, 3), yscale="log")
    plain_log_ticks(ax.yaxis)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, frameon=False, borderaxespad=0)
    ax.grid(alpha=0.3)

    runs: dict[int, tuple] = {}  # seeded, so each batch size is trained once and remembered

    def train(bs: int) -> tuple:
        model = make_mlp([2, 32, 3], rng=np.random.default_rng(0))
        opt = Adam(0.02)
        rng = np.random.default_rng(0)
        step_losses, epoch_losses = [], []
        for _ in range(epochs):
            for xb, yb in minibatches(X, y, bs, rng):
                out = model.forward(xb)
                step_losses.append(model.loss.forward(out, yb))
                model.backward(out, yb)
                opt.step(model.layers)
            epoch_losses.append(model.loss.forward(model.forward(X), y))
        return step_losses, epoch_losses, float(np.mean(model.predict(X) == y))

    def update(v):
        bs = int(v.batch_size)
        if bs not in runs:
            runs[bs] = train(bs)
        step_losses, epoch_losses, acc = runs[bs]
        per_epoch = int(np.ceil(len(X) / bs))
        steps_line.set_data(np.arange(1, len(step_losses) + 1) / per_epoch, step_losses)
        epoch_line.set_data(np.arange(1, epochs + 1), epoch_losses)
        return (f"batch size {bs}: {per_epoch} updates per epoch, {len(step_losses)} in total; "
                f"final loss {epoch_losses[-1]:.3f}, accuracy {acc:.3f}")

    controls = {"batch_size": choice_slider("batch size", [4, 8, 16, 32, 64, 180], batch_size)}
    return Explorer(fig, controls, update, animated=[steps_line, epoch_line])


class _BoundaryView:
    """A decision-boundary panel drawn once; ``update(model)`` only swaps the image array (set_data).

    The regions are light, opaque tints of the class colours (``image``, animated); the data points are drawn
    above them (``points``: one collection per class, each its own colour and marker, edged in dark grey), so a
    boundary never tints or hides a point. X ``(n, 2)``, y ``(n,)``.
    """

    def __init__(self, ax, X, y, resolution: int = 60, size: float = 22):
        self.ax, self.size = ax, size
        self.n_classes = int(y.max()) + 1
        self.xx, self.yy, self.points = grid_over(X, resolution)
        extent = (self.xx.min(), self.xx.max(), self.yy.min(), self.yy.max())
        k = max(self.n_classes, 2)
        self.image = RegionImage(ax, np.zeros(self.xx.shape), class_background_cmap(k), -0.5, k - 0.5)
        self.scatter = class_scatter(ax, X, y, size=size, label=False)
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])

    def set_data(self, X, y) -> list:
        """Show ``X, y`` as the points (instead of the data the view was built with); returns the collections."""
        for collection in self.scatter:
            collection.remove()
        self.scatter = class_scatter(self.ax, X, y, size=self.size, label=False)
        return self.scatter

    def update(self, model) -> np.ndarray:
        """Show ``model``'s regions: its scores (logits) on the grid, interpolated between grid points
        (``RegionImage``), so a boundary is smooth rather than a staircase of grid cells. Returns the class of
        each grid point ``(ny, nx)``."""
        scores = model.forward(self.points).reshape(*self.xx.shape, -1)
        self.image.set_data(scores)
        return self.image.get_array().astype(int)


def overfitting_explorer(hidden: int = 8, epochs: int = 300) -> Explorer:
    """Noisy circles split into train (filled markers) and test (hollow markers): as the hidden layer grows,
    training accuracy climbs while test accuracy stalls or falls — the network starts memorising the noise.
    Each class has its own colour and marker shape; the points are always drawn above the boundary."""
    X, y = data.circles(samples=120, noise=0.25, seed=3)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.5, seed=0)
    fig, (ax,) = new_figure(4.8, 4.6)
    view = _BoundaryView(ax, X, y, resolution=60, size=30)
    train_points = view.set_data(X_train, y_train)
    test_points = []
    for c in np.unique(y_test):
        c = int(c)
        test_points.append(ax.scatter(*X_test[y_test == c].T, s=34, marker=CLASS_MARKERS[c], facecolors="white",
                                      edgecolors=CLASS_COLORS[c], linewidths=1.6, zorder=3))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker="o", ms=7, color="0.45", mec=POINT_EDGE, label="train (filled)"),
               Line2D([], [], ls="", marker="o", ms=7, mfc="white", mec="0.3", mew=1.6, label="test (hollow)")]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1, 1.01), ncol=2, frameon=False,
              borderaxespad=0, handletextpad=0.2, columnspacing=0.8)
    title = ax.set_title(" ", loc="left")
    # training is deterministic, so each size is trained once and what it shows is kept: the boundary (the network's
    # class over the whole grid) and the readout; coming back to a size only swaps the picture
    shown: dict[int, tuple[np.ndarray, str]] = {}  # hidden units -> (grid scores (ny, nx, 2), readout)

    def update(v):
        h = int(v.hidden)
        if h not in shown:
            model = make_mlp([2, h, h, 2], rng=np.random.default_rng(0))
            fit(model, X_train, y_train, Adam(0.02), epochs=epochs)
            train_acc = float(np.mean(model.predict(X_train) == y_train))
            test_acc = float(np.mean(model.predict(X_test) == y_test))
            scores = model.forward(view.points).reshape(*view.xx.shape, -1)  # what view.update(model) would show
            shown[h] = (scores,
                        f"train accuracy {train_acc:.3f} (filled markers), test accuracy {test_acc:.3f} (hollow markers)")
        scores, readout = shown[h]
        view.image.set_data(scores)
        title.set_text(f"{h} hidden units per layer")
        return readout

    controls = {"hidden": choice_slider("hidden units", [1, 2, 4, 8, 16, 32, 64, 128], hidden)}
    return Explorer(fig, controls, update, animated=[view.image, title], foreground=[*train_points, *test_points])
