"""Every widget factory, driven without a kernel (MPLBACKEND=Agg): set each control, the picture
changes, and the state is what the controls say."""

import re

import ipywidgets as widgets
import numpy as np
import pytest

from utils import widgets as W


def _nudge(control):
    if isinstance(control, widgets.Dropdown | widgets.SelectionSlider):
        options = list(control.options)
        control.value = options[(options.index(control.value) + 1) % len(options)]
    elif isinstance(control, widgets.FloatLogSlider):
        control.value = control.value * 2 if control.value * 2 <= 10 ** control.max else control.value / 2
    else:
        span = (control.max - control.min) * 0.15
        control.value = control.value + span if control.value + span <= control.max else control.value - span


STATIC = {("playground", "optimizer"), ("playground", "learning_rate"), ("playground", "batch_size")}


@pytest.mark.parametrize("name", [n for n in W.FACTORIES if n != "digit_browser"])
def test_every_control_redraws_the_figure(name):
    explorer = W.FACTORIES[name]()
    assert isinstance(explorer, widgets.VBox) and bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.readout.value
    for key, control in explorer.controls.items():
        before_image, before_text = explorer.image.value, explorer.readout.value
        _nudge(control)
        if (name, key) in STATIC:
            continue  # these change how the next step trains, not the current picture
        assert explorer.image.value != before_image, f"{name}: changing {key} did not change the figure"
        assert isinstance(explorer.readout.value, str) and explorer.readout.value, before_text


def test_digit_browser_with_a_given_model():
    from utils.data import digits
    from utils.model import make_mlp

    X, y = digits()
    model = make_mlp([64, 10], rng=np.random.default_rng(0))
    browser = W.digit_browser(model, X[:20] / 16, y[:20])
    before = browser.image.value
    browser.controls["index"].value = 5
    assert browser.image.value != before
    assert f"true label {y[5]}" in browser.readout.value


def test_neuron_explorer_readout_is_the_weighted_sum():
    w = W.neuron_explorer()
    c = w.controls
    c["w1"].value, c["w2"].value, c["b"].value, c["x1"].value, c["x2"].value = 0.5, -1.0, 0.25, 1.0, 0.5
    assert "= <b>0.250</b>" in w.readout.value  # 0.5*1 - 1*0.5 + 0.25


def test_softmax_explorer_bars_are_the_probabilities():
    w = W.softmax_explorer()
    w.controls["z0"].value, w.controls["z1"].value, w.controls["z2"].value = 4.8, 1.21, 2.385
    heights = [round(b.get_height(), 3) for b in w.animated[3:6]]
    assert heights == [0.895, 0.025, 0.080]


def test_loss_surface_momentum_changes_the_path():
    plain = W.descent_path(0.04, 0.0)
    heavy = W.descent_path(0.04, 0.9)
    assert plain.shape == heavy.shape and not np.allclose(plain, heavy)
    assert np.linalg.norm(W.descent_path(0.04, 0.6)[-1]) < np.linalg.norm(plain[-1])
    w = W.loss_surface_explorer()
    w.controls["learning_rate"].value = 0.105
    assert "diverged" in w.readout.value


def test_learning_rate_explorer_says_too_big_and_too_small():
    w = W.learning_rate_explorer()
    w.controls["learning_rate"].value = 300.0
    assert "too big" in w.readout.value
    w.controls["learning_rate"].value = 0.001
    assert "too small" in w.readout.value


def test_playground_step_trains_and_controls_set_the_model():
    pg = W.playground()
    before = pg.image.value
    pg.step()
    assert len(pg.history.loss) == pg.epochs_per_step and pg.image.value != before
    pg.controls["hidden"].value = 32
    assert pg.model.layers[0].weights.shape == (2, 32) and pg.history.loss == []
    pg.controls["optimizer"].value = "momentum"
    assert type(pg.optimizer).__name__ == "SGD" and pg.optimizer.momentum == 0.9
    pg.controls["learning_rate"].value = 0.05
    assert pg.optimizer.learning_rate == pytest.approx(0.05)
    pg.controls["dataset"].value = "xor"
    assert pg.y.max() == 1
    pg.play(frames=2)
    assert len(pg.history.loss) == 2 * pg.epochs_per_step and not pg.playing
    pg.reset()
    assert pg.history.loss == [] and "press step" in pg.readout.value


def test_playground_training_reaches_high_accuracy_on_xor():
    pg = W.playground(dataset="xor", noise=0.1)
    pg.play(frames=10)
    assert pg.history.accuracy[-1] > 0.95


