"""Where a learner's library lives, whether it is switched on, and the progress record (standard library only).

The library is the folder ``my_nn/`` beside the notebooks (the kernel's working directory): one module per lesson,
``my_nn/lesson03.py``, a package ``my_nn/__init__.py`` exposing every saved function, ``my_nn/library.json`` (the
saved sources, from which the modules are written) and ``my_nn/progress.json`` (every exercise: attempts, first
and last try, when it passed). Nothing leaves the machine.

Switched off — nothing is read or written, every lesson runs the course's own code — when the environment variable
``NN_COURSE_NO_LIBRARY`` is set to anything but ``""`` or ``"0"``. The tests, ``tools.build --run``, the screenshots
and the grader set it, so stored outputs never depend on a library someone has on their machine, and no run of the
course's own machinery writes into the repository.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

DIR_NAME = "my_nn"
OFF_VARIABLE = "NN_COURSE_NO_LIBRARY"
PROGRESS_NAME = "progress.json"
SOURCES_NAME = "library.json"
FORMAT = 1

#: lesson -> (title, exercises in the order the lesson asks for them); a test compares it with solutions/.
LESSONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "01": ("a neuron", ("neuron_output",)),
    "02": ("a layer", ("layer_output",)),
    "03": ("activations", ("step", "relu", "leaky_relu", "sigmoid", "tanh", "softmax")),
    "04": ("loss", ("mse", "mae", "binary_cross_entropy", "categorical_cross_entropy", "accuracy")),
    "05": ("finite differences", ("numerical_derivative", "numerical_gradient")),
    "06": ("backpropagation", ("relu_backward", "sigmoid_backward", "dense_backward",
                               "softmax_cross_entropy_backward")),
    "07": ("training", ("training_step", "sgd_momentum_step", "adam_step")),
    "08": ("capstone: real data", ("standardize", "confusion_matrix", "fixed_train_step")),
    "09": ("autograd", ("mul_backward", "tanh_backward", "topological_order", "backward", "sgd_step")),
    "10": ("generalising", ("he_init", "l2_penalty", "l2_backward", "dropout_forward", "dropout_backward",
                            "early_stopping_epoch")),
}

#: the function a lesson asks for, when it is not called like its exercise (lesson 09: ``check_mul_backward(mul)``)
FUNCTION_NAMES: dict[str, str] = {"mul_backward": "mul", "tanh_backward": "tanh"}


def function_name(exercise: str) -> str:
    """The name the learner's function has in the lesson: ``mul`` for ``mul_backward``, else the exercise's."""
    return FUNCTION_NAMES.get(exercise, exercise)


def enabled() -> bool:
    """False when ``NN_COURSE_NO_LIBRARY`` switches the learner's library off (tests, builds, the grader)."""
    return os.environ.get(OFF_VARIABLE, "") in ("", "0")


def library_dir(folder: str | os.PathLike | None = None) -> Path:
    """``my_nn/`` inside ``folder`` (default: the current directory, which is the notebook's folder in a kernel)."""
    return Path(folder if folder is not None else os.getcwd()).resolve() / DIR_NAME


def lesson_of(exercise: str) -> str | None:
    """The lesson (``"03"``) that asks for ``exercise``, or None."""
    for lesson, (_title, names) in LESSONS.items():
        if exercise in names:
            return lesson
    return None


def check_lesson(lesson: str) -> str:
    """``lesson`` as two digits (``3`` or ``"3"`` -> ``"03"``); a lesson the course does not have raises ValueError."""
    text = f"{int(lesson):02d}" if str(lesson).strip().isdigit() else str(lesson)
    if text not in LESSONS:
        raise ValueError(f"lesson: expected one of {', '.join(LESSONS)}, got {lesson!r}")
    return text


def now() -> str:
    """The time in UTC, to the second, as ISO text (``2026-12-07T00:31:05Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``directory/.lock`` exclusively (two notebooks open at once take turns); no lock where fcntl is missing."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: the writes stay atomic, only simultaneous updates may lose one attempt
        yield
        return
    with open(directory / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_json(path: Path) -> dict:
    """The JSON object in ``path``; an empty dict when it is missing or unreadable (never raises)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def update_json(path: Path, change: Callable[[dict], None]) -> dict:
    """Read ``path``, let ``change`` edit the dict, write it back atomically under the folder's lock."""
    with locked(path.parent):
        state = read_json(path)
        change(state)
        state["format"] = FORMAT
        write_atomically(path, json.dumps(state, indent=1, sort_keys=True) + "\n")
    return state


