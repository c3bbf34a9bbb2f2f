"""Sliders a person can use from the keyboard, numbers written for people (issue 29).

An arrow key moves a slider by its ``step``; the course's sliders take a coarse step (``engine.key_step``) so the
lesson's own "flip the sign of w1" is a few presses, not 200, and their readouts and titles read "0.02" and
"− 0.50", not "2.0e-2" and "+ -0.50"."""

from __future__ import annotations

import ipywidgets
import pytest

from utils import widgets as W
from utils.style import signed
from utils.widgets import engine


def test_key_step_is_coarse_keeps_the_value_on_the_grid_and_says_why_it_cannot():
    assert engine.key_step(-3, 3, 1.0) == 0.25
    assert engine.key_step(-5, 5, 0.1) == 0.1  # 0.5 would move the start value off the slider's grid
    assert engine.key_step(0.5, 5.0, 1.0) == 0.1  # 0.2 or 0.25 would not end on 5.0
    for lo, hi, value in [(-3, 3, -0.5), (-4, 4, 0.0), (0.0, 0.5, 0.1), (-1.7, 2.3, 0.3)]:
        step = engine.key_step(lo, hi, value)
        assert (hi - lo) / step >= engine.MIN_KEY_PRESSES
        assert abs((value - lo) / step - round((value - lo) / step)) < 1e-6
    with pytest.raises(ValueError, match="lo < hi"):
        engine.key_step(1, 1, 1)


def test_flipping_the_sign_of_w1_takes_a_few_key_presses():
    explorer = W.neuron_explorer()
    w1 = explorer.controls["w1"]
    presses = round((w1.value - -w1.value) / w1.step)
    assert presses <= 10, f"w1 = {w1.value} -> {-w1.value} takes {presses} presses of an arrow key (step {w1.step})"


def test_every_default_float_slider_crosses_its_range_in_a_usable_number_of_presses():
    for factory in [W.hello_slider, W.neuron_explorer, W.activation_explorer, W.softmax_explorer]:
        explorer = factory()
        for name, control in explorer.controls.items():
            if isinstance(control, ipywidgets.FloatSlider):
                presses = (control.max - control.min) / control.step
                assert engine.MIN_KEY_PRESSES <= presses <= 100, f"{factory.__name__}.{name}: {presses} presses"


def test_log_sliders_read_like_numbers_people_write():
    slider = engine.log_slider("learning rate", 0.02, -3, 0)
    assert slider.readout_format == ".2"  # d3-format: 2 significant digits, trailing zeros trimmed (0.02, not 2.0e-2)


def test_signed_terms_and_readouts_never_show_plus_minus():
    assert signed(0.5) == "+ 0.50" and signed(-0.5) == "− 0.50" and signed(-0.001) == "+ 0.00"
    explorer = W.neuron_explorer()
    controls = explorer.controls
    controls["w2"].value, controls["b"].value = -0.5, -1.25
    assert "+ -" not in explorer.readout.value and "− 0.50" in explorer.readout.value and "− 1.25" in explorer.readout.value


def test_a_range_read_off_data_is_widened_to_round_limits_instead_of_a_tiny_step():
    """The spiral's point sliders span −1.079 … 1.069 (the data's extent): no coarse step fits those limits, so the
    slider goes −1.1 … 1.1 by 0.1 (value 1.0 kept), not by 0.001 a press (which did not even move the cross)."""
    lo, hi, step = engine.keyboard_range(-1.07938683203877, 1.069426955837734, 1.0)
    assert (lo, hi, step) == (-1.1, 1.1, 0.1)
    assert engine.keyboard_range(-3, 3, 1.0) == (-3, 3, 0.25)  # round limits are kept
    from utils import widgets as W
    from utils.data import spiral

    X, y = spiral(samples=100, classes=3, seed=0)
    explorer = W.neuron_explorer(w1=1.0, w2=0.5, activation="relu", data_xy=(X, y))
    x1 = explorer.controls["x1"]
    assert x1.step >= 0.05 and x1.min <= X[:, 0].min() and x1.max >= X[:, 0].max() and x1.value == 1.0
    before = bytes(explorer.image.value)
    x1.value = x1.value + x1.step  # one press of → moves the cross visibly
    assert bytes(explorer.image.value) != before
