"""A typed publication time far from the one the post ID carries is pointed out.

A trial typed "aujourd'hui 21h40" for an X post whose ID decodes to 30/11/2024: the
form, the checks and every export stated 2026 beside an ID any investigator decodes
to 2024, without a word.  The form now says so under the field (not refused: the
person may know better), in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp

URL = "https://x.com/someone/status/1863000000000000001"  # 2024-11-30 23:19:47 UTC
WORDS = {"en": "post ID says it was published on", "fr": "l’ID du message indique"}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_typed_time_far_from_the_id_is_pointed_out_and_still_saved(
    make_case: Callable[..., Path], lang: str
) -> None:
    path = make_case(language=lang)
    app = AbriApp(path, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*URL)
        await pilot.pause()
        when = app.screen.query_one("#posted-at", Input)
        note = app.screen.query_one("#posted-at-note", Static)
        assert when.value  # filled from the ID
        assert WORDS[lang] not in str(note.render())
        when.value = "2026-12-01 21:40"
        await pilot.pause()
        shown = str(note.render())
        assert WORDS[lang] in shown and "2024" in shown, shown
        assert note.has_class("-error")
        # A time within minutes of the ID's (typed to the minute): nothing to say.
        when.value = "2024-12-01 00:21"  # Paris time, two minutes off
        await pilot.pause()
        assert WORDS[lang] not in str(note.render())
        when.value = "2026-12-01 21:40"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["posted_at_source"] == "typed"  # what the person typed is kept
