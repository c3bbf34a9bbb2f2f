"""Every widget of lessons 00–10 in a real Chromium at device pixel ratio 2 (JupyterLab): crisp, alive, error-free.

A gallery notebook (written into the throw-away course copy) builds every widget the lessons show, with the
arguments the lessons use. For each widget the test checks, in the page:

- crisp: the image's naturalWidth ≥ 0.9 × its displayed CSS width × devicePixelRatio, and it is not stretched
  (displayed no wider than naturalWidth / devicePixelRatio);
- alive: every slider move (a real key press on the slider handle) changes the image, eventually — the wait is
  generous (``REDRAW_TIMEOUT_MS``), because a shared machine may be slow; a widget that never redraws fails;
- error-free: no error output in the gallery notebook.

It asserts no wall-clock time: how fast each widget redraws is a benchmark, not a test (CI runs on busy machines).
The test measures it all the same, since it drives the real thing: the time from the key press to the new image
decoded in the page for each move (``MOVES`` moves per widget in each of ``ROUNDS`` rounds over all widgets), and the
bare round trip (a slider that only swaps two tiny images through the course's image widget: kernel, server,
browser, no figure), with the load average of the machine and the CPU time each process of the chain (kernel,
Jupyter server, Chromium) spent per move. The numbers go to screenshots/figures/browser_latency.json and are printed
at the end of the run as information; `make bench` puts them in benchmarks/RESULTS.md against the budgets of
DESIGN §5 (50 ms for line plots, 100 ms for heatmaps and decision boundaries).

Screenshots of every widget (2× pixels) go to screenshots/figures/lab_*.png.
"""

from __future__ import annotations

import json
import os
import statistics
import time

import nbformat
import pytest
from conftest import SCREENSHOTS
from test_browser import _assert_no_errors, _open_and_run_all

from benchmarks.environment import cpu_ms_by_kind
from utils.widgets import BUDGET_MS

FIGURES = SCREENSHOTS / "figures"
MOVES = 9  # slider moves per widget and round (alternating right / left); each must change the image
# Rounds: after every widget has had its first MOVES moves, each (the bare round trip first) gets MOVES more per
# further round, and its latency is the median of all its moves. A slower spell of a shared machine then slows one
# round of several widgets, not every move of one (a widget's 9 moves take ~2 s). `make bench` asks for 5 rounds
# (NN_LATENCY_ROUNDS); never fewer than 2, so every browser run checks the widgets stay alive round after round.
ROUNDS = max(2, int(os.environ.get("NN_LATENCY_ROUNDS", "2")))
REDRAW_TIMEOUT_MS = 60_000  # "eventually": a move whose image has not changed after a minute is a broken widget
LATENCY_JSON = FIGURES / "browser_latency.json"
# The processes of the chain, by a string of their command line (all started by this test run): what each costs per
# move shows the course's own share (its Python runs in the kernel) beside JupyterLab's and Chromium's.
CHAIN = {"kernel": ("ipykernel_launcher",), "server": ("jupyter lab", "jupyter-lab"), "chromium": ("chrom",)}

# name -> (code that builds the widget, the lesson it comes from, budget in ms: utils.widgets.BUDGET_MS, reported by
# `make bench`, not asserted)
GALLERY = {
    "hello_slider": ("W.hello_slider()", "00"),
    "neuron_explorer": ("W.neuron_explorer()", "01"),
    "neuron_explorer_spiral": ('W.neuron_explorer(w1=1.0, w2=0.5, b=0.0, activation="relu", data_xy=(X, y))', "02"),
    "activation_explorer": ("W.activation_explorer()", "03"),
    "softmax_explorer": ("W.softmax_explorer()", "03"),
    "outlier_explorer": ("W.outlier_explorer()", "04"),
    "probability_loss_explorer": ("W.probability_loss_explorer()", "04"),
    "secant_explorer": ("W.secant_explorer()", "05"),
    "learning_rate_explorer": ("W.learning_rate_explorer()", "07"),
    "loss_surface_explorer": ("W.loss_surface_explorer()", "07"),
    "batch_size_explorer": ("W.batch_size_explorer()", "07"),
    "playground": ("W.playground()", "07"),
    "overfitting_explorer": ("W.overfitting_explorer()", "07"),
    "digit_browser": ("W.digit_browser()", "08"),
    "init_explorer": ("W.init_explorer()", "10"),
    "l2_explorer": ("W.l2_explorer()", "10"),
}
GALLERY = {name: (code, lesson, BUDGET_MS[name.removesuffix("_spiral")]) for name, (code, lesson) in GALLERY.items()}

