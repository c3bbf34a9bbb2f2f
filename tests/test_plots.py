"""The static figures: nothing overlapping, hidden or tiny (MPLBACKEND=Agg)."""

import itertools

import matplotlib
import matplotlib.text
import numpy as np
import pytest

from utils import activations, data, plots, style
from utils.gradients import finite_difference_errors

X = np.array([1.0, -2.0, 3.0])
WEIGHTS = np.array([-3.0, -1.0, 2.0])


def _texts(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a figure closed in pyplot keeps a bare canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    return [(t, t.get_window_extent(renderer)) for t in fig.findobj(matplotlib.text.Text)
            if t.get_text().strip() and t.get_visible()]


def test_course_style_keeps_figures_white_and_text_at_least_10_pt():
    from utils.style import new_figure

    new_figure(1, 1)  # the style is applied when the first course figure is made (not on import)
    assert matplotlib.rcParams["figure.facecolor"] == "white"
    assert not matplotlib.rcParams["savefig.transparent"]
    assert matplotlib.rcParams["font.size"] >= 10 and matplotlib.rcParams["savefig.dpi"] == 200
    assert plots.enable_retina_figures() is False  # outside Jupyter: nothing to configure


def _segment_distance(p, a, b):
    """Distance in pixels from point p to the segment a-b (all display coordinates)."""
    ab, ap = b - a, p - a
    t = np.clip(ap @ ab / (ab @ ab), 0.0, 1.0)
    return float(np.linalg.norm(ap - t * ab))


@pytest.mark.parametrize("gradients", [True, False])
def test_computation_graph_labels_never_overlap_and_sit_on_their_own_edge(gradients):
    fig = plots.draw_computation_graph(X, WEIGHTS, 1.0, gradients=gradients)
    texts = _texts(fig)
    ax = fig.axes[0]
    edges = {}  # edge name -> its arrow from source node to target node, in pixels
    for ann in ax.texts:
        if (ann.get_gid() or "").startswith("edge:"):
            edges[ann.get_gid()[5:]] = (ax.transData.transform(ann.xyann), ax.transData.transform(ann.xy))
    assert {"x0", "w0", "x2", "w2", "prod0", "b", "z", "out"} <= set(edges)
    labels = [(t, box) for t, box in texts if (t.get_gid() or "").split(":")[0] in ("value", "grad")]
    assert len(labels) == len(edges) * (2 if gradients else 1)
    red = [t for t, _ in labels if t.get_color() != "black"]
    assert (len(red) > 0) == gradients
    assert all(t.get_gid().startswith("grad:") for t in red)
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):  # no number, node, key or title overlaps another
        if a.get_fontsize() == 10 or b.get_fontsize() == 10:
            assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"
    for t, box in labels:
        own = t.get_gid().split(":")[1]
        centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        distance = {name: _segment_distance(centre, *ends) for name, ends in edges.items()}
        nearest_other = min(d for name, d in distance.items() if name != own)
        # the number sits on its own arrow (the arrow runs through its box) and clearly nearer to it than to any other
        assert distance[own] <= box.height / 2, f"{t.get_gid()} = {t.get_text()!r} is off its edge"
        assert distance[own] + box.height <= nearest_other, (
            f"{t.get_gid()} = {t.get_text()!r}: {distance[own]:.0f} px from its edge, {nearest_other:.0f} px from another")
    values = sorted(t.get_text() for t, _ in labels if t.get_color() == "black")
    assert values.count("6") == 3  # product x2·w2, z and the ReLU output
    by_gid = {t.get_gid(): t.get_text() for t, _ in labels}
    assert by_gid["value:x0"] == "1" and by_gid["value:w0"] == "−3"
    if gradients:  # ∂out/∂x0 = w0 and ∂out/∂w0 = x0, each on its own arrow; a key explains the colours
        assert by_gid["grad:x0"] == "−3" and by_gid["grad:w0"] == "1" and by_gid["grad:b"] == "1"
        assert {t.get_gid() for t, _ in texts} >= {"key:value", "key:grad"}


