"""Interactive explorers: move a slider, watch the math react.

Every factory works with no arguments, returns an ``Explorer`` (an ``ipywidgets.VBox``) and redraws
synchronously when a control changes, so it can be driven without a kernel::

    w = neuron_explorer()
    w.controls["w1"].value = 0.3      # recomputes, updates the artists, re-renders w.image
    w.fig                             # the matplotlib Figure; w.readout holds the numbers

How: the figure is built once (``matplotlib.figure.Figure``, no pyplot state); a change updates the
existing artists (``set_data``, ``set_array``, ``set_height``, ``set_text``) and renders the figure to a PNG
shown in an ``ipywidgets.Image``. This works the same in JupyterLab, classic Notebook, VS Code and Voilà
slides, needs no ipympl, and never flickers (the image is swapped, not the output cleared).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from utils import activations, data, gradients
from utils.model import History, fit, make_mlp, minibatches
from utils.optimizers import SGD, Adam, sgd_momentum_step
from utils.plots import CLASS_COLORS, class_cmap, grid_over

_SLIDER_STYLE = {"description_width": "initial"}
_LAYOUT = widgets.Layout(width="260px")


def new_figure(width: float, height: float, ncols: int = 1) -> tuple[Figure, list]:
    """A Figure with ``ncols`` axes side by side, outside pyplot (widgets own their figures)."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def slider(description: str, value: float, lo: float, hi: float, step: float = 0.01, fmt: str = ".2f"):
    """A labelled float slider with a typed readout (type a number + Enter works too)."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=True, style=_SLIDER_STYLE, layout=_LAYOUT)


def log_slider(description: str, value: float, lo_exp: float, hi_exp: float, step: float = 0.1):
    """A base-10 log slider from 10**lo_exp to 10**hi_exp."""
    return widgets.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step, description=description,
                                  readout_format=".1e", style=_SLIDER_STYLE, layout=_LAYOUT)


class Explorer(widgets.VBox):
    """Controls on top, the figure as an image below, a readout line under it.

    Attributes:
        fig: the matplotlib Figure (updated in place).
        controls: ``{name: widget}``; each value widget triggers ``refresh`` on change.
        image: ``ipywidgets.Image`` holding the last rendered PNG.
        readout: ``ipywidgets.HTML`` with the numbers the update function returned.
        timings_ms: milliseconds of each refresh (update + render), for the benchmarks.
    """

    def __init__(self, fig: Figure, controls: dict, update: Callable[[SimpleNamespace], str | None],
                 buttons: list | None = None, animated: list | None = None, dpi: int = 72):
        self.fig, self.controls, self._update = fig, dict(controls), update
        fig.set_dpi(dpi)
        self.animated = list(animated or [])
        for artist in self.animated:
            artist.set_animated(True)
        self._background = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.readout = widgets.HTML()
        self.timings_ms: list[float] = []
        for control in self.controls.values():
            if isinstance(control, widgets.ValueWidget):
                control.observe(self._on_change, names="value")
        rows = [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))]
        if buttons:
            rows.append(widgets.HBox(buttons))
        super().__init__(rows + [self.image, self.readout])
        # CSS hooks for layouts outside the notebook (the slides put the controls beside the figure)
        self.add_class("nn-explorer")
        rows[0].add_class("nn-controls")
        self.image.add_class("nn-figure")
        self.readout.add_class("nn-readout")
        self.refresh()

    def values(self) -> SimpleNamespace:
        """The current value of every control, as attributes (``v.w1``)."""
        return SimpleNamespace(**{k: c.value for k, c in self.controls.items() if isinstance(c, widgets.ValueWidget)})

    def _on_change(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the controls, update the artists, render the image."""
        start = time.perf_counter()
        text = self._update(self.values())
        if text is not None:
            self.readout.value = text
        self.render()
        self.timings_ms.append((time.perf_counter() - start) * 1e3)

    def invalidate(self) -> None:
        """Call after changing something static (axis limits, new artists): the next render draws everything."""
        self._background = None

    def render(self) -> None:
        """Draw the figure into a PNG. Static parts are drawn once and kept as a background; a change
        redraws only the ``animated`` artists on top of it (blitting), which keeps a change to a few ms."""
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # skips animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        width, height = canvas.get_width_height()
        picture = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        picture.save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()