def test_overfitting_explorer_reports_train_and_test():
    w = W.overfitting_explorer()
    before = w.readout.value
    # a size the explorer has not trained yet; the smallest (1 unit) trains in a fraction of a second, the largest
    # (128) took 5-15 s of the test run while asserting nothing more
    w.controls["hidden"].value = 1
    assert "train accuracy" in w.readout.value and "test accuracy" in w.readout.value
    assert w.readout.value != before


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="activation must be one of"):
        W.neuron_explorer(activation="swish")
    with pytest.raises(ValueError, match="activation must be one of"):
        W.activation_explorer("swish")


# ------------------------------------------------------------------------------ crisp, layered, colour-blind safe
def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _small_digit_browser():
    from utils.data import digits
    from utils.model import make_mlp

    X, y = digits()
    return W.digit_browser(make_mlp([64, 10], rng=np.random.default_rng(0)), X[:20] / 16, y[:20])


@pytest.mark.parametrize("name", list(W.FACTORIES))
def test_every_widget_is_crisp_legible_and_fully_labelled(name):
    import matplotlib.text

    explorer = W.FACTORIES[name]() if name != "digit_browser" else _small_digit_browser()
    # 2 image pixels per CSS pixel, shown at its natural CSS width (shrinks to fit, never stretches)
    width, height = _png_size(bytes(explorer.image.value))
    css_width = float(explorer.image.layout.width.removesuffix("px"))
    assert width >= 2 * 0.9 * css_width and abs(width / 2 - css_width) <= 1, (width, css_width)
    assert explorer.image.layout.max_width == "100%" and explorer.image.layout.height == "auto"
    assert (width, height) == explorer.fig.canvas.get_width_height()
    assert explorer.fig.dpi == W.CSS_DPI * W.PIXEL_RATIO
    # every text in the figure is at least 10 pt
    sizes = [t.get_fontsize() for t in explorer.fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
    assert sizes and min(sizes) >= 10, (name, min(sizes))
    # no control label cut short ("activat…"): labels take the width they need
    for control in explorer.controls.values():
        if getattr(control, "description", ""):
            assert control.style.description_width == "initial", (name, control.description)
    # CSS hooks the slides rely on
    assert "nn-explorer" in explorer._dom_classes and "nn-figure" in explorer.image._dom_classes
    assert "nn-readout" in explorer.readout._dom_classes and "nn-controls" in explorer.children[0]._dom_classes
    # its budget (DESIGN §5) follows what it redraws: 100 ms only where a heatmap or decision regions are redrawn
    from utils.widgets.rendering import PixelImage, RegionImage

    if W.BUDGET_MS[name] == 100:
        assert any(isinstance(artist, PixelImage) for artist in explorer.animated), name
    if any(isinstance(artist, RegionImage) for artist in explorer.animated):
        assert W.BUDGET_MS[name] == 100, name


def _pixel(explorer, x, y) -> np.ndarray:
    """RGB of the rendered frame at data coordinates (x, y) of the first axes."""
    ax = explorer.fig.axes[0]
    px, py = ax.transData.transform((x, y))
    buffer = np.asarray(explorer.fig.canvas.buffer_rgba())
    return buffer[buffer.shape[0] - int(round(py)), int(round(px)), :3].astype(int)


def test_data_points_are_drawn_above_the_heatmap():
    from utils.data import spiral
    from utils.plots import CLASS_COLORS

    X, y = spiral(samples=100, classes=3, seed=0)
    explorer = W.neuron_explorer(w1=2.0, w2=1.0, activation="relu", data_xy=(X, y))
    explorer.controls["b"].value = 2.5  # a strongly coloured heatmap everywhere
    # the centre of a point (marker size 16 pt²: ~4 px radius at 200 dpi) shows the class colour, not the heatmap
    i = int(np.argmax(np.linalg.norm(X, axis=1)))
    expected = np.array([int(CLASS_COLORS[y[i]][k:k + 2], 16) for k in (1, 3, 5)])
    assert np.abs(_pixel(explorer, *X[i]) - expected).max() <= 12
    # the w·x + b = 0 legend is visible (in the figure, not hidden under the heatmap)
    assert explorer.fig.axes[0].get_legend() is not None


def test_decision_regions_are_opaque_tints_under_edged_points():
    from utils.plots import CLASS_COLORS, POINT_EDGE

    explorer = W.overfitting_explorer()
    explorer.controls["hidden"].value = 16
    train_points = explorer.foreground[0]
    assert train_points.get_edgecolor()[0][:3].tolist() == [float(POINT_EDGE)] * 3
    ax = explorer.fig.axes[0]
    # every pixel of the boundary layer is a light tint of a class colour (no alpha blending with the points)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    corner = _pixel(explorer, x0 + 0.02 * (x1 - x0), y0 + 0.02 * (y1 - y0))
    tints = [255 - 0.3 * (255 - np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)])) for c in CLASS_COLORS[:2]]
    assert min(np.abs(corner - t).max() for t in tints) <= 3


