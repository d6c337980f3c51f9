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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui import __version__
from tui.core.accounts import entry_account_key
from tui.core.case import Attachment, Case, Evidence
from tui.core.i18n import counted_message, fill, message, t
from tui.core.platforms import account_url, decode_id_time
from tui.core.platforms import platform_name as _platform_name
from tui.core.text import xml_safe
from tui.core.timeparse import time_source_label
from tui.export.images import PictureCache, Prepared
from tui.export.images import image_kind as image_kind

ANNEX_BOX_MM = (180.0, 240.0)
"""Largest printed box of a capture: the portrait annex page less margins and caption."""
ANNEX_WIDE_BOX_MM = (268.0, 150.0)
"""The same for a capture wider than tall, printed on a landscape annex page."""


def annex_box(wide: bool) -> tuple[float, float]:
    """The annex box of a capture (landscape for wide captures)."""
    return ANNEX_WIDE_BOX_MM if wide else ANNEX_BOX_MM


class ExportError(Exception):
    """An export could not be written; ``str(e)`` is one clear sentence for the person."""


class ExportCancelled(ExportError):
    """The person cancelled; no file was left under a final name.

    ``written`` lists the files of this export already finished before the
    cancel (they stay, journalled like any other).
    """

    def __init__(self, message: str = "", written: list[Any] | None = None) -> None:
        super().__init__(message)
        self.written: list[Any] = list(written or [])


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


def format_time(dt: datetime | None, case: Case, lang: str, source: str = "") -> str:
    """A time for a document: the case's zone, seconds and the UTC offset, e.g.
    ``14/04/2021 17:10:42 (UTC+02:00)``; ``""`` for no time.

    A typed time shows no seconds (``17:10``) unless some were typed: printing
    ``17:10:00`` would claim a precision nobody had.
    """
    if dt is None:
        return ""
    local = dt.astimezone(zone(case))
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    clock = "%H:%M" if source == "typed" and local.second == 0 else "%H:%M:%S"
    pattern = ("%d/%m/%Y " if lang == "fr" else "%Y-%m-%d ") + clock
    return f"{local.strftime(pattern)} ({offset})"


def split_time(dt: datetime, case: Case, lang: str, source: str = "") -> tuple[str, str]:
    """The date and the hour as two separate values (forms have one field for each)."""
    local = dt.astimezone(zone(case))
    clock = "%H:%M" if source == "typed" and local.second == 0 else "%H:%M:%S"
    return local.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"), local.strftime(clock)


CAPTURE_SOURCES = frozenset(("file-metadata", "file-name", "capture"))
"""Sources that tell when a screenshot was taken, never when the post was published."""


def publication(entry: Evidence) -> tuple[datetime, str] | None:
    """When the post was published and where that time came from, if known.

    A ``posted_at`` read from a screenshot's metadata, its file name or the
    capture clock is a capture time: it is not returned here.
    """
    if entry.posted_at is None or entry.posted_at_source in CAPTURE_SOURCES:
        return None
    return entry.posted_at, entry.posted_at_source


def capture_times(entry: Evidence) -> list[tuple[datetime, str]]:
    """When the screenshots were taken (or the page captured), with their sources, oldest first."""
    found: list[tuple[datetime, str]] = []
    if entry.posted_at is not None and entry.posted_at_source in CAPTURE_SOURCES:
        found.append((entry.posted_at, entry.posted_at_source))
    for attachment in entry.attachments:
        if attachment.taken_at is not None:
            found.append((attachment.taken_at, attachment.taken_at_source or "file-metadata"))
    unique_found = list(dict.fromkeys(found))
    return sorted(unique_found, key=lambda item: item[0])


def format_day(dt: datetime | None, case: Case, lang: str) -> str:
    """Just the date, in the case's zone."""
    if dt is None:
        return ""
    return dt.astimezone(zone(case)).strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")


