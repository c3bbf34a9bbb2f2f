"""The judge: decides pass or fail outside the sandbox, from plain data, never running learner code.

    python -m tools.grading.judge        (a long-lived process; the grader talks to it in JSON lines)

For every exercise it runs the course's own, pristine checker ``utils.checks.check_<name>`` (imported here, in a
process no notebook ever touched) on a *proxy*: a function with the learner's signature and source text whose every
call sends the arguments as plain data to the learner's kernel (``{"op": "call", ...}`` on standard output), waits
for the reply (``{"op": "reply", ...}`` on standard input) and returns what the learner's function returned, raises
what it raised (same exception type and message, at the learner's line), re-issues the numpy warnings it caused and
writes back the arguments it changed. So the checker's comparisons, known mistakes and diagnoses all happen here.

Fresh cases: for a ``Checker`` the judge also runs a copy whose array arguments are perturbed with a generator
seeded from a secret drawn for each submission, so a notebook that recognises the published cases and returns
stored answers fails them. Both must pass.

An exercise whose arguments cannot travel as plain data (objects such as lesson 09's ``Value`` graphs, or functions
defined in a checker) is answered ``{"status": "unjudgeable", ...}``: the grader then uses the notebook's own check
result, labelled as the weaker, in-kernel grade.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import inspect
import io
import json
import linecache
import os
import re
import sys
import types
import warnings
from typing import Any

import numpy as np

from tools.grading.wire import Unsendable, copy_into, decode, encode

SECTION = re.compile(r"See (lesson [^'\n]*'[^'\n]*'|lesson [^\n]*?(?=\.(?:\s|$)))")


class Lost(BaseException):
    """The learner's kernel stopped answering (time limit, died): not the learner's mistake to diagnose."""


class CannotSend(BaseException):
    """An argument cannot travel as plain data: this exercise cannot be judged outside the kernel."""


class _Channel:
    def __init__(self, inp, out):
        self.inp, self.out = inp, out
        self.calls = 0

    def send(self, message: dict) -> None:
        self.out.write(json.dumps(message) + "\n")
        self.out.flush()

    def receive(self) -> dict:
        line = self.inp.readline()
        if not line:
            raise SystemExit(0)
        return json.loads(line)

    def call(self, name: str, args: Any, kwargs: Any) -> dict:
        self.calls += 1
        self.send({"op": "call", "name": name, "args": args, "kwargs": kwargs})
        reply = self.receive()
        if reply.get("op") != "reply":
            raise Lost("the grader ended the call")
        return reply


_COUNTER = [0]


def _fake_file(text: str) -> str:
    """A made-up file name whose lines (for ``inspect`` and tracebacks) are ``text``; nothing is written to disk."""
    _COUNTER[0] += 1
    name = f"<learner-{_COUNTER[0]}>"
    lines = [line + "\n" for line in text.splitlines()]
    linecache.cache[name] = (len(text), None, lines, name)
    return name


def _identifier(text: Any, fallback: str) -> str:
    text = str(text)
    return text if text.isidentifier() and not text.startswith("__") else fallback


def _raiser(exc: BaseException, where: Any) -> BaseException:
    """Raise ``exc`` from a frame that looks like the learner's line, so the checker names it as in the notebook."""
    if isinstance(where, list) and len(where) == 3:
        name, lineno, text = _identifier(where[0], "function"), max(1, min(int(where[1] or 1), 100_000)), str(where[2])
        filename = _fake_file("\n" * (lineno - 1) + text)
        code = compile("\n" * (lineno - 1) + "raise __nn_exc", filename, "exec")
        func = types.FunctionType(code.replace(co_name=name, co_qualname=name), {"__nn_exc": exc})
        func()
    raise exc


