"""Runs one learner notebook and reports every check as it happens (used inside the grader's sandbox).

    python -m tools.grading.runner NOTEBOOK COURSE_ROOT MEMORY_BYTES [KERNEL_PID_FILE]

The notebook runs top to bottom in a fresh kernel (cwd = its folder, errors do not stop the run, like
"Restart Kernel and Run All Cells"). Before the first cell, the kernel gets a listener in
``utils.checks.core.RESULT_LISTENERS`` that publishes each ``CheckResult`` as a display output with the
MIME type ``RESULT_MIME``, so results arrive with the cell that made them. This process writes JSON lines to
its standard output: ``{"event": "cell", "index": i}`` before cell ``i``, ``{"event": "done", "index": i,
"results": [...], "error": {...} | null}`` after it, ``{"event": "died", ...}`` when the kernel died and
``{"event": "end"}`` at the end. A cell that raises ``SystemExit`` or ``MemoryError`` ends the run.

Address space (``RLIMIT_AS``) is limited to MEMORY_BYTES for this process and the kernel it starts.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

RESULT_MIME = "application/vnd.nn-course.check+json"
STOPS_THE_RUN = ("SystemExit", "MemoryError")  # numpy raises _ArrayMemoryError: matched by the end of the name

SETUP = """
def _install_grader_listener():
    import sys
    sys.path.insert(0, COURSE)
    from IPython.display import publish_display_data
    from utils.checks.core import RESULT_LISTENERS

    def record(result):
        text = lambda value: None if value is None else str(value)
        publish_display_data({MIME: {
            "name": text(result.name), "passed": bool(result.passed), "hint": text(result.hint),
            "problem": text(result.problem), "case": text(result.case), "line": text(result.line)}})

    RESULT_LISTENERS.append(record)


_install_grader_listener()
del _install_grader_listener
"""


def limit_memory(n_bytes: int) -> None:
    """Cap the address space of this process and its children; no core dumps of a runaway notebook."""
    resource.setrlimit(resource.RLIMIT_AS, (n_bytes, n_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    notebook, course, memory = args[:3]
    pid_file = args[3] if len(args) > 3 else None
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")  # events go here; anything else to stderr
    os.dup2(2, 1)

    def emit(**event) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    limit_memory(int(memory))
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=None, allow_errors=True, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid_file and pid:
            with open(pid_file, "w") as f:
                f.write(str(pid))
        setup = nbformat.v4.new_code_cell(SETUP.replace("COURSE", repr(course)).replace("MIME", repr(RESULT_MIME)))
        nb.cells.insert(0, setup)  # nbclient stores each executed cell back at its index
        client.execute_cell(setup, 0, store_history=False)
        errors = [o for o in setup.outputs if o.output_type == "error"]
        if errors:
            emit(event="setup-failed", error={"ename": errors[0].ename, "evalue": errors[0].evalue})
            return 0
        for index, cell in enumerate(nb.cells[1:]):  # index: the cell's position in the learner's notebook
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            emit(event="cell", index=index)
            try:
                client.execute_cell(cell, index + 1)
            except DeadKernelError:
                emit(event="died", index=index)
                return 0
            results = [o.data[RESULT_MIME] for o in cell.outputs
                       if o.output_type == "display_data" and RESULT_MIME in o.get("data", {})]
            error = next(({"ename": o.ename, "evalue": o.evalue} for o in cell.outputs if o.output_type == "error"), None)
            emit(event="done", index=index, results=results, error=error)
            if error and error["ename"].endswith(STOPS_THE_RUN):
                break
        emit(event="cpu", seconds=cpu_seconds(pid))
    emit(event="end")
    return 0


def cpu_seconds(kernel_pid: int | None) -> float:
    """User + system CPU time of this process and of the kernel (read from /proc while it still runs)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    if kernel_pid:
        try:
            with open(f"/proc/{kernel_pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


if __name__ == "__main__":
    sys.exit(main())
