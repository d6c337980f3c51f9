""" "Still online?": one check of an entry's post, recorded as what it *indicates*.

Structured signals first: the platform look-up (X tombstone or 404, Bluesky
``notFoundPost`` / ``blockedPost``, Mastodon 404/410).  For other platforms, the
page itself: its HTTP status, then phrases (French and English lists in
:mod:`tui.capture.signals`).  A login wall or a bot check is recorded as such,
never as a deletion.  Requests are throttled to one every 2 s per host by the
:class:`~tui.capture.fetch.Fetcher`'s throttle; nothing is polled in the background.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tui.capture.fetch import Fetcher
from tui.capture.job import page_url
from tui.capture.lookup import html_text, lookup_entry
from tui.capture.policy import url_problem
from tui.capture.signals import read_page
from tui.core.case import Evidence, OnlineCheck

_LOOKUP_RESULT = {
    "found": "online",
    "unavailable": "removed",
    "not-found": "removed",
    "suspended": "account-suspended",
    "rate-limited": "rate-limited",
    "error": "network-error",
    "unexpected": "unknown",
}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def recheck_entry(evidence: Evidence, fetcher: Fetcher) -> OnlineCheck:
    """Check one entry now; never raises for network trouble (it is a result)."""
    at = datetime.now(UTC)
    lookup = lookup_entry(
        evidence.platform, evidence.url, evidence.post_id, evidence.account_handle,
        evidence.account_id, fetcher, None,
    )  # fmt: skip
    if lookup is not None:
        result = _LOOKUP_RESULT.get(lookup.outcome, "unknown")
        indicator = lookup.indicator
        if lookup.indicator == "blockedPost":
            # Hidden by a block: says nothing about whether the post still exists.
            result, indicator = "unknown", "blockedPost (hidden by a block)"
        return OnlineCheck(at, result, lookup.method, lookup.http_status, indicator)
    return _page_check(evidence, fetcher, at)


def _page_check(evidence: Evidence, fetcher: Fetcher, at: datetime) -> OnlineCheck:
    url = page_url(evidence.url)
    if not evidence.url or url_problem(url) is not None:
        return OnlineCheck(at, "unknown", "page", None, "no web address")
    fetched = fetcher.get(url, accept="text/html,application/xhtml+xml")
    if fetched.status is None:
        return OnlineCheck(at, "network-error", "page", None, fetched.error)
    status = fetched.status
    if status == 429:
        return OnlineCheck(at, "rate-limited", "page", status, "HTTP 429")
    if status in (404, 410):
        return OnlineCheck(at, "removed", "page", status, f"HTTP {status}")
    markup = fetched.body[:500_000].decode("utf-8", "replace")
    found = _TITLE.search(markup)
    signal = read_page(html_text(found.group(1)) if found else "", html_text(markup))
    if signal.verdict:
        return OnlineCheck(at, signal.verdict, "page", status, signal.indicator)
    if status in (401, 403):
        return OnlineCheck(at, "unknown", "page", status, f"HTTP {status}")
    if 200 <= status < 300:
        return OnlineCheck(at, "online", "page", status, f"HTTP {status}")
    return OnlineCheck(at, "unknown", "page", status, f"HTTP {status}")
