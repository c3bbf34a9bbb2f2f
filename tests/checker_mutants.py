"""Mutants of every reference solution, generated from the lessons' own solution blocks (DESIGN §3.5).

``mutants(lesson)`` parses the solution cells of ``solutions/NN_*.ipynb`` with ``ast`` and yields, for every
exercise a checker checks, small wrong versions of the reference: a binary operator swapped, a comparison
flipped, an ``axis`` changed or dropped, ``keepdims`` dropped, a term dropped, a ``.T`` dropped, a range or an index
off by one, a numeric constant replaced, a ``return`` removed, an input changed in place. ``judge`` runs the
exercise's checker on a mutant and re-checks the hint's claim on inputs the checker never saw.
Used by ``tests/test_checker_mutants.py``; nothing here is imported by a lesson.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import json
import math
import re
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from utils import checks
from utils.checks.checker import Checker, _broke_down
from utils.checks.claims import fits, predicted
from utils.checks.compare import _matches
from utils.checks.core import run_quietly
from utils.checks.graph import _judge_numbers
from utils.checks.learner import _call, _Raised

ROOT = Path(__file__).resolve().parents[1]
#: hints that name no cause: what was observed (``localise.observe`` and lesson 09's ``_observed``)
GENERIC = ("right on ", "wrong on every", "no case is right")


@dataclass
class Mutant:
    exercise: str  # the function's name in the lesson (``mul`` for check_mul_backward)
    check: Any
    what: str  # e.g. "line 3: + -> -"
    source: str  # the whole solution cell, mutated
    namespace: dict


def _imports(cells: list[str]) -> str:
    """Every top-level import of the lesson's code cells (what a solution cell may use)."""
    lines = []
    for source in cells:
        with contextlib.suppress(SyntaxError):
            for node in ast.parse(source).body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    lines.append(ast.unparse(node))
    return "\n".join(dict.fromkeys(lines))


def _cells(lesson: Path) -> list[str]:
    nb = json.loads(lesson.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _checked(cells: list[str]) -> dict[str, Any]:
    """function name in the lesson -> its checker (from the lesson's own `check_x(fn)` calls)."""
    found = {}
    for source in cells:
        for check_name, fn_name in re.findall(r"\b(check_\w+)\((\w+)\)", source):
            check = getattr(checks, check_name, None)
            if check is not None:
                found.setdefault(fn_name, check)
    return found


# ------------------------------------------------------------------------------ mutation operators
_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
          ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div}
_FLIPS = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Eq: ast.NotEq,
          ast.NotEq: ast.Eq}


def _sites(fn: ast.FunctionDef) -> Iterator[tuple[str, Callable[[ast.AST], None], ast.AST]]:
    """(description, edit, node) for every place in the function where one mutation applies."""
    arrays = [a.arg for a in fn.args.args]
    for node in ast.walk(fn):
        line = getattr(node, "lineno", 0) - fn.lineno
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAPS:
            new = _SWAPS[type(node.op)]
            yield (f"line {line}: {type(node.op).__name__} -> {new.__name__}",
                   lambda n, new=new: setattr(n, "op", new()), node)
            for side in ("left", "right"):
                yield (f"line {line}: drop the {'right' if side == 'left' else 'left'} term of "
                       f"{type(node.op).__name__}", lambda n, side=side: setattr(n, "_replace_with", side), node)
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIPS:
            new = _FLIPS[type(node.ops[0])]
            yield (f"line {line}: {type(node.ops[0]).__name__} -> {new.__name__}",
                   lambda n, new=new: n.ops.__setitem__(0, new()), node)
        if isinstance(node, ast.Call):
            for k, kw in enumerate(node.keywords):
                if kw.arg == "axis" and isinstance(kw.value, ast.Constant | ast.UnaryOp):
                    yield (f"line {line}: drop axis=", lambda n, k=k: n.keywords.pop(k), node)
                    for value in (0, 1):
                        yield (f"line {line}: axis={value}",
                               lambda n, k=k, value=value: setattr(n.keywords[k], "value", ast.Constant(value)), node)
                if kw.arg == "keepdims":
                    yield (f"line {line}: drop keepdims=", lambda n, k=k: n.keywords.pop(k), node)
            if isinstance(node.func, ast.Name) and node.func.id == "range" and node.args:
                yield (f"line {line}: range off by one",
                       lambda n: n.args.__setitem__(-1, ast.BinOp(n.args[-1], ast.Sub(), ast.Constant(1))), node)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield f"line {line}: drop .T", lambda n: setattr(n, "_replace_with", "value"), node
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            new_value = 2 * node.value if node.value not in (0, 0.0) else 1
            if isinstance(node.value, float) and node.value < 1e-3:
                new_value = 0.0
            yield (f"line {line}: constant {node.value!r} -> {new_value!r}",
                   lambda n, v=new_value: setattr(n, "value", v), node)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(
                node.slice.value, int):
            yield (f"line {line}: index {node.slice.value} -> {node.slice.value + 1}",
                   lambda n: setattr(n.slice, "value", n.slice.value + 1), node)
        if isinstance(node, ast.Return) and node.value is not None:
            yield f"line {line}: return removed", lambda n: setattr(n, "value", None), node
    if arrays:
        yield (f"changes its input `{arrays[0]}` in place", lambda n: setattr(n, "_mutate_input", arrays[0]), fn)


