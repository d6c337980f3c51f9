"""The dossier read from the receiving side: legible captures, pièces, two kinds of time,
links, page numbers, document properties, the spreadsheet, PHAROS and the complaint.

Every test runs on the realistic case of :mod:`tests.export.realistic` (phone, desktop,
tiny, tall, rotated and WebP captures; broken files; typed, decoded and file times; a
renamed account; a private message) and opens the files a person would get.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image, ImageDraw

from tests.export.realistic import X_ACCOUNT, X_POST, build_case, garbled_pixels
from tui.core.attachments import attach
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile
from tui.core.timeparse import TimeParseError
from tui.export import export_case
from tui.export.common import make_dossier, scope_from_text
from tui.export.images import prepare, scale_for
from tui.export.pharos_writer import pharos_category

MM = 36_000  # EMU per millimetre
NBSP = "\u00a0"


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    return build_case(tmp_path)


def _docx(case: CaseFile, tmp_path: Path, lang: str | None = None) -> tuple[Any, Path]:
    [written] = export_case(case, ["docx"], tmp_path / "out", lang=lang)
    return Document(str(written.path)), written.path


def _row(table: Any, piece: str) -> Any:
    for row in table.rows[1:]:
        if row.cells[0].text.split()[0] == piece:
            return row
    raise AssertionError(f"no row for {piece}")


def _extents(element: Any) -> list[tuple[float, float]]:
    """(width, height) in mm of every picture under ``element``."""
    return [(int(e.get("cx")) / MM, int(e.get("cy")) / MM) for e in element.iter(qn("wp:extent"))]


def _blip_ids(element: Any) -> list[str]:
    return [b.get(qn("r:embed")) for b in element.iter(qn("a:blip"))]


def _annex_paragraphs(document: Any, caption: str) -> list[Any]:
    """The picture paragraphs that follow each annex caption starting with ``caption``."""
    body = list(document.element.body.iterchildren(qn("w:p")))
    found = []
    for index, p in enumerate(body):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.startswith(caption):
            for follower in body[index + 1 : index + 4]:
                if _extents(follower):
                    found.append(follower)
                    break
    return found


def test_a_phone_capture_is_printed_large_enough_to_read(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    table = document.tables[0]
    [(width, height)] = _extents(_row(table, "P1").cells[1]._tc)
    # 1080×2400: ≥ 120 mm high in the table (was 80 mm, text at 4.7 pt).
    assert height >= 120 and abs(width / height - 1080 / 2400) < 0.01
    # And a full page in the annex: text of 40 px at this scale is above 10 pt.
    [annex] = _annex_paragraphs(document, "Pièce P1 ")
    [(a_width, a_height)] = _extents(annex)
    assert a_height >= 200
    text_pt = 40 * (a_width / 1080) / 25.4 * 72
    assert text_pt >= 10


def test_a_tiny_capture_is_never_blown_up_past_150_dpi(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    shown = _extents(_row(document.tables[0], "P3").cells[1]._tc)
    shown += _extents(_annex_paragraphs(document, "Pièce P3 ")[0])
    assert len(shown) == 2
    for width, height in shown:
        # 200×120 px at 150 dpi is 33.9 × 20.3 mm.
        assert width <= 200 / 150 * 25.4 + 0.1 and height <= 120 / 150 * 25.4 + 0.1


def test_a_tall_capture_is_split_across_pages_with_suite_marks(
    case: CaseFile, tmp_path: Path
) -> None:
    document, _ = _docx(case, tmp_path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Pièce P4 (E0011) — partie 1 sur 6" in text
    assert text.count("Pièce P4 (E0011) — partie") == 6
    assert "partie 2 sur 6 (suite)" in text and "partie 1 sur 6 (suite)" not in text
    # Each slice is as wide as a phone capture filling the page, not a 7 mm strip.
    for paragraph in _annex_paragraphs(document, "Pièce P4 "):
        [(width, height)] = _extents(paragraph)
        assert width >= 100 and height <= 240.5
    cell = _row(document.tables[0], "P4").cells[1]
    assert "Capture longue" in cell.text and _extents(cell._tc)[0][0] >= 60


def test_exif_orientation_is_applied_in_word(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    cell = _row(document.tables[0], "P5").cells[1]
    [rid, _] = _blip_ids(cell._tc)
    image = Image.open(io.BytesIO(document.part.related_parts[rid].blob))
    # Stored sideways (1000×600) with orientation 6: embedded upright, portrait.
    assert image.height > image.width
    top = image.convert("RGB").getpixel((image.width // 2, 5))
    assert top[0] > 150 and top[1] < 100  # the red band "HAUT" is at the top
    (width, height), _ = _extents(cell._tc)
    assert height > width
    assert "Orientation de l'appareil appliquée" in cell.text


def test_webp_is_embedded_as_a_rendering_and_broken_files_are_named(
    case: CaseFile, tmp_path: Path
) -> None:
    document, _ = _docx(case, tmp_path)
    table = document.tables[0]
    p5 = _row(table, "P5").cells[1]
    assert len(_extents(p5._tc)) == 2
    assert "rendu d'un fichier WEBP (la preuve est l'original)" in p5.text
    broken = _row(table, "P6").cells[1]
    assert _extents(broken._tc) == []
    assert broken.text.count("n'a pas pu être affichée") == 3  # truncated, garbage .bmp, text
    entry = case.case.find("E0013")
    assert entry is not None
    for attachment in entry.attachments:
        assert attachment.sha256 in broken.text


def test_a_file_not_shown_is_said_so_in_the_details_and_the_annex_too(
    case: CaseFile, tmp_path: Path
) -> None:
    """Trial: P6's three broken files were said unreadable in the table only; the
    details listed them as sound files and the annex skipped P6 in silence."""
    docx, html = export_case(case, ["docx", "html"], tmp_path / "out")
    entry = case.case.find("E0013")
    assert entry is not None and len(entry.attachments) == 3
    text = unescape(html.path.read_text(encoding="utf-8"))
    details = text.split("Détail de chaque message")[1].split("Ce que prouvent")[0]
    annex = text.split("Annexe")[-1]
    body = Document(str(docx.path)).element.body
    word = "".join(node.text or "" for node in body.iter(qn("w:t")))
    word_details = word.split("Détail de chaque message")[1].split("Annexe")[0]
    word_annex = word.split("Annexe")[-1]
    for section in (details, annex, word_details, word_annex):
        p6 = section[section.index("P6 (E0013)") :].split("P7 (")[0]
        # The truncated PNG, the garbage .bmp, the text named .png (as in the table).
        assert p6.count("n'a pas pu être affichée") == 3
        for attachment in entry.attachments:
            assert attachment.sha256 in p6
    assert "Pièce P6 (E0013) — capture 3 sur 3" in annex


def test_pieces_are_numbered_chronologically_with_a_bordereau(
    case: CaseFile, tmp_path: Path
) -> None:
    document, _ = _docx(case, tmp_path)
    table = document.tables[0]
    firsts = [row.cells[0].text.split()[:2] for row in table.rows[1:]]
    assert firsts == [
        ["P1", "E0009"],
        ["P2", "E0026"],
        ["P3", "E0010"],
        ["P4", "E0011"],
        ["P5", "E0012"],
        ["P6", "E0013"],
    ]
    bordereau = document.tables[1]
    assert [c.text for c in bordereau.rows[0].cells][:2] == ["N°", "Date"]
    assert len(bordereau.rows) == 1 + 6
    assert bordereau.rows[1].cells[0].text.split() == ["P1", "E0009"]
    sha = case.case.evidence[0].attachments[0].sha256
    assert sha in bordereau.rows[1].cells[5].text


def test_page_numbers_in_the_footer(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    footer = document.sections[0].footer._element
    instructions = [f.get(qn("w:instr")).split()[0] for f in footer.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "page" in "".join(t.text or "" for t in footer.iter(qn("w:t")))
    # The annex sections are portrait; landscape for wide captures; same footer.
    orientations = {(s.page_width > s.page_height) for s in document.sections}
    assert orientations == {True, False}
    for section in document.sections:
        fields = [
            f.get(qn("w:instr")).split()[0] for f in section.footer._element.iter(qn("w:fldSimple"))
        ]
        assert fields == ["PAGE", "NUMPAGES"]


def test_publication_and_capture_times_are_never_confused(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    table = document.tables[0]
    # P2's only time came from the screenshot's file name: a capture time.
    p2 = _row(table, "P2").cells[0].text
    assert "Date de publication inconnue" in p2
    assert f"Capture{NBSP}: 15/04/2021 09:12:44 (UTC+02:00)" in p2
    assert "lue dans le nom du fichier de la capture" in p2
    # P1: decoded publication time, and the phone's screenshot time apart.
    p1 = _row(table, "P1").cells[0].text
    assert p1.splitlines()[1] == "14/04/2021 17:10:42 (UTC+02:00)"
    assert "déduite de l'ID du message" in p1
    assert f"Capture{NBSP}: 14/04/2021 17:30:12" in p1
    # A typed time has no invented seconds; it says it was typed by hand.
    p3 = _row(table, "P3").cells[0].text
    assert "15/04/2021 20:30 (UTC+02:00)" in p3 and "20:30:00" not in p3
    assert "saisie à la main" in p3


def test_urls_as_copied_and_profiles_are_clickable(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path)
    targets = {
        rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")
    }
    copied = f"https://twitter.com/raid_bot_22/status/{X_POST}?s=20&t=abc"
    assert copied in targets  # the table shows (and links) the URL as copied
    assert f"https://x.com/raid_bot_22/status/{X_POST}" in targets  # normalised, in details
    assert f"https://x.com/intent/user?user_id={X_ACCOUNT}" in targets  # profile by stable ID
    cell = _row(document.tables[0], "P1").cells[2]
    links = list(cell._tc.iter(qn("w:hyperlink")))
    assert links and "".join(t.text for t in links[0].iter(qn("w:t"))) == copied
    # The account's creation time, decoded from its ID, flags brand-new accounts.
    assert "Compte créé le 10/05/2022" in _row(document.tables[0], "P1").cells[3].text
    accounts = document.tables[2]
    renamed = next(r for r in accounts.rows[1:] if r.cells[0].text.startswith(X_ACCOUNT))
    assert "@raid_bot_22, @raid_bot_22_" in renamed.cells[2].text
    assert "pseudonyme changé" in renamed.cells[2].text


def test_hostile_urls_are_never_links(tmp_path: Path) -> None:
    from tui.export.common import link_target

    assert link_target("javascript:alert(1)") == ""
    assert link_target('https://x.com/"><script>') == ""
    assert link_target("https://x.com/a b") == ""
    assert link_target("https://x.com/\u202eevil") == ""
    assert link_target("https://exämple.fr/é") == "https://ex%C3%A4mple.fr/%C3%A9"
    assert link_target("https://x.com/a?b=1&c=%20") == "https://x.com/a?b=1&c=%20"


def test_document_properties_and_language(case: CaseFile, tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    document, path = _docx(case, tmp_path)
    props = document.core_properties
    assert props.created is not None and props.modified is not None
    created = props.created.replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC) + timedelta(seconds=1)
    assert props.language == "fr-FR"
    assert props.author == "Camille Durand (association)"
    styles = document.styles.element
    langs = {e.get(qn("w:val")) for e in styles.iter(qn("w:lang"))}
    assert langs == {"fr-FR"}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(n) for n in names if not n.startswith("word/media"))
    assert b"python-docx" not in everything.lower() and b"Macintosh" not in everything
    assert not any("thumbnail" in n for n in names)
    # French typography: non-breaking space before the colon, plural done right.
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Dossier{NBSP}: Alice" in text
    assert "6 pièces, numérotées" in text and "(s)" not in text
    assert "Fait à Lyon, le 01/12/2026"[:12] in text and "Certifié exact" in text
    assert "Alice Martin, née ou né le 02/03/1994" in text


def test_english_dossier_properties(case: CaseFile, tmp_path: Path) -> None:
    document, _ = _docx(case, tmp_path, lang="en")
    assert document.core_properties.language == "en-GB"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Case: Alice" in text and "6 exhibits, numbered oldest first." in text


def test_the_dossier_weighs_well_under_its_originals(case: CaseFile, tmp_path: Path) -> None:
    _, path = _docx(case, tmp_path)
    originals = sum(p.stat().st_size for p in (tmp_path / "alice-files").glob("E*"))
    # The whole .docx (table, annex, every capture) against the screenshots alone.
    assert path.stat().st_size < 0.5 * originals


def test_embedded_copies_are_resampled_to_their_printed_size() -> None:
    big = Image.new("RGB", (3000, 6000), (240, 240, 240))
    buffer = io.BytesIO()
    big.save(buffer, "PNG")
    prepared = prepare(buffer.getvalue(), 180, 240)
    assert prepared.ok and prepared.width_px == 3000
    width_mm = 3000 * scale_for(3000, 6000, 180, 240)
    for piece in prepared.slices:
        embedded = Image.open(io.BytesIO(piece.data))
        dpi = embedded.width / (width_mm / 25.4)
        assert 150 <= dpi <= 200


def _with_rows(png: bytes, rows: bytes) -> bytes:
    """``png`` with its pixels' IDAT replaced by ``rows``, its CRC right."""
    at = png.index(b"IDAT") - 4
    length = int.from_bytes(png[at : at + 4], "big")
    chunk = len(rows).to_bytes(4, "big") + b"IDAT" + rows
    chunk += zlib.crc32(b"IDAT" + rows).to_bytes(4, "big")
    return png[:at] + chunk + png[at + 12 + length :]


