"""Typing a date and time the way people say it, in French or English, in the case's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import HOSTILE_STRINGS, LONG_LINE
from tui.core.timeparse import (
    TimeParseError,
    ambiguity_notice,
    format_datetime,
    is_ambiguous,
    is_nonexistent,
    parse_datetime,
    parse_time_detail,
    time_source_label,
)

PARIS = "Europe/Paris"
# Monday 23 November 2026, 20:00 in Paris.
NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(PARIS))  # type: ignore[misc]


ACCEPTED = [
    ("23/11/2026 14:32", paris(2026, 11, 23, 14, 32)),
    ("23/11/2026 à 14h32", paris(2026, 11, 23, 14, 32)),
    ("23.11.2026 14:32", paris(2026, 11, 23, 14, 32)),
    ("23-11-2026 14:32", paris(2026, 11, 23, 14, 32)),
    ("23/11/26 8h", paris(2026, 11, 23, 8, 0)),
    ("03/04/2026 10:00", paris(2026, 4, 3, 10, 0)),  # day first: 3 April
    ("23/11 14h32", paris(2026, 11, 23, 14, 32)),
    ("23/11 14 h 32", paris(2026, 11, 23, 14, 32)),
    ("2026-11-23T14:32", paris(2026, 11, 23, 14, 32)),
    ("2026-11-23 14:32:05", paris(2026, 11, 23, 14, 32, 5)),
    ("2026-11-23t14:32:05.250", paris(2026, 11, 23, 14, 32, 5, 250000)),
    ("2026/11/23 14:32", paris(2026, 11, 23, 14, 32)),
    ("2026-11-23T13:32:05Z", paris(2026, 11, 23, 14, 32, 5)),
    ("2026-11-23T14:32:05+01:00", paris(2026, 11, 23, 14, 32, 5)),
    ("2026-11-23T08:32-05:00", paris(2026, 11, 23, 14, 32)),
    ("2026-11-23 13:32 UTC", paris(2026, 11, 23, 14, 32)),
    ("hier 22h", paris(2026, 11, 22, 22, 0)),
    ("Hier à 22h15", paris(2026, 11, 22, 22, 15)),
    ("aujourd'hui 9h", paris(2026, 11, 23, 9, 0)),
    ("aujourd’hui 9h", paris(2026, 11, 23, 9, 0)),  # typographic apostrophe
    ("avant-hier 8h30", paris(2026, 11, 21, 8, 30)),
    ("avant hier 8h30", paris(2026, 11, 21, 8, 30)),
    ("yesterday 10pm", paris(2026, 11, 22, 22, 0)),
    ("yesterday at 10 p.m.", paris(2026, 11, 22, 22, 0)),
    ("today 9:15am", paris(2026, 11, 23, 9, 15)),
    ("today 12am", paris(2026, 11, 23, 0, 0)),
    ("today 12pm", paris(2026, 11, 23, 12, 0)),
    ("the day before yesterday 7:05", paris(2026, 11, 21, 7, 5)),
    ("14:32", paris(2026, 11, 23, 14, 32)),
    ("14h", paris(2026, 11, 23, 14, 0)),
    ("midi", paris(2026, 11, 23, 12, 0)),
    ("hier soir 10h", paris(2026, 11, 22, 22, 0)),
    ("hier à 10h du soir", paris(2026, 11, 22, 22, 0)),
    ("hier soir 22h30", paris(2026, 11, 22, 22, 30)),
    ("ce matin 9h", paris(2026, 11, 23, 9, 0)),
    ("this morning 8am", paris(2026, 11, 23, 8, 0)),
    ("yesterday evening 9:30", paris(2026, 11, 22, 21, 30)),
    ("23 nov 2026 14h32", paris(2026, 11, 23, 14, 32)),
    ("23 nov. 2026 14h32", paris(2026, 11, 23, 14, 32)),
    ("lundi 23 novembre 2026 à 14h32", paris(2026, 11, 23, 14, 32)),
    ("le 1er février 2026 à 9h", paris(2026, 2, 1, 9, 0)),
    ("1er fevrier 2026 9h", paris(2026, 2, 1, 9, 0)),
    ("15 août 2026 18:00", paris(2026, 8, 15, 18, 0)),
    ("Nov 23, 2026 2:32 PM", paris(2026, 11, 23, 14, 32)),
    ("Monday, November 23rd, 2026 at 2:32pm", paris(2026, 11, 23, 14, 32)),
    ("23 November 2026 14:32", paris(2026, 11, 23, 14, 32)),
    ("3 mars 14h", paris(2026, 3, 3, 14, 0)),
    ("  23/11/2026   14:32  ", paris(2026, 11, 23, 14, 32)),
    ("２３/１１/２０２６ １４:３２", paris(2026, 11, 23, 14, 32)),  # full-width digits
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_forms_people_type_are_understood(text: str, expected: datetime, lang: str) -> None:
    value = parse_datetime(text, PARIS, now=NOW, lang=lang)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()
    assert str(value.tzinfo) == PARIS


def test_date_alone_is_midnight_and_says_the_time_is_unknown() -> None:
    for text in ("23 novembre 2026", "23/11/2026", "hier", "yesterday"):
        parsed = parse_time_detail(text, PARIS, now=NOW)
        assert parsed.has_time is False
        assert (parsed.value.hour, parsed.value.minute) == (0, 0)
    assert parse_time_detail("hier 22h", PARIS, now=NOW).has_time is True


def test_relative_days_follow_the_case_zone_not_utc() -> None:
    # 23:30 UTC on the 23rd: already the 24th in Paris and Tokyo, still the 23rd in New York.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    for tz, day in (("Asia/Tokyo", 23), (PARIS, 23), ("America/New_York", 22)):
        expected = datetime(2026, 11, day, 10, 0, tzinfo=ZoneInfo(tz))
        assert parse_datetime("hier 10h", tz, now=late) == expected


def test_now_means_now() -> None:
    assert parse_datetime("maintenant", PARIS, now=NOW) == NOW
    assert parse_datetime("now", PARIS, now=NOW) == NOW


REFUSED = [
    ("", "time.empty", "Aucune date", "No date"),
    ("31/02/2026", "time.no_such_date", "Le 31 février 2026 n'existe pas.", "31 February 2026"),
    ("29/02/2026 10h", "time.no_such_date", "29 février 2026", "29 February 2026"),
    ("31 avril 2026", "time.no_such_date", "31 avril 2026", "31 April 2026"),
    ("2026-02-30T10:00", "time.no_such_date", "30 février", "30 February"),
    ("11/23/2026", "time.month_first", "jour/mois/année", "day/month/year"),
    ("11/23/2026 2:32 PM", "time.month_first", "23/11/2026", "23/11/2026"),
    ("23/13/2026", "time.bad_month", "mois n° 13", "month 13"),
    ("25h", "time.bad_time", "25:00", "25:00"),
    ("23/11/2026 14:75", "time.bad_time", "14:75", "14:75"),
    ("13pm", "time.bad_ampm", "1 à 12", "1 to 12"),
    ("0am", "time.bad_ampm", "1 à 12", "1 to 12"),
    ("23/11/1969 10:00", "time.too_old", "1969", "1969"),
    ("24/11/2026 10:00", "time.future", "futur", "future"),
    ("2027-01-01", "time.future", "futur", "future"),
    ("today 23:00", "time.future", "futur", "future"),
    ("24/12 10h", "time.future_no_year", "24/12/2025", "2025-12-24"),
    ("hello", "time.not_understood", "23/11/2026 14:32", "23/11/2026 14:32"),
    ("hier 23/11/2026", "time.not_understood", "Date non comprise", "not understood"),
    ("14:32 15:00", "time.not_understood", "Date non comprise", "not understood"),
    ("hier 9", "time.not_understood", "Date non comprise", "not understood"),
    ("novembre 2026", "time.not_understood", "Date non comprise", "not understood"),
    ("vers 22h", "time.not_understood", "Date non comprise", "not understood"),
    ("hier soir", "time.not_understood", "Date non comprise", "not understood"),
    ("ce matin 14h", "time.not_understood", "Date non comprise", "not understood"),
    ("this morning 8pm", "time.not_understood", "Date non comprise", "not understood"),
    ("2026-11-23T10:00+25:00", "time.not_understood", "Date non comprise", "not understood"),
    (LONG_LINE, "time.not_understood", "Date non comprise", "not understood"),
]


@pytest.mark.parametrize(("text", "key", "french", "english"), REFUSED)
def test_impossible_or_ambiguous_input_gets_a_clear_sentence(
    text: str, key: str, french: str, english: str
) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_datetime(text, PARIS, now=NOW, lang="fr")
    assert caught.value.key == key
    assert french in str(caught.value)
    assert english in caught.value.message("en")
    with pytest.raises(TimeParseError) as in_english:
        parse_datetime(text, PARIS, now=NOW, lang="en")
    assert english in str(in_english.value)


def test_a_minute_of_clock_drift_is_tolerated() -> None:
    assert parse_datetime("20:01", PARIS, now=NOW) == paris(2026, 11, 23, 20, 1)
    with pytest.raises(TimeParseError):
        parse_datetime("20:02", PARIS, now=NOW)


def test_spring_forward_gap_is_refused() -> None:
    # On 29 March 2026 Paris clocks jumped from 02:00 to 03:00.
    spring = datetime(2026, 4, 1, tzinfo=UTC)
    with pytest.raises(TimeParseError) as caught:
        parse_datetime("29/03/2026 02:30", PARIS, now=spring, lang="fr")
    assert caught.value.key == "time.dst_gap"
    assert "29/03/2026" in str(caught.value) and "02:30" in str(caught.value)
    assert parse_datetime("29/03/2026 03:00", PARIS, now=spring) == paris(2026, 3, 29, 3, 0)
    assert is_nonexistent(datetime(2026, 3, 29, 2, 30), PARIS)
    assert not is_nonexistent(datetime(2026, 3, 29, 3, 30), PARIS)


def test_autumn_fold_takes_the_first_occurrence_and_says_so() -> None:
    # On 30 October 2022 Paris went from 03:00 summer time back to 02:00 winter time.
    parsed = parse_time_detail("30/10/2022 02:30", PARIS, now=NOW)
    assert parsed.ambiguous is True
    assert parsed.value.utcoffset() == timedelta(hours=2)  # summer time: the first 02:30
    assert parsed.value.astimezone(UTC) == datetime(2022, 10, 30, 0, 30, tzinfo=UTC)
    assert is_ambiguous(datetime(2022, 10, 30, 2, 30), PARIS)
    assert not is_ambiguous(datetime(2022, 10, 30, 3, 30), PARIS)
    assert not parse_time_detail("30/10/2022 03:30", PARIS, now=NOW).ambiguous


def test_the_fold_notice_names_the_day_and_the_time() -> None:
    parsed = parse_time_detail("30/10/2022 02:30", PARIS, now=NOW)
    assert ambiguity_notice(parsed, "fr") == (
        "Le 30/10/2022, l'heure 02:30 a existé deux fois (passage à l'heure d'hiver)\u00a0:"
        " la première a été retenue."
    )
    assert "2022-10-30" in ambiguity_notice(parsed, "en")
    assert ambiguity_notice(parse_time_detail("hier 22h", PARIS, now=NOW), "fr") == ""


def test_an_explicit_offset_picks_the_second_occurrence_of_a_fold() -> None:
    parsed = parse_time_detail("2022-10-30T02:30+01:00", PARIS, now=NOW)
    assert parsed.ambiguous is False
    assert parsed.value.astimezone(UTC) == datetime(2022, 10, 30, 1, 30, tzinfo=UTC)


def test_far_future_dates_are_refused_in_every_zone() -> None:
    for tz in ("America/New_York", "Pacific/Kiritimati", PARIS):
        with pytest.raises(TimeParseError) as caught:
            parse_datetime("31/12/9999 23:00", tz, now=NOW)
        assert caught.value.key == "time.future"


def test_unknown_time_zone_is_a_clear_error() -> None:
    for tz in ("Mars/Olympus", "../../etc/passwd", ""):
        with pytest.raises(TimeParseError) as caught:
            parse_datetime("23/11/2026 14:32", tz, now=NOW, lang="en")
        assert caught.value.key == "time.bad_zone"


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_hostile_text_is_refused_without_crashing(hostile: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_datetime(hostile, PARIS, now=NOW, lang="fr")
    assert str(caught.value)


@pytest.mark.parametrize(
    ("lang", "seconds", "expected"),
    [
        ("fr", False, "23/11/2026 14:32"),
        ("en", False, "2026-11-23 14:32"),
        ("fr", True, "23/11/2026 14:32:05"),
        ("en", True, "2026-11-23 14:32:05"),
    ],
)
def test_times_are_shown_in_the_case_zone(lang: str, seconds: bool, expected: str) -> None:
    moment = datetime(2026, 11, 23, 13, 32, 5, tzinfo=UTC)
    assert format_datetime(moment, PARIS, lang, seconds=seconds) == expected


def test_formatting_handles_other_offsets_and_bad_zones() -> None:
    moment = datetime(2021, 4, 14, 17, 10, 42, tzinfo=timezone(timedelta(hours=2)))
    assert format_datetime(moment, "America/New_York", "en") == "2021-04-14 11:10"
    assert format_datetime(moment, "Nowhere/Else", "fr") == "14/04/2021 15:10 UTC"


def test_what_is_typed_is_what_is_shown() -> None:
    for text in ("23/11/2026 14:32", "30/10/2022 02:30", "hier 22h"):
        value = parse_datetime(text, PARIS, now=NOW)
        again = parse_datetime(format_datetime(value, PARIS, "fr"), PARIS, now=NOW)
        assert again == value
        english = parse_datetime(format_datetime(value, PARIS, "en"), PARIS, now=NOW)
        assert english == value


@pytest.mark.parametrize(
    ("source", "french", "english"),
    [
        ("typed", "saisie", "typed"),
        ("post-id", "tirée du numéro du message", "decoded from the post ID"),
        ("file-metadata", "tirée des données du fichier", "read from the file's metadata"),
        ("file-name", "tirée du nom du fichier", "read from the file name"),
        ("capture", "horloge de la capture", "capture clock"),
        ("", "origine non précisée", "source not recorded"),
        ("[/foo]", "origine non précisée", "source not recorded"),
    ],
)
def test_time_sources_are_named_for_people(source: str, french: str, english: str) -> None:
    assert time_source_label(source, "fr") == french
    assert time_source_label(source, "en") == english


def test_random_input_only_ever_raises_time_parse_error() -> None:
    import random

    pieces = [
        "23", "/", "11", "2026", "-", ".", ":", "h", "14", "32", " ", "pm", "am", "hier",
        "nov", "novembre", "à", "T", "Z", "+01:00", "00", "99", "1er", "soir", "matin",
        ",", "today", "\x1b", "[/foo]", "٣", "２", "'", "'hui", "aujourd", "0", "12",
    ]  # fmt: skip
    rng = random.Random(20261123)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        try:
            value = parse_datetime(text, PARIS, now=NOW, lang="fr")
        except TimeParseError as error:
            assert str(error)
        else:
            assert value.tzinfo is not None
            assert value <= NOW + timedelta(minutes=1)
