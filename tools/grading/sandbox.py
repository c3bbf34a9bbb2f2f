"""Run one notebook in a sandbox, and prove the sandbox holds before any learner code runs.

The sandbox is bubblewrap (``apt-get install bubblewrap``): new user, mount, PID, network, IPC and UTS namespaces;
every capability dropped (``--cap-drop ALL``); learner code runs as uid/gid 65534 ("nobody") — when the grader is
root, ``setpriv`` makes it nobody *outside* the sandbox too, so even the kernel's view of the process is an
unprivileged user. Mounted, read-only: ``/usr``, ``/bin``, ``/lib*``, a handful of files of ``/etc`` (never
``/etc/shadow``), the Python environment (the venv and the interpreter it points to) and the course's ``utils`` and
``tools`` at their real paths — wherever they live, ``/tmp`` included (the sandbox's own ``/tmp`` is mounted first, so
it never hides them). Writable, as size-capped tmpfs: the notebook's folder, ``$HOME`` and ``/tmp``; nothing else
exists (other submissions, the report, the course's solutions). No network at all.

Memory for the whole notebook (runner, kernel and every process it starts) is a cgroup's ``memory.max`` (v2) or
``memory.limit_in_bytes`` (v1) where the grader can make one (root), with the processes capped by ``pids.max``;
otherwise ``RLIMIT_AS`` per process plus ``RLIMIT_NPROC``, and ``describe()`` says which. Time: the whole sandbox is
killed. ``self_test()`` runs inside the sandbox the escapes a hostile notebook would try and reports any that work.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import secrets
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
MIB = 2**20
NOBODY = 65534
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = ("/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/ld.so.cache", "/etc/ld.so.conf",
             "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives", "/etc/fonts", "/etc/mime.types",
             "/etc/hosts")
INSIDE = "/course/submission"
HOME = "/home/learner"
SETPRIV = ["--reuid", str(NOBODY), "--regid", str(NOBODY), "--clear-groups", "--bounding-set=-all",
           "--inh-caps=-all", "--no-new-privs"]


@dataclass
class Limits:
    """Per-notebook limits: wall-clock ``seconds`` for running the notebook (kernel start included), ``memory`` in
    bytes for the whole notebook (every process together where a cgroup can be made, else per process), ``tasks``
    (processes and threads at once), ``output`` (bytes the sandbox may send back), ``disk`` (its writable folders)
    and ``call_seconds`` (for the judge's calls of the learner's functions, after the notebook ran)."""

    seconds: float = 120.0
    memory: int = 2 * GIB
    tasks: int = 256
    output: int = 32 * MIB
    disk: int = 256 * MIB
    call_seconds: float = 60.0

    @property
    def memory_text(self) -> str:
        gib = self.memory / GIB
        return f"{gib:g} GiB" if gib >= 1 else f"{self.memory / MIB:g} MiB"

    @property
    def seconds_text(self) -> str:
        return f"{self.seconds:g} s"


@dataclass
class Run:
    """What happened in one run (everything that came from inside the sandbox is untrusted data)."""

    started: list[int] = field(default_factory=list)
    done: dict[int, dict] = field(default_factory=dict)
    ran: bool = False             # the runner got to the end of the notebook
    ended: bool = False           # ... and to the end of the judge's calls
    functions: dict | None = None
    verdicts: dict[str, dict] = field(default_factory=dict)
    died_in: int | None = None
    timed_out: bool = False
    call_timed_out: bool = False
    out_of_memory: bool = False   # the memory cgroup killed a process
    memory_full: bool = False     # the memory cgroup reached its limit (the kernel reclaimed, the notebook crawled)
    output_capped: bool = False
    setup_error: str | None = None
    exit_code: int | None = None
    stderr_tail: str = ""
    seconds: float = 0.0
    cpu_seconds: float | None = None


# ------------------------------------------------------------------------------ what this machine can do
@functools.cache
def bubblewrap() -> str | None:
    """Path of a ``bwrap`` that can make the namespaces we need, or None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--unshare-user", "--uid", str(NOBODY),
                                "--gid", str(NOBODY), "--cap-drop", "ALL", "--die-with-parent", "true"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if probe.returncode == 0 else None


