"""Run one notebook in a sandbox: its own temporary copy, a time limit, a memory limit, no network, and
nothing it can write or delete outside that copy.

On Linux with bubblewrap (``apt-get install bubblewrap``) the run happens in new mount, PID, network, IPC and
user namespaces: the system, the Python environment and the course's ``utils`` are mounted read-only, the
notebook's folder, ``/tmp`` and ``$HOME`` are folders of the temporary copy, everything else (the other
submissions, the report, the rest of the course) is not there at all, and there is no network but loopback
(which the kernel needs). Memory: ``RLIMIT_AS`` on the runner and the kernel. Processes and threads: a pids cgroup
per run where one can be made (root on Linux), so a fork bomb stops there. Time: the whole sandbox is killed.
Without bubblewrap the notebook still gets its own copy and the limits, but it could write elsewhere and reach the
network; ``describe()`` says so and the report repeats it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.grading.lessons import ROOT

GIB = 2**30
SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
INSIDE_COURSE = "/course"  # the sandbox's view: /course/utils (read-only), /course/submission (the copy)


@dataclass
class Limits:
    """Per-notebook limits: wall-clock ``seconds`` (kernel start included), address space ``memory`` in bytes (per
    process) and ``tasks``, the processes and threads it may have at once."""

    seconds: float = 120.0
    memory: int = 2 * GIB
    tasks: int = 256  # processes + threads, where a pids cgroup can be made (stops a fork bomb)

    @property
    def memory_text(self) -> str:
        gib = self.memory / GIB
        return f"{gib:g} GiB" if gib >= 1 else f"{self.memory / 2**20:g} MiB"

    @property
    def seconds_text(self) -> str:
        return f"{self.seconds:g} s"


@dataclass
class Run:
    """What happened in one run: per code cell index, the checks it reported and the error it raised."""

    started: list[int] = field(default_factory=list)
    done: dict[int, dict] = field(default_factory=dict)
    ended: bool = False          # the runner reached the end of the notebook (or a cell that ends the run)
    died_in: int | None = None   # cell index in which the kernel died
    timed_out: bool = False
    setup_error: str | None = None
    exit_code: int | None = None
    stderr_tail: str = ""
    seconds: float = 0.0
    cpu_seconds: float | None = None  # runner + kernel, reported by a run that got to the end


@functools.cache
def bubblewrap() -> str | None:
    """Path of a working ``bwrap``, or None (not installed, or namespaces not allowed here)."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if probe.returncode == 0 else None


PIDS_HIERARCHIES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))  # cgroup v1, v2


@contextlib.contextmanager
def pids_cgroup(max_tasks: int):
    """A fresh cgroup allowing at most ``max_tasks`` processes and threads; yields the path of its ``cgroup.procs``
    (write a PID there to put a process in), or None where no pids cgroup can be made (not root, no controller)."""
    for base in PIDS_HIERARCHIES:
        group = base / f"nn-course-grade-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
        try:
            group.mkdir()
        except OSError:
            continue
        try:
            (group / "pids.max").write_text(str(max_tasks))
        except OSError:
            group.rmdir()
            continue
        try:
            yield group / "cgroup.procs"
        finally:
            for _ in range(100):  # the tasks of a killed sandbox leave the cgroup a moment later
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)
        return
    yield None


@functools.cache
def can_limit_tasks() -> bool:
    with pids_cgroup(64) as procs:
        return procs is not None


def describe(use_sandbox: bool = True, tasks: int = Limits.tasks) -> str:
    """One sentence for the report: how notebooks were isolated."""
    tasks = (f"; at most {tasks} processes and threads (a pids cgroup)" if can_limit_tasks() else
             "; the number of processes is not limited (no pids cgroup here)")
    if use_sandbox and bubblewrap():
        return ("bubblewrap sandbox: no network, read-only system and course, writable only its own temporary copy; "
                f"other submissions and the report are not visible{tasks}")
    why = "switched off (--no-sandbox)" if not use_sandbox else "not available (apt-get install bubblewrap)"
    return (f"NO SANDBOX — bubblewrap {why}: each notebook ran on its own temporary copy with the time and memory "
            "limits, but it could reach the network and write outside its copy")


