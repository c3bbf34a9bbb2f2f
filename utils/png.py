"""PNG files written with numpy and a deflate function, for the course's pictures.

Two callers, two trade-offs:

- a lesson's static figure (``utils.style.retina_png``): ``still_png``, deflated once by the standard library's
  zlib at level 6. The rows go in as they are (filter 0): a course figure is mostly flat colour, which deflate
  already packs well, so the per-row filters Pillow tries cost time and give bigger files here. Measured on the
  21 figures of ``tests/test_figure_display.py``: 20 ms per figure instead of 34 ms with Pillow's PNG (which
  ``matplotlib.image.imsave`` calls), and 16% fewer bytes (1475 instead of 1761 kB);
- a widget frame, sent on every slider move (``utils.widgets.rendering.PNGEncoder``): the same rows, deflated
  by ISA-L at level 1, because there milliseconds count more than bytes.

Both use ``filtered_rows`` and ``png_file`` from here.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_TYPE = {3: 2, 4: 6}
"""PNG colour type by channels per pixel: 2 is RGB, 6 is RGBA (8 bits each)."""


def png_chunk(tag: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, tag, payload, CRC of tag and payload (the payload is copied once)."""
    return b"".join((struct.pack(">I", len(payload)), tag, payload,
                     struct.pack(">I", zlib.crc32(payload, zlib.crc32(tag)))))


def filtered_rows(pixels: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """pixels ``(height, width, channels)`` uint8 -> the PNG scanlines ``(height, 1 + width * channels)``: each
    row behind its filter byte 0 (none). ``out``, an array of that shape and dtype, is reused when given."""
    height, width, channels = pixels.shape
    shape = (height, 1 + width * channels)
    if out is None or out.shape != shape or out.dtype != np.uint8:
        out = np.empty(shape, np.uint8)
    out[:, 0] = 0
    out[:, 1:] = pixels.reshape(height, width * channels)
    return out


def png_file(width: int, height: int, channels: int, deflated: bytes, dpi: float | None = None) -> bytes:
    """A whole PNG file from scanlines already deflated (``filtered_rows``, then a zlib stream): 8 bits per
    channel, ``channels`` 3 (RGB) or 4 (RGBA); ``dpi`` (pixels per inch), if given, is stored as the pHYs chunk."""
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPE[channels], 0, 0, 0)  # no interlace
    chunks = [_SIGNATURE, png_chunk(b"IHDR", header)]
    if dpi:
        per_metre = round(dpi / 0.0254)
        chunks.append(png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [png_chunk(b"IDAT", deflated), png_chunk(b"IEND", b"")]
    return b"".join(chunks)


def still_png(pixels: np.ndarray, dpi: float | None = None, level: int = 6) -> bytes:
    """A static picture as PNG bytes: pixels ``(height, width, 4)`` uint8 RGBA (a drawn Agg canvas), stored as RGB
    when every pixel is opaque (a quarter fewer bytes to deflate and decode) and as RGBA otherwise, so nothing
    transparent turns black. Deflated by the standard library's zlib at ``level``; ``dpi`` goes to pHYs."""
    if pixels.ndim != 3 or pixels.shape[2] != 4 or pixels.dtype != np.uint8:
        raise ValueError(f"still_png: expected uint8 RGBA pixels of shape (height, width, 4), got {pixels.dtype} "
                         f"of shape {pixels.shape}")
    if (pixels[:, :, 3] == 255).all():
        pixels = pixels[:, :, :3]
    height, width, channels = pixels.shape
    return png_file(width, height, channels, zlib.compress(filtered_rows(pixels), level), dpi)
