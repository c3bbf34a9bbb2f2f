"""`make work` (python -m tools.work): missing lessons are copied, a learner's file is never overwritten, and a
newer course version goes beside it."""

import json
import os
import subprocess
import sys

import pytest

from tools import work as work_module
from tools.work import update_work


@pytest.fixture
def course(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("00_start_here", "01_neuron", "02_layer"):
        (notebooks / f"{name}.ipynb").write_text(f'{{"lesson": "{name}", "version": 1}}')
    return notebooks, tmp_path / "work"


def kinds(actions):
    return {a.lesson: a.kind for a in actions}


def test_first_run_copies_every_lesson(course):
    notebooks, work = course
    actions = update_work(notebooks, work)
    assert kinds(actions) == {"00_start_here": "copied", "01_neuron": "copied", "02_layer": "copied"}
    for source in notebooks.iterdir():
        assert (work / source.name).read_bytes() == source.read_bytes()


def test_second_run_changes_nothing(course):
    notebooks, work = course
    update_work(notebooks, work)
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    assert set(kinds(update_work(notebooks, work)).values()) == {"up-to-date"}
    assert {p.name: p.read_bytes() for p in work.iterdir()} == before


def test_learner_edits_survive_and_missing_lesson_is_copied_again(course):
    notebooks, work = course
    update_work(notebooks, work)
    solved = work / "01_neuron.ipynb"
    solved.write_text('{"my": "solution"}')
    (work / "02_layer.ipynb").unlink()
    actions = kinds(update_work(notebooks, work))
    assert actions == {"00_start_here": "up-to-date", "01_neuron": "up-to-date", "02_layer": "copied"}
    assert solved.read_text() == '{"my": "solution"}'
    assert not list(work.glob("*.new*.ipynb"))


def test_newer_course_version_goes_beside_the_learners_file(course):
    notebooks, work = course
    update_work(notebooks, work)
    (work / "01_neuron.ipynb").write_text('{"my": "solution"}')
    (notebooks / "01_neuron.ipynb").write_text('{"lesson": "01_neuron", "version": 2}')
    actions = update_work(notebooks, work)
    assert kinds(actions)["01_neuron"] == "new-version"
    assert (work / "01_neuron.ipynb").read_text() == '{"my": "solution"}'
    assert (work / "01_neuron.new.ipynb").read_text() == '{"lesson": "01_neuron", "version": 2}'
    assert "newer version" in next(a for a in actions if a.lesson == "01_neuron").message()
    # running again does not make another copy
    assert kinds(update_work(notebooks, work))["01_neuron"] == "up-to-date"
    assert sorted(p.name for p in work.glob("01_neuron*")) == ["01_neuron.ipynb", "01_neuron.new.ipynb"]


def test_a_third_version_never_overwrites_the_learners_work_in_the_new_copy(course):
    notebooks, work = course
    update_work(notebooks, work)
    (notebooks / "01_neuron.ipynb").write_text('{"version": 2}')
    update_work(notebooks, work)
    (work / "01_neuron.new.ipynb").write_text('{"worked on": "version 2"}')
    (notebooks / "01_neuron.ipynb").write_text('{"version": 3}')
    update_work(notebooks, work)
    assert (work / "01_neuron.new.ipynb").read_text() == '{"worked on": "version 2"}'
    assert (work / "01_neuron.new-2.ipynb").read_text() == '{"version": 3}'


def test_a_file_copied_by_hand_counts_as_the_learners_own(course):
    notebooks, work = course
    work.mkdir()
    (work / "00_start_here.ipynb").write_bytes((notebooks / "00_start_here.ipynb").read_bytes())  # same as course
    (work / "01_neuron.ipynb").write_text('{"hand": "copied and edited"}')
    actions = kinds(update_work(notebooks, work))
    assert actions["00_start_here"] == "up-to-date"
    assert actions["01_neuron"] == "new-version"
    assert (work / "01_neuron.ipynb").read_text() == '{"hand": "copied and edited"}'


def test_a_broken_record_is_not_fatal(course):
    notebooks, work = course
    update_work(notebooks, work)
    (work / work_module.RECORD_NAME).write_text("not json")
    assert set(kinds(update_work(notebooks, work)).values()) == {"up-to-date"}
    assert json.loads((work / work_module.RECORD_NAME).read_text())


def test_bad_folders_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebooks folder"):
        update_work(tmp_path / "missing", tmp_path / "work")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "work").write_text("a file")
    with pytest.raises(NotADirectoryError, match="expected .* to be a folder"):
        update_work(tmp_path / "notebooks", tmp_path / "work")


def test_command_line_reports_and_the_course_notebooks_find_utils_from_work(course):
    notebooks, work = course
    out = subprocess.run([sys.executable, "-m", "tools.work", "--notebooks", str(notebooks), "--work", str(work)],
                         capture_output=True, text=True, check=True, cwd=work_module.ROOT).stdout
    assert "3 copied" in out and "nothing overwritten" in out
    # the lessons import utils as an installed package, so they find it from work/ as from notebooks/
    found = subprocess.run([sys.executable, "-c", "import utils, pathlib; print(pathlib.Path(utils.__file__).parent)"],
                           capture_output=True, text=True, check=True, cwd=work).stdout.strip()
    assert found == str(work_module.ROOT / "utils")


def test_work_is_ignored_by_git():
    gitignore = (work_module.ROOT / ".gitignore").read_text().split()
    assert "work/" in gitignore


def test_a_pulled_course_on_pythonpath_is_the_one_a_lesson_imports(tmp_path):
    """The hub recipe (docs/hub.md): nbgitpuller's copy of the course on PYTHONPATH wins over any installed one."""
    import shutil
    import site

    pulled = tmp_path / "nn-course"
    shutil.copytree(work_module.ROOT / "utils", pulled / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    (pulled / "notebooks").mkdir()
    env = {"PYTHONPATH": str(pulled), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    code = "import utils, pathlib; from utils.layers import Dense; print(pathlib.Path(utils.__file__).parent)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=pulled / "notebooks")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(pulled / "utils")
    # and with no install at all (no site-packages .pth, as in an image built without the course): still found
    env["PYTHONPATH"] = os.pathsep.join([str(pulled), *site.getsitepackages()])
    bare = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env,
                          cwd=pulled / "notebooks")
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout.strip() == str(pulled / "utils")
