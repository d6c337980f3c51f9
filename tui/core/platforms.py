"""What a post's URL says: platform, post ID, account handle, and when it was posted.

Everything here is a pure function over strings: no network, no Textual.  A URL
pasted into Abri was usually chosen by the harasser, so it is treated as hostile:

* it is parsed with :mod:`urllib.parse` and the platform is recognised from the
  *real* host only (``https://x.com@evil.com/...`` leads to ``evil.com``, and says
  so in :attr:`PostInfo.warning`); backslashes count as slashes, as in browsers;
* internationalised host names are compared in their ASCII (punycode) form, so a
  look-alike such as ``xn--80ak6aa92e.com`` is never taken for a known platform;
* control characters, spaces, non-web schemes (``javascript:``) and absurdly long
  input are refused with :class:`UrlError`, whose ``str`` is one translated sentence.

The normalised URL drops tracking parameters (``?s=20``, ``utm_*``, ``fbclid``,
``igsh``, ``si``...), lowercases the host, removes ``www.``/``m.``/``mobile.`` on
known platforms and turns ``twitter.com`` into ``x.com``.  The original text is
kept in :attr:`PostInfo.url_original` when it differs.

Several platforms encode the creation time in their post IDs (see FACTS.md);
:func:`decode_id_time` decodes it and refuses impossible results (before the
platform existed, in the future, X IDs from before time-based numbering).  IDs stay
strings everywhere; Python integers decode 64-bit values exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from tui.core.i18n import current_language, t

PLATFORMS: dict[str, str] = {
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "facebook": "Facebook",
    "discord": "Discord",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "snapchat": "Snapchat",
    "reddit": "Reddit",
    "linkedin": "LinkedIn",
    "twitch": "Twitch",
    "telegram": "Telegram",
    "threads": "Threads",
    "whatsapp": "WhatsApp",
}
"""Platform id -> display name (brand names are not translated). ``""`` means other."""

MAX_URL_LENGTH = 8192
"""Longer input is refused: no real post URL is that long, and it keeps work bounded."""

FUTURE_TOLERANCE = timedelta(minutes=5)
"""A decoded time this far past ``now`` is refused (clocks drift a little)."""

X_FIRST_SNOWFLAKE = 29_700_859_247
"""X IDs below this are older sequential numbers that carry no time (FACTS.md)."""


def platform_name(platform: str, lang: str | None = None) -> str:
    """The name to show for a platform id; ``""`` or an unknown id shows as "other site"."""
    return PLATFORMS.get(platform) or t("url.platform.other", lang)


class UrlError(ValueError):
    """The text is not a web address Abri can record.

    ``str(error)`` is one sentence in the language asked for; :attr:`key` and
    :attr:`params` let a caller translate it again with :meth:`message`.
    """

    def __init__(self, key: str, lang: str | None = None, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, lang, **params))

    def message(self, lang: str | None = None) -> str:
        """The same sentence in another language."""
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class PostInfo:
    """What Abri could read from one URL.  Empty strings mean "not in the URL"."""

    platform: str
    """A key of :data:`PLATFORMS`, or ``""`` for another site."""
    url: str
    """The normalised URL (tracking parameters removed, canonical host)."""
    url_original: str
    """The URL as given (surrounding spaces removed), or ``""`` when equal to :attr:`url`."""
    post_id: str
    handle: str
    """The account's handle as it appears in the URL, without ``@`` (Mastodon: ``user@server``)."""
    account_id: str
    """A stable account ID when the URL holds one (X intent links, Bluesky DIDs...)."""
    posted_at: datetime | None
    """Decoded from the post ID (UTC), or None."""
    posted_at_source: str
    """``"post-id"`` when :attr:`posted_at` was decoded, else ``""``.

    The decoded time is kept to the second, as platforms show it and as the
    complaint's table prints it; :func:`decode_id_time` gives the exact value.
    """
    warning: str
    """Sentences worth showing (a disguised host, a short link, an impossible ID...).

    It may explain why :attr:`posted_at` is None, or qualify a decoded time
    (Bluesky times are set by the poster's app); ``""`` when nothing to say."""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """The message keys behind :attr:`warning`, for tests and re-translation."""


# ---------------------------------------------------------------------------
# Decoding times from IDs

_X_EPOCH_MS = 1_288_834_974_657
_DISCORD_EPOCH_MS = 1_420_070_400_000
_INSTAGRAM_EPOCH_MS = 1_314_220_021_721
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def _utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