def _own_cgroup(controller: str | None) -> str:
    """This process's cgroup path in the v1 hierarchy of ``controller`` (None: the v2 one)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if (controller is None and controllers == "") or (controller and controller in controllers.split(",")):
                return path
    except (OSError, ValueError):
        pass
    return "/"


def _bases(controller: str) -> list[Path]:
    """Folders in which a sub-cgroup limiting ``controller`` can be made: v1 first, then v2 (own cgroup, root)."""
    out = []
    v1 = Path("/sys/fs/cgroup") / controller
    if v1.is_dir():
        out += [v1 / _own_cgroup(controller).lstrip("/"), v1]
    v2 = Path("/sys/fs/cgroup")
    if (v2 / "cgroup.controllers").exists():
        out += [v2 / _own_cgroup(None).lstrip("/"), v2]
    elif (v2 / "unified" / "cgroup.controllers").exists():
        out += [v2 / "unified" / _own_cgroup(None).lstrip("/")]
    return list(dict.fromkeys(out))


LIMIT_FILES = {"memory": [("memory.max", "memory.swap.max"), ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes")],
               "pids": [("pids.max", None)], "cpuacct": [("cpuacct.usage", None), ("cpu.stat", None)]}


@dataclass
class Group:
    path: Path
    controller: str
    version: int

    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def oom_kills(self) -> int:
        for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
            with contextlib.suppress(OSError, ValueError):
                for line in (self.path / name).read_text().splitlines():
                    if line.startswith(key + " "):
                        return int(line.split()[1])
        return 0

    def limit_reached(self) -> bool:
        """Whether the group's memory ever came close to its limit (v1: a peak of 90 % or more — the kernel starts
        reclaiming before the limit itself; v2: memory.events' max or oom)."""
        with contextlib.suppress(OSError, ValueError):
            peak = int((self.path / "memory.max_usage_in_bytes").read_text())
            return peak >= 0.9 * int((self.path / "memory.limit_in_bytes").read_text())
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / "memory.events").read_text().splitlines():
                if line.startswith(("max ", "oom ")) and int(line.split()[1]) > 0:
                    return True
        return False

    def cpu_seconds(self) -> float | None:
        """CPU time of everything that ran in the group (as the kernel counted it)."""
        with contextlib.suppress(OSError, ValueError):
            return int((self.path / "cpuacct.usage").read_text()) / 1e9
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / "cpu.stat").read_text().splitlines():
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1e6
        return None

    def kill_all(self) -> None:
        with contextlib.suppress(OSError):
            (self.path / "cgroup.kill").write_text("1")
        with contextlib.suppress(OSError, ValueError):
            for pid in (self.path / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)

    def remove(self) -> None:
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except OSError:
                self.kill_all()
                time.sleep(0.05)


def make_group(controller: str, limit: int | None) -> Group | None:
    """A fresh sub-cgroup limiting ``controller`` to ``limit`` (bytes or tasks), or None where none can be made."""
    name = f"nn-course-grade-{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
    for base in _bases(controller):
        group = base / name
        try:
            group.mkdir()
        except OSError:
            continue
        version = 2 if (group / "cgroup.controllers").exists() else 1
        for main_file, extra in LIMIT_FILES[controller]:
            try:
                if limit is None:
                    if not (group / main_file).exists():
                        raise OSError(main_file)
                else:
                    (group / main_file).write_text(str(limit))
            except OSError:
                continue
            if extra:
                with contextlib.suppress(OSError):
                    (group / extra).write_text("0" if version == 2 else str(limit))
            return Group(group, controller, version)
        with contextlib.suppress(OSError):
            group.rmdir()
    return None


@contextlib.contextmanager
def cgroups(limits: Limits):
    groups = [g for g in (make_group("memory", limits.memory), make_group("pids", limits.tasks)) if g is not None]
    if not any(g.cpu_seconds() is not None for g in groups):  # cgroup v1: CPU time is its own controller
        groups += [g for g in (make_group("cpuacct", None),) if g is not None]
    try:
        yield groups
    finally:
        for group in groups:
            group.remove()