def test_computation_graph_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same length"):
        plots.draw_computation_graph([1.0, 2.0], [1.0], 0.0)


def test_error_vs_h_guides_follow_the_truncation_branch_and_stop_where_it_ends():
    hs = np.logspace(-13, -0.5, 80)  # lesson 05's call
    tables = [finite_difference_errors(np.exp, np.exp, 1.0, hs, dtype=dt) for dt in (np.float64, np.float32)]
    fig = plots.plot_error_vs_h(tables)
    ax = fig.axes[0]
    guides = {line.get_label(): line for line in ax.get_lines() if line.get_label().startswith("slope")}
    assert set(guides) == {"slope 1 (∝ h)", "slope 2 (∝ h²)"}
    eps = tables[0]["eps"]
    for label, key in [("slope 1 (∝ h)", "forward"), ("slope 2 (∝ h²)", "central")]:
        h_guide, err_guide = guides[label].get_data()
        err = np.asarray(tables[0][key])
        best_h = hs[np.argmin(err)]
        # drawn from the largest h down to at most the h of smallest error
        assert h_guide.max() == pytest.approx(hs.max()) and h_guide.min() >= best_h * 0.999
        # on the branch all along: within a factor 2 of the measured error wherever it is drawn
        inside = (hs >= h_guide.min()) & (hs <= h_guide.max())
        assert inside.sum() >= 10
        along = np.interp(np.log10(hs[inside]), np.log10(h_guide[::-1]), np.log10(err_guide[::-1]))
        assert np.all(np.abs(np.log10(err[inside]) - along) <= np.log10(2))
        # it stops where the branch meets round-off: never below eps/h, never below the error floor
        assert err_guide[-1] >= eps / h_guide[-1] * 0.999
        assert err_guide.min() >= 0.5 * err.min()
        # and it does reach the end of the branch: it may stop only where round-off could bend the measured error
        # by a factor 2. The round-off of a difference quotient of exp at x = 1 is at most about
        # (|f(x+h)| + |f(x)| + |x f'(x)|) eps / h ≈ 3 e eps / h (each exp within an ulp, x + h rounded), with a sign
        # that depends on the libm: near the crossing it can add to the truncation error or cancel it (one libm
        # gives a central error 16x under the line at h = 8e-6). So the next step of h, where the guide stopped,
        # has a truncation error no bigger than twice that bound: the guide is never cut short in the clean part.
        step = hs[1] / hs[0]
        power = 1 if key == "forward" else 2
        h_next = h_guide[-1] / step
        roundoff_bound = 3 * np.e * eps / h_next
        assert err_guide[-1] / step ** power <= 2 * roundoff_bound, (
            f"{label}: stops at h = {h_guide[-1]:.2e}, where truncation ({err_guide[-1]:.1e}) still dwarfs round-off")
    assert guides["slope 2 (∝ h²)"].get_data()[1].min() > 1e-11  # issue 16: it used to run on down to ~1e-12
    power = np.polyfit(np.log10(guides["slope 2 (∝ h²)"].get_data()[0]),
                       np.log10(guides["slope 2 (∝ h²)"].get_data()[1]), 1)[0]
    assert power == pytest.approx(2)


def test_history_names_the_guessing_line_in_the_legend_not_on_the_curve():
    from utils.model import History

    history = History()
    history.loss = list(np.geomspace(1.3, 0.05, 50))
    history.accuracy = list(np.linspace(0.3, 1.0, 50))
    history.val_loss = list(np.geomspace(1.4, 0.2, 50))
    history.val_accuracy = list(np.linspace(0.3, 0.9, 50))
    fig = plots.plot_history(history, n_classes=3)
    ax = fig.axes[0]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["train", "validation", "guessing (log 3)"]
    assert not ax.texts  # no label written inside the plot, where a curve could cross it
    _texts(fig)  # draws the figure
    renderer = fig.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for axes in fig.axes:  # below both plots: it covers no curve and not the guessing line
        assert box.y1 <= axes.get_window_extent(renderer).y0
        assert box.y1 <= axes.get_tightbbox(renderer).y0 + 1  # nor the tick labels and x label
    assert box.y0 >= 0


