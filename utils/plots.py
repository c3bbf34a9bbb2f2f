"""Static pictures for the lessons, so a lesson cell shows the idea (``plot_data(X, y)``), not matplotlib.

Every function returns a ``matplotlib.figure.Figure`` that is already closed in pyplot: the notebook
shows the returned figure exactly once, and nothing accumulates in memory over a long session.
Pass ``ax=`` where offered to draw into your own axes instead (then the function returns that figure).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]
"""One colour per class, shared by every scatter, boundary and confusion plot in the course."""


def class_cmap(n_classes: int) -> ListedColormap:
    """A colormap with one course colour per class (0 .. n_classes - 1)."""
    return ListedColormap(CLASS_COLORS[:n_classes])


def _figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] | None = None, **kw):
    with plt.ioff():
        fig, axes = plt.subplots(nrows, ncols, figsize=size or (4.2 * ncols, 3.4 * nrows), **kw)
    plt.close(fig)
    return fig, axes


# ------------------------------------------------------------------------------ data and boundaries
def plot_data(X, y, ax=None, title: str | None = None):
    """Scatter a 2-D dataset coloured by class. X ``(n_samples, 2)``, y labels ``(n_samples,)``."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_data: expected X of shape (n_samples, 2), got {X.shape}")
    fig, ax = _figure() if ax is None else (ax.figure, ax)
    for c in np.unique(y):
        ax.scatter(*X[y == c].T, s=12, color=CLASS_COLORS[int(c) % 10], label=f"class {int(c)}", edgecolor="none")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    if title:
        ax.set_title(title)
    return fig


def grid_over(X, resolution: int = 150, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A mesh covering the data: returns xx, yy ``(resolution, resolution)`` and points ``(resolution², 2)``."""
    X = np.asarray(X)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def plot_decision_boundary(predict: Callable, X, y, ax=None, resolution: int = 150, title: str | None = None):
    """Colour the plane by the class ``predict`` gives each point, with the data on top.

    predict: points ``(n, 2)`` -> labels ``(n,)`` (e.g. ``model.predict``); X ``(n_samples, 2)``; y ``(n_samples,)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    n_classes = int(y.max()) + 1
    xx, yy, points = grid_over(X, resolution)
    labels = np.asarray(predict(points)).reshape(xx.shape)
    fig, ax = _figure() if ax is None else (ax.figure, ax)
    ax.imshow(labels, origin="lower", extent=(xx.min(), xx.max(), yy.min(), yy.max()), cmap=class_cmap(n_classes),
              vmin=-0.5, vmax=n_classes - 0.5, alpha=0.3, aspect="auto", interpolation="nearest")
    plot_data(X, y, ax=ax, title=title)
    return fig


def plot_history(history, title: str | None = None):
    """Loss and accuracy per epoch from a ``utils.model.History`` (validation curves too, if recorded)."""
    fig, (ax_loss, ax_acc) = _figure(ncols=2, size=(8.4, 3.0))
    epochs = np.arange(1, len(history.loss) + 1)
    ax_loss.plot(epochs, history.loss, label="train")
    ax_acc.plot(epochs, history.accuracy, label="train")
    if history.val_loss:
        ax_loss.plot(epochs, history.val_loss, label="test")
        ax_acc.plot(epochs, history.val_accuracy, label="test")
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02), title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_losses(curves: dict[str, Sequence[float]], title: str = "loss per epoch", logy: bool = True):
    """Several loss curves on one axis: ``{"SGD": losses, "Adam": losses}``."""
    fig, ax = _figure(size=(5.5, 3.2))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------------------------ functions and curves
