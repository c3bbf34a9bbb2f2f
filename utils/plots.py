"""Static pictures for the lessons, so a lesson cell shows the idea (``plot_data(X, y)``), not matplotlib.

Every function returns a ``matplotlib.figure.Figure`` made outside pyplot (``utils.style.new_figure``): the notebook
shows the returned figure exactly once, and nothing accumulates in memory over a long session.
Pass ``ax=`` where offered to draw into your own axes instead (then the function returns that figure).

The look (10 pt text, the colour-blind-safe Okabe–Ito palette, white figure background so figures stay readable in
a dark JupyterLab theme, "retina" PNGs with twice the pixels inside Jupyter) is ``utils.style``'s, applied when the
first figure is made. No notebook cell has to configure anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.colors import ListedColormap, to_rgb

from utils.activations import ReLU
from utils.layers import Dense
from utils.style import (  # noqa: F401  (re-exported: lessons and widgets import the palette from here)
    CLASS_COLORS,
    CLASS_MARKERS,
    COURSE_STYLE,
    POINT_EDGE,
    TightLayout,
    enable_retina_figures,
    new_figure,
    number,
    plain_log_ticks,
    power_of_ten_ticks,
    tile_figure,
    use_course_style,
)


def class_cmap(n_classes: int) -> ListedColormap:
    """A colormap with one course colour per class (0 .. n_classes - 1)."""
    return ListedColormap([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(n_classes)])


def tint(color, amount: float = 0.3) -> tuple[float, float, float]:
    """``color`` mixed with white (``amount`` of the colour): an opaque light version for backgrounds."""
    rgb = np.array(to_rgb(color))
    return tuple(1 - amount * (1 - rgb))


def class_background_cmap(n_classes: int, amount: float = 0.3) -> ListedColormap:
    """Light, opaque versions of the class colours, for decision-boundary regions (points stay readable on top)."""
    return ListedColormap([tint(CLASS_COLORS[i % len(CLASS_COLORS)], amount) for i in range(n_classes)])


def class_scatter(ax, X, y, size: float = 18, label: bool = True, **kw) -> list:
    """Scatter ``X`` ``(n, 2)`` coloured *and* shaped by class ``y`` ``(n,)``, points edged in dark grey.
    Returns one PathCollection per class (in class order)."""
    X, y = np.asarray(X), np.asarray(y)
    style = {"s": size, "edgecolors": POINT_EDGE, "linewidths": 0.5, "zorder": 3} | kw
    out = []
    for c in np.unique(y):
        c = int(c)
        out.append(ax.scatter(*X[y == c].T, color=CLASS_COLORS[c % len(CLASS_COLORS)],
                              marker=CLASS_MARKERS[c % len(CLASS_MARKERS)], label=f"class {c}" if label else None,
                              **style))
    return out


def _figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] | None = None, squeeze: bool = True, **kw):
    """``new_figure`` with ``plt.subplots``' return convention (one Axes alone, a row or column as a 1-D array,
    else the 2-D array), sized in inches."""
    width, height = size or (4.2 * ncols, 3.4 * nrows)
    fig, axes = new_figure(width, height, ncols, nrows, squeeze=False, **kw)
    if not squeeze:
        return fig, axes
    return fig, axes[0, 0] if axes.size == 1 else axes.reshape(-1) if 1 in axes.shape else axes


# ------------------------------------------------------------------------------ data and boundaries
def plot_data(X, y, ax=None, title: str | None = None):
    """Scatter a 2-D dataset, each class with its own colour and marker. X ``(n_samples, 2)``, y ``(n_samples,)``."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_data: expected X of shape (n_samples, 2), got {X.shape}")
    fig, ax = _figure(size=(5.2, 4.0)) if ax is None else (ax.figure, ax)
    class_scatter(ax, X, y, size=14 if len(X) > 200 else 20)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
    n_classes = len(np.unique(y))
    # the legend sits outside the data, right of the axes, so it never hides a point
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, handletextpad=0.3,
              markerscale=1.3, ncol=1 if n_classes <= 8 else 2)
    if title:
        ax.set_title(title)
    fig.set_layout_engine(TightLayout())
    return fig


