"""What a post's URL says: platform, post ID, account handle, and when it was posted.

Everything here is a pure function over strings: no network, no Textual.  A URL
pasted into Abri was usually chosen by the harasser, so it is treated as hostile:

* it is parsed with :mod:`urllib.parse` and the platform is recognised from the
  *real* host only (``https://x.com@evil.com/...`` leads to ``evil.com``, and says
  so in :attr:`PostInfo.warning`); backslashes count as slashes, as in browsers;
* internationalised host names are compared in their ASCII (punycode) form, so a
  look-alike such as ``xn--80ak6aa92e.com`` is never taken for a known platform;
* control characters, non-web schemes (``javascript:``) and absurdly long input
  are refused with :class:`UrlError`, whose ``str`` is one translated sentence.

People paste what their phone gives them, so the front door is forgiving
(:func:`extract_url`): surrounding brackets, quotes and trailing punctuation are
dropped, and from share text ("Regarde ça https://…") the first address is taken
and the rest reported in :attr:`PostInfo.ignored_text`.

The normalised URL drops tracking parameters (``?s=20``, ``utm_*``, ``fbclid``,
``igsh``, ``si``...), lowercases the host, removes ``www.``/``m.``/``mobile.`` on
known platforms and turns ``twitter.com`` (and its mirrors) into ``x.com``.  The
original text is kept in :attr:`PostInfo.url_original` when it differs.

Several platforms encode the creation time in their post IDs (see FACTS.md);
:func:`decode_id_time` decodes it and refuses impossible results (before the
platform used such numbers, in the future, X IDs from before time-based
numbering).  Share links and short links are never decoded: their token is not a
post number.  A link to a comment records the comment separately
(:attr:`PostInfo.comment_id`); the parent post's time is never shown as the
comment's.  IDs stay strings everywhere; Python integers decode 64-bit values
exactly.
"""

from __future__ import annotations

import base64
import binascii
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
    "jeuxvideo": "jeuxvideo.com",
    "kick": "Kick",
    "pinterest": "Pinterest",
    "tumblr": "Tumblr",
    "pleroma": "Pleroma / Akkoma",
    "misskey": "Misskey",
}
"""Platform id -> display name (brand names are not translated). ``""`` means other."""

MAX_URL_LENGTH = 8192
"""Longer input is refused: no real post URL is that long, and it keeps work bounded."""

FUTURE_TOLERANCE = timedelta(minutes=5)
"""A decoded time this far past ``now`` is refused (clocks drift a little)."""

X_FIRST_SNOWFLAKE = 29_700_859_247
"""X IDs below this are older sequential numbers that carry no time (FACTS.md)."""

APPROXIMATE_PLATFORMS: frozenset[str] = frozenset({"tiktok", "threads"})
"""Platforms whose IDs are minted a little before the time the platform shows.

TikTok: 7 to 31 s before; Threads (Instagram's formula): seconds to minutes
before (issue 13, checked against posts whose displayed time is known)."""


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
    """The URL as given (without brackets or share text), or ``""`` when equal to :attr:`url`."""
    post_id: str
    handle: str
    """The account's handle as it appears in the URL, without ``@`` (Mastodon: ``user@server``)."""
    account_id: str
    """A stable account ID when the URL holds one (X intent links, Bluesky DIDs...)."""
    posted_at: datetime | None
    """When the message the URL points at was published (UTC), decoded from its ID, or None.

    For a link to a comment this is the *comment's* time (LinkedIn encodes it),
    never the parent post's: see :attr:`parent_posted_at`."""
    posted_at_source: str
    """``"post-id"`` when :attr:`posted_at` was decoded, else ``""``.

    The decoded time is kept to the second, as platforms show it and as the
    complaint's table prints it; :func:`decode_id_time` gives the exact value.
    """
    warning: str
    """Sentences worth showing (a disguised host, a short link, an impossible ID...).

    It may explain why :attr:`posted_at` is None, or qualify a decoded time
    (Bluesky times are set by the poster's app); ``""`` when nothing to say."""
    comment_id: str = ""
    """The comment (or reply) the link points at, under the post :attr:`post_id`."""
    posted_at_approximate: bool = False
    """True when the decoded time is close to, not exactly, the one the platform shows."""
    parent_posted_at: datetime | None = None
    """For a comment link whose comment carries no time: the parent post's decoded time.

    The comment is later than this; it is said in :attr:`warning`, never put in
    :attr:`posted_at`."""
    ignored_text: str = ""
    """Text pasted around the address and left out (share text), shortened and cleaned."""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """The message keys behind :attr:`warning`, for tests and re-translation."""

    def evidence_fields(self) -> dict[str, Any]:
        """The :class:`~tui.core.case.Evidence` fields this URL fills (``dataclasses.replace``)."""
        return {
            "url": self.url,
            "url_original": self.url_original,
            "platform": self.platform,
            "post_id": self.post_id,
            "comment_id": self.comment_id,
            "account_handle": self.handle,
            "account_id": self.account_id,
            "posted_at": self.posted_at,
            "posted_at_source": self.posted_at_source,
            "posted_at_approximate": self.posted_at_approximate,
        }


# ---------------------------------------------------------------------------
# Decoding times from IDs

_X_EPOCH_MS = 1_288_834_974_657
_DISCORD_EPOCH_MS = 1_420_070_400_000
_INSTAGRAM_EPOCH_MS = 1_314_220_021_721
_MISSKEY_EPOCH_MS = 946_684_800_000  # 2000-01-01, "TIME2000" in Misskey's aid.ts
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def _utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


# The earliest time a genuine ID of each platform can carry: anything earlier is a
# wrong or pre-timestamp ID, or a token that is not an ID at all.
_FLOOR: dict[str, datetime] = {
    "x": datetime.fromtimestamp(_X_EPOCH_MS / 1000, UTC),
    "discord": _utc(2015, 1, 1),  # Discord's epoch; it opened in May 2015
    "mastodon": _utc(2016, 3, 1),  # first release March 2016; old sequential IDs give 1970
    "bluesky": _utc(2022, 1, 1),
    # Instagram's ID epoch is 2011-08-24, but app share tokens (/share/BAF0C-s3fM)
    # decode to September-October 2011: nothing before 2012 is taken for a post.
    "instagram": _utc(2012, 1, 1),
    "threads": _utc(2023, 7, 5),  # Threads opened on 5 July 2023
    "tiktok": _utc(2016, 9, 1),  # Douyin (same numbering) opened in September 2016
    "linkedin": _utc(2003, 5, 5),  # LinkedIn's launch
    "misskey": _utc(2014, 1, 1),  # the project's start; aid IDs came later
}
# Per URL form: Instagram stories (numbered with the media ID) exist since August 2016.
_STORY_FLOOR = _utc(2016, 8, 2)

