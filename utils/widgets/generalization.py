"""Lesson 10: the spread of every layer of a deep stack (depth × starting scale × activation), and what L2 weight
decay does to a decision boundary."""

from __future__ import annotations

import functools

import numpy as np

from utils import data
from utils.generalization_plots import deep_stack, train_spiral_net
from utils.style import plain_log_ticks
from utils.widgets.engine import Explorer, choice_slider, dropdown, log_slider, new_figure
from utils.widgets.rendering import PixelImage
from utils.widgets.training import _BoundaryView

_EDGES = np.linspace(-3.0, 3.0, 61)  # 60 bins of 0.1; values beyond ±3 are counted in the outermost bins


def _histograms(activations: list, max_depth: int) -> np.ndarray:
    """Share of each layer's values per bin, ``(60 bins, max_depth layers)``; layers past the depth stay empty."""
    table = np.zeros((_EDGES.size - 1, max_depth))
    for i, values in enumerate(activations):
        finite = np.clip(values[np.isfinite(values)], _EDGES[0], _EDGES[-1])
        counts, _ = np.histogram(finite, bins=_EDGES)
        table[:, i] = counts / max(values.size, 1)
    return table


def init_explorer(depth: int = 10, gain: float = 1.4, activation: str = "relu", width: int = 100,
                  max_depth: int = 20) -> Explorer:
    """Send 200 random inputs through ``depth`` layers of ``width`` neurons with weights of std ``gain / √width``
    (gain 1: Xavier, √2 ≈ 1.4: He, 0.1: the old 0.01 for 100 inputs, 10: std 1) and show every layer's histogram
    of activations (one column per layer, darker = more values; values beyond ±3 pile up in the edge rows) and the
    std of the activations and of the gradient per layer: vanishing and exploding as the gain moves."""
    if not 1 <= depth <= max_depth:
        raise ValueError(f"init_explorer: depth must be between 1 and {max_depth}, got {depth}")
    fig, (hist_ax, std_ax) = new_figure(9.4, 3.7, ncols=2, gridspec_kw={"width_ratios": [1.25, 1]})
    hist_ax.set(xlim=(0.5, max_depth + 0.5), ylim=(_EDGES[0], _EDGES[-1]), xlabel="layer",
                ylabel="activation value (histogram)", xticks=range(2, max_depth + 1, 2))
    # darkest at 4 % of a layer's values in one bin of 0.1: a spread-out layer is grey, a spike black
    image = PixelImage(hist_ax, np.zeros((_EDGES.size - 1, max_depth)), "Greys", 0.0, 0.04)
    layers = np.arange(1, max_depth + 1)
    (act_line,) = std_ax.plot([], [], "o-", color="C0", ms=3.5, label="activations")
    (grad_line,) = std_ax.plot([], [], "s-", color="C3", ms=3.5, label="gradient")
    std_ax.set(xlim=(0.5, max_depth + 0.5), ylim=(1e-12, 1e12), yscale="log", xlabel="layer", ylabel="std",
               xticks=range(2, max_depth + 1, 2), yticks=[1e-12, 1e-8, 1e-4, 1, 1e4, 1e8, 1e12])
    plain_log_ticks(std_ax.yaxis)
    std_ax.axhline(1.0, color="0.6", lw=1, ls=":")
    std_ax.grid(alpha=0.3)
    std_ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, frameon=False, borderaxespad=0)
    title = hist_ax.set_title(" ", loc="left", fontsize=10)

    @functools.lru_cache(maxsize=256)  # deterministic (seed 0): a setting seen before is not sent through again
    def spread(activation: str, std: float, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The histograms ``(60, max_depth)`` and the stds of the activations and gradient ``(depth,)``."""
        run = deep_stack(activation, std, depth=depth, width=width, n_samples=200, seed=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            act = np.clip(run["activation_std"], 1e-30, 1e30)
            grad = np.clip(run["gradient_std"], 1e-30, 1e30)
        return _histograms(run["activations"], max_depth), act, grad

    def update(v):
        std = v.gain / np.sqrt(width)
        table, act, grad = spread(v.activation, std, int(v.depth))
        image.set_data(table)
        n = int(v.depth)
        act_line.set_data(layers[:n], act)
        grad_line.set_data(layers[:n], grad)
        title.set_text(f"{n} × {v.activation}, weights' std {v.gain:.2g}/√{width} = {std:.3g}")
        verdict = ("vanishing" if act[-1] < 1e-3 else "exploding" if act[-1] > 1e3
                   else "saturated" if v.activation == "tanh" and act[-1] > 0.9 else "alive")
        return (f"std of the activations: layer 1 {act[0]:.2g}, layer {n} {act[-1]:.2g}; of the gradient at layer 1: "
                f"{grad[0]:.2g} — <b>{verdict}</b> (Xavier is gain 1, He gain √2 ≈ 1.4)")

    controls = {"depth": choice_slider("layers", list(range(1, max_depth + 1)), depth),
                "gain": log_slider("std × √n (gain)", gain, -1, 1, step=0.05),
                "activation": dropdown("activation", ["tanh", "relu"], activation)}
    return Explorer(fig, controls, update, animated=[image, act_line, grad_line, title])


def l2_explorer(lam: float = 0.0, epochs: int = 500) -> Explorer:
    """A 2-64-64-3 ReLU network trained on 20 spiral points per class (filled markers) with L2 weight decay λ,
    its decision boundary, and its accuracy on 100 new points per class: as λ grows, the boundary stops bending
    around single points; too much and it cannot follow the arms. Each λ is trained once and remembered."""
    X, y = data.spiral(samples=20, classes=3, seed=1)
    X_val, y_val = data.spiral(samples=100, classes=3, seed=1001)
    fig, (ax,) = new_figure(4.8, 4.6)
    view = _BoundaryView(ax, X, y, resolution=70, size=30)
    title = ax.set_title(" ", loc="left")
    # training is deterministic, so each λ is trained once and what it shows is kept: the boundary (the network's
    # scores over the whole grid) and the readout; coming back to a λ only swaps the picture
    shown: dict[float, tuple[np.ndarray, str]] = {}  # λ -> (grid scores (ny, nx, 3), readout)
    choices = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]
    if lam not in choices:
        raise ValueError(f"l2_explorer: lam must be one of {choices}, got {lam}")

    def update(v):
        lam_now = float(v.lam)
        if lam_now not in shown:
            net = train_spiral_net(X, y, lam_now, epochs=epochs)
            scores = net.forward(view.points).reshape(*view.xx.shape, -1)  # what view.update(net) would show
            size = np.sqrt(sum(np.sum(layer.weights**2) for layer in net.layers if hasattr(layer, "weights")))
            shown[lam_now] = (scores, f"training accuracy {np.mean(net.predict(X) == y):.2f}, on 300 new points "
                                      f"{np.mean(net.predict(X_val) == y_val):.2f}; size of all weights √Σw² = {size:.1f}")
        scores, readout = shown[lam_now]
        view.image.set_data(scores)
        title.set_text(f"λ = {lam_now:g}")
        return readout

    controls = {"lam": choice_slider("λ (weight decay)", choices, lam)}
    return Explorer(fig, controls, update, animated=[view.image, title], foreground=list(view.scatter))
