"""The dossier prints each entry's "still online?" timeline, worded as what it indicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from docx import Document

from tests.export.conftest import CaseFactory
from tui.core.case import CaptureRecord, OnlineCheck
from tui.export import export_case

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NBSP = "\u00a0"


def _with_history(make_case: CaseFactory, lang: str) -> object:
    casefile = make_case(2, lang=lang)
    first, second = casefile.case.evidence
    checked = replace(
        first,
        captures=(CaptureRecord(at=T0, finished_at=T0, url=first.url, verdict="loaded"),),
        checks=(
            OnlineCheck(T0 + timedelta(days=1), "online", "x-syndication", 200, "post"),
            OnlineCheck(T0 + timedelta(days=2), "rate-limited", "x-syndication", 429),
            OnlineCheck(T0 + timedelta(days=3), "removed", "x-syndication", 200, "tombstone"),
        ),
    )
    casefile.case.evidence = [checked, second]
    casefile.save()
    return casefile


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_the_word_dossier_prints_seen_online_then_removed(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = _with_history(make_case, "fr")
    [written] = export_case(casefile, ["docx"], tmp_path / "out")  # type: ignore[arg-type]
    lines = [text for text in _paragraphs(written.path) if text.startswith("Suivi de la")]
    # One line, for the entry that was captured and checked; none for the other.
    assert lines == [
        f"Suivi de la publication{NBSP}: vue en ligne 2 fois, du 01/12/2026 11:00:00 (UTC+01:00) "
        f"au 02/12/2026 11:00:00 (UTC+01:00){NBSP}; "
        f"supprimée le 04/12/2026 11:00:00 (UTC+01:00) (chaque vérification indique ce que le "
        f"site montrait à ce moment{NBSP}; aucune ne prouve)"
    ]
    assert not any("en ligne vue en ligne" in text for text in _paragraphs(written.path))


def _sightings(make_case: CaseFactory, lang: str) -> object:
    """Online at 15:16, 15:17 and 15:19 (Paris), removed at 15:20: the trial's case."""
    casefile = make_case(1, lang=lang)
    [entry] = casefile.case.evidence
    at = datetime(2026, 12, 1, 14, 16, tzinfo=UTC)
    casefile.case.evidence = [
        replace(
            entry,
            captures=(CaptureRecord(at=at, finished_at=at, url=entry.url, verdict="loaded"),),
            checks=(
                OnlineCheck(at + timedelta(minutes=1), "online", "x-syndication", 200, "post"),
                OnlineCheck(at + timedelta(minutes=3), "online", "x-syndication", 200, "post"),
                OnlineCheck(at + timedelta(minutes=4), "removed", "x-syndication", 200, "x"),
            ),
        )
    ]
    casefile.save()
    return casefile


def test_the_last_sighting_online_is_printed_before_the_removal(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = _sightings(make_case, "fr")
    [written] = export_case(casefile, ["docx"], tmp_path / "fr")  # type: ignore[arg-type]
    [line] = [text for text in _paragraphs(written.path) if text.startswith("Suivi de la")]
    assert line.startswith(
        f"Suivi de la publication{NBSP}: vue en ligne 3 fois, du 01/12/2026 15:16:00 "
        f"(UTC+01:00) au 01/12/2026 15:19:00 (UTC+01:00){NBSP}; supprimée le 01/12/2026 "
        "15:20:00 (UTC+01:00) ("
    )


def test_the_english_dossier_prints_the_last_sighting_too(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = _sightings(make_case, "en")
    [written] = export_case(casefile, ["docx"], tmp_path / "en")  # type: ignore[arg-type]
    [line] = [text for text in _paragraphs(written.path) if text.startswith("Post history")]
    assert "seen online 3 times, from " in line and " 15:19:00 (UTC+01:00); removed on " in line


def test_the_english_dossier_and_the_html_say_indicates_never_proves(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = _with_history(make_case, "en")
    written = export_case(casefile, ["docx", "html"], tmp_path / "out")  # type: ignore[arg-type]
    docx = next(w.path for w in written if w.path.suffix == ".docx")
    html = next(w.path for w in written if w.path.suffix == ".html")
    [line] = [text for text in _paragraphs(docx) if text.startswith("Post history")]
    assert "seen online 2 times, from " in line and "removed on" in line
    assert line.endswith("(each check indicates what the site showed at that time; none proves)")
    assert "rate-limited" not in line  # a check that learnt nothing is not a state
    assert "seen online 2 times" in html.read_text(encoding="utf-8")
