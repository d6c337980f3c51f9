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
