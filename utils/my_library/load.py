"""Reading the learner's library back: their functions for widgets and the capstone, with the course's as fallback.

``use("sigmoid")`` returns a ``Piece``: the learner's ``sigmoid`` from ``my_nn/`` when they passed it, else the
course's reference; ``piece.whose`` says which, and ``piece.call(...)`` runs it without ever raising — an error,
``None``, a wrong shape or NaN where the reference has a number comes back as a message the widget shows.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from utils.my_library import record, save

_LOADED: dict[Path, tuple[float, dict[str, Callable], dict[str, str]]] = {}
_COUNTER = [0]


def load_library(folder: str | os.PathLike | None = None) -> tuple[dict[str, Callable], dict[str, str]]:
    """(exercise -> the learner's function, lesson module -> import error) from ``my_nn/``, imported afresh when
    ``my_nn/library.json`` changed since the last call. Empty when the library is off or missing; never raises."""
    if not record.enabled():
        return {}, {}
    directory = record.library_dir(folder)
    sources = directory / record.SOURCES_NAME
    try:
        stamp = sources.stat().st_mtime_ns
    except OSError:
        return {}, {}
    cached = _LOADED.get(directory)
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    functions: dict[str, Callable] = {}
    errors: dict[str, str] = {}
    _COUNTER[0] += 1
    package = f"_my_nn_loaded_{_COUNTER[0]}"  # a fresh name: a re-passed function replaces the old one
    spec = importlib.util.spec_from_file_location(package, directory / "__init__.py",
                                                  submodule_search_locations=[str(directory)])
    names = set()
    try:
        parent = importlib.util.module_from_spec(spec)
        sys.modules[package] = parent  # the lesson modules import each other relatively (from .lesson03 import ...)
        for exercise, lesson in save.saved_exercises(folder).items():
            module_name = f"lesson{lesson}"
            if module_name in errors:
                continue
            try:
                module = importlib.import_module(f"{package}.{module_name}")
                names.add(f"{package}.{module_name}")
            except Exception as exc:  # noqa: BLE001 — the learner's module may not import; say why
                errors[module_name] = f"{type(exc).__name__}: {exc}"
                continue
            fn = getattr(module, exercise, None)
            if callable(fn):
                functions[exercise] = fn
    finally:
        for name in [package, *names]:
            sys.modules.pop(name, None)
    _LOADED[directory] = (stamp, functions, errors)
    return functions, errors


def reference(exercise: str) -> Callable:
    """The course's version of an exercise: the reference its checker compares with."""
    from utils import checks

    checker = getattr(checks, f"check_{exercise}", None)
    fn = getattr(checker, "reference", None)
    if fn is None:
        raise ValueError(f"reference: no exercise called {exercise!r} has a checker in utils.checks")
    return fn


@dataclass
class Outcome:
    """What one call of a piece gave: ``value`` (None when it failed) and ``error`` (a sentence, or None)."""

    value: Any
    error: str | None = None

    def __bool__(self) -> bool:
        return self.error is None


def _problem(got: Any, like: Any) -> str | None:
    """Why ``got`` cannot stand where ``like`` (the reference's output) stands, or None."""
    import numpy as np

    if got is None:
        return "returned None (is a `return` missing?)"
    if isinstance(like, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(like):
            return f"returned {type(got).__name__}, expected a tuple of {len(like)}"
        for g, e in zip(got, like, strict=True):
            problem = _problem(g, e)
            if problem:
                return problem
        return None
    try:
        got_array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"returned a {type(got).__name__}, expected numbers"
    like_array = np.asarray(like, dtype=np.float64)
    if got_array.shape != like_array.shape:
        return f"returned shape {got_array.shape}, expected {like_array.shape}"
    bad = ~np.isfinite(got_array) & np.isfinite(like_array)
    if bad.any():
        return "returned NaN or inf where the course's version gives a number"
    return None


@dataclass
class Piece:
    """One exercise as the course runs it: ``fn`` (the learner's or the course's), ``mine`` (True when it is the
    learner's), ``whose`` (words for a widget: "your sigmoid (my_nn/lesson03.py)" / "the course's sigmoid") and
    ``fallback`` (the course's version)."""

    name: str
    fn: Callable
    mine: bool
    whose: str
    fallback: Callable

    def call(self, *args: Any, like: Any = None, copy_args: bool = True, **kwargs: Any) -> Outcome:
        """Run the piece on deep copies of the arguments, never raising. ``like``: an output of the right shape
        (the course's answer) to reject None, a wrong shape or NaN; without it only errors and None are caught.
        ``copy_args=False`` skips the copies (for a loop that already checked the piece leaves its inputs alone)."""
        import numpy as np

        if copy_args:
            args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = self.fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 — a learner's function must never crash a widget
            return Outcome(None, f"{self.whose} raised {type(exc).__name__}: {exc}")
        problem = _problem(value, like) if like is not None else (
            "returned None (is a `return` missing?)" if value is None else None)
        return Outcome(value, None) if problem is None else Outcome(None, f"{self.whose} {problem}")


def use(exercise: str, fallback: Callable | None = None, folder: str | os.PathLike | None = None) -> Piece:
    """The learner's ``exercise`` from ``my_nn/`` when they passed its check, else ``fallback`` (default: the
    course's reference). Never raises for a broken library: a lesson module that does not import counts as
    missing."""
    fallback = fallback if fallback is not None else reference(exercise)
    functions, _errors = load_library(folder)
    fn = functions.get(exercise)
    if fn is None:
        return Piece(exercise, fallback, False, f"the course's {exercise}", fallback)
    lesson = save.saved_exercises(folder).get(exercise) or record.lesson_of(exercise)
    return Piece(exercise, fn, True, f"your {exercise} ({record.DIR_NAME}/lesson{lesson}.py)", fallback)


def whose_html(*pieces: Piece) -> str:
    """A line for a widget saying whose code it runs: "runs your sigmoid (my_nn/lesson03.py)", or the course's
    with how to make it yours ("pass check_sigmoid in lesson 03 and it runs yours")."""
    import html

    parts = []
    for piece in pieces:
        if piece.mine:
            parts.append(f"<b>{html.escape(piece.whose)}</b>")
        else:
            lesson = record.lesson_of(piece.name)
            where = f" in lesson {lesson}" if lesson else ""
            parts.append(f"{html.escape(piece.whose)} (pass <code>check_{html.escape(piece.name)}</code>{where} "
                         "and it runs yours)")
    return '<span class="nn-whose">runs ' + "; ".join(parts) + "</span>"


def error_html(error: str) -> str:
    """A learner function's failure as a red line for a widget's readout (the widget keeps working)."""
    import html

    return f'<span class="nn-learner-error" style="color:#c0262d">⚠ {html.escape(error)}</span>'


def whose_note(*pieces: Piece, prefix: str = "") -> str:
    """``"<br>" + prefix + whose_html(...)`` for a widget's readout — or nothing while the learner has no library yet
    (no exercise passed, or the library is off: the widget runs the course's code as it always did, and slides
    shown by a teacher stay as they were)."""
    if not any(piece.mine for piece in pieces) and not save.saved_exercises():
        return ""
    return "<br>" + prefix + whose_html(*pieces)


def error_note(error: str, suffix: str = "") -> str:
    """``"<br>" + error_html(error + suffix)`` for a widget's readout."""
    return "<br>" + error_html(error + suffix)
