"""Every control of every course widget carries a visible label: the text a sighted learner reads next to it and the
text a screen reader can read (a slider's or dropdown's ``description``, a button's caption or ``tooltip``).

What the page makes of these labels (the accessible name Chromium computes for each control) is measured in
tests/browser/test_widgets_browser.py (test_every_control_has_an_accessible_name).
"""

import ipywidgets as widgets
import numpy as np
import pytest

from utils import widgets as W
from utils.data import spiral

# widgets that show something and take no input: no label needed (the readout is text a screen reader reads as is)
OUTPUTS = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image, widgets.Output)
# the kinds of control the browser test names (slider handle, button, select, checkbox); a new kind must be added there
KNOWN = (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider, widgets.SelectionSlider, widgets.Dropdown,
         widgets.Button, widgets.Checkbox)

X, Y = spiral(samples=30, classes=3, seed=0)
BUILDS = dict(W.FACTORIES)
BUILDS["neuron_explorer_spiral"] = lambda: W.neuron_explorer(activation="relu", data_xy=(X, Y))  # lesson 02's


def _digit_browser_untrained():
    """The same controls as ``digit_browser()`` without its second of training (the model does not change them)."""
    from utils.data import digits
    from utils.model import make_mlp

    images, labels = digits()
    return W.digit_browser(make_mlp([64, 10], rng=np.random.default_rng(0)), images[:20] / 16, labels[:20])


BUILDS["digit_browser"] = _digit_browser_untrained


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def controls_of(explorer) -> list:
    """Every widget in ``explorer``'s tree that a learner operates (not a picture or a readout)."""
    return [w for w in _walk(explorer)
            if isinstance(w, widgets.Button) or (isinstance(w, widgets.ValueWidget) and not isinstance(w, OUTPUTS))]


@pytest.mark.parametrize("name", list(BUILDS))
def test_every_control_has_a_label(name):
    explorer = BUILDS[name]()
    found = controls_of(explorer)
    assert found, f"{name}: no controls found"
    for control in found:
        kind = type(control).__name__
        assert isinstance(control, KNOWN), f"{name}: a {kind} — add its role to the browser test's accessible names"
        if isinstance(control, widgets.Button):
            label = control.description or control.tooltip
        else:
            label = control.description
        assert isinstance(label, str) and label.strip(), f"{name}: a {kind} without a label (description)"


def test_the_walk_finds_the_playground_buttons():
    """The helper sees nested controls (the playground's buttons sit in a second row), so the test above covers them."""
    names = {c.description for c in controls_of(W.playground()) if isinstance(c, widgets.Button)}
    assert names == {"play", "pause", "step", "reset"}
