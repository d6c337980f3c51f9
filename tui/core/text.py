"""The one sanitizer for untrusted text.

Everything in a case was typed by a harasser: it may hold terminal escape
sequences, C1 control codes, bidi overrides, NUL bytes or 100 KB lines.  Before
such text is shown (terminal) or written into a document format that cannot hold
it (XML), it goes through one of these functions, which make the invisible
*visible* (``[U+001B]``) instead of dropping it silently.

These functions return plain ``str``.  In the TUI the result must still be given
to a widget without markup parsing (``Content(text)``, ``Text(text)``,
``markup=False``): making characters visible and escaping markup are two
different jobs.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except TAB/LF/CR, DEL, C1 controls.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidi embeddings/overrides/isolates and marks, plus other invisible format characters
# that can disguise text: zero-width space/joiners, word joiner, BOM, Arabic letter mark,
# interlinear annotation, soft hyphen and the Unicode "tag" block.
_INVISIBLE = (
    "\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_SURROGATE = "\ud800-\udfff"

_DISPLAY_RE = re.compile(f"[{_CONTROL}{_INVISIBLE}{_SURROGATE}]")
_DISPLAY_LINE_RE = re.compile(f"[{_CONTROL}{_INVISIBLE}{_SURROGATE}\t\n\r]")
# What XML 1.0 cannot hold at all, plus what we refuse to hide in a document.
_XML_RE = re.compile(f"[{_CONTROL}{_INVISIBLE}{_SURROGATE}\ufffe\uffff]")

_LINE_MARKS = {"\n": "\u21b5", "\r": "", "\t": " "}
"""In one-line views a newline shows as ↵ (CR alone is dropped: CRLF is one newline)."""


def marker(char: str) -> str:
    """The visible stand-in for an invisible or dangerous character, e.g. ``[U+202E]``."""
    return f"[U+{ord(char):04X}]"


def _marker_match(match: re.Match[str]) -> str:
    return marker(match.group())


def needs_marker(char: str) -> bool:
    """True for a character :func:`visible` shows as a marker (controls, bidi, invisible)."""
    return _DISPLAY_RE.match(char) is not None


def visible(text: str) -> str:
    """Text safe to send to a terminal: controls and invisible characters as markers.

    Newlines and tabs are kept (multi-line views); CRLF becomes LF and a lone CR,
    which would let a line overwrite itself on screen, becomes a marker.
    """
    return _DISPLAY_RE.sub(_marker_match, text.replace("\r\n", "\n").replace("\r", "[U+000D]"))


def one_line(text: str, limit: int | None = None) -> str:
    """Text for a single table cell: markers, newlines as ↵, cut to ``limit`` characters."""
    if limit is not None and len(text) > limit * 4:
        # Never run the substitution over a 100 KB line to show 30 characters of it.
        text = text[: limit * 4]

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return _LINE_MARKS.get(char, marker(char))

    line = _DISPLAY_LINE_RE.sub(replace, text)
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)] + "\u2026"
    return line


def xml_safe(text: str) -> str:
    """Text that XML (docx, HTML) can hold: forbidden characters become visible markers."""
    return _XML_RE.sub(_marker_match, text)


def normalise(text: str) -> str:
    """NFC form, for comparisons (handles, URLs) - never for what is stored."""
    return unicodedata.normalize("NFC", text)
