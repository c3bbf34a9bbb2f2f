"""One look for every course picture: the palette, the matplotlib style, the one figure factory, the one number format.

Static figures (``utils.plots``, ``utils.diagrams``, ``utils.autograd_plots``, ``utils.training_plots``) and the
widgets (``utils.widgets``) all make their figures with ``new_figure``, which applies the course style the first
time it is called (``use_course_style``: an explicit call, never a side effect of importing a module) and returns
a figure outside pyplot, so nothing accumulates in pyplot's memory over a long session and a notebook shows the
returned figure exactly once. Numbers inside pictures are written by ``number`` (a true minus sign, no ``-0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine

CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                "#999999", "#882255"]
"""One colour per class, shared by every scatter, boundary and confusion plot in the course: the Okabe–Ito
palette (blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black), safe for the common
kinds of colour blindness, then grey and wine for classes 8 and 9."""

CLASS_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<"]
"""One marker shape per class, so classes differ by shape as well as colour (and in greyscale print)."""

POINT_EDGE = "0.15"
"""Edge colour of data points: keeps them distinct from a decision-boundary background of their own colour."""

CSS_DPI = 100
"""Screen size of a figure: one inch of figure is 100 CSS pixels."""
PIXEL_RATIO = 2
"""Every picture carries this many pixels per CSS pixel (crisp at device pixel ratio 2)."""

COURSE_STYLE = {
    "figure.dpi": CSS_DPI,        # 1 inch = 100 CSS pixels on screen; retina PNGs carry 200 pixels per inch
    "savefig.dpi": CSS_DPI * PIXEL_RATIO,
    "figure.facecolor": "white",  # never transparent: a dark JupyterLab theme must not show through
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.facecolor": "white",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.framealpha": 0.9,
    "figure.titlesize": 12,
    "axes.prop_cycle": cycler(color=CLASS_COLORS[:6] + ["#000000"]),
}
"""The rcParams every course figure is drawn with (applied by ``use_course_style``)."""

def use_course_style() -> None:
    """Apply ``COURSE_STYLE`` to matplotlib and, in Jupyter, show inline figures at 2× pixels (retina).

    ``new_figure`` calls it whenever the style is not in force (the first figure, or after something such as
    ``matplotlib.rc_context`` put other settings back); calling it again re-applies the style."""
    matplotlib.rcParams.update(COURSE_STYLE)
    enable_retina_figures()


def course_style_in_force() -> bool:
    """True when matplotlib's settings are ``COURSE_STYLE``'s (read from ``rcParams``, never remembered)."""
    return all(matplotlib.rcParams.get(key) == value for key, value in COURSE_STYLE.items())


def enable_retina_figures() -> bool:
    """Inside an IPython kernel using the inline backend, show figures as PNGs with twice the pixels of their
    displayed size (``set_matplotlib_formats("retina")``), each drawn once by ``retina_png``. Returns True when it
    did. Outside Jupyter: nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    backend = str(matplotlib.get_backend(auto_select=False) or "")
    if "inline" not in backend:
        return False
    # importing the backend module first registers its own (1x png) formatter, which we then replace
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")
    shell.display_formatter.formatters["image/png"].for_type(Figure, retina_png)
    return True


