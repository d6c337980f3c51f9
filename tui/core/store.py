"""The case file on disk: a TOML codec that validates, and saves that never lose data.

What this module promises:

* :func:`loads` turns TOML text into a :class:`~tui.core.case.Case` or raises
  :class:`CaseError` listing **every** problem with its location
  (``evidence[3].url: not a web address``), never a traceback.  Older schemas are
  migrated; a newer one is decoded as far as it can be and opened read-only.
* :func:`dumps` writes the case as TOML that :func:`loads` reads back to the same case
  (times in UTC, empty optional values omitted).
* Saves cost what changed (:func:`encode`): each entry and journal line is serialized
  and checked once (it reads back, validates, writes back to the same text) and its
  bytes kept until the object is replaced; opening a file keeps its own blocks.
  :func:`encode_verified` is the full read-back of the whole file, for tests and
  ``abri check``.  Parsing uses a compiled parser with ``tomllib`` as the judge
  (:mod:`tui.core.tomlparse`); a large file is read in chunks (:func:`_decode_chunked`).
* :class:`CaseFile` owns one case file: :meth:`CaseFile.save` serializes and checks as
  above, writes a temporary file in the same folder, flushes and fsyncs it,
  keeps a backup of the previous version, replaces the file atomically and fsyncs the
  folder.  A crash at any point leaves the old or the new version, never a torn file.
  It refuses to overwrite a file changed on disk since it was loaded (content hash,
  not mtime) and a file it could not read.  A marker file tells another Abri that the
  case is open.

The format itself is documented in ``docs/case-file.md``.  Entries in locations are
counted from 1 (``evidence[1]`` is the first ``[[evidence]]`` block), as a person
reading the file counts them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gc
import hashlib
import itertools
import json
import operator
import os
import re
import secrets
import socket
import stat
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import tomli_w

from tui.core import tomlparse
from tui.core.case import (
    CATEGORIES,
    CHECK_RESULTS,
    LANGUAGES,
    REPORT_PLACES,
    SCHEMA_VERSION,
    STEP_STATUSES,
    TIME_SOURCES,
    Attachment,
    CaptureRecord,
    Case,
    Draft,
    Evidence,
    JournalEntry,
    LookupRecord,
    OnlineCheck,
    Report,
    StepProgress,
    evidence_number,
    legacy_highest_evidence_number,
)
from tui.core.i18n import t
from tui.core.text import one_line

BACKUPS_KEPT = 5
"""How many previous versions of a case file are kept in ``<stem>-files/.backups/``."""

BACKUP_FOLDER = ".backups"

MAX_CASE_BYTES = 512 * 1024 * 1024
"""A case file larger than this is certainly something else (a video picked by mistake)."""

MAX_DEPTH = 32
"""Deepest nesting read: brackets and braces inside each other, or parts of one dotted
key or table name.  A case file needs 3; a deeper one is refused before parsing (the
TOML parser recurses on arrays and is slow on very long dotted keys)."""

MAX_KEYS = 10_000_000
"""Most ``key = value`` pairs read (about 700,000 entries); a file of tiny keys past
this is refused before parsing, as it would take gigabytes of memory."""

TIME_RANGE = (datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC))
"""Times read from a case file must fall in [start, end): every exporter, every zone
conversion and ``strftime`` everywhere can show them (9999-12-31 in a zone west of
UTC cannot even be converted to UTC; some C libraries refuse years before 1900)."""
_BACKUP_RE = re.compile(r"^backup-(\d{8}T\d{12}Z)(?:-\d+)?\.toml$")
_BACKUP_TEMP = ".tmp-"
"""In the name of a backup being written (``.backup-<time>.toml.tmp-1a2b3c4d``)."""
_BOM = b"\xef\xbb\xbf"

# ---------------------------------------------------------------------------
# Errors


class Problem(NamedTuple):
    """One thing wrong in a case file: where (``evidence[3].url``) and what."""

    location: str
    message: str


class CaseError(Exception):
    """The case file cannot be opened.  ``problems`` lists every reason found.

    ``str(error)`` is a readable paragraph: one sentence, then one line per problem.
    """

    def __init__(self, problems: list[Problem], header: str | None = None) -> None:
        self.problems = problems
        self.header = header or t("store.error_header", count=len(problems))
        lines = [self.header]
        lines.extend(f"  {p.location}: {p.message}" for p in problems)
        super().__init__("\n".join(lines))


class SaveError(Exception):
    """The case could not be saved; ``str(error)`` says why and what to do.

    Whenever this is raised the case file on disk is exactly as it was before.
    """


class ConflictError(SaveError):
    """The file changed on disk since it was loaded; it was not overwritten."""


class ReadOnlyError(SaveError):
    """The case is open read-only (newer schema, unknown keys, or loaded from a backup)."""


# ---------------------------------------------------------------------------
# Writing


class _UtcStamp(datetime):
    """A UTC datetime that tomli_w writes as ``2021-04-14T15:10:42Z`` (it calls ``str``)."""

    def __str__(self) -> str:
        return self.replace(tzinfo=None).isoformat() + "Z"


def _utc(value: datetime, where: str) -> datetime:
    # Offsets with seconds (historic zones) make tomli_w write invalid TOML, and a
    # naive time would silently become "local time wherever the file is opened".
    if value.tzinfo is None or value.utcoffset() is None:
        raise SaveError(t("store.save_naive_time", where=where))
    moment = value.astimezone(UTC)
    return _UtcStamp(
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
        tzinfo=UTC,
    )


def _attachment_dict(a: Attachment, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": a.path,
        "sha256": a.sha256,
        "bytes": a.bytes,
    }
    if a.original_name:
        out["original_name"] = a.original_name
    out["added_at"] = _utc(a.added_at, where + ".added_at")
    if a.taken_at is not None:
        out["taken_at"] = _utc(a.taken_at, where + ".taken_at")
    if a.taken_at_source:
        out["taken_at_source"] = a.taken_at_source
    return out


def _evidence_dict(e: Evidence, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": e.id}
    if e.posted_at is not None:
        out["posted_at"] = _utc(e.posted_at, where + ".posted_at")
    if e.posted_at_source:
        out["posted_at_source"] = e.posted_at_source
    if e.posted_at_approximate:
        out["posted_at_approximate"] = True
    if e.observed_at is not None:
        out["observed_at"] = _utc(e.observed_at, where + ".observed_at")
    for key in _EVIDENCE_TEXT:
        value = getattr(e, key)
        if value:
            out[key] = value
    if e.categories:
        out["categories"] = list(e.categories)
    out["added_at"] = _utc(e.added_at, where + ".added_at")
    if e.attachments:
        out["attachments"] = [
            _attachment_dict(a, f"{where}.attachments[{n}]") for n, a in enumerate(e.attachments, 1)
        ]
    if e.reports:
        reports = []
        for n, r in enumerate(e.reports, 1):
            rd: dict[str, Any] = {"place": r.place}
            if r.date is not None:
                rd["date"] = _utc(r.date, f"{where}.reports[{n}].date")
            if r.reference:
                rd["reference"] = r.reference
            reports.append(rd)
        out["reports"] = reports
    for key, _kind in _RECORD_TYPES.items():
        records = getattr(e, key)
        if records:
            out[key] = [_record_dict(r, f"{where}.{key}[{n}]") for n, r in enumerate(records, 1)]
    return out


_RECORD_TYPES: dict[str, type[Any]] = {
    "captures": CaptureRecord,
    "lookups": LookupRecord,
    "checks": OnlineCheck,
}
"""Evidence keys holding capture, look-up and online-check records (tui/capture)."""


def _record_dict(record: Any, where: str) -> dict[str, Any]:
    """A capture/look-up/check record as a TOML table: empty values left out, times in UTC."""
    out: dict[str, Any] = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if value is None or value == "" or value == ():
            continue
        if isinstance(value, datetime):
            value = _utc(value, f"{where}.{item.name}")
        elif isinstance(value, tuple):
            value = list(value)
        out[item.name] = value
    return out


def _draft_dict(draft: Draft, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {"at": _utc(draft.at, where + ".at")}
    if draft.platform:
        out["platform"] = draft.platform
    if draft.categories:
        out["categories"] = list(draft.categories)
    if draft.pending:
        out["pending"] = list(draft.pending)
    if draft.fields:
        out["fields"] = dict(draft.fields)
    return out


def to_document(case: Case) -> dict[str, Any]:
    """The TOML document (plain dicts) for a case; raises :class:`SaveError` for naive times."""
    doc: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "title": case.title,
        "created": _utc(case.created, "created"),
        "language": case.language,
        "timezone": case.timezone,
    }
    if case.concerns:
        doc["concerns"] = case.concerns
    for key in _DETAIL_KEYS:
        if getattr(case, key):
            doc[key] = getattr(case, key)
    if case.platforms:
        doc["platforms"] = list(case.platforms)
    if case.current_step:
        doc["current_step"] = case.current_step
    if case.last_evidence_number:
        doc["last_evidence_number"] = case.last_evidence_number
    if case.drafts:
        doc["drafts"] = {
            key: _draft_dict(draft, f"drafts.{key}") for key, draft in case.drafts.items()
        }
    if case.steps:
        doc["steps"] = {
            step_id: {"status": p.status, "at": _utc(p.at, f"steps.{step_id}.at")}
            for step_id, p in case.steps.items()
        }
    if case.evidence:
        doc["evidence"] = [
            _evidence_dict(e, f"evidence[{n}]") for n, e in enumerate(case.evidence, 1)
        ]
    if case.journal:
        journal = []
        for n, j in enumerate(case.journal, 1):
            jd: dict[str, Any] = {"at": _utc(j.at, f"journal[{n}].at"), "action": j.action}
            if j.detail:
                jd["detail"] = j.detail
            if j.entries:
                jd["entries"] = list(j.entries)
            journal.append(jd)
        doc["journal"] = journal
    return doc


# Characters TOML allows raw but that would fool a person reading the file in a terminal
# (``cat``, ``less``, an editor): C1 controls, bidi overrides and isolates, invisible
# format characters, line/paragraph separators.  They are written as \uXXXX escapes,
# which read back to the same characters.  They can only occur inside quoted strings
# or quoted keys (keys are bare only when made of [A-Za-z0-9_-]), where escapes are valid.
_ESCAPE_IN_FILE_CHARS = (
    "\x80-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_ESCAPE_IN_FILE = re.compile(f"[{_ESCAPE_IN_FILE_CHARS}]")
# Everything a basic string must not hold raw (TOML: quote, backslash, controls but tab),
# plus the characters above: one pass escapes both.
_NEEDS_ESCAPE = re.compile(f'[\x00-\x08\x0a-\x1f\x7f"\\\\{_ESCAPE_IN_FILE_CHARS}]')
_COMPACT_ESCAPES = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    compact = _COMPACT_ESCAPES.get(char)
    if compact is not None:
        return compact
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04x}"  # as tomli_w wrote them: files from earlier saves stay alike
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _string(value: str) -> str:
    """A single-line TOML basic string (CRLF and every control survive as escapes)."""
    if type(value) is not str:
        raise SaveError(t("store.save_unserializable", detail=type(value).__name__))
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _stamp(value: datetime | None, where: str) -> str:
    """A time as TOML in UTC (``2021-04-14T15:10:42Z``); :class:`SaveError` if it is naive."""
    # Offsets with seconds (historic zones) would be invalid TOML, and a naive time would
    # silently become "local time wherever the file is opened".  astimezone() honours
    # ``fold``, so a time in the repeated hour of a DST change keeps its instant.
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise SaveError(t("store.save_naive_time", where=where))
    moment = value if value.tzinfo is UTC else value.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def _int(value: int) -> str:
    if type(value) is not int:
        raise SaveError(t("store.save_unserializable", detail=type(value).__name__))
    return str(value)


def _strings_array(name: str, values: Iterable[str]) -> str:
    items = "".join(f"    {_string(v)},\n" for v in values)
    return f"{name} = [\n{items}]\n"


def _entry_text(e: Evidence, where: str) -> str:
    """One ``[[evidence]]`` block, attachments included; starts with its blank line.

    The layout is tomli_w's (earlier files look the same), with reports always inline.
    """
    out = ["\n[[evidence]]\nid = ", _string(e.id), "\n"]
    if e.posted_at is not None:
        out += ("posted_at = ", _stamp(e.posted_at, where + ".posted_at"), "\n")
    if e.posted_at_source:
        out += ("posted_at_source = ", _string(e.posted_at_source), "\n")
    if e.posted_at_approximate:
        out.append("posted_at_approximate = true\n")
    if e.observed_at is not None:
        out += ("observed_at = ", _stamp(e.observed_at, where + ".observed_at"), "\n")
    for key in _EVIDENCE_TEXT:
        value = getattr(e, key)
        if value:
            out += (key, " = ", _string(value), "\n")
    if e.categories:
        out.append(_strings_array("categories", e.categories))
    out += ("added_at = ", _stamp(e.added_at, where + ".added_at"), "\n")
    if e.reports:
        out.append("reports = [\n")
        for n, r in enumerate(e.reports, 1):
            fields = [f"place = {_string(r.place)}"]
            if r.date is not None:
                fields.append(f"date = {_stamp(r.date, f'{where}.reports[{n}].date')}")
            if r.reference:
                fields.append(f"reference = {_string(r.reference)}")
            out += ("    { ", ", ".join(fields), " },\n")
        out.append("]\n")
    for n, a in enumerate(e.attachments, 1):
        loc = f"{where}.attachments[{n}]"
        out += ("\n[[evidence.attachments]]\npath = ", _string(a.path), "\n")
        out += ("sha256 = ", _string(a.sha256), "\nbytes = ", _int(a.bytes), "\n")
        if a.original_name:
            out += ("original_name = ", _string(a.original_name), "\n")
        out += ("added_at = ", _stamp(a.added_at, loc + ".added_at"), "\n")
        if a.taken_at is not None:
            out += ("taken_at = ", _stamp(a.taken_at, loc + ".taken_at"), "\n")
        if a.taken_at_source:
            out += ("taken_at_source = ", _string(a.taken_at_source), "\n")
    for key in _RECORD_TYPES:
        for n, record in enumerate(getattr(e, key), 1):
            out += ("\n[[evidence.", key, "]]\n")
            out.append(_table_lines(_record_dict(record, f"{where}.{key}[{n}]")))
    return "".join(out)


def _value_text(value: object, where: str) -> str:
    """A TOML value Abri writes: text, whole number, true/false, UTC time, list of texts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, datetime):
        return _stamp(value, where)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(_string(v) for v in value) + "]"
    raise SaveError(t("store.save_unserializable", detail=type(value).__name__))