@functools.cache
def cgroup_support() -> tuple[bool, bool]:
    """(memory, pids): whether a sub-cgroup with that limit can be made here."""
    with cgroups(Limits(memory=GIB, tasks=64)) as groups:
        return any(g.controller == "memory" for g in groups), any(g.controller == "pids" for g in groups)


def memory_method() -> str:
    memory, pids = cgroup_support()
    if memory:
        return "memory limited for the whole notebook (a cgroup)" + (
            ", processes and threads capped (pids cgroup)" if pids else ", processes capped by RLIMIT_NPROC")
    return ("memory limited PER PROCESS (RLIMIT_AS: no cgroup can be made here, so a notebook that starts several "
            "processes may use more in total), processes capped by RLIMIT_NPROC")


# ------------------------------------------------------------------------------ the sandbox
@dataclass
class Sandbox:
    """How notebooks are isolated on this machine: ``mode`` "setpriv" (the grader is root: learner code runs as
    the real uid 65534), "userns" (uid 65534 inside an unprivileged user namespace) or "none" (--no-sandbox)."""

    mode: str
    bwrap: str | None = None

    @property
    def sandboxed(self) -> bool:
        return self.mode != "none"

    def describe(self, limits: Limits) -> str:
        if self.mode == "none":
            return ("NO SANDBOX (--no-sandbox): learners' code ran as the grader's own user with the time and memory "
                    "limits only; it could read and write your files and reach the network")
        who = ("learner code as uid 65534 (nobody) for the whole system (setpriv)" if self.mode == "setpriv"
               else "learner code as uid 65534 inside a user namespace")
        return (f"bubblewrap sandbox: {who}, every capability dropped, no network, read-only system, Python and "
                f"course, writable only its own size-capped folders; other submissions and the report not visible; "
                f"{memory_method()}; self-test passed (remount, write to the course, read /etc/shadow, open a socket "
                "all refused)")


def python_dirs() -> list[str]:
    """Folders the sandbox needs read-only to run this Python: the venv and the interpreter it points to."""
    exe = os.path.realpath(sys.executable)
    dirs = {sys.prefix, sys.base_prefix, os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
            os.path.dirname(os.path.dirname(exe))}
    return sorted(d for d in dirs if not any(d == s or d.startswith(s + "/") for s in SYSTEM_DIRS))


def bwrap_args(sandbox: Sandbox, work: Path, notebook_name: str, limits: Limits) -> list[str]:
    """bubblewrap's command line. "setpriv" (root): bwrap makes the namespaces and mounts keeping only the
    capabilities setpriv needs to become nobody, and setpriv drops those too (bounding set included) before the runner
    starts. "userns": an unprivileged user namespace, uid 65534 inside, every capability dropped."""
    if sandbox.mode == "setpriv":
        args = [sandbox.bwrap or "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_SETPCAP"]
    else:
        args = [sandbox.bwrap or "bwrap", "--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid",
                str(NOBODY), "--cap-drop", "ALL"]
    args += ["--die-with-parent", "--new-session", "--hostname", "grader"]
    # writable places first, so a venv or course under /tmp or /home is mounted on top of them, never hidden
    for place in ("/tmp", "/home", "/course"):
        args += ["--perms", "1777", "--size", str(limits.disk), "--tmpfs", place]
    made = {"/", "/tmp", "/home", "/course"}

    def parents(path: str) -> list[str]:
        out = []
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text not in made:
                made.add(text)
                out += ["--perms", "0755", "--dir", text]
        made.add(path)
        return out

    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
        made.add(path)
    args += ["--perms", "0755", "--dir", "/etc"]
    made.add("/etc")
    for path in ETC_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in python_dirs():
        args += parents(path) + ["--ro-bind", path, path]
    for name in ("utils", "tools"):
        path = str(ROOT / name)
        args += parents(path) + ["--ro-bind", path, path]
    if (work / "fonts").is_dir():
        args += parents("/grader/fonts") + ["--ro-bind", str(work / "fonts"), "/grader/fonts"]
    args += ["--perms", "1777", "--dir", HOME, "--perms", "1777", "--dir", INSIDE,
             "--ro-bind", str(work / "notebook.ipynb"), f"{INSIDE}/{notebook_name}",
             "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/", "--chdir", INSIDE, "--"]
    if sandbox.mode == "setpriv":
        args += ["setpriv", *SETPRIV, "--"]
    return args