def grid_over(X, resolution: int = 150, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A mesh covering the data: returns xx, yy ``(resolution, resolution)`` and points ``(resolution², 2)``."""
    X = np.asarray(X)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def plot_decision_boundary(predict: Callable, X, y, ax=None, resolution: int = 150, title: str | None = None):
    """Colour the plane by the class ``predict`` gives each point (light, opaque tints), with the data on top.

    predict: points ``(n, 2)`` -> labels ``(n,)`` (e.g. ``model.predict``); X ``(n_samples, 2)``; y ``(n_samples,)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    n_classes = int(y.max()) + 1
    xx, yy, points = grid_over(X, resolution)
    labels = np.asarray(predict(points)).reshape(xx.shape)
    fig, ax = _figure(size=(5.2, 4.0)) if ax is None else (ax.figure, ax)
    ax.imshow(labels, origin="lower", extent=(xx.min(), xx.max(), yy.min(), yy.max()),
              cmap=class_background_cmap(n_classes), vmin=-0.5, vmax=n_classes - 0.5, aspect="auto",
              interpolation="nearest", zorder=0)
    plot_data(X, y, ax=ax, title=title)
    ax.set(xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
    ax.set_aspect("equal", adjustable="box")
    fig.set_layout_engine(TightLayout())
    return fig


def plot_history(history, title: str | None = None, n_classes: int | None = None, val_label: str = "validation"):
    """Loss and accuracy per epoch from a ``utils.model.History`` (validation curves too, if recorded, named
    ``val_label`` in the legend).

    n_classes: if given, a dotted line marks the loss of guessing uniformly, log(n_classes); it is named in the
    legend (never written over the curve). The one legend sits below both plots, so it never covers a curve or
    the guessing line.
    """
    fig, (ax_loss, ax_acc) = _figure(ncols=2, size=(8.4, 3.4))
    epochs = np.arange(1, len(history.loss) + 1)
    ax_loss.plot(epochs, history.loss, label="train")
    ax_acc.plot(epochs, history.accuracy, label="train")
    if history.val_loss:
        ax_loss.plot(epochs, history.val_loss, "--", label=val_label)
        ax_acc.plot(epochs, history.val_accuracy, "--", label=val_label)
    if n_classes:
        ax_loss.axhline(np.log(n_classes), color="0.45", lw=1, ls=":", label=f"guessing (log {n_classes})")
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02), title="accuracy")
    plain_log_ticks(ax_loss.yaxis)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    handles, labels = ax_loss.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, bbox_to_anchor=(0.5, 0.0))
    if title:
        fig.suptitle(title)
    fig.set_layout_engine(TightLayout(rect=(0, 0.09, 1, 1)))
    return fig


def plot_losses(curves: dict[str, Sequence[float]], title: str = "loss per epoch", logy: bool = True,
                ylabel: str = "loss"):
    """Several loss curves on one axis, ``{"SGD": losses, "Adam": losses}`` (each a sequence ``(n_epochs,)``),
    every curve with its own colour and line style; the legend sits beside the plot, never on top of a curve."""
    fig, ax = _figure(size=(7.6, 3.4))
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(values) + 1), values, ls=_LINESTYLES[i % len(_LINESTYLES)],
                color=CLASS_COLORS[i % 8], label=name)
    ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.set_layout_engine(TightLayout())
    return fig


_LINESTYLES = ["-", "--", "-.", (0, (1, 1.5)), (0, (5, 1.5, 1, 1.5, 1, 1.5))]


