"""Saving a passing function into ``my_nn/``: its source, the helper functions and imports it needs.

``capture(fn)`` reads the function's source (the notebook cell it was defined in, through ``inspect``) and resolves
every global name it uses in the notebook's namespace: a module becomes an import line (``import numpy as np``), a
function or class the notebook defined comes along with its own source (and, in turn, what it needs), a function
imported from elsewhere becomes ``from module import name``, a plain constant (number, text) is written as an
assignment. A name that cannot be written as source (an array the notebook computed) is listed in the module as
not saved, so the learner sees why a call of the saved function would fail.
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import linecache
import os
import sys
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

from utils.my_library import record

_CONSTANTS = (bool, int, float, complex, str, bytes, type(None))


@dataclass
class Snapshot:
    """What ``capture`` found for one function: ``imports`` (lines), ``definitions`` (name, source) in the order
    they must be written (helpers first), ``notes`` (names not saved, with why) and ``name`` (the function's own)."""

    name: str
    imports: list[str] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _class_source(cls: type) -> str:
    """A notebook class's source: ``inspect`` cannot find it in ``__main__`` before Python 3.13, so look for the
    ``class`` statement in the cell one of its methods came from."""
    with_source = [v for v in vars(cls).values() if isinstance(v, types.FunctionType)]
    for method in with_source:
        lines = linecache.getlines(method.__code__.co_filename)
        if not lines:
            continue
        text = "".join(lines)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                segment = ast.get_source_segment(text, node, padded=True)
                start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                if segment is not None:
                    return textwrap.dedent("".join(lines[start - 1:node.end_lineno]))
    return textwrap.dedent(inspect.getsource(cls))


def source_of(obj: object) -> str:
    """The source of a function or class defined in a notebook cell (or a file), dedented, ending in a newline."""
    text = _class_source(obj) if isinstance(obj, type) else textwrap.dedent(inspect.getsource(obj))
    return text if text.endswith("\n") else text + "\n"


_GLOBAL_OPS = frozenset({"LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL"})


def _code_names(code: types.CodeType) -> set[str]:
    """Global names a code object and its nested functions/comprehensions look up (not attributes, not locals)."""
    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in _GLOBAL_OPS}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def global_names(obj: object, source: str) -> list[str]:
    """Names the object reads from its module's globals, in order of first use.

    A function: names loaded in its source (decorators, defaults, body) that its compiled code looks up as
    globals. A class: every name loaded in its body (its methods' locals are filtered out by the caller, who only
    keeps names the notebook actually defines)."""
    tree = ast.parse(source)
    loaded = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in loaded:
            loaded.append(node.id)
    if isinstance(obj, types.FunctionType):
        looked_up = _code_names(obj.__code__)
        top = tree.body[0] if tree.body else None
        outside = set()  # decorators and defaults run in the notebook's namespace, not in the function
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef):
            for part in [*top.decorator_list, *top.args.defaults, *[d for d in top.args.kw_defaults if d]]:
                outside |= {n.id for n in ast.walk(part) if isinstance(n, ast.Name)}
        return [name for name in loaded if name in looked_up or name in outside]
    return loaded


def _import_line(alias: str, value: object) -> str | None:
    """``import numpy as np`` / ``from math import exp`` for a module or an importable object, else None."""
    if isinstance(value, types.ModuleType):
        name = value.__name__
        if name.startswith(record.DIR_NAME + "."):
            return f"from . import {name.split('.', 1)[1]} as {alias}"
        return f"import {name}" if name == alias else f"import {name} as {alias}"
    module = getattr(value, "__module__", None)
    own = getattr(value, "__name__", None)
    if not module or not own or module == "__main__" or module == "builtins":
        return None
    if getattr(sys.modules.get(module), own, None) is not value:
        return None
    if module.startswith(record.DIR_NAME + "."):  # the learner's own function from another lesson of my_nn
        module = "." + module.split(".", 1)[1]
    return f"from {module} import {own}" if own == alias else f"from {module} import {own} as {alias}"


def _is_notebook_object(value: object) -> bool:
    """A function or class the notebook defined — or one it imported from ``my_nn`` (saved again with its source,
    so a lesson module never imports from itself)."""
    module = str(getattr(value, "__module__", None))
    return isinstance(value, types.FunctionType | type) and (
        module == "__main__" or module.startswith(record.DIR_NAME + "."))


