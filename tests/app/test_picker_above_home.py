"""The folder picker reaches folders above the home folder, keyboard only.

A USB stick mounted by hand under /mnt (or for another user under /media) is above
home; ``backspace`` from the home folder went back to the starting places, so it
could not be reached.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from tests.app.conftest import screen_text, wait_for
from tests.evidence.conftest import read_case
from tui.app import AbriApp
from tui.screens.files import FilePicker
from tui.screens.start import StartScreen

SIZE = (80, 24)


@pytest.fixture
def home_below(isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME is <tmp>/top/home; a stick is mounted beside it at <tmp>/top/mnt-stick."""
    top = isolated_user_dirs.parent / "top"
    (top / "home").mkdir(parents=True)
    (top / "mnt-stick").mkdir()
    monkeypatch.setenv("HOME", str(top / "home"))
    return top


async def press_down_to(pilot: Any, option_id: str) -> None:
    """Arrow down the current list until ``option_id`` is highlighted."""
    listing = pilot.app.screen.query_one(OptionList)
    for _ in range(listing.option_count):
        at = listing.highlighted
        if at is not None and listing.get_option_at_index(at).id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} is not in the list")


async def test_a_stick_beside_the_home_folder_can_be_chosen(home_below: Path) -> None:
    stick = home_below / "mnt-stick"
    app = AbriApp(None, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await press_down_to(pilot, "\x00other")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FilePicker))
        await press_down_to(pilot, str(home_below / "home"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("backspace")  # above home
        await pilot.pause()
        assert f"Dans {home_below}" in screen_text(app)
        await press_down_to(pilot, str(stick))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # "✓ Choisir ce répertoire"
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        await pilot.press(*"Dana", "enter")
        await wait_for(pilot, lambda: app.session is not None)
        await pilot.press("ctrl+q")
    assert read_case(stick / "dana.toml")["title"] == "Dana"


async def test_the_whole_computer_is_a_starting_place_and_up_from_it_returns(
    home_below: Path,
) -> None:
    root = Path(Path.home().anchor or os.sep)
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_down_to(pilot, "\x00other")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FilePicker))
        await press_down_to(pilot, str(root))
        listing = app.screen.query_one(OptionList)
        assert listing.highlighted is not None
        prompt = str(listing.get_option_at_index(listing.highlighted).prompt)
        assert prompt.startswith("The whole computer")
        await pilot.press("enter")
        await pilot.pause()
        assert f"In {root}" in screen_text(app)
        await pilot.press("backspace")  # nothing above the root: the starting places
        await pilot.pause()
        assert "USB sticks come first" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