# ------------------------------------------------------------------------------ functions and curves
def plot_functions(xs, curves: dict[str, np.ndarray], title: str = "", ax=None, ylim=None):
    """Plot several ``y = f(x)`` curves sampled at ``xs`` ``(n,)`` on one axis (each curve ``(n,)``).

    Where two curves coincide, both stay visible:

    - a curve that runs on top of an earlier one along a *sloped* stretch (leaky ReLU on ReLU for z > 0) is drawn
      dashed and thinner, so the earlier one shows in the gaps and on both sides of it;
    - a curve that a later one covers along a *flat* stretch (step under ReLU for z < 0, both 0 there) is drawn as
      a wide translucent band below the others: the later curve runs as a thin solid line through its middle
      and the band shows on both sides. Its legend entry shows the same band.

    Where a curve jumps (step at z = 0), a filled dot marks its value at the jump and an open dot the value just
    after it.
    """
    fig, ax = _figure(size=(6.0, 3.2)) if ax is None else (ax.figure, ax)
    xs = np.asarray(xs)
    all_ys = [np.asarray(ys, dtype=float) for ys in curves.values()]
    n = len(all_ys)
    drawn: list[np.ndarray] = []
    for i, (name, ys) in enumerate(zip(curves, all_ys, strict=True)):
        width = 1.8 + 0.35 * (n - 1 - i)  # earlier curves wider: they frame the later ones
        color = f"C{i % 7}"
        if any(_covers_flat(later, ys, xs) for later in all_ys[i + 1:]):
            ax.plot(xs, ys, label=name, color=color, lw=_BAND_WIDTH, alpha=_BAND_ALPHA, solid_capstyle="butt",
                    solid_joinstyle="miter", zorder=1.6)
        elif any(_runs_along(ys, other, xs) for other in drawn):
            ax.plot(xs, ys, label=name, color=color, lw=min(width, 1.5), ls=(0, (3, 2)), zorder=3 + i)
        else:
            ax.plot(xs, ys, label=name, color=color, lw=width, zorder=2 + i)
        drawn.append(ys)
    for i, ys in enumerate(all_ys):  # after every curve, so the dots sit on top
        _mark_jumps(ax, xs, ys, f"C{i % 7}")
    ax.axhline(0, color="k", lw=0.5, zorder=1)
    ax.axvline(0, color="k", lw=0.5, zorder=1)
    ax.set(title=title, xlabel="z")
    if ylim:
        ax.set_ylim(*ylim)
    # beside the plot, never over it: wherever a legend sits inside, some curve of some activation runs there
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
    ax.grid(alpha=0.3)
    fig.set_layout_engine(TightLayout())
    return fig


def _mark_jumps(ax, xs: np.ndarray, ys: np.ndarray, color) -> None:
    """Where a curve ``ys`` ``(n,)`` jumps (step at 0), mark its value at the jump with a filled dot and the value
    just after it with an open one, the usual notation: step(0) = 0 stays visible under a wide band."""
    span = float(np.ptp(ys)) if ys.size else 0.0
    if span == 0.0:
        return
    for i in np.flatnonzero(np.abs(np.diff(ys)) > 0.5 * span):
        ax.plot(xs[i], ys[i], "o", ms=7, color=color, mec="k", mew=1, zorder=10)
        ax.plot(xs[i], ys[i + 1], "o", ms=7, mfc="white", mec="k", mew=1, zorder=10)


_BAND_WIDTH, _BAND_ALPHA = 8.0, 0.35
"""How ``plot_functions`` draws a curve that a later one covers along a flat stretch: a translucent band this
wide (points), about 3x a solid curve's width, so it shows on both sides of the curve running through it."""


def _runs_along(ys: np.ndarray, other: np.ndarray, xs: np.ndarray) -> bool:
    """True if ``ys`` lies on ``other`` along a sloped stretch (> 10% of the points): drawn on top, it would hide
    it. Shared flat stretches (both 0, both 1) are handled by ``_covers_flat``."""
    finite = np.isfinite(ys) & np.isfinite(other)
    if finite.sum() < 3:
        return False
    span = float(np.ptp(ys[finite])) or 1.0
    same = finite & np.isclose(ys, other, atol=1e-3 * span, rtol=0)
    sloped = np.abs(np.gradient(ys, xs)) > 1e-3
    return bool(np.mean(same & sloped) > 0.1)


def _covers_flat(later: np.ndarray, earlier: np.ndarray, xs: np.ndarray) -> bool:
    """True if ``later`` lies on ``earlier`` along a flat stretch of ``earlier`` (> 5% of the points): drawn on
    top, it would hide it there (ReLU on step for z < 0)."""
    finite = np.isfinite(later) & np.isfinite(earlier)
    if finite.sum() < 3:
        return False
    span = float(np.ptp(earlier[finite])) or 1.0
    same = finite & np.isclose(later, earlier, atol=1e-3 * span, rtol=0)
    flat = np.abs(np.gradient(earlier, xs)) <= 1e-3
    return bool(np.mean(same & flat) > 0.05)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True in a 1-D boolean mask."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


SMALL_SLOPE = 0.05
"""``plot_activations_with_slopes`` shades where an activation's slope is below this (gradients almost vanish)."""


