"""What the evidence table shows, computed from the case without any Textual import.

The evidence table must stay fast at 10,000 entries and more, so what it needs per
entry (sort key, search text) is computed once and kept in lists aligned with the
order: edits replace an entry object (``dataclasses.replace``) instead of mutating
it, so a change is found by identity and only the changed entries are computed again.

* :class:`EvidenceRows` builds the filtered, sorted list of entries the table shows.
* accounts are grouped by :func:`tui.core.accounts.group_accounts` (one rule for the
  accounts view, the exports and the CLI).
* :func:`short_url` shortens a URL to "host…tail" for a narrow cell.

Every string here is plain text made safe for one terminal line by
:func:`tui.core.text.one_line`; the widgets turn it into segments, never markup.
"""

from __future__ import annotations

import contextlib
import gc
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, islice
from typing import Any
from urllib.parse import urlsplit

from tui.core.accounts import AccountSummary as AccountSummary
from tui.core.accounts import group_accounts as group_accounts
from tui.core.case import CATEGORIES, Evidence
from tui.core.i18n import t
from tui.core.text import one_line

SORT_KEYS: tuple[str, ...] = ("date", "account", "platform")
"""The orders the table cycles through (date first: a chronology is what a complaint needs)."""

TIME_MARKS: dict[str, str] = {
    "post-id": "#",
    "typed": "*",
    "file-metadata": "+",
    "file-name": "+",
    "capture": "^",
}
"""One character after each time in the table, saying where the time came from.

ASCII on purpose: symbols such as ✎ are drawn two cells wide by some fonts and
would push the rest of the row out of its columns.  The detail pane under the
table says the source in words."""

_FAR_FUTURE = float("inf")


APPROXIMATE_MARK = "~"
"""The mark of a time close to, not exactly, the platform's (TikTok and Threads IDs)."""


def time_mark(source: str, has_time: bool, approximate: bool = False) -> str:
    """The one-character mark for a time source (``?`` for a time of unknown origin).

    An approximate time shows :data:`APPROXIMATE_MARK` whatever its source: being
    off by seconds to minutes matters more than where it was read.
    """
    if not has_time:
        return " "
    if approximate:
        return APPROXIMATE_MARK
    return TIME_MARKS.get(source, "?")


def short_url(url: str, width: int) -> str:
    """A URL cut to ``width`` characters keeping what identifies it: host and tail.

    ``https://x.com/someone/status/1382350606417817604`` in 24 characters becomes
    ``x.com…/1382350606417817604``-like text: the scheme and ``www.`` are dropped first,
    then the middle of the path.
    """
    if width <= 0:
        return ""
    text = one_line(url, 2048)
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is not None and parts.netloc:
        host = parts.netloc.removeprefix("www.")
        rest = parts.path.rstrip("/")
        if parts.query:
            rest += "?" + parts.query
        text = host + rest
    if len(text) <= width:
        return text
    host_part, slash, _tail = text.partition("/")
    if not slash or len(host_part) + 2 >= width:
        return text[: width - 1] + "…"
    keep = width - len(host_part) - 1
    return host_part + "…" + text[-keep:] if keep > 0 else host_part[: width - 1] + "…"


def category_label(category: str, lang: str) -> str:
    """A category's name in ``lang`` (unknown categories show as stored)."""
    if category in CATEGORIES:
        return t(f"evidence.category.{category}", lang)
    return category


SHORT_PLATFORM_NAMES: dict[str, str] = {"x": "X"}
"""Names shortened for a narrow column ("X (Twitter)" does not fit in 9 cells)."""


def platform_label(platform: str, names: dict[str, str]) -> str:
    """A platform's display name for a table cell (unknown ids show as stored)."""
    return SHORT_PLATFORM_NAMES.get(platform) or names.get(platform, platform)


def entry_time(entry: Evidence) -> datetime | None:
    """The time a row shows: publication if known, else when it was observed."""
    return entry.posted_at or entry.observed_at


