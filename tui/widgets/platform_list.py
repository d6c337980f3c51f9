"""The platform picker of the calm steps (a ``SelectionList`` that ``enter`` never toggles).

In its own module so that the calm screen imports it, and Textual's selection
list with it, only when the platforms step is shown: the first screen (the
welcome page) does not need it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class PlatformList(SelectionList[str]):
    """The platforms the person is targeted on: space ticks, enter continues.

    ``enter`` is taken back from the option list (which would toggle) so that a
    person going through the steps with ``enter`` alone is never stuck here.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "calm.key.toggle", id="calm-platform-toggle"),
        Binding("enter", "screen.step_done", "calm.key.continue", id="calm-platform-continue"),
        # The list scrolls sideways by default; here left/right move between steps.
        Binding("left", "screen.step_previous", "calm.key.previous", id="calm-platform-previous"),
        Binding("right", "screen.step_next", "calm.key.next", id="calm-platform-next"),
    ]

    def render_line(self, y: int) -> Strip:
        """The option's line, with the tick mark blank when it is not ticked.

        Textual draws the same mark for both states and tells them apart by colour
        only, which vanishes with ``NO_COLOR`` or in 16 colours.
        """
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
