"""The two classroom modes in a real Chromium at 1280x720, with the network cut.

1. Slides (`make slides LESSON=NN`, i.e. ``python -m tools.slides --serve``): lessons 03 and 07 (the deck applies
   the slide rule itself, ``tools.slides.deck_notebook``). Every request to a host other than 127.0.0.1 is
   aborted; the test asserts that nothing asked for one, that reveal.js is loaded and styled (a deck, not a
   stacked page), that ArrowRight alone visits every slide and sub-slide in order (linear navigation), and on
   every slide: its content fits the 720 px slide, text is readable from the back row (measured from the
   rendered page: body text >= 20 px, widget labels >= 16 px, figure tick labels >= 16 px), no raw checker
   verdict is shown (a mistakes section is a "what learners get wrong" list) and no bare numbers without
   their code. Then: no widget failed to display, ArrowRight on a focused slider moves the slider (the figure
   redraws) and not the deck, and the teacher's view (``?code``) shows the code. Every slide is saved to
   screenshots/slides/<lesson>_<nn>.png, the measured heights to screenshots/slides/<lesson>_heights.json.
2. Live coding: JupyterLab's View → Appearance → Presentation Mode and → Simple Interface make the text bigger
   and show one notebook; a cell still runs.

Run with `make test-browser` (sets RUN_BROWSER_TESTS=1). Every wait is bounded.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from urllib.parse import urlparse

import nbformat
import pytest
from conftest import ROOT, SCREENSHOTS, Server, free_port, wait_for_http

from tools.build import shows_widget
from tools.slides import MISTAKES_TITLE, SLIDE_H, SLIDE_STYLE, SLIDE_W, deck_notebook

SLIDES = SCREENSHOTS / "slides"
LESSONS = ["03_activations", "07_training"]
SLIDER_TO_MOVE = {"03_activations": -1, "07_training": 0}
MIN_TEXT_PX, MIN_WIDGET_TEXT_PX, MIN_TICK_PX = 20, 16, 16
TICK_PX = SLIDE_STYLE["xtick.labelsize"] * 100 / 72  # a tick label in CSS px at a figure's own display size
DECK_TIMEOUT_MS = 240_000  # Voilà runs the whole notebook before the page arrives (lesson 07 trains networks)


@pytest.fixture(scope="module")
def decks(course_copy, tmp_path_factory):
    """Both decks served at once (their notebooks run in parallel): ``{lesson: (server, widget cells)}``."""
    logs = tmp_path_factory.mktemp("slides-logs")
    if not (course_copy / "tools").exists():  # `python -m tools.slides` runs from the course's root
        shutil.copytree(ROOT / "tools", course_copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    servers, widget_cells = {}, {}
    for lesson in LESSONS:
        nb = deck_notebook(nbformat.read(course_copy / "solutions" / f"{lesson}.ipynb", as_version=4))
        widget_cells[lesson] = sum(
            1 for cell in nb.cells if cell.metadata.get("slideshow", {}).get("slide_type") not in ("skip", "notes")
            and any(shows_widget(output) for output in cell.get("outputs", [])))
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


MEASURE_SLIDE = """([tickPx, title]) => {
    const slide = Reveal.getCurrentSlide(), scale = Reveal.getScale();
    const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const size = e => parseFloat(getComputedStyle(e).fontSize);
    const texts = [...slide.querySelectorAll('.jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li')]
        .filter(e => shown(e) && !e.closest('.jupyter-widgets') && e.textContent.trim());
    const widgetTexts = [...slide.querySelectorAll('.widget-label, .widget-readout, .nn-readout, .jupyter-widgets select')]
        .filter(e => shown(e) && e.textContent.trim());
    const figures = [...slide.querySelectorAll('.jp-OutputArea-output img')].filter(shown).map(img => {
        const base = parseFloat(img.dataset.nnBaseWidth || img.getAttribute('width')) || img.naturalWidth / 2;
        return tickPx * img.getBoundingClientRect().width / scale / base;
    });
    const bare = [...slide.querySelectorAll('.jp-CodeCell')].filter(cell => {
        // every printed output of the cell together (the page shows each print of a stream as its own block)
        const outs = [...cell.querySelectorAll('.jp-OutputArea-output pre')].filter(shown);
        const out = outs.length ? outs[0] : null;
        const input = cell.querySelector('.jp-Cell-inputWrapper');
        const text = out ? outs.map(o => o.textContent).join('\\n').replace(/array|nan|inf|(?<=\\d)[eE](?=[+-]?\\d)/g, '') : '';
        return out && shown(out) && text.trim() && !/\\p{L}/u.test(text) && !(input && shown(input));
    }).map(cell => cell.textContent.trim().slice(0, 60));
    return {
        text: texts.length ? Math.min(...texts.map(size)) : null,
        widget: widgetTexts.length ? Math.min(...widgetTexts.map(size)) : null,
        ticks: figures.length ? Math.min(...figures) : null,
        verdicts: [...slide.querySelectorAll('.nnfs-check-fail')].filter(shown).length,
        mistakesList: slide.textContent.includes(title),
        bare: bare,
    };
}"""


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

        # linear navigation: ArrowRight alone visits every slide and sub-slide, in order
        slides = page.evaluate("Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })")
        assert len(slides) >= 5, f"{lesson}: only {len(slides)} slides"
        assert any(v > 0 for _, v in slides), f"{lesson}: no sub-slides to test linear navigation with"
        _go(page, 0, 0)
        page.locator(".reveal .slides").click(position={"x": 5, "y": 5})  # the deck has the keyboard
        visited = [_indices(page)]
        for _ in range(len(slides) - 1):
            page.keyboard.press("ArrowRight")
            visited.append(_indices(page))
        assert visited == [tuple(s) for s in slides], f"{lesson}: ArrowRight visited {visited}, the deck has {slides}"

        # every slide: fits the 720 px slide (no scrolling), readable text and figures, no raw verdicts, screenshot
        too_tall, heights, small, raw, bare, mistakes_lists = [], {}, [], [], [], 0
        for number, (h, v) in enumerate(slides):
            _go(page, h, v)
            sizes = page.evaluate(MEASURE_SLIDE, [TICK_PX, MISTAKES_TITLE])
            where = f"slide {h}.{v}"
            if sizes["text"] is not None and sizes["text"] < MIN_TEXT_PX:
                small.append(f"{where}: text {sizes['text']} px")
            if sizes["widget"] is not None and sizes["widget"] < MIN_WIDGET_TEXT_PX:
                small.append(f"{where}: widget text {sizes['widget']} px")
            if sizes["ticks"] is not None and sizes["ticks"] < MIN_TICK_PX:
                small.append(f"{where}: figure ticks {sizes['ticks']:.1f} px")
            if sizes["verdicts"]:
                raw.append(where)
            bare += [f"{where}: {b}" for b in sizes["bare"]]
            mistakes_lists += sizes["mistakesList"]
            # the content's own height: the deck's safety net (shrinking a slide that is too tall) must not be needed
            height, shrunk = page.evaluate("""() => { const s = Reveal.getCurrentSlide(), zoom = s.style.zoom;
                s.style.zoom = ''; const h = s.scrollHeight; s.style.zoom = zoom; return [h, !!s.dataset.nnShrunk]; }""")
            heights[f"{h}.{v}"] = height
            if height > SLIDE_H or shrunk:
                too_tall.append(f"slide {h}.{v}: {height} px")
            page.screenshot(path=str(SLIDES / f"{lesson}_{number:02d}.png"))
        (SLIDES / f"{lesson}_heights.json").write_text(json.dumps(heights, indent=1))
        assert not too_tall, f"{lesson}: taller than the {SLIDE_H} px slide: {too_tall}"
        assert not small, f"{lesson}: too small for a projector: {small}"
        assert not raw, f"{lesson}: raw checker verdicts on {raw}"
        assert not bare, f"{lesson}: bare numbers without their code: {bare}"
        assert mistakes_lists == 1, f"{lesson}: {mistakes_lists} slides with the '{MISTAKES_TITLE}' list"

        # a key pressed on a focused slider moves the slider (the figure redraws), never the deck
        explorer = page.locator(".nn-explorer").first
        h, v = page.evaluate("""() => { const s = document.querySelector('.nn-explorer').closest('section');
                                        const i = Reveal.getIndices(s); return [i.h, i.v || 0]; }""")
        _go(page, h, v)
        figure, readout = explorer.locator("img.nn-figure"), explorer.locator(".nn-readout")
        before_src, before_text = figure.get_attribute("src"), readout.inner_text()
        # lesson 03's first slider (w) leaves its readout (x = -b/w at b = 0) as it is: move b there
        handle = explorer.locator(".nn-controls .noUi-handle").nth(SLIDER_TO_MOVE[lesson])
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


def test_the_teachers_view_shows_the_code(browser, decks):
    """``?code`` in the URL (or the C key) shows the code of the slides' code cells; without it only cells whose
    output is bare numbers show theirs."""
    lesson = LESSONS[0]
    server, widget_cells = decks[lesson]
    page, blocked = _offline_page(browser)
    count = """() => [...document.querySelectorAll('.reveal .jp-CodeCell .jp-Cell-inputWrapper')]
                      .filter(e => getComputedStyle(e).display !== 'none').length"""
    try:
        _open_deck(page, server, widget_cells)
        hidden_view = page.evaluate(count)
        page.keyboard.press("c")
        assert page.evaluate(count) > hidden_view, f"{lesson}: the C key showed no code"
        page.goto(server.url + "/?code", timeout=DECK_TIMEOUT_MS)
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=DECK_TIMEOUT_MS)
        shown = page.evaluate(count)
        cells = page.evaluate("document.querySelectorAll('.reveal .jp-CodeCell').length")
        assert shown == cells > hidden_view, f"{lesson}: ?code shows {shown} of {cells} code cells"
        assert not blocked
        page.screenshot(path=str(SLIDES / f"{lesson}_teachers_view.png"))
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
