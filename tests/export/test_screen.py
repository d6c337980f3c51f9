"""The export screen (f4) driven with keys only, checked on the files and the case on disk."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from docx import Document
from textual.widgets import Checkbox, SelectionList, Static

from tests.chromium import needs_chromium
from tests.export.conftest import CaseFactory
from tui.app import AbriApp
from tui.export import FORMATS
from tui.screens.export import ExportScreen

SIZE = (80, 24)


async def _wait(pilot: Any, condition: Any, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "timed out waiting for the export"


def _journal(path: Path) -> list[dict[str, Any]]:
    return list(tomllib.loads(path.read_text(encoding="utf-8"))["journal"])


async def test_export_from_the_screen_with_keys_only(make_case: CaseFactory) -> None:
    casefile = make_case(6, lang="en")
    path = casefile.path
    casefile.close()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        formats = screen.query_one("#export-formats", SelectionList)
        assert formats.has_focus
        # Keep Word and the bundle only: untick PDF and PHAROS, tick CSV.
        wanted = {"docx", "csv", "zip"}
        for index, fmt in enumerate(FORMATS):
            if index:
                await pilot.press("down")
            if (fmt in wanted) != (fmt in formats.selected):
                await pilot.press("space")
        assert set(formats.selected) == wanted
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: screen.cancel_event is None and bool(screen.results))
        out = path.parent / "exports"
        names = sorted(p.suffix for p in out.iterdir())
        assert names == [".csv", ".docx", ".zip"]
        results = str(screen.query_one("#export-results", Static).render())
        for written in screen.results:
            assert written.sha256 in results and written.path.name in results
        docx = next(w for w in screen.results if w.format == "docx")
        assert len(Document(str(docx.path)).tables[0].rows) == 7
        await _wait(
            pilot,
            lambda: sum(line["action"] == "export-written" for line in _journal(path)) == 3,
        )
    details = [line["detail"] for line in _journal(path) if line["action"] == "export-written"]
    assert details[0].startswith("docx ") and details[0].endswith(docx.sha256)


async def test_escape_cancels_and_leaves_no_half_written_file(make_case: CaseFactory) -> None:
    casefile = make_case(40, lang="fr")
    path = casefile.path
    casefile.close()
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("ctrl+s", "escape")
        await _wait(pilot, lambda: screen.cancel_event is None)
        status = str(screen.query_one("#export-status", Static).render())
        out = path.parent / "exports"
        leftovers = [p.name for p in out.iterdir()] if out.exists() else []
        # Either cancelled before anything finished, or only complete files remain.
        assert not any(name.endswith(".part") or name.startswith(".") for name in leftovers)
        if not screen.results:
            assert "annulé" in status.lower()


async def test_the_evidence_table_filter_can_limit_the_export(make_case: CaseFactory) -> None:
    casefile = make_case(6, lang="en")
    path = casefile.path
    casefile.close()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("slash", *"someone1", "enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        box = screen.query_one("#export-filtered", Checkbox)
        assert not box.disabled and "(3)" in str(box.label)
        # Formats: Word only. Then tab to the checkbox and tick it.
        for index, fmt in enumerate(FORMATS):
            if index:
                await pilot.press("down")
            selected = screen.query_one("#export-formats", SelectionList).selected
            if (fmt == "docx") != (fmt in selected):
                await pilot.press("space")
        await pilot.press("tab")
        assert box.has_focus
        await pilot.press("space", "ctrl+s")
        await _wait(pilot, lambda: screen.cancel_event is None and bool(screen.results))
        [written] = screen.results
        table = Document(str(written.path)).tables[0]
        ids = [row.cells[0].text.split()[1] for row in table.rows[1:]]
        assert ids == ["E0002", "E0004", "E0006"]


async def test_the_progress_of_an_export_is_on_screen_at_80x24(make_case: CaseFactory) -> None:
    """The trial: for 20 s only the footer changed; the bar was below the fold."""
    casefile = make_case(40, lang="fr")
    path = casefile.path
    casefile.close()
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        body = screen.query_one("#export-body")
        for widget_id in ("#export-progress", "#export-status"):
            widget = screen.query_one(widget_id)
            assert body.region.contains_region(widget.region), widget_id
        await pilot.press("escape")
        await _wait(pilot, lambda: screen.cancel_event is None)


@needs_chromium
async def test_cancelling_after_a_file_is_finished_says_it_is_kept(make_case: CaseFactory) -> None:
    """Word done, the PDF printing, escape: the .docx stays (journalled) and is said so."""
    casefile = make_case(40, lang="fr")
    path = casefile.path
    casefile.close()
    out = path.parent / "exports"
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        formats = screen.query_one("#export-formats", SelectionList)
        assert {"docx", "pdf"} <= set(formats.selected)
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: any(out.glob("*.docx")))
        await pilot.press("escape")
        await _wait(pilot, lambda: screen.cancel_event is None)
        status = str(screen.query_one("#export-status", Static).render())
        assert "Export annulé" in status and "déjà terminé est gardé" in status
        [kept] = screen.results
        results = str(screen.query_one("#export-results", Static).render())
        assert kept.format == "docx" and kept.sha256 in results
        assert sorted(p.suffix for p in out.iterdir()) == [".docx"]
