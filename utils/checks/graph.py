"""The checker for exercises on graphs of ``utils.autograd.Value`` (lesson 09): ``GraphChecker``.

A ``GraphCase`` builds a fresh graph, runs the learner's function on it and returns what came out (the ``.grad`` of
every node by name, or the order of the nodes). Like ``Checker`` it shows one line through the shared result and
display (``result.emit``), never raises, and shows a known mistake only when it gives the learner's outcome on
**every** case (``claims``: a hint is a claim, and a claim is verified); otherwise it says what it observed.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from utils.autograd import Value, fewer_collections
from utils.checks.checker import Mistake
from utils.checks.result import CheckResult, emit, fmt, second_line

#: the depth of the deepest graph a case builds (a recursive walk needs one nested call per Value)
_DEPTH = 2000
#: the recursion limit while a case runs: a recursive walk of the deepest graph fits, an endless one still stops
_RECURSION_ROOM = 5 * _DEPTH


class Problem(Exception):
    """Raised by a driver when the learner's answer has the wrong form (reported as a problem, not an error)."""


class _Raised:
    def __init__(self, exc: BaseException):
        self.type, self.message = type(exc), str(exc)

    def __str__(self) -> str:
        return f"{self.type.__name__}: {self.message}"


@dataclass
class GraphCase:
    """One run of an exercise: ``driver(fn)`` builds a fresh graph, calls ``fn`` and returns what came out
    (a dict ``{"a.grad": -2.0, ...}`` or a list of node names), or raises ``Problem``."""

    label: str
    driver: Callable[[Callable], Any]
    hint_if_fails: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    graph: Callable[[], Value] | None = None  # for a judge that needs the graph's edges


