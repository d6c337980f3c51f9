"""Dialogs: answers by keyboard, hostile questions shown literally, help reachable over them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.app.conftest import screen_text
from tui.app import AbriApp
from tui.screens.dialogs import ConfirmDialog, MessageDialog
from tui.screens.help import HelpScreen

SIZE = (80, 24)


async def test_confirm_answers_and_escape_means_no(
    make_case: Callable[..., Path], hostile: str
) -> None:
    answers: list[bool | None] = []
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for keys in (["y"], ["escape"], ["enter"], ["tab", "enter"]):
            app.push_screen(ConfirmDialog(f"Delete {hostile}?"), answers.append)
            await pilot.pause()
            text = screen_text(app)
            assert "[@click=app.quit]x[/]" in text and "\x1b" not in text
            await pilot.press(*keys)
            await pilot.pause()
        assert app.is_running
    # enter always keeps things as they are, even with the focus moved onto "Yes"
    # (the dialog says so): only y (or o) says yes.
    assert answers == [True, False, False, False]


async def test_help_opens_over_a_dialog_and_closes_back_to_it(
    make_case: Callable[..., Path],
) -> None:
    app = AbriApp(make_case(), lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(MessageDialog("Message [/foo]", title="[b]Titre"))
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "Message [/foo]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "calm" and not app.screen.is_modal
