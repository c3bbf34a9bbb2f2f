"""notebooks/ must be exactly what `python -m tools.build` makes from solutions/."""

import ast

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
        shows_widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)
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
