"""Interactive explorers: move a slider, watch the math react.

Every factory works with no arguments, returns an ``Explorer`` (an ``ipywidgets.VBox``) and redraws
synchronously when a control changes, so it can be driven without a kernel::

    w = neuron_explorer()
    w.controls["w1"].value = 0.3      # recomputes, updates the artists, re-renders w.image
    w.fig                             # the matplotlib Figure; w.readout holds the numbers

How: the figure is built once (``matplotlib.figure.Figure``, no pyplot state); a change updates the
existing artists (``set_data``, ``set_array``, ``set_height``, ``set_text``) and renders the figure to a PNG
shown in an ``ipywidgets.Image`` (``FigureImage``: sent as a data: URL; ``PNGEncoder`` re-compresses only the
rows that changed). This works the same in JupyterLab, classic Notebook, VS Code and Voilà
slides, needs no ipympl, and never flickers (the image is swapped, not the output cleared).
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
import weakref
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from traitlets import Unicode

from utils import activations, data, gradients
from utils.model import History, fit, make_mlp, minibatches
from utils.optimizers import SGD, Adam, sgd_momentum_step
from utils.plots import (
    CLASS_COLORS,
    CLASS_MARKERS,
    POINT_EDGE,
    class_background_cmap,
    class_scatter,
    grid_over,
    plain_log_ticks,
    use_course_style,
)

use_course_style()

OUTLIER_COLOR = "#B2182B"
"""Dark red of the outlier in ``outlier_explorer``: far from the blue mean and the orange median line (and darker
than both, so it stands out in greyscale and for colour-blind readers as well)."""

_STYLE = {"description_width": "initial"}  # a label is never cut to "activat…"
_SLIDER_LAYOUT = {"width": "310px"}
_DROPDOWN_LAYOUT = {"width": "240px"}

CSS_DPI = 100
"""Screen size of a widget figure: one inch of figure is 100 CSS pixels (as for the course's static figures)."""
PIXEL_RATIO = 2
"""Every widget image carries this many pixels per CSS pixel (crisp at device pixel ratio 2)."""


def new_figure(width: float, height: float, ncols: int = 1) -> tuple[Figure, list]:
    """A Figure with ``ncols`` axes side by side, outside pyplot (widgets own their figures)."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def slider(description: str, value: float, lo: float, hi: float, step: float = 0.01, fmt: str = ".2f"):
    """A labelled float slider with a typed readout (type a number + Enter works too)."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=True, style=_STYLE,
                               layout=widgets.Layout(**_SLIDER_LAYOUT))


def log_slider(description: str, value: float, lo_exp: float, hi_exp: float, step: float = 0.1):
    """A base-10 log slider from 10**lo_exp to 10**hi_exp."""
    return widgets.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step, description=description,
                                  readout_format=".1e", style=_STYLE, layout=widgets.Layout(**_SLIDER_LAYOUT))


def choice_slider(description: str, options: list, value):
    """A slider over a few fixed options (batch sizes, layer widths)."""
    return widgets.SelectionSlider(options=options, value=value, description=description, style=_STYLE,
                                   layout=widgets.Layout(**_SLIDER_LAYOUT))


def dropdown(description: str, options: list, value):
    return widgets.Dropdown(options=options, value=value, description=description, style=_STYLE,
                            layout=widgets.Layout(**_DROPDOWN_LAYOUT))


def _png_chunk(tag: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)


def _adler32_combine(first: int, second: int, second_length: int) -> int:
    """adler32 of a + b from adler32(a), adler32(b) and len(b) (zlib's adler32_combine)."""
    base = 65521
    a1, b1, a2, b2 = first & 0xFFFF, first >> 16, second & 0xFFFF, second >> 16
    low = (a1 + a2 - 1) % base
    high = (b1 + b2 + (second_length % base) * (a1 - 1)) % base
    return (high << 16) | low


_ENCODERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="png")
_LAST_BLOCK = b"\x03\x00"  # an empty final deflate block (fixed Huffman): ends a stream of sync-flushed parts


def _deflate_rows(rows: np.ndarray, level: int) -> tuple[bytes, int]:
    """PNG scanlines ``(n, 4 * width + 1)`` (filter byte + RGBA pixels) as raw deflate data ending on a byte
    boundary (sync flush, not final) and their adler32. Independent of any other part, so parts can be cached
    and concatenated."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(rows) + compressor.flush(zlib.Z_SYNC_FLUSH), zlib.adler32(rows)


class PNGEncoder:
    """Encodes a canvas as a PNG, fast, re-compressing only the rows that changed since the last frame.

    How: the Agg buffer's rows get a filter byte 0 (none) and are copied as they are (8-bit RGBA: dropping the
    alpha channel costs more than deflating it), and the rows are cut into bands of ``band_rows``. Each band is
    compressed on its own (zlib level 1, sync flush), so the PNG's zlib stream is the bands' parts joined plus an
    empty final block, with the adler32 combined from the parts'. A band whose pixels equal the previous frame's
    keeps its compressed part: a slider change re-encodes only the rows its artists touch (titles, tick labels
    and legends above or below the plot are never compressed twice). Changed bands are compressed in two threads
    (zlib releases the GIL); all buffers are kept between frames. Numbers in ``benchmarks/RESULTS.md``.
    """

    def __init__(self, band_rows: int = 16, compress_level: int = 1, threads: int | None = None):
        self.band_rows, self.compress_level = band_rows, compress_level
        self.threads = threads or (2 if (os.cpu_count() or 1) > 1 else 1)
        self._shape: tuple[int, int] | None = None
        self.last_reused = 0  # bands reused in the last frame (for the benchmarks)

    def _reset(self, height: int, width: int) -> None:
        self._shape = (height, width)
        self._rows = np.zeros((height, 4 * width + 1), np.uint8)  # filter byte 0, then the RGBA pixels
        self._previous = np.zeros((height, width), np.uint32)
        self._differs = np.zeros((height, width), bool)
        edges = list(range(0, height, self.band_rows)) + [height]
        self._bands = list(zip(edges[:-1], edges[1:], strict=True))
        self._parts: list[tuple[bytes, int]] = [(b"", 1)] * len(self._bands)

    def _compress(self, pixels: np.ndarray, indices: list[int]) -> list[tuple[bytes, int]]:
        parts = []
        for i in indices:
            lo, hi = self._bands[i]
            self._rows[lo:hi, 1:] = pixels[lo:hi].view(np.uint8).reshape(hi - lo, -1)
            self._previous[lo:hi] = pixels[lo:hi]
            parts.append(_deflate_rows(self._rows[lo:hi], self.compress_level))
        return parts

    def encode(self, canvas) -> bytes:
        """The canvas (``FigureCanvasAgg``, drawn) as PNG bytes."""
        rgba = np.asarray(canvas.buffer_rgba())
        height, width = rgba.shape[:2]
        pixels = rgba.view(np.uint32).reshape(height, width)
        if self._shape != (height, width):
            self._reset(height, width)
            todo = list(range(len(self._bands)))
        else:
            np.not_equal(pixels, self._previous, out=self._differs)
            changed = self._differs.any(axis=1)
            todo = [i for i, (lo, hi) in enumerate(self._bands) if changed[lo:hi].any()]
        self.last_reused = len(self._bands) - len(todo)
        if todo:
            groups = [todo] if self.threads == 1 or len(todo) < 4 else [todo[: len(todo) // 2], todo[len(todo) // 2:]]
            results = ([self._compress(pixels, groups[0])] if len(groups) == 1
                       else list(_ENCODERS.map(lambda group: self._compress(pixels, group), groups)))
            for indices, parts in zip(groups, results, strict=True):
                for i, part in zip(indices, parts, strict=True):
                    self._parts[i] = part
        row_bytes = self._rows.shape[1]
        checksum = self._parts[0][1]
        for (lo, hi), (_, adler) in zip(self._bands[1:], self._parts[1:], strict=True):
            checksum = _adler32_combine(checksum, adler, (hi - lo) * row_bytes)
        stream = [b"\x78\x01", *(part for part, _ in self._parts), _LAST_BLOCK, struct.pack(">I", checksum)]
        crc = zlib.crc32(b"IDAT")
        for piece in stream:
            crc = zlib.crc32(piece, crc)
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
        return b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                         struct.pack(">I", sum(len(piece) for piece in stream)), b"IDAT", *stream,
                         struct.pack(">I", crc & 0xFFFFFFFF), _png_chunk(b"IEND", b"")])


def encode_png(canvas, compress_level: int = 1, threads: int | None = None, band_rows: int = 16) -> bytes:
    """The canvas as an RGBA PNG (one frame, nothing cached): see ``PNGEncoder``."""
    return PNGEncoder(band_rows, compress_level, threads).encode(canvas)


class PixelImage(Artist):
    """A heatmap that fills its axes, drawn by writing pixels straight into the Agg buffer.

    ``AxesImage`` resamples and colour-maps at the output resolution on every draw (20–60 ms for a widget at
    2x pixels); this colour-maps the small array (``(ny, nx)``, row 0 at the bottom) and repeats its cells to
    the axes' pixel box with numpy indexing (a few ms). It always covers the whole axes (extent = the axis
    limits); ``get_array``/``set_data`` work like ``AxesImage``.
    """

    def __init__(self, ax, array, cmap, vmin: float, vmax: float):
        super().__init__()
        from matplotlib import colormaps
        from matplotlib.colors import Normalize

        self.axes = ax
        self.set_figure(ax.figure)
        self.cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
        self.norm = Normalize(vmin, vmax)
        self._A = np.asarray(array, dtype=float)
        self.set_clip_on(False)
        self.set_zorder(0)
        ax.add_artist(self)

    def set_data(self, array) -> None:
        self._A = np.asarray(array, dtype=float)
        self.stale = True

    def get_array(self) -> np.ndarray:
        return self._A

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        buffer = np.asarray(renderer.buffer_rgba())
        height = buffer.shape[0]
        x0, y0, x1, y1 = (int(round(v)) for v in self.axes.bbox.extents)
        top, bottom = height - y1, height - y0
        if x1 <= x0 or bottom <= top:
            return
        colors = self.cmap(self.norm(self._A[::-1]), bytes=True)  # (ny, nx, 4), top row first
        ny, nx = self._A.shape
        # cell i covers the pixels whose centres fall in it: repeat counts from the cell edges in pixels
        row_counts = np.diff(np.round(np.linspace(0, bottom - top, ny + 1)).astype(int))
        col_counts = np.diff(np.round(np.linspace(0, x1 - x0, nx + 1)).astype(int))
        buffer[top:bottom, x0:x1] = np.repeat(np.repeat(colors, row_counts, axis=0), col_counts, axis=1)
        self.stale = False


def _png_as_data_url(value, _widget) -> bytes:
    return b"data:image/png;base64," + base64.b64encode(value)


class FigureImage(widgets.Image):
    """An ``ipywidgets.Image`` whose ``value`` is PNG bytes in Python but reaches the page as a ``data:`` URL.

    The standard Image view turns PNG bytes into a ``Blob`` and a ``blob:`` URL, which the browser fetches
    through its blob registry before decoding; a ``data:`` URL is decoded in place. Measured in JupyterLab in
    Chromium (benchmarks/RESULTS.md): the bare slider -> new image round trip drops from ~27 to ~19 ms, for a
    third more bytes on the websocket (base64). Same model and view as ``ipywidgets.Image`` (format ``"url"``),
    so it works wherever ipywidgets does (JupyterLab, Notebook, VS Code, Voilà)."""

    value = widgets.trait_types.CByteMemoryView(help="The PNG bytes (sent to the page as a data: URL).").tag(
        sync=True, to_json=_png_as_data_url)
    format = Unicode("url", help="Always 'url': the page receives a data: URL.").tag(sync=True)


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
    ``foreground``. ``fig.tight_layout()`` runs whenever the background is redrawn, after the update, so titles
    and labels set by the update are inside the picture.
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
                self.fig.tight_layout()
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


# ------------------------------------------------------------------------------ lesson 00
def hello_slider(frequency: float = 1.0) -> Explorer:
    """Lesson 00's proof that widgets work: a slider changes the frequency of a sine wave."""
    fig, (ax,) = new_figure(5.0, 2.4)
    x = np.linspace(0, 2 * np.pi, 300)
    (line,) = ax.plot(x, np.sin(frequency * x), lw=2)
    ax.set(ylim=(-1.1, 1.1), xlabel="x", title="sin(frequency · x)")
    ax.grid(alpha=0.3)

    def update(v):
        line.set_ydata(np.sin(v.frequency * x))
        return f"frequency = {v.frequency:.2f}: the curve above should change as you drag"

    return Explorer(fig, {"frequency": slider("frequency", frequency, 0.5, 5.0)}, update, animated=[line])