# Sliders that set up the next training run instead of redrawing (the playground's learning rate and batch size take
# effect at the next press of "step"): a move must not fail, and the next step must change the image.
SETTINGS_ONLY = {"playground": {"learning rate", "batch size"}}

# The floor: the same round trip (key press -> kernel -> new image in the page) for a slider whose callback only
# swaps between two tiny fixed PNGs, through the same image widget as the explorers (W.FigureImage). Whatever a
# widget needs beyond this is its own cost. Recorded, not asserted.
FLOOR = """import ipywidgets as widgets

_tiny = []
for color in ("white", "black"):
    fig, _ = W.new_figure(0.2, 0.2)
    fig.set_facecolor(color)
    fig.canvas.draw()
    _tiny.append(W.encode_png(fig.canvas))
floor_slider = widgets.IntSlider(value=0, min=0, max=10, description="floor")
floor_image = W.FigureImage(value=_tiny[0])
floor_slider.observe(lambda change: setattr(floor_image, "value", _tiny[change["new"] % 2]), names="value")
floor = widgets.VBox([floor_slider, floor_image])
floor.add_class("nn-test-roundtrip_floor")
floor"""

SETUP = """from utils import widgets as W
from utils.data import spiral

X, y = spiral(samples=100, classes=3, seed=0)"""

# Installed before JupyterLab loads: notes when each websocket message reaches the page (while a move is timed), to
# split a move into "key press -> the message with the new image is in the page" and "-> decoded".
WEBSOCKET_TAP = """(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { if (window.__nnFrames) window.__nnFrames.push(performance.now()); });
    }
  };
})();"""

# Resolves with the time from the first key press / pointer press in the page to the widget's new image being
# decoded (ready to paint), once the image's src changes.
ARM = """([el, timeout]) => {
  const img = el.querySelector('img.nn-figure, .nn-figure img, img');
  window.__nnLatency = new Promise((resolve) => {
    let t0 = null;
    const start = () => { if (t0 === null) t0 = performance.now(); };
    document.addEventListener('keydown', start, {capture: true});
    document.addEventListener('pointerdown', start, {capture: true});
    const before = img.src;
    const frames = [];  // this move's; a timer left by an earlier move must not touch it
    window.__nnFrames = frames;
    let timer = null;
    const done = (value) => {
      clearTimeout(timer);
      if (window.__nnFrames === frames) window.__nnFrames = null;
      document.removeEventListener('keydown', start, {capture: true});
      document.removeEventListener('pointerdown', start, {capture: true});
      resolve(value);
    };
    const observer = new MutationObserver(async () => {
      if (img.src === before) return;
      observer.disconnect();
      const arrived = Math.max(t0, ...frames);  // the message that set the new image
      try { await img.decode(); } catch (e) {}
      const end = performance.now();
      done({ms: end - t0, changed: img.src !== before, natural: img.naturalWidth, to_page: arrived - t0,
            decode: end - arrived});
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    timer = setTimeout(() => { observer.disconnect(); done(null); }, timeout);
  });
}"""

SLIDER_LABEL = """(handle) => {
  const row = handle.closest('.widget-inline-hbox');
  const label = row && row.querySelector('.widget-label');
  return label ? label.textContent : '';
}"""

GEOMETRY = """(el) => {
  const img = el.querySelector('img');
  const box = img.getBoundingClientRect();
  return {natural: img.naturalWidth, naturalHeight: img.naturalHeight, css: box.width, cssHeight: box.height,
          dpr: window.devicePixelRatio};
}"""


