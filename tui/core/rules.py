"""One rule for each thing the TUI, the CLI and the exports must agree on.

* :func:`entry_from_url`: a pasted URL becomes an entry's fields (platform, post ID,
  handle, account ID, decoded time with its source).
* :func:`post_key`: when two entries are the same post.  Post IDs are compared the
  way the platform compares them: Instagram and Threads codes, Bluesky record keys
  and YouTube IDs are case-sensitive (``CxAbC`` and ``CXabc`` are two posts), numeric
  IDs compare as numbers; without a post ID the normalised URL is compared, its path
  kept as typed (paths are case-sensitive on the web).
* :func:`entry_time`: the time a row shows and sorts by.

No I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from hashlib import blake2b

from tui.core.case import Evidence
from tui.core.platforms import PostInfo, parse_url
from tui.core.text import normalise

GLOBAL_POST_IDS = frozenset(
    ("x", "instagram", "tiktok", "discord", "youtube", "reddit", "linkedin", "threads", "twitch")
)
"""Platforms whose post IDs are unique across the whole platform.

Elsewhere (Mastodon servers, Telegram channels, Facebook pages, Bluesky repositories,
Snapchat, WhatsApp...) an ID is only unique within its account or server, so the
account is part of the key.
"""


def entry_from_url(text: str, lang: str | None = None) -> tuple[Evidence, PostInfo]:
    """A new entry (ID still empty) holding what ``text`` says, and what was read.

    Raises :class:`tui.core.platforms.UrlError` (one sentence) for a text that is
    not a web address.
    """
    info = parse_url(text, lang=lang)
    fields = info.evidence_fields()
    if fields["url_original"] == fields["url"]:
        fields["url_original"] = ""
    if fields["posted_at"] is None:
        fields["posted_at_source"] = ""
    return Evidence(id="", **fields), info


def _post_id_key(platform: str, post_id: str) -> str:
    if post_id.isdigit() and post_id.isascii():
        return str(int(post_id))  # "007" and "7" are the same number
    return post_id


def url_key(url: str) -> str:
    """The normalised URL as a comparison key (host already canonical, path as typed)."""
    text = normalise(url.strip())
    while text.endswith("/"):
        text = text[:-1]
    return text


def post_key(entry: Evidence) -> str:
    """The key two entries about the same post share; ``""`` when nothing identifies one.

    A comment is its own post: its comment ID (when the URL gives one) is part of the key.
    """
    if entry.platform and entry.post_id:
        key = f"{entry.platform}|{_post_id_key(entry.platform, entry.post_id)}"
        if entry.platform not in GLOBAL_POST_IDS:
            scope = entry.account_id or normalise(entry.account_handle).casefold()
            key += f"|{scope}"
        comment = entry.comment_id
        if comment:
            key += f"|c:{_post_id_key(entry.platform, comment)}"
        return key
    if entry.url:
        return "url|" + url_key(entry.url)
    return ""


def post_keys(entry: Evidence) -> tuple[str, ...]:
    """Every key under which ``entry`` is known: its :func:`post_key` and its URL.

    Both count, so an entry recorded before its post ID was read (or typed by hand
    with only a URL) still matches the same post pasted again.
    """
    keys = []
    key = post_key(entry)
    if key:
        keys.append(key)
    if entry.url:
        by_url = "url|" + url_key(entry.url)
        if by_url not in keys:
            keys.append(by_url)
    return tuple(keys)


def post_digest(key: str) -> bytes:
    """A post key as :class:`PostIndex` holds it: 16 bytes of its BLAKE2b digest.

    The keys are URLs and IDs of 40 to 120 characters; at 50,000 entries, two each,
    they took 15 MB as strings.  128 bits make two different keys meeting as one a
    chance of about 1 in 10^28 for a case of a million entries.
    """
    return blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class PostIndex:
    """Which entry already holds a post (by :func:`post_keys`) or a file (by SHA-256)."""

    def __init__(self, entries: Iterable[Evidence] = ()) -> None:
        self.posts: dict[bytes, str] = {}
        """Digest of each post key (see :func:`post_digest`) -> the first entry holding it."""
        self.files: dict[str, str] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: Evidence) -> None:
        """Remember ``entry`` (the first holder of a key stays the one reported)."""
        for key in post_keys(entry):
            self.posts.setdefault(post_digest(key), entry.id)
        for attachment in entry.attachments:
            self.files.setdefault(attachment.sha256, entry.id)

    def same_post(self, entry: Evidence) -> str | None:
        """The ID of another entry about the same post as ``entry``, or None."""
        for key in post_keys(entry):
            found = self.posts.get(post_digest(key))
            if found is not None and found != entry.id:
                return found
        return None

    def same_file(self, sha256: str) -> str | None:
        """The ID of an entry that already holds a file with this content, or None."""
        return self.files.get(sha256)


def entry_time(entry: Evidence) -> datetime | None:
    """The time a row shows and sorts by: publication if known, else when it was seen."""
    return entry.posted_at or entry.observed_at
