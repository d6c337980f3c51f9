"""Attachments are regular files or nothing; pictures are checked; folder scans stay inside.

Real special files throughout (FIFOs, a UNIX socket, links to ``/dev/zero`` and out of
the folder, symlink loops, names that are not UTF-8) in ``tmp_path``.  Anything that
could block is run under an alarm, so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tui.core.attachments import (
    AttachError,
    AttachmentReader,
    UnsafeFileError,
    attach_file,
    image_kind,
    image_kind_of_file,
    is_image,
    read_attachment,
    read_regular,
    safe_name,
    scan_folder,
    sha256_file,
    verify,
)
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block takes longer than ``seconds``."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def png_bytes(size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def make_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """One of every hostile kind of path, all named like screenshots."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.png").write_bytes(png_bytes())
    paths = {
        "pipe": folder / "fifo.png",
        "device": folder / "zero.png",
        "loop": folder / "loop.png",
        "folder": folder / "dir.png",
        "socket": folder / "sock.png",
        "outside": folder / "outside-link.png",
        "broken-link": folder / "gone.png",
    }
    os.mkfifo(paths["pipe"])
    os.symlink("/dev/zero", paths["device"])
    os.symlink("loop.png", paths["loop"])
    paths["folder"].mkdir()
    sock = make_socket(paths["socket"])
    os.symlink("../elsewhere/secret.png", paths["outside"])
    os.symlink("nothing-here.png", paths["broken-link"])
    yield paths
    sock.close()


# ---------------------------------------------------------------- regular files only


@pytest.mark.parametrize("kind", ["pipe", "device", "loop", "folder", "socket", "broken-link"])
def test_reading_a_special_file_is_refused_at_once_with_one_sentence(
    specials: dict[str, Path], kind: str
) -> None:
    with within(5):
        with pytest.raises(UnsafeFileError) as caught:
            read_regular(specials[kind])
        with pytest.raises(OSError):  # callers that catch read errors keep working
            sha256_file(specials[kind])
    assert caught.value.kind == kind
    sentence = str(caught.value)
    assert specials[kind].name in sentence and "\n" not in sentence
    assert "Errno" not in sentence and "Traceback" not in sentence


def test_a_link_leading_out_of_the_folder_is_refused_when_reading_inside_it(
    specials: dict[str, Path],
) -> None:
    folder = specials["outside"].parent
    with pytest.raises(UnsafeFileError) as caught:
        read_regular(specials["outside"], inside=folder)
    assert caught.value.kind == "outside"
    # Without a folder to stay in, the same link is an ordinary file the person picked.
    assert read_regular(specials["outside"]) == png_bytes()


def test_a_file_larger_than_the_cap_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(UnsafeFileError) as caught:
        read_regular(big, max_bytes=4096)
    assert caught.value.kind == "too-big"
    assert read_regular(big, max_bytes=5000) == b"x" * 5000


def write_case(folder: Path, files: dict[str, bytes | None]) -> Path:
    """A case file whose entry E0001 lists ``files`` (name -> recorded content)."""
    lines = [
        "schema = 1",
        'title = "alice"',
        "created = 2026-11-23T14:32:00Z",
        "",
        "[[evidence]]",
        'id = "E0001"',
        "added_at = 2026-11-23T14:32:00Z",
    ]
    for name, content in files.items():
        data = content or b""
        lines += [
            "",
            "[[evidence.attachments]]",
            f'path = "alice-files/{name}"',
            f'sha256 = "{hashlib.sha256(data).hexdigest()}"',
            f"bytes = {len(data)}",
            'original_name = "Screenshot.png"',
            "added_at = 2026-11-23T14:32:00Z",
        ]
    path = folder / "alice.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "alice-files").mkdir(exist_ok=True)
    return path