def plot_activations_with_slopes(names: Sequence[str] = ("sigmoid", "tanh", "relu"), z_range: float = 6.0):
    """Each activation (top row) and its slope d/dz (bottom row), for z in ``[-z_range, z_range]``.

    Where the slope is below ``SMALL_SLOPE`` (0.05) the z-range is shaded as a band across both plots of that
    activation: the flat parts of the curve, where gradients (almost) vanish. A stretch where the slope is
    exactly 0 (ReLU for z < 0) is shaded the same way and labelled "slope exactly 0"; a dotted line marks
    slope = 0.05. The slope plots share one y-scale, so sigmoid's highest slope 0.25 and tanh's 1 compare at a
    glance. One legend below the plots explains the shading.
    """
    from matplotlib.patches import Patch

    from utils import activations

    z = np.linspace(-z_range, z_range, 401)
    fig, axes = _figure(ncols=len(names), nrows=2, size=(3.4 * len(names), 4.6), sharex=True, squeeze=False)
    shade = {"color": "C3", "alpha": 0.15, "lw": 0, "zorder": 0}
    for col, name in enumerate(names):
        layer = activations.ACTIVATIONS[name]()
        out = layer.forward(z.reshape(1, -1)).ravel()
        slope = layer.backward(np.ones((1, z.size))).ravel()
        top, bottom = axes[0, col], axes[1, col]
        top.plot(z, out, color="C0", lw=2, zorder=2)
        top.set_title(name)
        bottom.plot(z, slope, color="C3", lw=2, zorder=2)
        bottom.axhline(SMALL_SLOPE, color="0.35", lw=1, ls=":", zorder=1)
        bottom.set_xlabel("z")
        lo, hi = top.get_xlim()  # shared: where the axes really end, so a band at either end reaches the frame
        for first, last in _runs(slope < SMALL_SLOPE):
            left = lo if first == 0 else z[first]
            right = hi if last == z.size - 1 else z[last]
            for ax in (top, bottom):
                ax.axvspan(left, right, **shade)
            if np.all(slope[first:last + 1] == 0):
                bottom.text((left + right) / 2, 0.5, "slope\nexactly 0", transform=bottom.get_xaxis_transform(),
                            ha="center", va="center", fontsize=10, color="0.2")
        top.set_xlim(lo, hi)
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
    for bottom in axes[1]:  # one slope scale for every activation: sigmoid's 0.25 against tanh's 1 is the point
        bottom.set_ylim(-0.05, 1.1)
    axes[0, 0].set_ylabel("activation(z)")
    axes[1, 0].set_ylabel("slope d/dz")
    handles = [Patch(color="C3", alpha=0.15, label=f"shaded: slope below {SMALL_SLOPE:g} (gradients almost vanish)"),
               axes[1, 0].get_lines()[1]]
    handles[1].set_label(f"slope = {SMALL_SLOPE:g}")
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.set_layout_engine(TightLayout(rect=(0, 0.07, 1, 1)))
    return fig


def plot_fit(x, y, predictions: dict[str, np.ndarray], title: str = ""):
    """Regression data ``x, y`` ``(n,)`` as dots and each model's predictions ``(n,)`` as a line."""
    fig, ax = _figure(size=(6.4, 3.2))
    ax.scatter(np.ravel(x), np.ravel(y), s=8, color="0.55", label="data", zorder=2)
    order = np.argsort(np.ravel(x))
    for (name, pred), style in zip(predictions.items(), _LINESTYLES * 3, strict=False):
        ax.plot(np.ravel(x)[order], np.ravel(pred)[order], lw=2.2, ls=style, label=name, zorder=3)
    ax.set(title=title, xlabel="x", ylabel="y")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # beside the data, never over it
    fig.set_layout_engine(TightLayout())
    return fig


def _guide(ax, h, err, power: int, color, label: str, eps: float | None = None) -> None:
    """A straight line of slope ``power`` on log-log axes, laid along the truncation branch of ``err`` and only
    along it: anchored near the largest h (where truncation error dominates), it runs towards smaller h while the
    measured error stays within a factor 2 of it and, if ``eps`` is given, while it lies above the round-off
    estimate eps / h. It stops where the branch ends, never running on into the round-off region or the corner.
    Where truncation and round-off are of a size, round-off (whose sign depends on the machine's libm) can push the
    measured error off the line either way, so the exact h where the guide stops may differ by a step or two
    between machines; it never stops while truncation clearly dominates. h, err: ``(k,)``."""
    h, err = np.asarray(h, dtype=float), np.asarray(err, dtype=float)
    ok = np.isfinite(err) & (err > 0) & (h > 0)
    if ok.sum() < 2:
        return
    h, err = h[ok], err[ok]
    order = np.argsort(h)[::-1]  # from big h to small h
    h, err = h[order], err[order]
    best = int(np.argmin(err))
    if best < 1:
        return
    # anchor a little inside the branch (the largest h can carry higher-order terms): geometric middle of its top decade
    top = h[: best + 1]
    anchor = int(np.argmin(np.abs(np.log10(top) - (np.log10(top[0]) - 0.5)))) if len(top) > 2 else 0
    scale = err[anchor] / h[anchor] ** power
    line = scale * h ** power
    on_branch = np.abs(np.log10(err / line)) <= np.log10(2)
    if eps is not None:
        on_branch &= line >= eps / h  # truncation still above round-off
    end = anchor
    while end < best and on_branch[end + 1]:
        end += 1
    if end < 1:
        return
    hs = np.geomspace(h[0], h[end], 50)
    ax.loglog(hs, scale * hs ** power, color=color, lw=7, alpha=0.22, solid_capstyle="butt", label=label, zorder=1)