# ------------------------------------------------------------------------------ lesson 00
def hello_slider(frequency: float = 1.0) -> Explorer:
    """Lesson 00's proof that widgets work: a slider changes the frequency of a sine wave."""
    fig, (ax,) = new_figure(4.5, 2.2)
    x = np.linspace(0, 2 * np.pi, 300)
    (line,) = ax.plot(x, np.sin(frequency * x))
    ax.set(ylim=(-1.1, 1.1), xlabel="x", title="sin(frequency · x)")
    fig.tight_layout()

    def update(v):
        line.set_ydata(np.sin(v.frequency * x))
        return f"frequency = {v.frequency:.2f}: the curve above should change as you drag"

    return Explorer(fig, {"frequency": slider("frequency", frequency, 0.5, 5.0)}, update, animated=[line])


# ------------------------------------------------------------------------------ lessons 01-02
def neuron_explorer(w1: float = 1.0, w2: float = -0.5, b: float = 0.0, point: tuple[float, float] = (1.0, 0.5),
                    activation: str = "linear", data_xy: tuple | None = None, resolution: int = 80) -> Explorer:
    """A 2-input neuron ``activation(w1·x1 + w2·x2 + b)`` over the input plane.

    Heatmap: the output at every point; dashed line: where ``w1·x1 + w2·x2 + b = 0``; arrow: the weight
    vector (perpendicular to that line); cross: a chosen point (sliders x1, x2) whose output is in the
    readout. ``data_xy=(X, y)`` draws a dataset on top (lesson 02: what one neuron "sees").
    """
    if activation not in activations.ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(activations.ACTIVATIONS)}, got {activation!r}")
    act = activations.ACTIVATIONS[activation]()
    if data_xy is not None:
        X, y = data_xy
        xx, yy, grid = grid_over(X, resolution, margin=0.1)
    else:
        xx, yy = np.meshgrid(np.linspace(-2, 2, resolution), np.linspace(-2, 2, resolution))
        grid = np.c_[xx.ravel(), yy.ravel()]
    lo, hi = float(xx.min()), float(xx.max())
    lo_y, hi_y = float(yy.min()), float(yy.max())
    fig, (ax,) = new_figure(5.0, 4.0)
    heat = ax.imshow(np.zeros_like(xx), origin="lower", extent=(lo, hi, lo_y, hi_y), cmap="RdBu_r",
                     vmin=-3, vmax=3, aspect="auto", interpolation="bilinear")
    fig.colorbar(heat, ax=ax, label="neuron output")
    if data_xy is not None:
        for c in np.unique(y):
            ax.scatter(*X[y == c].T, s=7, color=CLASS_COLORS[int(c)], edgecolor="k", linewidth=0.2)
    (zero_line,) = ax.plot([], [], "k--", lw=1.2, label="w·x + b = 0")
    arrow = ax.annotate("", xy=(w1, w2), xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 2, "color": "k"})
    (marker,) = ax.plot([], [], "kx", ms=10, mew=2)
    ax.set(xlim=(lo, hi), ylim=(lo_y, hi_y), xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    xs = np.array([lo, hi])

    def update(v):
        z = grid @ np.array([v.w1, v.w2]) + v.b
        heat.set_data(act.forward(z.reshape(1, -1)).reshape(xx.shape))
        if abs(v.w2) > 1e-9:
            zero_line.set_data(xs, -(v.w1 * xs + v.b) / v.w2)
        elif abs(v.w1) > 1e-9:
            zero_line.set_data([-v.b / v.w1] * 2, [lo_y, hi_y])
        else:
            zero_line.set_data([], [])
        arrow.xy = (v.w1, v.w2)
        marker.set_data([v.x1], [v.x2])
        z0 = v.w1 * v.x1 + v.w2 * v.x2 + v.b
        out = float(act.forward(np.array([[z0]]))[0, 0])
        text = (f"output at ({v.x1:.2f}, {v.x2:.2f}) = {v.w1:.2f}·{v.x1:.2f} + {v.w2:.2f}·{v.x2:.2f} + {v.b:.2f} "
                f"= <b>{z0:.3f}</b>")
        return text if activation == "linear" else text + f" → {activation} → <b>{out:.3f}</b>"

    controls = {"w1": slider("w1", w1, -3, 3), "w2": slider("w2", w2, -3, 3), "b": slider("b", b, -3, 3),
                "x1": slider("point x1", point[0], lo, hi), "x2": slider("point x2", point[1], lo_y, hi_y)}
    return Explorer(fig, controls, update, animated=[heat, zero_line, arrow, marker])


# ------------------------------------------------------------------------------ lesson 03
def activation_explorer(activation: str = "sigmoid", w: float = 1.0, b: float = 0.0) -> Explorer:
    """``activation(w·x + b)`` of a one-input neuron; pick the activation from a dropdown.

    The grey curve is ``activation(x)`` itself, so you see how w stretches and b shifts it.
    """
    names = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    funcs = {"step": activations.step, "sigmoid": activations.sigmoid, "tanh": activations.tanh,
             "relu": activations.relu, "leaky_relu": lambda z: activations.leaky_relu(z, 0.1),
             "linear": lambda z: np.asarray(z, dtype=float)}
    if activation not in funcs:
        raise ValueError(f"activation must be one of {names}, got {activation!r}")
    x = np.linspace(-5, 5, 400)
    fig, (ax,) = new_figure(5.0, 3.0)
    (ghost,) = ax.plot(x, funcs[activation](x), color="0.75", lw=3, label="activation(x)")
    (line,) = ax.plot(x, funcs[activation](w * x + b), color="C0", lw=2, label="activation(w·x + b)")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set(xlabel="x", ylim=(-2.2, 2.2))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()

    def update(v):
        f = funcs[v.activation]
        ghost.set_ydata(f(x))
        line.set_ydata(f(v.w * x + v.b))
        ax.set_title(f"{v.activation}({v.w:.2f}·x + {v.b:.2f})")
        if abs(v.w) > 1e-9:
            return f"the bend or middle of the curve sits at x = −b/w = {-v.b / v.w:.2f}; |w| sets how steep it is"
        return "w = 0: the output no longer depends on x"

    controls = {"activation": widgets.Dropdown(options=names, value=activation, description="activation",
                                               layout=widgets.Layout(width="200px")),
                "w": slider("w", w, -4, 4), "b": slider("b", b, -4, 4)}
    return Explorer(fig, controls, update, animated=[ghost, line, ax.title])


def softmax_explorer(logits: tuple[float, float, float] = (2.0, 1.0, 0.1), temperature: float = 1.0) -> Explorer:
    """Three logits and a temperature -> softmax probabilities as bars (``softmax(logits / T)``)."""
    fig, (ax_logit, ax_prob) = new_figure(6.0, 2.8, ncols=2)
    classes = ["class 0", "class 1", "class 2"]
    logit_bars = ax_logit.bar(classes, logits, color=CLASS_COLORS[:3])
    prob_bars = ax_prob.bar(classes, [1 / 3] * 3, color=CLASS_COLORS[:3])
    labels = [ax_prob.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
    ax_logit.set(ylim=(-6, 6), title="logits (raw scores)")
    ax_logit.axhline(0, color="k", lw=0.5)
    ax_prob.set(ylim=(0, 1.12), title="softmax probabilities")
    fig.tight_layout()

    def update(v):
        z = np.array([v.z0, v.z1, v.z2])
        p = activations.softmax(z / v.temperature)
        for bar, value in zip(logit_bars, z, strict=True):
            bar.set_height(value)
        for bar, label, value in zip(prob_bars, labels, p, strict=True):
            bar.set_height(value)
            label.set_position((label.get_position()[0], value + 0.01))
            label.set_text(f"{value:.3f}")
        return (f"probabilities {np.round(p, 3).tolist()} sum to {p.sum():.3f}; "
                f"T = {v.temperature:.2f} ({'sharper' if v.temperature < 1 else 'flatter' if v.temperature > 1 else 'plain softmax'})")

    controls = {"z0": slider("logit 0", logits[0], -5, 5), "z1": slider("logit 1", logits[1], -5, 5),
                "z2": slider("logit 2", logits[2], -5, 5), "temperature": log_slider("temperature T", temperature, -1, 1)}
    controls["temperature"].readout_format = ".2f"
    return Explorer(fig, controls, update, animated=[*logit_bars, *prob_bars, *labels])


# ------------------------------------------------------------------------------ lesson 04
def probability_loss_explorer(p: float = 0.7) -> Explorer:
    """Slide the probability p given to the true class: cross-entropy −log p, the other branch of
    binary cross-entropy −log(1 − p), and the squared error (1 − p)² react side by side."""
    ps = np.linspace(1e-4, 1 - 1e-4, 400)
    fig, (ax, ax_bar) = new_figure(7.2, 3.0, ncols=2)
    ax.plot(ps, -np.log(ps), label="cross-entropy −log p  (target 1)")
    ax.plot(ps, -np.log(1 - ps), label="BCE if the target were 0: −log(1−p)")
    ax.plot(ps, (1 - ps) ** 2, label="squared error (1 − p)²")
    markers = [ax.plot([], [], "o", color=f"C{i}")[0] for i in range(3)]
    ax.set(xlabel="predicted probability p of class 1", ylabel="loss", ylim=(0, 6))
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    bars = ax_bar.bar(["−log p", "−log(1−p)", "(1−p)²"], [0, 0, 0], color=["C0", "C1", "C2"])
    texts = [ax_bar.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
    ax_bar.set(ylim=(0, 10), title="loss at this p")
    fig.tight_layout()

    def update(v):
        q = float(np.clip(v.p, 1e-7, 1 - 1e-7))
        values = [-np.log(q), -np.log(1 - q), (1 - q) ** 2]
        for i, (marker, value) in enumerate(zip(markers, values, strict=True)):
            marker.set_data([q], [min(value, 6)])
            bars[i].set_height(min(value, 10))
            texts[i].set_position((i, min(value, 10) + 0.1))
            texts[i].set_text(f"{value:.3f}")
        return (f"p = {q:.3f}: −log p = {values[0]:.3f} (slope {-1 / q:.2f}), squared error = {values[2]:.3f} "
                f"(slope {-2 * (1 - q):.2f}) — cross-entropy punishes a confident wrong answer far harder")

    return Explorer(fig, {"p": slider("p (true class)", p, 0.001, 0.999, step=0.001, fmt=".3f")}, update,
                    animated=[*markers, *bars, *texts])


def outlier_explorer(outlier: float = 8.0) -> Explorer:
    """Best constant prediction for six points under MSE (the mean) and MAE (the median) as you drag one
    point: the mean follows the outlier, the median hardly moves."""
    base = np.array([1.0, 1.4, 2.0, 2.3, 2.9])
    cs = np.linspace(-6, 12, 400)
    fig, (ax, ax_loss) = new_figure(7.4, 3.0, ncols=2)
    points = ax.scatter(np.arange(6), np.r_[base, outlier], color=["C7"] * 5 + ["C3"], zorder=3)
    mean_line = ax.axhline(0, color="C0", label="mean (best under MSE)")
    median_line = ax.axhline(0, color="C1", ls="--", label="median (best under MAE)")
    ax.set(xlim=(-0.5, 5.5), ylim=(-6, 12), xlabel="sample", ylabel="target y", title="drag the red point")
    ax.legend(fontsize=7, loc="upper left")
    (mse_curve,) = ax_loss.plot(cs, cs, color="C0", label="MSE(c)")
    (mae_curve,) = ax_loss.plot(cs, cs, color="C1", ls="--", label="MAE(c)")
    mse_min = ax_loss.axvline(0, color="C0", lw=0.8)
    mae_min = ax_loss.axvline(0, color="C1", lw=0.8, ls="--")
    ax_loss.set(xlabel="constant prediction c", ylabel="loss", yscale="log", ylim=(0.1, 200))
    ax_loss.legend(fontsize=7)
    fig.tight_layout()

    def update(v):
        y = np.r_[base, v.outlier]
        points.set_offsets(np.c_[np.arange(6), y])
        mean, median = float(y.mean()), float(np.median(y))
        mean_line.set_ydata([mean, mean])
        median_line.set_ydata([median, median])
        mse_curve.set_ydata(((cs[:, None] - y) ** 2).mean(axis=1))
        mae_curve.set_ydata(np.abs(cs[:, None] - y).mean(axis=1))
        mse_min.set_xdata([mean, mean])
        mae_min.set_xdata([median, median])
        return f"outlier at {v.outlier:.1f}: mean = {mean:.3f}, median = {median:.3f}"

    return Explorer(fig, {"outlier": slider("outlier y", outlier, -5, 11, step=0.1, fmt=".1f")}, update,
                    animated=[points, mean_line, median_line, mse_curve, mae_curve, mse_min, mae_min])


# ------------------------------------------------------------------------------ lesson 05
def secant_explorer(h: float = 0.5, x0: float = 1.0) -> Explorer:
    """f(x) = x³/2 near x0: the tangent (slope 1.5·x0²), the forward secant through x0 and x0 + h and the
    central secant through x0 − h and x0 + h. Right: error vs h (log-log), with the current h marked.
    (A cubic, because for a parabola the central difference is exact and its error line would be flat.)"""

    def f(x):
        return 0.5 * x ** 3

    def dfdx(x):
        return 1.5 * x ** 2

    fig, (ax, ax_err) = new_figure(7.6, 3.2, ncols=2)
    xs = np.linspace(-0.5, 2.5, 200)
    ax.plot(xs, f(xs), color="k", lw=1.5, label="f(x) = x³/2")
    (tangent,) = ax.plot([], [], color="C2", lw=1, label="tangent")
    (forward,) = ax.plot([], [], color="C0", label="forward secant")
    (central,) = ax.plot([], [], color="C1", ls="--", label="central secant")
    (dots,) = ax.plot([], [], "o", color="C0", ms=4)
    ax.set(xlim=(-0.5, 2.5), ylim=(-1.5, 8), xlabel="x")
    ax.legend(fontsize=7, loc="upper left")
    table = gradients.finite_difference_errors(f, dfdx, x0, np.logspace(-12, -0.3, 60))
    ax_err.loglog(table["h"], np.maximum(table["forward"], 1e-17), color="C0", label="forward")
    ax_err.loglog(table["h"], np.maximum(table["central"], 1e-17), color="C1", ls="--", label="central")
    now = ax_err.axvline(h, color="0.4", lw=1)
    ax_err.set(xlabel="h", ylabel="|error|", ylim=(1e-17, 10), title="error vs h")
    ax_err.invert_xaxis()
    ax_err.legend(fontsize=7)
    fig.tight_layout()

    def update(v):
        h_ = v.h
        exact = dfdx(x0)
        fwd = (f(x0 + h_) - f(x0)) / h_
        cen = (f(x0 + h_) - f(x0 - h_)) / (2 * h_)
        span = np.array([-0.5, 2.5])
        tangent.set_data(span, f(x0) + exact * (span - x0))
        forward.set_data(span, f(x0) + fwd * (span - x0))
        central.set_data(span, f(x0) + cen * (span - x0))
        dots.set_data([x0 - h_, x0, x0 + h_], [f(x0 - h_), f(x0), f(x0 + h_)])
        now.set_xdata([h_, h_])
        return (f"h = {h_:.1e}: forward slope {fwd:.10f} (error {abs(fwd - exact):.1e}), "
                f"central slope {cen:.10f} (error {abs(cen - exact):.1e}), exact {exact:g}")

    return Explorer(fig, {"h": log_slider("step size h", h, -12, -0.3)}, update,
                    animated=[tangent, forward, central, dots, now])


# ------------------------------------------------------------------------------ lesson 07
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
    fig, (ax,) = new_figure(5.0, 3.0)
    (line,) = ax.plot([], [], color="C0")
    ax.set(xlim=(1, epochs), ylim=(0.01, 30), yscale="log", xlabel="epoch", ylabel="training loss")
    ax.axhline(np.log(3), color="0.6", lw=0.8, ls=":")
    ax.text(1.5, np.log(3) * 1.1, "guessing (log 3)", fontsize=7, color="0.4")
    ax.grid(alpha=0.3)
    fig.tight_layout()

    def update(v):
        model = make_mlp([2, 16, 3], activation="relu", rng=np.random.default_rng(0))
        history = fit(model, X, y, SGD(v.learning_rate), epochs=epochs)
        losses = np.asarray(history.loss)
        line.set_data(np.arange(1, losses.size + 1), losses)
        line.set_color("C3" if history.diverged else "C0")
        ax.set_title(f"learning rate {v.learning_rate:.2g}")
        if history.diverged:
            return f"<b>diverged</b>: {history.summary()}"
        verdict = ("too big: the loss ended higher than it started — the steps overshoot"
                   if losses[-1] > losses[0] else "too small: barely moving" if losses[-1] > 0.9 * losses[0]
                   else "learning")
        return f"after {epochs} epochs: loss {losses[-1]:.4f}, accuracy {history.accuracy[-1]:.3f} — {verdict}"

    return Explorer(fig, {"learning_rate": log_slider("learning rate", learning_rate, -3, 3)}, update,
                    animated=[line, ax.title])


def _surface(w):
    """An ill-conditioned bowl (valley 20x steeper one way than the other), rotated 30°: w ``(..., 2)``."""
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    u = c * w[..., 0] + s * w[..., 1]
    v = -s * w[..., 0] + c * w[..., 1]
    return 0.5 * (u ** 2 + 20.0 * v ** 2)


def _surface_grad(w):
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    u = c * w[0] + s * w[1]
    v = -s * w[0] + c * w[1]
    du, dv = u, 20.0 * v
    return np.array([c * du - s * dv, s * du + c * dv])


def descent_path(learning_rate: float, momentum: float, steps: int = 60, start=(-2.5, 1.5)) -> np.ndarray:
    """Positions ``(steps + 1, 2)`` of SGD with momentum on the 2-parameter bowl used by
    ``loss_surface_explorer`` (uses the course's ``sgd_momentum_step``)."""
    w = np.array(start, dtype=float)
    velocity = np.zeros(2)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w, velocity = sgd_momentum_step(w, _surface_grad(w), velocity, learning_rate, momentum)
            path.append(w.copy())
            if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                break
    return np.array(path)


def loss_surface_explorer(learning_rate: float = 0.04, momentum: float = 0.0, steps: int = 60) -> Explorer:
    """Contours of a 2-parameter loss and the path gradient descent takes from the same start, for the
    chosen learning rate and momentum. The valley is steep across and shallow along: plain SGD zig-zags,
    momentum cancels the zig-zag and speeds along the valley."""
    g = np.linspace(-3, 3, 120)
    W1, W2 = np.meshgrid(g, g)
    fig, (ax,) = new_figure(4.6, 4.0)
    ax.contour(W1, W2, _surface(np.stack([W1, W2], axis=-1)), levels=np.logspace(-2, 2.2, 14), cmap="viridis",
               linewidths=0.8)
    (path_line,) = ax.plot([], [], "o-", color="C3", ms=2.5, lw=1)
    ax.plot([0], [0], "k*", ms=10)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="weight 1", ylabel="weight 2", aspect="equal")
    fig.tight_layout()

    def update(v):
        path = descent_path(v.learning_rate, v.momentum, steps)
        path_line.set_data(path[:, 0], path[:, 1])
        final = float(_surface(path[-1])) if np.all(np.isfinite(path[-1])) else float("inf")
        ax.set_title(f"lr {v.learning_rate:.3f}, momentum {v.momentum:.2f}")
        if not np.isfinite(final) or final > 1e3:
            return f"<b>diverged</b>: the steps overshoot across the valley and grow (loss {final:.3g})"
        return f"loss after {len(path) - 1} steps: {final:.2e}"

    controls = {"learning_rate": slider("learning rate", learning_rate, 0.005, 0.11, step=0.005, fmt=".3f"),
                "momentum": slider("momentum", momentum, 0.0, 0.99, step=0.01)}
    return Explorer(fig, controls, update, animated=[path_line, ax.title])


def batch_size_explorer(batch_size: int = 32, epochs: int = 15) -> Explorer:
    """Train the same network with minibatches of the chosen size (shuffled each epoch with a fixed
    rng) and plot the loss of every update step: small batches are noisy but take many steps per epoch."""
    X, y = data.spiral(samples=60, classes=3, seed=1)
    fig, (ax,) = new_figure(5.4, 3.0)
    (steps_line,) = ax.plot([], [], color="C0", lw=0.8, label="loss per step (batch)")
    (epoch_line,) = ax.plot([], [], "o-", color="C3", ms=3, label="loss per epoch (all data)")
    ax.set(xlabel="epoch", ylabel="loss", xlim=(0, epochs), ylim=(0.05, 3), yscale="log")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()

    def update(v):
        bs = int(v.batch_size)
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
        per_epoch = int(np.ceil(len(X) / bs))
        steps_line.set_data(np.arange(1, len(step_losses) + 1) / per_epoch, step_losses)
        epoch_line.set_data(np.arange(1, epochs + 1), epoch_losses)
        acc = float(np.mean(model.predict(X) == y))
        return (f"batch size {bs}: {per_epoch} updates per epoch, {len(step_losses)} in total; "
                f"final loss {epoch_losses[-1]:.3f}, accuracy {acc:.3f}")

    controls = {"batch_size": widgets.SelectionSlider(options=[4, 8, 16, 32, 64, 180], value=batch_size,
                                                      description="batch size", style=_SLIDER_STYLE, layout=_LAYOUT)}
    return Explorer(fig, controls, update, animated=[steps_line, epoch_line])


class _BoundaryView:
    """A decision-boundary panel drawn once; ``update(model)`` only swaps the image array (set_data)."""

    def __init__(self, ax, X, y, resolution: int = 60):
        self.n_classes = int(y.max()) + 1
        self.xx, self.yy, self.points = grid_over(X, resolution)
        extent = (self.xx.min(), self.xx.max(), self.yy.min(), self.yy.max())
        self.image = ax.imshow(np.zeros(self.xx.shape), origin="lower", extent=extent, aspect="auto",
                               cmap=class_cmap(max(self.n_classes, 2)), vmin=-0.5, vmax=max(self.n_classes, 2) - 0.5,
                               alpha=0.35, interpolation="nearest")
        self.scatter = ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLORS[int(c)] for c in y], s=9, edgecolor="k",
                                  linewidth=0.2)
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])

    def set_data(self, X, y) -> None:
        self.scatter.set_offsets(X)
        self.scatter.set_facecolors([CLASS_COLORS[int(c)] for c in y])

    def update(self, model) -> np.ndarray:
        labels = model.predict(self.points).reshape(self.xx.shape)
        self.image.set_data(labels)
        return labels


