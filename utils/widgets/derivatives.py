"""Lesson 05: the secant becomes the tangent as h shrinks — until round-off takes over."""

from __future__ import annotations

import numpy as np

from utils import gradients, my_library
from utils.style import POINT_EDGE, power_of_ten_ticks
from utils.widgets.engine import Explorer, log_slider, new_figure


def secant_explorer(h: float = 0.5, x0: float = 1.0) -> Explorer:
    """f(x) = x³/2 near x0: the tangent (slope 1.5·x0²), the forward secant through x0 and x0 + h and the
    central secant through x0 − h and x0 + h. Right: error vs h (log-log), with the current h marked.
    (A cubic, because for a parabola the central difference is exact and its error line would be flat.)"""

    def f(x):
        return 0.5 * x ** 3

    def dfdx(x):
        return 1.5 * x ** 2

    fig, (ax, ax_err) = new_figure(7.6, 3.4, ncols=2)
    xs = np.linspace(-0.5, 2.5, 200)
    ax.plot(xs, f(xs), color="k", lw=2, label="f(x) = x³/2")
    (tangent,) = ax.plot([], [], color="C2", lw=1.5, label="tangent")
    (forward,) = ax.plot([], [], color="C0", lw=1.5, label="forward secant")
    (central,) = ax.plot([], [], color="C3", lw=1.5, ls="--", label="central secant")
    (dots,) = ax.plot([], [], "o", color="C0", ms=5, mec=POINT_EDGE)
    ax.set(xlim=(-0.5, 2.5), ylim=(-1.5, 8), xlabel="x")
    ax.legend(loc="upper left")
    table = gradients.finite_difference_errors(f, dfdx, x0, np.logspace(-12, -0.3, 60))
    ax_err.loglog(table["h"], np.maximum(table["forward"], 1e-17), color="C0", lw=1.5, label="forward")
    ax_err.loglog(table["h"], np.maximum(table["central"], 1e-17), color="C3", lw=1.5, ls="--", label="central")
    now = ax_err.axvline(h, color="0.3", lw=1.2, label="this h")
    ax_err.set(xlabel="h (big on the left)", ylabel="|error|", ylim=(1e-17, 10), title="error vs h")
    ax_err.invert_xaxis()
    power_of_ten_ticks(ax_err.xaxis)
    power_of_ten_ticks(ax_err.yaxis)
    ax_err.legend(loc="lower left")

    piece = my_library.use("numerical_derivative")

    def update(v):
        h_ = v.h
        exact = dfdx(x0)
        fwd = (f(x0 + h_) - f(x0)) / h_
        cen = (f(x0 + h_) - f(x0 - h_)) / (2 * h_)
        whose = my_library.whose_note(piece, prefix="central slope: ")
        if piece.mine:
            outcome = piece.call(f, x0, h_, like=cen)
            if outcome:
                cen = float(outcome.value)
            else:
                whose = my_library.error_note(outcome.error, " — showing the course's central slope")
        span = np.array([-0.5, 2.5])
        tangent.set_data(span, f(x0) + exact * (span - x0))
        forward.set_data(span, f(x0) + fwd * (span - x0))
        central.set_data(span, f(x0) + cen * (span - x0))
        dots.set_data([x0 - h_, x0, x0 + h_], [f(x0 - h_), f(x0), f(x0 + h_)])
        now.set_xdata([h_, h_])
        return (f"h = {h_:.1e}: forward slope {fwd:.10f} (error {abs(fwd - exact):.1e}), "
                f"central slope {cen:.10f} (error {abs(cen - exact):.1e}), exact {exact:g}{whose}")

    return Explorer(fig, {"h": log_slider("step size h", h, -12, -0.3)}, update,
                    animated=[tangent, forward, central, dots, now])
