"""README's performance numbers come from the last `make bench` (benchmarks/RESULTS.md), not from memory: every
measured number in README's "Performance" section (and the `make test` time in its quick start) must appear in
RESULTS.md. After `make bench`, copy the new values into README.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a measured value: a number with a unit or a ratio sign (12 ms, 0.22 s, 129 µs, 0.82×, 38×), or a range's ends
MEASURED = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?\s?(ms|µs|s|×)(?!\w)")


def _performance_text() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Performance", 1)[1].split("\n## ", 1)[0]
    quick_start = re.findall(r"make test .*?\(([^)]*)\)", readme)
    return section + "\n" + "\n".join(quick_start)


def _numbers(text: str) -> set[str]:
    found = set()
    for low, high, _unit in MEASURED.findall(text):
        found.add(low)
        if high:
            found.add(high)
    return found


def test_the_parser_finds_values_ranges_and_ratios():
    assert _numbers("line plots 28–42 ms median, 0.22 s, 129 µs vs 158 µs (0.82×), 38× faster, 2 cores") == {
        "28", "42", "0.22", "129", "158", "0.82", "38"}


def test_readme_performance_numbers_are_in_the_last_bench_results():
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    table_numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", results.replace("×", " ")))
    readme_numbers = _numbers(_performance_text())
    assert len(readme_numbers) >= 10, f"the Performance section should cite the benchmarks: {readme_numbers}"
    missing = sorted(readme_numbers - table_numbers, key=float)
    assert not missing, (f"README.md cites {missing}, which benchmarks/RESULTS.md (the last `make bench`) does "
                         "not contain: copy the current values from RESULTS.md into README.md")
