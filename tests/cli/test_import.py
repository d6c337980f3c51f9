"""``abri import``: a list of URLs, or a folder of screenshots, duplicates skipped and said."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.cli.conftest import Result, make_png, read_case

Abri = Callable[..., Result]

X_URL = "https://x.com/someone/status/1382350606417817604"
INSTAGRAM_URL = "https://www.instagram.com/p/CNlVzmcHdBH/?utm_source=ig_web_copy_link"


def _jpeg_with_exif(path: Path, taken: str) -> Path:
    """A real JPEG whose EXIF DateTimeOriginal says ``taken`` (``YYYY:MM:DD HH:MM:SS``)."""
    from PIL import Image

    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken
    Image.new("RGB", (40, 30), (10, 120, 40)).save(path, format="JPEG", exif=exif)
    return path


def test_url_list_skips_duplicates_and_reports_unreadable_lines(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", "https://discord.com/channels/1/2/175928847299117063")
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "\n".join(
            [
                "# posts from the raid",
                X_URL,
                "",
                f"{X_URL}?s=20&t=abc",  # same post, tracking parameters
                "https://mobile.twitter.com/someone/status/1382350606417817604",  # same post
                INSTAGRAM_URL,
                "https://discord.com/channels/1/2/175928847299117063",  # already in the case
                "this is not a link",
            ]
        )
        + "\r\n",
        encoding="utf-8",
    )
    result = abri("import", case, urls)

    # One line could not be read: the exit code says so, the rest is imported.
    assert result.code == 1
    assert "line 8: this is not a link" in result.err
    assert result.out.count("already in the case as") == 3
    assert "2 added, 3 already there (skipped), 1 not readable" in result.out
    entries = read_case(case)["evidence"]
    assert [entry["platform"] for entry in entries] == ["discord", "x", "instagram"]
    assert entries[1]["posted_at_source"] == "post-id"
    assert entries[2]["url"] == "https://instagram.com/p/CNlVzmcHdBH/"

    # Importing the same list again adds nothing.
    again = abri("import", case, urls)
    assert "0 added, 5 already there" in again.out
    assert len(read_case(case)["evidence"]) == 3


def test_clean_url_list_with_bom_exits_0(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case, "--lang", "fr")
    urls = tmp_path / "urls.txt"
    urls.write_bytes(b"\xef\xbb\xbf" + X_URL.encode() + b"\n")
    result = abri("import", case, urls)
    assert result.code == 0, result.err
    assert "1 ajoutée(s)" in result.out
    assert read_case(case)["evidence"][0]["post_id"] == "1382350606417817604"


def test_binary_file_is_refused_clearly(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    before = case.read_bytes()
    blob = make_png(tmp_path / "picture.txt")
    result = abri("import", case, blob)
    assert result.code == 1
    assert "not a text file" in result.err
    assert case.read_bytes() == before


def test_folder_of_screenshots_one_entry_per_image_duplicates_skipped(
    abri: Abri, tmp_path: Path
) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    shots = tmp_path / "shots"
    shots.mkdir()
    named = make_png(shots / "Screenshot_20261123-143201.png", (200, 0, 0))
    exif = _jpeg_with_exif(shots / "IMG_0042.jpg", "2026:11:20 08:15:00")
    plain = make_png(shots / "photo.png", (0, 0, 200))
    shutil.copyfile(named, shots / "zz-same-as-first.png")
    (shots / "notes.txt").write_text("not an image", encoding="utf-8")

    result = abri("import", case, shots)
    assert result.code == 0, result.err
    assert "zz-same-as-first.png" in result.out and "skipped" in result.out
    assert "3 added, 1 already there (skipped), 0 not readable" in result.out

    entries = read_case(case)["evidence"]
    assert len(entries) == 3
    by_name = {entry["attachments"][0]["original_name"]: entry for entry in entries}
    assert set(by_name) == {named.name, exif.name, plain.name}
    for source in (named, exif, plain):
        attachment = by_name[source.name]["attachments"][0]
        assert attachment["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
        copied = tmp_path / attachment["path"]
        assert copied.read_bytes() == source.read_bytes()
        assert copied.parent == tmp_path / "c-files"
    # Times: from the name (Europe/Paris, 14:32:01 -> 13:32:01Z), from EXIF, or none.
    # They say when the screenshot was taken (when the message was seen), never when
    # the message was published.
    for entry in entries:
        assert "posted_at" not in entry
    named_shot = by_name[named.name]["attachments"][0]
    assert named_shot["taken_at"] == datetime(2026, 11, 23, 13, 32, 1, tzinfo=UTC)
    assert named_shot["taken_at_source"] == "file-name"
    assert by_name[named.name]["observed_at"] == named_shot["taken_at"]
    exif_shot = by_name[exif.name]["attachments"][0]
    assert exif_shot["taken_at"] == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert exif_shot["taken_at_source"] == "file-metadata"
    assert "observed_at" not in by_name[plain.name]

    # Every copy checks out; importing the folder again adds nothing.
    assert abri("check", case).code == 0
    again = abri("import", case, shots)
    assert again.code == 0
    assert "0 added, 4 already there" in again.out


def test_empty_folder_and_missing_source_are_explained(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No images" in abri("import", case, empty).err
    missing = abri("import", case, tmp_path / "nowhere")
    assert missing.code == 1
    assert "nowhere" in missing.err
