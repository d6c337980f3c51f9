"""Evidence files: copied once under FAT-safe names, hashed, dated, and verified later.

Real files in ``tmp_path`` throughout; the only injected failure is the real ``os.write``
raising ENOSPC.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from tui.core.attachments import (
    FAT_MAX_BYTES,
    AttachError,
    attach,
    attach_file,
    evidence_file_name,
    image_files,
    time_from_file_name,
    verify,
)
from tui.core.case import SCHEMA_VERSION, Case, Evidence
from tui.core.store import CaseFile

FAT_FORBIDDEN = set('<>:"/\\|?*')
RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)
POSTED = datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)


def fat_safe(name: str) -> bool:
    return (
        name.isascii()
        and not set(name) & FAT_FORBIDDEN
        and all(ord(c) >= 32 for c in name)
        and not RESERVED.match(name)
        and not name.endswith((".", " "))
        and len(name) <= 255
    )


@pytest.fixture
def casefile(tmp_path: Path) -> CaseFile:
    case = Case(title="alice", timezone="Europe/Paris")
    case.evidence.append(Evidence(id="E0007", posted_at=POSTED))
    case.evidence.append(Evidence(id="E0008", added_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    return CaseFile.create(tmp_path / "alice.toml", case)


def screenshot(folder: Path, name: str, content: bytes = b"\x89PNG fake screenshot") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_a_file_is_copied_hashed_and_named_for_fat(casefile: CaseFile, tmp_path: Path) -> None:
    source = screenshot(tmp_path / "phone", "Screenshot_20210414-173012.PNG", b"pixels" * 1000)
    entry = casefile.case.evidence[0]
    attachment = attach(casefile, entry, source)
    assert attachment.path == "alice-files/E0007-20210414T151042Z-1.png"
    copied = tmp_path / attachment.path
    assert copied.read_bytes() == source.read_bytes()
    assert attachment.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert attachment.bytes == 6000
    assert attachment.original_name == "Screenshot_20210414-173012.PNG"
    assert attachment.added_at.tzinfo is not None
    # The name said 17:30:12 in Paris (summer time): 15:30:12 UTC.
    assert attachment.taken_at == datetime(2021, 4, 14, 15, 30, 12, tzinfo=UTC)
    assert attachment.taken_at_source == "file-name"
    # Nothing else is left in the evidence folder (no partial copy).
    assert sorted(os.listdir(casefile.evidence_dir)) == ["E0007-20210414T151042Z-1.png"]

    # Recorded in the case, saved and reopened: it is inside the folder and verifies.
    casefile.case.evidence[0] = replace(entry, attachments=[attachment])
    casefile.save()
    reopened = CaseFile.open(casefile.path)
    assert reopened.case.evidence[0].attachments == (attachment,)
    assert verify(reopened) == []


def test_the_same_content_is_not_copied_twice(casefile: CaseFile, tmp_path: Path) -> None:
    first = screenshot(tmp_path / "a", "one.png", b"same bytes")
    second = screenshot(tmp_path / "b", "other name.jpg", b"same bytes")
    entry = casefile.case.evidence[0]
    attachment = attach(casefile, entry, first)
    casefile.case.evidence[0] = replace(entry, attachments=[attachment])
    result = attach_file(casefile, casefile.case.evidence[1], second)
    assert result.reused and result.existing_id == "E0007"
    assert result.attachment.path == attachment.path
    assert result.attachment.original_name == "other name.jpg"
    assert len(os.listdir(casefile.evidence_dir)) == 1


def test_a_second_file_of_the_same_entry_gets_the_next_counter(
    casefile: CaseFile, tmp_path: Path
) -> None:
    entry = casefile.case.evidence[0]
    one = attach(casefile, entry, screenshot(tmp_path / "in", "a.png", b"1"))
    entry = replace(entry, attachments=[one])
    casefile.case.evidence[0] = entry
    two = attach(casefile, entry, screenshot(tmp_path / "in", "b.mp4", b"2"))
    assert two.path == "alice-files/E0007-20210414T151042Z-2.mp4"


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("photo.JPEG", ".jpeg"),
        ("malware.exe", ".bin"),
        ("no extension", ".bin"),
        ('..\\..\\evil:name?<>|".png', ".png"),
        ("CON.png", ".png"),
        ("\x1b[2J\u202egnp.exe", ".bin"),
        ("voice.OPUS", ".opus"),
    ],
)
def test_generated_names_are_legal_everywhere_whatever_the_source_name(
    casefile: CaseFile, tmp_path: Path, name: str, extension: str
) -> None:
    source = tmp_path / "in" / "file"
    source.parent.mkdir()
    source.write_bytes(name.encode("utf-8"))
    # The source's own name may not be legal here either: copy it under a plain name and
    # give the hostile name as what the person picked, via a link with that name when
    # the file system allows it.
    try:
        hostile = tmp_path / "in" / name
        os.link(source, hostile)
        source = hostile
    except OSError:
        pytest.skip("this file system refuses that name")
    attachment = attach(casefile, casefile.case.evidence[1], source)
    generated = attachment.path.split("/", 1)[1]
    assert fat_safe(generated)
    assert generated == f"E0008-20260102T030405Z-1{extension}"
    assert attachment.original_name == name


def test_evidence_file_names_stay_fat_safe_for_odd_ids() -> None:
    for entry_id in ("E0007", "E99999999", "CON", "../x", "É0001", ""):
        name = evidence_file_name(entry_id, POSTED, 1, ".png")
        assert fat_safe(name), name
        assert len(name) < 64


def test_files_of_4_gib_are_refused_with_the_fat_explanation(
    casefile: CaseFile, tmp_path: Path
) -> None:
    big = tmp_path / "in" / "video.mp4"
    big.parent.mkdir()
    with open(big, "wb") as handle:  # sparse: takes no space
        handle.truncate(FAT_MAX_BYTES + 1)
    with pytest.raises(AttachError) as caught:
        attach(casefile, casefile.case.evidence[0], big)
    assert "FAT32" in str(caught.value)
    assert not casefile.evidence_dir.exists() or os.listdir(casefile.evidence_dir) == []


def test_missing_or_folder_sources_are_one_clear_sentence(
    casefile: CaseFile, tmp_path: Path
) -> None:
    with pytest.raises(AttachError, match="does not exist"):
        attach(casefile, casefile.case.evidence[0], tmp_path / "nope.png")
    with pytest.raises(AttachError, match="not a file"):
        attach(casefile, casefile.case.evidence[0], tmp_path)


def test_a_full_disk_leaves_no_partial_copy(
    casefile: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = screenshot(tmp_path / "in", "a.png", b"x" * 3_000_000)

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(AttachError, match="disk is full"):
        attach(casefile, casefile.case.evidence[0], source)
    monkeypatch.undo()
    assert os.listdir(casefile.evidence_dir) == []


# ---------------------------------------------------------------------------
# When was it taken?

NOW = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    [
        "Screenshot_20261123-143201.png",
        "IMG_20261123_143201.jpg",
        "Screenshot 2026-11-23 at 14.32.01.png",
        "Capture d’écran 2026-11-23 à 14.32.01.png",
        "Screenshot 2026-11-23 at 2.32.01\u202fPM.png",
        "Screenshot 2026-11-23 143201.png",
        "Screenshot_2026-11-23-14-32-01-123_com.twitter.android.jpg",
    ],
)
def test_screenshot_names_give_the_time_in_the_case_zone(name: str) -> None:
    moment = time_from_file_name(name, "Europe/Paris", now=NOW)
    assert moment is not None
    assert moment.astimezone(UTC) == datetime(2026, 11, 23, 13, 32, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    [
        "photo.png",
        "Screenshot_20261323-143201.png",  # month 13
        "Screenshot_20271123-143201.png",  # in the future
        "IMG_1234.jpg",
        "scan 12345678901234.png",
    ],
)
def test_names_without_a_plausible_time_give_none(name: str) -> None:
    assert time_from_file_name(name, "Europe/Paris", now=NOW) is None


def test_exif_time_wins_over_the_file_name(casefile: CaseFile, tmp_path: Path) -> None:
    image = Image.new("RGB", (4, 4), "white")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2021:04:14 17:35:00"  # DateTimeOriginal, no offset
    path = tmp_path / "in" / "Screenshot_20200101-000000.jpg"
    path.parent.mkdir()
    image.save(path, exif=exif)
    attachment = attach(casefile, casefile.case.evidence[0], path)
    assert attachment.taken_at_source == "file-metadata"
    assert attachment.taken_at == datetime(2021, 4, 14, 15, 35, tzinfo=UTC)  # Paris summer


def test_exif_offset_is_used_when_the_camera_wrote_one(casefile: CaseFile, tmp_path: Path) -> None:
    image = Image.new("RGB", (4, 4), "white")
    exif = Image.Exif()
    ifd = exif.get_ifd(0x8769)
    ifd[36867] = "2021:04:14 10:00:00"
    ifd[36881] = "-05:00"
    path = tmp_path / "in" / "camera.jpg"
    path.parent.mkdir()
    image.save(path, exif=exif)
    attachment = attach(casefile, casefile.case.evidence[0], path)
    assert attachment.taken_at == datetime(2021, 4, 14, 15, 0, tzinfo=UTC)


def test_a_hostile_image_is_copied_without_a_time(casefile: CaseFile, tmp_path: Path) -> None:
    path = screenshot(tmp_path / "in", "broken.jpg", b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*")
    attachment = attach(casefile, casefile.case.evidence[0], path)
    assert attachment.taken_at is None and attachment.taken_at_source == ""


# ---------------------------------------------------------------------------
# Folders and verification


def test_image_files_lists_images_sorted_and_skips_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    for name in ("b.PNG", "a.jpg", "notes.txt", ".hidden.png", "C.webp"):
        screenshot(folder, name)
    (folder / "sub.png").mkdir()
    assert [p.name for p in image_files(folder)] == ["a.jpg", "b.PNG", "C.webp"]
    with pytest.raises(AttachError, match="does not exist"):
        image_files(tmp_path / "nope")


def test_verify_reports_missing_altered_resized_and_outside_files(
    casefile: CaseFile, tmp_path: Path
) -> None:
    entries = casefile.case.evidence
    made = []
    for n, content in enumerate((b"one", b"two", b"three", b"four")):
        source = screenshot(tmp_path / "in", f"{n}.png", content)
        attachment = attach(casefile, entries[0], source)
        entries[0] = replace(entries[0], attachments=[*entries[0].attachments, attachment])
        made.append(tmp_path / attachment.path)
    casefile.save()
    assert verify(casefile) == []

    made[0].unlink()
    made[1].write_bytes(b"owt")  # same size, other content
    made[2].write_bytes(b"3")
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"four")
    made[3].unlink()
    made[3].symlink_to(outside)
    kinds = [(p.path.rsplit("-", 1)[1], p.kind) for p in verify(casefile)]
    assert kinds == [
        ("1.png", "missing"),
        ("2.png", "altered"),
        ("3.png", "size"),
        ("4.png", "outside"),
    ]
    for problem in verify(casefile):
        assert problem.evidence_id == "E0007"
        assert problem.path in problem.message


def test_a_read_only_case_gets_no_orphan_copies(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, Case(title="x", timezone="UTC")).close()
    current = f"schema = {SCHEMA_VERSION}"
    path.write_text(path.read_text().replace(current, "schema = 99"), encoding="utf-8")
    casefile = CaseFile.open(path)
    source = screenshot(tmp_path / "in", "a.png")
    with pytest.raises(AttachError, match="newer"):
        attach(casefile, Evidence(id="E0001"), source)
    assert not casefile.evidence_dir.exists()
