"""Limits before parsing, and times range-checked on load.

Pathological case files (arrays nested 100,000 deep, a dotted key of a million parts,
tables named that deep, a million keys in one table) are refused with one sentence,
fast, by the loader and by ``abri check`` run as a real program; hostile *strings*
holding the same characters stay perfectly readable.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core.store import (
    MAX_DEPTH,
    CaseError,
    CaseFile,
    check_limits,
    encode,
    file_problems,
    loads,
)

ROOT = Path(__file__).resolve().parents[2]
HEAD = 'schema = 1\ntitle = "alice"\ncreated = 2026-11-23T14:32:00Z\n'

PATHOLOGICAL = {
    "arrays 100,000 deep": HEAD + "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "arrays with values 100,000 deep": HEAD + "x = " + "[1, " * 100_000 + "]" * 100_000 + "\n",
    "inline tables 100,000 deep": HEAD + "x = " + "{a = " * 100_000 + "1" + "}" * 100_000,
    "dotted key of 1,000,000 parts": HEAD + ".".join(["a"] * 1_000_000) + " = 1\n",
    "table name of 1,000,000 parts": HEAD + "[" + ".".join(['"a"'] * 1_000_000) + "]\n",
    "array of tables 1,000,000 deep": HEAD + "[[" + " . ".join(["k"] * 1_000_000) + "]]\n",
}


@pytest.mark.parametrize("label", PATHOLOGICAL)
def test_pathological_nesting_is_refused_fast_with_one_sentence(label: str) -> None:
    started = time.monotonic()
    with pytest.raises(CaseError) as caught:
        loads(PATHOLOGICAL[label])
    assert time.monotonic() - started < 3
    assert len(caught.value.problems) == 1
    assert f"more than {MAX_DEPTH} levels" in caught.value.problems[0].message


def test_a_case_at_the_nesting_limit_is_still_checked_normally() -> None:
    # MAX_DEPTH brackets and a MAX_DEPTH-part dotted key pass the limits check;
    # one more of either is refused.
    check_limits("x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    check_limits(".".join(["a"] * MAX_DEPTH) + " = 1")
    with pytest.raises(CaseError):
        check_limits("x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(CaseError):
        check_limits(".".join(["a"] * (MAX_DEPTH + 1)) + " = 1")


def test_too_many_keys_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.core.store as store

    monkeypatch.setattr(store, "MAX_KEYS", 1000)  # the real limit needs a 100 MB file
    text = HEAD + "".join(f"k{n} = 1\n" for n in range(1001))
    with pytest.raises(CaseError) as caught:
        loads(text)
    assert "more than 1,000 keys" in str(caught.value)
    loads(HEAD)  # a normal case is not affected


def test_hostile_text_in_strings_and_comments_never_counts_as_structure() -> None:
    brackets = "[" * 100_000 + "{" * 1000
    dots = ".".join(["a"] * 5000)
    text = (
        HEAD
        + f'concerns = "{brackets} {dots} = = ="\n'
        + f"# {brackets} {dots}\n"
        + '[[evidence]]\nid = "E0001"\nadded_at = 2026-11-23T14:32:00Z\n'
        + f"content = '''{brackets}\n{dots}'''\n"
        + f'notes = """{brackets} \\" """\n'
    )
    case = loads(text)
    assert case.concerns.startswith("[" * 100_000)
    assert case.evidence[0].content.endswith(dots)


def test_the_limits_cost_a_fraction_of_parsing_a_large_case() -> None:
    lines = [HEAD]
    for n in range(1, 3001):
        lines.append(
            f'[[evidence]]\nid = "E{n:04d}"\nurl = "https://x.com/a/status/{n}"\n'
            f'content = "[/b] {{x}} a.b.c = {n} " \ncategories = ["threat"]\n'
            "added_at = 2026-11-23T14:32:00Z\n"
        )
    text = "".join(lines)
    import tomllib

    started = time.perf_counter()
    tomllib.loads(text)
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    check_limits(text)
    checking = time.perf_counter() - started
    assert checking < parsing / 3, (checking, parsing)