@dataclass
class GraphChecker:
    """A checker for an exercise that works on Values. ``reference`` is the right answer, ``mistakes`` are known
    wrong versions (tried in order; the first whose outcome equals the learner's names the mistake), ``judge``
    compares an outcome with the reference's (default: every named number within tolerance) and may name a
    mistake itself."""

    name: str
    reference: Callable
    cases: Sequence[GraphCase]
    mistakes: Sequence[Mistake] = ()
    verified: str = ""
    judge: Callable | None = None
    not_implemented: str = "not implemented yet — replace `raise NotImplementedError()` with your code, then run this cell again"
    section: str | None = None  # where lesson 09 explains the exercise (a Mistake may name another section)
    about: str | None = None  # why, in 1–2 sentences, when the mistake found has no ``why`` of its own

    # ------------------------------------------------------------------ running
    @staticmethod
    def _run(driver: Callable, fn: Callable) -> Any:
        """The outcome of ``driver(fn)``: a dict or list, a ``Problem``, a ``_Raised``; NotImplementedError passes."""
        limit = sys.getrecursionlimit()
        # the lesson's own recursive walk must handle the deep graph: one nested call per Value of it
        sys.setrecursionlimit(max(limit, _RECURSION_ROOM))
        with contextlib.redirect_stdout(io.StringIO()):  # a learner's debug prints must not break the one line
            try:
                return driver(fn)
            except NotImplementedError:
                raise
            except Problem as problem:
                return problem
            except RecursionError as exc:
                return _Raised(RecursionError(f"{exc} (a graph {_DEPTH} Values deep)"))
            except Exception as exc:  # noqa: BLE001 — a checker reports every error instead of raising
                return _Raised(exc)
            finally:
                sys.setrecursionlimit(limit)

    @staticmethod
    def _same_outcome(a: Any, b: Any, rtol: float, atol: float) -> bool:
        if isinstance(a, Problem | _Raised) or isinstance(b, Problem | _Raised):
            return type(a) is type(b) and str(a) == str(b)
        if isinstance(a, list) and isinstance(b, list):
            return a == b
        if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
            return all(_is_real(a[k]) and _is_real(b[k]) and math.isclose(a[k], b[k], rel_tol=rtol, abs_tol=atol) for k in a)
        return False

    def _verified_mistake(self, outcomes: list) -> Mistake | None:
        """The first known mistake whose outcome equals the learner's on **every** case (DESIGN §3: a hint is a
        claim, and a claim is verified — a mistake that matches one case and differs on another names nothing)."""
        for mistake in self.mistakes:
            agrees = True
            for case, got in zip(self.cases, outcomes, strict=True):
                try:
                    out = self._run(case.driver, mistake.fn)
                except NotImplementedError:
                    agrees = False
                if not agrees or not self._same_outcome(got, out, mistake.rtol, mistake.atol):
                    agrees = False
                    break
            if agrees:
                return mistake
        return None

    def _observed(self, index: int, failing: list[int], expected: Any = None, got: Any = None) -> str:
        """What was observed when no known mistake fits every case (true by construction): which cases pass and
        fail, and on the shown case which named numbers are right and which are not."""
        passing = [c.label for j, c in enumerate(self.cases) if j not in failing]
        if not passing:
            text = "no case is right"
        else:
            text = (f"right on {len(passing)} of {len(self.cases)} cases (e.g. \"{passing[0]}\"), wrong on "
                    + ", ".join(f'"{self.cases[j].label}"' for j in failing[:3]))
        if isinstance(expected, dict) and isinstance(got, dict):
            right = [k for k, v in expected.items() if _is_real(got.get(k)) and math.isclose(
                float(got[k]), v, rel_tol=1e-6, abs_tol=1e-9)]
            wrong = [k for k in expected if k not in right]
            if right and wrong:
                text += (f"; on \"{self.cases[index].label}\": {', '.join(right[:4])} right, "
                         f"{', '.join(wrong[:4])} wrong")
        return text + f"; work \"{self.cases[index].label}\" through by hand"

    # ------------------------------------------------------------------ checking
    def _finish(self, passed: bool, line: str, case: GraphCase | None = None, hint: str | None = None,
                problem: str | None = None, why: str | None = None, section: str | None = None) -> CheckResult:
        """Make the result and show it like every checker (``result.emit``): the line and, for a failure, the
        second line "Why: ... See lesson 09, section '...'."."""
        return emit(CheckResult(self.name, passed, len(self.cases), line, case.label if case else None, hint,
                                problem, second_line(why, section)))

    def __call__(self, student_fn: Any) -> CheckResult:
        try:
            with fewer_collections():  # the cases make thousands of Values in reference cycles (utils.autograd)
                return self._check(student_fn)
        except Exception as exc:  # noqa: BLE001 — a checker never crashes a learner's notebook
            return self._finish(False, f"✗ check_{self.name}: the checker could not judge this function "
                                       f"({type(exc).__name__}: {exc})", problem="checker error")

    def _check(self, student_fn: Any) -> CheckResult:
        title = f"check_{self.name}"
        if not callable(student_fn):
            return self._finish(False, f"✗ {title}: expected your function (pass `{self.name.removesuffix('_backward')}` "
                                       f"without calling it), got {type(student_fn).__name__} {fmt(student_fn)}",
                                problem="not a function", why="A checker calls your function itself, on several cases.")
        outcomes, verdicts, expecteds = [], [], []
        for case in self.cases:
            expected = self._run(case.driver, self.reference)
            try:
                got = self._run(case.driver, student_fn)
            except NotImplementedError:
                if outcomes:
                    got = _Raised(NotImplementedError())
                else:
                    return self._finish(False, f"✗ {title}: {self.not_implemented}", case,
                                        problem="not implemented yet")
            outcomes.append(got)
            expecteds.append(expected)
            verdicts.append(None if isinstance(got, _Raised | Problem)
                            else (self.judge or _judge_numbers)(case, expected, got))
        failing = [j for j, (got, verdict) in enumerate(zip(outcomes, verdicts, strict=True))
                   if isinstance(got, _Raised | Problem) or verdict is not None]
        if not failing:
            line = f"✓ {title}: all {len(self.cases)} cases pass" + (f" ({self.verified})" if self.verified else "")
            return self._finish(True, line)
        index = failing[0]
        case, got, verdict = self.cases[index], outcomes[index], verdicts[index]
        where = f'✗ {title} — case "{case.label}": '
        mistake = self._verified_mistake(outcomes)
        judged = verdict[3] if verdict is not None else None
        if mistake is not None:
            hint, why, section = mistake.hint, mistake.why or self.about, mistake.section or self.section
        elif isinstance(got, _Raised) and got.type is RecursionError:
            hint, why, section = _RECURSION_HINT, _RECURSION_WHY, self.section
        elif judged:  # the judge read the learner's answer on this case: an observation of it
            hint, why, section = judged, self.about, self.section
        elif case.hint_if_fails:
            hint, why, section = case.hint_if_fails, self.about, self.section
        else:
            hint, why, section = (self._observed(index, failing, expecteds[index], got), self.about,
                                  self.section)
        if verdict is None:
            problem = f"raised {got.type.__name__}" if isinstance(got, _Raised) else str(got)
            line = where + (f"your function raised {got}" if isinstance(got, _Raised) else str(got))
        else:
            problem, shown_expected, shown_got, _ = verdict
            line = where + f"{problem}; expected {shown_expected}, got {shown_got}"
        line += f". Hint: {hint}" if hint else ""
        return self._finish(False, line, case, hint, problem, why, section)


_RECURSION_HINT = ("Python stopped your function after about 1000 calls nested inside each other: a recursive walk "
                   "(a function that calls itself once per node) needs one nested call per level, and this graph is "
                   "deeper than Python allows, or the walk never stops (a node visited again and again) — walk the "
                   "graph with your own list as a stack (while stack: node = stack.pop() ...), as "
                   "utils.autograd.topological_order does")
_RECURSION_WHY = ("Each call waits for the calls it makes; Python keeps at most sys.getrecursionlimit() of them "
                  "waiting at once, and a chain of Values as deep as the network is long needs one per Value.")


def _is_real(x: Any) -> bool:
    """A plain number (int, float, numpy scalar or 0-d array), not a bool and not a Value."""
    if isinstance(x, bool | Value):
        return False
    if isinstance(x, int | float):
        return True
    return getattr(x, "shape", None) == () and getattr(getattr(x, "dtype", None), "kind", "") in "fiu" and hasattr(x, "dtype")


def _num(x: float) -> str:
    return f"{float(x):.6g}"


def _judge_numbers(case: GraphCase, expected: dict, got: dict):
    """First named number that differs: (problem, expected, got, hint) or None when all agree."""
    for key, want in expected.items():
        have = got.get(key)
        if not _is_real(have) or not math.isfinite(float(have)) or not math.isclose(
                float(have), want, rel_tol=case.rtol, abs_tol=case.atol):
            return f"wrong {key}", _num(want), _num(have) if _is_real(have) else fmt(have), None
    return None
