"""Capture results into the case: records saved and read back, files hashed, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.capture import fixtures as F
from tui.capture.apply import apply_capture, apply_checks
from tui.capture.browser import PageCapture, StagedFile
from tui.capture.job import CaptureOutcome, new_staging
from tui.capture.lookup import Lookup
from tui.core.attachments import sha256_file, verify
from tui.core.case import (
    CaptureRecord,
    Case,
    Evidence,
    LookupRecord,
    OnlineCheck,
)
from tui.core.session import CaseSession
from tui.core.store import CaseError, CaseFile, ConflictError, dumps, loads

T0 = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
PUBLISHED = datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)


def test_records_round_trip_through_toml() -> None:
    entry = Evidence(
        id="E0001",
        captures=(
            CaptureRecord(
                at=T0, finished_at=T0 + timedelta(seconds=4), url="https://x.com/a/status/1",
                final_url="https://x.com/i/flow/login", label="page", verdict="login-wall",
                indicator='phrase: "log in to see"', http_status=200, address="93.184.215.14",
                files=("ab" * 32,),
            ),
        ),
        lookups=(
            LookupRecord(
                at=T0, platform="x", method="x-syndication", outcome="found", http_status=200,
                account_id=F.X_USER_ID, created_at=PUBLISHED, raw="cd" * 32,
            ),
        ),
        checks=(
            OnlineCheck(at=T0, result="removed", method="x-syndication", indicator="tombstone"),
        ),
    )  # fmt: skip
    case = Case(title="t", evidence=[entry])
    again = loads(dumps(case)).evidence[0]
    assert again.captures == entry.captures
    assert again.lookups == entry.lookups
    assert again.checks == entry.checks
    assert again.lookups[0].account_id == F.X_USER_ID


def test_a_bad_check_result_is_a_located_problem() -> None:
    import tomli_w

    from tui.core.store import to_document

    doc = to_document(Case(title="t", evidence=[Evidence(id="E0001")]))
    doc["evidence"][0]["checks"] = [{"at": T0, "result": "gone", "method": "page"}]
    text = tomli_w.dumps(doc)
    with pytest.raises(CaseError) as caught:
        loads(text)
    assert caught.value.problems[0].location == "evidence[1].checks[1].result"


def _outcome(casefile: CaseSession, *, account_id: str = F.X_USER_ID) -> CaptureOutcome:
    staging = new_staging(casefile.evidence_dir)
    files = []
    for role, name, data in (
        ("viewport", "viewport.png", b"\x89PNG viewport"),
        ("full-page", "full-page.png", b"\x89PNG full"),
        ("archive", "page.mhtml", b"MIME-Version: 1.0"),
        ("manifest", "capture.json", b"{}"),
    ):
        path = staging / name
        path.write_bytes(data)
        files.append(StagedFile(role, path, sha256_file(path), len(data)))
    raw = staging / "lookup-x.json"
    raw.write_text(F.X_FOUND)
    page = PageCapture(
        label="page", requested_url=F.X_URL, final_url=F.X_URL, started_at=T0,
        finished_at=T0 + timedelta(seconds=3), http_status=200, verdict="loaded",
        indicator="HTTP 200", address="93.184.215.14", files=tuple(files),
    )  # fmt: skip
    lookup = Lookup(
        platform="x", method="x-syndication", url="u", outcome="found", http_status=200,
        account_id=account_id, account_handle="someone", text="you will regret this",
        created_at=PUBLISHED, raw=raw,
    )  # fmt: skip
    return CaptureOutcome("E0001", staging, (page,), lookup)


def _case(tmp_path: Path, **fields: object) -> CaseSession:
    entry = Evidence(
        id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID, account_handle="someone",
        posted_at=PUBLISHED, posted_at_source="post-id", **fields,  # type: ignore[arg-type]
    )  # fmt: skip
    return CaseSession(CaseFile.create(tmp_path / "c.toml", Case(title="t", evidence=[entry])))


def test_apply_capture_hashes_every_file_and_keeps_the_publication_time(tmp_path: Path) -> None:
    casefile = _case(tmp_path)
    outcome = _outcome(casefile)
    applied = apply_capture(casefile, "E0001", outcome)
    reopened = CaseFile.open(casefile.path)
    entry = reopened.case.evidence[0]
    assert [role for role, _ in applied.attachments] == [
        "page viewport", "page full-page", "page archive", "page manifest", "lookup",
    ]  # fmt: skip
    assert len(entry.attachments) == 5 and verify(reopened) == []
    shots = [a for a in entry.attachments if a.path.endswith(".png")]
    assert all(a.taken_at == T0 and a.taken_at_source == "capture" for a in shots)
    # The capture time is never the publication time.
    assert (entry.posted_at, entry.posted_at_source) == (PUBLISHED, "post-id")
    assert entry.account_id == F.X_USER_ID and entry.content == "you will regret this"
    # Records name their files by content (SHA-256), whatever their paths become.
    assert entry.captures[0].files == tuple(a.sha256 for a in entry.attachments[:4])
    assert entry.lookups[0].raw == entry.attachments[4].sha256
    assert not outcome.staging.exists()
    assert reopened.case.journal[-1].action == "capture"


def test_a_different_typed_account_id_is_offered_not_overwritten(tmp_path: Path) -> None:
    casefile = _case(tmp_path, account_id="12345")
    applied = apply_capture(casefile, "E0001", _outcome(casefile))
    entry = CaseFile.open(casefile.path).case.evidence[0]
    assert entry.account_id == "12345"
    assert applied.offered_account_id == F.X_USER_ID
    assert "differs" in entry.lookups[0].note


def test_a_lookup_time_that_disagrees_with_the_post_id_is_shown(tmp_path: Path) -> None:
    casefile = _case(tmp_path)
    outcome = _outcome(casefile)
    assert outcome.lookup is not None
    from dataclasses import replace

    outcome = replace(
        outcome, lookup=replace(outcome.lookup, created_at=PUBLISHED + timedelta(hours=2))
    )
    applied = apply_capture(casefile, "E0001", outcome)
    assert applied.time_mismatch.startswith("time mismatch")
    assert "time mismatch" in CaseFile.open(casefile.path).case.evidence[0].lookups[0].note


def test_a_failed_save_leaves_no_orphan_file_and_the_case_unchanged(tmp_path: Path) -> None:
    casefile = _case(tmp_path)
    outcome = _outcome(casefile)
    before = casefile.case.evidence[0]
    # Another program changes the file: the save is refused (conflict).
    casefile.path.write_text(casefile.path.read_text() + "\n")
    with pytest.raises(ConflictError):
        apply_capture(casefile, "E0001", outcome)
    assert casefile.case.evidence[0] is before
    assert [p.name for p in casefile.evidence_dir.iterdir() if not p.name.startswith(".")] == []
    assert not outcome.staging.exists()
    staging = casefile.evidence_dir / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []


def test_apply_checks_appends_one_record_per_entry(tmp_path: Path) -> None:
    casefile = _case(tmp_path)
    apply_checks(casefile, {"E0001": OnlineCheck(T0, "online", "x-syndication", 200, "post")})
    apply_checks(casefile, {"E0001": OnlineCheck(T0, "removed", "x-syndication", 200, "tombstone")})
    checks = CaseFile.open(casefile.path).case.evidence[0].checks
    assert [c.result for c in checks] == ["online", "removed"]


def test_the_timeline_says_seen_online_then_absent() -> None:
    from dataclasses import replace

    from tui.core.timeline import online_timeline

    entry = Evidence(
        id="E0001",
        captures=(CaptureRecord(at=T0, finished_at=T0, url="u", verdict="loaded"),),
        checks=(
            OnlineCheck(T0 + timedelta(hours=1), "online", "x-syndication"),
            OnlineCheck(T0 + timedelta(days=2), "removed", "x-syndication", 200, "tombstone"),
            OnlineCheck(T0 + timedelta(days=3), "removed", "x-syndication", 404, "HTTP 404"),
        ),
    )
    assert online_timeline(entry, "Europe/Paris", "fr").replace("\u00a0", " ") == (
        "vue en ligne 2 fois, du 01/12/2026 11:00 au 01/12/2026 12:00 ; supprimée le "
        "03/12/2026 11:00, encore le 04/12/2026 11:00 (2 fois) "
        "(chaque vérification indique ce que le site montrait à ce moment ; aucune ne prouve)"
    )
    assert online_timeline(entry, "Europe/Paris", "en") == (
        "seen online 2 times, from 2026-12-01 11:00 to 2026-12-01 12:00; removed on "
        "2026-12-03 11:00, still on 2026-12-04 11:00 (2 times) "
        "(each check indicates what the site showed at that time; none proves)"
    )
    # A check that learnt nothing about the post is not a sighting.
    flaky = replace(entry, checks=(OnlineCheck(T0, "rate-limited", "x-syndication"),))
    assert online_timeline(flaky, "UTC", "en").startswith("seen online on 2026-12-01 10:00 (")
    assert online_timeline(Evidence(id="E0002"), "UTC", "en") == ""


def test_a_capture_record_naming_a_file_by_anything_but_a_sha256_is_refused() -> None:
    import tomli_w

    from tui.core.store import decode, to_document

    doc = to_document(Case(title="t", evidence=[Evidence(id="E0001")]))
    doc["evidence"][0]["captures"] = [
        {"at": T0, "finished_at": T0, "url": "https://x.com/", "files": ["../../etc/passwd"]}
    ]
    with pytest.raises(CaseError) as caught:
        decode(tomli_w.dumps(doc), "c-files")
    assert caught.value.problems[0].location == "evidence[1].captures[1].files"


def test_the_session_refuses_a_capture_naming_a_file_it_was_not_given(tmp_path: Path) -> None:
    session = _case(tmp_path)
    source = tmp_path / "shot.png"
    source.write_bytes(b"\x89PNG shot")
    stage = session.stage_files([source])
    record = CaptureRecord(at=T0, finished_at=T0, url=F.X_URL, verdict="loaded", files=("ab" * 32,))
    report = session.add_capture("E0001", stage.files, [record])
    assert report.refused and "nothing of it was kept" in report.refused[0].reason
    assert not stage.files[0].temp.exists()
    assert CaseFile.open(session.path).case.evidence[0].captures == ()
    # Unknown entries and results outside the list are refused, the others kept.
    checks = {
        "E0001": OnlineCheck(T0, "online", "page", 200, "HTTP 200"),
        "E0009": OnlineCheck(T0, "online", "page"),
    }
    report = session.add_checks(checks)
    assert report.changed == ("E0001",) and [s.item for s in report.refused] == ["E0009"]
    assert session.add_checks({"E0001": OnlineCheck(T0, "gone", "page")}).refused
    assert [c.result for c in CaseFile.open(session.path).case.evidence[0].checks] == ["online"]
    # A check is an evidence change like any other: undo takes it back.
    session.undo()
    assert CaseFile.open(session.path).case.evidence[0].checks == ()


def test_a_lone_surrogate_from_a_platform_does_not_cost_the_capture(tmp_path: Path) -> None:
    from dataclasses import replace

    session = _case(tmp_path)
    outcome = _outcome(session)
    assert outcome.lookup is not None
    # json.loads('"\\ud800"') gives a lone surrogate: not writable as UTF-8.
    hostile = replace(outcome.lookup, text="you will \ud800 regret", account_handle="a\udfffb")
    applied = apply_capture(session, "E0001", replace(outcome, lookup=hostile))
    entry = CaseFile.open(session.path).case.evidence[0]
    assert len(entry.attachments) == 5 and applied.evidence == entry
    assert entry.content == "you will \ufffd regret"
    assert entry.lookups[0].account_handle == "a\ufffdb"


def test_a_capture_identical_to_another_entrys_keeps_its_own_capture_time(
    tmp_path: Path,
) -> None:
    """The trial: X's embed page was the same picture for two posts; the second entry's
    exhibit printed the first entry's capture time (before the entry even existed)."""
    from dataclasses import replace as copy

    session = _case(tmp_path)
    other = Evidence(id="E0002", url=F.X_URL + "0", platform="x", post_id=F.X_ID + "0")
    session.add_entry(other)
    apply_capture(session, "E0001", _outcome(session))
    later = T0 + timedelta(hours=1)
    second = _outcome(session)
    page = copy(second.pages[0], started_at=later, finished_at=later + timedelta(seconds=3))
    apply_capture(session, "E0002", copy(second, entry_id="E0002", pages=(page,), lookup=None))
    reopened = CaseFile.open(session.path)
    first_entry, second_entry = reopened.case.evidence
    shots = [a for a in second_entry.attachments if a.path.endswith(".png")]
    assert len(shots) == 2
    assert all(a.taken_at == later and a.taken_at_source == "capture" for a in shots)
    # One file on disk for the same bytes; the first entry keeps its own time.
    assert {a.path for a in shots} <= {a.path for a in first_entry.attachments}
    assert all(a.taken_at == T0 for a in first_entry.attachments if a.path.endswith(".png"))
