"""The "still online?" timeline of an entry, as one sentence for exports and screens.

``seen online 3 times, from 01/12/2026 11:00 to 02/12/2026 18:40; removed on
03/12/2026 09:12 (each check indicates what the site showed at that time; none
proves)`` — built from the entry's captures (a capture that loaded the post means it
was seen online; one whose page indicated a removal, a suspension or a login wall
counts as that) and its "still online?" checks, oldest first, one item per run of the
same state.  A run keeps its first *and last* sighting: the last time a post was seen
online is what narrows when it disappeared.  Checks that learnt
nothing about the post (rate-limited, network error, unknown) are left out: they
say nothing of whether it was there.  Pure: no network, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tui.core.case import Evidence
from tui.core.i18n import t
from tui.core.timeparse import format_datetime

STATES = ("online", "removed", "account-suspended", "login-wall")
"""The results that tell something about the post (each *indicates*, none proves)."""


def timeline_items(evidence: Evidence) -> list[tuple[str, datetime]]:
    """``(state, time)`` for each change of state, oldest first (see :data:`STATES`)."""
    return [(state, first) for state, first, _last, _count in timeline_runs(evidence)]


def timeline_runs(evidence: Evidence) -> list[tuple[str, datetime, datetime, int]]:
    """``(state, first, last, count)`` for each run of one state, oldest first: when
    it was first and last shown, and how many captures or checks showed it."""
    events: list[tuple[datetime, str]] = []
    for capture in evidence.captures:
        state = "online" if capture.verdict == "loaded" else capture.verdict
        if state in STATES:
            events.append((capture.at, state))
    events += [(check.at, check.result) for check in evidence.checks if check.result in STATES]
    events.sort(key=lambda item: item[0])
    runs: list[tuple[str, datetime, datetime, int]] = []
    for at, state in events:
        if runs and runs[-1][0] == state:
            _state, first, _last, count = runs[-1]
            runs[-1] = (state, first, at, count + 1)
        else:
            runs.append((state, at, at, 1))
    return runs


def online_timeline(
    evidence: Evidence,
    tz: str,
    lang: str,
    when: Callable[[datetime], str] | None = None,
) -> str:
    """The timeline sentence in ``lang`` (``""`` when never captured nor checked).

    A state seen once says when; a run says how many times, the first and the last
    time.  Times are shown by ``when`` (an exporter passes its own, with the zone's
    offset), else in zone ``tz``.
    """
    runs = timeline_runs(evidence)
    if not runs:
        return ""
    shown = when or (lambda at: format_datetime(at, tz, lang))
    parts = [
        t(f"capture.timeline.{state}", lang, when=shown(first))
        if count == 1
        else t(
            f"capture.timeline.{state}.run",
            lang,
            count=count,
            first=shown(first),
            last=shown(last),
        )
        for state, first, last, count in runs
    ]
    return t("capture.timeline", lang, items=t("capture.timeline.sep", lang).join(parts))
