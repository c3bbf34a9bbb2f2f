"""Classroom slides: which cell goes on which slide, and the Voilà deck that shows them.

``make slides LESSON=07`` serves ``solutions/07_*.ipynb`` as reveal.js slides with live widgets (Voilà,
template ``nn-slides`` in this folder). Everything the page loads comes from this Voilà server: reveal.js from
the npm package pinned in ``tools/slides/package.json`` (installed into ``.venv`` by ``--install-assets``),
the widgets and FontAwesome from Voilà itself. No CDN, so a deck works on a classroom network without internet.

Which slide a cell is on is stored in the cell's metadata (``slideshow.slide_type``), set by one rule::

    python -m tools.slides --apply solutions/*.ipynb      # write the slide types the rule gives
    python -m tools.slides --check solutions/*.ipynb      # exit 1 when a notebook's slide types differ

The rule, cell by cell from the top, on a 1280x720 slide:

0. A markdown cell with a ``#``, ``##`` or ``###`` heading below its first line is split there (``--apply``
   does it), so every heading starts a cell.
1. A markdown cell that starts with a ``#`` or ``##`` heading starts a new slide (``slide``), and so does the
   first cell that shows anything.
2. A markdown cell that starts with a ``###`` (or deeper) heading starts a sub-slide (``subslide``, press ↓),
   unless the slide so far is only a section title (``## 10. Common mistakes``) and the cell fits under it.
3. A code cell with no stored output (set-up, imports, exercise code) is ``skip``: Voilà still runs it, the
   slides hide code, so there is nothing to show.
4. Any other cell continues the current slide (``-``) while the slide's estimated height stays within
   ``BUDGET_PX``. A cell that would overflow starts a sub-slide instead; when the cell just before it is a
   short markdown cell that introduces it (not the first cell of its slide), that cell moves along.
   Heights are estimated from the text (wrapped lines at the deck's font sizes), stored images (their
   display size, at most ``FIGURE_MAX_PX`` tall) and widgets (``WIDGET_PX``: the slide CSS puts an
   Explorer's controls beside its figure; a stored lesson keeps a widget as its still picture and a note,
   ``tools.build.static_widget_outputs``, which the deck replaces by the live widget when it runs the cell).
5. A cell marked ``notes`` stays speaker notes (press ``S``); it takes no room on the slide.
6. "Common mistakes" (a ``#``/``##`` section whose heading names mistakes): the deck shows the section title with
   a short list "what learners get wrong", one line per distinct checker hint stored in the section
   (``mistakes_summary``), instead of raw checker output about functions the room never saw. Code cells whose
   outputs are all checker verdicts are ``skip``, and so is a markdown cell that only introduces or comments on
   them; demonstrations with other outputs (a diverging loss, a traceback) stay.
7. A code cell whose output is only numbers (a bare ``[[-2.5 0. 3.7]]``) means nothing with its code hidden:
   the deck shows its code above the output when it has at most ``BARE_CODE_MAX_LINES`` lines, otherwise the cell
   is ``skip``.

The deck itself (``deck_notebook``, run by Voilà's prelaunch hook, see ``serve.py``) writes the summaries, marks
the cells whose code is shown, and first runs ``SLIDE_STYLE_SOURCE``: figures drawn for a projector (tick labels
``SLIDE_TICK_PT`` pt, at least 16 px). Code is hidden; the teacher's view (``?code`` in the URL or the ``C`` key)
shows every code cell. Navigation is linear: → and Space visit every slide and sub-slide in order.

A single cell taller than a slide cannot be fixed by metadata: ``--check`` and ``--apply`` print a warning
naming it (split the cell, or shorten its output); until then the deck shrinks that one slide to fit. The
browser test (tests/browser/test_slides.py) measures every slide of lessons 01 and 07 in Chromium at 1280x720.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.build import FALLBACK, shows_widget

HERE = Path(__file__).resolve().parent
TEMPLATE = "nn-slides"
JUPYTER_ROOT = HERE / "jupyter"  # a Jupyter data directory holding voila/templates/nn-slides
PACKAGE_FILES = ("package.json", "package-lock.json")

# --- the slide, in CSS pixels (keep in step with jupyter/voila/templates/nn-slides/static/nn-slides.css)
SLIDE_W, SLIDE_H = 1280, 720
PAD_X, PAD_Y = 36, 14
BUDGET_PX = SLIDE_H - 2 * PAD_Y - 20  # what the cells of one slide may fill, with a little room to spare
TEXT_W = SLIDE_W - 2 * PAD_X
LINE_PX = 30  # 22 px text, line-height 1.35
CHAR_PX = 12.0  # average width of a character of 22 px text (a little wide, to be safe)
CODE_LINE_PX = 22  # 17 px monospace, line-height 1.3
CODE_CHAR_PX = 10.3
HEADING_PX = {1: 69, 2: 60, 3: 50, 4: 46}  # font size * 1.15 + margins
BLOCK_GAP_PX = 10  # margin below a paragraph or list
CELL_GAP_PX = 2
OUTPUT_GAP_PX = 8
TABLE_ROW_PX = 34
HTML_LINE_PX = 32  # an HTML output (a checker's verdict): 22 px text, line-height 1.45
MATH_ROW_PX, MATH_GAP_PX = 50, 36  # a $$ display formula
FIGURE_MAX_PX = 460
IMAGE_GAP_PX = 4
WIDGET_PX = 412  # an Explorer: its figure (at most 400 px tall on a slide) beside its controls and readout
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
BARE_CODE_MAX_LINES = 8  # a bare-number output shows its code on the slide when the code is this short
CODE_BLOCK_PAD_PX = 12  # padding and margin of a shown code cell
MISTAKES_TITLE = "What learners get wrong"

# Figures on a slide are drawn with bigger text than in JupyterLab: at the course's 100 dpi a 12 pt tick label is
# 16.7 CSS px, before the deck grows the figure to the slide's free width (nn-slides.js). Figure sizes (inches)
# stay the lesson's, so the heights the rule estimates from stored outputs still hold.
SLIDE_TICK_PT = 12
SLIDE_STYLE = {"font.size": 12, "axes.titlesize": 14, "axes.labelsize": 13, "xtick.labelsize": SLIDE_TICK_PT,
               "ytick.labelsize": SLIDE_TICK_PT, "legend.fontsize": 12, "figure.titlesize": 15}
SLIDE_STYLE_SOURCE = (
    "# the slides' projector style (tools.slides): bigger text in every figure drawn from here on\n"
    "from utils import style as _slide_style\n\n"
    f"_slide_style.COURSE_STYLE.update({SLIDE_STYLE!r})\n"
    "_slide_style.use_course_style()\n"
)


# ----------------------------------------------------------------------------------------------- the rule
def heading_level(cell) -> int:
    """The level of the heading a markdown cell starts with (``## x`` -> 2), 0 when it starts with text."""
    if cell.get("cell_type") != "markdown":
        return 0
    for line in _source(cell).splitlines():
        if line.strip():
            match = re.match(r"^(#{1,6})\s", line.lstrip())
            return len(match.group(1)) if match else 0
    return 0


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _wrapped_lines(text: str, width_px: float, char_px: float) -> int:
    """How many lines ``text`` takes when wrapped into ``width_px`` (at least 1)."""
    per_line = max(1, int(width_px / char_px))
    return max(1, -(-len(text) // per_line))


def _plain(markdown: str) -> str:
    """The visible characters of a line of markdown (links, emphasis and code marks removed)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]|</?[a-zA-Z][^>]*>", "", text).strip()


def _text_height(text: str, width_px: float) -> int:
    """Wrapped lines of prose, one more line for each line holding a built-up fraction (``\\frac``)."""
    lines = _wrapped_lines(_plain(text), width_px, CHAR_PX)
    return (lines + len(re.findall(r"\\d?frac", text))) * LINE_PX


def markdown_height(source: str) -> int:
    """Estimated height in CSS px of a markdown cell rendered on a slide."""
    height, lines, i = 0, source.splitlines(), 0
    paragraph: list[str] = []
    trailing = 0  # the margin below the last block (a paragraph's, not a heading's), which the cell does not show

    def flush() -> int:
        nonlocal trailing
        if not paragraph:
            return 0
        text = " ".join(paragraph)
        paragraph.clear()
        trailing = BLOCK_GAP_PX
        return _text_height(text, TEXT_W) + BLOCK_GAP_PX

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("$$"):
            height += flush()
            formula = stripped[2:]
            while not formula.rstrip().endswith("$$") and i + 1 < len(lines):
                i += 1
                formula += "\n" + lines[i].strip()
            height += (1 + formula.count("\\\\")) * MATH_ROW_PX + MATH_GAP_PX
            trailing = 0
        elif stripped.startswith("```"):
            height += flush()
            i += 1
            code = []
            while i < len(lines) and not lines[i].strip().startswith("```"):
                code.append(lines[i])
                i += 1
            height += sum(_wrapped_lines(c, TEXT_W - 16, CODE_CHAR_PX) for c in code) * CODE_LINE_PX + 8 + BLOCK_GAP_PX
            trailing = BLOCK_GAP_PX
        elif not stripped:
            height += flush()
        elif re.match(r"^#{1,6}\s", stripped):
            height += flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            heading = _plain(stripped.lstrip("#"))
            size = HEADING_PX.get(level, HEADING_PX[4])
            height += size + (_wrapped_lines(heading, TEXT_W, CHAR_PX * size / 40) - 1) * int(size * 0.7)
            trailing = 0
        elif stripped.startswith("|"):
            height += flush()
            rows = 0
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = lines[i].strip()
                if not re.match(r"^\|[\s:|-]+\|?$", row):
                    # a long row wraps inside its cells: 20 px text, about 11 px a character
                    rows += _wrapped_lines(_plain(row.replace("|", " ")), TEXT_W - 20 * row.count("|"), 11.0)
                i += 1
            height += rows * TABLE_ROW_PX + BLOCK_GAP_PX
            trailing = BLOCK_GAP_PX
            continue
        elif re.match(r"^([-*+]|\d+[.)])\s", stripped):
            height += flush()
            items = []
            while i < len(lines) and lines[i].strip():
                item = lines[i].strip()
                if re.match(r"^([-*+]|\d+[.)])\s", item) or not items:
                    items.append(re.sub(r"^([-*+]|\d+[.)])\s", "", item))
                else:
                    items[-1] += " " + item
                i += 1
            height += sum(_text_height(it, TEXT_W - 31) + 3 for it in items)
            height += BLOCK_GAP_PX
            trailing = BLOCK_GAP_PX
            continue
        else:
            paragraph.append(stripped)
        i += 1
    height += flush()
    return height - trailing


def _visible_lines(text: str) -> list[str]:
    """The lines a terminal or Jupyter shows for ``text``: a carriage return overwrites its line."""
    return [line.rsplit("\r", 1)[-1] for line in text.rstrip("\n").split("\n")]


def _html_height(html: str) -> int:
    """Rows of a table, or the wrapped lines of each block (div, p, li, br) of an HTML output."""
    rows = len(re.findall(r"<tr[\s>]", html))
    if rows:
        return rows * TABLE_ROW_PX
    blocks = re.split(r"<br\s*/?>|</(?:div|p|li|h\d|pre)>", html)
    texts = [_plain(re.sub(r"&[#\w]+;", "x", block)) for block in blocks]
    return sum(_wrapped_lines(t, TEXT_W - 36, CHAR_PX) * HTML_LINE_PX for t in texts if t)


def _png_size(data: str) -> tuple[int, int]:
    text = data if isinstance(data, str) else "".join(data)
    raw = base64.b64decode("".join(text[:100].split())[:64])
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return struct.unpack(">II", raw[16:24])


def output_height(output) -> int:
    """Estimated height in CSS px of one stored output on a slide."""
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        lines = _visible_lines(text)
        return sum(_wrapped_lines(line, TEXT_W - 16, CODE_CHAR_PX) for line in lines) * CODE_LINE_PX + OUTPUT_GAP_PX + 8
    if kind == "error":  # the traceback, as the slides show it (colour codes removed)
        text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.get("traceback", [])))
        return sum(_wrapped_lines(line, TEXT_W - 16, CODE_CHAR_PX) for line in text.split("\n")) * CODE_LINE_PX + OUTPUT_GAP_PX + 8
    data = output.get("data", {})
    if shows_widget(output):  # a widget view, or the still picture a stored lesson keeps of it
        return WIDGET_PX + OUTPUT_GAP_PX
    if output.get("metadata", {}).get(FALLBACK) == "note":  # the deck runs the cell: the live widget stands there
        return 0
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            meta = output.get("metadata", {}).get(mime, {})
            width, height = meta.get("width"), meta.get("height")
            if not (width and height):
                width, height = _png_size(data[mime]) if mime == "image/png" else (TEXT_W, FIGURE_MAX_PX)
            if not (width and height):
                return FIGURE_MAX_PX + OUTPUT_GAP_PX
            scale = min(1.0, FIGURE_MAX_PX / height, TEXT_W / width)
            return round(height * scale) + OUTPUT_GAP_PX + IMAGE_GAP_PX
    if "text/html" in data:
        html = data["text/html"]
        html = "".join(html) if isinstance(html, list) else html
        return _html_height(html) + OUTPUT_GAP_PX
    if "text/markdown" in data:
        md = data["text/markdown"]
        return markdown_height("".join(md) if isinstance(md, list) else md) + OUTPUT_GAP_PX
    if "text/plain" in data:
        text = data["text/plain"]
        text = "".join(text) if isinstance(text, list) else text
        return sum(_wrapped_lines(line, TEXT_W - 16, CODE_CHAR_PX) for line in text.split("\n")) * CODE_LINE_PX + OUTPUT_GAP_PX
    return 0


def cell_height(cell) -> int:
    """Estimated height in CSS px of a cell on a slide (code is hidden: only its outputs count)."""
    if cell.get("cell_type") == "markdown":
        return markdown_height(_source(cell)) + CELL_GAP_PX
    if cell.get("cell_type") == "code":
        return sum(output_height(o) for o in merged_streams(cell.get("outputs", []))) + CELL_GAP_PX
    return 0


def merged_streams(outputs: list) -> list:
    """The outputs as Jupyter shows them: consecutive stream outputs of one stream (stdout, stderr) are one."""
    merged: list = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            text = output.get("text", "")
            merged[-1] = {**merged[-1], "text": _joined(merged[-1].get("text", "")) + _joined(text)}
        else:
            merged.append(output)
    return merged


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else text


def _title_only(cells, members: list[int]) -> bool:
    """True when the current slide holds just a section heading (``## 10. Common mistakes``) and nothing else."""
    return (len(members) == 1 and heading_level(cells[members[0]]) in (1, 2)
            and len([line for line in _source(cells[members[0]]).splitlines() if line.strip()]) == 1)


def _has_visible_output(cell) -> bool:
    return any(output_height(o) > 0 for o in cell.get("outputs", []))


def is_checker_output(output) -> bool:
    """True for an output drawn by a course checker (its HTML carries the ``nnfs-check`` class)."""
    html = output.get("data", {}).get("text/html", "")
    return "nnfs-check" in (html if isinstance(html, str) else "".join(html))


def _checker_only(cell) -> bool:
    """A code cell whose visible outputs are all checker verdicts (at least one)."""
    outputs = [o for o in cell.get("outputs", []) if output_height(o) > 0]
    return cell.get("cell_type") == "code" and bool(outputs) and all(is_checker_output(o) for o in outputs)


_LETTER = re.compile(r"[^\W\d_]")


def bare_output(cell) -> bool:
    """True for a code cell whose visible output is only numbers (no letter but ``1e-05``, ``nan``): ``4.8``,
    ``[[-2.5  0.   3.7]]``. With the code hidden such an output tells the room nothing."""
    if cell.get("cell_type") != "code":
        return False
    texts = []
    for output in cell.get("outputs", []):
        if output_height(output) <= 0:
            continue
        if output.get("output_type") == "stream":
            texts.append(_joined(output.get("text", "")))
        elif output.get("output_type") == "execute_result" and set(output.get("data", {})) == {"text/plain"}:
            texts.append(_joined(output["data"]["text/plain"]))
        else:
            return False
    text = re.sub(r"array|nan|inf|(?<=\d)[eE](?=[+-]?\d)", "", "\n".join(texts))
    return bool(text.strip()) and not _LETTER.search(text)


def _code_lines(cell) -> int:
    return len(_source(cell).rstrip().splitlines())


def mistakes_sections(cells) -> dict[int, list[int]]:
    """``{heading cell: cells of its section}`` for every ``#``/``##`` section whose title names mistakes."""
    sections: dict[int, list[int]] = {}
    current = None
    for index, cell in enumerate(cells):
        level = heading_level(cell)
        if 1 <= level <= 2:
            title = _source(cell).strip().splitlines()[0].lower()
            current = index if "mistake" in title else None
            if current is not None:
                sections[current] = []
        elif current is not None:
            sections[current].append(index)
    return sections


_HINT = re.compile(r"<b[^>]*>✗\s*(\w+)</b>.*?<b[^>]*>Hint:</b>(.*?)</div>", re.S)  # the checker's HTML (utils.checks.result)


def _short_hint(hint: str) -> str:
    """The mistake itself, not the whole fix: the hint up to its first ``: ``, ``; ``, `` — `` or ``. `` outside
    brackets (when that part says something), without a trailing ``(lesson 07, §1)``."""
    hint = re.sub(r"\s*\(lesson \d+[^)]*\)\s*$", "", " ".join(hint.split()))
    depth = 0
    for position, char in enumerate(hint):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth == 0 and position >= 12 and hint.startswith((": ", "; ", " — ", ". "), position):
            return hint[:position]
    return hint


def mistakes_summary(cells, members: list[int]) -> list[str]:
    """One markdown list item per distinct mistake a checker named in the section's stored outputs:
    ``**softmax**: softmax summed over the whole array``."""
    import html as html_module

    items: list[str] = []
    for index in members:
        for output in cells[index].get("outputs", []):
            if not is_checker_output(output):
                continue
            found = _HINT.search(_joined(output["data"]["text/html"]))
            if not found:
                continue
            name = found.group(1).removeprefix("check_").replace("_", " ")
            text = _short_hint(re.sub(r"<[^>]+>", "", html_module.unescape(found.group(2))))
            item = f"**{name}**: {text}"
            if item not in items:
                items.append(item)
    return items


def mistakes_markdown(heading_cell, items: list[str]) -> str:
    """The deck's source for a mistakes section's heading cell: its title line, then the list."""
    title = _source(heading_cell).strip().splitlines()[0]
    if not items:
        return _source(heading_cell)
    return f"{title}\n\n**{MISTAKES_TITLE}:**\n\n" + "\n".join(f"- {item}" for item in items)


def _mistakes_roles(cells) -> dict[int, str]:
    """Rule 6: ``{cell: "summary" | "skip"}`` for the cells of every mistakes section."""
    roles: dict[int, str] = {}
    for heading, members in mistakes_sections(cells).items():
        if not mistakes_summary(cells, members):
            continue
        roles[heading] = "summary"
        previous_checker = False  # the last visible code cell of the section was checker-only
        for position, index in enumerate(members):
            cell = cells[index]
            if cell.get("cell_type") == "code":
                if _has_visible_output(cell):
                    previous_checker = _checker_only(cell)
                    if previous_checker:
                        roles[index] = "skip"
                continue
            if cell.get("cell_type") != "markdown":
                continue
            group = []
            for later in members[position + 1:]:
                if cells[later].get("cell_type") == "markdown":
                    break
                if cells[later].get("cell_type") == "code" and _has_visible_output(cells[later]):
                    group.append(cells[later])
            if (group and all(_checker_only(c) for c in group)) or (not group and previous_checker):
                roles[index] = "skip"
    return roles


def deck_height(cells, index: int, roles: dict[int, str] | None = None) -> int:
    """Estimated height of cell ``index`` as the deck shows it (rules 6 and 7)."""
    roles = _mistakes_roles(cells) if roles is None else roles
    cell = cells[index]
    if roles.get(index) == "summary":
        members = mistakes_sections(cells)[index]
        return markdown_height(mistakes_markdown(cell, mistakes_summary(cells, members))) + CELL_GAP_PX
    height = cell_height(cell)
    if bare_output(cell):
        height += _code_lines(cell) * CODE_LINE_PX + CODE_BLOCK_PAD_PX
    return height


@dataclass
class Layout:
    """The rule's answer for one notebook: a slide type per cell, the estimated height of each (sub)slide,
    and warnings about cells that no slide type can make fit."""

    slide_types: list[str]
    slide_heights: list[int]
    warnings: list[str]


def layout(nb) -> Layout:
    """Apply the rule (module docstring) to a notebook (nbformat node or dict with ``cells``)."""
    cells = nb["cells"]
    types: list[str] = []
    heights: list[int] = [0]  # estimated height of each (sub)slide, the current one last
    members: list[int] = []  # indices of the visible cells on the current (sub)slide
    warnings: list[str] = []

    def start(kind: str, index: int, height: int) -> None:
        types[index] = kind
        heights.append(height)
        members[:] = [index]

    roles = _mistakes_roles(cells)
    for index, cell in enumerate(cells):
        stored = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        level, height = heading_level(cell), deck_height(cells, index, roles)
        types.append("-")
        if stored == "notes":
            types[index] = "notes"
            continue
        if cell.get("cell_type") == "code" and not _has_visible_output(cell):
            types[index] = "skip"
            continue
        if cell.get("cell_type") == "raw" or roles.get(index) == "skip":
            types[index] = "skip"
            continue
        if bare_output(cell) and _code_lines(cell) > BARE_CODE_MAX_LINES:
            types[index] = "skip"
            continue
        if height > BUDGET_PX:
            warnings.append(f"cell {index}: about {height} px tall, more than a slide ({BUDGET_PX} px): split the cell "
                            "or shorten its output")
        if 1 <= level <= 2 or not members:
            start("slide", index, height)
        elif level >= 3 and not (_title_only(cells, members) and heights[-1] + height <= BUDGET_PX):
            start("subslide", index, height)
        elif heights[-1] + height <= BUDGET_PX:
            heights[-1] += height
            members.append(index)
        else:
            previous = members[-1]
            intro = cells[previous]
            intro_height = deck_height(cells, previous, roles)
            if (len(members) > 1 and intro.get("cell_type") == "markdown"
                    and heading_level(intro) == 0 and intro_height + height <= BUDGET_PX):
                heights[-1] -= intro_height
                members.pop()
                start("subslide", previous, intro_height)
                heights[-1] += height
                members.append(index)
            else:
                start("subslide", index, height)
    return Layout(types, heights[1:], warnings)


def inner_headings(cell) -> list[int]:
    """Line numbers (0-based) of the ``#``-``###`` headings of a markdown cell below its first line (outside
    fenced code), where ``--apply`` splits the cell."""
    if cell.get("cell_type") != "markdown":
        return []
    found, fenced = [], False
    for number, line in enumerate(_source(cell).splitlines()):
        if line.strip().startswith("```"):
            fenced = not fenced
        elif not fenced and number > 0 and re.match(r"^#{1,3}\s", line) and "".join(
                _source(cell).splitlines()[:number]).strip():
            found.append(number)
    return found


def split_headings(nb) -> int:
    """Split every markdown cell at each heading below its first line (rule 0), in place, so that every
    heading starts a cell and so a slide. The new cells copy the cell's metadata and get ids ``<id>b``,
    ``<id>c``, ... Returns how many cells were added."""
    cells, added, taken = [], 0, {c.get("id") for c in nb["cells"]}
    for cell in nb["cells"]:
        cuts = inner_headings(cell)
        if not cuts:
            cells.append(cell)
            continue
        lines = _source(cell).splitlines(keepends=True)
        parts = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)])]
        for number, part in enumerate(parts):
            piece = copy.deepcopy(cell)
            piece["source"] = "".join(part).rstrip("\n")
            if number and cell.get("id"):
                suffix = 1
                while f"{cell['id']}{chr(ord('a') + suffix)}" in taken:
                    suffix += 1
                piece["id"] = f"{cell['id']}{chr(ord('a') + suffix)}"
                taken.add(piece["id"])
            attachments = cell.get("attachments")
            if attachments:
                piece["attachments"] = {k: v for k, v in attachments.items() if f"attachment:{k}" in piece["source"]}
            cells.append(piece)
        added += len(parts) - 1
    nb["cells"] = cells
    return added


