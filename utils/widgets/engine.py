"""The explorer engine every lesson widget is built on: ``Explorer`` (controls on top, the figure as an image, a
readout line) and the control helpers (``slider``, ``log_slider``, ``choice_slider``, ``dropdown``).

How: the figure is built once (``utils.style.new_figure``, no pyplot state); a change updates the existing artists
(``set_data``, ``set_array``, ``set_height``, ``set_text``) and renders the figure to a PNG shown in an
``ipywidgets.Image`` (``FigureImage``: sent as a data: URL; ``PNGEncoder`` deflates a frame in 1-3 ms with ISA-L).
This works the same in JupyterLab, classic Notebook, VS Code and Voilà slides, needs no ipympl, and
never flickers (the image is swapped, not the output cleared). Budgets and layers: docs/design.md (widgets).
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable
from types import SimpleNamespace

import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from utils.blas import one_blas_thread
from utils.style import CSS_DPI, PIXEL_RATIO, new_figure, tight_layout
from utils.widgets.rendering import FigureImage, PNGEncoder

__all__ = ["CSS_DPI", "PIXEL_RATIO", "Explorer", "choice_slider", "dropdown", "live_explorers", "log_slider",
           "new_figure", "one_blas_thread", "slider"]

_STYLE = {"description_width": "initial"}  # a label is never cut to "activat…"
_SLIDER_LAYOUT = {"width": "310px"}
_DROPDOWN_LAYOUT = {"width": "240px"}


KEY_STEPS = (0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0)
"""The steps a slider may move by per key press (a multiple of one of them is easy to say and to read)."""
MIN_KEY_PRESSES = 20
"""A slider crosses its range in at least this many presses of an arrow key (and in 5x fewer with Page Up/Down)."""


def key_step(lo: float, hi: float, value: float) -> float:
    """The step of a slider from ``lo`` to ``hi`` that a person can use with the keyboard: the largest of
    ``KEY_STEPS`` that crosses the range in at least ``MIN_KEY_PRESSES`` presses and keeps ``value`` on the
    slider's grid (``lo + k·step``), e.g. 0.25 on −3..3, so w1 = 1 becomes −1 in 8 presses of ←."""
    if not hi > lo:
        raise ValueError(f"a slider needs lo < hi, got lo={lo}, hi={hi}")

    def on_grid(x: float, step: float) -> bool:
        k = (x - lo) / step
        return abs(k - round(k)) < 1e-6

    for step in reversed(KEY_STEPS):
        if (hi - lo) / step >= MIN_KEY_PRESSES and on_grid(value, step) and on_grid(hi, step):
            return step
    return KEY_STEPS[0]


def keyboard_range(lo: float, hi: float, value: float) -> tuple[float, float, float]:
    """``(lo, hi, step)`` of a slider a person can use with the keyboard: ``key_step`` on the range as given; when no
    usable step fits it (limits read off data, such as −1.079 … 1.069), the range is widened outward to the grid of
    the coarsest step that keeps ``value`` on it (−1.1 … 1.1 by 0.1), rather than moving by 0.001 a press."""
    step = key_step(lo, hi, value)
    if step != KEY_STEPS[0]:
        return lo, hi, step
    for step in reversed(KEY_STEPS):
        wide_lo, wide_hi = round(math.floor(lo / step) * step, 10), round(math.ceil(hi / step) * step, 10)
        if (wide_hi - wide_lo) / step >= MIN_KEY_PRESSES and abs(value / step - round(value / step)) < 1e-6:
            return wide_lo, wide_hi, step
    return lo, hi, KEY_STEPS[0]


def slider(description: str, value: float, lo: float, hi: float, step: float | None = None, fmt: str = ".2f"):
    """A labelled float slider with a typed readout (type a number + Enter works too). ``step`` (one key press)
    defaults to a coarse one a person can use from the keyboard (``keyboard_range``, which may widen a range read
    off data to round limits)."""
    if step is None:
        lo, hi, step = keyboard_range(lo, hi, value)
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=True, style=_STYLE,
                               layout=widgets.Layout(**_SLIDER_LAYOUT))


def log_slider(description: str, value: float, lo_exp: float, hi_exp: float, step: float = 0.1):
    """A base-10 log slider from 10**lo_exp to 10**hi_exp; the readout is written as people write numbers
    (0.02, 0.5, 3, 1e-5: d3-format ``.2``, i.e. ``~g``), not 2.0e-2."""
    return widgets.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step, description=description,
                                  readout_format=".2", style=_STYLE, layout=widgets.Layout(**_SLIDER_LAYOUT))


def choice_slider(description: str, options: list, value):
    """A slider over a few fixed options (batch sizes, layer widths)."""
    return widgets.SelectionSlider(options=options, value=value, description=description, style=_STYLE,
                                   layout=widgets.Layout(**_SLIDER_LAYOUT))


def dropdown(description: str, options: list, value):
    return widgets.Dropdown(options=options, value=value, description=description, style=_STYLE,
                            layout=widgets.Layout(**_DROPDOWN_LAYOUT))


_CREATED: list[weakref.ref] = []
"""Every Explorer made in this process, oldest first (weak references): ``python -m tools.screenshots`` saves
their images after running a lesson."""


def live_explorers() -> list:
    """The Explorers still alive in this process, in the order they were made."""
    return [e for e in (ref() for ref in _CREATED) if e is not None]


