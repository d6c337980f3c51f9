"""A virtual table: renders only the rows on screen, so 50,000 entries scroll smoothly.

Textual's ``DataTable`` measures every cell before its first paint and freezes for
seconds at 10,000 rows (FACTS.md).  :class:`VirtualTable` is a line-API
``ScrollView`` instead (the approach of Textualize/toolong's ``log_lines.py``): the
first line is a header pinned at the top, each other line is one row rendered on
demand into a :class:`~textual.strip.Strip` straight from plain-text segments
(never markup), with an LRU cache of rendered rows.

:class:`EvidenceTable` shows evidence entries; the accounts view uses
:class:`VirtualTable` with its own rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.case import Evidence
from tui.core.i18n import t
from tui.core.text import one_line
from tui.widgets.evidence_rows import (
    Column,
    EvidenceRows,
    category_label,
    entry_time,
    layout,
    platform_label,
    short_url,
    time_mark,
)

GAP = 1
"""Cells between two columns."""


def fit(text: str, width: int) -> str:
    """``text`` on one line, exactly ``width`` cells wide (cut with … or padded)."""
    if width <= 0:
        return ""
    line = one_line(text, width)
    if cell_len(line) > width:
        line = set_cell_size(line, width - 1) + "…"
    return set_cell_size(line, width)


class VirtualTable(ScrollView, can_focus=True):
    """A read-only table with a cursor row, rendering only visible rows.

    Subclasses (or users) provide :meth:`row_count`, :meth:`row_cells` and
    :meth:`row_key`; the table handles the header, the cursor, scrolling and caching.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        & > .virtual-table--header { text-style: bold; background: $panel; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--empty { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    """Index of the highlighted row among the rows shown."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another row (or the rows changed under it)."""

        table: VirtualTable
        index: int

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self.empty_text = ""
        """Shown on the first row when there are no rows."""
        self._widths: list[int] = []
        self._width_for = -1
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(512)

    # -- what subclasses provide -------------------------------------------------

    def row_count(self) -> int:
        """How many rows there are."""
        return 0

    def row_key(self, index: int) -> object:
        """A hashable value that changes whenever row ``index``'s cells change."""
        return index

    def row_cells(self, index: int, widths: Sequence[int]) -> Sequence[str]:
        """The plain-text cells of row ``index`` (made one-line and fitted by the table)."""
        return ()

    def header_cells(self) -> Sequence[str]:
        """The column titles."""
        return [c.key for c in self.columns]

    # -- geometry ----------------------------------------------------------------

    @property
    def body_height(self) -> int:
        """Rows visible under the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    def widths(self) -> list[int]:
        """Column widths for the current width (recomputed on resize)."""
        width = self.scrollable_content_region.width
        if width != self._width_for:
            self._widths = layout(self.columns, width, GAP)
            self._width_for = width
            self._strips.clear()
        return self._widths

    def rows_changed(self, keep_cursor: int | None = None) -> None:
        """Call after the rows changed: resizes the scroll area and repaints."""
        count = self.row_count()
        self.virtual_size = Size(self.scrollable_content_region.width, count + 1)
        target = self.cursor if keep_cursor is None else keep_cursor
        self.cursor = min(max(target, 0), max(count - 1, 0))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width equal to the real width (columns fit; no sideways scroll)."""
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count() + 1)
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        """Theme or focus changed: cached rows have the old colours."""
        super().notify_style_update()
        self._strips.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._strips.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._strips.clear()
        self.refresh()

    # -- cursor ------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return min(max(value, 0), max(self.row_count() - 1, 0))

    def watch_cursor(self, old: int, new: int) -> None:
        # Only the two rows whose look changed are repainted (row i is line i + 1,
        # under the header); scrolling repaints everything by itself.
        self._scroll_cursor_into_view()
        top = int(self.scroll_y)
        for index in {old, new}:
            if index >= top:
                self.refresh_line(index + 1)
        self.post_message(self.Highlighted(self, new))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        height = self.body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self.body_height

    def action_page_down(self) -> None:
        self.cursor += self.body_height

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count() - 1

    def on_click(self, event: events.Click) -> None:
        """A click on a row moves the cursor there (the keyboard remains the way)."""
        if event.y >= 1:
            index = int(self.scroll_y) + event.y - 1
            if index < self.row_count():
                self.cursor = index

    # -- rendering ---------------------------------------------------------------

    def _line(self, cells: Sequence[str], widths: Sequence[int], style: Style) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" " * GAP, style)
        for position, (text, width) in enumerate(zip(cells, widths, strict=False)):
            if position:
                segments.append(gap)
            segments.append(Segment(fit(text, width), style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header at 0, then the rows from the scroll offset."""
        width = self.scrollable_content_region.width
        widths = self.widths()
        base = self.rich_style
        if y == 0:
            key: tuple[object, ...] = ("header", width)
            strip = self._strips.get(key)
            if strip is None:
                style = base + self.get_component_rich_style("virtual-table--header")
                strip = self._line(self.header_cells(), widths, style)
                strip = strip.extend_cell_length(width, style).crop(0, width)
                self._strips[key] = strip
            return strip
        index = int(self.scroll_y) + y - 1
        count = self.row_count()
        if index >= count:
            if count == 0 and y == 1 and self.empty_text:
                style = base + self.get_component_rich_style("virtual-table--empty")
                return Strip([Segment(fit(self.empty_text, width), style)])
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (self.row_key(index), is_cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            style = base
            if is_cursor:
                style = base + self.get_component_rich_style("virtual-table--cursor")
            strip = self._line(self.row_cells(index, widths), widths, style)
            strip = strip.extend_cell_length(width, style).crop(0, width)
            self._strips[key] = strip
        return strip


EVIDENCE_COLUMNS: tuple[Column, ...] = (
    Column("number", 5),
    Column("time", 17),
    Column("shots", 8),
    Column("url", 12, flex=3),
    Column("account", 9, flex=2),
    Column("platform", 9),
    Column("category", 10),
)
READING_COLUMNS: tuple[Column, ...] = (
    Column("number", 5),
    Column("time", 17),
    Column("account", 9, flex=2),
    Column("content", 10, flex=6),
)
"""With every message shown, the content takes the room of URL, shots and categories
(the detail pane still shows those for the highlighted row)."""


class EvidenceTable(VirtualTable):
    """The evidence entries of a case: one row each, content hidden unless revealed.

    The table reads from an :class:`EvidenceRows` (filter, sort, caches) that the
    screen rebuilds whenever the case changes; ``format_time`` formats a time in
    the case's zone and language.
    """

    DEFAULT_CSS = """
    EvidenceTable { height: 1fr; }
    """

    def __init__(
        self,
        rows: EvidenceRows,
        format_time: Callable[[Evidence], str],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(EVIDENCE_COLUMNS, id=id)
        self.rows = rows
        self.format_time = format_time
        self.reveal_all = False
        """Show the content column for every row."""
        self.revealed: set[str] = set()
        """Entry IDs whose content the user asked to see (shown in the detail pane)."""

    def set_reveal_all(self, value: bool) -> None:
        """Show or hide the content column."""
        self.reveal_all = value
        self.columns = self._numbered(list(READING_COLUMNS if value else EVIDENCE_COLUMNS))
        self._width_for = -1
        self._strips.clear()
        self.refresh()

    def _numbered(self, columns: list[Column]) -> list[Column]:
        """``columns`` with the entry-number column as wide as the longest ID shown.

        "E0001" fits in 5 cells; past E9999 a fixed width cut every ID to "E500…",
        and E50000 could not be told from E50001.
        """
        # Kept by the rows as they change: a pass over 50,000 entries took 23-26 ms of
        # every change's repaint (each entry a cache miss).
        longest = min(max(self.rows.longest_id, 5), 12)
        return [
            dataclasses.replace(c, width=max(c.width, longest)) if c.key == "number" else c
            for c in columns
        ]

    def rows_changed(self, keep_cursor: int | None = None) -> None:
        """Call after the rows changed: resizes the scroll area and repaints."""
        columns = self._numbered(list(READING_COLUMNS if self.reveal_all else EVIDENCE_COLUMNS))
        if columns != self.columns:
            self.columns = columns
            self._width_for = -1
            self._strips.clear()
        super().rows_changed(keep_cursor)

    def row_count(self) -> int:
        return len(self.rows.shown)

    def current(self) -> Evidence | None:
        """The entry under the cursor, if any."""
        shown = self.rows.shown
        return shown[self.cursor] if 0 <= self.cursor < len(shown) else None

    def row_key(self, index: int) -> object:
        entry = self.rows.shown[index]
        # The entry object changes on every edit; the rest is what else changes a row.
        check = self.rows.file_check(entry)
        return (
            id(entry),
            entry.id,
            self.reveal_all,
            self.rows.lang,
            self._width_for,
            check.status if check is not None else None,
        )

    def header_cells(self) -> Sequence[str]:
        lang = self.rows.lang
        return [t(f"evidence.column.{c.key}", lang) for c in self.columns]

    def row_cells(self, index: int, widths: Sequence[int]) -> Sequence[str]:
        entry = self.rows.shown[index]
        lang = self.rows.lang
        when = entry_time(entry)
        time_text = ""
        if when is not None:
            source = entry.posted_at_source if entry.posted_at is not None else "capture"
            approximate = entry.posted_at is not None and entry.posted_at_approximate
            time_text = f"{self.format_time(entry)}{time_mark(source, True, approximate)}"
        check = self.rows.file_check(entry) if entry.attachments else None
        if check is not None:
            # A file that went missing or changed reads differently from "none yet".
            shots = t(f"evidence.cell.file-{check.status}", lang)
        elif entry.attachments:
            # Screenshots: each file attached by hand, and each picture a capture took (not
            # its page archive, its capture.json nor the platform's raw answer).
            made = {d for c in entry.captures for d in c.files} | {x.raw for x in entry.lookups}
            count = sum(
                1 for a in entry.attachments if a.sha256 not in made or a.path.endswith(".png")
            )
            shots = str(count) if count else t("evidence.cell.missing", lang)
        else:
            shots = t("evidence.cell.missing", lang)
        account = ""
        if entry.account_handle:
            account = "@" + entry.account_handle
        if entry.account_id:
            account = f"{account} {entry.account_id}".strip()
        category = ""
        if entry.categories:
            category = category_label(entry.categories[0], lang)
            if len(entry.categories) > 1:
                category += f"+{len(entry.categories) - 1}"
        if self.reveal_all:
            # Cut before sanitising: a 100 KB message must not be processed to show 30 cells.
            return [entry.id, time_text, account, entry.content[: widths[-1] * 4 + 16]]
        return [
            entry.id,
            time_text,
            shots,
            short_url(entry.url or entry.url_original, widths[3]),
            account,
            platform_label(entry.platform, self.rows.names),
            category,
        ]
