"""`make bench`'s widget table (benchmarks.run.browser_table) reads the browser run's JSON as the widget test writes
it: each widget's latency is the median of all its moves in all rounds, every round's median is shown beside it, and
the verdict compares that median (and the playground's step) with the widget's budget."""

from __future__ import annotations

from benchmarks import run


def _row(median, rounds, budget=None, **extra):
    row = {"median_ms": median, "max_ms": max(rounds) + 10, "moves": 9 * len(rounds), "round_medians_ms": rounds,
           "to_page_ms": median - 12, "decode_ms": 10.0, "load_average_1min": 0.4, "cpu_count": 2,
           "measured_at": "2026-12-08T02:00:00", "cpu_ms_per_move": {"kernel": 9.0, "server": 7.0, "chromium": 100.0}}
    if budget is not None:
        row.update(lesson="07", budget_ms=budget)
    return {**row, **extra}


def _cells(lines, name):
    (line,) = [line for line in lines if line.startswith(f"| {name} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_table_shows_every_round_and_judges_the_median_of_all_moves():
    browser = {"roundtrip_floor": _row(20.0, [19.0, 26.0, 20.0, 21.0, 18.0]),
               "secant_explorer": _row(48.0, [47.0, 61.0, 46.0, 48.0, 49.0], budget=50),
               "loss_surface_explorer": _row(55.0, [52.0, 60.0, 55.0, 54.0, 56.0], budget=50),
               "playground": _row(60.0, [58.0, 61.0, 60.0, 59.0, 62.0], budget=100, step_median_ms=104.0)}
    lines = run.browser_table(browser)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]

    secant = dict(zip(header, _cells(lines, "secant_explorer")))
    assert secant["browser median (ms)"] == "48"
    assert secant["median of each round (ms)"] == "47 / 61 / 46 / 48 / 49"
    assert secant["within budget"] == "yes"  # one slow round does not decide it: the median of all 45 moves does
    assert secant["× bare round trip"] == "2.4×"
    assert secant["CPU per move: kernel / server / Chromium (ms)"] == "9 / 7 / 100"
    assert dict(zip(header, _cells(lines, "loss_surface_explorer")))["within budget"] == "**no**"
    playground = dict(zip(header, _cells(lines, "playground")))
    assert playground["within budget"] == "**no**"  # its slider is within 100 ms, its step is not
    assert playground["browser median (ms)"] == "60 (slider); 104 (step)"
    assert dict(zip(header, _cells(lines, "roundtrip_floor")))["within budget"] == "–"

    summary = next(line for line in lines if line.startswith("**In the browser:**"))
    assert "1 of 3 widgets within their budget" in summary
    assert "median of 45 moves of the first slider, 9 in each of 5 rounds" in summary


def test_a_run_without_rounds_still_makes_a_table():
    """A JSON file from before the rounds (no per-round medians): the table says so with a dash."""
    old = {"median_ms": 21.0, "max_ms": 40.0, "to_page_ms": 16.0, "decode_ms": 3.0, "load_average_1min": 0.4,
           "cpu_count": 2, "measured_at": "2026-12-07T00:46:14"}
    widget = {**old, "median_ms": 44.0, "lesson": "00", "budget_ms": 50}
    lines = run.browser_table({"roundtrip_floor": old, "hello_slider": widget})
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    hello = dict(zip(header, _cells(lines, "hello_slider")))
    assert hello["median of each round (ms)"] == "–" and hello["within budget"] == "yes"
    assert hello["CPU per move: kernel / server / Chromium (ms)"] == "–"
    summary = next(line for line in lines if line.startswith("**In the browser:**"))
    assert "1 of 1 widgets within their budget (median of 9 moves of the first slider; the playground" in summary