def plot_functions(xs, curves: dict[str, np.ndarray], title: str = "", ax=None, ylim=None):
    """Plot several ``y = f(x)`` curves sampled at ``xs`` ``(n,)`` on one axis."""
    fig, ax = _figure(size=(4.5, 3.2)) if ax is None else (ax.figure, ax)
    for name, ys in curves.items():
        ax.plot(xs, ys, label=name)
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set(title=title, xlabel="z")
    if ylim:
        ax.set_ylim(*ylim)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_activations_with_slopes(names: Sequence[str] = ("sigmoid", "tanh", "relu"), z_range: float = 6.0):
    """Each activation (top) and its derivative (bottom): where the slope is ~0, gradients vanish."""
    from utils import activations

    z = np.linspace(-z_range, z_range, 401)
    fig, axes = _figure(ncols=len(names), nrows=2, size=(3.4 * len(names), 4.6), sharex=True)
    for col, name in enumerate(names):
        layer = activations.ACTIVATIONS[name]()
        out = layer.forward(z.reshape(1, -1)).ravel()
        slope = layer.backward(np.ones((1, z.size))).ravel()
        axes[0, col].plot(z, out, color="C0")
        axes[0, col].set_title(name)
        axes[1, col].plot(z, slope, color="C3")
        axes[1, col].fill_between(z, 0, slope, where=slope < 0.05, color="C3", alpha=0.15)
        axes[1, col].set_xlabel("z")
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("activation(z)")
    axes[1, 0].set_ylabel("slope d/dz")
    fig.tight_layout()
    return fig


def plot_fit(x, y, predictions: dict[str, np.ndarray], title: str = ""):
    """Regression data ``x, y`` ``(n,)`` as dots and each model's predictions ``(n,)`` as a line."""
    fig, ax = _figure(size=(5.0, 3.2))
    ax.scatter(np.ravel(x), np.ravel(y), s=4, color="0.6", label="data")
    order = np.argsort(np.ravel(x))
    for name, pred in predictions.items():
        ax.plot(np.ravel(x)[order], np.ravel(pred)[order], lw=2, label=name)
    ax.set(title=title, xlabel="x", ylabel="y")
    ax.legend(fontsize=8)
    return fig


def plot_error_vs_h(table: dict, title: str = "error of the finite difference vs step size h"):
    """Log-log plot of derivative errors from ``utils.gradients.finite_difference_errors``.

    table: ``{"h": (k,), "forward": (k,), "central": (k,), "eps": machine epsilon, "label": str}`` (or a
    list of such tables, e.g. float64 and float32). Reference slopes h and h² and the round-off line eps/h
    are drawn for the first table.
    """
    tables = table if isinstance(table, list) else [table]
    fig, ax = _figure(size=(6.0, 4.0))
    styles = ["-", "--"]
    for i, t in enumerate(tables):
        ax.loglog(t["h"], t["forward"], styles[i % 2], color="C0", label=f"forward ({t['label']})")
        ax.loglog(t["h"], t["central"], styles[i % 2], color="C1", label=f"central ({t['label']})")
    t = tables[0]
    h = t["h"]
    scale_f = t["forward"][0] / h[0]
    scale_c = t["central"][0] / h[0] ** 2
    ax.loglog(h, scale_f * h, ":", color="C0", lw=1, label="slope 1 (∝ h)")
    ax.loglog(h, scale_c * h ** 2, ":", color="C1", lw=1, label="slope 2 (∝ h²)")
    ax.loglog(h, t["eps"] / h, ":", color="k", lw=1, label="round-off ≈ eps / h")
    ax.set(xlabel="h", ylabel="|error|", title=title, ylim=(1e-17, 1e1))
    ax.invert_xaxis()
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2)
    return fig


