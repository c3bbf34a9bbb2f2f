"""Grade a class: run every learner's notebooks in a sandbox and write ``grades.csv`` and ``report.html``.

    python -m tools.grade SUBMISSIONS --out REPORT [--timeout 120] [--memory-gib 2] [--jobs N]
    make grade SUBMISSIONS=... REPORT=...

``SUBMISSIONS/<learner>/<NN_name>.ipynb`` (or nbgrader's collected layout
``SUBMISSIONS/<learner>/<assignment>/<NN_name>.ipynb``). A file is matched to a lesson by its two-digit prefix.

Each notebook runs top to bottom in its own sandboxed process (``tools.grading.sandbox``) with a time and a
memory limit. Results come from the checkers themselves: every ``CheckResult`` is recorded as it is made, with
the cell that made it. An exercise's grade is the result of its check cell — the first cell of the course's
lesson that calls ``check_<name>``; that cell is restored from the course before the run, so editing it changes
nothing. A run that stops early (time limit, memory limit, the kernel died, ``sys.exit``) keeps the checks that
finished before it stopped; every other exercise of the lesson gets ``passed=false`` with the reason as its hint.

``REPORT/grades.csv``: ``learner,lesson,exercise,passed,hint``, one row per learner × exercise of every lesson
that learner submitted. ``REPORT/report.html``: the class at a glance (readable offline).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools.grading.lessons import Lesson, course_lessons
from tools.grading.sandbox import GIB, Limits, Run, build_font_cache, describe, run_notebook

CSV_COLUMNS = ["learner", "lesson", "exercise", "passed", "hint"]
MAX_NOTEBOOK_BYTES = 64 * 2**20


@dataclass
class Submission:
    """One notebook to grade: ``learner`` (the folder name), its ``lesson``, the ``path``."""

    learner: str
    lesson: Lesson
    path: Path


PASSED, MISTAKE, NOT_ATTEMPTED, NOT_GRADED = "passed", "mistake", "not attempted", "not graded"


@dataclass
class Row:
    """One line of grades.csv; ``kind`` (for the report) is one of PASSED, MISTAKE, NOT_ATTEMPTED, NOT_GRADED."""

    learner: str
    lesson: str
    exercise: str
    passed: bool
    hint: str
    kind: str = MISTAKE


@dataclass
class Graded:
    """The rows of one notebook, how long it took (wall clock, and CPU of the runner and kernel when the run got to
    the end) and why it stopped early (None when it ran to the end)."""

    submission: Submission
    rows: list[Row]
    seconds: float
    stopped: str | None = None
    cpu_seconds: float | None = None


@dataclass
class ClassGrades:
    rows: list[Row]
    notebooks: list[Graded]
    warnings: list[str] = field(default_factory=list)
    isolation: str = ""
    limits: Limits = field(default_factory=Limits)
    seconds: float = 0.0
    jobs: int = 1


# ------------------------------------------------------------------------------ finding submissions
def find_submissions(root: Path, lessons: dict[str, Lesson], skip: Path | None = None) -> tuple[list[Submission], list[str]]:
    """Every gradable notebook under ``root`` and warnings about files that were skipped."""
    if not root.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS must be a folder with one subfolder per learner, got {root}")
    submissions, warnings = [], []
    for learner_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if skip is not None and learner_dir.resolve() == skip.resolve():
            continue
        files = sorted(learner_dir.glob("*.ipynb")) + sorted(learner_dir.glob("*/*.ipynb"))
        files = [f for f in files if ".ipynb_checkpoints" not in f.parts]
        by_lesson: dict[str, list[Path]] = {}
        for path in files:
            match = re.match(r"(\d\d)_", path.name)
            if match is None or match.group(1) not in lessons:
                warnings.append(f"{learner_dir.name}: skipped {path.relative_to(root)} (no lesson of the course starts with "
                                f"{path.name[:3]!r}; lessons are named like {next(iter(lessons.values())).stem}.ipynb)")
                continue
            by_lesson.setdefault(match.group(1), []).append(path)
        for number, paths in sorted(by_lesson.items()):
            lesson = lessons[number]
            exact = [p for p in paths if p.stem == lesson.stem]
            chosen = (exact or paths)[0]
            for other in paths:
                if other != chosen:
                    warnings.append(f"{learner_dir.name}: skipped {other.relative_to(root)} "
                                    f"(graded {chosen.relative_to(root)} for lesson {number})")
            submissions.append(Submission(learner_dir.name, lesson, chosen))
    for stray in sorted(root.glob("*.ipynb")):
        warnings.append(f"skipped {stray.name}: notebooks go in a folder per learner, SUBMISSIONS/<learner>/{stray.name}")
    return submissions, warnings


# ------------------------------------------------------------------------------ preparing a notebook
class NotANotebook(Exception):
    """The file cannot be read as a Jupyter notebook."""


def prepare(path: Path, lesson: Lesson) -> tuple[str, dict[str, int]]:
    """Read a learner's notebook, restore the course's check cells, and find each exercise's check cell.

    Returns (notebook text to run, {exercise: cell index}); an exercise whose check cell is missing has no index.
    """
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise NotANotebook(f"the file is {path.stat().st_size / 2**20:.0f} MiB, more than a lesson notebook can be")
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise NotANotebook('it is JSON but has no list of "cells", as every Jupyter notebook does')
        nb = nbformat.reads(text, as_version=4)
    except NotANotebook:
        raise
    except Exception as exc:  # JSON, encoding, schema: all mean the same to a teacher
        message = " ".join(str(exc).split())
        raise NotANotebook(f"{type(exc).__name__}: {message[:160]}") from None
    cells = nb.cells
    for index, cell in enumerate(cells):
        if cell.get("id") in lesson.check_cells:
            cells[index] = nbformat.v4.new_code_cell(lesson.check_cells[cell.id], id=cell.id)
    check_index = {}
    for exercise in lesson.exercises:
        index = next((i for i, c in enumerate(cells) if c.get("id") == exercise.check_cell_id), None)
        if index is None:  # a copy without cell ids, or a re-typed cell: the course's cell, else `check_x(x)`
            course_source = lesson.check_cells[exercise.check_cell_id].strip()
            call = re.compile(rf"^\s*(assert\s+)?check_{re.escape(exercise.name)}\(\s*{re.escape(exercise.name)}\s*\)", re.M)
            code = [(i, c) for i, c in enumerate(cells) if c.cell_type == "code"]
            index = next((i for i, c in code if c.source.strip() == course_source), None)
            index = index if index is not None else next((i for i, c in code if call.search(c.source)), None)
        if index is not None:
            check_index[exercise.name] = index
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb), check_index


# ------------------------------------------------------------------------------ from a run to rows
def _where(cells_source: list[str], index: int) -> str:
    first = next((line.strip() for line in cells_source[index].splitlines() if line.strip()), "")
    first = first if len(first) <= 40 else first[:37] + "..."
    return f"cell {index + 1}" + (f" (`{first}`)" if first else "")


def stop_reason(run: Run, limits: Limits, sources: list[str]) -> str | None:
    """Why a run ended before the end of the notebook, in a teacher's words (None when it did not)."""
    if run.timed_out:
        where = f" in {_where(sources, run.started[-1])}" if run.started else " while starting the kernel"
        return f"timed out after {limits.seconds_text}{where}"
    if run.died_in is not None:
        return f"the kernel died in {_where(sources, run.died_in)}"
    if run.setup_error:
        return f"could not be graded: the grader's setup failed ({run.setup_error})"
    for index, event in run.done.items():
        error = event.get("error") or {}
        if str(error.get("ename")).endswith("MemoryError"):  # numpy's is _ArrayMemoryError
            return f"memory limit {limits.memory_text} exceeded in {_where(sources, index)}"
        if error.get("ename") == "SystemExit":
            return f"the notebook called sys.exit() in {_where(sources, index)}, which ends the run"
    if not run.ended:
        last = run.stderr_tail.strip().splitlines()[-1:] or [f"exit code {run.exit_code}"]
        if "MemoryError" in run.stderr_tail:
            return f"memory limit {limits.memory_text} exceeded"
        return f"the run ended unexpectedly ({last[0][:160]})"
    return None