# ------------------------------------------------------------------------------ lessons 01-02
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
    points = class_scatter(ax, X, y, size=16, label=False) if data_xy is not None else []
    (zero_line,) = ax.plot([], [], "k--", lw=1.5, label="w·x + b = 0")
    arrow = ax.annotate("", xy=(w1, w2), xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 2, "color": "k"})
    # a white halo keeps the red cross visible on the reddest part of the heatmap
    (marker,) = ax.plot([], [], "x", color="#C0392B", ms=11, mew=2.5, label="the point (x1, x2)",
                        path_effects=[patheffects.withStroke(linewidth=5, foreground="white")])
    ax.set(xlim=(lo, hi), ylim=(lo_y, hi_y), xlabel="$x_1$", ylabel="$x_2$")
    # the legend sits above the plot: nothing it could hide
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, frameon=False, borderaxespad=0)
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
    # layers: heatmap, then the data, then the line, arrow and point on top
    return Explorer(fig, controls, update, animated=[heat], foreground=[*points, zero_line, arrow, marker])


# ------------------------------------------------------------------------------ lesson 03
def _title(ax, text: str = " "):
    """A title-like text above the axes that an update can change (an ordinary Text artist, so it can be
    animated; tight_layout keeps room for it)."""
    return ax.set_title(text)


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
    fig, (ax,) = new_figure(5.6, 3.4)
    (ghost,) = ax.plot(x, funcs[activation](x), color="0.7", lw=4, label="activation(x)")
    (line,) = ax.plot(x, funcs[activation](w * x + b), color="C0", lw=2, label="activation(w·x + b)")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set(xlabel="x", ylim=(-2.2, 2.2))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    title = _title(ax)

    def update(v):
        f = funcs[v.activation]
        ghost.set_ydata(f(x))
        line.set_ydata(f(v.w * x + v.b))
        title.set_text(f"{v.activation}({v.w:.2f}·x + {v.b:.2f})")
        if abs(v.w) > 1e-9:
            return f"the bend or middle of the curve sits at x = −b/w = {-v.b / v.w + 0.0:.2f}; |w| sets how steep it is"
        return "w = 0: the output no longer depends on x"

    controls = {"activation": dropdown("activation", names, activation),
                "w": slider("w", w, -4, 4), "b": slider("b", b, -4, 4)}
    return Explorer(fig, controls, update, animated=[ghost, line, title])