def capture(fn: types.FunctionType, name: str | None = None) -> Snapshot:
    """Everything needed to write ``fn`` into a module of its own: see the module docstring.

    ``name``: the exercise's name; when the function is called differently, an alias line ``name = fn`` is added.
    Raises ``TypeError`` for something that is not a Python function, ``OSError`` when its source is not available.
    """
    if not isinstance(fn, types.FunctionType):
        raise TypeError(f"capture: expected a Python function, got {type(fn).__name__}")
    snapshot = Snapshot(name=fn.__name__)
    seen: set[int] = set()
    namespace = fn.__globals__

    def visit(obj: object, own_name: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        source = source_of(obj)
        for used in global_names(obj, source):
            if used == own_name or used in vars(builtins) and used not in namespace:
                continue
            if used not in namespace:
                continue  # a local of a class body or a name the function never reaches: nothing to save
            value = namespace[used]
            if _is_notebook_object(value):
                visit(value, used)
                if getattr(value, "__name__", used) != used:
                    snapshot.definitions.append((used, f"{used} = {value.__name__}\n"))
                continue
            line = _import_line(used, value)
            if line is not None:
                if line not in snapshot.imports:
                    snapshot.imports.append(line)
            elif isinstance(value, _CONSTANTS) or (isinstance(value, tuple) and all(
                    isinstance(v, _CONSTANTS) for v in value)):
                text = repr(float(value)) if isinstance(value, float) else repr(value)
                snapshot.definitions.append((used, f"{used} = {text}\n"))
            elif not isinstance(obj, type):
                snapshot.notes.append(f"{used} (a {type(value).__name__} your notebook computed) is not saved")
        snapshot.definitions.append((own_name, source))

    visit(fn, fn.__name__)
    if name and name != fn.__name__:
        snapshot.definitions.append((name, f"{name} = {fn.__name__}\n"))
    return snapshot


# ------------------------------------------------------------------------------ writing my_nn/
def _module_text(lesson: str, entries: dict[str, dict]) -> str:
    """The source of ``my_nn/lessonNN.py`` from the saved entries (exercise -> snapshot as a dict)."""
    title = record.LESSONS.get(lesson, ("",))[0]
    order = [name for name in record.LESSONS.get(lesson, ("", ()))[1] if name in entries]
    order += sorted(name for name in entries if name not in order)
    imports: list[str] = []
    definitions: dict[str, tuple[str, str]] = {}  # name -> (source, saved when); the newest version wins
    positions: list[str] = []
    notes: list[str] = []
    for exercise in order:
        entry = entries[exercise]
        imports += [line for line in entry["imports"] if line not in imports]
        notes += [note for note in entry.get("notes", []) if note not in notes]
        for name, source in entry["definitions"]:
            if name not in positions:
                positions.append(name)
            if name not in definitions or entry["saved"] >= definitions[name][1]:
                definitions[name] = (source, entry["saved"])
    exercise_of = {exercise: entries[exercise]["saved"] for exercise in order}
    parts = [f'"""Your library, lesson {lesson} ({title}): the functions you wrote that passed their checks.\n\n'
             "Written by the course each time a check passes (a failing attempt never replaces a passing one).\n"
             'Change a function in your notebook and pass its check again to replace it here.\n"""\n']
    future = [line for line in imports if line.startswith("from __future__")]
    plain = sorted(line for line in imports if line.startswith("import "))
    relative = sorted(line for line in imports if line.startswith("from ."))
    other = sorted(line for line in imports if line not in future + plain + relative)
    if imports:
        parts.append("\n".join(future + plain + other + relative) + "\n")
    for note in notes:
        parts.append(f"# note: {note}\n")
    for name in positions:
        source, _saved = definitions[name]
        header = f"# {name}: passed check_{name}, saved {exercise_of[name]}\n" if name in exercise_of else ""
        parts.append(header + source)
    parts.append(f"__all__ = {order!r}\n")
    return "\n\n".join(parts)


_INIT = '''"""Your own neural-network library: every function you wrote that passed its check, one module per lesson.

Written by the course (utils.my_library); ``import my_nn`` in a notebook beside this folder. A lesson module that
fails to import is listed in ``BROKEN`` instead of breaking the others.
"""

import importlib as _importlib

LESSONS = {lessons!r}
BROKEN = {{}}
for _lesson in LESSONS:
    try:
        _module = _importlib.import_module(f"{{__name__}}.{{_lesson}}")
    except Exception as _error:  # noqa: BLE001 — one broken lesson must not hide the others
        BROKEN[_lesson] = f"{{type(_error).__name__}}: {{_error}}"
        continue
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
'''


def save(folder: str | os.PathLike | None, lesson: str, exercise: str, snapshot: Snapshot,
         when: str | None = None) -> Path:
    """Store ``snapshot`` as ``exercise`` of ``lesson`` in ``my_nn/library.json`` and rewrite ``my_nn/lessonNN.py``
    and ``my_nn/__init__.py`` atomically; returns the lesson module's path."""
    directory = record.library_dir(folder)
    when = when or record.now()
    entry = {"function": snapshot.name, "imports": snapshot.imports,
             "definitions": [list(d) for d in snapshot.definitions], "notes": snapshot.notes, "saved": when}

    def change(state: dict) -> None:
        state.setdefault("lessons", {}).setdefault(lesson, {})[exercise] = entry

    with record.locked(directory):
        path = directory / record.SOURCES_NAME
        state = record.read_json(path)
        change(state)
        state["format"] = record.FORMAT
        import json

        record.write_atomically(path, json.dumps(state, indent=1, sort_keys=True) + "\n")
        lessons = state["lessons"]
        module = directory / f"lesson{lesson}.py"
        record.write_atomically(module, _module_text(lesson, lessons[lesson]))
        names = [f"lesson{n}" for n in sorted(lessons)]
        record.write_atomically(directory / "__init__.py", _INIT.format(lessons=names))
    return module


def saved_exercises(folder: str | os.PathLike | None = None) -> dict[str, str]:
    """exercise -> lesson for every function saved in ``my_nn/`` (empty when the library is off)."""
    if not record.enabled():
        return {}
    lessons = record.read_json(record.library_dir(folder) / record.SOURCES_NAME).get("lessons", {})
    return {exercise: lesson for lesson, entries in sorted(lessons.items()) for exercise in entries}


def module_path(folder: str | os.PathLike | None, lesson: str) -> Path:
    """``my_nn/lessonNN.py``."""
    return Path(record.library_dir(folder)) / f"lesson{lesson}.py"
