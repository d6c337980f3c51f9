"""What every exporter shares: the selected entries in order, labels, times, files.

Exporters read the model, never the screens.  This module turns a case and a
:class:`Scope` into a :class:`Dossier`: the entries in chronological order, the
accounts seen, each attachment resolved to a file inside the evidence folder (or
marked missing / altered / outside), and the translated labels of the document.
No Textual, no rich, no heavy import (python-docx and Playwright are imported by
their exporter only when used).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui import __version__
from tui.core.accounts import entry_account_key
from tui.core.case import Attachment, Case, Evidence
from tui.core.i18n import t
from tui.core.platforms import platform_name as _platform_name
from tui.core.text import xml_safe
from tui.core.timeparse import time_source_label


class ExportError(Exception):
    """An export could not be written; ``str(e)`` is one clear sentence for the person."""


class ExportCancelled(ExportError):
    """The person cancelled; no file was left under a final name."""


class CaseSource(Protocol):
    """What an exporter needs from an open case (``tui.core.store.CaseFile`` fits)."""

    path: Path
    case: Case


Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)``: called from the exporting thread."""


@dataclass
class Scope:
    """Which entries to export; every criterion given must hold (empty = all entries).

    ``ids``: only these entry IDs (e.g. the evidence table's current filter);
    ``start`` / ``end``: publication (else observation) time within [start, end];
    ``accounts``: only entries whose account ID or handle is in this list.
    """

    ids: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    accounts: list[str] | None = None

    def is_all(self) -> bool:
        """True when nothing restricts the selection."""
        return self.ids is None and self.start is None and self.end is None and not self.accounts

    def select(self, case: Case) -> list[Evidence]:
        """The entries of ``case`` in this scope, oldest first (undated ones last)."""
        wanted_ids = set(self.ids) if self.ids is not None else None
        wanted_accounts = {a.strip().lstrip("@").casefold() for a in self.accounts or []}
        chosen = []
        for entry in case.evidence:
            if wanted_ids is not None and entry.id not in wanted_ids:
                continue
            if wanted_accounts and not (
                entry.account_id.casefold() in wanted_accounts
                or entry.account_handle.lstrip("@").casefold() in wanted_accounts
            ):
                continue
            when = entry_time(entry)
            if self.start is not None and (when is None or when < self.start):
                continue
            if self.end is not None and (when is None or when > self.end):
                continue
            chosen.append(entry)
        return sorted(chosen, key=chronological_key)


def entry_time(entry: Evidence) -> datetime | None:
    """The time that orders an entry: when it was posted, else when it was seen."""
    return entry.posted_at or entry.observed_at


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def chronological_key(entry: Evidence) -> tuple[datetime, str]:
    """Sort key: time (undated entries last), then ID so the order is stable."""
    when = entry_time(entry)
    return (when if when is not None else _FAR_FUTURE, entry.id)


