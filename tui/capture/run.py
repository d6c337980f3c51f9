"""Capturing or re-checking several entries in a row: what the CLI and the TUI both call.

Both functions block; run them in a worker thread from the TUI (they never touch
the event loop).  ``cancel`` (a :class:`threading.Event`) stops them cleanly between
and during captures: what was applied stays applied, the capture under way leaves
nothing behind.  ``progress(n, total, entry_id)`` is called before each entry;
``done(item)`` after each, with a :class:`Done`.

Each finished entry is saved at once through :func:`tui.capture.apply.apply_capture`
(one save per entry, so an interruption keeps what was captured); re-checks are
saved together at the end through :func:`tui.capture.apply.apply_checks`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.capture.apply import Applied, apply_capture, apply_checks
from tui.capture.browser import CaptureCancelled
from tui.capture.fetch import Fetcher, Throttle
from tui.capture.job import CaptureOutcome, capture_entry, discard
from tui.capture.proxy import FilteringProxy
from tui.capture.recheck import recheck_entry
from tui.core.attachments import AttachError
from tui.core.case import OnlineCheck
from tui.core.store import CaseFile, SaveError

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Done:
    """One entry's result: applied, or the one sentence saying why not."""

    entry_id: str
    outcome: CaptureOutcome | None = None
    applied: Applied | None = None
    error: str = ""


def capture_entries(
    casefile: CaseFile,
    entry_ids: Sequence[str],
    *,
    chromium: str,
    lookups: bool = True,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    done: Callable[[Done], None] | None = None,
) -> list[Done]:
    """Capture each entry (page, embed for X, look-up) and put it into the case.

    Raises :class:`~tui.capture.browser.CaptureCancelled` when cancelled (entries
    finished before stay saved).
    """
    throttle = Throttle()
    results: list[Done] = []
    for number, entry_id in enumerate(entry_ids, 1):
        if cancel is not None and cancel.is_set():
            raise CaptureCancelled
        entry = casefile.case.find(entry_id)
        if entry is None:
            continue
        if progress is not None:
            progress(number, len(entry_ids), entry_id)
        case = casefile.case
        outcome = capture_entry(
            entry, casefile.evidence_dir, chromium=chromium, language=case.language,
            timezone=case.timezone, lookups=lookups, throttle=throttle, cancel=cancel,
        )  # fmt: skip
        if outcome.error and not outcome.pages:
            discard(outcome)
            item = Done(entry_id, outcome, None, outcome.error)
        else:
            try:
                item = Done(entry_id, outcome, apply_capture(casefile, entry_id, outcome))
            except (SaveError, AttachError) as error:
                item = Done(entry_id, outcome, None, str(error))
        results.append(item)
        if done is not None:
            done(item)
    return results


def recheck_entries(
    casefile: CaseFile,
    entry_ids: Sequence[str],
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    done: Callable[[str, OnlineCheck], None] | None = None,
) -> dict[str, OnlineCheck]:
    """Check each entry once (one request per 2 s per host) and save every result.

    On cancel, the checks made so far are still saved, then
    :class:`~tui.capture.browser.CaptureCancelled` is raised.
    """
    results: dict[str, OnlineCheck] = {}
    cancelled = False
    with FilteringProxy() as proxy:
        fetcher = Fetcher(proxy, cancel=cancel)
        for number, entry_id in enumerate(entry_ids, 1):
            entry = casefile.case.find(entry_id)
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
        apply_checks(casefile, results)
    if cancelled:
        raise CaptureCancelled
    return results
