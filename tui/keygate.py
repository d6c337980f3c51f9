"""Keys land where they were typed, whatever the timing: one key at a time.

Why this exists.  Textual routes a key in two steps: the app checks its *priority*
bindings at once, then posts the key to the focused widget's own queue; a key the
widget does not use bubbles up, parent by parent, through more queues, and the
ordinary bindings (``tab`` → next field, ``enter`` → next field in our forms, ``a``
→ open the form...) run when it gets back to the app.  Meanwhile the app has already
posted the *next* keys to the widget that was focused before: over SSH on a laggy
link, where keys arrive in bursts, ``Tab Tab 4455`` typed the digits into the URL.

The gate makes the app hand over one key (or paste) at a time: the next one waits
until the previous one was handled completely — taken by a widget, or bubbled all
the way up and its binding run — and, when that key opened or closed a screen, until
the new screen is mounted and has its focus.  Then the next key goes to whatever has
the focus *now*.  Nothing is dropped: waiting keys are kept in order.

This follows a key through Textual's private message plumbing (``_parent``,
``_stop_propagation``, ``is_parent_active``): Textual is pinned exactly, and
``tests/app/test_keygate.py`` fails if that plumbing changes.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

SETTLE_FRAMES = 10
"""Refreshes to wait, at most, for a new screen to focus its first field (a screen
with nothing to focus gets the next key after that)."""

PALETTE_FRAMES = 12
"""Refreshes to wait, at most, for the command palette to close after an enter (it
picks the command through several messages); an enter that only highlights one waits
this long."""

STUCK_AFTER = 5.0
"""Seconds after which a key still not seen through is let go: a last resort (a
widget closing refuses the follow-up and that is noticed at once), so that the gate
can never make the app deaf.  Long enough for a loaded machine to handle a key."""


class KeyGate:
    """Serialises key and paste events for one app (see the module docstring)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.waiting: deque[events.Event] = deque()
        """Events that arrived while another was being handled, in arrival order."""
        self.released: events.Event | None = None
        """The waiting event posted back to the app, which goes before any other."""
        self.busy_since: float | None = None
        self._screen: object = None
        self._focused: MessagePump | None = None
        self._key = ""

    def admit(self, event: events.Event) -> bool:
        """True when ``event`` may be handled now; False when it was queued."""
        if event is self.released:
            self.released = None
        else:
            if self.busy_since is not None and time.monotonic() - self.busy_since > STUCK_AFTER:
                self._release()  # let a stuck key go rather than stop listening
            if self.busy_since is not None or self.released is not None or self.waiting:
                self.waiting.append(event)
                return False
        self.busy_since = time.monotonic()
        self._screen = self.app.screen_stack[-1] if self.app.screen_stack else None
        self._focused = self.app.focused
        self._key = getattr(event, "key", "")
        return True

    def handled(self, event: events.Event) -> None:
        """Called once the app has checked priority bindings and forwarded ``event``."""
        target = self.app.focused or (self.app.screen if self.app.screen_stack else None)
        if not event.is_forwarded or target is None:
            # A priority binding took it.  Its action may close a screen a moment later
            # (ctrl+s saves and dismisses the form): look again after the next refresh.
            self.app.call_after_refresh(self._done)
            return
        self._follow(event, target)

    def _follow(self, event: events.Event, node: MessagePump) -> None:
        # The callback runs after ``node`` has processed ``event`` (its queue is in order).
        try:
            posted = node.call_later(self._step, event, node)
        except Exception:
            posted = False
        if not posted:  # the node is closing: nothing more will happen to the key
            self._done()

    def _step(self, event: events.Event, node: MessagePump) -> None:
        parent = getattr(node, "_parent", None)
        bubbled = (
            event.bubble
            and parent is not None
            and not event._stop_propagation
            and getattr(node, "is_parent_active", False)
            and getattr(node, "is_attached", False)
        )
        if bubbled and parent is not None and node is not self.app:
            self._follow(event, parent)
        else:
            self._done(node)

    def _done(self, node: MessagePump | None = None) -> None:
        screen = self.app.screen_stack[-1] if self.app.screen_stack else None
        if screen is not self._screen and screen is not None:
            # A screen was opened or closed: let it mount and take its focus first.
            self._settle(SETTLE_FRAMES)
        else:
            # What the key set off comes next: a widget that took it posts a message to
            # itself (an option list's enter posts OptionSelected), which bubbles to the
            # screen, whose handler may move the focus (Widget.focus is queued on the
            # app).  The next key waits for those three queues, in that order: on the
            # first-run screen, "enter Sam" in one burst lost the S to the place list.
            # Twice over: a binding of the focused widget runs its action once the key
            # is back at the app, and the action's message takes the same three queues.
            focused = self._focused
            hops = (node, screen, self.app, focused, screen, self.app)
            self._after([pump for pump in hops if pump is not None])

    def _after(self, hops: list[MessagePump]) -> None:
        if not hops:
            self._done_after_hops()
            return
        try:
            posted = hops[0].call_later(self._after, hops[1:])
        except Exception:
            posted = False
        if not posted:
            self._after(hops[1:])

    def _done_after_hops(self) -> None:
        screen = self.app.screen_stack[-1] if self.app.screen_stack else None
        if screen is not self._screen and screen is not None:
            self._settle(SETTLE_FRAMES)  # what the key set off opened or closed a screen
        elif self._key == "enter" and _is_palette(screen):
            # Enter in the command palette picks a command through several more
            # messages (the list, the palette, its dismissal): the next key waited only
            # for the first ones, reached the palette's input, and by the time it came
            # back to the app as a binding the palette was gone: "ctrl+p open another,
            # enter, enter" in one burst marked the calm step behind done (a trial).
            self._watch_palette(screen, PALETTE_FRAMES)
        else:
            self._release()

    def _watch_palette(self, palette: object, frames: int) -> None:
        top = self.app.screen_stack[-1] if self.app.screen_stack else None
        if top is not palette and top is not None:
            self._settle(SETTLE_FRAMES)  # closed: the command's own screen comes next
        elif frames <= 0:
            self._release()  # still open (the enter only highlighted a command)
        else:
            self.app.call_after_refresh(self._watch_palette, palette, frames - 1)

    def _settle(self, frames: int) -> None:
        screen = self.app.screen_stack[-1] if self.app.screen_stack else None
        if screen is None or not screen.is_mounted:
            if frames <= 0:
                self._release()
            else:
                self.app.call_after_refresh(self._settle, frames - 1)
            return
        # Let the screen handle what is queued for it (its Mount: on_mount may move
        # the focus), then hand the next key to whatever has the focus.
        try:
            posted = screen.call_later(self._focus_settled, screen)
        except Exception:
            posted = False
        if not posted:
            self._release()

    def _focus_settled(self, screen: MessagePump) -> None:
        focused = getattr(screen, "focused", None)
        if focused is None:
            self._through_app(screen)
            return
        # After the field has handled its own Focus event (an Input selects its text
        # on focus: a key handled before that would be replaced by the next one).
        try:
            posted = focused.call_later(self._through_app, screen)
        except Exception:
            posted = False
        if not posted:
            self._through_app(screen)

    def _through_app(self, screen: MessagePump) -> None:
        """Last, what the app itself has queued: a command picked in the palette runs
        there once the palette is closed (``App.call_later``) and often opens a screen
        of its own; the next key waits for that screen too."""
        try:
            posted = self.app.call_later(self._settled_after_app, screen)
        except Exception:
            posted = False
        if not posted:
            self._release()

    def _settled_after_app(self, screen: MessagePump) -> None:
        top = self.app.screen_stack[-1] if self.app.screen_stack else None
        if top is not None and top is not screen:
            self._settle(SETTLE_FRAMES)  # the command opened (or closed) a screen
        else:
            self._release()

    def _release(self) -> None:
        self.busy_since = None
        if self.waiting and self.released is None:
            # Posted back to the app; anything arriving before it is queued behind it.
            self.released = self.waiting.popleft()
            self.app.post_message(self.released)


def _is_palette(screen: object) -> bool:
    from textual.command import CommandPalette

    return isinstance(screen, CommandPalette)


def gated(event: events.Event) -> bool:
    """True for the events the gate serialises: keys and pastes not yet forwarded."""
    return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded
