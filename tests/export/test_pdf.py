"""The PDF dossier printed by headless Chromium, and the Word file rendered by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.chromium import needs_chromium
from tests.export.conftest import CaseFactory
from tui.export import export_case

A4_LANDSCAPE = (842, 595)  # points, rounded


def _landscape_a4(reader: PdfReader) -> bool:
    box = reader.pages[0].mediabox
    return (round(float(box.width)), round(float(box.height))) == A4_LANDSCAPE


@needs_chromium
@pytest.mark.slow
def test_pdf_is_a4_landscape_with_every_entry_and_goes_into_the_bundle(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(20)
    out = tmp_path / "out"
    written = export_case(casefile, ["pdf", "zip"], out)
    pdf = written[0]
    reader = PdfReader(str(pdf.path))
    assert _landscape_a4(reader)
    # 20 rows of two per page, the details, the accounts: several pages, not one per row.
    assert 8 <= len(reader.pages) <= 40
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Date & heure" in text and "ID du compte" in text
    assert "E0020" in text and "commissaire de justice" in text
    with zipfile.ZipFile(written[1].path) as archive:
        assert f"exports/{pdf.path.name}" in archive.namelist()
    # Chromium's profile folder was made beside the exports and removed afterwards.
    assert sorted(p.name for p in out.iterdir()) == sorted(w.path.name for w in written)


@needs_chromium
@pytest.mark.slow
def test_hostile_text_prints_literally_in_the_pdf(make_case: CaseFactory, tmp_path: Path) -> None:
    casefile = make_case(2, hostile=True, lang="en")
    [pdf] = export_case(casefile, ["pdf"], tmp_path / "out")
    reader = PdfReader(str(pdf.path))
    assert _landscape_a4(reader)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "[U+001B]" in text and "<script>alert(1)</script>" in text
    assert "[@click=app.quit]x[/]" in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_word_file_landscape_with_the_pictures(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(20)
    [docx] = export_case(casefile, ["docx"], tmp_path / "out")
    rendered = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(rendered),
            str(docx.path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(str(rendered / docx.path.with_suffix(".pdf").name))
    assert _landscape_a4(reader)
    assert len(reader.pages) >= 10  # two rows per page, then the details
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 14  # LibreOffice may split a picture into strips
    first = reader.pages[0].extract_text() + reader.pages[1].extract_text()
    assert "Date & heure" in first and "Capture d" in first and "ID du compte" in first


@needs_chromium
@pytest.mark.slow
def test_pdf_has_page_numbers_links_and_portrait_annex(tmp_path: Path) -> None:
    from tests.export.realistic import X_ACCOUNT, X_POST, build_case

    casefile = build_case(tmp_path)
    [pdf] = export_case(casefile, ["pdf"], tmp_path / "out")
    reader = PdfReader(str(pdf.path))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        assert f"page {number} / {total}" in page.extract_text()
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/URI"):
                uris.add(str(action["/URI"]))
    assert f"https://twitter.com/raid_bot_22/status/{X_POST}?s=20&t=abc" in uris
    assert f"https://x.com/intent/user?user_id={X_ACCOUNT}" in uris
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes == {A4_LANDSCAPE, (595, 842)}  # the annex has portrait pages
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Pièce P4 (E0011) — partie 6 sur 6 (suite)" in text


def _image_objects(reader: PdfReader) -> set[int]:
    """The distinct picture objects of a PDF (a picture shown twice is one object)."""
    found = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        pictures = resources.get_object().get("/XObject") if resources is not None else None
        for ref in (pictures.get_object() if pictures is not None else {}).values():
            if ref.get_object().get("/Subtype") == "/Image":
                found.add(ref.idnum)
    return found


@needs_chromium
@pytest.mark.slow
def test_a_pdf_printed_in_chunks_reads_as_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big dossier is printed in pieces; the reader must not be able to tell."""
    from tests.export.realistic import X_POST, build_case
    from tui.export import html_writer

    casefile = build_case(tmp_path)
    [whole] = export_case(casefile, ["pdf"], tmp_path / "whole")
    monkeypatch.setattr(html_writer, "PAGES_PER_CHUNK", 3.0)
    [pieces] = export_case(casefile, ["pdf"], tmp_path / "pieces")
    one, cut = PdfReader(str(whole.path)), PdfReader(str(pieces.path))

    total = len(cut.pages)
    assert total >= len(one.pages) >= 10
    texts = [page.extract_text() for page in cut.pages]
    for number, text in enumerate(texts, 1):
        assert text.count(f"page {number} / {total}") == 1  # numbered over the whole
    joined = "".join(texts)
    # The pièces in order in the table, the bordereau, the annex continued, the title.
    order = [joined.index(f"P{n} E") for n in range(1, 7)]
    assert order == sorted(order)
    assert "Bordereau" in joined and "Pièce P4 (E0011) — partie 6 sur 6 (suite)" in joined
    assert cut.metadata is not None and cut.metadata.title == one.metadata.title
    # Every picture is there, and a capture in the table and the annex is stored once.
    assert sum(len(page.images) for page in cut.pages) == sum(
        len(page.images) for page in one.pages
    )
    assert len(_image_objects(cut)) == len(_image_objects(one))
    uris = {
        str(annotation.get_object()["/A"]["/URI"])
        for page in cut.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/A") is not None
    }
    assert f"https://twitter.com/raid_bot_22/status/{X_POST}?s=20&t=abc" in uris
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in cut.pages}
    assert sizes == {A4_LANDSCAPE, (595, 842)}
    # Nothing of the printing is left beside the exports.
    assert [p.name for p in (tmp_path / "pieces").iterdir()] == [pieces.path.name]


