"""Your progress, from the record beside your notebooks: a table per lesson and where to go next.

    python -m tools.progress                 # what `make progress` runs: work/my_nn/progress.json
    python -m tools.progress notebooks       # the record of another folder (on a hub: notebooks/)

Reads only ``<folder>/my_nn/progress.json`` (written by the lessons when a check passes, see utils.my_library);
standard library only, nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "work",
                        help="the folder you open your lessons in (default: work/)")
    args = parser.parse_args(argv)
    from utils.my_library import record

    record_path = record.library_dir(args.folder) / record.PROGRESS_NAME
    if not record_path.exists():
        print(f"no progress recorded yet in {record_path} — pass a check in a lesson (make lab) and it appears")
    progress = record.read_json(record_path).get("exercises", {})
    print(record.progress_text({k: v for k, v in progress.items() if isinstance(v, dict)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