def softmax_explorer(logits: tuple[float, float, float] = (2.0, 1.0, 0.1), temperature: float = 1.0) -> Explorer:
    """Three logits and a temperature -> softmax probabilities as bars (``softmax(logits / T)``)."""
    fig, (ax_logit, ax_prob) = new_figure(6.6, 3.0, ncols=2)
    classes = ["class 0", "class 1", "class 2"]
    hatches = ["", "//", ".."]  # classes differ by pattern as well as colour
    logit_bars = ax_logit.bar(classes, logits, color=CLASS_COLORS[:3], edgecolor=POINT_EDGE, hatch=hatches)
    prob_bars = ax_prob.bar(classes, [1 / 3] * 3, color=CLASS_COLORS[:3], edgecolor=POINT_EDGE, hatch=hatches)
    labels = [ax_prob.text(i, 0, "", ha="center", va="bottom") for i in range(3)]
    ax_logit.set(ylim=(-6, 6), title="logits (raw scores)")
    ax_logit.axhline(0, color="k", lw=0.5)
    ax_prob.set(ylim=(0, 1.15), title="softmax probabilities")

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
    """Slide the probability p the model gives to the true class (the target is 1): cross-entropy −log p,
    for comparison −log(1 − p), what binary cross-entropy would charge if the target were 0, and the squared
    error (1 − p)² react side by side."""
    ps = np.linspace(1e-4, 1 - 1e-4, 400)
    fig, (ax, ax_bar) = new_figure(7.6, 3.2, ncols=2)
    ax.plot(ps, -np.log(ps), lw=2, label="−log p (cross-entropy)")
    ax.plot(ps, -np.log(1 - ps), lw=2, ls="-.", label="−log(1 − p) (if target were 0)")
    ax.plot(ps, (1 - ps) ** 2, lw=2, ls="--", label="(1 − p)² (squared error)")
    markers = [ax.plot([], [], CLASS_MARKERS[i], color=f"C{i}", ms=8, mec=POINT_EDGE)[0] for i in range(3)]
    ax.set(xlabel="p = predicted probability of the true class", ylabel="loss", ylim=(0, 6))
    ax.legend(loc="upper center")
    ax.grid(alpha=0.3)
    bars = ax_bar.bar(["−log p", "−log(1−p)", "(1−p)²"], [0, 0, 0], color=["C0", "C1", "C2"], edgecolor=POINT_EDGE,
                      hatch=["", "//", ".."])
    texts = [ax_bar.text(i, 0, "", ha="center", va="bottom") for i in range(3)]
    ax_bar.set(ylim=(0, 10.8), title="loss at this p")

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
    """Best constant prediction for six points under MSE (the mean) and MAE (the median) as you move one
    point: the mean follows the outlier, the median hardly moves.

    The outlier is a large dark-red star with a black edge (a colour, shape and edge neither line uses), drawn
    last, so no line ever covers it; the five other points (grey circles) are drawn above the lines too. The
    mean is a solid blue line, the median a dashed orange one drawn above it, so where they meet both show."""
    base = np.array([1.0, 1.4, 2.0, 2.3, 2.9])
    cs = np.linspace(-6, 12, 400)
    fig, (ax, ax_loss) = new_figure(7.6, 3.2, ncols=2)
    mean_line = ax.axhline(0, color="C0", lw=2.2, ls="-", label="mean (best under MSE)", zorder=2)
    median_line = ax.axhline(0, color="C1", lw=2.2, ls=(0, (4, 2.5)), label="median (best under MAE)", zorder=2)
    points = ax.scatter(np.arange(5), base, color="0.6", marker="o", s=45, edgecolors=POINT_EDGE, linewidths=1,
                        zorder=3)
    (outlier_point,) = ax.plot([5], [outlier], ls="", marker="*", ms=17, color=OUTLIER_COLOR, mec="black", mew=1.2,
                               zorder=4, label="outlier (slider)")
    ax.set(xlim=(-0.5, 5.5), ylim=(-6, 12), xlabel="sample", ylabel="target y",
           title="move the outlier (red star) with the slider")
    ax.legend(loc="upper left", handlelength=2.6)
    (mse_curve,) = ax_loss.plot(cs, cs, color="C0", lw=2, label="MSE(c)")
    (mae_curve,) = ax_loss.plot(cs, cs, color="C1", lw=2, ls=(0, (4, 2.5)), label="MAE(c)")
    mse_min = ax_loss.axvline(0, color="C0", lw=1.2)
    mae_min = ax_loss.axvline(0, color="C1", lw=1.2, ls=(0, (4, 2.5)))
    ax_loss.set(xlabel="constant prediction c", ylabel="loss", yscale="log", ylim=(0.1, 200))
    plain_log_ticks(ax_loss.yaxis)
    ax_loss.legend(loc="lower right", handlelength=2.6)  # loss < 1 never happens here: the lines cannot reach it

    def update(v):
        y = np.r_[base, v.outlier]
        outlier_point.set_ydata([v.outlier])
        mean, median = float(y.mean()), float(np.median(y))
        mean_line.set_ydata([mean, mean])
        median_line.set_ydata([median, median])
        mse_curve.set_ydata(((cs[:, None] - y) ** 2).mean(axis=1))
        mae_curve.set_ydata(np.abs(cs[:, None] - y).mean(axis=1))
        mse_min.set_xdata([mean, mean])
        mae_min.set_xdata([median, median])
        return f"outlier at {v.outlier:.1f}: mean = {mean:.3f}, median = {median:.3f}"

    # layers: the lines, then the five points above them, then the outlier on top of everything
    return Explorer(fig, {"outlier": slider("outlier y", outlier, -5, 11, step=0.1, fmt=".1f")}, update,
                    animated=[mean_line, median_line, mse_curve, mae_curve, mse_min, mae_min, outlier_point],
                    foreground=[points])


