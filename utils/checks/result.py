"""What a check found and how it is shown: ``CheckResult``, its one line (+ the Why line), plain text in a
terminal and an HTML block in a notebook, the hooks that receive every result, and the value formatting."""

from __future__ import annotations

import contextlib
import html as _html
import io
import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks.compare import _is_number
from utils.checks.learner import _Raised
from utils.my_library.recorder import notice as _notice_library

#: "auto" (HTML in a Jupyter kernel, text elsewhere), "text" or "html".
OUTPUT_MODE = "auto"
_QUIET = [0]


#: Callbacks called with every ``CheckResult`` as it is made (the grader records results this way,
#: instead of parsing printed text). Add with ``RESULT_LISTENERS.append(fn)``; a listener that raises is ignored.
RESULT_LISTENERS: list[Callable[[CheckResult], None]] = []


class CheckResult:
    """What a checker found. ``bool(result)`` is True only when every case passed.

    Attributes: ``name``, ``passed``, ``n_cases``, ``line`` (the first printed line), ``case`` (label of the
    first failing case or None), ``hint`` (or None), ``problem`` (what was wrong, or None), ``why`` (the
    second line: why, and the lesson section; or None), ``text`` (everything printed), ``html`` (the same
    as HTML, shown in a notebook). Every new result is handed to the learner's library
    (``utils.my_library.recorder.notice``) and to each callback in ``RESULT_LISTENERS``.
    """

    def __init__(self, name: str, passed: bool, n_cases: int, line: str,
                 case: str | None = None, hint: str | None = None, problem: str | None = None,
                 why: str | None = None):
        self.name, self.passed, self.n_cases, self.line = name, passed, n_cases, line
        self.case, self.hint, self.problem, self.why = case, hint, problem, why
        self.text = line if not why else f"{line}\n    {why}"
        #: the verified claim behind the hint, for tests that re-check it on new inputs: ("mistake", fn) — a known
        #: wrong version — or ("relation", predict) — ``claims.Diagnosis.predict`` —, or None (an observation)
        self.claim = None
        self.html = _to_html(passed, line, why)
        _notice_library(self)  # the learner's library (my_nn/): starts itself at a notebook's first check; never raises
        for listener in list(RESULT_LISTENERS):
            with contextlib.suppress(Exception):  # recording must never break a learner's check
                listener(self)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult({self.name!r}, passed={self.passed})"

    def _ipython_display_(self) -> None:
        """The line was already shown; show nothing more when the result ends a cell."""


# ------------------------------------------------------------------------------ output
# Colours are JupyterLab's theme variables, so the block follows the light and the dark theme; the block paints its
# own background (--jp-layout-color0) so every ratio is known. WCAG AA (≥ 4.5:1) in both themes, measured by
# tests/test_checks_display.py from JupyterLab's own theme files:
#   verdict ✓  --jp-success-color0 (light #1b5e20: 7.9, dark #388e3c: 4.6)
#   verdict ✗  --jp-error-color1   (light #d32f2f: 5.0, dark #f44336: 5.1)
#   the line   --jp-content-font-color1 (light 87 % black, dark white), the Why line --jp-content-font-color2
#   (light 54 % black: 4.6, dark 70 % white), lighter than the verdict so it never outshines it.
#: (CSS variable, fallback) per role; the fallbacks are the light theme's values (outside JupyterLab).
COLOURS = {
    "background": ("--jp-layout-color0", "#ffffff"),
    "pass": ("--jp-success-color0", "#1b5e20"),
    "fail": ("--jp-error-color1", "#d32f2f"),
    "text": ("--jp-content-font-color1", "rgba(0, 0, 0, 0.87)"),
    "why": ("--jp-content-font-color2", "rgba(0, 0, 0, 0.54)"),
}


def _css(role: str) -> str:
    name, fallback = COLOURS[role]
    return f"var({name}, {fallback})"


_BOX = ("margin:0.15em 0;padding:0.1em 0.3em;white-space:normal;word-break:normal;overflow-wrap:normal;"
        f"line-height:1.45;font-family:var(--jp-content-font-family, sans-serif);background:{_css('background')};"
        f"color:{_css('text')}")


def _to_html(passed: bool, line: str, why: str | None) -> str:
    """The result as a deterministic HTML block (no ids): the verdict (✓ green / ✗ red, bold) and the line in the
    theme's text colour; ``why`` below it, quieter (the theme's secondary text colour, normal weight)."""
    kind = "pass" if passed else "fail"
    text = _html.escape(line)
    text = re.sub(r"^([✓✗] check_\w+)", rf'<b style="color:{_css(kind)}">\1</b>', text)
    text = text.replace(". Hint: ", ". <b>Hint:</b> ", 1)
    out = f'<div class="nnfs-check nnfs-check-{kind}" style="{_BOX}"><div>{text}</div>'
    if why:
        out += f'<div style="margin-left:1.6em;color:{_css("why")}">{_html.escape(why)}</div>'
    return out + "</div>"


def _in_notebook() -> bool:
    if OUTPUT_MODE != "auto":
        return OUTPUT_MODE == "html"
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    try:
        shell = shell_module.get_ipython()
    except Exception:  # noqa: BLE001
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _show(result: CheckResult) -> None:
    if _QUIET[0]:
        return
    if _in_notebook():
        try:
            from IPython.display import display

            display({"text/plain": result.text, "text/html": result.html}, raw=True)
            return
        except Exception:  # noqa: BLE001 — fall back to text
            pass
    print(result.text)


# ------------------------------------------------------------------------------ formatting
def fmt(value: Any, max_items: int = 8) -> str:
    """A short, readable rendering of a value for a checker line."""
    if isinstance(value, _Raised):
        return f"an error ({value})"
    if value is None:
        return "None"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.number):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return fmt(value.item())
        if not np.issubdtype(value.dtype, np.number) and value.dtype != np.bool_:
            text = repr(value)
            return text if len(text) < 80 else text[:77] + "..."
        text = np.array2string(value, precision=4, threshold=max_items, edgeitems=2,
                               suppress_small=True, separator=", ", max_line_width=200)
        text = " ".join(text.split())
        return f"{text} (shape {value.shape})" if value.ndim > 1 or value.size > max_items else text
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v, max_items) for v in value) + ")"
    if isinstance(value, list):
        if all(_is_number(v) for v in value):
            items = [fmt(v) for v in value[:max_items]]
            return "[" + ", ".join(items) + (", ...]" if len(value) > max_items else "]")
        text = repr(value)
        return text if len(text) < 80 else text[:77] + "...]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def lesson_section(lesson: str, title: str) -> str:
    """How a hint cites a lesson: ``lesson_section("03", "Batches: one softmax per row")``."""
    return f"lesson {lesson}, section '{title}'"


def _g(x: float) -> str:
    return f"{x:.6g}"




def emit(result: CheckResult) -> CheckResult:
    """Show a result (text, or HTML in a notebook; nothing inside ``run_quietly``) and return it. Every checker,
    ``Checker`` and lesson 09's ``GraphChecker`` alike, shows its results through here."""
    _show(result)
    return result


def second_line(why: str | None, section: str | None) -> str | None:
    """The line under a failure: "Why: ... See lesson NN, section '...'." (None when there is neither)."""
    parts = [p for p in (f"Why: {why}" if why else "", f"See {section}." if section else "") if p]
    return " ".join(parts) or None


def run_quietly(check: Callable, fn: Callable) -> CheckResult:
    """Run a checker without printing or displaying (for tests and widgets); returns the result with its ``line``."""
    _QUIET[0] += 1
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return check(fn)
    finally:
        _QUIET[0] -= 1
