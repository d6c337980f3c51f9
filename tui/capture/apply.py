"""Putting capture results into the case: the one place they are written.

:func:`apply_capture` and :func:`apply_checks` are the seam between
:mod:`tui.capture` (which only stages files and builds records) and the case
storage.  Today they use :class:`tui.core.store.CaseFile` and
:mod:`tui.core.attachments` directly; when the core case session exists they are
the only functions to re-route through it.

What they promise:

* Every staged artefact is copied into the evidence folder under a FAT-safe name,
  hashed (its SHA-256 listed in the case and so in the bundle's ``SHA256SUMS``), and
  the staging folder is removed, whether the save works or not.
* A screenshot's time is its **capture time** (``taken_at_source = "capture"``),
  never the post's publication time: ``posted_at`` is not touched.
* A looked-up account ID fills an empty ``account_id``; when one was typed and
  differs, it is *offered* (returned, recorded in the look-up's note), never written.
  The looked-up creation time is compared with the time decoded from the post ID.
* If the save fails, the files copied for it are removed again (no orphans), and
  the case in memory is left as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from tui.capture.browser import PageCapture
from tui.capture.job import CaptureOutcome, discard
from tui.capture.lookup import TIME_TOLERANCE_S, Lookup
from tui.core.attachments import attach_file
from tui.core.case import Attachment, CaptureRecord, Evidence, LookupRecord, OnlineCheck
from tui.core.platforms import check_account_id, decode_id_time
from tui.core.store import CaseFile


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


def _put(casefile: CaseFile, evidence: Evidence) -> None:
    entries = casefile.case.evidence
    for index, existing in enumerate(entries):
        if existing.id == evidence.id:
            entries[index] = evidence
            return
    raise KeyError(evidence.id)


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


def _time_check(evidence: Evidence, lookup: Lookup) -> str:
    if lookup.created_at is None or not evidence.post_id:
        return ""
    decoded, _warning = decode_id_time(evidence.platform, evidence.post_id, lang="en")
    if decoded is None:
        return ""
    gap = abs((lookup.created_at - decoded).total_seconds())
    if gap <= TIME_TOLERANCE_S:
        return ""
    return (
        f"time mismatch: the platform states {lookup.created_at.isoformat()}, "
        f"the post ID decodes to {decoded.isoformat()} ({gap:.0f} s apart)"
    )


def apply_capture(casefile: CaseFile, entry_id: str, outcome: CaptureOutcome) -> Applied:
    """Put one entry's capture into the case and save (journal line ``capture``).

    Raises the store's ``SaveError`` / the attachments' ``AttachError`` (one clear
    sentence each); the staging folder is removed in every case.
    """
    try:
        return _apply(casefile, entry_id, outcome)
    finally:
        discard(outcome)


def _apply(casefile: CaseFile, entry_id: str, outcome: CaptureOutcome) -> Applied:
    before = casefile.case.find(entry_id)
    if before is None:
        raise KeyError(entry_id)
    evidence = before
    copied: list[str] = []
    added: list[tuple[str, Attachment]] = []
    known = {a.path for e in casefile.case.evidence for a in e.attachments}
    journal_length = len(casefile.case.journal)

    def take(path: Path, when: datetime | None, role: str) -> Attachment:
        nonlocal evidence
        result = attach_file(casefile, evidence, path)
        attachment = result.attachment
        if when is not None:
            attachment = replace(attachment, taken_at=when, taken_at_source="capture")
        if not result.reused and attachment.path not in known:
            copied.append(attachment.path)
        if all(a.path != attachment.path for a in evidence.attachments):
            # The same container type as the entry's (a list today, a tuple once entries
            # are frozen), so this reads the same before and after that change.
            grown = type(evidence.attachments)((*evidence.attachments, attachment))
            evidence = replace(evidence, attachments=grown)
        # In the case at once, so the next identical file is recognised and not copied twice.
        _put(casefile, evidence)
        added.append((role, attachment))
        return attachment

    try:
        records: list[CaptureRecord] = []
        for page in outcome.pages:
            digests: list[str] = []
            for staged in page.files:
                # Pictures and the archive show the page at capture time.
                when = page.started_at if staged.role != "manifest" else None
                digests.append(take(staged.path, when, f"{page.label} {staged.role}").sha256)
            records.append(_record(page, tuple(digests)))
        evidence = replace(evidence, captures=(*evidence.captures, *records))
        offered = mismatch = ""
        filled: list[str] = []
        lookup = outcome.lookup
        if lookup is not None:
            raw = take(lookup.raw, None, "lookup").sha256 if lookup.raw is not None else ""
            mismatch = _time_check(evidence, lookup)
            notes = [mismatch] if mismatch else []
            if lookup.account_id:
                valid = check_account_id(evidence.platform, lookup.account_id, "en") is None
                if not evidence.account_id and valid:
                    evidence = replace(evidence, account_id=lookup.account_id)
                    filled.append("account_id")
                elif evidence.account_id and evidence.account_id != lookup.account_id:
                    offered = lookup.account_id
                    notes.append(f"differs from the entry's account ID {evidence.account_id}")
            if lookup.account_url and evidence.platform == "mastodon":
                notes.append(f"account URL {lookup.account_url}")
            if lookup.account_handle and not evidence.account_handle:
                evidence = replace(evidence, account_handle=lookup.account_handle)
                filled.append("account_handle")
            if lookup.text and not evidence.content:
                evidence = replace(evidence, content=lookup.text)
                filled.append("content")
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
                raw=raw,
                note="; ".join(notes),
            )
            evidence = replace(evidence, lookups=(*evidence.lookups, record))
        _put(casefile, evidence)
        verdicts = ",".join(page.verdict for page in outcome.pages) or "none"
        casefile.record("capture", f"{entry_id} {verdicts}")
    except BaseException:
        # Leave the case as it was and take back the files copied for it.
        with contextlib.suppress(KeyError):
            _put(casefile, before)
        del casefile.case.journal[journal_length:]
        for path in copied:
            with contextlib.suppress(OSError):
                (casefile.path.parent / path).unlink()
        raise
    return Applied(evidence, tuple(added), offered, tuple(filled), mismatch)


def apply_checks(casefile: CaseFile, checks: Mapping[str, OnlineCheck]) -> None:
    """Append one "still online?" record per entry and save once (journal ``recheck``)."""
    before = {entry_id: casefile.case.find(entry_id) for entry_id in checks}
    journal_length = len(casefile.case.journal)
    try:
        for entry_id, check in checks.items():
            entry = before[entry_id]
            if entry is None:
                continue
            _put(casefile, replace(entry, checks=(*entry.checks, check)))
        summary = " ".join(f"{entry_id}={check.result}" for entry_id, check in checks.items())
        casefile.record("recheck", summary[:500])
    except BaseException:
        for entry in before.values():
            if entry is not None:
                _put(casefile, entry)
        del casefile.case.journal[journal_length:]
        raise
