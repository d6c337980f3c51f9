"""The "still online?" timeline of an entry, as one sentence for exports and screens.

``seen online on 01/12/2026 11:00; removed on 03/12/2026 09:12 (each check
indicates what the site showed at that time; none proves)`` — built from the entry's
captures (a capture that loaded the post means it was seen online; one whose page
indicated a removal, a suspension or a login wall counts as that) and its "still
online?" checks, oldest first, one item per change of state.  Checks that learnt
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
    events: list[tuple[datetime, str]] = []
    for capture in evidence.captures:
        state = "online" if capture.verdict == "loaded" else capture.verdict
        if state in STATES:
            events.append((capture.at, state))
    events += [(check.at, check.result) for check in evidence.checks if check.result in STATES]
    events.sort(key=lambda item: item[0])
    items: list[tuple[str, datetime]] = []
    for at, state in events:
        if not items or items[-1][0] != state:
            items.append((state, at))
    return items


def online_timeline(
    evidence: Evidence,
    tz: str,
    lang: str,
    when: Callable[[datetime], str] | None = None,
) -> str:
    """The timeline sentence in ``lang`` (``""`` when never captured nor checked).

    Times are shown by ``when`` (an exporter passes its own, with the zone's offset),
    else in zone ``tz``.
    """
    items = timeline_items(evidence)
    if not items:
        return ""
    shown = when or (lambda at: format_datetime(at, tz, lang))
    parts = [t(f"capture.timeline.{state}", lang, when=shown(at)) for state, at in items]
    return t("capture.timeline", lang, items=t("capture.timeline.sep", lang).join(parts))
