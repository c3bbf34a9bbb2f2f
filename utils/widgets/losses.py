"""Lesson 04: how losses charge a prediction, and the mean vs the median under an outlier."""

from __future__ import annotations

import numpy as np

from utils.style import CLASS_MARKERS, POINT_EDGE, plain_log_ticks
from utils.widgets.engine import Explorer, new_figure, slider

OUTLIER_COLOR = "#B2182B"
"""Dark red of the outlier in ``outlier_explorer``: far from the blue mean and the orange median line (and darker
than both, so it stands out in greyscale and for colour-blind readers as well)."""


def probability_loss_explorer(p: float = 0.7) -> Explorer:
    """Slide the probability p the model gives to the true class (the target is 1): cross-entropy −log p,
    for comparison −log(1 − p), what binary cross-entropy would charge if the target were 0, and the squared
    error (1 − p)² react side by side."""
    ps = np.linspace(1e-4, 1 - 1e-4, 400)
    fig, (ax, ax_bar) = new_figure(7.6, 3.2, ncols=2)
    ax.plot(ps, -np.log(ps), lw=2, label="−log p (cross-entropy)")
    ax.plot(ps, -np.log(1 - ps), lw=2, ls="-.", label="−log(1 − p) (if target were 0)")
    ax.plot(ps, (1 - ps) ** 2, lw=2, ls="--", label="(1 − p)² (squared error)")
    markers = [ax.plot([], [], CLASS_MARKERS[i], color=f"C{i}", ms=8, mec=POINT_EDGE)[0] for i in range(3)]
    ax.set(xlabel="p = predicted probability of the true class", ylabel="loss", ylim=(0, 6))
    ax.legend(loc="upper center")
    ax.grid(alpha=0.3)
    bars = ax_bar.bar(["−log p", "−log(1−p)", "(1−p)²"], [0, 0, 0], color=["C0", "C1", "C2"], edgecolor=POINT_EDGE,
                      hatch=["", "//", ".."])
    texts = [ax_bar.text(i, 0, "", ha="center", va="bottom") for i in range(3)]
    ax_bar.set(ylim=(0, 10.8), title="loss at this p")

    def update(v):
        q = float(np.clip(v.p, 1e-7, 1 - 1e-7))
        values = [-np.log(q), -np.log(1 - q), (1 - q) ** 2]
        for i, (marker, value) in enumerate(zip(markers, values, strict=True)):
            marker.set_data([q], [min(value, 6)])
            bars[i].set_height(min(value, 10))
            texts[i].set_position((i, min(value, 10) + 0.1))
            texts[i].set_text(f"{value:.3f}")
        return (f"p = {q:.3f}: −log p = {values[0]:.3f} (slope {-1 / q:.2f}), squared error = {values[2]:.3f} "
                f"(slope {-2 * (1 - q):.2f}) — cross-entropy punishes a confident wrong answer far harder")

    return Explorer(fig, {"p": slider("p (true class)", p, 0.001, 0.999, step=0.001, fmt=".3f")}, update,
                    animated=[*markers, *bars, *texts])


def outlier_explorer(outlier: float = 8.0) -> Explorer:
    """Best constant prediction for six points under MSE (the mean) and MAE (the median) as you move one
    point: the mean follows the outlier, the median hardly moves.

    The outlier is a large dark-red star with a black edge (a colour, shape and edge neither line uses), drawn
    last, so no line ever covers it; the five other points (grey circles) are drawn above the lines too. The
    mean is a solid blue line, the median a dashed orange one drawn above it, so where they meet both show."""
    base = np.array([1.0, 1.4, 2.0, 2.3, 2.9])
    cs = np.linspace(-6, 12, 400)
    fig, (ax, ax_loss) = new_figure(7.6, 3.2, ncols=2)
    mean_line = ax.axhline(0, color="C0", lw=2.2, ls="-", label="mean (best under MSE)", zorder=2)
    median_line = ax.axhline(0, color="C1", lw=2.2, ls=(0, (4, 2.5)), label="median (best under MAE)", zorder=2)
    points = ax.scatter(np.arange(5), base, color="0.6", marker="o", s=45, edgecolors=POINT_EDGE, linewidths=1,
                        zorder=3)
    (outlier_point,) = ax.plot([5], [outlier], ls="", marker="*", ms=17, color=OUTLIER_COLOR, mec="black", mew=1.2,
                               zorder=4, label="outlier (slider)")
    ax.set(xlim=(-0.5, 5.5), ylim=(-6, 12), xlabel="sample", ylabel="target y",
           title="move the outlier (red star) with the slider")
    ax.legend(loc="upper left", handlelength=2.6)
    (mse_curve,) = ax_loss.plot(cs, cs, color="C0", lw=2, label="MSE(c)")
    (mae_curve,) = ax_loss.plot(cs, cs, color="C1", lw=2, ls=(0, (4, 2.5)), label="MAE(c)")
    mse_min = ax_loss.axvline(0, color="C0", lw=1.2)
    mae_min = ax_loss.axvline(0, color="C1", lw=1.2, ls=(0, (4, 2.5)))
    ax_loss.set(xlabel="constant prediction c", ylabel="loss", yscale="log", ylim=(0.1, 200))
    plain_log_ticks(ax_loss.yaxis)
    ax_loss.legend(loc="lower right", handlelength=2.6)  # loss < 1 never happens here: the lines cannot reach it

    def update(v):
        y = np.r_[base, v.outlier]
        outlier_point.set_ydata([v.outlier])
        mean, median = float(y.mean()), float(np.median(y))
        mean_line.set_ydata([mean, mean])
        median_line.set_ydata([median, median])
        mse_curve.set_ydata(((cs[:, None] - y) ** 2).mean(axis=1))
        mae_curve.set_ydata(np.abs(cs[:, None] - y).mean(axis=1))
        mse_min.set_xdata([mean, mean])
        mae_min.set_xdata([median, median])
        return f"outlier at {v.outlier:.1f}: mean = {mean:.3f}, median = {median:.3f}"

    # layers: the lines, then the five points above them, then the outlier on top of everything
    return Explorer(fig, {"outlier": slider("outlier y", outlier, -5, 11, step=0.1, fmt=".1f")}, update,
                    animated=[mean_line, median_line, mse_curve, mae_curve, mse_min, mae_min, outlier_point],
                    foreground=[points])
