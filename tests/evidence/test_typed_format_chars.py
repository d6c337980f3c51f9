"""Format characters typed (not pasted) into the evidence form are kept as typed.

Textual inserts only keys whose character is ``isprintable()``, which is False for
Unicode category Cf: a typed RIGHT-TO-LEFT OVERRIDE vanished and an emoji picker's
family lost its ZERO WIDTH JOINERs, while a paste of the same text kept them.

The keys go through Textual's own terminal parser, as a terminal sends them:
``pilot.press`` cannot carry U+202E (it guesses the character back from the key
name "right_to_left_override", and Unicode spells it with hyphens).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual._xterm_parser import XTermParser
from textual.events import Key
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_form import EvidenceForm

RLO = "\u202e"
ZWJ = "\u200d"
FAMILY = f"👩{ZWJ}👩{ZWJ}👧"


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` one character at a time, as the terminal's keys reach the app."""
    parser = XTermParser()
    driver = pilot.app._driver
    assert driver is not None
    for char in text:
        for message in parser.feed(char):
            assert isinstance(message, Key)
            driver.send_message(message)
            await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_typed_bidi_override_and_joiners_are_stored_exactly(
    make_case: Callable[..., Path], lang: str
) -> None:
    path = make_case(language=lang)
    app = AbriApp(path, lang=lang)
    content = f"[i]ab{RLO}gnp.exe[/i]"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        await type_text(pilot, "https://example.org/p/1")
        app.screen.query_one("#handle", Input).focus()
        await pilot.pause()
        await type_text(pilot, f"ev{RLO}il")
        app.screen.query_one("#content", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, content)
        app.screen.query_one("#notes", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, f"family {FAMILY}")
        await pilot.pause()
        # Shown with visible markers, never raw to the terminal.
        shown = app.screen.query_one("#content", TextArea).text
        assert RLO not in shown and "[U+202E]" in shown
        assert "[U+200D]" in app.screen.query_one("#notes", TextArea).text
        assert "[U+202E]" in app.screen.query_one("#handle", Input).value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["content"] == content
    assert entry["notes"] == f"family {FAMILY}"
    assert entry["account_handle"] == f"ev{RLO}il"


async def test_a_typed_control_character_is_still_a_key(make_case: Callable[..., Path]) -> None:
    """Cc characters stay keys: tab still moves on, nothing is inserted."""
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await type_text(pilot, "x\t")
        await pilot.pause()
        assert app.screen.query_one("#url", Input).value == "x"
        assert app.focused is not None and app.focused.id != "url"
