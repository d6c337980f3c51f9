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

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

SCHEMA_VERSION = 1
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


@dataclass
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


@dataclass
class Report:
    """A report already made about an entry (to the platform, PHAROS, the police...)."""

    place: str
    """One of :data:`REPORT_PLACES`."""
    date: datetime | None = None
    reference: str = ""


@dataclass
class Evidence:
    """One hostile message: the row of the complaint's table."""

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
    categories: list[str] = field(default_factory=list)
    notes: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    added_at: datetime = field(default_factory=now)


@dataclass
class StepProgress:
    """What the person did with one calm step."""

    status: StepStatus
    at: datetime


@dataclass
class JournalEntry:
    """One line of the append-only journal: what was done, and when."""

    at: datetime
    action: str
    """Machine-readable: ``evidence-added``, ``step-done``, ``export-written``, ``check``..."""
    detail: str = ""


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

    def next_evidence_id(self) -> str:
        """A new entry ID, one past the highest ever used (IDs are never reused)."""
        highest = 0
        for entry in self.evidence:
            digits = entry.id[1:]
            if entry.id.startswith("E") and digits.isdigit():
                highest = max(highest, int(digits))
        for line in self.journal:
            # A deleted entry's ID stays taken: the journal names it.
            if line.action == "evidence-deleted" and line.detail[:1] == "E":
                digits = line.detail[1:].split(" ", 1)[0]
                if digits.isdigit():
                    highest = max(highest, int(digits))
        return f"E{highest + 1:04d}"

    def log(self, action: str, detail: str = "") -> JournalEntry:
        """Append a journal line (the caller saves)."""
        entry = JournalEntry(at=now(), action=action, detail=detail)
        self.journal.append(entry)
        return entry

    def find(self, evidence_id: str) -> Evidence | None:
        """The entry with this ID, or None."""
        for entry in self.evidence:
            if entry.id == evidence_id:
                return entry
        return None