class _Replace(ast.NodeTransformer):
    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        side = getattr(node, "_replace_with", None)
        return getattr(node, side) if side else node


def _apply(cell: ast.Module, fn_name: str, index: int) -> tuple[str, str] | None:
    """The cell with the index-th mutation of ``fn_name`` applied: (description, source), None past the end."""
    tree = copy.deepcopy(cell)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == fn_name)
    sites = list(_sites(fn))
    if index >= len(sites):
        return None
    what, edit, node = sites[index]
    edit(node)
    tree = _Replace().visit(tree)
    argument = getattr(fn, "_mutate_input", None)
    if argument:
        fn.body.insert(0, ast.parse(f"_mutate_in_place({argument})").body[0])
    ast.fix_missing_locations(tree)
    return what, ast.unparse(tree)


def _mutate_in_place(x: Any) -> None:
    if isinstance(x, np.ndarray) and x.size and x.dtype.kind == "f":
        x.flat[0] += 1.0
    elif isinstance(x, list) and x and isinstance(x[0], float):
        x[0] += 1.0
    elif isinstance(getattr(x, "data", None), float):  # a Value (lesson 09)
        x.data += 1.0


def mutants(lesson: Path) -> Iterator[Mutant]:
    cells = _cells(lesson)
    checked = _checked(cells)
    prelude = _imports(cells)
    for source in cells:
        if "### BEGIN SOLUTION" not in source:
            continue
        cell = ast.parse(source)
        for fn in [n for n in cell.body if isinstance(n, ast.FunctionDef)]:
            if fn.name not in checked:
                continue
            index = 0
            while (mutated := _apply(cell, fn.name, index)) is not None:
                index += 1
                what, text = mutated
                yield Mutant(fn.name, checked[fn.name], what, text, {"__prelude__": prelude})


def load(mutant: Mutant) -> Callable | None:
    namespace: dict = {"_mutate_in_place": _mutate_in_place, "np": np, "math": math}
    try:
        exec(compile(mutant.namespace["__prelude__"], "<imports>", "exec"), namespace)  # noqa: S102
        exec(compile(mutant.source, f"<mutant {mutant.exercise}>", "exec"), namespace)  # noqa: S102
    except Exception:  # noqa: BLE001 — a mutant that does not even define the function is not a mutant
        return None
    return namespace.get(mutant.exercise)


def reference_of(lesson: Path, exercise: str) -> Callable:
    for source in _cells(lesson):
        if "### BEGIN SOLUTION" in source and re.search(rf"^def {exercise}\(", source, re.M):
            return load(Mutant(exercise, None, "", source, {"__prelude__": _imports(_cells(lesson))}))
    raise LookupError(exercise)


