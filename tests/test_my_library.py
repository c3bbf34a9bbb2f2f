"""The learner's own library (utils.my_library, docs/design.md §7): saving passing functions into my_nn/, the progress
record, loading them back for widgets and the capstone, and that nothing of it runs where it must not."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import nbformat
import numpy as np
import pytest

from tests.my_library_helpers import ROOT, SOLUTIONS, library_from_solutions, replay_lesson, run_source
from utils import my_library
from utils.my_library import capstone, record, save
from utils.my_library.load import use


@pytest.fixture
def library_on(monkeypatch, tmp_path):
    """The library switched on (the repository's conftest switches it off), in a temporary folder."""
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    my_library.stop()


def _notebook_namespace() -> dict:
    return {"__name__": "__main__", "__builtins__": __builtins__}


def _define(namespace: dict, source: str) -> None:
    run_source(textwrap.dedent(source), namespace)


def _check(namespace: dict, name: str):
    run_source(f"from utils.checks import check_{name}\n_result = check_{name}({name})\n", namespace)
    return namespace["_result"]


# ------------------------------------------------------------------------------ the exercise table
def test_the_exercise_table_is_the_lessons_checks():
    """record.LESSONS lists, per lesson, exactly the exercises whose check cells the solution calls, in order."""
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        lesson = path.name[:2]
        if lesson == "00":
            continue
        names: list[str] = []
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for exercise, function in re.findall(r"^check_(\w+)\((\w+)\)", cell.source, flags=re.M):
                    if exercise not in names:  # the first check of an exercise is the learner's own
                        names.append(exercise)
                        assert record.function_name(exercise) == function, (lesson, exercise)
        assert lesson in record.LESSONS, f"lesson {lesson} is missing from utils.my_library.record.LESSONS"
        assert list(record.LESSONS[lesson][1]) == names, f"lesson {lesson}"


# ------------------------------------------------------------------------------ saving
def test_a_passing_function_is_saved_with_its_helpers_imports_and_constants(library_on):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, """
        import numpy as np
        from numpy import maximum as clamp_below
        FLOOR = 0.0

        def _floor(z):
            return clamp_below(FLOOR, z)

        def relu(z):
            return _floor(np.asarray(z, dtype=float))
    """)
    assert _check(ns, "relu")
    text = (library_on / "my_nn" / "lesson03.py").read_text()
    assert "import numpy as np" in text and "from numpy import maximum as clamp_below" in text
    assert "FLOOR = 0.0" in text and "def _floor(z):" in text and text.index("def _floor") < text.index("def relu")
    progress = json.loads((library_on / "my_nn" / "progress.json").read_text())["exercises"]["relu"]
    assert progress["attempts"] == 1 and progress["passed"] and progress["lesson"] == "03"
    # the saved module imports by itself in a fresh interpreter and computes the same thing
    out = subprocess.run([sys.executable, "-c", "import my_nn; print(my_nn.relu([-1.0, 2.0]).tolist(), my_nn.BROKEN)"],
                         cwd=library_on, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[0.0, 2.0] {}"


def test_a_failing_attempt_never_overwrites_and_a_new_pass_replaces(library_on):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    module = library_on / "my_nn" / "lesson03.py"
    first = module.read_text()
    _define(ns, "def relu(z):\n    return z  # forgot the max\n")
    assert not _check(ns, "relu")
    assert module.read_text() == first
    _define(ns, "import numpy as np\n\ndef relu(z):\n    z = np.asarray(z, dtype=float)\n    return np.where(z > 0, z, 0.0)\n")
    assert _check(ns, "relu")
    assert "np.where(z > 0, z, 0.0)" in module.read_text() and "np.maximum" not in module.read_text()
    entry = my_library.read_progress()["relu"]
    assert entry["attempts"] == 3 and entry["passed"] <= entry["last_tried"]


def test_only_functions_named_like_the_exercise_are_saved_or_counted(library_on):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef my_relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    run_source("from utils.checks import check_relu\n_result = check_relu(my_relu)\n", ns)
    assert ns["_result"]
    assert not (library_on / "my_nn" / "lesson03.py").exists()
    assert my_library.read_progress() == {}


def test_checks_from_widgets_tests_and_run_quietly_are_not_recorded(library_on):
    """Only a check called from a notebook cell counts: not one called by library code, nor run_quietly."""
    from utils.checks import check_relu, run_quietly

    my_library.start("03", kernel_only=False)

    def relu(z):
        return np.maximum(0.0, np.asarray(z, dtype=float))

    assert check_relu(relu)  # called from this test module, not from __main__
    ns = _notebook_namespace()
    ns["relu"] = relu
    run_source("from utils.checks import check_relu, run_quietly\n_result = run_quietly(check_relu, relu)\n", ns)
    assert ns["_result"] and run_quietly(check_relu, relu)
    assert not (library_on / "my_nn").exists()


def test_nothing_is_written_or_read_when_switched_off(library_on, monkeypatch):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    assert (library_on / "my_nn" / "lesson03.py").exists()
    monkeypatch.setenv(record.OFF_VARIABLE, "1")
    _define(ns, "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n")
    _check(ns, "sigmoid")
    assert "sigmoid" not in (library_on / "my_nn" / "progress.json").read_text()
    assert my_library.read_progress() == {} and not use("relu").mine
    monkeypatch.delenv(record.OFF_VARIABLE)
    assert use("relu").mine


def test_start_outside_a_kernel_saves_nothing(library_on, capsys):
    my_library.start("03")  # kernel_only: a script or a test is not a notebook kernel
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    assert not (library_on / "my_nn").exists()
    assert "you have passed 0 of 6 exercises of lesson 03" in capsys.readouterr().out


class _FakeKernel:
    """Stands in for a notebook kernel's shell: keeps the post_run_cell callbacks, runs them like after a cell."""

    def __init__(self):
        self.callbacks = []
        self.events = self

    def register(self, event, callback):
        assert event == "post_run_cell"
        self.callbacks.append(callback)

    def unregister(self, event, callback):
        self.callbacks.remove(callback)

    def after_cell(self):
        for callback in list(self.callbacks):
            callback()


@pytest.fixture
def fake_kernel(library_on, monkeypatch):
    """A notebook kernel in which no lesson called ``start`` and nothing was stopped."""
    from utils.my_library import recorder

    shell = _FakeKernel()
    monkeypatch.setattr(recorder, "kernel", lambda: shell)
    monkeypatch.setattr(recorder, "_STOPPED", [False])
    recorder.stop()
    monkeypatch.setattr(recorder, "_STOPPED", [False])
    return shell


def test_the_first_check_in_a_kernel_starts_the_library_by_itself(fake_kernel, library_on, capsys):
    """No setup cell: importing starts nothing; the first check a cell calls does, and the line after that cell says
    how far the lesson is — once per lesson; a check of another lesson's exercise counts for that lesson."""
    from utils.my_library import recorder

    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n"
                "\ndef mse(y_pred, y_true):\n    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))\n")
    assert recorder.active() is None and fake_kernel.callbacks == []
    assert _check(ns, "relu")
    assert recorder.active() is not None and recorder.active().folder == library_on
    fake_kernel.after_cell()
    out = capsys.readouterr().out
    assert "→ saved `relu` to your library: my_nn/lesson03.py" in out
    assert ("→ Your library my_nn/: you have passed 1 of 6 exercises of lesson 03 (still to do: step, leaky_relu, "
            "sigmoid, tanh, softmax).") in out
    assert out.index("saved `relu`") < out.index("you have passed")
    assert "Each exercise you pass is saved there" not in out  # said by the line just above
    assert _check(ns, "relu")
    fake_kernel.after_cell()
    assert "you have passed" not in capsys.readouterr().out  # once per lesson and kernel
    assert _check(ns, "mse")
    fake_kernel.after_cell()
    assert "you have passed 1 of 5 exercises of lesson 04 (still to do: mae," in capsys.readouterr().out
    assert sorted(my_library.read_progress()) == ["mse", "relu"]
    assert my_library.read_progress()["relu"]["attempts"] == 2


