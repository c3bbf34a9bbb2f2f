"""The grader without running a notebook (fast, part of `make test`): exercises found from solutions/, every file
of a submissions tree gets a row, plain data across the sandbox wall, the judge's proxy gives the checker's own
verdicts, forgeries are flagged, the report says what to re-teach and escapes what learners wrote.
Notebooks graded for real in the sandbox: tests/test_grading_hostile.py (`make test-grading`)."""

from __future__ import annotations

import csv
import json
import os
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from tools.grade import (
    NotANotebook,
    kernel_result,
    main,
    prepare,
    scan,
    stop_reason,
    write_csv,
)
from tools.grading import callee, judge
from tools.grading.collect import find_submissions, lesson_from_name, natural_key
from tools.grading.lessons import course_lessons, read_lesson
from tools.grading.model import (
    CSV_COLUMNS,
    MISTAKE,
    NOT_ATTEMPTED,
    NOT_GRADED,
    PASSED,
    ClassGrades,
    Graded,
    Row,
    Submission,
)
from tools.grading.report import render, render_feedback, safe_name
from tools.grading.sandbox import Limits, Run
from tools.grading.wire import Unsendable, decode, encode
from utils.checks import check_neuron_output, check_relu, check_sgd_momentum_step, check_softmax, run_quietly

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------ the data model has its own module
def test_no_module_of_tools_grading_imports_tools_grade():
    """tools.grade uses tools.grading.*, never the other way round (the old cycle grade <-> report)."""
    import ast

    for path in sorted((ROOT / "tools/grading").glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert "tools.grade" not in imported, path.name
    from tools.grading import model, report

    assert report.MISTAKE is model.MISTAKE


# ------------------------------------------------------------------------------ exercises from solutions/
def test_exercises_come_from_the_check_cells_of_solutions():
    lessons = course_lessons()
    assert set(lessons) == {p.name[:2] for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")}
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
    nb.cells = [nbformat.v4.new_code_cell("def gelu(z):\n    return z", id="a"),
                nbformat.v4.new_code_cell("from utils.checks import check_gelu\n\ncheck_gelu(gelu)", id="b"),
                nbformat.v4.new_code_cell("%time check_gelu(lambda z: 2 * z)", id="c"),
                nbformat.v4.new_code_cell("from utils.checks import Checker\ncheck_mine = Checker(name='mine')\ncheck_mine(f)", id="d")]
    path = tmp_path / "10_new.ipynb"
    nbformat.write(nb, path)
    lesson = read_lesson(path)
    assert [(e.name, e.check_cell_id) for e in lesson.exercises] == [("gelu", "b"), ("mine", "d")]


# ------------------------------------------------------------------------------ every file gets a row
def _nb(path: Path, src: str = "notebooks/01_neuron.ipynb", extra: str = "") -> Path:
    nb = nbformat.read(ROOT / src, as_version=4)
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_layouts_loose_names_duplicates_and_reasons(tmp_path):
    lessons = course_lessons()
    old = _nb(tmp_path / "ann/01_neuron.ipynb")
    os.utime(old, (1_000_000, 1_000_000))
    _nb(tmp_path / "ann/a/b/c/01_neuron (1).ipynb", extra="x = 1")  # newer, four folders deep
    _nb(tmp_path / "ann/03_activations_final (1).ipynb", "notebooks/03_activations.ipynb")
    _nb(tmp_path / "ann/.ipynb_checkpoints/01_neuron-checkpoint.ipynb")
    (tmp_path / "ann/notes.py").write_text("x = 1")
    (tmp_path / "ann/whatever.ipynb").write_text("{}")
    _nb(tmp_path / "01 Neuron - Hugo.ipynb")
    _nb(tmp_path / "smithjohn_late_123_456_01_neuron-2.ipynb")
    _nb(tmp_path / "Zoë Ng_77_assignsubmission_file_/03_activations.ipynb", "notebooks/03_activations.ipynb")
    _nb(tmp_path / "Ada Li_78_assignsubmission_file_01_neuron.ipynb")
    _nb(tmp_path / "exchange/nn/inbound/bo+01+2026-12-06 10:00:00.000000 UTC+x1/01_neuron.ipynb")
    _nb(tmp_path / "home/cy/nn-course/notebooks/01_neuron.ipynb")
    (tmp_path / "class.zip").write_bytes(b"PK")
    _nb(tmp_path / "dee/solutions/01_neuron.ipynb", "solutions/01_neuron.ipynb")  # the course's own solution
    subs, skipped, layout = find_submissions(tmp_path, lessons)
    graded = {(s.learner, s.lesson.stem): s.rel for s in subs}
    assert graded == {
        ("Ada Li", "01_neuron"): "Ada Li_78_assignsubmission_file_01_neuron.ipynb",
        ("ann", "01_neuron"): "ann/a/b/c/01_neuron (1).ipynb",
        ("ann", "03_activations"): "ann/03_activations_final (1).ipynb",
        ("bo", "01_neuron"): "exchange/nn/inbound/bo+01+2026-12-06 10:00:00.000000 UTC+x1/01_neuron.ipynb",
        ("home", "01_neuron"): "home/cy/nn-course/notebooks/01_neuron.ipynb",
        ("Hugo", "01_neuron"): "01 Neuron - Hugo.ipynb",
        ("smithjohn", "01_neuron"): "smithjohn_late_123_456_01_neuron-2.ipynb",
        ("Zoë Ng", "03_activations"): "Zoë Ng_77_assignsubmission_file_/03_activations.ipynb",
    }
    reasons = {s.rel: s.status for s in skipped}
    assert reasons == {"ann/01_neuron.ipynb": "duplicate", "ann/.ipynb_checkpoints": "hidden",
                       "ann/notes.py": "not a notebook", "ann/whatever.ipynb": "unmatched name",
                       "class.zip": "not a notebook", "dee/solutions/01_neuron.ipynb": "course solution"}
    every = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()
             and ".ipynb_checkpoints" not in p.parts}
    assert every <= set(graded.values()) | set(reasons)  # nothing dropped without a row
    assert "Canvas download" in layout and "Moodle download" in layout and "nbgrader exchange" in layout
    assert [s.learner for s in subs] == sorted((s.learner for s in subs), key=natural_key)
    with pytest.raises(FileNotFoundError, match="must be a folder"):
        find_submissions(tmp_path / "missing", lessons)


def test_loose_names_and_natural_order():
    lessons = course_lessons()
    assert lesson_from_name("01 Neuron - Hugo", lessons).stem == "01_neuron"
    assert lesson_from_name("lesson3 final", lessons).stem == "03_activations"
    assert lesson_from_name("activations_mine", lessons).stem == "03_activations"
    assert lesson_from_name("holiday pictures", lessons) is None
    names = ["Zoë", "ada", "learner 10", "Émile", "learner 2", "Bob"]
    assert sorted(names, key=natural_key) == ["ada", "Bob", "Émile", "learner 2", "learner 10", "Zoë"]


# ------------------------------------------------------------------------------ preparing a notebook
def test_prepare_restores_check_cells_and_rejects_what_is_not_a_notebook(tmp_path):
    lesson = course_lessons()["03"]
    nb = nbformat.read(ROOT / "notebooks/03_activations.ipynb", as_version=4)
    check = next(c for c in nb.cells if c.id == lesson.exercises[0].check_cell_id)
    check.source = "print('all good')  # a learner who replaced the checks"
    nb.cells = [c for c in nb.cells if "check_softmax(softmax)" not in c.source]  # and deleted one
    path = tmp_path / "03_activations.ipynb"
    nbformat.write(nb, path)
    text, index, learner_code = prepare(path, lesson)
    cells = nbformat.reads(text, as_version=4).cells
    assert "check_step(step)" in cells[index["step"]].source
    assert "softmax" not in index and "print('all good')  # a learner who replaced the checks" in learner_code
    assert kernel_result("softmax", None, Run(), None) == (
        NOT_GRADED, "the check cell (check_softmax) is missing from the notebook", "")
    for content, reason in [(b"not json", "JSONDecodeError"), (b"\xff\xfe\x00", "UnicodeDecodeError"),
                            (b'{"cells": 3}', 'no list of "cells"'), (b"[1, 2]", 'no list of "cells"')]:
        path.write_bytes(content)
        with pytest.raises(NotANotebook, match=reason):
            prepare(path, lesson)


def test_stop_reasons():
    limits = Limits(seconds=30, memory=2**30)
    sources = ["import sys", "while True:\n    pass", "check_x(x)"]
    assert stop_reason(Run(started=[0, 1], timed_out=True), limits, sources) == "timed out after 30 s in cell 2 (`while True:`)"
    assert stop_reason(Run(started=[0], died_in=0), limits, sources) == "the kernel died in cell 1 (`import sys`)"
    assert stop_reason(Run(started=[0, 1], out_of_memory=True, ran=True), limits, sources) == (
        "memory limit 1 GiB (whole notebook) exceeded in cell 2 (`while True:`)")
    assert stop_reason(Run(started=[0, 1], memory_full=True, timed_out=True), limits, sources) == (
        "memory limit 1 GiB (whole notebook) exceeded in cell 2 (`while True:`)")  # crawling at the limit
    assert stop_reason(Run(started=[0], exit_code=137), limits, sources) == (
        "the notebook's processes were killed in cell 1 (`import sys`) (by the notebook itself?)")
    memory = Run(done={1: {"error": {"ename": "MemoryError", "evalue": ""}}}, ran=True)
    assert stop_reason(memory, limits, sources) == "memory limit 1 GiB exceeded in cell 2 (`while True:`)"
    exited = Run(done={0: {"error": {"ename": "SystemExit", "evalue": "1"}}}, ran=True)
    assert "called sys.exit() in cell 1" in stop_reason(exited, limits, sources)
    assert stop_reason(Run(ran=True), limits, sources) is None


# ------------------------------------------------------------------------------ plain data, never pickle
def test_plain_data_round_trip_and_refusals():
    value = {"a": (np.arange(6.0).reshape(2, 3), [1, 2.5, None, True, "x"]), "b": np.float64(2.5),
             "c": complex(1, 2), "d": float("nan"), "e": np.array([True, False])}
    back = decode(json.loads(json.dumps(encode(value))))
    assert np.array_equal(back["a"][0], value["a"][0]) and back["a"][1] == value["a"][1]
    assert isinstance(back["a"], tuple) and isinstance(back["b"], np.float64) and back["c"] == complex(1, 2)
    assert np.isnan(back["d"]) and back["e"].dtype == bool

    class Weird:
        def __repr__(self):
            return "<weird " + "x" * 1000 + ">"

    stand_in = decode(encode(Weird()))
    assert type(stand_in).__name__ == "Weird" and len(repr(stand_in)) <= 200
    assert type(decode(encode(np.array([object()], dtype=object)))).__name__ == "ndarray"  # opaque, not objects
    with pytest.raises(Unsendable):
        encode(lambda x: x, strict=True)
    with pytest.raises(ValueError, match="refusing"):
        decode({"__ref__": "os:system"}, allow_refs=True)
    with pytest.raises(ValueError, match="unknown"):
        decode({"__pickle__": "gASV"})
    with pytest.raises(ValueError, match="refusing dtype"):
        decode({"__nd__": "|O", "shape": [1], "b64": ""})


# ------------------------------------------------------------------------------ the judge's proxy
class KernelOnThisSide:
    """Stands in for the sandbox: runs ``callee.call`` on functions defined here (the test's own code)."""

    def __init__(self, tmp_path: Path, source: str):
        self.namespace = {"np": np}
        exec(textwrap.dedent(source), self.namespace)  # the "learner's" functions, written by this test
        self.tmp = tmp_path
        self.calls = 0

    def call(self, name, args, kwargs) -> dict:
        self.calls += 1
        request, response = self.tmp / "req.json", self.tmp / "resp.json"
        request.write_text(json.dumps({"args": args, "kwargs": kwargs}))
        callee.call(self.namespace, name, str(request), str(response))
        return json.loads(json.dumps(json.loads(response.read_text())))


def _judged(tmp_path, source: str, name: str, seed: int = 1) -> dict:
    kernel = KernelOnThisSide(tmp_path, source)
    info = callee.describe(kernel.namespace, [name])[name]
    channel = judge._Channel(None, None)
    channel.call = kernel.call
    return judge.judge_exercise(name, info, channel, np.random.default_rng(seed))


WRONG_SOFTMAX_A = """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)
"""
WRONG_SOFTMAX_B = """
def softmax(logits):
    shifted = np.exp(logits - logits.max())
    total = shifted.sum()   # another learner, other names, same misconception
    return shifted / total
"""


def test_the_judge_gives_the_checkers_own_verdict_through_plain_data(tmp_path):
    for source, check in [(WRONG_SOFTMAX_A, check_softmax), ("def relu(z):\n    return np.maximum(0, z) * 2\n", check_relu)]:
        namespace = {"np": np}
        exec(source, namespace)
        name = check.name
        direct = run_quietly(check, namespace[name])
        verdict = _judged(tmp_path, source, name)
        assert verdict["status"] == "mistake" and verdict["hint"] == direct.hint, name
    assert _judged(tmp_path, WRONG_SOFTMAX_A, "softmax")["topic"] == _judged(tmp_path, WRONG_SOFTMAX_B, "softmax")["topic"]
    right = "def relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n"
    assert _judged(tmp_path, right, "relu")["status"] == "passed"
    assert _judged(tmp_path, "def relu(z):\n    raise NotImplementedError()\n", "relu")["status"] == "not attempted"
    raised = _judged(tmp_path, "def relu(z):\n    return z.nope\n", "relu")
    assert raised["status"] == "mistake" and "AttributeError" in raised["line"]


def test_the_judge_sees_a_changed_argument_and_numpy_warnings(tmp_path):
    mutating = """
    def relu(z):
        z[z < 0] = 0
        return z
    """
    namespace = {"np": np}
    exec(textwrap.dedent(mutating), namespace)
    direct = run_quietly(check_relu, namespace["relu"])
    verdict = _judged(tmp_path, mutating, "relu")
    assert verdict["status"] == "mistake" and verdict["problem"] == direct.problem
    assert "changed its input" in verdict["problem"]
    momentum = """
    def sgd_momentum_step(params, grads, velocities, learning_rate=0.1, momentum=0.9):
        for key in params:
            velocities[key] = momentum * velocities[key] - learning_rate * grads[key]
            params[key] = params[key] + velocities[key]
    """
    assert run_quietly(check_sgd_momentum_step, lambda *a, **k: None).passed is False
    assert _judged(tmp_path, momentum, "sgd_momentum_step")["status"] in ("passed", "mistake")


def test_the_judge_catches_answers_stored_for_the_published_cases(tmp_path):
    stored = """
    import utils.checks as _c
    from utils.activations import relu as _reference
    _table = {np.asarray(case.args[0], dtype=float).tobytes(): _reference(case.args[0])
              for case in _c.check_relu.cases}

    def relu(z):
        return _table[np.asarray(z, dtype=float).tobytes()].copy()
    """
    verdict = _judged(tmp_path, stored, "relu")
    assert verdict["status"] == "mistake" and verdict.get("fresh_failed") and "published cases" in verdict["hint"]
    right = "def relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n"
    for seed in range(5):  # fresh values never fail a right answer
        assert _judged(tmp_path, right, "relu", seed)["status"] == "passed"


def test_missing_functions_and_checkers_that_need_objects(tmp_path):
    assert _judged(tmp_path, "x = 1", "relu")["status"] == "missing"
    assert judge.judge_exercise("no_such_exercise", {"exists": True, "callable": True}, None,
                                np.random.default_rng(0))["status"] == "unjudgeable"
    value_based = _judged(tmp_path, "def mul_backward(node):\n    pass\n", "mul_backward")
    assert value_based["status"] == "unjudgeable" and "plain data" in value_based["reason"]


def test_check_neuron_output_through_the_proxy(tmp_path):
    source = "def neuron_output(inputs, weights, bias):\n    return float(np.dot(inputs, weights))\n"
    namespace = {"np": np}
    exec(source, namespace)
    assert _judged(tmp_path, source, "neuron_output")["hint"] == run_quietly(check_neuron_output, namespace["neuron_output"]).hint


# ------------------------------------------------------------------------------ forgeries are flagged
def test_scan_flags_what_only_a_forgery_needs():
    lesson = course_lessons()["03"]
    cells = ["np.allclose = lambda *a, **k: True", "import utils.checks as c\nc.check_relu = lambda f: True",
             "from IPython.display import publish_display_data", "from utils.activations import relu, Softmax",
             "relu = utils.activations.relu", "import math\nmath.isclose = lambda *a: True"]
    flags = scan(cells, lesson, set())
    assert "patches numpy (assigns to np.…)" in flags and "replaces a checker (check_… = …)" in flags
    assert "publishes check results itself (a forged ✓)" in flags and "patches math (assigns to math.…)" in flags
    assert "uses the course's reference `relu` from utils.activations in its own code" in flags
    assert scan(["def relu(z):\n    return np.maximum(0, z)", "if np.allclose(a, b) == True: pass"], lesson, set()) == []
    course = {c.source.strip() for c in nbformat.read(ROOT / "notebooks/03_activations.ipynb", as_version=4).cells}
    assert scan(sorted(course), lesson, course) == []  # the course's own cells are not the learner's


# ------------------------------------------------------------------------------ CSV, report, feedback
def _grades(rows: list[Row], learners: list[str], sandboxed: bool = True) -> ClassGrades:
    lesson = course_lessons()["01"]
    notebooks = [Graded(Submission(name, lesson, Path("x"), f"{name}/01_neuron.ipynb"),
                        [r for r in rows if r.learner == name], 1.0,
                        "timed out after 1 s" if name == learners[-1] else None, 2.0) for name in learners]
    return ClassGrades(rows, notebooks, [], "bubblewrap sandbox" if sandboxed else "NO SANDBOX (--no-sandbox)",
                       sandboxed, Limits(), 2.0, 2, "folder per learner")


def test_report_groups_by_misconception_and_escapes_what_learners_wrote(tmp_path):
    evil = '<script>alert("x")</script>' + "A" * 500
    topic = "softmax summed over the whole array: use axis=-1, keepdims=True"
    rows = [Row("ann", "01_neuron", "neuron_output", True, "", PASSED),
            Row(evil, "01_neuron", "neuron_output", False, f"your function raised ValueError: {evil}", MISTAKE,
                topic=topic, section="lesson 03, section '3. Softmax'"),
            Row("cy", "01_neuron", "neuron_output", False, "another wording from other code", MISTAKE, topic=topic),
            Row("Zoë", "01_neuron", "neuron_output", False, "not implemented yet", NOT_ATTEMPTED),
            Row("dee", "01_neuron", "neuron_output", False, "not graded: timed out after 1 s", NOT_GRADED,
                flags=["patches numpy (assigns to np.…)"]),
            Row("ann", "", "", False, "a .py file", "not a notebook", "ann/x.py")]
    html = render(_grades(rows, ["ann", evil, "cy", "Zoë", "dee"]))
    assert "<script" not in html and "&lt;script&gt;" in html and "A" * 300 not in html
    assert "http://" not in html and "https://" not in html and "<link" not in html and " src=" not in html
    assert " title=" not in html  # no hover-only hint
    teach = html[html.index("What to re-explain"):html.index("Learners who need help")]
    assert "<td class='num'>2</td>" in teach and "re-explain: lesson 03, section" in teach  # two learners, one topic
    assert "Possible forgeries" in html and "patches numpy" in html
    assert "overflow: auto" in html and "position: sticky" in html and "max-width: 1240px" in html
    grid = html[html.index("class='grid'"):]
    assert grid.index(">ann<") < grid.index(">cy<") < grid.index(">dee<") < grid.index(">Zoë<")
    assert "Files not graded" in html and "ann/x.py" in html
    assert "NO SANDBOX" in render(_grades(rows, ["ann"], sandboxed=False)).split("<h2>")[0]
    page = render_feedback(_grades(rows, ["ann", "cy"]), "cy")
    assert "another wording from other code" in page and "ann" not in page.replace("cy", "")
    assert safe_name(evil) != safe_name(evil + "x") and "/" not in safe_name("../../etc")


def test_csv_has_a_status_for_every_row_and_states_no_sandbox(tmp_path):
    rows = [Row("ann", "01_neuron", "neuron_output", True, "", PASSED, "ann/01.ipynb", judged_by="judge"),
            Row("ann", "", "", False, "a .py file", "not a notebook", "ann/x.py")]
    write_csv(_grades(rows, ["ann"]), tmp_path / "a.csv")
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == CSV_COLUMNS and [r["status"] for r in table] == ["passed", "not a notebook"]
    write_csv(_grades(rows, ["ann"], sandboxed=False), tmp_path / "b.csv")
    assert (tmp_path / "b.csv").read_text().startswith("# NO SANDBOX")


def test_cli_errors_name_what_was_expected(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")])
    assert "must be a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--out", str(tmp_path / "r"), "--timeout", "0"])
    assert "must be positive" in capsys.readouterr().err