def _table_lines(table: dict[str, Any], where: str = "") -> str:
    """``key = value`` lines of a flat table (its keys are Abri's own, bare)."""
    return "".join(
        f"{_key(k)} = {_value_text(v, f'{where}.{k}' if where else k)}\n" for k, v in table.items()
    )


def _journal_text(j: JournalEntry, where: str) -> str:
    """One journal line inside ``journal = [...]`` (an inline table, one line)."""
    fields = [f"at = {_stamp(j.at, where + '.at')}", f"action = {_string(j.action)}"]
    if j.detail:
        fields.append(f"detail = {_string(j.detail)}")
    if j.entries:
        fields.append("entries = [" + ", ".join(_string(x) for x in j.entries) + "]")
    return "    { " + ", ".join(fields) + " },\n"


def _head_text(case: Case) -> str:
    """Everything but the evidence and the journal lines: top-level keys, then steps."""
    out = [
        f"schema = {SCHEMA_VERSION}\n",
        f"title = {_string(case.title)}\n",
        f"created = {_stamp(case.created, 'created')}\n",
        f"language = {_string(case.language)}\n",
        f"timezone = {_string(case.timezone)}\n",
    ]
    if case.concerns:
        out.append(f"concerns = {_string(case.concerns)}\n")
    for key in _DETAIL_KEYS:
        if getattr(case, key):
            out.append(f"{key} = {_string(getattr(case, key))}\n")
    if case.platforms:
        out.append(_strings_array("platforms", case.platforms))
    if case.current_step:
        out.append(f"current_step = {_string(case.current_step)}\n")
    if case.last_evidence_number:
        out.append(f"last_evidence_number = {_int(case.last_evidence_number)}\n")
    return "".join(out)


def _steps_text(case: Case) -> str:
    """The tables of the head: calm-step progress, then the drafts of open forms."""
    out = []
    for step_id, p in case.steps.items():
        where = f"steps.{step_id}"
        out.append(
            f"\n[steps.{_key(step_id)}]\nstatus = {_string(p.status)}\n"
            f"at = {_stamp(p.at, where + '.at')}\n"
        )
    for key, draft in case.drafts.items():
        where = f"drafts.{key}"
        table = _draft_dict(draft, where)
        texts = table.pop("fields", {})
        out.append(f"\n[drafts.{_key(key)}]\n{_table_lines(table, where)}")
        if texts:
            out.append(f"\n[drafts.{_key(key)}.fields]\n{_table_lines(texts, where)}")
    return "".join(out)


def _moment(value: datetime | None) -> object:
    # Equal datetimes of one zone compare equal whatever their fold; the fold changes
    # the instant in a repeated DST hour, so it is part of what "unchanged" means.
    return None if value is None else (value, value.fold, value.tzinfo)


def _entry_key(e: Evidence) -> int:
    """A fingerprint of every value an entry's text is made of (spots a change in place).

    Entries are meant to be replaced, never mutated: once :class:`Evidence` is a frozen
    dataclass identity alone says it all and this is 0 (free).  Until then it keeps
    a mutated entry from being saved with its old text.
    """
    if _EVIDENCE_FROZEN:
        return 0
    return _hash(
        (
            e.id,
            e.url,
            e.url_original,
            e.platform,
            e.post_id,
            e.account_handle,
            e.account_id,
            _moment(e.posted_at),
            e.posted_at_source,
            _moment(e.observed_at),
            e.content,
            tuple(e.categories),
            e.notes,
            tuple(
                (
                    a.path,
                    a.sha256,
                    a.bytes,
                    a.original_name,
                    _moment(a.added_at),
                    _moment(a.taken_at),
                    a.taken_at_source,
                )
                for a in e.attachments
            ),
            tuple((r.place, _moment(r.date), r.reference) for r in e.reports),
            _moment(e.added_at),
        )
    )


_EVIDENCE_FROZEN = bool(getattr(Evidence, "__dataclass_params__", None).frozen)  # type: ignore[union-attr]


def _journal_key(j: JournalEntry) -> int:
    """Like :func:`_entry_key`, for a journal line (0 once :class:`JournalEntry` is frozen)."""
    if _JOURNAL_FROZEN:
        return 0
    return _hash((_moment(j.at), j.action, j.detail))


_JOURNAL_FROZEN = bool(getattr(JournalEntry, "__dataclass_params__", None).frozen)  # type: ignore[union-attr]


_UNMATCHED = itertools.count(1 << 70)


def _hash(values: tuple[object, ...]) -> int:
    """A fingerprint of ``values`` (an int: a cache of 50,000 keeps no copy of the tuple).

    A value that cannot be hashed (not one a case can hold) gives a key that never matches,
    so the object is serialized again, and refused there."""
    try:
        return hash(values)
    except TypeError:
        return next(_UNMATCHED)


class _Piece:
    """The encoded, checked text of one entry or journal line that is not in the file.

    Made when an object is serialized (an entry added or edited in this session), or
    cut from the file when a save drops an entry (deleted or replaced: undo may bring it
    back, and writing it again then costs no serialization).  An entry's text is kept
    without its ``[[evidence]]`` header line (the same for all).  Objects that are in
    the file as last read or written are not here at all: :class:`_FileMap` finds them.
    """

    __slots__ = ("data", "folder", "key", "source")

    def __init__(self, source: object, key: int, data: bytes, folder: str | None) -> None:
        self.source = source
        """The entry itself: keeps it alive, so its ``id()`` cannot be reused by another."""
        self.key = key
        self.data = data
        self.folder = folder
        """The evidence folder the piece was checked against (attachment paths depend on it)."""


class _PieceCache:
    """Encoded, checked text per entry and per journal line, keyed by the object's identity.

    A save serializes and checks only the objects it has not seen (or that changed in
    place) and concatenates the rest: an edit costs one entry, not the case.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pieces: dict[int, _Piece] = {}

    def clear(self) -> None:
        with self.lock:
            self.pieces.clear()

    def prune(self, alive: int, objects: Callable[[], Iterable[object]]) -> None:
        """Forget pieces of objects no longer in the case, once they pile up."""
        if len(self.pieces) > 2 * alive + 1024:
            keep = {id(o) for o in objects()}
            self.pieces = {k: v for k, v in self.pieces.items() if k in keep}


_PIECES = _PieceCache()


class _FileMap:
    """Where each entry and journal line lies in one file's bytes (the last read or written).

    Relative, not absolute: the byte size of every piece in file order and where the
    first one starts.  A save copies each *run* of objects it writes unchanged as one
    slice of those bytes (an edit in the middle: two slices for 49,999 entries) and the
    next map is made of slices of this one's size lists, at C speed: an add, edit or
    delete no longer moves 100,000 byte ranges, nor builds a memoryview per entry.

    ``entries`` / ``journal`` are the very objects written (a copy of the lists: the
    objects stay alive, so an ``id()`` met in a later case is the same object), or None
    when that part of the file is not laid out as Abri writes it (then it is serialized).
    """

    __slots__ = (
        "entries",
        "entries_at",
        "entry_sizes",
        "file",
        "folder",
        "journal",
        "journal_at",
        "journal_sizes",
    )

    def __init__(self, file: str, folder: str | None) -> None:
        self.file = file
        """SHA-256 of the bytes mapped."""
        self.folder = folder
        """The evidence folder the entries were checked against."""
        self.entries: list[Evidence] | None = None
        self.entries_at = 0
        """Offset of the first entry's ``[[evidence]]`` header (entries run to the end)."""
        self.entry_sizes: list[int] = []
        """Bytes of each entry, its header included."""
        self.journal: list[JournalEntry] | None = None
        self.journal_at = 0
        """Offset of the first journal line."""
        self.journal_sizes: list[int] = []
        """Bytes of each journal line, its newline included."""


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(t("store.save_unencodable")) from exc


def _invalid(problems: list[Problem]) -> SaveError:
    shown = "; ".join(f"{p.location}: {p.message}" for p in problems[:3])
    return SaveError(t("store.save_would_be_invalid", problems=shown))


def _parse_piece(text: str) -> dict[str, Any]:
    try:
        return tomlparse.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SaveError(t("store.save_unserializable", detail=str(exc))) from None


def _check_entries(texts: list[tuple[str, str]], folder: str | None) -> None:
    """Each ``(location, block)`` reads back, validates and writes back to the same text.

    All blocks are parsed as one document (one parser call, not one per entry); only if
    that fails are they parsed one by one, to name the entry at fault.
    """
    try:
        doc = _parse_piece("".join(text for _, text in texts))
    except SaveError:
        doc = None
    raw = None if doc is None else doc.get("evidence")
    if doc is None or list(doc) != ["evidence"] or type(raw) is not list or len(raw) != len(texts):
        for where, text in texts:
            _check_entries_one(where, text, folder)
        raise SaveError(t("store.save_roundtrip"))
    decoder = _Decoder(folder)
    for (where, text), table in zip(texts, raw, strict=True):
        back = decoder.evidence(table, where, set(), None)
        if back is None:
            raise _invalid(decoder.problems)
        if _entry_text(back, where) != text:
            raise SaveError(t("store.save_roundtrip"))


def _check_entries_one(where: str, text: str, folder: str | None) -> None:
    doc = _parse_piece(text)
    raw = doc.get("evidence")
    if list(doc) != ["evidence"] or type(raw) is not list or len(raw) != 1:
        raise SaveError(t("store.save_roundtrip"))
    decoder = _Decoder(folder)
    back = decoder.evidence(raw[0], where, set(), None)
    if back is None:
        raise _invalid(decoder.problems)
    if _entry_text(back, where) != text:
        raise SaveError(t("store.save_roundtrip"))


