"""Forgiving date and time entry (French and English), in the case's time zone.

People type times the way they say them: ``23/11/2026 14:32``, ``23/11 14h32``,
``hier 22h``, ``aujourd'hui 9h``, ``yesterday 10pm``, ``Nov 23, 2026 2:32 PM``,
``2026-11-23T14:32:05+01:00``.  :func:`parse_datetime` reads all of these with
hand-written rules (no dependency: ``dateparser`` is far too slow to import) and
returns an *aware* datetime in the case's IANA zone.  Anything it cannot read
for sure raises :class:`TimeParseError` whose ``str`` is one translated sentence.

Rules, chosen so that a time in a complaint is never a silent guess:

* Numeric dates are always **day first** (French usage): ``03/04/2026`` is 3 April.
  ``11/23/2026`` is refused (there is no month 23) with a message saying so.
* Without a year (``23/11 14h32``) the current year is used; if that lands in the
  future the entry is refused and the message suggests adding the year.  We never
  guess "last year" silently.
* A time alone (``14:32``) means today; a date alone means midnight
  (:attr:`ParsedTime.has_time` is False so the caller can say "time unknown").
* A local time skipped by the spring DST change (``29/03/2026 02:30`` in Paris) is
  refused.  A local time that happens twice in autumn (``30/10/2022 02:30``) gets
  the **first** occurrence (summer time, ``fold=0``) and
  :attr:`ParsedTime.ambiguous` is True; typing an offset
  (``2022-10-30T02:30+01:00``) picks the other one.
* A time more than a minute after ``now`` is refused: a post cannot come from the
  future.  Years before 1970 are refused too.
* ``hier soir 10h`` / ``yesterday evening 9:30`` mean 22:00 / 21:30; ``ce matin 14h``
  contradicts itself and is refused.  Vague words (``vers``, ``nuit``) are refused.
* :func:`ambiguity_notice` gives the sentence to show after an autumn-fold entry.

``now`` is injectable everywhere for tests.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tui.core.i18n import current_language, t

FUTURE_TOLERANCE = timedelta(minutes=1)
"""A typed time later than ``now`` by more than this is refused."""

MIN_YEAR = 1970
MAX_INPUT = 100
"""Longer input is not a date; refusing it early keeps the regexes cheap."""


class TimeParseError(ValueError):
    """The text is not a date/time Abri can record for sure.

    ``str(error)`` is one sentence in the language asked for; :attr:`key` and
    :attr:`params` allow :meth:`message` to translate it again.
    """

    def __init__(self, key: str, lang: str | None = None, **params: Any) -> None:
        self.key = key
        self.params = params
        self.lang = lang
        super().__init__(self.message(lang))

    def message(self, lang: str | None = None) -> str:
        """The same sentence in another language (month names follow the language)."""
        params = dict(self.params)
        if "month_number" in params:
            params["month_name"] = month_name(int(params.pop("month_number")), lang)
        for name, value in params.items():
            if isinstance(value, datetime):
                params[name] = _date_text(value, lang)
        return t(self.key, lang, **params)


@dataclass(frozen=True)
class ParsedTime:
    """What :func:`parse_time_detail` read."""

    value: datetime
    """Aware, in the case's zone."""
    ambiguous: bool = False
    """The local time happened twice (autumn DST change); the first one was taken."""
    has_time: bool = True
    """False when only a date was typed: the value is that day's midnight."""


def zone(tz: str, lang: str | None = None) -> ZoneInfo:
    """The :class:`ZoneInfo` for an IANA name, or :class:`TimeParseError` if unknown."""
    if not tz or len(tz) > 64 or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", tz) or ".." in tz:
        raise TimeParseError("time.bad_zone", lang, zone=tz[:64])
    try:
        return ZoneInfo(tz)
    except (ValueError, OSError, KeyError) as error:
        raise TimeParseError("time.bad_zone", lang, zone=tz) from error


def month_name(month: int, lang: str | None = None) -> str:
    """The month's name in the language (``novembre`` / ``November``)."""
    return t(f"time.month.{month}", lang)


def is_nonexistent(naive: datetime, tz: str) -> bool:
    """True when this wall-clock time never happened in ``tz`` (spring DST gap)."""
    local = naive.replace(tzinfo=None)
    place = zone(tz)
    back = local.replace(tzinfo=place).astimezone(UTC).astimezone(place)
    return back.replace(tzinfo=None) != local


