"""The two classroom modes in a real Chromium at 1280x720, with the network cut.

1. Slides (`make slides LESSON=NN`, i.e. ``python -m tools.slides --serve``): lessons 01 and 07, their slide types
   set by the rule (``tools.slides.apply_layout``) on the throw-away copy, so the test does not depend on what the
   lessons store. Every request to a host other than 127.0.0.1 is aborted; the test asserts that nothing asked for
   one, that reveal.js is loaded and styled (a deck, not a stacked page), that every slide's content fits the
   720 px slide, that no widget failed to display, that ArrowRight on a focused slider moves the slider (the
   figure redraws) and not the deck, and how the deck's keys move (ArrowRight skips sub-slides, Space visits
   them). Every slide is saved to screenshots/slides/<lesson>_<nn>.png, the measured heights to
   screenshots/slides/<lesson>_heights.json.
2. Live coding: JupyterLab's View → Appearance → Presentation Mode and → Simple Interface make the text bigger
   and show one notebook; a cell still runs.

Run with `make test-browser` (sets RUN_BROWSER_TESTS=1). Every wait is bounded.
"""

from __future__ import annotations

import json
import re
import sys
import time
from urllib.parse import urlparse

import nbformat
import pytest
from conftest import SCREENSHOTS, Server, free_port, wait_for_http

from tools.slides import SLIDE_H, SLIDE_W, WIDGET_MIME, apply_layout

SLIDES = SCREENSHOTS / "slides"
LESSONS = ["01_neuron", "07_training"]
DECK_TIMEOUT_MS = 240_000  # Voilà runs the whole notebook before the page arrives (lesson 07 trains networks)


@pytest.fixture(scope="module")
def decks(course_copy, tmp_path_factory):
    """Both decks served at once (their notebooks run in parallel): ``{lesson: (server, widget cells)}``."""
    logs = tmp_path_factory.mktemp("slides-logs")
    servers, widget_cells = {}, {}
    for lesson in LESSONS:
        path = course_copy / "solutions" / f"{lesson}.ipynb"
        nb = nbformat.read(path, as_version=4)
        apply_layout(nb)
        nbformat.write(nb, path)
        widget_cells[lesson] = sum(
            1 for cell in nb.cells if cell.metadata.get("slideshow", {}).get("slide_type") not in ("skip", "notes")
            and any(WIDGET_MIME in output.get("data", {}) for output in cell.get("outputs", [])))
        port = free_port()
        # exactly what `make slides` runs, from the copy (cwd): python -m tools.slides --serve
        servers[lesson] = Server([sys.executable, "-m", "tools.slides", "--serve", "--no-browser", f"--port={port}",
                                  f"solutions/{lesson}.ipynb"], f"http://127.0.0.1:{port}", course_copy,
                                 logs / f"{lesson}.log")
    try:
        for server in servers.values():
            wait_for_http(server.url + "/voila/static/voila.js", 60, server.proc, server.log)
        yield {lesson: (servers[lesson], widget_cells[lesson]) for lesson in LESSONS}
    finally:
        for server in servers.values():
            server.stop()


def _offline_page(browser):
    """A 1280x720 page that can reach 127.0.0.1 only; returns (page, list of blocked URLs)."""
    context = browser.new_context(viewport={"width": SLIDE_W, "height": SLIDE_H})
    blocked: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    return context.new_page(), blocked


def _open_deck(page, server, widget_cells: int) -> None:
    page.goto(server.url + "/", timeout=DECK_TIMEOUT_MS)
    page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=DECK_TIMEOUT_MS)
    # every widget is drawn (an output holding a widget view), or one failed (its output says so)
    page.wait_for_function(
        """(n) => {
            const outs = [...document.querySelectorAll('.jp-OutputArea-output')];
            return outs.filter(o => o.querySelector('.jupyter-widgets')).length >= n
                || outs.some(o => /Error displaying widget/.test(o.textContent));
        }""", arg=widget_cells, timeout=60_000)