def environment(home: str, tmp: str) -> dict[str, str]:
    """A small, clean environment: no proxies or tokens of the teacher's shell leak into a learner's notebook."""
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home, "TMPDIR": tmp, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(ROOT), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_RUNTIME_DIR": f"{tmp}/jupyter-runtime", "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": f"{home}/.ipython", "MPLCONFIGDIR": f"{home}/.matplotlib", "MPLBACKEND": "agg",
        # one BLAS thread per notebook: the grader already runs one notebook per core
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        # the learner's own library (my_nn/) is neither read nor written while grading (docs/design.md §7)
        "NN_COURSE_NO_LIBRARY": "1",
    }
    if "VIRTUAL_ENV" in os.environ:
        env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
    return env


def _join_and_exec(groups: list[Group]) -> list[str]:
    """A shell that puts itself into each cgroup, then becomes the command: all it starts stays inside."""
    if not groups:
        return []
    return ["/bin/sh", "-c", 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 97; shift; done; shift; exec "$@"',
            "sh", *[str(g.procs()) for g in groups], "--"]


def command(sandbox: Sandbox, work: Path, notebook_name: str, limits: Limits, inner: list[str],
            groups: list[Group]) -> tuple[list[str], dict[str, str], Path]:
    """(argv, environment, cwd) to run ``inner`` (a command line of this Python) in the sandbox."""
    if sandbox.mode == "none":
        for folder in ("home", "tmp", "submission"):
            (work / folder).mkdir(exist_ok=True)
        shutil.copy(work / "notebook.ipynb", work / "submission" / notebook_name)
        if (work / "fonts").is_dir():
            shutil.copytree(work / "fonts", work / "home" / ".matplotlib")
        inner = [arg.replace(f"{INSIDE}/", str(work / "submission") + "/") for arg in inner]
        return _join_and_exec(groups) + inner, environment(str(work / "home"), str(work / "tmp")), work / "submission"
    argv = _join_and_exec(groups) + bwrap_args(sandbox, work, notebook_name, limits) + inner
    env = environment(HOME, "/tmp")
    env["NN_GRADER_FONTS"] = "/grader/fonts"
    return argv, env, work


