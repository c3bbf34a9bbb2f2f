"""A hostile class, graded for real (RUN_GRADING_TESTS=1, ``make test-grading``): escape attempts as root, forged
passes, memory hogs, endless loops, odd layouts — built outside the repository, in pytest's tmp_path.

Each test says what a teacher must be able to rely on: nothing outside the grader's output changes, no pass is
forged, no file is dropped without a row, no sandbox means no grading, a course under /tmp grades."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest

from tools.grade import grade_class, main
from tools.grading.lessons import course_lessons
from tools.grading.sandbox import Limits, Sandbox, bubblewrap, cgroup_support, choose_sandbox

ROOT = Path(__file__).resolve().parent.parent
SANDBOXED = pytest.mark.skipif(os.environ.get("RUN_GRADING_TESTS") != "1" or sys.platform != "linux",
                               reason="runs notebooks for real in the sandbox: `make test-grading`")
LESSON_03 = ["step", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"]


KEEP = {"01_neuron": ("01-14", "01-15"),
        "03_activations": ("03-10", "03-11", "03-13", "03-14", "03-22", "03-23")}
#: what the kept cells need from the cells trimmed away (a lesson imports numpy where it first uses it)
IMPORTS = "import numpy as np"


def notebook(src: Path, dst: Path, after_imports: str | None = None, replace: dict[str, str] | None = None,
             append: str | None = None, trim: bool = True) -> Path:
    """A copy of a course notebook with a cell inserted after its first code cell, cells replaced by id, or a cell
    appended; ``trim``: only the imports, exercise and check cells (no figures or widgets: fast on a busy machine)."""
    nb = nbformat.read(src, as_version=4)
    if trim:
        nb.cells = [nbformat.v4.new_code_cell(IMPORTS)] + [c for c in nb.cells if c.get("id") in KEEP[src.stem]]
    for cell in nb.cells:
        if replace and cell.get("id") in replace:
            cell.source = textwrap.dedent(replace[cell.id]).strip()
    if after_imports is not None:
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first + 1, nbformat.v4.new_code_cell(textwrap.dedent(after_imports).strip()))
    if append is not None:
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(append).strip()))
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return dst


def snapshot(*folders: Path) -> dict[str, str]:
    out = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def read_csv(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("#")]
    return list(csv.DictReader(lines))


SOLUTIONS, LEARNER = ROOT / "solutions", ROOT / "notebooks"
FORGE_CHECKERS = """
    import math
    import numpy as np
    import utils.checks as checks
    from utils.checks import CheckResult
    np.allclose = lambda *a, **k: True
    np.isclose = lambda *a, **k: True
    np.array_equal = lambda *a, **k: True
    math.isclose = lambda *a, **k: True
    for _name in ["step", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"]:
        setattr(checks, "check_" + _name, lambda fn, n=_name: CheckResult(n, True, 1, "✓ check_" + n))
"""
FORGE_MIME = """
    from IPython.display import publish_display_data
    for _name in ["step", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"]:
        publish_display_data({"application/vnd.nn-course.check+json": {"name": _name, "passed": True}})
"""
WRONG_RELU_PATCHED_NUMPY = """
    def step(z):
        return (np.asarray(z) > 0).astype(float)


    def relu(z):
        return np.maximum(0.0, np.asarray(z, dtype=float)) * 2.0


    def leaky_relu(z, alpha=0.01):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, z, alpha * z)

    np.allclose = lambda *a, **k: True
    np.testing.assert_allclose = lambda *a, **k: None
"""
REFERENCE = """
    from utils.activations import leaky_relu, relu, step
"""
HARD_CODED = """
    import utils.checks as _c
    from utils.activations import softmax as _reference
    _table = {}
    for _case in _c.check_softmax.cases:
        _x = np.asarray(_case.args[0], dtype=float)
        _table[_x.tobytes()] = _reference(_x)


    def softmax(z):
        return _table[np.asarray(z, dtype=float).tobytes()].copy()
"""


def escape_cell(port: int, course: Path) -> str:
    return f"""
        import os, socket, subprocess, sys
        tried = []
        for target in [{str(course / 'utils')!r}, {str(course / 'tools')!r}, sys.prefix, "/usr", "/etc", "/"]:
            subprocess.run(["mount", "-o", "remount,rw,bind", target], capture_output=True)
            try:
                with open(os.path.join(target, "pwned.py"), "w") as f:
                    f.write("print('escaped')")
                tried.append("wrote " + target)
            except OSError:
                pass
        try:
            SHADOW = open("/etc/shadow").read()
        except OSError:
            SHADOW = ""
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
        except OSError:
            pass
        try:
            os.setuid(0)
        except OSError:
            pass
        """


def shadow_leak(name: str) -> str:
    """An exercise function that tries to carry /etc/shadow into the hint."""
    return f"""
        def {name}(inputs, weights, bias):
            try:
                secret = open("/etc/shadow").read()
            except OSError:
                secret = "no shadow here"
            raise ValueError(secret)
        """


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    if os.environ.get("RUN_GRADING_TESTS") != "1":
        pytest.skip("make test-grading")
    assert bubblewrap(), "bubblewrap must work here: apt-get install bubblewrap"
    found, problems = choose_sandbox(Limits())
    assert found is not None, problems
    return found


@SANDBOXED
def test_a_hostile_class_is_graded_right_and_nothing_outside_changes(tmp_path, sandbox):
    subs, report = tmp_path / "subs", tmp_path / "report"
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port, connections, stop = listener.getsockname()[1], [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    # lesson 01: one exercise — escapes, leaks, loops, hogs
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "escaper/01_neuron.ipynb", escape_cell(port, ROOT))
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "leaker/01_neuron.ipynb", replace={"01-14": shadow_leak("neuron_output")})
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "looper/01_neuron.ipynb", "while True:\n    pass")
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "hog/01_neuron.ipynb", """
        import glob, os, time
        import numpy as np
        for i in range(3):  # three processes of 896 MiB each: a per-process limit would let every one live
            if os.fork() == 0:
                try:
                    block = np.ones(2**27 * 7 // 8)
                    open(f"/tmp/allocated-{i}", "w").close()
                    time.sleep(30)
                finally:
                    os._exit(0)
        time.sleep(15)
        ALLOCATED = len(glob.glob("/tmp/allocated-*"))
        """, replace={"01-14": """
        import numpy as np


        def neuron_output(inputs, weights, bias):  # right only if the three blocks never existed at once
            return float(np.dot(inputs, weights) + bias) + (1000.0 if ALLOCATED >= 3 else 0.0)
        """})
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "killer/01_neuron.ipynb", "import os, signal\nos.kill(-1, signal.SIGKILL)")
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "freezer/01_neuron.ipynb", append="FREEZE = True",
             replace={"01-14": """
                 import numpy as np
                 FREEZE = False


                 def neuron_output(inputs, weights, bias):
                     while FREEZE:  # only once the notebook has run: when the grader calls it
                         pass
                     return float(np.dot(inputs, weights) + bias)
                 """})
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "honest/01_neuron.ipynb", "print('my own work')")
    # lesson 03: forgeries
    notebook(LEARNER / "03_activations.ipynb", subs / "forger/03_activations.ipynb", FORGE_CHECKERS)
    notebook(LEARNER / "03_activations.ipynb", subs / "mime/03_activations.ipynb", FORGE_MIME)
    notebook(LEARNER / "03_activations.ipynb", subs / "patcher/03_activations.ipynb", replace={"03-10": WRONG_RELU_PATCHED_NUMPY})
    notebook(LEARNER / "03_activations.ipynb", subs / "copier/03_activations.ipynb", replace={"03-10": REFERENCE})
    notebook(SOLUTIONS / "03_activations.ipynb", subs / "hardcoder/03_activations.ipynb", replace={"03-22": HARD_CODED})
    watched = snapshot(ROOT / "utils", ROOT / "tools", subs)
    venv_before = sorted(os.listdir(sys.prefix))
    limits = Limits(seconds=90, memory=int(1.5 * 2**30), call_seconds=8)
    grades = grade_class(subs, limits, jobs=2, sandbox=sandbox, progress=False)
    stop.set()
    from tools.grade import write_csv
    from tools.grading.report import write_html

    report.mkdir()
    write_csv(grades, report / "grades.csv")
    write_html(grades, report / "report.html")
    print((report / "grades.csv").read_text())  # shown when an assertion below fails

    assert snapshot(ROOT / "utils", ROOT / "tools", subs) == watched, "the course or a submission changed"
    assert sorted(os.listdir(sys.prefix)) == venv_before and not Path("/usr/pwned.py").exists()
    assert connections == [], "a notebook reached the host's network"
    rows = {(r["learner"], r["exercise"]): r for r in read_csv(report / "grades.csv")}
    text = (report / "grades.csv").read_text() + (report / "report.html").read_text()
    if Path("/etc/shadow").exists():
        secret = [line.split(":")[1] for line in Path("/etc/shadow").read_text().splitlines() if len(line.split(":")) > 2]
        assert not any(len(s) > 3 and s in text for s in secret), "a hint carried /etc/shadow"
        assert "root:" not in text

    def row(learner, exercise):
        return rows[learner, exercise]

    assert row("honest", "neuron_output")["status"] == "passed"
    assert row("escaper", "neuron_output")["status"] == "passed"  # contained, and its work is right
    assert row("leaker", "neuron_output")["status"] == "mistake"
    assert row("looper", "neuron_output")["status"] == "not graded"
    assert "timed out after 90 s" in row("looper", "neuron_output")["hint"]
    if cgroup_support()[0]:  # 2.6 GiB in three processes never existed at once under 1.5 GiB for the notebook
        assert row("hog", "neuron_output")["status"] in ("passed", "not graded"), row("hog", "neuron_output")
    assert row("killer", "neuron_output")["status"] == "not graded"
    assert row("freezer", "neuron_output")["status"] == "not graded"
    assert "did not return within 8 s" in row("freezer", "neuron_output")["hint"]
    for name in LESSON_03:  # forged checkers, numpy and result messages change nothing
        assert row("forger", name)["status"] == "not attempted", name
        assert row("mime", name)["status"] == "not attempted", name
        assert row("forger", name)["judged_by"] == "judge"
    assert "patches a module with setattr" in row("forger", "relu")["flags"]
    assert "patches numpy" in row("forger", "relu")["flags"]
    assert "forged ✓" in row("mime", "relu")["flags"]
    assert row("patcher", "relu")["status"] == "mistake" and row("patcher", "step")["status"] == "passed"
    assert "patches numpy" in row("patcher", "relu")["flags"]
    assert row("copier", "relu")["status"] == "passed"
    assert "reference `relu` from utils.activations" in row("copier", "relu")["flags"]
    assert row("hardcoder", "softmax")["status"] == "mistake"
    assert "published cases" in row("hardcoder", "softmax")["flags"]
    assert row("hardcoder", "relu")["status"] == "passed"
    html = (report / "report.html").read_text()
    assert "Possible forgeries" in html and "bubblewrap sandbox" in html
    shutil.copytree(report, Path(tempfile.gettempdir()) / "grading-hostile-report", dirs_exist_ok=True)


@SANDBOXED
def test_odd_layouts_lose_nothing_and_duplicates_go_newest_first(tmp_path, sandbox):
    subs = tmp_path / "subs"
    old = notebook(SOLUTIONS / "01_neuron.ipynb", subs / "hugo/01_neuron.ipynb", "x_old = 1")
    new = notebook(LEARNER / "01_neuron.ipynb", subs / "hugo/deep/er/01_neuron (1).ipynb")
    os.utime(old, (1_000_000, 1_000_000))
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "01 Neuron - Hugo Z.ipynb", "x = 1")
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "doejane_late_1234_56789_01_neuron-1.ipynb", "x = 2")
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "Ann Lee_4242_assignsubmission_file_/01_neuron.ipynb", "x = 3")
    inbound = "exchange/nn/inbound/bob+01_neuron+2026-12-06 10:00:00.000000 UTC+ab12/01_neuron.ipynb"
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / inbound, "x = 4")
    (subs / "hugo/notes.txt").write_text("notes")
    (subs / "hugo/mystery.ipynb").write_text("{}")
    grades = grade_class(subs, Limits(seconds=120), jobs=2, sandbox=sandbox, progress=False)
    got = {(r.learner, r.file): r.kind for r in grades.rows}
    assert got["hugo", "hugo/deep/er/01_neuron (1).ipynb"] == "not attempted"  # the newer copy is graded
    assert got["hugo", "hugo/01_neuron.ipynb"] == "duplicate"
    assert got["Hugo Z", "01 Neuron - Hugo Z.ipynb"] == "passed"
    assert got["doejane", "doejane_late_1234_56789_01_neuron-1.ipynb"] == "passed"
    assert got["Ann Lee", "Ann Lee_4242_assignsubmission_file_/01_neuron.ipynb"] == "passed"
    assert got["bob", inbound] == "passed"
    assert got["hugo", "hugo/notes.txt"] == "not a notebook"
    assert got["hugo", "hugo/mystery.ipynb"] == "unmatched name"
    every_file = {str(p.relative_to(subs)) for p in subs.rglob("*") if p.is_file()}
    assert every_file == {r.file for r in grades.rows}, "a file has no row"
    assert str(new.relative_to(subs)) in every_file


@SANDBOXED
def test_no_sandbox_refuses_and_no_sandbox_flag_is_stated_at_the_top(tmp_path, monkeypatch, capsys):
    subs = tmp_path / "subs"
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "solo/01_neuron.ipynb", "x = 1")
    monkeypatch.setenv("PATH", "/nonexistent")  # no bwrap to be found
    from tools.grading import sandbox as sandbox_module

    sandbox_module.bubblewrap.cache_clear()
    try:
        assert main([str(subs), "--out", str(tmp_path / "r1"), "--quiet"]) == 2
        assert "refusing to grade" in capsys.readouterr().err
        assert not (tmp_path / "r1").exists()
        assert main([str(subs), "--out", str(tmp_path / "r2"), "--quiet", "--no-sandbox"]) == 0
    finally:
        sandbox_module.bubblewrap.cache_clear()
    csv_text = (tmp_path / "r2/grades.csv").read_text()
    assert csv_text.startswith("# NO SANDBOX")
    assert read_csv(tmp_path / "r2/grades.csv")[0]["status"] == "passed"
    html = (tmp_path / "r2/report.html").read_text()
    assert html.index("NO SANDBOX") < html.index("What to re-explain")


@SANDBOXED
def test_nothing_graded_exits_non_zero(tmp_path, capsys):
    (tmp_path / "subs/ann").mkdir(parents=True)
    (tmp_path / "subs/ann/readme.txt").write_text("no notebooks")
    assert main([str(tmp_path / "subs"), "--out", str(tmp_path / "r"), "--quiet"]) == 1
    assert "nothing was graded" in capsys.readouterr().err
    assert read_csv(tmp_path / "r/grades.csv")[0]["status"] == "not a notebook"


@SANDBOXED
def test_a_course_and_venv_under_tmp_grade(tmp_path):
    """The sandbox's own /tmp must never hide a course or venv living under /tmp."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ("utils", "tools", "solutions", "notebooks"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["cp", "-al", sys.prefix, str(course / ".venv")], check=True)
    subs = tmp_path / "subs"
    notebook(SOLUTIONS / "01_neuron.ipynb", subs / "ann/01_neuron.ipynb", "x = 1")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONPATH"] = str(course)
    done = subprocess.run([str(course / ".venv/bin/python"), "-m", "tools.grade", str(subs), "--out",
                           str(tmp_path / "r"), "--quiet"], cwd=course, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    rows = read_csv(tmp_path / "r/grades.csv")
    assert [(r["learner"], r["status"]) for r in rows] == [("ann", "passed")]


@SANDBOXED
def test_the_self_test_catches_a_sandbox_that_leaks(monkeypatch):
    """A sandbox that mounts /etc whole and keeps the network is refused, not used."""
    from tools.grading import sandbox as sandbox_module

    real = sandbox_module.bwrap_args

    def leaky(*args, **kwargs):
        argv = real(*args, **kwargs)
        argv = [a for a in argv if a != "--unshare-all"] + []
        argv = [a for a in argv if a not in ("--hostname", "grader")]
        i = argv.index("--")
        return argv[:i] + ["--share-net", "--ro-bind", "/etc", "/etc", "--unshare-pid"] + argv[i:]

    monkeypatch.setattr(sandbox_module, "bwrap_args", leaky)
    problems = sandbox_module.self_test(Sandbox("userns", bubblewrap()), Limits())
    text = "\n".join(problems)
    if Path("/etc/shadow").exists() and os.geteuid() == 0:
        assert "read /etc/shadow" in text
    assert "network interfaces" in text or "opened a connection" in text


def test_lessons_of_the_hostile_class_exist():
    lessons = course_lessons()
    assert [e.name for e in lessons["03"].exercises] == LESSON_03
    assert [e.name for e in lessons["01"].exercises] == ["neuron_output"]