def is_ambiguous(naive: datetime, tz: str) -> bool:
    """True when this wall-clock time happened twice in ``tz`` (autumn DST fold)."""
    local = naive.replace(tzinfo=None)
    place = zone(tz)
    first = local.replace(tzinfo=place, fold=0).utcoffset()
    second = local.replace(tzinfo=place, fold=1).utcoffset()
    return first != second and not is_nonexistent(local, tz)


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "janvier janv jan january",
        "février fevrier févr fevr fév fev feb february",
        "mars mar march",
        "avril avr apr april",
        "mai may",
        "juin jun june",
        "juillet juil jul july",
        "août aout aou aug august",
        "septembre sept sep september",
        "octobre oct october",
        "novembre nov november",
        "décembre decembre déc dec december",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_WEEKDAYS = frozenset(
    (
        *("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        *("lun", "mer", "jeu", "ven", "sam", "dim"),  # not "mar": that is March
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun"),
    )
)
_RELATIVE = {
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "auj": 0,
    "today": 0,
    "hier": -1,
    "yesterday": -1,
    "avant-hier": -2,
}
_NOW_WORDS = frozenset({"maintenant", "now"})
_NOON = {"midi": 12, "noon": 12, "minuit": 0, "midnight": 0}
_UTC_WORDS = frozenset({"utc", "gmt", "z"})
# "hier soir 10h" is 22:00; "ce matin 9h" is 09:00.  Night is left out: "cette nuit 2h"
# and "last night 11" point to different days depending on who speaks.
_PERIODS = {
    "matin": "am",
    "morning": "am",
    "soir": "pm",
    "après-midi": "pm",
    "apres-midi": "pm",
    "aprem": "pm",
    "evening": "pm",
    "afternoon": "pm",
}
# Little words around dates and times: "le 23 novembre à 14h", "on Nov 23 at 2pm".
_FILLERS = frozenset(
    {"à", "a", "at", "le", "on", "the", "of", "de", "du", "en", "in", "ce", "cet", "cette", "this"}
)

_ISO = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:t|\s+)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,9}))?)?)?"
    r"\s*(?P<off>z|utc|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_TOKEN = re.compile(
    r"""
      (?P<ymd>(?P<ymd_y>[0-9]{4})[/.-](?P<ymd_m>[0-9]{1,2})[/.-](?P<ymd_d>[0-9]{1,2}))
    | (?P<dmy>(?P<dmy_d>[0-9]{1,2})[/.-](?P<dmy_m>[0-9]{1,2})
          (?:[/.-](?P<dmy_y>[0-9]{4}|[0-9]{2}))?)(?![0-9])
    | (?P<t12>(?P<t12_h>[0-9]{1,2})(?::(?P<t12_m>[0-9]{2})(?::(?P<t12_s>[0-9]{2}))?)?
          \s*(?P<ampm>am|pm)\b)
    | (?P<tc>(?P<tc_h>[0-9]{1,2}):(?P<tc_m>[0-9]{2})(?::(?P<tc_s>[0-9]{2}))?)(?![0-9])
    | (?P<th>(?P<th_h>[0-9]{1,2})\s?h\s?(?P<th_m>[0-9]{2})?)(?![0-9a-z])
    | (?P<num>[0-9]{1,4})(?:er|re|st|nd|rd|th|e)?(?![0-9a-z])
    | (?P<word>[a-zà-ÿ][a-zà-ÿ'-]*)\.?
    | (?P<sep>[\s,;]+)
    """,
    re.VERBOSE,
)


