"""Running the learner's function and reading their source: what a call raised and on which of *their*
lines, their parameter names, and the line of theirs that wrote into an argument (never guessed: read from the
source, or nothing is said)."""

from __future__ import annotations

import contextlib
import copy
import inspect
import os
import re
import sysconfig
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np


class _Raised:
    """What a call raised (kept instead of an output, so two failures can be compared).

    ``where``: the learner's own line that raised, as ``(function name, line number, source text)``.
    """

    def __init__(self, exc: BaseException):
        self.type = type(exc)
        self.message = str(exc).strip()
        self.where = _learner_frame(exc)

    def __str__(self) -> str:
        return f"{self.type.__name__}: {self.message}"


# ------------------------------------------------------------------------------ running
def _library_dirs() -> tuple[str, ...]:
    dirs = {os.path.dirname(os.path.abspath(__file__)), os.path.dirname(np.__file__)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(Exception):
            dirs.add(sysconfig.get_paths()[key])
    return tuple(os.path.abspath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()
_UTILS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _learner_frame(exc: BaseException) -> tuple[str, int, str] | None:
    """The last traceback frame in the learner's own code (not numpy, Python, or utils)."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001
        return None
    for frame in reversed(frames):
        path = os.path.abspath(frame.filename) if frame.filename and not frame.filename.startswith("<") \
            else frame.filename or ""
        if path.startswith(_LIBRARY_DIRS) or path.startswith(_UTILS_DIR):
            continue
        if frame.name in ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>"):
            continue  # Python 3.12 inlines comprehensions: name the enclosing function on every version
        text = (frame.line or "").strip()
        if not text:
            continue
        name = frame.name
        base = os.path.basename(frame.filename or "")
        if base.endswith(".py") and "ipykernel_" not in (frame.filename or ""):
            name = f"{name}` of `{base}"  # a file's name is stable; a notebook cell's temporary file is not
        return name, frame.lineno or 0, text
    return None


def _call(fn: Callable, case: Any) -> tuple[Any, list[str], tuple, BaseException | None]:
    """Run ``fn`` on deep copies of the case's arguments.

    Returns (output or _Raised, numpy warning messages, the argument copies after the call, the
    NotImplementedError if one was raised).
    """
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            if case.driver is None:
                out = fn(*args, **kwargs)
            else:
                out = case.driver(fn, *args, **kwargs)
        except NotImplementedError as exc:
            return None, [], args, exc
        except Exception as exc:  # noqa: BLE001 — a checker reports every error instead of raising
            out = _Raised(exc)
    numpy_warnings = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return out, numpy_warnings, args, None


def _arg_names(reference: Callable, n: int) -> list[str]:
    try:
        names = list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        names = []
    return (names + [f"argument {i + 1}" for i in range(len(names), n)])[:n]


def _learner_arg_name(fn: Callable, position: int, fallback: str) -> str:
    """The learner's own name for the argument at ``position`` (their ``params`` where the exercise says ``x``),
    read from their function's signature; ``fallback`` when it cannot be read (no signature, ``*args``, too few
    positional parameters)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fallback
    positional = [p for p in parameters
                  if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if 0 <= position < len(positional) and positional[position].name.isidentifier():
        return positional[position].name
    return fallback


def _learner_arg_names(fn: Callable) -> list[str]:
    """The learner's positional parameter names, in order ([] when their signature cannot be read)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters
            if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]


def _source_lines(fn: Callable) -> list[str]:
    """The learner's function's source lines (comments dropped), or [] when Python cannot find them."""
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return []
    return [line.split("#", 1)[0].rstrip() for line in source.splitlines()]


_ALIAS = re.compile(r"^\s*(\w+)\s*=\s*(?:np\.(?:asarray|asanyarray)\(\s*)?(\w+)\s*(?:,\s*(?:dtype\s*=\s*)?[\w.]+\s*)?\)?\s*$")


def _mutating_line(fn: Callable, name: str) -> tuple[str, str | None] | None:
    """The learner's line that writes into the argument ``name`` (directly, or through another name for the same
    array such as ``y = name`` or ``y = np.asarray(name)``), and the line that made that other name (or None)."""
    lines = _source_lines(fn)
    if not lines:
        return None
    aliases: dict[str, str | None] = {name: None}
    for line in lines[1:]:
        m = _ALIAS.match(line)
        if m and m.group(2) in aliases and (m.group(1) != m.group(2) or "asarray" in line):
            aliases[m.group(1)] = line.strip()
        elif m is None:
            target = re.match(r"^\s*(\w+)\s*=[^=]", line)
            if target and target.group(1) in aliases and target.group(1) != name:
                aliases.pop(target.group(1))  # rebound to a new array: no longer the argument
        for alias, made_by in aliases.items():
            a = re.escape(alias)
            if (re.match(rf"^\s*{a}\s*\[.*\]\s*(?:[-+*/@%]|//|\*\*)?=(?!=)", line)
                    or re.match(rf"^\s*{a}\s*(?:[-+*/@%]|//|\*\*)=", line)
                    or re.search(rf"\bout\s*=\s*\(?\s*{a}\b", line)
                    or re.search(rf"\b{a}\.(?:sort|fill|resize|put|itemset|setflags)\(", line)
                    or re.match(rf"^\s*{a}\.shape\s*=", line)):
                return line.strip(), made_by
    return None


def _mutation_where(fn: Callable, name: str) -> str:
    """Which of the learner's lines changed the argument, in words (checked against their source)."""
    found = _mutating_line(fn, name)
    if found is None:
        return f"your function changed the caller's `{name}` in place"
    line, made_by = found
    short = line if len(line) <= 70 else line[:67] + "..."
    if made_by is None:
        if "out=" in line.replace(" ", ""):
            return f"your line `{short}` writes its result into `{name}` (out=)"
        return f"your line `{short}` changes the caller's `{name}` in place"
    made = made_by if len(made_by) <= 50 else made_by[:47] + "..."
    return (f"`{made}` does not copy (it gives the same array another name), so your line `{short}` changes the "
            f"caller's `{name}`")


def _alias_written_into(fn: Callable) -> tuple[str, str, str, str] | None:
    """An argument of the learner's function that their source gives another name (``x_plus = x``) and then writes
    into through that name (``x_plus[i] += h``): (argument, alias, the line making the alias, the line writing).
    Read from their source and signature; None when there is no such pair or the source cannot be read."""
    for argument in _learner_arg_names(fn):
        found = _mutating_line(fn, argument)
        if found is None or found[1] is None:
            continue
        line, made_by = found
        m = _ALIAS.match(made_by)
        if m is not None:
            return argument, m.group(1), made_by, line
    return None


def _short(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[: limit - 3] + "..."

