"""utils.png: the PNG files of static figures (``still_png``) decode to exactly the pixels they were given."""

import io
import zlib

import numpy as np
import pytest
from matplotlib.image import imsave
from PIL import Image

from utils.png import filtered_rows, png_file, still_png
from utils.style import new_figure


def _decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _drawn_figure_pixels() -> np.ndarray:
    fig, (ax,) = new_figure(3.0, 2.0)
    ax.plot([0, 1, 2], [1, 0, 2], label="a line")
    ax.set_title("a title")
    ax.legend()
    fig.set_dpi(200)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_an_opaque_figure_is_stored_as_rgb_with_exactly_its_pixels_and_its_dpi():
    pixels = _drawn_figure_pixels()
    assert (pixels[:, :, 3] == 255).all()
    image = _decoded(still_png(pixels, dpi=200))
    assert image.mode == "RGB" and image.size == (pixels.shape[1], pixels.shape[0])
    assert np.array_equal(np.asarray(image), pixels[:, :, :3])
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01)


def test_a_picture_with_transparent_pixels_keeps_its_alpha():
    pixels = _drawn_figure_pixels()
    pixels[:10, :10, 3] = 0
    pixels[10:20, :10, 3] = 128
    image = _decoded(still_png(pixels))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), pixels)
    assert "dpi" not in image.info


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_every_zlib_level_gives_the_same_pixels(level):
    pixels = _drawn_figure_pixels()
    assert np.array_equal(np.asarray(_decoded(still_png(pixels, level=level))), pixels[:, :, :3])


def test_a_figure_is_smaller_than_the_png_matplotlib_writes():
    pixels = _drawn_figure_pixels()
    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png")
    assert len(still_png(pixels)) < len(buffer.getvalue())


@pytest.mark.parametrize("pixels", [
    np.zeros((4, 5, 3), np.uint8),    # RGB: not a drawn canvas
    np.zeros((4, 5), np.uint8),       # one channel
    np.zeros((4, 5, 4), np.float64),  # floats
])
def test_anything_but_uint8_rgba_is_refused_with_what_came(pixels):
    with pytest.raises(ValueError, match=r"expected uint8 RGBA pixels of shape \(height, width, 4\), got"):
        still_png(pixels)


def test_filtered_rows_puts_a_zero_filter_byte_before_each_row_and_reuses_its_buffer():
    pixels = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    rows = filtered_rows(pixels)
    assert rows.shape == (2, 13) and (rows[:, 0] == 0).all()
    assert np.array_equal(rows[:, 1:], pixels.reshape(2, 12))
    assert filtered_rows(pixels + 1, out=rows) is rows and rows[0, 1] == 1
    assert filtered_rows(np.zeros((3, 3, 4), np.uint8), out=rows) is not rows  # another size: a new buffer


def test_png_file_writes_the_colour_type_of_its_channels():
    rgb = np.full((2, 2, 3), 7, np.uint8)
    image = _decoded(png_file(2, 2, 3, zlib.compress(filtered_rows(rgb))))
    assert image.mode == "RGB" and np.array_equal(np.asarray(image), rgb)