def source_label(source: str, lang: str) -> str:
    """Where a time came from, in words ("saisie à la main", "tirée de l'ID du message"...)."""
    own = message(f"export.source.{source or 'none'}", lang)
    return own if own is not None else time_source_label(source, lang)


def french_typography(text: str) -> str:
    """Non-breaking spaces where French typography wants them (our texts, never case text).

    Before ``: ; ! ?`` and inside « », so a line never starts with a colon or a
    lone guillemet.
    """
    for mark in (":", ";", "!", "?", "»"):
        text = text.replace(" " + mark, "\u00a0" + mark)
    return text.replace("« ", "«\u00a0")


_INVISIBLE = re.compile("[\u00a0\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LINKABLE = re.compile(r"https?://[A-Za-z0-9!#$%&'()*+,\-./:;=?@\[\]_~]+", re.IGNORECASE)


def link_target(url: str) -> str:
    """``url`` as a safe link target, or ``""`` when it must not be clickable.

    Only http(s) addresses whose ASCII characters are all URL characters (no
    spaces, quotes, angle brackets, backslashes or control characters) become links;
    non-ASCII letters are percent-encoded, invisible and bidi characters refused.
    The text shown stays the URL as copied.
    """
    from urllib.parse import quote

    url = url.strip()
    if not url or len(url) > 2000:
        return ""
    if url.isascii():
        return url if _LINKABLE.fullmatch(url) else ""
    if xml_safe(url) != url or _INVISIBLE.search(url):
        return ""
    encoded = "".join(ch if ch.isascii() else quote(ch) for ch in url)
    return encoded if _LINKABLE.fullmatch(encoded) else ""


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


def resolve(
    source: CaseSource, attachment: Attachment, *, read: bool = True, reader: Any = None
) -> ResolvedFile:
    """Find an attachment's file, refusing any path that leads out of the evidence folder.

    Only a regular file inside the evidence folder is read (a FIFO, a device, a symlink
    loop or a link leading out never blocks or crashes an export: see
    :func:`tui.core.attachments.attachment_file`).  With ``read``, the bytes are read
    once and their SHA-256 computed from them now and compared with the recorded one,
    so an altered file is flagged in the export instead of shown as proof.  ``reader``
    (a :class:`tui.core.attachments.AttachmentReader` of this case, see
    :meth:`Dossier.resolve`) makes the same checks for many files at less cost.
    """
    from tui.core.attachments import UnsafeFileError, attachment_file, read_attachment

    rel = attachment.path.replace("\\", "/")
    try:
        if reader is not None:
            if not read:
                return ResolvedFile(attachment, reader.path(rel), "ok")
            candidate, data = reader.read(rel)
        else:
            candidate = attachment_file(source.path, rel)
            if not read:
                return ResolvedFile(attachment, candidate, "ok")
            data = read_attachment(source.path, rel)
    except UnsafeFileError as error:
        status = "outside" if error.kind == "outside" else "missing"
        return ResolvedFile(
            attachment, None if status == "outside" else source.path.parent / rel, status
        )
    except OSError:
        return ResolvedFile(attachment, source.path.parent / rel, "missing")
    digest = hashlib.sha256(data).hexdigest()
    status = "ok" if digest == attachment.sha256.lower() else "altered"
    return ResolvedFile(attachment, candidate, status, data)


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
    pictures: PictureCache = field(
        default_factory=lambda: PictureCache(*ANNEX_BOX_MM, ANNEX_WIDE_BOX_MM)
    )
    """Embedded copies of the captures, shared by the Word and HTML writers."""
    _numbers: dict[str, int] = field(default_factory=dict)
    _reader: Any = None
    _plain: dict[str, str] = field(default_factory=dict)
    """Messages without parameters, looked up once (a 1,000-entry dossier asks ~20,000)."""
    _times: dict[tuple[datetime, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._numbers = {entry.id: index + 1 for index, entry in enumerate(self.entries)}

    def resolve(self, attachment: Attachment) -> ResolvedFile:
        """:func:`resolve` with the evidence folder resolved and listed once per dossier
        (the listing is taken at the first file; each file is still checked, read and
        hashed when it is resolved)."""
        if self._reader is None:
            from tui.core.attachments import AttachmentReader

            self._reader = AttachmentReader(self.source.path)
        return resolve(self.source, attachment, reader=self._reader)

    @property
    def case(self) -> Case:
        """The case being exported."""
        return self.source.case

    def piece(self, entry: Evidence) -> str:
        """The entry's exhibit number in this dossier (``P1`` is the oldest)."""
        return f"P{self._numbers.get(entry.id, 0)}"

    def tr(self, key: str, **params: Any) -> str:
        """A message in the document's language (French typography in French)."""
        if not params:
            known = self._plain.get(key)
            if known is None:
                known = self._plain[key] = self._message(key)
            return known
        return self._message(key, **params)

    def _message(self, key: str, **params: Any) -> str:
        # A counted message in the form its count takes ("C'est le seul message", not
        # "une série de 1 messages"); French typography on the message only, never on
        # a value a harasser typed.
        if "count" in params:
            text = counted_message(key, self.lang, params["count"])
        else:
            text = message(key, self.lang)
        if text is None:
            return t(key, self.lang, **params)
        if self.lang == "fr":
            text = french_typography(text)
        # With the inline plurals ({count:message|messages}): str.format alone left
        # the complaint's "j'ai reçu {count} {count:message hostile|...}" as written.
        return fill(text, self.lang, **params)

    def trn(self, key: str, count: int, **params: Any) -> str:
        """A message with a real plural (the catalogue holds its forms, ``one``/``other``)."""
        return self.tr(key, count=count, **params)  # t() picks the CLDR form

    @property
    def sep(self) -> str:
        """The label separator (`` : `` with a non-breaking space in French)."""
        return self.tr("export.sep")

    def time(self, dt: datetime | None, source: str = "") -> str:
        """A time in the case's zone with its offset (no false seconds for typed times)."""
        if dt is None:
            return ""
        key = (dt, source)
        known = self._times.get(key)
        if known is None:
            known = self._times[key] = format_time(dt, self.case, self.lang, source)
        return known

    def publication_line(self, entry: Evidence) -> str:
        """The publication time with its source, or a sentence saying it is unknown."""
        found = publication(entry)
        if found is None:
            return self.tr("export.time.unknown")
        return f"{self.time(found[0], found[1])} — {source_label(found[1], self.lang)}"

    def capture_lines(self, entry: Evidence) -> list[str]:
        """``Capture : <time> (source)`` lines, labelled so they are never read as publication.

        A page captured by Abri is one line per capture, saying what was captured (the
        post's page, X's embed rendering); other screenshots, one line per time.
        """
        lines = [
            self.tr(
                "export.time.capture_of",
                what=self.tr(f"export.capture.what.{record.label}"),
                when=self.time(record.at, "capture"),
                source=source_label("capture", self.lang),
            )
            for record in sorted(entry.captures, key=lambda record: record.at)
        ]
        captured = {digest for record in entry.captures for digest in record.files}
        others = [a for a in entry.attachments if a.sha256 not in captured]
        lines += [
            self.tr(
                "export.time.capture",
                when=self.time(when, source),
                source=source_label(source, self.lang),
            )
            for when, source in capture_times(replace(entry, attachments=tuple(others)))
        ]
        return lines

    def file_lines(self, entry: Evidence, attachment: Attachment) -> list[str]:
        """What an exhibit page says of its picture: what it shows when Abri captured it,
        when it was taken (and how that is known), and — labelled apart — the post's
        publication time, so the one is never read as the other."""
        lines = []
        record = next((r for r in entry.captures if attachment.sha256 in r.files), None)
        if record is not None:
            what = self.tr(f"export.capture.what.{record.label}")
            lines.append(self.tr("export.annex.captured_by_abri", what=what))
        if attachment.taken_at is not None:
            source = attachment.taken_at_source or "file-metadata"
            lines.append(
                self.tr(
                    "export.time.capture",
                    when=self.time(attachment.taken_at, source),
                    source=source_label(source, self.lang),
                )
            )
        else:
            lines.append(self.tr("export.annex.capture_unknown"))
        lines.append(self.tr("export.annex.published", when=self.publication_line(entry)))
        return lines

    def online_line(self, entry: Evidence) -> str:
        """The entry's "still online?" timeline (``seen online on …; removed on …``, each
        labelled as what it indicates, never proof), or ``""`` when it was never captured
        nor checked.  Times in the case's zone with its offset, like every other time."""
        from tui.core.timeline import online_timeline

        text = online_timeline(entry, self.case.timezone, self.lang, when=self.time)
        return french_typography(text) if self.lang == "fr" else text

    def author(self) -> str:
        """Who the documents are by: the helper, else the person concerned (may be empty)."""
        return safe(self.case.helper or self.case.concerns)[:250]

    def signature_lines(self) -> list[str]:
        """The closing block: "Fait à …, le …", "Certifié exact", "Signature"."""
        place = safe(self.case.place) or "…………………"
        when = format_day(self.generated_at, self.case, self.lang)
        lines = [self.tr("export.sign.made", place=place, date=when)]
        lines.append(self.tr("export.sign.certified"))
        name = safe(self.case.concerns)
        lines.append(self.tr("export.sign.signature", name=name) if name else "")
        if self.case.helper:
            lines.append(self.tr("export.sign.helper", name=safe(self.case.helper)))
        return [line for line in lines if line]

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
        case = self.case
        lines = [(self.tr("export.header.case"), safe(case.title))]
        if case.concerns:
            who = safe(case.concerns)
            if case.concerns_birth:
                who += self.tr("export.header.born", date=safe(case.concerns_birth))
            lines.append((self.tr("export.header.concerns"), who))
        if case.concerns_contact:
            lines.append((self.tr("export.header.contact"), safe(case.concerns_contact)))
        if case.helper:
            lines.append((self.tr("export.header.helper"), safe(case.helper)))
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
            self.tr("export.statement.rendering"),
            self.tr("export.statement.times"),
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
    """The entry's publication time, else when it was seen, else a capture time — labelled.

    A time decoded from an ID that is made a little before publication (TikTok,
    Threads) says it is approximate.
    """
    found = publication(entry)
    if found is not None:
        when = dossier.time(*found)
        return dossier.tr("export.approximate", when=when) if entry.posted_at_approximate else when
    if entry.observed_at is not None:
        return dossier.tr("export.seen_at", when=dossier.time(entry.observed_at))
    captures = capture_times(entry)
    if captures:
        return dossier.tr("export.captured_at", when=dossier.time(*captures[0]))
    return dossier.tr("export.no_time")


def account_created(platform: str, account_id: str) -> datetime | None:
    """When an account was created, for platforms whose account IDs carry it (X, Discord)."""
    if platform not in ("x", "discord") or not account_id.isdigit():
        return None
    moment, warning = decode_id_time(platform, account_id, lang="en")
    return moment if moment is not None and not warning else None


def profile_url(platform: str, account_id: str, handle: str) -> str:
    """A link to the account's profile (by its stable ID where the platform allows)."""
    return account_url(platform, account_id, handle)


_PRIVATE_URL = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:"
    r"instagram\.com/direct/|discord(?:app)?\.com/channels/|messenger\.com/|"
    r"facebook\.com/messages/|web\.whatsapp\.com/|wa\.me/|web\.telegram\.org/|"
    r"mail\.|outlook\.|web\.snapchat\.com/)",
    re.IGNORECASE,
)
_PRIVATE_PLATFORMS = frozenset(("whatsapp", "signal", "sms", "email", "imessage", "messenger"))


def is_private(entry: Evidence) -> bool:
    """True when the message was not public (direct message, private server, SMS, e-mail).

    PHAROS only takes public content; a private message goes in the complaint.
    """
    if entry.platform in _PRIVATE_PLATFORMS:
        return True
    url = entry.url_original or entry.url
    return bool(_PRIVATE_URL.match(url.strip()))


_PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".heic", ".heif", ".tif")


def file_note(dossier: Dossier, file: ResolvedFile, prepared: Prepared | None) -> str:
    """Why a file is not shown, in one sentence; a broken picture keeps its original's SHA-256."""
    name = safe(file.attachment.original_name or file.attachment.path)
    sha = safe(file.attachment.sha256)
    if file.status == "missing":
        return dossier.tr("export.file.missing", name=name)
    if file.status == "outside":
        return dossier.tr("export.file.outside", name=name)
    if prepared is not None and prepared.problem == "unsupported":
        return dossier.tr("export.file.unsupported", name=name, sha256=sha)
    if (
        prepared is not None
        and prepared.problem
        and (prepared.recognised or name.lower().endswith(_PICTURE_SUFFIXES))
    ):
        return dossier.tr("export.file.unreadable", name=name, sha256=sha)
    return dossier.tr("export.file.not_image", name=name)


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


def scope_from_text(
    case: Case,
    *,
    start: str = "",
    end: str = "",
    accounts: str = "",
    entries: str = "",
    lang: str | None = None,
) -> Scope:
    """A :class:`Scope` from what a person typed (``abri export --from --to --account
    --entries`` and the export screen).

    ``start``/``end`` are read in the case's zone; a day without a time as ``end``
    means the end of that day.  ``accounts`` and ``entries`` are comma-separated
    (``E0003,E0007``; entry IDs are matched without regard to case).  Raises
    :class:`tui.core.timeparse.TimeParseError` (one sentence) for an unreadable date
    and ValueError naming the first unknown entry ID.
    """
    from tui.core.timeparse import parse_time_detail

    scope = Scope()
    if start.strip():
        scope.start = parse_time_detail(start, case.timezone, lang=lang).value
    if end.strip():
        parsed = parse_time_detail(end, case.timezone, lang=lang)
        until = parsed.value
        if not parsed.has_time:
            until = datetime.combine(until.date(), time.max, tzinfo=until.tzinfo)
        scope.end = until
    names = [name.strip() for name in accounts.split(",") if name.strip()]
    if names:
        scope.accounts = names
    wanted = [item.strip().upper() for item in entries.split(",") if item.strip()]
    if wanted:
        known = {entry.id.upper(): entry.id for entry in case.evidence}
        for item in wanted:
            if item not in known:
                raise ValueError(item)
        scope.ids = [known[item] for item in wanted]
    return scope


def bordereau_text(dossier: Dossier) -> str:
    """The list of exhibits as plain text (the bundle's ``BORDEREAU.txt``).

    One line per file: pièce, entry ID, time, platform, account, path, SHA-256, so the
    pièce numbers of the documents lead to the files in the archive.
    """
    tr = dossier.tr
    lines = [
        tr("export.bordereau.title"),
        dossier.trn("export.bordereau.count", len(dossier.entries)),
        "",
    ]
    for entry in dossier.entries:
        account = safe(entry.account_id) or "?"
        if entry.account_handle:
            account += " @" + safe(entry.account_handle.lstrip("@"))
        head = (
            f"{dossier.piece(entry)}\t{entry.id}\t{entry_time_line(dossier, entry)}\t"
            f"{safe(platform_name(entry.platform))}\t{account}"
        )
        if not entry.attachments:
            lines.append(f"{head}\t{tr('export.file.none')}")
        for attachment in entry.attachments:
            lines.append(f"{head}\t{safe(attachment.path)}\t{safe(attachment.sha256)}")
    return "\n".join(lines) + "\n"
