"""A class on a local JupyterHub: how much memory and CPU does each learner need? `make bench-hub`.

Starts JupyterHub (PyPI ``jupyterhub``, ``configurable-http-proxy`` from npm in benchmarks/hub/node_modules, the
SimpleLocalProcessSpawner and the DummyAuthenticator, all on 127.0.0.1; config: benchmarks/hub/jupyterhub_config.py),
then simulated learners do what a class does at the start of a lesson: log in through the hub's login form, start
their server (REST API), open lesson 01 (sessions API) and run every cell through the kernel's WebSocket — first one
learner alone, then ``--learners`` (10) at once. Each learner's home holds the course as nbgitpuller would put it
there (``utils/`` and the lesson). Memory is the PSS of the learner's server and kernel (shared libraries counted
once across processes, so it adds up across learners), sampled every 0.25 s. CPU is the user + system time of those
processes. Everything is stopped at the end. Writes benchmarks/hub/RESULTS-lessonNN.md.

    .venv-hub/bin/python -m benchmarks.bench_hub [--learners 10] [--lesson 01]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
HUB_DIR = ROOT / "benchmarks" / "hub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
MIB = 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Learner:
    name: str
    login: float = 0.0          # s, login form
    server_ready: float = 0.0   # s, from the spawn request until the server answers
    kernel_ready: float = 0.0   # s, session + kernel started
    cells: float = 0.0          # s, running every cell
    total: float = 0.0          # s, from the login page to the last cell finished
    n_cells: int = 0
    errors: list[str] = field(default_factory=list)
    peak_pss: float = 0.0       # MiB, server + kernel
    end_pss: float = 0.0
    end_rss: float = 0.0
    cpu: float = 0.0            # s, user + system of server + kernel
    processes: int = 0          # how many processes were measured (server, kernel)


# ------------------------------------------------------------------------------ memory sampling
def learner_server(name: str) -> psutil.Process | None:
    """The learner's single-user server: the process whose parent is not the learner's (found by JUPYTERHUB_USER)."""
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get("JUPYTERHUB_USER") == name and proc.parent() and \
                    proc.parent().environ().get("JUPYTERHUB_USER") != name:
                return proc
        except (psutil.Error, OSError):
            continue
    return None


def learner_processes(name: str, server: psutil.Process | None = None) -> list[psutil.Process]:
    """The learner's server and everything it runs now (the kernel)."""
    server = server or learner_server(name)
    if server is None:
        return []
    try:
        return [server, *server.children(recursive=True)]
    except psutil.Error:
        return []


def memory_of(procs: list[psutil.Process]) -> tuple[float, float]:
    pss = rss = 0.0
    for proc in procs:
        try:
            info = proc.memory_full_info()
            pss += info.pss / MIB
            rss += info.rss / MIB
        except (psutil.Error, OSError):
            continue
    return pss, rss