def test_a_png_whose_pixels_do_not_inflate_whole_is_unreadable_not_embedded(
    tmp_path: Path,
) -> None:
    """Its chunks' CRCs can be right over pixels that are noise or cut short: the
    dossier says so with its SHA-256 instead of embedding a picture no reader shows."""
    image = Image.new("RGB", (90, 160), (250, 250, 250))
    ImageDraw.Draw(image).rectangle((8, 10, 60, 30), fill=(20, 60, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    png = buffer.getvalue()
    raw = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    half = _with_rows(png, zlib.compress(raw[: len(raw) // 2]))  # a sound stream, half the rows
    assert zlib.decompress(half[half.index(b"IDAT") + 4 : half.index(b"IEND") - 8])
    for broken in (garbled_pixels(png), half):
        assert prepare(broken, 100, 140).problem == "unreadable"
    sound = []
    for options in ({}, {"interlace": 1}, {"transparency": (250, 250, 250)}):
        buffer = io.BytesIO()
        image.save(buffer, "PNG", **options)
        sound.append(prepare(buffer.getvalue(), 100, 140))
    assert all(prepared.ok for prepared in sound)

    casefile = CaseFile.create(tmp_path / "case.toml", Case(title="Pixels"))
    source = tmp_path / "noise.png"
    source.write_bytes(garbled_pixels(png))
    entry = Evidence(id="E0001", url="https://x.com/a/status/1")
    entry = replace(entry, attachments=(attach(casefile, entry, source),))
    casefile.case.evidence.append(entry)
    casefile.save()
    [word] = export_case(casefile, ["docx"], tmp_path / "out")
    document = Document(str(word.path))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert "n'a pas pu être affichée" in text and entry.attachments[0].sha256 in text
    with zipfile.ZipFile(word.path) as archive:
        assert not [name for name in archive.namelist() if name.startswith("word/media/")]


def test_hostile_pictures_never_stop_any_format(case: CaseFile, tmp_path: Path) -> None:
    written = export_case(
        case, ["docx", "html", "xlsx", "csv", "pharos", "complaint", "zip"], tmp_path / "out"
    )
    assert [w.format for w in written] == [
        "docx",
        "html",
        "xlsx",
        "csv",
        "pharos",
        "complaint",
        "zip",
    ]
    html = unescape(written[1].path.read_text(encoding="utf-8"))
    assert html.count("n'a pas pu être affichée") == 3 * 3  # in the table, details, annex
    entry = case.case.find("E0013")
    assert entry is not None and all(a.sha256 in html for a in entry.attachments)
    with zipfile.ZipFile(written[-1].path) as archive:
        bordereau = archive.read("BORDEREAU.txt").decode("utf-8")
        sums = archive.read("SHA256SUMS").decode("utf-8")
    assert bordereau.splitlines()[3].startswith("P1\tE0009\t")
    assert "  BORDEREAU.txt" in sums


def test_html_links_and_annex_pages(case: CaseFile, tmp_path: Path) -> None:
    [written] = export_case(case, ["html"], tmp_path / "out")
    page = written.path.read_text(encoding="utf-8")
    copied = f"https://twitter.com/raid_bot_22/status/{X_POST}?s=20&amp;t=abc"
    assert f'<a href="{copied}">' in page
    assert "@page annex { size: A4 portrait" in page
    # The desktop capture has a landscape page; the tiny crop keeps its size among the cells.
    assert page.count('<section class="wide">') == 1
    # Ten pictures, and a cell for each of P6's three files that cannot be shown.
    assert page.count('<div class="cell">') == 13


def test_xlsx_keeps_ids_and_urls_as_text(case: CaseFile, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    case.case.evidence[0] = replace(case.case.evidence[0], content='=HYPERLINK("http://evil")')
    [written] = export_case(case, ["xlsx"], tmp_path / "out")
    sheet = load_workbook(str(written.path)).active
    header = [c.value for c in sheet[1]]
    column = header.index("ID du compte") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.value == X_ACCOUNT and cell.data_type == "s"
    url = sheet.cell(row=2, column=header.index("URL telle que copiée") + 1)
    assert url.value.startswith("https://twitter.com/") and url.data_type == "s"
    content = sheet.cell(row=2, column=header.index("Contenu") + 1)
    assert content.value == '=HYPERLINK("http://evil")' and content.data_type == "s"
    assert [sheet.cell(row=r, column=1).value for r in range(2, 8)] == [
        f"P{n}" for n in range(1, 7)
    ]


def test_pharos_uses_the_forms_categories_and_skips_private_messages(
    case: CaseFile, tmp_path: Path
) -> None:
    [written] = export_case(case, ["pharos"], tmp_path / "out")
    text = written.path.read_text(encoding="utf-8")
    blocks = {b.split(" ", 1)[0]: b for b in text.split("--- ")[1:] if b.startswith("P")}
    # P2 was posted in a Discord server, P6 is an Instagram direct message.
    assert set(blocks) == {"P1", "P3", "P4", "P5"}
    assert f"Messages privés{NBSP}: pas de signalement PHAROS" in text
    private = text.split("Messages privés")[1]
    assert "P2 (E0026)" in private and "P6 (E0013)" in private
    assert f"Date de publication{NBSP}: 14/04/2021\n" in blocks["P1"]
    assert f"Heure de publication{NBSP}: 17:10:42\n" in blocks["P1"]
    assert "Menaces ou incitation à la violence" in blocks["P1"]
    # Impersonation is not a scam; sexual content is not an insult; doxxing not a threat.
    assert "Escroquerie" not in blocks["P5"].split("\n")[1]
    assert "226-4-1" in blocks["P5"] and "THESEE" in blocks["P5"]
    category_p4 = blocks["P4"].split("\n")[1]
    assert "Injure ou diffamation" in category_p4 and "226-8-1" in category_p4
    dossier = make_dossier(case, None, "fr")
    doxxing = pharos_category(dossier, ["doxxing"])
    assert "223-1-1" in doxxing and "Menaces" not in doxxing
    # No capture time is offered as a publication time.
    assert f"Heure de publication{NBSP}: inconnue" in blocks["P4"]
    assert "ce n'est pas l'heure de publication" in blocks["P4"]
    for block in blocks.values():
        comment = block.split("Commentaire")[1].split("\n")[1]
        assert len(comment) <= 1000


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pharos_says_which_of_handle_and_account_id_was_not_recorded(
    tmp_path: Path, lang: str
) -> None:
    """The reporting form's reader gets a sentence, never "(ID ?)" or "ID ?"."""
    casefile = CaseFile.create(tmp_path / "case.toml", Case(title="Comptes", language=lang))
    casefile.case.evidence.extend(
        [
            Evidence(id="E0001", url="https://x.com/a/status/1", platform="x", account_handle="a"),
            Evidence(id="E0002", url="https://x.com/i/status/2", platform="x", account_id="77"),
        ]
    )
    casefile.save()
    [written] = export_case(casefile, ["pharos"], tmp_path / "out", lang=lang)
    text = written.path.read_text(encoding="utf-8")
    assert "?" not in text.replace("?s=", "")
    if lang == "fr":
        assert "le compte @a (ID du compte non relevé)" in text
        assert "le compte d'ID 77 (pseudonyme non relevé)" in text
        assert "ID non relevé (X (Twitter))" in text
    else:
        assert "the account @a (account ID not recorded)" in text
        assert "the account with ID 77 (handle not recorded)" in text


def test_the_summary_reads_right_with_one_message_a_day_and_one_handle_each(
    tmp_path: Path,
) -> None:
    """Trial: "0 jour où plusieurs comptes ont écrit le même jour :" ending on nothing,
    "jusqu'à 1 message le ...", "pseudonymes @x" for a single handle."""
    casefile = CaseFile.create(tmp_path / "case.toml", Case(title="Trois", language="fr"))
    for n in (1, 2, 3):
        casefile.case.evidence.append(
            Evidence(
                id=f"E000{n}",
                url=f"https://x.com/a{n}/status/{n}",
                platform="x",
                account_handle=f"a{n}",
                account_id=str(100 + n),
                posted_at=datetime(2024, 11, 20 + n, 12, tzinfo=UTC),
                posted_at_source="typed",
            )
        )
    casefile.save()
    [written] = export_case(casefile, ["pharos"], tmp_path / "out")
    summary = written.path.read_text(encoding="utf-8").split("Résumé factuel pour la plainte")[-1]
    lines = [line.rstrip() for line in summary.splitlines() if line.strip()]
    assert not [line for line in lines if line.endswith(":")], lines
    assert "pseudonyme @a1 :" in summary.replace(NBSP, " ").replace("\u202f", " ")
    assert "pseudonymes" not in summary
    assert "un message par jour au plus" in summary and "jusqu'à 1 message" not in summary
    assert "Plusieurs comptes (3) ont participé." in summary


def test_summary_lists_days_in_date_order(tmp_path: Path) -> None:
    from tui.core.case import Case, Evidence

    casefile = CaseFile.create(tmp_path / "d.toml", Case(title="d"))
    days = [datetime(2021, 9, 1, 10, tzinfo=UTC), datetime(2021, 8, 2, 10, tzinfo=UTC)]
    days.append(datetime(2021, 10, 1, 10, tzinfo=UTC))
    for index, day in enumerate(days * 2):
        casefile.case.evidence.append(
            Evidence(
                id=f"E{index + 1:04d}",
                account_id=str(index % 2 + 1),
                platform="x",
                posted_at=day + timedelta(minutes=index),
                posted_at_source="typed",
            )
        )
    [written] = export_case(casefile, ["pharos"], tmp_path / "out")
    text = written.path.read_text(encoding="utf-8")
    assert "02/08/2021, 01/09/2021, 01/10/2021" in text
    assert "3 jours différents" in text and "jour(s)" not in text


def test_complaint_draft(case: CaseFile, tmp_path: Path) -> None:
    [written] = export_case(case, ["complaint"], tmp_path / "out")
    document = Document(str(written.path))
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1
    text = "\n".join(p.text for p in document.paragraphs)
    assert "plainte contre X" in text and "procureur de la République" in text
    assert "Alice Martin" in text and "02/03/1994" in text and "69003 Lyon" in text
    # The narrative follows the pièces in order.
    positions = [text.index(f"pièce P{n}.") for n in range(1, 7)]
    assert positions == sorted(positions)
    assert "« t'es finie, on sait où tu habites." in text.replace(NBSP, " ")
    for article in ("222-33-2-2", "222-17", "434-5", "223-1-1", "226-8-1", "226-4-1"):
        assert article in text, article
    assert "trois mois" in text and "six ans" in text
    assert "Incapacité totale de travail (ITT)" in text
    assert "plainte-en-ligne.masecurite.interieur.gouv.fr" in text and "vérifiées le" in text
    assert "Fait à Lyon, le" in text and "Certifié exact" in text
    # P2's only time is its screenshot's: told as such, never as when it was posted.
    assert "À une date de publication inconnue (capturé le 15/04/2021 09:12:44" in text
    assert "(ID inconnu))" not in text
    # A trial: the guidance on where to file sat inside the letter, before its closing;
    # it is after the signature now, on its own page that says to take it out.
    closing = text.index("Je vous prie d'agréer")
    assert closing < text.index("Certifié exact") < text.index("où déposer cette plainte")
    assert "masecurite" not in text[:closing] and "Adresses vérifiées" not in text[:closing]
    assert "retirez-la avant" in text
    # "le compte @x, Instagram a publié" read as if Instagram had posted: in brackets.
    assert not re.search(r"le compte [^()]*, [^()]* a publié", text), text
    assert re.search(r"le compte @\S+ \([^)]*\) a publié", text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_message_placeholder_is_left_in_any_document(tmp_path: Path, lang: str) -> None:
    """Trial: the complaint's facts read "j'ai reçu {count} {count:message hostile|...}"
    as soon as there were two messages: the dossier's texts skipped the inline plurals."""
    import re

    from tui.core.i18n import catalog

    case = build_case(tmp_path / "case")
    names = set()
    for text in catalog(lang).values():
        for form in text.values() if isinstance(text, dict) else [text]:
            names.update(re.findall(r"\{([a-z_0-9]+)[:}]", form))
    assert {"count", "start", "end"} <= names
    left = re.compile(r"\{(?:" + "|".join(sorted(names)) + r")[:}]")
    written = export_case(
        case, ["docx", "html", "pharos", "complaint", "csv"], tmp_path / "out", lang=lang
    )
    for item in written:
        if item.path.suffix == ".docx":
            body = Document(str(item.path)).element.body
            text = "".join(node.text or "" for node in body.iter(qn("w:t")))
        else:
            text = item.path.read_text(encoding="utf-8")
        assert not left.findall(text), (item.path.name, left.findall(text))
    complaint = next(w for w in written if w.format == "complaint")
    facts = "\n".join(p.text for p in Document(str(complaint.path)).paragraphs)
    assert (
        "j'ai reçu 6 messages hostiles" if lang == "fr" else "I received 6 hostile messages"
    ) in facts


def test_scope_from_what_was_typed(case: CaseFile) -> None:
    scope = scope_from_text(case.case, start="15/04/2021", end="16/04/2021", lang="fr")
    assert [e.id for e in scope.select(case.case)] == ["E0026", "E0010", "E0011"]
    scope = scope_from_text(case.case, accounts="@raid_bot_22_, 80351110224678912")
    assert [e.id for e in scope.select(case.case)] == ["E0026", "E0010"]
    scope = scope_from_text(case.case, entries="e0012, E0009")
    assert [e.id for e in scope.select(case.case)] == ["E0009", "E0012"]
    with pytest.raises(ValueError, match="E0999"):
        scope_from_text(case.case, entries="E0999")
    with pytest.raises(TimeParseError):
        scope_from_text(case.case, start="le 45 avril")