def _check_journal_lines(lines: list[tuple[str, str]]) -> None:
    """Journal lines read back (in one ``journal = [...]`` array) as themselves."""
    doc = _parse_piece("journal = [\n" + "".join(text for _, text in lines) + "]\n")
    decoder = _Decoder(None)
    back = decoder.journal(doc.get("journal"))
    if decoder.problems:
        raise _invalid(decoder.problems)
    if list(doc) != ["journal"] or back is None or len(back) != len(lines):
        raise SaveError(t("store.save_roundtrip"))
    for (where, text), entry in zip(lines, back, strict=True):
        if _journal_text(entry, where) != text:
            raise SaveError(t("store.save_roundtrip"))


def _check_head(text: str) -> None:
    """The top of the file (metadata, steps) reads back as itself."""
    decoder = _Decoder(None)
    back = decoder.case(_parse_piece(text))
    if back is None:
        raise _invalid(decoder.problems)
    if _head_text(back) + _steps_text(back) != text:
        raise SaveError(t("store.save_roundtrip"))


Source = tuple[str, bytes]
"""The file as last read or written: (its SHA-256, its bytes), where runs are cut from."""


def _runs(objects: list[Any], known: list[Any]) -> list[tuple[int, int, int]]:
    """``(start, end, first)``: ``objects[start:end]`` are ``known[first:first + end - start]``,
    the very same objects in the same order (long runs, in order).

    A change leaves a common beginning and end (an edit, an add, a delete): those are
    found by identity at C speed; only what lies between is matched object by object.
    """
    n, m = len(objects), len(known)
    same = list(map(operator.is_, objects, known))
    try:
        prefix = same.index(False)
    except ValueError:
        prefix = len(same)
    if prefix == n == m:
        return [(0, n, 0)] if n else []
    limit = min(n, m) - prefix
    back = list(map(operator.is_, reversed(objects), reversed(known)))[:limit]
    try:
        suffix = back.index(False)
    except ValueError:
        suffix = len(back)
    runs: list[tuple[int, int, int]] = [(0, prefix, 0)] if prefix else []
    middle, among = objects[prefix : n - suffix], known[prefix : m - suffix]
    if middle and among:
        where = {id(o): k for k, o in enumerate(among, prefix)}
        olds = [where.get(id(o), -1) for o in middle]
        start = first = -1
        previous = -2
        for i, k in enumerate(olds, prefix):
            if k >= 0 and k == previous + 1 and start >= 0:
                previous = k
                continue
            if start >= 0:
                runs.append((start, i, first))
            if k >= 0:
                start, first, previous = i, k, k
            else:
                start, previous = -1, -2
        if start >= 0:
            runs.append((start, n - suffix, first))
    if suffix:
        runs.append((n - suffix, n, m - suffix))
    return runs


def _run_sound(entry: bool, data: bytes, lo: int, hi: int, first: Any) -> bool:
    """Whether bytes ``lo:hi`` of ``data`` start and end as a run beginning with ``first`` must."""
    if hi <= lo or hi > len(data):
        return False
    if entry:
        opening = _ENTRY_HEADER + b'id = "' + first.id.encode("utf-8") + b'"\n'
        return data.startswith(opening, lo) and data.endswith(b"\n", lo, hi)
    return data.startswith(b"    { at = ", lo) and data.endswith(b" },\n", lo, hi)


def _section(
    entry: bool,
    objects: list[Any],
    base: list[Any] | None,
    base_sizes: list[int],
    base_at: int,
    data: bytes | None,
    folder: str | None,
    check: bool,
    pieces: dict[int, _Piece],
    keep_dropped: bool,
) -> tuple[list[bytes | memoryview], list[int]]:
    """One part of the file (the entries, or the journal lines): its bytes, and each
    object's size in them.

    Runs of objects that are in ``base`` (the map of ``data``) are one slice of ``data``
    each; the others come from the piece cache or are serialized (and, with ``check``,
    checked in bulk, then cached).  With ``keep_dropped``, objects of ``base`` that are
    not written here keep their bytes as pieces (for undo).
    """
    header = _ENTRY_HEADER if entry else b""
    runs = _runs(objects, base) if base is not None and data is not None and objects else []
    offsets: list[int] = []
    if runs or (keep_dropped and base):
        offsets = list(itertools.accumulate(base_sizes, initial=base_at))
    parts: list[bytes | memoryview] = []
    sizes: list[int] = []
    fresh: list[tuple[int, int, int, Any, int, str]] = []
    view = memoryview(data) if data is not None and runs else None
    used: set[int] = set()

    def single(i: int) -> None:
        obj = objects[i]
        key = _entry_key(obj) if entry else _journal_key(obj)
        piece = pieces.get(id(obj))
        if (
            piece is not None
            and piece.source is obj
            and piece.key == key
            and not (check and entry and piece.folder != folder)
        ):
            if header:
                parts.append(header)
            parts.append(piece.data)
            sizes.append(len(header) + len(piece.data))
            return
        n = i + 1
        text = _entry_text(obj, f"evidence[{n}]") if entry else _journal_text(obj, f"journal[{n}]")
        if header:
            parts.append(header)
        fresh.append((len(parts), len(sizes), n, obj, key, text))
        parts.append(b"")
        sizes.append(0)

    i = 0
    for start, end, first in runs:
        while i < start:
            single(i)
            i += 1
        assert view is not None and data is not None
        lo, hi = offsets[first], offsets[first + end - start]
        if _run_sound(entry, data, lo, hi, objects[start]):
            parts.append(view[lo:hi])
            sizes.extend(base_sizes[first : first + end - start])
            if keep_dropped:
                used.update(range(first, first + end - start))
            i = end
        # else: the bytes are not what they must be; each object is made again below
    while i < len(objects):
        single(i)
        i += 1

    if fresh:
        if check:
            where = "evidence" if entry else "journal"
            texts = [(f"{where}[{n}]", text) for _, _, n, _, _, text in fresh]
            if entry:
                _check_entries(texts, folder)
            else:
                _check_journal_lines(texts)
        for part, size, _, obj, key, text in fresh:
            block = _utf8(text[len(header) :])  # every entry's text starts with its header
            parts[part] = block
            sizes[size] = len(header) + len(block)
            if check:
                pieces[id(obj)] = _Piece(obj, key, block, folder if entry else None)
    if keep_dropped and base and data is not None and len(used) < len(base):
        for k in set(range(len(base))) - used:
            obj = base[k]
            if id(obj) not in pieces:
                block = data[offsets[k] + len(header) : offsets[k + 1]]
                key = _entry_key(obj) if entry else _journal_key(obj)
                pieces[id(obj)] = _Piece(obj, key, block, folder if entry else None)
    return parts, sizes


def _pieces(
    case: Case,
    folder: str | None,
    check: bool,
    source: Source | None = None,
    base: _FileMap | None = None,
    made: _FileMap | None = None,
) -> list[bytes | memoryview]:
    """The file's bytes in pieces: head, journal lines, steps, entries (cached, checked).

    With ``check``, pieces not in the cache are checked (in bulk) and then cached.
    ``base``: the map of ``source`` (the file as last read or written, its SHA-256
    already compared with the file on disk): unchanged runs are cut from it.  ``made``
    (when given) learns where every entry and journal line goes in the result, to be
    the next save's ``base`` once these bytes are written.
    """
    data: bytes | None = None
    if base is not None and source is not None and base.file == source[0]:
        data = source[1]
    else:
        base = None
    cache = _PIECES
    with cache.lock:
        pieces = cache.pieces
        head = _utf8(_head_text(case))
        steps_text = _steps_text(case)
        if check:
            _check_head(head.decode("utf-8") + steps_text)
        steps = _utf8(steps_text)

        journal: list[JournalEntry] = case.journal
        jparts, jsizes = _section(
            False,
            journal,
            None if base is None else base.journal,
            [] if base is None else base.journal_sizes,
            0 if base is None else base.journal_at,
            data,
            None,
            check,
            pieces,
            made is not None,
        )

        evidence: list[Evidence] = case.evidence
        ids = [e.id for e in evidence]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            for n, e_id in enumerate(ids, 1):
                if e_id in seen:
                    raise _invalid([Problem(f"evidence[{n}].id", t("store.duplicate_id", id=e_id))])
                seen.add(e_id)
        usable = base is not None and not (check and base.folder != folder)
        eparts, esizes = _section(
            True,
            evidence,
            base.entries if base is not None and usable else None,
            base.entry_sizes if base is not None else [],
            base.entries_at if base is not None else 0,
            data if usable else None,
            folder,
            check,
            pieces,
            made is not None and usable,
        )
        cache.prune(len(evidence) + len(journal), lambda: (*evidence, *journal))

    out: list[bytes | memoryview] = [head]
    at = len(head)
    if journal:
        out.append(b"journal = [\n")
        at += len(b"journal = [\n")
        journal_at = at
        out.extend(jparts)
        at += sum(jsizes)
        out.append(b"]\n")
        at += 2
    else:
        journal_at = at
    out.append(steps)
    at += len(steps)
    out.extend(eparts)
    if made is not None:
        made.folder = folder
        made.journal, made.journal_at, made.journal_sizes = list(journal), journal_at, jsizes
        made.entries, made.entries_at, made.entry_sizes = list(evidence), at, esizes
    return out


_ENTRY_HEADER = b"\n[[evidence]]\n"
_JOURNAL_OPEN = b"\njournal = [\n"
_INDENTED_HEADER = re.compile(rb"\n[ \t]+\[")
_ENTRY_HEADERS = frozenset(
    (
        b"[[evidence]]",
        b"[[evidence.attachments]]",
        b"[[evidence.reports]]",
        b"[[evidence.captures]]",
        b"[[evidence.lookups]]",
        b"[[evidence.checks]]",
    )
)


def _warm(
    data: bytes, case: Case, folder: str, file: str, bodies: list[bytes] | None = None
) -> _FileMap:
    """The map of the file's own bytes for each entry and journal line of ``case``, just decoded.

    So the first save after opening costs what changed, not the whole case (``abri add``
    is one open and one save).  Only when the file is plainly laid out as Abri writes it:
    entries as ``[[evidence]]`` blocks at the end with nothing else among them, the
    journal as one inline table per line, counts and IDs matching the decoded case.
    A block kept this way is exactly the text that decoded to its entry, so writing it
    back means the same; anything unusual is simply serialized at the next save.
    """
    found = _FileMap(file, folder)
    evidence_at = data.find(_ENTRY_HEADER)
    head = data if evidence_at < 0 else data[: evidence_at + 1]
    if bodies is None and case.evidence and evidence_at >= 0:
        region = data[evidence_at:]
        # Every table header in the region is an entry's (counted at C speed: no other
        # table hides among the entries, so each block is one whole entry).
        plain = sum(region.count(b"\n" + header + b"\n") for header in _ENTRY_HEADERS)
        if region.count(b"\n[") == plain and not _INDENTED_HEADER.search(region):
            bodies = region.split(_ENTRY_HEADER)[1:]
    # (bodies from _decode_chunked are already cut and each decoded alone into its entry)
    matching = bodies is not None and len(bodies) == len(case.evidence)
    if (
        bodies
        and matching
        and all(
            body.startswith(b'id = "' + e.id.encode() + b'"\n') and body.endswith(b"\n")
            for body, e in zip(bodies, case.evidence, strict=True)
        )
    ):
        found.entries = list(case.evidence)
        found.entries_at = evidence_at
        found.entry_sizes = [len(_ENTRY_HEADER) + len(body) for body in bodies]
    if case.journal:
        start = head.find(_JOURNAL_OPEN)
        end = head.find(b"\n]\n", start)
        if start >= 0 and end > start:
            first = start + len(_JOURNAL_OPEN)
            lines = head[first : end + 1].split(b"\n")[:-1]
            if len(lines) == len(case.journal) and all(
                line.startswith(b"    { at = ") and line.endswith(b" },") for line in lines
            ):
                found.journal = list(case.journal)
                found.journal_at = first
                found.journal_sizes = [len(line) + 1 for line in lines]
    return found


