"""How fast a class is graded: CPU-seconds per notebook (sandbox, kernel and judge) and the wall time for 40 learners
× one lesson on the machine's cores, with one notebook that runs to its time limit. ``make bench-grading``.

    python -m benchmarks.bench_grading [--learners 40] [--lesson 03] [--timeout 60] [--jobs N]

Writes ``benchmarks/GRADING.md``. The class: copies of the course's solution with a line of the learner's own
(passes), copies of the learner notebook with one wrong function (a mistake), one untouched learner notebook (not
attempted) and one endless loop (runs to --timeout). Goal (issue 24): at most 3 CPU-s per notebook, judge included.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tools.grade import default_jobs, grade_class
from tools.grading.lessons import ROOT, course_lessons
from tools.grading.sandbox import Limits, choose_sandbox

OUT = Path(__file__).resolve().parent / "GRADING.md"
WRONG = {"03": ("03-22", "def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)\n"),
         "01": ("01-14", "def neuron_output(inputs, weights, bias):\n    return float(np.dot(inputs, weights))\n")}


def build_class(folder: Path, lesson_number: str, learners: int) -> None:
    lesson = course_lessons()[lesson_number]
    for i in range(learners):
        name = f"learner {i + 1:02d}"
        if i == 0:
            nb = nbformat.read(ROOT / "notebooks" / lesson.path.name, as_version=4)
            nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
        elif i == 1:
            nb = nbformat.read(ROOT / "notebooks" / lesson.path.name, as_version=4)
        elif i % 4 == 0 and lesson_number in WRONG:
            nb = nbformat.read(ROOT / "solutions" / lesson.path.name, as_version=4)
            cell_id, source = WRONG[lesson_number]
            for cell in nb.cells:
                if cell.get("id") == cell_id:
                    cell.source = source
        else:
            nb = nbformat.read(ROOT / "solutions" / lesson.path.name, as_version=4)
            nb.cells.append(nbformat.v4.new_code_cell(f"my_note = {i}"))
        path = folder / name / lesson.path.name
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--lesson", default="03")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args(argv)
    limits = Limits(seconds=args.timeout)
    start = time.monotonic()
    sandbox, problems = choose_sandbox(limits)
    self_test = time.monotonic() - start
    if sandbox is None:
        print("no sandbox here:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nn-bench-grading-") as tmp:
        subs = Path(tmp) / "subs"
        build_class(subs, args.lesson, args.learners)
        finished: list[tuple[float, str]] = []
        before = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        grades = grade_class(subs, limits, args.jobs, sandbox=sandbox, progress=False,
                             on_done=lambda g: finished.append((time.monotonic() - t0, g.submission.learner)))
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_SELF)
    grader_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    looping = "learner 01"
    others = [g for g in grades.notebooks if g.submission.learner != looping]
    cpu = [g.cpu_seconds for g in others if g.cpu_seconds is not None]
    judge_cpu = [g.judge_seconds for g in others if getattr(g, "judge_seconds", None) is not None]
    n = len(grades.notebooks)
    per_notebook = statistics.mean(cpu) + grader_cpu / n
    last_other = max(t for t, who in finished if who != looping)
    loop_done = next(t for t, who in finished if who == looping)
    kinds = {}
    for row in grades.rows:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
    lines = [
        "# Grading benchmark (`make bench-grading`)", "",
        f"{platform.node()} · {platform.processor() or platform.machine()} · {args.jobs} notebooks at a time · "
        f"lesson {args.lesson} · {args.learners} learners · time limit {args.timeout:g} s · sandbox mode "
        f"`{sandbox.mode}` · {time.strftime('%Y-%m-%d %H:%M')}", "",
        "| measure | value |", "|---|---|",
        f"| CPU-s per notebook (sandbox + kernel + judge + the grader's share) | **{per_notebook:.2f}** (goal ≤ 3) |",
        f"| of which the grader process (finding files, scanning, report) | {grader_cpu / n:.2f} |",
        f"| median / max CPU-s of one notebook's sandbox + judge | {statistics.median(cpu):.2f} / {max(cpu):.2f} |",
        f"| of which the judge (median) | {statistics.median(judge_cpu):.2f} |" if judge_cpu else "| judge | – |",
        f"| wall time, {n} notebooks | **{wall:.0f} s** |",
        f"| wall time until every other notebook was graded | {last_other:.0f} s (the endless loop ended at "
        f"{loop_done:.0f} s: it held one worker, not the class) |",
        f"| self-test of the sandbox (once per run) | {self_test:.1f} s |",
        f"| rows | {', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))} |", "",
        "Wall times depend on what else the machine runs; CPU-seconds are measured by the kernel (the sandbox's "
        "cgroup, or the sandbox's rusage) and the judge's /proc/<pid>/stat.", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
