"""tools.slides: the slide-layout rule, the --apply/--check tool, and the offline Voilà template.

The real deck is measured in Chromium by tests/browser/test_slides.py; these tests pin the rule itself and check
that every lesson stores the slide types the rule gives (run `python -m tools.slides --apply solutions/*.ipynb`).
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import slides

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
TEMPLATE_DIR = slides.JUPYTER_ROOT / "voila" / "templates" / slides.TEMPLATE


def _png(width: int, height: int) -> str:
    """A real (tiny-data) PNG header of the given size, base64 as nbformat stores it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return base64.b64encode(raw + chunk(b"IEND", b"")).decode()


def _stream(text: str):
    return new_output("stream", name="stdout", text=text)


def _image(width: int, height: int, meta: dict | None = None):
    return new_output("display_data", data={"image/png": _png(width, height), "text/plain": "<Figure>"},
                      metadata={"image/png": meta} if meta else {})


def _widget():
    return new_output("execute_result", data={slides.WIDGET_MIME: {"model_id": "x", "version_major": 2,
                                                                    "version_minor": 0}, "text/plain": "Explorer()"})


def _code(*outputs):
    cell = new_code_cell("pass")
    cell.outputs = list(outputs)
    return cell


def _types(cells) -> list[str]:
    return slides.layout(new_notebook(cells=cells)).slide_types


# ------------------------------------------------------------------------------------------------ the rule
def test_headings_start_slides_and_subslides_and_empty_code_is_skipped():
    cells = [new_markdown_cell("# Lesson 99\n\nIntro."), _code(), new_markdown_cell("## 1. Idea\n\ntext"),
             _code(_stream("2.3\n")), new_markdown_cell("### A detail\n\nmore"), new_markdown_cell("plain text"),
             _code(_stream(""))]
    assert _types(cells) == ["slide", "skip", "slide", "-", "subslide", "-", "-"]


def test_a_subsection_shares_the_slide_of_a_bare_section_title():
    cells = [new_markdown_cell("## 10. Common mistakes"), new_markdown_cell("### First\n\ntext"),
             new_markdown_cell("### Second\n\ntext")]
    assert _types(cells) == ["slide", "-", "subslide"]


def test_the_first_visible_cell_starts_a_slide_even_without_a_heading():
    assert _types([_code(), new_markdown_cell("Welcome"), _code(_stream("hi\n"))]) == ["skip", "slide", "-"]


def test_notes_stay_notes_and_take_no_room():
    notes = new_markdown_cell("what to say")
    notes.metadata["slideshow"] = {"slide_type": "notes"}
    assert _types([new_markdown_cell("## A"), notes, _code(_stream("x\n"))]) == ["slide", "notes", "-"]


def test_a_cell_that_would_overflow_starts_a_subslide_and_takes_its_introduction_along():
    tall = _image(800, 400)  # 400 px: a heading, a paragraph and two such figures cannot share a 720 px slide
    cells = [new_markdown_cell("## Figures"), _code(tall), new_markdown_cell("The next figure shows the loss."),
             _code(_image(800, 400))]
    result = slides.layout(new_notebook(cells=cells))
    assert result.slide_types == ["slide", "-", "subslide", "-"]  # the sentence moved with its figure
    assert all(h <= slides.BUDGET_PX for h in result.slide_heights)


def test_without_an_introduction_the_overflowing_cell_itself_starts_the_subslide():
    cells = [new_markdown_cell("## Figures"), _code(_image(800, 400)), _code(_image(800, 400))]
    assert _types(cells) == ["slide", "-", "subslide"]


def test_widgets_get_room_for_their_compact_layout():
    cells = [new_markdown_cell("## Explore\n\nMove the sliders."), _code(_widget()), _code(_widget())]
    assert _types(cells) == ["slide", "-", "subslide"]
    assert slides.output_height(_widget()) >= slides.WIDGET_PX