def plot_error_vs_h(table: dict, title: str = "error of the finite difference vs step size h"):
    """Log-log plot of derivative errors from ``utils.gradients.finite_difference_errors``.

    table: ``{"h": (k,), "forward": (k,), "central": (k,), "eps": machine epsilon, "label": str}`` (or a
    list of such tables, e.g. float64 and float32). For the first table, wide pale bands of slope 1 (∝ h) and
    slope 2 (∝ h²) lie along the truncation branch of the forward and central errors (large h) and end where
    that branch ends (where it meets the round-off line eps/h, which shows where small h goes wrong). The h axis
    is reversed (h shrinks to the right). Later tables are dashed with open circles, so they stay visible where
    they run on the first table's lines.
    """
    tables = table if isinstance(table, list) else [table]
    fig, ax = _figure(size=(7.6, 4.2))
    styles = ["-", "--"]
    t = tables[0]
    _guide(ax, t["h"], t["forward"], 1, "C0", "slope 1 (∝ h)", eps=t["eps"])
    _guide(ax, t["h"], t["central"], 2, "C3", "slope 2 (∝ h²)", eps=t["eps"])
    for i, tab in enumerate(tables):
        # later tables (float32) are dashed with open circles, drawn on top: where they run on the first table's
        # solid lines (large h, the same truncation error) the circles keep them visible
        marks = {} if i == 0 else {"marker": "o", "ms": 4, "mfc": "white", "markevery": 2}
        ax.loglog(tab["h"], tab["forward"], styles[i % 2], color="C0", lw=1.6, label=f"forward ({tab['label']})",
                  zorder=3 + i, **marks)
        ax.loglog(tab["h"], tab["central"], styles[i % 2], color="C3", lw=1.6, label=f"central ({tab['label']})",
                  zorder=3 + i, **marks)
    h = np.asarray(t["h"], dtype=float)
    roundoff = t["eps"] / h
    keep = roundoff <= 10
    ax.loglog(h[keep], roundoff[keep], ":", color="k", lw=1.2, label="round-off ≈ eps / h", zorder=2)
    ax.set(xlabel="h (big on the left, small on the right: reading left to right, h → 0)", ylabel="|error|",
           title=title, ylim=(1e-17, 1e1))
    ax.invert_xaxis()
    power_of_ten_ticks(ax.xaxis)
    power_of_ten_ticks(ax.yaxis)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.set_layout_engine(TightLayout())
    return fig


def plot_cost(n_params: Sequence[int], series: dict[str, Sequence[float]], ylabel: str = "seconds per gradient",
              title: str = ""):
    """Log-log cost vs number of parameters, one line per method (each with its own marker)."""
    fig, ax = _figure(size=(5.2, 3.4))
    for i, (name, values) in enumerate(series.items()):
        ax.loglog(n_params, values, marker=CLASS_MARKERS[i % len(CLASS_MARKERS)], ls=_LINESTYLES[i % 2], label=name)
    ax.set(xlabel="number of parameters", ylabel=ylabel, title=title)
    power_of_ten_ticks(ax.xaxis)
    power_of_ten_ticks(ax.yaxis)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.set_layout_engine(TightLayout())
    return fig