_DIGITS = re.compile(r"[0-9]{1,20}")
_MISSKEY_AID = re.compile(r"[0-9a-z]{10}|[0-9a-z]{16}")  # aid (8+2) and aidx (8+4+4)


def _digits_value(post_id: str) -> int | None:
    # ASCII digits only: str.isdigit() would accept "²" or Arabic-Indic digits.
    if _DIGITS.fullmatch(post_id) is None:
        return None
    return int(post_id)


def _instagram_media_id(shortcode: str) -> int | None:
    if not shortcode or any(char not in _B64_ALPHABET for char in shortcode):
        return None
    if shortcode.isalpha() and (shortcode.islower() or shortcode.isupper()):
        # A word (/p/highlights/): real shortcodes mix cases and digits; a random
        # 10-11 character code is in one case only about once in 10,000.
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
    if platform == "misskey":
        if _MISSKEY_AID.fullmatch(post_id) is None:
            return None, 0
        stamp = int(post_id[:8], 36)
        return stamp + _MISSKEY_EPOCH_MS, stamp
    if platform in ("instagram", "threads"):
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
    platform: str, post_id: str, now: datetime | None, floor: datetime | None = None
) -> tuple[datetime | None, str, dict[str, str]]:
    """(time, warning key or "", its parameters): the logic behind :func:`decode_id_time`."""
    if platform not in TIME_PLATFORMS or not post_id:
        return None, "", {}
    if platform == "x":
        value = _digits_value(post_id)
        if value is not None and value < X_FIRST_SNOWFLAKE:
            return None, "url.id.pre_snowflake", {}
    millis, stamp = _raw_id_time(platform, post_id)
    if millis is None and platform == "misskey":
        return None, "", {}  # servers may use other ID kinds (meid, ulid...): no time read
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
    if moment < max(_FLOOR[platform], floor or _FLOOR[platform]):
        return None, "url.id.before_epoch", {"date": _format_utc(moment)}
    if platform == "bluesky":
        return moment, "url.id.bluesky_claim", {}
    if platform in APPROXIMATE_PLATFORMS:
        return moment, f"url.id.approximate.{platform}", {}
    return moment, "", {}


def decode_id_time(
    platform: str, post_id: str, *, now: datetime | None = None, lang: str | None = None
) -> tuple[datetime | None, str]:
    """The creation time a post ID carries, as ``(time in UTC, warning)``.

    ``(None, "")`` when the platform's IDs carry no time or the ID is empty.
    ``(None, sentence)`` when the ID is malformed or decodes to an impossible time
    (before the platform used such numbers, more than a few minutes after ``now``,
    an X ID from before time-based IDs).  Bluesky times come with a caveat in the
    warning (its IDs are made by the poster's app, a claim rather than a proof);
    TikTok and Threads times with "approximate" (their IDs are minted a little
    before publication, see :data:`APPROXIMATE_PLATFORMS`).
    """
    moment, key, params = _decode(platform, post_id, now)
    if not key:
        return moment, ""
    return moment, t(key, lang, platform=platform_name(platform, lang), **params)


# Account IDs: X user IDs became time-based (snowflakes) in 2013; older ones are
# sequential numbers below the first snowflake.  Discord user IDs are snowflakes.
_ACCOUNT_FLOOR: dict[str, datetime] = {
    "x": _utc(2013, 1, 1),
    "discord": _utc(2015, 1, 1),
}


def account_created_at(
    platform: str, account_id: str, *, now: datetime | None = None, lang: str | None = None
) -> tuple[datetime | None, str]:
    """When an account was created, read from its ID, as ``(time in UTC, note)``.

    Only X user IDs after the 2013 switch to time-based numbers and Discord user
    IDs carry it (FACTS.md formulas).  ``(None, "")`` for other platforms or an
    empty ID; ``(None, sentence)`` for an older sequential X ID (no date in it) or a
    number that decodes to an impossible time.  Accounts created for a raid stand
    out: their creation times are days or hours before the messages.
    """
    account_id = account_id.strip()
    if platform not in _ACCOUNT_FLOOR or not account_id:
        return None, ""
    name = platform_name(platform, lang)
    value = _digits_value(account_id)
    if value is None:
        return None, t("url.account.digits", lang, platform=name)
    if platform == "x" and value < X_FIRST_SNOWFLAKE:
        return None, t("url.account.sequential", lang)
    moment, key, params = _decode(platform, account_id, now, _ACCOUNT_FLOOR[platform])
    if key:
        return None, t(key, lang, platform=name, **params)
    return (moment.replace(microsecond=0) if moment else None), ""


# ---------------------------------------------------------------------------
# The front door: what people paste

# Control characters (C0, DEL, C1), and invisible format characters that could
# disguise a URL (bidi overrides, zero-width, BOM).
_REFUSED_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
_TOKEN = re.compile(r"\S+")
_WEB_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_BARE_HOST = re.compile(r"(?:[^\W_](?:[\w-]{0,62})\.)+[^\W\d_]{2,63}(?::[0-9]{1,5})?(?:[/?#]|$)")
# Invisible characters some apps put around a copied link (zero-width space, word
# joiner, BOM, bidi marks): dropped at the edges only; inside an address they are refused.
_EDGE_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069"
)
_OPENERS = "([{<\"'«“‘„‹`*¡¿" + _EDGE_INVISIBLE
_TRAILERS = ".,;:!?\"'»”’›`*。、，：；！？" + _EDGE_INVISIBLE
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_ELLIPSES = ("…", "...")
_IGNORED_SHOWN = 80
"""At most this many characters of ignored share text are reported back."""


