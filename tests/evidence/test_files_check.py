"""Files that went missing or changed are shown: table, detail pane, status line (issue 9)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tests.app.conftest import wait_for
from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp
from tui.cli import main
from tui.core.case import Case
from tui.core.session import CaseSession
from tui.core.store import CaseFile
from tui.widgets.evidence_table import EvidenceTable
from tui.widgets.status import StatusLine


def _case_with_three_entries(tmp_path: Path) -> tuple[Path, list[str]]:
    """E0001 with a screenshot then deleted, E0002 with none, E0003 with one altered."""
    path = tmp_path / "cases" / "alice.toml"
    path.parent.mkdir(parents=True)
    CaseFile.create(path, Case(title="Alice", language="en")).close()
    shots = []
    for number in (1, 3):
        shot = tmp_path / f"shot{number}.png"
        shot.write_bytes(b"\x89PNG real bytes %d" % number)
        shots.append(shot)
    assert (
        main(["add", str(path), "--url", "https://x.com/a/status/1", "--screenshot", str(shots[0])])
        == 0
    )
    assert main(["add", str(path), "--url", "https://x.com/b/status/2"]) == 0
    assert (
        main(["add", str(path), "--url", "https://x.com/c/status/3", "--screenshot", str(shots[1])])
        == 0
    )
    files = [
        entry["attachments"][0]["path"]
        for entry in evidence_on_disk(path)
        if entry.get("attachments")
    ]
    (path.parent / files[0]).unlink()
    (path.parent / files[1]).write_bytes(b"\x89PNG other bytes 3")
    return path, files


def test_check_files_says_which_entry_has_which_problem(tmp_path: Path) -> None:
    path, files = _case_with_three_entries(tmp_path)
    session = CaseSession.open(path)
    try:
        found = session.check_files()
    finally:
        session.close()
    assert {key: (check.status, check.paths) for key, check in found.items()} == {
        "E0001": ("missing", (files[0],)),
        "E0003": ("altered", (files[1],)),
    }


def test_quick_check_shows_missing_files_first_then_the_full_check_finds_changed_ones(
    tmp_path: Path,
) -> None:
    """On open the app runs a stat-only pass (seconds, even for gigabytes of screenshots)
    before reading every file: it already names the missing file; the full pass after it
    adds the changed one, and keeps the missing one without looking at it twice."""
    path, files = _case_with_three_entries(tmp_path)
    # Changed in place, same size: only reading it shows it.
    (path.parent / files[1]).write_bytes(b"\x89PNG fake bytes 3")
    session = CaseSession.open(path)
    try:
        quick = session.check_files(hash_files=False)
        full = session.check_files()
    finally:
        session.close()
    assert {key: check.status for key, check in quick.items()} == {"E0001": "missing"}
    assert {key: (check.status, check.paths) for key, check in full.items()} == {
        "E0001": ("missing", (files[0],)),
        "E0003": ("altered", (files[1],)),
    }
    assert full["E0001"].messages == quick["E0001"].messages


async def test_table_detail_and_status_line_show_missing_and_changed_files(tmp_path: Path) -> None:
    path, files = _case_with_three_entries(tmp_path)
    before = path.read_bytes()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.files_problems == 2)
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        widths = table.widths()
        shots = {table.rows.shown[i].id: table.row_cells(i, widths)[2] for i in range(3)}
        # "none yet" (nothing attached) is not "missing" (a file that went away).
        assert shots == {"E0001": "⚠ missing", "E0002": "none yet", "E0003": "⚠ changed"}
        assert "2 files missing or changed" in str(app.screen.query_one(StatusLine).render())
        index = next(i for i, e in enumerate(table.rows.shown) if e.id == "E0001")
        table.cursor = index
        await pilot.pause()
        detail = str(app.screen.query_one("#evidence-detail").render())
        assert "screenshot file is missing" in detail and files[0] in detail
        table.cursor = next(i for i, e in enumerate(table.rows.shown) if e.id == "E0003")
        await pilot.pause()
        assert "has changed since it was recorded" in str(
            app.screen.query_one("#evidence-detail").render()
        )
        await pilot.press("ctrl+q")
    # Looking is not changing: the case file is as it was.
    assert path.read_bytes() == before


async def test_help_explains_the_time_marks_and_the_shots_words(tmp_path: Path) -> None:
    from tests.app.conftest import screen_text

    path, _files = _case_with_three_entries(tmp_path)
    for lang, words in (
        (
            "en",
            ("decoded from the post ID", "typed by hand", "captured, not published", "none yet"),
        ),
        ("fr", ("décodée de l'ID", "saisie à la main", "pas de publication", "aucune")),
    ):
        app = AbriApp(path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "f1")
            await pilot.pause()
            text = screen_text(app)
            for mark, word in zip("#*+!", words, strict=True):
                assert f"{mark} " in text and word in text, (lang, mark, word)
            await pilot.press("ctrl+q")


async def test_quitting_stops_the_file_check_between_two_files(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """ctrl+q while a big case's files are checked: the process must not go on hashing
    (the check runs in the loop's thread pool, which the interpreter waits for at exit)."""
    path, _files = _case_with_three_entries(tmp_path)
    # Each entry checked then a long pause: the whole check would take many seconds.
    monkeypatch.setattr(AbriApp, "FILES_CHECK_SHARE", (0.0, 1.0))
    monkeypatch.setattr(AbriApp, "FILES_CHECK_DELAY", 0.05)
    running = threading.Event()
    ended = threading.Event()
    check = CaseSession.check_files

    def watched(self: CaseSession, *args: Any, **kwargs: Any) -> Any:
        running.set()
        try:
            return check(self, *args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(CaseSession, "check_files", watched)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, running.is_set)
        await pilot.press("ctrl+q")
    assert ended.wait(timeout=2.5), "the file check went on after quitting"
