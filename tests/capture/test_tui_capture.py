"""The capture key in the evidence table, driven as a person would, against loopback fixtures.

Real headless Chromium, real loopback servers standing for the platforms; the case
file on disk is what is checked.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.capture import fixtures as F
from tests.capture.servers import FixtureServer, Reply, html, json_reply, serve
from tests.chromium import needs_chromium
from tui.app import AbriApp
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile
from tui.screens.dialogs import ConfirmDialog
from tui.screens.evidence import EvidenceScreen

SIZE = (80, 24)


def _case(tmp_path: Path, **fields: object) -> Path:
    entry = Evidence(
        id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID, account_handle="someone",
        posted_at=datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC), posted_at_source="post-id",
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip
    path = tmp_path / "c.toml"
    case = Case(title="t", language="en", timezone="Europe/Paris", evidence=[entry])
    CaseFile.create(path, case).close()
    return path


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    """The loopback "internet" (X's page, embed and syndication), and a "private" server."""
    slow: list[float] = []

    def page(server: FixtureServer, path: str) -> Reply:
        if slow:
            time.sleep(slow[0])
        return html(F.POST_PAGE.format(title="X post", text="you will regret this"))

    routes = {
        f"/someone/status/{F.X_ID}": page,
        "/embed/Tweet.html": html("<blockquote>embedded: you will regret this</blockquote>"),
        "/tweet-result": json_reply(F.X_FOUND),
    }
    with serve({"/": html("private")}) as private, serve(routes) as public:  # type: ignore[arg-type]
        bases = ",".join(f"{k}={public.base}" for k in ("page", "x", "x-embed"))
        monkeypatch.setenv("ABRI_CAPTURE_ALLOW", public.pair)
        monkeypatch.setenv("ABRI_LOOKUP_BASE", bases)
        public.slow = slow  # type: ignore[attr-defined]
        yield public
        assert private.hits == []


async def _until(pilot: object, done: object, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        assert time.monotonic() < end, "timed out"
        await pilot.pause(0.2)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]  # notices are messages: let them land


def _shown(app: AbriApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.slow
@needs_chromium
async def test_p_captures_the_entry_after_one_question(tmp_path: Path, site: FixtureServer) -> None:
    path = _case(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        await pilot.press("p")
        await pilot.pause()
        # Nothing leaves the machine before the person says yes (enter means no).
        assert isinstance(app.screen, ConfirmDialog)
        assert site.hits == []
        # The no-answer fits a question about going online (not "no, keep everything").
        dialog_text = " ".join(str(w.render()) for w in app.screen.query("Static, Button"))
        assert "No, stay offline" in dialog_text and "keep everything" not in dialog_text
        await pilot.press("enter")
        await pilot.pause()
        assert site.hits == [] and screen.capture_run is None
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.capture_run is not None
        assert "capturing 1/1: E0001" in str(screen.query_one("#evidence-title").render())
        await _until(pilot, lambda: screen.capture_run is None)
        assert "1 entry captured, of 1." in _shown(app)[-1]
        # One notice in sentences: a capital after each full stop, no raw field names.
        assert any(
            text.startswith(
                f"E0001 captured: page: loaded, embedded view: loaded. "
                f"Account ID filled in: {F.X_USER_ID}."
            )
            for text in _shown(app)
        ), _shown(app)
        # The table shows it at once: the shots column counts the files.
        assert screen.table.current() is not None
        assert screen.table.current().account_id == F.X_USER_ID  # type: ignore[union-attr]
        assert F.X_USER_ID in str(screen.query_one("#evidence-detail").render())
        # A second capture in the same session does not ask again.
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await _until(pilot, lambda: screen.capture_run is None)
    entry = CaseFile.open(path).case.evidence[0]
    assert entry.account_id == F.X_USER_ID
    assert (entry.posted_at_source, entry.posted_at) == (
        "post-id", datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC),
    )  # fmt: skip
    assert [c.label for c in entry.captures] == ["page", "embed", "page", "embed"]
    first = entry.captures[0]
    by_hash = {a.sha256: a for a in entry.attachments}
    shots = [by_hash[d] for d in first.files if by_hash[d].path.endswith(".png")]
    assert len(shots) == 2
    assert all(a.taken_at == first.at and a.taken_at_source == "capture" for a in shots)
    for attachment in entry.attachments:
        data = (path.parent / attachment.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == attachment.sha256
    assert [j.action for j in CaseFile.open(path).case.journal].count("capture") == 2
    assert not [p for p in (tmp_path / "c-files").iterdir() if p.name.startswith(".capture-")]


@pytest.mark.slow
@needs_chromium
async def test_escape_mid_capture_leaves_nothing_behind(
    tmp_path: Path, site: FixtureServer
) -> None:
    path = _case(tmp_path)
    site.slow.append(6.0)  # type: ignore[attr-defined]
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "p", "y")
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        await _until(pilot, lambda: any("/someone/status/" in hit for hit in site.hits), 60)
        started = time.monotonic()
        await pilot.press("escape")
        await _until(pilot, lambda: screen.capture_run is None, 30)
        assert time.monotonic() - started < 10
        assert "nothing half-made was kept" in _shown(app)[-1]
    entry = CaseFile.open(path).case.evidence[0]
    assert entry.captures == () and entry.attachments == () and entry.account_id == ""
    folder = tmp_path / "c-files"
    left = [p.name for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    assert left == []


async def test_no_chromium_is_one_clear_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ABRI_CHROMIUM", str(tmp_path / "no-such-chromium"))
    path = _case(tmp_path)
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "p", "o")
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        await _until(pilot, lambda: screen.capture_run is None, 30)
        assert _shown(app)[-1].startswith("Aucun Chromium trouvé pour la capture")
    assert CaseFile.open(path).case.evidence[0].captures == ()


async def test_ctrl_g_on_the_form_saves_then_asks_before_capturing(tmp_path: Path) -> None:
    from textual.widgets import Input

    path = _case(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "enter")
        await pilot.pause()
        app.screen.query_one("#handle", Input).value = "someone_else"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Go online to capture this?" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen) and app.screen.capture_run is None
    entry = CaseFile.open(path).case.evidence[0]
    assert entry.account_handle == "someone_else" and entry.captures == ()


async def test_shift_p_records_whether_the_post_is_still_online(
    tmp_path: Path, site: FixtureServer
) -> None:
    path = _case(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "P")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and site.hits == []
        await pilot.press("y")
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        await _until(pilot, lambda: screen.capture_run is None, 60)
        assert "E0001: online, according to X's answer." in _shown(app)[-1]
        assert "proves nothing by itself" in _shown(app)[-1]
    case = CaseFile.open(path).case
    [check] = case.evidence[0].checks
    assert (check.result, check.method) == ("online", "x-syndication")
    assert case.journal[-1].action == "recheck"


def _title_on_screen(screen: EvidenceScreen) -> str:
    """The status line above the table as the terminal shows it (cut at its width)."""
    from textual.geometry import Region
    from textual.widgets import Static

    title = screen.query_one("#evidence-title", Static)
    strips = title.render_lines(Region(0, 0, title.size.width, title.size.height))
    return "\n".join(strip.text for strip in strips)


@pytest.mark.slow
@needs_chromium
async def test_the_progress_shows_whole_at_80_columns(tmp_path: Path, site: FixtureServer) -> None:
    site.slow.append(3.0)  # type: ignore[attr-defined]  # the page takes its time
    path = _case(tmp_path)
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "p")
        await pilot.pause()
        dialog_text = " ".join(str(w.render()) for w in app.screen.query("Static, Button"))
        assert "Non, rester hors ligne" in dialog_text and "tout garder" not in dialog_text
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvidenceScreen) and screen.capture_run is not None
        # The line says the progress and nothing that the 80 columns would cut.
        shown = _title_on_screen(screen).strip()
        assert shown == "capture 1/1\u00a0: E0001 · échap arrête", shown
        await pilot.press("escape")
        await _until(pilot, lambda: screen.capture_run is None)


