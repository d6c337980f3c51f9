"""The case session: the one way to change a case.  No Textual, no printing.

A :class:`CaseSession` owns one open :class:`~tui.core.store.CaseFile`.  The TUI
and the CLI never change a case themselves: they call a typed operation here (add,
edit, delete, undo/redo, import URLs, import a folder, attach/detach, calm steps,
case details, record an export or a check), and read the :class:`ChangeReport` it
returns.  So the two can never disagree.

Each operation

1. validates (one sentence per refused item, nothing changed for it),
2. builds new values (entries are frozen; the case's lists are replaced, never
   edited in place, so a snapshot being saved keeps its own),
3. journals a typed action (:class:`~tui.core.case.JournalEntry` with the entry IDs
   as data, never as text parsed later),
4. saves: at once through the atomic save (``save_now=True``, the CLI — a failed
   save puts the case back as it was and raises), or by telling the listeners, which
   save a snapshot off the event loop (:meth:`snapshot` + :meth:`save_snapshot`,
   the TUI),
5. returns what was added, changed, removed, skipped as a duplicate (and of which
   entry) and refused (and why), and keeps what undo needs.

Files are never left behind by a change that did not happen.  Copying and hashing
(:meth:`stage_files`, :meth:`stage_folder`: safe to run in a worker thread, with
progress and cancellation) writes into ``<stem>-files/.staging/`` only; a file
moves into the evidence folder proper once a save that references it has
succeeded.  A kill at any point leaves either a staged file that the next open
finishes moving (the saved case references it) or deletes (it does not).

Entry IDs are never given twice: the highest number ever given is kept in the case
file (``last_evidence_number``), whatever was added, deleted, undone or redone.

Every time is stored in UTC: an aware time typed in the case's zone keeps its
instant, including the repeated hour when clocks go back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import re
import secrets
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tui.core import attachments as files
from tui.core.case import (
    CHECK_RESULTS,
    LANGUAGES,
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
    StepProgress,
    StepStatus,
    evidence_id,
    evidence_number,
    highest_evidence_number,
    now,
)
from tui.core.i18n import t
from tui.core.platforms import UrlError, check_account_id, decode_id_time
from tui.core.rules import PostIndex, entry_from_url, post_digest, post_keys
from tui.core.store import CaseError as CaseError
from tui.core.store import CaseFile, ReadOnlyError, entry_problems
from tui.core.store import ConflictError as ConflictError
from tui.core.store import SaveError as SaveError
from tui.core.text import one_line

STAGING_FOLDER = ".staging"
"""Inside the evidence folder: files copied in for a change not saved yet."""

DELETED_FOLDER = ".deleted"
"""Inside the evidence folder: files of entries deleted in an earlier session.

Evidence files are never destroyed by Abri: a deleted entry's screenshot stays in the
folder while undo may bring the entry back, then moves here when the case is closed,
so the evidence folder holds exactly what the case references."""

UNDO_LEVELS = 100
"""How many evidence changes :meth:`CaseSession.undo` can take back."""

_PART = ".part"

Progress = Callable[[int, int], None]
"""Called with (done, total) — bytes for one file, items for a batch."""
Cancelled = Callable[[], bool]
"""Returns True once the person asked to stop."""


class Cancel(Exception):
    """Raised inside a staging run when its ``cancelled`` callback said so."""


# ---------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class Skipped:
    """An item an operation did not take, and why (one sentence, plain text)."""

    item: str
    """What the person gave: a URL, a file name, ``line 3``... (shortened, one line)."""
    reason: str
    existing: str = ""
    """For a duplicate: the ID of the entry that already holds it."""


@dataclass(frozen=True)
class ChangeReport:
    """What an operation did.  Nothing in it is markup; every text is one line."""

    action: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    duplicates: tuple[Skipped, ...] = ()
    refused: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    """Sentences worth showing (a short link, a time in the repeated hour...)."""

    @property
    def changed_case(self) -> bool:
        """True when the case was changed (and journalled)."""
        return bool(self.added or self.changed or self.removed) or self.action in _ALWAYS_CHANGES

    @property
    def entries(self) -> tuple[str, ...]:
        """Every entry ID the change touched."""
        return self.added + self.changed + self.removed


_ALWAYS_CHANGES = frozenset(
    (
        "draft-kept",
        "draft-dropped",
        "step-done",
        "step-skipped",
        "step-later",
        "step-shown",
        "platforms-chosen",
        "details-changed",
        "language-changed",
        "export-written",
        "check",
        "backup-kept",
        "recorded",
    )
)


@dataclass(frozen=True)
class FileCheck:
    """What is wrong with one entry's files on disk (see :meth:`CaseSession.check_files`)."""

    status: str
    """:data:`FILE_MISSING` or :data:`FILE_ALTERED`."""
    paths: tuple[str, ...]
    messages: tuple[str, ...]
    """One sentence per file, in the current language."""


FILE_MISSING = "missing"
FILE_ALTERED = "altered"


@dataclass(frozen=True)
class StagedFile:
    """A file copied (and hashed) into the staging folder, not part of the case yet."""

    source: Path
    temp: Path
    sha256: str
    size: int
    original_name: str
    taken_at: datetime | None
    taken_at_source: str
    notice: str = ""
    """Named like a picture but not one (kept as a file): the sentence to show."""