def _gallery_notebook(path) -> None:
    cells = [nbformat.v4.new_code_cell(SETUP)]
    for name, (code, _lesson, _budget) in GALLERY.items():
        cells.append(nbformat.v4.new_code_cell(f'w = {code}\nw.add_class("nn-test-{name}")\nw'))
    cells.append(nbformat.v4.new_code_cell(FLOOR))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def gallery_page(browser, jupyter_lab, course_copy):
    server, token = jupyter_lab
    _gallery_notebook(course_copy / "notebooks" / "widget_gallery.ipynb")
    FIGURES.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
    context.add_init_script(WEBSOCKET_TAP)
    page = context.new_page()
    try:
        _open_and_run_all(page, server, token, "widget_gallery.ipynb")
        _assert_no_errors(page, "widget_gallery.ipynb")
        no_news = page.locator(".Toastify__toast button", has_text="No")  # JupyterLab's news question
        if no_news.count():
            no_news.first.click()
        RESULTS["roundtrip_floor"] = _machine()
        _time_a_round(page, "roundtrip_floor")
        yield page
    finally:
        page.screenshot(path=str(SCREENSHOTS / "widget_gallery_page.png"))
        context.close()


def _away_from_the_end(handle) -> str:
    """The arrow key that moves a slider handle away from the end it sits at (right unless it is at its maximum)."""
    at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
    return "ArrowLeft" if at_max else "ArrowRight"


MOVED: dict[str, list[dict]] = {}
"""Every timed move of the first slider so far, per widget (all rounds): what ``_move_and_time`` returned."""
CPU_MS: dict[str, dict[str, float]] = {}
"""CPU ms each process of the chain spent during those moves (with the pauses between them), per widget."""


def _time_a_round(page, name: str) -> None:
    """``MOVES`` moves of the widget's first slider, away from the end it sits at and back; each must change the
    image. Adds them to ``MOVED`` and rewrites the widget's latency numbers in ``RESULTS`` from all its moves."""
    widget = _widget(page, name)
    first = _away_from_the_end(widget.locator(".noUi-handle").first)
    keys = [first, "ArrowLeft" if first == "ArrowRight" else "ArrowRight"]
    moves, before = [], cpu_ms_by_kind(CHAIN)
    for k in range(MOVES):
        result = _move_and_time(page, widget, keys[k % 2])
        assert result is not None and result["changed"], (
            f"{name}: a slider move ({keys[k % 2]}) did not change the image within {REDRAW_TIMEOUT_MS / 1000:.0f} s")
        moves.append(result)
        page.wait_for_timeout(120)
    after = cpu_ms_by_kind(CHAIN)
    MOVED.setdefault(name, []).append(moves)
    if before is not None and after is not None:
        spent = CPU_MS.setdefault(name, dict.fromkeys(CHAIN, 0.0))
        for kind in CHAIN:
            spent[kind] += after[kind] - before[kind]
    RESULTS.setdefault(name, {}).update(_latency(name))
    _write_results()


def _latency(name: str) -> dict:
    """The latency numbers of a widget from all its timed moves so far: median and max from the key press to the
    new image decoded, the medians of its two parts (key press -> the new image's message is in the page, then
    -> decoded), the median of each round, and the CPU each process of the chain used per move."""
    rounds = MOVED[name]
    moves = [move for one_round in rounds for move in one_round]
    row = {"median_ms": round(statistics.median(m["ms"] for m in moves), 1),
           "max_ms": round(max(m["ms"] for m in moves), 1),
           "moves": len(moves),
           "round_medians_ms": [round(statistics.median(m["ms"] for m in one_round), 1) for one_round in rounds],
           "to_page_ms": round(statistics.median(m["to_page"] for m in moves), 1),
           "decode_ms": round(statistics.median(m["decode"] for m in moves), 1)}
    if name in CPU_MS:
        row["cpu_ms_per_move"] = {kind: round(ms / len(moves), 1) for kind, ms in CPU_MS[name].items()}
    return row