def overfitting_explorer(hidden: int = 8, epochs: int = 300) -> Explorer:
    """Noisy circles split into train (dots) and test (crosses): as the hidden layer grows, training
    accuracy climbs while test accuracy stalls or falls — the network starts memorising the noise."""
    X, y = data.circles(samples=120, noise=0.25, seed=3)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.5, seed=0)
    fig, (ax,) = new_figure(4.4, 4.0)
    view = _BoundaryView(ax, X, y, resolution=60)
    view.set_data(X_train, y_train)
    ax.scatter(X_test[:, 0], X_test[:, 1], c=[CLASS_COLORS[int(c)] for c in y_test], marker="x", s=16, lw=0.8)
    fig.tight_layout()
    cache: dict[int, object] = {}

    def update(v):
        h = int(v.hidden)
        if h not in cache:
            model = make_mlp([2, h, h, 2], rng=np.random.default_rng(0))
            fit(model, X_train, y_train, Adam(0.02), epochs=epochs)
            cache[h] = model
        model = cache[h]
        view.update(model)
        train_acc = float(np.mean(model.predict(X_train) == y_train))
        test_acc = float(np.mean(model.predict(X_test) == y_test))
        ax.set_title(f"{h} hidden units per layer")
        return f"train accuracy {train_acc:.3f} (dots), test accuracy {test_acc:.3f} (crosses)"

    controls = {"hidden": widgets.SelectionSlider(options=[1, 2, 4, 8, 16, 32, 64, 128], value=hidden,
                                                  description="hidden units", style=_SLIDER_STYLE, layout=_LAYOUT)}
    return Explorer(fig, controls, update, animated=[view.image, ax.title])


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
        fig, (self.ax, self.ax_loss) = new_figure(7.6, 3.4, ncols=2)
        self.rng = np.random.default_rng(seed)
        controls = {
            "dataset": widgets.Dropdown(options=sorted(data.TOY_DATASETS), value=dataset, description="data",
                                        layout=widgets.Layout(width="170px")),
            "noise": slider("noise", noise, 0.0, 0.5, step=0.05),
            "hidden": widgets.SelectionSlider(options=[2, 4, 8, 16, 32, 64], value=hidden, description="hidden units",
                                              style=_SLIDER_STYLE, layout=_LAYOUT),
            "activation": widgets.Dropdown(options=["relu", "tanh", "sigmoid", "leaky_relu"], value=activation,
                                           description="activation", layout=widgets.Layout(width="200px")),
            "optimizer": widgets.Dropdown(options=["SGD", "momentum", "Adam"], value=optimizer,
                                          description="optimizer", layout=widgets.Layout(width="200px")),
            "learning_rate": log_slider("learning rate", learning_rate, -3, 0.5),
            "batch_size": widgets.SelectionSlider(options=[8, 16, 32, 64, 128, 1024], value=batch_size,
                                                  description="batch size", style=_SLIDER_STYLE, layout=_LAYOUT),
        }
        self.buttons = {name: widgets.Button(description=name, icon=icon, layout=widgets.Layout(width="90px"))
                        for name, icon in [("play", "play"), ("pause", "pause"), ("step", "step-forward"),
                                           ("reset", "refresh")]}
        self.buttons["play"].on_click(lambda _b: self.play())
        self.buttons["pause"].on_click(lambda _b: self.pause())
        self.buttons["step"].on_click(lambda _b: self.step())
        self.buttons["reset"].on_click(lambda _b: self.reset())
        self.ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", ylim=(0.01, 3), xlim=(0, 100))
        self.ax_loss.grid(alpha=0.3)
        (self.loss_line,) = self.ax_loss.plot([], [], color="C0")
        self._new_problem(controls)
        fig.tight_layout()
        super().__init__(fig, controls, self._update_from_controls, buttons=list(self.buttons.values()),
                         animated=[self.view.image, self.loss_line])

    # -- building
    def _new_problem(self, controls) -> None:
        v = SimpleNamespace(**{k: c.value for k, c in controls.items()})
        self.X, self.y, self.model = _classifier(v.dataset, 240, v.noise, int(v.hidden), v.activation, self.seed)
        self.history = History()
        self.optimizer = self._make_optimizer(v)
        self.rng = np.random.default_rng(self.seed)
        for artist in list(self.ax.images) + list(self.ax.collections):
            artist.remove()
        self.view = _BoundaryView(self.ax, self.X, self.y, resolution=50)
        self.view.image.set_animated(True)
        self.loss_line.set_data([], [])
        self.ax_loss.set_xlim(0, 100)
        self._shown = (v.dataset, v.noise, v.hidden, v.activation)
        self.animated = [self.view.image, self.loss_line]
        self.invalidate()

    @staticmethod
    def _make_optimizer(v):
        if v.optimizer == "Adam":
            return Adam(v.learning_rate)
        return SGD(v.learning_rate, momentum=0.9 if v.optimizer == "momentum" else 0.0)

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
            return f"epoch {epoch}: <b>{self.history.summary()}</b>"
        if not losses:
            return "epoch 0: press step or play"
        return f"epoch {epoch}: loss {losses[-1]:.4f}, training accuracy <b>{self.history.accuracy[-1]:.3f}</b>"

    # -- actions
    def step(self) -> None:
        """Train ``epochs_per_step`` more epochs and redraw."""
        if self.history.diverged:
            return
        start = time.perf_counter()
        v = self.values()
        fit(self.model, self.X, self.y, self.optimizer, epochs=self.epochs_per_step, batch_size=int(v.batch_size),
            rng=self.rng, history=self.history)
        self.readout.value = self._draw()
        self.render()
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


