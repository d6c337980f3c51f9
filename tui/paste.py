"""Bracketed pastes taken whole, escape characters and all.

A harasser's message copied from a terminal or a raw export may hold ESC sequences
(colours, cursor moves).  Textual 8.2.8's input parser reads an ESC inside a
bracketed paste as the start of a key sequence: the characters after it leave the
paste (a tab among them is replayed as a key press, moving the focus) and the text
before the ESC is cut.  The form would then store something the person never
pasted, and the next keys would land in the wrong field.

:class:`PasteParser` sits in front of Textual's parser: everything between
``ESC [200~`` and ``ESC [201~`` is one :class:`~textual.events.Paste`, exactly as
received (ESC, NUL, tabs, newlines kept; the form shows them as markers and stores
them as they are, see :mod:`tui.core.textedit`).  Everything else goes to Textual's
parser unchanged.  A start marker split across two reads is held back at most
Textual's escape delay, so a lone ``escape`` key press is never delayed.

:func:`install` makes the terminal drivers use it; Textual is pinned exactly
(``pyproject.toml``), and ``tests/app/test_paste.py`` checks both the parser and
the whole app in a real pseudo-terminal.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import constants, events
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.message import Message

START = "\x1b[200~"
END = "\x1b[201~"


def _partial(text: str, marker: str) -> int:
    """Length of the longest end of ``text`` that begins ``marker`` (and is shorter)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:size]):
            return size
    return 0


class PasteParser(XTermParser):
    """Textual's terminal parser, with bracketed pastes read whole and exact."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting = False
        self._pasted: list[str] = []
        self._held = ""
        """The start of a marker seen at the end of the last read."""
        self._held_until: float | None = None

    def feed(self, data: str) -> Iterable[Message]:
        """Tokens for ``data``: pastes whole, the rest from Textual's parser."""
        if not data:
            yield from self._flush()
            yield from super().feed("")
            return
        text, self._held, self._held_until = self._held + data, "", None
        while text:
            if self._pasting:
                end = text.find(END)
                if end < 0:
                    keep = _partial(text, END)
                    self._pasted.append(text[: len(text) - keep])
                    self._hold(text[len(text) - keep :])
                    return
                self._pasted.append(text[:end])
                text = text[end + len(END) :]
                yield from self._flush()
                continue
            start = text.find(START)
            if start < 0:
                # A lone ESC is a key press: only a longer start of the marker waits.
                keep = _partial(text, START)
                keep = keep if keep > 1 else 0
                if len(text) > keep:  # (an empty feed would mean end of input)
                    yield from super().feed(text[: len(text) - keep])
                self._hold(text[len(text) - keep :])
                return
            if start:
                yield from super().feed(text[:start])
            self._pasting = True
            text = text[start + len(START) :]

    def tick(self) -> Iterable[Message]:
        """Release a held-back half marker once the escape delay is over."""
        if self._held_until is not None and get_time() >= self._held_until:
            held, self._held, self._held_until = self._held, "", None
            yield from super().feed(held)
        yield from super().tick()

    def _hold(self, text: str) -> None:
        # Inside a paste, the rest of the end marker may come late on a slow link:
        # it is waited for (a paste ends only with its marker).
        self._held = text
        waits = bool(text) and not self._pasting
        self._held_until = get_time() + constants.ESCAPE_DELAY if waits else None

    def _flush(self) -> Iterable[Message]:
        if self._pasting or self._pasted:
            pasted = "".join(self._pasted)
            self._pasted.clear()
            self._pasting = False
            yield events.Paste(pasted)


def install() -> None:
    """Make Textual's Linux drivers (full-screen, inline) read input with :class:`PasteParser`."""
    from textual.drivers import linux_driver, linux_inline_driver

    linux_driver.XTermParser = PasteParser  # type: ignore[attr-defined]
    linux_inline_driver.XTermParser = PasteParser  # type: ignore[attr-defined]
