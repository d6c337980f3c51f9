"""Pasted share text and approximate times, through the real app (keyboard, case file on disk)."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.widgets import Static

from tui.app import AbriApp
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.evidence_table import EvidenceTable

SIZE = (80, 24)


def _case(tmp_path: Path, entries: list[Evidence]) -> Path:
    path = tmp_path / "case.toml"
    case = Case(title="Test", language="en", timezone="Europe/Paris")
    case.evidence = entries
    CaseFile.create(path, case).close()
    return path


async def test_share_text_pasted_in_the_form_keeps_only_the_post(tmp_path: Path) -> None:
    path = _case(tmp_path, [])
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        app.post_message(
            events.Paste("Regarde ça (https://x.com/someone/STATUS/1382350606417817604?s=46).")
        )
        await pilot.pause()
        note = str(app.screen.query_one("#url-note", Static).render())
        assert "Regarde ça" in note  # what was left out is said
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = tomllib.loads(path.read_text(encoding="utf-8"))["evidence"]
    assert entry["url"] == "https://x.com/someone/status/1382350606417817604"
    assert entry["post_id"] == "1382350606417817604"
    assert entry["account_handle"] == "someone"
    assert entry["posted_at"] == datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)


async def test_an_approximate_time_is_marked_in_the_table(tmp_path: Path) -> None:
    when = datetime(2022, 4, 25, 10, 16, 52, tzinfo=UTC)
    path = _case(
        tmp_path,
        [
            Evidence(
                id="E0001",
                url="https://tiktok.com/@a_b/video/7090483393586089222",
                platform="tiktok",
                posted_at=when,
                posted_at_source="post-id",
                posted_at_approximate=True,
            ),
            Evidence(
                id="E0002",
                url="https://x.com/a/status/1382350606417817604",
                platform="x",
                posted_at=datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC),
                posted_at_source="post-id",
            ),
        ],
    )
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        cells = {
            table.rows.shown[i].id: table.row_cells(i, [40] * len(table.columns))
            for i in range(len(table.rows.shown))
        }
        assert any(cell.rstrip().endswith("~") for cell in cells["E0001"])
        assert any(cell.rstrip().endswith("#") for cell in cells["E0002"])
        assert not any(cell.rstrip().endswith("~") for cell in cells["E0002"])
        await pilot.press("ctrl+q")