# ------------------------------------------------------------------------------ lesson 08
def digit_browser(model=None, images=None, labels=None, index: int = 0) -> Explorer:
    """Browse test images with the network's probabilities as bars.

    model: anything with ``predict_proba(X)`` ``(n, 10)``; images ``(n, 64)`` as the model takes them
    (standardised is fine: the picture is rescaled); labels ``(n,)``. With no arguments, a small network is
    trained on the digits (about a second).
    """
    if model is None or images is None or labels is None:
        X, y = data.digits()
        X_train, images, y_train, labels = data.train_test_split(X, y, test_fraction=0.2, seed=0)
        scaler = data.Standardizer().fit(X_train)
        model = make_mlp([64, 32, 10], rng=np.random.default_rng(0))
        fit(model, scaler.transform(X_train), y_train, Adam(0.01), epochs=40, batch_size=64)
        images = scaler.transform(images)
    images, labels = np.asarray(images), np.asarray(labels)
    probs_all = model.predict_proba(images)
    fig, (ax_img, ax_bar) = new_figure(6.0, 2.8, ncols=2)
    pic = ax_img.imshow(np.zeros((8, 8)), cmap="gray_r")
    ax_img.set_axis_off()
    bars = ax_bar.bar(range(10), np.zeros(10), color="C7")
    ax_bar.set(ylim=(0, 1.05), xticks=range(10), xlabel="digit", ylabel="probability")
    fig.tight_layout()
    wrong = np.flatnonzero(probs_all.argmax(axis=1) != labels)

    def update(v):
        i = int(v.index)
        img = images[i].reshape(8, 8)
        pic.set_data(img)
        pic.set_clim(img.min(), img.max())
        p = probs_all[i]
        pred = int(p.argmax())
        for k, bar in enumerate(bars):
            bar.set_height(p[k])
            bar.set_color("C2" if k == labels[i] else "C3" if k == pred else "C7")
        ok = "✓" if pred == labels[i] else "✗"
        ax_img.set_title(f"true {labels[i]}, predicted {pred} {ok}")
        return (f"image {i}: predicted {pred} with probability {p[pred]:.3f}; true label {labels[i]} "
                f"({len(wrong)} of {len(labels)} test images are misclassified, e.g. {wrong[:5].tolist()})")

    controls = {"index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="test image",
                                           style=_SLIDER_STYLE, layout=_LAYOUT)}
    return Explorer(fig, controls, update, animated=[pic, *bars, ax_img.title])


FACTORIES = {
    "hello_slider": hello_slider,
    "neuron_explorer": neuron_explorer,
    "activation_explorer": activation_explorer,
    "softmax_explorer": softmax_explorer,
    "probability_loss_explorer": probability_loss_explorer,
    "outlier_explorer": outlier_explorer,
    "secant_explorer": secant_explorer,
    "learning_rate_explorer": learning_rate_explorer,
    "loss_surface_explorer": loss_surface_explorer,
    "batch_size_explorer": batch_size_explorer,
    "overfitting_explorer": overfitting_explorer,
    "playground": playground,
    "digit_browser": digit_browser,
}
"""Every widget factory by name (the tests and the benchmarks walk this)."""

