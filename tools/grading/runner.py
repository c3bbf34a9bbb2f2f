"""Runs one learner notebook inside the sandbox, then calls its exercise functions for the judge.

    python -m tools.grading.runner NOTEBOOK MEMORY_BYTES MAX_PROCESSES EXERCISE [EXERCISE ...]   (0: no rlimit)

1. The notebook runs top to bottom in a fresh kernel (cwd = its folder; errors do not stop the run, like "Restart
   Kernel and Run All Cells"). A listener in ``utils.checks.core.RESULT_LISTENERS`` publishes what the notebook's
   own check cells found (MIME type ``RESULT_MIME``): the grader uses these only for exercises the judge cannot
   judge from plain data, and labels them so — a notebook can forge them.
2. ``{"event": "ready", "functions": ...}``: what each exercise name is bound to in the kernel.
3. Then it serves the judge: each line on standard input ``{"op": "call", "name", "args", "kwargs"}`` (plain data,
   ``tools.grading.wire``) is executed in the same kernel by ``tools.grading.callee`` and answered with
   ``{"event": "reply", ...}``; ``{"op": "bye"}`` (or the end of input) ends the run.

Standard output carries only these JSON lines (the notebook's own output never reaches it). Everything this process
writes is *untrusted* by the grader: it runs next to learner code. Address space (``RLIMIT_AS``) and, where no cgroup
limits the sandbox, the number of processes (``RLIMIT_NPROC``) are limited for this process and the kernel; where a
memory cgroup limits the whole notebook, no per-process limit is set (0).
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
    from IPython.display import publish_display_data
    from utils.checks.core import RESULT_LISTENERS

    def record(result):
        text = lambda value: None if value is None else str(value)[:4000]
        publish_display_data({MIME: {
            "name": text(result.name), "passed": bool(result.passed), "hint": text(result.hint),
            "problem": text(result.problem), "case": text(result.case), "line": text(result.line),
            "why": text(result.why)}})

    RESULT_LISTENERS.append(record)
    # the grader keeps no output: figures and images are not rendered (the notebook's own code still runs)
    formatters = get_ipython().display_formatter.formatters
    for mime in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        if mime in formatters:
            formatters[mime].enabled = False


_install_grader_listener()
del _install_grader_listener
"""

DESCRIBE = "__import__('tools.grading.callee', fromlist=['x']).describe_to(globals(), {names!r}, {path!r})"
CALL = "__import__('tools.grading.callee', fromlist=['x']).call(globals(), {name!r}, {request!r}, {response!r})"


def limit_resources(n_bytes: int, processes: int) -> None:
    """Cap the address space of this process and its children (0: a cgroup limits the whole notebook instead); no
    core dumps; at most ``processes`` processes of this user (0: leave it to the cgroup)."""
    if n_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (n_bytes, n_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    notebook, memory, processes, names = args[0], int(args[1]), int(args[2]), args[3:]
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")  # events go here; anything else to stderr
    os.dup2(2, 1)
    scratch = os.environ.get("TMPDIR", "/tmp")

    def emit(**event) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    limit_resources(memory, processes)
    # jsonschema (under nbformat) would import rfc3987_syntax for one optional format check: compiling its grammar
    # costs ~3 CPU-seconds per notebook, more than the rest of the runner. Nothing here validates IRIs.
    sys.modules.setdefault("rfc3987_syntax", None)
    fonts, config = os.environ.get("NN_GRADER_FONTS"), os.environ.get("MPLCONFIGDIR")
    if fonts and config and os.path.isdir(fonts) and not os.path.exists(config):
        import shutil

        shutil.copytree(fonts, config)  # matplotlib's font list, built once per class
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=None, allow_errors=True, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        setup = nbformat.v4.new_code_cell(SETUP.replace("MIME", repr(RESULT_MIME)))
        nb.cells.insert(0, setup)  # nbclient stores each executed cell back at its index
        client.execute_cell(setup, 0, store_history=False)
        errors = [o for o in setup.outputs if o.output_type == "error"]
        if errors:
            emit(event="setup-failed", error={"ename": errors[0].ename, "evalue": errors[0].evalue[:500]})
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
                       if o.output_type == "display_data" and RESULT_MIME in o.get("data", {})][:20]
            error = next(({"ename": str(o.ename)[:200], "evalue": str(o.evalue)[:500]}
                          for o in cell.outputs if o.output_type == "error"), None)
            cell.outputs = []  # what the notebook printed is not kept: memory stays flat whatever it prints
            emit(event="done", index=index, results=results, error=error)
            if error and error["ename"].endswith(STOPS_THE_RUN):
                break
        emit(event="ran")
        serve(client, nb, names, scratch, emit)
        emit(event="cpu", seconds=cpu_seconds(pid))
    emit(event="end")
    return 0


def _run(client, nb, code: str) -> str | None:
    """Execute ``code`` in the kernel; the error name it raised, or None."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    cell = nbformat.v4.new_code_cell(code)
    nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(nb.cells) - 1, store_history=False)
    except DeadKernelError:
        return "DeadKernelError"
    finally:
        nb.cells.pop()
    error = next((o for o in cell.outputs if o.output_type == "error"), None)
    return None if error is None else f"{error.ename}: {str(error.evalue)[:300]}"


def serve(client, nb, names: list[str], scratch: str, emit) -> None:
    path = os.path.join(scratch, "nn-grader-functions.json")
    problem = _run(client, nb, DESCRIBE.format(names=names, path=path))
    try:
        with open(path, encoding="utf-8") as f:
            functions = json.load(f)
    except (OSError, ValueError):
        functions = None
    emit(event="ready", functions=functions, problem=problem)
    request, response = os.path.join(scratch, "nn-grader-request.json"), os.path.join(scratch, "nn-grader-reply.json")
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            break
        if message.get("op") != "call":
            break
        with open(request, "w", encoding="utf-8") as f:
            json.dump({"args": message["args"], "kwargs": message["kwargs"]}, f)
        if os.path.exists(response):
            os.remove(response)
        problem = _run(client, nb, CALL.format(name=message["name"], request=request, response=response))
        try:
            with open(response, encoding="utf-8") as f:
                reply = json.load(f)
        except (OSError, ValueError):
            reply = {"lost": problem or "the call wrote no reply"}
        emit(event="reply", **reply)
        if problem == "DeadKernelError":
            break


def cpu_seconds(kernel_pid: int | None) -> float:
    """User + system CPU time of this process and of the kernel (read from /proc while it still runs)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    if kernel_pid:
        try:
            with open(f"/proc/{kernel_pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


if __name__ == "__main__":
    sys.exit(main())