# ------------------------------------------------------------------------------ progress
def read_progress(folder: str | os.PathLike | None = None) -> dict[str, dict]:
    """exercise -> ``{"lesson", "attempts", "first_tried", "last_tried", "passed"}`` (``passed``: when it first
    passed, or None), read from ``my_nn/progress.json``; empty when the library is off or has no record yet."""
    if not enabled():
        return {}
    exercises = read_json(library_dir(folder) / PROGRESS_NAME).get("exercises", {})
    return {k: v for k, v in exercises.items() if isinstance(k, str) and isinstance(v, dict)}


def record_attempt(folder: str | os.PathLike | None, lesson: str, exercise: str, passed: bool,
                   when: str | None = None) -> dict:
    """Count one check of ``exercise`` in ``my_nn/progress.json``; returns the exercise's updated entry."""
    when = when or now()

    def change(state: dict) -> None:
        exercises = state.setdefault("exercises", {})
        entry = exercises.setdefault(exercise, {"lesson": lesson, "attempts": 0, "first_tried": when,
                                                "last_tried": when, "passed": None})
        entry["lesson"] = lesson
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["last_tried"] = when
        if passed and not entry.get("passed"):
            entry["passed"] = when

    state = update_json(library_dir(folder) / PROGRESS_NAME, change)
    return state["exercises"][exercise]


def status(entry: dict | None) -> str:
    """``"done"`` (passed once), ``"tried"`` (checked, never passed) or ``"not started"``."""
    if not entry:
        return "not started"
    return "done" if entry.get("passed") else "tried"


def lesson_summary(lesson: str, progress: dict[str, dict]) -> tuple[int, int, list[str]]:
    """(passed, number of exercises, exercises not passed yet) of one lesson."""
    names = LESSONS[lesson][1]
    missing = [name for name in names if status(progress.get(name)) != "done"]
    return len(names) - len(missing), len(names), missing


def next_step(progress: dict[str, dict]) -> tuple[str, str] | None:
    """(lesson, exercise) to do next: the first exercise not passed, in course order; None when all are done."""
    for lesson in LESSONS:
        missing = lesson_summary(lesson, progress)[2]
        if missing:
            return lesson, missing[0]
    return None


def progress_rows(progress: dict[str, dict]) -> list[dict]:
    """One row per lesson: ``lesson``, ``title``, ``passed``, ``total``, ``state`` (done / tried / not started)
    and per exercise its status, attempts and when it passed."""
    rows = []
    for lesson, (title, names) in LESSONS.items():
        passed, total, _missing = lesson_summary(lesson, progress)
        states = [status(progress.get(name)) for name in names]
        state = "done" if passed == total else "tried" if any(s != "not started" for s in states) else "not started"
        rows.append({"lesson": lesson, "title": title, "passed": passed, "total": total, "state": state,
                     "exercises": [{"name": name, "status": s,
                                    "attempts": int(progress.get(name, {}).get("attempts", 0)),
                                    "passed": progress.get(name, {}).get("passed")}
                                   for name, s in zip(names, states, strict=True)]})
    return rows


def progress_text(progress: dict[str, dict]) -> str:
    """The table per lesson as plain text, then where to go next (what ``make progress`` prints)."""
    lines = [f"{'lesson':<28} {'passed':>7}  state        exercises (✓ done, ~ tried, · not started)"]
    marks = {"done": "✓", "tried": "~", "not started": "·"}
    for row in progress_rows(progress):
        name = f"{row['lesson']} {row['title']}"
        exercises = " ".join(f"{marks[e['status']]}{e['name']}" for e in row["exercises"])
        lines.append(f"{name:<28} {row['passed']:>3} / {row['total']:<2} {row['state']:<12} {exercises}")
    lines.append(next_step_text(progress))
    return "\n".join(lines)


def next_step_text(progress: dict[str, dict]) -> str:
    """One sentence: where to go next."""
    step = next_step(progress)
    if step is None:
        return "Every exercise passed: your library my_nn/ holds the whole network. Lesson 08 trains it."
    lesson, exercise = step
    if status(progress.get(exercise)) == "tried":
        return f"Where to go next: finish `{exercise}` in lesson {lesson} ({LESSONS[lesson][0]}) — checked, not passed yet."
    return f"Where to go next: `{exercise}` in lesson {lesson} ({LESSONS[lesson][0]})."
