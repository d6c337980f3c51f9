"""A selection list whose tick mark is readable without colour.

Textual's ``SelectionList`` draws the same mark for ticked and unticked options
and tells them apart by colour alone, which vanishes with ``NO_COLOR``, in 16
colours, and in a screen reader's or tmux's plain-text copy.  Here an unticked
option's (or box's) mark is blank.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class TickList(SelectionList[str]):
    """A ``SelectionList`` that shows the tick only on ticked options (one line each)."""

    def render_line(self, y: int) -> Strip:
        """The option's line, with the tick mark blank when it is not ticked."""
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > 1:
            text, style, control = segments[1]
            segments[1] = Segment(" " * len(text), style, control)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A ``Checkbox`` whose mark shows only when ticked (readable without colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        """``X`` when ticked, a blank otherwise (Textual draws ``X`` in both states)."""
        return "X" if self.value else " "
