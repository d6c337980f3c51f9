"""The fast TOML path gives tomllib's documents and tomllib's refusals, nothing else.

Differential tests: the whole TOML 1.0.0 part of the toml-test corpus (checked in,
``data/toml_test_1_0_0.json``, MIT licence inside), generated documents full of edge
values (big integers, ``inf``/``nan``, nanoseconds, odd offsets, TOML 1.1 syntax that
1.0 refuses, duplicate keys...) and generated case files are parsed by the compiled
parser, by :func:`tui.core.tomlparse.loads` and by :func:`tomllib.loads`.
"""

from __future__ import annotations

import base64
import json
import math
import random
import subprocess
import sys
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HOSTILE, HOSTILE_STRINGS
from tui.core import store, tomlparse
from tui.core.case import Attachment, Case, Evidence, Report

toml_rs = pytest.importorskip("toml_rs")

CORPUS = Path(__file__).parent / "data" / "toml_test_1_0_0.json"


def _corpus() -> list[tuple[str, bytes]]:
    packed = json.loads(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for name, case in packed["cases"].items():
        data = case["text"].encode("utf-8") if "text" in case else base64.b64decode(case["base64"])
        cases.append((name, data))
    return cases


def same(a: Any, b: Any) -> bool:
    """Equal value for value and type for type (tzinfo, key order, -0.0 and nan included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b) and math.copysign(1, a) == math.copysign(1, b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, datetime | date | time):
        return repr(a) == repr(b) and type(getattr(a, "tzinfo", None)) is type(
            getattr(b, "tzinfo", None)
        )
    return bool(a == b)


def outcome(parse: Any, text: str) -> tuple[str, Any]:
    try:
        return "document", parse(text)
    except tomllib.TOMLDecodeError as error:
        return "refused", str(error)
    except Exception as error:  # the compiled parser's own error type
        return "refused", type(error).__name__


def rust(text: str) -> Any:
    return toml_rs.loads(text, toml_version="1.0.0")


def agree(text: str) -> None:
    """The compiled parser and the wrapper both agree with tomllib on ``text``."""
    want = outcome(tomllib.loads, text)
    got = outcome(tomlparse.loads, text)
    assert got[0] == want[0], (text, want, got)
    if want[0] == "document":
        assert same(got[1], want[1]), (text, want, got)
    else:
        assert got[1] == want[1], "the refusal must be tomllib's, location included"
    raw = outcome(rust, text)
    if not text.startswith("\ufeff"):  # the wrapper sends a BOM to tomllib itself
        assert raw[0] == want[0], (text, want, raw)
        if want[0] == "document":
            assert same(raw[1], want[1]), (text, want, raw)


def test_corpus_is_the_whole_toml_1_0_suite() -> None:
    names = [name for name, _ in _corpus()]
    assert sum(n.startswith("valid/") for n in names) > 200
    assert sum(n.startswith("invalid/") for n in names) > 450


@pytest.mark.parametrize(("name", "data"), _corpus(), ids=lambda v: v if isinstance(v, str) else "")
def test_toml_test_corpus_case(name: str, data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before any parser sees it (store reports "not UTF-8" with its line)
    agree(text)
    if name.startswith("valid/") and not text.startswith("\ufeff"):
        assert outcome(tomlparse.loads, text)[0] == "document"


_VALUES = (
    *("1", "-0", "+0", "0x10", "0o17", "0b101", "1_000", "01", "1__0", "0x", "-0x1"),
    *("9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" * 40),
    *("1.0", "1e400", "-1e400", "1e-400", "5e-324", "0.1", "1.7976931348623157e308"),
    *("inf", "-inf", "+inf", "nan", "-nan", "+nan", "1.", ".5", "1e", "1E+2", "3.14_15"),
    *("1_.0", "1.0000000000000001", "-0.0", "0e0", "1e1_0"),
    *('"a"', "'b'", '"\\u00e9"', '"\\U0001F600"', '"\\uD800"', '"\\x41"', '"\\e"'),
    *('"a\\tb"', '"\\u0000"', '"\x7f"', '"\x01"', '"""a\nb"""', "'''x\n'''", '"""\\\n  x"""'),
    *('"\u202e"', '"\ufeff"', '""""a""""', "''''b''''", '"""a""""', '"]"', "'}'", '"#["'),
    *("true", "false", "True", "tru"),
    *("1979-05-27T07:32:00Z", "1979-05-27T07:32:00.999999999Z", "1979-05-27 07:32:00-07:00"),
    *("1979-05-27T07:32:00.1234567+01:00", "1979-05-27t07:32:00z", "1979-05-27T07:32Z"),
    *("1979-05-27T07:32:60Z", "1979-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
    *("1979-05-27T07:32:00+24:00", "1979-05-27T07:32:00+23:59", "1979-05-27T07:32:00-00:00"),
    *("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00"),
    *("0001-01-01T00:00:00+01:00", "1979-05-27T07:32:00", "1979-05-27", "07:32:00", "07:32"),
    *("24:00:00", "1979-13-01", "1979-05-27T07:32:00+01", "2021-10-31T02:30:00+02:00"),
    *("[1,2]", '[1,"a"]', "[]", "[ ]", "[1,]", "[,]", "{a=1}", "{a=1,}", "{}", "{a.b=1,a.c=2}"),
    *("{a=1,a=2}", "[{a=1},{b=2}]", "[[1],[2]]", "{a={b=1}}", "{\na=1}", "[\n1,\n# c\n2]"),
)
_KEYS = ("a", "b", '"a"', "'a'", "a.b", '"a.b"', "a . b", "ключ", '"ключ"', "1", "-", "_")
_KEYS_MORE = ('""', '"\\u0061"', 'a."b".c', "3.14", "a.", ".a", "a b")


def _generated(rng: random.Random) -> str:
    keys = _KEYS + _KEYS_MORE
    lines = []
    for _ in range(rng.randrange(1, 7)):
        roll = rng.random()
        if roll < 0.15:
            lines.append(f"[{rng.choice(keys)}]")
        elif roll < 0.22:
            lines.append(f"[[{rng.choice(keys)}]]")
        elif roll < 0.25:
            lines.append("# " + rng.choice(_VALUES))
        else:
            lines.append(f"{rng.choice(keys)} = {rng.choice(_VALUES)}")
    newline = rng.choice(("\n", "\r\n", "\n\n"))
    return newline.join(lines) + rng.choice(("", "\n", "\r\n", " # end"))


def test_generated_documents_agree() -> None:
    rng = random.Random(20261201)
    for _ in range(4000):
        agree(_generated(rng))


def test_every_edge_value_alone_agrees() -> None:
    for value in _VALUES:
        for text in (f"k = {value}\n", f"k = [{value}]\n", f"t = {{ k = {value} }}\n"):
            agree(text)


def _hostile_case(entries: int) -> Case:
    case = Case(title=HOSTILE, concerns="[/b] ]] }} '''\"\"\"")
    base = datetime(2025, 1, 1, tzinfo=store.UTC)
    for n in range(1, entries + 1):
        text = HOSTILE_STRINGS[n % len(HOSTILE_STRINGS)]
        case.evidence.append(
            Evidence(
                id=f"E{n:04d}",
                url=f"https://x.com/a/status/{n}",
                account_handle=text,
                content=f"{HOSTILE} [[evidence]] {{a=1}} \n# not a comment {text}",
                notes="\"\"\"''' ]]]]",
                categories=["threat"],
                posted_at=base,
                added_at=base,
                attachments=[
                    Attachment(
                        path=f"c-files/E{n:04d}.png",
                        sha256="a" * 64,
                        bytes=n,
                        original_name=text,
                        added_at=base,
                    )
                ],
                reports=[Report(place="pharos", date=base, reference=text)],
            )
        )
        case.log("evidence-added", text)
    return case


def test_case_files_parse_identically_and_take_the_fast_path() -> None:
    text = store.dumps(_hostile_case(60))
    assert tomlparse.nesting_within(text), "a case file must take the compiled path"
    agree(text)


CONTENT = Path(__file__).parents[2] / "tui" / "content"


@pytest.mark.parametrize(
    "path", sorted(CONTENT.rglob("*.toml")), ids=lambda path: str(path.relative_to(CONTENT))
)
def test_packaged_content_and_messages_parse_identically(path: Path) -> None:
    """The calm steps, contacts and messages are read with the compiled parser too
    (they are the first screen's largest files): every one must give tomllib's document."""
    from tui.core.i18n import french_typography

    text = path.read_text(encoding="utf-8")
    assert tomlparse.nesting_within(text)
    agree(text)
    if path.relative_to(CONTENT).parts[0] == "fr":
        agree(french_typography(text))  # what the French content loader parses


@pytest.mark.parametrize(
    ("text", "shallow"),
    [
        ("a = 1\n", True),
        ("a = [[[1]]]\n", True),
        ('a = ["]]]]]]", [["]"]]]\n', True),
        ("a = " + "[" * 40 + "]" * 40 + "\n", False),
        ('a = "' + "[" * 40 + '"\n', True),
        ("# " + "[" * 40 + "\n", True),
        ('a = """\n' + "[" * 40 + '\n"""\n', True),
        ("a = '''" + "{" * 40 + "'''\n", True),
        # Closers inside strings must not hide real nesting.
        ("a = " + '["]", ' * 40 + "1" + "]" * 40 + "\n", False),
        ("a = " + "[ # ]\n" * 40 + "]" * 40 + "\n", False),
        ("a = [\n", False),  # unbalanced: never trusted to the compiled parser
    ],
)
def test_nesting_is_measured_outside_strings(text: str, shallow: bool) -> None:
    assert tomlparse.nesting_within(text, 32) is shallow


def test_deep_nesting_never_reaches_the_compiled_parser() -> None:
    # Nested 100,000 deep, toml_rs overflows its stack and the process dies: run it in a
    # child so a regression shows as a failed test, not a dead test worker.
    code = (
        "import sys, tomllib\n"
        "from tui.core import tomlparse\n"
        "for text in ('a = ' + '[' * 100000 + ']' * 100000,\n"
        "             'a = ' + '[\"]\", ' * 100000 + '1' + ']' * 100000):\n"
        "    try:\n"
        "        tomlparse.loads(text)\n"
        "    except (RecursionError, tomllib.TOMLDecodeError):\n"
        "        pass\n"
        "print('survived')\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert result.stdout.strip() == "survived", result.stderr[-2000:]


def test_an_invalid_case_file_keeps_tomllib_location() -> None:
    text = store.dumps(_hostile_case(3)).replace('id = "E0002"', 'id = "E0002" x', 1)
    line = text.splitlines().index('id = "E0002" x') + 1
    with pytest.raises(store.CaseError) as caught:
        store.loads(text)
    assert caught.value.problems[0].location == f"line {line}"