@pytest.mark.parametrize(
    ("when", "accepted"),
    [
        ("9999-12-31T23:59:59Z", False),
        ("9999-12-31T23:00:00-05:00", False),  # cannot even be converted to UTC
        ("0001-01-01T00:00:00+01:00", False),
        ("1899-12-31T23:59:59Z", False),
        ("3000-01-01T00:00:00Z", False),
        ("1900-01-01T00:00:00Z", True),
        ("2999-12-31T23:59:59+14:00", True),
        ("2026-11-23T14:32:00+01:00", True),
    ],
)
def test_every_time_is_range_checked_on_load(when: str, accepted: bool) -> None:
    text = HEAD + f'\n[[evidence]]\nid = "E0001"\nposted_at = {when}\nadded_at = {when}\n'
    if accepted:
        case = loads(text)
        encode(case)  # and it saves back
        return
    with pytest.raises(CaseError) as caught:
        loads(text)
    locations = {p.location for p in caught.value.problems}
    assert locations == {"evidence[1].posted_at", "evidence[1].added_at"}
    assert "1900 to 2999" in caught.value.problems[0].message


def test_out_of_range_times_are_found_everywhere_a_time_lives(tmp_path: Path) -> None:
    far = "9999-12-31T23:59:59Z"
    text = (
        f'schema = 1\ntitle = "alice"\ncreated = {far}\n'
        f'journal = [{{ at = {far}, action = "check" }}]\n'
        f'[steps.lock]\nstatus = "done"\nat = {far}\n'
        f'[[evidence]]\nid = "E0001"\nadded_at = {far}\nobserved_at = {far}\n'
        f'[[evidence.attachments]]\npath = "alice-files/a.png"\nsha256 = "{"0" * 64}"\n'
        f'bytes = 1\noriginal_name = "a.png"\nadded_at = {far}\ntaken_at = {far}\n'
        f'[[evidence.reports]]\nplace = "pharos"\ndate = {far}\n'
    )
    path = tmp_path / "alice.toml"
    path.write_text(text, encoding="utf-8")
    located = {p.location for p in file_problems(path)}
    assert {
        "created",
        "journal[1].at",
        "steps.lock.at",
        "evidence[1].added_at",
        "evidence[1].observed_at",
        "evidence[1].attachments[1].added_at",
        "evidence[1].attachments[1].taken_at",
        "evidence[1].reports[1].date",
    } <= located


@pytest.mark.parametrize(
    "label", ["arrays 100,000 deep", "dotted key of 1,000,000 parts", "a date in 9999"]
)
def test_abri_check_refuses_pathological_files_promptly_without_a_traceback(
    tmp_path: Path, label: str
) -> None:
    path = tmp_path / "alice.toml"
    if label == "a date in 9999":
        text = HEAD + '\n[[evidence]]\nid = "E0001"\nposted_at = 9999-12-31T23:59:59Z\n'
        text += "added_at = 2026-11-23T14:32:00Z\n"
    else:
        text = PATHOLOGICAL[label]
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tui", "check", str(path), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert time.monotonic() - started < 20
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and "RecursionError" not in out
    expected = "1900 to 2999" if label == "a date in 9999" else "levels deep"
    assert expected in out
    assert path.read_text(encoding="utf-8") == text  # refused, never rewritten


def test_the_app_side_open_refuses_a_deep_file_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    path.write_text(PATHOLOGICAL["arrays 100,000 deep"], encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        CaseFile.open(path)
    assert "levels deep" in str(caught.value)


def test_a_structure_already_stripped_by_the_caller_is_checked_the_same() -> None:
    # A parser front-end that removed strings itself (to nothing) passes its skeleton.
    import tui.core.store as store

    for label in ("table name of 1,000,000 parts", "arrays 100,000 deep"):
        text = PATHOLOGICAL[label]
        skeleton = store._STRINGS_AND_COMMENTS.sub("", text)
        with pytest.raises(CaseError):
            check_limits(text, skeleton)
    ok = HEAD + 'x = ["]]]]", "[[[["]\n"a"."b".c = 1\n'
    check_limits(ok, store._STRINGS_AND_COMMENTS.sub("", ok))