def dumps(case: Case) -> str:
    """The case as TOML text.  Raises :class:`SaveError` (never anything else) if it cannot.

    The text is safe to look at with ``cat``: control, bidi and invisible characters
    are written as ``\\uXXXX`` escapes.  Unchecked: :func:`encode` is what saves use.
    """
    with gc_paused():
        return b"".join(_pieces(case, None, check=False)).decode("utf-8")


# ---------------------------------------------------------------------------
# Reading


_EVIDENCE_TEXT = (
    "url",
    "url_original",
    "platform",
    "post_id",
    "comment_id",
    "account_handle",
    "account_id",
    "content",
    "notes",
)
_EVIDENCE_KEYS = frozenset(
    (
        "id",
        "posted_at",
        "posted_at_source",
        "posted_at_approximate",
        "observed_at",
        "categories",
        "added_at",
        "attachments",
        "reports",
        "captures",
        "lookups",
        "checks",
        *_EVIDENCE_TEXT,
    )
)
_DETAIL_KEYS = ("concerns_birth", "concerns_contact", "helper", "place")
"""Optional case details printed in the documents (identity, author, "Fait à")."""
_TOP_KEYS = frozenset(
    (
        "schema",
        "title",
        "created",
        "language",
        "timezone",
        "concerns",
        "concerns_birth",
        "concerns_contact",
        "helper",
        "place",
        "platforms",
        "current_step",
        "last_evidence_number",
        "drafts",
        "steps",
        "evidence",
        "journal",
    )
)
_ATTACHMENT_KEYS = frozenset(
    ("path", "sha256", "bytes", "original_name", "added_at", "taken_at", "taken_at_source")
)
_REPORT_KEYS = frozenset(("place", "date", "reference"))
_JOURNAL_KEYS = frozenset(("at", "action", "detail", "entries"))
_DRAFT_KEYS = frozenset(("at", "platform", "categories", "pending", "fields"))
_STEP_KEYS = frozenset(("status", "at"))
_HEX = frozenset("0123456789abcdef")
_CATEGORY_SET = frozenset(CATEGORIES)
_TIME_SOURCE_SET = frozenset(TIME_SOURCES)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")


@cache
def _zone_ok(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return False
    return True


def _url_problem(url: str) -> str | None:
    """None for an empty or plausible web address; a light check, cheap on 10,000 entries."""
    if not url:
        return None
    lower = url[:8].lower()
    if lower.startswith("https://"):
        rest = url[8:]
    elif lower.startswith("http://"):
        rest = url[7:]
    else:
        return t("store.not_a_url")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not host or any(c.isspace() for c in host):
        return t("store.not_a_url")
    return None


def attachment_path_problem(path: str, evidence_folder: str | None) -> str | None:
    """Why ``path`` is not a safe attachment path, or None.

    Safe: relative, forward slashes, no ``..`` or empty segment, no drive letter, and
    (when ``evidence_folder`` is given) inside ``<evidence_folder>/``.  Symlinks are
    checked against the real file system by :meth:`CaseFile.open`.
    """
    if not path:
        return t("store.path_empty")
    if "\\" in path:
        return t("store.path_backslash")
    if path.startswith("/") or _WINDOWS_DRIVE.match(path):
        return t("store.path_absolute")
    if _PATH_CONTROL.search(path):
        return t("store.path_control")
    parts = path.split("/")
    if "" in parts or "." in parts or ".." in parts:
        return t("store.path_outside")
    if evidence_folder is not None and (len(parts) < 2 or parts[0] != evidence_folder):
        return t("store.path_not_in_folder", folder=evidence_folder)
    return None


class Decoded(NamedTuple):
    """What :func:`decode` found: the case and what the caller must know about the file."""

    case: Case
    schema: int
    """The schema version the file was written with (before migration)."""
    unknown: list[str]
    """Locations of keys this Abri does not know (saving would lose them)."""


Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 0, the draft format from before versioning, named two evidence keys differently.

    ``handle`` became ``account_handle`` and ``date`` became ``posted_at``; the file had
    no ``schema`` key.
    """
    evidence = doc.get("evidence")
    if isinstance(evidence, list):
        for entry in evidence:
            if not isinstance(entry, dict):
                continue
            if "handle" in entry and "account_handle" not in entry:
                entry["account_handle"] = entry.pop("handle")
            if "date" in entry and "posted_at" not in entry:
                entry["posted_at"] = entry.pop("date")
    doc["schema"] = 1
    return doc


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 keeps the highest entry number ever given (``last_evidence_number``).

    Schema 1 re-derived it from the entries and the journal's free text, which an
    undone bulk add (``E0001-E0003 (undo)``) defeated: an ID could be given twice.
    The migration reads every ID the old journal names, so none is given again.
    """
    if "last_evidence_number" not in doc:
        doc["last_evidence_number"] = _legacy_highest(doc)
    doc["schema"] = 2
    return doc


def _legacy_highest(doc: dict[str, Any]) -> int:
    evidence = doc.get("evidence")
    journal = doc.get("journal")
    highest = 0
    if isinstance(evidence, list):
        for raw in evidence:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                highest = max(highest, evidence_number(raw["id"]))
    if isinstance(journal, list):
        lines = [
            JournalEntry(at=datetime.now(UTC), action=raw["action"], detail=raw["detail"])
            for raw in journal
            if isinstance(raw, dict)
            and isinstance(raw.get("action"), str)
            and isinstance(raw.get("detail"), str)
        ]
        highest = max(highest, legacy_highest_evidence_number((), lines))
    return highest


MIGRATIONS: dict[int, Migration] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}
"""Schema N -> N+1 steps, applied in order to the raw TOML document."""


