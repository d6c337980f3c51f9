"""Switching language on the new-case screen: the screen keeps working, and the
language goes to the new case, not to the case that was open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList

from tests.app.conftest import screen_text, wait_for
from tests.evidence.conftest import read_case
from tui.app import AbriApp
from tui.screens.start import StartScreen

SIZE = (80, 24)


async def test_the_new_case_screen_works_after_a_language_switch(
    isolated_user_dirs: Path, make_case: Callable[..., Path]
) -> None:
    path = make_case(language="en")
    app = AbriApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"new case")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        await pilot.press("ctrl+p", *"fran")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Pas encore choisi" in screen_text(app))
        assert isinstance(app.screen, StartScreen)
        # The folder choice still has the keys: enter picks the first place.
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "up", "enter")
        await pilot.pause()
        assert "Pas encore choisi" not in screen_text(app)
        assert isinstance(app.focused, Input)
        await pilot.press(*"Bob", "enter")
        await wait_for(pilot, lambda: app.session is not None and app.case.title == "Bob")
        await pilot.press("ctrl+q")
    [created] = (isolated_user_dirs / "data").glob("*.toml")
    assert read_case(created)["language"] == "fr"  # created in the language shown
    old = read_case(path)
    assert old["language"] == "en"  # the open case was not switched behind its back
    assert "language-changed" not in [j["action"] for j in old.get("journal", [])]


async def test_what_was_typed_survives_a_language_switch(
    isolated_user_dirs: Path, make_case: Callable[..., Path]
) -> None:
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter", *"Élise")
        await pilot.pause()
        await pilot.press("ctrl+p", *"fran")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Le dossier sera créé dans" in screen_text(app))
        assert app.screen.query_one(Input).value == "Élise"
        assert "Pas encore choisi" not in screen_text(app)  # the place chosen is kept
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session is not None)
        await pilot.press("ctrl+q")
    [created] = (isolated_user_dirs / "data").glob("*.toml")
    data = read_case(created)
    assert data["title"] == "Élise" and data["language"] == "fr"
