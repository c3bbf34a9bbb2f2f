"""Lesson 00: the first slider, proof that widgets work."""

from __future__ import annotations

import numpy as np

from utils.widgets.engine import Explorer, new_figure, slider


def hello_slider(frequency: float = 1.0) -> Explorer:
    """Lesson 00's proof that widgets work: a slider changes the frequency of a sine wave."""
    fig, (ax,) = new_figure(5.0, 2.4)
    x = np.linspace(0, 2 * np.pi, 300)
    (line,) = ax.plot(x, np.sin(frequency * x), lw=2)
    ax.set(ylim=(-1.1, 1.1), xlabel="x", title="sin(frequency · x)")
    ax.grid(alpha=0.3)

    def update(v):
        line.set_ydata(np.sin(v.frequency * x))
        return f"frequency = {v.frequency:.2f}: the curve above should change as you drag"

    return Explorer(fig, {"frequency": slider("frequency", frequency, 0.5, 5.0)}, update, animated=[line])