@dataclass
class _Pieces:
    """What the tokens said, before any checking."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    relative: int | None = None
    hour: int | None = None
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    ampm: str = ""
    period: str = ""
    offset: tzinfo | None = None
    now_word: bool = False
    dates: int = 0
    times: int = 0


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    text = text.replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"\bavant\s+hier\b", "avant-hier", text)
    text = re.sub(r"\b(?:the\s+)?day\s+before\s+yesterday\b", "avant-hier", text)
    return re.sub(r"\baujourd\s*'\s*hui\b", "aujourd'hui", text)


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text in ("z", "utc"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 18 or minutes > 59:
        raise ValueError("offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _from_iso(match: re.Match[str]) -> _Pieces:
    found = _Pieces(year=int(match["y"]), month=int(match["mo"]), day=int(match["d"]), dates=1)
    if match["h"] is not None:
        found.hour, found.minute = int(match["h"]), int(match["mi"])
        found.second = int(match["s"] or 0)
        found.microsecond = int((match["frac"] or "0")[:6].ljust(6, "0"))
        found.times = 1
    found.offset = _offset(match["off"])
    return found


def _from_tokens(text: str, lang: str | None) -> _Pieces:
    found = _Pieces()
    numbers: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise TimeParseError("time.not_understood", lang)
        position = match.end()
        kind = match.lastgroup
        if match["ymd"]:
            found.year, found.month, found.day = (
                int(match["ymd_y"]),
                int(match["ymd_m"]),
                int(match["ymd_d"]),
            )
            found.dates += 1
        elif match["dmy"]:
            found.day, found.month = int(match["dmy_d"]), int(match["dmy_m"])
            if match["dmy_y"]:
                year = int(match["dmy_y"])
                found.year = year + 2000 if len(match["dmy_y"]) == 2 else year
            found.dates += 1
        elif match["t12"]:
            found.hour = int(match["t12_h"])
            found.minute = int(match["t12_m"] or 0)
            found.second = int(match["t12_s"] or 0)
            found.ampm = match["ampm"]
            found.times += 1
        elif match["tc"]:
            found.hour, found.minute = int(match["tc_h"]), int(match["tc_m"])
            found.second = int(match["tc_s"] or 0)
            found.times += 1
        elif match["th"]:
            found.hour, found.minute = int(match["th_h"]), int(match["th_m"] or 0)
            found.times += 1
        elif match["num"]:
            numbers.append(match["num"])
        elif match["word"]:
            _word(match["word"], found, lang)
        elif kind != "sep":
            raise TimeParseError("time.not_understood", lang)
    if numbers:
        # Bare numbers only make sense beside a month name: "23 nov 2026", "Nov 23, 2026".
        if found.month is None or found.dates != 1 or found.day is not None:
            raise TimeParseError("time.not_understood", lang)
        for number in numbers:
            if len(number) == 4 and found.year is None:
                found.year = int(number)
            elif len(number) <= 2 and found.day is None:
                found.day = int(number)
            else:
                raise TimeParseError("time.not_understood", lang)
        if found.day is None:
            raise TimeParseError("time.not_understood", lang)
    elif found.month is not None and found.day is None:
        raise TimeParseError("time.not_understood", lang)
    return found


def _word(word: str, found: _Pieces, lang: str | None) -> None:
    word = word.rstrip(".")
    if word in _MONTHS:
        found.month = _MONTHS[word]
        found.dates += 1
    elif word in _RELATIVE:
        found.relative = _RELATIVE[word]
        found.dates += 1
    elif word in _NOON:
        found.hour = _NOON[word]
        found.times += 1
    elif word in _NOW_WORDS:
        found.now_word = True
    elif word in _PERIODS:
        found.period = _PERIODS[word]
    elif word in _UTC_WORDS:
        found.offset = UTC
    elif word not in _WEEKDAYS and word not in _FILLERS:
        raise TimeParseError("time.not_understood", lang)


def _check_time(found: _Pieces, lang: str | None) -> None:
    hour = found.hour if found.hour is not None else 0
    if found.ampm and found.period and found.ampm != found.period:
        raise TimeParseError("time.not_understood", lang)  # "this morning 8pm"
    if found.ampm:
        if not 1 <= hour <= 12:
            raise TimeParseError("time.bad_ampm", lang)
        hour = hour % 12 + (12 if found.ampm == "pm" else 0)
    elif found.period:
        if found.hour is None or (found.period == "am" and hour > 12):
            raise TimeParseError("time.not_understood", lang)
        if found.period == "pm" and hour < 12:
            hour += 12
    if hour > 23 or found.minute > 59 or found.second > 59:
        shown = f"{found.hour or 0:02d}:{found.minute:02d}"
        raise TimeParseError("time.bad_time", lang, time=shown)
    found.hour = hour


def _check_date(year: int, month: int, day: int, lang: str | None) -> None:
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 1 <= month <= 31:
            # Probably typed month first (11/23/2026): suggest the day-first spelling.
            suggestion = f"{month:02d}/{day:02d}/{year}"
            raise TimeParseError("time.month_first", lang, month=month, suggestion=suggestion)
        raise TimeParseError("time.bad_month", lang, month=month)
    if year < MIN_YEAR:
        raise TimeParseError("time.too_old", lang, year=year)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise TimeParseError("time.no_such_date", lang, day=day, month_number=month, year=year)


def _refuse_future(naive: datetime, year_given: bool, lang: str | None) -> None:
    if not year_given:
        # 29 February exists only in leap years: suggest the previous one.
        back = 1 if (naive.month, naive.day) != (2, 29) else 4
        example = naive.replace(year=naive.year - back)
        raise TimeParseError("time.future_no_year", lang, date=naive, example=example)
    raise TimeParseError("time.future", lang)


def parse_time_detail(
    text: str, tz: str, *, now: datetime | None = None, lang: str | None = None
) -> ParsedTime:
    """Read a typed date/time: the aware value in ``tz`` plus whether it was ambiguous.

    Raises :class:`TimeParseError` (one translated sentence) for anything empty,
    unreadable, impossible (31/02, 25h, 11/23/2026), skipped by a DST change, in
    the future, or before 1970.  See the module docstring for the rules.
    """
    lang = lang or current_language()
    place = zone(tz, lang)
    current = (now or datetime.now(UTC)).astimezone(place)
    cleaned = _normalise(text)
    if not cleaned:
        raise TimeParseError("time.empty", lang)
    if len(cleaned) > MAX_INPUT:
        raise TimeParseError("time.not_understood", lang)

    iso = _ISO.fullmatch(cleaned)
    try:
        found = _from_iso(iso) if iso else _from_tokens(cleaned, lang)
    except ValueError as error:
        if isinstance(error, TimeParseError):
            raise
        raise TimeParseError("time.not_understood", lang) from error
    if found.now_word:
        if found.dates or found.times:
            raise TimeParseError("time.not_understood", lang)
        return ParsedTime(current.replace(microsecond=0))
    if found.dates > 1 or found.times > 1 or (found.dates == 0 and found.times == 0):
        raise TimeParseError("time.not_understood", lang)

    has_time = found.times == 1
    _check_time(found, lang)
    year_given = True
    if found.relative is not None:
        day = current.date() + timedelta(days=found.relative)
        year, month, day_number = day.year, day.month, day.day
    elif found.month is None:
        year, month, day_number = current.year, current.month, current.day
    else:
        year_given = found.year is not None
        year = found.year if found.year is not None else current.year
        month, day_number = found.month, found.day or 1
        _check_date(year, month, day_number, lang)

    naive = datetime(
        year, month, day_number, found.hour or 0, found.minute, found.second, found.microsecond
    )
    if naive > current.replace(tzinfo=None) + timedelta(days=2):
        # Clearly in the future whatever the zone; refusing now also keeps year 9999
        # away from zone conversions that would overflow.
        _refuse_future(naive, year_given, lang)
    ambiguous = False
    if found.offset is not None:
        value = naive.replace(tzinfo=found.offset).astimezone(place)
    else:
        if is_nonexistent(naive, tz):
            raise TimeParseError("time.dst_gap", lang, time=naive.strftime("%H:%M"), date=naive)
        ambiguous = is_ambiguous(naive, tz)
        value = naive.replace(tzinfo=place, fold=0)

    if value > current + FUTURE_TOLERANCE:
        _refuse_future(naive, year_given, lang)
    return ParsedTime(value=value, ambiguous=ambiguous, has_time=has_time)


def ambiguity_notice(parsed: ParsedTime, lang: str | None = None) -> str:
    """The sentence to show when a typed time happened twice (DST fold), else ``""``."""
    if not parsed.ambiguous:
        return ""
    return t(
        "time.ambiguous",
        lang,
        date=_date_text(parsed.value, lang),
        time=parsed.value.strftime("%H:%M"),
    )


def parse_datetime(
    text: str, tz: str, *, now: datetime | None = None, lang: str | None = None
) -> datetime:
    """Read a typed date/time; an aware datetime in ``tz``, or :class:`TimeParseError`.

    A time that happened twice (autumn DST change) gives the first occurrence; use
    :func:`parse_time_detail` to know when that happened and tell the person.
    """
    return parse_time_detail(text, tz, now=now, lang=lang).value


def _date_text(moment: datetime, lang: str | None) -> str:
    return moment.strftime("%Y-%m-%d" if (lang or current_language()) == "en" else "%d/%m/%Y")


def format_datetime(dt: datetime, tz: str, lang: str, *, seconds: bool = False) -> str:
    """A time for people, in the case's zone: fr ``23/11/2026 14:32``, en ``2026-11-23 14:32``.

    English uses the ISO order so that British and American readers cannot swap day
    and month.  ``seconds=True`` adds ``:05``.  A naive value is taken as UTC; an
    unknown zone falls back to UTC and says so (`` UTC`` suffix) rather than failing.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    suffix = ""
    try:
        place: tzinfo = zone(tz, lang)
    except TimeParseError:
        place, suffix = UTC, " UTC"
    try:
        local = dt.astimezone(place)
    except OverflowError:
        local, suffix = dt, ""  # year 1 or 9999: show it as stored
    clock = "%H:%M:%S" if seconds else "%H:%M"
    date = "%Y-%m-%d" if lang == "en" else "%d/%m/%Y"
    return local.strftime(f"{date} {clock}") + suffix


def time_source_label(source: str, lang: str | None = None) -> str:
    """Where a time came from, for people: "saisie", "tirée du numéro du message"...

    Sources are :data:`tui.core.case.TIME_SOURCES`; ``""`` or anything unknown
    reads "source not recorded", so a time is never shown as more certain than it is.
    """
    known = {"typed", "post-id", "file-metadata", "file-name", "capture"}
    return t(f"time.source.{source if source in known else 'none'}", lang)
