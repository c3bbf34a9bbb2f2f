"""Generate the learner notebooks in ``notebooks/`` from the lessons in ``solutions/``.

    python -m tools.build            # write notebooks/
    python -m tools.build --check    # exit 1 when notebooks/ differs from what would be written
    python -m tools.build --run solutions/07_training.ipynb   # re-execute lessons, store their outputs

Each solution block

    ### BEGIN SOLUTION
    ...
    ### END SOLUTION

becomes ``# YOUR CODE HERE`` + ``raise NotImplementedError()`` at the marker's indentation. Outputs and
execution counts are stripped; cell ids, tags and slide metadata are kept.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, NOTEBOOKS = ROOT / "solutions", ROOT / "notebooks"
_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.M | re.S)


def strip_solutions(source: str) -> str:
    """Replace every solution block in a cell's source with the exercise stub (same indentation)."""
    if source.count("### BEGIN SOLUTION") != source.count("### END SOLUTION"):
        raise ValueError("unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers in:\n" + source)
    return _BLOCK.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()", source)


def learner_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a solution notebook as a learner gets it: no solutions, no outputs."""
    out = nbformat.from_dict(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    out.metadata.pop("widgets", None)
    return out


def render(path: Path) -> str:
    """The exact text ``notebooks/<name>`` should contain for ``solutions/<name>``."""
    nb = nbformat.read(path, as_version=4)
    return nbformat.writes(learner_version(nb)) + "\n"


def build(check: bool = False) -> list[str]:
    """Write (or with ``check``, only compare) every notebook; return the names that differ."""
    NOTEBOOKS.mkdir(exist_ok=True)
    differ = []
    expected_names = set()
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        target = NOTEBOOKS / path.name
        expected_names.add(path.name)
        text = render(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            differ.append(path.name)
            if not check:
                target.write_text(text, encoding="utf-8")
    for extra in sorted(NOTEBOOKS.glob("*.ipynb")):
        if extra.name not in expected_names:
            differ.append(extra.name)
            if not check:
                extra.unlink()
    return differ


def execute_lesson(nb: nbformat.NotebookNode, folder: Path, timeout: int = 600,
                   allow_errors: bool = False) -> nbformat.NotebookNode:
    """Run a lesson top to bottom as a learner's kernel does: started in ``folder``, with the inline figure backend
    whatever ``MPLBACKEND`` this process has and the learner's library switched off (``NN_COURSE_NO_LIBRARY=1``).
    ``nb`` gets the outputs."""
    import os

    from nbclient import NotebookClient

    # the learner's own library (my_nn/, utils.my_library) is off: stored outputs never depend on it, nothing is written
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline", NN_COURSE_NO_LIBRARY="1")
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(Path(folder).resolve())}}).execute(env=env)
    return nb


def coalesce_streams(cell: nbformat.NotebookNode) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one: a busy kernel flushes a print in pieces,
    and the stored lesson should not depend on how busy the machine was."""
    merged: list = []
    for output in cell.get("outputs", []):
        if (output.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    cell.outputs = merged


def run_solutions(paths: list[Path], timeout: int = 600) -> None:
    """Execute each solution notebook top to bottom (``execute_lesson``) and store the outputs.

    Widget state is not stored (the learner's kernel recreates every widget), so a re-run changes only what
    the cells print and draw. Raises ``nbclient`` 's ``CellExecutionError`` when a cell fails.
    """
    for path in paths:
        nb = execute_lesson(nbformat.read(path, as_version=4), Path(path).parent, timeout)
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)  # timestamps: they would change on every run
            if cell.cell_type == "code":
                coalesce_streams(cell)
        Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"ran {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when notebooks/ is stale")
    parser.add_argument("--run", nargs="+", type=Path, metavar="LESSON",
                        help="first re-execute these solution notebooks in place, storing their outputs")
    args = parser.parse_args(argv)
    if args.run:
        run_solutions(args.run)
    differ = build(check=args.check)
    if args.check and differ:
        print("notebooks/ is out of date for: " + ", ".join(differ) + " — run `make notebooks`")
        return 1
    print(("up to date" if not differ else "wrote " + ", ".join(differ)) if not args.check else "notebooks/ in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
