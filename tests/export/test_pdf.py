"""The PDF dossier printed by headless Chromium, and the Word file rendered by LibreOffice."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.chromium import needs_chromium
from tests.export.conftest import CaseFactory
from tests.export.realistic import garbled_pixels
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


@needs_chromium
def test_a_long_unbroken_line_prints_whole_in_the_pdf(tmp_path: Path) -> None:
    """A 2,400-character word, a 400-character URL and handle wrap inside the page:
    nothing cut at its right edge (Chromium kept 176 characters of the word)."""
    from tui.core.case import Case, Evidence
    from tui.core.store import CaseFile

    word, url = "spam" * 600, "https://example.com/p/" + "a" * 400 + "?q=1"
    casefile = CaseFile.create(tmp_path / "long.toml", Case(title="L" * 300, language="en"))
    casefile.case.evidence.append(
        Evidence(id="E0001", url=url, account_handle="h" * 150, content=word, notes=word[::-1])
    )
    casefile.save()
    [pdf] = export_case(casefile, ["pdf"], tmp_path / "out")
    pages = PdfReader(pdf.path).pages
    # Each page's text without its footer ("page 2 / 3" would sit inside a value cut by a page).
    text = "".join(re.sub(r"page\d+/\d+", "", "".join(p.extract_text().split())) for p in pages)
    for value in (word, word[::-1], url, "h" * 150, "L" * 300):
        assert value in text


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
    heard: list[tuple[int, int, str]] = []
    [pieces] = export_case(
        casefile, ["pdf"], tmp_path / "pieces", progress=lambda *seen: heard.append(seen)
    )
    # While Chromium prints, the screen hears of each part that is back, up to all of them.
    # Only the PDF was asked for: its pages' building is reported as the PDF's, not "HTML".
    assert {what for _, _, what in heard} == {"pdf", "pdf-parts"}
    printed = [(done, total) for done, total, what in heard if what == "pdf-parts"]
    assert printed and printed[-1][0] == printed[-1][1] > 3
    assert [done for done, _ in printed] == sorted({done for done, _ in printed})
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
        if what == "pdf" and done == total:
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


def test_a_chromium_that_is_not_there_or_does_not_start_is_one_sentence_naming_it(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """Not Playwright's internals ("BrowserType.launch_persistent_context: Target page,
    context or browser has been closed"), nor "no Chromium found" for the one given."""
    from tui.export import PartialExport

    casefile = make_case(1)
    not_a_browser = shutil.which("false")
    assert not_a_browser is not None
    for given, words in (
        (not_a_browser, "n'a pas démarré"),
        (str(tmp_path / "no-such-chromium"), "n'existe pas ou ne peut pas être lancé"),
    ):
        with pytest.raises(PartialExport) as failed:
            export_case(casefile, ["pdf", "csv"], tmp_path / "out", chromium=given)
        message = str(failed.value)
        assert words in message and given in message, message
        assert "BrowserType" not in message and "Aucun Chromium trouvé" not in message
        assert [w.format for w in failed.value.written] == ["csv"]


