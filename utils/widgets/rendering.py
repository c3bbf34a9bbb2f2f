"""Turning a figure into pixels fast: the PNG encoder that re-compresses only changed rows, a heatmap artist that
writes pixels straight into the Agg buffer, and the image widget that sends a PNG to the page as a data: URL.

This is the engine room of the widgets (``utils.widgets.engine``): a lesson never calls it directly.
"""

from __future__ import annotations

import base64
import functools
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from traitlets import Unicode


def _png_chunk(tag: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)


def _adler32_combine(first: int, second: int, second_length: int) -> int:
    """adler32 of a + b from adler32(a), adler32(b) and len(b) (zlib's adler32_combine)."""
    base = 65521
    a1, b1, a2, b2 = first & 0xFFFF, first >> 16, second & 0xFFFF, second >> 16
    low = (a1 + a2 - 1) % base
    high = (b1 + b2 + (second_length % base) * (a1 - 1)) % base
    return (high << 16) | low


@functools.cache
def _encoder_threads() -> ThreadPoolExecutor:
    """Two threads for compressing bands of a PNG, started the first time an image needs them (never on import)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="png")


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
                       else list(_encoder_threads().map(lambda group: self._compress(pixels, group), groups)))
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