def test_loss_curves_keep_their_legend_beside_the_plot():
    fig = plots.plot_losses({"SGD, lr 1": np.geomspace(1.1, 0.8, 300), "Adam, lr 0.03": np.geomspace(1.1, 0.1, 300)})
    ax = fig.axes[0]
    texts = dict(_texts(fig))
    legend_box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    axes_box = ax.get_window_extent(fig.canvas.get_renderer())
    assert legend_box.x0 >= axes_box.x1  # right of the axes: it can never cover a curve
    assert legend_box.x1 <= fig.bbox.x1 + 1  # and not cut off at the figure's edge
    assert "0.2" in [t.get_text() for t in texts]  # plain log ticks (0.2), not 2×10⁻¹
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert len(set(styles)) == 2


def _boxes(fig):
    """Draw the figure; returns the window boxes of its texts {text: box} and of its images, in order."""
    texts = {t.get_text(): box for t, box in _texts(fig)}
    renderer = fig.canvas.get_renderer()
    return texts, [image.get_window_extent(renderer) for image in fig.axes[0].images]


@pytest.mark.parametrize("title", ["label {}", "true 9, pred {}"])
def test_image_grid_titles_sit_on_their_own_image_and_never_touch_another(title):
    titles = [title.format(i) for i in range(12)]
    fig = plots.plot_image_grid(np.arange(12 * 64).reshape(12, 64), titles, title="misclassified test digits")
    assert len(fig.axes) == 1 and len(fig.axes[0].images) == 12  # one Axes: fast to build and to draw
    texts, images = _boxes(fig)
    for i, (name, image) in enumerate(zip(titles, images, strict=True)):
        box = texts[name]
        assert image.y1 <= box.y0 <= image.y1 + 10  # just above its image
        assert abs((box.x0 + box.x1) / 2 - (image.x0 + image.x1) / 2) < 1  # and centred on it
        if i >= 8:  # second row: below the first row's images
            assert box.y1 < images[i - 8].y0
    everything = list(texts.values()) + images
    for a, b in itertools.combinations(everything, 2):
        assert not a.overlaps(b)
    assert texts["misclassified test digits"].y0 > max(box.y1 for box in images)


def test_image_grid_shows_each_image_with_its_own_grey_scale():
    images = np.stack([np.arange(64.0), 100 + 5 * np.arange(64.0)])
    fig = plots.plot_image_grid(images, ["a", "b"])
    shown = fig.axes[0].images
    for image, artist in zip(images, shown, strict=True):
        np.testing.assert_array_equal(artist.get_array(), image.reshape(8, 8))
        assert artist.get_clim() == (image.min(), image.max())
        assert artist.get_cmap().name == "gray_r"


def test_tile_figure_labels_rows_at_their_left_and_rejects_a_wrong_count():
    tiles = [np.full((4, 4), float(i)) for i in range(6)]
    fig = style.tile_figure(tiles, ncols=3, titles=["t1", "t2", "t3", "", "", ""], row_labels=["first", "second"],
                            vmin=0, vmax=5, cmap="coolwarm")
    texts, images = _boxes(fig)
    assert set(texts) == {"t1", "t2", "t3", "first", "second"}
    for r, name in enumerate(["first", "second"]):
        row = images[3 * r: 3 * r + 3]
        assert texts[name].x1 < row[0].x0  # left of its row
        assert row[0].y0 <= (texts[name].y0 + texts[name].y1) / 2 <= row[0].y1  # level with it
    assert images[3].y1 < images[0].y0  # rows go down
    with pytest.raises(ValueError, match="one title per tile"):
        style.tile_figure(tiles, ncols=3, titles=["x"])
    with pytest.raises(ValueError, match="one row label per row"):
        style.tile_figure(tiles, ncols=3, row_labels=["only one"])
    with pytest.raises(ValueError, match="ncols must be at least 1"):
        style.tile_figure(tiles, ncols=0)