@needs_chromium
@pytest.mark.slow
def test_a_cancelled_or_failed_pdf_leaves_no_pages_or_pictures_behind(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """The pictures and pages given to Chromium are copies of evidence: none may stay."""
    import threading

    from tui.export import ExportCancelled, PartialExport

    casefile = make_case(3)
    cancel = threading.Event()

    def progress(done: int, total: int, what: str) -> None:
        if what == "html" and done == total:
            cancel.set()  # the dossier is built: the PDF writer stops once its files exist

    out = tmp_path / "cancelled"
    with pytest.raises(ExportCancelled):
        export_case(casefile, ["pdf"], out, progress=progress, cancel=cancel)
    assert list(out.iterdir()) == []

    failed = tmp_path / "failed"
    not_a_browser = shutil.which("false")
    assert not_a_browser is not None
    with pytest.raises(PartialExport):
        export_case(casefile, ["pdf"], failed, chromium=not_a_browser)
    assert list(failed.iterdir()) == []


def test_the_chunks_of_the_dossier_hold_every_row_once_each_in_a_whole_document(
    tmp_path: Path,
) -> None:
    """Cut as finely as possible, the PDF's documents still hold the dossier, in order."""
    from datetime import UTC, datetime

    from tests.export.realistic import build_case
    from tui.export.common import make_dossier
    from tui.export.html_writer import build_dossier

    casefile = build_case(tmp_path)
    dossier = make_dossier(casefile, None, "fr", datetime(2026, 1, 1, tzinfo=UTC))
    built = build_dossier(dossier)
    chunks = built.chunks(tmp_path / "pictures", pages=0.1)
    assert len(chunks) > 20
    for chunk in chunks:
        assert chunk.startswith("<!DOCTYPE html>") and chunk.endswith("</body></html>")
        assert chunk.count("<table") == chunk.count("</table>")
        assert "data:image" not in chunk  # pictures are files beside the chunks
        if "<tr><td>" in chunk and "Capture d" in chunk:
            assert "<thead>" in chunk  # a table cut in two repeats its header
    joined = "".join(chunks)
    for number in range(1, 7):
        assert joined.count(f'<span class="piece">P{number}</span>') == 1
    whole = built.text()
    assert whole.count("<img ") == joined.count("<img ") > 10
    pictures = sorted(p.name for p in (tmp_path / "pictures").iterdir())
    assert pictures and all(name.endswith(".jpg") for name in pictures)
