"""The "still online?" timeline of an entry, as one sentence for exports and screens.

``seen online on 01/12/2026 11:00; removed on 03/12/2026 09:12`` — built from the
entry's captures (a capture that loaded the post counts as "online") and its checks,
oldest first, one item per change.  Pure text, no network; exporters may print it.
"""

from __future__ import annotations

from tui.core.case import Evidence
from tui.core.i18n import t
from tui.core.timeparse import format_datetime


def timeline_items(evidence: Evidence) -> list[tuple[str, object]]:
    """``(result, time)`` for each change of state, oldest first."""
    events = [(c.at, "online") for c in evidence.captures if c.verdict == "loaded"]
    events += [(c.at, c.result) for c in evidence.checks]
    events.sort(key=lambda item: item[0])
    items: list[tuple[str, object]] = []
    for at, result in events:
        if not items or items[-1][0] != result:
            items.append((result, at))
    return items


def online_timeline(evidence: Evidence, tz: str, lang: str) -> str:
    """The timeline sentence in ``lang`` with times in zone ``tz`` (``""`` when nothing)."""
    items = timeline_items(evidence)
    if not items:
        return ""
    parts = [
        t(
            "capture.timeline.item",
            lang,
            result=t(f"capture.result.{result}", lang),
            when=format_datetime(at, tz, lang),  # type: ignore[arg-type]
        )
        for result, at in items
    ]
    return t("capture.timeline", lang, items="; ".join(parts))
