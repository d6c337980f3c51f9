"""The platform picker of the calm steps (a ``SelectionList`` that ``enter`` never toggles).

In its own module so that the calm screen imports it, and Textual's selection
list with it, only when the platforms step is shown: the first screen (the
welcome page) does not need it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tui.widgets.tick_list import TickList


class PlatformList(TickList):
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