def test_a_stored_widget_picture_counts_as_the_widget_the_deck_runs():
    """A stored lesson keeps a widget as a note and its still picture (tools.build.static_widget_outputs); the deck
    runs the cell and shows the live widget there, so the rule gives both the room of a widget, not of a figure."""
    from tools.build import FALLBACK

    note = new_output("display_data", data={"text/markdown": "▶ **Run this cell**", "text/plain": "▶ Run this cell"},
                      metadata={FALLBACK: "note"})
    picture = _image(1000, 480, {"width": 500, "height": 240})
    picture.metadata[FALLBACK] = "picture"
    assert slides.output_height(note) + slides.output_height(picture) == slides.output_height(_widget())
    cells = [new_markdown_cell("## Explore\n\nMove the sliders."), _code(note, picture), _code(_widget())]
    assert _types(cells) == ["slide", "-", "subslide"]


def test_a_cell_taller_than_a_slide_is_reported():
    result = slides.layout(new_notebook(cells=[new_markdown_cell("## Long"), _code(_stream("line\n" * 60))]))
    assert len(result.warnings) == 1 and "cell 1" in result.warnings[0] and "split the cell" in result.warnings[0]


def _verdict(check: str, hint: str):
    html = (f'<div class="nnfs-check nnfs-check-fail"><div style="color:#c0262d"><b>✗ {check}</b> — case "x": wrong '
            f'values; expected [[1.0]] got [[2.0]]. <b>Hint:</b> {hint}</div><div>Why: because.</div></div>')
    return new_output("display_data", data={"text/html": html, "text/plain": f"✗ {check} Hint: {hint}"})


def _mistakes_notebook():
    return new_notebook(cells=[
        new_markdown_cell("## 1. Idea\n\ntext"), _code(_stream("the loss: 0.5\n")),
        new_markdown_cell("## 4. Common mistakes\n\nEach function below is wrong on purpose."),
        _code(_verdict("check_softmax", "softmax summed over the whole array: use axis=-1 (lesson 03, §3)"),
              _verdict("check_softmax", "softmax summed over the whole array: use axis=-1 (lesson 03, §3)"),
              _verdict("check_relu", "Python's max(0, z) compares the whole array (an array, not a number) at once; "
                                     "use np.maximum")),
        new_markdown_cell("The checker also recognises a loop over the rows."),
        new_markdown_cell("### A learning rate that is too high"), _code(_stream("diverged at epoch 3\n")),
        new_markdown_cell("## Summary\n\n- done")])


def test_a_mistakes_section_becomes_a_short_list_of_what_learners_get_wrong():
    nb = _mistakes_notebook()
    assert slides.mistakes_summary(nb.cells, slides.mistakes_sections(nb.cells)[2]) == [
        "**softmax**: softmax summed over the whole array",  # once, without the fix and the lesson reference
        "**relu**: Python's max(0, z) compares the whole array (an array, not a number) at once"]
    # the raw verdicts and the sentence about them are skipped; the demonstration with its own output stays
    assert _types(nb.cells) == ["slide", "-", "slide", "skip", "skip", "subslide", "-", "slide"]
    deck = slides.deck_notebook(nb)
    heading = deck.cells[3]
    assert heading.source.splitlines()[0] == "## 4. Common mistakes" and slides.MISTAKES_TITLE in heading.source
    assert "wrong on purpose" not in heading.source and "expected" not in heading.source
    assert nb.cells[2].source.endswith("wrong on purpose.")  # the lesson itself is not changed


def test_bare_numbers_show_their_code_and_long_code_is_skipped():
    short = new_code_cell("output = 2 * 1.15\nprint(round(output, 6))")
    short.outputs = [_stream("2.3\n")]
    long = new_code_cell("\n".join(f"x{i} = {i}" for i in range(slides.BARE_CODE_MAX_LINES + 1)) + "\nprint(x1)")
    long.outputs = [_stream("[[-2.5  0.   3.7]]\n")]
    worded = new_code_cell("print(x)")
    worded.outputs = [_stream("loss 1e-05 after 3 epochs\n")]
    assert slides.bare_output(short) and slides.bare_output(long) and not slides.bare_output(worded)
    assert slides.bare_output(_code(new_output("execute_result", data={"text/plain": "array([1., nan])"})))
    nb = new_notebook(cells=[new_markdown_cell("## A"), short, long, worded])
    assert slides.layout(nb).slide_types == ["slide", "-", "skip", "-"]
    assert slides.deck_height(nb.cells, 1) == slides.cell_height(short) + 2 * slides.CODE_LINE_PX + slides.CODE_BLOCK_PAD_PX
    deck = slides.deck_notebook(nb)
    assert deck.cells[2].metadata["nn_slides"] == {"show_code": True}
    assert "nn_slides" not in deck.cells[4].metadata