def zone(case: Case) -> ZoneInfo:
    """The case's display zone (UTC if the name is unknown on this machine)."""
    try:
        return ZoneInfo(case.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_time(dt: datetime | None, case: Case, lang: str) -> str:
    """A time for a document: the case's zone, seconds and the UTC offset, e.g.
    ``14/04/2021 17:10:42 (UTC+02:00)``; ``""`` for no time."""
    if dt is None:
        return ""
    local = dt.astimezone(zone(case))
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    pattern = "%d/%m/%Y %H:%M:%S" if lang == "fr" else "%Y-%m-%d %H:%M:%S"
    return f"{local.strftime(pattern)} ({offset})"


def format_day(dt: datetime | None, case: Case, lang: str) -> str:
    """Just the date, in the case's zone."""
    if dt is None:
        return ""
    return dt.astimezone(zone(case)).strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")


def source_label(source: str, lang: str) -> str:
    """Where a time came from, in words (typed, decoded from the post ID...)."""
    return time_source_label(source, lang)


def platform_name(platform: str, lang: str | None = None) -> str:
    """Display name of a platform id (``x`` -> ``X (Twitter)``)."""
    return _platform_name(platform, lang)


def category_label(category: str, lang: str) -> str:
    """A category in words; an unknown one is shown as written (made XML-safe)."""
    label = t(f"export.category.{category}", lang)
    return label if not label.startswith("export.category.") else xml_safe(category)


def safe(text: str) -> str:
    """Case text ready for a document: XML-forbidden and invisible characters as markers.

    CRLF and lone CR become one line break (Word would otherwise show two).
    """
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------- attachments


@dataclass
class ResolvedFile:
    """One attachment checked on disk: its bytes when readable and inside the folder."""

    attachment: Attachment
    path: Path | None
    """Absolute path, or None when the recorded path is not inside the evidence folder."""
    status: str
    """``ok``, ``missing``, ``altered`` (hash differs) or ``outside`` (refused path)."""
    data: bytes | None = None

    @property
    def is_image(self) -> bool:
        """True when the file is a picture we can embed."""
        return self.data is not None and image_kind(self.data) is not None


def evidence_dir(source: CaseSource) -> Path:
    """The evidence folder beside the case file (``alice.toml`` -> ``alice-files``)."""
    folder = getattr(source, "evidence_dir", None)
    if isinstance(folder, Path):
        return folder
    return source.path.parent / f"{source.path.stem}-files"


def resolve(source: CaseSource, attachment: Attachment, *, read: bool = True) -> ResolvedFile:
    """Find an attachment's file, refusing any path that leads out of the evidence folder.

    With ``read``, the bytes are loaded and their SHA-256 compared with the recorded
    one, so an altered file is flagged in the export instead of shown as proof.
    """
    folder = evidence_dir(source).resolve()
    rel = attachment.path.replace("\\", "/")
    candidate = (source.path.parent / rel).resolve()
    if Path(rel).is_absolute() or not candidate.is_relative_to(folder):
        return ResolvedFile(attachment, None, "outside")
    if not candidate.is_file():
        return ResolvedFile(attachment, candidate, "missing")
    if not read:
        return ResolvedFile(attachment, candidate, "ok")
    try:
        data = candidate.read_bytes()
    except OSError:
        return ResolvedFile(attachment, candidate, "missing")
    digest = hashlib.sha256(data).hexdigest()
    status = "ok" if digest == attachment.sha256.lower() else "altered"
    return ResolvedFile(attachment, candidate, status, data)


def image_kind(data: bytes) -> str | None:
    """The picture format from its first bytes (png, jpeg, gif, bmp, webp), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


# ---------------------------------------------------------------- the dossier


@dataclass
class Account:
    """One account seen in the selected entries."""

    key: str
    account_id: str
    platform: str
    handles: list[str] = field(default_factory=list)
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None


@dataclass
class Dossier:
    """The selected entries and everything the documents say about them."""

    source: CaseSource
    entries: list[Evidence]
    lang: str
    generated_at: datetime
    version: str = __version__

    @property
    def case(self) -> Case:
        """The case being exported."""
        return self.source.case

    def tr(self, key: str, **params: Any) -> str:
        """A message in the document's language."""
        return t(key, self.lang, **params)

    def time(self, dt: datetime | None) -> str:
        """A time in the case's zone with its offset."""
        return format_time(dt, self.case, self.lang)

    def period(self) -> tuple[datetime | None, datetime | None]:
        """First and last dated entry."""
        times = [w for w in (entry_time(e) for e in self.entries) if w is not None]
        return (min(times), max(times)) if times else (None, None)

    def period_text(self) -> str:
        """The period covered, in words."""
        first, last = self.period()
        if first is None or last is None:
            return self.tr("export.period.none")
        return self.tr(
            "export.period.range",
            start=format_day(first, self.case, self.lang),
            end=format_day(last, self.case, self.lang),
        )

    def accounts(self) -> list[Account]:
        """Accounts in the selection, most messages first (account ID, else handle)."""
        found: dict[str, Account] = {}
        for entry in self.entries:
            handle = entry.account_handle.strip().lstrip("@")
            key = entry_account_key(entry)  # the one rule the accounts view uses too
            if not key:
                continue
            account = found.get(key)
            if account is None:
                account = found[key] = Account(key, entry.account_id, entry.platform)
            if handle and handle not in account.handles:
                account.handles.append(handle)
            account.count += 1
            when = entry_time(entry)
            if when is not None:
                account.first = when if account.first is None else min(account.first, when)
                account.last = when if account.last is None else max(account.last, when)
        return sorted(found.values(), key=lambda a: (-a.count, a.key))

    def headings(self) -> list[str]:
        """The four column headings of the complaint table."""
        return [
            self.tr("export.col.datetime"),
            self.tr("export.col.screenshot"),
            self.tr("export.col.url"),
            self.tr("export.col.account_id"),
        ]

    def header_lines(self) -> list[tuple[str, str]]:
        """(label, value) lines of the header block, values made document-safe."""
        lines = [(self.tr("export.header.case"), safe(self.case.title))]
        if self.case.concerns:
            lines.append((self.tr("export.header.concerns"), safe(self.case.concerns)))
        lines += [
            (self.tr("export.header.period"), self.period_text()),
            (self.tr("export.header.messages"), str(len(self.entries))),
            (self.tr("export.header.accounts"), str(len(self.accounts()))),
            (self.tr("export.header.timezone"), safe(self.case.timezone)),
            (
                self.tr("export.header.generated"),
                self.tr(
                    "export.header.generated_value",
                    when=self.time(self.generated_at),
                    version=self.version,
                ),
            ),
        ]
        return lines

    def statement(self) -> list[str]:
        """What SHA-256 proves and does not prove, and the advice about a constat."""
        return [
            self.tr("export.statement.proves"),
            self.tr("export.statement.not"),
            self.tr("export.statement.constat"),
        ]


def make_dossier(
    source: CaseSource, scope: Scope | None, lang: str | None, now: datetime | None = None
) -> Dossier:
    """Select the entries and fix the language (the case's unless one is given)."""
    case = source.case
    chosen_lang = lang if lang in ("fr", "en") else case.language
    entries = (scope or Scope()).select(case)
    return Dossier(source, entries, chosen_lang, now or datetime.now(UTC))


def entry_time_line(dossier: Dossier, entry: Evidence) -> str:
    """The entry's publication time with its source, or its observation time."""
    if entry.posted_at is not None:
        when = dossier.time(entry.posted_at)
        # TikTok and Threads IDs are made a little before publication: say so.
        return dossier.tr("export.approximate", when=when) if entry.posted_at_approximate else when
    if entry.observed_at is not None:
        return dossier.tr("export.seen_at", when=dossier.time(entry.observed_at))
    return dossier.tr("export.no_time")


# ---------------------------------------------------------------- files


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(case_path: Path) -> str:
    """A FAT-safe ASCII stem for export files, from the case file's name."""
    stem = _UNSAFE_NAME.sub("-", case_path.stem).strip(".-")[:60]
    return stem or "abri"


def export_name(case_path: Path, when: datetime, suffix: str) -> str:
    """``alice-20261123-195100.docx``: no colon, ASCII, legal on FAT."""
    return f"{file_stem(case_path)}-{when.astimezone(UTC).strftime('%Y%m%d-%H%M%S')}{suffix}"


def sha256_path(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def temp_path(final: Path) -> Path:
    """The temporary name a file is written under before its final rename."""
    return final.with_name(f".{final.name}.{os.getpid()}.part")


def day_bounds(day: date, case: Case) -> tuple[datetime, datetime]:
    """Start and end of a day in the case's zone (for forgiving date ranges)."""
    tz = zone(case)
    return (
        datetime.combine(day, time.min, tzinfo=tz),
        datetime.combine(day, time.max, tzinfo=tz),
    )


def unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, first occurrence order kept."""
    return list(dict.fromkeys(items))
