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
  another size, or outside the evidence folder.

It never modifies the case: callers put the returned :class:`Attachment` into a new
:class:`Evidence` (``dataclasses.replace``) and save through the case file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple
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


class AttachmentProblem(NamedTuple):
    """One attachment that does not check out."""

    evidence_id: str
    path: str
    kind: str
    """``missing``, ``altered``, ``size``, ``outside`` or ``unreadable``."""
    message: str


# ---------------------------------------------------------------------------
# Hashing and names


def sha256_file(path: Path) -> str:
    """The SHA-256 (hex) of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
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
        from PIL import Image

        with Image.open(path) as image:
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


def attach_file(casefile: CaseFile, evidence: Evidence, source: Path) -> AttachResult:
    """Copy ``source`` into ``casefile.evidence_dir`` (created if needed), hashing it once.

    Returns the :class:`Attachment` to add to ``evidence`` (the caller adds it and
    saves).  When the same content is already in the case, the existing file is reused
    and ``reused`` is True.  Raises :class:`AttachError` (one clear sentence) for a
    missing, unreadable or too big file, for a read-only case, or when the copy cannot
    be written; a failed copy leaves nothing behind.
    """
    source = Path(source)
    if casefile.read_only is not None:
        # The entry could not be saved: a copied file would be an orphan in the folder.
        raise AttachError(casefile.read_only)
    try:
        info = os.stat(source)
    except FileNotFoundError:
        raise AttachError(t("attach.not_found", name=source.name)) from None
    except OSError as exc:
        raise AttachError(t("attach.unreadable", name=source.name, detail=_why(exc))) from None
    if not os.path.isfile(source):
        raise AttachError(t("attach.not_a_file", name=source.name))
    if info.st_size > FAT_MAX_BYTES:
        raise AttachError(t("attach.too_big", name=source.name))

    folder = casefile.evidence_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None
    partial = folder / f".incoming-{secrets.token_hex(6)}.part"
    try:
        digest, size = _copy_hashing(source, partial)
    except _ReadError as exc:
        raise AttachError(
            t("attach.unreadable", name=source.name, detail=_why(exc.error))
        ) from None
    except _TooBig:
        raise AttachError(t("attach.too_big", name=source.name)) from None
    except OSError as exc:
        raise AttachError(t("attach.cannot_write", detail=_why(exc))) from None

    case = casefile.case
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
                original_name=source.name,
                added_at=added_at,
                taken_at=taken_at,
                taken_at_source=taken_source,
            )
            return AttachResult(attachment, True, holder.id)

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
        original_name=source.name,
        added_at=added_at,
        taken_at=taken_at,
        taken_at_source=taken_source,
    )
    return AttachResult(attachment, False, "")


class _ReadError(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _TooBig(Exception):
    pass


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy and hash in one read pass; fsync the copy.  Removes ``target`` on failure."""
    digest = hashlib.sha256()
    size = 0
    try:
        reader = open(source, "rb")  # noqa: SIM115 - closed below, errors told apart
    except OSError as exc:
        raise _ReadError(exc) from None
    try:
        fd = os.open(
            target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
        )
        try:
            while True:
                try:
                    chunk = reader.read(_CHUNK)
                except OSError as exc:
                    raise _ReadError(exc) from None
                if not chunk:
                    break
                size += len(chunk)
                if size > FAT_MAX_BYTES:  # the file grew while we copied it
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
    finally:
        reader.close()
    return digest.hexdigest(), size


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


def image_files(folder: Path) -> list[Path]:
    """The images directly in ``folder`` (by extension, hidden files skipped), sorted by name.

    Raises :class:`AttachError` when the folder cannot be listed.
    """
    folder = Path(folder)
    try:
        with os.scandir(folder) as entries:
            found = [
                Path(entry.path)
                for entry in entries
                if not entry.name.startswith(".")
                and os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS
                and entry.is_file()
            ]
    except FileNotFoundError:
        raise AttachError(t("attach.folder_not_found", name=str(folder))) from None
    except OSError as exc:
        raise AttachError(
            t("attach.folder_unreadable", name=str(folder), detail=_why(exc))
        ) from None
    return sorted(found, key=lambda p: (p.name.casefold(), p.name))


def verify(casefile: CaseFile) -> list[AttachmentProblem]:
    """Every attachment that is missing, altered, of another size or outside the folder.

    Reads each file once (a file shared by several entries is hashed once).  An empty
    list means every recorded file is present and unchanged since it was recorded.
    """
    problems: list[AttachmentProblem] = []
    base = casefile.path.parent
    folder_name = casefile.evidence_dir.name
    real_root = os.path.realpath(casefile.evidence_dir)
    hashes: dict[str, str | OSError] = {}
    for entry in casefile.case.evidence:
        for attachment in entry.attachments:
            path = attachment.path

            def report(
                kind: str, entry_id: str = entry.id, path: str = path, **params: object
            ) -> None:
                message = t(f"attach.verify_{kind}", path=path, **params)
                problems.append(AttachmentProblem(entry_id, path, kind, message))

            if attachment_path_problem(path, folder_name) is not None:
                report("outside")
                continue
            full = base / path
            real = os.path.realpath(full)
            if os.path.commonpath([real_root, real]) != real_root or real == real_root:
                report("outside")
                continue
            try:
                size = os.stat(full).st_size
            except FileNotFoundError:
                report("missing")
                continue
            except OSError as exc:
                report("unreadable", detail=_why(exc))
                continue
            if size != attachment.bytes:
                report("size", expected=attachment.bytes, actual=size)
                continue
            if path not in hashes:
                try:
                    hashes[path] = sha256_file(full)
                except OSError as exc:
                    hashes[path] = exc
            digest = hashes[path]
            if isinstance(digest, OSError):
                report("unreadable", detail=_why(digest))
            elif digest != attachment.sha256:
                report("altered")
    return problems
