"""The inline PNG of a course figure (``utils.style.retina_png``): drawn once, never cut off (MPLBACKEND=Agg).

Every figure a lesson can show is made here by its plot function and rendered two ways: the course's one-pass
PNG and IPython's own retina PNG (``bbox_inches="tight"``, two passes), the picture the course used to show.
The one-pass PNG must take its fast path (everything the figure draws lies on its canvas), have IPython's size,
and show the same picture.
"""

import base64
import io

import numpy as np
import pytest
from IPython.core.pylabtools import retina_figure
from PIL import Image

from utils import autograd_plots, data, diagrams, generalization_plots, plots, style, training_plots
from utils.autograd import Value
from utils.gradients import finite_difference_errors
from utils.model import History, make_mlp


def _history():
    history = History()
    history.loss, history.accuracy = list(np.geomspace(1.3, 0.05, 50)), list(np.linspace(0.3, 1.0, 50))
    history.val_loss, history.val_accuracy = list(np.geomspace(1.4, 0.2, 50)), list(np.linspace(0.3, 0.9, 50))
    return history


def _neuron_graph():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    out = (x * w + b).tanh()
    out.backward()
    return out


X, Y = data.spiral(samples=40, classes=3, seed=0)
ZS = np.linspace(-5, 5, 201)
HS = np.logspace(-13, -0.5, 40)

# one entry per public function that returns a figure: (name, how a lesson calls it)
FIGURES = {
    "plot_data": lambda: plots.plot_data(X, Y, title="spiral"),
    "plot_decision_boundary": lambda: plots.plot_decision_boundary(lambda p: (p[:, 0] > 0).astype(int), X, Y,
                                                                   resolution=40, title="boundary"),
    "plot_history": lambda: plots.plot_history(_history(), title="training", n_classes=3),
    "plot_losses": lambda: plots.plot_losses({"SGD": np.geomspace(1.1, 0.8, 300), "Adam": np.geomspace(1.1, 1e-3, 300)}),
    "plot_functions": lambda: plots.plot_functions(ZS, {"tanh": np.tanh(ZS), "relu": np.maximum(ZS, 0)}, title="f"),
    "plot_activations_with_slopes": lambda: plots.plot_activations_with_slopes(),
    "plot_fit": lambda: plots.plot_fit(ZS, np.sin(ZS), {"line": 0.1 * ZS}, title="fit"),
    "plot_error_vs_h": lambda: plots.plot_error_vs_h(
        [finite_difference_errors(np.exp, np.exp, 1.0, HS, dtype=dt) for dt in (np.float64, np.float32)]),
    "plot_cost": lambda: plots.plot_cost([10, 100, 1000], {"finite differences": [1e-3, 1e-1, 10.0],
                                                           "backprop": [1e-4, 2e-4, 1e-3]}),
    "plot_clipping": lambda: plots.plot_clipping(),
    "draw_computation_graph": lambda: plots.draw_computation_graph([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0),
    "plot_confusion_matrix": lambda: plots.plot_confusion_matrix(np.array([[5, 1, 0], [0, 6, 1], [2, 0, 4]]),
                                                                 ["a", "b", "c"]),
    "plot_image_grid": lambda: plots.plot_image_grid(np.linspace(0, 16, 12 * 64).reshape(12, 64),
                                                     ["true 3, pred 8"] * 12, title="misclassified test digits"),
    "draw_matrix_product": lambda: diagrams.draw_matrix_product(),
    "draw_layer": lambda: diagrams.draw_layer(weights=np.arange(12).reshape(4, 3) / 10 - 0.5),
    "draw_graph": lambda: autograd_plots.draw_graph(_neuron_graph()),
    "plot_bias_correction": lambda: training_plots.plot_bias_correction(),
    "plot_generalization_gap": lambda: training_plots.plot_generalization_gap(
        [2, 8, 32], [[0.6, 0.7], [0.9, 1.0], [1.0, 1.0]], [[0.5, 0.6], [0.7, 0.8], [0.8, 0.9]], title="gap"),
    "plot_layer_spread": lambda: generalization_plots.plot_layer_spread(n_samples=100),
    "plot_seed_spread": lambda: generalization_plots.plot_seed_spread(
        {"plain": ([0.9, 0.95, 1.0], [0.7, 0.75, 0.72]), "weight decay": ([0.85, 0.9, 0.92], [0.8, 0.82, 0.79])},
        title="five seeds"),
    "plot_hidden_units": lambda: generalization_plots.plot_hidden_units(
        {"tanh": make_mlp([2, 8, 3], "tanh", rng=np.random.default_rng(0))}, X, Y, resolution=20),
}


def _pixels(png_base64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(png_base64))).convert("RGB"), dtype=float)


