"""Look-ups against loopback fixtures: found, tombstone, 404, 429, HTML, 3 MB, IDs > 2**53."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture import fixtures as F
from tests.capture.servers import FixtureServer, html, json_reply, serve
from tui.capture.fetch import MAX_BODY, Fetcher, Throttle, lookup_bases
from tui.capture.lookup import html_text, lookup_bluesky, lookup_mastodon, lookup_x, x_token
from tui.capture.proxy import FilteringProxy


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    with serve() as server:
        monkeypatch.setenv("ABRI_CAPTURE_ALLOW", server.pair)
        monkeypatch.setenv(
            "ABRI_LOOKUP_BASE",
            f"x={server.base},bluesky={server.base},mastodon={server.base}",
        )
        yield server


@pytest.fixture
def fetcher(site: FixtureServer) -> Iterator[Fetcher]:
    with FilteringProxy() as proxy:
        yield Fetcher(proxy, Throttle(0))


def test_x_found_keeps_an_id_above_2_53_exact_and_saves_the_raw_answer(
    site: FixtureServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    site.routes["/tweet-result"] = json_reply(F.X_FOUND)
    found = lookup_x(F.X_ID, fetcher, tmp_path)
    assert found.outcome == "found"
    assert found.account_id == F.X_USER_ID  # a float would give ...993000 or so
    assert found.account_handle == "someone"
    assert found.text == "you will regret this"
    assert found.created_at is not None and found.created_at.isoformat().startswith(
        "2021-04-14T15:10:42"
    )
    assert found.raw is not None and found.raw.read_text() == F.X_FOUND
    # The request carried the embed's token, computed as the embed code does.
    assert site.hits[0].endswith(f"&token={x_token(F.X_ID)}")


def test_x_bare_number_id_is_read_as_its_digits(
    site: FixtureServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    site.routes["/tweet-result"] = json_reply(F.X_BARE_NUMBER)
    assert json.loads(F.X_BARE_NUMBER)["user"]["id"] != int(float(F.X_USER_ID))
    assert lookup_x(F.X_ID, fetcher, tmp_path).account_id == F.X_USER_ID


@pytest.mark.parametrize(
    ("reply", "outcome", "indicator"),
    [
        (json_reply(F.X_TOMBSTONE), "unavailable", "tombstone"),
        (json_reply(F.X_SUSPENDED), "suspended", "tombstone"),
        (json_reply("", 404), "not-found", "HTTP 404"),
        (json_reply('{"error":"slow down"}', 429), "rate-limited", "HTTP 429"),
        (html("<html><title>Log in</title></html>"), "unexpected", "not JSON (text/html)"),
        (json_reply("{not json"), "unexpected", "broken JSON"),
        (json_reply(b'{"x":"' + b"a" * (3 * 1024 * 1024) + b'"}'), "unexpected", "too-large"),
    ],
)
def test_x_outcomes(
    site: FixtureServer,
    fetcher: Fetcher,
    tmp_path: Path,
    reply: tuple[int, dict[str, str], bytes],
    outcome: str,
    indicator: str,
) -> None:
    site.routes["/tweet-result"] = reply
    found = lookup_x(F.X_ID, fetcher, tmp_path)
    assert (found.outcome, found.indicator) == (outcome, indicator)
    assert found.account_id == ""
    if indicator == "too-large":
        assert found.raw is None and not list(tmp_path.iterdir())


def test_bluesky_found_not_found_blocked(
    site: FixtureServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    path = "/xrpc/app.bsky.feed.getPostThread"
    site.routes[path] = json_reply(F.BSKY_FOUND)
    found = lookup_bluesky("alice.bsky.social", F.BSKY_RKEY, fetcher, tmp_path)
    assert (found.outcome, found.account_id, found.text) == ("found", F.BSKY_DID, "bsky insult")
    assert "uri=at%3A%2F%2Falice.bsky.social%2Fapp.bsky.feed.post%2F" in site.hits[-1]
    site.routes[path] = json_reply(F.BSKY_NOT_FOUND)
    assert (
        lookup_bluesky("alice.bsky.social", F.BSKY_RKEY, fetcher, tmp_path).outcome == "not-found"
    )
    site.routes[path] = json_reply('{"error":"NotFound","message":"Post not found"}', 400)
    assert (
        lookup_bluesky("alice.bsky.social", F.BSKY_RKEY, fetcher, tmp_path).outcome == "not-found"
    )
    site.routes[path] = json_reply(F.BSKY_BLOCKED)
    blocked = lookup_bluesky("alice.bsky.social", F.BSKY_RKEY, fetcher, tmp_path)
    assert (blocked.outcome, blocked.indicator) == ("unavailable", "blockedPost")
    site.routes[path] = json_reply("{}", 429)
    assert lookup_bluesky("a.b", F.BSKY_RKEY, fetcher, tmp_path).outcome == "rate-limited"


def test_mastodon_found_and_gone(site: FixtureServer, fetcher: Fetcher, tmp_path: Path) -> None:
    path = f"/api/v1/statuses/{F.MASTO_ID}"
    site.routes[path] = json_reply(F.MASTO_FOUND)
    found = lookup_mastodon(F.MASTO_URL, F.MASTO_ID, fetcher, tmp_path)
    assert (found.outcome, found.account_id) == ("found", F.MASTO_ACCOUNT)
    assert found.account_url == "https://mastodon.social/@bob"
    assert found.text == "toot threat"  # HTML turned into text, never rendered
    for status in (404, 410):
        site.routes[path] = json_reply('{"error":"Record not found"}', status)
        gone = lookup_mastodon(F.MASTO_URL, F.MASTO_ID, fetcher, tmp_path)
        assert (gone.outcome, gone.indicator) == ("not-found", f"HTTP {status}")


def test_mastodon_server_named_in_the_url_is_checked_like_any_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ABRI_LOOKUP_BASE", raising=False)
    with serve({f"/api/v1/statuses/{F.MASTO_ID}": json_reply(F.MASTO_FOUND)}) as private:
        with FilteringProxy(allow=()) as proxy:
            fetcher = Fetcher(proxy, Throttle(0))
            url = f"http://127.0.0.1:{private.port}/@bob/{F.MASTO_ID}"
            found = lookup_mastodon(url, F.MASTO_ID, fetcher, tmp_path)
        assert (found.outcome, found.indicator) == ("error", "not-public-address")
        assert private.hits == []


def test_one_request_per_two_seconds_per_host(site: FixtureServer) -> None:
    site.routes["/a"] = html("a")
    with FilteringProxy() as proxy:
        fetcher = Fetcher(proxy)  # the real 2 s throttle
        start = time.monotonic()
        fetcher.get(f"{site.base}/a")
        fetcher.get(f"{site.base}/a")
        elapsed = time.monotonic() - start
    assert elapsed >= 2.0
    assert len(site.hits) == 2


def test_x_token_is_the_one_embeds_send() -> None:
    # The value FACTS.md gives for this post, computed by X's embed code.
    assert x_token("1382350606417817604") == "3cms64rzqyd"


def test_lookup_bases_and_html_text() -> None:
    assert lookup_bases("x=http://127.0.0.1:8123/, bluesky = http://h:1,junk") == {
        "x": "http://127.0.0.1:8123",
        "bluesky": "http://h:1",
    }
    assert html_text("<p>a<br>b</p><p>&lt;script&gt;</p>") == "a\nb\n<script>"
    assert MAX_BODY < 3 * 1024 * 1024


def test_an_answer_about_another_post_fills_nothing(
    site: FixtureServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    """The trial: the answer named post 1382350606417817604 by @someone, and its account
    ID went into the entry of post 1500000000000000000 by @autre."""
    site.routes["/tweet-result"] = json_reply(F.X_FOUND)
    other = lookup_x("1500000000000000000", fetcher, tmp_path)
    assert (other.outcome, other.account_id, other.text) == ("unexpected", "", "")
    assert F.X_ID in other.indicator
    site.routes["/xrpc/app.bsky.feed.getPostThread"] = json_reply(F.BSKY_FOUND)
    assert lookup_bluesky("alice.bsky.social", "3zzzzzzzzzz2a", fetcher, tmp_path).account_id == ""
    site.routes["/api/v1/statuses/1"] = json_reply(F.MASTO_FOUND)
    assert lookup_mastodon(F.MASTO_URL, "1", fetcher, tmp_path).account_id == ""
