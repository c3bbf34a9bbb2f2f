"""Find the work in a submissions tree — every file gets a submission or a stated reason, at any depth.

Layouts (detected per file, so a mix works):

- a folder per learner: ``SUBMISSIONS/<learner>/**/<file>.ipynb`` — also JupyterHub home folders
  (``/home/<user>/...``, the course's ``notebooks/`` or ``work/`` inside) and nbgrader's collected
  ``submitted/<student>/<assignment>/<file>.ipynb``;
- nbgrader's exchange: ``.../inbound/<student>+<assignment>+<timestamp>[+<random>]/<file>.ipynb``;
- Canvas "Download Submissions": flat files ``<lastnamefirstname>[_late]_<user id>_<submission id>_<file>``
  (a resubmission gets ``-1``, ``-2`` before the extension);
- Moodle "Download all submissions": ``<Full Name>_<id>_assignsubmission_file_/<file>`` folders, or the same as a
  flat prefix of each file;
- loose files at the top: ``01 Neuron - Hugo.ipynb`` (the learner is what remains of the name).

A file is matched to a lesson by its number (``01``, ``3``, ``lesson3``) or, without one, by the words of a
lesson's name. Several files for one learner and lesson: the newest (file time; then the larger copy number) is
graded, the others are reported as duplicates. Hidden folders (``.ipynb_checkpoints``, ``.local``) get one row each.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

from tools.grading.lessons import Lesson
from tools.grading.model import DUPLICATE, NOT_A_NOTEBOOK, UNMATCHED, Skipped, Submission

COURSE_COPY = "course solution"
NBGRADER_INBOUND = re.compile(r"^(?P<learner>[^+]+)\+(?P<assignment>[^+]+)\+(?P<time>[^+]+)(?:\+.*)?$")
CANVAS = re.compile(r"^(?P<learner>[a-z][a-z0-9-]*)(?:_late)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<rest>.+)$")
MOODLE = re.compile(r"^(?P<learner>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_\w+?_(?P<rest>.*)$")
MOODLE_FOLDER = re.compile(r"^(?P<learner>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_\w+_?$")
COPY_NUMBER = re.compile(r"(?:\((\d+)\)|-(\d+)|copy(\d*))\s*$", re.I)
NOISE_WORDS = {"final", "copy", "done", "v", "version", "submission", "submit", "ipynb", "lesson", "le", "nb", "my",
               "new", "old", "solution", "solutions", "work", "notebook", "late", "the"}


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z]+|\d+", text)


def lesson_from_name(stem: str, lessons: dict[str, Lesson]) -> Lesson | None:
    """The lesson a loose file name means: its number, else the words of a lesson's name (unique match)."""
    tokens = words(stem)
    for token in tokens[:4]:
        if token.isdigit() and len(token) <= 2 and f"{int(token):02d}" in lessons:
            return lessons[f"{int(token):02d}"]
    m = re.search(r"(?:lesson|le|l)[\s_-]*(\d{1,2})\b", stem, re.I)
    if m and f"{int(m.group(1)):02d}" in lessons:
        return lessons[f"{int(m.group(1)):02d}"]
    found = [lesson for lesson in lessons.values()
             if (title := [w for w in words(lesson.stem) if not w.isdigit()]) and all(w in tokens for w in title)]
    return found[0] if len(found) == 1 else None


def learner_from_name(stem: str, lesson: Lesson | None) -> str:
    """What remains of a loose file name without the lesson's number and name and words like 'final'."""
    drop = set(words(lesson.stem)) if lesson else set()
    parts = re.split(r"[\s_\-–—.,()\[\]]+", COPY_NUMBER.sub("", stem))
    kept = [p for p in parts if p and p.lower() not in drop and p.lower() not in NOISE_WORDS and not p.isdigit()]
    return " ".join(kept)


def copy_number(stem: str) -> int:
    m = COPY_NUMBER.search(stem)
    if not m:
        return 0
    return int(next((g for g in m.groups() if g), "1") or 1)


def fingerprint(path: Path) -> str | None:
    """A hash of a notebook's code cells (None when it is not a readable notebook)."""
    try:
        data = json.loads(path.read_bytes())
        sources = ["".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                   for c in data["cells"] if c.get("cell_type") == "code"]
    except Exception:  # noqa: BLE001 — not a notebook: decided later
        return None
    return hashlib.sha256("\n\x00".join(s.strip() for s in sources).encode()).hexdigest()


def course_fingerprints(lessons: dict[str, Lesson]) -> set[str]:
    return {fp for lesson in lessons.values() if (fp := fingerprint(lesson.path))}