def plot_cost(n_params: Sequence[int], series: dict[str, Sequence[float]], ylabel: str = "seconds per gradient",
              title: str = ""):
    """Log-log cost vs number of parameters, one line per method."""
    fig, ax = _figure(size=(5.2, 3.4))
    for name, values in series.items():
        ax.loglog(n_params, values, "o-", label=name)
    ax.set(xlabel="number of parameters", ylabel=ylabel, title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return fig


def plot_clipping(eps: float = 1e-7):
    """-log(p) near p = 0, with and without clipping to ``[eps, 1 - eps]``."""
    p = np.logspace(-12, 0, 400)
    fig, ax = _figure(size=(5.0, 3.2))
    ax.semilogx(p, -np.log(p), label="-log(p)")
    ax.semilogx(p, -np.log(np.clip(p, eps, 1 - eps)), "--", label=f"-log(clip(p, {eps:g}, 1-{eps:g}))")
    ax.axvline(eps, color="0.5", lw=0.8)
    ax.set(xlabel="predicted probability of the true class p", ylabel="loss", title="clipping caps the loss")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


# ------------------------------------------------------------------------------ computation graph
def draw_computation_graph(x, w, b, dout: float = 1.0):
    """The graph of one ReLU neuron, ``relu(sum_i x_i w_i + b)``, with forward values (black, above each
    edge) and backward gradients (red, below), computed here by the chain rule.

    x, w: ``(n_inputs,)`` (drawn for up to 4 inputs); b a number; dout the gradient arriving at the output.
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    products = x * w
    z = products.sum() + b
    out = max(z, 0.0)
    dz = dout * (1.0 if z > 0 else 0.0)
    dproducts = np.full_like(products, dz)  # a sum passes the gradient unchanged to each input
    dx, dw, db = dproducts * w, dproducts * x, dz

    n = len(x)
    fig, ax = _figure(size=(8.5, 1.2 + 1.1 * n))
    ax.set_axis_off()
    ys = np.linspace(n - 1, 0, n) * 1.4
    y_mid = ys.mean()

    def node(xy, text, color="#e8f0fe"):
        ax.annotate(text, xy, ha="center", va="center", fontsize=10,
                    bbox={"boxstyle": "round,pad=0.35", "fc": color, "ec": "0.3"})

    def edge(a, b_, value, grad):
        ax.annotate("", b_, a, arrowprops={"arrowstyle": "->", "color": "0.4", "shrinkA": 14, "shrinkB": 14})
        mx, my = (a[0] + b_[0]) / 2, (a[1] + b_[1]) / 2
        ax.text(mx, my + 0.18, f"{value:g}", ha="center", fontsize=9)
        ax.text(mx, my - 0.32, f"{grad:g}", ha="center", fontsize=9, color="C3")

    for i in range(n):
        node((0, ys[i] + 0.35), f"x{i}")
        node((0, ys[i] - 0.35), f"w{i}")
        node((1.6, ys[i]), "×", "#fff3e0")
        edge((0, ys[i] + 0.35), (1.6, ys[i]), x[i], dx[i])
        edge((0, ys[i] - 0.35), (1.6, ys[i]), w[i], dw[i])
        edge((1.6, ys[i]), (3.4, y_mid), products[i], dproducts[i])
    node((1.6, ys[-1] - 1.1), "b")
    edge((1.6, ys[-1] - 1.1), (3.4, y_mid), b, db)
    node((3.4, y_mid), "+ (z)", "#fff3e0")
    node((5.0, y_mid), "ReLU", "#fff3e0")
    edge((3.4, y_mid), (5.0, y_mid), z, dz)
    node((6.6, y_mid), "out")
    edge((5.0, y_mid), (6.6, y_mid), out, dout)
    ax.set_xlim(-0.5, 7.1)
    ax.set_ylim(ys[-1] - 1.6, ys[0] + 0.8)
    ax.set_title("forward values (black) and gradients ∂out/∂· (red)", fontsize=10)
    return fig


# ------------------------------------------------------------------------------ classification results
def plot_confusion_matrix(cm, class_names: Sequence[str] | None = None, title: str = "confusion matrix"):
    """cm ``(n_classes, n_classes)``: rows are true classes, columns predicted. Counts written in each cell."""
    cm = np.asarray(cm)
    k = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    fig, ax = _figure(size=(0.45 * k + 2.6, 0.45 * k + 2.0))
    ax.imshow(cm, cmap="Blues")
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true", title=title)
    ax.set_xticklabels(names, fontsize=8)
    ax.set_yticklabels(names, fontsize=8)
    return fig


def plot_image_grid(images, titles: Sequence[str], shape: tuple[int, int] = (8, 8), ncols: int = 8,
                    title: str = ""):
    """A grid of small grey images. images ``(n, shape[0]*shape[1])`` or ``(n, *shape)``; one title each."""
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        fig, ax = _figure(size=(4, 1))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "nothing to show", ha="center", va="center")
        return fig
    nrows = int(np.ceil(n / ncols))
    fig, axes = _figure(ncols=ncols, nrows=nrows, size=(1.1 * ncols, 1.3 * nrows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if i < n:
            ax.imshow(images[i].reshape(shape), cmap="gray_r")
            ax.set_title(titles[i], fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