def _trim(candidate: str) -> str:
    """The candidate without wrapping brackets/quotes and trailing punctuation.

    A closing bracket is kept when the address itself opened one
    (``https://fr.wikipedia.org/wiki/Raid_(Internet)``); a trailing ellipsis is
    kept so that :func:`parse_url` can say the address was cut short.  Linear in
    the length: hostile text of thousands of brackets is trimmed at once.
    """
    start, end = 0, len(candidate)
    while start < end and candidate[start] in _OPENERS:
        start += 1
    counts: dict[str, int] = {}  # brackets left in candidate[start:end], counted once
    while start < end:
        if candidate.endswith(_ELLIPSES, start, end):
            break
        last = candidate[end - 1]
        opener = _CLOSERS.get(last)
        if opener is not None and not counts:
            counts = {char: candidate.count(char, start, end) for char in "()[]{}<>"}
        if last in _TRAILERS or (opener is not None and counts[last] > counts[opener]):
            end -= 1
            if last in counts:
                counts[last] -= 1
        else:
            break
    return candidate[start:end]


_WORD_EDGES = "()[]{}<>\"'«»“”‘’„‹›`*"


def _clean_ignored(text: str) -> str:
    # Brackets, quotes and lone punctuation that wrapped the address are not worth reporting.
    words = (word.strip(_WORD_EDGES) for word in _REFUSED_CHARS.sub("", text).split())
    text = " ".join(word for word in words if any(char.isalnum() for char in word))
    if len(text) > _IGNORED_SHOWN:
        text = text[: _IGNORED_SHOWN - 1].rstrip() + "…"
    return text


def extract_url(text: str) -> tuple[str, str]:
    """The web address in pasted text, and the text left out around it.

    Wrapping brackets, quotes and trailing punctuation that cannot end an
    address are dropped (``(https://…).``, ``<https://…>``, ``"https://…"``).
    From share text (``Regarde ça https://… #raid``) the first address is taken:
    the first ``http(s)://`` one, else the first bare one (``x.com/…``).  Text
    that is a single word is returned trimmed, so that :func:`parse_url` can say
    what is wrong with it; text of several words without any address gives
    ``("", text)``.  The ignored part is cleaned of control characters and
    shortened; it is ``""`` when only punctuation was dropped.
    """
    text = text.strip()
    tokens = list(_TOKEN.finditer(text))
    chosen: tuple[int, int] | None = None
    bare: tuple[int, int] | None = None
    for token in tokens:
        value = token.group()
        scheme = _WEB_SCHEME.search(value)
        if scheme is not None:
            start = token.start() + scheme.start()
            trimmed = _trim(text[start : token.end()])
            chosen = (start, start + len(trimmed))
            break
        if bare is None:
            trimmed = _trim(value)
            if trimmed and _BARE_HOST.match(trimmed):
                offset = token.start() + value.index(trimmed)
                bare = (offset, offset + len(trimmed))
    chosen = chosen or bare
    if chosen is None:
        if len(tokens) == 1:
            trimmed = _trim(text)
            return (trimmed or text), ""
        return "", _clean_ignored(text)
    start, end = chosen
    return text[start:end], _clean_ignored(text[:start] + " " + text[end:])


# ---------------------------------------------------------------------------
# Recognising URLs

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
    "t.co": "x",
    # Read-only mirrors of X posts (Nitter and its public instances).
    "xcancel.com": "x",
    "nitter.net": "x",
    "nitter.poast.org": "x",
    "nitter.privacydev.net": "x",
    "nitter.space": "x",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "fb.me": "facebook",
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
    "jeuxvideo.com": "jeuxvideo",
    "kick.com": "kick",
    "pinterest.com": "pinterest",
    "pinterest.fr": "pinterest",
    "pinterest.ca": "pinterest",
    "pinterest.ch": "pinterest",
    "pinterest.de": "pinterest",
    "pinterest.es": "pinterest",
    "pinterest.it": "pinterest",
    "pinterest.co.uk": "pinterest",
    "pin.it": "pinterest",
    "tumblr.com": "tumblr",
    "tmblr.co": "tumblr",
}
# Hosts that only mirror another one: links are stored with the canonical host.
_CANONICAL_HOST = {
    "twitter.com": "x.com",
    "fxtwitter.com": "x.com",
    "vxtwitter.com": "x.com",
    "fixupx.com": "x.com",
    "fixvx.com": "x.com",
    "xcancel.com": "x.com",
    "nitter.net": "x.com",
    "nitter.poast.org": "x.com",
    "nitter.privacydev.net": "x.com",
    "nitter.space": "x.com",
    "instagr.am": "instagram.com",
    "fb.com": "facebook.com",
    "discordapp.com": "discord.com",
    "youtube-nocookie.com": "youtube.com",
    "telegram.me": "t.me",
    "telegram.dog": "t.me",
    "threads.com": "threads.net",
    "pinterest.fr": "pinterest.com",
    "pinterest.ca": "pinterest.com",
    "pinterest.ch": "pinterest.com",
    "pinterest.de": "pinterest.com",
    "pinterest.es": "pinterest.com",
    "pinterest.it": "pinterest.com",
    "pinterest.co.uk": "pinterest.com",
}
_MOBILE_PREFIXES = frozenset({"www", "m", "mobile", "mbasic", "web", "touch"})
# Hosts whose links are short links or redirections whatever their path.
_SHORT_HOSTS = frozenset(
    {
        "t.co",
        "fb.watch",
        "fb.me",
        "lnkd.in",
        "pin.it",
        "tmblr.co",
        "vm.tiktok.com",
        "vt.tiktok.com",
        "t.snapchat.com",
        "go.bsky.app",
        # General-purpose shorteners seen in share text.
        "bit.ly",
        "tinyurl.com",
        "goo.gl",
        "ow.ly",
        "buff.ly",
        "is.gd",
        "cutt.ly",
        "shorturl.at",
        "rebrand.ly",
        "t.ly",
        "urlz.fr",
    }
)
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