def stored_slide_types(nb) -> list[str | None]:
    """The ``slideshow.slide_type`` of every cell as stored (None where there is none)."""
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]


def apply_layout(nb) -> tuple[int, Layout]:
    """Split cells at inner headings and write the rule's slide types into ``nb`` (in place); returns
    (cells added or changed, layout)."""
    changed = split_headings(nb)
    result = layout(nb)
    for cell, kind in zip(nb["cells"], result.slide_types):
        slideshow = cell.setdefault("metadata", {}).setdefault("slideshow", {})
        if slideshow.get("slide_type") != kind:
            slideshow["slide_type"] = kind
            changed += 1
    return changed, result


def differences(nb) -> list[str]:
    """One line per cell whose stored slide type is not the rule's."""
    result = layout(nb)
    lines = [f"cell {i}: heading {_source(c).splitlines()[n].strip()!r} inside the cell (line {n + 1}): --apply splits it there"
             for i, c in enumerate(nb["cells"]) for n in inner_headings(c)]
    return lines + [f"cell {i}: stored {have!r}, the rule gives {want!r}"
                    for i, (have, want) in enumerate(zip(stored_slide_types(nb), result.slide_types)) if have != want]


# ----------------------------------------------------------------------------------------- serving a deck
def deck_notebook(nb):
    """The notebook as the deck runs and shows it (a copy; ``nb`` is not changed): the rule's slide types,
    mistakes sections as a "what learners get wrong" list (rule 6), ``nn_slides.show_code`` on cells whose bare
    numbers need their code (rule 7), and a first ``skip`` cell that sets the projector style of the figures."""
    import nbformat

    deck = copy.deepcopy(nb)
    cells = deck["cells"]
    result, roles, sections = layout(deck), _mistakes_roles(cells), mistakes_sections(cells)
    for index, (cell, kind) in enumerate(zip(cells, result.slide_types)):
        cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind
        if roles.get(index) == "summary":
            cell["source"] = mistakes_markdown(cell, mistakes_summary(cells, sections[index]))
        if kind != "skip" and bare_output(cell):
            cell["metadata"].setdefault("nn_slides", {})["show_code"] = True
    style = nbformat.v4.new_code_cell(SLIDE_STYLE_SOURCE, id="nn-slides-style")
    style.metadata["slideshow"] = {"slide_type": "skip"}
    deck["cells"] = [style, *cells]
    return deck


