"""notebooks/ must be exactly what `python -m tools.build` makes from solutions/."""

import ast
import base64
import re

import nbformat
import pytest

from tools import build


def test_notebooks_are_in_sync_with_solutions():
    differ = build.build(check=True)
    assert not differ, f"notebooks/ out of date for {differ}: run `make notebooks`"


def test_every_lesson_has_a_learner_notebook():
    names = {p.name for p in build.SOLUTIONS.glob("*.ipynb")}
    assert names == {p.name for p in build.NOTEBOOKS.glob("*.ipynb")}
    assert len(names) >= 3


def test_strip_keeps_indentation_and_signature():
    source = "def relu(z):\n    ### BEGIN SOLUTION\n    return np.maximum(0, z)\n    ### END SOLUTION\n\nprint(1)"
    assert build.strip_solutions(source) == (
        "def relu(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nprint(1)")


def test_strip_handles_several_blocks_and_nested_indentation():
    source = ("class A:\n    def f(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
              "x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION")
    out = build.strip_solutions(source)
    assert out.count("raise NotImplementedError()") == 2
    assert "        # YOUR CODE HERE\n        raise NotImplementedError()" in out
    assert "return 1" not in out and "y = 2" not in out


def test_unbalanced_markers_raise():
    with pytest.raises(ValueError, match="unbalanced"):
        build.strip_solutions("### BEGIN SOLUTION\nx = 1\n")


def test_learner_version_strips_outputs_and_keeps_tags_and_ids():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    cell.metadata["tags"] = ["nbval-ignore-output"]
    cell.metadata["slideshow"] = {"slide_type": "slide"}
    cell.outputs = [nbformat.v4.new_output("stream", text="hi")]
    cell.execution_count = 3
    nb.cells.append(cell)
    out = build.learner_version(nb)
    c = out.cells[0]
    assert c.outputs == [] and c.execution_count is None
    assert c.metadata["tags"] == ["nbval-ignore-output"] and c.metadata["slideshow"]["slide_type"] == "slide"
    assert c.id == cell.id
    assert "raise NotImplementedError()" in c.source
    assert nb.cells[0].outputs, "the solution notebook itself is not modified"


def test_solutions_have_solution_markers_and_notebooks_do_not():
    for path in build.SOLUTIONS.glob("*.ipynb"):
        learner = (build.NOTEBOOKS / path.name).read_text(encoding="utf-8")
        assert "### BEGIN SOLUTION" not in learner
        assert '"outputs": []' in learner or '"cell_type": "code"' not in learner


def _lessons():
    return sorted(build.SOLUTIONS.glob("*.ipynb"))


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata(path):
    nb = nbformat.read(path, as_version=4)
    types = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in nb.cells]
    assert all(t in {"slide", "subslide", "fragment", "skip", "notes", "-"} for t in types), types
    assert types[0] == "slide" and types.count("slide") >= 4, "a title slide and one slide per section"


