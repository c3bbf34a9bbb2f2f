"""Export the course as an nbgrader course: one assignment per lesson, ready for ``nbgrader generate_assignment``.

    python -m tools.nbgrader_export --out nbgrader-course      (make nbgrader)

writes::

    nbgrader-course/nbgrader_config.py            (only when missing: a teacher's edits are kept)
    nbgrader-course/source/<NN_name>/<NN_name>.ipynb
    nbgrader-course/source/<NN_name>/utils/        (the course package, shipped beside each notebook)

In each notebook the exercise cells (the ones with ``### BEGIN SOLUTION`` … ``### END SOLUTION``, the markers
nbgrader uses too) are nbgrader *solution* cells, and each exercise's check — ``check_softmax(softmax)`` — becomes
an autograded *test* cell ``assert check_softmax(softmax)`` worth ``--points`` points (default 1). A check cell
that checks several exercises is split into one test cell per exercise, so each is graded on its own. The
exercises are the course's own (``tools.grading.lessons``): new exercises are exported without changes here.

Then, in the course folder: ``nbgrader generate_assignment 03_activations``, release, collect,
``nbgrader autograde 03_activations`` — nbgrader restores the test cells and ``utils/`` from ``source/`` before
grading, so a learner cannot edit the checks.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
from pathlib import Path

import nbformat

from tools.grading.lessons import ROOT, Lesson, course_lessons, python_source

SCHEMA_VERSION = 3

CONFIG = '''\
# nbgrader configuration for the course "Neural networks from scratch" (written by `make nbgrader`).
# Run nbgrader commands from this folder: nbgrader generate_assignment 03_activations, then release, collect, autograde.
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = "."
# a lesson notebook runs in a few seconds; an endless loop in a learner's answer is stopped after this many
c.Execute.timeout = 120
# autograde runs learners' notebooks in kernels started from this process: keep the learner's own library
# (my_nn/, docs/design.md §7) out of grading. NOTE: nbgrader runs learners' code unsandboxed (docs/grading.md).
import os  # noqa: E402
os.environ["NN_COURSE_NO_LIBRARY"] = "1"
'''


def nbgrader_meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: float | None = None) -> dict:
    """nbgrader's cell metadata (schema version 3); a test cell is grade=True, locked, with points."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade and not solution, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def split_check_cell(source: str, names: list[str]) -> list[tuple[str, str]]:
    """[(exercise, test cell source)] for a check cell: each ``check_<name>(...)`` statement of an exercise in
    ``names`` becomes ``assert check_<name>(...)`` in its own cell (``r = check_<name>(...)`` is kept and followed
    by ``assert r``); the lines between checks (imports, a ``Checker(...)`` made in the lesson) stay in front of the
    check that follows them, the lines after the last check after it."""
    lines = source.splitlines()
    tree = ast.parse(python_source(source))
    checks: list[tuple[str, int, int, str | None]] = []  # (name, first line, last line 0-based, assigned to)
    for node in tree.body:
        value = node.value if isinstance(node, ast.Expr | ast.Assign) else None
        target = node.targets[0].id if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
            isinstance(node.targets[0], ast.Name) else None
        if isinstance(node, ast.Assign) and target is None:
            continue
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id.startswith("check_") and value.func.id[len("check_"):] in names):
            checks.append((value.func.id[len("check_"):], node.lineno - 1, node.end_lineno - 1, target))
    if not checks:
        raise ValueError(f"no check_<name>(...) statement for {names} in the check cell:\n{source}")
    cells, previous_end = [], 0
    for k, (name, first, last, target) in enumerate(checks):
        before = "\n".join(lines[previous_end:first]).strip()  # imports, a Checker(...) made in the lesson
        text = "\n".join(lines[first:last + 1]).lstrip()
        statement = f"{text}\nassert {target}" if target else f"assert {text}"
        after = "\n".join(lines[last + 1:]).strip() if k == len(checks) - 1 else ""
        cells.append((name, "\n\n".join(part for part in (before, statement, after) if part)))
        previous_end = last + 1
    return cells


def export_lesson(lesson: Lesson, points: float = 1.0) -> nbformat.NotebookNode:
    """The lesson's solution notebook as an nbgrader source notebook (no outputs)."""
    nb = nbformat.read(lesson.path, as_version=4)
    names_by_cell: dict[str, list[str]] = {}
    for exercise in lesson.exercises:
        names_by_cell.setdefault(exercise.check_cell_id, []).append(exercise.name)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        if cell.get("id") in names_by_cell:
            for k, (name, source) in enumerate(split_check_cell(cell.source, names_by_cell[cell.id])):
                test = nbformat.v4.new_code_cell(source, id=cell.id if k == 0 else f"{cell.id}-{name}"[:64])
                test.metadata = {key: value for key, value in cell.metadata.items() if key != "nbgrader"}
                test.metadata["nbgrader"] = nbgrader_meta(f"check_{name}", grade=True, points=points)
                cells.append(test)
            continue
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            cell.metadata["nbgrader"] = nbgrader_meta(f"answer-{cell.id}", solution=True)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    return nb


def export(out: Path, points: float = 1.0, solutions: Path | None = None) -> list[Path]:
    """Write the nbgrader course into ``out``; return the notebooks written."""
    lessons = course_lessons() if solutions is None else course_lessons(solutions)
    written = []
    for lesson in lessons.values():
        folder = out / "source" / lesson.stem
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{lesson.stem}.ipynb"
        nbformat.write(export_lesson(lesson, points), target)
        shutil.rmtree(folder / "utils", ignore_errors=True)
        shutil.copytree(ROOT / "utils", folder / "utils", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        written.append(target)
    config = out / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.nbgrader_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("nbgrader-course"), help="the nbgrader course folder (default nbgrader-course)")
    parser.add_argument("--points", type=float, default=1.0, help="points per exercise (default 1)")
    args = parser.parse_args(argv)
    if args.points <= 0:
        parser.error(f"--points must be positive, got {args.points}")
    written = export(args.out, args.points)
    print(f"wrote {len(written)} assignments to {args.out / 'source'}; next: cd {args.out} && nbgrader generate_assignment "
          f"{written[0].stem if written else 'NN_name'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
