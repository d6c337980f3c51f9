"""Editing hostile text without changing it: shown with visible markers, kept exact.

A message "as written" by a harasser is evidence.  It may hold ESC sequences, bidi
overrides, vertical tabs, NEL, U+2029, CRLF, NUL...  A form cannot show those raw
(they would act on the terminal), so it shows their visible form (``[U+001B]``,
``↵``) — and must never store that visible form back.

:class:`EditableText` keeps, piece by piece, which shown characters stand for which
stored ones.  Each edit of the field (a key, a paste, a deletion) is one contiguous
change between the old and the new shown text: what lies before and after it keeps
its stored characters exactly; what was typed or pasted is stored as typed (control
characters in a paste are kept, and shown as markers).  So opening an entry, editing
one field (or one word of the message) and saving changes nothing else, byte for
byte.  A marker the person edits into (deleting its ``]``) is no longer a marker:
what remains of it is ordinary text, as it looks.

No I/O, no Textual: the form calls it on every change of a field.
"""

from __future__ import annotations

from tui.core.text import marker, needs_marker

_LINE_SEPARATORS = frozenset("\u2028\u2029")
"""Unicode line and paragraph separators: text widgets would turn them into newlines."""

_LINE_SHOWN = {"\n": "\u21b5", "\r": "", "\t": " "}
"""One-line fields: a newline shows as ↵, a CR as nothing (CRLF is one newline)."""


def _pieces(text: str, one_line: bool) -> list[tuple[str, str]]:
    """(shown, stored) pieces: runs of plain characters, and one piece per marked one."""
    pieces: list[tuple[str, str]] = []
    run_start = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        shown: str | None = None
        stored = char
        if one_line and char in _LINE_SHOWN:
            shown = _LINE_SHOWN[char]
        elif not one_line and char == "\r":
            if text.startswith("\r\n", index):
                shown, stored = "\n", "\r\n"  # CRLF is shown as one newline, kept as both
            else:
                shown = marker(char)
        elif not one_line and char in "\n\t":
            shown = None
        elif needs_marker(char) or char in _LINE_SEPARATORS:
            shown = marker(char)
        if shown is None:
            index += 1
            continue
        if run_start < index:
            run = text[run_start:index]
            pieces.append((run, run))
        pieces.append((shown, stored))
        index += len(stored)
        run_start = index
    if run_start < length:
        run = text[run_start:]
        pieces.append((run, run))
    return pieces


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    low, high = 0, limit
    while low < high:  # binary search on slices: C-speed comparisons on 100 KB lines
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


def _take_prefix(pieces: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """The pieces covering the first ``count`` shown characters.

    Pieces shown as nothing (a CR in a one-line field) right at the edge stay with the
    beginning; a marker cut by the edit is no longer a marker: its part is plain text.
    """
    out: list[tuple[str, str]] = []
    done = 0
    for shown, stored in pieces:
        if done + len(shown) <= count:
            out.append((shown, stored))
            done += len(shown)
            continue
        part = shown[: count - done]
        if part:
            out.append((part, part))
        break
    return out


def _take_suffix(pieces: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """The pieces covering the last ``count`` shown characters (see :func:`_take_prefix`)."""
    out: list[tuple[str, str]] = []
    done = 0
    for shown, stored in reversed(pieces):
        if done == count:
            break  # pieces shown as nothing at the edge went with the beginning
        if done + len(shown) <= count:
            out.append((shown, stored))
            done += len(shown)
            continue
        part = shown[len(shown) - (count - done) :]
        if part:
            out.append((part, part))
        break
    out.reverse()
    return out


class EditableText:
    """One field's text: what it shows, and the exact text it stands for."""

    def __init__(self, stored: str, *, one_line: bool) -> None:
        self.one_line = one_line
        self._pieces = _pieces(stored, one_line)
        self.shown = "".join(shown for shown, _ in self._pieces)
        """What the field shows (safe for the terminal)."""

    @property
    def stored(self) -> str:
        """The exact text, with every original character."""
        return "".join(stored for _, stored in self._pieces)

    def edit(self, new_shown: str) -> tuple[str, int]:
        """Take the field's new text; returns (what it must show now, cursor offset).

        The returned text differs from ``new_shown`` only when a paste or a key brought
        characters that must be shown as markers.  The cursor offset is just after
        what was typed or pasted.
        """
        old = self.shown
        if new_shown == old:
            return old, len(old)
        prefix = _common_prefix(old, new_shown)
        suffix = _common_suffix(old, new_shown, min(len(old), len(new_shown)) - prefix)
        middle = new_shown[prefix : len(new_shown) - suffix]
        head = _take_prefix(self._pieces, prefix)
        tail = _take_suffix(self._pieces, suffix) if suffix else []
        typed = _pieces(middle, self.one_line)
        self._pieces = [p for p in (*head, *typed, *tail) if p[0] or p[1]]
        self.shown = "".join(shown for shown, _ in self._pieces)
        cursor = sum(len(shown) for shown, _ in head) + sum(len(shown) for shown, _ in typed)
        return self.shown, cursor
