"""The first screen, in a real Chromium: what `make lab` and `make teach` print and what that URL opens.

Both targets run for real (the Makefile, `make work`, JupyterLab with the course's own Jupyter settings in
tools/jupyter-config) in a throw-away copy of the course that shares this checkout's .venv, with an empty
JUPYTER_CONFIG_DIR (a learner who never ran Jupyter). The test takes the URL JupyterLab prints, as someone on a
headless or remote machine would copy it, and asserts:

- `make lab`: the URL names lesson 00 and opens it as the active document (not the Launcher), and no Jupyter
  news pop-up appears;
- a lesson run, saved, its kernel shut down and the page reloaded (a learner coming back the next day) shows its
  widgets' last pictures, never "Error displaying widget: model not found" (the course's settings save widget
  state in the notebook);
- `make teach`: JupyterLab is rooted at the repository, so solutions/ and notebooks/ are both in the file browser;
  a stored lesson opened there and not run (no kernel ever drew its widgets) shows each widget as its last picture
  under a "▶ Run this cell" note, never "model not found" (tools.build stores widgets that way);
- both load the course's stylesheet (tools/jupyter-config/custom/custom.css) from the course's own settings.

Run with `make test-browser` (sets RUN_BROWSER_TESTS=1). Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, SCREENSHOTS, free_port

from tools.build import FALLBACK

URL = re.compile(r"http://127\.0\.0\.1:\d+/\S+token=\w+")
NEWS = re.compile(r"news", re.I)
# the course's stylesheet (tools/jupyter-config/custom/custom.css: figures framed in the dark theme) is in the page
COURSE_CSS_LOADED = """() => [...document.styleSheets].some(
  s => s.href && s.href.includes('/custom/custom.css') && s.cssRules.length > 0)"""
STORED_LESSONS = ["00_start_here", "07_training"]  # the first widget a teacher meets, and the most widgets (5)


@pytest.fixture(scope="module")
def course_checkout(tmp_path_factory) -> Path:
    """A copy of what the two make targets need; .venv is this checkout's (a symlink), and the install stamp stays
    newer than requirements.txt (copies keep their times), so make installs nothing."""
    target = tmp_path_factory.mktemp("checkout")
    for name in ["tools", "notebooks", "solutions", "docs"]:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ["Makefile", "requirements.txt", "pyproject.toml"]:
        shutil.copy2(ROOT / name, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


class MakeServer:
    """`make <target>` in its own process group (make, then JupyterLab under it), stopped as a group."""

    def __init__(self, target: str, cwd: Path, log: Path, config_dir: Path):
        self.log = log
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_RUNTIME_DIR=str(config_dir / "runtime"))
        env.pop("JUPYTER_CONFIG_PATH", None)
        env.pop("MPLBACKEND", None)
        self._file = open(log, "w")  # noqa: SIM115 — closed in stop()
        self.proc = subprocess.Popen(["make", target, f"LAB_ARGS=--no-browser --port={free_port()}"], cwd=cwd,
                                     stdout=self._file, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def printed_url(self, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = URL.search(self.log.read_text())
            if found:
                return found.group(0)
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"no URL printed within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._file.close()


def _serve(target, course_checkout, tmp_path, render_every_cell=False):
    config_dir = tmp_path / "jupyter-config"
    config_dir.mkdir()
    if render_every_cell:  # no windowing, so a widget far down the notebook exists in the page
        tracker = config_dir / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
        tracker.parent.mkdir(parents=True)
        tracker.write_text('{"windowingMode": "none"}')
    return MakeServer(target, course_checkout, tmp_path / f"make-{target}.log", config_dir)


def _menu(page, menu: str, item: str) -> None:
    page.click(f"div.lm-MenuBar-itemLabel:text-is('{menu}')", timeout=10_000)
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}")).first.click(timeout=10_000)


def test_make_lab_opens_lesson_00_without_a_news_pop_up(browser, course_checkout, tmp_path):
    server = _serve("lab", course_checkout, tmp_path)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        url = server.printed_url()
        assert "/lab/tree/00_start_here.ipynb?token=" in url, f"make lab printed {url}"
        assert (course_checkout / "work" / "00_start_here.ipynb").exists(), "make lab did not run make work"
        page.goto(url, timeout=120_000)
        current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        current.first.wait_for(timeout=120_000)
        page.wait_for_function(
            """() => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current')]
                      .some(t => t.textContent.trim() === '00_start_here.ipynb')""", timeout=60_000)
        page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=60_000)
        assert page.locator(".jp-Launcher:visible").count() == 0, "the Launcher is showing"
        # the news question appears a few seconds after the page loads when it is not switched off
        page.locator("#jp-main-statusbar", has_text=re.compile(r"Idle")).wait_for(timeout=120_000)
        page.wait_for_timeout(6_000)
        toasts = page.locator(".Toastify__toast, .jp-Notification-Toast")
        texts = [toasts.nth(i).inner_text() for i in range(toasts.count())]
        assert not any(NEWS.search(t) for t in texts), f"a news pop-up is showing: {texts}"
        assert page.evaluate(COURSE_CSS_LOADED), "make lab did not load the course's custom.css (tools/jupyter-config)"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "first_screen_make_lab.png"))
    finally:
        page.close()
        server.stop()


def test_a_reopened_lesson_shows_its_widgets_last_pictures(browser, course_checkout, tmp_path):
    server = _serve("lab", course_checkout, tmp_path, render_every_cell=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    widget_errors = page.locator(".jp-OutputArea-output", has_text="Error displaying widget")
    figures = page.locator(".jp-NotebookPanel:visible .nn-explorer img.nn-figure")
    try:
        url = server.printed_url()
        page.goto(url, timeout=120_000)
        page.locator("#jp-main-statusbar", has_text=re.compile(r"Idle")).wait_for(timeout=120_000)
        _menu(page, "Run", "Run All Cells")
        figures.first.wait_for(timeout=120_000)
        page.wait_for_function("() => [...document.querySelectorAll('.nn-explorer img.nn-figure')].every(i => i.naturalWidth > 0)",
                               timeout=30_000)
        shown = figures.count()
        page.keyboard.press("Control+s")
        page.locator(".lm-TabBar-tab.lm-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=30_000)
        _menu(page, "Kernel", "Shut Down All Kernels")
        accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept, .jp-Dialog .jp-Dialog-button.jp-mod-warn")
        accept.first.click(timeout=10_000)
        page.locator(".jp-Dialog").wait_for(state="detached", timeout=10_000)

        page.goto(url, timeout=120_000)  # the next day: the page reloads, no kernel holds the widgets
        page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=120_000)
        figures.first.wait_for(timeout=60_000)
        page.wait_for_timeout(3_000)  # a model that cannot be found turns into the error message after a moment
        assert widget_errors.count() == 0, "a reopened lesson shows 'Error displaying widget'"
        assert figures.count() == shown >= 1, f"{figures.count()} of {shown} widget pictures came back"
        assert page.evaluate("() => [...document.querySelectorAll('.nn-explorer img.nn-figure')].every(i => i.naturalWidth > 100)")
        SCREENSHOTS.mkdir(exist_ok=True)
        figures.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "first_screen_reopened_lesson.png"))
    finally:
        page.close()
        server.stop()


def test_make_teach_serves_the_repository_root(browser, course_checkout, tmp_path):
    server = _serve("teach", course_checkout, tmp_path)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        url = server.printed_url()
        assert "/lab/tree/solutions?token=" in url, f"make teach printed {url}"
        page.goto(url, timeout=120_000)
        listing = page.locator(".jp-DirListing-content")
        listing.locator(".jp-DirListing-item", has_text="00_start_here.ipynb").first.wait_for(timeout=120_000)
        crumbs = page.locator(".jp-BreadCrumbs").first.inner_text()
        assert "solutions" in crumbs, f"the file browser is not in solutions/: {crumbs!r}"
        # one level up: the repository root, with notebooks/ beside solutions/
        page.locator(".jp-BreadCrumbs-home").first.click()
        for folder in ("solutions", "notebooks", "docs"):
            listing.locator(".jp-DirListing-itemText", has_text=re.compile(f"^{folder}$")).first.wait_for(timeout=30_000)
        assert page.evaluate(COURSE_CSS_LOADED), "make teach did not load the course's custom.css (tools/jupyter-config)"
    finally:
        page.close()
        server.stop()


def _stored_pictures(lesson_path: Path) -> list[int]:
    """The CSS width of every widget picture a stored lesson holds, in order."""
    nb = nbformat.read(lesson_path, as_version=4)
    return [o.metadata["image/png"]["width"] for cell in nb.cells for o in cell.get("outputs", [])
            if o.get("metadata", {}).get(FALLBACK) == "picture"]


_OUTPUT_AREAS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea')].map(area =>
    [...area.querySelectorAll(':scope > .jp-OutputArea-child .jp-OutputArea-output')].map(out => {
        const img = out.querySelector('img');
        return {text: out.innerText.trim(), img: img ? {natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                                                         complete: img.complete} : null};
    }))"""


