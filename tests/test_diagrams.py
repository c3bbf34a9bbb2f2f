"""utils.diagrams: the static teaching pictures of lessons 01–04 are right, legible and refuse bad input."""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from utils.diagrams import draw_layer, draw_matrix_product

BATCH = np.array([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]])
WEIGHTS = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T


def _texts(fig):
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip() and t.get_visible()]


def _assert_legible(fig):
    """Every label is >= 10 pt, inside the figure, and no two labels overlap."""
    canvas = FigureCanvasAgg(fig)  # the figure comes closed in pyplot: render it with Agg, as the notebook does
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = _texts(fig)
    assert texts
    fig_box = fig.bbox
    boxes = []
    for t in texts:
        assert t.get_fontsize() >= 10, (t.get_text(), t.get_fontsize())
        box = t.get_window_extent(renderer)
        assert fig_box.x0 - 1 <= box.x0 and box.x1 <= fig_box.x1 + 1, f"clipped left/right: {t.get_text()!r}"
        assert fig_box.y0 - 1 <= box.y0 and box.y1 <= fig_box.y1 + 1, f"clipped top/bottom: {t.get_text()!r}"
        boxes.append((t.get_text(), box))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_matrix_product_writes_the_computed_entry_and_its_terms():
    fig = draw_matrix_product(BATCH, WEIGHTS, row=1, col=0)
    assert isinstance(fig, Figure)
    text = " ".join(t.get_text() for t in _texts(fig))
    expected = BATCH[1] @ WEIGHTS[:, 0]  # 2·0.2 + 5·0.8 + (−1)·(−0.5) + 2·1 = 6.9
    assert f"= {expected:.4g}" in text
    assert "2·0.2 + 5·0.8 + (−1)·(−0.5) + 2·1" in text
    assert "inputs (3, 4)" in text and "weights (4, 3)" in text and "(3, 3)" in text
    for value in (BATCH @ WEIGHTS).ravel():  # every entry of the result is drawn, computed, not typed
        assert f"{value:.4g}".replace("-", "−") in text
    _assert_legible(fig)


def test_matrix_product_defaults_are_the_lessons_numbers_and_other_entries_work():
    text = " ".join(t.get_text() for t in _texts(draw_matrix_product()))
    assert "= 6.9" in text
    fig = draw_matrix_product(BATCH, WEIGHTS, row=2, col=2)
    assert f"= {(BATCH[2] @ WEIGHTS[:, 2]):.4g}".replace("-", "−") in " ".join(t.get_text() for t in _texts(fig))
    _assert_legible(draw_matrix_product(np.ones((2, 2)), np.eye(2), row=0, col=1))
    named = " ".join(t.get_text() for t in _texts(draw_matrix_product(BATCH, WEIGHTS, names=("batch", "W"))))
    assert "batch (3, 4)" in named and "W (4, 3)" in named and "batch @ W (3, 3)" in named


@pytest.mark.parametrize("args, match", [
    ((BATCH, WEIGHTS.T), r"\(3, 4\) and \(3, 4\)"),
    ((BATCH[0], WEIGHTS), "shapes"),
    ((np.ones((7, 2)), np.ones((2, 2))), "up to 6"),
])
def test_matrix_product_refuses_shapes_it_cannot_draw(args, match):
    with pytest.raises(ValueError, match=match):
        draw_matrix_product(*args)


def test_matrix_product_refuses_an_entry_outside_the_result():
    with pytest.raises(ValueError, match="row must be in 0..2"):
        draw_matrix_product(BATCH, WEIGHTS, row=3, col=0)


def test_layer_draws_one_line_per_weight_and_labels_the_highlighted_column():
    fig = draw_layer(weights=WEIGHTS, highlight=0)
    ax = fig.axes[0]
    assert len(ax.lines) == WEIGHTS.size  # 4 inputs × 3 neurons = 12 connections
    text = " ".join(t.get_text() for t in _texts(fig))
    for i in range(4):
        assert f"w[{i}, 0] = {WEIGHTS[i, 0]:.4g}".replace("-", "−") in text
    assert "weights.shape = (4, 3)" in text and "12 weights" in text
    assert all(f"neuron {j}" in text for j in range(3)) and all(f"x[{i}]" in text for i in range(4))
    _assert_legible(fig)


@pytest.mark.parametrize("shape", [(2, 5), (6, 6), (1, 1), (3, 2)])
def test_layer_sizes_stay_legible(shape):
    fig = draw_layer(*shape, highlight=shape[1] - 1)
    assert len(fig.axes[0].lines) == shape[0] * shape[1]
    _assert_legible(fig)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_inputs": 7}, "1..6 inputs"),
    ({"highlight": 3}, "highlight must be a neuron index in 0..2"),
    ({"weights": np.ones(4)}, r"got shape \(4,\)"),
])
def test_layer_refuses_what_it_cannot_draw(kwargs, match):
    with pytest.raises(ValueError, match=match):
        draw_layer(**kwargs)
