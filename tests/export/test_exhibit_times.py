"""An exhibit says when its picture was taken and, apart, when the post was published.

The trial: an annex page for a page captured on 01/12/2026 showed "14/04/2021
17:10:42" alone — the post's publication time, unlabelled, above a screenshot taken
five years later; and the table's capture lines did not say which was the post's
page and which X's embed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from docx import Document

from tests.export.conftest import CaseFactory
from tui.core.case import CaptureRecord
from tui.export import export_case

T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def _texts(path: Path) -> list[str]:
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [paragraph.text for cell in row.cells for paragraph in cell.paragraphs]
    return texts


def _captured(make_case: CaseFactory, lang: str) -> object:
    casefile = make_case(1, lang=lang, shots=2)
    [entry] = casefile.case.evidence
    page, embed = entry.attachments
    entry = replace(
        entry,
        attachments=(
            replace(page, taken_at=T0, taken_at_source="capture"),
            replace(embed, taken_at=T0 + timedelta(seconds=5), taken_at_source="capture"),
        ),
        captures=(
            CaptureRecord(at=T0, finished_at=T0, url=entry.url, files=(page.sha256,)),
            CaptureRecord(
                at=T0 + timedelta(seconds=5),
                finished_at=T0 + timedelta(seconds=8),
                url="https://platform.twitter.com/embed/Tweet.html?id=1",
                label="embed",
                files=(embed.sha256,),
            ),
        ),
    )
    casefile.case.evidence = [entry]
    casefile.save()
    return casefile


def test_each_exhibit_page_labels_its_capture_time_and_the_publication(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = _captured(make_case, "fr")
    [written] = export_case(casefile, ["docx"], tmp_path / "out")  # type: ignore[arg-type]
    text = "\n".join(_texts(written.path))
    # The table: one line per capture, saying what was captured.
    assert "Capture de la page du message\u00a0: 01/12/2026 15:00:00" in text
    assert "Capture du rendu intégré officiel de X\u00a0: 01/12/2026 15:00:05" in text
    # Each annex page: what, when it was taken, and the publication labelled apart.
    assert text.count("Capture de la page du message, faite par Abri") == 1
    assert text.count("Capture du rendu intégré officiel de X, faite par Abri") == 1
    assert "Capture\u00a0: 01/12/2026 15:00:05 (UTC+01:00) (horloge de la capture de page)" in text
    assert text.count("Publication du message\u00a0: ") == 2
    # The publication time never stands alone on an exhibit page: it is labelled.
    exhibits = [line for line in _texts(written.path) if "faite par Abri" in line]
    assert len(exhibits) == 2
    assert all("Publication du message\u00a0: 14/04/2021" in line for line in exhibits)


def test_in_english_too(make_case: CaseFactory, tmp_path: Path) -> None:
    casefile = _captured(make_case, "en")
    written = export_case(casefile, ["docx", "html"], tmp_path / "out")  # type: ignore[arg-type]
    html = next(w.path for w in written if w.path.suffix == ".html").read_text(encoding="utf-8")
    assert "Capture of X&#x27;s official embed rendering, made by Abri" in html or (
        "Capture of X's official embed rendering, made by Abri" in html
    )
    assert html.count("Post published: ") == 2


def test_a_pharos_block_without_a_matching_category_never_ends_on_a_colon(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(1, lang="fr")
    [entry] = casefile.case.evidence
    casefile.case.evidence = [replace(entry, categories=("other",))]
    casefile.save()
    [written] = export_case(casefile, ["pharos"], tmp_path / "out")  # type: ignore[arg-type]
    text = written.path.read_text(encoding="utf-8")
    [line] = [line for line in text.splitlines() if "aucune catégorie du formulaire" in line]
    assert line.endswith("choisissez la plus proche de ce que montre le message.")