def prepare_work(work: Path, notebook_text: str, font_cache: Path | None) -> None:
    """The folder the sandbox reads from: the notebook and a copy of matplotlib's font list (readable by nobody)."""
    work.chmod(0o755)
    (work / "notebook.ipynb").write_text(notebook_text, encoding="utf-8")
    (work / "notebook.ipynb").chmod(0o644)
    if font_cache is not None and font_cache.is_dir():
        shutil.copytree(font_cache, work / "fonts")
        for path in [work / "fonts", *(work / "fonts").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


# ------------------------------------------------------------------------------ self-test
def self_test(sandbox: Sandbox, limits: Limits, probe_paths: list[Path] = ()) -> list[str]:
    """Run ``tools.grading.selftest`` inside the sandbox. Returns what is wrong (empty: the sandbox holds): every
    escape that worked, and anything the notebooks need that they cannot reach (numpy, the checkers, the kernel)."""
    marker = f".nn-grader-selftest-{secrets.token_hex(6)}"
    targets = [ROOT / "utils", ROOT / "tools", Path(sys.prefix)]
    with tempfile.TemporaryDirectory(prefix="nn-course-selftest-") as tmp, cgroups(limits) as groups:
        work = Path(tmp)
        prepare_work(work, "{}", None)
        inner = [sys.executable, "-m", "tools.grading.selftest", marker, *map(str, targets),
                 "--probe", *map(str, probe_paths)]
        argv, env, cwd = command(sandbox, work, "selftest.ipynb", limits, inner, groups)
        try:
            done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            return [f"the sandbox did not start: {exc}"]
    problems = []
    for target in targets:  # checked from outside too: a write that worked leaves the file
        leaked = target / marker
        if leaked.exists():
            problems.append(f"ESCAPE: a sandboxed process wrote {leaked}")
            with contextlib.suppress(OSError):
                leaked.unlink()
    try:
        report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return problems + [f"the sandbox's self-test did not run (exit code {done.returncode}): {' | '.join(tail)[:400]}"]
    problems += [f"ESCAPE: {what}" for what in report.get("escapes", [])]
    problems += [f"the sandbox cannot {what}" for what in report.get("missing", [])]
    return problems


def choose_sandbox(limits: Limits, probe_paths: list[Path] = ()) -> tuple[Sandbox | None, list[str]]:
    """The strongest sandbox whose self-test passes here, or (None, the problems of each one tried)."""
    bwrap = bubblewrap()
    if bwrap is None:
        return None, ["bubblewrap (bwrap) is not installed or cannot make user namespaces here "
                      "(apt-get install bubblewrap; on a hub or in a container, grade on a Linux machine you control)"]
    tried = []
    modes = (["setpriv"] if os.geteuid() == 0 and shutil.which("setpriv") else []) + ["userns"]
    for mode in modes:
        sandbox = Sandbox(mode, bwrap)
        problems = self_test(sandbox, limits, probe_paths)
        if not problems:
            return sandbox, []
        tried += [f"{mode}: {p}" for p in problems]
        if any(p.startswith("ESCAPE") for p in problems):
            break  # never fall back to something weaker after an escape
    return None, tried


# ------------------------------------------------------------------------------ one notebook
class _Lines:
    """Lines of a pipe read by a thread (so a deadline can be kept), at most ``cap`` bytes in all."""

    def __init__(self, pipe, cap: int):
        self.queue: queue.Queue = queue.Queue()
        self.capped = False
        self.thread = threading.Thread(target=self._read, args=(pipe, cap), daemon=True)
        self.thread.start()

    def _read(self, pipe, cap: int) -> None:
        total = 0
        with contextlib.suppress(Exception):
            while True:
                line = pipe.readline(cap + 1)
                if not line:
                    break
                total += len(line)
                if total > cap:
                    self.capped = True
                    break
                self.queue.put(line)
        self.queue.put(None)

    def get(self, deadline: float) -> bytes | None | str:
        """The next line; None at the end; "timeout" when the deadline passed."""
        try:
            return self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return "timeout"


def _event(line: bytes) -> dict | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _record(event: dict, run: Run) -> None:
    kind = event.get("event")
    with contextlib.suppress(Exception):  # untrusted: a malformed event is ignored
        if kind == "cell":
            run.started.append(int(event["index"]))
        elif kind == "done":
            run.done[int(event["index"])] = event
        elif kind == "died":
            run.died_in = int(event["index"])
        elif kind == "setup-failed":
            run.setup_error = f"{event['error']['ename']}: {event['error']['evalue']}"[:300]
        elif kind == "ran":
            run.ran = True
        elif kind == "ready":
            run.functions = event.get("functions") if isinstance(event.get("functions"), dict) else {}
        elif kind == "end":
            run.ended = True


def run_notebook(notebook_text: str, name: str, exercises: list[str], limits: Limits, sandbox: Sandbox,
                 judge=None, font_cache: Path | None = None, seed: int | None = None) -> Run:
    """Run ``notebook_text`` as ``name`` in a fresh sandbox; then let ``judge`` (a ``Judge``) call its exercise
    functions. Never raises for anything the notebook does."""
    run = Run()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nn-course-grade-") as tmp, cgroups(limits) as groups:
        work = Path(tmp)
        prepare_work(work, notebook_text, font_cache)
        memory_group = any(g.controller == "memory" for g in groups)
        processes = 0 if any(g.controller == "pids" for g in groups) else _nproc_cap(limits)
        per_process = 0 if memory_group else limits.memory  # the cgroup holds the whole notebook: no RLIMIT_AS
        inner = [sys.executable, "-m", "tools.grading.runner", f"{INSIDE}/{name}", str(per_process), str(processes),
                 *exercises]
        argv, env, cwd = command(sandbox, work, name, limits, inner, groups)
        log = open(work / "runner.log", "w+b")  # noqa: SIM115 — closed below, after the process is gone
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.PIPE, stderr=log, env=env, cwd=cwd,
                                start_new_session=True)
        lines = _Lines(proc.stdout, limits.output)
        try:
            _converse(proc, lines, run, limits, start, judge, exercises, seed)
        finally:
            rusage = _reap(proc, time.monotonic() + (10 if run.ended or run.ran else 0), groups)
            measured = [c for g in groups if (c := g.cpu_seconds()) is not None]
            rusage = max(measured) if measured else rusage
            run.exit_code = proc.returncode
            run.cpu_seconds = rusage
            run.output_capped = lines.capped
            run.out_of_memory = memory_group and any(g.oom_kills() for g in groups if g.controller == "memory")
            run.memory_full = memory_group and any(g.limit_reached() for g in groups if g.controller == "memory")
            log.seek(max(0, log.seek(0, 2) - 2000))
            run.stderr_tail = log.read().decode("utf-8", "replace")
            log.close()
    run.seconds = time.monotonic() - start
    return run


