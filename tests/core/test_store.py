"""The case file: every field survives a save, bad files are reported and never touched,
failed saves leave the file byte-identical, backups, conflicts and the "open elsewhere" marker.

Everything here runs on real files in ``tmp_path``; OS failures (disk full, fsync error)
are injected by making the real ``os.write`` / ``os.fsync`` raise the real OSError.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import threading
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import HOSTILE, HOSTILE_STRINGS, LONG_LINE
from tui.core.case import (
    SCHEMA_VERSION,
    Attachment,
    Case,
    Evidence,
    JournalEntry,
    Report,
    StepProgress,
)
from tui.core.store import (
    BACKUPS_KEPT,
    CaseError,
    CaseFile,
    ConflictError,
    ReadOnlyError,
    SaveError,
    dumps,
    file_problems,
    loads,
)

PARIS_SUMMER = timezone(timedelta(hours=2))
LMT = timezone(timedelta(minutes=9, seconds=21))  # Paris before 1911: an offset with seconds
SHA = "0123456789abcdef" * 4


def full_case(folder: str = "alice-files") -> Case:
    """A case with every field set, most of them to hostile text."""
    when = datetime(2021, 4, 14, 17, 30, 0, 123456, tzinfo=PARIS_SUMMER)
    evidence = [
        Evidence(
            id="E0001",
            url="https://x.com/someone/status/1382350606417817604",
            url_original="https://twitter.com/someone/status/1382350606417817604?s=20",
            platform="x",
            post_id="1382350606417817604",
            account_handle=HOSTILE,
            account_id="18446744073709551615",  # 2**64 - 1: must never pass through a float
            posted_at=datetime(2021, 4, 14, 15, 10, 42, 59000, tzinfo=UTC),
            posted_at_source="post-id",
            observed_at=when,
            content=HOSTILE + "\n" + LONG_LINE,
            categories=["threat", "insult"],
            notes="emoji 😡🔪\r\nCRLF kept\rlone CR\x00NUL\u202eRLO\u2066isolate",
            attachments=[
                Attachment(
                    path=f"{folder}/E0001-20210414T151042Z-1.png",
                    sha256=SHA,
                    bytes=183422,
                    original_name="Capture d’écran [/foo] \x1b[2J.png",
                    added_at=when,
                    taken_at=datetime(1900, 1, 1, 12, 0, tzinfo=LMT),
                    taken_at_source="file-name",
                )
            ],
            reports=[
                Report(place="pharos", date=when, reference=HOSTILE),
                Report(place="platform"),
            ],
            added_at=when,
        ),
        Evidence(id="E0002", content="", added_at=when),
    ]
    evidence.extend(
        Evidence(id=f"E{n:04d}", content=text, added_at=when)
        for n, text in enumerate(HOSTILE_STRINGS, 3)
    )
    return Case(
        title=HOSTILE,
        created=when,
        language="en",
        timezone="America/Sao_Paulo",
        concerns="\u202eévil\u202c " + "\x9b31m",
        platforms=["x", "instagram"],
        steps={
            "airplane": StepProgress(status="done", at=when),
            'weird key [/] = "x"': StepProgress(status="later", at=when),
        },
        current_step="notifications",
        evidence=evidence,
        journal=[JournalEntry(at=when, action="evidence-added", detail=HOSTILE)],
    )


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing was written)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------------------
# Round trip


def test_every_field_survives_save_and_open_including_hostile_text(tmp_path: Path) -> None:
    case = full_case()
    path = tmp_path / "alice.toml"
    CaseFile.create(path, case).close()
    opened = CaseFile.open(path)
    assert opened.read_only is None
    assert opened.case == case
    entry = opened.case.evidence[0]
    assert entry.notes == case.evidence[0].notes  # CRLF, lone CR, NUL, bidi intact
    assert "\r\n" in entry.notes and "\x00" in entry.notes
    assert entry.content.endswith(LONG_LINE)
    assert entry.account_id == "18446744073709551615"
    # Times are stored in UTC; the instant is the same.
    assert entry.attachments[0].taken_at == datetime(1900, 1, 1, 12, 0, tzinfo=LMT)
    assert entry.observed_at is not None and entry.observed_at.utcoffset() == timedelta(0)


def test_written_file_is_plain_toml_with_the_schema_first(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, full_case()).close()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"schema = {SCHEMA_VERSION}\n")
    doc = tomllib.loads(text)
    assert doc["evidence"][0]["post_id"] == "1382350606417817604"
    assert "posted_at" not in doc["evidence"][1]  # empty optionals are omitted, not "None"
    # Every line stays one line: CRLF is escaped, never a multi-line string.
    assert '"""' not in text
    # Safe to `cat` in a terminal: no raw ESC, C1 control or bidi override in the file.
    assert not {"\x1b", "\x9b", "\u202e", "\u2066", "\x00", "\r"} & set(text)
    assert "\\u202E" in text and "\\u009B" in text
    # Times are written in UTC, ISO style, as a person expects to read them.
    assert "posted_at = 2021-04-14T15:10:42.059000Z" in text.splitlines()


