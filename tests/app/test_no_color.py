"""NO_COLOR and 16-colour terminals: every shell screen stays readable without colour."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.conftest import screen_text
from tui.app import AbriApp

SIZE = (80, 24)
COLOUR = re.compile(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def colours(svg: str) -> set[tuple[int, int, int]]:
    return {
        (int(red, 16), int(green, 16), int(blue, 16)) for red, green, blue in COLOUR.findall(svg)
    }


def grey(colour: tuple[int, int, int]) -> bool:
    return max(colour) - min(colour) <= 8  # #c5c8c6 is the SVG default text colour


async def test_no_color_shows_every_shell_screen_in_greys_only(
    monkeypatch: pytest.MonkeyPatch, make_case: Callable[..., Path]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        for keys, expected in ((["f1", "d"], "verified on"), (["escape", "f3", "f1"], "Help")):
            await pilot.press(*keys)
            await pilot.pause()
            assert expected in screen_text(app)
            svg = app.export_screenshot()
            # The three window-chrome circles of the SVG frame are not part of the screen.
            painted = colours(re.sub(r"<circle[^>]*>", "", svg))
            assert painted, "nothing painted"
            assert all(grey(colour) for colour in painted), sorted(painted)
            # Readable: text and background are far apart in lightness.
            assert max(map(max, painted)) - min(map(min, painted)) > 120


@pytest.mark.parametrize("theme", ["abri-dark", "abri-light", "abri-contrast"])
async def test_every_shipped_theme_renders_every_shell_screen_in_16_colours(
    monkeypatch: pytest.MonkeyPatch, make_case: Callable[..., Path], theme: str
) -> None:
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    app = AbriApp(make_case(), lang="fr", theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("f1", "escape", "f3", "f4", "f2"):
            await pilot.press(key)
            await pilot.pause()
        assert app.theme == theme
        assert app.is_running