def test_leaky_relu_never_hides_relu():
    z = np.linspace(-5, 5, 401)
    fig = plots.plot_functions(z, {"step": activations.step(z), "sigmoid": activations.sigmoid(z),
                                   "tanh": activations.tanh(z), "ReLU": activations.relu(z),
                                   "leaky ReLU (α=0.1)": activations.leaky_relu(z, 0.1)}, ylim=(-1.5, 3))
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    relu, leaky = lines["ReLU"], lines["leaky ReLU (α=0.1)"]
    assert relu.get_linestyle() == "-" and leaky.get_linestyle() == "--"  # dashed: ReLU shows in the gaps
    assert leaky.get_linewidth() < relu.get_linewidth()  # and on both sides of it
    assert lines["tanh"].get_linestyle() == "-"  # only a curve running on top of another is dashed


def test_class_plots_use_one_marker_and_colour_per_class():
    X2, y = data.spiral(samples=20, classes=3, seed=0)
    fig = plots.plot_data(X2, y)
    collections = fig.axes[0].collections
    assert len(collections) == 3
    colors = [matplotlib.colors.to_hex(c.get_facecolor()[0]).upper() for c in collections]
    assert colors == plots.CLASS_COLORS[:3]
    paths = [c.get_paths()[0].vertices.shape for c in collections]
    assert len(set(paths)) == 3  # circle, square, triangle


@pytest.mark.parametrize("make", [
    lambda: plots.plot_data(*data.spiral(samples=20, classes=3, seed=0)),
    lambda: plots.plot_clipping(),
    lambda: plots.plot_cost([10, 100], {"a": [1e-3, 1e-2]}),
    lambda: plots.plot_confusion_matrix(np.eye(3, dtype=int) * 5),
    lambda: plots.plot_image_grid(np.zeros((3, 64)), ["true 3, pred 8"] * 3),
    lambda: plots.plot_fit(np.linspace(0, 1, 20), np.linspace(0, 1, 20), {"line": np.linspace(0, 1, 20)}),
])
def test_static_figures_have_text_of_at_least_10_pt_and_no_overlapping_titles(make):
    fig = make()
    texts = _texts(fig)
    assert min(t.get_fontsize() for t, _ in texts) >= 10
    titles = [(t, box) for t, box in texts if t in [ax.title for ax in fig.axes]]
    for (a, box_a), (b, box_b) in itertools.combinations(titles, 2):
        assert not box_a.overlaps(box_b), (a.get_text(), b.get_text())


def _draw(fig) -> np.ndarray:
    """Draw the figure; returns its pixels (height, width, 4)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a figure closed in pyplot keeps a bare canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def _rgb_at(pixels, ax, x, y) -> np.ndarray:
    """RGB (0-255) of drawn ``pixels`` at data point (x, y) of ``ax``; ``y=("axes", f)`` means a fraction f of
    the axes' height."""
    if isinstance(y, tuple):
        px, py = ax.get_xaxis_transform().transform((x, y[1]))
    else:
        px, py = ax.transData.transform((x, y))
    return pixels[pixels.shape[0] - 1 - int(py), int(px), :3].astype(int)


def _blend(color, alpha: float) -> np.ndarray:
    """``color`` drawn with ``alpha`` over white, as 0-255 RGB."""
    rgb = np.array(matplotlib.colors.to_rgb(color)) * 255
    return 255 - alpha * (255 - rgb)


