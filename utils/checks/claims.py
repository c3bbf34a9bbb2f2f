"""A hint is a claim, and a claim is verified (DESIGN §3).

Every explanation a checker may show is a ``Diagnosis``. One that asserts a *cause* ("the bias was added twice",
"normalised over axis 0", "×n_samples") carries ``predict``: what the learner's function would return on any case
if the claim were true. The checker evaluates that prediction on **every** case it ran (``claim_holds``) and shows
the hint only when the prediction reproduces the learner's output wherever it says something, on the passing and
the failing cases alike, so no case contradicts it. The case printed beside a hint is one the hint explains.

A ``Diagnosis`` without ``predict`` is an *observation* of one case (the result is None, a list, has shape (3, 1),
raised on this line): true by construction for the case it is printed beside.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from utils.checks.compare import _is_number, _matches


@dataclass
class Diagnosis:
    """What the diagnosis layer found: a hint (the mistake and its fix), why (1–3 sentences), and a topic the
    checker may map to a lesson section (``Checker.sections``).

    predict: ``predict(expected, args, case) -> output`` — what the learner's function returns on a case if the
    hint is right (``Part(i, value)`` for one item of a tuple; None where the claim says nothing about the case).
    Without it the diagnosis is an observation of the case it was found on.
    """

    hint: str
    why: str | None = None
    topic: str | None = None
    weak: bool = False
    predict: Callable[[Any, dict, Any], Any] | None = None


@dataclass
class Fit:
    """A prediction that is a test rather than a value (``test(got) -> bool``): "the log of the right answer, and
    very negative where the right answer underflows to 0"."""

    test: Callable[[Any], bool]


@dataclass
class Part:
    """A prediction about one item of a tuple output (``new_m`` of ``(new_param, new_m, new_v)``)."""

    index: int
    value: Any


def predicted(predict: Callable, expected: Any, args: dict, case: Any) -> Any:
    """The claim's prediction for one case, or None when it says nothing about it (or cannot be evaluated)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return predict(expected, args, case)
    except Exception:  # noqa: BLE001 — a claim that cannot be evaluated on a case says nothing about it
        return None


def fits(got: Any, prediction: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Does the learner's output equal what the claim predicts?"""
    rtol, atol = max(rtol, 1e-6), max(atol, 1e-9)
    if isinstance(prediction, Part):
        if not isinstance(got, tuple | list) or prediction.index >= len(got):
            return False
        got, prediction = got[prediction.index], prediction.value
    if isinstance(prediction, Fit):
        try:
            return bool(prediction.test(got))
        except Exception:  # noqa: BLE001
            return False
    if isinstance(got, list):
        return False  # a claim about values is not what a list of them shows
    return _matches(got, prediction, rtol, atol)


def claim_holds(predict: Callable, runs: Sequence[tuple[Any, Any, dict, Any]]) -> tuple[bool, list[int]]:
    """Evaluate a claim on every case: ``runs`` holds ``(got, expected, args, case)`` per case (None for a case that
    did not run). Returns (no case contradicts it, the indices of the cases it explains)."""
    explained = []
    for j, run in enumerate(runs):
        if run is None:
            continue
        got, expected, args, case = run
        prediction = predicted(predict, expected, args, case)
        if prediction is None:
            continue
        if not fits(got, prediction, getattr(case, "rtol", 1e-6), getattr(case, "atol", 1e-9)):
            return False, []
        explained.append(j)
    return True, explained



@dataclass
class _Context:
    """What the diagnosis knows about a case: its arguments by name, numpy's warnings, the reference."""

    args: dict[str, Any]
    warnings: list[str]
    reference: Callable | None = None
    case: Any = None
    output_names: Sequence[str] = ()
    others: list = field(default_factory=list)  # other failing cases: (got, expected, args by name)
    student_fn: Callable | None = None  # the learner's function: its source may show a cause (never guessed)

    def arrays(self) -> list[tuple[str, np.ndarray]]:
        out = []
        for name, value in self.args.items():
            if callable(value) or isinstance(value, str):
                continue
            with contextlib.suppress(TypeError, ValueError):
                arr = np.asarray(value, dtype=np.float64)
                if arr.ndim >= 1:
                    out.append((name, arr))
        return out

    def scalars(self) -> list[tuple[str, float]]:
        out = []
        for name, value in self.args.items():
            if _is_number(value) and not isinstance(value, bool):
                out.append((name, float(value)))
        return out