def _names_used(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_the_first_code_cell_is_the_lesson_not_plumbing(path):
    """No setup cell (docs/design.md §1): the first code cell shows the lesson's first idea; no lesson changes numpy's
    print options or starts the learner's library by hand (it starts itself at the first check, §7); a module is
    imported in the cell that first uses it."""
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    first = ast.parse(code[0].source).body
    assert not all(isinstance(node, ast.Import | ast.ImportFrom) for node in first), \
        f"the first code cell only imports: {code[0].source[:200]!r}"
    for cell in code:
        assert "set_printoptions" not in cell.source and "my_library.start" not in cell.source, cell.source[:200]
    seen: set[str] = set()
    for cell in code:
        tree = ast.parse(cell.source)
        used = _names_used(tree)
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    name = (alias.asname or alias.name).split(".")[0]
                    if name not in seen and name not in used:
                        pytest.fail(f"{path.name} cell {cell.get('id')}: imports {name} but first uses it later")
                    seen.add(name)


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_lessons_import_the_installed_course_without_path_plumbing(path):
    """utils is an installed (editable) package: no lesson edits sys.path or imports the course's tools/."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "sys.path" not in cell.source, cell.source
            assert "import tools" not in cell.source and "from tools" not in cell.source, cell.source


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_widget_progress_and_timing_cells_are_tagged_ignore_output(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        shows_widget = any(build.shows_widget(o) for o in cell.outputs)
        times_something = "perf_counter" in cell.source or "progress=True" in cell.source
        if shows_widget or times_something:
            assert "nbval-ignore-output" in tags, f"{path.name} cell {cell.id} needs the nbval-ignore-output tag"
        assert not any(o.output_type == "error" for o in cell.outputs) or "raises-exception" in tags, cell.id


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_nnfs_init_is_called_only_in_the_cell_that_explains_it(path):
    nb = nbformat.read(path, as_version=4)
    calls = [cell.id for cell in nb.cells if cell.cell_type == "code" and "nnfs.init()" in cell.source]
    assert calls == [] or (path.stem.startswith("05") and len(calls) == 1)


def test_run_stores_one_stream_output_per_print_run():
    """A busy kernel flushes prints in pieces; the stored lesson keeps one output per stream."""
    cell = nbformat.v4.new_code_cell("print('out =', 6.0)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="out ="),
                    nbformat.v4.new_output("stream", name="stdout", text=" 6.0\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="later\n")]
    build.coalesce_streams(cell)
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", "out = 6.0\n"), ("stderr", "warning\n"),
                                                        ("stdout", "later\n")]


def test_run_stores_tracebacks_with_paths_from_the_repository_root(tmp_path):
    """A stored traceback names ``utils/layers.py``, never the folder of the checkout that ran the lesson."""
    cell = nbformat.v4.new_code_cell("dense.forward(x)")
    where = f"\x1b[32m{tmp_path.resolve()}/utils/layers.py:83\x1b[39m, in Dense.forward"
    cell.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[where, "ValueError"]),
                    nbformat.v4.new_output("stream", name="stdout", text=f"{tmp_path.resolve()}/kept.txt\n")]
    build.relative_tracebacks(cell, root=tmp_path)
    assert cell.outputs[0].traceback == ["\x1b[32mutils/layers.py:83\x1b[39m, in Dense.forward", "ValueError"]
    assert cell.outputs[1].text == f"{tmp_path.resolve()}/kept.txt\n"  # only tracebacks are rewritten


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_stored_tracebacks_name_no_absolute_path(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in output.traceback]  # colours off
                assert not any(re.search(r"(^|[\s\"'(])/(home|root|work|tmp|Users|opt|srv)/", line) for line in plain), \
                    f"{path.name}: a stored traceback names an absolute path; re-run with python -m tools.build --run"


def _widget_notebook(widget, before=None):
    """A notebook as nbclient leaves it after running a cell that shows ``widget``: the view as the cell's result
    and every model's state (ipywidgets' own serialisation, the schema nbclient stores) in the metadata."""
    from ipywidgets import Widget

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("widget")
    view = widget._repr_mimebundle_()
    cell.outputs = [*(before or []), nbformat.v4.new_output("execute_result", data=view, execution_count=1)]
    nb.cells.append(cell)
    nb.metadata["widgets"] = {build.WIDGET_STATE: Widget.get_manager_state()}
    return nb


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def test_a_stored_widget_becomes_its_last_picture_under_a_run_this_cell_note(monkeypatch):
    import numpy as np

    from utils.widgets import hello_slider

    monkeypatch.setenv("MPLBACKEND", "Agg")
    explorer = hello_slider()
    explorer.controls["frequency"].value = 3.0  # the picture stored is the last one drawn
    printed = nbformat.v4.new_output("stream", name="stdout", text="before the widget\n")
    nb = _widget_notebook(explorer, before=[printed])

    assert build.static_widget_outputs(nb) == 1
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "display_data"]
    assert outputs[0] == printed
    note, picture = outputs[1], outputs[2]
    assert note.metadata[build.FALLBACK] == "note" and picture.metadata[build.FALLBACK] == "picture"
    assert "Run this cell" in note.data["text/markdown"] and "to move the slider:" in note.data["text/markdown"]
    assert "**" not in note.data["text/plain"] and "Run this cell" in note.data["text/plain"]
    stored = base64.b64decode(picture.data["image/png"])
    assert np.array_equal(_pixels(stored), _pixels(bytes(explorer.image.value))), "not the widget's last picture"
    height, width = _pixels(stored).shape[:2]
    css_width = int(explorer.image.layout.width.removesuffix("px"))
    assert picture.metadata["image/png"] == {"width": css_width, "height": round(css_width * height / width)}
    assert width == 2 * css_width, "2x pixels for its CSS size"
    assert build.shows_widget(picture) and not build.shows_widget(note)
    assert "widgets" not in nb.metadata
    assert not any(build.WIDGET_VIEW in o.get("data", {}) for o in outputs)
    nbformat.validate(nb)
    # the same pixels give the same bytes: a re-run on one machine does not churn the stored lesson
    again = _widget_notebook(explorer)
    build.static_widget_outputs(again)
    assert again.cells[0].outputs[1].data["image/png"] == picture.data["image/png"]


def test_a_widget_without_state_or_with_a_hidden_picture_gets_the_note_alone():
    import ipywidgets

    image = ipywidgets.Image(value=b"\x89PNG\r\n\x1a\n" + bytes(30), layout=ipywidgets.Layout(display="none"))
    hidden = _widget_notebook(ipywidgets.VBox([ipywidgets.Button(description="go"), image]))
    build.static_widget_outputs(hidden)
    assert [o.metadata[build.FALLBACK] for o in hidden.cells[0].outputs] == ["note"]
    assert hidden.cells[0].outputs[0].data["text/markdown"] == build.FALLBACK_NOTE_NO_PICTURE

    gone = _widget_notebook(ipywidgets.IntSlider())
    gone.metadata.pop("widgets")  # no state stored: nothing to draw from
    assert build.static_widget_outputs(gone) == 1
    assert [o.data["text/markdown"] for o in gone.cells[0].outputs] == [build.FALLBACK_NOTE_NO_PICTURE]


def test_the_note_names_the_controls_the_widget_has():
    import io

    import ipywidgets
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (8, 4), (0, 90, 180)).save(png, "PNG")

    def note(*controls):
        nb = _widget_notebook(ipywidgets.VBox([*controls, ipywidgets.Image(value=png.getvalue())]))
        build.static_widget_outputs(nb)
        return nb.cells[0].outputs[0].data["text/markdown"]

    assert "to move the sliders:" in note(ipywidgets.FloatSlider(), ipywidgets.FloatLogSlider())
    assert "to use its controls:" in note(ipywidgets.Button(description="train"))


@pytest.mark.parametrize("path", _lessons(), ids=lambda p: p.stem)
def test_stored_lessons_keep_each_widget_as_a_picture_and_a_note(path):
    """Opened without a kernel (make teach, GitHub, nbviewer) a stored lesson shows pictures, never a widget view
    that renders as "Error displaying widget: model not found"."""
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        assert not any(build.WIDGET_VIEW in o.get("data", {}) for o in outputs), f"{path.name} cell {cell.id}"
        kinds = [o.get("metadata", {}).get(build.FALLBACK) for o in outputs]
        for i, kind in enumerate(kinds):
            if kind == "picture":
                assert kinds[i - 1] in ("note", "picture") and "image/png" in outputs[i].data, cell.id
