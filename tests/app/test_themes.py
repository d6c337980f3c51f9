"""Themes: shipped files are valid, a bad file names itself and falls back, choices persist."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette

from tests.app.conftest import screen_text
from tui.app import AbriApp
from tui.settings import Settings
from tui.themes import DEFAULT_THEME, load_themes, parse_theme

SIZE = (80, 24)
SHIPPED = Path(__file__).resolve().parents[2] / "themes"


def test_the_shipped_themes_folder_holds_dark_light_and_high_contrast() -> None:
    names = {
        parse_theme(path.read_text(encoding="utf-8"))[0].name for path in SHIPPED.glob("*.toml")
    }
    assert {"abri-dark", "abri-light", "abri-contrast"} <= names
    loaded = load_themes()
    assert loaded.problems == []
    assert loaded.label("abri-contrast", "fr") == "Contraste élevé"
    assert loaded.themes["abri-light"].dark is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "x"\n[colors]\nprimary = "not-a-colour"\n', "not-a-colour"),
        ('name = "x"\n[colors]\nprimary = "#fff"\nbackground = "#12345"\n', "#12345"),
        ('name = "x"\n[colors]\nbackground = "#000000"\n', "primary"),
        ('[colors]\nprimary = "#fff"\n', "name"),
        ('name = "x"\n[colors]\nprimary = "#fff"\nblinking = "#fff"\n', "blinking"),
        (
            'name = "x"\n[colors]\nprimary = "#fff"\n[variables]\nfooter-background = "nope"\n',
            "nope",
        ),
        ("name = [", "TOML"),
    ],
)
def test_a_bad_value_is_refused_with_a_readable_reason(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_theme(text)


async def test_a_bad_user_theme_names_its_file_and_the_app_falls_back(
    isolated_user_dirs: Path, make_case: Callable[..., Path]
) -> None:
    themes = isolated_user_dirs / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.toml").write_text(
        'name = "mine"\n[colors]\nprimary = "#ff00zz"\n', encoding="utf-8"
    )
    (themes / "good.toml").write_text(
        'name = "good"\ndark = false\n[colors]\nprimary = "#224466"\nbackground = "#ffffff"\n',
        encoding="utf-8",
    )
    Settings(theme="mine").save()
    app = AbriApp(make_case(), lang="en", theme=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("mine.toml" in notice and "#ff00zz" in notice for notice in app.notices)
        assert "good" in app.available_themes
        await pilot.press("f1", "escape", "f3")  # repaints in the fallback theme: no crash
        await pilot.pause()
        assert app.is_running


async def test_theme_option_and_unknown_theme(make_case: Callable[..., Path]) -> None:
    app = AbriApp(make_case(), lang="en", theme="abri-light")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "abri-light"
    app = AbriApp(make_case(name="b.toml"), lang="en", theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("no-such-theme" in notice for notice in app.notices)


async def run_palette(app: AbriApp, pilot: object, query: str) -> None:
    """Open the palette with ctrl+p, type ``query``, run the first match."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(50):
        await pilot.pause(0.05)
        if "--list-visible" in app.screen.classes or app.screen.query("CommandList Option"):
            break
    await pilot.press("down", "enter")
    await pilot.pause()


async def test_theme_chosen_in_the_palette_is_remembered_in_the_settings(
    make_case: Callable[..., Path], isolated_user_dirs: Path
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_palette(app, pilot, "High contrast")
        assert app.theme == "abri-contrast"
    settings = tomllib.loads(
        (isolated_user_dirs / "config" / "settings.toml").read_text(encoding="utf-8")
    )
    assert settings["theme"] == "abri-contrast"
    again = AbriApp(path, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "abri-contrast"


async def test_palette_switches_language_and_lists_translated_actions(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(language="en")
    app = AbriApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Evidence table" in commands and "Quit Abri" in commands
        await run_palette(app, pilot, "français")
        assert app.lang == "fr"
        await pilot.pause()
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Tableau des preuves" in commands and "Quitter Abri" in commands
        await pilot.press("f1")
        await pilot.pause()
        assert "Touches valables partout" in screen_text(app)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["language"] == "fr"


async def test_a_theme_label_with_markup_is_shown_literally_in_the_palette(
    isolated_user_dirs: Path, make_case: Callable[..., Path]
) -> None:
    themes = isolated_user_dirs / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "odd.toml").write_text(
        'name = "odd"\n[label]\nen = "Odd [/foo] [@click=app.quit]x[/] \\\\"\n'
        '[colors]\nprimary = "#336699"\n',
        encoding="utf-8",
    )
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_palette(app, pilot, "Odd")
        assert app.is_running
        assert app.theme == "odd"
