"""The dark theme in a real Chromium (JupyterLab with the course's own Jupyter settings, tools/jupyter-config):

- figures sit on a neutral frame in the dark theme: a lesson's inline matplotlib figure and a widget's image get the
  frame of tools/jupyter-config/custom/custom.css (padding, a mid-grey mat, the theme's border colour, rounded
  corners, dimmed), computed styles read in the page; the page around them is dark; in the light theme the course's
  stylesheet changes nothing (computed styles with and without it are the same);
- the checker's output meets WCAG AA: every text element of a ✓ and a ✗ block, its computed colour against the
  effective background (ancestors walked up to the first opaque background, alpha composited), contrast ≥ 4.5:1
  in the light and the dark theme. (tests/test_checks_display.py computes the same from the theme files.)

The lesson is solutions/01_neuron.ipynb run top to bottom: a figure (the computation graph), ✓ check_neuron_output,
the neuron explorer, and ✗ verdicts from the "mistakes" cell. Screenshots: screenshots/theme_*.png.
Run with `make test-browser` (sets RUN_BROWSER_TESTS=1). Every wait is bounded; nothing is retried.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import SCREENSHOTS
from test_browser import _assert_no_errors, _open_and_run_all

NOTEBOOK = "theme_01_neuron.ipynb"  # a copy of the solution, in notebooks/ of the throw-away course
LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"
AA = 4.5

FIGURE = ".jp-NotebookPanel:visible .jp-RenderedImage img"
WIDGET_IMAGE = ".jp-NotebookPanel:visible .nn-explorer img"

SET_THEME = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"
THEME_IS = """([name, light]) => document.body.dataset.jpThemeName === name
                                  && document.body.dataset.jpThemeLight === light"""

COURSE_SHEET = "() => [...document.styleSheets].find(s => s.href && s.href.includes('/custom/custom.css'))"
SHEET_RULES = f"() => {{ const s = ({COURSE_SHEET})(); return s ? s.cssRules.length : -1; }}"
SHEET_ENABLED = f"(on) => {{ ({COURSE_SHEET})().disabled = !on; }}"

# the composited background behind an element: ancestors' background colours from the element up to the first opaque
# one, alpha-blended bottom-up (onto white if none is opaque, as the canvas is)
EFFECTIVE_BACKGROUND = """
window.__nnRgba = (css) => {
  const m = css.match(/rgba?\\(([^)]+)\\)/);
  if (!m) throw new Error('unexpected colour ' + css);
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
window.__nnOver = (top, bottom) => {
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
};
window.__nnBackground = (el) => {
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const c = window.__nnRgba(getComputedStyle(node).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let rgb = [255, 255, 255, 1];
  for (const layer of layers.reverse()) rgb = window.__nnOver(layer, rgb);
  return rgb;
};
"""

FRAME = """(img) => {
  const s = getComputedStyle(img);
  const probe = document.createElement('div');
  probe.style.borderColor = 'var(--jp-border-color1)';
  document.body.appendChild(probe);
  const themeBorder = getComputedStyle(probe).borderTopColor;
  probe.remove();
  return {padding: parseFloat(s.paddingTop), border: parseFloat(s.borderTopWidth), borderColor: s.borderTopColor,
          themeBorder, radius: parseFloat(s.borderTopLeftRadius), mat: window.__nnRgba(s.backgroundColor),
          filter: s.filter, around: window.__nnBackground(img.parentElement),
          style: [s.padding, s.border, s.borderRadius, s.backgroundColor, s.filter, s.boxSizing].join(' | ')};
}"""

# every element of the checker's blocks with its own text: its colour over the effective background
CHECKER_TEXT = """() => {
  const rows = [];
  for (const block of document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nnfs-check')) {
    for (const el of [block, ...block.querySelectorAll('*')]) {
      const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
      if (!text) continue;
      const back = window.__nnBackground(el);
      const colour = window.__nnOver(window.__nnRgba(getComputedStyle(el).color), back);
      rows.push({kind: block.classList.contains('nnfs-check-pass') ? 'pass' : 'fail', tag: el.tagName,
                 text: text.slice(0, 60), colour, back});
    }
  }
  return rows;
}"""


def _luminance(rgb) -> float:
    lin = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two opaque sRGB colours (0–255 channels)."""
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_wcag_contrast_formula():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21.0)
    assert contrast([118, 118, 118], [255, 255, 255]) == pytest.approx(4.54, abs=0.01)  # #767676, the AA grey


def _set_theme(page, theme: str) -> None:
    page.evaluate(SET_THEME, theme)
    page.wait_for_function(THEME_IS, arg=[theme, "true" if theme == LIGHT else "false"], timeout=60_000, polling=200)
    page.wait_for_timeout(300)  # let the new theme paint before a screenshot