class _Decoder:
    """Turns a parsed TOML document into a Case, collecting every problem on the way."""

    def __init__(self, evidence_folder: str | None) -> None:
        self.problems: list[Problem] = []
        self.unknown: list[str] = []
        self.evidence_folder = evidence_folder

    def problem(self, location: str, key: str, **params: Any) -> None:
        self.problems.append(Problem(location, t(key, **params)))

    def time(self, value: Any, location: str) -> datetime | None:
        if type(value) is datetime:
            if value.tzinfo is None:
                self.problem(location, "store.naive_time")
                return None
            earliest, end = TIME_RANGE
            # The year first: comparing 9999-12-31T23:00-05:00 itself would overflow.
            if not earliest.year - 1 <= value.year <= end.year or not earliest <= value < end:
                self.problem(
                    location, "safety.time_out_of_range", low=earliest.year, high=end.year - 1
                )
                return None
            return value
        if isinstance(value, date):
            self.problem(location, "store.date_without_time")
        else:
            self.problem(location, "store.not_a_date")
        return None

    def text(self, value: Any, location: str) -> str | None:
        if type(value) is str:
            return value
        self.problem(location, "store.not_text", type=_type_name(value))
        return None

    def texts(self, value: Any, location: str) -> list[str] | None:
        if type(value) is not list:
            self.problem(location, "store.not_a_list")
            return None
        out = []
        for n, item in enumerate(value, 1):
            if type(item) is str:
                out.append(item)
            else:
                self.problem(f"{location}[{n}]", "store.not_text", type=_type_name(item))
        return out

    def unknown_keys(self, table: dict[str, Any], known: frozenset[str], location: str) -> None:
        for key in table.keys() - known:
            # Key names are user text too: never let one carry an escape sequence out.
            name = one_line(key, 40)
            where = f"{location}.{name}" if location else name
            self.unknown.append(where)

    # -- the document ------------------------------------------------------

    def case(self, doc: dict[str, Any]) -> Case | None:
        self.unknown_keys(doc, _TOP_KEYS, "")
        fields: dict[str, Any] = {}
        title = doc.get("title")
        if title is None:
            self.problem("title", "store.missing")
        else:
            fields["title"] = self.text(title, "title")
        created = doc.get("created")
        if created is None:
            self.problem("created", "store.missing")
        else:
            fields["created"] = self.time(created, "created")
        if "language" in doc:
            language = self.text(doc["language"], "language")
            if language is not None and language not in LANGUAGES:
                self.problem("language", "store.bad_choice", choices=", ".join(LANGUAGES))
            fields["language"] = language
        if "timezone" in doc:
            zone = self.text(doc["timezone"], "timezone")
            if zone is not None and not _zone_ok(zone):
                self.problem("timezone", "store.bad_timezone")
            fields["timezone"] = zone
        if "concerns" in doc:
            fields["concerns"] = self.text(doc["concerns"], "concerns")
        for key in _DETAIL_KEYS:
            if key in doc:
                fields[key] = self.text(doc[key], key)
        if "current_step" in doc:
            fields["current_step"] = self.text(doc["current_step"], "current_step")
        if "last_evidence_number" in doc:
            number = doc["last_evidence_number"]
            if type(number) is not int or not 0 <= number < 10**9:
                self.problem("last_evidence_number", "store.bad_counter")
            else:
                fields["last_evidence_number"] = number
        if "platforms" in doc:
            fields["platforms"] = self.texts(doc["platforms"], "platforms")
        if "steps" in doc:
            fields["steps"] = self.steps(doc["steps"])
        if "drafts" in doc:
            fields["drafts"] = self.drafts(doc["drafts"])
        default_added = fields.get("created")
        if "evidence" in doc:
            fields["evidence"] = self.evidence_list(doc["evidence"], default_added)
        if "journal" in doc:
            fields["journal"] = self.journal(doc["journal"])
        if self.problems:
            return None
        return Case(**fields)

    def steps(self, value: Any) -> dict[str, StepProgress] | None:
        if type(value) is not dict:
            self.problem("steps", "store.not_a_table")
            return None
        out: dict[str, StepProgress] = {}
        for step_id, raw in value.items():
            where = f"steps.{one_line(step_id, 40)}"
            if type(raw) is not dict:
                self.problem(where, "store.not_a_table")
                continue
            self.unknown_keys(raw, _STEP_KEYS, where)
            status = raw.get("status")
            if status not in STEP_STATUSES:
                self.problem(
                    where + ".status", "store.bad_choice", choices=", ".join(STEP_STATUSES)
                )
                continue
            at = self.time(raw.get("at"), where + ".at")
            if at is not None:
                out[step_id] = StepProgress(status=status, at=at)
        return out

    def drafts(self, value: Any) -> dict[str, Draft] | None:
        if type(value) is not dict:
            self.problem("drafts", "store.not_a_table")
            return None
        out: dict[str, Draft] = {}
        for key, raw in value.items():
            where = f"drafts.{one_line(key, 40)}"
            if type(raw) is not dict:
                self.problem(where, "store.not_a_table")
                continue
            self.unknown_keys(raw, _DRAFT_KEYS, where)
            at = self.time(raw.get("at"), where + ".at")
            platform = self.text(raw.get("platform", ""), where + ".platform")
            categories = self.texts(raw.get("categories", []), where + ".categories")
            pending = self.texts(raw.get("pending", []), where + ".pending")
            texts = raw.get("fields", {})
            if type(texts) is not dict or any(type(v) is not str for v in texts.values()):
                self.problem(where + ".fields", "store.not_a_table")
                continue
            if at is None or platform is None or categories is None or pending is None:
                continue
            out[key] = Draft(
                at=at,
                fields=dict(texts),
                categories=tuple(categories),
                platform=platform,
                pending=tuple(pending),
            )
        return out

    def journal(self, value: Any) -> list[JournalEntry] | None:
        if type(value) is not list:
            self.problem("journal", "store.not_a_list")
            return None
        out = []
        for n, raw in enumerate(value, 1):
            where = f"journal[{n}]"
            if type(raw) is not dict:
                self.problem(where, "store.not_a_table")
                continue
            if not _JOURNAL_KEYS.issuperset(raw):
                self.unknown_keys(raw, _JOURNAL_KEYS, where)
            at = self.time(raw.get("at"), where + ".at")
            action = self.text(raw.get("action", ""), where + ".action")
            detail = self.text(raw.get("detail", ""), where + ".detail")
            entries = self.texts(raw.get("entries", []), where + ".entries")
            if at is not None and action is not None and detail is not None and entries is not None:
                out.append(
                    JournalEntry(
                        at=at, action=_shared(action), detail=detail, entries=tuple(entries)
                    )
                )
        return out

    def evidence_list(self, value: Any, default_added: datetime | None) -> list[Evidence] | None:
        if type(value) is not list:
            self.problem("evidence", "store.not_a_list")
            return None
        out = []
        seen: set[str] = set()
        for n, raw in enumerate(value, 1):
            entry = self.evidence(raw, f"evidence[{n}]", seen, default_added)
            if entry is not None:
                out.append(entry)
        return out

    def evidence(
        self, raw: Any, where: str, seen: set[str], default_added: datetime | None
    ) -> Evidence | None:
        if type(raw) is not dict:
            self.problem(where, "store.not_a_table")
            return None
        before = len(self.problems)
        if not _EVIDENCE_KEYS.issuperset(raw):
            self.unknown_keys(raw, _EVIDENCE_KEYS, where)
        fields: dict[str, Any] = {}
        entry_id = raw.get("id")
        if entry_id is None:
            self.problem(where + ".id", "store.missing")
        elif type(entry_id) is not str:
            self.problem(where + ".id", "store.not_text", type=_type_name(entry_id))
        elif not (entry_id[:1] == "E" and entry_id[1:].isascii() and entry_id[1:].isdigit()):
            self.problem(where + ".id", "store.bad_id")
        elif entry_id in seen:
            self.problem(where + ".id", "store.duplicate_id", id=entry_id)
        else:
            seen.add(entry_id)
            fields["id"] = entry_id
        for key in _EVIDENCE_TEXT:
            value = raw.get(key)
            if value is not None:
                if type(value) is str:
                    fields[key] = value
                else:
                    self.problem(f"{where}.{key}", "store.not_text", type=_type_name(value))
        if "platform" in fields:
            fields["platform"] = _shared(fields["platform"])
        url = fields.get("url")
        if url:
            message = _url_problem(url)
            if message:
                self.problems.append(Problem(where + ".url", message))
        for key in ("posted_at", "observed_at"):
            value = raw.get(key)
            if value is not None:
                fields[key] = self.time(value, f"{where}.{key}")
        added = raw.get("added_at")
        if added is not None:
            fields["added_at"] = self.time(added, where + ".added_at")
        elif default_added is not None:
            fields["added_at"] = default_added
        source = raw.get("posted_at_source")
        if source is not None:
            if source in _TIME_SOURCE_SET:
                fields["posted_at_source"] = _shared(source)
            else:
                self.problem(
                    where + ".posted_at_source",
                    "store.bad_choice",
                    choices=", ".join(s for s in TIME_SOURCES if s),
                )
        approximate = raw.get("posted_at_approximate")
        if approximate is not None:
            if type(approximate) is bool:
                fields["posted_at_approximate"] = approximate
            else:
                self.problem(
                    where + ".posted_at_approximate", "store.bad_choice", choices="true, false"
                )
        categories = raw.get("categories")
        if categories is not None:
            values = self.texts(categories, where + ".categories")
            if values is not None:
                for n, value in enumerate(values, 1):
                    if value not in _CATEGORY_SET:
                        self.problem(
                            f"{where}.categories[{n}]",
                            "store.bad_choice",
                            choices=", ".join(CATEGORIES),
                        )
                fields["categories"] = [_shared(v) for v in values]
        attachments = raw.get("attachments")
        if attachments is not None:
            fields["attachments"] = self.attachments(attachments, where + ".attachments")
        reports = raw.get("reports")
        if reports is not None:
            fields["reports"] = self.reports(reports, where + ".reports")
        for key, kind in _RECORD_TYPES.items():
            if raw.get(key) is not None:
                fields[key] = self.records(raw[key], kind, f"{where}.{key}")
        if len(self.problems) != before:
            return None
        return Evidence(**fields)

    def attachments(self, value: Any, where: str) -> list[Attachment]:
        out: list[Attachment] = []
        if type(value) is not list:
            self.problem(where, "store.not_a_list")
            return out
        for n, raw in enumerate(value, 1):
            loc = f"{where}[{n}]"
            if type(raw) is not dict:
                self.problem(loc, "store.not_a_table")
                continue
            before = len(self.problems)
            if not _ATTACHMENT_KEYS.issuperset(raw):
                self.unknown_keys(raw, _ATTACHMENT_KEYS, loc)
            path = raw.get("path")
            if path is None:
                self.problem(loc + ".path", "store.missing")
            elif self.text(path, loc + ".path") is not None:
                message = attachment_path_problem(path, self.evidence_folder)
                if message:
                    self.problems.append(Problem(loc + ".path", message))
            digest = raw.get("sha256")
            if digest is None:
                self.problem(loc + ".sha256", "store.missing")
            elif type(digest) is not str or len(digest) != 64 or not _HEX.issuperset(digest):
                self.problem(loc + ".sha256", "store.bad_sha256")
            size = raw.get("bytes")
            if size is None:
                self.problem(loc + ".bytes", "store.missing")
            elif type(size) is not int or size < 0:
                self.problem(loc + ".bytes", "store.bad_size")
            original = raw.get("original_name", "")
            self.text(original, loc + ".original_name")
            added = raw.get("added_at")
            if added is None:
                self.problem(loc + ".added_at", "store.missing")
            else:
                added = self.time(added, loc + ".added_at")
            taken = raw.get("taken_at")
            if taken is not None:
                taken = self.time(taken, loc + ".taken_at")
            source = raw.get("taken_at_source", "")
            if source not in _TIME_SOURCE_SET:
                self.problem(
                    loc + ".taken_at_source",
                    "store.bad_choice",
                    choices=", ".join(s for s in TIME_SOURCES if s),
                )
            if len(self.problems) == before:
                out.append(
                    Attachment(
                        path=str(path),
                        sha256=str(digest),
                        bytes=int(size or 0),
                        original_name=original,
                        added_at=added,  # type: ignore[arg-type]
                        taken_at=taken,
                        taken_at_source=_shared(source),  # type: ignore[arg-type]
                    )
                )
        return out

    def records(self, value: Any, kind: type[Any], where: str) -> tuple[Any, ...]:
        """Capture / look-up / check records, field by field from the dataclass."""
        out: list[Any] = []
        if type(value) is not list:
            self.problem(where, "store.not_a_list")
            return ()
        for n, raw in enumerate(value, 1):
            loc = f"{where}[{n}]"
            if type(raw) is not dict:
                self.problem(loc, "store.not_a_table")
                continue
            before = len(self.problems)
            fields = dataclasses.fields(kind)
            known = frozenset(item.name for item in fields)
            if not known.issuperset(raw):
                self.unknown_keys(raw, known, loc)
            values: dict[str, Any] = {}
            for item in fields:
                required = item.default is dataclasses.MISSING
                if item.name not in raw:
                    if required:
                        self.problem(f"{loc}.{item.name}", "store.missing")
                    continue
                values[item.name] = self._record_value(
                    raw[item.name], str(item.type), f"{loc}.{item.name}"
                )
                if item.name in ("files", "raw"):
                    # References to attachments, by content: SHA-256 hex digests.
                    digests = values[item.name]
                    for digest in (digests,) if isinstance(digests, str) else digests or ():
                        if digest and (len(digest) != 64 or not _HEX.issuperset(digest)):
                            self.problem(f"{loc}.{item.name}", "store.bad_sha256")
            result = values.get("result")
            if kind is OnlineCheck and result is not None and result not in CHECK_RESULTS:
                self.problem(loc + ".result", "store.bad_choice", choices=", ".join(CHECK_RESULTS))
            if len(self.problems) == before:
                out.append(kind(**values))
        return tuple(out)

    def _record_value(self, value: Any, annotation: str, loc: str) -> Any:
        if annotation.startswith("datetime"):
            return self.time(value, loc)
        if annotation.startswith("int"):
            if type(value) is not int or value < 0:
                self.problem(loc, "store.bad_size")
                return None
            return value
        if annotation.startswith("tuple"):
            texts = self.texts(value, loc)
            return tuple(texts or ())
        return self.text(value, loc)

    def reports(self, value: Any, where: str) -> list[Report]:
        out: list[Report] = []
        if type(value) is not list:
            self.problem(where, "store.not_a_list")
            return out
        for n, raw in enumerate(value, 1):
            loc = f"{where}[{n}]"
            if type(raw) is not dict:
                self.problem(loc, "store.not_a_table")
                continue
            self.unknown_keys(raw, _REPORT_KEYS, loc)
            place = raw.get("place")
            if place not in REPORT_PLACES:
                self.problem(loc + ".place", "store.bad_choice", choices=", ".join(REPORT_PLACES))
                continue
            when = raw.get("date")
            if when is not None:
                when = self.time(when, loc + ".date")
                if when is None:
                    continue
            reference = self.text(raw.get("reference", ""), loc + ".reference")
            if reference is not None:
                out.append(Report(place=_shared(place), date=when, reference=reference))
        return out


def _shared(value: str) -> str:
    """One string object for a value repeated in every entry (``x``, ``post-id``...).

    The parser makes a new one per occurrence: 50,000 entries would hold 50,000 copies.
    Short values only: there are few distinct ones.
    """
    return sys.intern(value) if len(value) <= 32 else value


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return t("store.type_number")
    if isinstance(value, list):
        return t("store.type_list")
    if isinstance(value, dict):
        return t("store.type_table")
    if isinstance(value, datetime | date):
        return t("store.type_date")
    return type(value).__name__


_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_document(text: str) -> dict[str, Any]:
    """Parse TOML text, turning a syntax error or a BOM into a :class:`CaseError`.

    The document is exactly :func:`tomllib.loads`'s (see :mod:`tui.core.tomlparse`, which
    uses a compiled parser when it can); an error carries tomllib's line and message.
    """
    problems = []
    check_limits(text)
    if text.startswith("\ufeff"):
        problems.append(Problem(t("store.line", line=1), t("store.bom")))
        text = text[1:]
    try:
        doc = tomlparse.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _LINE_RE.search(str(exc))
        where = t("store.line", line=match.group(1)) if match else t("store.whole_file")
        detail = _LINE_RE.sub("", str(exc)).strip()
        problems.append(Problem(where, t("store.invalid_toml", detail=detail)))
        raise CaseError(problems) from None
    if problems:
        raise CaseError(problems)
    return doc


# Everything a TOML string or comment can be, so that what they contain is not taken
# for structure: multi-line strings first, then one-line ones (an unterminated one
# ends with its line, as the parser would see it), then comments.  Possessive
# quantifiers: no backtracking, one pass.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(?:"{3,5}|\Z)'
    r"|'''(?:[^']++|'(?!''))*+(?:'{3,5}|\Z)"
    r'|"(?:[^"\\\n]++|\\.)*+(?:"|$)'
    r"|'[^'\n]*+(?:'|$)"
    r"|#[^\n]*+",
    re.MULTILINE,
)
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
# MAX_DEPTH dots chained between key parts: a dotted key or table name that deep.  A
# part may be empty: a quoted part is blanked to "" here, or to nothing by a caller
# that removed the strings itself.
_DEEP_DOTTED = re.compile(
    r'\.(?:[ \t]*+(?:[A-Za-z0-9_-]++|"")?+[ \t]*+\.){' + str(MAX_DEPTH - 1) + "}"
)


def strings_removed(text: str) -> str:
    """``text`` with every TOML string and comment blanked: what is left is structure."""
    return _STRINGS_AND_COMMENTS.sub('""', text)


def check_limits(text: str, structure: str | None = None) -> None:
    """Refuse a case file's text past :data:`MAX_CASE_BYTES`, :data:`MAX_DEPTH` or
    :data:`MAX_KEYS`, before any TOML parser sees it; raises :class:`CaseError`.

    One clear sentence instead of a RecursionError (arrays nested 100,000 deep) or
    minutes of parsing (a dotted key of a million parts).  Linear and at C speed:
    one regular expression blanks strings and comments (so brackets, dots and ``=``
    in a message, however hostile, never count), then counting on what is left.
    About 0.15 s on a 5 MB, 10,000-entry case (tomllib takes 2-3 s).  A caller that
    already removed strings and comments (:func:`strings_removed`, or with nothing
    in their place) passes that as ``structure`` and the text is not scanned twice.
    """
    where = t("store.whole_file")
    if len(text) > MAX_CASE_BYTES:
        size = f"{MAX_CASE_BYTES // 1024**2} MiB"
        raise CaseError([Problem(where, t("safety.too_big", limit=size))])
    if structure is None:
        structure = strings_removed(text)
    if _too_deep(structure) or _DEEP_DOTTED.search(structure):
        raise CaseError([Problem(where, t("safety.too_deep", limit=MAX_DEPTH))])
    if structure.count("=") > MAX_KEYS:
        raise CaseError([Problem(where, t("safety.too_many_keys", limit=f"{MAX_KEYS:,}"))])