def test_verify_reports_special_files_without_opening_them(tmp_path: Path) -> None:
    names = {"fifo.png": b"", "dir.png": b"", "sock.png": b"", "loop.png": b"", "ok.png": None}
    path = write_case(tmp_path, names)
    evidence = tmp_path / "alice-files"
    os.mkfifo(evidence / "fifo.png")  # recorded as 0 bytes: the size check alone won't save us
    (evidence / "dir.png").mkdir()
    sock = make_socket(evidence / "sock.png")
    os.symlink("loop.png", evidence / "loop.png")
    (evidence / "ok.png").write_bytes(b"")
    casefile = CaseFile.open(path)
    try:
        with within(5):
            problems = verify(casefile)
    finally:
        sock.close()
        casefile.close()
    found = {p.path.rsplit("/", 1)[1]: p for p in problems}
    assert set(found) == {"fifo.png", "dir.png", "sock.png", "loop.png"}
    assert found["fifo.png"].kind == "special" and "pipe" in found["fifo.png"].message
    assert "socket" in found["sock.png"].message
    assert "loop" in found["loop.png"].message


@pytest.mark.parametrize("hostile", ["fifo", "dev-zero"])
def test_abri_check_on_a_fifo_or_dev_zero_returns_promptly_with_a_sentence(
    tmp_path: Path, hostile: str
) -> None:
    import subprocess

    path = write_case(tmp_path, {"E0001-shot.png": b""})
    target = tmp_path / "alice-files" / "E0001-shot.png"
    if hostile == "fifo":
        os.mkfifo(target)
    else:
        os.symlink("/dev/zero", target)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tui", "check", str(path), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert time.monotonic() - started < 30
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode in (1, 2)  # a problem listed, or the case refused
    out = done.stdout + done.stderr
    assert ("pipe" in out) if hostile == "fifo" else ("outside the evidence folder" in out)


def test_read_attachment_refuses_links_out_loops_and_bad_paths(tmp_path: Path) -> None:
    path = write_case(tmp_path, {})
    evidence = tmp_path / "alice-files"
    (tmp_path / "secret.txt").write_text("ssh key")
    os.symlink("../secret.txt", evidence / "out.png")
    os.symlink("loop.png", evidence / "loop.png")
    (evidence / "ok.png").write_bytes(b"fine")
    assert read_attachment(path, "alice-files/ok.png") == b"fine"
    kinds = {}
    for relative in ("alice-files/out.png", "alice-files/loop.png", "../secret.txt", "/etc/passwd"):
        with pytest.raises(UnsafeFileError) as caught:
            read_attachment(path, relative)
        kinds[relative] = caught.value.kind
    assert kinds == {
        "alice-files/out.png": "outside",
        "alice-files/loop.png": "loop",
        "../secret.txt": "outside",
        "/etc/passwd": "outside",
    }


def test_an_export_reading_many_files_refuses_the_same_and_a_file_swapped_after_listing(
    tmp_path: Path,
) -> None:
    """The exporters' reader (folder listed once) refuses what read_attachment refuses,
    and a file replaced by a link out after the listing is refused, never followed."""
    path = write_case(tmp_path, {})
    evidence = tmp_path / "alice-files"
    (tmp_path / "secret.txt").write_text("ssh key")
    os.symlink("../secret.txt", evidence / "out.png")
    os.symlink("loop.png", evidence / "loop.png")
    (evidence / "ok.png").write_bytes(b"fine")
    (evidence / "swapped.png").write_bytes(b"was fine")
    reader = AttachmentReader(path)
    assert reader.read("alice-files/ok.png") == (evidence / "ok.png", b"fine")
    (evidence / "swapped.png").unlink()
    os.symlink("../secret.txt", evidence / "swapped.png")
    kinds = {}
    for relative in (
        "alice-files/out.png",
        "alice-files/loop.png",
        "alice-files/gone.png",
        "alice-files/swapped.png",
        "../secret.txt",
        "/etc/passwd",
    ):
        with pytest.raises(UnsafeFileError) as caught:
            reader.read(relative)
        kinds[relative] = caught.value.kind
        assert "ssh key" not in str(caught.value)
    assert kinds == {
        "alice-files/out.png": "outside",
        "alice-files/loop.png": "loop",
        "alice-files/gone.png": "missing",
        "alice-files/swapped.png": "unreadable",
        "../secret.txt": "outside",
        "/etc/passwd": "outside",
    }