def test_the_library_does_not_start_itself_where_it_must_not(fake_kernel, library_on, monkeypatch):
    """Not for a check called by library code (a widget, a test), not when switched off, not after stop(), and
    not outside a notebook kernel."""
    from utils.checks import check_relu
    from utils.my_library import recorder

    def relu(z):
        return np.maximum(0.0, np.asarray(z, dtype=float))

    assert check_relu(relu)  # called from this module, not from a notebook cell
    assert recorder.active() is None
    ns = _notebook_namespace()
    ns["relu"] = relu
    monkeypatch.setenv(record.OFF_VARIABLE, "1")
    assert _check(ns, "relu")
    assert recorder.active() is None
    monkeypatch.delenv(record.OFF_VARIABLE)
    my_library.stop()
    assert _check(ns, "relu")
    assert recorder.active() is None
    monkeypatch.setattr(recorder, "_STOPPED", [False])
    monkeypatch.setattr(recorder, "kernel", lambda: None)
    assert _check(ns, "relu")
    assert recorder.active() is None and not (library_on / "my_nn").exists()


def test_start_still_works_and_the_first_check_does_not_repeat_its_line(fake_kernel, library_on, capsys):
    my_library.start("03")
    assert "you have passed 0 of 6 exercises of lesson 03" in capsys.readouterr().out
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    fake_kernel.after_cell()
    out = capsys.readouterr().out
    assert "saved `relu`" in out and "you have passed" not in out
    my_library.stop()
    assert fake_kernel.callbacks == []