def _machine() -> dict:
    """How busy the machine was while a row was measured (the numbers mean little without it)."""
    return {"load_average_1min": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count(),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S")}


def _write_results() -> None:
    LATENCY_JSON.write_text(json.dumps(RESULTS, indent=1))


def _widget(page, name: str):
    widget = page.locator(f".nn-test-{name}").first
    widget.wait_for(timeout=30_000)
    widget.scroll_into_view_if_needed(timeout=10_000)
    widget.locator("img").first.wait_for(timeout=30_000)
    return widget


def _move_and_time(page, widget, key: str, timeout_ms: int = REDRAW_TIMEOUT_MS, slider: int = 0):
    handle = widget.locator(".noUi-handle").nth(slider)
    page.evaluate(ARM, [widget.element_handle(), timeout_ms])
    handle.press(key)
    return page.evaluate("() => window.__nnLatency")


RESULTS: dict[str, dict] = {}


@pytest.mark.parametrize("name", list(GALLERY))
def test_widget_is_crisp_and_alive(gallery_page, name):
    page = gallery_page
    widget = _widget(page, name)
    geometry = page.evaluate(GEOMETRY, widget.element_handle())
    widget.screenshot(path=str(FIGURES / f"lab_{GALLERY[name][1]}_{name}.png"))
    assert geometry["dpr"] == 2
    assert geometry["natural"] >= 0.9 * geometry["css"] * geometry["dpr"], f"{name}: blurry image {geometry}"
    assert geometry["css"] <= geometry["natural"] / geometry["dpr"] + 1, f"{name}: image stretched {geometry}"

    RESULTS[name] = {"lesson": GALLERY[name][1], "natural_px": [geometry["natural"], geometry["naturalHeight"]],
                     "css_px": [round(geometry["css"]), round(geometry["cssHeight"])], "budget_ms": GALLERY[name][2],
                     **_machine()}
    _time_a_round(page, name)
    handles = widget.locator(".noUi-handle")
    others = {}  # every other slider of the widget: one move each must change the image too
    for i in range(1, handles.count()):
        key = _away_from_the_end(handles.nth(i))
        label = handles.nth(i).evaluate(SLIDER_LABEL).strip()
        if label in SETTINGS_ONLY.get(name, ()):
            handles.nth(i).press(key)  # takes effect at the next step (checked below); must not raise
            page.wait_for_timeout(300)
            continue
        result = _move_and_time(page, widget, key, slider=i)
        assert result is not None and result["changed"], (
            f"{name}: a move ({key}) of slider {label!r} did not change the image within {REDRAW_TIMEOUT_MS / 1000:.0f} s")
        others[label or f"slider {i + 1}"] = round(result["ms"], 1)
        page.wait_for_timeout(120)
    if others:
        RESULTS[name]["other_sliders_ms"] = others
    if name == "playground":  # its main action: one press of "step" (10 epochs of training, then a redraw)
        steps = []
        button = widget.locator("button", has_text="step")
        for _ in range(5):
            page.evaluate(ARM, [widget.element_handle(), REDRAW_TIMEOUT_MS])
            button.click()
            result = page.evaluate("() => window.__nnLatency")
            assert result is not None and result["changed"], (
                f"playground: a press of step did not change the image within {REDRAW_TIMEOUT_MS / 1000:.0f} s")
            steps.append(result["ms"])
            page.wait_for_timeout(120)
        RESULTS[name]["step_median_ms"] = round(statistics.median(steps), 1)
    _write_results()
    _assert_no_errors(page, f"widget_gallery.ipynb after moving {name}")


@pytest.mark.parametrize("round_number", range(2, ROUNDS + 1))
def test_every_widget_stays_alive_round_after_round(gallery_page, round_number):
    """Further rounds over all widgets (the bare round trip first): every move still changes the image, and its
    time joins the widget's latency numbers (``ROUNDS``)."""
    for name in ["roundtrip_floor", *GALLERY]:
        _time_a_round(gallery_page, name)
    _assert_no_errors(gallery_page, f"widget_gallery.ipynb after round {round_number}")


# ---------------------------------------------------------------------------------------------- accessible names
# Every control of every gallery widget, with the role and the accessible name Chromium computes for it (what a screen
# reader announces), read through the DevTools protocol (Accessibility.getPartialAXTree), next to its visible label:
# the row's description for a slider handle, a dropdown, a checkbox and a slider's readout; the caption of a button.
MARK_CONTROLS = """(root) => {
  const rows = [];
  const labelOf = (el) => {
    const row = el.closest('.widget-inline-hbox');
    const label = row && row.querySelector(':scope > .widget-label');
    return label ? label.textContent.trim() : '';
  };
  const kinds = [['.noUi-handle', 'slider handle'], ['.widget-readout', 'slider readout'], ['select', 'dropdown'],
                 ['input[type=checkbox]', 'checkbox'], ['button', 'button']];
  for (const [selector, kind] of kinds) {
    for (const el of root.querySelectorAll(selector)) {
      const id = String(document.querySelectorAll('[data-nn-a11y]').length);
      el.setAttribute('data-nn-a11y', id);
      rows.push({id, kind, label: kind === 'button' ? el.textContent.trim() : labelOf(el)});
    }
  }
  return rows;
}"""
ASSERTED = {"slider handle": "slider", "dropdown": "combobox", "checkbox": "checkbox", "button": "button"}
NAMES_JSON = FIGURES / "accessible_names.json"


def _accessible(cdp, element_id: str) -> tuple[str, str]:
    """(role, accessible name) of the element marked ``data-nn-a11y=element_id``, as Chromium computes them."""
    found = cdp.send("Runtime.evaluate", {"expression": f"document.querySelector('[data-nn-a11y=\"{element_id}\"]')"})
    nodes = cdp.send("Accessibility.getPartialAXTree", {"objectId": found["result"]["objectId"],
                                                        "fetchRelatives": False})["nodes"]
    node = next(n for n in nodes if not n.get("ignored"))
    return node.get("role", {}).get("value", ""), (node.get("name", {}).get("value") or "").strip()


@pytest.fixture(scope="module")
def accessible_names(gallery_page) -> list[dict]:
    page = gallery_page
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Accessibility.enable")
        rows = []
        for name in GALLERY:
            for row in page.evaluate(MARK_CONTROLS, _widget(page, name).element_handle()):
                row["role"], row["name"] = _accessible(cdp, row.pop("id"))
                rows.append({"widget": name, **row})
    finally:
        cdp.detach()
    NAMES_JSON.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    return rows


def test_every_button_dropdown_and_checkbox_has_an_accessible_name_with_its_label(accessible_names):
    rows = [r for r in accessible_names if r["kind"] in ASSERTED and r["kind"] != "slider handle"]
    assert {r["kind"] for r in rows} >= {"button", "dropdown"}, "the gallery lost its buttons or dropdowns"
    bad = [r for r in rows if not r["label"] or r["role"] != ASSERTED[r["kind"]]
           or r["label"].lower() not in r["name"].lower()]
    assert not bad, "controls without an accessible name containing their visible label: " + json.dumps(bad)
    handles = [r for r in accessible_names if r["kind"] == "slider handle"]
    assert handles and all(r["role"] == "slider" and r["label"] for r in handles), (
        "every slider handle has role=slider and a visible label: " + json.dumps(handles))


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "ipywidgets 8.1.9's slider views (IntSlider/FloatSlider/FloatLogSlider/SelectionSlider) create the noUiSlider "
    "without handleAttributes and do not point the description <label> at the role=slider handle (no for/"
    "aria-labelledby), and no Python-side trait reaches the handle (tooltip sets the label's title): a handle's "
    "accessible name is empty. Strict: passes the day ipywidgets names the handle, and then this mark must go."))
def test_every_slider_handle_has_an_accessible_name_with_its_label(accessible_names):
    rows = [r for r in accessible_names if r["kind"] == "slider handle"]
    unnamed = [f"{r['widget']}: {r['label']}" for r in rows if r["label"].lower() not in r["name"].lower()]
    assert not unnamed, f"{len(unnamed)} of {len(rows)} slider handles have no accessible name with their label: {unnamed}"
