"""Editing a field never changes the hostile characters around the edit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import HOSTILE
from tui.core.text import one_line, visible
from tui.core.textedit import EditableText, _pieces

NASTY = "\x0b\x0c\x85\u2029\r\n\r\u202e\x1b[2J\x00\u200b\t\n"


def test_the_field_shows_the_visible_form_and_stores_the_original() -> None:
    for text in (HOSTILE, NASTY, "plain", ""):
        for single in (True, False):
            field = EditableText(text, one_line=single)
            # As the table shows it, but line separators are markers too: a text widget
            # would turn them into newlines and lose them.
            marked = text.replace("\u2028", "\x00\u2028").replace("\u2029", "\x00\u2029")
            expected = one_line(text) if single else visible(text)
            assert field.shown.replace("[U+2028]", "").replace("[U+2029]", "") == (
                expected.replace("\u2028", "").replace("\u2029", "")
            ), marked
            assert "\u2029" not in field.shown and "\x1b" not in field.shown
            assert field.stored == text


def test_typing_one_character_keeps_every_control_character() -> None:
    text = "avant\x0b\u2029test\u2029 \x1b[31m rouge\r\nfin"
    field = EditableText(text, one_line=False)
    shown = field.shown
    at = shown.index("fin")
    new, cursor = field.edit(shown[:at] + "X" + shown[at:])
    assert field.stored == text.replace("fin", "Xfin")
    assert new[cursor - 1] == "X"


def test_a_paste_with_control_characters_is_stored_raw_and_shown_as_markers() -> None:
    field = EditableText("", one_line=True)
    shown, cursor = field.edit("\x1b]0;pwned\x07 hi")
    assert field.stored == "\x1b]0;pwned\x07 hi"
    assert "\x1b" not in shown and "[U+001B]" in shown
    assert cursor == len(shown)


def test_editing_into_a_marker_makes_it_plain_text() -> None:
    field = EditableText("a\x1bb", one_line=True)
    assert field.shown == "a[U+001B]b"
    field.edit("a[U+001Bb")  # the person deleted the "]"
    assert field.stored == "a[U+001Bb"


@given(
    st.text(alphabet=st.sampled_from(list("ab \n\r\t\x1b\u202e\x0b\u2029\x00é"))),
    st.integers(0, 60),
    st.text(alphabet="xyz", min_size=1, max_size=3),
    st.booleans(),
)
def test_typing_between_two_characters_keeps_both_sides_byte_for_byte(
    text: str, where: int, typed: str, single: bool
) -> None:
    pieces = _pieces(text, single)
    where = min(where, len(pieces))
    shown_before = "".join(shown for shown, _ in pieces[:where])
    stored_before = "".join(stored for _, stored in pieces[:where])
    stored_after = "".join(stored for _, stored in pieces[where:])
    field = EditableText(text, one_line=single)
    rest = field.shown[len(shown_before) :]
    field.edit(shown_before + typed + rest)
    stored = field.stored
    # The typed text sits between what was before and after it, both unchanged
    # (a character shown as nothing at that very place may sit on either side).
    assert stored.replace("\r", "") == (stored_before + typed + stored_after).replace("\r", "")
    assert len(stored) == len(text) + len(typed)
    bare = stored.replace("\r", "")
    assert bare.startswith(stored_before.replace("\r", ""))
    assert bare.endswith(stored_after.replace("\r", ""))


def test_no_edit_changes_nothing() -> None:
    field = EditableText(NASTY, one_line=False)
    field.edit(field.shown)
    assert field.stored == NASTY