def _too_deep(structure: str) -> bool:
    """True when brackets and braces in ``structure`` nest more than MAX_DEPTH deep.

    Unbalanced closers (an invalid file the parser will locate) do not count.
    """
    brackets = structure.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:  # a few per entry: tens of thousands on the largest cases
        if byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif depth:
            depth -= 1
    return False


def decode(text: str, evidence_folder: str | None = None) -> Decoded:
    """Parse, migrate and validate a case file's text; raises :class:`CaseError`.

    ``evidence_folder`` is the name of the folder attachments must live in (e.g.
    ``alice-files``); without it only the shape of attachment paths is checked.
    A newer schema is decoded leniently (keys it does not know are listed in
    ``unknown``); the caller must then open it read-only.
    """
    with gc_paused():
        return _decode(text, evidence_folder)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, then restore it as it was.

    Parsing and serializing build hundreds of thousands of objects and no cycles; the
    collector would rescan them again and again (a third of the time on 10,000
    entries).  When a save runs in a worker thread, each of those collections also
    holds the interpreter lock long enough to freeze the screen for tens of ms.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(text: str, evidence_folder: str | None) -> Decoded:
    doc = parse_document(text)
    schema = doc.get("schema", 0)
    if type(schema) is not int or schema < 0:
        raise CaseError([Problem("schema", t("store.bad_schema"))])
    version = schema
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    decoder = _Decoder(evidence_folder)
    case = decoder.case(doc)
    if case is None:
        header = None
        if schema > SCHEMA_VERSION:
            header = t("store.newer_unreadable", schema=schema, ours=SCHEMA_VERSION)
        raise CaseError(decoder.problems, header)
    return Decoded(case, schema, decoder.unknown)


def loads(text: str) -> Case:
    """The case in ``text``; raises :class:`CaseError` listing every problem."""
    return decode(text).case


def _decode_bytes(data: bytes) -> str:
    problems = []
    if data.startswith(_BOM):
        problems.append(Problem(t("store.line", line=1), t("store.bom")))
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(t("store.line", line=line), t("store.not_utf8")))
        raise CaseError(problems) from None
    if problems:
        # Say everything at once: the BOM and whatever else is wrong after it.
        try:
            parse_document(text)
        except CaseError as exc:
            problems.extend(exc.problems)
        raise CaseError(problems)
    return text


# ---------------------------------------------------------------------------
# Low-level file operations


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync(fd: int) -> None:
    """fsync that reaches the disk (macOS needs F_FULLFSYNC for that)."""
    if sys.platform == "darwin":
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass  # not supported on this volume: fall back to fsync
    os.fsync(fd)


def _write_new_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create ``path`` (must not exist), write all of ``data``, fsync, close.

    On any error the partial file is removed and the error is raised.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        _fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        # Some file systems (FUSE, some FAT drivers) cannot fsync a folder.  The rename
        # has happened by then, so this is not a failed save: SaveError keeps meaning
        # "the file on disk is unchanged".
        pass
    finally:
        os.close(fd)


def _replace(source: Path, target: Path) -> None:
    """os.replace, retried briefly on Windows when another program holds the file."""
    for attempt in range(20):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 19:
                raise
            time.sleep(0.05)


def _save_error(exc: OSError) -> SaveError:
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        key = "store.save_disk_full"
    elif code == errno.EROFS:
        key = "store.save_read_only_disk"
    elif code in (errno.EACCES, errno.EPERM):
        key = "store.save_permission"
    elif code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        key = "store.save_folder_gone"
    else:
        key = "store.save_io"
    return SaveError(t(key, detail=exc.strerror or str(exc)))


def _compact_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _short(name: str) -> str:
    # Derived names (temp files, markers) stay well below 255 characters on FAT.
    return name[:100]


def _this_host() -> str:
    try:
        return socket.gethostname() or "?"
    except OSError:
        return "?"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        # os.kill(pid, 0) would *terminate* the process on Windows: ask the kernel.
        return _windows_process(pid) is not False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@cache
def _boot_id() -> str:
    """This boot of this machine (Linux), or "" where the system does not say.

    Two machines with the same name (``ubuntu``, ``raspberrypi``) or one machine
    after a reboot have different boot IDs, so their process IDs cannot be confused.
    """
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read(64).strip()
    except (OSError, ValueError):
        return ""


