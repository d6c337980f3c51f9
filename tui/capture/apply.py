"""Putting capture results into the case, through the case session (never the storage).

:func:`apply_capture` and :func:`apply_checks` are the seam between
:mod:`tui.capture` (which writes artefacts in a hidden ``.capture-…`` folder and
builds plain records) and :class:`tui.core.session.CaseSession`, which validates,
attaches, journals and saves.  What they promise:

* Every artefact is staged by the session (copied and hashed into the evidence
  folder's ``.staging/``, moved in only after the save that references it; a file
  whose bytes the case already holds is not copied twice), so each is listed in the
  case with its SHA-256, and so in the bundle's ``SHA256SUMS``.  The capture's own
  folder is removed whether the change works or not.
* A screenshot's (and the archive's) time is its **capture time**
  (``taken_at_source = "capture"``), never the publication time.
* The looked-up account ID fills an empty field or is *offered* (returned, noted),
  never written over a typed one; a disagreeing creation time is returned.
* Staging runs in the calling thread (it is file work); each session call goes
  through ``on_owner`` so the TUI can run it on its event loop
  (``app.call_from_thread``) while the CLI calls it directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tui.capture.browser import CaptureCancelled, PageCapture
from tui.capture.job import CaptureOutcome, discard
from tui.core.case import Attachment, CaptureRecord, Evidence, LookupRecord, OnlineCheck
from tui.core.session import CaptureReport, CaseSession, ChangeReport, StagedFile

T = TypeVar("T")
OnOwner = Callable[[Callable[[], Any]], Any]
"""Runs a session call on the thread that owns the session and returns its result."""


def direct(call: Callable[[], T]) -> T:
    """The default ``on_owner``: call at once, in this thread (the CLI)."""
    return call()


class ApplyError(Exception):
    """The session refused a capture or a check (the message is its one sentence)."""


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_capture` changed in one entry."""

    evidence: Evidence
    attachments: tuple[tuple[str, Attachment], ...]
    """``(role, attachment)`` for every file this capture added: ``page viewport``,
    ``page full-page``, ``page archive``, ``page manifest``, ``embed …``, ``lookup``."""
    offered_account_id: str = ""
    """A looked-up account ID that differs from the one already in the entry (not written)."""
    filled: tuple[str, ...] = ()
    """Fields filled from the look-up (``account_id``, ``account_handle``, ``content``)."""
    time_mismatch: str = ""
    """Set when the platform's stated creation time disagrees with the post ID's."""
    report: CaptureReport | None = None
    """The session's report (notes such as a file shared with another entry)."""


def _record(page: PageCapture, files: tuple[str, ...]) -> CaptureRecord:
    return CaptureRecord(
        at=page.started_at,
        finished_at=page.finished_at,
        url=page.requested_url,
        final_url=page.final_url if page.final_url != page.requested_url else "",
        label=page.label,
        verdict=page.verdict,
        indicator=page.indicator,
        http_status=page.http_status,
        address=page.address,
        files=files,
    )


def apply_capture(
    session: CaseSession,
    entry_id: str,
    outcome: CaptureOutcome,
    *,
    cancel: threading.Event | None = None,
    on_owner: OnOwner = direct,
) -> Applied:
    """Put one entry's capture into the case (one change, journal line ``capture``).

    Raises :class:`ApplyError` (the session's sentence), the session's ``SaveError``
    (CLI), or :class:`~tui.capture.browser.CaptureCancelled` when ``cancel`` is set
    while the files are staged (nothing of this capture is kept).  The capture's
    folder is removed in every case.
    """
    try:
        return _apply(session, entry_id, outcome, cancel, on_owner)
    finally:
        discard(outcome)


def _apply(
    session: CaseSession,
    entry_id: str,
    outcome: CaptureOutcome,
    cancel: threading.Event | None,
    on_owner: OnOwner,
) -> Applied:
    # What to stage, in order, with each file's role and time.
    wanted: list[tuple[Path, str, datetime | None]] = []
    for page in outcome.pages:
        for item in page.files:
            # Pictures and the archive show the page at capture time; capture.json is a record.
            when = page.started_at if item.role != "manifest" else None
            wanted.append((item.path, f"{page.label} {item.role}", when))
    lookup = outcome.lookup
    if lookup is not None and lookup.raw is not None:
        wanted.append((lookup.raw, "lookup", None))
    stage = session.stage_files(
        [path for path, _, _ in wanted],
        cancelled=(lambda: cancel.is_set()) if cancel is not None else None,
    )
    if stage.cancelled:
        raise CaptureCancelled
    if stage.refused:
        session.discard(stage)
        raise ApplyError(stage.refused[0].reason)
    staged: list[StagedFile] = []
    for copy, (_, _, when) in zip(stage.files, wanted, strict=True):
        if when is None:
            staged.append(replace(copy, taken_at=None, taken_at_source=""))
        else:
            staged.append(replace(copy, taken_at=when, taken_at_source="capture"))
    digests = iter(item.sha256 for item in staged)
    records = [_record(page, tuple(next(digests) for _ in page.files)) for page in outcome.pages]
    record: LookupRecord | None = None
    if lookup is not None:
        record = LookupRecord(
            at=datetime.now(UTC),
            platform=lookup.platform,
            method=lookup.method,
            outcome=lookup.outcome,
            http_status=lookup.http_status,
            account_id=lookup.account_id,
            account_handle=lookup.account_handle,
            text=lookup.text,
            created_at=lookup.created_at,
            raw=next(digests, "") if lookup.raw is not None else "",
            note=f"account URL {lookup.account_url}"
            if lookup.account_url and lookup.platform == "mastodon"
            else "",
        )
    if cancel is not None and cancel.is_set():
        session.discard(stage)
        raise CaptureCancelled
    report: CaptureReport = on_owner(lambda: session.add_capture(entry_id, staged, records, record))
    if report.refused or report.evidence is None:
        raise ApplyError(report.refused[0].reason if report.refused else entry_id)
    roles = [role for _, role, _ in wanted]
    return Applied(
        report.evidence,
        tuple(zip(roles, report.attachments, strict=True)),
        report.offered_account_id,
        report.filled,
        report.time_mismatch,
        report,
    )


def apply_checks(
    session: CaseSession, checks: Mapping[str, OnlineCheck], *, on_owner: OnOwner = direct
) -> ChangeReport:
    """Append one "still online?" record per entry and save once (journal ``recheck``)."""
    report: ChangeReport = on_owner(lambda: session.add_checks(dict(checks)))
    return report
