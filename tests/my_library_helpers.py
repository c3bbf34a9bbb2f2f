"""Build a learner's library from the course's own solutions, without a kernel (for the tests of utils.my_library).

Each solution notebook's code cells are replayed in a fresh ``__main__``-like namespace, keeping only their imports,
function and class definitions (no figures, no training); every cell is registered in ``linecache`` under its own
file name as IPython does, so ``inspect`` finds the sources. After the cell that defines an exercise, its check is
called from that namespace — exactly what a learner's check cell does — so the library's listener saves it.
"""

from __future__ import annotations

import ast
import linecache
from pathlib import Path

from utils.my_library import record

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
_CELL_COUNTER = [0]


def run_source(source: str, namespace: dict, label: str = "cell") -> None:
    """Execute ``source`` in ``namespace`` with a linecache entry, like an IPython cell."""
    _CELL_COUNTER[0] += 1
    filename = f"<test-{label}-{_CELL_COUNTER[0]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 — the course's own solution cells


def definitions_only(source: str) -> str:
    """The cell's top-level imports, functions and classes, in order (everything else dropped)."""
    tree = ast.parse(source)
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    lines = source.splitlines(keepends=True)
    parts = []
    for node in tree.body:
        if isinstance(node, keep):
            start = node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno
            parts.append("".join(lines[start - 1:node.end_lineno]))
    return "\n\n".join(parts)


def replay_lesson(lesson: str, namespace: dict | None = None) -> dict:
    """Replay a solution lesson's definitions; after each exercise's definition, call its check from the
    namespace (the listener started by ``my_library.start`` then records and saves). Returns the namespace."""
    import nbformat

    path = next(SOLUTIONS.glob(f"{lesson}_*.ipynb"))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__} if namespace is None else namespace
    exercises = record.LESSONS[lesson][1]
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = definitions_only(cell.source)
        if not source.strip():
            continue
        run_source(source, namespace, f"lesson{lesson}")
        defined = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
        for exercise in exercises:
            name = record.function_name(exercise)
            if name in defined:
                run_source(f"from utils.checks import check_{exercise}\n_result = check_{exercise}({name})\n",
                           namespace, f"check{lesson}")
    return namespace


def library_from_solutions(folder: Path, lessons) -> Path:
    """``folder/my_nn/`` made from the course's solutions of ``lessons`` (e.g. ``("03", "05")``), replayed through
    the library's real listener with the library switched on for the duration (whatever the test run's switch)."""
    import os

    from utils import my_library

    saved = os.environ.pop(record.OFF_VARIABLE, None)
    try:
        for lesson in lessons:
            my_library.start(lesson, folder=folder, kernel_only=False)
            replay_lesson(lesson)
    finally:
        my_library.stop()
        if saved is not None:
            os.environ[record.OFF_VARIABLE] = saved
    return folder