def _walk(top: Path, folder: Path, skip: list[Path], skipped: list[Skipped]):
    """Every file under ``folder`` (sorted), with one row per hidden entry and per skipped folder instead of its
    files."""
    for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        rel = path.relative_to(top)
        if any(path.resolve() == s.resolve() for s in skip):
            continue
        if path.name.startswith("."):
            skipped.append(Skipped(str(rel), "hidden", "a hidden file or folder (checkpoints, settings): not looked into"))
            continue
        if path.is_symlink():
            skipped.append(Skipped(str(rel), "unreadable", "a symbolic link: not followed"))
            continue
        if path.is_dir():
            if path.name in ("my_nn", "__pycache__", "outbound", "feedback", "release", "autograded", "source"):
                skipped.append(Skipped(str(rel), "not a notebook", f"a {path.name}/ folder (the learner's saved "
                                       "functions, or course material): not graded"))
                continue
            yield from _walk(top, path, skip, skipped)
        elif path.is_file():
            yield path


def find_submissions(root: Path, lessons: dict[str, Lesson], skip: list[Path] | None = None
                     ) -> tuple[list[Submission], list[Skipped], str]:
    """(notebooks to grade, files not graded with the reason, the layouts seen)."""
    if not root.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS must be a folder (one folder per learner, a hub's home folders, an "
                                f"nbgrader exchange or an LMS download), got {root}")
    skipped: list[Skipped] = []
    course = course_fingerprints(lessons)
    candidates: dict[tuple[str, str], list[tuple[float, int, Path, str]]] = {}
    layouts: set[str] = set()
    for path in _walk(root, root, skip or [], skipped):
        rel = str(path.relative_to(root))
        parts = Path(rel).parts
        stem = path.name[: -len(".ipynb")] if path.name.lower().endswith(".ipynb") else path.stem
        order = path.stat().st_mtime
        learner, name_for_lesson = "", stem
        inbound = next((m for part in parts[:-1] if (m := NBGRADER_INBOUND.match(part))), None)
        moodle_dir = next((m for part in parts[:-1] if (m := MOODLE_FOLDER.match(part))), None)
        if inbound:
            learner, layout = inbound.group("learner"), "nbgrader exchange"
            order = max(order, _timestamp(inbound.group("time")))
        elif moodle_dir:
            learner, layout = moodle_dir.group("learner"), "Moodle download"
        elif len(parts) >= 2:
            learner, layout = parts[0], ("JupyterHub home folders" if {"notebooks", "work"} & set(parts[1:-1])
                                         else "folder per learner")
        elif m := CANVAS.match(stem):
            learner, name_for_lesson, layout = m.group("learner"), m.group("rest"), "Canvas download"
        elif m := MOODLE.match(stem):
            learner, name_for_lesson, layout = m.group("learner"), m.group("rest"), "Moodle download"
        else:
            layout = "loose files"
        if not path.name.lower().endswith(".ipynb"):
            kind = "a zip archive: unpack it first (unzip FILE -d SUBMISSIONS)" if path.suffix.lower() == ".zip" \
                else f"a {path.suffix or 'file without extension'} file: only Jupyter notebooks (.ipynb) are graded"
            skipped.append(Skipped(rel, NOT_A_NOTEBOOK, kind, learner))
            continue
        lesson = lesson_from_name(name_for_lesson, lessons)
        if lesson is None:
            skipped.append(Skipped(rel, UNMATCHED, f"no lesson of the course matches the name {path.name!r}: name it "
                                   f"like {next(iter(lessons.values())).stem}.ipynb (the number is enough)", learner))
            continue
        if not learner:
            learner = learner_from_name(name_for_lesson, lesson)
            if not learner:
                skipped.append(Skipped(rel, UNMATCHED, "a notebook at the top of SUBMISSIONS whose name says no "
                                       "learner: put it in a folder named after the learner", "", lesson.stem))
                continue
        if fingerprint(path) in course:
            skipped.append(Skipped(rel, COURSE_COPY, "identical to the course's own solution notebook (a copy of the "
                                   "course repository?): not the learner's work", learner, lesson.stem))
            continue
        layouts.add(layout)
        candidates.setdefault((learner, lesson.number), []).append((order, copy_number(stem), path, rel))
    submissions = []
    for (learner, number), found in candidates.items():
        found.sort(key=lambda f: (f[0], f[1]), reverse=True)
        _, _, path, rel = found[0]
        submissions.append(Submission(learner, lessons[number], path, rel))
        for _, _, _, other in found[1:]:
            skipped.append(Skipped(other, DUPLICATE, f"an older copy: graded {rel} (newest first) for lesson {number}",
                                   learner, lessons[number].stem))
    submissions.sort(key=lambda s: (natural_key(s.learner), s.lesson.stem))
    return submissions, skipped, ", ".join(sorted(layouts)) or "none"


def _timestamp(text: str) -> float:
    import datetime as dt

    for fmt in ("%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).timestamp()
        except ValueError:
            continue
    try:
        return float(text)
    except ValueError:
        return 0.0


def natural_key(name: str) -> tuple:
    """Natural, case- and accent-insensitive order: "ada" < "Zoë", "learner 2" < "learner 10"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", text)), name