def test_a_stored_lesson_opened_by_make_teach_shows_its_widgets_as_pictures(browser, course_checkout, tmp_path):
    server = _serve("teach", course_checkout, tmp_path, render_every_cell=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    widget_errors = page.locator(".jp-OutputArea-output", has_text=re.compile("model not found|Error displaying widget"))
    try:
        url = server.printed_url()
        for lesson in STORED_LESSONS:
            widths = _stored_pictures(course_checkout / "solutions" / f"{lesson}.ipynb")
            assert widths, f"solutions/{lesson}.ipynb stores no widget picture: run python -m tools.build --run"
            page.goto(url.replace("/lab/tree/solutions?", f"/lab/tree/solutions/{lesson}.ipynb?"), timeout=120_000)
            page.wait_for_function(
                """name => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current')]
                          .some(t => t.textContent.trim() === name)""", arg=f"{lesson}.ipynb", timeout=120_000)
            page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=60_000)
            # the kernel starts (nothing runs): a widget view would turn into the error once the widget manager is up
            page.locator("#jp-main-statusbar", has_text=re.compile(r"Idle")).wait_for(timeout=120_000)
            page.wait_for_function(f"() => ({_OUTPUT_AREAS})().flat().filter(o => o.img).every(o => o.img.complete)",
                                   timeout=30_000)
            page.wait_for_timeout(3_000)
            assert widget_errors.count() == 0, f"solutions/{lesson}.ipynb shows 'Error displaying widget'"
            shown = []  # (note, picture) pairs: the note's text and the picture right below it
            for outputs in page.evaluate(_OUTPUT_AREAS):
                for note, picture in zip(outputs, outputs[1:]):
                    if note["text"].startswith("▶ Run this cell") and picture["img"]:
                        shown.append((note["text"], picture["img"]))
            assert len(shown) == len(widths), f"{lesson}: {len(shown)} pictures under a note, {len(widths)} stored"
            for (text, img), width in zip(shown, widths, strict=True):
                assert "Shift+Enter" in text and "still picture" in text, text
                assert img["natural"] == 2 * width, f"{lesson}: a {img['natural']} px picture for {width} CSS px"
                assert 0.5 * width <= img["shown"] <= width + 1, f"{lesson}: shown {img['shown']} px wide, not {width}"
            SCREENSHOTS.mkdir(exist_ok=True)
            page.evaluate("""() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
                .find(o => o.innerText.trim().startsWith('▶ Run this cell')).closest('.jp-Cell').scrollIntoView()""")
            page.wait_for_timeout(500)
            page.screenshot(path=str(SCREENSHOTS / f"first_screen_teach_stored_{lesson}.png"))
    finally:
        page.close()
        server.stop()