# The earliest time a genuine ID of each platform can carry: anything earlier is a
# wrong or pre-timestamp ID (e.g. Mastodon's sequential IDs before 2017 decode to 1970).
_FLOOR: dict[str, datetime] = {
    "x": datetime.fromtimestamp(_X_EPOCH_MS / 1000, UTC),
    "discord": datetime.fromtimestamp(_DISCORD_EPOCH_MS / 1000, UTC),
    "mastodon": _utc(2016, 1, 1),
    "bluesky": _utc(2022, 1, 1),
    "instagram": datetime.fromtimestamp(_INSTAGRAM_EPOCH_MS / 1000, UTC),
    "tiktok": _utc(2016, 1, 1),
    "linkedin": _utc(2003, 1, 1),
}

_DIGITS = re.compile(r"[0-9]{1,20}")


def _digits_value(post_id: str) -> int | None:
    # ASCII digits only: str.isdigit() would accept "²" or Arabic-Indic digits.
    if _DIGITS.fullmatch(post_id) is None:
        return None
    return int(post_id)


def _instagram_media_id(shortcode: str) -> int | None:
    if not shortcode or any(char not in _B64_ALPHABET for char in shortcode):
        return None
    # Private-post shortcodes append extra characters to the 11 that encode the ID.
    value = 0
    for char in shortcode[:11]:
        value = value * 64 + _B64_ALPHABET.index(char)
    return value


def _bluesky_tid(tid: str) -> int | None:
    if len(tid) != 13 or any(char not in _B32_SORTABLE for char in tid):
        return None
    value = 0
    for char in tid:
        value = value * 32 + _B32_SORTABLE.index(char)
    if value >> 63:
        return None  # the top bit of a TID is always 0
    return value


def _raw_id_time(platform: str, post_id: str) -> tuple[int | None, int]:
    """(milliseconds since the Unix epoch, or None if not decodable; the raw timestamp part)."""
    if platform == "bluesky":
        value = _bluesky_tid(post_id)
        if value is None:
            return None, 0
        micros = value >> 10
        return micros // 1000, micros
    if platform == "instagram":
        # Stories are numbered with the media ID itself (19 digits); posts with a
        # shortcode of at most 11 characters (longer for private posts).
        value = _digits_value(post_id) if len(post_id) >= 15 else None
        if value is None:
            value = _instagram_media_id(post_id)
        if value is None:
            return None, 0
        return (value >> 23) + _INSTAGRAM_EPOCH_MS, value >> 23
    value = _digits_value(post_id)
    if value is None:
        return None, 0
    if platform == "x":
        return (value >> 22) + _X_EPOCH_MS, value >> 22
    if platform == "discord":
        return (value >> 22) + _DISCORD_EPOCH_MS, value >> 22
    if platform == "mastodon":
        return value >> 16, value >> 16
    if platform == "tiktok":
        return (value >> 32) * 1000, value >> 32
    if platform == "linkedin":
        return value >> 22, value >> 22
    return None, 0


TIME_PLATFORMS: frozenset[str] = frozenset(_FLOOR)
"""Platforms whose post IDs carry their creation time."""


def _format_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _decode(
    platform: str, post_id: str, now: datetime | None
) -> tuple[datetime | None, str, dict[str, str]]:
    """(time, warning key or "", its parameters): the logic behind :func:`decode_id_time`."""
    if platform not in TIME_PLATFORMS or not post_id:
        return None, "", {}
    if platform == "x":
        value = _digits_value(post_id)
        if value is not None and value < X_FIRST_SNOWFLAKE:
            return None, "url.id.pre_snowflake", {}
    millis, stamp = _raw_id_time(platform, post_id)
    if millis is None:
        return None, "url.id.invalid", {}
    if stamp <= 0:
        return None, "url.id.no_time", {}
    if platform == "bluesky":
        seconds, micros = divmod(stamp, 1_000_000)
    else:
        # Integer arithmetic keeps exact milliseconds (a float can be off by 1 µs).
        seconds, remainder = divmod(millis, 1000)
        micros = remainder * 1000
    try:
        moment = datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros)
    except (OverflowError, OSError, ValueError):
        return None, "url.id.future", {"date": "?"}
    current = now or datetime.now(UTC)
    if moment > current + FUTURE_TOLERANCE:
        return None, "url.id.future", {"date": _format_utc(moment)}
    if moment < _FLOOR[platform]:
        return None, "url.id.before_epoch", {"date": _format_utc(moment)}
    if platform == "bluesky":
        return moment, "url.id.bluesky_claim", {}
    return moment, "", {}