def test_class_palette_is_okabe_ito_with_a_marker_per_class():
    from utils.plots import CLASS_COLORS, CLASS_MARKERS

    assert CLASS_COLORS[:8] == ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
                                "#000000"]
    assert len(set(CLASS_MARKERS)) == len(CLASS_MARKERS) == len(CLASS_COLORS) == 10


def test_titles_set_by_an_update_are_inside_the_picture():
    for name in ["activation_explorer", "learning_rate_explorer", "overfitting_explorer", "loss_surface_explorer"]:
        explorer = W.FACTORIES[name]()
        renderer = explorer.fig.canvas.get_renderer()
        for ax in explorer.fig.axes:
            for title in (ax.title, ax._left_title):
                if title.get_text().strip():
                    box = title.get_window_extent(renderer)
                    assert box.y1 <= explorer.fig.bbox.y1 and box.x0 >= 0, (name, title.get_text())
    digits = _small_digit_browser()
    box = digits.fig.axes[0].title.get_window_extent(digits.fig.canvas.get_renderer())
    assert box.y1 <= digits.fig.bbox.y1


def test_png_encoder_writes_the_exact_pixels(monkeypatch):
    import io
    import zlib

    import PIL.Image

    from utils.widgets import rendering

    def decoded(png: bytes) -> np.ndarray:
        picture = PIL.Image.open(io.BytesIO(png))
        picture.load()  # checks the zlib stream's adler32 and every chunk's crc
        assert picture.mode == "RGBA"
        return np.asarray(picture)

    try:  # requirements.txt installs ISA-L wherever it has a wheel, and then the encoder must use it
        from isal import isal_zlib as expected
    except ImportError:
        expected = zlib
    assert rendering._deflate is expected
    explorer = W.playground()
    canvas = explorer.fig.canvas
    for level in range(4):
        assert np.array_equal(decoded(W.encode_png(canvas, level)), np.asarray(canvas.buffer_rgba()))
    with monkeypatch.context() as patch:  # where ISA-L has no wheel: the standard library's zlib, same pixels
        patch.setattr(rendering, "_deflate", zlib)
        assert np.array_equal(decoded(W.encode_png(canvas)), np.asarray(canvas.buffer_rgba()))
    # every frame after a change is exact too, also when the figure's size changes between frames
    explorer = W.softmax_explorer()
    for value in (-1.0, 2.5):
        explorer.controls["z0"].value = value
        assert np.array_equal(decoded(bytes(explorer.image.value)), np.asarray(explorer.fig.canvas.buffer_rgba()))
    encoder, fig = W.PNGEncoder(), explorer.fig
    for size in ((4, 3), (6, 2)):
        fig.set_size_inches(*size)
        fig.canvas.draw()
        assert np.array_equal(decoded(encoder.encode(fig.canvas)), np.asarray(fig.canvas.buffer_rgba()))


@pytest.mark.parametrize("level", [4, -1, 1.0, True, "1", None])
def test_png_encoder_rejects_a_level_its_deflate_does_not_have(level, monkeypatch):
    import zlib

    from utils.widgets import rendering

    if rendering._deflate is not zlib:  # ISA-L installed: its levels 0..3
        with pytest.raises(ValueError, match=r"whole number 0\.\.3 \(ISA-L's levels\), got " + re.escape(repr(level))):
            W.PNGEncoder(level)
    monkeypatch.setattr(rendering, "_deflate", zlib)  # the fallback has zlib's levels 0..9
    assert W.PNGEncoder(9).compress_level == 9
    if level != 4:
        with pytest.raises(ValueError, match=r"whole number 0\.\.9 \(zlib's levels\), got " + re.escape(repr(level))):
            W.PNGEncoder(level)


def test_refresh_timings_are_recorded():
    explorer = W.hello_slider()
    explorer.controls["frequency"].value = 2.0
    assert len(explorer.timings_ms) == 2 and len(explorer.timings_detail) == 2
    assert all(len(split) == 3 for split in explorer.timings_detail)


def test_digit_browser_draws_the_given_pictures():
    from utils.data import digits
    from utils.model import make_mlp

    X, y = digits()
    scaled = (X[:20] - X[:20].mean(axis=0)) / (X[:20].std(axis=0) + 1)
    browser = W.digit_browser(make_mlp([64, 10], rng=np.random.default_rng(0)), scaled, y[:20], pictures=X[:20])
    assert np.array_equal(browser.animated[0].get_array(), X[0].reshape(8, 8)[::-1])
    with pytest.raises(ValueError, match="pictures must be"):
        W.digit_browser(make_mlp([64, 10], rng=np.random.default_rng(0)), scaled, y[:20], pictures=X[:5])


def _hex_rgb(color) -> np.ndarray:
    import matplotlib.colors

    return np.array(matplotlib.colors.to_rgb(color)) * 255


