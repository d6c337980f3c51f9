"""A bracketed paste reaches the form whole and exact, ESC sequences included.

Before :mod:`tui.paste`, Textual's parser cut a paste at its first ESC: the text
before it was lost, what followed was replayed as key presses (``ESC O R`` is f3:
the form closed), so a harasser's coloured message could neither be pasted nor
leave the form where it was.
"""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path

import pytest
from textual import events

from tests.cli.conftest import app_in_pty
from tests.cli.test_open_app import _read_until
from tui.cli import main
from tui.paste import PasteParser

HOSTILE = "avant \x1b[31mrouge\x1b[0m\tpuis\x1bOR fin\x00\nligne 2 \x1b[201"


def _tokens(*chunks: str, tick_after: float | None = None) -> list[object]:
    parser = PasteParser()
    tokens: list[object] = []
    for chunk in chunks:
        tokens += list(parser.feed(chunk))
        if tick_after is not None:
            # The terminal driver ticks the parser at least every 0.1 s.
            deadline = time.monotonic() + tick_after
            while True:
                tokens += list(parser.tick())
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
    return tokens


def _pastes(tokens: list[object]) -> list[str]:
    return [token.text for token in tokens if isinstance(token, events.Paste)]


def _keys(tokens: list[object]) -> list[str]:
    return [token.key for token in tokens if isinstance(token, events.Key)]


def test_a_paste_with_escape_sequences_is_one_paste_exactly_as_sent() -> None:
    tokens = _tokens("\x1b[200~" + HOSTILE + "\x1b[201~")
    assert _pastes(tokens) == [HOSTILE]
    assert _keys(tokens) == []  # nothing of it replayed as a key press


@pytest.mark.parametrize("cut", [1, 3, 6, 7, 20, len(HOSTILE) + 6, len(HOSTILE) + 9])
def test_a_paste_split_across_reads_anywhere_is_still_whole(cut: int) -> None:
    data = "x\x1b[200~" + HOSTILE + "\x1b[201~y"
    tokens = _tokens(data[:cut], data[cut:])
    assert _pastes(tokens) == [HOSTILE]
    assert _keys(tokens) == ["x", "y"]


def test_an_end_marker_arriving_late_on_a_slow_link_still_ends_the_paste() -> None:
    tokens = _tokens("\x1b[200~texte\x1b[2", "01~", tick_after=0.3)
    assert _pastes(tokens) == ["texte"]


def test_keys_and_a_lone_escape_are_not_held_back() -> None:
    tokens = _tokens("ab", tick_after=0)
    assert _keys(tokens) == ["a", "b"]
    escape = _tokens("\x1b", tick_after=0.3)
    assert _keys(escape) == ["escape"]
    # The start of a marker that never completes (alt+[ then nothing) is released.
    released = _tokens("\x1b[", tick_after=0.3)
    assert _pastes(released) == []
    assert _keys(released)


def test_function_keys_and_two_pastes_in_one_read() -> None:
    tokens = _tokens("\x1bOR\x1b[200~un\x1b[201~\t\x1b[200~deux\x1b[201~")
    assert _pastes(tokens) == ["un", "deux"]
    assert _keys(tokens) == ["f3", "tab"]


def test_a_hostile_paste_in_the_real_app_lands_exactly_in_the_message(tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    url = "https://x.com/calm/status/2124858508309552666"
    entries: list[dict[str, object]] = []
    with app_in_pty(case) as (master, process):
        assert b"All actions" in _read_until(master, b"All actions", timeout=30)
        os.write(master, b"\x1bOR")  # f3
        _read_until(master, b"add", timeout=10)
        os.write(master, b"a")
        _read_until(master, b"URL", timeout=10)
        os.write(master, b"\x1b[200~" + url.encode() + b"\x1b[201~")
        time.sleep(1.0)
        os.write(master, b"\t" * 6)  # to the message field
        os.write(master, b"\x1b[200~" + HOSTILE.encode() + b"\x1b[201~")
        time.sleep(1.0)
        os.write(master, b"\x13")  # ctrl+s
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not entries:
            _read_until(master, b"\x00", timeout=0.5)  # keep the terminal drained
            entries = tomllib.loads(case.read_text(encoding="utf-8")).get("evidence", [])
        os.write(master, b"\x11")  # ctrl+q
        process.wait(timeout=20)
    [entry] = entries
    assert entry["url"] == url
    assert entry["content"] == HOSTILE
