"""The form never corrupts, drops or misplaces what was typed or stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.widgets import Input

from tests.conftest import HOSTILE
from tests.evidence.conftest import SIZE, X_URL, evidence_on_disk
from tui.app import AbriApp
from tui.core.case import Evidence
from tui.screens.dialogs import ConfirmDialog
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_form import EvidenceForm

NASTY = "avant\x0b\x0c\x85\u2029test\u2029\r\nligne\r\u202egauche\x1b[2J\x00 fin"


async def test_editing_another_field_keeps_the_message_byte_for_byte(
    make_case: Callable[..., Path],
) -> None:
    for content in (NASTY, HOSTILE):
        path = make_case(
            [Evidence(id="E0001", url=X_URL, platform="x", content=content, notes=content)],
            name=f"c{len(content)}.toml",
        )
        app = AbriApp(path, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "enter")
            await pilot.pause()
            assert isinstance(app.screen, EvidenceForm)
            await pilot.press(*["tab"] * 5, *"renamed")  # the handle field
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, EvidenceScreen)
            await pilot.press("ctrl+q")
        [entry] = evidence_on_disk(path)
        assert entry["account_handle"].endswith("renamed")
        assert entry["content"] == content
        assert entry["notes"] == content


async def test_erasing_the_url_clears_what_came_from_it(make_case: Callable[..., Path]) -> None:
    """Typed, then erased: no "no URL · @kevin_du_92 on Instagram" entry."""
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*"www.instagram.com/kevin_du_92")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#handle", Input).value == "kevin_du_92"
        await pilot.press(*["backspace"] * len("www.instagram.com/kevin_du_92"))
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab", *"un message")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert "url" not in entry and "platform" not in entry and "account_handle" not in entry
    assert entry["content"] == "un message"


async def test_a_handle_typed_by_hand_stays_when_the_url_changes(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#handle", Input).value = "vrai_compte"
        await pilot.pause()
        app.post_message(events.Paste(X_URL))
        await pilot.pause()
        assert form.query_one("#handle", Input).value == "vrai_compte"
        assert "vrai_compte" in str(form.query_one("#url-note").render())  # pointed out
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_handle"] == "vrai_compte"
    assert entry["post_id"] == "1382350606417817604"


async def test_enter_and_escape_in_the_discard_question_keep_what_was_typed(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(X_URL))
        await pilot.pause()
        form = app.screen
        for keep in ("enter", "escape", "n"):
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press(keep)
            await pilot.pause()
            assert app.screen is form, f"{keep} must keep the form"
        await pilot.press("escape", "y")  # a deliberate yes throws it away
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    assert evidence_on_disk(path) == []
