"""Evidence files: copied into the case's evidence folder, hashed once, named for FAT.

What this module promises:

* :func:`attach` copies a file (screenshot, video, PDF...) into ``<stem>-files/``
  beside the case file, under a generated ASCII name legal on FAT32/exFAT/NTFS
  (``E0007-20210414T151042Z-1.png``), hashing it with SHA-256 in the same read pass.
  A file whose hash is already in the case is not copied twice: the existing file is
  reused (:func:`attach_file` says so).  The copy is fsynced before it is named, so a
  name in the case file never points at a half-written copy.
* Files of 4 GiB or more are refused **everywhere**, not only on FAT: a case travels on
  USB sticks, and a file that fits on this disk would not fit on the stick later.
* :func:`taken_time` reads when an image was taken: EXIF ``DateTimeOriginal`` (Pillow,
  imported only when needed) or a time in the file name (Android, iOS/macOS, Windows
  screenshot names), interpreted in the case's time zone.
* :func:`verify` re-reads every attachment and reports what is missing, altered, of
  another size, outside the evidence folder, or not a regular file.
* Regular files or nothing: every read goes through :func:`open_regular` (and
  :func:`read_regular`, :func:`sha256_file`, :func:`read_attachment` for the exporters
  and the bundle), which refuses FIFOs, devices, sockets, folders, symlink loops,
  oversized files and links leading out, with one sentence, and never blocks.
* Pictures are checked, not trusted: :func:`image_kind` decodes the bytes with Pillow
  (decompression bombs refused); a file named ``.png`` that is not a picture is still
  attached, as a file, and :func:`attach_file` says so.
* :func:`scan_folder` lists what a folder import may take and what it skips, and why
  (links leading out of the folder, special files...); names that are not UTF-8 are
  kept in a safe form (:func:`safe_name`).

It never modifies the case: callers put the returned :class:`Attachment` into a new
:class:`Evidence` (``dataclasses.replace``) and save through the case file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import secrets
import stat
import warnings
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

from tui.core.case import Attachment, Case, Evidence, TimeSource
from tui.core.i18n import t
from tui.core.store import CaseFile, attachment_path_problem

FAT_MAX_BYTES = 4 * 1024**3 - 1
"""The largest file FAT32 can hold (4 GiB - 1 byte)."""

IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff"}
)
"""Extensions :func:`image_files` picks up in a folder of screenshots."""

ATTACH_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(
    {
        # videos (screen recordings, stories)
        ".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".3gp",
        # voice messages
        ".mp3", ".m4a", ".ogg", ".opus", ".wav", ".aac",
        # documents and page captures
        ".pdf", ".mhtml", ".html", ".txt", ".eml", ".json",
    }
)  # fmt: skip
"""Extensions kept on a copied file (lowercased); anything else becomes ``.bin``."""

_EXIF_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"})
_CHUNK = 1024 * 1024


class AttachError(Exception):
    """A file could not be attached; ``str(error)`` is one clear sentence."""


class AttachResult(NamedTuple):
    """What :func:`attach_file` did."""

    attachment: Attachment
    reused: bool
    """True when the same content was already in the case and no copy was made."""
    existing_id: str
    """When reused: the ID of the entry that already held this file."""
    image: str | None = None
    """The picture format the bytes really are (:func:`image_kind`), None if not one."""
    notice: str = ""
    """A sentence to show when the file is named like a picture but is not one."""


class AttachmentProblem(NamedTuple):
    """One attachment that does not check out."""

    evidence_id: str
    path: str
    kind: str
    """``missing``, ``altered``, ``size``, ``outside``, ``special`` (a FIFO, a device, a
    socket, a folder or a symlink loop, never opened) or ``unreadable``."""
    message: str


# ---------------------------------------------------------------------------
# Regular files only
#
# Every read of a file the person did not create with Abri goes through here: a
# case folder received from someone else may hold a FIFO (opening it blocks for
# ever), a link to /dev/zero (reading never ends), a socket, a symlink loop, or a
# link leading to ~/.ssh.  Each is refused with one sentence, before anything blocks.

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the type check: no wait
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class UnsafeFileError(AttachError, OSError):
    """A path that is not a regular file Abri may read; ``str(error)`` is one sentence.

    Also an :class:`OSError`, so code that already catches read errors around
    :func:`sha256_file` keeps working.  ``kind`` says what it was: ``missing``,
    ``folder``, ``pipe``, ``device``, ``socket``, ``special``, ``loop``, ``outside``,
    ``too-big`` or ``unreadable``.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def safe_name(name: str) -> str:
    """``name`` with anything that cannot be written as UTF-8 shown as ``\\xNN``.

    A file name that is not valid UTF-8 (common on sticks written by old cameras or
    Windows code pages) reaches Python with stand-in characters that cannot be
    saved in a TOML file.  The safe form keeps every other character and shows the
    original bytes, so the person still recognises the file.
    """
    return _SURROGATE.sub(_show_surrogate, name)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _show_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by Python's surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"  # a lone UTF-16 half (Windows names can hold one)


