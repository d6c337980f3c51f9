"""The outside corpora's lessons, kept: naughty strings and invalid TOML files.

``tests/data/naughty-strings.json`` (a sample of the Big List of Naughty Strings) goes
through the loader (every string as every kind of text field, saved and reopened
byte for byte) and through the command line (``abri add --content`` then ``abri
check``).  ``tests/data/invalid-toml/`` (a sample of toml-test's invalid files) is
refused by the loader and by ``abri check`` with sentences, never a traceback, and
never rewritten.  Licences: ``tests/data/README.md``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.store import CaseError, CaseFile, loads

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
NAUGHTY: list[str] = [
    s
    for section in json.loads((DATA / "naughty-strings.json").read_text(encoding="utf-8"))[
        "sections"
    ]
    for s in section["strings"]
]
# What the project adds to the list: the hostile fixture of STYLE.md and its friends.
NAUGHTY += [
    "[/foo] [b]bold[/b] [@click=app.quit]x[/] trailing backslash \\",
    "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\u202eevil\u202c \u2066isolate\u2069 \u200b\u200d\ufeff",
    "nul \x00 bell \x07 vt \x0b ff \x0c nel \x85 ls \u2028 ps \u2029 cr \r crlf \r\n",
    "x" * 100_000,
    "../../etc/passwd \\\\server\\share C:\\Windows CON.txt",
]
INVALID = sorted((DATA / "invalid-toml").iterdir())


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly ``text``."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def test_the_samples_are_what_the_readme_says() -> None:
    assert len(NAUGHTY) >= 160
    assert len(INVALID) >= 90
    assert {p.name.split("--")[0] for p in INVALID} >= {"array", "encoding", "key", "table"}


def test_every_naughty_string_survives_the_loader_and_a_save_byte_for_byte(
    tmp_path: Path,
) -> None:
    lines = [
        "schema = 1",
        f"title = {toml_string(NAUGHTY[0])}",
        "created = 2026-11-23T14:32:00Z",
        f"concerns = {toml_string(' / '.join(NAUGHTY[:20]))}",
    ]
    for n, text in enumerate(NAUGHTY, 1):
        lines += [
            "",
            "[[evidence]]",
            f'id = "E{n:04d}"',
            f"account_handle = {toml_string(text[:200])}",
            f"content = {toml_string(text)}",
            f"notes = {toml_string(text[::-1])}",
            "added_at = 2026-11-23T14:32:00Z",
        ]
    case = loads("\n".join(lines) + "\n")
    assert [e.content for e in case.evidence] == NAUGHTY
    path = tmp_path / "alice.toml"
    CaseFile.create(path, case).close()
    reopened = CaseFile.open(path)
    assert reopened.notices == [] and reopened.read_only is None
    for entry, text in zip(reopened.case.evidence, NAUGHTY, strict=True):
        assert entry.content == text
        assert entry.notes == text[::-1]
        assert entry.account_handle == text[:200]
    reopened.close()
    # And the file itself is valid TOML for any other tool.
    assert len(tomllib.loads(path.read_text(encoding="utf-8"))["evidence"]) == len(NAUGHTY)


def test_every_naughty_string_goes_through_abri_add_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run: Callable[..., int] = lambda *args: main([str(a) for a in args])  # noqa: E731
    path = tmp_path / "alice.toml"
    assert run("new", path, "--lang", "en") == 0
    # NUL cannot be a program argument: those strings are the loader test's.
    usable = [s for s in NAUGHTY if "\x00" not in s]
    refused = []
    for text in usable:
        code = run("add", path, f"--content={text}", "--lang", "en")
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        if code != 0:
            refused.append(text)
    # Python's argparse before 3.11.8 drops an option value that is exactly "--"
    # (CPython gh-109475): `abri add --content=--` then says "nothing to add", a
    # sentence, not a crash.  A message of blanks alone is not an entry (one sentence
    # says what an entry needs).  Every other string is added.
    assert [text for text in refused if text.strip() and text != "--"] == []
    assert run("check", path, "--lang", "en") == 0
    capsys.readouterr()
    stored = tomllib.loads(path.read_text(encoding="utf-8"))["evidence"]
    assert [e.get("content", "") for e in stored] == [s for s in usable if s not in refused]


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.name)
def test_invalid_toml_is_refused_by_the_loader_with_sentences(tmp_path: Path, sample: Path) -> None:
    path = tmp_path / "alice.toml"
    shutil.copyfile(sample, path)
    before = path.read_bytes()
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert caught.value.problems
    for problem in caught.value.problems:
        shown = f"{problem.location}: {problem.message}"
        assert problem.message and "Traceback" not in shown
        assert shown.isprintable(), shown  # file content never reaches the terminal raw
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["alice.toml"]  # nothing written


def test_abri_check_refuses_every_invalid_toml_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for sample in INVALID:
        path = tmp_path / f"{sample.stem}.toml"
        shutil.copyfile(sample, path)
        capsys.readouterr()
        code = main(["check", str(path), "--lang", "en"])
        captured = capsys.readouterr()
        assert code == 2, (sample.name, captured.out, captured.err)
        assert "cannot be read" in captured.out + captured.err, sample.name
        assert "Traceback" not in captured.err
        assert path.read_bytes() == sample.read_bytes()


def test_a_naughty_string_prints_safely_from_the_real_program(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    program = [sys.executable, "-m", "tui"]
    subprocess.run(
        [*program, "new", str(path), "--lang", "en"], cwd=ROOT, check=True, capture_output=True
    )
    hostile = "\x1b[2J\u202e[/b] nel\x85 done"
    done = subprocess.run(
        [*program, "add", str(path), f"--content={hostile}", "--lang", "en"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"\x1b[2J" not in done.stdout + done.stderr
    assert tomllib.loads(path.read_text(encoding="utf-8"))["evidence"][0]["content"] == hostile