def test_the_deck_first_sets_the_projector_style_of_figures(monkeypatch):
    import matplotlib

    from utils import style as course_style

    deck = slides.deck_notebook(new_notebook(cells=[new_markdown_cell("# Hi")]))
    style = deck.cells[0]
    assert style.metadata["slideshow"]["slide_type"] == "skip" and style.source == slides.SLIDE_STYLE_SOURCE
    monkeypatch.setattr(course_style, "COURSE_STYLE", dict(course_style.COURSE_STYLE))
    with matplotlib.rc_context():
        exec(compile(style.source, "<slide style>", "exec"), {})
        # 12 pt at the course's 100 dpi: tick labels of at least 16 CSS px before the deck grows the figure
        assert matplotlib.rcParams["xtick.labelsize"] * matplotlib.rcParams["figure.dpi"] / 72 >= 16
        assert course_style.COURSE_STYLE["ytick.labelsize"] == slides.SLIDE_TICK_PT
        fig, (ax,) = course_style.new_figure(4, 3)
        assert ax.xaxis.get_ticklabels()[0].get_fontsize() == slides.SLIDE_TICK_PT  # a figure made afterwards


# ----------------------------------------------------------------------------------------- height estimates
def test_image_height_uses_the_display_size_and_the_slide_cap():
    small = slides.output_height(_image(1656, 597, {"width": 828, "height": 298}))  # 2x pixels, shown at half
    assert 298 <= small <= 298 + 20
    assert slides.output_height(_image(800, 2000)) <= slides.FIGURE_MAX_PX + 20  # capped like the slide CSS


def test_progress_bars_count_once_and_streams_merge():
    bar = [_stream(f"\rtraining: {p}%|###| {p}/100") for p in (0, 50, 100)] + [_stream("\ntrained\n")]
    merged = slides.merged_streams(bar)
    assert len(merged) == 1
    assert slides.cell_height(_code(*bar)) < slides.cell_height(_code(_stream("a\nb\nc\nd\n")))


def test_text_height_grows_with_wrapped_lines_headings_and_formulas():
    one = slides.markdown_height("A short line.")
    assert one == slides.LINE_PX
    assert slides.markdown_height("word " * 200) > 5 * slides.LINE_PX
    assert slides.markdown_height("## Title") == slides.HEADING_PX[2]
    assert slides.markdown_height("text\n\n$$x = 1$$\n\nmore") > 2 * slides.LINE_PX + slides.MATH_ROW_PX
    assert slides.markdown_height("- a\n- b\n- c") == 3 * (slides.LINE_PX + 3)


# ----------------------------------------------------------------------------------------- split / apply
def test_apply_splits_a_cell_at_an_inner_heading_keeping_ids_unique():
    cell = new_markdown_cell("Done with part 1.\n\n## 2. Next part\n\nIts text.\n\n```\n# not a heading\n```")
    cell.id = "07-04"
    nb = new_notebook(cells=[new_markdown_cell("## 1. First"), cell])
    nb.cells[0].id = "07-03"
    assert slides.inner_headings(cell) == [2]
    changed, result = slides.apply_layout(nb)
    assert [c.id for c in nb.cells] == ["07-03", "07-04", "07-04b"]
    assert nb.cells[1].source == "Done with part 1."
    assert nb.cells[2].source.startswith("## 2. Next part") and "# not a heading" in nb.cells[2].source
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == ["slide", "-", "slide"]
    assert slides.differences(nb) == []
    assert slides.apply_layout(nb)[0] == 0  # idempotent
    nbformat.validate(nb)