def test_bad_lesson_names_the_expected_ones():
    with pytest.raises(ValueError, match="expected one of 01, 02"):
        my_library.start("42")


# ------------------------------------------------------------------------------ the whole course
@pytest.fixture(scope="module")
def solutions_library(tmp_path_factory):
    """my_nn/ made from the course's solutions of lessons 01-09, replayed through the real listener."""
    return library_from_solutions(tmp_path_factory.mktemp("learner"), record.LESSONS)


def test_every_solution_is_saved_and_passes_again_from_the_library(solutions_library, monkeypatch, capsys):
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    everything = [name for _title, names in record.LESSONS.values() for name in names]
    assert sorted(save.saved_exercises(solutions_library)) == sorted(everything)
    results = my_library.test_my_library(solutions_library)
    assert results == dict.fromkeys(everything, True)
    out = capsys.readouterr().out
    assert f"{len(everything)} of {len(everything)} exercises pass" in out
    assert re.search(r"^  03 activations +✓ step  ✓ relu  ✓ leaky_relu  ✓ sigmoid  ✓ tanh  ✓ softmax$", out, flags=re.M)
    rows = record.progress_rows(my_library.read_progress(solutions_library))
    assert all(row["state"] == "done" for row in rows)


def test_the_capstone_on_the_solutions_library_matches_the_course(solutions_library, monkeypatch, digits_split):
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    result = capstone.compare_digits(*digits_split, epochs=2, folder=solutions_library, verbose=False)
    assert sorted(result.yours) == sorted(capstone.PIECES) and not result.problems
    assert result.gradient_error <= 1e-10 and result.gradient_check < 1e-5
    assert result.your_accuracy == result.course_accuracy and result.same_predictions and result.same_confusion
    assert result.weight_error < 1e-8


def test_the_capstone_on_an_empty_library_says_every_piece_is_the_courses(tmp_path, monkeypatch, digits_split,
                                                                          capsys):
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    result = capstone.compare_digits(*digits_split, epochs=2, folder=tmp_path)
    out = capsys.readouterr().out
    assert result.yours == [] and f"0 of {len(capstone.PIECES)} pieces are yours yet" in out
    assert result.your_accuracy == result.course_accuracy and result.gradient_error <= 1e-10
    assert not (tmp_path / "my_nn").exists()


