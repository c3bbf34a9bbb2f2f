"""Lesson 10's widgets, driven without a kernel: the deep-stack explorer says vanishing, alive and exploding where
the spreads are, and the L2 explorer's boundary and readout change with λ."""

import numpy as np
import pytest

from utils import widgets as W


def test_init_explorer_vanishes_lives_and_explodes_with_the_gain():
    explorer = W.init_explorer()
    assert "alive" in explorer.readout.value  # ReLU at gain 1.4 (He)
    before = explorer.image.value
    explorer.controls["gain"].value = 0.1
    assert "vanishing" in explorer.readout.value and explorer.image.value != before
    explorer.controls["gain"].value = 10.0
    assert "exploding" in explorer.readout.value
    explorer.controls["activation"].value = "tanh"
    assert "saturated" in explorer.readout.value
    explorer.controls["depth"].value = 3
    histograms = explorer.animated[0].get_array()
    assert histograms.shape == (60, 20) and histograms[:, :3].sum() > 0 and not histograms[:, 3:].any()
    np.testing.assert_allclose(histograms[:, :3].sum(axis=0), 1.0)  # every value of a layer is in some bin


def test_l2_explorer_boundary_and_weights_shrink_with_lambda():
    explorer = W.l2_explorer()
    size = float(explorer.readout.value.rsplit("=", 1)[1])
    before = explorer.image.value
    explorer.controls["lam"].value = 1e-2
    assert explorer.image.value != before and "λ = 0.01" in explorer.fig.axes[0]._left_title.get_text()
    assert float(explorer.readout.value.rsplit("=", 1)[1]) < size / 2


def test_bad_arguments_say_what_is_allowed():
    with pytest.raises(ValueError, match="depth"):
        W.init_explorer(depth=0)
    with pytest.raises(ValueError, match="lam must be one of"):
        W.l2_explorer(lam=0.5)