def _category_words() -> dict[str, str]:
    """Each category with its names in every language, for filtering ("menace" finds threats)."""
    return {c: f"{c} {category_label(c, 'fr')} {category_label(c, 'en')}" for c in CATEGORIES}


_FREEZE_FROM = 2_000

_ID = operator.attrgetter("id")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic collection while rows are computed: they make no cycles, and a full
    collection over a 50,000-entry case holds the screen for 100+ ms."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def search_terms(text: str) -> list[bytes]:
    """The words of a filter, in the form :func:`search_text` is searched with."""
    return [word.encode("utf-8", "surrogatepass") for word in text.lower().split()]


def _time_key(entry: Evidence) -> float:
    when = entry_time(entry)
    return when.timestamp() if when is not None else _FAR_FUTURE


def sort_key(entry: Evidence, sort: str) -> tuple[object, ...]:
    """The entry's place in one of the :data:`SORT_KEYS` orders."""
    if sort == "account":
        return (
            entry.account_id == "" and entry.account_handle == "",
            entry.account_id or "~" + entry.account_handle.lower(),
            _time_key(entry),
            entry.id,
        )
    if sort == "platform":
        return (entry.platform == "", entry.platform, _time_key(entry), entry.id)
    return (_time_key(entry), entry.id)


def search_text(entry: Evidence, names: dict[str, str], categories: dict[str, str]) -> bytes:
    """Everything one might filter ``entry`` on, lowercase.

    As UTF-8 bytes (see :func:`search_terms`): a substring of the text is exactly a
    substring of its UTF-8, and one emoji makes a Python string 4 bytes a character
    (tens of MB over 50,000 messages) where UTF-8 keeps ASCII at one.
    """
    cats = " ".join(categories.get(c, c) for c in entry.categories)
    return (
        "\n".join(
            (
                entry.id,
                entry.url,
                entry.url_original,
                entry.platform,
                platform_label(entry.platform, names),
                entry.post_id,
                "@" + entry.account_handle if entry.account_handle else "",
                entry.account_id,
                cats,
                entry.content,
                entry.notes,
                " ".join(a.original_name for a in entry.attachments),
                " ".join(f"{r.place} {r.reference}" for r in entry.reports),
            )
        )
        .lower()
        .encode("utf-8", "surrogatepass")
    )


@dataclass(frozen=True)
class Column:
    """A column of a virtual table: a key, a header message key and a width rule."""

    key: str
    width: int
    """Fixed width in cells, or the minimum width when ``flex`` is set."""
    flex: int = 0
    """Share of the remaining width (0: fixed)."""


def layout(columns: Sequence[Column], total: int, gap: int = 1) -> list[int]:
    """Widths for ``columns`` in ``total`` cells: fixed ones first, the rest shared by flex.

    Never returns negative widths; when the table is narrower than the fixed columns,
    the flexible ones get their minimum and the line is cropped at the right.
    """
    fixed = sum(c.width for c in columns) + gap * max(len(columns) - 1, 0)
    spare = max(total - fixed, 0)
    flex_total = sum(c.flex for c in columns)
    widths = []
    given = 0
    flex_seen = 0
    for column in columns:
        if column.flex and flex_total:
            flex_seen += column.flex
            # Integer shares that add up exactly to `spare`.
            share = spare * flex_seen // flex_total - given
            given += share
            widths.append(column.width + share)
        else:
            widths.append(column.width)
    return widths


def _no_check(_entry: Evidence) -> Any:
    return None