# ---------------------------------------------------------------- attaching


@pytest.fixture
def casefile(tmp_path: Path) -> Iterator[CaseFile]:
    case = Case(title="alice", timezone="Europe/Paris")
    case.evidence.append(Evidence(id="E0001"))
    opened = CaseFile.create(tmp_path / "alice.toml", case)
    yield opened
    opened.close()


@pytest.mark.parametrize("kind", ["pipe", "device", "loop", "folder", "socket"])
def test_attaching_a_special_file_is_refused_and_leaves_nothing_behind(
    casefile: CaseFile, specials: dict[str, Path], kind: str
) -> None:
    with within(5), pytest.raises(AttachError) as caught:
        attach_file(casefile, casefile.case.evidence[0], specials[kind])
    assert specials[kind].name in str(caught.value)
    leftovers = list(casefile.evidence_dir.iterdir()) if casefile.evidence_dir.exists() else []
    assert [p.name for p in leftovers if p.name != ".backups"] == []


def test_a_text_file_named_png_is_kept_as_a_file_and_said_not_to_be_a_picture(
    casefile: CaseFile, tmp_path: Path
) -> None:
    fake = tmp_path / "Screenshot_20261123-143201.png"
    fake.write_text("this is not a picture")
    result = attach_file(casefile, casefile.case.evidence[0], fake)
    assert result.image is None
    assert "not a picture" in result.notice and fake.name in result.notice
    copy = casefile.path.parent / result.attachment.path
    assert copy.read_text() == "this is not a picture"
    assert result.attachment.sha256 == hashlib.sha256(fake.read_bytes()).hexdigest()

    real = tmp_path / "real.png"
    real.write_bytes(png_bytes())
    result = attach_file(casefile, casefile.case.evidence[0], real)
    assert (result.image, result.notice) == ("png", "")


def test_a_name_that_is_not_utf8_is_attached_under_a_safe_form_that_saves(
    casefile: CaseFile, tmp_path: Path
) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"capture-\xe9t\xe9.png")
    with open(raw, "wb") as handle:
        handle.write(png_bytes())
    source = Path(os.fsdecode(raw))
    result = attach_file(casefile, casefile.case.evidence[0], source)
    assert result.attachment.original_name == "capture-\\xe9t\\xe9.png"
    entry = casefile.case.evidence[0]
    casefile.case.evidence[0] = dataclasses.replace(
        entry, attachments=type(entry.attachments)([result.attachment])
    )
    casefile.save()  # used to fail: the name could not be written as UTF-8
    reopened = CaseFile.open(casefile.path)
    assert reopened.case.evidence[0].attachments[0].original_name == "capture-\\xe9t\\xe9.png"
    reopened.close()


def test_safe_name_keeps_valid_text_and_shows_undecodable_bytes() -> None:
    assert (
        safe_name("Capture d’écran 2026 [/b] \u202e.png") == "Capture d’écran 2026 [/b] \u202e.png"
    )
    assert safe_name(os.fsdecode(b"a\xff\xfeb.png")) == "a\\xff\\xfeb.png"
    assert safe_name("lone \ud800 half") == "lone \\ud800 half"


# ---------------------------------------------------------------- pictures


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("PNG", "png"), ("JPEG", "jpeg"), ("GIF", "gif"), ("BMP", "bmp"), ("WEBP", "webp")],
)
def test_real_pictures_of_every_supported_kind_are_recognised(fmt: str, kind: str) -> None:
    data = png_bytes((64, 48), fmt)
    assert image_kind(data) == kind
    assert is_image(data)


