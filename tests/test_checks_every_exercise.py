"""Every checker of every lesson, the same two promises (docs/design.md §3): nonsense is reported in one ✗ line and
never raises, and a learner's function that scribbles on its arguments never changes the checker's own cases."""

from __future__ import annotations

import pytest
from checker_harness import NONSENSE, assert_cases_unchanged_by_a_scribbler, assert_reports_nonsense_in_one_line

from utils import checks

EXERCISES = sorted(name.removeprefix("check_") for name in checks.__all__ if name.startswith("check_"))


def test_every_exercise_of_the_contract_has_a_checker():
    assert {"neuron_output", "softmax", "numerical_gradient", "dense_backward", "adam_step", "fixed_train_step",
            "backward", "he_init", "early_stopping_epoch"} <= set(EXERCISES)


@pytest.mark.parametrize("name", EXERCISES)
@pytest.mark.parametrize("kind", list(NONSENSE))
def test_checker_never_raises_and_reports_one_line(capsys, name, kind):
    assert_reports_nonsense_in_one_line(name, kind, capsys)


@pytest.mark.parametrize("name", [n for n in EXERCISES  # lesson 09's checkers build a fresh graph for every case
                                  if all(hasattr(case, "args") for case in getattr(checks, f"check_{n}").cases)])
def test_checker_leaves_its_cases_unchanged(name):
    assert_cases_unchanged_by_a_scribbler(name)
