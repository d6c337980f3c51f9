"""A refused save says so where the person looks: the field, its note, the status.

A new user typed a Bluesky account ID with 16 characters after ``did:plc:``; ctrl+s
seemed to do nothing, and the note ("starts with did:plc: or did:web:") described
what they had typed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp
from tui.core.platforms import check_account_id
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_form import EvidenceForm

BSKY_URL = "https://bsky.app/profile/someone.bsky.social/post/3jwdwj2ctlk26"
GOOD_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"

EXPECTED = {
    "en": ("24 characters after did:plc:", "this one has 16", "Not saved"),
    "fr": ("24 caractères après did:plc:", "celui-ci en a 16", "Rien n'est enregistré"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_short_did_plc_is_refused_with_what_is_expected(
    make_case: Callable[..., Path], lang: str
) -> None:
    path = make_case(language=lang)
    app = AbriApp(path, lang=lang)
    expected, count, not_saved = EXPECTED[lang]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(BSKY_URL))
        await pilot.pause()
        field = app.screen.query_one("#account-id", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"did:plc:abcdefghijklmnop", "tab", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)  # nothing typed is lost
        note = str(app.screen.query_one("#account-id-note", Static).render())
        assert expected in note and count in note
        assert app.focused is field and field.has_class("-refused")
        toasts = [str(n.message) for n in app._notifications]
        assert any(not_saved in toast and expected in toast for toast in toasts), toasts
        # Put right, it saves, and the mark goes as soon as the field is edited.
        field.value = ""
        await pilot.pause()
        assert not field.has_class("-refused")
        await pilot.press(*GOOD_DID, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_id"] == GOOD_DID


def test_each_kind_of_wrong_did_gets_its_own_sentence() -> None:
    assert check_account_id("bluesky", GOOD_DID, "en") is None
    assert check_account_id("bluesky", "did:web:example.org", "en") is None
    short = check_account_id("bluesky", "did:plc:abc", "en") or ""
    assert "24 characters" in short and "has 3" in short
    wrong = check_account_id("bluesky", "did:plc:" + "0" * 24, "en") or ""
    assert "a to z and digits 2 to 7" in wrong
    other = check_account_id("bluesky", "alice.bsky.social", "fr") or ""
    assert "did:plc:" in other and "did:web:" in other and "domaine" in other
