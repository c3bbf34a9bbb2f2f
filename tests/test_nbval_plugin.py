"""The plugin that makes one nbval run strict on solutions/ and lax on notebooks/."""

import contextlib
from pathlib import Path

from tests import nbval_lax_notebooks


class IPyNbFile:  # stands in for nbval's collector: the plugin only flips this switch
    compare_outputs = True


class Outcome:
    def __init__(self, result):
        self.result = result

    def get_result(self):
        return self.result


def collected(path: str) -> IPyNbFile:
    collector = IPyNbFile()
    hook = nbval_lax_notebooks.pytest_collect_file(Path(path), parent=None)  # a hook wrapper: a generator
    next(hook)
    with contextlib.suppress(StopIteration):
        hook.send(Outcome([collector]))
    return collector


def test_learner_notebooks_are_lax_and_solutions_stay_strict():
    assert collected("notebooks/03_activations.ipynb").compare_outputs is False
    assert collected("solutions/03_activations.ipynb").compare_outputs is True
    assert collected("tests/test_utils.py").compare_outputs is True
