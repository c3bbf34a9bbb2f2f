"""Which exercises each lesson has, read from the course's ``solutions/`` (the source of truth).

A lesson's exercises are the checkers its solution notebook calls: every ``check_<name>(...)`` call of a
checker imported from ``utils.checks`` or made in the notebook with ``Checker(...)``. The first cell that
calls ``check_<name>`` is that exercise's *check cell*; later calls (the "Common mistakes" demos, which check
wrong functions on purpose) are not graded. New exercises in a lesson are picked up without any list to update,
and a lesson's exercises are known even when a learner's copy of it is broken.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = ROOT / "solutions"
LESSON_FILE = re.compile(r"^(\d\d)_\w+\.ipynb$")


@dataclass
class Exercise:
    """One graded exercise: ``name`` as the checker reports it (``"softmax"``), checked in ``check_cell_id``."""

    name: str
    check_cell_id: str


@dataclass
class Lesson:
    """A lesson of the course: ``stem`` ``"03_activations"``, its exercises in notebook order, and the source
    of each check cell by cell id (the grader restores these in a learner's copy before running it)."""

    stem: str
    path: Path
    exercises: list[Exercise] = field(default_factory=list)
    check_cells: dict[str, str] = field(default_factory=dict)

    @property
    def number(self) -> str:
        return self.stem[:2]


def python_source(source: str) -> str:
    """A cell's source with IPython magics and shell lines blanked, so ``ast`` can parse it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def checker_names(tree: ast.AST) -> set[str]:
    """Names of checkers a cell makes available: imported from ``utils.checks…`` or assigned ``Checker(...)``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("utils.checks"):
            names.update(alias.asname or alias.name for alias in node.names if alias.name.startswith("check_"))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if (isinstance(func, ast.Name) and func.id == "Checker") or (isinstance(func, ast.Attribute) and func.attr == "Checker"):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name) and t.id.startswith("check_"))
    return names


def checker_calls(tree: ast.AST) -> list[str]:
    """``check_<name>`` calls in a cell, in source order, as ``<name>``."""
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("check_")]
    return [call.func.id[len("check_"):] for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset))]


def read_lesson(path: Path) -> Lesson:
    """The exercises of one solution notebook (see the module docstring for what counts)."""
    nb = nbformat.read(path, as_version=4)
    lesson = Lesson(stem=path.stem, path=path)
    known: set[str] = set()
    seen: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(python_source(cell.source))
        except SyntaxError:
            continue
        known |= checker_names(tree)
        for name in checker_calls(tree):
            if f"check_{name}" in known and name not in seen:
                seen.add(name)
                lesson.exercises.append(Exercise(name, cell.id))
                lesson.check_cells[cell.id] = cell.source
    return lesson


def course_lessons(solutions: Path = SOLUTIONS) -> dict[str, Lesson]:
    """Every lesson of the course by its two-digit number: ``{"03": Lesson("03_activations", ...)}``."""
    lessons = {}
    for path in sorted(solutions.glob("*.ipynb")):
        if LESSON_FILE.match(path.name):
            lesson = read_lesson(path)
            lessons[lesson.number] = lesson
    return lessons