def plot_clipping(eps: float = 1e-7):
    """-log(p) near p = 0, with and without clipping to ``[eps, 1 - eps]``."""
    p = np.logspace(-12, 0, 400)
    fig, ax = _figure(size=(5.0, 3.2))
    ax.semilogx(p, -np.log(p), lw=2.6, label="−log(p)")
    ax.semilogx(p, -np.log(np.clip(p, eps, 1 - eps)), ls=(0, (3.5, 2.5)), lw=2, label=f"−log(clip(p, {eps:g}, 1−{eps:g}))")
    ax.axvline(eps, color="0.5", lw=0.8)
    ax.set(xlabel="predicted probability of the true class p", ylabel="loss", title="clipping caps the loss")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    fig.set_layout_engine(TightLayout())
    return fig


# ------------------------------------------------------------------------------ computation graph
def draw_computation_graph(x, w, b, dout: float = 1.0, gradients: bool = True):
    """The graph of one ReLU neuron, ``relu(sum_i x_i w_i + b)``: each arrow carries its forward value (black)
    and, if ``gradients``, its backward gradient ∂out/∂· (red), computed here by the chain rule.
    ``gradients=False`` draws the forward pass only.

    Both numbers sit *on* their own arrow (the line runs into and out of each number's white box): the value
    near the arrow's start, the gradient further along the same arrow. Nothing is written between two arrows,
    where a reader could not tell which one it belongs to. A key in the corner repeats the convention.

    x, w: ``(n_inputs,)`` (drawn for up to 4 inputs); b a number; dout the gradient arriving at the output.
    Each edge label's ``gid`` is ``"value:<edge>"`` or ``"grad:<edge>"`` and its arrow's ``gid`` is
    ``"edge:<edge>"`` (e.g. ``"x0"``, ``"w0"``, ``"prod0"``, ``"b"``, ``"z"``, ``"out"``), so tests can pair them.
    """
    x, w = np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(w, dtype=float))
    if x.shape != w.shape or x.ndim != 1:
        raise ValueError(f"draw_computation_graph: x and w must be 1-D of the same length, got {x.shape} and {w.shape}")
    # the numbers come from the course's own layers (a Dense with one neuron, then ReLU), not from maths redone here
    neuron, relu = Dense(len(x), 1), ReLU()
    neuron.weights, neuron.biases = w.reshape(-1, 1).copy(), np.array([[float(b)]])
    z = float(neuron.forward(x[None, :])[0, 0])
    out = float(relu.forward(np.array([[z]]))[0, 0])
    dz = float(relu.backward(np.array([[float(dout)]]))[0, 0])
    dx = neuron.backward(np.array([[dz]]))[0]
    dw, db = neuron.dweights[:, 0], float(neuron.dbiases[0, 0])
    products = x * w  # what each multiplication passes on to the sum
    dproducts = np.full_like(products, dz)  # a sum passes the gradient unchanged to each input

    n = len(x)
    height = 1.6 + 1.25 * n
    fig, ax = _figure(size=(8.5, height))
    ax.set_axis_off()
    gap, spread = 2.0, 0.62  # distance between two inputs' rows; x_i and w_i sit spread above and below their row
    ys = np.linspace(n - 1, 0, n) * gap
    y_mid = float(ys.mean())
    x_mul, x_add, x_relu, x_out = 2.5, 4.7, 6.3, 7.8
    y_bias = ys[-1] - 1.6
    ax.set_xlim(-0.45, 8.25)
    ax.set_ylim(y_bias - 0.5, ys[0] + spread + 0.45)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.42 / height)  # 0.42 in for the title
    red = "#C0392B"

    def node(xy, text, color="#e8f0fe"):
        ax.annotate(text, xy, ha="center", va="center", fontsize=11, zorder=4,
                    bbox={"boxstyle": "round,pad=0.35", "fc": color, "ec": "0.3"})

    def on_edge(a, b_, t, text, color, gid):
        """A number centred on the segment a -> b_ at fraction t; its opaque box interrupts the arrow there."""
        xy = (a[0] + t * (b_[0] - a[0]), a[1] + t * (b_[1] - a[1]))
        ax.annotate(text, xy, ha="center", va="center", fontsize=10, color=color, zorder=5, gid=gid,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})

    def edge(key, a, b_, value, grad, at=(0.3, 0.62)):
        """Arrow a -> b_ with its forward value at fraction at[0] and its gradient at at[1] of the same arrow."""
        ax.annotate("", b_, a, gid=f"edge:{key}",
                    arrowprops={"arrowstyle": "->", "color": "0.4", "shrinkA": 16, "shrinkB": 16, "lw": 1.2})
        on_edge(a, b_, at[0], number(value), "black", f"value:{key}")
        if gradients:
            on_edge(a, b_, at[1], number(grad), red, f"grad:{key}")

    for i in range(n):
        top, bottom = (0, ys[i] + spread), (0, ys[i] - spread)
        node(top, f"x{i}")
        node(bottom, f"w{i}")
        node((x_mul, ys[i]), "×", "#fff3e0")
        # both numbers in the first two thirds of the arrow, where x_i's and w_i's arrows are still far apart
        edge(f"x{i}", top, (x_mul, ys[i]), x[i], dx[i], at=(0.27, 0.56))
        edge(f"w{i}", bottom, (x_mul, ys[i]), w[i], dw[i], at=(0.27, 0.56))
        edge(f"prod{i}", (x_mul, ys[i]), (x_add, y_mid), products[i], dproducts[i], at=(0.3, 0.58))
    node((x_mul, y_bias), "b")
    edge("b", (x_mul, y_bias), (x_add, y_mid), b, db, at=(0.3, 0.56))
    node((x_add, y_mid), "+ (z)", "#fff3e0")
    node((x_relu, y_mid), "ReLU", "#fff3e0")
    edge("z", (x_add, y_mid), (x_relu, y_mid), z, dz, at=(0.38, 0.66))
    node((x_out, y_mid), "out")
    edge("out", (x_relu, y_mid), (x_out, y_mid), out, dout, at=(0.38, 0.66))
    if gradients:
        ax.set_title("each arrow carries its forward value (black) and its gradient ∂out/∂· (red)", fontsize=11)
        # the key: one sample arrow drawn exactly like the arrows of the graph
        ka, kb = (x_add + 0.35, y_bias), (x_out + 0.3, y_bias)
        ax.annotate("", kb, ka, arrowprops={"arrowstyle": "->", "color": "0.4", "shrinkA": 0, "shrinkB": 0,
                                            "lw": 1.2})
        on_edge(ka, kb, 0.28, "forward value", "black", "key:value")
        on_edge(ka, kb, 0.72, "gradient", red, "key:grad")
    else:
        ax.set_title("forward pass: the value carried by each arrow", fontsize=11)
    return fig