def test_dumps_and_loads_round_trip_without_files() -> None:
    case = full_case()
    assert loads(dumps(case)) == case


# ---------------------------------------------------------------------------
# Bad files: reported with their location, never modified


def write(path: Path, text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)
    return data


BAD_CASE = """\
schema = 1
title = "bad"
created = 2026-11-23T10:00:00Z

[[evidence]]
id = "E0001"
url = "javascript:alert(1)"
added_at = 2026-11-23T10:00:00Z

[[evidence]]
id = "E0002"
posted_at = "yesterday"
added_at = 2026-11-23T10:00:00

[[evidence]]
id = "E0001"
account_id = 1234567890
added_at = 2026-11-23T10:00:00Z
categories = ["threat", "menace"]

[[evidence.attachments]]
path = "alice-files/../../etc/passwd"
sha256 = "nope"
bytes = -1
added_at = 2026-11-23T10:00:00Z

[[evidence.attachments]]
path = "/etc/passwd"
sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
bytes = 1
added_at = 2026-11-23T10:00:00Z

[[evidence.attachments]]
path = "alice-files\\\\x.png"
sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
bytes = 1
added_at = 2026-11-23T10:00:00Z
"""


def test_every_problem_is_listed_with_its_location_and_the_file_is_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "alice.toml"
    write(path, BAD_CASE)
    before = files_in(tmp_path)
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    where = {p.location for p in caught.value.problems}
    assert {
        "evidence[1].url",
        "evidence[2].posted_at",
        "evidence[2].added_at",
        "evidence[3].id",
        "evidence[3].account_id",
        "evidence[3].categories[2]",
        "evidence[3].attachments[1].path",
        "evidence[3].attachments[1].sha256",
        "evidence[3].attachments[1].bytes",
        "evidence[3].attachments[2].path",
        "evidence[3].attachments[3].path",
    } <= where
    message = str(caught.value)
    assert "evidence[3].id: duplicate ID E0001" in message
    assert "Traceback" not in message
    assert files_in(tmp_path) == before  # nothing written: no marker, no backup, no temp


@pytest.mark.parametrize(
    ("content", "location", "words"),
    [
        (b"\xef\xbb\xbfschema = 1\ntitle = 'x'\ncreated = 2026-11-23T10:00:00Z\n", "line 1", "BOM"),
        (b"schema = 1\ntitle = = 'x'\n", "line 2", "TOML"),
        (b"schema = 1\ntitle = '\xff'\n", "line 2", "UTF-8"),
        (b"schema = 1\ntitle = 3\ncreated = 2026-11-23T10:00:00Z\n", "title", "text"),
        (b"schema = 1\ntitle = 'x'\ncreated = 2026-11-23\n", "created", "time"),
        (b"schema = 'one'\ntitle = 'x'\n", "schema", "number"),
        (b"schema = 1\ntitle = 'x'\ncreated = 2026-11-23T10:00:00Z\ntimezone = 'Mars/Base'\n",
         "timezone", "time zone"),
    ],
)  # fmt: skip
def test_unreadable_files_are_reported_and_never_rewritten(
    tmp_path: Path, content: bytes, location: str, words: str
) -> None:
    path = tmp_path / "alice.toml"
    write(path, content)
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert any(p.location == location and words in p.message for p in caught.value.problems), (
        caught.value.problems
    )
    assert path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["alice.toml"]


