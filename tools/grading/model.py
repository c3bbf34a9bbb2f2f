"""The grader's data model: what a grading run found, shared by ``tools.grade`` and ``tools.grading.report``.

Statuses of a CSV row (the ``status`` column; every file of the submissions tree gets at least one row):

- per exercise of a graded notebook: ``passed``, ``mistake``, ``not attempted``, ``not graded`` (the run stopped,
  the grader could not call the function, ...)
- per file that was not graded: ``not a notebook``, ``duplicate`` (an older copy of a lesson the learner handed in
  again), ``unmatched name`` (no lesson of the course matches the file name), ``no exercises`` (a lesson without
  graded exercises), ``unreadable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.grading.lessons import Lesson

PASSED, MISTAKE, NOT_ATTEMPTED, NOT_GRADED = "passed", "mistake", "not attempted", "not graded"
EXERCISE_STATUSES = (PASSED, MISTAKE, NOT_ATTEMPTED, NOT_GRADED)
NOT_A_NOTEBOOK, DUPLICATE, UNMATCHED, NO_EXERCISES, UNREADABLE = (
    "not a notebook", "duplicate", "unmatched name", "no exercises", "unreadable")
FILE_STATUSES = (NOT_A_NOTEBOOK, DUPLICATE, UNMATCHED, NO_EXERCISES, UNREADABLE)

CSV_COLUMNS = ["learner", "lesson", "exercise", "passed", "status", "hint", "file", "flags", "judged_by"]


@dataclass
class Submission:
    """One notebook to grade: ``learner`` (as the layout names them), its ``lesson``, the ``path``, and ``rel``
    (the path inside the submissions tree, as the report shows it)."""

    learner: str
    lesson: Lesson
    path: Path
    rel: str = ""


@dataclass
class Skipped:
    """A file of the submissions tree that was not graded, and why (``status`` is one of FILE_STATUSES)."""

    rel: str
    status: str
    reason: str
    learner: str = ""
    lesson: str = ""


@dataclass
class Row:
    """One line of grades.csv. ``kind`` is the status (EXERCISE_STATUSES or FILE_STATUSES); ``topic`` is the
    misconception the report groups by; ``section`` where the lesson explains it; ``flags`` what looked forged;
    ``judged_by`` "judge" (outside the sandbox, from plain data) or "kernel" (the weaker in-kernel check)."""

    learner: str
    lesson: str
    exercise: str
    passed: bool
    hint: str
    kind: str = MISTAKE
    file: str = ""
    topic: str = ""
    section: str = ""
    flags: list[str] = field(default_factory=list)
    judged_by: str = ""
    example: str = ""  # the checker's full first line, for the report's one example per misconception


@dataclass
class Graded:
    """The rows of one notebook, how long it took (wall clock, and CPU seconds of everything it started), why it
    stopped early (None when it ran to the end) and the flags of the whole notebook (possible forgery)."""

    submission: Submission
    rows: list[Row]
    seconds: float
    stopped: str | None = None
    cpu_seconds: float | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # limits it reached without stopping (the report lists them)
    judge_seconds: float | None = None  # the judge's CPU time for this notebook (part of cpu_seconds)


@dataclass
class ClassGrades:
    """A whole grading run: every row (exercises and skipped files), the graded notebooks, how notebooks were
    isolated (``isolation``; ``sandboxed`` False when the teacher passed --no-sandbox) and the limits."""

    rows: list[Row]
    notebooks: list[Graded]
    skipped: list[Skipped] = field(default_factory=list)
    isolation: str = ""
    sandboxed: bool = True
    limits: object = None
    seconds: float = 0.0
    jobs: int = 1
    layout: str = ""

    @property
    def warnings(self) -> list[str]:
        return [f"{s.rel}: {s.status} — {s.reason}" for s in self.skipped]
