"""Lessons 01–02: what one neuron computes over the input plane."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.cm import ScalarMappable

from utils import activations
from utils.plots import class_scatter, grid_over
from utils.style import number, signed
from utils.widgets.engine import Explorer, new_figure, slider
from utils.widgets.rendering import PixelImage


def _pale(cmap_name: str, amount: float = 0.6):
    """A lighter version of a matplotlib colormap (mixed with white), so data points stay readable on it."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    colors = colormaps[cmap_name](np.linspace(0, 1, 256))[:, :3]
    return ListedColormap(1 - amount * (1 - colors))


def _ramp(top: float = 0.75, start: float = 0.16):
    """White -> red for outputs that are never negative (ReLU, sigmoid): exactly 0 is white, and the smallest
    positive output already jumps to a visible pink (``Reds`` at ``start``), so "0" and "a little above 0" never
    look alike; the ramp then deepens to ``Reds`` at ``top`` (kept light enough for data points on top)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    reds = colormaps["Reds"](np.linspace(start, top, 255))[:, :3]
    return ListedColormap(np.vstack([np.ones((1, 3)), reds]))


_OUTPUT_SCALES = {"relu": (0.0, 3.0), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "leaky_relu": (-3.0, 3.0),
                  "linear": (-3.0, 3.0)}
"""Colour scale (vmin, vmax) of the neuron explorer's heatmap per activation: what the output can be. An output
that is never negative (ReLU, sigmoid) gets a white -> red scale from 0; the others a blue-white-red one
centred on 0. ±3 (and ReLU's 3) is where w, b at their slider limits put the output near the data."""


def neuron_explorer(w1: float = 1.0, w2: float = -0.5, b: float = 0.0, point: tuple[float, float] = (1.0, 0.5),
                    activation: str = "linear", data_xy: tuple | None = None, resolution: int = 200) -> Explorer:
    """A 2-input neuron ``activation(w1·x1 + w2·x2 + b)`` over the input plane.

    Heatmap: the output at every point, on the colour scale of ``_OUTPUT_SCALES`` (ReLU and sigmoid, never
    negative: white at 0 and a red ramp from the smallest positive output; linear, leaky ReLU and tanh: blue
    below 0, white at 0, red above), with a matching colour bar; dashed line: where ``w1·x1 + w2·x2 + b = 0``; arrow: the weight
    vector (perpendicular to that line); cross: a chosen point (sliders x1, x2) whose output is in the
    readout. ``data_xy=(X, y)`` draws a dataset on top (lesson 02: what one neuron "sees"): X ``(n, 2)``,
    y ``(n,)``; the points are always drawn above the heatmap.
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
    fig, (ax,) = new_figure(5.6, 4.6)
    vmin, vmax = _OUTPUT_SCALES.get(activation, (-3.0, 3.0))
    if vmin >= 0:  # never negative: white at 0, then a red ramp that is visible from the smallest output on
        cmap = _ramp(top=0.5 if data_xy is not None else 0.6)
        extend = "max" if activation == "relu" else "neither"  # ReLU has no upper bound: the top colour continues
    else:
        cmap = _pale("RdBu_r", 0.55 if data_xy is not None else 0.85)
        extend = "neither" if activation == "tanh" else "both"
    heat = PixelImage(ax, np.zeros_like(xx), cmap, vmin, vmax)
    fig.colorbar(ScalarMappable(heat.norm, heat.cmap), ax=ax, label=f"neuron output ({activation})"
                 if activation != "linear" else "neuron output", extend=extend)
    points = class_scatter(ax, X, y, size=16) if data_xy is not None else []  # labelled: a class legend
    (zero_line,) = ax.plot([], [], "k--", lw=1.5, label="w·x + b = 0")
    arrow = ax.annotate("", xy=(w1, w2), xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 2, "color": "k"})
    # a white halo keeps the red cross visible on the reddest part of the heatmap
    (marker,) = ax.plot([], [], "x", color="#C0392B", ms=11, mew=2.5, label="the point (x1, x2)",
                        path_effects=[patheffects.withStroke(linewidth=5, foreground="white")])
    ax.set(xlim=(lo, hi), ylim=(lo_y, hi_y), xlabel="$x_1$", ylabel="$x_2$")
    # the legend sits above the plot: nothing it could hide
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3 if data_xy is not None else 2, frameon=False,
              borderaxespad=0)
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
        x1, x2 = number(v.x1, 3), number(v.x2, 3)
        text = (f"output at ({x1}, {x2}) = {number(v.w1, 3)}·{x1} {signed(v.w2)}·{x2} {signed(v.b)} "
                f"= <b>{z0 + 0.0:.3f}</b>".replace("-", "−"))
        return text if activation == "linear" else text + f" → {activation} → <b>{out + 0.0:.3f}</b>".replace("-", "−")

    controls = {"w1": slider("w1", w1, -3, 3), "w2": slider("w2", w2, -3, 3), "b": slider("b", b, -3, 3),
                "x1": slider("point x1", point[0], lo, hi), "x2": slider("point x2", point[1], lo_y, hi_y)}
    # layers: heatmap, then the data, then the line, arrow and point on top
    return Explorer(fig, controls, update, animated=[heat], foreground=[*points, zero_line, arrow, marker])
