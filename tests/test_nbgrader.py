"""`make nbgrader`: the course as an nbgrader course. The export is checked here in every `make test`; the round trip
through nbgrader itself (generate_assignment, three learners, autograde, scores from the gradebook) runs where
nbgrader is installed: `make test-nbgrader`, which CI runs in .venv-nbgrader (requirements-grading.txt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.grading.lessons import course_lessons
from tools.nbgrader_export import export, split_check_cell

ROOT = Path(__file__).resolve().parent.parent
WRONG = {  # two mistakes, one in each of two exercise cells of lesson 03
    "relu": "def relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float)) * 2.0\n",
    "softmax": "def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)\n",
}


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_every_lesson_is_an_assignment_with_a_test_cell_per_exercise(tmp_path):
    written = export(tmp_path, points=2)
    lessons = course_lessons()
    assert sorted(p.parent.name for p in written) == sorted(lesson.stem for lesson in lessons.values())
    for path in written:
        lesson = next(lsn for lsn in lessons.values() if lsn.stem == path.stem)
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        tests = [c for c in nb.cells if _meta(c).get("grade")]
        assert [_meta(c)["grade_id"] for c in tests] == [f"check_{e.name}" for e in lesson.exercises]
        for cell, exercise in zip(tests, lesson.exercises):
            assert f"assert check_{exercise.name}(" in cell.source and _meta(cell)["points"] == 2 and _meta(cell)["locked"]
        solutions = [c for c in nb.cells if _meta(c).get("solution")]
        assert solutions == [c for c in nb.cells if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source]
        ids = [_meta(c)["grade_id"] for c in tests + solutions]
        assert len(ids) == len(set(ids))
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert (path.parent / "utils/checks/core.py").exists()
    assert "course_id" in (tmp_path / "nbgrader_config.py").read_text()


def test_a_check_cell_with_three_checks_becomes_three_test_cells():
    source = "from utils.checks import check_relu, check_step\n\ncheck_step(step)\ncheck_relu(\n    relu\n)\nprint('done')"
    assert split_check_cell(source, ["step", "relu"]) == [
        ("step", "from utils.checks import check_relu, check_step\n\nassert check_step(step)"),
        ("relu", "assert check_relu(\n    relu\n)\n\nprint('done')")]
    assert split_check_cell("result = check_step(step)\nprint(result.line)", ["step"]) == [
        ("step", "result = check_step(step)\nassert result\n\nprint(result.line)")]
    with pytest.raises(ValueError, match="no check_<name>"):
        split_check_cell("print(1)", ["relu"])


# ------------------------------------------------------------------------------ the real round trip
def _nbgrader(course: Path, *args: str) -> None:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ.get('PATH', '')}")  # nbgrader calls `alembic` by name
    done = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"


def _submit(course: Path, student: str, stem: str, answers: dict[str, str]) -> None:
    """A learner's submission: the released notebook with some exercise cells answered (cell id -> source)."""
    nb = nbformat.read(course / "release" / stem / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.get("id") in answers:
            cell.source = answers[cell.id]
    folder = course / "submitted" / student / stem
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{stem}.ipynb")
    (folder / "timestamp.txt").write_text("2026-01-01 09:00:00.000000 UTC")


def _with_wrong_functions(source: str) -> str:
    """Replace the functions in WRONG inside a solution cell's source (keeps the cell's other functions)."""
    import ast

    tree = ast.parse(source)
    lines = source.splitlines()
    for node in sorted(tree.body, key=lambda n: -n.lineno):
        if isinstance(node, ast.FunctionDef) and node.name in WRONG:
            lines[node.lineno - 1:node.end_lineno] = WRONG[node.name].rstrip("\n").splitlines()
    return "\n".join(lines)


@pytest.mark.skipif(shutil.which("nbgrader", path=str(Path(sys.executable).parent)) is None,
                    reason="nbgrader is not installed here: `make test-nbgrader` (CI) runs this in .venv-nbgrader")
def test_nbgrader_generates_and_autogrades_three_learners(tmp_path):
    course, stem = tmp_path / "course", "03_activations"
    export(course)
    for lesson in course_lessons().values():  # every lesson generates
        _nbgrader(course, "generate_assignment", lesson.stem, "--force")
    solved = {c.id: c.source for c in nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4).cells
              if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source}
    two_mistakes = {cid: _with_wrong_functions(src) for cid, src in solved.items()}
    assert sum(a != b for a, b in zip(solved.values(), two_mistakes.values())) == 2
    _submit(course, "all_solved", stem, solved)
    _submit(course, "none_solved", stem, {})
    _submit(course, "two_mistakes", stem, two_mistakes)
    _nbgrader(course, "autograde", stem, "--create")

    from nbgrader.api import Gradebook

    exercises = [e.name for e in course_lessons()["03"].exercises]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(stem, s) for s in ["all_solved", "none_solved", "two_mistakes"]}
        assert {s: (sub.score, sub.max_score) for s, sub in scores.items()} == {
            "all_solved": (len(exercises), len(exercises)), "none_solved": (0, len(exercises)),
            "two_mistakes": (len(exercises) - 2, len(exercises))}
        per_exercise = {e: gradebook.find_grade(f"check_{e}", stem, stem, "two_mistakes").score for e in exercises}
        assert per_exercise == {e: 0.0 if e in WRONG else 1.0 for e in exercises}