def test_step_stays_visible_under_relu_where_both_are_zero():
    z = np.linspace(-5, 5, 401)
    # the lesson-03 call: step is drawn as a wide translucent band, ReLU as a solid line through its middle
    fig = plots.plot_functions(z, {"step": activations.step(z), "sigmoid": activations.sigmoid(z),
                                   "tanh": activations.tanh(z), "ReLU": activations.relu(z),
                                   "leaky ReLU (α=0.1)": activations.leaky_relu(z, 0.1)}, ylim=(-1.5, 3))
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    step, relu = lines["step"], lines["ReLU"]
    assert step.get_alpha() < 1 and step.get_linewidth() >= 3 * relu.get_linewidth()
    assert step.get_zorder() < min(line.get_zorder() for name, line in lines.items()
                                   if name != "step" and not name.startswith("_"))  # below every other curve
    assert relu.get_alpha() in (None, 1) and relu.get_linestyle() == "-"
    assert all(lines[name].get_alpha() in (None, 1) for name in ("sigmoid", "tanh"))  # no other curve is a band
    # in pixels: on z < 0 the ReLU line shows its own colour, and the step band shows above and below it
    fig = plots.plot_functions(z, {"step": activations.step(z), "ReLU": activations.relu(z)}, ylim=(-1.5, 3))
    ax = fig.axes[0]
    step, relu = ax.get_lines()[:2]
    pixels = _draw(fig)
    relu_rgb = np.array(matplotlib.colors.to_rgb(relu.get_color())) * 255
    band_rgb = _blend(step.get_color(), step.get_alpha())
    assert np.abs(_rgb_at(pixels, ax, -2.7, 0.0) - relu_rgb).max() <= 12
    scale = fig.dpi / 72  # points -> pixels
    offset = (relu.get_linewidth() / 2 + step.get_linewidth() / 2) / 2 * scale  # between line edge and band edge
    _, y0 = ax.transData.transform((-2.7, 0.0))
    for dy in (offset, -offset):
        y = ax.transData.inverted().transform((0, y0 + dy))[1]
        assert np.abs(_rgb_at(pixels, ax, -2.7, y) - band_rgb).max() <= 12, dy


def test_slope_shading_is_a_visible_band_for_every_flat_region_including_relu():
    fig = plots.plot_activations_with_slopes(["sigmoid", "tanh", "relu"])
    axes = np.array(fig.axes).reshape(2, 3)
    pixels = _draw(fig)
    shade = _blend("C3", 0.15)
    white = np.array([255, 255, 255])
    # where each slope is below 0.05 (sigmoid |z| > 2.94, tanh |z| > 2.18, relu z < 0) both rows are shaded
    # as a band across the axes (not a fill down to a curve at 0); where the slope is large, nothing is
    for col, (inside, outside) in enumerate([((-4.5, 4.5), (1.2,)), ((-4.5, 4.5), (1.2,)), ((-5.8, -0.8), (1.2, 3.7))]):
        for ax in axes[:, col]:
            for z0 in inside:
                for frac in (0.38, 0.62):  # clear of the curves, the grid and the label
                    assert np.abs(_rgb_at(pixels, ax, z0, ("axes", frac)) - shade).max() <= 6, (col, z0, frac)
            for z0 in outside:
                assert np.array_equal(_rgb_at(pixels, ax, z0, ("axes", 0.93)), white), (col, z0)
    labels = {col: [t.get_text() for t in axes[1, col].texts] for col in range(3)}
    assert labels == {0: [], 1: [], 2: ["slope\nexactly 0"]}  # ReLU's slope is exactly 0 for z < 0
    (legend,) = fig.legends
    assert "slope below 0.05" in legend.get_texts()[0].get_text()


