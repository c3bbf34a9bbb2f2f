"""Static teaching pictures for the first lessons: what a matrix product computes, and a layer drawn as a network.

Like ``utils.plots``, every function returns a ``matplotlib.figure.Figure`` that is already closed in pyplot,
so a notebook cell that ends with the call shows it exactly once. Every number written in a picture is computed
from the arrays passed in, never typed by hand.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from utils.plots import _figure, class_cmap
from utils.plots import tint as _tint
from utils.style import number

_FONT = 11  # every label is at least 10 pt
_ROW_COLOR, _COL_COLOR = class_cmap(2).colors  # the course's first two class colours


def _factor(v: float) -> str:
    """A number inside a product: negatives in parentheses, ``2·(−0.5)``."""
    return f"({number(v)})" if v < 0 else number(v)


def _matrix(ax, values: np.ndarray, x0: float, y_top: float, title: str, fills: dict) -> None:
    """Draw ``values`` as a grid of unit cells whose top-left corner is (x0, y_top); ``fills`` maps (r, c) to a
    face colour."""
    n_rows, n_cols = values.shape
    for r in range(n_rows):
        for c in range(n_cols):
            face = fills.get((r, c), "white")
            ax.add_patch(Rectangle((x0 + c, y_top - r - 1), 1, 1, facecolor=face, edgecolor="0.55", lw=0.8))
            ax.text(x0 + c + 0.5, y_top - r - 0.5, number(values[r, c]), ha="center", va="center", fontsize=_FONT - 1)
    ax.add_patch(Rectangle((x0, y_top - n_rows), n_cols, n_rows, fill=False, edgecolor="0.2", lw=1.4))
    ax.text(x0 + n_cols / 2, y_top + 0.25, title, ha="center", va="bottom", fontsize=_FONT)


def draw_matrix_product(inputs=None, weights=None, row: int = 1, col: int = 0,
                        names: tuple[str, str] = ("inputs", "weights")):
    """The picture of ``inputs @ weights``: entry ``(row, col)`` of the result is sample ``row`` (a row of
    ``inputs``) dotted with neuron ``col``'s weights (a column of ``weights``).

    inputs ``(n_samples, n_inputs)``, weights ``(n_inputs, n_neurons)``, each at most 6 × 6; the defaults are
    lesson 02's batch ``(3, 4)`` and weights ``(4, 3)``. The highlighted row, column and result entry are
    drawn in colour and the dot product is written out term by term under the picture. ``names`` are the
    variable names written over the two matrices (e.g. ``("batch", "weights")``).
    """
    if inputs is None:
        inputs = [[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]]
    if weights is None:
        weights = [[0.2, 0.5, -0.26], [0.8, -0.91, -0.27], [-0.5, 0.26, 0.17], [1.0, -0.5, 0.87]]
    a, w = np.asarray(inputs, dtype=float), np.asarray(weights, dtype=float)
    if a.ndim != 2 or w.ndim != 2 or a.shape[1] != w.shape[0]:
        raise ValueError(f"draw_matrix_product: expected inputs (n_samples, n_inputs) and weights (n_inputs, n_neurons), "
                         f"got shapes {a.shape} and {w.shape}")
    if max(a.shape + w.shape) > 6:
        raise ValueError(f"draw_matrix_product: draws matrices up to 6 × 6, got shapes {a.shape} and {w.shape}")
    if not (0 <= row < a.shape[0] and 0 <= col < w.shape[1]):
        raise ValueError(f"draw_matrix_product: row must be in 0..{a.shape[0] - 1} and col in 0..{w.shape[1] - 1}, "
                         f"got row={row}, col={col}")
    product = a @ w
    (n, k), m = a.shape, w.shape[1]
    gap = 1.3  # room for the @ and = signs
    x_w, x_out = k + gap, k + gap + m + gap
    width = x_out + m
    height = max(n, k)
    top = height  # every matrix is centred vertically on height / 2
    y_a, y_w, y_out = top - (height - n) / 2, top - (height - k) / 2, top - (height - n) / 2

    fig, ax = _figure(size=(0.7 * width + 0.6, 0.7 * height + 1.9))
    ax.set_axis_off()
    row_fill = {(row, c): _tint(_ROW_COLOR) for c in range(k)}
    col_fill = {(r, col): _tint(_COL_COLOR) for r in range(k)}
    a_name, w_name = names
    _matrix(ax, a, 0, y_a, f"{a_name} {a.shape}\nrow {row} = sample {row}", row_fill)
    _matrix(ax, w, x_w, y_w, f"{w_name} {w.shape}\ncolumn {col} = neuron {col}", col_fill)
    _matrix(ax, product, x_out, y_out, f"{a_name} @ {w_name} {product.shape}\nentry [{row}, {col}]",
            {(row, col): _tint(_ROW_COLOR, 0.15)})
    ax.add_patch(Rectangle((x_out + col, y_out - row - 1), 1, 1, fill=False, edgecolor=_COL_COLOR, lw=2.5))
    ax.text(k + gap / 2, height / 2, "@", ha="center", va="center", fontsize=16)
    ax.text(x_w + m + gap / 2, height / 2, "=", ha="center", va="center", fontsize=16)
    terms = " + ".join(f"{_factor(a[row, i])}·{_factor(w[i, col])}" for i in range(k))
    ax.text(width / 2, -0.55, f"entry [{row}, {col}] = sample {row} · column {col} = {terms} = {number(product[row, col])}",
            ha="center", va="top", fontsize=_FONT)
    ax.text(width / 2, -1.25, f"every entry [i, j] is the same: the dot product of row i of {a_name} with column j of {w_name}",
            ha="center", va="top", fontsize=_FONT - 1, color="0.3")
    ax.set_xlim(-0.3, width + 0.3)
    ax.set_ylim(-1.9, height + 1.2)
    ax.set_aspect("equal")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    return fig


def draw_layer(n_inputs: int = 4, n_neurons: int = 3, weights=None, highlight: int = 0):
    """A dense layer drawn as a network: inputs on the left, neurons on the right, one line per weight.

    ``weights`` ``(n_inputs, n_neurons)`` (optional) writes the values of neuron ``highlight``'s incoming
    weights on its lines; they are column ``highlight`` of the weight matrix. At most 6 inputs and 6 neurons.
    """
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.ndim != 2:
            raise ValueError(f"draw_layer: expected weights of shape (n_inputs, n_neurons), got shape {w.shape}")
        n_inputs, n_neurons = w.shape
    else:
        w = None
    if not (1 <= n_inputs <= 6 and 1 <= n_neurons <= 6):
        raise ValueError(f"draw_layer: draws 1..6 inputs and 1..6 neurons, got {n_inputs} inputs and {n_neurons} neurons")
    if not 0 <= highlight < n_neurons:
        raise ValueError(f"draw_layer: highlight must be a neuron index in 0..{n_neurons - 1}, got {highlight}")

    def column(count: int) -> np.ndarray:  # y positions, centred on 0, 1.1 apart
        return (np.arange(count)[::-1] - (count - 1) / 2) * 1.1

    y_in, y_neuron = column(n_inputs), column(n_neurons)
    x_in, x_neuron, x_out = 0.0, 4.2, 6.0
    fig, ax = _figure(size=(7.6, 0.9 * max(n_inputs, n_neurons) + 1.4))
    ax.set_axis_off()
    labels = []  # (start, end, text) of each highlighted line, written once the axes' scale is fixed
    for i, yi in enumerate(y_in):
        for j, yj in enumerate(y_neuron):
            hot = j == highlight
            ax.plot([x_in, x_neuron], [yi, yj], color=_COL_COLOR if hot else "0.7", lw=2.2 if hot else 1.0,
                    zorder=2 if hot else 1, solid_capstyle="round")
        name = f"w[{i}, {highlight}]" + (f" = {number(w[i, highlight])}" if w is not None else "")
        labels.append(((x_in, yi), (x_neuron, y_neuron[highlight]), name))
        ax.text(x_in, yi, f"x[{i}]", ha="center", va="center", fontsize=_FONT, zorder=3,
                bbox={"boxstyle": "circle,pad=0.3", "fc": "#eeeeee", "ec": "0.3"})
    for j, yj in enumerate(y_neuron):
        hot = j == highlight
        ax.text(x_neuron, yj, f"neuron {j}\nΣ + b[{j}]", ha="center", va="center", fontsize=_FONT - 1, zorder=3,
                bbox={"boxstyle": "round,pad=0.35", "fc": _tint(_COL_COLOR) if hot else "white",
                      "ec": _COL_COLOR if hot else "0.3", "lw": 1.6 if hot else 1.0})
        ax.annotate("", xy=(x_out, yj), xytext=(x_neuron + 0.8, yj), arrowprops={"arrowstyle": "->", "color": "0.3"})
        ax.text(x_out + 0.1, yj, f"output[{j}]", ha="left", va="center", fontsize=_FONT)
    n_w = n_inputs * n_neurons
    y_low = min(y_in.min(), y_neuron.min())
    ax.text((x_in + x_out) / 2 + 0.4, y_low - 0.7,
            f"Every line is one weight; w[i, j] = weights[i, j] joins input i to neuron j.\n"
            f"{n_inputs} inputs × {n_neurons} neurons = {n_w} weights: weights.shape = ({n_inputs}, {n_neurons}).\n"
            f"The coloured lines into neuron {highlight} are column {highlight}, weights[:, {highlight}]. "
            f"Each neuron adds its own bias b[j].",
            ha="center", va="top", fontsize=_FONT - 1, linespacing=1.5)
    ax.set_xlim(-0.6, x_out + 1.6)
    ax.set_ylim(y_low - 1.6, max(y_in.max(), y_neuron.max()) + 0.6)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    for start, end, text in labels:  # along its line, 30% of the way, lifted 2 pt off the line on a white ground
        (x0, y0), (x1, y1) = ax.transData.transform([start, end])
        angle = np.arctan2(y1 - y0, x1 - x0)
        at = (start[0] + 0.3 * (end[0] - start[0]), start[1] + 0.3 * (end[1] - start[1]))
        ax.annotate(text, at, xytext=(-3 * np.sin(angle), 3 * np.cos(angle)), textcoords="offset points",
                    ha="center", va="bottom", rotation=np.degrees(angle), rotation_mode="anchor",
                    fontsize=_FONT - 1, color="0.1", zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.9})
    return fig