def test_a_symlink_leading_out_of_the_evidence_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"not yours")
    folder = tmp_path / "alice-files"
    folder.mkdir()
    (folder / "E0001-20261123T100000Z-1.png").symlink_to(outside)
    case = Case(title="x")
    case.evidence.append(
        Evidence(
            id="E0001",
            attachments=[
                Attachment(
                    path="alice-files/E0001-20261123T100000Z-1.png",
                    sha256=SHA,
                    bytes=9,
                    original_name="a.png",
                    added_at=datetime.now(UTC),
                )
            ],
        )
    )
    path = tmp_path / "alice.toml"
    data = write(path, dumps(case))
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert [p.location for p in caught.value.problems] == ["evidence[1].attachments[1].path"]
    assert "symbolic link" in caught.value.problems[0].message
    assert path.read_bytes() == data


def test_an_attachment_of_another_case_folder_is_outside(tmp_path: Path) -> None:
    case = full_case(folder="bob-files")
    path = tmp_path / "alice.toml"
    write(path, dumps(case))
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert caught.value.problems[0].location == "evidence[1].attachments[1].path"
    assert "alice-files" in caught.value.problems[0].message


def test_a_missing_file_is_one_clear_sentence(tmp_path: Path) -> None:
    with pytest.raises(CaseError) as caught:
        CaseFile.open(tmp_path / "nope.toml")
    assert "does not exist" in str(caught.value)
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# Schema versions


def test_a_newer_schema_opens_read_only_and_is_never_saved(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    text = dumps(full_case()).replace(
        f"schema = {SCHEMA_VERSION}\n", f"schema = {SCHEMA_VERSION + 1}\nnew_thing = 'kept'\n", 1
    )
    data = write(path, text)
    casefile = CaseFile.open(path)
    assert casefile.read_only is not None and "newer" in casefile.read_only
    assert casefile.case.title == HOSTILE
    with pytest.raises(ReadOnlyError):
        casefile.save()
    with pytest.raises(ReadOnlyError):
        casefile.make_writable()
    assert path.read_bytes() == data


def test_unknown_keys_open_read_only_so_they_are_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    text = dumps(Case(title="x")) + "\n[[evidence]]\nid = 'E0001'\nmood = 'sad'\n"
    data = write(path, text)
    casefile = CaseFile.open(path)
    assert casefile.read_only is not None and "evidence[1].mood" in casefile.read_only
    with pytest.raises(ReadOnlyError):
        casefile.record("test")
    assert path.read_bytes() == data


def test_a_schema_0_file_is_migrated_and_saved_in_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    old = (
        'title = "old draft"\ncreated = 2025-01-02T03:04:05Z\n\n'
        '[[evidence]]\nid = "E0001"\nhandle = "someone"\ndate = 2025-01-01T10:00:00Z\n'
    )
    write(path, old)
    casefile = CaseFile.open(path)
    assert casefile.read_only is None
    assert casefile.notices and "older format" in casefile.notices[0]
    entry = casefile.case.evidence[0]
    assert entry.account_handle == "someone"
    assert entry.posted_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert entry.added_at == casefile.case.created  # the draft had no added_at
    casefile.save()
    assert tomllib.loads(path.read_text())["schema"] == SCHEMA_VERSION
    # The old file is kept as a backup.
    assert [b.read_text() for b in casefile.backups()] == [old]


# ---------------------------------------------------------------------------
# Failed saves never touch the file


def test_serialization_errors_leave_the_file_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, full_case())
    before = files_in(tmp_path)
    bad_values = [
        replace(casefile.case, title="lone surrogate \ud800"),
        replace(casefile.case, created=datetime(2026, 1, 1)),  # naive
        replace(casefile.case, evidence=[*casefile.case.evidence, Evidence(id="E0001")]),
        replace(casefile.case, language="klingon"),  # type: ignore[arg-type]
        replace(casefile.case, title=12),  # type: ignore[arg-type]
    ]
    for bad in bad_values:
        with pytest.raises(SaveError) as caught:
            casefile.save(bad)
        assert "file on disk has not changed" in str(caught.value)
        assert files_in(tmp_path) == before
    casefile.save()  # and the case file is still usable afterwards


