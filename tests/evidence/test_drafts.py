"""A draft follows the typing: every pause in the form writes what is in it now.

A trial found the draft written once per form opening: typing after the first pause
was never kept, so a crash (or kill -9) lost it.
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Callable
from pathlib import Path

from tests.evidence.conftest import SIZE, X_URL
from tui.app import AbriApp
from tui.screens.evidence_form import DRAFT_DELAY


def _draft_fields(path: Path) -> dict[str, object]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    draft = data.get("drafts", {}).get("new", {})
    return dict(draft.get("fields", {}))


async def _wait_for(path: Path, field: str, value: str, app: AbriApp) -> bool:
    """Wait (in real time) until the case file's draft holds ``value`` in ``field``."""
    for _ in range(40):
        await asyncio.sleep(0.1)
        if _draft_fields(path).get(field) == value:
            return True
    return False


async def test_every_pause_in_typing_updates_the_draft(make_case: Callable[..., Path]) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*X_URL)
        assert await _wait_for(path, "url", X_URL, app)
        await asyncio.sleep(DRAFT_DELAY * 2)  # the first draft's timer is long over
        await pilot.press("tab", "tab", "tab", "tab", "tab", *"pseudo")
        assert await _wait_for(path, "handle", "pseudo", app), _draft_fields(path)
        await pilot.press("tab", *"encore")
        assert await _wait_for(path, "content", "encore", app), _draft_fields(path)
        await pilot.press("ctrl+q")


async def test_words_typed_after_the_url_are_not_dropped_on_save(
    make_case: Callable[..., Path],
) -> None:
    """The trial: text typed after the address (a restored form puts the focus there)
    vanished when the entry was saved; now the save says so and keeps the form."""
    from tests.evidence.conftest import evidence_on_disk
    from tui.screens.evidence_form import EvidenceForm

    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*X_URL, *" more words")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)  # not saved, nothing lost
        note = str(app.screen.query_one("#url-note").render())
        assert "more words" in note
        assert evidence_on_disk(path) == []
        await pilot.press(*["backspace"] * len(" more words"), "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["url"] == X_URL


async def test_leaving_by_any_way_keeps_the_typed_form_and_releases_the_case(
    make_case: Callable[..., Path],
) -> None:
    """Any way out, not only ctrl+q, saves what is typed and removes the "open" marker.

    The app's "case released" flag was called ``_closed``: Textual's own name for a
    message pump that has stopped.  When the app was ended by ``App.exit()`` rather
    than by its own quit (the bench's first-paint probe does so), it looked already
    released on the way out: the form's text was dropped, the marker stayed and the
    next opening said the case had been left open by a process that is gone.
    """
    path = make_case()
    marker = path.with_name(f".{path.name}.open")
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*X_URL)
        assert marker.exists()
        assert _draft_fields(path) == {}  # the draft's own timer has not run yet
        app.exit()
    assert _draft_fields(path).get("url") == X_URL
    assert not marker.exists()


async def test_typing_in_a_restored_message_goes_on_after_its_text(
    make_case: Callable[..., Path],
) -> None:
    """A trial: after a draft came back, the next words landed before the kept text
    (" WINCLOSE3Tu vas…"): the message box's cursor was at its start."""
    from textual.widgets import TextArea

    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*X_URL)
        app.screen.query_one("#content", TextArea).focus()
        await pilot.pause()
        await pilot.press(*"first words")
        await pilot.press("ctrl+q")  # leaves: the form is kept as a draft
    again = AbriApp(path, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        content = again.screen.query_one("#content", TextArea)
        assert content.text == "first words"
        content.focus()
        await pilot.pause()
        await pilot.press(*" then more")
        assert content.text == "first words then more"
        await pilot.press("ctrl+q")