# ------------------------------------------------------------------------------ lesson 05
def secant_explorer(h: float = 0.5, x0: float = 1.0) -> Explorer:
    """f(x) = x³/2 near x0: the tangent (slope 1.5·x0²), the forward secant through x0 and x0 + h and the
    central secant through x0 − h and x0 + h. Right: error vs h (log-log), with the current h marked.
    (A cubic, because for a parabola the central difference is exact and its error line would be flat.)"""

    def f(x):
        return 0.5 * x ** 3

    def dfdx(x):
        return 1.5 * x ** 2

    fig, (ax, ax_err) = new_figure(7.6, 3.4, ncols=2)
    xs = np.linspace(-0.5, 2.5, 200)
    ax.plot(xs, f(xs), color="k", lw=2, label="f(x) = x³/2")
    (tangent,) = ax.plot([], [], color="C2", lw=1.5, label="tangent")
    (forward,) = ax.plot([], [], color="C0", lw=1.5, label="forward secant")
    (central,) = ax.plot([], [], color="C3", lw=1.5, ls="--", label="central secant")
    (dots,) = ax.plot([], [], "o", color="C0", ms=5, mec=POINT_EDGE)
    ax.set(xlim=(-0.5, 2.5), ylim=(-1.5, 8), xlabel="x")
    ax.legend(loc="upper left")
    table = gradients.finite_difference_errors(f, dfdx, x0, np.logspace(-12, -0.3, 60))
    ax_err.loglog(table["h"], np.maximum(table["forward"], 1e-17), color="C0", lw=1.5, label="forward")
    ax_err.loglog(table["h"], np.maximum(table["central"], 1e-17), color="C3", lw=1.5, ls="--", label="central")
    now = ax_err.axvline(h, color="0.3", lw=1.2, label="this h")
    ax_err.set(xlabel="h (big on the left)", ylabel="|error|", ylim=(1e-17, 10), title="error vs h")
    ax_err.invert_xaxis()
    ax_err.legend(loc="lower left")

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

    def update(v):
        if v.learning_rate not in runs:
            if len(runs) > 256:
                runs.clear()
            model = make_mlp([2, 16, 3], activation="relu", rng=np.random.default_rng(0))
            runs[v.learning_rate] = fit(model, X, y, SGD(v.learning_rate), epochs=epochs)
        history = runs[v.learning_rate]
        losses = np.asarray(history.loss)
        line.set_data(np.arange(1, losses.size + 1), losses)
        line.set_color("C3" if history.diverged else "C0")
        title.set_text(f"learning rate {v.learning_rate:.2g}")
        if history.diverged:
            return f"<b>diverged</b>: {history.summary()}"
        verdict = ("too big: the loss ended higher than it started — the steps overshoot"
                   if losses[-1] > losses[0] else "too small: barely moving" if losses[-1] > 0.9 * losses[0]
                   else "learning")
        return f"after {epochs} epochs: loss {losses[-1]:.4f}, accuracy {history.accuracy[-1]:.3f} — {verdict}"

    return Explorer(fig, {"learning_rate": log_slider("learning rate", learning_rate, -3, 3)}, update,
                    animated=[line, title])


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
    fig, (ax,) = new_figure(4.8, 4.4)
    ax.contour(W1, W2, _surface(np.stack([W1, W2], axis=-1)), levels=np.logspace(-2, 2.2, 14), cmap="viridis",
               linewidths=1)
    (path_line,) = ax.plot([], [], "o-", color="C3", ms=3.5, lw=1.3, mec=POINT_EDGE, mew=0.4)
    (minimum,) = ax.plot([0], [0], "*", color="k", ms=13, mec="white", label="minimum")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="weight 1", ylabel="weight 2", aspect="equal")
    title = ax.set_title(" ")

    def update(v):
        path = descent_path(v.learning_rate, v.momentum, steps)
        path_line.set_data(path[:, 0], path[:, 1])
        final = float(_surface(path[-1])) if np.all(np.isfinite(path[-1])) else float("inf")
        title.set_text(f"lr {v.learning_rate:.3f}, momentum {v.momentum:.2f}")
        if not np.isfinite(final) or final > 1e3:
            return f"<b>diverged</b>: the steps overshoot across the valley and grow (loss {final:.3g})"
        return f"loss after {len(path) - 1} steps: {final:.2e}"

    controls = {"learning_rate": slider("learning rate", learning_rate, 0.005, 0.11, step=0.005, fmt=".3f"),
                "momentum": slider("momentum", momentum, 0.0, 0.99, step=0.01)}
    return Explorer(fig, controls, update, animated=[path_line, title], foreground=[minimum])


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
        self.image = PixelImage(ax, np.zeros(self.xx.shape), class_background_cmap(k), -0.5, k - 0.5)
        self.scatter = class_scatter(ax, X, y, size=size, label=False)
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])

    def set_data(self, X, y) -> list:
        """Show ``X, y`` as the points (instead of the data the view was built with); returns the collections."""
        for collection in self.scatter:
            collection.remove()
        self.scatter = class_scatter(self.ax, X, y, size=self.size, label=False)
        return self.scatter

    def update(self, model) -> np.ndarray:
        labels = model.predict(self.points).reshape(self.xx.shape)
        self.image.set_data(labels)
        return labels


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
        title.set_text(f"{h} hidden units per layer")
        return f"train accuracy {train_acc:.3f} (filled markers), test accuracy {test_acc:.3f} (hollow markers)"

    controls = {"hidden": choice_slider("hidden units", [1, 2, 4, 8, 16, 32, 64, 128], hidden)}
    return Explorer(fig, controls, update, animated=[view.image, title], foreground=[*train_points, *test_points])


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


