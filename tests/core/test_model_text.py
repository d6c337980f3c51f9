"""An entry's message and notes come back exactly as given, however they are held.

The model keeps long non-ASCII texts as UTF-8 in memory (a message with one emoji
would otherwise take 4 bytes a character); what reads them, compares them, copies
them or saves them must never see the difference.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
import tracemalloc
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.case import Case, Evidence
from tui.core.store import CaseFile

HOSTILE = (
    "tu vas voir 😡 " * 40,
    "\u202eevil\u202c [b]bold[/b] \x1b[31mred\x1b[0m \x00 NUL " * 10,
    "日本語のメッセージ、とても長い。" * 30,
    "lone surrogate \ud800 kept " * 10,
    "é" * 1000,
)


@given(st.text(min_size=0, max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_text_reads_back_identical(text: str) -> None:
    entry = Evidence(id="E0001", content=text, notes=text[::-1])
    assert entry.content == text
    assert type(entry.content) is str
    assert entry.notes == text[::-1]
    again = dataclasses.replace(entry, url="https://x.com/a/status/1")
    assert again.content == text
    assert copy.deepcopy(entry) == entry
    assert hash(dataclasses.replace(entry)) == hash(entry)


def test_hostile_messages_survive_copies_comparisons_and_pickling() -> None:
    for text in HOSTILE:
        entry = Evidence(id="E0001", content=text)
        assert entry.content == text
        assert entry == dataclasses.replace(
            entry, content=str(text.encode("utf-8", "surrogatepass"), "utf-8", "surrogatepass")
        )
        assert entry != dataclasses.replace(entry, content=text + " ")
        assert pickle.loads(pickle.dumps(entry)).content == text
        assert repr(text) in repr(entry)


def test_messages_full_of_emoji_are_held_in_less_memory() -> None:
    texts = [f"{n} tu vas voir ce qui va t'arriver 😡 ".encode() * 40 for n in range(2000)]
    as_strings = sum(sys.getsizeof(text.decode()) for text in texts)
    tracemalloc.start()
    try:  # each message decoded here, as the file reader does
        entries = [Evidence(id="E0001", content=texts.pop().decode()) for _ in range(2000)]
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(entries) == 2000 and not texts
    assert held < as_strings / 2


def test_hostile_messages_are_saved_and_read_back_byte_for_byte(tmp_path: Path) -> None:
    case = Case(title="t")
    for number, text in enumerate(HOSTILE[:3] + HOSTILE[4:], start=1):
        case.evidence.append(Evidence(id=f"E{number:04d}", content=text, notes=text))
    path = tmp_path / "c.toml"
    CaseFile.create(path, case)
    back = CaseFile.open(path).case
    assert [e.content for e in back.evidence] == [e.content for e in case.evidence]
    assert [e.notes for e in back.evidence] == [e.notes for e in case.evidence]