def retina_png(fig: Figure):
    """The inline PNG of ``fig`` at ``PIXEL_RATIO``× pixels, cropped to its content plus ``savefig.pad_inches``:
    the picture IPython's retina format makes with ``bbox_inches="tight"``, drawn once instead of twice.

    IPython's way lays the figure out and draws it to measure its content, then draws it again shifted onto a
    canvas of that size. Here the figure is drawn once on its own canvas, measured, and the pixels around the
    content cut away. That is only the same picture when the content lies inside the canvas; when something
    sticks out (a label placed outside the figure), IPython's two-pass way is used, so nothing is ever cut off.
    Returns ``(base64 PNG, {"width": w, "height": h})`` with the displayed size in CSS pixels, or None for an
    empty figure, as IPython's formatter does.
    """
    import base64

    from matplotlib.colors import to_rgba

    from utils.png import still_png

    if not fig.axes and not fig.lines:
        return None
    if not isinstance(fig.canvas, FigureCanvasAgg):
        return _ipython_retina(fig)
    dpi, css_dpi = fig.dpi * PIXEL_RATIO, fig.dpi
    fig.set_dpi(dpi)
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        with ticks_computed_once(fig):
            content = fig.get_tightbbox(renderer)  # inches
        pixels = np.asarray(renderer.buffer_rgba())
    finally:
        fig.set_dpi(css_dpi)
    width, height = fig.get_size_inches()
    slack = 0.5 / dpi  # half a pixel: rounding, not content
    if not (content.x0 >= -slack and content.y0 >= -slack and content.x1 <= width + slack
            and content.y1 <= height + slack):
        return _ipython_retina(fig)
    pad = matplotlib.rcParams["savefig.pad_inches"]
    box = content.padded(pad)
    # the padded box in pixel rows and columns (rows count down from the top); padding may reach past the canvas
    left, top = round(box.x0 * dpi), round((height - box.y1) * dpi)
    right, bottom = left + int(box.width * dpi), top + int(box.height * dpi)  # IPython's size, to the pixel
    image = np.empty((bottom - top, right - left, 4), dtype=np.uint8)
    image[...] = np.round(np.asarray(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
    rows, cols = pixels.shape[:2]
    src_top, src_left = max(top, 0), max(left, 0)
    src_bottom, src_right = min(bottom, rows), min(right, cols)
    image[src_top - top:src_bottom - top, src_left - left:src_right - left] = \
        pixels[src_top:src_bottom, src_left:src_right]
    shown = {"width": image.shape[1] // PIXEL_RATIO, "height": image.shape[0] // PIXEL_RATIO}
    return base64.b64encode(still_png(image, dpi=dpi)).decode("ascii"), shown


@contextmanager
def ticks_computed_once(fig: Figure):
    """While measuring ``fig`` (nothing moves), each axis computes its ticks once and then reuses them.

    matplotlib asks an axis for its ticks (locator, formatter, one Tick per position) again for every box it
    measures: the axis itself, each of the four spines, every sibling axis whose labels it aligns with, the title.
    A tight layout of a two-panel figure asked 96 times for 4 axes. Inside this block the axes neither move nor
    change their limits, so every answer after the first is the same; the cached list is dropped on leaving, and
    the next draw computes the ticks afresh."""
    axes = [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
    for axis in axes:
        compute, answer = axis._update_ticks, []

        def once(compute=compute, answer=answer):
            if not answer:
                answer.append(compute())
            return answer[0]

        axis._update_ticks = once  # an instance attribute: only this figure's axes, only inside the block
    try:
        yield
    finally:
        for axis in axes:
            del axis._update_ticks


class TightLayout(TightLayoutEngine):
    """matplotlib's tight layout (the same subplot parameters, so the same picture) with each axis's ticks
    computed once per layout instead of for every box measured (``ticks_computed_once``): a third of the time
    of drawing a course figure went to the layout, most of it recomputing ticks.
    ``fig.set_layout_engine(TightLayout(rect=...))`` as for ``"tight"``."""

    def execute(self, fig: Figure):
        with ticks_computed_once(fig):
            super().execute(fig)


def tight_layout(fig: Figure, **kwargs) -> None:
    """Lay ``fig`` out once now, as ``fig.tight_layout(**kwargs)`` does, measuring with ``TightLayout``."""
    TightLayout(**kwargs).execute(fig)


def _ipython_retina(fig: Figure):
    """IPython's own retina PNG (two passes with ``bbox_inches="tight"``)."""
    from IPython.core.pylabtools import retina_figure

    return retina_figure(fig, base64=True)


def new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1, *, squeeze: bool = True,
               **subplot_kw):
    """A course-styled Figure of ``width`` × ``height`` inches with ``nrows`` × ``ncols`` axes, outside pyplot.

    Returns ``(fig, axes)``: ``axes`` is a flat list (``fig, (ax,) = new_figure(5, 3)``,
    ``fig, (left, right) = new_figure(8, 3, ncols=2)``), or with ``squeeze=False`` the 2-D array
    ``(nrows, ncols)`` of ``Figure.subplots``. ``ncols=0`` makes no axes (the caller adds its own).
    ``subplot_kw`` goes to ``Figure.subplots`` (``sharex=True``, ...).
    """
    if not course_style_in_force():
        use_course_style()
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    if ncols == 0:
        return fig, []
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, (axes if not squeeze else list(axes.flat))


def tile_figure(tiles: Sequence, ncols: int, *, titles: Sequence[str] | None = None,
                row_labels: Sequence[str] | None = None, title: str = "", tile: float = 1.0,
                column: float | None = None, **imshow_kw):
    """A grid of small images, each with an optional 10-pt title above it, drawn in **one** Axes.

    tiles: a sequence of 2-D arrays (any sizes), placed left to right, ``ncols`` to a row; titles: one per tile
    (``""`` for none); row_labels: one per row, written upright at its left; title: above the whole grid;
    tile: a tile's side in inches; column: a column's width in inches (default ``tile`` + 0.15; wider for
    long titles); ``imshow_kw`` goes to every ``imshow`` (``cmap``, ``vmin``, ``origin``, ...), so each tile
    keeps its own colour scale unless ``vmin``/``vmax`` fix one.

    Why one Axes: the Axes' own coordinates are inches (the Axes fills the figure), so every tile and title
    sits where this function puts it and no layout engine has to measure anything. Sixteen separate Axes
    took four times as long to build and draw. Returns the figure.
    """
    if ncols < 1:
        raise ValueError(f"tile_figure: ncols must be at least 1, got {ncols}")
    n = len(tiles)
    titles = list(titles) if titles is not None else [""] * n
    if len(titles) != n:
        raise ValueError(f"tile_figure: expected one title per tile ({n}), got {len(titles)}")
    nrows = max(1, -(-n // ncols))
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"tile_figure: expected one row label per row ({nrows}), got {len(row_labels)}")
    column = max(column or 0.0, tile + 0.15)
    # above each row: a 10-pt line for its tiles' titles, or only a gap when the row has none
    room = [0.3 if any(t.strip() for t in titles[r * ncols:(r + 1) * ncols]) else 0.12 for r in range(nrows)]
    head = 0.45 if title else 0.0  # room for the figure's title
    left = 0.35 if row_labels is not None else 0.0  # room for upright row labels
    width, height = left + column * ncols, head + sum(room) + (tile + 0.1) * nrows
    tops = [height - head - sum(room[:r + 1]) - r * (tile + 0.1) for r in range(nrows)]  # each row's tile top
    fig, _ = new_figure(width, height, ncols=0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    for i, (image, label) in enumerate(zip(tiles, titles, strict=True)):
        r, c = divmod(i, ncols)
        x0 = left + c * column + (column - tile) / 2
        ax.imshow(np.asarray(image), extent=(x0, x0 + tile, tops[r] - tile, tops[r]), **imshow_kw)
        if label.strip():
            ax.text(x0 + tile / 2, tops[r] + 0.06, label, ha="center", va="bottom", fontsize=10)
    for r, label in enumerate(row_labels or []):
        ax.text(left - 0.08, tops[r] - tile / 2, label, rotation=90, ha="right", va="center", fontsize=10)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    if title:
        fig.suptitle(title)
    return fig


def signed(value: float, decimals: int = 2) -> str:
    """A term added to a sum, as a learner writes it: ``+ 0.50`` or ``− 0.50`` (never ``+ -0.50``), a true minus
    sign and no ``− 0.00``."""
    text = f"{abs(float(value)):.{decimals}f}"
    negative = float(value) < 0 and text.strip("0.") != ""
    return ("− " if negative else "+ ") + text


def number(value: float, digits: int = 4) -> str:
    """A number as a learner writes it inside a picture: ``digits`` significant digits, a true minus sign (−),
    never ``-0``: 6, −0.5, 0.9951, 1.2e−05."""
    text = f"{float(value):.{digits}g}"
    return "0" if text in ("-0", "0") else text.replace("-", "−")


# ------------------------------------------------------------------------------ log-axis tick labels
def plain_log_ticks(axis) -> None:
    """Label a log axis with plain numbers (0.2, 1, 30) instead of 2×10⁻¹: easier to read for a learner."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    def minor(v, _pos):
        lead = round(v / 10 ** np.floor(np.log10(v))) if v > 0 else 0
        return f"{v:g}" if lead in (2, 5) else ""

    axis.set_minor_formatter(FuncFormatter(minor))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten_ticks(axis) -> None:
    """Label a log axis that spans many decades 10⁻¹², 10⁻⁸, ... as plain text with superscript digits: the same
    picture as matplotlib's default labels, which are typeset as maths and cost a large share of drawing such a
    figure (about a third for lesson 10's four log panels). Ticks between powers of ten stay unlabelled."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    def label(value, _pos):
        if value <= 0:
            return ""
        exponent = np.log10(value)
        if abs(exponent - round(exponent)) > 1e-9:
            return ""
        return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(NullFormatter())