def _kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def _refusal(kind: str, name: str, detail: str = "") -> UnsafeFileError:
    key = "attach.not_a_file" if kind == "folder" else f"safety.file_{kind.replace('-', '_')}"
    return UnsafeFileError(kind, t(key, name=name, detail=detail))


def _inside(real: str, real_root: str) -> bool:
    return real != real_root and os.path.commonpath([real_root, real]) == real_root


def _check_regular(
    path: Path, inside: Path | None, max_bytes: int, real_root: str | None = None
) -> os.stat_result:
    """The stat of ``path`` if it is a regular file Abri may read, else UnsafeFileError.

    Only ``stat`` calls: opening some devices has effects of its own (a tape rewinds).
    ``real_root``: ``inside`` with its links resolved, when the caller already has it
    (a check of 10,000 files resolves the folder once, not 10,000 times).
    """
    name = safe_name(path.name)
    if inside is not None:
        real_root = real_root or os.path.realpath(inside)
        if not _inside(os.path.realpath(path), real_root):
            raise _refusal("outside", name)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        try:
            dangling = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            dangling = False
        raise _refusal("broken-link" if dangling else "missing", name) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refusal("loop", name) from None
        raise _refusal("unreadable", name, _why(exc)) from None
    kind = _kind_of(info.st_mode)
    if kind != "file":
        raise _refusal(kind, name)
    if info.st_size > max_bytes:
        raise _refusal("too-big", name, _size_text(max_bytes))
    return info