@dataclass(frozen=True)
class StageReport:
    """What :meth:`CaseSession.stage_files` / :meth:`CaseSession.stage_folder` copied."""

    files: tuple[StagedFile, ...] = ()
    refused: tuple[Skipped, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class CaptureReport(ChangeReport):
    """What :meth:`CaseSession.add_capture` did, with what a capture needs to say."""

    evidence: Evidence | None = None
    """The entry as it is now (None when the capture was refused)."""
    attachments: tuple[Attachment, ...] = ()
    """The attachment holding each staged file, in the order given (a file whose bytes
    the case already held is that earlier attachment)."""
    offered_account_id: str = ""
    """A looked-up account ID that differs from the entry's: offered, never written."""
    filled: tuple[str, ...] = ()
    """Empty fields filled from the look-up (``account_id``, ``account_handle``, ``content``)."""
    time_mismatch: str = ""
    """Set when the platform's stated creation time disagrees with the post ID's."""


_R = TypeVar("_R", CaptureRecord, LookupRecord)
_SURROGATE = re.compile("[\ud800-\udfff]")

LOOKUP_TIME_TOLERANCE_S = 2
"""How far (seconds) a platform's stated creation time may be from the post ID's."""


@dataclass
class _Files:
    """The files a case holds: by content (holder ID, attachment) and by name."""

    by_hash: dict[str, tuple[str, Attachment]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)


class _LiveIndex(PostIndex):
    """The post index of the open case, kept up to date change by change.

    Rebuilding it over the case after every edit or delete cost 150 ms at 10,000
    entries on the next add.  It counts the entries under each key: taking away an
    entry that is the only one under a key forgets the key; taking away the entry
    named for a key that others share too (duplicates kept from an older version)
    cannot say which one comes next in the case, so :meth:`remove` answers False and
    the session rebuilds the index from the case when it next needs it.

    Only keys held by more than one entry have a count (a key in the index and not
    in the counts is held once): a count for every key cost 5 MB at 50,000 entries.
    """

    def __init__(self, entries: Iterable[Evidence] = ()) -> None:
        self.post_counts: dict[bytes, int] = {}
        self.file_counts: dict[str, int] = {}
        super().__init__(entries)

    def add(self, entry: Evidence) -> None:
        posts, counts = self.posts, self.post_counts
        for key in post_keys(entry):
            digest = post_digest(key)
            if digest in posts:
                counts[digest] = counts.get(digest, 1) + 1
            else:
                posts[digest] = entry.id
        files, file_counts = self.files, self.file_counts
        for attachment in entry.attachments:
            sha = attachment.sha256
            if sha in files:
                file_counts[sha] = file_counts.get(sha, 1) + 1
            else:
                files[sha] = entry.id

    def remove(self, entry: Evidence) -> bool:
        """Forget ``entry``; False when the index must be rebuilt instead (see above)."""
        return self._remove(
            self.posts, self.post_counts, [post_digest(key) for key in post_keys(entry)], entry.id
        ) and self._remove(
            self.files, self.file_counts, [a.sha256 for a in entry.attachments], entry.id
        )

    @staticmethod
    def _remove(
        table: dict[Any, str], counts: dict[Any, int], keys: list[Any], entry_id: str
    ) -> bool:
        for key in keys:
            holder = table.get(key)
            if holder is None:
                return False
            count = counts.get(key, 1)
            if count == 1:
                if holder != entry_id:
                    return False
                del table[key]
            elif holder == entry_id:
                return False
            elif count == 2:
                del counts[key]
            else:
                counts[key] = count - 1
        return True


@dataclass
class _Undo:
    """How to take one evidence change back, and to redo it.

    Each maps an entry ID to its position and value before / after the change;
    ``None`` means the entry did not exist on that side.
    """

    action: str
    before: dict[str, tuple[int, Evidence] | None] = field(default_factory=dict)
    after: dict[str, tuple[int, Evidence] | None] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Helpers


def _utc(moment: datetime | None) -> datetime | None:
    """The same instant in UTC (a repeated-hour time keeps which of the two it was)."""
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        return moment  # a naive time is refused by the entry check, with a sentence
    return moment.astimezone(UTC)


def utc_entry(entry: Evidence) -> Evidence:
    """``entry`` with every time in UTC (the stored form)."""
    return replace(
        entry,
        posted_at=_utc(entry.posted_at),
        observed_at=_utc(entry.observed_at),
        added_at=_utc(entry.added_at) or entry.added_at,
        attachments=tuple(
            replace(a, added_at=_utc(a.added_at) or a.added_at, taken_at=_utc(a.taken_at))
            for a in entry.attachments
        ),
        reports=tuple(replace(r, date=_utc(r.date)) for r in entry.reports),
    )


def _shown(text: str, limit: int = 80) -> str:
    return one_line(text, limit)


def _span(ids: Sequence[str]) -> str:
    """Words for the journal: ``E0004`` or ``E0004–E0009 (6)``."""
    if not ids:
        return ""
    if len(ids) == 1:
        return ids[0]
    return f"{ids[0]}–{ids[-1]} ({len(ids)})"


def _safe_name(name: str) -> str:
    """A file name as text that can be saved (a name that is not valid UTF-8 stays readable)."""
    raw = os.fsencode(name)
    return raw.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# The session


class CaseSession:
    """One open case and the operations that change it (see the module docstring).

    Operations run on one thread (the UI thread in the app); :meth:`stage_files`,
    :meth:`stage_folder` and :meth:`save_snapshot` may run in a worker.
    """

    def __init__(self, casefile: CaseFile, *, save_now: bool = True, lang: str | None = None):
        self.casefile = casefile
        self.save_now = save_now
        """True (the CLI): each change is saved before the operation returns."""
        self.lang = lang
        self._listeners: list[Callable[[ChangeReport], None]] = []
        self._undo: list[_Undo] = []
        self._redo: list[_Undo] = []
        self._lock = threading.RLock()
        self._staged: dict[str, Path] = {}
        """Relative path in the case -> where the file waits in the staging folder."""
        self._known_files: set[str] = {
            a.path for e in casefile.case.evidence for a in e.attachments
        }
        """Every attachment path the case referenced during this session."""
        self._index: _LiveIndex | None = None
        self._floor = max(
            casefile.case.last_evidence_number, highest_evidence_number(casefile.case.evidence)
        )
        """The highest entry number given before this session (every new one is above)."""
        self.version = 0
        """Grows with every change (a cheap token for "did anything change?")."""
        self.saved_version = 0
        self.notices: list[str] = list(casefile.notices)
        self._quick_problems: tuple[files.AttachmentProblem, ...] = ()
        """What the last quick (stat-only) file check found, for the full one after it."""
        recovered = self._recover_staging()
        if recovered:
            self.notices.append(t("session.recovered", count=recovered))

    # -- opening and closing ------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, save_now: bool = True) -> CaseSession:
        """Open a case file (raises :class:`~tui.core.store.CaseError`, writes nothing)."""
        return cls(CaseFile.open(path), save_now=save_now)

    @classmethod
    def create(cls, path: Path, case: Case, *, save_now: bool = True) -> CaseSession:
        """Write a new case file (raises :class:`~tui.core.store.SaveError` if it exists)."""
        journal = [*case.journal, JournalEntry(at=now(), action="case-created", detail=case.title)]
        return cls(CaseFile.create(path, replace(case, journal=journal)), save_now=save_now)

    def close(self) -> None:
        """Tidy the evidence folder and release the case.

        Files staged for changes that were never saved are deleted; files that only
        deleted entries referenced move to ``.deleted/`` (nothing is destroyed), but
        only when the file on disk is this session's last save.
        """
        with self._lock:
            if not self.unsaved and self.casefile.read_only is None:
                referenced = self._referenced(self.casefile.case)
                for path, temp in list(self._staged.items()):
                    if path not in referenced:
                        with contextlib.suppress(OSError):
                            temp.unlink()
                        del self._staged[path]
                self._put_aside(self._known_files - referenced)
                with contextlib.suppress(OSError):
                    self.staging_dir.rmdir()  # only when empty
            self.casefile.close()

    # -- reading ------------------------------------------------------------------

    @property
    def case(self) -> Case:
        """The case as it is now (a value: replaced by each change, never edited)."""
        return self.casefile.case

    @property
    def path(self) -> Path:
        return self.casefile.path

    @property
    def evidence_dir(self) -> Path:
        return self.casefile.evidence_dir

    @property
    def read_only(self) -> str | None:
        """Why the case cannot be changed, or None."""
        return self.casefile.read_only

    @property
    def unsaved(self) -> bool:
        """True while a change is not on disk yet."""
        return self.saved_version != self.version

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def file_path(self, attachment: Attachment) -> Path:
        """Where an attachment's bytes are now (its staging place until it is saved)."""
        staged = self._staged.get(attachment.path)
        if staged is not None and staged.exists():
            return staged
        return self.casefile.path.parent / attachment.path

    def subscribe(self, listener: Callable[[ChangeReport], None]) -> None:
        """Call ``listener`` with the report after every change (on the changing thread)."""
        self._listeners.append(listener)

    # -- saving -------------------------------------------------------------------

    def snapshot(self) -> tuple[Case, int]:
        """The case to save and its version (take it on the thread that changes the case)."""
        return self.casefile.snapshot(), self.version

    def save_snapshot(self, snapshot: Case, version: int) -> None:
        """Save ``snapshot`` atomically, then move the files it references into place.

        Thread-safe.  Raises :class:`~tui.core.store.SaveError` (the file on disk is
        then exactly as it was).
        """
        with self._lock:
            self.casefile.save(snapshot)
            self._promote(snapshot)
            self.saved_version = max(self.saved_version, version)

    def keep_copy(self, snapshot: Case) -> Path:
        """When the file changed on disk meanwhile: keep this session's version apart.

        Writes ``snapshot`` as a dated copy in the backup folder (never rotated away)
        and moves the files it references into the evidence folder, so nothing typed
        or attached here is lost while the person decides.  Returns the copy's path;
        raises :class:`~tui.core.store.SaveError`.
        """
        with self._lock:
            path = self.casefile.save_copy(snapshot)
            self._promote(snapshot)
            return path

    def save(self) -> None:
        """Save the case as it is now (the CLI, and the app when quitting)."""
        snapshot, version = self.snapshot()
        self.save_snapshot(snapshot, version)

    # -- evidence: single entries -------------------------------------------------

    def new_id(self) -> str:
        """The ID the next new entry will get (shown in the form's title)."""
        return evidence_id(self._highest() + 1)

    def add_entry(
        self, draft: Evidence, staged: Sequence[StagedFile] = (), *, action: str = "evidence-added"
    ) -> ChangeReport:
        """Add one entry (its ID is given here) with ``staged`` files attached.

        Refused with a sentence (nothing changed, staged files deleted) when a value is
        invalid or the same post is already in the case.
        """
        self._writable(staged)
        case = self.case
        entry_id = evidence_id(self._highest() + 1)
        entry = utc_entry(replace(draft, id=entry_id, attachments=(), added_at=now()))
        problem = self._entry_problem(entry, files=bool(staged or draft.attachments))
        if problem is not None:
            self._discard(staged)
            return ChangeReport(action, refused=(Skipped(self._label(draft), problem),))
        existing = self._posts().same_post(entry)
        if existing is not None:
            self._discard(staged)
            reason = t("session.duplicate_post", self.lang, id=existing)
            return ChangeReport(action, duplicates=(Skipped(self._label(entry), reason, existing),))
        entry, notes = self._attach(
            entry,
            list(draft.attachments),
            staged,
            self._files_of(case.evidence) if staged or draft.attachments else _Files(),
        )
        evidence = [*case.evidence, entry]
        undo = _Undo(action, {entry.id: None}, {entry.id: (len(evidence) - 1, entry)})
        report = ChangeReport(action, added=(entry.id,), notes=tuple(notes))
        self._change(
            report, evidence=evidence, undo=undo, detail=entry.id, staged=staged, appended=[entry]
        )
        return report

    def edit_entry(self, entry: Evidence, staged: Sequence[StagedFile] = ()) -> ChangeReport:
        """Put ``entry`` in place of the entry with its ID (and attach ``staged``)."""
        action = "evidence-edited"
        self._writable(staged)
        case = self.case
        index = self._position(entry.id)
        if index is None:
            self._discard(staged)
            reason = t("session.no_entry", self.lang, id=entry.id)
            return ChangeReport(action, refused=(Skipped(entry.id, reason),))
        old = case.evidence[index]
        entry = utc_entry(replace(entry, added_at=old.added_at))
        problem = self._entry_problem(entry, files=bool(staged))
        if problem is not None:
            self._discard(staged)
            return ChangeReport(action, refused=(Skipped(entry.id, problem),))
        existing = self._posts().same_post(entry)
        if existing is not None and existing != entry.id:
            self._discard(staged)
            reason = t("session.duplicate_post", self.lang, id=existing)
            return ChangeReport(action, duplicates=(Skipped(entry.id, reason, existing),))
        # Other entries' files matter only for files attached now (a shared picture).
        others = (e for e in case.evidence if e.id != entry.id)
        entry, notes = self._attach(
            replace(entry, attachments=()),
            list(entry.attachments),
            staged,
            self._files_of(others) if staged else _Files(),
        )
        if entry == old:
            self._discard(staged)
            return ChangeReport(action)
        evidence = list(case.evidence)
        evidence[index] = entry
        undo = _Undo(action, {entry.id: (index, old)}, {entry.id: (index, entry)})
        report = ChangeReport(action, changed=(entry.id,), notes=tuple(notes))
        self._change(
            report,
            evidence=evidence,
            undo=undo,
            detail=entry.id,
            staged=staged,
            appended=[entry],
            dropped=[old],
        )
        return report

    def attach(self, entry_id: str, staged: Sequence[StagedFile]) -> ChangeReport:
        """Attach staged files to an existing entry."""
        found = self.case.find(entry_id)
        if found is None:
            self._discard(staged)
            reason = t("session.no_entry", self.lang, id=entry_id)
            return ChangeReport("evidence-edited", refused=(Skipped(entry_id, reason),))
        return self.edit_entry(found, staged)

    def detach(self, entry_id: str, path: str) -> ChangeReport:
        """Take one file off an entry (the file itself stays until the case is closed)."""
        found = self.case.find(entry_id)
        if found is None:
            reason = t("session.no_entry", self.lang, id=entry_id)
            return ChangeReport("evidence-edited", refused=(Skipped(entry_id, reason),))
        kept = tuple(a for a in found.attachments if a.path != path)
        return self.edit_entry(replace(found, attachments=kept))

    # -- capture results (issue 11: tui.capture builds the records, this keeps them) --

    def add_capture(
        self,
        entry_id: str,
        staged: Sequence[StagedFile],
        captures: Sequence[CaptureRecord],
        lookup: LookupRecord | None = None,
    ) -> CaptureReport:
        """Attach a capture's staged files to an entry and record what was seen, as one change.

        ``staged`` comes from :meth:`stage_files`, each with its time already set (a
        picture's ``taken_at`` is the capture time, source ``capture``); ``captures``
        and ``lookup`` name their files by SHA-256, which must be among ``staged`` or
        the entry's files.  The publication time is never touched.  The look-up fills
        an empty ``account_id`` (when valid), ``account_handle`` and ``content``, never
        overwrites: a differing account ID is returned as ``offered_account_id`` and
        noted in the look-up record.  A stated creation time that disagrees with the
        post ID's is returned and noted too.  Journal line ``capture``; undoable.

        Refused with a sentence (staged files deleted, nothing changed) for an unknown
        entry or a record naming a file it was not given.
        """
        action = "capture"
        self._writable(staged)
        captures = [self._encodable(record) for record in captures]
        lookup = self._encodable(lookup) if lookup is not None else None
        index = self._position(entry_id)
        if index is None:
            self._discard(staged)
            reason = t("session.no_entry", self.lang, id=entry_id)
            return CaptureReport(action, refused=(Skipped(entry_id, reason),))
        old = self.case.evidence[index]
        given = {item.sha256 for item in staged} | {a.sha256 for a in old.attachments}
        named = [digest for record in captures for digest in record.files]
        if lookup is not None and lookup.raw:
            named.append(lookup.raw)
        bad = [item for item in staged if item.taken_at_source not in TIME_SOURCES]
        if any(digest not in given for digest in named) or bad:
            self._discard(staged)
            reason = t("capture.unknown_file", self.lang, id=entry_id)
            return CaptureReport(action, refused=(Skipped(entry_id, reason),))
        entry = replace(
            old,
            captures=(
                *old.captures,
                *(replace(c, at=_utc(c.at) or c.at, finished_at=_utc(c.finished_at) or c.at)
                  for c in captures),
            ),
        )  # fmt: skip
        filled: list[str] = []
        offered = mismatch = ""
        if lookup is not None:
            notes = [lookup.note] if lookup.note else []
            mismatch = self._lookup_time_mismatch(old, lookup)
            if mismatch:
                notes.append(mismatch)
            found = lookup.account_id
            if found and not old.account_id:
                if check_account_id(old.platform, found, "en") is None:
                    entry = replace(entry, account_id=found)
                    filled.append("account_id")
            elif found and old.account_id != found:
                offered = found
                notes.append(f"differs from the entry's account ID {old.account_id}")
            if lookup.account_handle and not old.account_handle:
                entry = replace(entry, account_handle=lookup.account_handle)
                filled.append("account_handle")
            if lookup.text and not old.content:
                entry = replace(entry, content=lookup.text)
                filled.append("content")
            record = replace(
                lookup,
                at=_utc(lookup.at) or lookup.at,
                created_at=_utc(lookup.created_at),
                note="; ".join(notes),
            )
            entry = replace(entry, lookups=(*entry.lookups, record))
        try:
            others = (e for e in self.case.evidence if e.id != entry_id)
            entry, notes_shown = self._attach(
                replace(entry, attachments=()), list(old.attachments), staged,
                self._files_of(others),
            )  # fmt: skip
        except BaseException:
            self._discard(staged)
            self._drop_placed(self.case)
            raise
        problem = self._entry_problem(entry, files=True)
        if problem is not None:
            self._discard(staged)
            self._drop_placed(self.case)
            return CaptureReport(action, refused=(Skipped(entry_id, problem),))
        by_hash = {a.sha256: a for a in entry.attachments}
        evidence = list(self.case.evidence)
        evidence[index] = entry
        undo = _Undo(action, {entry_id: (index, old)}, {entry_id: (index, entry)})
        report = CaptureReport(
            action,
            changed=(entry_id,),
            notes=tuple(notes_shown),
            evidence=entry,
            attachments=tuple(by_hash[item.sha256] for item in staged),
            offered_account_id=offered,
            filled=tuple(filled),
            time_mismatch=mismatch,
        )
        verdicts = ",".join(c.verdict or "none" for c in captures) or "none"
        self._change(
            report,
            evidence=evidence,
            undo=undo,
            detail=f"{entry_id} {verdicts}",
            staged=staged,
            appended=[entry],
            dropped=[old],
        )
        return report

    def add_checks(self, checks: Mapping[str, OnlineCheck]) -> ChangeReport:
        """Append one "still online?" record to each entry named, as one change.

        Journal line ``recheck`` (``E0001=online E0002=removed``); undoable.  An unknown
        entry or a result outside :data:`~tui.core.case.CHECK_RESULTS` is refused with
        a sentence; the others are kept.
        """
        action = "recheck"
        self._writable()
        evidence = list(self.case.evidence)
        positions = {e.id: i for i, e in enumerate(evidence)}
        before: dict[str, tuple[int, Evidence] | None] = {}
        after: dict[str, tuple[int, Evidence] | None] = {}
        refused: list[Skipped] = []
        for entry_id, check in checks.items():
            index = positions.get(entry_id)
            if index is None:
                refused.append(Skipped(entry_id, t("session.no_entry", self.lang, id=entry_id)))
                continue
            if check.result not in CHECK_RESULTS or check.at.utcoffset() is None:
                reason = t("capture.bad_check", self.lang, id=entry_id)
                refused.append(Skipped(entry_id, reason))
                continue
            old = evidence[index]
            before.setdefault(entry_id, (index, old))
            entry = replace(old, checks=(*old.checks, replace(check, at=check.at.astimezone(UTC))))
            evidence[index] = entry
            after[entry_id] = (index, entry)
        report = ChangeReport(action, changed=tuple(after), refused=tuple(refused))
        if not after:
            return report
        summary = " ".join(f"{i}={checks[i].result}" for i in after)
        self._change(
            report,
            evidence=evidence,
            undo=_Undo(action, before, after),
            detail=summary[:500],
            appended=[state[1] for state in after.values() if state is not None],
            dropped=[state[1] for state in before.values() if state is not None],
        )
        return report

    @staticmethod
    def _encodable(record: _R) -> _R:
        """``record`` with every text writable as UTF-8 (a platform's JSON may carry a
        lone surrogate, ``"\\ud800"``: shown as U+FFFD instead of refusing the capture)."""
        changes: dict[str, str] = {}
        for item in dataclasses.fields(record):
            value = getattr(record, item.name)
            if isinstance(value, str):
                clean = _SURROGATE.sub("\ufffd", value)
                if clean != value:
                    changes[item.name] = clean
        return replace(record, **changes) if changes else record  # type: ignore[arg-type]

    def _lookup_time_mismatch(self, entry: Evidence, lookup: LookupRecord) -> str:
        """A sentence when the stated creation time and the post ID's time disagree."""
        if lookup.created_at is None or not entry.post_id:
            return ""
        decoded, _warning = decode_id_time(entry.platform, entry.post_id, lang="en")
        if decoded is None:
            return ""
        gap = abs((lookup.created_at - decoded).total_seconds())
        if gap <= LOOKUP_TIME_TOLERANCE_S:
            return ""
        return (
            f"time mismatch: the platform states {lookup.created_at.isoformat()}, "
            f"the post ID decodes to {decoded.isoformat()} ({gap:.0f} s apart)"
        )

    def delete_entries(self, ids: Iterable[str]) -> ChangeReport:
        """Remove entries (their files stay while undo can bring them back)."""
        action = "evidence-deleted"
        self._writable()
        wanted = set(ids)
        case = self.case
        evidence = case.evidence
        before: dict[str, tuple[int, Evidence] | None] = {}
        # A few positions found by bisection (IDs are unique in a case), the rest kept as
        # slices: deleting one entry of 50,000 was a 10-15 ms loop on the UI thread.
        positions: list[int] = []
        if len(wanted) <= 16:
            for entry_id in wanted:
                index = self._position(entry_id)
                if index is not None:
                    positions.append(index)
            positions.sort()
        else:  # many: one pass
            positions = [i for i, entry in enumerate(evidence) if entry.id in wanted]
        kept: list[Evidence] = []
        start = 0
        for index in positions:
            kept.extend(evidence[start:index])
            before[evidence[index].id] = (index, evidence[index])
            start = index + 1
        kept.extend(evidence[start:])
        if not before:
            return ChangeReport(action)
        removed = tuple(before)
        undo = _Undo(action, before, dict.fromkeys(removed))
        report = ChangeReport(action, removed=removed)
        self._change(
            report,
            evidence=kept,
            undo=undo,
            detail=_span(removed),
            dropped=[state[1] for state in before.values() if state is not None],
        )
        return report

    # -- undo / redo --------------------------------------------------------------

    def undo(self) -> ChangeReport:
        """Take the last evidence change back (one level per call)."""
        if not self._undo:
            return ChangeReport("evidence-undone")
        self._writable()
        step = self._undo[-1]
        report = self._restore("evidence-undone", step.before, step.after)
        self._undo.pop()
        self._redo.append(step)
        return report

    def redo(self) -> ChangeReport:
        """Do again what :meth:`undo` took back."""
        if not self._redo:
            return ChangeReport("evidence-redone")
        self._writable()
        step = self._redo[-1]
        report = self._restore("evidence-redone", step.after, step.before)
        self._redo.pop()
        self._undo.append(step)
        return report

    def _restore(
        self,
        action: str,
        wanted: dict[str, tuple[int, Evidence] | None],
        current: dict[str, tuple[int, Evidence] | None],
    ) -> ChangeReport:
        evidence = [e for e in self.case.evidence if e.id not in wanted or wanted[e.id] is not None]
        dropped = [e for e in self.case.evidence if e.id in wanted]
        appended = [state[1] for state in wanted.values() if state is not None]
        positions = {e.id: i for i, e in enumerate(evidence)}
        inserts: list[tuple[int, Evidence]] = []
        added: list[str] = []
        changed: list[str] = []
        removed = [i for i, state in wanted.items() if state is None and current.get(i)]
        for entry_id, state in wanted.items():
            if state is None:
                continue
            index, entry = state
            if entry_id in positions:
                evidence[positions[entry_id]] = entry
                changed.append(entry_id)
            else:
                inserts.append((index, entry))
                added.append(entry_id)
        for index, entry in sorted(inserts, key=lambda item: item[0]):
            evidence.insert(min(index, len(evidence)), entry)
        report = ChangeReport(
            action, added=tuple(added), changed=tuple(changed), removed=tuple(removed)
        )
        self._change(
            report,
            evidence=evidence,
            undo=None,
            detail=_span(report.entries),
            appended=appended,
            dropped=dropped,
        )
        return report

    # -- evidence: batches --------------------------------------------------------

    def import_urls(self, text: str, *, skip_comments: bool = True) -> ChangeReport:
        """One entry per URL line of ``text`` (blank lines skipped, ``#`` lines too).

        A post already in the case, or twice in the list, is skipped and named; a line
        that is not a web address is refused with its line number and the reason.
        """
        action = "evidence-imported"
        self._writable()
        index = self._posts()
        seen = PostIndex()
        number = self._highest()
        added: list[Evidence] = []
        duplicates: list[Skipped] = []
        refused: list[Skipped] = []
        notes: list[str] = []
        for line_number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or (skip_comments and line.startswith("#")):
                continue
            item = t("session.line", self.lang, line=line_number, text=_shown(line))
            try:
                draft, info = entry_from_url(line, self.lang)
            except UrlError as error:
                refused.append(Skipped(item, str(error)))
                continue
            entry = replace(draft, id=evidence_id(number + 1), added_at=now())
            existing = index.same_post(entry) or seen.same_post(entry)
            if existing is not None:
                reason = t("session.duplicate_post", self.lang, id=existing)
                duplicates.append(Skipped(item, reason, existing))
                continue
            problem = self._entry_problem(entry)
            if problem is not None:
                refused.append(Skipped(item, problem))
                continue
            if info.warning:
                notes.append(f"{entry.id}: {one_line(info.warning, 300)}")
            number += 1
            seen.add(entry)
            added.append(entry)
        return self._add_batch(action, added, duplicates, refused, notes)

    def stage_files(
        self,
        paths: Sequence[Path],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> StageReport:
        """Copy and hash each file into the staging folder (safe in a worker thread).

        Nothing in the case changes.  A file that cannot be taken is refused with a
        sentence; the others go on.  When ``cancelled()`` turns true, every file
        copied so far is deleted and the report says ``cancelled``.
        """
        staged: list[StagedFile] = []
        refused: list[Skipped] = []
        total = len(paths)
        try:
            for done, source in enumerate(paths):
                if cancelled is not None and cancelled():
                    raise Cancel
                try:
                    staged.append(self._stage_one(Path(source), cancelled))
                except files.CopyCancelled:
                    raise Cancel from None
                except files.AttachError as error:
                    refused.append(Skipped(_shown(_safe_name(Path(source).name)), str(error)))
                if progress is not None:
                    progress(done + 1, total)
        except Cancel:
            self._discard(staged)
            return StageReport(refused=tuple(refused), cancelled=True)
        return StageReport(tuple(staged), tuple(refused))

    def stage_folder(
        self,
        folder: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> StageReport:
        """:meth:`stage_files` for every image of ``folder`` (safe in a worker thread).

        Only the folder's own files are taken: links leading out of it, special files
        and oversized files are listed as refused, with the reason.
        """
        try:
            scan = files.scan_folder(Path(folder))
        except files.AttachError as error:
            return StageReport(refused=(Skipped(_shown(str(folder)), str(error)),))
        left_out = tuple(Skipped(_shown(item.name), item.reason) for item in scan.skipped)
        if not scan.files:
            reason = t("session.no_images", self.lang, folder=_shown(str(folder), 200))
            return StageReport(refused=(Skipped(_shown(str(folder)), reason), *left_out))
        stage = self.stage_files([found.path for found in scan.files], progress, cancelled)
        return replace(stage, refused=(*left_out, *stage.refused))

    def add_images(self, stage: StageReport) -> ChangeReport:
        """One entry per staged image (a folder import), as one change.

        An image whose content is already in the case (or twice in the folder) is
        skipped and named.  The image's own time (metadata, else its file name) is
        when it was *seen*: it goes in ``observed_at`` and the attachment's
        ``taken_at``, never in the publication time.
        """
        action = "evidence-imported"
        self._writable(stage.files)
        case = self.case
        index = self._posts()
        number = self._highest()
        added: list[Evidence] = []
        duplicates: list[Skipped] = []
        notes: list[str] = []
        taken: list[StagedFile] = []
        seen: dict[str, str] = {}
        known = self._files_of(case.evidence)
        for item in stage.files:
            name = _shown(item.original_name)
            existing = index.same_file(item.sha256) or seen.get(item.sha256)
            if existing is not None:
                reason = t("session.duplicate_file", self.lang, id=existing)
                duplicates.append(Skipped(name, reason, existing))
                self._discard([item])
                continue
            entry = Evidence(
                id=evidence_id(number + 1),
                observed_at=_utc(item.taken_at),
                added_at=now(),
            )
            entry, entry_notes = self._attach(entry, [], [item], known)
            notes.extend(f"{entry.id}: {note}" for note in entry_notes)
            number += 1
            seen[item.sha256] = entry.id
            added.append(entry)
            taken.append(item)
        return self._add_batch(action, added, duplicates, list(stage.refused), notes, taken)

    def import_folder(
        self,
        folder: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ChangeReport:
        """:meth:`stage_folder` then :meth:`add_images` (the CLI does both at once)."""
        self._writable()
        stage = self.stage_folder(folder, progress, cancelled)
        if stage.cancelled:
            return ChangeReport("evidence-imported", refused=stage.refused)
        return self.add_images(stage)

    def _add_batch(
        self,
        action: str,
        added: list[Evidence],
        duplicates: list[Skipped],
        refused: list[Skipped],
        notes: list[str],
        staged: Sequence[StagedFile] = (),
    ) -> ChangeReport:
        report = ChangeReport(
            action,
            added=tuple(e.id for e in added),
            duplicates=tuple(duplicates),
            refused=tuple(refused),
            notes=tuple(notes),
        )
        if not added:
            return report
        evidence = [*self.case.evidence, *added]
        start = len(self.case.evidence)
        undo = _Undo(
            action,
            dict.fromkeys(report.added),
            {e.id: (start + n, e) for n, e in enumerate(added)},
        )
        self._change(
            report,
            evidence=evidence,
            undo=undo,
            detail=_span(report.added),
            staged=staged,
            appended=added,
        )
        return report

    # -- the rest of the case -----------------------------------------------------

    def set_step(
        self, step_id: str, status: StepStatus, *, then: str | None = None
    ) -> ChangeReport:
        """Record what the person did with a calm step (and where to resume)."""
        if status not in STEP_STATUSES:
            raise ValueError(status)
        case = self.case
        steps = {**case.steps, step_id: StepProgress(status=status, at=now())}
        report = ChangeReport(f"step-{status}")
        self._change(
            report,
            detail=step_id,
            fields={
                "steps": steps,
                "current_step": then if then is not None else case.current_step,
            },
        )
        return report

    def show_step(self, step_id: str) -> ChangeReport:
        """Remember the step shown now, to resume there."""
        report = ChangeReport("step-shown")
        self._change(report, detail=step_id, fields={"current_step": step_id})
        return report

    def set_platforms(self, platforms: Sequence[str]) -> ChangeReport:
        """The platforms the person uses (their account-locking guides)."""
        chosen = list(dict.fromkeys(platforms))
        if chosen == self.case.platforms:
            return ChangeReport("platforms-unchanged")
        report = ChangeReport("platforms-chosen")
        detail = ",".join(one_line(p, 40) for p in chosen)
        self._change(report, detail=detail, fields={"platforms": chosen})
        return report

    DETAILS = frozenset(("title", "concerns", "language", "timezone"))
    """Case fields :meth:`set_details` may change (grown by the model's details)."""

    def set_details(self, **changes: object) -> ChangeReport:
        """Change the case's own details (title, who it concerns, language, time zone...).

        Raises ``ValueError`` (one sentence) for an unknown field or a bad value.
        """
        case = self.case
        known = {f.name for f in dataclasses.fields(Case)} - {
            "evidence",
            "journal",
            "steps",
            "current_step",
            "platforms",
            "created",
            "last_evidence_number",
            "drafts",
        }
        for name, value in changes.items():
            if name not in known:
                raise ValueError(t("session.unknown_detail", self.lang, name=name))
            if name == "language" and value not in LANGUAGES:
                raise ValueError(t("session.bad_language", self.lang, choices=", ".join(LANGUAGES)))
            if name == "timezone" and not _zone_ok(str(value)):
                raise ValueError(t("session.bad_timezone", self.lang, zone=_shown(str(value))))
            if name == "title" and not str(value).strip():
                raise ValueError(t("session.empty_title", self.lang))
        real = {k: v for k, v in changes.items() if getattr(case, k) != v}
        if not real:
            return ChangeReport("details-unchanged")
        action = "language-changed" if set(real) == {"language"} else "details-changed"
        report = ChangeReport(action)
        self._change(report, detail=",".join(sorted(real)), fields=real)
        return report

    def set_draft(self, key: str, draft: Draft | None) -> ChangeReport:
        """Keep (or, with None, forget) the half-typed entry of one form.

        ``key`` is ``"new"`` or the ID of the entry being edited.  Not journalled: a
        draft is not a change of the evidence.
        """
        drafts = dict(self.case.drafts)
        if draft is None:
            if key not in drafts:
                return ChangeReport("draft-unchanged")
            del drafts[key]
        else:
            if drafts.get(key) is not None and replace(drafts[key], at=draft.at) == draft:
                return ChangeReport("draft-unchanged")
            drafts[key] = replace(draft, at=_utc(draft.at) or draft.at)
        report = ChangeReport("draft-kept" if draft is not None else "draft-dropped")
        self._change(report, fields={"drafts": drafts}, journal=False)
        return report

    def record_export(self, written: Sequence[tuple[str, str]]) -> ChangeReport:
        """Journal the files an export wrote (name, SHA-256)."""
        report = ChangeReport("export-written")
        detail = "; ".join(f"{one_line(name, 120)} sha256:{digest}" for name, digest in written)
        self._change(report, detail=detail)
        return report

    def record_check(self, problems: int) -> ChangeReport:
        """Journal an integrity check's result."""
        report = ChangeReport("check")
        self._change(report, detail="ok" if not problems else f"problems: {problems}")
        return report

    def record(self, action: str, detail: str = "") -> ChangeReport:
        """Journal something that changes nothing else (``backup-kept``...)."""
        report = ChangeReport(action if action in _ALWAYS_CHANGES else "recorded")
        self._change(report, detail=detail if action in _ALWAYS_CHANGES else f"{action} {detail}")
        return report

    def make_writable(self) -> None:
        """Keep working on a case opened from a backup (raises ReadOnlyError if it cannot)."""
        self.casefile.make_writable()
        self.record("backup-kept")

    # -- internals ----------------------------------------------------------------

    def _writable(self, staged: Sequence[StagedFile] = ()) -> None:
        if self.casefile.read_only is not None:
            self._discard(staged)
            raise ReadOnlyError(t("store.save_read_only", reason=self.casefile.read_only))

    def _highest(self) -> int:
        """The highest entry number ever given in this case (file, this session)."""
        return max(self.case.last_evidence_number, self._floor)

    def prepare(self) -> None:
        """Build what the first add needs (the post index) ahead of time; thread-safe.

        For a worker thread once the case is on screen: at 50,000 entries building the
        index takes most of a second, which the first add would otherwise freeze for.
        Kept only if the case did not change meanwhile (else the next add builds it).
        """
        evidence = self.case.evidence
        index = _LiveIndex(evidence)
        with self._lock:
            if self._index is None and self.case.evidence is evidence:
                self._index = index

    def _posts(self) -> PostIndex:
        if self._index is None:
            self._index = _LiveIndex(self.case.evidence)
        return self._index

    def _position(self, entry_id: str) -> int | None:
        evidence = self.case.evidence
        # Entries are usually in the order of their numbers (each new one comes last):
        # a bisection finds one of 50,000 in microseconds where a scan took 10-20 ms on
        # the UI thread.  Verified, and any other order falls back to the scan.
        number = evidence_number(entry_id)
        if number:
            at = bisect_left(evidence, number, key=lambda entry: evidence_number(entry.id))
            if at < len(evidence) and evidence[at].id == entry_id:
                return at
        for index, entry in enumerate(evidence):
            if entry.id == entry_id:
                return index
        return None

    def _label(self, entry: Evidence) -> str:
        return _shown(entry.url_original or entry.url or entry.id or "?")

    def _entry_problem(self, entry: Evidence, *, files: bool = False) -> str | None:
        if not (
            files
            or entry.url
            or entry.content.strip()
            or entry.attachments
            or entry.account_handle
            or entry.account_id
            or entry.post_id
            or entry.notes.strip()
        ):
            return t("session.empty_entry", self.lang)
        if entry.account_id:
            problem = check_account_id(entry.platform, entry.account_id, self.lang)
            if problem:
                return problem
        problems = entry_problems(entry, self.evidence_dir.name)
        if problems:
            first = problems[0]
            return f"{first.location}: {first.message}"
        return None

    def _change(
        self,
        report: ChangeReport,
        *,
        evidence: list[Evidence] | None = None,
        undo: _Undo | None = None,
        detail: str = "",
        staged: Sequence[StagedFile] = (),
        fields: dict[str, object] | None = None,
        journal: bool = True,
        appended: Sequence[Evidence] = (),
        dropped: Sequence[Evidence] = (),
    ) -> None:
        """Apply a change: new case value, journal line, save or notify, undo step.

        With ``evidence``, ``dropped`` are the entries it no longer holds (removed or
        replaced) and ``appended`` those it holds anew (added or replacing): the post
        index is updated from them, so both must say the whole change.  With neither,
        the index is rebuilt from the case when next needed.
        """
        self._writable()
        old = self.case
        changes: dict[str, object] = dict(fields or {})
        if journal:
            line = JournalEntry(
                at=now(), action=report.action, detail=detail, entries=report.entries
            )
            changes["journal"] = [*old.journal, line]
        if evidence is not None:
            changes["evidence"] = evidence
            changes["last_evidence_number"] = max(
                self._highest(), max((evidence_number(i) for i in report.added), default=0)
            )
        new = replace(old, **changes)  # type: ignore[arg-type]
        with self._lock:
            self.casefile.case = new
            self.version += 1
            if evidence is not None and not (appended or dropped):
                self._index = None  # a change that does not say what it did: rebuild
            elif evidence is not None and self._index is not None:
                # The index learns what changed (no rebuild over the case).
                index: _LiveIndex | None = self._index
                for entry in dropped:
                    if index is not None and not index.remove(entry):
                        index = None
                for entry in appended:
                    if index is not None:
                        index.add(entry)
                self._index = index
            self._known_files.update(self._staged)
        if self.save_now:
            try:
                self.save()
            except BaseException:
                with self._lock:
                    self.casefile.case = old
                    self.version -= 1
                    self._index = None
                self._discard(staged)
                self._drop_placed(old)
                raise
        if undo is not None:
            self._undo.append(undo)
            del self._undo[:-UNDO_LEVELS]
            self._redo.clear()
        for listener in list(self._listeners):
            listener(report)

    # -- files --------------------------------------------------------------------

    @property
    def staging_dir(self) -> Path:
        return self.evidence_dir / STAGING_FOLDER

    def _stage_one(self, source: Path, cancelled: Cancelled | None) -> StagedFile:
        """Copy one file into the staging folder, hashing it on the way."""
        if self.casefile.read_only is not None:
            raise files.AttachError(self.casefile.read_only)
        files.check_source(source)
        folder = self.staging_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise files.AttachError(t("attach.cannot_write", detail=files.why(exc))) from None
        temp = folder / f"{secrets.token_hex(8)}{_PART}"
        digest, size = files.copy_hashing(source, temp, cancelled=cancelled)
        taken_at, taken_source = files.taken_time(temp, self.case.timezone, source.name)
        _, notice = files.picture_check(temp, source.name)
        return StagedFile(
            source=source,
            temp=temp,
            sha256=digest,
            size=size,
            original_name=_safe_name(source.name),
            taken_at=_utc(taken_at),
            taken_at_source=taken_source if taken_at is not None else "",
            notice=notice,
        )

    def _files_of(self, others: Iterable[Evidence]) -> _Files:
        """Which files the other entries hold (by content and by name), computed once."""
        known = _Files()
        for other in others:
            for a in other.attachments:
                known.by_hash.setdefault(a.sha256, (other.id, a))
                known.names.add(a.path)
        known.names.update(self._staged)
        return known

    def _attach(
        self,
        entry: Evidence,
        kept: list[Attachment],
        staged: Sequence[StagedFile],
        known: _Files,
    ) -> tuple[Evidence, list[str]]:
        """``entry`` with ``kept`` and the staged files as attachments (named, placed).

        ``known`` is updated with the files placed, for the next entry of a batch.
        """
        notes: list[str] = []
        attachments = list(kept)
        for a in attachments:
            known.by_hash.setdefault(a.sha256, (entry.id, a))
            known.names.add(a.path)
        by_hash = known.by_hash
        taken_names = known.names
        folder = self.evidence_dir
        moment = entry.posted_at or entry.observed_at or entry.added_at
        added_at = now()
        for item in staged:
            if item.notice:
                notes.append(item.notice)
            found = by_hash.get(item.sha256)
            if found is not None and self.file_path(found[1]).is_file():
                # Same bytes already in the case: keep one file, record this name too.
                holder, same = found
                with contextlib.suppress(OSError):
                    item.temp.unlink()
                if all(a.path != same.path for a in attachments):
                    # One file, but this entry's own record of it: its name, and the
                    # time this copy says it was taken (a capture's clock), not the
                    # other entry's (a capture of E0004 would show E0001's time).
                    when = (item.taken_at, item.taken_at_source) if item.taken_at else None
                    taken_at, source = when or (same.taken_at, same.taken_at_source)
                    attachments.append(
                        replace(
                            same,
                            original_name=item.original_name,
                            added_at=added_at,
                            taken_at=taken_at,
                            taken_at_source=source,  # type: ignore[arg-type]
                        )
                    )
                if holder != entry.id:
                    notes.append(
                        t(
                            "session.file_shared",
                            self.lang,
                            name=_shown(item.original_name),
                            id=holder,
                        )
                    )
                continue
            counter = len(attachments) + 1
            extension = files.safe_extension(item.original_name)
            while True:
                name = files.evidence_file_name(entry.id, moment, counter, extension)
                relative = f"{folder.name}/{name}"
                if relative not in taken_names and not (folder / name).exists():
                    break
                counter += 1
            target = self.staging_dir / name
            os.replace(item.temp, target)
            with self._lock:
                self._staged[relative] = target
            taken_names.add(relative)
            attachment = Attachment(
                path=relative,
                sha256=item.sha256,
                bytes=item.size,
                original_name=item.original_name,
                added_at=added_at,
                taken_at=item.taken_at,
                taken_at_source=item.taken_at_source,  # type: ignore[arg-type]
            )
            by_hash[item.sha256] = (entry.id, attachment)
            attachments.append(attachment)
        if entry.observed_at is None:
            times = [a.taken_at for a in attachments if a.taken_at is not None]
            if times and not kept:
                entry = replace(entry, observed_at=min(times))
        return replace(entry, attachments=tuple(attachments)), notes

    def discard(self, stage: StageReport) -> None:
        """Delete the copies of a staging run no change will take (nothing left behind)."""
        self._discard(stage.files)

    def _discard(self, staged: Iterable[StagedFile]) -> None:
        """Delete staged copies that no change took (nothing is left behind)."""
        for item in staged:
            with contextlib.suppress(OSError):
                item.temp.unlink()

    def _drop_placed(self, keep: Case) -> None:
        """After a failed save: delete placed files that ``keep`` does not reference."""
        referenced = self._referenced(keep)
        with self._lock:
            for relative, target in list(self._staged.items()):
                if relative not in referenced:
                    with contextlib.suppress(OSError):
                        target.unlink()
                    del self._staged[relative]

    @staticmethod
    def _referenced(case: Case) -> set[str]:
        return {a.path for e in case.evidence for a in e.attachments}

    def _promote(self, saved: Case) -> None:
        """Move staged files the saved case references into the evidence folder."""
        if not self._staged:
            return
        referenced = self._referenced(saved)
        base = self.casefile.path.parent
        moved = False
        for relative, temp in list(self._staged.items()):
            if relative in referenced:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(temp, base / relative)
                del self._staged[relative]
                moved = True
        if moved:
            files.fsync_folder(self.evidence_dir)

    def _recover_staging(self) -> int:
        """After a crash: finish moving staged files the case references, delete the rest."""
        folder = self.staging_dir
        if self.casefile.held_elsewhere or not folder.is_dir():
            return 0
        referenced = self._referenced(self.case)
        moved = 0
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
        for name in names:
            path = folder / name
            relative = f"{self.evidence_dir.name}/{name}"
            final = self.evidence_dir / name
            with contextlib.suppress(OSError):
                if not name.endswith(_PART) and relative in referenced and not final.exists():
                    os.replace(path, final)
                    moved += 1
                else:
                    path.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()
        return moved

    def _put_aside(self, paths: Iterable[str]) -> None:
        """Move files no entry references any more into ``.deleted/`` (never destroyed)."""
        base = self.casefile.path.parent
        aside = self.evidence_dir / DELETED_FOLDER
        for relative in sorted(paths):
            source = base / relative
            if not source.is_file() or not relative.startswith(self.evidence_dir.name + "/"):
                continue
            with contextlib.suppress(OSError):
                aside.mkdir(exist_ok=True)
                target = aside / source.name
                if target.exists():
                    target = aside / f"{source.stem}-{secrets.token_hex(3)}{source.suffix}"
                os.replace(source, target)

    # -- files that went missing or changed (issue 9) -----------------------------

    def check_files(
        self, progress: Progress | None = None, *, hash_files: bool = True
    ) -> dict[str, FileCheck]:
        """Verify every attachment (present, same size, same SHA-256) and remember it.

        Returns, for each entry with a problem, a :class:`FileCheck` (``missing`` wins
        over ``altered`` when an entry has both).  Reads files only, never writes: safe
        in a worker thread (``progress(done, total)`` counts entries).  The result is
        also kept in :attr:`file_checks` for :meth:`file_check`.

        Without ``hash_files``: the quick first pass (``stat`` only: missing, size,
        special, outside), whose ⚠ can be shown at once; a full check follows.
        """
        found: dict[str, FileCheck] = {}
        quick: list[files.AttachmentProblem] = []
        if hash_files:
            # Files the quick pass found missing (the usual problem) are not looked at twice.
            # (Only those still attached to an entry: the case may have changed meanwhile.)
            attached = {(e.id, a.path) for e in self.case.evidence for a in e.attachments}
            quick = [p for p in self._quick_problems if (p.evidence_id, p.path) in attached]
        skip = {problem.path for problem in quick}
        # The quick pass makes a problem object per missing file (50,000 when a case was
        # copied without its folder): a full collection meanwhile, run in this thread
        # and holding the interpreter, froze the screen for 50 ms at a time.  It is
        # short (stat calls only); the long hashing pass leaves the collector alone.
        paused = not hash_files and gc.isenabled()
        if paused:
            gc.disable()
        try:
            problems = files.verify(self.casefile, progress, hash_files=hash_files, skip=skip)
        finally:
            if paused:
                gc.enable()
        self._quick_problems = () if hash_files else tuple(problems)
        for problem in [*quick, *problems]:
            kind = FILE_ALTERED if problem.kind in ("altered", "size") else FILE_MISSING
            known = found.get(problem.evidence_id)
            paths = (*known.paths, problem.path) if known else (problem.path,)
            messages = (*known.messages, problem.message) if known else (problem.message,)
            if known is not None and known.status == FILE_MISSING:
                kind = FILE_MISSING
            found[problem.evidence_id] = FileCheck(kind, paths, messages)
        self.file_checks = found
        return found

    def file_check(self, entry: Evidence) -> FileCheck | None:
        """What the last :meth:`check_files` found wrong with ``entry``'s files, if
        those files are still attached (a detached or replaced file is no problem)."""
        check = getattr(self, "file_checks", {}).get(entry.id)
        if check is None:
            return None
        attached = {attachment.path for attachment in entry.attachments}
        return check if attached.intersection(check.paths) else None

    def save_copy_to(self, folder: Path) -> Path:
        """Copy the case file and its evidence files into ``folder``; returns the copy.

        The copy keeps the file name (so its evidence folder ``<stem>-files`` matches
        the paths recorded in it) and is written 0600 like every case file.  Nothing
        is overwritten: if a case of that name is already there this raises
        :class:`SaveError` with one sentence; if copying fails the half-made copy is
        removed.  The open case is not changed (a journal line records the copy).
        """
        import shutil

        folder = Path(folder)
        target = folder / self.path.name
        target_files = folder / self.evidence_dir.name
        if target.exists() or target_files.exists():
            raise SaveError(t("session.copy_exists", path=str(target)))
        case = self.case
        try:
            target_files.mkdir(parents=False)
        except OSError as error:
            raise SaveError(t("session.copy_failed", reason=str(error))) from None
        try:
            for relative in sorted(self._referenced(case)):
                source = self.casefile.path.parent / relative
                if not relative.startswith(self.evidence_dir.name + "/") or not source.is_file():
                    continue
                destination = folder / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
                os.chmod(destination, 0o600)
            CaseFile.create(target, case).close()
        except (OSError, SaveError) as error:
            shutil.rmtree(target_files, ignore_errors=True)
            if target.exists() and target.stat().st_size == 0:
                target.unlink()
            raise SaveError(t("session.copy_failed", reason=str(error))) from None
        if self.read_only is None:
            self.record("case-copied", str(target))
        return target


def unreferenced_files(session_or_casefile: CaseSession | CaseFile) -> list[str]:
    """Files in the evidence folder that no entry references (hidden folders excepted)."""
    casefile = (
        session_or_casefile.casefile
        if isinstance(session_or_casefile, CaseSession)
        else session_or_casefile
    )
    folder = casefile.evidence_dir
    referenced = {a.path for e in casefile.case.evidence for a in e.attachments}
    found: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for item in entries:
                if item.name.startswith("."):
                    continue
                relative = f"{folder.name}/{item.name}"
                if relative not in referenced:
                    found.append(relative)
    except OSError:
        return []
    return sorted(found)


def _zone_ok(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
