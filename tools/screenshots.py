"""`make screenshots`: every static figure and every widget of the lessons, as the learner sees them, at 2x
pixels, in one folder (screenshots/figures/, ignored by git) so a reviewer can look at all of them at once.

Each ``solutions/NN_*.ipynb`` is executed in a fresh kernel (the inline backend, as in JupyterLab; nothing is
written back). Static figures are the cells' PNG outputs (retina: 2x pixels, see ``utils.plots``); widgets are
the PNG each Explorer shows, taken from the kernel after the run. Files are named by lesson, cell number and
cell id: ``03_c08_03-08.png``, ``07_c22_07-22_widget.png``. Older files of that form are replaced; the browser
test's ``lab_*.png`` screenshots (controls included) are left alone.

    python -m tools.screenshots                  # every lesson
    python -m tools.screenshots 01 07            # some lessons
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots" / "figures"

# runs in the lesson's kernel after its last cell: every live Explorer's image, keyed by its widget model id
_DUMP = """
import json as _json
from pathlib import Path as _Path
from utils.widgets import live_explorers as _live
_dir = _Path({folder!r})
_ids = []
for _e in _live():
    (_dir / (_e.model_id + ".png")).write_bytes(bytes(_e.image.value))
    _ids.append(_e.model_id)
print(_json.dumps(_ids))
"""


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def run_lesson(path: Path, out: Path) -> list[str]:
    """Execute one lesson; write its figures and widget images into ``out``; return one line per file."""
    import nbformat

    from tools.build import execute_lesson

    nb = nbformat.read(path, as_version=4)
    lesson = path.name[:2]
    with tempfile.TemporaryDirectory() as tmp:
        nb.cells.append(nbformat.v4.new_code_cell(_DUMP.format(folder=tmp)))
        execute_lesson(nb, path.parent, allow_errors=True)
        lines = []
        widget_ids = {}
        for index, cell in enumerate(nb.cells[:-1]):
            if cell.cell_type != "code":
                continue
            stem = f"{lesson}_c{index:02d}_{cell.get('id', index)}"
            pictures = 0
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data:
                    png = base64.b64decode(data["image/png"])
                    name = f"{stem}.png" if pictures == 0 else f"{stem}_{pictures}.png"
                    (out / name).write_bytes(png)
                    shown = output.get("metadata", {}).get("image/png", {})
                    w, h = _png_size(png)
                    lines.append(f"{name}: {w}x{h} px, shown at {shown.get('width', w)}x{shown.get('height', h)}")
                    pictures += 1
                view = data.get("application/vnd.jupyter.widget-view+json")
                if view:
                    widget_ids[view["model_id"]] = stem
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors and "raises-exception" not in cell.metadata.get("tags", []):
                lines.append(f"{stem}: ERROR {errors[0].get('ename')}: {errors[0].get('evalue')}")
        dumped = json.loads("".join(o.get("text", "") for o in nb.cells[-1].get("outputs", [])
                                    if o.get("output_type") == "stream") or "[]")
        for model_id in dumped:
            if model_id in widget_ids:  # an Explorer the lesson displays (not one made inside a helper)
                name = f"{widget_ids[model_id]}_widget.png"
                png = (Path(tmp) / f"{model_id}.png").read_bytes()
                (out / name).write_bytes(png)
                w, h = _png_size(png)
                lines.append(f"{name}: {w}x{h} px, shown at {w // 2}x{h // 2}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    os.environ.pop("MPLBACKEND", None)  # the kernel must use the inline backend, as in JupyterLab
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if args.lessons:
        paths = [p for p in paths if p.name[:2] in args.lessons]
    for path in paths:
        for old in out.glob(f"{path.name[:2]}_c*.png"):
            if re.match(r"\d\d_c\d\d_", old.name):
                old.unlink()
        print(f"== {path.name}", flush=True)
        for line in run_lesson(path, out):
            print("  " + line, flush=True)
    print(f"figures and widgets in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
