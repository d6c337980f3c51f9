"""Bulk add (many pasted URLs) and screenshots (one file, a whole folder), checked on disk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from textual import events
from textual.widgets import Input, TextArea

from tests.evidence.conftest import SIZE, X_URL, evidence_on_disk, read_case
from tui.app import AbriApp
from tui.core.case import Evidence
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_dialogs import BulkAddDialog, FilePicker, MessageDialog
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.evidence_table import EvidenceTable


def png(path: Path, colour: tuple[int, int, int]) -> Path:
    """A small real PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 6), colour).save(path)
    return path


async def test_bulk_paste_of_50_urls_skips_and_reports_duplicates(
    make_case: Callable[..., Path],
) -> None:
    path = make_case([Evidence(id="E0001", url=X_URL, platform="x")])
    unique = [f"https://x.com/user{n}/status/{1382350606417817604 + n * 1000}" for n in range(45)]
    lines = [
        X_URL,  # already in the case
        "https://twitter.com/someone/status/1382350606417817604?s=20",  # same post, other form
        *unique,
        unique[0].replace("https://x.com", "https://mobile.twitter.com"),  # twice in the paste
        unique[1] + "?s=19",
        "this is not a url",
    ]
    assert len(lines) == 50
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "b")
        await pilot.pause()
        assert isinstance(app.screen, BulkAddDialog)
        box = app.screen.query_one("#bulk-urls", TextArea)
        assert app.focused is box
        app.post_message(events.Paste("\n".join(lines)))  # what a terminal paste is
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        report = app.screen.query_one("#message-body", TextArea).text
        assert "45 entries added" in report
        assert "4 already in the case, skipped" in report
        assert "already in the case as E0001" in report
        assert "line 50" in report  # the line that is not a URL
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.screen.query_one(EvidenceTable).rows.shown) == 46
        await pilot.press("ctrl+q")
    on_disk = evidence_on_disk(path)
    assert len(on_disk) == 46
    urls = [e["url"] for e in on_disk]
    assert len(set(urls)) == 46
    assert on_disk[1]["account_handle"] == "user0"
    assert on_disk[1]["posted_at_source"] == "post-id"
    assert len({e["id"] for e in on_disk}) == 46
    # One journal line for the whole paste.
    last = read_case(path)["journal"][-1]
    assert last["action"] == "evidence-imported"
    assert last["entries"] == [f"E{n:04d}" for n in range(2, 47)]


async def test_attach_a_screenshot_by_typing_its_path(
    make_case: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_case()
    shot = png(tmp_path / "shots" / "Screenshot_20210414-173012.png", (200, 10, 10))
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#url", Input).value = X_URL
        field = form.query_one("#shot-path", Input)
        field.focus()
        field.value = str(shot.parent) + "/Screensh"
        await pilot.pause(0.3)
        await pilot.press("right")  # accepts the completion offered from the folder
        assert field.value == str(shot)
        await pilot.press("enter")  # adds it to the list
        await pilot.pause()
        assert isinstance(form, EvidenceForm) and form.pending == [shot]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    [attachment] = entry["attachments"]
    copied = path.parent / attachment["path"]
    assert copied.is_file() and copied.parent.name == "case-files"
    assert attachment["original_name"] == shot.name
    assert attachment["sha256"] == hashlib.sha256(shot.read_bytes()).hexdigest()
    assert attachment["bytes"] == shot.stat().st_size


async def test_attach_with_the_file_browser(make_case: Callable[..., Path], tmp_path: Path) -> None:
    path = make_case()
    shot = png(tmp_path / "pick" / "capture.png", (10, 200, 10))
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        app.screen.query_one("#picker-path", Input).value = str(shot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm) and app.screen.pending == [shot]
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["attachments"][0]["original_name"] == "capture.png"


async def test_a_folder_of_screenshots_gives_one_entry_each(
    make_case: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_case()
    folder = tmp_path / "raid"
    png(folder / "Screenshot_20261120-101500.png", (1, 2, 3))
    png(folder / "Screenshot_20261121-111600.png", (4, 5, 6))
    png(folder / "other.png", (7, 8, 9))
    (folder / "notes.txt").write_text("not an image")
    same = folder / "copy-of-other.png"
    same.write_bytes((folder / "other.png").read_bytes())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "f")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        app.screen.query_one("#picker-path", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The copy (same content) is reported, not added twice.
        assert isinstance(app.screen, MessageDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.query_one(EvidenceTable).rows.shown) == 3
        await pilot.press("ctrl+q")
    on_disk = evidence_on_disk(path)
    assert [len(e["attachments"]) for e in on_disk] == [1, 1, 1]
    names = sorted(e["attachments"][0]["original_name"] for e in on_disk)
    # Files are taken in name order: "copy-of-other.png" comes before "other.png".
    assert names == [
        "Screenshot_20261120-101500.png",
        "Screenshot_20261121-111600.png",
        "copy-of-other.png",
    ]
    # A screenshot's time says when the message was seen, never when it was published.
    assert not [e for e in on_disk if "posted_at" in e]
    seen = [e for e in on_disk if "observed_at" in e]
    assert len(seen) == 2
    assert {e["attachments"][0]["taken_at_source"] for e in seen} == {"file-name"}
    copied = list((path.parent / "case-files").glob("*.png"))
    assert len(copied) == 3, "the same image twice is copied once"


async def test_after_undoing_a_bulk_add_the_next_entry_gets_a_new_id(
    make_case: Callable[..., Path],
) -> None:
    """A dossier that cited "E0001" must never see E0001 become another message."""
    path = make_case()
    app = AbriApp(path, lang="en")
    urls = [f"https://x.com/u{n}/status/{1382350606417817604 + n}" for n in range(3)]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "b")
        await pilot.pause()
        app.post_message(events.Paste("\n".join(urls)))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+z")  # the three entries go away
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        app.post_message(events.Paste("https://x.com/later/status/1382350606417817999"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["id"] == "E0004"
    assert read_case(path)["last_evidence_number"] == 4


async def test_the_file_browser_opens_by_the_case_then_where_the_last_pick_was(
    make_case: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_case()
    FilePicker.last_folder = None  # (kept for the whole process, as in the app)
    shot = png(tmp_path / "phone" / "capture.png", (10, 200, 10))
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        assert app.screen.start == path.parent  # not wherever abri was started from
        app.screen.query_one("#picker-path", Input).value = str(shot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        assert app.screen.start == shot.parent  # the next screenshot is likely beside it
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
