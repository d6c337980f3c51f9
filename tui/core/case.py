"""The case model: plain dataclasses, no I/O, no Textual.

A *case* is everything Abri knows about one harassment situation: its metadata,
the evidence entries (one per hostile message), the files attached to them, the
progress through the calm steps and an append-only journal.  Storage (TOML,
validation, atomic saves) lives in :mod:`tui.core.store`; this module only says
what the data is.

Every datetime here is timezone-aware.  Platform IDs are strings: they are
64-bit numbers that must never pass through a float.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

SCHEMA_VERSION = 2
"""Version of the case file format written by this Abri."""

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

TimeSource = Literal["typed", "post-id", "file-metadata", "file-name", "capture", ""]
"""Where a time came from. Shown next to every time so the evidence stays honest."""
TIME_SOURCES: tuple[str, ...] = ("typed", "post-id", "file-metadata", "file-name", "capture", "")

StepStatus = Literal["done", "skipped", "later"]
STEP_STATUSES: tuple[str, ...] = ("done", "skipped", "later")

CATEGORIES: tuple[str, ...] = ("threat", "insult", "sexual", "doxxing", "impersonation", "other")
"""Evidence categories (translated for display by the content files)."""

REPORT_PLACES: tuple[str, ...] = ("platform", "pharos", "police", "other")
"""Where an entry may already have been reported."""


def now() -> datetime:
    """The current time, aware, in UTC (converted to the case's zone for display)."""
    return datetime.now(UTC)


def _tuple(obj: object, name: str) -> None:
    """Store a list given for a tuple field as a tuple (frozen values stay frozen)."""
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file (usually a screenshot) copied into the case's evidence folder."""

    path: str
    """Relative to the case file's folder, e.g. ``alice-files/E0007-20210414T151042Z-1.png``."""
    sha256: str
    bytes: int
    original_name: str
    added_at: datetime
    taken_at: datetime | None = None
    """When the image was taken, if its metadata or file name said so."""
    taken_at_source: TimeSource = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A report already made about an entry (to the platform, PHAROS, the police...)."""

    place: str
    """One of :data:`REPORT_PLACES`."""
    date: datetime | None = None
    reference: str = ""


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """One capture of the entry's page by Abri's browser (the files are attachments).

    ``at`` is the capture time (this machine's clock, UTC): when the page was seen,
    never when it was published.
    """

    at: datetime
    finished_at: datetime
    url: str
    """The address asked for."""
    final_url: str = ""
    label: str = "page"
    """``page`` (the post's address) or ``embed`` (X's official embed rendering)."""
    verdict: str = ""
    """``loaded``, ``login-wall``, ``bot-check``, ``removed``, ``account-suspended``,
    ``http-error``, ``refused``, ``download`` or ``failed``: what the page indicated."""
    indicator: str = ""
    http_status: int | None = None
    address: str = ""
    """The IP address connected to."""
    files: tuple[str, ...] = ()
    """SHA-256 of each attachment this capture made (screenshots, archive, capture.json):
    the content names the file, whatever its path becomes."""


@dataclass(frozen=True, slots=True)
class LookupRecord:
    """One look-up of the post on the platform's public interface (no login)."""

    at: datetime
    platform: str
    method: str
    """What was asked, e.g. ``x-syndication``, ``bluesky-appview``, ``mastodon-api``."""
    outcome: str
    """``found``, ``unavailable``, ``not-found``, ``rate-limited``, ``unexpected`` or ``error``."""
    http_status: int | None = None
    account_id: str = ""
    account_handle: str = ""
    text: str = ""
    created_at: datetime | None = None
    """The post's creation time as the platform states it."""
    raw: str = ""
    """SHA-256 of the attachment holding the raw response."""
    note: str = ""
    """E.g. a mismatch between the stated time and the time decoded from the post ID."""


CHECK_RESULTS: tuple[str, ...] = (
    "online",
    "removed",
    "account-suspended",
    "login-wall",
    "rate-limited",
    "network-error",
    "unknown",
)
"""What a "still online?" check may record.  Each *indicates*; none proves."""


@dataclass(frozen=True, slots=True)
class OnlineCheck:
    """One "still online?" check of an entry's post."""

    at: datetime
    result: str
    """One of :data:`CHECK_RESULTS`."""
    method: str
    """``x-syndication``, ``bluesky-appview``, ``mastodon-api`` or ``page``."""
    http_status: int | None = None
    indicator: str = ""
    """What decided it: ``tombstone``, ``HTTP 404``, ``phrase: "…"``..."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One hostile message: the row of the complaint's table.

    A value: never changed in place.  A change builds a new entry
    (``dataclasses.replace``) and the case session puts it in place of the old one,
    so a snapshot being saved, an undo step or a cached rendering keeps its own.
    """

    id: str
    """Stable within the case: ``E0001``, ``E0002``... never reused."""
    url: str = ""
    """Normalised URL of the post (tracking parameters removed)."""
    url_original: str = ""
    """The URL exactly as given, when it differs from ``url``."""
    platform: str = ""
    post_id: str = ""
    account_handle: str = ""
    account_id: str = ""
    posted_at: datetime | None = None
    posted_at_source: TimeSource = ""
    observed_at: datetime | None = None
    content: str = ""
    categories: tuple[str, ...] = ()
    notes: str = ""
    attachments: tuple[Attachment, ...] = ()
    reports: tuple[Report, ...] = ()
    added_at: datetime = field(default_factory=now)
    comment_id: str = ""
    """The comment the URL points at, when the hostile message is a comment under ``post_id``."""
    posted_at_approximate: bool = False
    """``posted_at`` is close to, not exactly, the time the platform shows (TikTok, Threads IDs)."""

    captures: tuple[CaptureRecord, ...] = ()
    """Captures of the page by Abri (see :mod:`tui.capture`), oldest first."""
    lookups: tuple[LookupRecord, ...] = ()
    """Look-ups of the post on the platform's public interface, oldest first."""
    checks: tuple[OnlineCheck, ...] = ()
    """"Still online?" checks, oldest first (the timeline printed by the exports)."""

    def __post_init__(self) -> None:
        for name in ("categories", "attachments", "reports", "captures", "lookups", "checks"):
            _tuple(self, name)


def _packed(text: object) -> object:
    """``text`` as it is best held in memory: itself, or its UTF-8 when that is smaller.

    CPython stores a string at the width of its widest character: one emoji in a
    message makes every character of it take 4 bytes.  Hostile messages are full of
    emoji; at 50,000 entries their text took 32 MB as strings and takes 9 MB as UTF-8.
    ``surrogatepass`` makes the round trip exact for any string at all.
    """
    if type(text) is not str or text.isascii() or len(text) < 32:
        return text  # ASCII is one byte a character already; short: not worth it
    data = text.encode("utf-8", "surrogatepass")
    return data if len(data) + 33 < sys.getsizeof(text) else text


def _hold_compactly(cls: type, name: str) -> None:
    """Make the field ``name`` of the slotted dataclass ``cls`` keep its text packed.

    Reading the attribute gives the same ``str`` as was given (decoded on each read:
    a few hundred nanoseconds for a message); the dataclass's ``__init__``, ``replace``,
    ``==``, ``hash`` and copies all go through the attribute, so nothing else changes.
    """
    slot = cls.__dict__[name]  # the slot's own descriptor, where the value is kept

    def read(obj: object) -> str:
        value = slot.__get__(obj, cls)
        if type(value) is bytes:
            return value.decode("utf-8", "surrogatepass")
        return value  # type: ignore[no-any-return]

    def write(obj: object, value: object) -> None:
        slot.__set__(obj, _packed(value))

    setattr(cls, name, property(read, write, doc=slot.__doc__))


_hold_compactly(Evidence, "content")
_hold_compactly(Evidence, "notes")


@dataclass(frozen=True, slots=True)
class StepProgress:
    """What the person did with one calm step."""

    status: StepStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One line of the append-only journal: what was done, and when."""

    at: datetime
    action: str
    """Machine-readable: ``evidence-added``, ``step-done``, ``export-written``, ``check``..."""
    detail: str = ""
    """Words for a person reading the file (never parsed back)."""
    entries: tuple[str, ...] = ()
    """The entry IDs the action concerns, one by one (typed, not inside ``detail``)."""

    def __post_init__(self) -> None:
        _tuple(self, "entries")


@dataclass(frozen=True, slots=True)
class Draft:
    """A half-typed entry, kept in the case so that nothing typed is ever lost.

    Written while the person types (a few seconds apart), when the form is left
    without a decision (another area, the palette, quitting) and before a crash can
    take it; offered back the next time that form opens, on any machine.  Removed
    when the entry is saved or the person chooses to throw it away.
    """

    at: datetime
    fields: dict[str, str] = field(default_factory=dict)
    """Form field id (``url``, ``content``, ``handle``...) -> its exact text."""
    categories: tuple[str, ...] = ()
    platform: str = ""
    pending: tuple[str, ...] = ()
    """Screenshot paths chosen in the form, not copied in yet."""

    def __post_init__(self) -> None:
        for name in ("categories", "pending"):
            _tuple(self, name)


@dataclass
class Case:
    """Everything in one case file."""

    title: str
    created: datetime = field(default_factory=now)
    language: Language = "fr"
    timezone: str = "Europe/Paris"
    """IANA zone used to show and enter times."""
    concerns: str = ""
    """Who the case concerns (optional, printed in the export header)."""
    concerns_birth: str = ""
    """Their date of birth as written (optional; the complaint's identity block)."""
    concerns_contact: str = ""
    """Their address or contact (optional; the complaint's identity block)."""
    helper: str = ""
    """Who helped put the dossier together (optional; the documents' author)."""
    place: str = ""
    """The town for "Fait à …, le …" under the signature (optional)."""
    platforms: list[str] = field(default_factory=list)
    """Platforms the person picked in the calm steps (their account-locking guides)."""
    steps: dict[str, StepProgress] = field(default_factory=dict)
    """Calm-step progress by step id."""
    current_step: str = ""
    """The step to resume at."""
    evidence: list[Evidence] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    drafts: dict[str, Draft] = field(default_factory=dict)
    """Half-typed entries by form: ``"new"``, or the ID of the entry being edited."""
    last_evidence_number: int = 0
    """The highest entry number ever given in this case (``E0007`` → 7).

    Kept in the file itself so that an ID is never given twice, whatever was added,
    deleted or undone, on whichever machine: :meth:`next_evidence_id` starts above it.
    """

    def next_evidence_id(self) -> str:
        """A new entry ID, one past the highest ever given (IDs are never reused)."""
        return evidence_id(
            max(self.last_evidence_number, highest_evidence_number(self.evidence)) + 1
        )

    def log(self, action: str, detail: str = "", entries: Iterable[str] = ()) -> JournalEntry:
        """Append a journal line (the caller saves)."""
        entry = JournalEntry(at=now(), action=action, detail=detail, entries=tuple(entries))
        self.journal.append(entry)
        return entry

    def find(self, evidence_id: str) -> Evidence | None:
        """The entry with this ID, or None."""
        for entry in self.evidence:
            if entry.id == evidence_id:
                return entry
        return None


_ID_RE = re.compile(r"\bE(\d{1,9})\b")


def evidence_id(number: int) -> str:
    """The ID of entry number ``number``: ``E0007`` (more digits past 9999)."""
    return f"E{number:04d}"


def evidence_number(entry_id: str) -> int:
    """7 for ``E0007``; 0 for an ID Abri did not make."""
    digits = entry_id[1:]
    if entry_id[:1] == "E" and digits.isdigit() and digits.isascii():
        return int(digits)
    return 0


def highest_evidence_number(entries: Iterable[Evidence]) -> int:
    """The highest entry number among ``entries`` (0 when none)."""
    return max((evidence_number(entry.id) for entry in entries), default=0)


def legacy_highest_evidence_number(
    evidence: Iterable[Evidence], journal: Iterable[JournalEntry]
) -> int:
    """For a file written before ``last_evidence_number`` existed: the highest entry
    number the case ever used, from its entries and every ID its journal names
    (``E0004``, ``E0001-E0003 (undo)``, ``E0005-E0009 (5)``...).
    """
    highest = highest_evidence_number(evidence)
    for line in journal:
        if line.action.startswith("evidence") or line.action == "import":
            for match in _ID_RE.finditer(line.detail):
                highest = max(highest, int(match.group(1)))
        for entry_id in line.entries:
            highest = max(highest, evidence_number(entry_id))
    return highest