def prelaunch_hook(request_handler, notebook, cwd):
    """Voilà's prelaunch hook (``VoilaConfiguration.prelaunch_hook``): serve ``deck_notebook(notebook)``."""
    return deck_notebook(notebook)


def assets_dir(prefix: str | os.PathLike | None = None) -> Path:
    """Where ``--install-assets`` puts the npm packages: inside the venv, in the nn-slides template's static
    folder of the venv's Jupyter data directory (``<prefix>/share/jupyter/voila/templates/nn-slides/static``)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "voila" / "templates" / TEMPLATE / "static"


def reveal_dir(prefix: str | os.PathLike | None = None) -> Path:
    return assets_dir(prefix) / "node_modules" / "reveal.js"


def install_assets(prefix: str | os.PathLike | None = None) -> Path:
    """``npm ci`` the packages pinned in tools/slides/package-lock.json into the venv (needs Node.js/npm and
    the npm registry, once; the deck then works offline). Returns the reveal.js folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: the slides need reveal.js from the npm registry, installed once. "
                         "Install Node.js with npm (Debian/Ubuntu: apt-get install npm), then run "
                         "`make slides` again.")
    target = assets_dir(prefix)
    target.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        shutil.copyfile(HERE / name, target / name)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True)
    reveal = reveal_dir(prefix)
    if not (reveal / "dist" / "reveal.js").exists():
        raise SystemExit(f"npm ci finished but {reveal}/dist/reveal.js is missing")
    return reveal


