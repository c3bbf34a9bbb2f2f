"""The house (docs/design.md §0): utils/ holds only what lessons import, tools/ the course's machinery; no import
cycles, no upward imports, nothing happens on import, and every room is small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UTILS, TOOLS = ROOT / "utils", ROOT / "tools"

BIG_ROOMS = {
    "utils/checks/autograd.py": "lesson 09's five exercises: the graphs they run on, their drivers and known mistakes",
}
"""Modules allowed over ``MAX_LINES``, each with the reason (docs/design.md lists them too)."""
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The course modules (utils.*, tools.*) a file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ("utils", "tools")}


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "node_modules" not in p.parts)


def test_utils_never_imports_the_course_machinery():
    for path in _python_files(UTILS):
        upward = {name for name in _imports(path) if name.startswith("tools")}
        assert not upward, f"{path.relative_to(ROOT)} imports {upward}: lessons import utils, never tools/"


def test_the_machinery_lives_in_tools_not_utils():
    machinery = {"build", "work", "grade", "grading", "slides", "screenshots", "nbgrader_export"}
    assert not {p.stem for p in UTILS.iterdir()} & machinery
    assert machinery <= {p.stem for p in TOOLS.iterdir()}


@pytest.mark.parametrize("folder", [UTILS, TOOLS], ids=["utils", "tools"])
def test_no_import_cycles(folder):
    modules = {_module_name(p): p for p in _python_files(folder)}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            # `from utils.widgets import engine` names the module utils.widgets.engine, `from utils import x` a name
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])


def test_every_room_is_small_enough_to_read():
    for path in _python_files(UTILS):
        rel = str(path.relative_to(ROOT))
        lines = len(path.read_text().splitlines())
        if rel in BIG_ROOMS:
            continue
        assert lines <= MAX_LINES, f"{rel} has {lines} lines (> {MAX_LINES}): split it by idea, or list it in BIG_ROOMS"


def test_importing_the_library_changes_nothing():
    """No thread pools, registries or matplotlib style changes on import (docs/design.md §0)."""
    modules = sorted(_module_name(p) for p in _python_files(UTILS))
    script = f"""
import threading, matplotlib
before = dict(matplotlib.rcParams)
threads = threading.active_count()
import importlib
for name in {modules!r}:
    importlib.import_module(name)
changed = sorted(k for k, v in matplotlib.rcParams.items() if before.get(k) != v)
assert not changed, f"importing utils changed rcParams: {{changed[:5]}}"
assert threading.active_count() == threads, "importing utils started a thread"
print("ok", len({modules!r}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("ok")