@pytest.mark.parametrize("activation, scale", [("relu", (0, 3)), ("sigmoid", (0, 1)), ("linear", (-3, 3)),
                                               ("tanh", (-1, 1))])
def test_neuron_explorer_colour_scale_fits_the_activation(activation, scale):
    explorer = W.neuron_explorer(w1=1.0, w2=0.0, b=0.0, activation=activation)
    heat, colorbar_ax = explorer.animated[0], explorer.fig.axes[1]
    assert (heat.norm.vmin, heat.norm.vmax) == scale
    assert tuple(round(v, 6) for v in colorbar_ax.get_ylim()) == scale  # the colour bar shows the same scale


def test_relu_neuron_explorer_is_white_at_zero_with_a_visible_ramp_above():
    explorer = W.neuron_explorer(w1=1.0, w2=0.0, b=0.0, activation="relu")  # output = max(0, x1)
    white = _pixel(explorer, -1.0, -1.5)
    faint, middle, strong = (_pixel(explorer, x, -1.5) for x in (0.15, 0.75, 1.6))
    assert white.tolist() == [255, 255, 255]  # ReLU's 0 is white
    assert faint.min() <= 225 and faint[0] > faint[2]  # an output of 0.15 is already a clearly visible pink
    assert faint.sum() > middle.sum() > strong.sum()  # and the colour deepens with the output
    heat = explorer.animated[0]
    assert heat.cmap(heat.norm(3.5))[:3] == heat.cmap(heat.norm(3.0))[:3]  # above 3: the top colour (bar extends)
    # the point's red cross keeps a white halo, so it stays visible on the reddest background
    marker = explorer.foreground[-1]
    assert marker.get_marker() == "x" and marker.get_path_effects()


def test_outlier_is_its_own_colour_and_shape_and_drawn_above_both_lines():
    from utils.plots import POINT_EDGE

    explorer = W.outlier_explorer()
    ax = explorer.fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    mean, median, outlier = lines["mean (best under MSE)"], lines["median (best under MAE)"], lines["outlier (slider)"]
    assert mean.get_linestyle() != median.get_linestyle()  # the two lines differ by style, not only colour
    points = explorer.foreground[0]
    assert outlier.get_marker() not in ("o", "None", "") and outlier.get_markeredgecolor() == "black"  # not a circle
    for line in (mean, median):  # a colour far from both lines' colours (the old vermillion was near orange)
        assert np.linalg.norm(_hex_rgb(outlier.get_color()) - _hex_rgb(line.get_color())) > 120
    # default: the mean (2.93) runs through the grey point at y = 2.9, which is drawn above it
    assert np.abs(_pixel(explorer, 4, 2.9) - 153).max() <= 6  # grey 0.6, not the blue line
    assert points.get_edgecolor()[0][:3].tolist() == [float(POINT_EDGE)] * 3
    # at 1.9 both lines (mean 1.917, median 1.95) run through the outlier, which is drawn above them
    explorer.controls["outlier"].value = 1.9
    assert np.abs(_pixel(explorer, 5, 1.9) - _hex_rgb(W.OUTLIER_COLOR)).max() <= 6
    explorer.controls["outlier"].value = 10.0
    assert np.abs(_pixel(explorer, 5, 10.0) - _hex_rgb(W.OUTLIER_COLOR)).max() <= 6
    assert "mean = 3.267" in explorer.readout.value


@pytest.mark.parametrize("name", ["outlier_explorer", "activation_explorer", "probability_loss_explorer",
                                  "secant_explorer"])
def test_legends_redrawn_above_animated_artists_keep_their_whole_frame(name):
    explorer = W.FACTORIES[name]()
    first = next(iter(explorer.controls.values()))
    _nudge(first)  # a later frame: the legend is pasted from its cached pixels
    pixels = np.asarray(explorer.fig.canvas.buffer_rgba())[..., :3].astype(int)
    height = pixels.shape[0]
    renderer = explorer.fig.canvas.get_renderer()
    framed = [legend for legend in explorer._legends if legend.get_frame_on()]
    assert framed
    for legend in framed:
        box = legend.get_window_extent(renderer)
        row, col = height - int((box.y0 + box.y1) / 2), int((box.x0 + box.x1) / 2)
        x0, x1, top, bottom = int(box.x0), int(box.x1), height - int(box.y1), height - int(box.y0)
        sides = {"left": pixels[row, x0:x0 + 5], "right": pixels[row, x1 - 5:x1],
                 "top": pixels[top:top + 5, col], "bottom": pixels[bottom - 5:bottom, col]}
        for side, strip in sides.items():  # the frame's grey border (0.8 = 204) is there on all four sides
            assert strip.min() <= 215, (name, side)
