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

A re-executed lesson (``--run``) stores every widget as a still picture (``static_widget_outputs``): a widget
lives in a kernel, and a stored widget view whose kernel is gone shows "Error displaying widget: model not found"
wherever the notebook is opened (``make teach``, GitHub, nbviewer).
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import sys
from pathlib import Path

# nbformat imports jsonschema, which imports rfc3987_syntax when it is installed (jupyterlab's dependencies install it)
# for its "iri" formats: it compiles Earley parsers at import, 2.6 of the 3.1 CPU-s `--check` took on a slow core
# (jsonschema issue #1428). No notebook schema uses those formats (tests/test_two_workers.py checks it): go without.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, NOTEBOOKS = ROOT / "solutions", ROOT / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FALLBACK = "nn_widget_fallback"
"""Output metadata key of a widget's still picture: ``"picture"`` on the image, ``"note"`` on the line above it."""
FALLBACK_NOTE = ("▶ **Run this cell** (`Shift+Enter`) to {action}: below is a still picture of the widget, "
                 "as the lesson last drew it.")
FALLBACK_NOTE_NO_PICTURE = "▶ **Run this cell** (`Shift+Enter`) to show the widget."
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


def relative_tracebacks(cell: nbformat.NotebookNode, root: Path = ROOT) -> None:
    """Write the course's files in a stored traceback as paths from the repository root (``utils/layers.py``), not
    as the absolute path of the checkout that ran it (``/home/ana/course/utils/layers.py``): the stored lesson is the
    same whoever re-runs it, and a learner reads where the error came from without a stranger's home folder."""
    prefix = str(root.resolve()) + "/"
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            output.traceback = [line.replace(prefix, "") for line in output.traceback]


def shows_widget(output) -> bool:
    """True for a stored output that stands for a widget: a live widget view or the picture that replaces it."""
    return WIDGET_VIEW in output.get("data", {}) or output.get("metadata", {}).get(FALLBACK) == "picture"


def _model_ids(value) -> list[str]:
    """The widget models a state value refers to (``"IPY_MODEL_<id>"``, alone or in a list), in order."""
    values = value if isinstance(value, list) else [value]
    return [v[len("IPY_MODEL_"):] for v in values if isinstance(v, str) and v.startswith("IPY_MODEL_")]


def _image_png(model: dict) -> bytes | None:
    """The PNG an ``ImageModel``'s state holds (raw PNG bytes, or a ``data:image/png;base64,`` URL as the course's
    ``FigureImage`` sends it), or None."""
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
            value = base64.b64decode(buffer["data"])
            if value.startswith(b"data:image/png;base64,"):
                value = base64.b64decode(value.split(b",", 1)[1])
            return value if value.startswith(b"\x89PNG\r\n\x1a\n") else None
    return None


def _compact_png(png: bytes) -> bytes:
    """The same pixels, smaller: RGB when every pixel is opaque, best zlib compression with PNG filters (the
    widgets' own encoder favours speed). Same bytes for the same pixels."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema() == (255, 255):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def widget_pictures(state: dict, model_id: str) -> tuple[list[tuple[bytes, dict]], list[str]]:
    """The visible images of widget ``model_id`` and its descendants, in the order the page shows them, as
    ``(png, image/png display metadata)``, and the model names of all of them (to say what the widget holds).
    ``state`` is a notebook's widget state (``{model_id: {"model_name", "state", "buffers"}}``)."""
    pictures, names, seen = [], [], set()

    def visit(mid: str) -> None:
        if mid in seen or mid not in state:
            return
        seen.add(mid)
        model = state[mid]
        fields = model.get("state", {})
        layout = state.get(next(iter(_model_ids(fields.get("layout"))), ""), {}).get("state", {})
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return
        names.append(model.get("model_name", ""))
        png = _image_png(model) if model.get("model_name") == "ImageModel" else None
        if png:
            width, height = (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))
            shown = {}
            css = re.fullmatch(r"(\d+)px", str(layout.get("width") or fields.get("width") or ""))
            if css and width:
                shown = {"width": int(css.group(1)), "height": round(int(css.group(1)) * height / width)}
            pictures.append((_compact_png(png), shown))
        for key, value in fields.items():
            if key not in ("layout", "style"):
                for child in _model_ids(value):
                    visit(child)

    visit(model_id)
    return pictures, names


def static_widget_outputs(nb: nbformat.NotebookNode) -> int:
    """Replace every widget view stored in ``nb`` by what it showed, from the widget state nbclient stored in
    ``nb.metadata.widgets``: a note saying how to bring the widget back (``FALLBACK_NOTE``, markdown) and the
    widget's last picture (``image/png`` at the widget's CSS size). The state is then dropped. No widget view
    is left, so nothing renders as "model not found". Returns how many widget views were replaced."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or not any(WIDGET_VIEW in o.get("data", {}) for o in cell.outputs):
            continue
        outputs = []
        for output in cell.outputs:
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            replaced += 1
            pictures, names = widget_pictures(state, view.get("model_id", ""))
            sliders = sum("Slider" in name for name in names)
            action = "move the slider" if sliders == 1 else "move the sliders" if sliders else "use its controls"
            note = FALLBACK_NOTE.format(action=action) if pictures else FALLBACK_NOTE_NO_PICTURE
            plain = re.sub(r"[*`]", "", note)
            outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": note, "text/plain": plain},
                                                  metadata={FALLBACK: "note"}))
            for png, shown in pictures:
                metadata = {FALLBACK: "picture", **({"image/png": shown} if shown else {})}
                outputs.append(nbformat.v4.new_output("display_data", metadata=metadata, data={
                    "image/png": base64.b64encode(png).decode("ascii"),
                    "text/plain": "a still picture of the widget (run the cell to use it)"}))
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)
    return replaced


def run_solutions(paths: list[Path], timeout: int = 600) -> None:
    """Execute each solution notebook top to bottom (``execute_lesson``) and store the outputs.

    Every widget is stored as its last picture and a note (``static_widget_outputs``), not as a widget view that
    needs the kernel that made it; the widget state itself is not stored, so a re-run changes only what the cells
    print and draw. Raises ``nbclient`` 's ``CellExecutionError`` when a cell fails.
    """
    for path in paths:
        nb = execute_lesson(nbformat.read(path, as_version=4), Path(path).parent, timeout)
        static_widget_outputs(nb)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)  # timestamps: they would change on every run
            if cell.cell_type == "code":
                coalesce_streams(cell)
                relative_tracebacks(cell)
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