def test_check_and_apply_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "99_demo.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Demo"), _code(), _code(_stream("1\n"))]), path)
    assert slides.main(["--check", str(path)]) == 1
    assert "--apply" in capsys.readouterr().out
    assert slides.main(["--apply", str(path)]) == 0
    assert slides.main(["--check", str(path)]) == 0
    assert "follow the rule" in capsys.readouterr().out
    assert slides.stored_slide_types(nbformat.read(path, as_version=4)) == ["slide", "skip", "-"]


def test_command_line_errors_are_clear(tmp_path, capsys):
    with pytest.raises(SystemExit):
        slides.main(["--check", str(tmp_path / "missing.ipynb")])
    assert "no such notebook" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        slides.main(["--serve", str(ROOT / "solutions" / "01_neuron.ipynb"), str(ROOT / "solutions" / "07_training.ipynb")])
    assert "one notebook" in capsys.readouterr().err


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_stores_the_slide_types_of_the_rule(path):
    nb = nbformat.read(path, as_version=4)
    diffs = slides.differences(nb)
    assert not diffs, (f"{path.name}: slide types differ from the rule; run `python -m tools.slides --apply "
                       f"solutions/{path.name}` (then `make notebooks`):\n" + "\n".join(diffs[:10]))


# ------------------------------------------------------------------------------ the offline deck (template)
def test_template_and_assets_name_no_other_host():
    files = [p for p in TEMPLATE_DIR.rglob("*") if p.is_file() and "node_modules" not in p.parts]
    assert {p.name for p in files} >= {"conf.json", "index.html.j2", "nn-slides.css", "nn-slides.js"}
    for path in files:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text()), f"{path} names a host"
    conf = json.loads((TEMPLATE_DIR / "conf.json").read_text())
    assert conf["base_template"] == "reveal"
    assert conf["traitlet_configuration"]["resources"]["reveal"]["width"] == slides.SLIDE_W
    assert conf["traitlet_configuration"]["resources"]["reveal"]["height"] == slides.SLIDE_H


def test_reveal_is_pinned_exactly_by_the_npm_lock_file():
    package = json.loads((slides.HERE / "package.json").read_text())
    lock = json.loads((slides.HERE / "package-lock.json").read_text())
    version = package["dependencies"]["reveal.js"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin reveal.js to one version"
    assert lock["packages"]["node_modules/reveal.js"]["version"] == version
    assert lock["packages"]["node_modules/reveal.js"]["integrity"].startswith("sha512-")


def test_voila_command_serves_the_course_template_on_localhost(tmp_path):
    reveal = slides.reveal_dir(tmp_path) / "dist"
    reveal.mkdir(parents=True)
    (reveal / "reveal.js").write_text("")
    argv, env = slides.voila_command("solutions/01_neuron.ipynb", port=8999, prefix=tmp_path)
    assert argv[1:4] == ["-m", "tools.slides.serve", "solutions/01_neuron.ipynb"]
    assert "--template=nn-slides" in argv and "--Voila.ip=127.0.0.1" in argv and "--port=8999" in argv
    # code reaches the page (hidden by the slide CSS) so the teacher's view can show it
    assert "--strip_sources=False" in argv and "--no-browser" in argv
    assert env["JUPYTER_PATH"].split(":")[0] == str(slides.JUPYTER_ROOT)
    assert env["TQDM_DISABLE"] == "1"


def test_missing_assets_and_missing_npm_say_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(SystemExit, match="--install-assets"):
        slides.voila_command("x.ipynb", prefix=tmp_path)
    monkeypatch.setattr(slides.shutil, "which", lambda _name: None)
    with pytest.raises(SystemExit, match="npm not found"):
        slides.install_assets(tmp_path)


def test_the_mistakes_list_reads_what_the_checkers_really_print():
    """The deck's 'what learners get wrong' list is read from stored checker output: it must understand the HTML the
    checkers write today (utils.checks), not an older format."""
    import numpy as np

    from utils import checks

    result = checks.run_quietly(checks.check_softmax, lambda z: np.exp(z) / np.exp(z).sum())
    cell = nbformat.v4.new_code_cell("check_softmax(softmax_whole_array)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": result.html, "text/plain": result.text})]
    assert slides.is_checker_output(cell.outputs[0])
    items = slides.mistakes_summary([cell], [0])
    assert items and items[0].startswith("**softmax**: ") and "whole array" in items[0], items