# ------------------------------------------------------------------------------ judging
class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def time_guard(seconds: float):
    """Stop a mutant that runs too long (an endless loop): SIGALRM, main thread only; elsewhere no guard."""
    def stop(signum, frame):
        raise _TimeUp

    try:
        previous = signal.signal(signal.SIGALRM, stop)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def variants(check: Checker, seed: int) -> list:
    """The checker's cases and, for each, two with its float arrays and numbers perturbed (inputs it never saw)."""
    from utils.checks.checker import Case

    rng = np.random.default_rng(seed)
    out = []
    for case in check.cases:
        out.append(case)
        if case.driver is not None:
            continue
        for _ in range(2):
            def perturb(x):
                if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.size:
                    finite = x[np.isfinite(x)]
                    if np.all(finite == np.round(finite)) and np.all(np.abs(finite) <= 1):
                        return x.copy()  # one-hot targets or 0/1 labels: not a quantity to perturb
                    if np.all((x >= 0) & (x <= 1)):  # probabilities stay probabilities (rows summing to 1 still do)
                        y = np.clip(x + rng.normal(0.0, 0.1, x.shape), 0.0, 1.0)
                        y[(x == 0) | (x == 1)] = x[(x == 0) | (x == 1)]
                        if x.ndim == 2 and np.allclose(x.sum(axis=1), 1.0):
                            y = y / y.sum(axis=1, keepdims=True)
                        return y
                    return x + rng.normal(0.0, 0.5 + 0.1 * np.abs(x), x.shape)
                if isinstance(x, float) and not isinstance(x, bool) and x not in (0.0, 1.0):
                    return x * float(rng.uniform(0.5, 1.5))
                return copy.deepcopy(x)
            out.append(Case(case.label + " (perturbed)", tuple(perturb(a) for a in case.args), case.kwargs,
                            rtol=case.rtol, atol=case.atol))
    return out


def _run(fn: Callable, case) -> Any:
    with contextlib.redirect_stdout(io.StringIO()):
        return _call(fn, case)[0]


def changes_result(check: Checker, reference: Callable, mutant: Callable, seed: int) -> bool:
    """Does the mutant give another result than the reference on some input (the cases, or perturbed ones)?"""
    for case in variants(check, seed):
        want, got = _run(reference, case), _run(mutant, case)
        if isinstance(want, _Raised):
            continue
        if isinstance(got, _Raised) or not _matches(got, want, max(case.rtol, 1e-6), max(case.atol, 1e-9)):
            return True
    return False


def claim_misfit(check: Checker, result, mutant: Callable, seed: int) -> str | None:
    """Re-check the hint's claim against the mutant on the cases and on perturbed inputs: where the mutant gives a
    value, the claim must predict it. Returns the case label where it does not fit, or None."""
    claim = getattr(result, "claim", None)
    if claim is None or not isinstance(check, Checker):
        return None
    kind, what = claim
    for case in variants(check, seed):
        got = _run(mutant, case)
        if _broke_down(got, check._expected(case)):
            continue  # raised, or nan/inf where the right answer is finite: a claim about values says nothing there
        if kind == "mistake":
            if case.driver is not None:
                continue
            if not _matches(got, _run(what, case), max(case.rtol, 1e-6), max(case.atol, 1e-9)):
                return case.label
        else:
            if case.driver is not None:
                continue
            expected = check._expected(case)
            prediction = predicted(what, expected, check._args(case), case)
            if prediction is not None and not fits(got, prediction, case.rtol, case.atol):
                return case.label
    return None


def judge(mutant: Mutant, seed: int = 0) -> dict | None:
    """Run the checker on one mutant: None when the mutant does not load; otherwise what happened."""
    fn = load(mutant)
    if fn is None:
        return None
    try:
        with time_guard(3.0):
            result = run_quietly(mutant.check, fn)
            reference = mutant.namespace.get("__reference__")
            inner = getattr(mutant.check, "checker", mutant.check)  # confusion_matrix wraps a Checker
            if reference is None:
                changed = True
            elif isinstance(inner, Checker):
                changed = changes_result(inner, reference, fn, seed)
            else:  # lesson 09: fixed graphs; a changed result is one the spec rejects (any valid order passes)
                check = mutant.check
                changed = False
                for c in check.cases:
                    got, want = check._run(c.driver, fn), check._run(c.driver, reference)
                    if type(got).__name__ in ("_Raised", "Problem") or (check.judge or _judge_numbers)(c, want, got):
                        changed = True
                        break
            misfit = claim_misfit(inner, result, fn, seed) if not result.passed else None
    except _TimeUp:
        return {"timeout": True}
    hint = result.hint or ""
    return {"timeout": False, "passed": result.passed, "changed": changed,
            "specific": bool(hint) and not hint.startswith(GENERIC), "misfit": misfit, "line": result.line}