def test_the_capstone_reports_a_broken_piece_instead_of_crashing(solutions_library, tmp_path, monkeypatch,
                                                                digits_split, capsys):
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    my_library.start("03", kernel_only=False)
    try:
        ns = _notebook_namespace()
        _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
        assert _check(ns, "relu")
    finally:
        my_library.stop()
    module = tmp_path / "my_nn" / "lesson03.py"  # the learner edits the saved file by hand and breaks it
    module.write_text(module.read_text().replace("return np.maximum(0.0, np.asarray(z, dtype=float))", "return None"))
    save_json = tmp_path / "my_nn" / record.SOURCES_NAME
    save_json.touch()
    os.utime(save_json, ns=(save_json.stat().st_mtime_ns + 10**9,) * 2)  # the loader re-reads a changed library
    result = capstone.compare_digits(*digits_split, epochs=1, folder=tmp_path)
    assert result.problems and "your relu (my_nn/lesson03.py) returned None" in result.problems[0]
    assert "your network stopped" in capsys.readouterr().out


@pytest.fixture(scope="module")
def digits_split():
    from utils.data import digits, train_validation_test_split

    X, y = digits()
    X_train, _X_val, X_test, y_train, _y_val, y_test = train_validation_test_split(X, y, 0.2, 0.2, seed=0)
    return X_train, y_train, X_test, y_test


# ------------------------------------------------------------------------------ pieces for widgets
def test_a_piece_never_raises_and_says_whose_code_failed(library_on):
    ns = _notebook_namespace()
    my_library.start("03", kernel_only=False)
    _define(ns, "import numpy as np\n\ndef sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
                "    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n")
    assert _check(ns, "sigmoid")
    piece = use("sigmoid")
    assert piece.mine and piece.whose == "your sigmoid (my_nn/lesson03.py)"
    z = np.linspace(-3, 3, 7)
    assert np.allclose(piece.call(z, like=z).value, 1 / (1 + np.exp(-z)))
    course = use("relu")
    assert not course.mine and course.whose == "the course's relu"
    broken_versions = [(_raiser, "raised ValueError: oops"), (lambda z: None, "returned None"),
                       (lambda z: z[:2], "returned shape (2,), expected (7,)"),
                       (lambda z: z * np.nan, "returned NaN or inf"), (lambda z: "text", "returned a str")]
    for fn, words in broken_versions:
        outcome = my_library.Piece("sigmoid", fn, True, "your sigmoid", piece.fallback).call(z, like=z)
        assert not outcome and outcome.value is None and outcome.error == f"your sigmoid {words}" or \
            words in outcome.error, outcome.error


def test_widget_lines_say_whose_code_runs(library_on):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    line = my_library.whose_html(use("relu"), use("sigmoid"))
    assert "runs <b>your relu (my_nn/lesson03.py)</b>" in line
    assert "the course&#x27;s sigmoid (pass <code>check_sigmoid</code> in lesson 03 and it runs yours)" in line
    assert my_library.error_html("your relu raised <oops>") == (
        '<span class="nn-learner-error" style="color:#c0262d">⚠ your relu raised &lt;oops&gt;</span>')


def _raiser(z):
    raise ValueError("oops")


# ------------------------------------------------------------------------------ progress
def test_progress_table_and_where_to_go_next(library_on, capsys):
    record.record_attempt(None, "01", "neuron_output", True)
    record.record_attempt(None, "02", "layer_output", False)
    text = record.progress_text(my_library.read_progress())
    assert re.search(r"01 a neuron\s+1 / 1\s+done", text) and re.search(r"02 a layer\s+0 / 1\s+tried", text)
    assert "Where to go next: finish `layer_output` in lesson 02 (a layer)" in text
    html = my_library.show_progress()._repr_html_()
    assert "✓&nbsp;neuron_output" in html and "~&nbsp;layer_output" in html
    my_library.start("02", kernel_only=False)
    assert "you have passed 0 of 1 exercises of lesson 02" in capsys.readouterr().out
    from tools import progress

    assert progress.main([str(library_on)]) == 0
    assert "Where to go next: finish `layer_output` in lesson 02 (a layer)" in capsys.readouterr().out


