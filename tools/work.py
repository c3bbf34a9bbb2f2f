"""Give a learner their own copy of the lessons in ``work/`` without ever overwriting what they wrote.

    python -m tools.work                 # what `make work` runs (and `make lab` before it opens JupyterLab)

Rules (docs/design.md §7):

- A lesson of ``notebooks/`` that ``work/`` does not have yet is copied there.
- A file that already exists in ``work/`` is **never** overwritten or deleted.
- When the course has a newer version of a lesson the learner already has, the new version is put beside it,
  ``work/03_activations.new.ipynb`` (``.new-2.ipynb``, ``.new-3.ipynb`` … when that name is taken by a
  different file too), and a line says so. Nothing is lost either way.

How "newer" is known: ``work/.course-versions.json`` records, for each lesson, a fingerprint (SHA-256) of the
course version last handed out. A lesson whose course version still has that fingerprint is up to date,
whatever the learner did to their copy. A file the record does not know (copied by hand) counts as the
learner's own work unless it is byte-for-byte the course version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD_NAME = ".course-versions.json"


@dataclass
class Action:
    """What ``update_work`` did for one lesson: ``kind`` is "copied", "new-version" or "up-to-date"."""

    lesson: str
    kind: str
    path: Path

    def message(self) -> str:
        if self.kind == "copied":
            return f"copied   {self.path.name}"
        if self.kind == "new-version":
            return (f"newer    {self.lesson}: the course has a newer version. Your file is untouched; "
                    f"the new version is beside it as {self.path.name}")
        return f"kept     {self.lesson} (up to date)"


def fingerprint(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_record(work: Path) -> dict[str, str]:
    try:
        record = json.loads((work / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in record.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(record, dict) else {}


def _free_beside(target: Path, course_hash: str) -> Path | None:
    """Where to put a new course version next to ``target``; None when an identical copy is already there."""
    stem = target.name.removesuffix(".ipynb")
    for i in range(1, 1000):
        candidate = target.with_name(f"{stem}.new.ipynb" if i == 1 else f"{stem}.new-{i}.ipynb")
        if not candidate.exists():
            return candidate
        if fingerprint(candidate) == course_hash:
            return None
    raise RuntimeError(f"more than 999 new versions of {target.name} beside each other in {target.parent}")


def _copy_new(source: Path, target: Path) -> None:
    """Copy without ever replacing a file that appeared in the meantime (open with mode 'x')."""
    with source.open("rb") as src, target.open("xb") as dst:
        shutil.copyfileobj(src, dst)


def update_work(notebooks: Path = ROOT / "notebooks", work: Path = ROOT / "work") -> list[Action]:
    """Bring ``work/`` up to date with ``notebooks/`` by the rules above; returns one Action per lesson.

    notebooks: folder of the course's learner notebooks (``NN_name.ipynb``); work: the learner's folder.
    """
    if not notebooks.is_dir():
        raise FileNotFoundError(f"expected the course's notebooks folder at {notebooks}, found nothing there")
    if work.exists() and not work.is_dir():
        raise NotADirectoryError(f"expected {work} to be a folder for your work, found a file")
    work.mkdir(parents=True, exist_ok=True)
    record = _read_record(work)
    actions = []
    for source in sorted(notebooks.glob("*.ipynb")):
        course_hash = fingerprint(source)
        target = work / source.name
        lesson = source.stem
        if not target.exists():
            _copy_new(source, target)
            actions.append(Action(lesson, "copied", target))
        elif record.get(source.name) == course_hash or (source.name not in record and fingerprint(target) == course_hash):
            actions.append(Action(lesson, "up-to-date", target))
        else:
            beside = _free_beside(target, course_hash)
            if beside is None:
                actions.append(Action(lesson, "up-to-date", target))
            else:
                _copy_new(source, beside)
                actions.append(Action(lesson, "new-version", beside))
        record[source.name] = course_hash
    (work / RECORD_NAME).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return actions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the course's learner notebooks")
    parser.add_argument("--work", type=Path, default=ROOT / "work", help="the learner's own folder")
    args = parser.parse_args(argv)
    try:
        actions = update_work(args.notebooks, args.work)
    except (OSError, RuntimeError) as exc:
        print(f"make work: {exc}", file=sys.stderr)
        return 1
    for action in actions:
        if action.kind != "up-to-date":
            print(action.message())
    copied = sum(a.kind == "copied" for a in actions)
    newer = sum(a.kind == "new-version" for a in actions)
    print(f"work/: {len(actions)} lessons, {copied} copied, {newer} newer versions put beside yours; nothing overwritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