def exercise_row(name: str, index: int | None, run: Run, stopped: str | None) -> tuple[bool, str, str]:
    """(passed, hint, kind) of one exercise from what its check cell reported."""
    if index is None:
        return False, f"the check cell (check_{name}) is missing from the notebook", NOT_GRADED
    event = run.done.get(index)
    if event is None:
        return False, (f"not graded: {stopped}" if stopped else "the check cell did not run"), NOT_GRADED
    results = [r for r in event.get("results", []) if r.get("name") == name]
    if results:
        result = results[0]
        if result.get("passed"):
            return True, "", PASSED
        if result.get("problem") == "not implemented yet":
            return False, "not implemented yet", NOT_ATTEMPTED
        return False, result.get("hint") or result.get("problem") or result.get("line") or "failed", MISTAKE
    error = event.get("error")
    if error:
        evalue = " ".join(str(error["evalue"]).split())[:200]
        return False, f"the check did not run: {error['ename']}: {evalue}", MISTAKE
    return False, f"the check cell ran but reported no result for {name}", NOT_GRADED


def grade_notebook(sub: Submission, limits: Limits, use_sandbox: bool = True, font_cache: Path | None = None) -> Graded:
    """Grade one notebook: one row per exercise of its lesson. Never raises: whatever goes wrong becomes the hint."""
    start = time.monotonic()
    exercises = [e.name for e in sub.lesson.exercises]

    def all_failed(reason: str) -> Graded:
        rows = [Row(sub.learner, sub.lesson.stem, name, False, reason, NOT_GRADED) for name in exercises]
        return Graded(sub, rows, time.monotonic() - start, reason)

    try:
        text, check_index = prepare(sub.path, sub.lesson)
    except NotANotebook as exc:
        return all_failed(f"not a notebook: {exc}")
    except OSError as exc:
        return all_failed(f"could not read the file: {exc}")
    except Exception as exc:  # a notebook nbformat reads but cannot write back
        return all_failed(f"not a notebook: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    if not exercises:
        return Graded(sub, [], time.monotonic() - start)
    try:
        run = run_notebook(text, sub.lesson.stem + ".ipynb", limits, use_sandbox=use_sandbox, font_cache=font_cache)
        sources = [c.get("source", "") for c in nbformat.reads(text, as_version=4).cells]
        stopped = stop_reason(run, limits, sources)
        rows = []
        for name in exercises:
            passed, hint, kind = exercise_row(name, check_index.get(name), run, stopped)
            rows.append(Row(sub.learner, sub.lesson.stem, name, passed, hint, kind))
    except Exception as exc:  # the grader itself failed (disk full, bwrap removed meanwhile...): say so, go on
        return all_failed(f"could not be graded: {type(exc).__name__}: {exc}")
    return Graded(sub, rows, time.monotonic() - start, stopped, run.cpu_seconds)


# ------------------------------------------------------------------------------ the class
def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def grade_class(submissions_dir: Path, limits: Limits | None = None, jobs: int | None = None, use_sandbox: bool = True,
                progress: bool = True, skip: Path | None = None, solutions: Path | None = None,
                on_done: Callable[[Graded], None] | None = None) -> ClassGrades:
    """Grade every notebook under ``submissions_dir`` in parallel (``jobs`` at a time, default one per core)."""
    limits = limits or Limits()
    jobs = jobs or default_jobs()
    lessons = course_lessons() if solutions is None else course_lessons(solutions)
    submissions, warnings = find_submissions(submissions_dir, lessons, skip=skip)
    start = time.monotonic()
    graded: list[Graded] = []
    with tempfile.TemporaryDirectory(prefix="nn-course-fonts-") as fonts:
        font_cache = build_font_cache(Path(fonts) / "mpl")
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(grade_notebook, sub, limits, use_sandbox, font_cache) for sub in submissions]
            bar = _progress(len(futures), progress)
            for future in as_completed(futures):
                result = future.result()
                graded.append(result)
                if on_done:
                    on_done(result)
                bar.set_postfix_str(f"{result.submission.learner}/{result.submission.lesson.stem}", refresh=False)
                bar.update(1)
            bar.close()
    graded.sort(key=lambda g: (g.submission.learner, g.submission.lesson.stem))
    rows = [row for g in graded for row in g.rows]
    return ClassGrades(rows, graded, warnings, describe(use_sandbox, limits.tasks), limits, time.monotonic() - start, jobs)


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="notebook", desc="grading", disable=not enabled, file=sys.stderr)


