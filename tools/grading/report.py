"""``report.html``: the class at a glance for the teacher — one file, inline CSS, no scripts, readable offline.

Pass rate per exercise, the most frequent mistakes (hint → how many learners, which ones: what to re-explain
tomorrow), notebooks that could not be graded to the end, and a learner × exercise table. Everything a learner
could have written (names, hints that quote their errors) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from tools.grade import MISTAKE, NOT_ATTEMPTED, NOT_GRADED, PASSED, ClassGrades, Row

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; } .warn { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .8rem; border-radius: 6px; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left;
       vertical-align: top; } th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: block; height: .8rem; background: #2da44e; }
.barbox { display: inline-block; width: 10rem; background: #eaeef2; margin-right: .4rem; vertical-align: middle; text-align: left; }
.grid td { text-align: center; min-width: 1.6rem; padding: .15rem .3rem; }
.grid th.ex { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal; white-space: nowrap; }
.grid td.learner { text-align: left; white-space: nowrap; }
.passed { background: #dafbe1; color: #116329; } .mistake { background: #ffebe9; color: #a40e26; font-weight: bold; }
.not-attempted { background: #f6f8fa; color: #8c959f; } .not-graded { background: #fff1e5; color: #953800; font-weight: bold; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .6rem; border: 1px solid #d0d7de; }
.small { font-size: .85rem; color: #57606a; }
"""

SYMBOL = {PASSED: "✓", MISTAKE: "✗", NOT_ATTEMPTED: "–", NOT_GRADED: "!"}
CLASS = {PASSED: "passed", MISTAKE: "mistake", NOT_ATTEMPTED: "not-attempted", NOT_GRADED: "not-graded"}


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def _exercise_order(rows: list[Row]) -> list[tuple[str, str]]:
    """(lesson, exercise) in lesson order, exercises in notebook order (rows arrive in that order per notebook)."""
    seen: dict[tuple[str, str], None] = {}
    for row in sorted(rows, key=lambda r: r.lesson):
        seen.setdefault((row.lesson, row.exercise), None)
    return list(seen)