def _changed_middle(
    before: Sequence[Evidence], after: Sequence[Evidence]
) -> tuple[Sequence[Evidence], Sequence[Evidence]]:
    """The parts of two entry lists between their common beginning and end (by identity).

    An add, edit or delete keeps every other entry object where it was: found at C
    speed (``operator.is_`` over both lists), so only the few entries in between are
    compared one by one.  A set per list of 50,000 IDs took 60-100 ms per change.
    """
    n, m = len(before), len(after)
    same = list(map(operator.is_, before, after))
    try:
        prefix = same.index(False)
    except ValueError:
        prefix = len(same)
    limit = min(n, m) - prefix
    back = list(islice(map(operator.is_, reversed(before), reversed(after)), limit))
    try:
        suffix = back.index(False)
    except ValueError:
        suffix = len(back)
    return before[prefix : n - suffix], after[prefix : m - suffix]


class EvidenceRows:
    """The entries the table shows, in order, with their sort keys and search texts.

    Kept: every entry in the current order (with its sort key and search text, in
    lists aligned with it: no object or dictionary per entry, which cost 7 MB at
    50,000 entries) and the shown ones.  So a filter keystroke only scans
    texts (no sort: filtering a sorted list keeps it sorted), and a small change of
    the case (an add, an edit, a delete, an undo) is bisected into the order instead
    of sorting 50,000 entries on the UI thread.
    """

    _PATCH_LIMIT = 64
    """Changed entries up to which :meth:`rebuild` patches the order instead of sorting."""

    def __init__(self, lang: str, names: dict[str, str]) -> None:
        self.lang = lang
        self.names = names
        self.shown: list[Evidence] = []
        """The entries currently shown (filtered and sorted)."""
        self.total = 0
        self.sort = SORT_KEYS[0]
        self.filter = ""
        self._categories = _category_words()
        self._version: object = None
        self._sorted_by = ""
        self._filtered_by = ""
        self.file_check: Callable[[Evidence], Any] = _no_check
        """What is wrong with an entry's files on disk (the session's ``file_check``):
        an object with ``status`` (``missing``/``altered``) and ``paths``, or None."""
        self._source: list[Evidence] = []
        """The entries the order was computed from (to patch it after a small change)."""
        self._sorted: list[Evidence] = []
        self._keys: list[tuple[object, ...]] = []
        self._texts: list[bytes | None] = []
        """Search text of each entry of ``_sorted`` (None until computed)."""
        self._shown_texts: list[bytes] = []
        self.longest_id = 0
        """Length of the longest entry ID of the case (the number column's width)."""
        self.removed: list[Evidence] = []
        self.added: list[Evidence] = []
        """The entry objects the last small change removed and added (empty after a
        full re-sort): whoever held one of the removed can tell a delete from an edit
        without scanning 50,000 rows."""

    def rebuild(self, entries: Sequence[Evidence], version: object = None) -> None:
        """Recompute :attr:`shown` from the case's entries, the filter and the sort.

        ``version`` changes whenever the entries changed.  When it did not and the
        filter only grew (one more letter typed), only the rows already shown are
        searched again: typing stays fast on 50,000 entries.
        """
        with _collector_paused():
            self._rebuild(entries, version)

    def _rebuild(self, entries: Sequence[Evidence], version: object) -> None:
        lowered = self.filter.lower()
        terms = search_terms(self.filter)
        changed = version is None or version != self._version or self.sort != self._sorted_by
        refine = not changed and bool(self._filtered_by) and lowered.startswith(self._filtered_by)
        if not changed:
            self.removed, self.added = [], []  # they describe the last change only
        elif not (self.sort == self._sorted_by and self._patch(entries)):
            self._sort(entries)
        self._version, self._sorted_by, self._filtered_by = version, self.sort, lowered
        self.total = len(entries)
        if refine:
            shown, texts = self.shown, self._shown_texts
        else:
            if not terms:
                self.shown, self._shown_texts = list(self._sorted), []
                return
            shown, texts = self._sorted, self._all_texts()
        for term in terms:
            # One pass of substring tests, then C-speed selection of both lists
            # (skipped when every row matches: the first letters typed, often).
            mask = [term in text for text in texts]
            if all(mask):
                continue
            shown = list(compress(shown, mask))
            texts = list(compress(texts, mask))
        self.shown, self._shown_texts = list(shown), list(texts)

    def _sort(self, entries: Sequence[Evidence]) -> None:
        sort = self.sort
        # Search texts already computed follow their entries into the new order (the
        # old order's entries are alive meanwhile, so no identity is reused).
        known = {id(e): text for e, text in zip(self._sorted, self._texts, strict=True) if text}
        keys = [sort_key(e, sort) for e in entries]
        order = sorted(range(len(entries)), key=keys.__getitem__)
        self._sorted = [entries[i] for i in order]
        self._keys = [keys[i] for i in order]
        self._texts = [known.get(id(e)) for e in self._sorted]
        del known, keys, order
        self._source = list(entries)
        self.longest_id = max(map(len, map(_ID, entries)), default=0)
        self.removed, self.added = [], []
        if len(entries) >= _FREEZE_FROM:
            # These rows live as long as the case: keep the collector from rescanning
            # them (see tui.core.store, which does the same for the model).
            gc.freeze()

    def _all_texts(self) -> list[bytes]:
        """Every entry's search text, in order (computing those not warmed yet)."""
        texts = self._texts
        if None in texts:
            names, categories, order = self.names, self._categories, self._sorted
            for index, text in enumerate(texts):
                if text is None:
                    texts[index] = search_text(order[index], names, categories)
        return texts  # type: ignore[return-value]  # no None left

    def _patch(self, entries: Sequence[Evidence]) -> bool:
        """Apply a small change to the order, by identity (an edit replaces the object).

        Finding what changed is a few C-speed set operations even on 50,000 entries,
        and each change a bisection.  False (nothing done) when the change is large.
        """
        old, new = _changed_middle(self._source, entries)
        before = {id(e) for e in old}
        now = {id(e) for e in new}
        gone_ids = before - now
        new_ids = now - before
        if len(gone_ids) + len(new_ids) > self._PATCH_LIMIT:
            return False
        sort = self.sort
        order, keys, texts = self._sorted, self._keys, self._texts
        self.removed = [e for e in old if id(e) in gone_ids]
        self.added = [e for e in new if id(e) in new_ids]
        # A removed ID can only leave the column as wide as it was: never narrowed here.
        self.longest_id = max(self.longest_id, *map(len, map(_ID, self.added)), 0)
        for entry in self.removed:
            key = sort_key(entry, sort)
            at = bisect_left(keys, key)
            while at < len(order) and keys[at] == key and order[at] is not entry:
                at += 1
            if at < len(order) and order[at] is entry:
                del order[at], keys[at], texts[at]
        for entry in self.added:
            key = sort_key(entry, sort)
            at = bisect_left(keys, key)
            order.insert(at, entry)
            keys.insert(at, key)
            texts.insert(at, None)
        self._source = list(entries)
        return True

    def warm(self, entries: Sequence[Evidence], start: int, count: int) -> int:
        """Compute the search text of ``count`` entries from ``start``; returns the next start.

        Called in small slices while the person looks at the table, so that the first
        filter keystroke on 10,000 entries does not have to compute them all.
        """
        names, categories = self.names, self._categories
        end = min(start + count, len(entries))
        # Into the table's order (the texts are kept there); before the table has one,
        # there is nowhere to keep them: the first filter computes them.
        order, texts = self._sorted, self._texts
        if len(order) != len(entries):
            return end
        with _collector_paused():
            for index in range(start, end):
                if texts[index] is None:
                    texts[index] = search_text(order[index], names, categories)
        return end

    def index_of(self, evidence_id: str) -> int | None:
        """Position of an entry among the shown ones, or None."""
        # A C-speed scan: a Python loop over 50,000 rows took 28 ms of a delete's
        # repaint (the deleted entry is looked for, and found nowhere).
        try:
            return operator.indexOf(map(_ID, self.shown), evidence_id)
        except ValueError:
            return None