def decode_id_time(
    platform: str, post_id: str, *, now: datetime | None = None, lang: str | None = None
) -> tuple[datetime | None, str]:
    """The creation time a post ID carries, as ``(time in UTC, warning)``.

    ``(None, "")`` when the platform's IDs carry no time or the ID is empty.
    ``(None, sentence)`` when the ID is malformed or decodes to an impossible time
    (before the platform's numbering began, more than a few minutes after ``now``,
    an X ID from before time-based IDs).  Bluesky times come with a caveat in the
    warning: its IDs are made by the poster's app, a claim rather than a proof.
    The same formulas decode account IDs where they are time-based (X, Discord).
    """
    moment, key, params = _decode(platform, post_id, now)
    if not key:
        return moment, ""
    return moment, t(key, lang, platform=platform_name(platform, lang), **params)


# ---------------------------------------------------------------------------
# Recognising URLs

# Control characters (C0, DEL, C1), every kind of space, and invisible format
# characters that could disguise a URL (bidi overrides, zero-width, BOM).
_REFUSED_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
_SPACE = re.compile(r"\s")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(//)?")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")

# Host (after the subdomains below are stripped) -> platform.
_HOSTS: dict[str, str] = {
    "x.com": "x",
    "twitter.com": "x",
    "fxtwitter.com": "x",
    "vxtwitter.com": "x",
    "fixupx.com": "x",
    "fixvx.com": "x",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "discord.com": "discord",
    "discordapp.com": "discord",
    "discord.gg": "discord",
    "bsky.app": "bluesky",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "youtube-nocookie.com": "youtube",
    "snapchat.com": "snapchat",
    "reddit.com": "reddit",
    "redd.it": "reddit",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "twitch.tv": "twitch",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.dog": "telegram",
    "threads.net": "threads",
    "threads.com": "threads",
    "wa.me": "whatsapp",
    "whatsapp.com": "whatsapp",
}
# Hosts that only mirror another one: links are stored with the canonical host.
_CANONICAL_HOST = {
    "twitter.com": "x.com",
    "fxtwitter.com": "x.com",
    "vxtwitter.com": "x.com",
    "fixupx.com": "x.com",
    "fixvx.com": "x.com",
    "instagr.am": "instagram.com",
    "fb.com": "facebook.com",
    "discordapp.com": "discord.com",
    "youtube-nocookie.com": "youtube.com",
    "telegram.me": "t.me",
    "telegram.dog": "t.me",
    "threads.com": "threads.net",
}
_MOBILE_PREFIXES = frozenset({"www", "m", "mobile", "mbasic", "web", "touch"})
# Well-known Mastodon servers: there, even a bare profile link is recognised.
# On any other server a post URL is recognised by its shape (/@user/<id>).
_MASTODON_SERVERS = frozenset(
    {
        "mastodon.social",
        "mastodon.online",
        "mstdn.social",
        "mas.to",
        "piaille.fr",
        "framapiaf.org",
        "mamot.fr",
        "mastodon.xyz",
        "social.numerique.gouv.fr",
        "infosec.exchange",
        "fosstodon.org",
        "hachyderm.io",
    }
)

# Query parameters that only track who shared what; dropped from every URL.
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igsh",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "mibextid",
        "ref_src",
        "ref_url",
    }
)
# Per platform: the query parameters that mean something (all others are dropped).
_KEEP_QUERY: dict[str, frozenset[str]] = {
    "facebook": frozenset(
        {
            "story_fbid",
            "id",
            "fbid",
            "v",
            "set",
            "comment_id",
            "reply_comment_id",
            "multi_permalinks",
        }
    ),
    "youtube": frozenset({"v", "t", "list", "index", "lc", "start"}),
    "linkedin": frozenset({"commentUrn", "replyUrn", "id"}),
    "twitch": frozenset({"t"}),
    "telegram": frozenset({"comment", "thread", "single"}),
    "x": frozenset({"user_id", "screen_name"}),  # intent links name the account
}

