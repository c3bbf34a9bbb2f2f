"""Recording a learner's checks: the core the checkers call with every result (standard library + record, save).

``utils.checks`` hands every ``CheckResult`` to ``notice``. In a notebook kernel, with the library switched on, the
first check a cell calls starts the recorder by itself — no lesson needs a setup cell — and from then on a check of
the function the lesson asks for counts as an attempt in ``my_nn/progress.json`` and, when it passes, saves the
function into ``my_nn/lessonNN.py``. What was saved is printed after the cell, below the checker's line; the first
recorded check of a lesson in a kernel also says how many of that lesson's exercises are passed.

Nothing happens on import, outside a notebook kernel (a script, a test, the grader), when ``NN_COURSE_NO_LIBRARY``
is set, or after ``stop()``. ``start`` (``utils.my_library.start``) starts a recorder explicitly — in a folder of
your choice, outside a kernel with ``kernel_only=False`` (for tests). This module never imports ``utils.checks``:
the checkers depend on it, not the other way round.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from pathlib import Path

from utils.my_library import record, save


def checked_function() -> types.FunctionType | None:
    """The function a checker is judging, when a notebook cell called the checker directly; else None.

    Found on the call stack: the outermost frame of ``utils.checks`` is the checker's entry point, whose first
    argument (after ``self``) is the function; the frame that called it must be the notebook's (``__main__``).
    A widget or a test calling a checker, or ``run_quietly`` (its first argument is the checker), gives None."""
    frame = sys._getframe(1)
    outer = None
    while frame is not None:
        if str(frame.f_globals.get("__name__", "")).startswith("utils.checks"):
            outer = frame
        frame = frame.f_back
    if outer is None or outer.f_back is None or outer.f_back.f_globals.get("__name__") != "__main__":
        return None
    code = outer.f_code
    arguments = [name for name in code.co_varnames[:code.co_argcount] if name != "self"]
    if not arguments:
        return None
    value = outer.f_locals.get(arguments[0])
    return value if isinstance(value, types.FunctionType) else None


def lesson_line(lesson: str, progress: dict[str, dict], explain: bool = True) -> str:
    """"Your library my_nn/: you have passed 2 of 6 exercises of lesson 03 (still to do: ...)." and, with
    ``explain``, " Each exercise you pass is saved there." (not needed just below a "saved ..." line)."""
    passed, total, missing = record.lesson_summary(lesson, progress)
    tail = f" (still to do: {', '.join(missing)})" if missing and passed else ""
    if passed == total:
        tail = " — all of them: they are in your library"
    return (f"Your library {record.DIR_NAME}/: you have passed {passed} of {total} exercises of lesson {lesson}"
            f"{tail}." + (" Each exercise you pass is saved there." if explain else ""))


class Recorder:
    """Records attempts and saves passing functions into ``folder/my_nn/``. ``lesson``: the lesson an exercise
    the course does not list belongs to (``start("03")``), or None (then such a check is not recorded)."""

    def __init__(self, lesson: str | None, folder: Path):
        self.lesson, self.folder = lesson, folder
        self.messages: list[str] = []
        self.announced: set[str] = set()  # lessons whose progress line was shown in this kernel

    def __call__(self, result) -> None:
        if not record.enabled():
            return
        fn = checked_function()
        if fn is None:
            return
        exercise = result.name
        lesson = record.lesson_of(exercise) or self.lesson
        if lesson is None:
            return
        expected = record.function_name(exercise)
        if fn.__name__ != expected:
            if result.passed and fn.__name__ != "<lambda>":
                self.messages.append(f"not saved to {record.DIR_NAME}/: your library keeps the function named "
                                     f"`{expected}`, and this one is `{fn.__name__}`")
            return
        record.record_attempt(self.folder, lesson, exercise, bool(result.passed))
        if result.passed:
            self._save(fn, lesson, exercise)
        self.announce(lesson)

    def _save(self, fn: types.FunctionType, lesson: str, exercise: str) -> None:
        try:
            snapshot = save.capture(fn, exercise)
        except (OSError, TypeError, SyntaxError) as exc:
            self.messages.append(f"`{exercise}` passed but could not be saved to {record.DIR_NAME}/ "
                                 f"(its source is not available: {exc})")
            return
        path = save.save(self.folder, lesson, exercise, snapshot)
        note = f" ({'; '.join(snapshot.notes)})" if snapshot.notes else ""
        self.messages.append(f"saved `{exercise}` to your library: {record.DIR_NAME}/{path.name}{note}")

    def announce(self, lesson: str) -> None:
        """The first time a lesson is recorded in this kernel: how many of its exercises are passed."""
        if lesson not in self.announced and lesson in record.LESSONS:
            self.announced.add(lesson)
            self.messages.append(lesson_line(lesson, record.read_progress(self.folder), explain=False))

    def flush(self, *_args) -> None:
        """After the cell: say what was saved (printed below the checker's line)."""
        messages, self.messages[:] = list(self.messages), []
        for message in messages:
            print("→ " + message)


#: the recorder in force (at most one), and whether ``stop()`` switched recording off until the next ``start``
_ACTIVE: list[Recorder] = []
_STOPPED = [False]


def kernel():
    """The IPython shell of a notebook kernel, or None (a script, a test, a terminal IPython)."""
    module = sys.modules.get("IPython")
    try:
        shell = module.get_ipython() if module is not None else None
    except Exception:  # noqa: BLE001
        return None
    return shell if shell is not None and type(shell).__name__ == "ZMQInteractiveShell" else None


def active() -> Recorder | None:
    """The recorder in force, or None."""
    return _ACTIVE[0] if _ACTIVE else None


def begin(lesson: str | None, folder: str | os.PathLike | None = None, kernel_only: bool = True) -> Recorder | None:
    """Replace the recorder in force by a new one saving into ``folder/my_nn/`` (default: the working directory,
    the notebook's folder in a kernel). None — nothing recorded — outside a notebook kernel when ``kernel_only``."""
    stop()
    _STOPPED[0] = False
    shell = kernel()
    if shell is None and kernel_only:
        return None
    recorder = Recorder(lesson, Path(folder if folder is not None else os.getcwd()).resolve())
    if shell is not None:
        shell.events.register("post_run_cell", recorder.flush)
    _ACTIVE.append(recorder)
    return recorder


def stop() -> None:
    """Stop recording in this kernel, also the start at the next check (``begin`` / ``start`` resumes)."""
    shell = kernel()
    for recorder in _ACTIVE:
        if shell is not None:
            with contextlib.suppress(ValueError):
                shell.events.unregister("post_run_cell", recorder.flush)
    _ACTIVE.clear()
    _STOPPED[0] = True


def notice(result) -> None:
    """Called by ``utils.checks`` with every new ``CheckResult``. Starts the recorder at the first check a notebook
    cell calls (library on, in a kernel, not stopped), then records the result. Never raises."""
    with contextlib.suppress(Exception):  # recording must never break a learner's check
        recorder = active()
        if recorder is None:
            if _STOPPED[0] or not record.enabled() or kernel() is None or checked_function() is None:
                return
            recorder = begin(None)
        if recorder is not None:
            recorder(result)