def _exception(raised: dict) -> BaseException:
    """An exception of the learner's type, where it is a builtin one (else the closest builtin base)."""
    message = str(raised.get("message", ""))
    for name in raised.get("types", []):
        cls = getattr(builtins, str(name), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            if cls is Exception and raised.get("types"):
                cls = type(_identifier(raised["types"][0], "Error"), (Exception,), {"__module__": "learner"})
            try:
                return cls(message)
            except Exception:  # noqa: BLE001 — e.g. UnicodeDecodeError needs five arguments
                return Exception(message)
    return Exception(message)


def make_proxy(name: str, info: dict, channel: _Channel):
    """A function the checker can call as if it were the learner's ``name``."""

    def impl(args: tuple, kwargs: dict) -> tuple[bool, Any]:
        try:
            sent_args, sent_kwargs = encode(list(args), strict=True), encode(kwargs, strict=True)
        except Unsendable as exc:
            raise CannotSend(str(exc)) from None
        reply = channel.call(name, sent_args, sent_kwargs)
        if "lost" in reply:
            raise Lost(str(reply["lost"])[:300])
        with contextlib.suppress(Exception):
            for target, after in zip(args, decode(reply.get("args_after")), strict=False):
                copy_into(target, after)
            copy_into(kwargs, decode(reply.get("kwargs_after")))
        for message in reply.get("warnings", [])[:20]:
            warnings.warn(str(message), RuntimeWarning, stacklevel=3)
        if "raised" in reply:
            raised = reply["raised"]
            if "NotImplementedError" in raised.get("types", []):
                raise NotImplementedError(str(raised.get("message", "")))
            return True, (_exception(raised), raised.get("where"))
        return False, decode(reply.get("value"))

    source = str(info.get("source") or f"def {name}(*args, **kwargs):\n    ...\n")
    n_lines = len(source.splitlines())
    filename = _fake_file(source + "\n" * (n_lines + 8))
    # the call and the raise sit on blank lines after the learner's source, so a traceback never quotes a wrong line
    template = ("def proxy(*args, **kwargs):\n" + "\n" * (n_lines + 2)
                + "    raised, value = __nn_impl(args, kwargs)\n"
                + "    if raised:\n        __nn_raiser(*value)\n    return value\n")
    code = compile(template, filename, "exec").co_consts[0]
    code = code.replace(co_name=name, co_qualname=name, co_firstlineno=1)
    proxy = types.FunctionType(code, {"__nn_impl": impl, "__nn_raiser": _raiser, "__builtins__": builtins}, name)
    params = info.get("params")
    if isinstance(params, list):
        with contextlib.suppress(Exception):
            proxy.__signature__ = inspect.Signature([
                inspect.Parameter(_identifier(p[0], f"arg{i}"), getattr(inspect.Parameter, str(p[1])),
                                  default=... if p[2] else inspect.Parameter.empty)
                for i, p in enumerate(params)])
    return proxy


# ------------------------------------------------------------------------------ fresh cases
def _perturb(value: Any, rng: np.random.Generator) -> tuple[Any, bool]:
    """``value`` with its float arrays moved by a few percent (signs kept; labels, one-hot rows and probability
    rows left alone), and whether anything changed."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        finite = np.isfinite(value)
        if np.all(value[finite] == np.round(value[finite])):
            return value, False  # labels, one-hot targets, counts
        if value.ndim >= 1 and np.all((value >= 0) & (value <= 1)) and np.allclose(value.sum(axis=-1), 1):
            return value, False  # probabilities
        factor = np.exp(rng.normal(0.0, 0.05, value.shape))
        return np.where(finite, value * factor, value).astype(value.dtype), True
    if isinstance(value, tuple | list):
        items = [_perturb(v, rng) for v in value]
        return type(value)(v for v, _ in items), any(c for _, c in items)
    return value, False


def fresh_checker(check: Any, rng: np.random.Generator) -> Any | None:
    """A copy of the checker whose cases have perturbed arrays (None when there is nothing to perturb, or the
    course's own reference does not pass the perturbed cases)."""
    from utils.checks import Case, Checker, run_quietly

    if not isinstance(check, Checker):
        return None
    cases = []
    for case in check.cases:
        args, changed = _perturb(tuple(case.args), rng)
        if changed and case.driver is None:
            cases.append(Case(f"{case.label} (fresh values)", tuple(args), dict(case.kwargs), case.hint_if_fails,
                              case.rtol, case.atol, None, case.valid))
    if not cases:
        return None
    fresh = dataclasses.replace(check, cases=cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not run_quietly(fresh, check.reference).passed:
            return None
    return fresh


# ------------------------------------------------------------------------------ judging
def topic_of(result: Any) -> str:
    """The misconception a failed result names: the checker's own id when it has one, else its hint with
    everything a learner wrote (quoted code, numbers, names in backticks) taken out."""
    for attr in ("mistake_id", "mistake", "topic", "kind"):
        value = getattr(result, attr, None)
        if isinstance(value, str) and value:
            return value
    text = result.hint or result.problem or ""
    text = re.sub(r"`[^`]*`", "`…`", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"[-+]?\d[\d.,e+-]*", "#", text)
    text = re.sub(r"\([^()]*\)", "(…)", text)
    return " ".join(text.split())[:160]


def judge_exercise(name: str, info: dict, channel: _Channel, rng: np.random.Generator) -> dict:
    import utils.checks as checks
    from utils.checks import run_quietly

    check = getattr(checks, f"check_{name}", None)
    if check is None:
        return {"status": "unjudgeable", "reason": f"check_{name} is not a checker of utils.checks"}
    if not info or not info.get("exists"):
        return {"status": "missing", "reason": f"`{name}` is not defined at the end of the notebook"}
    if not info.get("callable"):
        return {"status": "missing", "reason": f"`{name}` is not a function at the end of the notebook"}
    proxy = make_proxy(name, info, channel)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = run_quietly(check, proxy)
            fresh = fresh_checker(check, rng) if result.passed else None
            fresh_result = run_quietly(fresh, proxy) if fresh is not None else None
    except CannotSend as exc:
        return {"status": "unjudgeable", "reason": f"its arguments cannot be sent as plain data ({exc})"}
    except Lost as exc:
        return {"status": "lost", "reason": str(exc)}
    why = result.why or ""
    section = SECTION.search(why)
    out = {"passed": bool(result.passed), "hint": result.hint, "problem": result.problem, "line": result.line,
           "why": result.why, "section": section.group(1) if section else "", "calls": channel.calls,
           "fresh": None if fresh_result is None else bool(fresh_result.passed)}
    if result.problem == "not implemented yet":
        out["status"] = "not attempted"
    elif result.passed and fresh_result is not None and not fresh_result.passed:
        out.update(status="mistake", passed=False, topic="right only on the published cases",
                   hint=("right on the checker's published cases but not on fresh values: the function must compute "
                         "the answer, not recognise the cases" + (f" ({fresh_result.hint})" if fresh_result.hint else "")),
                   line=fresh_result.line, fresh_failed=True)
    else:
        out["status"] = "passed" if result.passed else "mistake"
        out["topic"] = "" if result.passed else topic_of(result)
    return out


def main() -> int:
    inp = sys.stdin
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything a checker prints goes to stderr, never into the protocol
    channel = _Channel(inp, out)
    import utils.checks  # noqa: F401 — loaded once, before any submission

    channel.send({"op": "hello"})
    while True:
        message = channel.receive()
        if message.get("op") != "grade":
            return 0
        rng = np.random.default_rng(int(message["seed"]))
        functions = message.get("functions") or {}
        for name in message.get("exercises", []):
            channel.calls = 0
            try:
                verdict = judge_exercise(name, functions.get(name) or {}, channel, rng)
            except Exception as exc:  # noqa: BLE001 — a judge error is the grader's problem, said in the report
                verdict = {"status": "error", "reason": f"{type(exc).__name__}: {str(exc)[:200]}"}
            channel.send({"op": "result", "exercise": name, **verdict})
            if verdict.get("status") == "lost":
                break
        channel.send({"op": "done"})


if __name__ == "__main__":
    sys.exit(main())