_X_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
_X_RESERVED = frozenset(
    {
        "i",
        "home",
        "explore",
        "search",
        "settings",
        "notifications",
        "messages",
        "hashtag",
        "intent",
        "share",
        "compose",
        "login",
        "logout",
        "signup",
        "tos",
        "privacy",
        "about",
    }
)
_IG_HANDLE = re.compile(r"[A-Za-z0-9._]{1,30}")
_IG_RESERVED = frozenset(
    {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about", "legal"}
)
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_TIKTOK_HANDLE = re.compile(r"[A-Za-z0-9_.]{1,32}")
_FB_HANDLE = re.compile(r"[A-Za-z0-9.\-_]{1,80}")
_FB_RESERVED = frozenset(
    {
        "groups",
        "watch",
        "reel",
        "share",
        "photo",
        "photo.php",
        "photos",
        "profile.php",
        "permalink.php",
        "story.php",
        "events",
        "marketplace",
        "pages",
        "gaming",
        "hashtag",
        "login",
        "l.php",
        "video.php",
    }
)
_FB_POST = re.compile(r"(?:[0-9]{1,25}|pfbid[A-Za-z0-9]{10,80})")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_]{1,64}")
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}")
_BSKY_HANDLE = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{1,63}")
_DID = re.compile(r"did:(?:plc:[a-z2-7]{24}|web:(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63})")
_YT_VIDEO = re.compile(r"[A-Za-z0-9_-]{11}")
_YT_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YT_HANDLE = re.compile(r"[A-Za-z0-9._-]{3,30}")
_GENERIC_HANDLE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_REDDIT_ID = re.compile(r"[a-z0-9]{1,13}")
_REDDIT_USER = re.compile(r"[A-Za-z0-9_-]{3,20}")
_LINKEDIN_ACTIVITY = re.compile(r"activity[-:]([0-9]{19})")
_LINKEDIN_URN = re.compile(r"urn:li:(activity|share|ugcPost):([0-9]{1,20})")
_TWITCH_HANDLE = re.compile(r"[A-Za-z0-9_]{3,25}")
_TWITCH_RESERVED = frozenset({"videos", "directory", "settings", "search", "p", "downloads"})
_TELEGRAM_HANDLE = re.compile(r"[A-Za-z0-9_]{3,32}")
_TELEGRAM_RESERVED = frozenset({"joinchat", "addstickers", "share", "proxy", "c", "s", "iv"})


@dataclass
class _Match:
    """What a platform's recogniser read from the path."""

    post_id: str = ""
    handle: str = ""
    account_id: str = ""
    short_link: bool = False


def _valid(pattern: re.Pattern[str], text: str) -> str:
    return text if pattern.fullmatch(text) else ""


def _x(segs: list[str], query: dict[str, str]) -> _Match:
    found = _Match()
    if segs[:2] == ["intent", "user"] or segs[:2] == ["intent", "follow"]:
        found.account_id = _valid(_DIGITS, query.get("user_id", ""))
        found.handle = _valid(_X_HANDLE, query.get("screen_name", ""))
        return found
    if segs[:1] == ["i"]:
        if len(segs) >= 4 and segs[1] == "web" and segs[2] == "status":
            found.post_id = _valid(_DIGITS, segs[3])
        elif len(segs) >= 3 and segs[1] == "status":
            found.post_id = _valid(_DIGITS, segs[2])
        elif len(segs) >= 3 and segs[1] == "user":
            found.account_id = _valid(_DIGITS, segs[2])
        return found
    if segs and segs[0].lower() not in _X_RESERVED:
        found.handle = _valid(_X_HANDLE, segs[0])
    if len(segs) >= 3 and segs[1] in ("status", "statuses"):
        found.post_id = _valid(_DIGITS, segs[2])
    return found


def _instagram(segs: list[str], query: dict[str, str]) -> _Match:
    found = _Match()
    if len(segs) >= 2 and segs[0] in ("p", "reel", "reels", "tv"):
        found.post_id = _valid(_SHORTCODE, segs[1])
    elif len(segs) >= 3 and segs[1] in ("p", "reel", "tv"):
        # Newer links name the account first: /<user>/p/<shortcode>/
        found.handle = _valid(_IG_HANDLE, segs[0])
        found.post_id = _valid(_SHORTCODE, segs[2])
    elif len(segs) >= 2 and segs[0] == "stories":
        found.handle = _valid(_IG_HANDLE, segs[1])
        if len(segs) >= 3:
            found.post_id = _valid(_DIGITS, segs[2])
    elif len(segs) == 1 and segs[0].lower() not in _IG_RESERVED:
        found.handle = _valid(_IG_HANDLE, segs[0])
    return found