def write_csv(rows: list[Row], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([row.learner, row.lesson, row.exercise, "true" if row.passed else "false", row.hint])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="folder with one subfolder per learner")
    parser.add_argument("--out", type=Path, required=True, help="folder for grades.csv and report.html (created)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook, kernel start included (default 120)")
    parser.add_argument("--memory-gib", type=float, default=2.0, help="memory limit per notebook in GiB (default 2)")
    parser.add_argument("--jobs", type=int, default=None, help=f"notebooks at once (default: one per core, {default_jobs()} here)")
    parser.add_argument("--no-sandbox", action="store_true", help="run without bubblewrap (the report says so)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.memory_gib <= 0:
        parser.error(f"--timeout and --memory-gib must be positive, got {args.timeout} and {args.memory_gib}")
    limits = Limits(seconds=args.timeout, memory=int(args.memory_gib * GIB))
    isolation = describe(not args.no_sandbox)
    if isolation.startswith("NO SANDBOX"):
        print(f"warning: {isolation}. Grade only notebooks you trust.", file=sys.stderr)
    try:
        grades = grade_class(args.submissions, limits, args.jobs, use_sandbox=not args.no_sandbox,
                             progress=not args.quiet, skip=args.out)  # a REPORT inside SUBMISSIONS is no learner
    except FileNotFoundError as exc:
        parser.error(str(exc))
    from tools.grading.report import write_html

    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(grades.rows, args.out / "grades.csv")
    write_html(grades, args.out / "report.html")
    for warning in grades.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    n = len(grades.notebooks)
    cpu = [g.cpu_seconds for g in grades.notebooks if g.cpu_seconds is not None]
    cpu = f", {sum(cpu) / len(cpu):.1f} CPU-s per notebook" if cpu else ""
    print(f"graded {n} notebook{'s' * (n != 1)} of {len({g.submission.learner for g in grades.notebooks})} learners in "
          f"{grades.seconds:.1f} s ({grades.jobs} at a time{cpu}); {grades.isolation.split(':')[0]}")
    print(f"wrote {args.out / 'grades.csv'} and {args.out / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
