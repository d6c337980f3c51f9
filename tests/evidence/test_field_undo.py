"""ctrl+z in a one-line field of the form gives back what a key replaced.

Tab into a filled field selects its text, as in a browser: the next key replaces
it.  A trial saw a decoded post ID go to one stray key with no way back (the
multi-line fields had ctrl+z, the one-line ones nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tests.evidence.conftest import SIZE, X_URL, evidence_on_disk
from tui.app import AbriApp
from tui.screens.evidence_form import UNDO_PAUSE


async def test_a_replaced_field_comes_back_with_ctrl_z_and_is_saved_as_it_was(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*X_URL)
        handle = app.screen.query_one("#handle", Input)
        handle.focus()
        await pilot.pause()
        await pilot.press(*"kevin_du_92")
        handle.blur()
        await pilot.pause()
        handle.focus()  # as tab does: the whole text selected
        await pilot.pause()
        assert handle.selection.start != handle.selection.end
        await pilot.press("x")
        assert handle.value == "x"  # one stray key replaced it
        await pilot.press("ctrl+z")
        assert handle.value == "kevin_du_92"
        assert handle.cursor_position == len("kevin_du_92")  # typing goes on at its end
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Opened again to edit it: what the form opened with is no step to undo.
        await pilot.press("enter")
        await pilot.pause()
        handle = app.screen.query_one("#handle", Input)
        assert handle.value == "kevin_du_92"
        handle.focus()
        await pilot.pause()
        await pilot.press("ctrl+z")
        assert handle.value == "kevin_du_92"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_handle"] == "kevin_du_92"


async def test_undo_goes_back_a_word_at_a_time_then_stops(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        field = app.screen.query_one("#handle", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"first")
        await pilot.pause(UNDO_PAUSE + 0.2)
        await pilot.press(*"_second")
        assert field.value == "first_second"
        await pilot.press("ctrl+z")
        assert field.value == "first"
        await pilot.press("ctrl+z")
        assert field.value == ""
        await pilot.press("ctrl+z")  # nothing left to undo: nothing happens
        assert field.value == ""
        await pilot.press(*"again")
        assert field.value == "again"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
