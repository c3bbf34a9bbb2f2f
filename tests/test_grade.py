"""The grader: exercises found from solutions/, submissions found in both layouts, rows from check results,
an offline report that escapes what learners wrote — and (RUN_GRADING_TESTS=1, `make test-grading`) a mixed
class graded for real in the sandbox: solved, unsolved, wrong, endless loop, broken file, memory hog, kernel
death, sys.exit, and a notebook that tries to delete the other submissions and the report."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import socket
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from tools.grade import (
    CSV_COLUMNS,
    MISTAKE,
    NOT_ATTEMPTED,
    NOT_GRADED,
    PASSED,
    ClassGrades,
    Graded,
    NotANotebook,
    Row,
    Submission,
    exercise_row,
    find_submissions,
    main,
    prepare,
    stop_reason,
    write_csv,
)
from tools.grading.lessons import course_lessons, read_lesson
from tools.grading.report import render
from tools.grading.sandbox import Limits, Run, bubblewrap, can_limit_tasks, run_notebook
from utils.checks import check_relu, check_softmax, run_quietly

ROOT = Path(__file__).resolve().parent.parent
SANDBOXED = pytest.mark.skipif(os.environ.get("RUN_GRADING_TESTS") != "1",
                               reason="runs notebooks for real (~40 s): `make test-grading`, which CI runs")


# ------------------------------------------------------------------------------ exercises from solutions/
def test_exercises_come_from_the_check_cells_of_solutions():
    lessons = course_lessons()
    assert set(lessons) == {p.name[:2] for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")}
    # DESIGN §3: these exercises must exist; the Common-mistakes demos (check_softmax(softmax_whole_array))
    # and check_environment() are not exercises
    names = {n: [e.name for e in lesson.exercises] for n, lesson in lessons.items()}
    assert {"step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"} <= set(names["03"])
    assert {"mse", "mae", "binary_cross_entropy", "categorical_cross_entropy", "accuracy"} <= set(names["04"])
    assert "neuron_output" in names["01"] and "environment" not in names["00"]
    for lesson in lessons.values():
        assert len({e.name for e in lesson.exercises}) == len(lesson.exercises), lesson.stem
        for exercise in lesson.exercises:
            assert f"check_{exercise.name}(" in lesson.check_cells[exercise.check_cell_id]


def test_a_new_exercise_is_found_without_a_list_to_update(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def gelu(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION", id="a"),
                nbformat.v4.new_code_cell("from utils.checks import check_gelu\n\ncheck_gelu(gelu)", id="b"),
                nbformat.v4.new_code_cell("%time check_gelu(lambda z: 2 * z)", id="c"),
                nbformat.v4.new_code_cell("from utils.checks import Checker\ncheck_mine = Checker(name='mine')\ncheck_mine(f)", id="d")]
    path = tmp_path / "10_new.ipynb"
    nbformat.write(nb, path)
    lesson = read_lesson(path)
    assert [(e.name, e.check_cell_id) for e in lesson.exercises] == [("gelu", "b"), ("mine", "d")]


# ------------------------------------------------------------------------------ finding submissions
def test_both_layouts_are_found_and_strays_are_reported(tmp_path):
    lessons = course_lessons()
    (tmp_path / "ann").mkdir()
    shutil.copy(ROOT / "notebooks/01_neuron.ipynb", tmp_path / "ann/01_neuron.ipynb")
    shutil.copy(ROOT / "notebooks/01_neuron.ipynb", tmp_path / "ann/01_neuron-Copy1.ipynb")
    (tmp_path / "ben/03_activations").mkdir(parents=True)  # nbgrader's collected layout
    shutil.copy(ROOT / "notebooks/03_activations.ipynb", tmp_path / "ben/03_activations/03_activations.ipynb")
    (tmp_path / "ben/notes.ipynb").write_text("{}")
    (tmp_path / "loose.ipynb").write_text("{}")
    (tmp_path / "ann/.ipynb_checkpoints").mkdir()
    shutil.copy(ROOT / "notebooks/01_neuron.ipynb", tmp_path / "ann/.ipynb_checkpoints/01_neuron-checkpoint.ipynb")
    subs, warnings = find_submissions(tmp_path, lessons)
    assert [(s.learner, s.lesson.stem, s.path.relative_to(tmp_path).as_posix()) for s in subs] == [
        ("ann", "01_neuron", "ann/01_neuron.ipynb"), ("ben", "03_activations", "ben/03_activations/03_activations.ipynb")]
    text = "\n".join(warnings)
    assert "01_neuron-Copy1.ipynb" in text and "notes.ipynb" in text and "loose.ipynb" in text
    with pytest.raises(FileNotFoundError, match="one subfolder per learner"):
        find_submissions(tmp_path / "missing", lessons)


# ------------------------------------------------------------------------------ preparing a notebook
def test_prepare_restores_check_cells_and_rejects_what_is_not_a_notebook(tmp_path):
    lesson = course_lessons()["03"]
    nb = nbformat.read(ROOT / "notebooks/03_activations.ipynb", as_version=4)
    check = next(c for c in nb.cells if c.id == lesson.exercises[0].check_cell_id)
    check.source = "print('all good')  # a learner who replaced the checks"
    nb.cells = [c for c in nb.cells if "check_softmax(softmax)" not in c.source]  # and deleted one
    path = tmp_path / "03_activations.ipynb"
    nbformat.write(nb, path)
    text, index = prepare(path, lesson)
    cells = nbformat.reads(text, as_version=4).cells
    assert "check_step(step)" in cells[index["step"]].source
    assert "softmax" not in index
    assert exercise_row("softmax", None, Run(), None) == (False, "the check cell (check_softmax) is missing from the notebook", NOT_GRADED)
    for content, reason in [(b"not json", "JSONDecodeError"), (b"\xff\xfe\x00", "UnicodeDecodeError"),
                            (b'{"cells": 3}', 'no list of "cells"'), (b"[1, 2]", 'no list of "cells"')]:
        path.write_bytes(content)
        with pytest.raises(NotANotebook, match=reason):
            prepare(path, lesson)


# ------------------------------------------------------------------------------ from a run to rows
def test_rows_and_reasons_from_runs():
    limits = Limits(seconds=30, memory=2**30)
    sources = ["import sys", "while True:\n    pass", "check_x(x)"]
    assert stop_reason(Run(started=[0, 1], timed_out=True), limits, sources) == "timed out after 30 s in cell 2 (`while True:`)"
    assert stop_reason(Run(started=[0], died_in=0), limits, sources) == "the kernel died in cell 1 (`import sys`)"
    memory = Run(done={1: {"error": {"ename": "MemoryError", "evalue": ""}}}, ended=True)
    assert stop_reason(memory, limits, sources) == "memory limit 1 GiB exceeded in cell 2 (`while True:`)"
    exited = Run(done={0: {"error": {"ename": "SystemExit", "evalue": "1"}}}, ended=True)
    assert "called sys.exit() in cell 1" in stop_reason(exited, limits, sources)
    assert stop_reason(Run(ended=True), limits, sources) is None

    run = Run(done={2: {"results": [{"name": "x", "passed": False, "hint": None, "problem": "not implemented yet"}],
                        "error": None},
                    3: {"results": [{"name": "y", "passed": False, "hint": "use axis=1", "problem": "wrong values"},
                                    {"name": "y", "passed": True, "hint": None, "problem": None}], "error": None},
                    4: {"results": [], "error": {"ename": "NameError", "evalue": "name 'z' is not defined"}}}, ended=True)
    assert exercise_row("x", 2, run, None) == (False, "not implemented yet", NOT_ATTEMPTED)
    assert exercise_row("y", 3, run, None) == (False, "use axis=1", MISTAKE)  # the first result of the check cell counts
    assert exercise_row("z", 4, run, None) == (False, "the check did not run: NameError: name 'z' is not defined", MISTAKE)
    assert exercise_row("w", 5, run, "timed out after 30 s") == (False, "not graded: timed out after 30 s", NOT_GRADED)


# ------------------------------------------------------------------------------ CSV and report
def _grades(rows: list[Row], learners: list[str]) -> ClassGrades:
    lesson = course_lessons()["01"]
    notebooks = [Graded(Submission(name, lesson, Path("x")), [r for r in rows if r.learner == name], 1.0,
                        "timed out after 1 s" if name == learners[-1] else None) for name in learners]
    return ClassGrades(rows, notebooks, ["skipped <b>x.ipynb</b>"], "bubblewrap sandbox", Limits(), 2.0, 2)


def test_report_is_offline_and_escapes_what_learners_wrote(tmp_path):
    evil = '<script>alert("x")</script>'
    rows = [Row("ann", "01_neuron", "neuron_output", True, "", PASSED),
            Row(evil, "01_neuron", "neuron_output", False, f"your function raised ValueError: {evil}", MISTAKE),
            Row("cy", "01_neuron", "neuron_output", False, f"your function raised ValueError: {evil}", MISTAKE),
            Row("dee", "01_neuron", "neuron_output", False, "not graded: timed out after 1 s", NOT_GRADED)]
    html = render(_grades(rows, ["ann", evil, "cy", "dee"]))
    assert "<script" not in html and "&lt;script&gt;" in html and "<b>x" not in html
    assert "http://" not in html and "https://" not in html and "<link" not in html and " src=" not in html
    assert "1/4 (25 %)" in html  # pass rate of the exercise
    mistakes = html[html.index("Most frequent mistakes"):html.index("could not be graded to the end")]
    assert "<td class='num'>2</td>" in mistakes and "cy" in mistakes  # one hint, two learners
    write_csv(rows, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == CSV_COLUMNS == ["learner", "lesson", "exercise", "passed", "hint"]
    assert [r[3] for r in table[1:]] == ["true", "false", "false", "false"] and table[2][0] == evil


def test_cli_errors_name_what_was_expected(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")])
    assert "one subfolder per learner" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--out", str(tmp_path / "r"), "--timeout", "0"])
    assert "must be positive" in capsys.readouterr().err


# ------------------------------------------------------------------------------ a mixed class, for real
WRONG_RELU = "def relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float)) * 2.0\n"
WRONG_SOFTMAX = "def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)\n"


def _first_code_cell(path: Path) -> int:
    return next(i for i, c in enumerate(nbformat.read(path, as_version=4).cells) if c.cell_type == "code")


INSERTED = _first_code_cell(ROOT / "solutions/01_neuron.ipynb") + 2  # 1-based number of a cell inserted after it


def _edit(src: Path, dst: Path, insert_after_first: str | None = None, replace: dict[str, str] | None = None) -> None:
    """Copy a lesson with a cell inserted after the first code cell (the imports; the new cell's number is
    ``INSERTED``) and/or whole cells replaced by id."""
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if replace and cell.get("id") in replace:
            cell.source = replace[cell.id]
    if insert_after_first is not None:
        assert _first_code_cell(src) == INSERTED - 2
        nb.cells.insert(INSERTED - 1, nbformat.v4.new_code_cell(textwrap.dedent(insert_after_first).strip()))
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _processes_in_sandboxes() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cwd = os.readlink(proc / "cwd")
            except OSError:
                continue
            if "nn-course-grade-" in cwd or cwd.startswith("/course/submission"):
                found.append(f"{proc.name} {cwd}")
    return found


def build_mixed_class(subs: Path, report: Path, port: int) -> None:
    """The class of the issue's "Done when": one learner per way a notebook can go. The vandal really deletes
    what it can reach: grade this class only inside the sandbox."""
    sols, learner = ROOT / "solutions", ROOT / "notebooks"
    _edit(sols / "01_neuron.ipynb", subs / "solved/01_neuron.ipynb")
    _edit(learner / "01_neuron.ipynb", subs / "unsolved/01_neuron.ipynb")
    _edit(sols / "03_activations.ipynb", subs / "wrong/03_activations.ipynb",
          replace={"03-10": WRONG_RELU + (
              "\n\ndef step(z):\n    return (np.asarray(z) > 0).astype(float)\n"
              "\n\ndef leaky_relu(z, alpha=0.01):\n    z = np.asarray(z, dtype=float)\n    return np.where(z > 0, z, alpha * z)\n"),
                   "03-22": WRONG_SOFTMAX})
    _edit(sols / "01_neuron.ipynb", subs / "looping/01_neuron.ipynb", "while True:\n    pass")
    (subs / "broken").mkdir()
    (subs / "broken/01_neuron.ipynb").write_text('{"cells": [ this is not JSON')
    _edit(sols / "01_neuron.ipynb", subs / "hog/01_neuron.ipynb",
          "import numpy as np\n\nhog = []\nwhile True:\n    hog.append(np.ones(2**24))  # 128 MiB more each time")
    _edit(sols / "01_neuron.ipynb", subs / "crasher/01_neuron.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    _edit(sols / "01_neuron.ipynb", subs / "quitter/01_neuron.ipynb", "import sys\nsys.exit(1)")
    _edit(sols / "01_neuron.ipynb", subs / "vandal/01_neuron.ipynb", f"""
        import glob, os, shutil, socket
        for target in [{str(subs)!r}, {str(report)!r}, "..", "/course/utils"]:
            for path in glob.glob(os.path.join(target, "**", "*"), recursive=True):
                try:
                    os.remove(path)
                except OSError:
                    pass
            shutil.rmtree(target, ignore_errors=True)
        for folder in [{str(report)!r}, ".."]:
            try:
                with open(os.path.join(folder, "grades.csv"), "w") as f:
                    f.write("vandal,01_neuron,neuron_output,true,")
            except OSError:
                pass
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
        except OSError:
            pass
        """)


@SANDBOXED
@pytest.mark.skipif(sys.platform != "linux", reason="the sandbox is Linux-only")
def test_a_mixed_class_is_graded_right_and_nothing_is_lost(tmp_path):
    assert bubblewrap(), "bubblewrap must work here (apt-get install bubblewrap); the report would say NO SANDBOX"
    subs, report = tmp_path / "submissions", tmp_path / "report"
    report.mkdir()
    (report / "keep.txt").write_text("the teacher's notes")
    listener = socket.create_server(("127.0.0.1", 0))  # a notebook must not reach the host's network
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connections = []

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    stop = threading.Event()
    threading.Thread(target=accept, daemon=True).start()

    build_mixed_class(subs, report, port)
    before = _snapshot(subs)

    assert main([str(subs), "--out", str(report), "--timeout", "25", "--memory-gib", "1.5", "--quiet"]) == 0
    stop.set()

    assert _snapshot(subs) == before, "a submission was changed or deleted"
    assert (report / "keep.txt").read_text() == "the teacher's notes"
    assert connections == [], "a notebook reached the host's network"
    deadline = time.monotonic() + 10  # a PID namespace is torn down right after its sandbox exits
    while _processes_in_sandboxes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_in_sandboxes() == [], "a notebook's processes outlived the grading"
    assert (ROOT / "tools/grade.py").exists()

    with open(report / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == CSV_COLUMNS
    got = {(r["learner"], r["exercise"]): (r["passed"], r["hint"]) for r in table}
    lesson_03 = [e.name for e in course_lessons()["03"].exercises]
    expected_keys = {(name, "neuron_output") for name in ["solved", "unsolved", "looping", "broken", "hog", "crasher",
                                                          "quitter", "vandal"]} | {("wrong", e) for e in lesson_03}
    assert set(got) == expected_keys and len(table) == len(expected_keys)  # one row per learner x exercise

    assert got["solved", "neuron_output"] == ("true", "")
    assert got["vandal", "neuron_output"] == ("true", "")  # could not harm anyone, and solved the exercise
    assert got["unsolved", "neuron_output"] == ("false", "not implemented yet")
    assert got["looping", "neuron_output"] == ("false", f"not graded: timed out after 25 s in cell {INSERTED} (`while True:`)")
    assert got["broken", "neuron_output"][0] == "false"
    assert got["broken", "neuron_output"][1].startswith("not a notebook: JSONDecodeError")
    assert got["hog", "neuron_output"][0] == "false"
    assert "memory limit 1.5 GiB exceeded" in got["hog", "neuron_output"][1]
    assert got["crasher", "neuron_output"] == ("false", f"not graded: the kernel died in cell {INSERTED} (`import os, signal`)")
    assert got["quitter", "neuron_output"] == ("false", f"not graded: the notebook called sys.exit() in cell {INSERTED} (`import sys`), "
                                                        "which ends the run")
    # the wrong answers get the checker's own hint, as the learner saw it in the notebook
    namespace = {"np": np}
    exec(WRONG_RELU + WRONG_SOFTMAX, namespace)
    for name, check in [("relu", check_relu), ("softmax", check_softmax)]:
        result = run_quietly(check, namespace[name])
        assert got["wrong", name] == ("false", result.hint or result.problem), name
    assert all(got["wrong", e] == ("true", "") for e in lesson_03 if e not in ("relu", "softmax"))

    html = (report / "report.html").read_text(encoding="utf-8")
    assert "bubblewrap sandbox" in html and "NO SANDBOX" not in html
    for name in ["solved", "vandal", "looping", "hog", "crasher", "quitter", "broken", "wrong"]:
        assert f"<td class='learner'>{name}</td>" in html


@SANDBOXED
def test_without_bubblewrap_the_report_says_so_and_grades_still_come(tmp_path):
    subs = tmp_path / "submissions"
    _edit(ROOT / "solutions/01_neuron.ipynb", subs / "solo/01_neuron.ipynb")
    assert main([str(subs), "--out", str(tmp_path / "report"), "--no-sandbox", "--quiet"]) == 0
    assert (tmp_path / "report/grades.csv").read_text().splitlines()[1] == "solo,01_neuron,neuron_output,true,"
    assert "NO SANDBOX" in (tmp_path / "report/report.html").read_text()


@SANDBOXED
def test_a_fork_bomb_meets_the_task_limit():
    if not can_limit_tasks():
        pytest.skip("no pids cgroup can be made here (the report says the number of processes is not limited)")
    bomb = textwrap.dedent("""
        import os, time
        n = 0
        try:
            for _ in range(300):
                if os.fork() == 0:
                    time.sleep(20)
                    os._exit(0)
                n += 1
        except OSError as error:
            raise RuntimeError(f"forked {n}") from error
        raise RuntimeError(f"forked {n}")
        """)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(bomb)]
    run = run_notebook(nbformat.writes(nb), "bomb.ipynb", Limits(seconds=60, tasks=64))
    error = run.done[0]["error"]
    forked = int(error["evalue"].split()[-1])
    assert error["ename"] == "RuntimeError" and 0 < forked < 64, error