@pytest.fixture
def no_fallback(monkeypatch):
    def refuse(fig):
        raise AssertionError("retina_png fell back to IPython's two-pass PNG: something lies outside the canvas")

    monkeypatch.setattr(style, "_ipython_retina", refuse)


@pytest.mark.parametrize("name", FIGURES)
def test_every_course_figure_is_drawn_once_and_shows_what_ipython_showed(name, no_fallback):
    fig = FIGURES[name]()
    png, shown = style.retina_png(fig)  # no_fallback: the one-pass path, so nothing lies outside the canvas
    width, height = fig.get_size_inches()
    content = fig.get_tightbbox(fig.canvas.get_renderer())
    slack = 0.5 / (style.CSS_DPI * style.PIXEL_RATIO)  # half a pixel of the PNG: rounding, not content
    assert -slack <= content.x0 and -slack <= content.y0
    assert content.x1 <= width + slack and content.y1 <= height + slack

    reference, reference_shown = retina_figure(FIGURES[name](), base64=True)  # IPython: tight bbox, two passes
    new, old = _pixels(png), _pixels(reference)
    assert new.shape[2] == 3 and abs(new.shape[0] - old.shape[0]) <= 1 and abs(new.shape[1] - old.shape[1]) <= 1
    assert abs(shown["width"] - reference_shown["width"]) <= 1 and abs(shown["height"] - reference_shown["height"]) <= 1
    assert shown == {"width": new.shape[1] // 2, "height": new.shape[0] // 2}  # retina: 2 pixels per CSS pixel
    # the same picture: compared at the common size, the two differ only by sub-pixel shifts of anti-aliased edges
    rows, cols = min(new.shape[0], old.shape[0]), min(new.shape[1], old.shape[1])
    assert np.abs(new[:rows, :cols] - old[:rows, :cols]).mean() < 8
    # and nothing at the border was cut: the outermost rows and columns are background, as in IPython's PNG
    ink = np.any(new < 250, axis=2)
    assert not (ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any())


def test_a_figure_reaching_past_its_canvas_gets_ipythons_png_and_loses_nothing():
    fig, (ax,) = style.new_figure(3, 2)
    ax.plot([0, 1], [0, 1])
    ax.text(1.3, 0.5, "a label placed right of the figure", transform=ax.transAxes)
    png, shown = style.retina_png(fig)
    reference, reference_shown = retina_figure(fig, base64=True)
    assert (png, shown) == (reference, reference_shown)
    assert shown["width"] > 300  # the tight box grew past the 3-inch canvas to keep the whole label


def test_an_empty_figure_shows_nothing_as_in_ipython():
    fig, _ = style.new_figure(3, 2, ncols=0)
    assert style.retina_png(fig) is None


def test_drawing_the_png_leaves_the_figure_at_screen_resolution():
    fig = FIGURES["plot_fit"]()
    style.retina_png(fig)
    assert fig.dpi == style.CSS_DPI
    assert fig.canvas.get_width_height() == (round(fig.get_size_inches()[0] * style.CSS_DPI),
                                             round(fig.get_size_inches()[1] * style.CSS_DPI))


def _stock_tight(fig):
    """The same figure laid out by matplotlib's own tight layout engine (same pad, rect)."""
    from matplotlib.layout_engine import TightLayoutEngine

    course = fig.get_layout_engine()
    fig.set_layout_engine(TightLayoutEngine(**course.get()))
    return fig


# one of each kind of layout: a legend below (rect) and a log axis; log-log; four panels and a rect; a pad; plain
LAYOUTS = ["plot_history", "plot_error_vs_h", "plot_layer_spread", "plot_seed_spread", "plot_functions"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_course_layout_places_every_axes_where_matplotlibs_tight_layout_does(name):
    """``style.TightLayout`` only computes each axis's ticks once while measuring: the layout is matplotlib's."""
    course, stock = FIGURES[name](), FIGURES[name]()
    assert isinstance(course.get_layout_engine(), style.TightLayout)
    _stock_tight(stock)
    for fig in (course, stock):
        fig.canvas.draw()
    for ours, theirs in zip(course.axes, stock.axes, strict=True):
        assert np.allclose(ours.get_position().bounds, theirs.get_position().bounds, atol=1e-12)
    # and the figure keeps no cached ticks: the next draw (after new data or limits) computes them afresh
    assert not any("_update_ticks" in vars(axis) for ax in course.axes for axis in (ax.xaxis, ax.yaxis))


def test_ticks_computed_once_is_undone_even_when_measuring_fails():
    fig = FIGURES["plot_history"]()
    with pytest.raises(RuntimeError), style.ticks_computed_once(fig):
        fig.axes[0].xaxis._update_ticks()
        raise RuntimeError("a measurement failed")
    assert not any("_update_ticks" in vars(axis) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis))
