"""Figures and small measurements for lessons 05–08 (training): Adam's bias correction, the train/test gap
over seeds, and the numbers behind the loss-surface demo (loss curves side by side: ``utils.plots.plot_losses``).

Built on ``utils.plots`` (same style, palette and retina PNG settings); every function returns a figure or
plain numbers, so a lesson cell shows only the idea.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from utils.plots import CLASS_COLORS, CLASS_MARKERS, _figure
from utils.style import TightLayout
from utils.surfaces import along_and_across, descent_path, surface


def descent_summary(learning_rate: float, momentum: float, steps: int = 60) -> dict:
    """What the loss-surface widget (``utils.widgets.loss_surface_explorer``) shows for one setting, in numbers.

    Returns ``{"loss": final loss, "zigzags": how often the path crossed the valley floor (steep direction),
    "overshoots": how often it ran past the minimum along the valley (shallow direction), "steps": steps run}``.
    """
    path = descent_path(learning_rate, momentum, steps)
    along, across = along_and_across(path)  # the valley is rotated by 30°
    final = float(surface(path[-1])) if np.all(np.isfinite(path[-1])) else float("inf")
    return {"loss": final, "zigzags": int(np.sum(np.diff(np.sign(across)) != 0)),
            "overshoots": int(np.sum(np.diff(np.sign(along)) != 0)), "steps": len(path) - 1}


def plot_bias_correction(beta1: float = 0.9, beta2: float = 0.999, steps: int = 40, gradient: float = 1.0):
    """Adam's running averages for a gradient that is always ``gradient``: m and v start at 0, so for the first
    steps they are far below the true average; dividing by (1 − βᵗ) fixes that from step 1.

    Left: m and m̂ = m / (1 − β1ᵗ). Right: the step m / √v without correction vs m̂ / √v̂ (Adam's, ≈ 1).
    """
    t = np.arange(1, steps + 1)
    m = gradient * (1 - beta1**t)
    v = gradient**2 * (1 - beta2**t)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    fig, (ax_m, ax_step) = _figure(ncols=2, size=(8.4, 3.2))
    ax_m.plot(t, m, "o-", ms=3, color=CLASS_COLORS[0], label="m (running average)")
    ax_m.plot(t, m_hat, "s--", ms=3, color=CLASS_COLORS[1], label="m̂ = m / (1 − β₁ᵗ)")
    ax_m.axhline(gradient, color="0.5", lw=0.8, ls=":")
    ax_m.set(xlabel="step t", ylabel="average of the gradient", title=f"gradient always {gradient:g}, β₁ = {beta1}",
             ylim=(0, 1.15 * gradient))
    ax_m.legend(loc="lower right")
    ax_step.plot(t, m / np.sqrt(v), "o-", ms=3, color=CLASS_COLORS[0], label="m / √v (no correction)")
    ax_step.plot(t, m_hat / np.sqrt(v_hat), "s--", ms=3, color=CLASS_COLORS[1], label="m̂ / √v̂ (Adam)")
    ax_step.set(xlabel="step t", ylabel="step ÷ learning rate", title=f"β₂ = {beta2}")
    ax_step.legend(loc="center right")
    for ax in (ax_m, ax_step):
        ax.grid(alpha=0.3)
    fig.set_layout_engine(TightLayout())
    return fig


def plot_generalization_gap(sizes: Sequence[int], train_accuracy, test_accuracy, title: str = ""):
    """Training vs test accuracy for several network sizes, one dot per seed and a line through the means.

    sizes ``(k,)``; train_accuracy, test_accuracy ``(k, n_seeds)``.
    """
    train = np.asarray(train_accuracy, dtype=np.float64)
    test = np.asarray(test_accuracy, dtype=np.float64)
    x = np.arange(len(sizes))
    fig, ax = _figure(size=(5.4, 3.4))
    for values, name, i, shift in ((train, "training set", 0, -0.08), (test, "test set", 1, 0.08)):
        for k in range(values.shape[1]):
            ax.plot(x + shift, values[:, k], CLASS_MARKERS[i], color=CLASS_COLORS[i], alpha=0.45, ms=4, ls="none")
        ax.plot(x + shift, values.mean(axis=1), "-" if i == 0 else "--", marker=CLASS_MARKERS[i], ms=7,
                color=CLASS_COLORS[i], label=f"{name} (mean of {values.shape[1]} seeds)")
    ax.set(xticks=x, xticklabels=[str(s) for s in sizes], xlabel="hidden units per layer", ylabel="accuracy",
           title=title, ylim=(0.4, 1.03))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.set_layout_engine(TightLayout())
    return fig