@pytest.mark.parametrize("failing", ["write", "write-backup", "fsync"])
def test_disk_full_or_failing_fsync_leave_the_original_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, full_case())
    casefile.save()  # so that there is a previous version and a backup
    before = files_in(tmp_path)
    casefile.case.evidence.append(Evidence(id="E0099", content="new"))
    call = "fsync" if failing == "fsync" else "write"
    real = getattr(os, call)
    calls = []

    def broken(fd: int, *args: object) -> object:
        calls.append(fd)
        if failing == "write" and len(calls) == 1:
            # The first 4 KiB reach the temporary file, then the disk is full.
            return real(fd, memoryview(args[0])[:4096])  # type: ignore[arg-type]
        if failing == "write-backup" and len(calls) == 1:
            return real(fd, *args)  # the new version is written; the backup copy fails
        code = errno.EIO if failing == "fsync" else errno.ENOSPC
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, call, broken)
    if failing == "write-backup":
        # Where the old file cannot be kept by a second name (FAT and exFAT sticks have
        # no hard links) its backup is a copy, and writing that copy is what fails here.
        def no_links(*args: object, **kwargs: object) -> None:
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(SaveError) as caught:
        casefile.save()
    monkeypatch.undo()
    assert calls
    assert ("error" if failing == "fsync" else "disk is full") in str(caught.value)
    assert files_in(tmp_path) == before  # no temp file left either
    casefile.save()
    assert loads(path.read_text()).evidence[-1].id == "E0099"


def test_a_failed_replace_leaves_the_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="x"))
    data = path.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveError):
        casefile.record("evidence-added", "E0001")
    monkeypatch.undo()
    assert path.read_bytes() == data
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]


# ---------------------------------------------------------------------------
# Conflicts, backups, fallback


def test_a_file_rewritten_by_another_process_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="mine"))
    other = dumps(Case(title="theirs"))
    script = f"import pathlib; pathlib.Path({str(path)!r}).write_text({other!r}, encoding='utf-8')"
    subprocess.run([sys.executable, "-c", script], check=True)
    theirs = path.read_bytes()
    casefile.case.title = "mine, edited"
    with pytest.raises(ConflictError) as caught:
        casefile.save()
    assert "changed on disk" in str(caught.value)
    assert path.read_bytes() == theirs


def test_same_mtime_different_content_is_still_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="mine"))
    stat = path.stat()
    path.write_text(dumps(Case(title="other")), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # FAT: mtime tells nothing
    with pytest.raises(ConflictError):
        casefile.save()


def test_after_a_save_the_new_content_is_the_known_one(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="x"))
    for n in range(3):
        casefile.record("step-done", str(n))
    assert len(loads(path.read_text()).journal) == 3


def test_backups_keep_the_previous_versions_and_rotate(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="v0"))
    versions = [path.read_bytes()]
    for n in range(1, 9):
        casefile.case.title = f"v{n}"
        casefile.save()
        versions.append(path.read_bytes())
    backups = casefile.backups()
    assert len(backups) == BACKUPS_KEPT
    # Newest first: the version just before the current one, and so on.
    assert [b.read_bytes() for b in backups] == versions[-2 : -2 - BACKUPS_KEPT : -1]
    for backup in backups:
        name = backup.name
        assert name.isascii() and not set(name) & set('<>:"/\\|?*') and len(name) < 64
    assert backups[0].parent == tmp_path / "alice-files" / ".backups"


def test_an_unreadable_file_falls_back_to_the_newest_readable_backup(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="v1"))
    casefile.case.title = "v2"
    casefile.save()
    casefile.case.title = "v3"
    casefile.save()
    casefile.close()
    # The newest backup (v2) is damaged too; v1 is readable.
    casefile.backups()[0].write_bytes(b"title = \n")
    torn = b'schema = 1\ntitle = "v3'
    path.write_bytes(torn)

    reopened = CaseFile.open(path)
    assert reopened.case.title == "v1"
    assert reopened.read_only is not None
    assert any("could not be read" in n for n in reopened.notices)
    with pytest.raises(ReadOnlyError):
        reopened.save()
    assert path.read_bytes() == torn

    reopened.make_writable()  # the user chose to save it
    reopened.save()
    assert loads(path.read_text()).title == "v1"
    kept = list((tmp_path / "alice-files" / ".backups").glob("unreadable-*.toml"))
    assert [k.read_bytes() for k in kept] == [torn]  # the torn file is kept, not lost


def test_a_missing_file_with_backups_opens_the_backup(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="v1"))
    casefile.case.title = "v2"
    casefile.save()
    casefile.close()
    path.unlink()  # e.g. a stick pulled during a rename on FAT
    reopened = CaseFile.open(path)
    assert reopened.case.title == "v1"
    assert reopened.read_only is not None


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    data = write(path, "anything")
    with pytest.raises(SaveError):
        CaseFile.create(path, Case(title="x"))
    assert path.read_bytes() == data


