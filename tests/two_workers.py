"""pytest plugin for `make test`'s one run on two xdist workers:

    pytest -p tests.two_workers -n 2 --dist loadgroup --nbval tests solutions notebooks

It decides which tests must stay together and in what order the workers take them, so that both finish at about
the same time (longest first, small tests last to fill the gaps):

- each notebook is one group: its cells run in order in one kernel, on one worker;
- a test file with a fixture that outlives one test (``scope="module"``, ...) is one group, so it is built once;
- every other unit test is scheduled on its own;
- the order: lessons first, later lessons (the longer ones) before earlier ones, each solution beside its learner
  copy; then the grouped test files; then the single tests. The order changes nothing about what runs.

xdist's own ``loadgroup`` learns a test's group from a suffix it writes into the test's node id, which pytest 9 no
longer reads back (pytest-xdist issue #1386: the groups are silently ignored and a notebook's cells end up in two
kernels). So this plugin gives xdist the loadgroup scheduler itself, with the groups above (``group_of``).

It also keeps every pytest process from compiling a parser nothing in the run uses (``_skip_iri_parser``).
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _skip_iri_parser() -> None:
    """nbval imports nbformat, which imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is
    installed (jupyterlab's dependencies install it): that module compiles its Earley parsers at import, ~2.6 s of
    CPU on a slow core in the controller and in each worker (jsonschema issue #1428). It only serves the "iri" and
    "iri-reference" formats, which no notebook schema uses (tests/test_two_workers.py checks that); without it
    jsonschema simply does not offer those two formats. This plugin is loaded with ``-p``, before nbval."""
    sys.modules.setdefault("rfc3987_syntax", None)


_skip_iri_parser()

_LESSON = re.compile(r"(\d\d)_[^/]*\.ipynb$")
_LONG_LIVED_FIXTURE = re.compile(r"""fixture\(\s*scope\s*=\s*["'](module|class|package|session)["']""")


def _path_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


@cache
def has_a_long_lived_fixture(path: str) -> bool:
    """Does this test file (relative to the repository) define a fixture that lives longer than one test?"""
    file = ROOT / path
    return file.suffix == ".py" and file.is_file() and bool(_LONG_LIVED_FIXTURE.search(file.read_text(encoding="utf-8")))


def group_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its notebook, its file (when the file shares a fixture), or itself."""
    path = _path_of(nodeid)
    return path if path.endswith(".ipynb") or has_a_long_lived_fixture(path) else nodeid


def order(nodeids: list[str]) -> list[int]:
    """Indices of ``nodeids`` in the order the workers should take them (within a file, the file's own order)."""
    files: dict[str, list[int]] = {}
    for index, nodeid in enumerate(nodeids):
        files.setdefault(_path_of(nodeid), []).append(index)

    def lesson_key(path: str) -> tuple:
        match = _LESSON.search(path)
        return -(int(match.group(1)) if match else 0), not path.startswith("solutions"), path

    notebooks = sorted((path for path in files if path.endswith(".ipynb")), key=lesson_key)
    grouped = [path for path in files if path not in notebooks and has_a_long_lived_fixture(path)]
    rest = [path for path in files if path not in notebooks and path not in grouped]
    return [index for path in notebooks + grouped + rest for index in files[path]]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """In each worker (all collect the same items, in this order): the scheduler hands work out in this order."""
    items[:] = [items[index] for index in order([item.nodeid for item in items])]


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a run without xdist never calls it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Groups(LoadScopeScheduling):
        """xdist's scope scheduler with our groups, in the collection's order (not xdist's biggest-count-first)."""

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False  # the order is ours (see pytest_collection_modifyitems)
    return Groups(config, log)
