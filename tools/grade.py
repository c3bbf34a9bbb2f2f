"""Grade a class: every learner's notebooks run sandboxed, a judge outside the sandbox decides, nothing is lost.

    python -m tools.grade SUBMISSIONS --out REPORT [--timeout 120] [--memory-gib 2] [--jobs N] [--no-sandbox]
    make grade SUBMISSIONS=... REPORT=...

SUBMISSIONS: a folder per learner, JupyterHub home folders, an nbgrader exchange, or a Canvas/Moodle bulk download
(``tools.grading.collect``); every file gets a row of ``grades.csv`` or a stated reason.

Before any learner code runs, a self-test inside the sandbox tries to escape it (remount, write into the course,
read /etc/shadow, open a socket); if anything works, or bubblewrap is missing, grading stops (exit 2) — unless
``--no-sandbox``, which the report and the CSV state at the top. A run that grades nothing exits 1.

Each notebook runs top to bottom in its own sandbox (``tools.grading.sandbox``). Then the *judge*
(``tools.grading.judge``, a separate process that never runs learner code) runs the course's pristine checker on a
proxy of each exercise function: every call goes to the learner's kernel as plain data and comes back as plain data.
So patching checkers or numpy, or printing a fake ✓, changes nothing; the report flags notebooks that try.

``REPORT/grades.csv`` (columns ``CSV_COLUMNS``), ``REPORT/report.html`` (what to re-teach tomorrow) and
``REPORT/feedback/<learner>.html`` (one page per learner to hand back).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import functools
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

from tools.grading.collect import find_submissions, natural_key
from tools.grading.lessons import ROOT, Lesson, course_lessons
from tools.grading.model import (
    CSV_COLUMNS,
    MISTAKE,
    NOT_A_NOTEBOOK,
    NOT_ATTEMPTED,
    NOT_GRADED,
    PASSED,
    ClassGrades,
    Graded,
    Row,
    Skipped,
    Submission,
)
from tools.grading.sandbox import GIB, Limits, Run, Sandbox, build_font_cache, choose_sandbox, run_notebook

MAX_NOTEBOOK_BYTES = 64 * 2**20
MAX_HINT = 400
KERNEL_LABEL = "kernel (weaker: from the notebook's own check cell, which the notebook could forge)"


# ------------------------------------------------------------------------------ preparing a notebook
class NotANotebook(Exception):
    """The file cannot be read as a Jupyter notebook."""


def prepare(path: Path, lesson: Lesson) -> tuple[str, dict[str, int], list[str]]:
    """Read a learner's notebook and restore the course's check cells.

    Returns (notebook text to run, {exercise: index of its check cell}, the learner's code cell sources).
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
    learner_code = [c.source for c in cells if c.cell_type == "code"]
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
    return nbformat.writes(nb), check_index, learner_code


# ------------------------------------------------------------------------------ what looks forged
PATCHES = [
    (re.compile(r"^\s*(?:np|numpy)\s*\.\s*[\w.]+\s*=(?!=)", re.M), "patches numpy (assigns to np.…)"),
    (re.compile(r"^\s*math\s*\.\s*\w+\s*=(?!=)", re.M), "patches math (assigns to math.…)"),
    (re.compile(r"setattr\(\s*(?:np|numpy|math|utils|checks|builtins)\b"), "patches a module with setattr"),
    (re.compile(r"^\s*(?:[\w.]*\.)?check_\w+\s*=(?!=)", re.M), "replaces a checker (check_… = …)"),
    (re.compile(r"utils\.checks[\w.]*\s*\.\s*\w+\s*=(?!=)"), "patches utils.checks"),
    (re.compile(r"RESULT_LISTENERS|vnd\.nn-course|publish_display_data|CheckResult\s*\("),
     "publishes check results itself (a forged ✓)"),
    (re.compile(r"\bsys\.modules\b|\bimportlib\b|__builtins__|\bbuiltins\s*\."), "tampers with modules or builtins"),
]


def scan(code_cells: list[str], lesson: Lesson, course_cells: set[str]) -> list[str]:
    """What the learner's own code cells do that only a forgery needs (cells identical to the course's are not the
    learner's). Reads source text only: nothing is run."""
    flags: list[str] = []
    exercises = {e.name for e in lesson.exercises}
    for source in code_cells:
        if source.strip() in course_cells:
            continue
        for pattern, what in PATCHES:
            if pattern.search(source) and what not in flags:
                flags.append(what)
        try:
            tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                       for line in source.splitlines()))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("utils") and not (
                    node.module or "").startswith(("utils.checks", "utils.plots", "utils.widgets")):
                names = [a.name for a in node.names if a.name in exercises or a.asname in exercises or a.name == "*"]
                module = node.module
            elif isinstance(node, ast.Attribute) and node.attr in exercises:
                parts = []
                value = node.value
                while isinstance(value, ast.Attribute):
                    parts.append(value.attr)
                    value = value.value
                if isinstance(value, ast.Name) and value.id == "utils":
                    names, module = [node.attr], ".".join(["utils", *reversed(parts)])
            for name in names:
                what = f"uses the course's reference `{name}` from {module} in its own code"
                if what not in flags:
                    flags.append(what)
    return flags