def cpu_of(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except (psutil.Error, OSError):
            continue
    return total


class Sampler(threading.Thread):
    """Samples each learner's PSS every ``period`` seconds; keeps the peak."""

    def __init__(self, learners: list[Learner], period: float = 0.25):
        super().__init__(daemon=True)
        self.learners, self.period, self.stop = learners, period, threading.Event()
        self.servers: dict[str, psutil.Process] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            for learner in self.learners:
                server = self.servers.get(learner.name) or learner_server(learner.name)
                if server is not None:
                    self.servers[learner.name] = server
                    learner.peak_pss = max(learner.peak_pss, memory_of(learner_processes(learner.name, server))[0])
            self.stop.wait(self.period)


# ------------------------------------------------------------------------------ one learner
async def run_learner(learner: Learner, base: str, admin_token: str, notebook: dict, lesson_path: str) -> None:
    start = time.monotonic()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=600)) as http:
        # 1. log in through the form, as a browser does
        async with http.get(f"{base}/hub/login") as r:
            page = await r.text()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
        form = {"username": learner.name, "password": "any"} | ({"_xsrf": xsrf.group(1)} if xsrf else {})
        async with http.post(f"{base}/hub/login?next=", data=form, allow_redirects=False) as r:
            if r.status not in (302, 303):
                raise RuntimeError(f"login of {learner.name} answered {r.status}: {(await r.text())[:300]}")
        learner.login = time.monotonic() - start
        # 2. a token for the learner's API calls, then start the server
        admin = {"Authorization": f"token {admin_token}"}
        async with http.post(f"{base}/hub/api/users/{learner.name}/tokens", headers=admin,
                             json={"note": "bench", "expires_in": 3600}) as r:
            token = (await r.json())["token"]
        auth = {"Authorization": f"token {token}"}
        spawn = time.monotonic()
        async with http.post(f"{base}/hub/api/users/{learner.name}/server", headers=auth) as r:
            if r.status not in (201, 202):
                raise RuntimeError(f"spawn of {learner.name} answered {r.status}: {await r.text()}")
        while True:
            async with http.get(f"{base}/hub/api/users/{learner.name}", headers=auth) as r:
                model = await r.json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            await asyncio.sleep(0.2)
        learner.server_ready = time.monotonic() - spawn
        # 3. open the lesson: a session with a kernel, cwd = the lesson's folder
        user = f"{base}/user/{learner.name}"
        opened = time.monotonic()
        async with http.post(f"{user}/api/sessions", headers=auth, json={
                "path": lesson_path, "type": "notebook", "name": Path(lesson_path).name, "kernel": {"name": "python3"}}) as r:
            if r.status != 201:
                raise RuntimeError(f"session of {learner.name} answered {r.status}: {await r.text()}")
            kernel_id = (await r.json())["kernel"]["id"]
        ws_url = f"{user.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
        async with http.ws_connect(ws_url, headers=auth, max_msg_size=0) as ws:
            session = uuid.uuid4().hex
            await execute(ws, session, "1", learner)  # the kernel answers: it is ready
            learner.kernel_ready = time.monotonic() - opened
            began = time.monotonic()
            for cell in notebook["cells"]:
                if cell["cell_type"] != "code" or not cell["source"].strip():
                    continue
                error = await execute(ws, session, cell["source"], learner)
                learner.n_cells += 1
                if error and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                    learner.errors.append(error)
            learner.cells = time.monotonic() - began
    learner.total = time.monotonic() - start


