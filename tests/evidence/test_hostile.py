"""Text typed by harassers, through the table, the detail pane, the form and the accounts view.

Every string of the hostile fixture (markup, ESC sequences, bidi overrides, NUL, a
100 KB line) must show literally, on one line in the table, never reach the terminal
as a control code, never run an action, and survive an edit unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import HOSTILE, LONG_LINE
from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp
from tui.core.case import Attachment, Evidence, Report
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_accounts import AccountsScreen
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.evidence_table import EvidenceTable

# What must never reach the terminal: C0/C1 controls and bidi/invisible format characters.
DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_entries() -> list[Evidence]:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return [
        Evidence(
            id="E0001",
            url="https://x.com/someone/status/1382350606417817604",
            platform="x",
            post_id="1382350606417817604",
            account_handle=HOSTILE,
            account_id="1234",
            posted_at=when,
            posted_at_source="typed",
            content=HOSTILE,
            categories=["threat"],
            notes=HOSTILE,
            reports=[Report(place="police", date=when, reference=HOSTILE)],
            attachments=[
                Attachment(
                    path="case-files/E0001-x-1.png",
                    sha256="0" * 64,
                    bytes=1,
                    original_name=HOSTILE,
                    added_at=when,
                )
            ],
        ),
        Evidence(id="E0002", content=LONG_LINE, account_handle=LONG_LINE, notes=LONG_LINE),
    ]


def screen_lines(app: AbriApp) -> list[str]:
    """What the terminal would show, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_safe(app: AbriApp) -> str:
    lines = screen_lines(app)
    assert len(lines) == SIZE[1]
    for line in lines:
        assert not DANGEROUS.search(line), repr(line)
    return "\n".join(lines)


async def test_hostile_text_in_the_table_form_and_accounts_view(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(hostile_entries())
    before = evidence_on_disk(path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        text = assert_safe(app)
        assert "@[/foo] [b]bold?[/b]" in text  # markup shown literally, one line per row
        await pilot.press("v")  # reveal the first row's content in the detail pane
        await pilot.pause()
        text = assert_safe(app)
        assert "[U+001B][2J" in text and "[U+202E]" in text
        await pilot.press("V", "down")
        await pilot.pause()
        text = assert_safe(app)
        assert "xxxxxxxx" in text
        for y in range(3):
            assert "\n" not in table.render_line(y).text
        # The action link did not quit the app; enter opens the form on a hostile entry.
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        assert_safe(app)
        await pilot.press("ctrl+s")  # saved untouched
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert_safe(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        text = assert_safe(app)
        assert "1234" in text
        await pilot.press("escape")
        await pilot.pause()
        # Filtering on hostile text works and is shown literally in the title.
        await pilot.press("slash", *"[/foo]")
        await pilot.pause()
        assert [e.id for e in table.rows.shown] == ["E0001"]
        assert "[/foo]" in assert_safe(app)
        await pilot.press("ctrl+q")
    after = evidence_on_disk(path)
    # Nothing typed by anyone is lost or altered by opening and saving the form.
    for old, new in zip(before, after, strict=True):
        for key in ("content", "notes", "account_handle", "categories", "reports", "attachments"):
            assert new.get(key) == old.get(key), key