def _process_identity(pid: int) -> str | None:
    """When process ``pid`` started, as an opaque string; None if gone or unknowable.

    Linux: the start time in clock ticks since boot (``/proc/PID/stat``, field 22),
    exact and immune to clock changes.  Windows: the creation time.  Other systems:
    ``ps -o lstart=`` (to the second), best effort.  The same PID with another
    identity is another process: the PID was reused.
    """
    if pid <= 0:
        return None
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                data = handle.read(4096)
            # The command name (field 2) may hold spaces and parentheses: count from
            # the last ")"; field 3 is then the first one.
            fields = data[data.rindex(b")") + 2 :].split()
            return fields[19].decode("ascii")
        except (OSError, ValueError, IndexError):
            return None
    if sys.platform == "win32":
        created = _windows_process(pid)
        return created if isinstance(created, str) else None
    try:
        import subprocess

        done = subprocess.run(
            ["ps", "-o", "lstart=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.strip()
    if done.returncode != 0 or not text:
        return None
    return text


def _windows_process(pid: int) -> str | bool | None:
    """Windows: the creation time of a running ``pid``; False if none runs; None if unknown."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE  # pointer-sized, not the default int
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None if ctypes.get_last_error() == 5 else False  # 5: access denied, it runs
    try:
        code = wintypes.DWORD()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != 259:
            return False  # exited (259 is STILL_ACTIVE)
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return None
        created = times[0]
        return str((created.dwHighDateTime << 32) | created.dwLowDateTime)
    finally:
        kernel32.CloseHandle(handle)


def _marker_payload() -> dict[str, Any]:
    """What this process writes in the "open in an Abri" marker."""
    return {
        "host": _this_host(),
        "pid": os.getpid(),
        "at": datetime.now(UTC).isoformat(),
        "boot": _boot_id(),
        "started": _process_identity(os.getpid()) or "",
    }


def _marker_holder(raw: dict[str, Any]) -> str:
    """Who a marker written on this host names: ``live``, ``stale`` (reused PID, other
    boot or other machine of the same name: say so) or ``gone`` (no such process)."""
    pid = raw.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool):
        return "gone"
    boot, started = raw.get("boot"), raw.get("started")
    ours = _boot_id()
    if isinstance(boot, str) and boot and ours and boot != ours:
        return "stale"  # rebooted since, or another machine that has the same name
    if not _pid_alive(pid):
        return "gone"
    if isinstance(started, str) and started:
        now = _process_identity(pid)
        if now is not None and now != started:
            return "stale"  # the PID now belongs to another process
        return "live"
    # A marker from an older Abri (no start time): the process holding the PID now
    # started after the marker was written, so it cannot have written it.
    written = _parse_local_time(raw.get("at"))
    began = _process_started_at(pid)
    if written is not None and began is not None and began > written + 5:
        return "stale"
    return "live"


def _parse_local_time(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value[:40])
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def _process_started_at(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch; Linux only, else None).

    Boot time plus the start in clock ticks: good to a few seconds (the boot time
    moves when the clock is corrected), enough to tell "started after the marker".
    """
    ticks = _process_identity(pid) if sys.platform.startswith("linux") else None
    if ticks is None:
        return None
    try:
        with open("/proc/stat", "rb") as handle:
            for line in handle:
                if line.startswith(b"btime "):
                    boot = int(line.split()[1])
                    return boot + int(ticks) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None
    return None


# ---------------------------------------------------------------------------
# The case file


class CaseFile:
    """One case file on disk and the case loaded from it.

    ``read_only`` holds the reason when the case must not be saved (newer schema,
    unknown keys, or loaded from a backup because the file was unreadable).
    ``notices`` holds sentences the user should read after opening (backup loaded,
    another Abri has the case open, migrated from an older format...).
    """

    def __init__(self, path: Path, case: Case) -> None:
        self.path = Path(path)
        self.case = case
        self.read_only: str | None = None
        self.notices: list[str] = []
        self.evidence_dir = self.path.parent / f"{self.path.stem}-files"
        self._lock = threading.RLock()
        self._known_hash: str | None = None
        """sha256 of the file's bytes as we last read or wrote them (None: no file)."""
        self._map: _FileMap | None = None
        """Where each entry and journal line lies in those bytes (a save copies runs of them)."""
        self._unlockable = False
        self._preserve_main = False
        """The main file could not be read: keep its bytes before the first save."""
        self._marker_written = False
        self.held_elsewhere = False
        """True when another Abri seemed to have this case open when it was opened."""

    # -- opening -----------------------------------------------------------

    @property
    def backup_dir(self) -> Path:
        """Where previous versions are kept: ``<stem>-files/.backups/``."""
        return self.evidence_dir / BACKUP_FOLDER

    @property
    def marker_path(self) -> Path:
        """The "open in an Abri" marker beside the case file."""
        return self.path.parent / f".{_short(self.path.name)}.open"

    def backups(self) -> list[Path]:
        """Backups of previous versions, newest first."""
        try:
            names = [n for n in os.listdir(self.backup_dir) if _BACKUP_RE.match(n)]
        except OSError:
            return []
        return [self.backup_dir / n for n in sorted(names, reverse=True)]

    @classmethod
    def open(cls, path: Path) -> CaseFile:
        """Open a case file; raises :class:`CaseError` (and writes nothing) if it cannot.

        If the file is unreadable (or missing) but a backup loads, the newest readable
        backup is opened **read-only** with a notice naming it; :meth:`make_writable`
        lets the user save it explicitly (the unreadable file is kept in the backup
        folder first).
        """
        path = Path(path)
        folder_name = f"{path.stem}-files"
        data: bytes | None = None
        maps: list[_FileMap] = []
        try:
            data = read_case_bytes(path)
            digest = _sha256(data)
            decoded = _decode_file(data, path, folder_name, digest, maps)
        except (CaseError, OSError) as exc:
            error = exc if isinstance(exc, CaseError) else _read_error(path, exc)
            casefile = cls._open_backup(path, data, error)
            if casefile is None:
                raise error from None
            casefile._announce()
            return casefile
        casefile = cls(path, decoded.case)
        casefile._known_hash = digest
        casefile._map = maps[0] if maps else None
        if decoded.schema > SCHEMA_VERSION:
            casefile.read_only = t("store.ro_newer", schema=decoded.schema, ours=SCHEMA_VERSION)
        elif decoded.unknown:
            shown = ", ".join(sorted(decoded.unknown)[:5])
            casefile.read_only = t("store.ro_unknown_keys", keys=shown, count=len(decoded.unknown))
        elif decoded.schema < SCHEMA_VERSION:
            casefile.notices.append(t("store.migrated", schema=decoded.schema, ours=SCHEMA_VERSION))
        casefile._point_to_newer_copies()
        casefile._announce()
        return casefile

    def _point_to_newer_copies(self) -> None:
        """Name the copies kept apart (:meth:`save_copy`) since the file was last written.

        A copy is made when a save could not replace the file (another program had
        changed it, or the case was read-only): what was done then is in the copy, not
        in the case.  Said on every opening until the case is saved again after it.
        """
        try:
            written = self.path.stat().st_mtime
            names = os.listdir(self.backup_dir)
        except OSError:
            return
        newer = []
        for name in names:
            if not (name.startswith("copy-") and name.endswith(".toml")):
                continue
            with contextlib.suppress(OSError):
                changed = os.stat(self.backup_dir / name).st_mtime
                if changed > written:
                    newer.append((changed, name))
        if not newer:
            return
        changed, name = max(newer)
        where = f"{self.evidence_dir.name}/{BACKUP_FOLDER}/{name}"
        when = self._local_time(datetime.fromtimestamp(changed, UTC).isoformat())
        self.notices.append(t("store.newer_copy", path=where, at=when, count=len(newer)))

    @classmethod
    def _open_backup(cls, path: Path, data: bytes | None, error: CaseError) -> CaseFile | None:
        probe = cls(path, Case(title=""))
        torn: list[str] = []
        for backup in probe.backups():
            try:
                data_read = read_case_bytes(backup)  # never blocks on a FIFO named like one
                decoded = _decode_file(data_read, path, probe.evidence_dir.name)
            except CaseError:
                torn.append(backup.name)  # cut short by a crash (older Abri) or damaged
                continue
            except OSError:
                continue
            if decoded.schema > SCHEMA_VERSION or decoded.unknown:
                continue
            probe.case = decoded.case
            probe._known_hash = None if data is None else _sha256(data)
            probe._preserve_main = data is not None
            probe._unlockable = True
            probe.read_only = t("store.ro_backup", name=backup.name)
            first = error.problems[0] if error.problems else None
            reason = f"{first.location}: {first.message}" if first else str(error)
            probe.notices.append(t("store.loaded_backup", name=backup.name, reason=reason))
            probe.notices.extend(t("safety.torn_backup", name=one_line(n, 80)) for n in torn)
            return probe
        return None

    @classmethod
    def create(cls, path: Path, case: Case) -> CaseFile:
        """Write a new case file; raises :class:`SaveError` if the file already exists."""
        path = Path(path)
        casefile = cls(path, case)
        try:
            # O_EXCL reserves the name: two creators cannot both win.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise SaveError(t("store.create_exists", path=str(path))) from None
        except FileNotFoundError:
            raise SaveError(t("store.create_no_folder", path=str(path.parent))) from None
        except OSError as exc:
            raise _save_error(exc) from None
        os.close(fd)
        casefile._known_hash = _sha256(b"")
        try:
            casefile.save()
        except SaveError:
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()
            raise
        casefile._announce()
        return casefile

    def make_writable(self) -> None:
        """Allow saving a case that was loaded from a backup (the user chose to).

        Raises :class:`ReadOnlyError` when the reason cannot be lifted (newer schema,
        unknown keys): saving would lose what this Abri does not understand.
        """
        with self._lock:
            if self.read_only is not None and not self._unlockable:
                raise ReadOnlyError(self.read_only)
            self.read_only = None

    # -- the marker --------------------------------------------------------

    def _local_time(self, at: object) -> str:
        """An ISO time (a marker's, a copy's) for people, in the case's zone; else as written."""
        from tui.core.i18n import current_language
        from tui.core.timeparse import format_datetime

        try:
            moment = datetime.fromisoformat(str(at))
        except ValueError:
            return one_line(str(at), 40)
        return format_datetime(moment, self.case.timezone, current_language())

    def _announce(self) -> None:
        """Warn about another Abri holding the case, then put our own marker.

        A marker names a host, a process and (since this version) its boot and start
        time, so a marker whose PID now belongs to another process, or that was
        written before a reboot or on another machine of the same name, is known to
        be stale: it is replaced, with a note.  A marker from another host cannot be
        checked: it is announced, then taken over.
        """
        marker = self.marker_path
        other_live = False
        live_here = False
        try:
            raw = json.loads(_read_small(marker, 4096).decode("utf-8"))
        except FileNotFoundError:
            raw = None
        except (OSError, ValueError):
            raw = {}
        if isinstance(raw, dict):
            # The marker is a file anyone with the stick can write: keep it short, visible.
            host = one_line(str(raw.get("host", "?")), 64)
            pid = raw.get("pid")
            when = self._local_time(raw.get("at"))
            here = _this_host()
            same_boot = bool(_boot_id()) and raw.get("boot") == _boot_id()
            if (host == here or same_boot) and isinstance(pid, int):
                if pid != os.getpid():
                    holder = _marker_holder(raw)
                    if holder == "live":
                        other_live = live_here = True
                        self.notices.append(t("store.open_elsewhere_here", pid=pid, at=when))
                    elif holder == "stale":
                        self.notices.append(t("safety.stale_marker", pid=pid, at=when))
            elif host != here:
                other_live = True
                self.notices.append(t("store.open_elsewhere_host", host=host, at=when))
        self.held_elsewhere = other_live
        if not other_live:
            self._remove_stale_temps()
            self._remove_backup_temps()
        if live_here:
            # Keep the running Abri's marker: replacing it, then removing ours on close,
            # would leave that Abri unannounced to the next one.  (A marker from another
            # host cannot be checked and may be stale: it is announced, then taken over.)
            return
        payload = json.dumps(_marker_payload())
        tmp = marker.with_name(marker.name + f".{secrets.token_hex(4)}")
        try:
            tmp.write_text(payload, encoding="utf-8")
            _replace(tmp, marker)
            self._marker_written = True
        except OSError:
            # A read-only stick: the marker is a courtesy, not a condition for opening.
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _remove_stale_temps(self) -> None:
        prefix = f".{_short(self.path.name)}.tmp-"
        try:
            names = os.listdir(self.path.parent)
        except OSError:
            return
        for name in names:
            if name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(self.path.parent / name)

    def close(self) -> None:
        """Release the "open in another Abri" marker (only if it is still ours)."""
        with self._lock:
            if not self._marker_written:
                return
            self._marker_written = False
            try:
                raw = json.loads(_read_small(self.marker_path, 4096).decode("utf-8"))
            except (OSError, ValueError):
                return
            if (
                isinstance(raw, dict)
                and raw.get("pid") == os.getpid()
                and raw.get("host") == _this_host()
            ):
                with contextlib.suppress(OSError):
                    self.marker_path.unlink()

    # -- saving ------------------------------------------------------------

    def snapshot(self) -> Case:
        """A copy of the case that later edits (which replace objects) will not change.

        Cheap (copies the lists, not the entries): take it on the UI thread, save it
        from a worker.
        """
        case = self.case
        return dataclasses.replace(
            case,
            platforms=list(case.platforms),
            steps=dict(case.steps),
            evidence=list(case.evidence),
            journal=list(case.journal),
        )

    def save(self, snapshot: Case | None = None) -> None:
        """Save the case (or ``snapshot``) atomically; thread-safe.

        Raises :class:`ReadOnlyError`, :class:`ConflictError` or :class:`SaveError`;
        in every one of those cases the file on disk is exactly as it was.
        """
        with self._lock:
            if self.read_only is not None:
                raise ReadOnlyError(t("store.save_read_only", reason=self.read_only))
            case = snapshot if snapshot is not None else self.case
            current = self._current()
            source = (
                None if current is None or self._known_hash is None else (self._known_hash, current)
            )
            made = _FileMap("", self.evidence_dir.name)
            with gc_paused():
                out = _pieces(case, self.evidence_dir.name, True, source, self._map, made)
                data = b"".join(out)
                del out
            self._write(data, current)
            assert self._known_hash is not None  # just written
            made.file = self._known_hash
            # Sizes that do not add up to the file would cut wrong runs: then no map (the
            # next save serializes everything), never a wrong one.
            fits = made.entries_at + sum(made.entry_sizes) == len(data)
            self._map = made if fits else None

    def save_copy(self, snapshot: Case | None = None) -> Path:
        """Write the case (or ``snapshot``) as a separate copy in the backup folder.

        For when :meth:`save` cannot replace the file (a conflict, a read-only case) and
        what is in memory must not be lost: the copy is ``.backups/copy-<time>.toml``,
        written atomically, never rotated away.  Returns its path; raises
        :class:`SaveError`.
        """
        with self._lock:
            case = snapshot if snapshot is not None else self.case
            source: Source | None = None
            with contextlib.suppress(OSError):
                current = self.path.read_bytes()
                if self._known_hash is not None and _sha256(current) == self._known_hash:
                    source = (self._known_hash, current)  # unchanged entries cut from it
            with gc_paused():
                data = b"".join(_pieces(case, self.evidence_dir.name, True, source, self._map))
            try:
                return self._write_unique(self.backup_dir, "copy", data)
            except OSError as exc:
                raise _save_error(exc) from None

    def record(self, action: str, detail: str = "") -> None:
        """Add a journal line and save."""
        with self._lock:
            self.case.log(action, detail)
            self.save()

    def _current(self) -> bytes | None:
        """The file's bytes now (None: no file), if they are what we last read or wrote.

        Raises :class:`ConflictError` when another program changed the file meanwhile,
        :class:`SaveError` when it cannot be read.  A save cuts the entries it did not
        change from these very bytes (see :class:`_Piece`).
        """
        try:
            current: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise _save_error(exc) from None
        if current is not None and _sha256(current) != self._known_hash:
            raise ConflictError(t("store.conflict", name=self.path.name))
        return current

    def _write(self, data: bytes, current: bytes | None) -> None:
        """Replace the file with ``data`` (``current``: its bytes, from :meth:`_current`)."""
        path = self.path
        tmp = path.parent / f".{_short(path.name)}.tmp-{secrets.token_hex(4)}"
        mode = 0o600
        if current is not None:
            with contextlib.suppress(OSError):
                mode = os.stat(path).st_mode & 0o777 or 0o600
        try:
            _write_new_file(tmp, data, mode)
            try:
                if current is not None and current:
                    self._backup(current)
                _replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise _save_error(exc) from None
        self._known_hash = _sha256(data)
        self._preserve_main = False
        _fsync_folder(path.parent)
        self._rotate_backups()

    def _backup(self, current: bytes) -> None:
        """Keep the version about to be replaced (and an unreadable one, under its own name)."""
        prefix = "unreadable" if self._preserve_main else "backup"
        if not self._link_backup(prefix, len(current)):
            self._write_unique(self.backup_dir, prefix, current)

    def _link_backup(self, prefix: str, size: int) -> bool:
        """Keep the file about to be replaced as a backup by a second name for it.

        The replace that follows gives the case file a new file of its own, so the old
        one lives on, unchanged, as the backup: nothing is written (a 48 MB case cost
        48 MB of backup on every save).  False where there are no hard links (FAT and
        exFAT sticks), or if the file is not the size just read: a copy is written.
        """
        folder = self.backup_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = _compact_utc(datetime.now(UTC))
            for n in range(100):
                name = f"{prefix}-{stamp}.toml" if n == 0 else f"{prefix}-{stamp}-{n}.toml"
                try:
                    os.link(self.path, folder / name, follow_symlinks=False)
                    break
                except FileExistsError:
                    continue
            else:
                return False
            if os.stat(folder / name, follow_symlinks=False).st_size != size:
                os.unlink(folder / name)  # another program wrote it meanwhile
                return False
        except OSError:
            return False
        _fsync_folder(folder)
        return True

    @staticmethod
    def _write_unique(folder: Path, prefix: str, data: bytes) -> Path:
        """Write ``data`` to a new ``<prefix>-<UTC time>.toml`` in ``folder``, like the case file.

        Written under a temporary name (hidden, never matching a backup's name),
        fsynced, then given its final name in one step that never replaces an
        existing file (a hard link, or a rename where links are not supported), and
        the folder fsynced: a kill at any moment leaves a whole backup or none, plus
        at most a temporary file that the next save or opening removes.
        """
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _compact_utc(datetime.now(UTC))
        tmp = folder / f".{prefix}-{stamp}.toml{_BACKUP_TEMP}{secrets.token_hex(4)}"
        _write_new_file(tmp, data)
        try:
            n = 0
            while True:
                name = f"{prefix}-{stamp}.toml" if n == 0 else f"{prefix}-{stamp}-{n}.toml"
                try:
                    _name_new_file(tmp, folder / name)
                    break
                except FileExistsError:
                    n += 1
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_folder(folder)
        return folder / name

    def _rotate_backups(self) -> None:
        for old in self.backups()[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
        # Temporary files of backups whose save was killed.  An hour old at least: a
        # second Abri (warned about at opening) may be writing one right now.
        self._remove_backup_temps(older_than=3600)

    def _remove_backup_temps(self, older_than: float = 0) -> None:
        try:
            entries = list(os.scandir(self.backup_dir))
        except OSError:
            return
        now = time.time()
        for entry in entries:
            if not (entry.name.startswith(".") and _BACKUP_TEMP in entry.name):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime >= older_than:
                    os.unlink(entry.path)

    def torn_backups(self) -> list[Path]:
        """Backups that do not read as a case file (cut short by a crash, or damaged).

        Reads every backup: for ``abri check`` and a restore list, not for opening.
        """
        torn = []
        for backup in self.backups():
            try:
                decode(_decode_bytes(read_case_bytes(backup)), self.evidence_dir.name)
            except (CaseError, OSError):
                torn.append(backup)
        return torn


def _name_new_file(source: Path, target: Path) -> None:
    """Give the complete file ``source`` the name ``target``, never replacing a file there.

    A hard link then removing the temporary name is atomic and refuses an existing
    ``target`` (FileExistsError).  FAT and exFAT sticks have no hard links: there
    the rename follows a check that the name is free (names carry microseconds, and
    backups of one case are written under its lock).
    """
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        _replace(source, target)
        return
    with contextlib.suppress(OSError):
        os.unlink(source)


def encode(case: Case, evidence_folder: str | None = None) -> bytes:
    """The bytes to write for ``case``, checked piece by piece, in time proportional to the change.

    Each entry and journal line is serialized once and its bytes kept until the object
    is replaced; a piece not seen before is checked when it is made: it reads back,
    passes the same validation as opening the file (attachment paths inside
    ``evidence_folder``...) and writes back to the very same text.  The top of the file
    (metadata, steps) is checked on every call and entry IDs must be unique.  The pieces
    are self-contained TOML blocks, so their concatenation is a valid file that reads
    back as the case.  Raises :class:`SaveError` if the case cannot be serialized or
    would not read back (so Abri never writes a file it would refuse to open).
    :func:`encode_verified` adds the full read-back of the whole file.
    """
    with gc_paused():
        return b"".join(_pieces(case, evidence_folder, check=True))


def encode_verified(case: Case, evidence_folder: str | None = None) -> bytes:
    """:func:`encode`, then the whole result decoded and written again to the same bytes.

    The full read-back check, for tests and ``abri check``: it costs a complete parse
    and serialization, which :func:`encode` avoids on every save.  Raises
    :class:`SaveError`.
    """
    data = encode(case, evidence_folder)
    with gc_paused():
        try:
            back = decode(data.decode("utf-8"), evidence_folder).case
        except CaseError as exc:
            raise SaveError(t("store.save_would_be_invalid", problems=_first_lines(exc))) from None
        if _canonical(back) != _canonical(case):
            raise SaveError(t("store.save_roundtrip"))
    return data


def _canonical(case: Case) -> str:
    """The case serialized from scratch, no cached piece (what the full check compares)."""
    journal = "".join(_journal_text(j, f"journal[{n}]") for n, j in enumerate(case.journal, 1))
    return "".join(
        (
            _head_text(case),
            f"journal = [\n{journal}]\n" if journal else "",
            _steps_text(case),
            *(_entry_text(e, f"evidence[{n}]") for n, e in enumerate(case.evidence, 1)),
        )
    )


def entry_problems(entry: Evidence, evidence_folder: str | None = None) -> list[Problem]:
    """What would keep a case holding ``entry`` from being saved (empty: nothing).

    The same checks as a save's read-back, for one entry: the case session runs it
    before a change is accepted, so a bad value is refused with a sentence at once
    instead of failing a save later.
    """
    try:
        text = tomli_w.dumps({"evidence": [_evidence_dict(entry, "evidence")]})
        text.encode("utf-8")
        raw = tomllib.loads(text)["evidence"][0]
    except SaveError as exc:
        return [Problem("evidence", str(exc))]
    except (UnicodeEncodeError, ValueError, TypeError):
        return [Problem("evidence", t("store.save_unencodable"))]
    decoder = _Decoder(evidence_folder)
    back = decoder.evidence(raw, "evidence", set(), None)
    if decoder.problems:
        return decoder.problems
    if back != entry:
        return [Problem("evidence", t("store.save_roundtrip"))]
    return []


def _first_lines(error: CaseError) -> str:
    shown = [f"{p.location}: {p.message}" for p in error.problems[:3]]
    return "; ".join(shown)


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO put in the file's place: the open never waits
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _read_small(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file (a marker); OSError for anything else."""
    fd = os.open(path, _READ_FLAGS)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read(limit)


def read_case_bytes(path: Path) -> bytes:
    """The bytes of a case file; :class:`CaseError` if it is not a plausible one.

    Refuses folders, devices and pipes (reading ``/dev/zero`` would never end) and files
    above :data:`MAX_CASE_BYTES`, before reading anything; the type is checked again
    on the opened file, and never more than the limit is read (a file that grows
    while it is read is refused too).  ``OSError`` passes through.
    """
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise CaseError([Problem(str(path), t("store.is_a_folder"))])
    if not stat.S_ISREG(info.st_mode):
        raise CaseError([Problem(str(path), t("store.not_a_regular_file"))])
    if info.st_size > MAX_CASE_BYTES:
        raise CaseError([Problem(str(path), t("store.too_big"))])
    fd = os.open(path, _READ_FLAGS)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the first look
            raise CaseError([Problem(str(path), t("store.not_a_regular_file"))])
        data = handle.read(MAX_CASE_BYTES + 1)
    if len(data) > MAX_CASE_BYTES:
        raise CaseError([Problem(str(path), t("store.too_big"))])
    return data


def file_problems(path: Path) -> list[Problem]:
    """Every problem of the case file itself, without falling back to a backup.

    An empty list means :meth:`CaseFile.open` reads it directly (it may still open
    read-only for a newer schema or unknown keys).  Reads only; writes nothing.
    """
    path = Path(path)
    try:
        _decode_file(read_case_bytes(path), path, f"{path.stem}-files")
    except CaseError as exc:
        return list(exc.problems)
    except OSError as exc:
        return list(_read_error(path, exc).problems)
    return []


def _read_error(path: Path, exc: OSError) -> CaseError:
    if isinstance(exc, FileNotFoundError):
        message = t("store.not_found")
    elif isinstance(exc, IsADirectoryError):
        message = t("store.is_a_folder")
    elif isinstance(exc, PermissionError):
        message = t("store.no_permission")
    else:
        message = t("store.read_failed", detail=exc.strerror or str(exc))
    return CaseError([Problem(str(path), message)])


_FREEZE_FROM = 2_000
"""Cases with this many entries have their objects moved out of the collector's sight."""

_CHUNK_ENTRIES = 500
"""Entries parsed per call when a file is read in chunks (see :func:`_decode_chunked`)."""


def _decode_chunked(data: bytes, folder_name: str) -> tuple[Decoded, list[bytes]] | None:
    """Decode a case file laid out as Abri writes it, a few hundred entries at a time.

    Same result as ``decode(data.decode())`` (with each entry's block, to warm the save
    cache without another copy) — or None, and the caller decodes the whole
    text, whenever the file is not plainly laid out, or anything at all is wrong (so
    every refusal and its locations come from the one whole-file path).  Why: the whole
    text of a 50,000-entry case is 200 MB of Python string once it holds one emoji, and
    its parsed document as much again; in chunks, only the model stays.

    Sound because the ``[[evidence]]`` blocks are cut at their header lines: a block
    holds one entry and its sub-tables, a cut inside a multi-line string leaves a piece
    that does not parse (None), and a chunk must parse to nothing but entries.
    """
    if data.startswith(_BOM):
        return None
    evidence_at = data.find(_ENTRY_HEADER)
    if evidence_at < 0:
        return None
    try:
        head_doc = tomlparse.loads(data[: evidence_at + 1].decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    if "evidence" in head_doc or head_doc.get("schema") != SCHEMA_VERSION:
        return None
    decoder = _Decoder(folder_name)
    case = decoder.case(head_doc)
    if case is None or decoder.unknown:
        return None
    bodies = data.split(_ENTRY_HEADER)[1:]  # (no copy of the whole region first)
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for start in range(0, len(bodies), _CHUNK_ENTRIES):
        group = bodies[start : start + _CHUNK_ENTRIES]
        try:
            text = (_ENTRY_HEADER + _ENTRY_HEADER.join(group)).decode("utf-8")
            doc = tomlparse.loads(text)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            return None
        del text
        raw = doc.get("evidence")
        if list(doc) != ["evidence"] or type(raw) is not list or len(raw) != len(group):
            return None
        for n, table in enumerate(raw, start + 1):
            entry = decoder.evidence(table, f"evidence[{n}]", seen, case.created)
            if entry is None:
                return None
            evidence.append(entry)
        del doc, raw
    if decoder.problems or decoder.unknown:
        return None
    case.evidence = evidence
    return Decoded(case, SCHEMA_VERSION, []), bodies


def _decode_file(
    data: bytes,
    path: Path,
    folder_name: str,
    digest: str | None = None,
    maps: list[_FileMap] | None = None,
) -> Decoded:
    """Decode a case file's bytes (``digest``: their SHA-256, when the caller has it).

    ``maps`` (when given) receives where each entry and journal line lies in ``data``,
    when the file is laid out as Abri writes it (see :func:`_warm`)."""
    with gc_paused():
        chunked = _decode_chunked(data, folder_name)
    decoded = chunked[0] if chunked else decode(_decode_bytes(data), folder_name)
    problems = symlink_problems(decoded.case, path)
    if problems:
        raise CaseError(problems)
    if chunked or (decoded.schema == SCHEMA_VERSION and not decoded.unknown):
        file = digest or _sha256(data)
        layout = _warm(data, decoded.case, folder_name, file, chunked[1] if chunked else None)
        del chunked  # the blocks' bytes: the map points into the file instead
        if maps is not None:
            maps.append(layout)
    if len(data) >= _TRIM_FROM_BYTES:
        _give_back_free_memory()
    if len(decoded.case.evidence) >= _FREEZE_FROM:
        # The cyclic collector would rescan the whole model (a million objects at 50,000
        # entries, 100+ ms holding the interpreter lock) now and then as the app runs:
        # the screen would freeze on a keystroke.  Entries hold no cycles; refcounting
        # still frees every replaced one.
        gc.freeze()
    return decoded


_TRIM_FROM_BYTES = 1 << 20
"""Case files from this size give the parser's freed memory back: a small one frees
little, and loading ``ctypes`` for it delays the first screen."""


def _give_back_free_memory() -> None:
    """Return the parser's freed memory to the system (glibc keeps it otherwise).

    Parsing a large case allocates and frees hundreds of MB in small blocks; without this
    the process stays that big for as long as the case is open.  Linux with glibc only;
    elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # another C library (musl): nothing to give back this way


def symlink_problems(case: Case, case_path: Path) -> list[Problem]:
    """Attachments whose real location (symlinks resolved) is outside the evidence folder.

    Cheap on large cases: one listing of the evidence folder, and ``realpath`` only for
    entries that are symlinks or sit in sub-folders.
    """
    evidence_dir = case_path.parent / f"{case_path.stem}-files"
    prefix = evidence_dir.name + "/"
    links: set[str] | None = None
    real_root: str | None = None
    problems = []
    for n, entry in enumerate(case.evidence, 1):
        for m, attachment in enumerate(entry.attachments, 1):
            rest = attachment.path[len(prefix) :]
            if links is None:
                links = set()
                try:
                    with os.scandir(evidence_dir) as it:
                        for item in it:
                            if item.is_symlink():
                                links.add(item.name)
                except OSError:
                    pass
            if "/" not in rest and rest not in links:
                continue
            if real_root is None:
                real_root = os.path.realpath(evidence_dir)
            target = os.path.realpath(case_path.parent / attachment.path)
            if os.path.commonpath([real_root, target]) != real_root or target == real_root:
                problems.append(
                    Problem(f"evidence[{n}].attachments[{m}].path", t("store.path_symlink_out"))
                )
    return problems
