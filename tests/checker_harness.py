"""One harness for every checker test: run a checker quietly, and judge what it said.

    result = run("softmax", fn)                 # or run(check_softmax, fn)
    assert_rejected(result, "axis")             # ✗, one line (+ Why), the hint contains "axis" (or matches a regex)
    assert_accepted(result)                     # ✓
    assert claim_fits(result, fn) is None       # the hint's claim holds for fn on inputs the checker never saw

``assert_rejected`` also re-checks the hint's claim (DESIGN §3: a hint is a claim, and a claim is verified) against
the learner's function on the checker's cases and on perturbed versions of them (``checker_mutants.claim_misfit``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

from checker_mutants import GENERIC, claim_misfit

from utils import checks
from utils.checks.checker import Checker
from utils.checks.core import CheckResult, run_quietly


def checker(exercise: str | Any) -> Any:
    return getattr(checks, f"check_{exercise}") if isinstance(exercise, str) else exercise


def run(exercise: str | Any, fn: Any) -> CheckResult:
    """The checker's result for ``fn``, nothing printed."""
    return run_quietly(checker(exercise), fn)


def hint_names(result: CheckResult, keyword: str, regex: bool = False) -> bool:
    """Does the hint contain the keyword (case-insensitive), or match the regex, and name a cause (not only what was
    observed)?"""
    hint = result.hint or ""
    if regex:
        return not hint.startswith(GENERIC) and re.search(keyword, hint, re.IGNORECASE) is not None
    return keyword.lower() in hint.lower()


def claim_fits(result: CheckResult, exercise: str | Any, fn: Callable) -> str | None:
    """None when the result's claim (if any) holds for ``fn`` on the checker's cases and perturbed ones; otherwise
    the case where it does not."""
    check = checker(exercise)
    inner = getattr(check, "checker", check)
    if not isinstance(inner, Checker) or result.passed:
        return None
    return claim_misfit(inner, result, fn, zlib.crc32(result.line.encode()))


def assert_rejected(result: CheckResult, keyword: str | None = None, *, regex: bool = False,
                    exercise: str | Any | None = None, fn: Callable | None = None) -> None:
    name = result.name
    assert not result.passed, f"accepted a wrong {name}: {result.line}"
    assert result.line.startswith(f"✗ check_{name}"), result.line
    assert "\n" not in result.line, result.line
    if keyword is not None:
        assert hint_names(result, keyword, regex), f"expected a hint about {keyword!r}; got:\n{result.text}"
    if fn is not None:
        misfit = claim_fits(result, exercise or name, fn)
        assert misfit is None, f"the hint's claim does not hold for this function on {misfit!r}:\n{result.text}"


def assert_accepted(result: CheckResult) -> None:
    assert result.passed, result.text
    assert result.line.startswith(f"✓ check_{result.name}"), result.line


def assert_prints_rejection(capsys, exercise: str, fn: Callable, hint: str) -> CheckResult:
    """``check_<exercise>(fn)``, called as a learner calls it, prints one ✗ line (and at most one more, the "Why"),
    its text names ``hint``, and the hint's claim holds for ``fn`` on inputs the checker never saw."""
    result = checker(exercise)(fn)
    out = capsys.readouterr().out.strip()
    assert not result, out
    assert out.startswith(f"✗ check_{exercise}") and out.count("✗") == 1 and out.count("\n") <= 1, out
    assert hint in out, out
    misfit = claim_fits(result, exercise, fn)
    assert misfit is None, f"the hint's claim does not hold for this function on {misfit!r}:\n{out}"
    return result


def assert_prints_pass(capsys, exercise: str, fn: Callable) -> None:
    """``check_<exercise>(fn)``, called as a learner calls it, passes and prints its ✓ line."""
    result = checker(exercise)(fn)
    out = capsys.readouterr().out
    assert result, out
    assert out.startswith(f"✓ check_{exercise}"), out


def _raises_type_error(*args, **kwargs):
    raise TypeError("something went wrong")


def _not_implemented(*args, **kwargs):
    raise NotImplementedError()


NONSENSE = {"None": None, "int": 3, "str": "text", "raises": _raises_type_error, "not-implemented": _not_implemented,
            "returns-None": lambda *a, **k: None, "returns-list": lambda *a, **k: [1, 2],
            "returns-str": lambda *a, **k: "x", "returns-Nones": lambda *a, **k: (None,) * 5,
            "returns-nan": lambda *a, **k: float("nan")}
"""Answers that are no function at all, or a function that breaks: a checker must report them in one line."""


def assert_reports_nonsense_in_one_line(exercise: str, kind: str, capsys) -> None:
    """``check_<exercise>`` given ``NONSENSE[kind]`` fails with one ✗ line and never raises."""
    result = checker(exercise)(NONSENSE[kind])
    out = capsys.readouterr().out.strip()
    assert not result
    assert out.startswith(f"✗ check_{exercise}") and out.count("✗") == 1, out
    if kind == "not-implemented":
        assert "not implemented yet" in out


def assert_cases_unchanged_by_a_scribbler(exercise: str) -> None:
    """A learner's function that updates its arrays in place never changes the checker's own case data."""
    import copy

    import numpy as np

    check = checker(exercise)
    before = copy.deepcopy([case.args for case in check.cases])

    def scribble(*args, **kwargs):
        for a in args:
            if isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.floating):
                a += 1.0
        raise ValueError("scribbled")

    run_quietly(check, scribble)
    for case, old in zip(check.cases, before, strict=True):
        for a, b in zip(case.args, old, strict=True):
            if isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b)