# ------------------------------------------------------------------------------ lesson 08
def digit_browser(model=None, images=None, labels=None, index: int = 0, pictures=None) -> Explorer:
    """Browse test images with the network's probabilities as bars.

    model: anything with ``predict_proba(X)`` ``(n, 10)``; images ``(n, 64)`` as the model takes them
    (e.g. standardised); labels ``(n,)``; pictures ``(n, 64)``: what to draw (the raw pixel values). Pass
    pictures when images are standardised: per-pixel standardising scrambles how a digit looks. With no
    arguments, a small network is trained on the digits (about a second).
    """
    if model is None or images is None or labels is None:
        X, y = data.digits()
        X_train, pictures, y_train, labels = data.train_test_split(X, y, test_fraction=0.2, seed=0)
        scaler = data.Standardizer().fit(X_train)
        model = make_mlp([64, 32, 10], rng=np.random.default_rng(0))
        fit(model, scaler.transform(X_train), y_train, Adam(0.01), epochs=40, batch_size=64)
        images = scaler.transform(pictures)
    images, labels = np.asarray(images), np.asarray(labels)
    pictures = images if pictures is None else np.asarray(pictures)
    if pictures.shape[0] != images.shape[0] or pictures[0].size != 64:
        raise ValueError(f"digit_browser: pictures must be (n, 64) like images {images.shape}, got {pictures.shape}")
    probs_all = model.predict_proba(images)
    fig, (ax_img, ax_bar) = new_figure(6.8, 3.2, ncols=2)
    pic = PixelImage(ax_img, np.zeros((8, 8)), "gray_r", 0, 1)
    ax_img.set(xlim=(0, 8), ylim=(0, 8), aspect="equal")
    ax_img.set_axis_off()
    grey = "0.75"
    bars = ax_bar.bar(range(10), np.zeros(10), color=grey, edgecolor=POINT_EDGE, linewidth=0.6)
    ax_bar.set(ylim=(0, 1.2), yticks=np.linspace(0, 1, 6), xticks=range(10), xlabel="digit", ylabel="probability")
    from matplotlib.patches import Patch

    ax_bar.legend(handles=[Patch(fc="C2", ec=POINT_EDGE, label="true label"),
                           Patch(fc="C3", ec=POINT_EDGE, hatch="//", label="predicted, wrong")],
                  loc="lower right", bbox_to_anchor=(1, 1.01), ncol=2, frameon=False, borderaxespad=0,
                  handlelength=1.2, columnspacing=0.8)
    title = ax_img.set_title(" ")
    true_mark = ax_bar.text(0, 0.03, "true", ha="center", va="bottom", color="C2", fontweight="bold")
    wrong = np.flatnonzero(probs_all.argmax(axis=1) != labels)

    def update(v):
        i = int(v.index)
        img = pictures[i].reshape(8, 8)
        pic.set_data(img[::-1])  # PixelImage puts row 0 at the bottom; an image's row 0 is its top
        pic.norm.vmin, pic.norm.vmax = float(img.min()), float(img.max()) + 1e-12
        p = probs_all[i]
        pred = int(p.argmax())
        for k, bar in enumerate(bars):
            bar.set_height(p[k])
            bar.set_facecolor("C2" if k == labels[i] else "C3" if k == pred else grey)
            bar.set_hatch("//" if k == pred and k != labels[i] else "")
        true_mark.set_position((int(labels[i]), p[int(labels[i])] + 0.02))
        ok = "✓" if pred == labels[i] else "✗"
        title.set_text(f"true {labels[i]}, predicted {pred} {ok}")
        return (f"image {i}: predicted {pred} with probability {p[pred]:.3f}; true label {labels[i]} "
                f"({len(wrong)} of {len(labels)} test images are misclassified, e.g. {wrong[:5].tolist()})")

    controls = {"index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="test image",
                                           style=_STYLE, layout=widgets.Layout(**_SLIDER_LAYOUT))}
    return Explorer(fig, controls, update, animated=[pic, *bars, title, true_mark])


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