def voila_command(notebook: str | os.PathLike, port: int | None = None, open_browser: bool = False,
                  prefix: str | os.PathLike | None = None) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve ``notebook`` as the course's slides on 127.0.0.1."""
    if not (reveal_dir(prefix) / "dist" / "reveal.js").exists():
        raise SystemExit(f"reveal.js is not installed in {reveal_dir(prefix)}: run "
                         "`python -m tools.slides --install-assets` once (with internet), or `make slides`.")
    env = dict(os.environ)
    # the deck appears after the notebook has run, so a progress bar would only show its end (or, drawn with
    # carriage returns, every step on its own line): no progress bars on slides
    env["TQDM_DISABLE"] = "1"
    env["JUPYTER_PATH"] = os.pathsep.join([str(JUPYTER_ROOT), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    # code is sent but hidden by the slide CSS, so the teacher's view (?code, or the C key) can show it;
    # tools.slides.serve is Voilà with the deck's prelaunch hook (deck_notebook)
    argv = [sys.executable, "-m", "tools.slides.serve", str(notebook), f"--template={TEMPLATE}",
            "--strip_sources=False", "--Voila.ip=127.0.0.1"]
    if port is not None:
        argv.append(f"--port={port}")
    if not open_browser:
        argv.append("--no-browser")
    return argv, env


# ---------------------------------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> int:
    import argparse

    import nbformat

    parser = argparse.ArgumentParser(prog="python -m tools.slides", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="The rule:\n\n" + __doc__.split("The rule, ")[1].split("\n\n", 1)[1])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--apply", action="store_true", help="write the rule's slide types into the notebooks")
    mode.add_argument("--check", action="store_true", help="exit 1 when a notebook's slide types are not the rule's")
    mode.add_argument("--serve", action="store_true", help="serve one notebook as slides (Voilà, 127.0.0.1)")
    mode.add_argument("--install-assets", action="store_true", help="npm ci reveal.js into the venv (once, online)")
    parser.add_argument("--port", type=int, default=None, help="port for --serve (default: Voilà's, 8866)")
    parser.add_argument("--no-browser", action="store_true", help="--serve without opening a browser tab")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)

    if args.install_assets:
        print(f"reveal.js installed in {install_assets()}")
        return 0
    if not args.notebooks:
        parser.error("name at least one notebook")
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    if args.serve:
        if len(args.notebooks) != 1:
            parser.error(f"--serve takes one notebook, got {len(args.notebooks)}")
        command, env = voila_command(args.notebooks[0], port=args.port, open_browser=not args.no_browser)
        os.execvpe(command[0], command, env)

    status = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.apply:
            changed, result = apply_layout(nb)
            if changed:
                nbformat.write(nb, path)
            print(f"{path}: {changed} cell(s) changed, {len(result.slide_heights)} slides, tallest about "
                  f"{max(result.slide_heights, default=0)} px")
        else:
            result = layout(nb)
            diffs = differences(nb)
            if diffs:
                status = 1
                print(f"{path}: slide types differ from the rule ({len(diffs)} cells); run "
                      f"`python -m tools.slides --apply {path}`")
                for line in diffs:
                    print("  " + line)
            else:
                print(f"{path}: slide types follow the rule ({len(result.slide_heights)} slides)")
        for warning in result.warnings:
            print(f"  warning: {warning}")
    return status