def _size_text(limit: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if limit >= size:
            return f"{limit / size:.0f} {unit}"
    return f"{limit} bytes"


def regular_file_problem(
    path: Path, *, inside: Path | None = None, max_bytes: int = FAT_MAX_BYTES
) -> UnsafeFileError | None:
    """Why ``path`` may not be read as an attachment (one sentence), or None if it may.

    Never opens the file, never blocks.  With ``inside``, a path whose real
    location (links resolved) is not within that folder is refused too.
    """
    try:
        _check_regular(Path(path), inside, max_bytes)
    except UnsafeFileError as error:
        return error
    return None


@contextlib.contextmanager
def open_regular(
    path: Path, *, inside: Path | None = None, max_bytes: int = FAT_MAX_BYTES
) -> Iterator[BinaryIO]:
    """Open ``path`` for reading if and only if it is a regular file (see below).

    Refuses, with :class:`UnsafeFileError`, a missing file, a folder, a FIFO, a
    device, a socket, a symlink loop, a file larger than ``max_bytes`` and, with
    ``inside``, anything whose real location is outside that folder.  The type is
    checked before opening and again on the open descriptor (so a file swapped for
    a FIFO in between is caught, and the open itself never waits).  The caller
    should still stop reading at ``max_bytes`` (:func:`read_regular` does): a file
    may grow while it is read.
    """
    path = Path(path)
    before = _check_regular(path, inside, max_bytes)
    name = safe_name(path.name)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refusal("loop", name) from None
        raise _refusal("unreadable", name, _why(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refusal(_kind_of(info.st_mode), name)
        if (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
            raise _refusal("unreadable", name, "changed while opened")
        if info.st_size > max_bytes:
            raise _refusal("too-big", name, _size_text(max_bytes))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a regular file: ordinary reads from here on
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_regular(
    path: Path, *, inside: Path | None = None, max_bytes: int = FAT_MAX_BYTES
) -> bytes:
    """The bytes of a regular file (see :func:`open_regular`), never more than ``max_bytes``."""
    with open_regular(path, inside=inside, max_bytes=max_bytes) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _refusal("unreadable", safe_name(Path(path).name), _why(exc)) from None
    if len(data) > max_bytes:  # it grew while we read it
        raise _refusal("too-big", safe_name(Path(path).name), _size_text(max_bytes))
    return data


def evidence_folder(case_path: Path) -> Path:
    """The evidence folder of a case file (``alice.toml`` -> ``alice-files``)."""
    case_path = Path(case_path)
    return case_path.parent / f"{case_path.stem}-files"


def attachment_file(case_path: Path, relative: str) -> Path:
    """The absolute path of an attachment, or :class:`UnsafeFileError` if it may not be read.

    For the exporters and the bundle: the recorded path must have the shape the
    store accepts and lead, links resolved, to a regular file inside the case's
    evidence folder.  Never opens the file.
    """
    case_path = Path(case_path)
    folder = evidence_folder(case_path)
    name = safe_name(relative)
    if attachment_path_problem(relative, folder.name) is not None:
        raise _refusal("outside", name)
    full = case_path.parent / relative
    _check_regular(full, folder, FAT_MAX_BYTES)
    return full


def read_attachment(case_path: Path, relative: str, *, max_bytes: int = FAT_MAX_BYTES) -> bytes:
    """The bytes of an attachment (see :func:`attachment_file`), at most ``max_bytes``.

    Raises :class:`UnsafeFileError` (one sentence) instead of blocking on a FIFO,
    reading a device for ever, following a link out of the evidence folder or
    looping on a symlink.
    """
    full = attachment_file(case_path, relative)
    return read_regular(full, inside=evidence_folder(case_path), max_bytes=max_bytes)


class AttachmentReader:
    """:func:`attachment_file` and :func:`read_attachment` for many files of one case.

    For an export of thousands of attachments: the evidence folder is resolved and
    listed once (as :func:`verify` does), so a plain regular file listed directly in
    it needs no ``realpath`` — it is inside the folder by construction.  Any other
    path takes :func:`attachment_file`'s checks.  The file opened must be the one
    listed (same device and inode): a file swapped for a link after the listing is
    refused, never followed.  Refusals are the same :class:`UnsafeFileError` kinds.
    """

    def __init__(self, case_path: Path) -> None:
        self.base = Path(case_path).parent
        self.folder = evidence_folder(Path(case_path))
        self.real_root = os.path.realpath(self.folder)
        self.listing = _listing(self.folder)

    def _checked(self, relative: str) -> tuple[Path, os.stat_result | None]:
        if attachment_path_problem(relative, self.folder.name) is not None:
            raise _refusal("outside", safe_name(relative))
        full = self.base / relative
        try:
            listed = _listed_file(self.listing, relative, full)
        except UnsafeFileError:
            raise _refusal("missing", safe_name(Path(relative).name)) from None
        if listed is None:
            _check_regular(full, self.folder, FAT_MAX_BYTES, self.real_root)
        return full, listed

    def path(self, relative: str) -> Path:
        """The absolute path of an attachment that may be read (see :func:`attachment_file`)."""
        return self._checked(relative)[0]

    def read(self, relative: str, *, max_bytes: int = FAT_MAX_BYTES) -> tuple[Path, bytes]:
        """The absolute path and bytes of an attachment (see :func:`read_attachment`)."""
        full, listed = self._checked(relative)
        name = safe_name(full.name)
        with open_regular(full, max_bytes=max_bytes) as handle:
            if listed is not None:
                opened = os.fstat(handle.fileno())
                if (opened.st_dev, opened.st_ino) != (listed.st_dev, listed.st_ino):
                    raise _refusal("unreadable", name, "changed while opened")
            try:
                data = handle.read(max_bytes + 1)
            except OSError as exc:
                raise _refusal("unreadable", name, _why(exc)) from None
        if len(data) > max_bytes:  # it grew while we read it
            raise _refusal("too-big", name, _size_text(max_bytes))
        return full, data


# ---------------------------------------------------------------------------
# Images: checked, not trusted

SUPPORTED_IMAGE_KINDS = ("png", "jpeg", "gif", "bmp", "webp")
"""Picture formats every exporter can show (Word, Chromium) and Pillow can check."""

IMAGE_MAX_PIXELS = 100_000_000
"""Larger pictures are refused as pictures (decompression bombs; no phone takes more)."""

URL_LIST_MAX_BYTES = 64 * 1024**2
"""A list of URLs to import is read up to this size (about a million addresses)."""

IMAGE_MAX_BYTES = 256 * 1024**2
"""A folder import reads at most this much per file: no screenshot or photo is bigger."""

_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "bmp": "BMP", "webp": "WEBP"}


def picture_format(head: bytes) -> str | None:
    """The picture format its first bytes announce (``png``, ``jpeg``, ``gif``, ``bmp``,
    ``webp``), or None.  Only a first look: :func:`image_kind` decodes to be sure."""
    return _magic_kind(head)


def _magic_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


@cache
def _pillow() -> Any:
    """Pillow's Image module, imported on first use, its bomb warning silenced.

    Abri applies its own, lower limit (:data:`IMAGE_MAX_PIXELS`) before decoding;
    Pillow's warning would otherwise print into the full-screen app.
    """
    from PIL import Image

    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    return Image


def image_kind(data: bytes) -> str | None:
    """The picture format of ``data`` (one of :data:`SUPPORTED_IMAGE_KINDS`), or None.

    None means "do not show this as a picture": not an image, a type the exporters
    cannot show, a truncated or corrupt file, or more than :data:`IMAGE_MAX_PIXELS`
    pixels.  The whole picture is decoded (JPEG at 1/8 scale, which still reads
    every byte), so a file that only starts like an image is caught.  Never raises.
    """
    return _image_kind(lambda: io.BytesIO(data), data[:16])


def image_kind_of_file(path: Path, *, max_bytes: int = IMAGE_MAX_BYTES) -> str | None:
    """:func:`image_kind` for a file on disk; None as well for anything not a regular file."""
    try:
        data = read_regular(Path(path), max_bytes=max_bytes)
    except OSError:
        return None
    return image_kind(data)


def is_image(data: bytes) -> bool:
    """True when ``data`` is a picture the exporters may embed (see :func:`image_kind`)."""
    return image_kind(data) is not None


def _image_kind(reopen: Callable[[], BinaryIO], head: bytes) -> str | None:
    kind = _magic_kind(head)
    if kind is None:
        return None
    formats = [_PILLOW_FORMATS[kind]]
    try:
        image_module = _pillow()
        with image_module.open(reopen(), formats=formats) as image:
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > IMAGE_MAX_PIXELS:
                return None
            image.verify()
        with image_module.open(reopen(), formats=formats) as image:
            if kind == "jpeg":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Exception:  # a hostile file may make any decoder raise anything
        return None
    return kind


# ---------------------------------------------------------------------------
# Hashing and names


def sha256_file(path: Path, *, inside: Path | None = None, max_bytes: int = FAT_MAX_BYTES) -> str:
    """The SHA-256 (hex) of a regular file's content, read in 1 MiB chunks.

    Raises :class:`UnsafeFileError` (an ``OSError``) for anything :func:`open_regular`
    refuses, and when the file grows past ``max_bytes`` while it is read.
    """
    digest = hashlib.sha256()
    size = 0
    with open_regular(path, inside=inside, max_bytes=max_bytes) as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _refusal("too-big", safe_name(Path(path).name), _size_text(max_bytes))
            digest.update(chunk)
    return digest.hexdigest()


def safe_extension(name: str) -> str:
    """The lowercased extension of ``name`` if whitelisted, else ``.bin``."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix if suffix in ATTACH_EXTENSIONS else ".bin"


def compact_utc(moment: datetime) -> str:
    """``20210414T151042Z``: a time that is legal in a FAT file name (no ``:``)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def evidence_file_name(evidence_id: str, moment: datetime, counter: int, extension: str) -> str:
    """A FAT/exFAT/NTFS-safe name such as ``E0007-20210414T151042Z-1.png``.

    Only ASCII letters, digits, ``-`` and ``.``; never a reserved device name (it always
    contains a ``-``); well under 255 characters.
    """
    safe_id = "".join(c for c in evidence_id if c.isascii() and c.isalnum())[:16] or "E"
    ext = extension if extension in ATTACH_EXTENSIONS else ".bin"
    return f"{safe_id}-{compact_utc(moment)}-{counter}{ext}"


def find_attachment(case: Case, sha256: str) -> tuple[Evidence, Attachment] | None:
    """The entry and attachment already holding content with this hash, if any."""
    for entry in case.evidence:
        for attachment in entry.attachments:
            if attachment.sha256 == sha256:
                return entry, attachment
    return None


# ---------------------------------------------------------------------------
# When was it taken?

_NAME_TIME = re.compile(
    r"(?<![0-9])(20[0-9]{2})-?([0-9]{2})-?([0-9]{2})"  # date, with or without dashes
    r"(?:[ _T-]|\s+(?:at|à|a|um|alle)\s+)"  # separator: Android/Windows, or macOS "at"/"à"
    r"([0-9]{1,2})[.\-_h:]?([0-9]{2})[.\-_m:]?([0-9]{2})"  # time, several separators
    r"(?:\s*([AaPp][Mm]))?"  # macOS in 12-hour locales
    r"(?![0-9])"
)


def time_from_file_name(name: str, tz: str, *, now: datetime | None = None) -> datetime | None:
    """The time written in a screenshot's file name, in zone ``tz``, or None.

    Recognises ``Screenshot_20261123-143201.png``, ``IMG_20261123_143201.jpg``,
    ``Screenshot 2026-11-23 at 14.32.01.png``, ``Capture d’écran 2026-11-23 à 14.32.01.png``,
    ``Screenshot 2026-11-23 143201.png`` and the 12-hour ``… at 2.32.01 PM``.  Times in
    the future or before 2000 are refused (they would be wrong evidence).
    """
    match = _NAME_TIME.search(name)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    meridiem = (match.group(7) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return _plausible(year, month, day, hour, minute, second, tz, now)


def _plausible(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    tz: str,
    now: datetime | None,
) -> datetime | None:
    try:
        zone = ZoneInfo(tz)
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except (ValueError, KeyError, OSError):
        return None
    current = now or datetime.now(UTC)
    if moment.year < 2000 or moment > current + timedelta(days=1):
        return None
    return moment


_EXIF_TIME = re.compile(r"^([0-9]{4}):([0-9]{2}):([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})")
_EXIF_OFFSET = re.compile(r"^([+-])([0-9]{2}):([0-9]{2})$")


def time_from_exif(path: Path, tz: str, *, now: datetime | None = None) -> datetime | None:
    """EXIF ``DateTimeOriginal`` (or ``DateTimeDigitized``) of an image, or None.

    Uses ``OffsetTimeOriginal`` when the camera wrote one, else the case's zone ``tz``.
    Any failure to read (not an image, hostile file, Pillow missing) gives None.
    """
    try:
        image_module = _pillow()

        with image_module.open(path) as image:
            exif = image.getexif()
            sub = exif.get_ifd(0x8769)
            raw = sub.get(36867) or sub.get(36868)
            offset = sub.get(36881) or sub.get(36882)
    except Exception:  # a hostile file may make any decoder raise anything
        return None
    if not isinstance(raw, str):
        return None
    match = _EXIF_TIME.match(raw.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    moment = _plausible(year, month, day, hour, minute, second, tz, now)
    if moment is None:
        return None
    if isinstance(offset, str) and (found := _EXIF_OFFSET.match(offset.strip())):
        sign = -1 if found.group(1) == "-" else 1
        delta = timedelta(hours=int(found.group(2)), minutes=int(found.group(3)))
        with contextlib.suppress(ValueError):  # offsets beyond ±24 h
            moment = moment.replace(tzinfo=timezone(sign * delta))
    return moment


def taken_time(
    path: Path, tz: str, original_name: str | None = None
) -> tuple[datetime | None, TimeSource]:
    """When the file was taken, and where that came from (``file-metadata`` / ``file-name``).

    ``original_name`` is the name the person picked (``path`` may be a copy with another
    name); its extension decides whether the file is worth opening as an image.
    """
    name = original_name or path.name
    if os.path.splitext(name)[1].lower() in _EXIF_EXTENSIONS:
        moment = time_from_exif(path, tz)
        if moment is not None:
            return moment.astimezone(UTC), "file-metadata"
    moment = time_from_file_name(name, tz)
    if moment is not None:
        return moment.astimezone(UTC), "file-name"
    return None, ""


# ---------------------------------------------------------------------------
# Attaching


def attach(casefile: CaseFile, evidence: Evidence, source: Path) -> Attachment:
    """Copy ``source`` into the case's evidence folder and describe it (see :func:`attach_file`)."""
    return attach_file(casefile, evidence, source).attachment


def attach_file(
    casefile: CaseFile, evidence: Evidence, source: Path, *, max_bytes: int = FAT_MAX_BYTES
) -> AttachResult:
    """Copy ``source`` into ``casefile.evidence_dir`` (created if needed), hashing it once.

    Returns the :class:`Attachment` to add to ``evidence`` (the caller adds it and
    saves).  When the same content is already in the case, the existing file is reused
    and ``reused`` is True.  Raises :class:`AttachError` (one clear sentence) for a
    missing, unreadable or too big file, for anything that is not a regular file (a
    folder, a FIFO, a device, a socket, a symlink loop), for a read-only case, or when
    the copy cannot be written; a failed copy leaves nothing behind.  Reads at most
    ``max_bytes`` (a folder import passes :data:`IMAGE_MAX_BYTES`).

    A file named like a picture whose bytes are not one Abri can show is still
    attached, as a file: ``image`` is None and ``notice`` says so.
    """
    source = Path(source)
    if casefile.read_only is not None:
        # The entry could not be saved: a copied file would be an orphan in the folder.
        raise AttachError(casefile.read_only)
    limit = min(max_bytes, FAT_MAX_BYTES)
    original = safe_name(source.name)
    problem = regular_file_problem(source, max_bytes=limit)
    if problem is not None:
        if problem.kind == "missing":
            raise AttachError(t("attach.not_found", name=original))
        if problem.kind == "too-big" and limit == FAT_MAX_BYTES:
            raise AttachError(t("attach.too_big", name=original))
        raise AttachError(str(problem))

    folder = casefile.evidence_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None
    partial = folder / f".incoming-{secrets.token_hex(6)}.part"
    try:
        digest, size = _copy_hashing(source, partial, limit)
    except UnsafeFileError as exc:
        raise AttachError(str(exc)) from None
    except _ReadError as exc:
        raise AttachError(t("attach.unreadable", name=original, detail=_why(exc.error))) from None
    except _TooBig:
        if limit == FAT_MAX_BYTES:
            raise AttachError(t("attach.too_big", name=original)) from None
        raise AttachError(str(_refusal("too-big", original, _size_text(limit)))) from None
    except OSError as exc:
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None

    case = casefile.case
    kind, notice = picture_check(partial, original)
    taken_at, taken_source = taken_time(partial, case.timezone, source.name)
    added_at = datetime.now(UTC)
    existing = find_attachment(case, digest)
    if existing is not None:
        holder, found = existing
        if (casefile.path.parent / found.path).is_file():
            with contextlib.suppress(OSError):
                partial.unlink()
            attachment = Attachment(
                path=found.path,
                sha256=digest,
                bytes=size,
                original_name=original,
                added_at=added_at,
                taken_at=taken_at,
                taken_at_source=taken_source,
            )
            return AttachResult(attachment, True, holder.id, kind, notice)

    moment = evidence.posted_at or evidence.added_at
    extension = safe_extension(source.name)
    taken_names = {a.path for e in case.evidence for a in e.attachments}
    counter = len(evidence.attachments) + 1
    while True:
        name = evidence_file_name(evidence.id, moment, counter, extension)
        relative = f"{folder.name}/{name}"
        # FAT is case-insensitive: our names differ only by digits, so exists() is enough.
        if relative not in taken_names and not (folder / name).exists():
            break
        counter += 1
    try:
        os.replace(partial, folder / name)
        _fsync_folder(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None
    attachment = Attachment(
        path=relative,
        sha256=digest,
        bytes=size,
        original_name=original,
        added_at=added_at,
        taken_at=taken_at,
        taken_at_source=taken_source,
    )
    return AttachResult(attachment, False, "", kind, notice)


def picture_check(copy: Path, original: str) -> tuple[str | None, str]:
    """The picture kind of a fresh copy (:func:`image_kind`), and a sentence to show when
    its ``original`` name promises a picture and it is not one ("" otherwise)."""
    kind = image_kind_of_file(copy)
    if kind is None and os.path.splitext(original)[1].lower() in IMAGE_EXTENSIONS:
        return None, t("safety.not_a_picture", name=original)
    return kind, ""


def check_source(source: Path, *, max_bytes: int = FAT_MAX_BYTES) -> None:
    """Raise :class:`AttachError` (one sentence) unless ``source`` is a file that can be taken.

    A regular file only (never a folder, a FIFO, a device, a socket or a symlink
    loop), of at most ``max_bytes``; only ``stat`` calls, never blocks.
    """
    source = Path(source)
    limit = min(max_bytes, FAT_MAX_BYTES)
    problem = regular_file_problem(source, max_bytes=limit)
    if problem is None:
        return
    name = safe_name(source.name)
    if problem.kind == "missing":
        raise AttachError(t("attach.not_found", name=name))
    if problem.kind == "too-big" and limit == FAT_MAX_BYTES:
        raise AttachError(t("attach.too_big", name=name))
    raise AttachError(str(problem))


def copy_hashing(
    source: Path,
    target: Path,
    *,
    cancelled: Callable[[], bool] | None = None,
    max_bytes: int = FAT_MAX_BYTES,
) -> tuple[str, int]:
    """Copy ``source`` to the new file ``target`` and hash it in one pass (fsynced).

    Returns (SHA-256, size).  Raises :class:`AttachError` (one sentence) when it
    cannot (including anything that is not a regular file: the open never blocks),
    or :class:`CopyCancelled` once ``cancelled()`` turns true (checked between
    chunks, so a 4 GiB copy stops at once); ``target`` is removed in every failure.
    Reads at most ``max_bytes`` (a folder import passes :data:`IMAGE_MAX_BYTES`).
    """
    limit = min(max_bytes, FAT_MAX_BYTES)
    name = safe_name(Path(source).name)
    try:
        return _copy_hashing(source, target, limit, cancelled)
    except UnsafeFileError as exc:
        raise AttachError(str(exc)) from None
    except _ReadError as exc:
        raise AttachError(t("attach.unreadable", name=name, detail=_why(exc.error))) from None
    except _TooBig:
        if limit == FAT_MAX_BYTES:
            raise AttachError(t("attach.too_big", name=name)) from None
        raise AttachError(str(_refusal("too-big", name, _size_text(limit)))) from None
    except OSError as exc:
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None


class CopyCancelled(Exception):
    """The person stopped a copy (the partial copy is already removed)."""


class _ReadError(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _TooBig(Exception):
    pass


def _copy_hashing(
    source: Path,
    target: Path,
    limit: int = FAT_MAX_BYTES,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[str, int]:
    """Copy and hash in one read pass; fsync the copy.  Removes ``target`` on failure.

    ``source`` is opened with :func:`open_regular` (never blocks, regular files
    only; :class:`UnsafeFileError` otherwise); at most ``limit`` bytes are read.
    """
    digest = hashlib.sha256()
    size = 0
    with open_regular(source, max_bytes=limit) as reader:
        fd = os.open(
            target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
        )
        try:
            try:
                while True:
                    try:
                        chunk = reader.read(_CHUNK)
                    except OSError as exc:
                        raise _ReadError(exc) from None
                    if not chunk:
                        break
                    if cancelled is not None and cancelled():
                        raise CopyCancelled
                    size += len(chunk)
                    if size > limit:  # the file grew while we copied it
                        raise _TooBig
                    digest.update(chunk)
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise
    return digest.hexdigest(), size


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the file system can)."""
    _fsync_folder(folder)


def why(exc: OSError) -> str:
    """The reason for an OS error, as a person reads it (disk full, permission...)."""
    return _why(exc)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder; the file itself is fsynced
    finally:
        os.close(fd)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return t("attach.disk_full")
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------
# Folders and verification


class ScannedFile(NamedTuple):
    """A file a folder import may take."""

    path: Path
    """Where it is (its name may hold undecodable bytes: use ``name`` to show it)."""
    name: str
    """The file's name in a form that can be shown and saved (:func:`safe_name`)."""
    bytes: int


class SkippedFile(NamedTuple):
    """A file a folder import leaves out, and why."""

    name: str
    """Its name, safe to show and save (:func:`safe_name`)."""
    kind: str
    """``outside``, ``loop``, ``broken-link``, ``folder``, ``pipe``, ``device``,
    ``socket``, ``special``, ``too-big``, ``empty`` or ``unreadable``."""
    reason: str
    """One sentence for the person."""


class FolderScan(NamedTuple):
    """What :func:`scan_folder` found: the files to take and those left out."""

    files: list[ScannedFile]
    skipped: list[SkippedFile]


def scan_folder(
    folder: Path,
    *,
    extensions: frozenset[str] = IMAGE_EXTENSIONS,
    max_bytes: int = IMAGE_MAX_BYTES,
) -> FolderScan:
    """The files directly in ``folder`` with one of ``extensions``, and those skipped.

    A folder received from someone else must not pull files from elsewhere on this
    computer into the evidence: a symbolic link whose real target is outside
    ``folder`` is skipped, as are symlink loops, dangling links, folders, FIFOs,
    devices, sockets, empty files and files above ``max_bytes``, each with a
    sentence.  Hidden files and other extensions are left out silently.  A name
    that is not valid UTF-8 is kept and shown in its :func:`safe_name` form.  Only
    ``stat`` calls, one per entry (linear in the size of the folder); nothing is
    opened or read.  One bad entry never stops the others.  Files come sorted by
    name.  Raises :class:`AttachError` only when the folder itself cannot be listed.
    """
    folder = Path(folder)
    files: list[ScannedFile] = []
    skipped: list[SkippedFile] = []
    real_root = os.path.realpath(folder)
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if os.path.splitext(entry.name)[1].lower() not in extensions:
                    continue
                name = safe_name(entry.name)
                try:
                    if entry.is_symlink() and not _inside(os.path.realpath(entry.path), real_root):
                        raise _refusal("outside", name)
                    info = _check_regular(Path(entry.path), None, max_bytes)
                    if info.st_size == 0:
                        raise _refusal("empty", name)
                except UnsafeFileError as error:
                    skipped.append(SkippedFile(name, error.kind, str(error)))
                    continue
                except OSError as exc:  # is_symlink() itself failed: keep going
                    refused = _refusal("unreadable", name, _why(exc))
                    skipped.append(SkippedFile(name, refused.kind, str(refused)))
                    continue
                files.append(ScannedFile(Path(entry.path), name, info.st_size))
    except FileNotFoundError:
        raise AttachError(t("attach.folder_not_found", name=safe_name(str(folder)))) from None
    except OSError as exc:
        raise AttachError(
            t("attach.folder_unreadable", name=safe_name(str(folder)), detail=_why(exc))
        ) from None
    files.sort(key=lambda f: (f.name.casefold(), f.name))
    skipped.sort(key=lambda f: (f.name.casefold(), f.name))
    return FolderScan(files, skipped)


def image_files(folder: Path) -> list[Path]:
    """The images directly in ``folder`` that :func:`scan_folder` keeps, sorted by name.

    Links leading out of the folder, special files and oversized files are left out
    (:func:`scan_folder` says why).  Raises :class:`AttachError` when the folder
    cannot be listed.
    """
    return [found.path for found in scan_folder(folder).files]


def _listing(folder: Path) -> dict[str, os.DirEntry[str]] | None:
    """The evidence folder's own entries by name ({} when there is no folder; None when it
    cannot be listed: then every file takes :func:`_check_regular`'s longer way)."""
    try:
        with os.scandir(folder) as entries:
            return {item.name: item for item in entries}
    except FileNotFoundError:
        return {}
    except OSError:
        return None


def _listed_file(
    listing: dict[str, os.DirEntry[str]] | None, path: str, full: Path
) -> os.stat_result | None:
    """The quick answer for a file directly in the evidence folder, from its listing.

    A plain regular file (not a link) listed in the folder is inside it by construction:
    its stat, no ``realpath`` (about 10 system calls in Python code) needed.  A name
    not listed is missing when ``lstat`` agrees (a FAT stick matches names whatever
    their case: the listing alone would call ``E0001.PNG`` missing when ``e0001.png``
    is there).  Anything else (a link, a subfolder, a special or oversized file) is
    None: :func:`_check_regular` decides, with its reasons.
    """
    if listing is None:
        return None
    _folder, _, name = path.partition("/")
    if not name or "/" in name:
        return None
    item = listing.get(name)
    if item is None:
        try:
            os.lstat(full)
        except FileNotFoundError:
            # verify() words "missing" itself: no sentence made here to be thrown away.
            raise UnsafeFileError("missing", "") from None
        except OSError:
            return None
        return None
    try:
        if not item.is_file(follow_symlinks=False):
            return None
        info = item.stat(follow_symlinks=False)
    except OSError:
        return None
    return info if info.st_size <= FAT_MAX_BYTES else None


def verify(
    casefile: CaseFile,
    progress: Callable[[int, int], None] | None = None,
    *,
    hash_files: bool = True,
    skip: Collection[str] = (),
) -> list[AttachmentProblem]:
    """Every attachment that is missing, altered, of another size or outside the folder.

    Reads each file once (a file shared by several entries is hashed once), and only
    regular files inside the evidence folder: a FIFO, a device, a socket, a symlink
    loop or a link leading out is reported (kind ``special``, ``outside``...) without
    being opened, so a check always ends.  An empty list means every recorded file is
    present and unchanged since it was recorded.  ``progress(done, total)`` is called
    after each entry (safe from a worker thread).  Without ``hash_files`` only the
    ``stat`` checks run (missing, size, special, outside): a quick first pass whose
    problems the full check also finds.  Paths in ``skip`` (found by that pass) are
    not looked at again.
    """
    problems: list[AttachmentProblem] = []
    evidence = casefile.case.evidence
    total = len(evidence)
    base = casefile.path.parent
    folder = casefile.evidence_dir
    folder_name = folder.name
    hashes: dict[str, str | UnsafeFileError] = {}
    real_root = os.path.realpath(folder)
    listing = _listing(folder)
    for done, entry in enumerate(evidence, 1):
        if progress is not None:
            progress(done, total)
        for attachment in entry.attachments:
            path = attachment.path
            if path in skip:
                continue

            def report(
                kind: str, entry_id: str = entry.id, path: str = path, **params: object
            ) -> None:
                message = t(f"attach.verify_{kind}", path=path, **params)
                problems.append(AttachmentProblem(entry_id, path, kind, message))

            if attachment_path_problem(path, folder_name) is not None:
                report("outside")
                continue
            full = base / path
            try:
                info = _listed_file(listing, path, full)
                if info is None:
                    info = _check_regular(full, folder, FAT_MAX_BYTES, real_root)
            except UnsafeFileError as error:
                if error.kind in ("missing", "outside"):
                    report(error.kind)
                elif error.kind == "unreadable":
                    report("unreadable", detail=str(error))
                else:
                    message = t("safety.verify_special", path=path, reason=str(error))
                    problems.append(AttachmentProblem(entry.id, path, "special", message))
                continue
            if info.st_size != attachment.bytes:
                report("size", expected=attachment.bytes, actual=info.st_size)
                continue
            if not hash_files:
                continue
            if path not in hashes:
                try:
                    hashes[path] = sha256_file(full, inside=folder, max_bytes=attachment.bytes)
                except UnsafeFileError as exc:
                    hashes[path] = exc
            digest = hashes[path]
            if isinstance(digest, UnsafeFileError):
                report("unreadable", detail=str(digest))
            elif digest != attachment.sha256:
                report("altered")
    return problems