class Explorer(widgets.VBox):
    """Controls on top, the figure as an image below, a readout line under it.

    Attributes:
        fig: the matplotlib Figure (updated in place).
        controls: ``{name: widget}``; each value widget triggers ``refresh`` on change.
        image: ``FigureImage`` (an ``ipywidgets.Image``) whose ``value`` is the last rendered PNG: ``PIXEL_RATIO``
            (2) image pixels per CSS pixel, shown at its natural CSS size (never stretched; it may shrink to fit a narrow page).
        readout: ``ipywidgets.HTML`` with the numbers the update function returned.
        animated: artists the update function changes, redrawn on every change.
        foreground: static artists drawn *above* the animated ones (data points, legends, labels), so a heatmap or
            decision boundary never hides them. Every legend in the figure is added automatically.
        timings_ms: milliseconds of each refresh (update + draw + PNG), for the benchmarks; ``timings_detail``
            splits each into ``(update, draw, encode)``.

    Layers of a render: the static background (drawn once, cached as pixels), then ``animated``, then
    ``foreground``. A tight layout (``utils.style.tight_layout``) runs whenever the background is redrawn, after
    the update, so titles and labels set by the update are inside the picture.
    """

    def __init__(self, fig: Figure, controls: dict, update: Callable[[SimpleNamespace], str | None],
                 buttons: list | None = None, animated: list | None = None, dpi: int = CSS_DPI,
                 foreground: list | None = None, pixel_ratio: int = PIXEL_RATIO, layout: bool = True):
        self.fig, self.controls, self._update = fig, dict(controls), update
        _CREATED.append(weakref.ref(self))
        self.css_dpi, self.pixel_ratio, self.layout_figure = dpi, pixel_ratio, layout
        fig.set_dpi(dpi * pixel_ratio)
        fig.set_facecolor("white")
        self.animated = list(animated or [])
        self.foreground = list(foreground or [])
        self._background = None
        self._encoder = PNGEncoder()
        width_css = round(fig.get_figwidth() * dpi)
        self.image = FigureImage(layout=widgets.Layout(
            width=f"{width_css}px", max_width="100%", height="auto", object_fit="contain"))
        self.readout = widgets.HTML()
        self.timings_ms: list[float] = []
        self.timings_detail: list[tuple[float, float, float]] = []
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
        with one_blas_thread():
            text = self._update(self.values())
            self._t_update = time.perf_counter() - start
            self.render()
        if text is not None:  # after the image: the page gets the picture first, then the numbers
            self.readout.value = text
        self.timings_ms.append((time.perf_counter() - start) * 1e3)

    def invalidate(self) -> None:
        """Call after changing something static (axis limits, new artists): the next render draws everything."""
        self._background = None

    def _legend_layers(self) -> list:
        """The legends that must be redrawn on top of animated artists: those lying on an axes that has animated
        artists (any other legend is static and stays in the cached background). Such a legend gets an opaque
        square frame, so its pixels can be cached too (see ``render``); the frame is inset by its own line width,
        so its border lies wholly inside the copied box (otherwise the pasted legend loses a side of its border)."""
        renderer = self.fig.canvas.get_renderer()
        busy = [a.axes.bbox for a in self.animated if getattr(a, "axes", None) is not None]
        legends = [ax.get_legend() for ax in self.fig.axes if ax.get_legend() is not None] + list(self.fig.legends)
        foreground = list(self.foreground)
        for legend in legends:
            if legend in foreground:
                continue
            box = legend.get_window_extent(renderer)
            if any(box.overlaps(axes_box) for axes_box in busy):
                legend.get_frame().set_alpha(1.0)
                frame = legend.get_frame()
                inset = frame.get_linewidth() / max(frame.get_mutation_scale(), 1.0)  # points / font size
                frame.set_boxstyle("square", pad=-inset)
                foreground.append(legend)
            else:
                legend.set_animated(False)
        for artist in self.animated + foreground:
            artist.set_animated(True)  # kept out of the cached background
        return [artist for artist in foreground if artist not in self.foreground]

    def render(self) -> None:
        """Draw the figure into a PNG. Static parts are drawn once and kept as a background; a change redraws
        only the animated artists and then the foreground on top of it (blitting). Foreground legends are
        opaque: their pixels are copied once and pasted on every later frame (drawing text costs ~10 ms)."""
        start = time.perf_counter()
        canvas = self.fig.canvas
        if self._background is None:
            if self.layout_figure:
                tight_layout(self.fig)
            self._legends = self._legend_layers()
            canvas.draw()  # skips animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._pasted = {}
        else:
            canvas.restore_region(self._background)
        animated, foreground = self.animated, self.foreground + self._legends
        for artist in animated + self.foreground:
            artist.set_animated(True)  # artists added since the background was drawn (cheap flag)
        for artist in animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        renderer = canvas.get_renderer()
        for artist in foreground:
            if not artist.get_visible():
                continue
            if artist in self._pasted:
                canvas.restore_region(self._pasted[artist])
                continue
            self.fig.draw_artist(artist)
            if isinstance(artist, Legend):
                self._pasted[artist] = canvas.copy_from_bbox(artist.get_window_extent(renderer))
        drawn = time.perf_counter()
        self.image.value = self._encoder.encode(canvas)
        done = time.perf_counter()
        self.timings_detail.append((getattr(self, "_t_update", 0.0) * 1e3, (drawn - start) * 1e3,
                                    (done - drawn) * 1e3))
        self._t_update = 0.0