def _nproc_cap(limits: Limits) -> int:
    """RLIMIT_NPROC counts every process of the user: allow the ones that exist plus the notebook's share."""
    uid = os.geteuid() if os.geteuid() != 0 else NOBODY
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
    return count + limits.tasks


def _converse(proc, lines: _Lines, run: Run, limits: Limits, start: float, judge, exercises, seed) -> None:
    deadline = start + limits.seconds
    while True:  # the notebook runs
        line = lines.get(deadline)
        if line == "timeout":
            run.timed_out = True
            return
        if line is None:
            return
        event = _event(line)
        if event is None:
            continue
        _record(event, run)
        if event.get("event") == "ready" or run.setup_error or run.died_in is not None:
            break
    if run.functions is None or judge is None:
        return
    call_deadline = time.monotonic() + limits.call_seconds

    def call(message: dict) -> dict:
        try:
            proc.stdin.write((json.dumps(message) + "\n").encode())
            proc.stdin.flush()
        except (OSError, ValueError):
            return {"lost": "the learner's kernel is gone"}
        while True:
            line = lines.get(call_deadline)
            if line == "timeout":
                run.call_timed_out = True
                _kill(proc, [])
                return {"lost": f"the learner's functions did not return within {limits.call_seconds:g} s"}
            if line is None:
                return {"lost": "the learner's kernel stopped while the grader called its functions"}
            event = _event(line)
            if event is not None and event.get("event") == "reply":
                event.pop("event")
                return event

    run.verdicts = judge.grade(exercises, run.functions, call, seed)
    with contextlib.suppress(OSError, ValueError):
        proc.stdin.write(b'{"op": "bye"}\n')
        proc.stdin.close()
    end = time.monotonic() + 15
    while (line := lines.get(end)) not in (None, "timeout"):
        event = _event(line)
        if event is not None:
            _record(event, run)


def _kill(proc: subprocess.Popen, groups: list[Group]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for group in groups:
        group.kill_all()


def _reap(proc: subprocess.Popen, grace_until: float, groups: list[Group]) -> float | None:
    """Let the sandbox end on its own until ``grace_until`` (so it waits for its kernel), then kill it; the CPU
    seconds of it and every process it waited for (as the OS measured them, not as the sandbox said)."""
    with contextlib.suppress(OSError, ValueError):
        proc.stdin.close()
    killed = False
    while True:
        try:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:
            proc.wait()
            return None
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            for group in groups:
                group.kill_all()
            return usage.ru_utime + usage.ru_stime
        if not killed and time.monotonic() >= grace_until:
            _kill(proc, groups)
            killed = True
        time.sleep(0.02)


def build_font_cache(folder: Path) -> Path:
    """Let matplotlib write its font list into ``folder`` once, so each notebook does not rebuild it."""
    env = dict(os.environ, MPLCONFIGDIR=str(folder))
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, capture_output=True, timeout=300)
    return folder