def _assert_styled_deck(page, lesson: str) -> None:
    state = page.evaluate("""() => {
        const reveal = document.querySelector('.reveal'), slides = document.querySelector('.reveal .slides');
        const tops = [...document.querySelectorAll('.reveal .slides > section')];
        return {
            revealApi: typeof window.Reveal === 'function' || typeof window.Reveal === 'object',
            ready: reveal.classList.contains('ready'),
            slidesPosition: getComputedStyle(slides).position,
            sectionPositions: [...new Set(tops.map(s => getComputedStyle(s).position))],
            shown: tops.filter(s => s.classList.contains('present')).length,
            font: getComputedStyle(reveal).fontFamily,
            controls: getComputedStyle(document.querySelector('.reveal .controls')).display,
            progressWidth: document.querySelector('.reveal .progress').getBoundingClientRect().width,
            scale: Reveal.getScale(),
            config: [Reveal.getConfig().width, Reveal.getConfig().height],
        };
    }""")
    assert state["revealApi"] and state["ready"], f"{lesson}: reveal.js did not start: {state}"
    # reveal.css: slides are absolutely positioned on top of each other (a broken deck stacks them in the page)
    assert state["slidesPosition"] == "absolute" and state["sectionPositions"] == ["absolute"], state
    assert state["shown"] == 1, f"{lesson}: {state['shown']} slides shown at once"
    assert "Source Sans Pro" in state["font"], f"{lesson}: reveal's white theme is not applied: {state['font']}"
    assert state["controls"] != "none" and state["progressWidth"] > SLIDE_W * 0.9, state
    assert state["config"] == [SLIDE_W, SLIDE_H] and 0.9 <= state["scale"] <= 1.0, state


def _go(page, h: int, v: int) -> None:
    page.evaluate(f"Reveal.slide({h}, {v})")
    page.wait_for_function(f"() => {{ const i = Reveal.getIndices(); return i.h === {h} && (i.v || 0) === {v}; }}",
                           timeout=5_000)
    # the slide's images are decoded (a figure that is still loading has no height yet)
    page.wait_for_function("() => [...Reveal.getCurrentSlide().querySelectorAll('img')].every(i => i.complete)",
                           timeout=10_000)
    page.wait_for_timeout(120)


def _indices(page) -> tuple[int, int]:
    i = page.evaluate("Reveal.getIndices()")
    return i["h"], i.get("v") or 0


