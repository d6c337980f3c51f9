"""Every URL form people paste, one row each (tests/core/test_url_forms.toml).

Each row says what Abri must read: platform, post and comment IDs, handle, the
decoded time or none, whether it is approximate, the normalised URL and the notes.
The rule behind all of them: no input produces a decoded time for something that
is not a post or comment ID.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.core.platforms import (
    PLATFORMS,
    UrlError,
    account_created_at,
    account_url,
    extract_url,
    parse_url,
)

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
DATA = tomllib.loads(Path(__file__).with_suffix(".toml").read_text(encoding="utf-8"))
FORMS: list[dict[str, Any]] = DATA["form"]
ACCOUNTS: list[dict[str, Any]] = DATA["account"]


def _utc(text: str) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


@pytest.mark.parametrize("row", FORMS, ids=[row["why"] for row in FORMS])
def test_each_url_form_reads_as_expected(row: dict[str, Any]) -> None:
    info = parse_url(row["input"], lang="en", now=NOW)
    read = {
        "platform": info.platform,
        "post_id": info.post_id,
        "comment_id": info.comment_id,
        "handle": info.handle,
        "account_id": info.account_id,
        "time": info.posted_at,
        "approximate": info.posted_at_approximate,
        "parent": info.parent_posted_at,
    }
    expected = {
        "platform": row["platform"],
        "post_id": row.get("post_id", ""),
        "comment_id": row.get("comment_id", ""),
        "handle": row.get("handle", ""),
        "account_id": row.get("account_id", ""),
        "time": _utc(row.get("time", "")),
        "approximate": row.get("approximate", False),
        "parent": _utc(row.get("parent", "")) if "parent" in row else info.parent_posted_at,
    }
    assert read == expected
    assert info.posted_at_source == ("post-id" if info.posted_at else "")
    if row.get("url"):
        assert info.url == row["url"]
    for key in row.get("notes", []):
        assert key in info.warnings, (key, info.warnings)
    if "ignored" in row:
        assert info.ignored_text == row["ignored"]
    # Notes are sentences, never raw keys.
    assert "url." not in info.warning


def test_every_platform_has_a_url_form() -> None:
    from tests.core.test_platforms import RECOGNISED

    covered = {row["platform"] for row in FORMS} | {row[1] for row in RECOGNISED}
    assert set(PLATFORMS) <= covered


def test_share_and_short_links_never_carry_a_post_number_or_a_time() -> None:
    short = [row for row in FORMS if "url.warn.short_link" in row.get("notes", [])]
    assert len(short) >= 12
    for row in short:
        info = parse_url(row["input"], lang="fr", now=NOW)
        assert (info.post_id, info.handle, info.posted_at) == ("", "", None), row["input"]
        assert "copiez l'adresse complète" in info.warning


def test_a_comment_never_shows_its_parent_post_time_as_its_own() -> None:
    comments = [row for row in FORMS if row.get("comment_id")]
    assert len(comments) >= 10
    for row in comments:
        info = parse_url(row["input"], lang="en", now=NOW)
        if info.platform == "linkedin":
            assert info.posted_at is not None  # the comment's own number
            continue
        assert info.posted_at is None, row["input"]
        parent_noted = "url.comment.parent_time" in info.warnings
        assert parent_noted == (info.parent_posted_at is not None)
        assert (
            parent_noted
            or "url.comment.no_time" in info.warnings
            or info.platform
            in (
                "jeuxvideo",
                "telegram",
            )
        )


def test_the_parent_post_time_is_said_as_such() -> None:
    info = parse_url(
        "https://www.instagram.com/p/DW1nTDiDvnF/c/17858893269000001/", lang="fr", now=NOW
    )
    assert "2026-04-07 16:48 UTC" in info.warning
    assert "le commentaire est postérieur" in info.warning


def test_approximate_times_say_so_in_both_languages() -> None:
    for url in (
        "https://www.tiktok.com/@some_user/video/7090483393586089222",
        "https://www.threads.net/t/CuXFPIeLLod",
    ):
        assert parse_url(url, lang="en", now=NOW).warning.startswith("Approximate time")
        assert parse_url(url, lang="fr", now=NOW).warning.startswith("Heure approximative")
        assert parse_url(url, now=NOW).posted_at_approximate
    exact = parse_url("https://x.com/a/status/1382350606417817604", now=NOW)
    assert exact.posted_at is not None and not exact.posted_at_approximate


@pytest.mark.parametrize(
    ("text", "url", "ignored"),
    [
        ("https://x.com/a/status/1.", "https://x.com/a/status/1", ""),
        ("https://x.com/a/status/1!?", "https://x.com/a/status/1", ""),
        ("'https://x.com/a/status/1';", "https://x.com/a/status/1", ""),
        ("“https://x.com/a/status/1”", "https://x.com/a/status/1", ""),
        ("**https://x.com/a/status/1**", "https://x.com/a/status/1", ""),
        ("https://x.com/a/status/1)", "https://x.com/a/status/1", ""),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)", ""),
        ("voir:https://x.com/a/status/1", "https://x.com/a/status/1", "voir:"),
        (
            "a https://b.example/ then https://x.com/a",
            "https://b.example/",
            "a then https://x.com/a",
        ),
        ("e.g. see x.com/a", "x.com/a", "e.g. see"),
        ("\u200bhttps://x.com/a/status/1\u200b", "https://x.com/a/status/1", ""),
        ("\ufeffhttps://x.com/a/status/1\u2069", "https://x.com/a/status/1", ""),
        ("見て https://x.com/a/status/1。", "https://x.com/a/status/1", "見て"),
        ("hello", "hello", ""),
        ("hello world", "", "hello world"),
    ],
)
def test_extract_url_keeps_only_the_address(text: str, url: str, ignored: str) -> None:
    assert extract_url(text) == (url, ignored)


def test_ignored_share_text_is_cleaned_and_short() -> None:
    text = "\x1b[2J\u202e" + "blabla " * 40 + "https://x.com/a/status/1"
    info = parse_url(text, lang="en", now=NOW)
    assert info.url == "https://x.com/a/status/1"
    assert "\x1b" not in info.ignored_text and "\u202e" not in info.ignored_text
    assert len(info.ignored_text) <= 80
    assert info.ignored_text.endswith("…")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Regarde ça, c'est horrible", "url.none_in_text"),
        ("https://x.com/someone/status/13823…", "url.truncated"),
        ("Regarde https://x.com/someone/status/13823...", "url.truncated"),
        ("javascript:alert(1) https", "url.none_in_text"),
        ("see https://x.com/\u200bsomeone/status/1", "url.control"),
    ],
)
def test_text_without_a_usable_address_says_why(text: str, key: str) -> None:
    with pytest.raises(UrlError) as caught:
        parse_url(text, lang="fr")
    assert caught.value.key == key


@pytest.mark.parametrize("row", ACCOUNTS, ids=[row["why"] for row in ACCOUNTS])
def test_account_creation_time_from_its_id(row: dict[str, Any]) -> None:
    moment, note = account_created_at(row["platform"], row["account_id"], now=NOW, lang="en")
    assert moment == _utc(row.get("time", ""))
    if "note" in row:
        from tui.core.i18n import t

        expected = t(row["note"], "en", platform="X (Twitter)", date="")
        assert note.split("(")[0] == expected.split("(")[0]
    else:
        assert note == ""


def test_account_creation_refuses_impossible_numbers() -> None:
    assert account_created_at("discord", "abc", now=NOW, lang="en")[0] is None
    assert account_created_at("discord", "abc", now=NOW, lang="en")[1]
    assert account_created_at("x", str(2**63 - 1), now=NOW)[0] is None
    assert account_created_at("x", "", now=NOW) == (None, "")


def test_new_platforms_give_profile_links() -> None:
    for url in (
        "https://kick.com/somestreamer",
        "https://www.pinterest.fr/someuser/",
        "https://www.tumblr.com/someblog/123456789012/some-slug",
        "https://www.jeuxvideo.com/profil/pseudo_123?mode=infos",
    ):
        info = parse_url(url, now=NOW)
        link = account_url(info.platform, info.account_id, info.handle)
        assert parse_url(link, now=NOW).handle == info.handle


def test_evidence_fields_fill_an_entry() -> None:
    from dataclasses import replace

    from tui.core.case import Evidence

    info = parse_url("https://www.threads.net/t/CuXFPIeLLod", now=NOW)
    entry = replace(Evidence(id="E0001"), **info.evidence_fields())
    assert entry.platform == "threads"
    assert entry.posted_at_approximate is True
    assert entry.comment_id == ""


def test_the_case_file_keeps_the_comment_and_the_approximate_mark() -> None:
    from dataclasses import replace

    from tui.core.case import Case, Evidence
    from tui.core.store import CaseError, dumps, loads

    tiktok = parse_url("https://www.tiktok.com/@a_b/video/7090483393586089222", now=NOW)
    comment = parse_url("https://old.reddit.com/r/france/comments/abc123/t/def456/", now=NOW)
    case = Case(title="t", created=NOW)
    case.evidence.append(replace(Evidence(id="E0001", added_at=NOW), **tiktok.evidence_fields()))
    case.evidence.append(replace(Evidence(id="E0002", added_at=NOW), **comment.evidence_fields()))
    text = dumps(case)
    assert "posted_at_approximate = true" in text
    assert 'comment_id = "def456"' in text
    back = loads(text)
    assert back.evidence[0].posted_at_approximate is True
    assert back.evidence[1].comment_id == "def456"
    assert back.evidence[1].posted_at_approximate is False
    # A hand-edited file with a wrong value is refused with the place named.
    with pytest.raises(CaseError) as caught:
        loads(text.replace("posted_at_approximate = true", 'posted_at_approximate = "yes"'))
    assert "posted_at_approximate" in str(caught.value)


def test_approximate_times_are_marked_in_the_table_and_the_dossier(tmp_path: Path) -> None:
    from dataclasses import dataclass, replace

    from tui.core.case import Case, Evidence
    from tui.export.common import make_dossier
    from tui.export.html_writer import build_html
    from tui.widgets.evidence_rows import time_mark

    @dataclass
    class Source:
        path: Path
        case: Case

    tiktok = parse_url("https://www.tiktok.com/@a_b/video/7090483393586089222", now=NOW)
    exact = parse_url("https://x.com/a/status/1382350606417817604", now=NOW)
    case = Case(title="t", created=NOW, timezone="UTC", language="en")
    case.evidence.append(replace(Evidence(id="E0001", added_at=NOW), **tiktok.evidence_fields()))
    case.evidence.append(replace(Evidence(id="E0002", added_at=NOW), **exact.evidence_fields()))
    assert time_mark("post-id", True, approximate=True) == "~"
    assert time_mark("post-id", True) == "#"
    html = build_html(make_dossier(Source(tmp_path / "t.toml", case), None, "en", NOW))
    assert "(E0001) — about 2022-04-25 10:16:52 (UTC+00:00) (approximate time)" in html
    assert "(E0002) — 2021-04-14 15:10:42 (UTC+00:00)</h3>" in html


def test_misskey_profile_link() -> None:
    info = parse_url("https://misskey.io/@someone", now=NOW)
    assert account_url(info.platform, "", info.handle) == "https://misskey.io/@someone"


def test_thousands_of_brackets_are_trimmed_quickly() -> None:
    # The form parses on every keystroke: hostile paste must not freeze it.
    import contextlib
    import time

    start = time.perf_counter()
    for text in ("(" * 4000 + "https://x.com/a" + ")" * 4000, "x " * 4000):
        with contextlib.suppress(UrlError):
            parse_url(text, now=NOW)
    assert time.perf_counter() - start < 0.5
