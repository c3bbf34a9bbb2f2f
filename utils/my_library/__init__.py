"""Your own library: every exercise you pass joins ``my_nn/`` beside your notebooks, and the course runs it.

    from utils import my_library
    my_library.show_progress()      # lesson 00: a table per lesson (done / tried / not started), where to go next
    my_library.use("sigmoid")       # your sigmoid when you passed it, else the course's (widgets use this)
    my_library.compare_digits(...)  # lesson 08: the digits network on your pieces and on the course's
    my_library.test_my_library()    # every function of my_nn/ against its checker, once more

What is saved: when a ``check_<name>(fn)`` called from a notebook cell passes and ``fn`` is the function the lesson
asks for (named ``<name>``; lesson 09: ``mul``, ``tanh``), its source and what it needs (helper functions, imports,
constants of your notebook) go into ``my_nn/lessonNN.py`` (written atomically; re-passing replaces it, a failing
attempt never touches it), and every check of a function with that name counts as an attempt in
``my_nn/progress.json``. No lesson has a setup cell for this: the first check a notebook cell calls starts the
recording by itself (``utils.my_library.recorder``, which the checkers call with every result; the first recorded check
of a lesson also says how many of its exercises you have passed). ``start("03")`` does the same explicitly, at once.
Nothing is written outside a notebook kernel, after ``stop()``, or when ``NN_COURSE_NO_LIBRARY`` is set (tests,
builds, the grader) — and then nothing is read either: every lesson runs the course's code.
"""

from __future__ import annotations

import html
import os

from utils.my_library import record, recorder
from utils.my_library.load import (
    Outcome,
    Piece,
    error_html,
    error_note,
    load_library,
    reference,
    use,
    whose_html,
    whose_note,
)
from utils.my_library.record import LESSONS, enabled, library_dir, read_progress
from utils.my_library.recorder import lesson_line

__all__ = ["LESSONS", "Outcome", "Piece", "PieceOptimizer", "compare_digits", "enabled", "error_html", "library_dir",
           "load_library", "optimizer", "read_progress", "reference", "show_progress", "start", "stop", "test_my_library",
           "use", "whose_html", "error_note", "whose_note"]


def stop() -> None:
    """Stop saving passing functions in this kernel, also the start at the next check (``start`` resumes)."""
    recorder.stop()


def start(lesson: str | int, folder: str | os.PathLike | None = None, kernel_only: bool = True) -> None:
    """Not needed in a lesson — the first check a notebook cell calls starts your library by itself — but anyone may
    call it: from now on a check that passes in this notebook saves your function into ``my_nn/`` (beside the
    notebook, or in ``folder``), and a line says now how many of the lesson's exercises you have passed. Does
    nothing when ``NN_COURSE_NO_LIBRARY`` is set; saves nothing outside a notebook kernel unless
    ``kernel_only=False`` (for tests). Calling it again replaces the earlier call."""
    lesson = record.check_lesson(lesson)
    if not enabled():
        return
    started = recorder.begin(lesson, folder, kernel_only)
    if started is not None:
        started.announced.add(lesson)
    print(lesson_line(lesson, read_progress(folder)))


class _Progress:
    """The progress table, shown as HTML in a notebook and as text elsewhere."""

    def __init__(self, progress: dict[str, dict]):
        self.progress = progress
        self.text = record.progress_text(progress)

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        colours = {"done": "#1b7f3b", "tried": "#b35c00", "not started": "#777"}
        marks = {"done": "✓", "tried": "~", "not started": "·"}
        rows = []
        for row in record.progress_rows(self.progress):
            exercises = " ".join(
                f'<span style="color:{colours[e["status"]]}" title="{e["status"]}, {e["attempts"]} attempt(s)">'
                f'{marks[e["status"]]}&nbsp;{html.escape(e["name"])}</span>' for e in row["exercises"])
            rows.append(f'<tr><td style="text-align:left">{row["lesson"]} {html.escape(row["title"])}</td>'
                        f'<td style="text-align:right">{row["passed"]} / {row["total"]}</td>'
                        f'<td style="text-align:left;color:{colours[row["state"]]}">{row["state"]}</td>'
                        f'<td style="text-align:left">{exercises}</td></tr>')
        head = ('<tr><th style="text-align:left">lesson</th><th>passed</th><th style="text-align:left">state</th>'
                '<th style="text-align:left">exercises</th></tr>')
        return (f'<table class="nnfs-progress">{head}{"".join(rows)}</table>'
                f"<p>{html.escape(record.next_step_text(self.progress))}</p>")


def show_progress(folder: str | os.PathLike | None = None) -> _Progress:
    """Your progress (lesson 00, ``make progress``): a table per lesson — done / tried / not started, with each
    exercise — and where to go next, from ``my_nn/progress.json``. The result shows itself in a notebook."""
    if not enabled():
        print(f"(your library is switched off here: {record.OFF_VARIABLE} is set — this table stays empty)")
    return _Progress(read_progress(folder))


def test_my_library(folder: str | os.PathLike | None = None) -> dict[str, bool]:
    """Run every function of your library through its checker once more, quietly. Prints the total, one line per
    lesson (✓ passes, ✗ fails, · not in your library yet) and, for each failure, the checker's line.
    Returns exercise -> passed for the exercises your library holds."""
    from utils import checks

    if not enabled():
        print(f"(your library is switched off here: {record.OFF_VARIABLE} is set)")
    functions, errors = load_library(folder)
    results: dict[str, bool] = {}
    rows, failures = [], []
    for lesson, (title, names) in LESSONS.items():
        marks = []
        for name in names:
            check = getattr(checks, f"check_{name}", None)
            if name not in functions or check is None:
                marks.append(f"· {name}")
                continue
            result = checks.run_quietly(check, functions[name])
            results[name] = bool(result)
            marks.append(f"{'✓' if result else '✗'} {name}")
            if not result:
                failures.append(f"  {lesson} {name}: {result.line}")
        broken = errors.get(f"lesson{lesson}")
        rows.append(f"  {lesson} {title:<20} " + "  ".join(marks)
                    + (f"  (lesson{lesson}.py does not import: {broken})" if broken else ""))
    total = sum(len(names) for _title, names in LESSONS.values())
    print(f"your library against the course's checkers: {sum(results.values())} of {total} exercises pass "
          "(✓ passes, ✗ fails, · not in your library yet)")
    print("\n".join(rows + failures))
    return results


_LAZY = {"compare_digits": "utils.my_library.capstone", "optimizer": "utils.my_library.optim",
         "PieceOptimizer": "utils.my_library.optim"}


def __getattr__(name: str):
    """numpy and the reference network are imported when the capstone or an optimizer is asked for (``make
    progress`` needs only the standard library)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
