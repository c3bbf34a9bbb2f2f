"""The checker: ``Case`` (one call), ``Mistake`` (a known wrong version), ``Checker`` (runs the cases, compares,
and explains the first failure with a verified claim or, when nothing is verified, with what it observed)."""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import itertools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from utils.checks.claims import Diagnosis, claim_holds
from utils.checks.compare import (
    ARRAY,
    NUMBER,
    TUPLE,
    _close,
    _consistent,
    _float,
    _is_number,
    _matches,
    _right_type,
    _same,
    compare,
    integers_for_floats,
)
from utils.checks.diagnosis import diagnose
from utils.checks.learner import _arg_names, _call, _learner_arg_name, _mutation_where, _Raised
from utils.checks.localise import observe
from utils.checks.relations import _difference_note
from utils.checks.result import CheckResult, emit, fmt


@dataclass
class Mistake:
    """A known wrong implementation and the hint that names it.

    fn: takes the same arguments as the exercise. If it returns what the learner returned (within
    rtol/atol), or raises the same exception with the same message, the hint is shown.
    why: optional second line (1–3 plain sentences: why it is wrong); section: optional lesson section
    that explains it (default: the checker's).
    """

    hint: str
    fn: Callable
    rtol: float = 1e-6
    atol: float = 1e-9
    why: str | None = None
    section: str | None = None