def test_make_progress_needs_only_the_standard_library(library_on):
    record.record_attempt(None, "01", "neuron_output", True)
    code = ("import sys; sys.modules['numpy'] = None; from tools import progress; "
            f"progress.main([{str(library_on)!r}])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"01 a neuron\s+1 / 1\s+done", out)


def test_the_grader_ignores_my_nn(tmp_path):
    from tools.grading.collect import find_submissions
    from tools.grading.lessons import course_lessons

    learner = tmp_path / "ada"
    (learner / "my_nn").mkdir(parents=True)
    (learner / "my_nn" / "lesson03.py").write_text("def relu(z):\n    return z\n")
    (learner / "my_nn" / "progress.json").write_text("{}")
    lessons = course_lessons(SOLUTIONS)
    source = next(SOLUTIONS.glob("03_*.ipynb"))
    nb = nbformat.read(source, as_version=4)
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    first_code.source += "\n# ada's copy"  # a learner's own notebook, not a verbatim copy of the course's solutions
    nbformat.write(nb, learner / source.name)
    submissions, skipped, _layout = find_submissions(tmp_path, lessons)
    assert [s.path.name for s in submissions] == [source.name]
    # my_nn/ is not graded, and the report says so in one row instead of one per file inside it
    assert [(row.rel, row.status) for row in skipped] == [("ada/my_nn", "not a notebook")]


# ------------------------------------------------------------------------------ a real kernel
def test_a_lesson_run_in_a_kernel_writes_a_library_a_fresh_kernel_imports(tmp_path):
    """Lesson 03 (solutions) in a kernel started in a temporary folder, as it is — no setup cell, no
    ``my_library.start``: the first check starts the library by itself and says how far the learner is, once; every
    check passes and saves; a second, fresh kernel imports my_nn and its functions pass their checks again."""
    from nbclient import NotebookClient

    nb = nbformat.read(next(SOLUTIONS.glob("03_*.ipynb")), as_version=4)
    assert not any("my_library" in cell.source for cell in nb.cells if cell.cell_type == "code")
    # the lesson's own cells that matter here: the exercises and every check (figures and widgets left out), after
    # the imports of the cells left out
    functions = [f"def {record.function_name(name)}(" for name in record.LESSONS["03"][1]]
    kept = [cell for cell in nb.cells if cell.cell_type == "code" and (
        "check_" in cell.source or any(f in cell.source for f in functions))]
    imports = sorted({line for cell in nb.cells if cell.cell_type == "code" and cell not in kept
                      for line in cell.source.splitlines() if line.startswith(("import ", "from "))})
    nb.cells = [nbformat.v4.new_code_cell("\n".join(imports)), *kept]
    env = {k: v for k, v in os.environ.items() if k != record.OFF_VARIABLE}
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    printed = "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    line = ("→ Your library my_nn/: you have passed 1 of 6 exercises of lesson 03 (still to do: relu, leaky_relu, "
            "sigmoid, tanh, softmax).")
    assert printed.count("Your library my_nn/") == 1 and line in printed, printed
    assert printed.index("saved `step` to your library") < printed.index(line)
    assert "saved `softmax` to your library: my_nn/lesson03.py" in printed
    fresh = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import numpy as np\nimport my_nn\nfrom utils import my_library\n"
        "print(my_nn.softmax(np.array([[1.0, 2.0, 3.0]])).round(3).tolist(), my_nn.BROKEN)\n"
        "print(my_library.use('sigmoid').whose)\n"
        "_ = my_library.test_my_library()")])
    NotebookClient(fresh, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    out = "".join(o.get("text", "") for o in fresh.cells[0].outputs)
    assert "[[0.09, 0.245, 0.665]] {}" in out and "your sigmoid (my_nn/lesson03.py)" in out
    assert re.search(r"^  03 activations +✓ step  ✓ relu  ✓ leaky_relu  ✓ sigmoid  ✓ tanh  ✓ softmax$", out, flags=re.M)
    assert re.search(r"^  01 a neuron +· neuron_output$", out, flags=re.M)
    progress = json.loads((tmp_path / "my_nn" / "progress.json").read_text())["exercises"]
    assert sorted(progress) == sorted(record.LESSONS["03"][1])
    assert all(entry["passed"] for entry in progress.values())


# ------------------------------------------------------------------------------ optimizers on the learner's steps
def _trained(opt, steps=5):
    from utils.model import make_mlp

    X = np.random.default_rng(1).standard_normal((20, 2))
    y = (X[:, 0] > 0).astype(int)
    net = make_mlp([2, 4, 2], rng=np.random.default_rng(0))
    for _ in range(steps):
        net.backward(net.forward(X), y)
        opt.step(net.layers)
    return np.concatenate([p.ravel() for layer in net.layers if hasattr(layer, "parameters")
                           for p in layer.parameters().values()])


def test_an_optimizer_on_the_learners_adam_step_matches_the_courses_adam(library_on):
    from utils.optimizers import SGD, Adam

    my_library.start("07", kernel_only=False)
    ns = _notebook_namespace()
    replay_lesson("07", ns)
    adam = my_library.optimizer("Adam", 0.02)
    assert adam.piece.mine and adam.whose == "your adam_step (my_nn/lesson07.py)"
    assert np.allclose(_trained(adam), _trained(Adam(0.02)), rtol=1e-12, atol=1e-14) and adam.error is None
    momentum = my_library.optimizer("momentum", 0.1)
    assert momentum.piece.mine
    assert np.allclose(_trained(momentum), _trained(SGD(0.1, momentum=0.9)), rtol=1e-12, atol=1e-14)


def test_an_optimizer_whose_learner_step_fails_says_so_and_keeps_training(library_on):
    from utils.optimizers import Adam

    my_library.start("07", kernel_only=False)
    replay_lesson("07")
    adam = my_library.optimizer("Adam", 0.02)
    adam.piece.fn = lambda *args: None  # the learner's function breaks (e.g. edited in my_nn/ by hand)
    assert np.allclose(_trained(adam), _trained(Adam(0.02)), rtol=1e-12, atol=1e-14)
    assert adam.error == "your adam_step (my_nn/lesson07.py) returned None (is a `return` missing?) — the course's " \
                         "version takes over"
    assert not adam.piece.mine and adam.whose == "the course's adam_step"
    with pytest.raises(ValueError, match="expected 'SGD', 'momentum' or 'Adam', got 'adamw'"):
        my_library.optimizer("adamw", 0.1)


def test_testing_the_library_shows_a_function_that_no_longer_passes(library_on, capsys):
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    module = library_on / "my_nn" / "lesson03.py"  # edited by hand after it passed
    module.write_text(module.read_text().replace("np.maximum(0.0, ", "np.minimum(0.0, "))
    sources = library_on / "my_nn" / record.SOURCES_NAME
    os.utime(sources, ns=(sources.stat().st_mtime_ns + 10**9,) * 2)
    capsys.readouterr()
    assert my_library.test_my_library() == {"relu": False}
    out = capsys.readouterr().out
    assert "0 of 36 exercises pass" in out and "· step  ✗ relu  · leaky_relu" in out
    assert re.search(r"^  03 relu: ✗ check_relu", out, flags=re.M)


def test_a_function_imported_back_from_my_nn_is_saved_with_its_helpers(library_on):
    """check_relu(relu) where relu came from `from my_nn import relu`: the module is written from sources, it never
    imports from itself."""
    my_library.start("03", kernel_only=False)
    ns = _notebook_namespace()
    _define(ns, "import numpy as np\n\ndef _floor(z):\n    return np.maximum(0.0, z)\n\n"
                "def relu(z):\n    return _floor(np.asarray(z, dtype=float))\n")
    assert _check(ns, "relu")
    code = ("import sys\nsys.path.insert(0, '.')\nfrom my_nn import relu\nfrom utils import my_library\n"
            "from utils.my_library import save\nsnap = save.capture(relu, 'relu')\n"
            "save.save(None, '03', 'relu', snap)\nimport importlib, my_nn\nimportlib.reload(my_nn.lesson03)\n"
            "print(my_nn.lesson03.relu([-2.0, 3.0]).tolist(), snap.imports)")
    out = subprocess.run([sys.executable, "-c", code], cwd=library_on, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != record.OFF_VARIABLE})
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip() == "[0.0, 3.0] ['import numpy as np']"
    assert "from ." not in (library_on / "my_nn" / "lesson03.py").read_text()