async def execute(ws: aiohttp.ClientWebSocketResponse, session: str, code: str, learner: Learner) -> str | None:
    """Run one cell through the kernel's WebSocket; wait for its reply and for the kernel to go idle."""
    msg_id = uuid.uuid4().hex
    await ws.send_json({
        "header": {"msg_id": msg_id, "username": learner.name, "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}})
    reply, idle, error = None, False, None
    while reply is None or not idle:
        msg = await ws.receive(timeout=300)
        if msg.type != aiohttp.WSMsgType.TEXT:
            if msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                raise RuntimeError(f"kernel WebSocket of {learner.name} closed")
            continue
        data = json.loads(msg.data)
        if data.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = data["header"]["msg_type"]
        if kind == "execute_reply":
            reply = data["content"]
            if reply.get("status") == "error":
                error = f"{reply.get('ename')}: {reply.get('evalue')}"
        elif kind == "status" and data["content"].get("execution_state") == "idle":
            idle = True
    return error


# ------------------------------------------------------------------------------ the hub
class Hub:
    def __init__(self, run: Path):
        self.run, self.token = run, secrets.token_hex(32)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Hub:
        env = dict(os.environ, BENCH_HUB_RUN=str(self.run), BENCH_HUB_PORT=str(self.port), BENCH_HUB_API_PORT=str(free_port()),
                   BENCH_HUB_PROXY_API_PORT=str(free_port()), BENCH_HUB_PROXY=str(PROXY), BENCH_HUB_TOKEN=self.token,
                   PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
        self.log = open(self.run / "jupyterhub.log", "w")
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")],
                                     cwd=self.run, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited:\n{(self.run / 'jupyterhub.log').read_text()[-3000:]}")
            try:
                import urllib.request

                with urllib.request.urlopen(f"{self.base}/hub/api/", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("jupyterhub did not answer within 120 s")

    def overhead(self) -> float:
        """PSS (MiB) of the hub and its proxy."""
        procs = [psutil.Process(self.proc.pid)]
        procs += procs[0].children(recursive=False)
        procs = [p for p in procs if "singleuser" not in " ".join(p.cmdline())]
        return memory_of(procs)[0]

    async def stop_servers(self, names: list[str]) -> None:
        async with aiohttp.ClientSession() as http:
            for name in names:
                async with http.delete(f"{self.base}/hub/api/users/{name}/server",
                                       headers={"Authorization": f"token {self.token}"}):
                    pass

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the hub stops the proxy and (cleanup_servers) the learners' servers
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def prepare_home(run: Path, name: str, lesson: Path) -> str:
    """The course in the learner's home, as nbgitpuller would put it there; returns the lesson's path in it."""
    course = run / "home" / name / "nn-from-scratch"
    shutil.copytree(ROOT / "utils", course / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    (course / "notebooks").mkdir(parents=True)
    shutil.copy(lesson, course / "notebooks" / lesson.name)
    return f"nn-from-scratch/notebooks/{lesson.name}"


async def run_class(hub: Hub, learners: list[Learner], notebook: dict, paths: dict[str, str]) -> float:
    sampler = Sampler(learners)
    sampler.start()
    start = time.monotonic()
    results = await asyncio.gather(*(run_learner(lr, hub.base, hub.token, notebook, paths[lr.name]) for lr in learners),
                                   return_exceptions=True)
    wall = time.monotonic() - start
    sampler.stop.set()
    sampler.join()
    for learner, result in zip(learners, results):
        if isinstance(result, BaseException):
            learner.errors.append(f"{type(result).__name__}: {result}")
        procs = learner_processes(learner.name)
        learner.end_pss, learner.end_rss = memory_of(procs)
        learner.peak_pss = max(learner.peak_pss, learner.end_pss)
        learner.cpu = cpu_of(procs)
        learner.processes = len(procs)
    await hub.stop_servers([lr.name for lr in learners])
    return wall


def summary(rows: list[Learner]) -> dict[str, float]:
    def mean(key: str) -> float:
        return statistics.fmean(getattr(r, key) for r in rows)

    return {k: mean(k) for k in ("login", "server_ready", "kernel_ready", "cells", "total", "peak_pss", "end_pss", "end_rss", "cpu")} | {
        "max_total": max(r.total for r in rows), "max_peak_pss": max(r.peak_pss for r in rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--lesson", default="01", help="two-digit lesson number (default 01)")
    parser.add_argument("--out", type=Path, default=None, help="default benchmarks/hub/RESULTS-lessonNN.md")
    args = parser.parse_args(argv)
    if not PROXY.exists():
        parser.error(f"configurable-http-proxy not found at {PROXY}: run `npm ci` in {HUB_DIR} (make bench-hub does)")
    lesson = next((ROOT / "solutions").glob(f"{args.lesson}_*.ipynb"), None)
    if lesson is None:
        parser.error(f"no lesson {args.lesson!r} in solutions/")
    notebook = nbformat.read(lesson, as_version=4)
    args.out = args.out or HUB_DIR / f"RESULTS-lesson{args.lesson}.md"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="nn-course-hub-") as tmp:
        run = Path(tmp)
        alone = [Learner("learner-alone")]
        crowd = [Learner(f"learner-{i:02d}") for i in range(1, args.learners + 1)]
        paths = {lr.name: prepare_home(run, lr.name, lesson) for lr in alone + crowd}
        with Hub(run) as hub:
            time.sleep(1.0)
            hub_pss = hub.overhead()
            print(f"hub + proxy running at {hub.base} ({hub_pss:.0f} MiB PSS); one learner alone ...", flush=True)
            wall_alone = asyncio.run(run_class(hub, alone, notebook, paths))
            print(f"... {wall_alone:.1f} s; now {args.learners} learners at once ...", flush=True)
            wall_crowd = asyncio.run(run_class(hub, crowd, notebook, paths))
            print(f"... {wall_crowd:.1f} s; stopping everything", flush=True)
        leftovers = [lr.name for lr in alone + crowd if learner_processes(lr.name)]
    errors = {lr.name: lr.errors for lr in alone + crowd if lr.errors}
    report = write_results(args, lesson, notebook, hub_pss, alone, crowd, wall_alone, wall_crowd, leftovers, errors,
                           load_before)
    print(report)
    return 1 if errors or leftovers else 0


def write_results(args, lesson, notebook, hub_pss, alone, crowd, wall_alone, wall_crowd, leftovers, errors,
                  load_before) -> str:
    one, many = summary(alone), summary(crowd)
    cores = len(os.sched_getaffinity(0))
    ram = psutil.virtual_memory().total / 2**30
    per_gib = 1024 / many["end_pss"]
    per_gib_peak = 1024 / many["max_peak_pss"]
    cpu_per_run = many["cpu"]
    n_cells = crowd[0].n_cells
    lines = [
        "# JupyterHub: learners per core and per GiB (`make bench-hub`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} with {cores} cores and {ram:.0f} GiB RAM "
        f"({platform.processor() or platform.platform()}), Python {platform.python_version()}, "
        f"JupyterHub {__import__('jupyterhub').__version__}, SimpleLocalProcessSpawner, DummyAuthenticator, "
        f"configurable-http-proxy; lesson `{lesson.stem}` ({n_cells} code cells, solved) run through the kernel WebSocket.",
        "",
        "| | 1 learner alone | " + f"{len(crowd)} learners at once |",
        "|---|---:|---:|",
        f"| log in (form) | {one['login']:.2f} s | {many['login']:.2f} s (mean) |",
        f"| server ready after the spawn request | {one['server_ready']:.1f} s | {many['server_ready']:.1f} s (mean) |",
        f"| kernel ready after opening the lesson | {one['kernel_ready']:.1f} s | {many['kernel_ready']:.1f} s (mean) |",
        f"| all cells run | {one['cells']:.1f} s | {many['cells']:.1f} s (mean) |",
        f"| login to finished run | {one['total']:.1f} s | {many['total']:.1f} s mean, {many['max_total']:.1f} s slowest |",
        f"| whole class finished | {wall_alone:.1f} s | {wall_crowd:.1f} s |",
        f"| memory per learner after the run, server + kernel: PSS (RSS) | {one['end_pss']:.0f} MiB ({one['end_rss']:.0f} MiB) | "
        f"{many['end_pss']:.0f} MiB ({many['end_rss']:.0f} MiB) |",
        f"| peak memory per learner during the run (PSS) | {one['peak_pss']:.0f} MiB | {many['peak_pss']:.0f} MiB mean, "
        f"{many['max_peak_pss']:.0f} MiB largest |",
        f"| CPU time per learner (server + kernel, user + system) | {one['cpu']:.1f} s | {cpu_per_run:.1f} s |",
        f"| hub + proxy | {hub_pss:.0f} MiB | |",
        "",
        f"**Per GiB:** {per_gib:.1f} learners with lesson {args.lesson} open ({per_gib_peak:.1f} at the largest peak). "
        f"**Per core:** a learner's start-of-lesson (server start, kernel, every cell) costs {cpu_per_run:.1f} CPU-seconds, so "
        f"one core brings {60 / cpu_per_run:.0f} learners per minute through it; {len(crowd)} learners starting at the same "
        f"moment on {cores} cores all finished within {wall_crowd:.0f} s. Between runs a learner reads and types: "
        "an idle kernel uses no CPU.",
        "",
        f"Load average while measuring (other jobs on the machine stretch the times, not the memory or CPU-seconds): "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after.",
        "",
        "Errors: " + (json.dumps(errors) if errors else "none") + ". Processes left after the hub stopped: "
        + (", ".join(leftovers) if leftovers else "none") + ".",
        "",
    ]
    text = "\n".join(lines)
    args.out.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    sys.exit(main())
