"""Voilà with the course deck's prelaunch hook: ``python -m tools.slides.serve NOTEBOOK [voila options]``.

What ``make slides`` runs (through ``python -m tools.slides --serve``): the notebook Voilà executes and shows is
``tools.slides.deck_notebook`` of the lesson (the rule's slide types, mistakes summaries, shown code for bare
numbers, the projector style for figures). The lesson file itself is never written.
"""

from __future__ import annotations

import sys

from traitlets.config import Config
from voila.app import Voila

from tools.slides import prelaunch_hook


def main(argv: list[str] | None = None) -> None:
    config = Config()
    config.VoilaConfiguration.prelaunch_hook = prelaunch_hook
    Voila.launch_instance(argv=sys.argv[1:] if argv is None else argv, config=config)


if __name__ == "__main__":
    main()