@pytest.fixture(scope="module")
def lesson_page(browser, jupyter_lab, course_copy):
    server, token = jupyter_lab
    shutil.copy(course_copy / "solutions" / "01_neuron.ipynb", course_copy / "notebooks" / NOTEBOOK)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
    try:
        _open_and_run_all(page, server, token, NOTEBOOK)
        _assert_no_errors(page, NOTEBOOK)
        page.add_script_tag(content=EFFECTIVE_BACKGROUND)
        page.locator(FIGURE).first.wait_for(timeout=30_000)
        page.locator(WIDGET_IMAGE).first.wait_for(timeout=60_000)
        page.locator(".nnfs-check-pass").first.wait_for(timeout=30_000)
        page.locator(".nnfs-check-fail").first.wait_for(timeout=30_000)
        assert page.evaluate(SHEET_RULES) > 0, "the course's custom.css is not loaded (tools/jupyter-config)"
        yield page
    finally:
        try:  # the theme is a user setting of the shared test server: leave it light for the other tests
            _set_theme(page, LIGHT)
        finally:
            page.close()


def _screenshot_lesson(page, theme: str) -> None:
    figure = page.locator(FIGURE).first
    figure.scroll_into_view_if_needed(timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / f"theme_{theme}_figure_page.png"))
    widget = page.locator(".jp-NotebookPanel:visible .nn-explorer").first
    widget.scroll_into_view_if_needed(timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / f"theme_{theme}_widget_page.png"))


def _frames(page) -> dict:
    return {"figure": page.locator(FIGURE).first.evaluate(FRAME),
            "widget image": page.locator(WIDGET_IMAGE).first.evaluate(FRAME)}


def test_figures_sit_on_a_neutral_frame_in_the_dark_theme_only(lesson_page):
    page = lesson_page
    _set_theme(page, LIGHT)
    light = _frames(page)
    page.evaluate(SHEET_ENABLED, False)
    light_without = _frames(page)
    page.evaluate(SHEET_ENABLED, True)
    for what in light:
        assert light[what]["style"] == light_without[what]["style"], (
            f"light theme: the course's stylesheet changed the {what}: {light_without[what]['style']} -> "
            f"{light[what]['style']}")
        assert light[what]["padding"] == 0 and light[what]["border"] == 0, f"light theme: {what} {light[what]}"
    _screenshot_lesson(page, "light")

    _set_theme(page, DARK)
    page.evaluate(SHEET_ENABLED, False)
    _screenshot_lesson(page, "dark_before")  # the dark theme without the course's stylesheet: white boxes
    page.evaluate(SHEET_ENABLED, True)
    page.wait_for_timeout(300)
    _screenshot_lesson(page, "dark")
    for what, frame in _frames(page).items():
        assert frame["padding"] >= 4, f"dark theme: the {what} has no mat: {frame['style']}"
        assert frame["border"] >= 1 and frame["borderColor"] == frame["themeBorder"], (
            f"dark theme: the {what}'s border is not the theme's border colour: {frame}")
        assert frame["radius"] >= 4, f"dark theme: the {what}'s frame is not rounded: {frame['style']}"
        mat = _luminance(frame["mat"])
        assert 0.05 <= mat <= 0.4 and frame["mat"][3] == 1, f"dark theme: the {what}'s mat is not mid-grey: {frame}"
        assert "brightness" in frame["filter"], f"dark theme: the {what} is not dimmed: {frame['style']}"
        around = _luminance(frame["around"])
        assert around < 0.05, f"dark theme: the page around the {what} is not dark: {frame['around']}"
        assert contrast(frame["mat"], frame["around"]) >= 1.5, f"dark theme: the {what}'s mat does not stand out"


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_checker_output_meets_wcag_aa_in_the_rendered_page(lesson_page, theme):
    page = lesson_page
    _set_theme(page, theme)
    rows = page.evaluate(CHECKER_TEXT)
    kinds = {row["kind"] for row in rows}
    assert kinds == {"pass", "fail"}, f"{theme}: expected ✓ and ✗ checker output, found {kinds}"
    tags = {(row["kind"], row["tag"]) for row in rows}
    assert ("pass", "B") in tags and ("fail", "B") in tags, f"{theme}: no verdict text measured: {tags}"
    low = []
    for row in rows:
        row["ratio"] = contrast(row["colour"], row["back"])
        if row["ratio"] < AA:
            low.append(row)
    assert not low, f"{theme}: text below {AA}:1: " + "; ".join(
        f"{r['kind']} <{r['tag']}> {r['text']!r} {r['ratio']:.2f}:1 (rgb {r['colour'][:3]} on {r['back'][:3]})"
        for r in low)
    name = "light" if theme == LIGHT else "dark"
    for kind in ("pass", "fail"):
        block = page.locator(f".jp-NotebookPanel:visible .jp-OutputArea-output:has(.nnfs-check-{kind})").first
        block.scroll_into_view_if_needed(timeout=10_000)
        block.screenshot(path=str(SCREENSHOTS / f"theme_{name}_checker_{kind}.png"))
    worst = {kind: min(r["ratio"] for r in rows if r["kind"] == kind) for kind in ("pass", "fail")}
    print(f"\n{theme}: {len(rows)} text elements, lowest contrast ✓ {worst['pass']:.2f}:1, ✗ {worst['fail']:.2f}:1")
