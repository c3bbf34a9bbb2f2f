"""Every widget factory, driven without a kernel (MPLBACKEND=Agg): set each control, the picture
changes, and the state is what the controls say."""

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
    w.controls["hidden"].value = 128
    assert "train accuracy" in w.readout.value and "test accuracy" in w.readout.value


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="activation must be one of"):
        W.neuron_explorer(activation="swish")
    with pytest.raises(ValueError, match="activation must be one of"):
        W.activation_explorer("swish")
