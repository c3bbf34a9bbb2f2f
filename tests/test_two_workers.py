"""The plugin that schedules `make test`'s one run on two workers (tests/two_workers.py)."""

import json
from pathlib import Path

import nbformat

from tests import two_workers


def test_each_notebook_is_one_group_a_file_with_a_shared_fixture_too_other_tests_go_alone():
    assert two_workers.group_of("solutions/02_layer.ipynb::Cell 3") == "solutions/02_layer.ipynb"
    assert two_workers.group_of("notebooks/02_layer.ipynb::Cell 3") == "notebooks/02_layer.ipynb"
    # test_checker_mutants.py builds its mutants once, in a module-scoped fixture
    assert two_workers.has_a_long_lived_fixture("tests/test_checker_mutants.py")
    assert two_workers.group_of("tests/test_checker_mutants.py::test_report") == "tests/test_checker_mutants.py"
    assert not two_workers.has_a_long_lived_fixture("tests/test_utils.py")
    one = "tests/test_utils.py::test_dense_shapes_and_init"
    assert two_workers.group_of(one) == one


def test_lessons_go_first_longest_first_then_grouped_files_then_the_rest_each_file_in_its_own_order():
    nodeids = ["tests/test_utils.py::test_one",
               "tests/test_checker_mutants.py::test_report",
               "tests/test_utils.py::test_two",
               *[f"solutions/02_layer.ipynb::Cell {i}" for i in range(3)],
               *[f"notebooks/10_generalization.ipynb::Cell {i}" for i in range(2)],
               *[f"solutions/10_generalization.ipynb::Cell {i}" for i in range(2)]]
    assert [nodeids[i] for i in two_workers.order(nodeids)] == [
        "solutions/10_generalization.ipynb::Cell 0", "solutions/10_generalization.ipynb::Cell 1",
        "notebooks/10_generalization.ipynb::Cell 0", "notebooks/10_generalization.ipynb::Cell 1",
        "solutions/02_layer.ipynb::Cell 0", "solutions/02_layer.ipynb::Cell 1", "solutions/02_layer.ipynb::Cell 2",
        "tests/test_checker_mutants.py::test_report",
        "tests/test_utils.py::test_one", "tests/test_utils.py::test_two"]


def _string_formats(schema) -> set[str]:
    """Every JSON-schema ``format`` keyword in a schema (a property that happens to be called "format" is a dict)."""
    if isinstance(schema, dict):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return found.union(*(_string_formats(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_string_formats(value) for value in schema))
    return set()


def test_no_notebook_schema_needs_the_iri_parser_the_plugin_skips():
    schemas = sorted(Path(nbformat.__file__).parent.rglob("*.json"))
    assert len(schemas) >= 5, schemas
    formats = set().union(*(_string_formats(json.loads(path.read_text())) for path in schemas))
    assert not formats & {"iri", "iri-reference"}, formats