@dataclass
class Case:
    """One call of the exercise.

    label: what a learner reads, e.g. ``"inputs [1, 2, 3], weights [0.2, 0.8, -0.5], bias 2"``.
    args / kwargs: the arguments (deep-copied for every call).
    hint_if_fails: shown when this case fails and nothing more specific is found (says what the case tests).
    rtol / atol: tolerance of the comparison with the reference.
    driver: ``driver(fn, *args, **kwargs) -> output`` for cases that call the function more than once
    (two optimizer steps in a row); the default is ``fn(*args, **kwargs)``.
    valid: ``valid(got) -> bool``, another way to be right (e.g. compared with the exact derivative at
    a tolerance fitting the method): a result the reference comparison rejects passes when it is True.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    hint_if_fails: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    driver: Callable | None = None
    valid: Callable[[Any], bool] | None = None




@dataclass
class Checker:
    """Everything needed to check one exercise.

    name: the exercise (``"softmax"``); reference: the correct function; cases: what to run;
    mistakes: known wrong versions, tried in order; kind: NUMBER, ARRAY or TUPLE (several arrays,
    named by ``output_names``); verified: the words after ✓; mutation_hint: shown when the
    function changes an input; mutation_fix: when set, the hint quotes the learner's own line that changed the
    input (found in their source: an in-place write, ``out=``, or another name for the argument such as
    ``y = x``) followed by this fix (``{name}`` is replaced by the argument's name). Optional: ``section``
    (where the lesson explains the exercise, e.g.
    ``"lesson 03, section '3. Softmax: scores to probabilities'"``), ``sections`` (diagnosis topic →
    section, e.g. ``{"overflow": "lesson 03, section 'Overflow, and the one-line fix'"}``), ``about``
    (a sentence on what the exercise computes, used when nothing more specific explains a failure).
    """

    name: str
    reference: Callable
    cases: Sequence[Case]
    mistakes: Sequence[Mistake] = ()
    kind: str = ARRAY
    output_names: Sequence[str] = ()
    verified: str = ""
    mutation_hint: str = "work on a copy (z = z.copy()) or build a new array instead of changing the argument"
    mutation_fix: str | None = None
    section: str | None = None
    sections: dict = field(default_factory=dict)
    about: str | None = None
    mutation_why: str = ("The caller still needs its array: changing an argument in place changes it for them too "
                         "(numpy passes arrays by reference).")

    def _focus(self, expected: Any, got: Any, case: Case) -> tuple[Any, Any]:
        """For a tuple of arrays, show only the first part that is wrong."""
        if self.kind != TUPLE or not isinstance(got, tuple | list) or len(got) != len(expected):
            return expected, got
        for e, g in zip(expected, got, strict=True):
            if compare(g, e, ARRAY, case.rtol, case.atol) is not None:
                return e, g
        return expected, got

    def _expected(self, case: Case) -> Any:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if case.driver is None:
                return self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            return case.driver(self.reference, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))

    def _known_mistake(self, index: int, outputs: list, warned: list[bool], passed: list[bool],
                       expecteds: list) -> Mistake | None:
        """The first known mistake that reproduces the learner's output on **every** case: on the failing ones and
        on the ones the learner got right (where a mistake that gives something else is contradicted). A mistake
        that matches some cases only is a coincidence and names nothing (DESIGN §3)."""
        case = self.cases[index]
        got = outputs[index]
        if self.kind == ARRAY and isinstance(got, list | tuple) and _close(got, expecteds[index], case.rtol, case.atol):
            return None  # the right values in a list: the type is the whole mistake
        for mistake in self.mistakes:
            out, mistake_warned, _, not_impl = _call(mistake.fn, case)
            if not_impl is not None or bool(mistake_warned) != warned[index]:
                continue
            if not _matches(got, out, mistake.rtol, mistake.atol):
                continue
            if all(outputs[j] is _NOT_RUN or _broke_down(outputs[j], expecteds[j])
                   or _consistent(outputs[j], _call(mistake.fn, other)[0], max(mistake.rtol, other.rtol),
                                  max(mistake.atol, other.atol))
                   for j, other in enumerate(self.cases) if j != index):
                return mistake
        return None

    def _mutation_hint(self, student_fn: Callable, name: str, own: str | None = None) -> str:
        """Which line changed the argument (found in the learner's source, never guessed) and the fix, both in the
        learner's own name for the argument (``own``: their parameter at the same position; default ``name``)."""
        if self.mutation_fix is None:
            return self.mutation_hint
        own = own or name
        try:
            where = _mutation_where(student_fn, own)
        except Exception:  # noqa: BLE001
            where = f"your function changed the caller's `{own}` in place"
        return f"{where} — {self.mutation_fix.replace('{name}', own)}"

    def _section_for(self, topic: str | None) -> str | None:
        if topic and topic in self.sections:
            return self.sections[topic]
        return self.section

    def _args(self, case: Case) -> dict:
        names = _arg_names(self.reference, len(case.args))
        args = dict(zip(names, case.args, strict=False))
        with contextlib.suppress(TypeError, ValueError):  # defaults the case leaves out (alpha=0.01, h=1e-5)
            for name, parameter in inspect.signature(self.reference).parameters.items():
                if name not in args and parameter.default is not inspect.Parameter.empty and _is_number(
                        parameter.default):
                    args[name] = parameter.default
        args.update(case.kwargs)
        return args

    def _diagnose_case(self, j: int, outputs: list, expecteds: list, passed: list[bool],
                       warnings_of: list[list[str]], student_fn: Callable | None = None) -> Diagnosis | None:
        others = [(outputs[k], expecteds[k], self._args(self.cases[k])) for k in range(len(self.cases))
                  if k != j and not passed[k] and outputs[k] is not _NOT_RUN
                  and not isinstance(outputs[k], _Raised) and self.cases[k].driver is None]
        return diagnose(outputs[j], expecteds[j], self.kind, args=self._args(self.cases[j]),
                        warnings_seen=warnings_of[j], output_names=self.output_names, case=self.cases[j],
                        reference=self.reference, others=others, student_fn=student_fn)

    def _confirmed(self, found: Diagnosis, index: int, outputs: list, expecteds: list, passed: list[bool],
                   warnings_of: list[list[str]], student_fn: Callable | None = None) -> bool:
        """A relation seen on one case can be a coincidence (a 1×1 batch, dvalues of ones): it must also be what
        the diagnosis finds on the other failing cases (for a tiny case: on the larger ones)."""
        def size(x: Any) -> int:
            if isinstance(x, tuple | list) and self.kind == TUPLE:
                return sum(size(item) for item in x)
            arr = _float(x)
            return arr.size if arr is not None else 0

        if self.kind == NUMBER or isinstance(outputs[index], _Raised):
            return True
        tiny = size(outputs[index]) <= 2
        if not tiny and found.topic not in _RELATIONS:
            return True
        for j in range(len(self.cases)):
            if (j == index or passed[j] or outputs[j] is _NOT_RUN or isinstance(outputs[j], _Raised)
                    or self.cases[j].driver is not None or size(outputs[j]) <= 2
                    or (not tiny and np.shape(outputs[j]) != np.shape(expecteds[j]))):
                continue
            other = self._diagnose_case(j, outputs, expecteds, passed, warnings_of, student_fn)
            if other is None or other.topic != found.topic:
                return False
        return True

    def _swapped_parameters(self, student_fn: Callable, index: int, expecteds: list) -> Diagnosis | None:
        """The learner's own function, called with two arguments swapped, gives the right answer on every case:
        its parameters are in the wrong order (checked by calling it, never guessed)."""
        case = self.cases[index]
        names = _arg_names(self.reference, len(case.args))
        if case.driver is not None or len(case.args) < 2:
            return None
        for i, j in itertools.combinations(range(len(case.args)), 2):
            if callable(case.args[i]) or callable(case.args[j]):
                continue
            right_everywhere = True
            for k, other in enumerate(self.cases):
                if other.driver is not None or len(other.args) != len(case.args):
                    continue
                args = list(other.args)
                args[i], args[j] = args[j], args[i]
                out = _call(student_fn, Case(other.label, tuple(args), other.kwargs))[0]
                if isinstance(out, _Raised) or compare(out, expecteds[k], self.kind, other.rtol, other.atol,
                                                      self.output_names) is not None:
                    right_everywhere = False
                    break
            if right_everywhere:
                order = ", ".join(names)
                return Diagnosis(f"your function gives the right answer when `{names[i]}` and `{names[j]}` are "
                                 f"swapped: its parameters are in the wrong order — def {self.name}({order})",
                                 "The checker passes the arguments in the order of the exercise's signature.", "args")
        return None

    def _explain(self, index: int, outputs: list, warned: list[bool], expecteds: list, numpy_warnings: list[str],
                 passed: list[bool], warnings_of: list[list[str]] | None = None, student_fn: Callable | None = None
                 ) -> tuple[str | None, str | None, str | None, int]:
        """(hint, why, section, the case to print) for a failure whose first failing case is ``index``.

        Every hint is a verified claim or an observation (``claims``): a known mistake or a diagnosed relation is
        shown only when it reproduces the learner's output on every case it says something about, beside a case it
        explains; when nothing is verified, what was observed is said (``localise.observe``), never a guess."""
        case = self.cases[index]
        self._claim = None
        if warnings_of is None:
            warnings_of = [numpy_warnings if j == index else [] for j in range(len(self.cases))]
        mistake = self._known_mistake(index, outputs, warned, passed, expecteds)
        if mistake is not None:
            self._claim = ("mistake", mistake.fn)
            return mistake.hint, mistake.why or self.about, mistake.section or self.section, index
        swapped = None
        if student_fn is not None:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(Exception):
                swapped = self._swapped_parameters(student_fn, index, expecteds)  # prints belong to the first call
        if swapped is not None:
            return swapped.hint, swapped.why, self.section, index
        # a claim is about what the function returns: a driver's output (a measurement) is not that, unless the
        # failing case itself is one
        # and where the learner's function broke down (raised, or nan/inf) a claim about values says nothing
        runs = [None if outputs[j] is _NOT_RUN or (c.driver is not None and case.driver is None)
                or (j != index and _broke_down(outputs[j], expecteds[j]))
                else (outputs[j], expecteds[j], self._args(c), c) for j, c in enumerate(self.cases)]
        failing = [j for j in range(len(self.cases)) if j != index and not passed[j] and outputs[j] is not _NOT_RUN
                   and self.cases[j].driver is None]  # a driver's output (a measurement) is not what is returned
        observation: tuple[Diagnosis, int] | None = None
        weak_observation: Diagnosis | None = None  # true of this case, but says little: used only if no case passes
        for j in [index, *failing]:
            found = self._diagnose_case(j, outputs, expecteds, passed, warnings_of, student_fn)
            if found is None:
                continue
            if found.predict is not None:  # a claim: shown only where no case contradicts it
                holds, explained = claim_holds(found.predict, runs)
                if holds and explained and (not found.weak or len(explained) >= 2):  # weak: one tiny case
                    shown = index if index in explained else j if j in explained else explained[0]
                    self._claim = ("relation", found.predict)
                    return found.hint, found.why, self._section_for(found.topic), shown
                continue
            if found.weak and j == index and found.predict is None and weak_observation is None:
                weak_observation = found
            if found.weak or not self._confirmed(found, j, outputs, expecteds, passed, warnings_of, student_fn):
                continue
            if j == index:
                return found.hint, found.why, self._section_for(found.topic), index
            if observation is None:
                observation = (found, j)
            if j == index and case.hint_if_fails:
                break
        if case.hint_if_fails:
            return case.hint_if_fails, self.about, self.section, index
        if observation is not None:
            found, j = observation
            return found.hint, found.why, self._section_for(found.topic), j
        # a case with a driver measures one property (how far from x the function looked): what it tests is observed
        for j, other in enumerate(self.cases):
            if j != index and not passed[j] and other.driver is not None and other.hint_if_fails \
                    and not isinstance(outputs[j], _Raised) and outputs[j] is not _NOT_RUN:
                return other.hint_if_fails, self.about, self.section, j
        if weak_observation is not None and not any(passed):
            return weak_observation.hint, weak_observation.why, self._section_for(weak_observation.topic), index
        args_of = [self._args(c) for c in self.cases]
        return (observe(index, outputs, expecteds, passed, self.cases, args_of, self.output_names, self.kind),
                self.about, self.section, index)

    def __call__(self, student_fn: Any) -> CheckResult:
        try:
            return self._check(student_fn)
        except Exception as exc:  # noqa: BLE001 — a checker never crashes a learner's notebook
            return self._emit(False, f"✗ check_{self.name}: the checker could not judge this function "
                                     f"({type(exc).__name__}: {exc})", None, None, "checker error", None)

    def _emit(self, passed: bool, line: str, case: str | None, hint: str | None, problem: str | None,
              why: str | None) -> CheckResult:
        result = CheckResult(self.name, passed, len(self.cases), line, case, hint, problem, why)
        result.claim = getattr(self, "_claim", None) if not passed else None
        self._claim = None
        return emit(result)

    def _check(self, student_fn: Any) -> CheckResult:
        title = f"check_{self.name}"

        def fail(case: Case | None, problem: str, expected: Any = None, got: Any = None,
                 hint: str | None = None, show_values: bool = True, why: str | None = None,
                 section: str | None = None) -> CheckResult:
            where = f' — case "{case.label}"' if case else ""
            line = f"✗ {title}{where}: {problem}"
            if show_values:
                shown_e, shown_g = fmt(expected), fmt(got)
                line += f"; expected {shown_e}, got {shown_g}"
                if shown_e == shown_g:
                    line += _difference_note(expected, got)
            if hint:
                line += f". Hint: {hint}"
            second = None
            if why or section:
                second = " ".join(p for p in (f"Why: {why}" if why else "", f"See {section}." if section else "") if p)
            return self._emit(False, line, case.label if case else None, hint, problem, second)

        if not callable(student_fn):
            return fail(None, f"expected your function (pass `{self.name}` without calling it), "
                              f"got {type(student_fn).__name__} {fmt(student_fn)}", show_values=False,
                        why="A checker calls your function itself, on several cases.")
        n = len(self.cases)
        outputs: list = [_NOT_RUN] * n
        expecteds: list = [None] * n
        warned = [False] * n
        warnings_of: list[list[str]] = [[] for _ in range(n)]
        passed = [False] * n
        first: tuple | None = None  # (index, expected, numpy warnings, problem, args_after)
        for i, case in enumerate(self.cases):
            expected = expecteds[i] = self._expected(case)
            if first is None:
                got, numpy_warnings, args_after, not_impl = _call(student_fn, case)
            else:  # after the first failure the remaining cases only inform the diagnosis: keep them silent
                with contextlib.redirect_stdout(io.StringIO()):
                    got, numpy_warnings, args_after, not_impl = _call(student_fn, case)
            if not_impl is not None and first is not None:
                got = _Raised(not_impl)
            elif not_impl is not None:
                line = (f"✗ {title}: not implemented yet — replace `raise NotImplementedError()` with your code, "
                        "then run this cell again")
                return self._emit(False, line, case.label, None, "not implemented yet", None)
            outputs[i], warned[i] = got, bool(numpy_warnings)
            warnings_of[i] = list(numpy_warnings)
            problem = None
            if not isinstance(got, _Raised):
                names = _arg_names(self.reference, len(case.args))
                mutated = False
                for position, (name, before, after) in enumerate(zip(names, case.args, args_after, strict=False)):
                    if not _same(before, after):
                        if first is None:
                            # the learner's own name for this argument (same position), when the case calls
                            # their function directly; a driver may pass its arguments differently
                            own = name if case.driver is not None else _learner_arg_name(student_fn, position, name)
                            called = f" (your `{own}`)" if own != name else ""
                            return fail(case, f"your function changed its input `{name}`{called}", before, after,
                                        hint=self._mutation_hint(student_fn, name, own), why=self.mutation_why,
                                        section=self.section)
                        mutated = True
                problem = compare(got, expected, self.kind, case.rtol, case.atol, self.output_names)
                if problem is None:
                    problem = integers_for_floats(got, expected, case.args, self.output_names)
                if problem is not None and case.valid is not None and (
                        case.driver is not None or _right_type(got, expected, self.kind)):
                    with contextlib.suppress(Exception):
                        if case.valid(got):
                            problem = None
                if problem is None and numpy_warnings:
                    problem = f"numpy warned '{numpy_warnings[0]}' (the answer is only right by luck)"
                if problem is None and mutated:
                    problem = "changed its input"
            else:
                problem = "raised"
            passed[i] = problem is None
            if problem is not None and first is None:
                first = (i, expected, numpy_warnings, problem)
        if first is None:
            line = f"✓ {title}: all {n} cases pass" + (f" ({self.verified})" if self.verified else "")
            return self._emit(True, line, None, None, None, None)
        i, expected, numpy_warnings, problem = first
        case, got = self.cases[i], outputs[i]
        if "but the exercise returns floats" in problem:  # an observation of the output's type: that is the hint
            return fail(case, problem, expected, got, hint=INTEGERS_HINT, why=INTEGERS_WHY, section=self.section)
        hint, why, section, shown = self._explain(i, outputs, warned, expecteds, numpy_warnings, passed,
                                                  warnings_of, student_fn)
        if shown != i:  # the hint explains another failing case: print that one beside it
            i, expected = shown, expecteds[shown]
            problem = compare(outputs[i], expected, self.kind, self.cases[i].rtol, self.cases[i].atol,
                              self.output_names) or "wrong values"
            case, got = self.cases[i], outputs[i]
        if isinstance(got, _Raised):
            at = ""
            if got.where:
                fn_name, lineno, text = got.where
                short = text if len(text) <= 90 else text[:87] + "..."
                at = f" in `{fn_name}`, line {lineno}: `{short}`" if fn_name != "<module>" else f" at `{short}`"
            return fail(case, f"your function raised {got}{at}", show_values=False, hint=hint, why=why,
                        section=section)
        shown_expected, shown_got = self._focus(expected, got, case)
        return fail(case, problem, shown_expected, shown_got, hint=hint, why=why, section=section)


_NOT_RUN = object()
#: diagnoses that state a relation between got and expected: it must hold on every failing case alike
_RELATIONS = frozenset({"offset", "args", "scale", "order", "log", "sign"})


INTEGERS_HINT = ("your function made integers from float inputs (an int constant such as np.where(z > 0, 1, 0), "
                 ".astype(int), or np.zeros(..., dtype=int)): keep floats — 1.0 and 0.0, .astype(float)")
INTEGERS_WHY = "Every array in this course is float64: integer results break later steps that need fractions."


def _broke_down(got: Any, expected: Any) -> bool:
    """The learner's function raised, or gave nan/inf where the right answer is finite: a second problem on that
    case, about which a known mistake (a claim about values) says nothing — it neither confirms nor contradicts."""
    if isinstance(got, _Raised):
        return True
    items = got if isinstance(got, tuple | list) and isinstance(expected, tuple) else (got,)
    wanted = expected if isinstance(expected, tuple) else (expected,)
    for g, e in zip(items, wanted, strict=False):
        g_arr, e_arr = _float(g), _float(e)
        if g_arr is not None and e_arr is not None and g_arr.shape == e_arr.shape and np.any(
                ~np.isfinite(g_arr) & np.isfinite(e_arr)):
            return True
    return False
