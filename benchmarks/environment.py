"""The environment `make bench` times lessons and `make test` in: a learner's, not the bench's own.

`make bench` installs requirements-bench.txt (PyTorch, for the side-by-side step timings); a learner's venv from
requirements.txt, and CI's, has none of it. Lessons and `make test` are timed with those modules hidden, so their
numbers are what a learner and CI see (lesson 08's optional PyTorch cell skips, the PyTorch comparison tests skip).
Standard library only: the tests import it without the bench's plotting.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

OPTIONAL_MODULES = ("torch",)
"""Installed by requirements-bench.txt for the comparisons here, never by requirements.txt: a learner's and CI's
environment have none of them, so lessons and `make test` are timed with them hidden."""


@contextmanager
def learner_environment() -> Iterator[dict]:
    """``os.environ`` for a child process that cannot import ``OPTIONAL_MODULES``, as in a learner's venv from
    requirements.txt (and CI's): a folder put first on ``PYTHONPATH`` holds one package per module whose import
    raises ``ModuleNotFoundError``, which is what the lessons' ``try: import torch`` and the tests'
    ``pytest.importorskip`` see when it is not installed."""
    with tempfile.TemporaryDirectory(prefix="learner-env-") as folder:
        for name in OPTIONAL_MODULES:
            package = Path(folder) / name
            package.mkdir()
            (package / "__init__.py").write_text(
                f"raise ModuleNotFoundError(\"No module named '{name}' (hidden by benchmarks.environment: not in "
                f"requirements.txt)\", name={name!r})\n", encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, env.get("PYTHONPATH")]))
        yield env


def uses_optional_module(nb) -> bool:
    """True if a code cell of the lesson imports one of ``OPTIONAL_MODULES`` (lesson 08's PyTorch comparison)."""
    return any(f"import {name}" in cell.source for cell in nb.cells if cell.cell_type == "code"
               for name in OPTIONAL_MODULES)


def children_cpu_seconds() -> float:
    """CPU seconds (user + system) of every child process this one has waited for: a kernel nbclient shut down, the
    `make test` run with all its workers and kernels. Unlike wall time, other load on the machine does not add to it."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_ms_by_kind(kinds: dict[str, tuple[str, ...]], root: int | None = None) -> dict[str, float] | None:
    """CPU milliseconds (user + system) used so far by the living descendants of process ``root`` (this process by
    default), summed by kind: a process counts for the first kind one of whose strings is in its command line, and
    for no kind if none is. Subtract two readings to get what a piece of work cost every process of a chain (the
    kernel, the Jupyter server, Chromium). Reads Linux's /proc, counted in clock ticks (10 ms on most systems, so
    read it over many events); None where there is no /proc. A process that ends between two readings takes its
    time with it."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    root = os.getpid() if root is None else root
    parents: dict[int, int] = {}
    processes: dict[int, tuple[int, str]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended while we read
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ..., utime (12th), stime (13th)
        parents[int(entry.name)] = int(fields[1])
        processes[int(entry.name)] = (int(fields[11]) + int(fields[12]), command)

    def descends(pid: int) -> bool:
        seen = set()
        while pid in parents and pid not in seen:
            seen.add(pid)
            pid = parents[pid]
            if pid == root:
                return True
        return False

    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(kinds, 0.0)
    for pid, (ticks, command) in processes.items():
        kind = next((k for k, marks in kinds.items() if any(m in command for m in marks)), None)
        if kind is not None and descends(pid):
            totals[kind] += ticks * tick_ms
    return totals
