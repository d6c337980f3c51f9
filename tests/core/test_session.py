"""The case session: the one way to change a case (tui/core/session.py).

Each test drives the session as the CLI and the TUI do and looks at what ends up
on disk: the case file (read back with tomllib) and the evidence folder.
"""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tui.core.case import Case, Evidence
from tui.core.session import CaseSession, unreferenced_files
from tui.core.store import CaseFile, ConflictError, ReadOnlyError
from tui.core.timeparse import parse_time_detail

X_URL = "https://x.com/someone/status/1382350606417817604"


def read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def png(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (8, 6)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def files_in(folder: Path) -> set[str]:
    """Every file under the evidence folder, hidden folders included (relative names)."""
    if not folder.exists():
        return set()
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def evidence_files(session: CaseSession) -> set[str]:
    """Files in the evidence folder, previous versions of the case file left out."""
    return {f for f in files_in(session.evidence_dir) if not f.startswith(".backups/")}


@pytest.fixture
def session(tmp_path: Path) -> CaseSession:
    case = Case(title="t", language="en", timezone="Europe/Paris")
    return CaseSession.create(tmp_path / "t.toml", case)


def test_instagram_codes_that_differ_only_in_case_are_two_posts(session: CaseSession) -> None:
    """Instagram codes are case-sensitive: CxAbC and CXabc are two real posts."""
    report = session.import_urls(
        "https://www.instagram.com/p/CxAbC/\nhttps://www.instagram.com/p/CXabc/\n"
        "https://instagram.com/p/CxAbC/?igsh=abc\n"
    )
    assert report.added == ("E0001", "E0002")
    assert [d.existing for d in report.duplicates] == ["E0001"]
    codes = [e["post_id"] for e in read(session.path)["evidence"]]
    assert codes == ["CxAbC", "CXabc"]


def test_numeric_ids_and_urls_compare_as_the_platform_does(session: CaseSession) -> None:
    session.import_urls(X_URL)
    again = session.import_urls(
        "https://twitter.com/SomeOne/status/1382350606417817604?s=20\n"
        "https://example.org/Forum/Thread-7\nhttps://example.org/forum/thread-7\n"
    )
    # The same tweet by another address is the same post; two paths that differ in
    # case are two pages (paths are case-sensitive on the web).
    assert [d.existing for d in again.duplicates] == ["E0001"]
    assert again.added == ("E0002", "E0003")


def test_undoing_a_bulk_add_never_gives_its_ids_again(session: CaseSession) -> None:
    added = session.import_urls(f"{X_URL}\nhttps://x.com/a/status/1382350606417817605\n")
    assert added.added == ("E0001", "E0002")
    session.undo()
    assert read(session.path).get("evidence") is None
    next_one = session.import_urls("https://x.com/b/status/1382350606417817606")
    assert next_one.added == ("E0003",)
    session.close()
    # Another session (another machine, the file on a stick) continues from the file.
    other = CaseSession.open(session.path)
    third = other.import_urls("https://x.com/c/status/1382350606417817607")
    assert third.added == ("E0004",)
    assert read(other.path)["last_evidence_number"] == 4
    other.close()


def test_a_schema_1_file_with_an_undone_bulk_add_is_migrated_without_reusing_ids(
    tmp_path: Path,
) -> None:
    """Files written by the first build only had the journal's words to go by."""
    path = tmp_path / "old.toml"
    path.write_text(
        'schema = 1\ntitle = "old"\ncreated = 2026-11-01T10:00:00Z\n'
        '[[journal]]\nat = 2026-11-01T10:01:00Z\naction = "evidence-added"\n'
        'detail = "E0001-E0003"\n'
        '[[journal]]\nat = 2026-11-01T10:02:00Z\naction = "evidence-deleted"\n'
        'detail = "E0001-E0003 (undo)"\n',
        encoding="utf-8",
    )
    session = CaseSession.open(path)
    assert session.import_urls(X_URL).added == ("E0004",)
    assert read(path)["schema"] == 2
    session.close()


def test_redo_brings_back_exactly_what_undo_took(session: CaseSession, tmp_path: Path) -> None:
    session.import_urls(X_URL)
    entry = session.case.evidence[0]
    session.edit_entry(replace(entry, content="edited"))
    session.delete_entries(["E0001"])
    assert session.undo().added == ("E0001",)
    assert session.undo().changed == ("E0001",)
    assert session.case.evidence[0].content == ""
    assert session.redo().changed == ("E0001",)
    assert session.case.evidence[0].content == "edited"
    assert session.redo().removed == ("E0001",)
    assert read(session.path).get("evidence") is None
    actions = [j["action"] for j in read(session.path)["journal"]]
    assert actions[-4:] == [
        "evidence-undone",
        "evidence-undone",
        "evidence-redone",
        "evidence-redone",
    ]


def test_a_typed_time_in_the_repeated_hour_is_stored_exactly(
    session: CaseSession, tmp_path: Path
) -> None:
    """25/10/2026 02:30 happens twice in Paris: the first one (summer time) is kept."""
    shot = png(tmp_path / "x.png", (10, 20, 30))
    parsed = parse_time_detail("25/10/2026 02:30", "Europe/Paris", lang="en")
    assert parsed.ambiguous
    draft = Evidence(
        id="",
        url="https://www.facebook.com/someone/posts/123",
        platform="facebook",
        posted_at=parsed.value,
        posted_at_source="typed",
    )
    stage = session.stage_files([shot])
    report = session.add_entry(draft, stage.files)
    assert report.added == ("E0001",)
    [entry] = read(session.path)["evidence"]
    assert entry["posted_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    referenced = {a["path"].split("/", 1)[1] for a in entry["attachments"]}
    assert evidence_files(session) == referenced


def test_a_failed_save_changes_nothing_and_leaves_no_file(
    session: CaseSession, tmp_path: Path
) -> None:
    shot = png(tmp_path / "x.png", (1, 2, 3))
    before = files_in(session.evidence_dir)
    # Another program changed the file meanwhile: the save is refused, nothing lost.
    with session.path.open("a", encoding="utf-8") as handle:
        handle.write("\n# edited elsewhere\n")
    stage = session.stage_files([shot])
    with pytest.raises(ConflictError):
        session.add_entry(Evidence(id="", url=X_URL), stage.files)
    assert session.case.evidence == []
    assert files_in(session.evidence_dir) == before
    assert "edited elsewhere" in session.path.read_text(encoding="utf-8")


def test_a_read_only_case_refuses_changes_and_copies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    CaseSession.create(path, Case(title="t")).close()
    text = path.read_text(encoding="utf-8").replace("schema = 2", "schema = 99")
    path.write_text(text, encoding="utf-8")
    session = CaseSession.open(path)
    assert session.read_only
    shot = png(tmp_path / "x.png", (1, 2, 3))
    stage = session.stage_files([shot])
    assert stage.refused and not stage.files
    with pytest.raises(ReadOnlyError):
        session.import_urls(X_URL)
    assert path.read_text(encoding="utf-8") == text
    assert evidence_files(session) == set()


def test_a_cancelled_copy_leaves_nothing_behind(session: CaseSession, tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.write(os.urandom(8 * 1024 * 1024))
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # stop partway through the copy

    stage = session.stage_files([big], cancelled=cancelled)
    assert stage.cancelled and not stage.files
    assert evidence_files(session) == set()


def test_a_folder_import_skips_the_same_image_twice(session: CaseSession, tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    png(folder / "Screenshot_20261120-101500.png", (200, 0, 0))
    png(folder / "b.png", (0, 200, 0))
    png(folder / "copy-of-b.png", (0, 200, 0))
    report = session.import_folder(folder)
    assert report.added == ("E0001", "E0002")
    assert [d.existing for d in report.duplicates] == ["E0001"]  # copy-of-b sorts first
    again = session.import_folder(folder)
    assert again.added == () and len(again.duplicates) == 3
    entries = read(session.path)["evidence"]
    # The screenshot's time is when the message was seen, never its publication time.
    assert all("posted_at" not in e for e in entries)
    session.close()
    assert unreferenced_files(CaseFile.open(session.path)) == []


def test_deleted_entries_files_move_aside_when_the_case_is_closed(
    session: CaseSession, tmp_path: Path
) -> None:
    shot = png(tmp_path / "x.png", (9, 9, 9))
    session.add_entry(Evidence(id="", url=X_URL), session.stage_files([shot]).files)
    [name] = [f for f in files_in(session.evidence_dir) if not f.startswith(".")]
    session.delete_entries(["E0001"])
    assert (session.evidence_dir / name).exists()  # undo can still bring it back
    session.close()
    assert not (session.evidence_dir / name).exists()
    kept = session.evidence_dir / ".deleted" / name
    assert kept.read_bytes() == shot.read_bytes()  # evidence is never destroyed


def test_account_grouping_is_one_rule() -> None:
    from tui.core.accounts import group_accounts

    entries = [
        Evidence(id="E0001", platform="x", account_handle="Kevin_du_92"),
        Evidence(id="E0002", platform="x", account_handle="@kevin_du_92"),
        Evidence(id="E0003", platform="instagram", account_handle="kevin_du_92"),
        Evidence(id="E0004", platform="x", account_id="123", account_handle="old"),
        Evidence(id="E0005", platform="x", account_id="123", account_handle="new"),
    ]
    groups = {g.key: g for g in group_accounts(entries)}
    assert groups["x|@kevin_du_92"].ids == ["E0001", "E0002"]
    assert groups["instagram|@kevin_du_92"].ids == ["E0003"]
    assert groups["x|id:123"].handles == ["old", "new"]


def test_concurrent_save_from_a_worker_keeps_every_change(tmp_path: Path) -> None:
    """The app's way: change on one thread, save snapshots from another."""
    session = CaseSession.create(tmp_path / "t.toml", Case(title="t"), save_now=False)
    saved: list[int] = []

    def saver() -> None:
        for _ in range(20):
            snapshot, version = session.snapshot()
            session.save_snapshot(snapshot, version)
            saved.append(version)

    worker = threading.Thread(target=saver)
    worker.start()
    for n in range(30):
        session.import_urls(f"https://x.com/u/status/{1382350606417817604 + n}")
    worker.join()
    session.save()
    assert not session.unsaved
    assert len(read(session.path)["evidence"]) == 30


def test_entries_out_of_number_order_are_still_found_to_edit_and_delete(tmp_path: Path) -> None:
    # A case put together by hand (or merged) may list E0009 before E0002.
    entries = [
        Evidence(id=f"E{n:04d}", url=f"https://x.com/a/status/{1382350606417817604 + n}")
        for n in (9, 2, 5, 1)
    ]
    case = Case(title="t", language="en", timezone="Europe/Paris", evidence=entries)
    session = CaseSession.create(tmp_path / "t.toml", case)
    edited = session.edit_entry(replace(session.case.evidence[1], notes="seen"))
    assert edited.changed == ("E0002",)
    report = session.delete_entries(["E0005", "E0009"])
    assert report.removed == ("E0009", "E0005")
    assert [e.id for e in session.case.evidence] == ["E0002", "E0001"]
    assert read(tmp_path / "t.toml")["evidence"][0]["notes"] == "seen"
