"""pytest plugin: in one nbval run, check ``solutions/`` strictly and ``notebooks/`` lax (docs/design.md §4).

    pytest --nbval -p tests.nbval_lax_notebooks tests solutions notebooks

Strict compares every stored output; lax only asks that a learner's unsolved copy runs top to bottom without an
error (it stores no outputs to compare). One run lets pytest-xdist share the two cores between unit tests and both
kinds of notebook, instead of three runs one after the other (tests/two_workers.py schedules them).
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    outcome = yield
    if file_path.suffix != ".ipynb" or file_path.parent.name != "notebooks":
        return
    for collector in outcome.get_result() or []:
        if type(collector).__name__ == "IPyNbFile":
            collector.compare_outputs = False  # nbval's own switch for --nbval-lax
