"""Opening a file in chunks gives exactly what decoding the whole text gives.

:meth:`CaseFile.open` reads a file laid out as Abri writes it a few hundred entries at a
time (memory); anything else goes through the whole-text path.  Each file here, plain or
crafted to fool the cutting, must give the same case or the same refusal both ways.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.core.test_store_save import make_case
from tui.core import store
from tui.core.store import CaseError, CaseFile

FOLDER = "alice-files"


def outcome_whole(data: bytes) -> object:
    try:
        return store.decode(data.decode("utf-8"), FOLDER)
    except CaseError as error:
        return [tuple(p) for p in error.problems]
    except UnicodeDecodeError:
        return "not utf-8"


def outcome_file(data: bytes, tmp_path: Path) -> object:
    path = tmp_path / "alice.toml"
    try:
        return store._decode_file(data, path, FOLDER)
    except CaseError as error:
        problems = [tuple(p) for p in error.problems]
        return "not utf-8" if problems and "UTF-8" in problems[-1][1] else problems


def plain(entries: int) -> str:
    return store.dumps(make_case(entries))


def test_a_plain_file_is_read_in_chunks_and_gives_the_same_case(tmp_path: Path) -> None:
    data = plain(1_203).encode("utf-8")
    chunked = store._decode_chunked(data, FOLDER)
    assert chunked is not None, "a file Abri wrote must take the chunked path"
    assert chunked[0] == outcome_whole(data)
    assert len(chunked[0].case.evidence) == 1_203


_CONTENT = 'content = "'


def _crafted() -> list[tuple[str, str]]:
    text = plain(5)
    head, _, rest = text.partition("\n[[evidence]]\n")
    tricks = {
        # A cut inside a multi-line string: the pieces alone do not parse.
        "multi-line string holding a header": text.replace(
            'notes = "', 'notes = """\n\n[[evidence]]\nid = "E0002"\n"""\nx = "', 1
        ),
        "literal multi-line string holding a header": text.replace(
            'notes = "', "notes = '''\n\n[[evidence]]\n'''\ny = \"", 1
        ),
        # Another table among the entries.
        "steps table after the entries": text + '\n[steps.airplane]\nstatus = "done"\n'
        "at = 2026-11-23T14:32:00Z\n",
        "table re-opened after the entries": text + "\n[evidence]\nx = 1\n",
        # Evidence also defined before the blocks: the whole text is refused.
        "inline evidence in the head": head.replace(
            "timezone =", 'evidence = [{ id = "E0100" }]\ntimezone =', 1
        )
        + "\n[[evidence]]\n"
        + rest,
        "a key repeated inside an entry": text.replace(
            'id = "E0003"\n', 'id = "E0003"\nid = "E0009"\n'
        ),
        "an entry that is invalid": text.replace("https://x.com", "javascript:x", 1),
        "a duplicate id across chunks": text.replace('id = "E0005"', 'id = "E0001"'),
        "an unknown key": text.replace('id = "E0004"\n', 'id = "E0004"\ncolour = "red"\n'),
        "crlf line endings": text.replace("\n", "\r\n"),
        "crlf in one entry only": text.replace('id = "E0002"\n', 'id = "E0002"\r\n'),
        "a lone carriage return before a header": text.replace(
            '\n\n[[evidence]]\nid = "E0003"', '\r\n[[evidence]]\nid = "E0003"', 1
        ),
        "schema 0": text.replace("schema = 1\n", "", 1),
        "a newer schema": text.replace("schema = 1\n", "schema = 99\n", 1),
        "no newline at the end": text.rstrip("\n"),
        "a header with a comment": text.replace(
            '\n[[evidence]]\nid = "E0002"', '\n[[evidence]] # two\nid = "E0002"', 1
        ),
        "an indented header": text.replace(
            '\n[[evidence]]\nid = "E0004"', '\n  [[evidence]]\nid = "E0004"', 1
        ),
        "only a head": head,
        "a header inside a basic string": text.replace(
            _CONTENT, 'content = "\\n[[evidence]]\\n', 1
        ),
    }
    return list(tricks.items())


@pytest.mark.parametrize(("name", "text"), _crafted(), ids=[n for n, _ in _crafted()])
def test_a_crafted_file_gives_what_the_whole_text_gives(
    name: str, text: str, tmp_path: Path
) -> None:
    data = text.encode("utf-8")
    assert outcome_file(data, tmp_path) == outcome_whole(data), name


def test_bytes_that_are_not_utf8_in_a_late_entry_are_refused_with_their_line(
    tmp_path: Path,
) -> None:
    data = plain(700).encode("utf-8")
    at = data.rindex(b'notes = "') if b'notes = "' in data else data.rindex(b'content = "')
    broken = data[:at] + b'content = "\xff"\n' + data[at:]
    assert store._decode_chunked(broken, FOLDER) is None
    with pytest.raises(CaseError) as caught:
        store._decode_file(broken, tmp_path / "alice.toml", FOLDER)
    line = broken.count(b"\n", 0, at) + 1
    assert caught.value.problems[-1].location == f"line {line}"


def test_a_case_opened_in_chunks_saves_and_reopens_the_same(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(1_100)).close()
    casefile = CaseFile.open(path)
    entry = casefile.case.evidence[777]
    casefile.case.evidence[777] = dataclasses.replace(entry, notes="after chunks")
    casefile.save()
    assert CaseFile.open(path).case == casefile.case