def _tiktok(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host.split(".")[0] in ("vm", "vt") or segs[:1] == ["t"]:
        found.short_link = True
        return found
    if segs and segs[0].startswith("@"):
        found.handle = _valid(_TIKTOK_HANDLE, segs[0][1:])
        if len(segs) >= 3 and segs[1] in ("video", "photo"):
            found.post_id = _valid(_DIGITS, segs[2])
    elif len(segs) >= 2 and segs[0] == "v":
        found.post_id = _valid(_DIGITS, segs[1].removesuffix(".html"))
    elif len(segs) >= 3 and segs[0] == "embed":
        found.post_id = _valid(_DIGITS, segs[-1])
    return found


def _facebook(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host == "fb.watch" or segs[:1] == ["share"]:
        found.short_link = True
        return found
    first = segs[0] if segs else ""
    if first in ("permalink.php", "story.php"):
        found.post_id = _valid(_FB_POST, query.get("story_fbid", ""))
        found.account_id = _valid(_DIGITS, query.get("id", ""))
    elif first in ("photo.php", "photo", "video.php"):
        found.post_id = _valid(_FB_POST, query.get("fbid", "") or query.get("v", ""))
    elif first == "watch":
        found.post_id = _valid(_DIGITS, query.get("v", ""))
    elif first == "profile.php":
        found.account_id = _valid(_DIGITS, query.get("id", ""))
    elif first == "groups" and len(segs) >= 4 and segs[2] in ("posts", "permalink"):
        found.post_id = _valid(_FB_POST, segs[3])
    elif first == "reel" and len(segs) >= 2:
        found.post_id = _valid(_DIGITS, segs[1])
    elif first and first.lower() not in _FB_RESERVED:
        found.handle = _valid(_FB_HANDLE, first)
        if len(segs) >= 3 and segs[1] in ("posts", "videos", "photos"):
            found.post_id = _valid(_FB_POST, segs[-1])
    return found


def _discord(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if len(segs) >= 4 and segs[0] == "channels":
        found.post_id = _valid(_DIGITS, segs[3])
    elif len(segs) >= 2 and segs[0] == "users":
        found.account_id = _valid(_DIGITS, segs[1])
    return found


def _mastodon_path(segs: list[str], host: str) -> _Match | None:
    """A Mastodon post or profile URL on any server, or None if the path is not one."""
    if segs[:1] == ["web"]:
        segs = segs[1:]
    if len(segs) == 4 and segs[0] == "users" and segs[2] == "statuses":
        user = _valid(_MASTODON_USER, segs[1])
        post = _valid(_DIGITS, segs[3])
        if user and post:
            return _Match(post_id=post, handle=f"{user}@{host}")
        return None
    if segs and segs[0].startswith("@") and len(segs) <= 2:
        user, _, server = segs[0][1:].partition("@")
        if not _MASTODON_USER.fullmatch(user):
            return None
        if server and not _DOMAIN.fullmatch(server.lower()):
            return None
        handle = f"{user}@{server.lower() or host}"
        if len(segs) == 2:
            post = _valid(_DIGITS, segs[1])
            return _Match(post_id=post, handle=handle) if post else None
        return _Match(handle=handle) if host in _MASTODON_SERVERS else None
    return None


def _bluesky(segs: list[str], query: dict[str, str]) -> _Match:
    found = _Match()
    if len(segs) >= 2 and segs[0] == "profile":
        actor = segs[1]
        if _DID.fullmatch(actor):
            found.account_id = actor
        else:
            found.handle = _valid(_BSKY_HANDLE, actor).lower()
        if len(segs) >= 4 and segs[2] == "post" and _bluesky_tid(segs[3]) is not None:
            found.post_id = segs[3]
    return found


def _youtube(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    first = segs[0] if segs else ""
    if host == "youtu.be":
        found.post_id = _valid(_YT_VIDEO, first)
    elif first == "watch":
        found.post_id = _valid(_YT_VIDEO, query.get("v", ""))
    elif first in ("shorts", "live", "embed", "v") and len(segs) >= 2:
        found.post_id = _valid(_YT_VIDEO, segs[1])
    elif first == "channel" and len(segs) >= 2:
        found.account_id = _valid(_YT_CHANNEL, segs[1])
    elif first.startswith("@"):
        found.handle = _valid(_YT_HANDLE, first[1:])
    elif first in ("c", "user") and len(segs) >= 2:
        found.handle = _valid(_YT_HANDLE, segs[1])
    elif first == "post" and len(segs) >= 2:
        found.post_id = _valid(_GENERIC_HANDLE, segs[1])
    return found


def _snapchat(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    first = segs[0] if segs else ""
    if host.startswith("t.") or first == "t":
        found.short_link = True
    elif first == "add" and len(segs) >= 2:
        found.handle = _valid(_GENERIC_HANDLE, segs[1])
    elif first.startswith("@"):
        found.handle = _valid(_GENERIC_HANDLE, first[1:])
        if len(segs) >= 3 and segs[1] == "spotlight":
            found.post_id = _valid(_GENERIC_HANDLE, segs[2])
    elif first == "spotlight" and len(segs) >= 2:
        found.post_id = _valid(_GENERIC_HANDLE, segs[1])
    return found


def _reddit(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host == "redd.it":
        found.post_id = _valid(_REDDIT_ID, segs[0]) if segs else ""
        return found
    if len(segs) >= 2 and segs[0] in ("user", "u"):
        found.handle = _valid(_REDDIT_USER, segs[1])
        segs = segs[2:]
    elif len(segs) >= 2 and segs[0] == "r":
        if len(segs) >= 4 and segs[2] == "s":
            found.short_link = True  # share link: /r/<sub>/s/<code>
            return found
        segs = segs[2:]
    if len(segs) >= 2 and segs[0] == "comments":
        found.post_id = _valid(_REDDIT_ID, segs[1])
        # /comments/<post>/<slug>/<comment>/: the hostile message is the comment.
        if len(segs) >= 4:
            found.post_id = _valid(_REDDIT_ID, segs[3]) or found.post_id
    return found


def _linkedin(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host == "lnkd.in":
        found.short_link = True
        return found
    first = segs[0] if segs else ""
    if first == "feed" and len(segs) >= 3 and segs[1] == "update":
        urn = _LINKEDIN_URN.fullmatch(segs[2])
        if urn:
            found.post_id = urn.group(2)
    elif first == "posts" and len(segs) >= 2:
        activity = _LINKEDIN_ACTIVITY.search(segs[1])
        if activity:
            found.post_id = activity.group(1)
        user = segs[1].split("_", 1)[0] if "_" in segs[1] else ""
        found.handle = _valid(_GENERIC_HANDLE, user)
    elif first == "in" and len(segs) >= 2:
        found.handle = _valid(_GENERIC_HANDLE, segs[1])
    return found


def _twitch(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host.startswith("clips."):
        found.post_id = _valid(_GENERIC_HANDLE, segs[0]) if segs else ""
        return found
    first = segs[0] if segs else ""
    if first == "videos" and len(segs) >= 2:
        found.post_id = _valid(_DIGITS, segs[1])
    elif first and first.lower() not in _TWITCH_RESERVED:
        found.handle = _valid(_TWITCH_HANDLE, first)
        if len(segs) >= 3 and segs[1] in ("clip", "v", "video"):
            found.post_id = _valid(_GENERIC_HANDLE, segs[2])
    return found


def _telegram(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if segs[:1] == ["s"]:
        segs = segs[1:]
    if len(segs) >= 3 and segs[0] == "c":
        # Private chat: /c/<chat id>/<message id>
        found.account_id = _valid(_DIGITS, segs[1])
        found.post_id = _valid(_DIGITS, segs[2])
    elif segs and segs[0].lower() not in _TELEGRAM_RESERVED and not segs[0].startswith("+"):
        found.handle = _valid(_TELEGRAM_HANDLE, segs[0])
        if len(segs) >= 2:
            found.post_id = _valid(_DIGITS, segs[1])
    return found


def _threads(segs: list[str], query: dict[str, str]) -> _Match:
    found = _Match()
    if segs and segs[0].startswith("@"):
        found.handle = _valid(_IG_HANDLE, segs[0][1:])
        if len(segs) >= 3 and segs[1] == "post":
            found.post_id = _valid(_SHORTCODE, segs[2])
    return found


_Recogniser = Callable[[list[str], dict[str, str], str], _Match]
_RECOGNISERS: dict[str, _Recogniser] = {
    "x": lambda segs, query, host: _x(segs, query),
    "instagram": lambda segs, query, host: _instagram(segs, query),
    "tiktok": _tiktok,
    "facebook": _facebook,
    "discord": _discord,
    "bluesky": lambda segs, query, host: _bluesky(segs, query),
    "youtube": _youtube,
    "snapchat": _snapchat,
    "reddit": _reddit,
    "linkedin": _linkedin,
    "twitch": _twitch,
    "telegram": _telegram,
    "threads": lambda segs, query, host: _threads(segs, query),
    # WhatsApp links only open a chat or a group invitation: nothing to read from them.
    "whatsapp": lambda segs, query, host: _Match(),
}


def _ascii_host(host: str, lang: str) -> str:
    """The host in ASCII (punycode) after checking every label, or UrlError."""
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise UrlError("url.bad_host", lang) from error
    host = host.lower()
    if host.startswith("[") or ":" in host:
        return host  # IPv6 literal, already validated by urllib
    if _IPV4.fullmatch(host):
        return host
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise UrlError("url.bad_host", lang)
    return host


def _platform_of(host: str) -> tuple[str, str, str]:
    """(platform, matched base host, canonical host) for a host, or ("", "", host)."""
    labels = host.split(".")
    for index in range(len(labels)):
        base = ".".join(labels[index:])
        platform = _HOSTS.get(base)
        if platform is None:
            continue
        prefix = labels[:index]
        canonical_base = _CANONICAL_HOST.get(base, base)
        if not prefix or (len(prefix) == 1 and prefix[0] in _MOBILE_PREFIXES):
            return platform, base, canonical_base
        # Other subdomains (help.twitter.com, vm.tiktok.com) are kept as they are.
        return platform, base, host
    return "", "", host


def _split_query(query: str) -> list[tuple[str, str, str]]:
    """(raw piece, decoded name, decoded value) for each ``&``-separated piece, in order."""
    pieces = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pieces.append((piece, unquote(name.replace("+", " ")), unquote(value.replace("+", " "))))
    return pieces


def _is_tracking(name: str, platform: str) -> bool:
    lowered = name.lower()
    if lowered in _TRACKING or lowered.startswith("utm_"):
        return True
    # "si" (share id) and "feature" are tracking on YouTube; elsewhere they may mean something.
    return platform == "youtube" and lowered in ("si", "feature", "pp")


def parse_url(text: str, *, lang: str | None = None, now: datetime | None = None) -> PostInfo:
    """Read a post URL: platform, normalised URL, post ID, handle, and decoded time.

    An unknown but valid http(s) URL gives platform ``""`` (another site).  Text
    that is not a web address raises :class:`UrlError` (one translated sentence).
    A URL without a scheme (``x.com/someone/status/1``) is read as ``https://``.
    """
    lang = lang or current_language()
    original = text.strip()
    if not original:
        raise UrlError("url.empty", lang)
    if len(original) > MAX_URL_LENGTH:
        raise UrlError("url.too_long", lang, limit=MAX_URL_LENGTH)
    if _REFUSED_CHARS.search(original):
        raise UrlError("url.control", lang)
    if _SPACE.search(original):
        raise UrlError("url.spaces", lang)

    scheme_match = _SCHEME.match(original)
    if scheme_match and (scheme_match.group(2) or "." not in scheme_match.group(1)):
        scheme = scheme_match.group(1).lower()
        if scheme not in ("http", "https"):
            raise UrlError("url.scheme", lang)
        if not scheme_match.group(2):
            raise UrlError("url.not_a_url", lang)
        candidate = original
    else:
        candidate = "https:" + original if original.startswith("//") else "https://" + original

    # Browsers read "\" as "/" in web URLs: https://evil.com\@x.com/ goes to evil.com.
    head, mark, tail = candidate.partition("?")
    candidate = head.replace("\\", "/") + mark + tail
    try:
        parts = urlsplit(candidate)
        port = parts.port
        raw_host = parts.hostname
    except ValueError as error:
        raise UrlError("url.not_a_url", lang) from error
    if not raw_host:
        raise UrlError("url.not_a_url", lang)
    host = _ascii_host(raw_host, lang)
    if "." not in host and ":" not in host:
        raise UrlError("url.not_a_url", lang)

    warnings: list[tuple[str, dict[str, str]]] = []
    authority = re.split(r"[/?#]", head.partition("//")[2], maxsplit=1)[0]
    if "@" in parts.netloc or "\\" in authority:
        warnings.append(("url.warn.userinfo", {"host": host}))
    if not raw_host.isascii():
        warnings.append(("url.warn.idn", {"host": host}))

    platform, _, out_host = _platform_of(host)
    path = parts.path
    fragment = parts.fragment
    query_pieces = _split_query(parts.query)
    query: dict[str, str] = {}
    for _, name, value in query_pieces:
        query.setdefault(name, value)
    segs = [unquote(seg) for seg in path.split("/") if seg]
    if platform == "x" and not segs and fragment.startswith("!/"):
        # Old hash-bang links: https://twitter.com/#!/someone/status/123
        path, fragment = fragment[1:], ""
        segs = [unquote(seg) for seg in path.split("/") if seg]

    found = _Match()
    if platform:
        if platform != "x" or out_host == "x.com":  # help.twitter.com has no handles
            found = _RECOGNISERS[platform](segs, query, host)
    else:
        mastodon = _mastodon_path(segs, host)
        if mastodon is not None:
            platform, found = "mastodon", mastodon
    if found.short_link:
        warnings.append(("url.warn.short_link", {}))

    # Rebuild the URL from its checked parts: no user info, canonical host, default port dropped.
    if platform and platform != "mastodon":
        scheme = "https"
        keep = _KEEP_QUERY.get(platform, frozenset())
        kept = [raw for raw, name, _ in query_pieces if name in keep]
        fragment = ""
    else:
        scheme = parts.scheme.lower()
        out_host = host
        kept = [raw for raw, name, _ in query_pieces if not _is_tracking(name, platform)]
        if platform == "mastodon":
            kept, fragment = [], ""
    netloc = f"[{out_host}]" if ":" in out_host else out_host
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        netloc += f":{port}"
    url = urlunsplit((scheme, netloc, path, "&".join(kept), fragment))

    posted_at, id_key, id_params = _decode(platform, found.post_id, now)
    if posted_at is not None:
        posted_at = posted_at.replace(microsecond=0)
    if id_key:
        warnings.append((id_key, {"platform": platform_name(platform, lang), **id_params}))
    keys = [key for key, _ in warnings]
    sentences = [t(key, lang, **params) for key, params in warnings]
    return PostInfo(
        platform=platform,
        url=url,
        url_original=original if original != url else "",
        post_id=found.post_id,
        handle=found.handle,
        account_id=found.account_id,
        posted_at=posted_at,
        posted_at_source="post-id" if posted_at is not None else "",
        warning=" ".join(sentences),
        warnings=tuple(keys),
    )


# ---------------------------------------------------------------------------
# Account IDs and profile links

_NUMERIC_ACCOUNTS = frozenset({"x", "discord", "tiktok", "instagram", "facebook"})
_LOOSE_ACCOUNT = re.compile(r"[A-Za-z0-9:._@+=/-]{1,200}")


def check_account_id(platform: str, account_id: str, lang: str | None = None) -> str | None:
    """None when ``account_id`` looks right for the platform, else one sentence saying why.

    An empty ID is valid (it is optional).  X, Discord, TikTok, Instagram and
    Facebook IDs are numbers (X: 1 to 20 digits, below 2**64); Bluesky IDs are
    DIDs (``did:plc:...`` or ``did:web:...``); other platforms only refuse spaces
    and control characters.  Surrounding spaces are ignored (callers strip them).
    """
    value = account_id.strip()
    if not value:
        return None
    name = platform_name(platform, lang)
    if platform in _NUMERIC_ACCOUNTS:
        number = _digits_value(value)
        if number is None or number >= 2**64:
            return t("url.account.digits", lang, platform=name)
        return None
    if platform == "bluesky":
        if not _DID.fullmatch(value):
            return t("url.account.did", lang)
        return None
    if not _LOOSE_ACCOUNT.fullmatch(value):
        return t("url.account.chars", lang)
    return None


def _safe_handle(handle: str, pattern: re.Pattern[str] = _GENERIC_HANDLE) -> str:
    handle = handle.strip().removeprefix("@")
    return handle if pattern.fullmatch(handle) else ""


def account_url(platform: str, account_id: str, handle: str) -> str:
    """A link to the account's profile, preferring the stable ID; ``""`` when unknown.

    X: ``https://x.com/intent/user?user_id=<id>`` (opens the account even after a
    handle change).  Handles that could break out of the URL (``/``, ``?``, spaces)
    are ignored rather than escaped: a profile link must never point elsewhere.
    """
    account_id = account_id.strip()
    if check_account_id(platform, account_id, "en") is not None:
        account_id = ""
    if platform == "x":
        if account_id:
            return f"https://x.com/intent/user?user_id={account_id}"
        name = _safe_handle(handle, _X_HANDLE)
        return f"https://x.com/{name}" if name else ""
    if platform == "facebook" and account_id:
        return f"https://facebook.com/profile.php?id={account_id}"
    if platform == "discord" and account_id:
        return f"https://discord.com/users/{account_id}"
    if platform == "bluesky":
        actor = account_id or _safe_handle(handle, _BSKY_HANDLE)
        return f"https://bsky.app/profile/{actor}" if actor else ""
    if platform == "youtube":
        if _YT_CHANNEL.fullmatch(account_id):
            return f"https://youtube.com/channel/{account_id}"
        name = _safe_handle(handle, _YT_HANDLE)
        return f"https://youtube.com/@{name}" if name else ""
    if platform == "mastodon":
        user, _, server = handle.strip().removeprefix("@").partition("@")
        if _MASTODON_USER.fullmatch(user) and _DOMAIN.fullmatch(server.lower()):
            return f"https://{server.lower()}/@{user}"
        return ""
    name = _safe_handle(handle)
    if not name:
        return ""
    templates = {
        "instagram": "https://instagram.com/{}/",
        "tiktok": "https://tiktok.com/@{}",
        "facebook": "https://facebook.com/{}",
        "snapchat": "https://snapchat.com/add/{}",
        "reddit": "https://reddit.com/user/{}",
        "linkedin": "https://linkedin.com/in/{}",
        "twitch": "https://twitch.tv/{}",
        "telegram": "https://t.me/{}",
        "threads": "https://threads.net/@{}",
    }
    template = templates.get(platform)
    return template.format(quote(name, safe="._-")) if template else ""