@functools.cache
def _course_cells_of(path: Path) -> frozenset[str]:
    return frozenset(_course_cells_uncached(path))


def _course_cells(lesson: Lesson) -> frozenset[str]:
    """The code cells of the course's own copies of a lesson (learner and solution notebooks)."""
    return _course_cells_of(lesson.path)


def _course_cells_uncached(path: Path) -> set[str]:
    learner_copy = ROOT / "notebooks" / path.name
    cells = set()
    for notebook in (learner_copy, path):
        with contextlib.suppress(Exception):
            cells |= {c.source.strip() for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"}
    return cells


# ------------------------------------------------------------------------------ the judge
class Judge:
    """A long-lived ``tools.grading.judge`` process (one per grading thread): pristine checkers, no learner code."""

    def __init__(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "NN_"))}
        env.update(PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="agg")
        self.proc = subprocess.Popen([sys.executable, "-m", "tools.grading.judge"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        hello = self._receive()
        if hello.get("op") != "hello":
            raise RuntimeError("the judge did not start")

    def _send(self, message: dict) -> None:
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def _receive(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the judge stopped")
        return json.loads(line)

    def cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.proc.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def grade(self, exercises: list[str], functions: dict, call: Callable[[dict], dict], seed: int) -> dict:
        verdicts: dict[str, dict] = {}
        try:
            self._send({"op": "grade", "exercises": exercises, "functions": functions, "seed": seed})
            while True:
                message = self._receive()
                op = message.get("op")
                if op == "call":
                    self._send({"op": "reply", **call(message)})
                elif op == "result":
                    verdicts[str(message.get("exercise"))] = message
                elif op == "done":
                    return verdicts
        except (OSError, RuntimeError, ValueError) as exc:
            self.close()
            for name in exercises:
                verdicts.setdefault(name, {"status": "error", "reason": f"the judge failed ({exc})"})
            return verdicts

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class JudgePool:
    """One judge per thread, started on first use; ``close()`` ends them all."""

    def __init__(self):
        self.local = threading.local()
        self.all: list[Judge] = []
        self.lock = threading.Lock()

    def get(self) -> Judge:
        judge = getattr(self.local, "judge", None)
        if judge is None or not judge.alive():
            judge = self.local.judge = Judge()
            with self.lock:
                self.all.append(judge)
        return judge

    def close(self) -> None:
        for judge in self.all:
            judge.close()


# ------------------------------------------------------------------------------ from a run to rows
def _where(cells_source: list[str], index: int) -> str:
    first = next((line.strip() for line in cells_source[index].splitlines() if line.strip()), "") \
        if 0 <= index < len(cells_source) else ""
    first = first if len(first) <= 40 else first[:37] + "..."
    return f"cell {index + 1}" + (f" (`{first}`)" if first else "")


def stop_reason(run: Run, limits: Limits, sources: list[str]) -> str | None:
    """Why a run ended before the end of the notebook, in a teacher's words (None when it did not)."""
    if run.out_of_memory or (run.memory_full and (run.timed_out or not run.ran)):
        where = f" in {_where(sources, run.started[-1])}" if run.started else ""
        return f"memory limit {limits.memory_text} (whole notebook) exceeded{where}"
    if run.timed_out:
        where = f" in {_where(sources, run.started[-1])}" if run.started else " while starting the kernel"
        return f"timed out after {limits.seconds_text}{where}"
    if run.output_capped:
        return f"sent more than {limits.output // 2**20} MiB back to the grader (the output cap)"
    if run.died_in is not None:
        return f"the kernel died in {_where(sources, run.died_in)}"
    if not run.ran and run.exit_code in (-9, 137) and run.started:
        return f"the notebook's processes were killed in {_where(sources, run.started[-1])} (by the notebook itself?)"
    if run.setup_error:
        return f"could not be graded: the grader's setup failed ({run.setup_error})"
    for index, event in sorted(run.done.items()):
        error = event.get("error") or {}
        if str(error.get("ename")).endswith("MemoryError"):  # numpy's is _ArrayMemoryError
            return f"memory limit {limits.memory_text} exceeded in {_where(sources, index)}"
        if error.get("ename") == "SystemExit":
            return f"the notebook called sys.exit() in {_where(sources, index)}, which ends the run"
    if not run.ran:
        last = run.stderr_tail.strip().splitlines()[-1:] or [f"exit code {run.exit_code}"]
        if "MemoryError" in run.stderr_tail:
            return f"memory limit {limits.memory_text} exceeded"
        return f"the run ended unexpectedly ({last[0][:160]})"
    return None


def kernel_result(name: str, index: int | None, run: Run, stopped: str | None) -> tuple[str, str, str]:
    """(kind, hint, line) from what the notebook's own check cell reported — the weaker grade."""
    if index is None:
        return NOT_GRADED, f"the check cell (check_{name}) is missing from the notebook", ""
    event = run.done.get(index)
    if event is None:
        return NOT_GRADED, (f"not graded: {stopped}" if stopped else "the check cell did not run"), ""
    results = [r for r in event.get("results", []) if isinstance(r, dict) and r.get("name") == name]
    if results:
        result = results[0]
        if result.get("passed") is True:
            return PASSED, "", str(result.get("line") or "")
        if result.get("problem") == "not implemented yet":
            return NOT_ATTEMPTED, "not implemented yet", ""
        return MISTAKE, str(result.get("hint") or result.get("problem") or result.get("line") or "failed"), str(
            result.get("line") or "")
    error = event.get("error")
    if isinstance(error, dict):
        evalue = " ".join(str(error.get("evalue")).split())[:200]
        return MISTAKE, f"the check did not run: {error.get('ename')}: {evalue}", ""
    return NOT_GRADED, f"the check cell ran but reported no result for {name}", ""


def short(text: str | None, limit: int = MAX_HINT) -> str:
    """One line, no control characters, at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else " " for c in str(text or ""))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def exercise_rows(sub: Submission, run: Run, check_index: dict[str, int], stopped: str | None,
                  flags: list[str]) -> list[Row]:
    rows = []
    for exercise in sub.lesson.exercises:
        name = exercise.name
        verdict = run.verdicts.get(name)
        row = Row(sub.learner, sub.lesson.stem, name, False, "", NOT_GRADED, sub.rel)
        status = (verdict or {}).get("status")
        in_kernel = kernel_result(name, check_index.get(name), run, stopped)
        if status in (PASSED, MISTAKE, NOT_ATTEMPTED):
            row.kind, row.passed, row.judged_by = status, status == PASSED, "judge"
            row.hint = "" if status == PASSED else short(verdict.get("hint") or verdict.get("problem") or verdict.get("line"))
            row.topic, row.section = short(verdict.get("topic"), 160), short(verdict.get("section"), 160)
            row.example = short(verdict.get("line"), 300)
            if status == NOT_ATTEMPTED:
                row.hint = "not implemented yet"
            if verdict.get("fresh_failed"):
                row.flags.append("right only on the checker's published cases (hard-coded answers?)")
            if status != PASSED and in_kernel[0] == PASSED:
                row.flags.append("the notebook's own check showed a pass the judge did not confirm (forged ✓?)")
        elif status == "missing":
            if stopped:
                row.hint = short(f"not graded: {stopped}")
            else:
                row.kind, row.hint, row.judged_by = NOT_ATTEMPTED, short(verdict.get("reason")), "judge"
        elif status == "unjudgeable":
            kind, hint, line = in_kernel
            row.kind, row.passed, row.judged_by = kind, kind == PASSED, KERNEL_LABEL
            row.hint = short(hint)
            row.example = short(line, 300)
            row.topic = short(re.sub(r"`[^`]*`|\d+", "…", hint), 160) if kind == MISTAKE else ""
            if kind == PASSED and flags:
                row.flags.append("passed only by the notebook's own check, in a notebook that tampers (see flags)")
        elif status in ("lost", "error"):
            row.hint = short(f"not graded: {verdict.get('reason')}")
        else:
            row.hint = short(f"not graded: {stopped or 'the grader could not call the functions'}")
        rows.append(row)
    return rows


def grade_notebook(sub: Submission, limits: Limits, sandbox: Sandbox, judges: JudgePool | None,
                   font_cache: Path | None = None, secret: bytes = b"") -> Graded:
    """Grade one notebook: one row per exercise of its lesson. Never raises: whatever goes wrong becomes the hint."""
    start = time.monotonic()
    exercises = [e.name for e in sub.lesson.exercises]

    def file_row(status: str, reason: str) -> Graded:
        row = Row(sub.learner, sub.lesson.stem, "", False, short(reason), status, sub.rel)
        return Graded(sub, [row], time.monotonic() - start, reason)

    try:
        text, check_index, learner_code = prepare(sub.path, sub.lesson)
    except NotANotebook as exc:
        return file_row(NOT_A_NOTEBOOK, f"not a notebook: {exc}")
    except OSError as exc:
        return file_row("unreadable", f"could not read the file: {exc}")
    except Exception as exc:  # a notebook nbformat reads but cannot write back
        return file_row(NOT_A_NOTEBOOK, f"not a notebook: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    if not exercises:
        return file_row("no exercises", f"lesson {sub.lesson.stem} has no graded exercises")
    flags = scan(learner_code, sub.lesson, _course_cells(sub.lesson))
    seed = int.from_bytes(secrets.token_bytes(8) if not secret else
                          __import__("hashlib").sha256(secret + sub.rel.encode()).digest()[:8], "big")
    try:
        judge = judges.get() if judges is not None else None
        judge_cpu = judge.cpu_seconds() if judge else 0.0
        run = run_notebook(text, sub.lesson.stem + ".ipynb", exercises, limits, sandbox, judge, font_cache, seed)
        judge_cpu = (judge.cpu_seconds() - judge_cpu) if judge else 0.0
        sources = [c.get("source", "") for c in nbformat.reads(text, as_version=4).cells]
        stopped = stop_reason(run, limits, sources)
        for info in (run.functions or {}).values():
            if isinstance(info, dict) and str(info.get("file", "")).startswith(str(ROOT / "utils")):
                what = f"an exercise function is the course's own reference ({short(info.get('module'), 60)})"
                if what not in flags:
                    flags.append(what)
        rows = exercise_rows(sub, run, check_index, stopped, flags)
        for row in rows:
            row.flags = flags + row.flags
    except Exception as exc:  # the grader itself failed (disk full, bwrap removed meanwhile...): say so, go on
        rows = [Row(sub.learner, sub.lesson.stem, name, False, short(f"not graded: the grader failed: "
                    f"{type(exc).__name__}: {exc}"), NOT_GRADED, sub.rel) for name in exercises]
        return Graded(sub, rows, time.monotonic() - start, f"the grader failed: {exc}")
    cpu = None if run.cpu_seconds is None else run.cpu_seconds + judge_cpu
    notes = []
    if (run.memory_full or run.out_of_memory) and not stopped:
        notes.append(f"reached its memory limit ({limits.memory_text} for the whole notebook, 90 % or more used): its "
                     "processes were held back" + (" or killed" if run.out_of_memory else ""))
    graded = Graded(sub, rows, time.monotonic() - start, stopped, cpu, flags, notes)
    graded.judge_seconds = judge_cpu if judge is not None else None
    return graded


# ------------------------------------------------------------------------------ the class
def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def skipped_row(s: Skipped) -> Row:
    return Row(s.learner, s.lesson, "", False, short(s.reason), s.status, s.rel)


def grade_class(submissions_dir: Path, limits: Limits | None = None, jobs: int | None = None,
                sandbox: Sandbox | None = None, progress: bool = True, skip: list[Path] | None = None,
                solutions: Path | None = None, on_done: Callable[[Graded], None] | None = None) -> ClassGrades:
    """Grade every notebook under ``submissions_dir``, ``jobs`` at a time (default one per core). ``sandbox``: from
    ``choose_sandbox`` (None: refuse — pass ``Sandbox("none")`` to grade without one)."""
    if sandbox is None:
        raise RuntimeError("no sandbox: call choose_sandbox() first, or pass Sandbox('none') for --no-sandbox")
    limits = limits or Limits()
    jobs = jobs or default_jobs()
    lessons = course_lessons() if solutions is None else course_lessons(solutions)
    submissions, skipped, layout = find_submissions(submissions_dir, lessons, skip=skip)
    start = time.monotonic()
    graded: list[Graded] = []
    judges = JudgePool()
    secret = secrets.token_bytes(32)  # fresh cases differ per run and per submission; never leaves this process
    try:
        with tempfile.TemporaryDirectory(prefix="nn-course-fonts-") as fonts:
            font_cache = build_font_cache(Path(fonts) / "mpl")
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(grade_notebook, sub, limits, sandbox, judges, font_cache, secret)
                           for sub in submissions]
                bar = _progress(len(futures), progress)
                for future in as_completed(futures):
                    result = future.result()
                    graded.append(result)
                    if on_done:
                        on_done(result)
                    bar.set_postfix_str(f"{result.submission.learner}/{result.submission.lesson.stem}", refresh=False)
                    bar.update(1)
                bar.close()
    finally:
        judges.close()
    graded.sort(key=lambda g: (natural_key(g.submission.learner), g.submission.lesson.stem))
    rows = [row for g in graded for row in g.rows] + [skipped_row(s) for s in skipped]
    rows.sort(key=lambda r: (natural_key(r.learner), r.lesson, r.exercise == "", r.file))
    return ClassGrades(rows, graded, skipped, sandbox.describe(limits), sandbox.sandboxed, limits,
                       time.monotonic() - start, jobs, layout)


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="notebook", desc="grading", disable=not enabled, file=sys.stderr)


def write_csv(grades: ClassGrades, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        if not grades.sandboxed:
            f.write(f"# {grades.isolation}\n")
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for row in grades.rows:
            writer.writerow([row.learner, row.lesson, row.exercise, "true" if row.passed else "false", row.kind,
                             row.hint, row.file, "; ".join(row.flags), row.judged_by.split(" ")[0]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="folder of the class's work (see docs/grading.md)")
    parser.add_argument("--out", type=Path, required=True, help="folder for grades.csv, report.html, feedback/")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook, kernel start included (default 120)")
    parser.add_argument("--memory-gib", type=float, default=2.0, help="memory limit per notebook in GiB (default 2)")
    parser.add_argument("--jobs", type=int, default=None, help=f"notebooks at once (default: one per core, {default_jobs()} here)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run learners' code WITHOUT a sandbox (only for notebooks you trust; the report says so)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.memory_gib <= 0:
        parser.error(f"--timeout and --memory-gib must be positive, got {args.timeout} and {args.memory_gib}")
    if not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS must be a folder, got {args.submissions}")
    limits = Limits(seconds=args.timeout, memory=int(args.memory_gib * GIB))
    if args.no_sandbox:
        sandbox = Sandbox("none")
        print("warning: --no-sandbox: learners' code runs as you, able to read and change your files. "
              "Grade only notebooks you trust.", file=sys.stderr)
    else:
        probes = [args.submissions.resolve(), args.out.resolve(), ROOT / "solutions"]
        sandbox, problems = choose_sandbox(limits, probes)
        if sandbox is None:
            print("error: refusing to grade: no sandbox that holds here.", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            print("Fix the sandbox (docs/grading.md), or pass --no-sandbox to run the notebooks unprotected "
                  "(only for work you trust).", file=sys.stderr)
            return 2
    try:
        grades = grade_class(args.submissions, limits, args.jobs, sandbox=sandbox, progress=not args.quiet,
                             skip=[args.out])  # a REPORT inside SUBMISSIONS is no learner
    except FileNotFoundError as exc:
        parser.error(str(exc))
    from tools.grading.report import write_feedback, write_html

    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(grades, args.out / "grades.csv")
    write_html(grades, args.out / "report.html")
    feedback = write_feedback(grades, args.out / "feedback")
    for s in grades.skipped:
        print(f"not graded: {s.rel}: {s.status} — {s.reason}", file=sys.stderr)
    n = len([g for g in grades.notebooks if any(r.exercise for r in g.rows)])
    cpu = [g.cpu_seconds for g in grades.notebooks if g.cpu_seconds is not None]
    cpu_text = f", {sum(cpu) / len(cpu):.1f} CPU-s per notebook" if cpu else ""
    print(f"graded {n} notebook{'s' * (n != 1)} of {len({g.submission.learner for g in grades.notebooks})} learners "
          f"in {grades.seconds:.1f} s ({grades.jobs} at a time{cpu_text}); {len(grades.skipped)} files not graded "
          f"(reasons in the report); {grades.isolation.split(':')[0]}")
    print(f"wrote {args.out / 'grades.csv'}, {args.out / 'report.html'} and {len(feedback)} feedback pages in "
          f"{args.out / 'feedback'}")
    if n == 0:
        print("error: nothing was graded (see the reasons above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