def render(grades: ClassGrades) -> str:
    rows = grades.rows
    learners = sorted({g.submission.learner for g in grades.notebooks})
    exercises = _exercise_order(rows)
    by_cell = {(r.learner, r.lesson, r.exercise): r for r in rows}
    e = escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Class report</title>", f"<style>{CSS}</style></head><body>", "<h1>Class report</h1>"]
    n_passed = sum(r.passed for r in rows)
    seconds = [g.seconds for g in grades.notebooks]
    cpu = [g.cpu_seconds for g in grades.notebooks if g.cpu_seconds is not None]
    out.append(f'<p class="meta">{len(learners)} learners, {len(grades.notebooks)} notebooks, {len(rows)} graded exercises, '
               f"{n_passed} passed ({_percent(n_passed, len(rows))}). Graded {dt.datetime.now():%Y-%m-%d %H:%M} in "
               f"{grades.seconds:.0f} s, {grades.jobs} notebooks at a time"
               + (f", {sum(seconds) / len(seconds):.1f} s per notebook on average" if seconds else "")
               + (f" ({sum(cpu) / len(cpu):.1f} CPU-seconds)" if cpu else "") + ". "
               f"Limits per notebook: {e(grades.limits.seconds_text)}, {e(grades.limits.memory_text)} of memory.</p>")
    isolation_class = "warn" if grades.isolation.startswith("NO SANDBOX") else "meta"
    out.append(f'<p class="{isolation_class}">Isolation: {e(grades.isolation)}.</p>')

    # pass rate per exercise
    out.append("<h2>Pass rate per exercise</h2><table><tr><th>lesson</th><th>exercise</th><th>passed</th>"
               "<th>mistake</th><th>not attempted</th><th>not graded</th></tr>")
    for lesson, exercise in exercises:
        kinds = Counter(r.kind for r in rows if r.lesson == lesson and r.exercise == exercise)
        total = sum(kinds.values())
        width = 10 * kinds[PASSED] / total if total else 0
        out.append(f"<tr><td>{e(lesson)}</td><td>{e(exercise)}</td><td class='num'><span class='barbox'>"
                   f"<span class='bar' style='width:{width:.2f}rem'></span></span>{kinds[PASSED]}/{total} "
                   f"({_percent(kinds[PASSED], total)})</td><td class='num'>{kinds[MISTAKE]}</td>"
                   f"<td class='num'>{kinds[NOT_ATTEMPTED]}</td><td class='num'>{kinds[NOT_GRADED]}</td></tr>")
    out.append("</table>")

    # most frequent mistakes
    mistakes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        if r.kind == MISTAKE:
            mistakes[(r.lesson, r.exercise, r.hint)].append(r.learner)
    out.append("<h2>Most frequent mistakes</h2>")
    if mistakes:
        out.append('<p class="small">What the checkers found, most learners first: what to re-explain tomorrow.</p>'
                   "<table><tr><th>learners</th><th>exercise</th><th>hint</th><th>who</th></tr>")
        for (lesson, exercise, hint), who in sorted(mistakes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            out.append(f"<tr><td class='num'>{len(who)}</td><td>{e(lesson)} · {e(exercise)}</td><td>{e(hint)}</td>"
                       f"<td>{e(', '.join(sorted(who)))}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No mistakes: every exercise that was attempted passed.</p>")

    # notebooks that stopped early
    stopped = [g for g in grades.notebooks if g.stopped]
    if stopped:
        out.append("<h2>Notebooks that could not be graded to the end</h2><table><tr><th>learner</th><th>lesson</th>"
                   "<th>why</th></tr>")
        for g in stopped:
            out.append(f"<tr><td>{e(g.submission.learner)}</td><td>{e(g.submission.lesson.stem)}</td><td>{e(g.stopped)}</td></tr>")
        out.append("</table>")

    # learner x exercise
    out.append("<h2>Learners × exercises</h2>")
    out.append('<p class="legend small">' + "".join(
        f"<span class='{CLASS[k]}'>{SYMBOL[k]}</span>{k}; " for k in (PASSED, MISTAKE, NOT_ATTEMPTED, NOT_GRADED))
        + "empty: lesson not submitted. Hover over a cell to see its hint.</p>")
    lessons = list(dict.fromkeys(lesson for lesson, _ in exercises))
    out.append("<table class='grid'><tr><th rowspan='2'>learner</th><th rowspan='2'>passed</th>" + "".join(
        f"<th colspan='{sum(1 for lsn, _ in exercises if lsn == lesson)}'>{e(lesson)}</th>" for lesson in lessons) + "</tr><tr>"
        + "".join(f"<th class='ex'>{e(exercise)}</th>" for _, exercise in exercises) + "</tr>")
    for learner in learners:
        mine = [r for r in rows if r.learner == learner]
        cells = []
        for lesson, exercise in exercises:
            r = by_cell.get((learner, lesson, exercise))
            if r is None:
                cells.append("<td></td>")
            else:
                title = f' title="{e(r.hint)}"' if r.hint else ""
                cells.append(f"<td class='{CLASS[r.kind]}'{title}>{SYMBOL[r.kind]}</td>")
        score = sum(r.passed for r in mine)
        out.append(f"<tr><td class='learner'>{e(learner)}</td><td class='num'>{score}/{len(mine)}</td>{''.join(cells)}</tr>")
    out.append("</table>")

    if grades.warnings:
        out.append("<h2>Skipped files</h2><ul>" + "".join(f"<li>{e(w)}</li>" for w in grades.warnings) + "</ul>")
    out.append('<p class="small">Made by <code>python -m tools.grade</code>; the same grades are in grades.csv.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_html(grades: ClassGrades, path: Path) -> None:
    path.write_text(render(grades), encoding="utf-8")