def _python_dirs() -> list[str]:
    """Folders the sandbox needs read-only to run this Python: the venv and the interpreter it points to."""
    dirs = {sys.prefix, sys.base_prefix, os.path.realpath(sys.prefix), os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    return sorted(d for d in dirs if not any(d == s or d.startswith(s + "/") for s in SYSTEM_DIRS))


def _bwrap_args(bwrap: str, work: Path) -> list[str]:
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "grader"]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in _python_dirs():
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--ro-bind", str(ROOT / "utils"), f"{INSIDE_COURSE}/utils",
             "--bind", str(work / "course" / "submission"), f"{INSIDE_COURSE}/submission",
             "--bind", str(work / "home"), "/home/learner",
             "--bind", str(work / "tmp"), "/tmp",
             "--remount-ro", "/", "--remount-ro", "/dev",
             "--chdir", f"{INSIDE_COURSE}/submission"]
    return args


def _environment(home: str, tmp: str, course: str) -> dict[str, str]:
    """A small, clean environment: no proxies or tokens of the teacher's shell leak into a learner's notebook."""
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home, "TMPDIR": tmp, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONPATH": course, "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_RUNTIME_DIR": f"{tmp}/jupyter-runtime", "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": f"{home}/.ipython", "MPLCONFIGDIR": f"{home}/.matplotlib",
        # one BLAS thread per notebook: the grader already runs one notebook per core
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    if "VIRTUAL_ENV" in os.environ:
        env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
    return env


def _kill(proc: subprocess.Popen, kernel_pid: int | None) -> None:
    for pid in [proc.pid] + ([kernel_pid] if kernel_pid else []):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the runner's and (without bwrap) the kernel's own process group


def run_notebook(notebook_text: str, name: str, limits: Limits, use_sandbox: bool = True,
                 font_cache: Path | None = None) -> Run:
    """Run ``notebook_text`` (a notebook file's content) as ``name`` in a fresh temporary copy; never raises
    for anything the notebook does."""
    run = Run()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nn-course-grade-") as tmp:
        work = Path(tmp)
        submission = work / "course" / "submission"
        for folder in (submission, work / "home", work / "tmp"):
            folder.mkdir(parents=True)
        if font_cache is not None and font_cache.is_dir():  # matplotlib's font list, built once per class
            shutil.copytree(font_cache, work / "home" / ".matplotlib")
        (submission / name).write_text(notebook_text, encoding="utf-8")
        bwrap = bubblewrap() if use_sandbox else None
        if bwrap:
            course, home, scratch = INSIDE_COURSE, "/home/learner", "/tmp"
            command = _bwrap_args(bwrap, work)
        else:
            # a copy, not a link: a notebook that deletes ../utils must not reach the course's own files
            shutil.copytree(ROOT / "utils", work / "course" / "utils", ignore=shutil.ignore_patterns("__pycache__"))
            course, home, scratch = str(work / "course"), str(work / "home"), str(work / "tmp")
            command = []
        command += [sys.executable, "-m", "tools.grading.runner", f"{course}/submission/{name}", course, str(limits.memory)]
        if not bwrap:
            command.append(str(work / "kernel.pid"))  # so the kernel (its own session) can be killed too
        with open(work / "runner.log", "w+b") as log, pids_cgroup(limits.tasks) as procs:
            if procs is not None:  # join the cgroup first, then become the sandbox: everything it starts stays inside
                command = ["/bin/sh", "-c", 'echo $$ > "$0" 2>/dev/null; exec "$@"', str(procs), *command]
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                    env=_environment(home, scratch, course), cwd=submission, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=limits.seconds)
            except subprocess.TimeoutExpired:
                run.timed_out = True
                _kill(proc, _kernel_pid(work))
                out, _ = proc.communicate()
            run.exit_code = proc.returncode
            log.seek(max(0, log.seek(0, 2) - 2000))
            run.stderr_tail = log.read().decode("utf-8", "replace")
        _read_events(out, run)
        if not bwrap and not run.ended:
            _kill(proc, _kernel_pid(work))  # a kernel left behind by a runner that crashed
    run.seconds = time.monotonic() - start
    return run


def _kernel_pid(work: Path) -> int | None:
    try:
        return int((work / "kernel.pid").read_text())
    except (OSError, ValueError):
        return None


def _read_events(out: bytes, run: Run) -> None:
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        kind = event.get("event")
        if kind == "cell":
            run.started.append(event["index"])
        elif kind == "done":
            run.done[event["index"]] = event
        elif kind == "died":
            run.died_in = event["index"]
        elif kind == "setup-failed":
            run.setup_error = f"{event['error']['ename']}: {event['error']['evalue']}"
        elif kind == "cpu":
            run.cpu_seconds = event.get("seconds")
        elif kind == "end":
            run.ended = True


def build_font_cache(folder: Path) -> Path:
    """Let matplotlib write its font list into ``folder`` once, so each notebook does not rebuild it."""
    env = dict(os.environ, MPLCONFIGDIR=str(folder))
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, capture_output=True, timeout=300)
    return folder