# ------------------------------------------------------------------------------ classification results
def plot_confusion_matrix(cm, class_names: Sequence[str] | None = None, title: str = "confusion matrix"):
    """cm ``(n_classes, n_classes)``: rows are true classes, columns predicted. Counts written in each cell.

    Two colour scales, so the mistakes are visible next to a diagonal of large counts: the diagonal (correct) in
    blues scaled to its largest count, the off-diagonal cells (mistakes) in reds scaled to the largest *mistake*
    count, so a single mistake is already clearly coloured. Empty cells stay white.
    """
    import matplotlib

    cm = np.asarray(cm)
    k = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    fig, ax = _figure(size=(0.45 * k + 2.6, 0.45 * k + 2.0))
    diagonal = np.eye(k, dtype=bool)
    most_right = max(int(cm[diagonal].max(initial=0)), 1)
    most_wrong = max(int(cm[~diagonal].max(initial=0)), 1)
    blues, reds = matplotlib.colormaps["Blues"], matplotlib.colormaps["Reds"]
    image = np.ones((k, k, 4))
    strength = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                strength[i, j] = 0.25 + 0.75 * cm[i, j] / (most_right if i == j else most_wrong)
                image[i, j] = (blues if i == j else reds)(strength[i, j])
    # one quad per cell (imshow would resample the k x k picture to the output's pixels: 60-90 ms at 2x)
    edges = np.arange(k + 1) - 0.5
    ax.pcolormesh(edges, edges, image)
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                # inside its cell by construction: no layout needs to measure it (in_layout=False)
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=10, in_layout=False,
                        color="white" if strength[i, j] > 0.6 else "black")
    ax.set(xlim=(edges[0], edges[-1]), ylim=(edges[-1], edges[0]), aspect="equal",  # row 0 on top
           xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true", title=title)
    ax.set_xticklabels(names)
    ax.set_yticklabels(names)
    fig.set_layout_engine(TightLayout())
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
    longest = max((len(t) for t in titles), default=0)
    column = max(1.1, 0.075 * longest + 0.3)  # a column wide enough for its 10-pt title
    return tile_figure([image.reshape(shape) for image in images], ncols=min(ncols, n), titles=titles,
                       title=title, tile=min(column, 1.3) - 0.1, column=column, cmap="gray_r")
