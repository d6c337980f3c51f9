"""The one sanitizer: nothing invisible or dangerous reaches a terminal or a document."""

from __future__ import annotations

import re

from tests.conftest import HOSTILE, LONG_LINE
from tui.core.text import one_line, visible, xml_safe

ESCAPE_OR_BIDI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_escape_sequences_become_visible_markers() -> None:
    shown = visible("\x1b[2Jhello")
    assert shown == "[U+001B][2Jhello"


def test_bidi_override_is_shown_not_applied() -> None:
    shown = visible("\u202egnp.exe")
    assert shown == "[U+202E]gnp.exe"


def test_hostile_fixture_has_no_control_or_bidi_left() -> None:
    for render in (visible, one_line):
        assert not ESCAPE_OR_BIDI.search(render(HOSTILE).replace("\n", "").replace("\t", ""))
    # XML keeps CR and LF (they are legal there) but nothing else invisible.
    assert not ESCAPE_OR_BIDI.search(xml_safe(HOSTILE).translate({10: None, 13: None, 9: None}))


def test_text_that_is_merely_markup_is_left_literal() -> None:
    # Escaping markup is the widget's job (Content/Text); the sanitizer must not alter it.
    assert visible("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"


def test_one_line_keeps_a_table_row_on_one_line_and_short() -> None:
    line = one_line("first\r\nsecond\tthird", 40)
    assert line == "first\u21b5second third"
    long = one_line(LONG_LINE, 30)
    assert len(long) == 30 and long.endswith("\u2026")


def test_one_line_marks_nul_instead_of_dropping_it() -> None:
    assert one_line("a\x00b") == "a[U+0000]b"


def test_xml_safe_output_is_accepted_by_an_xml_parser() -> None:
    from xml.etree import ElementTree

    element = ElementTree.Element("p")
    element.text = xml_safe(HOSTILE)
    parsed = ElementTree.fromstring(ElementTree.tostring(element))
    assert "[U+0000]" in (parsed.text or "")
    assert "😡" in (parsed.text or "")
