"""Capturing or re-checking several entries in a row: what the CLI and the TUI both call.

Both functions block; the TUI runs them in a worker thread and passes ``on_owner``
(``app.call_from_thread``) so that every change of the case runs on its event loop,
through the case session; the CLI leaves the default (a direct call).  ``cancel`` (a
:class:`threading.Event`) stops them cleanly between and during captures: what was
applied stays applied, the capture under way leaves nothing behind.
``progress(n, total, entry_id)`` is called before each entry; ``done(item)`` after
each, with a :class:`Done` (both in the calling thread).

Each finished entry is one change of the case (the CLI's session saves it at once,
so an interruption keeps what was captured); re-checks are recorded together at the
end (or at the cancel).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.capture.apply import Applied, ApplyError, OnOwner, apply_capture, apply_checks, direct
from tui.capture.browser import CaptureCancelled
from tui.capture.fetch import Fetcher, Throttle
from tui.capture.job import CaptureOutcome, capture_entry, discard
from tui.capture.proxy import FilteringProxy
from tui.capture.recheck import recheck_entry
from tui.core.attachments import AttachError
from tui.core.case import Evidence, OnlineCheck
from tui.core.session import CaseSession, SaveError

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Done:
    """One entry's result: applied, or the one sentence saying why not."""

    entry_id: str
    outcome: CaptureOutcome | None = None
    applied: Applied | None = None
    error: str = ""


def _entry(session: CaseSession, entry_id: str, on_owner: OnOwner) -> Evidence | None:
    found: Evidence | None = on_owner(lambda: session.case.find(entry_id))
    return found


def capture_entries(
    session: CaseSession,
    entry_ids: Sequence[str],
    *,
    chromium: str,
    lookups: bool = True,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    done: Callable[[Done], None] | None = None,
    on_owner: OnOwner = direct,
) -> list[Done]:
    """Capture each entry (page, embed for X, look-up) and put it into the case.

    Raises :class:`~tui.capture.browser.CaptureCancelled` when cancelled (entries
    finished before stay in the case).
    """
    throttle = Throttle()
    results: list[Done] = []
    for number, entry_id in enumerate(entry_ids, 1):
        if cancel is not None and cancel.is_set():
            raise CaptureCancelled
        entry = _entry(session, entry_id, on_owner)
        if entry is None:
            continue
        if progress is not None:
            progress(number, len(entry_ids), entry_id)
        case = session.case
        outcome = capture_entry(
            entry, session.evidence_dir, chromium=chromium, language=case.language,
            timezone=case.timezone, lookups=lookups, throttle=throttle, cancel=cancel,
        )  # fmt: skip
        if outcome.error and not outcome.pages:
            discard(outcome)
            item = Done(entry_id, outcome, None, outcome.error)
        else:
            try:
                applied = apply_capture(
                    session, entry_id, outcome, cancel=cancel, on_owner=on_owner
                )
                item = Done(entry_id, outcome, applied)
            except (SaveError, AttachError, ApplyError) as error:
                item = Done(entry_id, outcome, None, str(error))
        results.append(item)
        if done is not None:
            done(item)
    return results


def recheck_entries(
    session: CaseSession,
    entry_ids: Sequence[str],
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    done: Callable[[str, OnlineCheck], None] | None = None,
    on_owner: OnOwner = direct,
) -> dict[str, OnlineCheck]:
    """Check each entry once (one request per 2 s per host) and record every result.

    On cancel, the checks made so far are still recorded, then
    :class:`~tui.capture.browser.CaptureCancelled` is raised.
    """
    results: dict[str, OnlineCheck] = {}
    cancelled = False
    with FilteringProxy() as proxy:
        fetcher = Fetcher(proxy, cancel=cancel)
        for number, entry_id in enumerate(entry_ids, 1):
            entry = _entry(session, entry_id, on_owner)
            if entry is None:
                continue
            if progress is not None:
                progress(number, len(entry_ids), entry_id)
            try:
                if cancel is not None and cancel.is_set():
                    raise InterruptedError
                check = recheck_entry(entry, fetcher)
            except (InterruptedError, KeyboardInterrupt):
                cancelled = True
                break
            results[entry_id] = check
            if done is not None:
                done(entry_id, check)
    if results:
        apply_checks(session, results, on_owner=on_owner)
    if cancelled:
        raise CaptureCancelled
    return results
