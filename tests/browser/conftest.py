"""Servers for the real-browser tests: JupyterLab (and, in test_slides.py, Voilà) on 127.0.0.1, random free ports, a token,
a throw-away copy of the course (so autosave never touches the repo), always shut down. JupyterLab runs with the
course's own Jupyter settings (tools/jupyter-config on JUPYTER_CONFIG_PATH), as `make lab` does."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

if os.environ.get("RUN_BROWSER_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]  # only `make test-browser` runs these


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


class Server:
    def __init__(self, args: list[str], url: str, cwd: Path, log: Path, env: dict | None = None):
        self.url, self.log = url, log
        self._log_file = open(log, "w")  # noqa: SIM115 — closed in stop()
        env = dict(os.environ, MPLBACKEND="", **(env or {}))
        env.pop("MPLBACKEND")
        self.proc = subprocess.Popen(args, cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log_file.close()


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("course")
    for name in ["notebooks", "solutions", "utils", "tools"]:  # tools: `python -m tools.slides` runs from the copy
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return target


@pytest.fixture(scope="session")
def jupyter_lab(course_copy, tmp_path_factory):
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("logs") / "jupyterlab.log"
    # render every cell (no windowing), so widgets far down a notebook exist in the page
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    server = Server([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                     f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course_copy}",
                     "--ServerApp.open_browser=False", "--LabApp.news_url=None",
                     *(["--allow-root"] if os.geteuid() == 0 else []),
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                     f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={settings}",
                     # window.jupyterapp: the tests wait on the notebook's own "kernel ready" promise before a click
                     "--LabApp.expose_app_in_browser=True"],
                    f"http://127.0.0.1:{port}", course_copy, log,
                    # the course's own Jupyter settings, as `make lab` has them (custom.css: figures framed in the dark theme)
                    env={"JUPYTER_CONFIG_PATH": os.pathsep.join(
                        p for p in [str(course_copy / "tools" / "jupyter-config"), os.environ.get("JUPYTER_CONFIG_PATH")]
                        if p)})
    try:
        wait_for_http(f"{server.url}/api/status?token={token}", 60, server.proc, log)
        yield server, token
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = next((c for c in CHROMIUM_CANDIDATES if Path(c).exists()), None)
    if executable is None:
        pytest.fail("no Chromium found: apt-get install chromium (make test-browser does it)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            yield browser
        finally:
            browser.close()


_SESSION_START = time.time()


def pytest_terminal_summary(terminalreporter):
    """Print the redraw times the widget test measured (information, never a verdict: `make bench` compares them
    with the budgets in benchmarks/RESULTS.md)."""
    path = SCREENSHOTS / "figures" / "browser_latency.json"
    if not path.exists() or path.stat().st_mtime < _SESSION_START:
        return
    rows = json.loads(path.read_text())
    terminalreporter.section("widget redraw times (information, not asserted; make bench reports them)")
    for name, row in rows.items():
        budget = f", budget {row['budget_ms']} ms" if "budget_ms" in row else ""
        step = f", step {row['step_median_ms']:.0f} ms" if "step_median_ms" in row else ""
        terminalreporter.write_line(f"{name:28s} median {row['median_ms']:6.0f} ms, max {row['max_ms']:6.0f} ms{step}"
                                    f"{budget}  (load average {row['load_average_1min']:.1f} on {row['cpu_count']} cores)")
    terminalreporter.write_line(f"written to {path.relative_to(ROOT)}")