def test_truncated_garbage_and_lying_pictures_are_not_pictures(tmp_path: Path) -> None:
    png = png_bytes((300, 200))
    jpeg = png_bytes((300, 200), "JPEG")
    hostile = {
        "truncated png": png[: len(png) // 2],
        "truncated jpeg": jpeg[: len(jpeg) // 2],
        "garbage bmp": b"BM" + os.urandom(2000),
        "png magic then junk": b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        "text": b"hello, this is text",
        "empty": b"",
        "tiff (not shown by every exporter)": png_bytes((10, 10), "TIFF"),
    }
    for label, data in hostile.items():
        assert image_kind(data) is None, label
    (tmp_path / "t.png").write_bytes(hostile["truncated png"])
    assert image_kind_of_file(tmp_path / "t.png") is None


BOMB = """
import io, sys, time
from PIL import Image
from tui.core.attachments import IMAGE_MAX_PIXELS, image_kind
out = io.BytesIO()
Image.new("1", (11_000, 10_000)).save(out, format="PNG")
assert 11_000 * 10_000 > IMAGE_MAX_PIXELS
started = time.monotonic()
print(image_kind(out.getvalue()), round(time.monotonic() - started, 3))
"""


def test_a_decompression_bomb_is_refused_quickly_and_quietly() -> None:
    # 11,000 x 10,000 one-bit pixels: a small file that would decode to 110 megapixels.
    # In a program of its own, as in Abri: nothing may be printed over the app.
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", BOMB], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    kind, seconds = done.stdout.split()
    assert kind == "None"
    assert float(seconds) < 2
    assert done.stderr == ""


# ---------------------------------------------------------------- folder scans


def test_a_folder_scan_keeps_only_its_own_regular_files(
    specials: dict[str, Path], tmp_path: Path
) -> None:
    folder = specials["pipe"].parent
    (folder / "Screenshot_1.png").write_bytes(png_bytes())
    os.symlink("Screenshot_1.png", folder / "same-folder-link.png")
    os.symlink("/etc/passwd", folder / "passwd.png")
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.txt").write_text("not an image extension: silently left out")
    (folder / ".hidden.png").write_bytes(png_bytes())
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.png"), "wb") as handle:
        handle.write(png_bytes())
    with within(5):
        scan = scan_folder(folder)
    kept = [f.name for f in scan.files]
    assert kept == ["caf\\xe9.png", "same-folder-link.png", "Screenshot_1.png"]
    skipped = {s.name: s.kind for s in scan.skipped}
    assert skipped == {
        "dir.png": "folder",
        "empty.png": "empty",
        "fifo.png": "pipe",
        "gone.png": "broken-link",
        "loop.png": "loop",
        "outside-link.png": "outside",
        "passwd.png": "outside",
        "sock.png": "socket",
        "zero.png": "outside",
    }
    assert all(s.reason and "\n" not in s.reason for s in scan.skipped)
    # The kept paths open the real files, whatever their names.
    assert all(p.path.read_bytes() == png_bytes() for p in scan.files)


def test_a_folder_scan_never_takes_a_file_bigger_than_the_cap(tmp_path: Path) -> None:
    (tmp_path / "huge.png").write_bytes(b"\0" * 10_000)
    (tmp_path / "small.png").write_bytes(png_bytes())
    scan = scan_folder(tmp_path, max_bytes=5_000)
    assert [f.name for f in scan.files] == ["small.png"]
    assert [(s.name, s.kind) for s in scan.skipped] == [("huge.png", "too-big")]


def test_cli_folder_import_copies_nothing_from_outside_the_folder(
    specials: dict[str, Path], tmp_path: Path
) -> None:
    import subprocess

    folder = specials["pipe"].parent
    (folder / "mine.png").write_bytes(png_bytes((12, 12)))
    os.symlink("/etc/passwd", folder / "passwd.png")
    case = tmp_path / "case" / "bob.toml"
    case.parent.mkdir()
    run = [sys.executable, "-m", "tui"]
    subprocess.run(
        [*run, "new", str(case), "--lang", "en"], cwd=ROOT, check=True, capture_output=True
    )
    done = subprocess.run(
        [*run, "import", str(case), str(folder), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert "Traceback" not in done.stderr
    copies = [p for p in (case.parent / "bob-files").iterdir() if p.is_file()]
    assert [p.read_bytes() for p in copies] == [png_bytes((12, 12))]


@pytest.mark.parametrize("hostile", ["fifo", "dev-zero"])
def test_abri_import_of_a_fifo_or_dev_zero_list_ends_at_once(tmp_path: Path, hostile: str) -> None:
    import subprocess

    case = tmp_path / "bob.toml"
    run = [sys.executable, "-m", "tui"]
    subprocess.run(
        [*run, "new", str(case), "--lang", "en"], cwd=ROOT, check=True, capture_output=True
    )
    urls = tmp_path / "urls.txt"
    if hostile == "fifo":
        os.mkfifo(urls)
    else:
        os.symlink("/dev/zero", urls)
    done = subprocess.run(
        [*run, "import", str(case), str(urls), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,  # used to hang (FIFO) or grow to 8 GiB (/dev/zero)
    )
    assert done.returncode == 1
    assert ("pipe" if hostile == "fifo" else "device") in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_abri_check_on_a_case_file_replaced_by_a_fifo_ends_with_a_sentence(tmp_path: Path) -> None:
    import subprocess

    case = tmp_path / "bob.toml"
    run = [sys.executable, "-m", "tui"]
    subprocess.run(
        [*run, "new", str(case), "--lang", "en"], cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(  # a second save, so a backup exists to fall back on
        [*run, "add", str(case), "--content=x", "--lang", "en"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    case.unlink()
    os.mkfifo(case)
    done = subprocess.run(
        [*run, "check", str(case), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert done.returncode == 2
    assert "not a regular file" in done.stdout + done.stderr


def test_abri_add_says_when_a_screenshot_is_not_a_picture(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    case = tmp_path / "bob.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    fake = tmp_path / "Screenshot_20261123-143201.png"
    fake.write_text("a text file named like a screenshot")
    real = tmp_path / "real.png"
    real.write_bytes(png_bytes())
    capsys.readouterr()
    assert main(["add", str(case), "--screenshot", str(fake), "--lang", "en"]) == 0
    said = capsys.readouterr()
    shown = said.out + said.err
    assert "is not a picture Abri can show" in shown and fake.name in shown
    assert main(["add", str(case), "--screenshot", str(real), "--lang", "en"]) == 0
    assert "not a picture" not in "".join(capsys.readouterr())


@pytest.mark.parametrize("kind", ["pipe", "device", "loop", "folder", "socket"])
def test_the_sessions_copy_path_refuses_special_files_at_once(
    specials: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    from tui.core.attachments import check_source, copy_hashing

    target = tmp_path / "staged.part"
    with within(5):
        with pytest.raises(AttachError) as checked:
            check_source(specials[kind])
        with pytest.raises(AttachError) as copied:
            copy_hashing(specials[kind], target)
    assert specials[kind].name in str(checked.value)
    assert str(copied.value) == str(checked.value)
    assert not target.exists()


def test_the_sessions_copy_path_reads_at_most_its_cap(tmp_path: Path) -> None:
    from tui.core.attachments import copy_hashing

    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * 10_000)
    with pytest.raises(AttachError, match="larger than 4 KiB"):
        copy_hashing(big, tmp_path / "out.part", max_bytes=4096)
    assert not (tmp_path / "out.part").exists()
    digest, size = copy_hashing(big, tmp_path / "ok.part")
    assert size == 10_000 and digest == hashlib.sha256(b"\0" * 10_000).hexdigest()