def _captured_only(tmp_path: Path) -> Path:
    """E0001 captured by Abri (two PNG shots, an archive, a capture.json), no hand shot."""
    import hashlib as _hashlib

    from tui.core.case import Attachment, CaptureRecord

    at = datetime(2026, 12, 1, 14, 16, tzinfo=UTC)
    folder = tmp_path / "c-files"
    folder.mkdir()
    attachments = []
    for number, suffix in enumerate((".png", ".mhtml", ".png", ".json"), 1):
        data = b"capture file %d" % number
        name = f"E0001-20210414T151042Z-{number}{suffix}"
        (folder / name).write_bytes(data)
        attachments.append(
            Attachment(
                path=f"c-files/{name}",
                sha256=_hashlib.sha256(data).hexdigest(),
                bytes=len(data),
                original_name=name,
                added_at=at,
                taken_at=at,
                taken_at_source="capture",
            )
        )
    record = CaptureRecord(
        at=at, finished_at=at, url=F.X_URL, verdict="loaded",
        files=tuple(a.sha256 for a in attachments),
    )  # fmt: skip
    return _case(tmp_path, attachments=tuple(attachments), captures=(record,))


async def test_the_shots_column_counts_the_capture_screenshots(tmp_path: Path) -> None:
    from tests.app.conftest import wait_for
    from tui.widgets.evidence_table import EvidenceTable

    path = _captured_only(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        await wait_for(pilot, lambda: table.rows.file_check(table.rows.shown[0]) is None)
        # The two PNGs Abri took are screenshots of the post; the archive and the
        # capture record are not.
        assert table.row_cells(0, table.widths())[2] == "2"
