"""A widget running the learner's own function, in a real JupyterLab (docs/design.md §5, §7).

A notebook in the course copy's notebooks/, with no setup cell and no ``my_library.start`` (the first check starts the
library by itself and says how far lesson 03 is), passes check_sigmoid (so sigmoid joins my_nn/), shows the activation
explorer, then the learner breaks their saved sigmoid by hand. Dragging the w slider with the mouse: the explorer
says it runs "your sigmoid (my_nn/lesson03.py)" and redraws; past the point where the broken sigmoid raises, the
readout shows the error and the widget keeps working (dragging back brings their curve back). No error output.
"""

from __future__ import annotations

import re
import time

import nbformat
from conftest import SCREENSHOTS
from test_browser import _assert_no_errors, _open_and_run_all

NOTEBOOK = "my_library_widget.ipynb"
SETUP = '''import os

os.environ.pop("NN_COURSE_NO_LIBRARY", None)  # pytest switched the library off for every kernel; a learner's is on
import numpy as np

from utils.checks import check_sigmoid
from utils.widgets import activation_explorer'''
SIGMOID = '''def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


check_sigmoid(sigmoid)'''
MINE = 'mine = activation_explorer("sigmoid", w=1.0)\nmine.add_class("nn-test-mine")\nmine'
BREAK = '''from pathlib import Path

module = Path("my_nn/lesson03.py")  # the learner edits their saved sigmoid: it now fails below z = -12
module.write_text(module.read_text().replace(
    "def sigmoid(z):\\n", "def sigmoid(z):\\n    if np.min(z) < -12:\\n        raise ValueError('too negative for me')\\n", 1))
os.utime("my_nn/library.json")  # the library changed: widgets made from now on load it again
broken = activation_explorer("sigmoid", w=1.0)
broken.add_class("nn-test-broken")
broken'''


def _readout(widget) -> str:
    return widget.locator(".nn-readout").first.inner_text()


def _drag(page, widget, fraction: float) -> None:
    """Drag the w slider's handle (the first slider; the activation is a dropdown) to ``fraction`` of its track."""
    slider = widget.locator(".noUi-target").nth(0)
    handle = slider.locator(".noUi-handle").first
    box, track = handle.bounding_box(), slider.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    target = track["x"] + fraction * track["width"]
    for k in range(1, 9):  # a real drag: several moves, each one a slider change the kernel answers
        page.mouse.move(box["x"] + box["width"] / 2 + (target - box["x"] - box["width"] / 2) * k / 8,
                        box["y"] + box["height"] / 2)
        page.wait_for_timeout(40)
    page.mouse.up()


def _wait_for(widget, pattern: str, timeout_s: float = 30, absent: str | None = None) -> str:
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = _readout(widget)
        if re.search(pattern, text) and (absent is None or absent not in text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"the readout never matched {pattern!r}; it says: {text!r}")


def test_a_widget_runs_the_learners_function_and_survives_it_failing_mid_drag(browser, jupyter_lab, course_copy):
    server, token = jupyter_lab
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (SETUP, SIGMOID, MINE, BREAK)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, course_copy / "notebooks" / NOTEBOOK)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
    page = context.new_page()
    try:
        _open_and_run_all(page, server, token, NOTEBOOK)
        _assert_no_errors(page, NOTEBOOK)
        assert (course_copy / "notebooks" / "my_nn" / "lesson03.py").exists()
        page.get_by_text("saved `sigmoid` to your library: my_nn/lesson03.py").first.wait_for(timeout=10_000)
        page.get_by_text("Your library my_nn/: you have passed 1 of 6 exercises of lesson 03").first.wait_for(
            timeout=10_000)
        page.locator(".jp-Cell").nth(1).screenshot(path=str(SCREENSHOTS / "my_library_first_check.png"))

        mine = page.locator(".nn-test-mine").first
        mine.scroll_into_view_if_needed()
        _wait_for(mine, r"runs your sigmoid \(my_nn/lesson03\.py\) — dashed, over the course's")
        before = mine.locator("img").first.get_attribute("src")
        _drag(page, mine, 0.85)
        _wait_for(mine, r"your sigmoid")
        assert mine.locator("img").first.get_attribute("src") != before, "dragging w did not redraw the figure"
        mine.screenshot(path=str(SCREENSHOTS / "my_library_activation_explorer.png"))

        broken = page.locator(".nn-test-broken").first
        broken.scroll_into_view_if_needed()
        _wait_for(broken, r"runs your sigmoid")
        _drag(page, broken, 0.95)  # w near 3.6: w·x reaches -18, their sigmoid raises
        _wait_for(broken, r"⚠ your sigmoid \(my_nn/lesson03\.py\) raised ValueError: too negative for me")
        broken.screenshot(path=str(SCREENSHOTS / "my_library_activation_explorer_error.png"))
        _drag(page, broken, 0.55)  # back to w near 0.4: theirs works again
        _wait_for(broken, r"runs your sigmoid", absent="⚠")
        _assert_no_errors(page, NOTEBOOK)
    finally:
        page.screenshot(path=str(SCREENSHOTS / "my_library_page.png"))
        context.close()
