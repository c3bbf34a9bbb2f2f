"""Lesson 03: activation functions and softmax with a temperature."""

from __future__ import annotations

import numpy as np

from utils import activations, my_library
from utils.style import CLASS_COLORS, POINT_EDGE, number, signed
from utils.widgets.engine import Explorer, dropdown, log_slider, new_figure, slider


def _title(ax, text: str = " "):
    """A title-like text above the axes that an update can change (an ordinary Text artist, so it can be
    animated; tight_layout keeps room for it)."""
    return ax.set_title(text)


def activation_explorer(activation: str = "sigmoid", w: float = 1.0, b: float = 0.0) -> Explorer:
    """``activation(w·x + b)`` of a one-input neuron; pick the activation from a dropdown.

    The grey curve is ``activation(x)`` itself, so you see how w stretches and b shifts it.
    """
    names = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    funcs = {"step": activations.step, "sigmoid": activations.sigmoid, "tanh": activations.tanh,
             "relu": activations.relu, "leaky_relu": lambda z: activations.leaky_relu(z, 0.1),
             "linear": lambda z: np.asarray(z, dtype=float)}
    if activation not in funcs:
        raise ValueError(f"activation must be one of {names}, got {activation!r}")
    x = np.linspace(-5, 5, 400)
    mine = {name: my_library.use(name) for name in names if name != "linear"}  # the learner's, where they passed it
    fig, (ax,) = new_figure(5.6, 3.4)
    (ghost,) = ax.plot(x, funcs[activation](x), color="0.7", lw=4, label="activation(x)")
    (line,) = ax.plot(x, funcs[activation](w * x + b), color="C0", lw=2, label="activation(w·x + b)")
    (yours,) = ax.plot(x, np.full_like(x, np.nan), color="C3", lw=1.6, ls=(0, (4, 3)),
                       label="yours" if any(p.mine for p in mine.values()) else "_yours")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set(xlabel="x", ylim=(-2.2, 2.2))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    title = _title(ax)

    def update(v):
        f = funcs[v.activation]
        ghost.set_ydata(f(x))
        z = v.w * x + v.b
        expected = f(z)
        line.set_ydata(expected)
        title.set_text(f"{v.activation}({number(v.w, 3)}·x {signed(v.b)})")
        piece = mine.get(v.activation)
        whose = ""
        yours.set_ydata(np.full_like(x, np.nan))
        if piece is not None:
            whose = my_library.whose_note(piece)
            if piece.mine:
                outcome = piece.call(*((z, 0.1) if v.activation == "leaky_relu" else (z,)), like=expected)
                if outcome:
                    yours.set_ydata(outcome.value)
                    whose += " — dashed, over the course's"
                else:
                    whose = my_library.error_note(outcome.error)
        if abs(v.w) > 1e-9:
            return (f"the bend or middle of the curve sits at x = −b/w = {-v.b / v.w + 0.0:.2f}; |w| sets how steep "
                    f"it is{whose}")
        return f"w = 0: the output no longer depends on x{whose}"

    controls = {"activation": dropdown("activation", names, activation),
                "w": slider("w", w, -4, 4), "b": slider("b", b, -4, 4)}
    return Explorer(fig, controls, update, animated=[ghost, line, yours, title])


def softmax_explorer(logits: tuple[float, float, float] = (2.0, 1.0, 0.1), temperature: float = 1.0) -> Explorer:
    """Three logits and a temperature -> softmax probabilities as bars (``softmax(logits / T)``)."""
    fig, (ax_logit, ax_prob) = new_figure(6.6, 3.0, ncols=2)
    classes = ["class 0", "class 1", "class 2"]
    hatches = ["", "//", ".."]  # classes differ by pattern as well as colour
    logit_bars = ax_logit.bar(classes, logits, color=CLASS_COLORS[:3], edgecolor=POINT_EDGE, hatch=hatches)
    prob_bars = ax_prob.bar(classes, [1 / 3] * 3, color=CLASS_COLORS[:3], edgecolor=POINT_EDGE, hatch=hatches)
    labels = [ax_prob.text(i, 0, "", ha="center", va="bottom") for i in range(3)]
    ax_logit.set(ylim=(-6, 6), title="logits (raw scores)")
    ax_logit.axhline(0, color="k", lw=0.5)
    ax_prob.set(ylim=(0, 1.15), title="softmax probabilities")
    piece = my_library.use("softmax")
    (yours,) = ax_prob.plot([0, 1, 2], [np.nan] * 3, "D", color="k", ms=6, mfc="white",
                            label="your softmax" if piece.mine else "_yours")
    if piece.mine:
        ax_prob.legend(loc="upper right")

    def update(v):
        z = np.array([v.z0, v.z1, v.z2])
        p = activations.softmax(z / v.temperature)
        whose = my_library.whose_note(piece)
        yours.set_ydata([np.nan] * 3)
        if piece.mine:
            outcome = piece.call((z / v.temperature)[None, :], like=p[None, :])
            if outcome:
                yours.set_ydata(np.asarray(outcome.value, dtype=float)[0])
                whose += " — the diamonds"
            else:
                whose = my_library.error_note(outcome.error)
        for bar, value in zip(logit_bars, z, strict=True):
            bar.set_height(value)
        for bar, label, value in zip(prob_bars, labels, p, strict=True):
            bar.set_height(value)
            label.set_position((label.get_position()[0], value + 0.01))
            label.set_text(f"{value:.3f}")
        return (f"probabilities {np.round(p, 3).tolist()} sum to {p.sum():.3f}; "
                f"T = {v.temperature:.2f} ({'sharper' if v.temperature < 1 else 'flatter' if v.temperature > 1 else 'plain softmax'})"
                f"{whose}")

    controls = {"z0": slider("logit 0", logits[0], -5, 5), "z1": slider("logit 1", logits[1], -5, 5),
                "z2": slider("logit 2", logits[2], -5, 5), "temperature": log_slider("temperature T", temperature, -1, 1)}
    controls["temperature"].readout_format = ".2f"
    return Explorer(fig, controls, update, animated=[*logit_bars, *prob_bars, *labels, yours])