def test_slope_plots_share_one_scale_and_step_marks_its_value_at_zero():
    fig = plots.plot_activations_with_slopes(["sigmoid", "tanh", "relu"])
    bottoms = np.array(fig.axes).reshape(2, 3)[1]
    assert len({ax.get_ylim() for ax in bottoms}) == 1  # sigmoid's 0.25 is drawn against tanh's 1
    z = np.linspace(-5, 5, 401)
    fig = plots.plot_functions(z, {"step": activations.step(z), "ReLU": activations.relu(z)})
    dots = [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"]
    assert [(float(d.get_xdata()[0]), float(d.get_ydata()[0])) for d in dots] == [(0.0, 0.0), (0.0, 1.0)]
    assert dots[0].get_markerfacecolor() != "white" and dots[1].get_markerfacecolor() == "white"


def test_activation_curves_legend_sits_beside_the_plot_never_over_a_curve():
    z = np.linspace(-5, 5, 201)
    fig = plots.plot_functions(z, {"step": activations.step(z), "sigmoid": activations.sigmoid(z),
                                   "tanh": activations.tanh(z), "ReLU": activations.relu(z)}, ylim=(-1.5, 3))
    fig.canvas.draw()
    ax = fig.axes[0]
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 >= ax.bbox.x1, "the legend overlaps the plotting area"
    assert legend_box.x1 <= fig.bbox.x1 + 1, "the legend is cut off at the figure's edge"


def test_a_figure_made_after_the_settings_were_put_back_is_still_in_the_course_style():
    """The style is read from matplotlib's settings, not remembered: after an rc_context (or anything else) put
    other settings back, the next course figure applies the style again."""
    from utils.style import COURSE_STYLE, course_style_in_force, new_figure

    with matplotlib.rc_context():
        new_figure(1, 1)  # styles inside the context; leaving it puts the old settings back
    matplotlib.rcParams["savefig.dpi"] = "figure"
    assert not course_style_in_force()
    new_figure(1, 1)
    assert course_style_in_force() and matplotlib.rcParams["savefig.dpi"] == COURSE_STYLE["savefig.dpi"]


def test_many_decade_log_axes_are_labelled_as_plain_text_powers_of_ten():
    """The error-vs-h figure (lesson 05) labels its decades 10⁻¹² ... as plain text, never maths markup (which made
    drawing the figure cost a third more), and only at powers of ten."""
    from utils.gradients import finite_difference_errors
    from utils.plots import plot_error_vs_h

    table = finite_difference_errors(np.sin, np.cos, 1.0, np.logspace(0, -12, 25))
    fig = plot_error_vs_h(table)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("$" not in text for text in labels), labels
    assert "10⁻¹²" in labels or "10⁻¹⁰" in labels, labels
    formatter = ax.yaxis.get_major_formatter()
    assert [formatter(v, 0) for v in (1e-12, 1.0, 10.0, 3e-5, 0.0)] == ["10⁻¹²", "10⁰", "10¹", "", ""]


def test_hidden_units_shows_each_neurons_activation_over_the_plane_scaled_per_model():
    from utils.activations import Tanh
    from utils.generalization_plots import plot_hidden_units
    from utils.layers import Dense
    from utils.model import Sequential

    X, y = data.spiral(samples=10, classes=3, seed=0)
    rng = np.random.default_rng(0)
    models = {"a": Sequential([Dense(2, 3, rng=rng), Tanh(), Dense(3, 3, rng=rng)]),
              "b": Sequential([Dense(2, 3, rng=rng), Tanh(), Dense(3, 3, rng=rng)])}
    fig = plot_hidden_units(models, X, y, n_units=3, resolution=7)
    xx, _, points = plots.grid_over(X, resolution=7)
    shown = fig.axes[0].images
    assert len(shown) == 6
    for row, model in enumerate(models.values()):
        hidden = model.layers[1].forward(model.layers[0].forward(points))
        scaled = hidden / np.max(np.abs(hidden))
        for unit in range(3):
            artist = shown[3 * row + unit]
            np.testing.assert_allclose(artist.get_array(), scaled[:, unit].reshape(xx.shape))
            assert artist.get_clim() == (-1, 1) and artist.origin == "lower"
    texts, _ = _boxes(fig)
    assert set(texts) == {"neuron 1", "neuron 2", "neuron 3", "a", "b"}  # titles on the first row only
