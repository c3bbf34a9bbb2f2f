"""Turning a figure into pixels fast: the PNG encoder, a heatmap artist that writes pixels straight into the Agg
buffer, and the image widget that sends a PNG to the page as a data: URL.

This is the engine room of the widgets (``utils.widgets.engine``): a lesson never calls it directly.
"""

from __future__ import annotations

import base64
import numbers
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from traitlets import Unicode

from utils.png import filtered_rows, png_file

try:  # Intel's ISA-L deflate: level 1 compresses a widget frame 5-12x faster than zlib's, to about the same size
    from isal import isal_zlib as _deflate
except ImportError:  # no wheel for this platform (Intel macOS, Python 3.12+): the standard library's zlib, slower
    _deflate = zlib


class PNGEncoder:
    """Encodes a drawn canvas as an 8-bit RGBA PNG, fast enough to send every slider move.

    How: the Agg buffer's rows are copied as they are behind a filter byte 0 (none), into one buffer kept between
    frames (8-bit RGBA: dropping the alpha channel costs more than deflating it), and the whole frame is deflated
    in one call at level 1 by ISA-L (``isal``; the standard library's zlib where ISA-L has no wheel). A 1 Mpixel
    frame takes 1-3 ms. Numbers and the encoders compared in ``benchmarks/RESULTS.md``.
    """

    def __init__(self, compress_level: int = 1):
        best, name = (9, "zlib") if _deflate is zlib else (3, "ISA-L")
        if isinstance(compress_level, bool) or not isinstance(compress_level, numbers.Integral) \
                or not 0 <= compress_level <= best:
            raise ValueError(f"PNGEncoder: compress_level must be a whole number 0..{best} ({name}'s levels), "
                             f"got {compress_level!r}")
        self.compress_level = int(compress_level)
        self._rows: np.ndarray | None = None

    def encode(self, canvas) -> bytes:
        """The canvas (``FigureCanvasAgg``, drawn) as PNG bytes."""
        rgba = np.asarray(canvas.buffer_rgba())
        height, width = rgba.shape[:2]
        self._rows = filtered_rows(rgba, out=self._rows)  # the buffer of the last frame, when the size is the same
        return png_file(width, height, 4, _deflate.compress(self._rows, self.compress_level))


def encode_png(canvas, compress_level: int = 1) -> bytes:
    """The canvas as an RGBA PNG (one frame): see ``PNGEncoder``."""
    return PNGEncoder(compress_level).encode(canvas)


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


class RegionImage(PixelImage):
    """Decision regions that follow the boundary between grid points instead of stepping from cell to cell.

    ``set_data(scores)`` takes one score per class and grid point, ``(ny, nx, n_classes)`` (row 0 at the bottom:
    a model's logits or probabilities on the grid). ``draw`` interpolates the scores bilinearly to at most
    ``SUPERSAMPLE`` times the grid in each direction (capped by the axes' pixels), takes the best class of each
    interpolated point and paints its colour: a boundary as smooth as the pixels allow, for the price of one
    small interpolation (no model call per pixel). ``get_array()`` is the class of each grid point ``(ny, nx)``.
    """

    SUPERSAMPLE = 4

    def set_data(self, scores) -> None:
        scores = np.asarray(scores, dtype=float)
        if scores.ndim != 3:
            raise ValueError(f"RegionImage.set_data expects scores of shape (ny, nx, n_classes), got {scores.shape}")
        self._scores = scores
        self._A = scores.argmax(axis=2).astype(float)
        self.stale = True

    @staticmethod
    def _interpolation_matrix(n: int, size: int) -> np.ndarray:
        """``(size, n)``: row i holds the bilinear weights of the ``n`` grid values at the centre of fine cell i."""
        positions = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
        low = np.floor(positions).astype(int)
        high = np.minimum(low + 1, n - 1)
        weight = positions - low
        matrix = np.zeros((size, n), dtype=np.float32)
        matrix[np.arange(size), low] += 1 - weight
        matrix[np.arange(size), high] += weight
        return matrix

    def draw(self, renderer) -> None:
        scores = getattr(self, "_scores", None)
        if scores is None or not self.get_visible():
            return super().draw(renderer)
        x0, y0, x1, y1 = (int(round(v)) for v in self.axes.bbox.extents)
        ny, nx, _ = scores.shape
        rows = max(1, min(y1 - y0, ny * self.SUPERSAMPLE))
        cols = max(1, min(x1 - x0, nx * self.SUPERSAMPLE))
        key = (ny, nx, rows, cols)
        if getattr(self, "_matrices_key", None) != key:
            self._matrices = (self._interpolation_matrix(ny, rows), self._interpolation_matrix(nx, cols).T.copy())
            self._matrices_key = key
        down, across = self._matrices
        # per class: (rows, ny) @ (ny, nx) @ (nx, cols), i.e. bilinear interpolation as two small matrix products
        per_class = np.ascontiguousarray(scores.transpose(2, 0, 1), dtype=np.float32)
        # the best class of each fine point, one class plane at a time (an argmax over a leading axis is slow)
        best = down @ per_class[0] @ across
        fine = np.zeros(best.shape, dtype=np.uint8)
        for index, plane in enumerate(per_class[1:], start=1):
            candidate = down @ plane @ across
            better = candidate > best
            fine[better] = index
            np.maximum(best, candidate, out=best)
        if getattr(self, "_lut_size", None) != len(per_class):
            colors = self.cmap(self.norm(np.arange(len(per_class))), bytes=True)  # one RGBA colour per class
            self._lut = np.ascontiguousarray(colors).view(np.uint32).ravel()
            self._lut_size = len(per_class)
        buffer = np.asarray(renderer.buffer_rgba())
        top, bottom = buffer.shape[0] - y1, buffer.shape[0] - y0
        if x1 <= x0 or bottom <= top:
            return
        row_counts = np.diff(np.round(np.linspace(0, bottom - top, rows + 1)).astype(int))
        col_counts = np.diff(np.round(np.linspace(0, x1 - x0, cols + 1)).astype(int))
        labels = np.repeat(np.repeat(fine[::-1], row_counts, axis=0), col_counts, axis=1)  # top row first
        buffer[top:bottom, x0:x1] = np.take(self._lut, labels).view(np.uint8).reshape(*labels.shape, 4)
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