@pytest.mark.parametrize("lesson", LESSONS)
def test_slides_offline_styled_fit_and_widgets_work(browser, decks, lesson):
    server, widget_cells = decks[lesson]
    SLIDES.mkdir(parents=True, exist_ok=True)
    for old in SLIDES.glob(f"{lesson}_*.png"):
        old.unlink()
    page, blocked = _offline_page(browser)
    try:
        _open_deck(page, server, widget_cells)
        assert not blocked, f"{lesson}: the deck asked for other hosts: {blocked}"
        _assert_styled_deck(page, lesson)
        assert page.get_by_text("Error displaying widget").count() == 0, f"{lesson}: a widget failed to display"

        # every slide: fits the 720 px slide (no scrolling), screenshot
        slides = page.evaluate("Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })")
        assert len(slides) >= 5, f"{lesson}: only {len(slides)} slides"
        too_tall, heights = [], {}
        for number, (h, v) in enumerate(slides):
            _go(page, h, v)
            # the content's own height: the deck's safety net (shrinking a slide that is too tall) must not be needed
            height, shrunk = page.evaluate("""() => { const s = Reveal.getCurrentSlide(), zoom = s.style.zoom;
                s.style.zoom = ''; const h = s.scrollHeight; s.style.zoom = zoom; return [h, !!s.dataset.nnShrunk]; }""")
            heights[f"{h}.{v}"] = height
            if height > SLIDE_H or shrunk:
                too_tall.append(f"slide {h}.{v}: {height} px")
            page.screenshot(path=str(SLIDES / f"{lesson}_{number:02d}.png"))
        (SLIDES / f"{lesson}_heights.json").write_text(json.dumps(heights, indent=1))
        assert not too_tall, f"{lesson}: taller than the {SLIDE_H} px slide: {too_tall}"

        # the deck's own keys: ArrowRight skips the sub-slides of a stack, Space visits them
        last = max(h for h, _ in slides)
        stack = next((h for h, v in slides if v == 1 and h < last), None)
        if stack is not None:
            _go(page, stack, 0)
            page.keyboard.press("ArrowRight")
            assert _indices(page)[0] == stack + 1, "ArrowRight should go to the next horizontal slide"
            _go(page, stack, 0)
            page.keyboard.press("Space")
            assert _indices(page) == (stack, 1), "Space should go to the next sub-slide"

        # a key pressed on a focused slider moves the slider (the figure redraws), never the deck
        explorer = page.locator(".nn-explorer").first
        h, v = page.evaluate("""() => { const s = document.querySelector('.nn-explorer').closest('section');
                                        const i = Reveal.getIndices(s); return [i.h, i.v || 0]; }""")
        _go(page, h, v)
        figure, readout = explorer.locator("img.nn-figure"), explorer.locator(".nn-readout")
        before_src, before_text = figure.get_attribute("src"), readout.inner_text()
        handle = explorer.locator(".nn-controls .noUi-handle").first
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + 15
        while figure.get_attribute("src") == before_src and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert figure.get_attribute("src") != before_src, f"{lesson}: ArrowRight on the slider did not redraw the figure"
        assert _indices(page) == (h, v), f"{lesson}: ArrowRight on a focused slider moved the deck"
        if before_text.strip():
            assert readout.inner_text() != before_text, f"{lesson}: the readout did not follow the slider"
        page.screenshot(path=str(SLIDES / f"{lesson}_slider_moved.png"))
        # Escape hands the keys back to the deck
        page.keyboard.press("Escape")
        page.keyboard.press("ArrowRight")
        assert _indices(page) != (h, v), f"{lesson}: after Escape, ArrowRight should move the deck again"
        assert page.get_by_text("Error displaying widget").count() == 0
    finally:
        page.context.close()


def test_jupyterlab_presentation_mode_for_live_coding(browser, jupyter_lab):
    """View → Appearance → Presentation Mode (bigger text) and → Simple Interface (one notebook); run a cell."""
    server, token = jupyter_lab
    page = browser.new_page(viewport={"width": SLIDE_W, "height": SLIDE_H})
    SLIDES.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server.url}/lab/workspaces/present/tree/notebooks/01_neuron.ipynb?reset&token={token}",
                  timeout=60_000)
        panel = page.locator(".jp-NotebookPanel:visible")
        panel.locator(".jp-Cell").first.wait_for(timeout=60_000)
        page.locator("#jp-main-statusbar", has_text=re.compile(r"ipykernel\)\s*\|\s*Idle")).wait_for(timeout=90_000)
        paragraph = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown p").first
        code = panel.locator(".jp-CodeCell .cm-content").first

        def sizes():
            return (float(paragraph.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")),
                    float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")))

        text_before, code_before = sizes()
        for item in ("Presentation Mode", "Simple Interface"):  # View → Appearance → item
            page.click("div.lm-MenuBar-itemLabel:text-is('View')", timeout=10_000)
            page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile("^Appearance$")).first.click(timeout=10_000)
            page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).first.click(timeout=10_000)
        shell = page.locator("#main")  # JupyterLab's shell carries both modes
        assert "jp-mod-presentationMode" in shell.get_attribute("class")
        assert shell.get_attribute("data-shell-mode") == "single-document"
        text_after, code_after = sizes()
        assert text_after > text_before and code_after > code_before, (text_before, text_after, code_before, code_after)

        # live coding still works: run the first code cell that prints something and see its output
        cell = panel.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text="print(")).first
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        cell.locator(".jp-OutputArea-output").first.wait_for(timeout=30_000)
        page.screenshot(path=str(SLIDES / "lab_presentation_mode.png"))
    finally:
        page.close()
