"""The playground says when and why training is stuck (issue 29): flat loss, dead units, symmetric units."""

from __future__ import annotations

import numpy as np

from utils.model import make_mlp
from utils.widgets.playground import FLAT_EPOCHS, Playground, stuck_reason

X = np.random.default_rng(0).standard_normal((40, 2))
FLAT = [0.6931] * FLAT_EPOCHS


def _model():
    return make_mlp([2, 4, 2], activation="relu", rng=np.random.default_rng(1))


def test_a_moving_loss_or_a_solved_problem_is_not_stuck():
    assert stuck_reason(_model(), X, np.linspace(0.7, 0.3, FLAT_EPOCHS), accuracy=0.7) is None
    assert stuck_reason(_model(), X, FLAT, accuracy=0.97) is None
    assert stuck_reason(_model(), X, FLAT[:5], accuracy=0.5) is None  # too early to tell


def test_dead_relu_units_are_named():
    model = _model()
    model.layers[0].weights[:, :3] = 0.0
    model.layers[0].biases[0, :3] = -1.0  # three units output 0 for every point
    reason = stuck_reason(model, X, FLAT, accuracy=0.5)
    assert reason.startswith("stuck: the loss stays near ln(2) = 0.69")
    assert "3 of 4 units of hidden layer 1 are dead" in reason and "no gradient" in reason


def test_symmetric_units_are_named():
    model = _model()
    model.layers[0].weights[:, 1] = model.layers[0].weights[:, 0]
    model.layers[0].weights[:, 0] = np.abs(model.layers[0].weights[:, 0]) + 0.5  # alive on some points
    model.layers[0].weights[:, 1] = model.layers[0].weights[:, 0]
    reason = stuck_reason(model, X, [0.9] * FLAT_EPOCHS, accuracy=0.6)
    assert "1 pair(s) of units with the same weights" in reason
    assert "has not moved for" in reason  # 0.9 is not ln(2): the plain plateau message


def test_the_playground_tells_why_xor_with_two_hidden_units_is_stuck():
    playground = Playground(dataset="xor", hidden=2, noise=0.0)
    for _ in range(FLAT_EPOCHS // playground.epochs_per_step + 5):
        playground.step()
    assert playground.history.accuracy[-1] < 0.95
    assert "stuck:" in playground.readout.value and "dead" in playground.readout.value


def test_decision_regions_follow_the_boundary_between_grid_points():
    """A diagonal boundary on a coarse 10 x 10 grid: the painted regions step once per pixel row band of the fine
    grid (4 per cell), not once per grid cell (a staircase of 10 steps)."""
    from utils.style import new_figure
    from utils.widgets.rendering import RegionImage

    fig, (ax,) = new_figure(4, 4)
    ax.set(xlim=(0, 1), ylim=(0, 1))
    xs = (np.arange(10) + 0.5) / 10
    xx, yy = np.meshgrid(xs, xs)
    scores = np.stack([np.zeros_like(xx), xx - 0.8 * yy], axis=2)  # class 1 right of the line x = 0.8 y
    image = RegionImage(ax, np.zeros((10, 10)), "tab10", 0, 9)
    image.set_data(scores)
    assert image.get_array().shape == (10, 10)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    x0, y0, x1, y1 = (int(round(v)) for v in ax.bbox.extents)
    height = pixels.shape[0]
    box = pixels[height - y1 + 2:height - y0 - 2, x0 + 2:x1 - 2]
    left_colour = box[:, 0][:, None, :]
    edges = [int(np.argmax(np.any(row != left_colour[i], axis=-1))) for i, row in enumerate(box)]
    assert len(set(edges)) > 2 * 10, f"the boundary moves in {len(set(edges))} steps: a staircase of grid cells"