# Misskey (and fork) servers: "/notes/<id>" is recognised there only.
_MISSKEY_SERVERS = frozenset(
    {"misskey.io", "misskey.design", "misskey.art", "misskey.gg", "sushi.ski", "nijimiss.moe"}
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
    "youtube": frozenset({"v", "t", "list", "index", "lc", "lb", "start"}),
    "linkedin": frozenset({"commentUrn", "replyUrn", "dashCommentUrn", "dashReplyUrn", "id"}),
    "twitch": frozenset({"t", "clip"}),
    "telegram": frozenset({"comment", "thread", "single"}),
    "x": frozenset({"user_id", "screen_name"}),  # intent links name the account
    "kick": frozenset({"clip"}),
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
    {
        "p",
        "reel",
        "reels",
        "tv",
        "stories",
        "explore",
        "accounts",
        "direct",
        "about",
        "legal",
        "share",
        "s",
    }
)
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_TIKTOK_HANDLE = re.compile(r"[A-Za-z0-9_.]{1,32}")
_FB_HANDLE = re.compile(r"[A-Za-z0-9.\-_]{1,80}")
_FB_RESERVED = frozenset(
    {
        "groups",
        "group",
        "group.php",
        "watch",
        "reel",
        "reels",
        "share",
        "photo",
        "photo.php",
        "photos",
        "profile.php",
        "permalink.php",
        "story.php",
        "stories",
        "messages",
        "events",
        "marketplace",
        "pages",
        "gaming",
        "hashtag",
        "login",
        "l.php",
        "video.php",
        "notifications",
        "friends",
        "search",
        "help",
    }
)
_FB_POST = re.compile(r"(?:[0-9]{1,25}|pfbid[A-Za-z0-9]{10,80})")
_FB_COMMENT = re.compile(r"[0-9]{1,25}")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_]{1,64}")
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}")
_BSKY_HANDLE = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{1,63}")
_DID = re.compile(r"did:(?:plc:[a-z2-7]{24}|web:(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63})")
_YT_VIDEO = re.compile(r"[A-Za-z0-9_-]{11}")
_YT_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YT_HANDLE = re.compile(r"[A-Za-z0-9._-]{3,30}")
_YT_OPAQUE = re.compile(r"Ug[A-Za-z0-9_-]{10,60}(?:\.[A-Za-z0-9_-]{10,40})?")
_GENERIC_HANDLE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_REDDIT_ID = re.compile(r"[a-z0-9]{1,13}")
_REDDIT_USER = re.compile(r"[A-Za-z0-9_-]{3,20}")
_LINKEDIN_ACTIVITY = re.compile(r"activity[-:]([0-9]{19})")
_LINKEDIN_URN = re.compile(r"urn:li:(activity|share|ugcPost):([0-9]{1,20})", re.IGNORECASE)
# urn:li:comment:(activity:<post>,<comment>) or (urn:li:ugcPost:<post>,<comment>)
_LINKEDIN_COMMENT = re.compile(
    r"urn:li:comment:\((?:urn:li:)?(?:activity|share|ugcPost):([0-9]{1,20}),([0-9]{1,20})\)",
    re.IGNORECASE,
)
# urn:li:fsd_comment:(<comment>,urn:li:activity:<post>)
_LINKEDIN_DASH_COMMENT = re.compile(
    r"urn:li:fsd_comment:\(([0-9]{1,20}),urn:li:(?:activity|share|ugcPost):([0-9]{1,20})\)",
    re.IGNORECASE,
)
_TWITCH_HANDLE = re.compile(r"[A-Za-z0-9_]{3,25}")
_TWITCH_RESERVED = frozenset(
    {"videos", "directory", "settings", "search", "p", "downloads", "clip", "clips", "embed"}
)
_TELEGRAM_HANDLE = re.compile(r"[A-Za-z0-9_]{3,32}")
_TELEGRAM_RESERVED = frozenset({"joinchat", "addstickers", "share", "proxy", "c", "s", "iv"})
_JVC_TOPIC = re.compile(r"(?:1|42)-([0-9]{1,10})-([0-9]{1,12})-[0-9]{1,6}-[0-9-]*(?:.*)\.htm")
_JVC_PSEUDO = re.compile(r"[A-Za-z0-9_\-\[\]]{3,15}")
_KICK_HANDLE = re.compile(r"[A-Za-z0-9_-]{2,25}")
_KICK_RESERVED = frozenset(
    {"categories", "category", "following", "search", "video", "videos", "clips", "browse"}
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_KICK_CLIP = re.compile(r"clip_[0-9A-Za-z]{10,40}")
_PINTEREST_USER = re.compile(r"[A-Za-z0-9_]{3,30}")
_PINTEREST_RESERVED = frozenset(
    {"pin", "search", "ideas", "today", "explore", "settings", "business", "categories"}
)
_TUMBLR_BLOG = re.compile(r"[A-Za-z0-9-]{1,32}")
_TUMBLR_RESERVED = frozenset(
    {"blog", "dashboard", "explore", "tagged", "search", "settings", "login", "register", "tags"}
)
_PLEROMA_FLAKE = re.compile(r"[A-Za-z0-9]{16,22}")


@dataclass
class _Match:
    """What a platform's recogniser read from the path."""

    post_id: str = ""
    handle: str = ""
    account_id: str = ""
    comment_id: str = ""
    short_link: bool = False
    """A short or share link: its token is not the post's number."""
    comment_time: bool = False
    """The comment ID carries its own time (decoded with the platform's formula)."""
    floor: datetime | None = None
    """A later floor than the platform's, for this URL form."""
    path: str | None = None
    """A rewritten path for the normalised URL (``/STATUS/`` → ``/status/``, mirrors)."""
    fragment: str = ""
    """A fragment worth keeping (a message anchor), else dropped on known platforms."""


def _valid(pattern: re.Pattern[str], text: str) -> str:
    return text if pattern.fullmatch(text) else ""


def _lower(segs: list[str]) -> list[str]:
    # Path keywords are matched case-blind (/STATUS/, /P/); IDs and handles keep their case.
    return [seg.lower() for seg in segs]


def _x(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if low[:2] == ["intent", "user"] or low[:2] == ["intent", "follow"]:
        found.account_id = _valid(_DIGITS, query.get("user_id", ""))
        found.handle = _valid(_X_HANDLE, query.get("screen_name", ""))
        return found
    if low[:1] == ["i"]:
        if len(segs) >= 4 and low[1] == "web" and low[2] == "status":
            found.post_id = _valid(_DIGITS, segs[3])
        elif len(segs) >= 3 and low[1] == "status":
            found.post_id = _valid(_DIGITS, segs[2])
        elif len(segs) >= 3 and low[1] == "user":
            found.account_id = _valid(_DIGITS, segs[2])
        return found
    if segs and low[0] not in _X_RESERVED:
        found.handle = _valid(_X_HANDLE, segs[0])
    if len(segs) >= 3 and low[1] in ("status", "statuses"):
        found.post_id = _valid(_DIGITS, segs[2])
        if found.post_id and segs[1] != "status":
            # /STATUS/ and /statuses/ are stored as the post's usual address.
            rest = "/".join(segs[3:])
            found.path = f"/{segs[0]}/status/{found.post_id}" + (f"/{rest}" if rest else "")
    return found


def _instagram(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    first = low[0] if low else ""
    if first in ("share", "s"):
        # App share links (/share/reel/<token>, /share/p/<token>, /share/<token>) and
        # highlight shares (/s/<token>): the token is not the post's shortcode.
        found.short_link = True
        return found
    code_at = -1
    if len(segs) >= 2 and first in ("p", "reel", "reels", "tv"):
        code_at = 1
    elif len(segs) >= 3 and low[1] in ("p", "reel", "tv"):
        # Newer links name the account first: /<user>/p/<shortcode>/
        found.handle = _valid(_IG_HANDLE, segs[0]) if first not in _IG_RESERVED else ""
        code_at = 2
    elif len(segs) >= 2 and first == "stories":
        if low[1] == "highlights":
            return found  # a highlight is a collection of stories, not a post or an account
        found.handle = _valid(_IG_HANDLE, segs[1])
        if len(segs) >= 3:
            found.post_id = _valid(_DIGITS, segs[2])
            found.floor = _STORY_FLOOR
    elif len(segs) == 1 and first not in _IG_RESERVED:
        found.handle = _valid(_IG_HANDLE, segs[0])
    if code_at > 0 and low[code_at] not in ("audio", "explore", "liked_by"):
        found.post_id = _valid(_SHORTCODE, segs[code_at])
        rest = low[code_at + 1 :]
        # Comment links: /p/<code>/c/<comment>/ and /p/<code>/c/<comment>/r/<reply>/
        if found.post_id and len(rest) >= 2 and rest[0] == "c":
            found.comment_id = _valid(_DIGITS, segs[code_at + 2])
            if len(rest) >= 4 and rest[2] == "r":
                found.comment_id = _valid(_DIGITS, segs[code_at + 4]) or found.comment_id
    return found


def _tiktok(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if low[:1] == ["t"]:
        found.short_link = True
        return found
    if segs and segs[0].startswith("@"):
        found.handle = _valid(_TIKTOK_HANDLE, segs[0][1:])
        if len(segs) >= 3 and low[1] in ("video", "photo"):
            found.post_id = _valid(_DIGITS, segs[2])
    elif len(segs) >= 2 and low[0] == "v":
        found.post_id = _valid(_DIGITS, segs[1].removesuffix(".html"))
    elif len(segs) >= 2 and low[0] == "embed":
        found.post_id = _valid(_DIGITS, segs[-1])
    return found


def _facebook_comment(value: str) -> str:
    """A Facebook comment ID: digits, or base64 of ``comment:<post>_<comment>``."""
    if _FB_COMMENT.fullmatch(value):
        return value
    if not re.fullmatch(r"[A-Za-z0-9+/=_-]{8,120}", value):
        return ""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_").decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    match = re.fullmatch(r"comment:[0-9]{1,25}_([0-9]{1,25})", decoded)
    return match.group(1) if match else ""


def _facebook(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    first = low[0] if low else ""
    if first == "share":
        found.short_link = True  # /share/p/<token>, /share/r/<token>, /share/v/<token>
        return found
    if first in ("permalink.php", "story.php"):
        found.post_id = _valid(_FB_POST, query.get("story_fbid", ""))
        found.account_id = _valid(_DIGITS, query.get("id", ""))
    elif first in ("photo.php", "photo", "video.php"):
        found.post_id = _valid(_FB_POST, query.get("fbid", "") or query.get("v", ""))
    elif first == "watch":
        found.post_id = _valid(_DIGITS, query.get("v", ""))
    elif first == "profile.php":
        found.account_id = _valid(_DIGITS, query.get("id", ""))
    elif first in ("groups", "group") and len(segs) >= 4 and low[2] in ("posts", "permalink"):
        found.post_id = _valid(_FB_POST, segs[3])
    elif first == "group.php" or (first in ("groups", "group") and "view" in query):
        found.post_id = _valid(_FB_POST, query.get("id", "")) if query.get("view") else ""
    elif first in ("reel", "reels") and len(segs) >= 2:
        found.post_id = _valid(_DIGITS, segs[1])
    elif first == "stories" and len(segs) >= 3:
        # /stories/<account id>/<story token>/: the token is not a post number.
        found.account_id = _valid(_DIGITS, segs[1])
    elif first and first not in _FB_RESERVED:
        found.handle = _valid(_FB_HANDLE, segs[0])
        if len(segs) >= 3 and low[1] in ("posts", "videos", "photos"):
            found.post_id = _valid(_FB_POST, segs[-1])
    if found.post_id or found.handle:
        found.comment_id = _facebook_comment(
            query.get("reply_comment_id", "") or query.get("comment_id", "")
        )
    return found


def _discord(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if len(segs) >= 4 and low[0] == "channels":
        # /channels/<server id or @me>/<channel id>/<message id>
        if (segs[1] == "@me" or _DIGITS.fullmatch(segs[1])) and _DIGITS.fullmatch(segs[2]):
            found.post_id = _valid(_DIGITS, segs[3])
    elif len(segs) >= 2 and low[0] == "users":
        found.account_id = _valid(_DIGITS, segs[1])
    return found


def _is_domain(host: str) -> bool:
    """A public-looking domain name (not an IP address, not ``localhost``)."""
    labels = host.split(".")
    return len(labels) >= 2 and labels[-1].isalpha() and _DOMAIN.fullmatch(host) is not None


def _is_misskey(host: str) -> bool:
    # "/notes/<id>" is too common a path to mean Misskey on any site (a blog's
    # /notes/abcdefghij would decode to a plausible date): known servers only.
    return host in _MISSKEY_SERVERS or host.split(".")[0] in ("misskey", "sharkey")


def _fediverse_path(segs: list[str], host: str) -> tuple[str, _Match] | None:
    """A Mastodon, Pleroma/Akkoma or Misskey post or profile on any server, or None."""
    if not _is_domain(host):
        return None  # 127.0.0.1/@u/123 is a test server, not a Mastodon post
    low = _lower(segs)
    if low[:1] == ["web"]:
        if len(segs) == 3 and low[1] == "statuses":
            post = _valid(_DIGITS, segs[2])
            return (
                ("mastodon", _Match(post_id=post, path=f"/web/statuses/{post}")) if post else None
            )
        segs, low = segs[1:], low[1:]
    if len(segs) == 4 and low[0] == "users" and low[2] == "statuses":
        user = _valid(_MASTODON_USER, segs[1])
        post = _valid(_DIGITS, segs[3])
        if user and post:
            return "mastodon", _Match(post_id=post, handle=f"{user}@{host}")
        return None
    if len(segs) == 2 and low[0] == "notice":
        post = _valid(_PLEROMA_FLAKE, segs[1])
        return ("pleroma", _Match(post_id=post)) if post else None
    if len(segs) == 2 and low[0] == "objects":
        post = _valid(_UUID, segs[1])
        return ("pleroma", _Match(post_id=post)) if post else None
    if len(segs) == 2 and low[0] == "notes" and _is_misskey(host):
        post = _valid(_GENERIC_HANDLE, segs[1])
        return ("misskey", _Match(post_id=post)) if post else None
    if len(segs) == 1 and segs[0].startswith("@") and _is_misskey(host):
        user, _, server = segs[0][1:].partition("@")
        if _MASTODON_USER.fullmatch(user) and (not server or _DOMAIN.fullmatch(server.lower())):
            return "misskey", _Match(handle=f"{user}@{server.lower() or host}")
        return None
    if segs and segs[0].startswith("@") and len(segs) <= 3:
        user, _, server = segs[0][1:].partition("@")
        if not _MASTODON_USER.fullmatch(user):
            return None
        if server and not _DOMAIN.fullmatch(server.lower()):
            return None
        handle = f"{user}@{server.lower() or host}"
        if len(segs) >= 2:
            post = _valid(_DIGITS, segs[1])
            if not post or (len(segs) == 3 and low[2] != "embed"):
                return None
            # /@user/<id>/embed is the same post in an embeddable frame.
            return "mastodon", _Match(post_id=post, handle=handle, path=f"/{segs[0]}/{post}")
        return ("mastodon", _Match(handle=handle)) if host in _MASTODON_SERVERS else None
    return None


def _bluesky(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if len(segs) >= 2 and low[0] == "profile":
        actor = segs[1]
        if _DID.fullmatch(actor):
            found.account_id = actor
        else:
            found.handle = _valid(_BSKY_HANDLE, actor).lower()
        if len(segs) >= 4 and low[2] == "post" and _bluesky_tid(segs[3]) is not None:
            found.post_id = segs[3]
    return found


def _youtube(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    first = low[0] if low else ""
    if host == "youtu.be":
        found.post_id = _valid(_YT_VIDEO, segs[0] if segs else "")
    elif first == "watch":
        found.post_id = _valid(_YT_VIDEO, query.get("v", ""))
    elif first in ("shorts", "live", "embed", "v") and len(segs) >= 2:
        found.post_id = _valid(_YT_VIDEO, segs[1])
    elif first == "post" and len(segs) >= 2:
        found.post_id = _valid(_YT_OPAQUE, segs[1])
    else:
        if first == "channel" and len(segs) >= 2:
            found.account_id = _valid(_YT_CHANNEL, segs[1])
        elif first.startswith("@"):
            found.handle = _valid(_YT_HANDLE, segs[0][1:])
        elif first in ("c", "user") and len(segs) >= 2:
            found.handle = _valid(_YT_HANDLE, segs[1])
        # Community posts: /channel/<id>/community?lb=<post> or /@name/community?lb=<post>
        if "community" in low or "posts" in low:
            found.post_id = _valid(_YT_OPAQUE, query.get("lb", ""))
    if found.post_id:
        found.comment_id = _valid(_YT_OPAQUE, query.get("lc", ""))
    return found


def _snapchat(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    first = low[0] if low else ""
    if first == "t":
        found.short_link = True
    elif first == "add" and len(segs) >= 2:
        found.handle = _valid(_GENERIC_HANDLE, segs[1])
    elif first.startswith("@"):
        found.handle = _valid(_GENERIC_HANDLE, segs[0][1:])
        if len(segs) >= 3 and low[1] == "spotlight":
            found.post_id = _valid(_GENERIC_HANDLE, segs[2])
    elif first == "spotlight" and len(segs) >= 2:
        found.post_id = _valid(_GENERIC_HANDLE, segs[1])
    return found


def _reddit(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    if host == "redd.it":
        found.post_id = _valid(_REDDIT_ID, segs[0].lower()) if segs else ""
        return found
    low = _lower(segs)
    if len(segs) >= 2 and low[0] in ("user", "u"):
        found.handle = _valid(_REDDIT_USER, segs[1])
        segs, low = segs[2:], low[2:]
    elif len(segs) >= 2 and low[0] == "r":
        if len(segs) >= 4 and low[2] == "s":
            found.short_link = True  # share link: /r/<sub>/s/<code>
            return found
        segs, low = segs[2:], low[2:]
    if len(segs) >= 2 and low[0] == "comments":
        found.post_id = _valid(_REDDIT_ID, low[1])
        # /comments/<post>/<slug>/<comment>/: the hostile message is often the comment.
        if found.post_id and len(segs) >= 4:
            found.comment_id = _valid(_REDDIT_ID, low[3])
    return found


def _linkedin(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    first = low[0] if low else ""
    if first == "feed" and len(segs) >= 3 and low[1] == "update":
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
    # Comment links: ?commentUrn=urn:li:comment:(activity:<post>,<comment>), a reply in
    # replyUrn; newer links use dashCommentUrn=urn:li:fsd_comment:(<comment>,urn:li:...).
    for name in ("replyUrn", "commentUrn"):
        comment = _LINKEDIN_COMMENT.fullmatch(query.get(name, ""))
        if comment:
            found.post_id = found.post_id or comment.group(1)
            found.comment_id = comment.group(2)
            break
    else:
        for name in ("dashReplyUrn", "dashCommentUrn"):
            comment = _LINKEDIN_DASH_COMMENT.fullmatch(query.get(name, ""))
            if comment:
                found.post_id = found.post_id or comment.group(2)
                found.comment_id = comment.group(1)
                break
    # LinkedIn comment IDs are numbered like activities: they carry their own time.
    found.comment_time = bool(found.comment_id)
    return found


def _twitch(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if host.startswith("clips."):
        slug = query.get("clip", "") if low[:1] == ["embed"] else (segs[0] if segs else "")
        found.post_id = _valid(_GENERIC_HANDLE, slug)
        return found
    first = low[0] if low else ""
    if first == "videos" and len(segs) >= 2:
        found.post_id = _valid(_DIGITS, segs[1])
    elif first == "clip" and len(segs) >= 2:
        found.post_id = _valid(_GENERIC_HANDLE, segs[1])  # m.twitch.tv/clip/<slug>
    elif first and first not in _TWITCH_RESERVED:
        found.handle = _valid(_TWITCH_HANDLE, segs[0])
        if len(segs) >= 3 and low[1] in ("clip", "v", "video", "videos"):
            found.post_id = _valid(_GENERIC_HANDLE, segs[2])
    return found


def _telegram(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if low[:1] == ["s"]:
        segs, low = segs[1:], low[1:]
    if len(segs) >= 3 and low[0] == "c":
        # Private chat: /c/<chat id>/<message id>, in a forum: /c/<chat id>/<topic>/<message>
        found.account_id = _valid(_DIGITS, segs[1])
        found.post_id = _valid(_DIGITS, segs[-1]) if len(segs) <= 4 else ""
    elif segs and low[0] not in _TELEGRAM_RESERVED and not segs[0].startswith("+"):
        found.handle = _valid(_TELEGRAM_HANDLE, segs[0])
        if 2 <= len(segs) <= 3:
            # /<channel>/<message>, in a forum group: /<group>/<topic>/<message>
            found.post_id = _valid(_DIGITS, segs[-1])
    if found.post_id:
        found.comment_id = _valid(_DIGITS, query.get("comment", ""))
    return found


def _threads(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if segs and segs[0].startswith("@"):
        found.handle = _valid(_IG_HANDLE, segs[0][1:])
        if len(segs) >= 3 and low[1] == "post":
            found.post_id = _valid(_SHORTCODE, segs[2])
    elif len(segs) >= 2 and low[0] == "t":
        found.post_id = _valid(_SHORTCODE, segs[1])  # threads.net/t/<code>
    return found


def _jeuxvideo(segs: list[str], query: dict[str, str], host: str, fragment: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if len(segs) >= 3 and low[:2] == ["forums", "message"]:
        found.post_id = _valid(_DIGITS, segs[2])  # one message: /forums/message/<id>
    elif len(segs) >= 2 and low[0] == "forums":
        topic = _JVC_TOPIC.fullmatch(segs[1])
        if topic:
            # A topic: /forums/42-<forum>-<topic>-<page>-...htm; #post_<id> is one message in it.
            found.post_id = topic.group(2)
            anchor = re.fullmatch(r"post_([0-9]{1,12})", fragment)
            if anchor:
                found.comment_id = anchor.group(1)
                found.fragment = fragment
    elif len(segs) >= 2 and low[0] == "profil":
        found.handle = _valid(_JVC_PSEUDO, segs[1].removesuffix(".html"))
    return found


def _kick(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if segs and low[0] not in _KICK_RESERVED:
        found.handle = _valid(_KICK_HANDLE, segs[0])
        if len(segs) >= 3 and low[1] in ("videos", "video"):
            found.post_id = _valid(_UUID, segs[2])
        elif len(segs) >= 3 and low[1] == "clips":
            found.post_id = _valid(_KICK_CLIP, segs[2])
        elif "clip" in query:
            found.post_id = _valid(_KICK_CLIP, query["clip"])
    return found


def _pinterest(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    if len(segs) >= 2 and low[0] == "pin":
        found.post_id = _valid(_DIGITS, segs[1])
    elif segs and low[0] not in _PINTEREST_RESERVED:
        found.handle = _valid(_PINTEREST_USER, segs[0])  # /<user>/ or /<user>/<board>/
    return found


def _tumblr(segs: list[str], query: dict[str, str], host: str) -> _Match:
    found = _Match()
    low = _lower(segs)
    labels = host.split(".")
    if len(labels) == 3 and labels[0] not in _MOBILE_PREFIXES:
        # <blog>.tumblr.com/post/<id>/<slug>
        found.handle = _valid(_TUMBLR_BLOG, labels[0])
        if len(segs) >= 2 and low[0] == "post":
            found.post_id = _valid(_DIGITS, segs[1])
        return found
    if len(segs) >= 4 and low[:2] == ["blog", "view"]:
        segs = segs[2:]  # tumblr.com/blog/view/<blog>/<id>
    elif segs and low[0] in _TUMBLR_RESERVED:
        return found
    if segs:
        found.handle = _valid(_TUMBLR_BLOG, segs[0])  # tumblr.com/<blog>/<id>/<slug>
        if len(segs) >= 2:
            found.post_id = _valid(_DIGITS, segs[1])
    return found


_Recogniser = Callable[[list[str], dict[str, str], str], _Match]
_RECOGNISERS: dict[str, _Recogniser] = {
    "x": _x,
    "instagram": _instagram,
    "tiktok": _tiktok,
    "facebook": _facebook,
    "discord": _discord,
    "bluesky": _bluesky,
    "youtube": _youtube,
    "snapchat": _snapchat,
    "reddit": _reddit,
    "linkedin": _linkedin,
    "twitch": _twitch,
    "telegram": _telegram,
    "threads": _threads,
    # WhatsApp links only open a chat or a group invitation: nothing to read from them.
    "whatsapp": lambda segs, query, host: _Match(),
    "kick": _kick,
    "pinterest": _pinterest,
    "tumblr": _tumblr,
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
        if platform == "pinterest" and len(prefix) == 1 and len(prefix[0]) == 2:
            return platform, base, canonical_base  # fr.pinterest.com: a language, same pin
        # Other subdomains (help.twitter.com, vm.tiktok.com) are kept as they are.
        return platform, base, host
    if labels[0] == "nitter" and _is_domain(host):
        return "x", host, "x.com"  # any Nitter instance mirrors X posts
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


_FEDIVERSE = frozenset({"mastodon", "pleroma", "misskey"})
"""Platforms recognised by the shape of the path on any server: the host is kept."""


def parse_url(text: str, *, lang: str | None = None, now: datetime | None = None) -> PostInfo:
    """Read a post URL: platform, normalised URL, post and comment IDs, handle, decoded time.

    ``text`` may be what a phone's share sheet gives: the address is taken out of
    it with :func:`extract_url` (brackets, quotes, trailing punctuation and the
    words around it are left out, and :attr:`PostInfo.ignored_text` says what).
    An unknown but valid http(s) URL gives platform ``""`` (another site).  Text
    that holds no web address raises :class:`UrlError` (one translated sentence).
    A URL without a scheme (``x.com/someone/status/1``) is read as ``https://``.
    Short links and share links are recognised and say so; their token is never
    decoded as a post number.
    """
    lang = lang or current_language()
    pasted = text.strip()
    if not pasted:
        raise UrlError("url.empty", lang)
    if len(pasted) > MAX_URL_LENGTH:
        raise UrlError("url.too_long", lang, limit=MAX_URL_LENGTH)
    original, ignored = extract_url(pasted)
    if not original:
        raise UrlError("url.none_in_text", lang)
    if _REFUSED_CHARS.search(original):
        raise UrlError("url.control", lang)
    if original.endswith(_ELLIPSES):
        # Apps shorten long addresses for display ("https://x.com/someone/status/13823…"):
        # what is left would give a wrong number, and a wrong date.
        raise UrlError("url.truncated", lang)

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
    if ignored:
        warnings.append(("url.warn.ignored", {"text": ignored}))

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
    short_host = host.removeprefix("www.") in _SHORT_HOSTS
    if short_host:
        found.short_link = True  # t.co, pin.it, vm.tiktok.com, bit.ly...: nothing to read
    elif platform == "jeuxvideo":
        found = _jeuxvideo(segs, query, host, fragment)
    elif platform:
        if platform != "x" or out_host == "x.com":  # help.twitter.com has no handles
            found = _RECOGNISERS[platform](segs, query, host)
    else:
        fediverse = _fediverse_path(segs, host)
        if fediverse is not None:
            platform, found = fediverse
    if found.short_link:
        warnings.append(("url.warn.short_link", {}))

    # Rebuild the URL from its checked parts: no user info, canonical host, default port dropped.
    if found.path is not None:
        path = found.path
    if platform and platform not in _FEDIVERSE:
        scheme = "https"
        keep = _KEEP_QUERY.get(platform, frozenset())
        kept = [raw for raw, name, _ in query_pieces if name in keep]
        fragment = found.fragment
    else:
        scheme = parts.scheme.lower()
        out_host = host
        kept = [raw for raw, name, _ in query_pieces if not _is_tracking(name, platform)]
        if platform:
            kept, fragment = [], ""
    netloc = f"[{out_host}]" if ":" in out_host else out_host
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        netloc += f":{port}"
    url = urlunsplit((scheme, netloc, path, "&".join(kept), fragment))

    name = platform_name(platform, lang)
    posted_at, id_key, id_params = _decode(platform, found.post_id, now, found.floor)
    parent_posted_at: datetime | None = None
    if found.comment_id and found.comment_time:
        # The comment's own number carries its time (LinkedIn): that is the time to show.
        posted_at, id_key, id_params = _decode(platform, found.comment_id, now)
        if posted_at is not None:
            warnings.append(("url.comment.own_time", {}))
    elif found.comment_id:
        # The comment's time is not in the address: the post's is only a lower bound,
        # never shown as when the comment was published.
        if posted_at is not None:
            parent_posted_at = posted_at.replace(microsecond=0)
            warnings.append(("url.comment.parent_time", {"date": _format_utc(posted_at)}))
            id_key, id_params = "", {}
        else:
            warnings.append(("url.comment.no_time", {}))
        posted_at = None
    if posted_at is not None:
        posted_at = posted_at.replace(microsecond=0)
    if id_key:
        warnings.append((id_key, {"platform": name, **id_params}))
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
        comment_id=found.comment_id,
        posted_at_approximate=posted_at is not None and platform in APPROXIMATE_PLATFORMS,
        parent_posted_at=parent_posted_at,
        ignored_text=ignored,
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
            return _did_problem(value, lang)
        return None
    if not _LOOSE_ACCOUNT.fullmatch(value):
        return t("url.account.chars", lang)
    return None


def _did_problem(value: str, lang: str | None) -> str:
    """What is wrong with a Bluesky account ID, said so that it can be put right.

    "starts with did:plc:" alone was read as a riddle by someone whose ID did start
    that way: a did:plc has exactly 24 characters (a-z, 2-7) after the prefix.
    """
    rest = value.removeprefix("did:plc:")
    if rest != value:
        if not re.fullmatch(r"[a-z2-7]*", rest):
            return t("url.account.did-plc-chars", lang)
        return t("url.account.did-plc-length", lang, length=len(rest))
    return t("url.account.did", lang)


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
    if platform in ("mastodon", "misskey"):
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
        "kick": "https://kick.com/{}",
        "pinterest": "https://pinterest.com/{}/",
        "tumblr": "https://tumblr.com/{}",
        "jeuxvideo": "https://www.jeuxvideo.com/profil/{}?mode=infos",
    }
    template = templates.get(platform)
    return template.format(quote(name, safe="._-")) if template else ""
