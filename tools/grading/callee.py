"""The kernel's side of grading (runs inside the sandbox, in the learner's kernel, after their notebook ran).

It only *produces outputs*: ``describe`` reports what each exercise name is bound to (signature, source, where it
was defined); ``call`` calls the learner's function on arguments the judge sent as plain data and writes back, as
plain data, what it returned or raised, the arguments as the call left them and the numpy warnings it caused.
Nothing here decides a grade — the judge outside the sandbox does — so a notebook that patches this module, numpy
or the checkers changes only its own outputs, never how they are judged.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import traceback
import warnings

import numpy as np

from tools.grading.wire import decode, encode

MAX_SOURCE = 20_000


def _where(exc: BaseException) -> list | None:
    """The last frame of the learner's own code: (function, line, text)."""
    utils_dir = os.sep + "utils" + os.sep
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = frame.filename or ""
        if "site-packages" in name or utils_dir in name or name.endswith(("callee.py", "wire.py")):
            continue
        if frame.name in ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>") or not (frame.line or "").strip():
            continue
        return [frame.name, frame.lineno or 0, (frame.line or "").strip()[:200]]
    return None


def describe(namespace: dict, names: list[str]) -> dict:
    """What each name is in the learner's kernel (plain data)."""
    out = {}
    for name in names:
        fn = namespace.get(name)
        info: dict = {"exists": name in namespace, "callable": callable(fn)}
        if callable(fn):
            try:
                info["params"] = [[p.name, p.kind.name, p.default is not inspect.Parameter.empty]
                                  for p in inspect.signature(fn).parameters.values()]
            except (TypeError, ValueError):
                info["params"] = None
            try:
                info["source"] = inspect.getsource(fn)[:MAX_SOURCE]
            except (OSError, TypeError):
                info["source"] = ""
            code = getattr(fn, "__code__", None)
            info["module"] = str(getattr(fn, "__module__", "") or "")[:200]
            info["file"] = str(getattr(code, "co_filename", "") or "")[:300]
        out[name] = info
    return out


def call(namespace: dict, name: str, request: str, response: str) -> None:
    """Call ``namespace[name]`` on the arguments in the file ``request``; write the outcome to ``response``."""
    with open(request, encoding="utf-8") as f:
        req = json.load(f)
    args = list(decode(req["args"], allow_refs=True))
    kwargs = decode(req["kwargs"], allow_refs=True)
    out: dict = {}
    fn = namespace.get(name)
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn",
                                                                     under="ignore"):
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                if not callable(fn):
                    raise NameError(f"name '{name}' is not defined")
                value = fn(*args, **kwargs)
            out["value"] = encode(value)
        except Exception as exc:  # noqa: BLE001 — what the function raised is an outcome
            out["raised"] = {"types": [c.__name__ for c in type(exc).__mro__][:12], "message": str(exc)[:2000],
                             "where": _where(exc)}
    out["warnings"] = [str(w.message)[:300] for w in caught if issubclass(w.category, RuntimeWarning)][:20]
    out["args_after"] = encode(args)
    out["kwargs_after"] = encode(kwargs)
    with open(response, "w", encoding="utf-8") as f:
        json.dump(out, f)


def describe_to(namespace: dict, names: list[str], path: str) -> None:
    """``describe`` written to the file ``path`` as JSON."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(describe(namespace, names), f)
