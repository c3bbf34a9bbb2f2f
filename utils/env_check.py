"""Lesson 00's environment check: versions of what the course needs, and a clear error if anything is missing."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys

REQUIRED = ["numpy", "matplotlib", "nnfs", "ipywidgets", "sklearn", "tqdm", "IPython"]
"""Packages every lesson imports."""
OPTIONAL = {"voila": "for classroom slides: make slides LESSON=01", "jupyterlab": "for the JupyterLab interface"}
"""Packages only some uses need, with what they are for."""


def _version(name: str) -> str | None:
    if name in OPTIONAL:  # servers (voila, jupyterlab) take seconds to import: read their installed metadata
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return getattr(module, "__version__", "installed")


def check_environment(slides: bool = True) -> dict[str, str | None]:
    """Print one line per package with its version; raise ``RuntimeError`` naming every missing required
    package (and voila when ``slides``), with the command that installs them.

    Returns ``{package: version or None}``.
    """
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    print(f"{'python':<12} {found['python']}")
    missing = []
    for name in REQUIRED + list(OPTIONAL):
        found[name] = _version(name)
        note = f"  ({OPTIONAL[name]})" if name in OPTIONAL else ""
        print(f"{name:<12} {found[name] or 'MISSING'}{note}")
        if found[name] is None and (name in REQUIRED or (name == "voila" and slides)):
            missing.append(name)
    if sys.version_info < (3, 11):  # noqa: UP036 — say it plainly on an old Python
        missing.append("python>=3.11")
    if found["numpy"] and int(found["numpy"].split(".")[0]) < 2:
        missing.append(f"numpy>=2 (found {found['numpy']})")
    if found["ipywidgets"] and int(found["ipywidgets"].split(".")[0]) < 8:
        missing.append(f"ipywidgets>=8 (found {found['ipywidgets']})")
    if missing:
        raise RuntimeError("missing or too old: " + ", ".join(missing)
                           + " — run `make lab` or `pip install -r requirements.txt` in the course folder")
    return found


def widgets_supported() -> str:
    """Say whether this front end can show widgets: the widget manager must be installed for JupyterLab."""
    lab = _version("jupyterlab_widgets")
    if lab is None:
        raise RuntimeError("jupyterlab_widgets is missing, so sliders will not show: pip install ipywidgets")
    return f"widget support installed (jupyterlab_widgets {lab})"