def test_what_a_killed_export_left_is_removed_by_the_next_one(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """kill -9 mid-export left the pages given to Chromium (the case's words) and a
    half-written file in the output folder; the next export removes them, not those
    of an export still running."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "out"
    pages = out / f".abri-chromium-{dead.pid}-140213"
    (pages / "profile").mkdir(parents=True)
    (pages / "chunk-0.html").write_text("<p>the case's words</p>")
    part = out / f".case-20261201-101010.pdf.{dead.pid}.part"
    part.write_bytes(b"%PDF-1.7 half")
    running = [out / ".abri-chromium-1-77", out / ".case.docx.1.part"]  # pid 1 runs
    running[0].mkdir()
    running[1].write_bytes(b"PK")
    mine = out / "notes.txt"
    mine.write_text("someone's own file")

    [written] = export_case(make_case(1), ["csv"], out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [written.path.name, mine.name, *(p.name for p in running)]
    )


@needs_chromium
def test_the_pages_given_to_chromium_are_readable_by_their_owner_only(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """They are the case's words, like the case file (0600): seen while Chromium prints."""
    out = tmp_path / "out"
    modes: list[tuple[str, int]] = []

    def progress(done: int, total: int, what: str) -> None:
        if what == "pdf-parts":
            for folder in out.glob(".abri-chromium-*"):
                modes.append((folder.name, folder.stat().st_mode & 0o777))
                modes.extend((p.name, p.stat().st_mode & 0o777) for p in folder.glob("*.html"))

    export_case(make_case(2), ["pdf"], out, progress=progress)
    assert modes and {mode for name, mode in modes if name.endswith(".html")} == {0o600}
    assert {mode for name, mode in modes if name.startswith(".abri")} == {0o700}


def test_the_chunks_of_the_dossier_hold_every_row_once_each_in_a_whole_document(
    tmp_path: Path,
) -> None:
    """Cut as finely as possible, the PDF's documents still hold the dossier, in order."""
    from datetime import UTC, datetime

    from tests.export.realistic import build_case
    from tui.export.common import make_dossier
    from tui.export.html_writer import Stream, build_dossier

    casefile = build_case(tmp_path)
    dossier = make_dossier(casefile, None, "fr", datetime(2026, 1, 1, tzinfo=UTC))
    built = build_dossier(dossier)
    sources = [f"data:image/jpeg;base64,stand-in-{n}" for n in range(len(built.pictures))]
    chunks = built.chunks(sources, pages=0.1)
    assert len(chunks) > 20
    for chunk in chunks:
        assert chunk.startswith("<!DOCTYPE html>") and chunk.endswith("</body></html>")
        assert chunk.count("<table") == chunk.count("</table>")
        if "<tr><td>" in chunk and "Capture d" in chunk:
            assert "<thead>" in chunk  # a table cut in two repeats its header
    joined = "".join(chunks)
    for number in range(1, 7):
        assert joined.count(f'<span class="piece">P{number}</span>') == 1
    whole = built.text()
    assert whole.count("<img ") == joined.count("<img ") > 10
    # Every picture is drawn from its stand-in, each as often as in the whole document.
    shown = [int(n) for n in re.findall(r'src="data:image/jpeg;base64,stand-in-(\d+)"', joined)]
    assert len(shown) == whole.count("<img ") and set(shown) == set(range(len(sources)))

    # Handed out while the dossier is built (the PDF prints the first meanwhile):
    # the same documents, and the first before the table's last row was written.
    streamed: list[str] = []
    rows_when_ready: list[int] = []

    def ready(text: str) -> None:
        streamed.append(text)
        rows_when_ready.append(len(progress_seen))

    progress_seen: list[int] = []
    again = build_dossier(
        dossier,
        progress=lambda done, total, what: progress_seen.append(done),
        stream=Stream(lambda n: sources[n], ready, pages=0.1),
    )
    assert streamed == chunks and again.text() == whole
    assert rows_when_ready[0] < rows_when_ready[-1]


def _picture_files(folder: Path) -> dict[str, bytes]:
    """Small captures of every kind the PDF stores differently (name -> file bytes)."""
    from PIL import Image, ImageDraw

    def drawn(mode: str, background: object, seed: int) -> Image.Image:
        image = Image.new(mode, (90, 160), background)  # type: ignore[arg-type]
        draw = ImageDraw.Draw(image)
        draw.rectangle((60, 150, 62 + seed * 3, 156), fill=(0, 0, 0) if mode != "L" else 0)
        for line in range(6):
            fill = (20 + line * 30, 60, 200 - line * 20) if mode != "L" else line * 40
            if mode == "RGBA":
                fill = (*fill, 128 + line * 20)  # type: ignore[misc]
            draw.rectangle((8, 10 + line * 24, 30 + line * 10, 24 + line * 24), fill=fill)  # type: ignore[arg-type]
        return image

    def saved(image: Image.Image, fmt: str, **options: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        return buffer.getvalue()

    def colour(seed: int) -> Image.Image:
        return drawn("RGB", (250, 250, 250), seed)

    return {
        "rgb.png": saved(colour(1), "PNG"),
        "palette.png": saved(colour(2).quantize(64), "PNG"),
        "grey.png": saved(drawn("L", 240, 3), "PNG"),
        "alpha.png": saved(drawn("RGBA", (255, 255, 255, 0), 4), "PNG"),
        "colour.jpg": saved(colour(5), "JPEG", quality=80),
        "progressive.jpg": saved(colour(6), "JPEG", quality=80, progressive=True),
        "grey.jpg": saved(drawn("L", 240, 7), "JPEG"),
        "cmyk.jpg": saved(colour(8).convert("CMYK"), "JPEG"),
        "broken.png": garbled_pixels(saved(colour(9), "PNG")),
    }


def _on_paper(data: bytes) -> object:
    """The pixels a reader should see for a picture: upright RGB, see-through is white."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        rgba = image.convert("RGBA")
    paper = Image.new("RGB", rgba.size, (255, 255, 255))
    paper.paste(rgba, mask=rgba.getchannel("A"))
    return paper


@needs_chromium
@pytest.mark.slow
def test_every_picture_is_in_the_pdf_once_with_its_own_pixels(tmp_path: Path) -> None:
    """Each capture, whatever its format, prints with exactly its pixels, in the table and
    the annex, stored once; a JPEG is the evidence's own bytes; a PNG whose pixels are
    garbled (its checksums right) is said unreadable, with its SHA-256, and does not
    stop the PDF."""
    from dataclasses import replace

    import pikepdf

    from tui.core.attachments import attach
    from tui.core.case import Case, Evidence
    from tui.core.store import CaseFile

    files = _picture_files(tmp_path / "phone")
    casefile = CaseFile.create(tmp_path / "case.toml", Case(title="Formats"))
    (tmp_path / "phone").mkdir()
    for number, (name, data) in enumerate(files.items(), 1):
        source = tmp_path / "phone" / name
        source.write_bytes(data)
        entry = Evidence(id=f"E{number:04d}", url=f"https://x.com/a/status/{number}")
        entry = replace(entry, attachments=(attach(casefile, entry, source),))
        casefile.case.evidence.append(entry)
    casefile.save()
    [pdf] = export_case(casefile, ["pdf"], tmp_path / "out")

    with pikepdf.open(pdf.path) as document:
        uses: dict[tuple[int, int], int] = {}
        shown: dict[tuple[int, int], object] = {}
        raw: dict[tuple[int, int], bytes] = {}
        for page in document.pages:
            for picture in page.get_images(recursive=False).values():
                uses[picture.objgen] = uses.get(picture.objgen, 0) + 1
                shown[picture.objgen] = pikepdf.PdfImage(picture).as_pil_image().convert("RGB")
                raw[picture.objgen] = picture.read_raw_bytes()
    assert len(shown) == len(files) - 1  # one object per capture but the broken one...
    assert set(uses.values()) == {2}  # ...drawn in the table and in the annex
    text = " ".join((page.extract_text() or "") for page in PdfReader(pdf.path).pages)
    assert "illisible ou endommagé" in text and "broken.png. SHA-256" in text  # its sentence
    for name, data in files.items():
        if name == "broken.png":
            continue
        expected = _on_paper(data)
        matches = [key for key, image in shown.items() if image.tobytes() == expected.tobytes()]  # type: ignore[attr-defined]
        assert len(matches) == 1, name
        if name.endswith(".jpg") and "cmyk" not in name:
            assert raw[matches[0]] == data  # copied, never compressed again


@needs_chromium
@pytest.mark.slow
def test_the_annex_prints_captures_two_to_a_row_each_under_its_own_caption(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """30 entries, 20 phone captures: the annex shares its pages, each capture once, on the
    page that names it (pièce, times, SHA-256) and never on a page that does not."""
    from PIL import Image

    casefile = make_case(30)
    [pdf] = export_case(casefile, ["pdf"], tmp_path / "out")
    reader = PdfReader(str(pdf.path))
    titles = [page.extract_text() for page in reader.pages]
    start = next(n for n, text in enumerate(titles) if "les pièces en grand format" in text)
    annex = reader.pages[start:]
    # make_case gives entry index i (pièce P(i+1), oldest first) a band of red (i*40) % 256.
    by_red = {(index * 40) % 256: index + 1 for index in range(30) if index % 3 != 2}
    seen: list[int] = []
    for page, text in zip(annex, titles[start:], strict=True):
        shown = set()
        for picture in page.images:
            with Image.open(io.BytesIO(picture.data)) as image:
                red = image.convert("RGB").getpixel((10, image.height * 3 // 8))[0]  # type: ignore[index]
            shown.add(by_red[red])
        named = {int(n) for n in re.findall(r"Pièce P(\d+) \(E\d{4}\)", text)}
        assert shown == named  # every picture beside its caption, every caption with its picture
        assert text.count("SHA-256") == len(named)
        seen += sorted(shown)
    assert seen == sorted(by_red.values())  # each capture once, in the order of the pièces
    # Two to a row and several rows: far fewer pages than one capture per page.
    assert len(annex) <= 1 + len(by_red) // 4
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in annex} == {
        (595, 842)
    }
