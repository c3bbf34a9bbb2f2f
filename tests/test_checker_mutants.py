"""Generated mutants of every reference solution (DESIGN §3.5): a measure no hand-written list can overfit.

For every exercise a lesson checks, ``tests/checker_mutants.py`` mutates the lesson's own solution block (operators,
comparisons, axes, keepdims, terms, .T, off-by-one, constants, a removed return, an input changed in place) and runs
the exercise's checker on each mutant (quietly, with a time guard). A deterministic sample keeps it fast.

Asserted: every mutant that changes the result on some input (the checker's cases, or perturbed versions of them)
is rejected, and no shown hint is contradicted when its claim is re-checked against the mutant on inputs the checker
never saw. Reported (``-s``): the share rejected, the share with a specific hint, the share with a misfit hint.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from checker_mutants import ROOT, judge, mutants, reference_of

PER_EXERCISE = 9  # mutants sampled per exercise (deterministic): ~270 in all, a few seconds
LESSONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def _sample() -> list:
    by_exercise: dict[str, list] = {}
    for lesson in LESSONS:
        for mutant in mutants(lesson):
            mutant.namespace["__lesson__"] = lesson
            by_exercise.setdefault(mutant.check.name, []).append(mutant)  # lessons 03 and 09 both have a `tanh`
    picked = []
    for exercise, items in sorted(by_exercise.items()):
        rng = random.Random(zlib.crc32(exercise.encode()))
        picked += rng.sample(items, min(PER_EXERCISE, len(items)))
    return picked


@pytest.fixture(scope="module")
def outcomes():
    results = []
    references: dict[str, object] = {}
    for mutant in _sample():
        lesson: Path = mutant.namespace["__lesson__"]
        key = f"{lesson.name}:{mutant.exercise}"
        if key not in references:
            references[key] = reference_of(lesson, mutant.exercise)
        mutant.namespace["__reference__"] = references[key]
        outcome = judge(mutant, seed=zlib.crc32(mutant.what.encode()))
        if outcome is not None:
            results.append((mutant, outcome))
    return results


def test_the_mutants_cover_every_checked_exercise(outcomes):
    exercises = {m.check.name for m, _ in outcomes}
    assert len(exercises) >= 30, sorted(exercises)  # every exercise of lessons 01-09
    assert len(outcomes) >= 200


def test_every_mutant_that_changes_the_result_is_rejected(outcomes):
    survivors = [f"{m.exercise} ({m.what}): {o['line'][:160]}" for m, o in outcomes
                 if not o["timeout"] and o["changed"] and o["passed"]]
    assert not survivors, "\n".join(survivors)


def test_no_hint_is_contradicted_by_the_mutant_it_is_shown_for(outcomes):
    misfits = [f"{m.exercise} ({m.what}) on {o['misfit']}: {o['line'][:200]}" for m, o in outcomes
               if not o["timeout"] and o["misfit"]]
    assert not misfits, "\n".join(misfits)


def test_report(outcomes, capsys):
    judged = [o for _, o in outcomes if not o["timeout"]]
    changed = [o for o in judged if o["changed"]]
    rejected = [o for o in changed if not o["passed"]]
    specific = [o for o in rejected if o["specific"]]
    misfit = [o for o in rejected if o["misfit"]]
    with capsys.disabled():
        print(f"\nmutants: {len(outcomes)} judged ({len(outcomes) - len(judged)} timed out), {len(changed)} change "
              f"the result; rejected {len(rejected)}/{len(changed)} = {len(rejected) / max(1, len(changed)):.1%}; "
              f"specific hint {len(specific)}/{len(rejected)} = {len(specific) / max(1, len(rejected)):.1%}; "
              f"hint the mutant does not fit {len(misfit)}")
    assert len(rejected) <= len(changed)