def test_saves_from_many_threads_leave_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="x"))
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for m in range(5):
                casefile.record("step-done", f"{n}-{m}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(loads(path.read_text()).journal) == 20


def test_a_snapshot_does_not_follow_later_edits(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="x"))
    casefile.case.evidence.append(Evidence(id="E0001", content="first"))
    snap = casefile.snapshot()
    casefile.case.evidence[0] = replace(casefile.case.evidence[0], content="edited")
    casefile.case.evidence.append(Evidence(id="E0002"))
    casefile.save(snap)
    saved = loads(path.read_text())
    assert [e.content for e in saved.evidence] == ["first"]


# ---------------------------------------------------------------------------
# Another Abri has the case open


def test_a_live_abri_on_this_host_is_announced_and_a_dead_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, Case(title="x")).close()
    marker = tmp_path / ".alice.toml.open"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = socket.gethostname()
        marker.write_text(json.dumps({"host": host, "pid": sleeper.pid, "at": "earlier"}))
        casefile = CaseFile.open(path)
        assert any(str(sleeper.pid) in n for n in casefile.notices)
        assert casefile.held_elsewhere
        casefile.close()
        # The running Abri's marker is left as it was, for the next one to see.
        assert json.loads(marker.read_text())["pid"] == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()
    marker.write_text(json.dumps({"host": host, "pid": sleeper.pid, "at": "earlier"}))
    casefile = CaseFile.open(path)
    assert casefile.notices == []  # stale: replaced silently
    assert not casefile.held_elsewhere
    assert json.loads(marker.read_text())["pid"] == os.getpid()
    casefile.close()
    assert not marker.exists()


def test_an_abri_on_another_host_is_announced_with_host_and_time(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, Case(title="x")).close()
    marker = tmp_path / ".alice.toml.open"
    marker.write_text(json.dumps({"host": "helper-laptop", "pid": 1, "at": "2026-11-23T10:00"}))
    casefile = CaseFile.open(path)
    # The time is shown for people, in the case's zone (Paris: 10:00 UTC is 11:00).
    assert any("helper-laptop" in n and "11:00" in n for n in casefile.notices)
    assert not any("T10:00" in n for n in casefile.notices)
    casefile.close()


def test_after_a_conflict_the_edits_can_be_kept_as_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="mine"))
    path.write_text(dumps(Case(title="theirs")), encoding="utf-8")
    theirs = path.read_bytes()
    casefile.case.title = "mine, edited"
    with pytest.raises(ConflictError):
        casefile.save()
    copy = casefile.save_copy()
    assert loads(copy.read_text(encoding="utf-8")).title == "mine, edited"
    assert copy.parent == tmp_path / "alice-files" / ".backups"
    assert path.read_bytes() == theirs
    for _ in range(BACKUPS_KEPT + 1):  # rotation never removes such a copy
        CaseFile.open(path).save()
    assert copy.exists()


def test_hostile_key_names_are_reported_visibly(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    write(path, dumps(Case(title="x")) + '\n[steps."\\u001b[2J"]\nstatus = "nope"\n')
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert "\x1b" not in str(caught.value)
    assert "steps.[U+001B][2J.status" in str(caught.value)


def test_creating_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="does not exist"):
        CaseFile.create(tmp_path / "nope" / "alice.toml", Case(title="x"))


def test_file_problems_judges_the_file_itself_not_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, Case(title="v1"))
    casefile.record("step-done")
    casefile.close()
    assert file_problems(path) == []
    path.write_bytes(b"schema = 1\ntitle = \n")
    assert [p.location for p in file_problems(path)] == ["line 2"]
    assert CaseFile.open(path).read_only is not None  # while open() falls back


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_or_a_folder_is_refused_without_reading_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(CaseError, match="not a regular file"):
        CaseFile.open(fifo)
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(CaseError, match="folder"):
        CaseFile.open(tmp_path / "folder.toml")


def test_a_backup_is_the_replaced_file_itself_where_links_exist(tmp_path: Path) -> None:
    """No second copy of a big case per save: the old file becomes the backup."""
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, full_case())
    before = path.read_bytes()
    old_inode = os.stat(path).st_ino
    casefile.case.evidence.append(Evidence(id="E0099", content="new"))
    casefile.save()
    [backup] = casefile.backups()
    assert backup.read_bytes() == before  # the previous version, whole
    assert os.stat(backup).st_ino == old_inode  # kept by a name, not written again
    assert os.stat(path).st_ino != old_inode
    assert loads(path.read_text()).evidence[-1].id == "E0099"
    casefile.close()
