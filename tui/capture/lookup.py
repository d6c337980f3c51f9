"""Account and post look-ups on each platform's public interface (no login, no paid API).

One small provider per platform, each returning the account's stable ID, its handle,
the post's text and creation time, and where that came from:

* **X**: the syndication endpoint used by embedded posts
  (``cdn.syndication.twimg.com/tweet-result?id=…``): ``user.id_str``, ``created_at``,
  ``text``; a ``TweetTombstone`` means the post is unavailable.
* **Bluesky**: the public AppView (``public.api.bsky.app``,
  ``app.bsky.feed.getPostThread``): ``author.did``; ``notFoundPost`` / ``blockedPost``.
* **Mastodon**: the post's own server (``/api/v1/statuses/ID``): ``account.id`` and
  ``account.url``; 404 / 410 when gone.

IDs are read as **strings**: JSON numbers are parsed with ``parse_int=str``, so an ID
above 2**53 never passes through a float.  The raw answer is written to the staging
folder so it can be kept as an attachment.  Every request goes through the filtering
proxy (a Mastodon server named in a URL is as untrusted as the URL).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from tui.capture.fetch import Fetched, Fetcher, base_for
from tui.core.text import one_line

PLATFORMS = ("x", "bluesky", "mastodon")
"""Platforms with a look-up provider."""

X_BASE = "https://cdn.syndication.twimg.com"
BLUESKY_BASE = "https://public.api.bsky.app"

# The cross-check of the stated creation time with the post ID's is the case session's
# (tui.core.session.LOOKUP_TIME_TOLERANCE_S), where the look-up is put into the entry.


@dataclass(frozen=True)
class Lookup:
    """What one provider answered."""

    platform: str
    method: str
    """``x-syndication``, ``bluesky-appview`` or ``mastodon-api``."""
    url: str
    """The address asked (without X's token)."""
    outcome: str
    """``found``, ``unavailable``, ``suspended``, ``not-found``, ``rate-limited``,
    ``unexpected`` (HTML, a 3 MB body, broken JSON) or ``error`` (no answer)."""
    http_status: int | None = None
    account_id: str = ""
    account_handle: str = ""
    account_url: str = ""
    text: str = ""
    created_at: datetime | None = None
    indicator: str = ""
    """What decided the outcome: ``tombstone``, ``HTTP 404``, ``notFoundPost``..."""
    raw: Path | None = None
    """The raw answer, written in the staging folder (None when there was none)."""


def js_radix(value: float, radix: int) -> str:
    """``Number.prototype.toString(radix)`` as V8 writes it (shortest exact digits)."""
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    negative = value < 0
    value = abs(value)
    integer = math.floor(value)
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            digits.append(digit)
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                while True:  # round up, carrying into the integer part if needed
                    if not digits:
                        integer += 1
                        break
                    last = digits.pop() + 1
                    if last < radix:
                        digits.append(last)
                        break
                break
            if fraction < delta:
                break
    whole = ""
    number = int(integer)
    while True:
        number, rest = divmod(number, radix)
        whole = chars[rest] + whole
        if number == 0:
            break
    text = whole + ("." + "".join(chars[d] for d in digits) if digits else "")
    return "-" + text if negative else text


def x_token(post_id: str) -> str:
    """The ``token`` the embed code sends with a syndication request (as react-tweet does)."""
    return re.sub(r"(0+|\.)", "", js_radix(int(post_id) / 1e15 * math.pi, 36))


def _json(fetched: Fetched) -> Any:
    """The body parsed with integers kept as their exact digits (strings)."""
    text = fetched.body.decode("utf-8")
    return json.loads(text, parse_int=str, parse_float=str)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (hostile answers vary)."""
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    """An ID as a string of digits/characters; numbers arrive as strings already."""
    return value.strip() if isinstance(value, str) else ""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        elif tag in ("br", "p") and self.parts:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """Mastodon's ``content`` (HTML) as plain text; the markup is never rendered."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts).strip()


def _save_raw(staging: Path | None, platform: str, fetched: Fetched) -> Path | None:
    if not fetched.body or staging is None:
        return None
    path = staging / f"lookup-{platform}.json"
    path.write_bytes(fetched.body)
    return path


def _common(
    platform: str, method: str, url: str, fetched: Fetched, staging: Path | None
) -> Lookup | None:
    """The outcomes every provider shares: no answer, 429, too large, not JSON."""
    if fetched.status is None:
        outcome = "error"
        return Lookup(platform, method, url, outcome, None, indicator=fetched.error)
    if fetched.status == 429:
        return Lookup(
            platform, method, url, "rate-limited", 429, indicator="HTTP 429",
            raw=_save_raw(staging, platform, fetched),
        )  # fmt: skip
    if fetched.too_large:
        return Lookup(platform, method, url, "unexpected", fetched.status, indicator="too-large")
    return None


def _parse(fetched: Fetched) -> tuple[Any, str]:
    if fetched.content_type not in ("application/json", "") and "json" not in fetched.content_type:
        return None, f"not JSON ({fetched.content_type})"
    try:
        return _json(fetched), ""
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "broken JSON"


def _other_post(platform: str, method: str, url: str, answered: str, raw: Path | None) -> Lookup:
    """An answer about another post than the one asked for: nothing in it is used (its
    account is not this entry's), and the record says so."""
    return Lookup(
        platform, method, url, "unexpected", 200,
        indicator=f"answer about another post ({one_line(answered, 80)})", raw=raw,
    )  # fmt: skip


def lookup_x(post_id: str, fetcher: Fetcher, staging: Path | None) -> Lookup:
    """X's syndication answer for one post."""
    base = base_for("x", X_BASE)
    url = f"{base}/tweet-result?id={quote(post_id)}&lang=en"
    method = "x-syndication"
    fetched = fetcher.get(f"{url}&token={x_token(post_id)}")
    early = _common("x", method, url, fetched, staging)
    if early is not None:
        return early
    raw = _save_raw(staging, "x", fetched)
    if fetched.status == 404 or (fetched.status == 200 and not fetched.body.strip()):
        return Lookup("x", method, url, "not-found", fetched.status, indicator="HTTP 404", raw=raw)
    data, problem = _parse(fetched)
    if not isinstance(data, dict):
        return Lookup(
            "x", method, url, "unexpected", fetched.status,
            indicator=problem or "not an object", raw=raw,
        )  # fmt: skip
    kind = data.get("__typename")
    if kind == "TweetTombstone" or "tombstone" in data:
        said = json.dumps(data.get("tombstone", {}), ensure_ascii=False).lower()
        outcome = "suspended" if "suspended" in said else "unavailable"
        return Lookup("x", method, url, outcome, fetched.status, indicator="tombstone", raw=raw)
    if fetched.status != 200:
        return Lookup(
            "x", method, url, "unexpected", fetched.status,
            indicator=f"HTTP {fetched.status}", raw=raw,
        )  # fmt: skip
    answered = _id(data.get("id_str"))
    if answered and answered != post_id:
        return _other_post("x", method, url, answered, raw)
    user = _obj(data.get("user"))
    account_id = _id(user.get("id_str")) or _id(user.get("id"))
    if not account_id and not data.get("text"):
        return Lookup("x", method, url, "unexpected", 200, indicator="no post in answer", raw=raw)
    handle = _id(user.get("screen_name"))
    return Lookup(
        "x", method, url, "found", 200,
        account_id=account_id,
        account_handle=handle,
        account_url=f"https://x.com/intent/user?user_id={account_id}" if account_id else "",
        text=str(data.get("text") or ""),
        created_at=_time(data.get("created_at")),
        indicator="post",
        raw=raw,
    )  # fmt: skip


def lookup_bluesky(actor: str, post_id: str, fetcher: Fetcher, staging: Path | None) -> Lookup:
    """The public AppView's thread for one post (``actor`` is a handle or a DID)."""
    base = base_for("bluesky", BLUESKY_BASE)
    uri = f"at://{actor}/app.bsky.feed.post/{post_id}"
    url = f"{base}/xrpc/app.bsky.feed.getPostThread?uri={quote(uri, safe='')}&depth=0"
    method = "bluesky-appview"
    fetched = fetcher.get(url)
    early = _common("bluesky", method, url, fetched, staging)
    if early is not None:
        return early
    raw = _save_raw(staging, "bluesky", fetched)
    data, problem = _parse(fetched)
    if not isinstance(data, dict):
        return Lookup(
            "bluesky", method, url, "unexpected", fetched.status,
            indicator=problem or "not an object", raw=raw,
        )  # fmt: skip
    error = str(data.get("error") or "")
    if fetched.status != 200:
        if error == "NotFound" or fetched.status == 404:
            outcome = "not-found"
        elif "suspend" in error.lower() or "takedown" in json.dumps(data).lower():
            outcome = "suspended"
        else:
            outcome = "unexpected"
        return Lookup(
            "bluesky", method, url, outcome, fetched.status,
            indicator=error or f"HTTP {fetched.status}", raw=raw,
        )  # fmt: skip
    thread = _obj(data.get("thread"))
    kind = str(thread.get("$type", ""))
    if kind.endswith("#notFoundPost"):
        return Lookup("bluesky", method, url, "not-found", 200, indicator="notFoundPost", raw=raw)
    if kind.endswith("#blockedPost"):
        return Lookup("bluesky", method, url, "unavailable", 200, indicator="blockedPost", raw=raw)
    post = _obj(thread.get("post"))
    answered = _id(post.get("uri")).rpartition("/")[2]
    if answered and answered != post_id:
        return _other_post("bluesky", method, url, answered, raw)
    author = _obj(post.get("author"))
    record = _obj(post.get("record"))
    did = _id(author.get("did"))
    if not did:
        return Lookup("bluesky", method, url, "unexpected", 200, indicator="no author", raw=raw)
    handle = _id(author.get("handle"))
    return Lookup(
        "bluesky", method, url, "found", 200,
        account_id=did,
        account_handle=handle,
        account_url=f"https://bsky.app/profile/{did}",
        text=str(record.get("text") or ""),
        created_at=_time(record.get("createdAt")),
        indicator="threadViewPost",
        raw=raw,
    )  # fmt: skip


def lookup_mastodon(post_url: str, post_id: str, fetcher: Fetcher, staging: Path | None) -> Lookup:
    """The post's own server's answer (``/api/v1/statuses/ID``)."""
    parts = urlsplit(post_url)
    base = base_for("mastodon", f"{parts.scheme or 'https'}://{parts.netloc}")
    url = f"{base}/api/v1/statuses/{quote(post_id)}"
    method = "mastodon-api"
    fetched = fetcher.get(url)
    early = _common("mastodon", method, url, fetched, staging)
    if early is not None:
        return early
    raw = _save_raw(staging, "mastodon", fetched)
    if fetched.status in (404, 410):
        return Lookup(
            "mastodon", method, url, "not-found", fetched.status,
            indicator=f"HTTP {fetched.status}", raw=raw,
        )  # fmt: skip
    data, problem = _parse(fetched)
    if not isinstance(data, dict) or fetched.status != 200:
        return Lookup(
            "mastodon", method, url, "unexpected", fetched.status,
            indicator=problem or f"HTTP {fetched.status}", raw=raw,
        )  # fmt: skip
    answered = _id(data.get("id"))
    if answered and answered != post_id:
        return _other_post("mastodon", method, url, answered, raw)
    account = _obj(data.get("account"))
    account_id = _id(account.get("id"))
    if not account_id:
        return Lookup("mastodon", method, url, "unexpected", 200, indicator="no account", raw=raw)
    suspended = account.get("suspended") in (True, "true")
    return Lookup(
        "mastodon", method, url, "suspended" if suspended else "found", 200,
        account_id=account_id,
        account_handle=_id(account.get("acct")),
        account_url=_id(account.get("url")),
        text=html_text(str(data.get("content") or "")),
        created_at=_time(data.get("created_at")),
        indicator="status",
        raw=raw,
    )  # fmt: skip


def lookup_entry(
    platform: str, url: str, post_id: str, handle: str, account_id: str,
    fetcher: Fetcher, staging: Path | None,
) -> Lookup | None:  # fmt: skip
    """The look-up for one entry, or None when its platform has no provider / no post ID."""
    if not post_id:
        return None
    if platform == "x" and post_id.isdigit():
        return lookup_x(post_id, fetcher, staging)
    if platform == "bluesky":
        actor = account_id if account_id.startswith("did:") else handle
        return lookup_bluesky(actor, post_id, fetcher, staging) if actor else None
    if platform == "mastodon":
        return lookup_mastodon(url, post_id, fetcher, staging)
    return None
