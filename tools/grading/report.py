"""``report.html`` (the class at a glance: what to re-teach tomorrow) and ``feedback/<learner>.html`` (one page per
learner to hand back). One file each, inline CSS, no scripts, readable offline and printable.

Mistakes are grouped by *misconception* — the checker's mistake id or its hint with the learner's own code taken
out — and ranked by how many learners made it, with the lesson section to re-explain and one example. Every text a
learner could have written (names, file names, hints that quote their code or errors) is shortened and
HTML-escaped. Hints are printed in the page, never hidden in a tooltip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from tools.grading.collect import natural_key
from tools.grading.model import (
    EXERCISE_STATUSES,
    MISTAKE,
    NOT_ATTEMPTED,
    NOT_GRADED,
    PASSED,
    ClassGrades,
    Row,
)

CSS = """
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 1.2rem auto;
       max-width: 1240px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; } .small { font-size: .85rem; color: #57606a; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .8rem; border-radius: 6px; }
.danger { background: #ffebe9; border: 2px solid #cf222e; padding: .6rem .8rem; border-radius: 6px; font-weight: bold; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .25rem .45rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f6f8fa; overflow-wrap: normal; hyphens: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; width: 4.5rem; }
.bar { display: block; height: .8rem; background: #2da44e; }
.barbox { display: inline-block; width: 8rem; background: #eaeef2; margin-right: .4rem; vertical-align: middle; }
.scroll { overflow: auto; max-width: 100%; max-height: 80vh; border: 1px solid #d0d7de; }
table.grid { width: auto; margin: 0; }
.grid td, .grid th { text-align: center; min-width: 1.7rem; padding: .15rem .3rem; }
.grid th.ex { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal; white-space: nowrap;
              max-height: 11rem; overflow: hidden; }
.grid .learner { position: sticky; left: 0; z-index: 1; background: #fff; text-align: left; white-space: nowrap;
                 max-width: 14rem; overflow: hidden; text-overflow: ellipsis; }
.grid thead th { position: sticky; top: 0; z-index: 2; }
.grid thead th.learner { z-index: 3; background: #f6f8fa; }
.passed { background: #dafbe1; color: #116329; } .mistake { background: #ffebe9; color: #a40e26; font-weight: bold; }
.not-attempted { background: #f6f8fa; color: #8c959f; } .not-graded { background: #fff1e5; color: #953800; font-weight: bold; }
.flag { color: #cf222e; font-weight: bold; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .3rem; border: 1px solid #d0d7de; }
ul.hints { margin: .2rem 0 .8rem; padding-left: 1.2rem; }
@media print { .scroll { overflow: visible; max-height: none; border: 0; } body { max-width: none; }
               .grid .learner, .grid thead th { position: static; } h2 { break-after: avoid; } }
"""

SYMBOL = {PASSED: "✓", MISTAKE: "✗", NOT_ATTEMPTED: "–", NOT_GRADED: "!"}
CLASS = {PASSED: "passed", MISTAKE: "mistake", NOT_ATTEMPTED: "not-attempted", NOT_GRADED: "not-graded"}


def clip(text: object, limit: int = 240) -> str:
    """One printable line of at most ``limit`` characters, HTML-escaped (anything a learner could have written)."""
    text = "".join(c if c.isprintable() else " " for c in str(text or ""))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def _exercise_order(rows: list[Row]) -> list[tuple[str, str]]:
    """(lesson, exercise) in lesson order, exercises in notebook order (rows arrive in that order per notebook)."""
    seen: dict[tuple[str, str], None] = {}
    for row in sorted((r for r in rows if r.exercise), key=lambda r: r.lesson):
        seen.setdefault((row.lesson, row.exercise), None)
    return list(seen)


def learners_of(grades: ClassGrades) -> list[str]:
    names = {r.learner for r in grades.rows if r.learner}
    return sorted(names, key=natural_key)


def misconceptions(rows: list[Row]) -> list[dict]:
    """Mistakes grouped by (lesson, exercise, topic), most learners first."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        if r.kind == MISTAKE and r.exercise:
            groups[(r.lesson, r.exercise, r.topic or r.hint)].append(r)
    out = []
    for (lesson, exercise, topic), members in groups.items():
        learners = sorted({m.learner for m in members}, key=natural_key)
        example = members[0]
        section = next((m.section for m in members if m.section), "")
        out.append({"lesson": lesson, "exercise": exercise, "topic": topic, "learners": learners,
                    "section": section, "example": example.hint, "example_line": example.example})
    out.sort(key=lambda g: (-len(g["learners"]), g["lesson"], g["exercise"], g["topic"]))
    return out


def needs_help(grades: ClassGrades) -> list[tuple[str, int, int, int, list[str]]]:
    """(learner, mistakes, not attempted, not graded, first failing exercises), the most in need first."""
    out = []
    for learner in learners_of(grades):
        mine = [r for r in grades.rows if r.learner == learner and r.exercise]
        if not mine:
            continue
        kinds = Counter(r.kind for r in mine)
        failing = [f"{r.lesson[:2]} {r.exercise}" for r in mine if r.kind in (MISTAKE, NOT_GRADED)]
        if kinds[MISTAKE] + kinds[NOT_ATTEMPTED] + kinds[NOT_GRADED] == 0:
            continue
        out.append((learner, kinds[MISTAKE], kinds[NOT_ATTEMPTED], kinds[NOT_GRADED], failing))
    out.sort(key=lambda t: (-(t[1] + t[3]), -t[2], natural_key(t[0])))
    return out


def _names(learners: list[str], most: int = 12) -> str:
    """A short list of names, each shortened: "ada, bob, … and 7 more"."""
    shown = ", ".join(clip(name, 24) for name in learners[:most])
    return shown + (f" and {len(learners) - most} more" if len(learners) > most else "")


def _isolation(grades: ClassGrades) -> str:
    if not grades.sandboxed:
        return f'<p class="danger">⚠ {escape(grades.isolation)}.</p>'
    return f'<p class="meta">Isolation: {escape(grades.isolation)}.</p>'


def render(grades: ClassGrades) -> str:
    rows = grades.rows
    graded = [r for r in rows if r.exercise]
    learners = learners_of(grades)
    exercises = _exercise_order(rows)
    by_cell = {(r.learner, r.lesson, r.exercise): r for r in graded}
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Class report</title>", f"<style>{CSS}</style></head><body>", "<h1>Class report</h1>",
           _isolation(grades)]
    n_passed = sum(r.passed for r in graded)
    cpu = [g.cpu_seconds for g in grades.notebooks if g.cpu_seconds is not None]
    limits = grades.limits
    out.append(f'<p class="meta">{len(learners)} learners, {len(grades.notebooks)} notebooks, {len(graded)} exercises '
               f"graded, {n_passed} passed ({_percent(n_passed, len(graded))}); {len(grades.skipped)} files not graded "
               f"(reasons below). Layout: {escape(grades.layout)}. Graded {dt.datetime.now():%Y-%m-%d %H:%M} in "
               f"{grades.seconds:.0f} s, {grades.jobs} at a time"
               + (f", {sum(cpu) / len(cpu):.1f} CPU-s per notebook" if cpu else "")
               + (f". Limits per notebook: {escape(limits.seconds_text)}, {escape(limits.memory_text)}." if limits else ".")
               + "</p>")
    weak = sorted({r.exercise for r in graded if r.judged_by.startswith("kernel")})
    if weak:
        out.append('<p class="warn">Judged the weaker way (from the notebook\'s own check cell, which a notebook '
                   "could forge, because their arguments cannot travel as plain data): "
                   + escape(", ".join(weak)) + ". Every other exercise was judged outside the sandbox.</p>")

    # what to re-teach
    groups = misconceptions(graded)
    out.append("<h2>What to re-explain tomorrow</h2>")
    if groups:
        out.append('<p class="small">Mistakes grouped by misconception (what the checker diagnosed, not each '
                   "learner's code), most learners first.</p><table><colgroup><col style='width:6%'>"
                   "<col style='width:14%'><col style='width:36%'><col style='width:29%'><col style='width:15%'>"
                   "</colgroup><tr><th>learners</th><th>exercise</th><th>misconception (the checker's hint) · "
                   "section to re-explain</th><th>one example (what the checker printed)</th><th>who</th></tr>")
        for g in groups[:40]:
            section = f"<br><span class='small'>re-explain: {clip(g['section'], 120)}</span>" if g["section"] else ""
            out.append(f"<tr><td class='num'>{len(g['learners'])}</td><td>{clip(g['lesson'], 40)} · "
                       f"{clip(g['exercise'], 40)}</td><td>{clip(g['example'], 200)}{section}</td>"
                       f"<td class='small'>{clip(g['example_line'] or g['example'], 220)}</td>"
                       f"<td>{_names(g['learners'])}</td></tr>")
        out.append("</table>")
        if len(groups) > 40:
            out.append(f"<p class='small'>… and {len(groups) - 40} rarer misconceptions (every hint is listed "
                       "under each learner below).</p>")
    elif graded:
        out.append("<p>No mistakes among the exercises that were attempted and graded.</p>")
    else:
        out.append("<p class='danger'>Nothing was graded.</p>")

    # who first
    helps = needs_help(grades)
    if helps:
        out.append("<h2>Learners who need help first</h2><table><tr><th>learner</th><th>mistakes</th>"
                   "<th>not attempted</th><th>not graded</th><th>where</th></tr>")
        for learner, mistakes, todo, lost, failing in helps[:15]:
            out.append(f"<tr><td>{clip(learner, 60)}</td><td class='num'>{mistakes}</td><td class='num'>{todo}</td>"
                       f"<td class='num'>{lost}</td><td>{clip(', '.join(failing), 200)}</td></tr>")
        out.append("</table>")

    # flags
    flagged = [(g.submission, flags) for g in grades.notebooks
               if (flags := sorted({f for r in g.rows for f in r.flags}))]
    if flagged:
        out.append("<h2>Possible forgeries</h2><p class='small'>None of these can change a grade the judge made; "
                   "talk to the learner.</p><table><tr><th>learner</th><th>lesson</th><th>what the notebook does</th></tr>")
        for sub, flags in sorted(flagged, key=lambda t: natural_key(t[0].learner)):
            out.append(f"<tr><td>{clip(sub.learner, 60)}</td><td>{clip(sub.lesson.stem, 40)}</td>"
                       f"<td class='flag'>{'<br>'.join(clip(f, 200) for f in flags)}</td></tr>")
        out.append("</table>")

    # pass rate
    out.append("<h2>Pass rate per exercise</h2><table><tr><th>lesson</th><th>exercise</th><th>passed</th>"
               "<th>mistake</th><th>not attempted</th><th>not graded</th></tr>")
    for lesson, exercise in exercises:
        kinds = Counter(r.kind for r in graded if r.lesson == lesson and r.exercise == exercise)
        total = sum(kinds.values())
        width = 8 * kinds[PASSED] / total if total else 0
        out.append(f"<tr><td>{clip(lesson, 40)}</td><td>{clip(exercise, 40)}</td><td><span class='barbox'>"
                   f"<span class='bar' style='width:{width:.2f}rem'></span></span>{kinds[PASSED]}/{total} "
                   f"({_percent(kinds[PASSED], total)})</td><td class='num'>{kinds[MISTAKE]}</td>"
                   f"<td class='num'>{kinds[NOT_ATTEMPTED]}</td><td class='num'>{kinds[NOT_GRADED]}</td></tr>")
    out.append("</table>")

    stopped = [g for g in grades.notebooks if g.stopped or g.notes]
    if stopped:
        out.append("<h2>Notebooks that stopped early or hit a limit</h2><table><tr><th>learner</th><th>lesson</th>"
                   "<th>what happened</th></tr>")
        for g in stopped:
            what = "<br>".join(clip(t, 240) for t in ([g.stopped] if g.stopped else []) + g.notes)
            out.append(f"<tr><td>{clip(g.submission.learner, 60)}</td><td>{clip(g.submission.lesson.stem, 40)}</td>"
                       f"<td>{what}</td></tr>")
        out.append("</table>")

    # grid
    out.append("<h2>Learners × exercises</h2>")
    out.append('<p class="legend small">' + "".join(
        f"<span class='{CLASS[k]}'>{SYMBOL[k]}</span>{k} " for k in EXERCISE_STATUSES)
        + "· empty: lesson not handed in. The hints are listed under the table.</p>")
    lessons = list(dict.fromkeys(lesson for lesson, _ in exercises))
    out.append("<div class='scroll'><table class='grid'><thead><tr><th class='learner' rowspan='2'>learner</th>"
               "<th rowspan='2'>passed</th>" + "".join(
                   f"<th colspan='{sum(1 for lsn, _ in exercises if lsn == lesson)}'>{clip(lesson[:2], 4)}</th>"
                   for lesson in lessons) + "</tr><tr>"
               + "".join(f"<th class='ex'>{clip(exercise, 30)}</th>" for _, exercise in exercises) + "</tr></thead><tbody>")
    for learner in learners:
        mine = [r for r in graded if r.learner == learner]
        cells = []
        for lesson, exercise in exercises:
            r = by_cell.get((learner, lesson, exercise))
            cells.append("<td></td>" if r is None else
                         f"<td class='{CLASS.get(r.kind, 'not-graded')}'>{SYMBOL.get(r.kind, '!')}"
                         f"{'<span class=flag>⚑</span>' if r.flags else ''}</td>")
        score = sum(r.passed for r in mine)
        out.append(f"<tr><td class='learner'>{clip(learner, 40)}</td><td class='num'>{score}/{len(mine)}</td>"
                   f"{''.join(cells)}</tr>")
    out.append("</tbody></table></div><p class='small'>⚑: flagged (see Possible forgeries).</p>")

    # every hint, printable
    out.append("<h2>Every hint, by learner</h2>")
    for learner in learners:
        mine = [r for r in graded if r.learner == learner and r.kind != PASSED]
        if mine:
            out.append(f"<p><b>{clip(learner, 60)}</b></p><ul class='hints'>" + "".join(
                f"<li><span class='{CLASS.get(r.kind, 'not-graded')}'>{SYMBOL.get(r.kind, '!')}</span> "
                f"{clip(r.lesson[:2], 4)} {clip(r.exercise, 40)}: {clip(r.hint, 240)}</li>" for r in mine) + "</ul>")

    # files not graded
    files = [r for r in rows if not r.exercise]
    if files:
        out.append("<h2>Files not graded</h2><table><tr><th>file</th><th>status</th><th>learner</th><th>why</th></tr>")
        for r in files:
            out.append(f"<tr><td>{clip(r.file, 120)}</td><td>{clip(r.kind, 30)}</td><td>{clip(r.learner, 60)}</td>"
                       f"<td>{clip(r.hint, 240)}</td></tr>")
        out.append("</table>")
    out.append('<p class="small">Made by <code>python -m tools.grade</code>; the same rows are in grades.csv. '
               "This page names learners and quotes their work: share it with teaching staff only.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_html(grades: ClassGrades, path: Path) -> None:
    path.write_text(render(grades), encoding="utf-8")


# ------------------------------------------------------------------------------ one page per learner
def safe_name(learner: str) -> str:
    """A file name for a learner: ASCII letters, digits and dashes, plus a short hash (two learners never share)."""
    text = unicodedata.normalize("NFKD", learner)
    text = "".join(c for c in text if not unicodedata.combining(c))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "learner"
    return f"{slug}-{hashlib.sha256(learner.encode()).hexdigest()[:6]}"


def render_feedback(grades: ClassGrades, learner: str) -> str:
    mine = [r for r in grades.rows if r.learner == learner]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Feedback for {clip(learner, 60)}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>Feedback for {clip(learner, 60)}</h1>"]
    graded = [r for r in mine if r.exercise]
    passed = sum(r.passed for r in graded)
    out.append(f"<p class='meta'>{passed} of {len(graded)} exercises pass. Each line says what the checker found "
               "and where the lesson explains it.</p>")
    for lesson in sorted({r.lesson for r in graded}):
        out.append(f"<h2>{clip(lesson, 60)}</h2><table><tr><th>exercise</th><th>result</th><th>what to do</th></tr>")
        for r in (r for r in graded if r.lesson == lesson):
            todo = clip(r.hint, 400) if r.hint else "nothing: well done"
            if r.section:
                todo += f"<br><span class='small'>Read again: {clip(r.section, 160)}</span>"
            out.append(f"<tr><td>{clip(r.exercise, 40)}</td><td class='{CLASS.get(r.kind, 'not-graded')}'>"
                       f"{SYMBOL.get(r.kind, '!')} {escape(r.kind)}</td><td>{todo}</td></tr>")
        out.append("</table>")
    files = [r for r in mine if not r.exercise]
    if files:
        out.append("<h2>Files that were not graded</h2><ul>" + "".join(
            f"<li>{clip(r.file, 120)}: {clip(r.hint, 240)}</li>" for r in files) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_feedback(grades: ClassGrades, folder: Path) -> list[Path]:
    """One HTML page per learner in ``folder`` (created); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for learner in learners_of(grades):
        path = folder / f"{safe_name(learner)}.html"
        path.write_text(render_feedback(grades, learner), encoding="utf-8")
        paths.append(path)
    return paths
