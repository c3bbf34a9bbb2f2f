"""`make bench` times lessons and `make test` as a learner's venv (requirements.txt) has them: the modules that only
requirements-bench.txt installs are hidden from the child processes (benchmarks.environment.learner_environment)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from benchmarks.environment import OPTIONAL_MODULES, learner_environment, uses_optional_module

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, pytest
for name in {names!r}:
    try:
        importlib.import_module(name)
        print(name, "imported")
    except ModuleNotFoundError as error:
        print(name, "missing:", error.name)
    try:
        pytest.importorskip(name)
    except pytest.skip.Exception:
        print(name, "skipped")
import numpy
print("numpy", numpy.__version__ == {numpy!r})
"""


def test_a_child_process_sees_no_optional_module_but_everything_else():
    import numpy

    before = dict(os.environ)
    with learner_environment() as env:
        out = subprocess.run([sys.executable, "-c", PROBE.format(names=OPTIONAL_MODULES, numpy=numpy.__version__)],
                             env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert dict(os.environ) == before, "the bench's own process keeps its environment"
    for name in OPTIONAL_MODULES:
        assert f"{name} missing: {name}" in out and f"{name} skipped" in out, out
    assert "numpy True" in out, out


def test_the_lesson_with_an_optional_cell_is_found():
    lessons = {path.name: uses_optional_module(nbformat.read(path, as_version=4))
               for path in sorted((ROOT / "solutions").glob("*.ipynb"))}
    assert lessons["08_capstone.ipynb"], "lesson 08 compares with PyTorch in an optional cell"
    assert not lessons["01_neuron.ipynb"]


def test_children_cpu_seconds_counts_a_finished_child_and_not_its_waiting():
    from benchmarks.environment import children_cpu_seconds

    before = children_cpu_seconds()
    subprocess.run([sys.executable, "-c", "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
                    "time.sleep(0.5)"], check=True)
    used = children_cpu_seconds() - before
    assert 0.3 <= used < 0.8  # the busy 0.3 s and the interpreter's start, not the 0.5 s asleep


BURN_THEN_WAIT = """import sys, time
t = time.process_time()
while time.process_time() - t < float(sys.argv[1]):
    pass
print("burnt", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_cpu_ms_by_kind_sums_the_living_descendants_by_kind():
    from benchmarks.environment import cpu_ms_by_kind

    kinds = {"busy": ("nn-marker-busy",), "idle": ("nn-marker-idle",), "absent": ("nn-marker-nobody",)}
    before = cpu_ms_by_kind(kinds)
    children = []
    try:
        for seconds, mark in [(0.4, "nn-marker-busy"), (0.0, "nn-marker-idle")]:
            # a grandchild (through a shell): a descendant of this process, not only a child
            child = subprocess.Popen(["sh", "-c", f'"$0" -c "$1" {seconds} {mark}', sys.executable, BURN_THEN_WAIT],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            children.append(child)
            assert child.stdout.readline().strip() == "burnt"
        after = cpu_ms_by_kind(kinds)
        elsewhere = cpu_ms_by_kind(kinds, root=children[1].pid)  # below the idle shell: only the idle Python
    finally:
        for child in children:
            child.communicate("")
    assert before == {"busy": 0.0, "idle": 0.0, "absent": 0.0}
    assert 400 <= after["busy"] - before["busy"] < 1200, after  # its busy 0.4 s and the interpreter's start
    assert after["idle"] < after["busy"] - 300, after
    assert after["absent"] == 0.0
    assert elsewhere["busy"] == 0.0 and elsewhere["absent"] == 0.0 and elsewhere["idle"] <= after["idle"], elsewhere
