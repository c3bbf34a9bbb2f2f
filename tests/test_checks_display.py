"""The checker's HTML block meets WCAG AA (contrast ≥ 4.5:1) in JupyterLab's light and dark themes.

The ratios are computed from the colours the block actually uses (``result.COLOURS``: JupyterLab CSS variables),
resolved in JupyterLab's own theme files as installed in this environment, against the background the block paints
itself (``--jp-layout-color0``) — and the Why line is quieter than the verdict, never brighter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from utils.checks import result as result_module
from utils.checks.core import run_quietly

THEMES = Path(sys.prefix) / "share" / "jupyter" / "lab" / "themes" / "@jupyterlab"


def _variables(theme: str) -> dict[str, str]:
    css = (THEMES / f"theme-{theme}-extension" / "index.css").read_text()
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;}]+)", css)}


def _resolve(value: str, variables: dict[str, str]) -> str:
    for _ in range(10):
        m = re.fullmatch(r"var\((--[\w-]+)(?:\s*,\s*(.+))?\)", value.strip())
        if not m:
            return value.strip()
        value = variables.get(m.group(1), m.group(2) or "")
    raise ValueError(value)


def _rgba(colour: str) -> tuple[float, float, float, float]:
    colour = colour.strip().lower()
    if colour == "white":
        return 1.0, 1.0, 1.0, 1.0
    if colour.startswith("#"):
        h = colour[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, 1.0
    parts = [float(p) for p in re.findall(r"[\d.]+", colour)]
    return parts[0] / 255, parts[1] / 255, parts[2] / 255, parts[3] if len(parts) > 3 else 1.0


def _over(fg: tuple, bg: tuple) -> tuple[float, float, float]:
    a = fg[3]
    return tuple(fg[i] * a + bg[i] * (1 - a) for i in range(3))


def _luminance(rgb: tuple[float, float, float]) -> float:
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    back = _rgba(bg)[:3]
    lighter, darker = sorted((_luminance(_over(_rgba(fg), back)), _luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.skipif(not THEMES.exists(), reason="JupyterLab's theme files are not installed")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_colour_of_the_block_meets_wcag_aa_in_both_themes(theme):
    variables = _variables(theme)
    colours = {role: _resolve(f"var({name}, {fallback})", variables)
               for role, (name, fallback) in result_module.COLOURS.items()}
    background = colours.pop("background")
    ratios = {role: contrast(colour, background) for role, colour in colours.items()}
    assert all(r >= 4.5 for r in ratios.values()), (theme, ratios)
    # the Why line never outshines the verdict and the line it explains
    assert ratios["why"] <= ratios["text"]


def test_the_fallbacks_outside_jupyterlab_meet_wcag_aa_too():
    background = result_module.COLOURS["background"][1]
    for role, (_, fallback) in result_module.COLOURS.items():
        if role != "background":
            assert contrast(fallback, background) >= 4.5, role


def test_the_block_uses_those_colours_and_paints_its_own_background():
    from utils.checks import check_relu

    bad = run_quietly(check_relu, lambda z: z)
    good = run_quietly(check_relu, lambda z: (z > 0) * z)
    for role in ("background", "text", "why", "fail"):
        assert result_module._css(role) in bad.html, role
    assert result_module._css("pass") in good.html
    assert "opacity" not in bad.html  # a transparent Why line would change the measured ratio
