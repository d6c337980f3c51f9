"""The case-details form driven with keys only: what it returns, and that it writes nothing."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tests.conftest import HOSTILE
from tui.core.case import Case
from tui.screens.case_details import CaseDetailsScreen


class _Host(App[None]):
    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(CaseDetailsScreen(self.case, lang="fr"), self.results.append)


async def test_typing_and_ctrl_s_returns_only_the_changed_details() -> None:
    case = Case(title="t", concerns="Alice Martin")
    app = _Host(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Focus starts in "Personne concernée": go to the birth date, then the place.
        await pilot.press("tab")
        await pilot.press(*"02/03/1994")
        await pilot.press("tab", "tab", "tab")
        await pilot.press(*"Lyon")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [{"concerns_birth": "02/03/1994", "place": "Lyon"}]
    assert case.place == ""  # the form never changes the case itself


async def test_escape_after_typing_asks_before_discarding() -> None:
    case = Case(title="t")
    app = _Host(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"Bob")
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == []  # a question is shown, nothing is lost yet
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailsScreen)
        await pilot.press("escape", "y")
        await pilot.pause()
    assert app.results == [None]


async def test_hostile_details_are_shown_marked_and_not_reported_as_changed() -> None:
    case = Case(title="t", concerns=HOSTILE, helper="[@click=app.quit]x[/]")
    app = _Host(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseDetailsScreen)
        assert "\x1b" not in screen.values()["concerns"]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [{}]
