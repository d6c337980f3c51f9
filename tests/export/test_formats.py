"""Word, HTML, CSV, PHAROS texts and the bundle, checked on the files a person gets."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import threading
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.conftest import HOSTILE_STRINGS, LONG_LINE
from tests.export.conftest import CaseFactory
from tui.export import (
    ExportCancelled,
    ExportError,
    PartialExport,
    Scope,
    default_output_dir,
    export_case,
    parse_formats,
)
from tui.export.csv_writer import inert

FR_HEADINGS = ["Date & heure", "Capture d'écran", "URL", "ID du compte"]
EN_HEADINGS = ["Date & time", "Screenshot", "URL", "Account ID"]


def _pictures_in(cell: object) -> int:
    return len(cell._tc.findall(".//" + qn("w:drawing")))  # type: ignore[attr-defined]


def test_word_is_a4_landscape_with_the_four_columns_and_the_screenshots(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(20)
    [written] = export_case(casefile, ["docx"], tmp_path / "out")
    document = Document(str(written.path))

    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert abs(section.page_width.mm - 297) < 1 and abs(section.page_height.mm - 210) < 1

    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == FR_HEADINGS
    assert len(table.rows) == 1 + 20
    # The header row repeats on every page; autofit is off so LibreOffice keeps widths.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.autofit is False
    assert all(cell.width is not None for row in table.rows for cell in row.cells)

    # Chronological order although entries were added newest first.
    firsts = [row.cells[0].text.split()[:2] for row in table.rows[1:]]
    assert firsts == [[f"P{n}", f"E{n:04d}"] for n in range(1, 21)]

    # Every third entry has no screenshot and says so; the others show theirs.
    shots = [_pictures_in(row.cells[1]) for row in table.rows[1:]]
    assert shots.count(1) == 14 and shots.count(0) == 6
    assert "(pas de capture)" in table.rows[3].cells[1].text
    image_parts = [
        p for p in document.part.package.iter_parts() if p.partname.startswith("/word/media/")
    ]
    assert len(image_parts) == 14
    # Each picture is sized to the column (never its huge native size).
    for row in table.rows[1:]:
        for extent in row.cells[1]._tc.findall(".//" + qn("wp:extent")):
            assert int(extent.get("cx")) <= table.rows[0].cells[1].width

    # URL cell shows the handle, ID cell the platform.
    assert "@someone0" in table.rows[1].cells[2].text
    assert "X (Twitter)" in table.rows[1].cells[3].text

    text = "\n".join(p.text for p in document.paragraphs)
    assert "SHA-256" in text and "commissaire de justice" in text
    assert casefile.case.evidence[0].attachments[0].sha256 in text
    assert "Période couverte" in text and "Abri" in text
    assert len(document.tables[1].rows) == 1 + 20  # the bordereau de pièces
    accounts = document.tables[2]
    ids = {row.cells[0].text.splitlines()[0] for row in accounts.rows[1:]}
    assert ids == {"1234567890", "987654321"}


def test_word_relationships_point_where_python_docx_would(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """The relationships are written as text with a quicker target for pictures: every
    target must be python-docx's own, and each named part must be in the file."""
    from tui.export.docx_writer import _target_ref

    casefile = make_case(6)
    [written] = export_case(casefile, ["docx"], tmp_path / "out")
    document = Document(str(written.path))
    package = document.part.package
    names = set(zipfile.ZipFile(written.path).namelist())
    checked = 0
    for part in [package, *package.iter_parts()]:
        for rel in part.rels.values():
            assert _target_ref(rel) == rel.target_ref
            if not rel.is_external:
                assert str(rel.target_part.partname).lstrip("/") in names
                checked += 1
    assert checked > 6  # the pictures and the document's own parts


def test_word_stacks_several_screenshots_and_reports_a_missing_one(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(3, shots=2, lang="en")
    first = casefile.case.find("E0001")
    assert first is not None
    missing = casefile.path.parent / first.attachments[1].path
    missing.unlink()
    [written] = export_case(casefile, ["docx"], tmp_path / "out")
    table = Document(str(written.path)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == EN_HEADINGS
    assert _pictures_in(table.rows[1].cells[1]) == 1
    assert "Missing file" in table.rows[1].cells[1].text
    assert _pictures_in(table.rows[2].cells[1]) == 2


def test_an_altered_screenshot_is_flagged_not_shown_as_proof(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(1, lang="en")
    picture = casefile.path.parent / casefile.case.evidence[0].attachments[0].path
    picture.write_bytes(picture.read_bytes() + b"changed")
    [docx, html] = export_case(casefile, ["docx", "html"], tmp_path / "out")
    assert (
        "has changed since it was recorded"
        in Document(str(docx.path)).tables[0].rows[1].cells[1].text
    )
    assert "has changed since it was recorded" in html.path.read_text(encoding="utf-8")


def test_html_is_self_contained_and_escapes_everything(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(4, hostile=True)
    [written] = export_case(casefile, ["html"], tmp_path / "out")
    page = written.path.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[U+001B]" in page and "[U+202E]" in page and "[U+0000]" in page
    assert "\x1b" not in page and "\x00" not in page and "\u202e" not in page
    assert page.count('src="data:image/png;base64,') == 3 * 2  # the table and the annex
    assert 'src="http' not in page and "<link" not in page
    assert "Content-Security-Policy" in page


def test_csv_neutralises_formulas_and_reads_back(make_case: CaseFactory, tmp_path: Path) -> None:
    casefile = make_case(3, hostile=True)
    casefile.case.evidence[0] = replace(casefile.case.evidence[0], notes="-2+3")
    casefile.case.evidence[1] = replace(casefile.case.evidence[1], notes="@SUM(A1)")
    casefile.case.evidence[2] = replace(casefile.case.evidence[2], notes="\tcmd")
    [written] = export_case(casefile, ["csv"], tmp_path / "out")
    data = written.path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + 3
    header = rows[0]
    notes = header.index("Notes")
    assert sorted(row[notes] for row in rows[1:]) == sorted(["'-2+3", "'@SUM(A1)", "'\tcmd"])
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert inert('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert inert("plain") == "plain"


def test_pharos_texts_give_category_time_place_url_and_a_summary(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(6)
    [written] = export_case(casefile, ["pharos"], tmp_path / "out")
    text = written.path.read_text(encoding="utf-8")
    assert text.count("--- P") == 6 and "(E0006)" in text
    assert "Menaces ou incitation à la violence" in text
    assert "Injure ou diffamation" in text
    assert "Date de publication\u00a0: 14/04/2021\n" in text  # Paris time of the X post ID
    assert "Heure de publication\u00a0: 17:10:42\n" in text
    assert "X (Twitter)" in text
    assert "https://x.com/someone0/status/1382350606417817604" in text
    assert "Résumé factuel" in text and "Nombre de comptes\u00a0: 2" in text
    assert "Plusieurs comptes (2)" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pharos_texts_of_one_message_say_one_not_a_series_of_1(
    make_case: CaseFactory, tmp_path: Path, lang: str
) -> None:
    casefile = make_case(1, lang=lang)
    [written] = export_case(casefile, ["pharos"], tmp_path / "out")
    text = written.path.read_text(encoding="utf-8")
    if lang == "fr":
        assert "C'est le seul message relevé visant cette personne." in text
        assert "série de 1 messages" not in text and "1 jours" not in text
        assert "sur 1 jour" in text or "sur 1 jour" in text
    else:
        assert "series of 1 messages" not in text and "1 different days" not in text
    several = export_case(make_case(6, lang=lang, name="b.toml"), ["pharos"], tmp_path / "o2")
    many = several[0].path.read_text(encoding="utf-8")
    assert ("série de 6 messages" if lang == "fr" else "6 messages") in many


def test_bundle_verifies_with_sha256sum(make_case: CaseFactory, tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    casefile = make_case(5)
    out = tmp_path / "out"
    written = export_case(casefile, ["docx", "csv", "zip"], out)
    bundle = written[-1]
    assert bundle.format == "zip" and bundle.path.name.endswith("-bundle.zip")
    unpacked = tmp_path / "b"
    with zipfile.ZipFile(bundle.path) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "alice.toml" in names and "SHA256SUMS" in names
    assert sum(name.startswith("alice-files/") for name in names) == 4
    assert {f"exports/{w.path.name}" for w in written[:-1]} <= set(names)
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1
    # The journal names every file written with its hash.
    journal = tomllib.loads(casefile.path.read_text(encoding="utf-8"))["journal"]
    details = [line["detail"] for line in journal if line["action"] == "export-written"]
    assert [d.split()[0] for d in details] == ["docx", "csv", "zip"]
    assert details[-1].endswith(bundle.sha256)


def test_hostile_text_goes_through_every_format_without_losing_a_character(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    casefile = make_case(3, hostile=True, lang="en")
    casefile.case.evidence[1] = replace(casefile.case.evidence[1], content=LONG_LINE)  # 100 KB
    written = export_case(casefile, ["docx", "html", "csv", "pharos", "zip"], tmp_path / "out")
    assert [w.format for w in written] == ["docx", "html", "csv", "pharos", "zip"]
    document = Document(str(written[0].path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "[U+001B][2J" in body and "[U+0000]" in body and "[U+202E]" in body
    assert "[@click=app.quit]x[/]" in body and "<script>alert(1)</script>" in body
    for name in ("csv", "pharos"):
        text = next(w for w in written if w.format == name).path.read_text(encoding="utf-8-sig")
        assert "\x1b" not in text and "\x00" not in text
        assert "[U+001B]" in text
    assert all(w.path.stat().st_size > 0 for w in written)
    assert LONG_LINE in body  # kept whole in the details
    pharos = next(w for w in written if w.format == "pharos").path.read_text(encoding="utf-8")
    assert max(len(line) for line in pharos.splitlines()) < 2_000  # bounded for the form


def test_scope_selects_by_ids_dates_and_accounts(make_case: CaseFactory, tmp_path: Path) -> None:
    casefile = make_case(10)
    case = casefile.case
    by_ids = Scope(ids=["E0003", "E0001"]).select(case)
    assert [e.id for e in by_ids] == ["E0001", "E0003"]
    by_account = Scope(accounts=["@someone1"]).select(case)
    assert {e.account_id for e in by_account} == {"1234567890"} and len(by_account) == 5
    start = case.find("E0004").posted_at  # type: ignore[union-attr]
    end = case.find("E0006").posted_at  # type: ignore[union-attr]
    assert [e.id for e in Scope(start=start, end=end).select(case)] == ["E0004", "E0005", "E0006"]
    [written] = export_case(casefile, ["docx"], tmp_path / "o", scope=Scope(ids=["E0002"]))
    assert len(Document(str(written.path)).tables[0].rows) == 2


def test_default_folder_is_exports_beside_the_case(make_case: CaseFactory) -> None:
    casefile = make_case(1)
    [written] = export_case(casefile, ["csv"])
    assert written.path.parent == default_output_dir(casefile.path)
    assert written.path.parent == casefile.path.parent / "exports"
    assert ":" not in written.path.name and written.path.name.isascii()


def test_cancel_leaves_no_file_under_a_final_name(make_case: CaseFactory, tmp_path: Path) -> None:
    casefile = make_case(12)
    cancel = threading.Event()
    out = tmp_path / "out"

    def progress(done: int, total: int, what: str) -> None:
        if what == "docx" and done > 0:
            cancel.set()

    with pytest.raises(ExportCancelled):
        export_case(casefile, ["docx", "zip"], out, progress=progress, cancel=cancel)
    assert list(out.iterdir()) == []


def test_missing_chromium_still_writes_the_other_formats(
    make_case: CaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.export import pdf_writer

    # No Chromium anywhere: how to get one.
    monkeypatch.delenv("ABRI_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf_writer, "DEBIAN_CANDIDATES", ())
    monkeypatch.setattr(pdf_writer, "_playwright_browsers", lambda: [])
    casefile = make_case(2, lang="en")
    with pytest.raises(PartialExport) as caught:
        export_case(casefile, ["docx", "pdf", "csv"], tmp_path / "out")
    assert "apt-get install chromium-headless-shell" in str(caught.value)
    assert "ABRI_CHROMIUM" in str(caught.value)
    assert [w.format for w in caught.value.written] == ["docx", "csv"]
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".csv", ".docx"]
    # One named that is not there: that one is said, not "none found".
    monkeypatch.setenv("ABRI_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(PartialExport) as caught:
        export_case(casefile, ["pdf", "csv"], tmp_path / "again")
    assert "no-such-chromium) does not exist or cannot be run" in str(caught.value)


def test_unknown_format_is_refused() -> None:
    assert parse_formats("zip,docx") == ["docx", "zip"]
    with pytest.raises(ValueError, match="odt"):
        parse_formats("docx,odt")


def test_hostile_strings_fixture_is_all_covered() -> None:
    # Guard: the fixture still holds the characters the assertions above look for.
    joined = "".join(HOSTILE_STRINGS)
    assert "\x1b" in joined and "\x00" in joined and "\u202e" in joined


def test_a_screenshot_replaced_by_a_symlink_loop_or_a_fifo_never_stops_an_export(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """A file someone swapped on the stick is flagged; the documents are still written."""
    import os

    casefile = make_case(3)
    shots = [a.path for e in casefile.case.evidence for a in e.attachments]
    loop = casefile.path.parent / shots[0]
    loop.unlink()
    os.symlink(loop.name, loop)  # a link to itself
    fifo = casefile.path.parent / shots[1]
    fifo.unlink()
    os.mkfifo(fifo)
    written = export_case(casefile, ["docx", "html"], tmp_path / "out")
    assert {item.path.suffix for item in written} == {".docx", ".html"}
    assert all(item.path.stat().st_size > 0 for item in written)


def test_an_export_to_a_stick_not_plugged_in_writes_nothing_on_this_disk(
    make_case: CaseFactory, tmp_path: Path
) -> None:
    """Trial: --output /media/STICK/exports made /media/STICK/exports on the computer's
    own disk and wrote the dossier there. Only the last folder is ever made."""
    casefile = make_case(1)
    stick = tmp_path / "media" / "STICK"
    with pytest.raises(ExportError) as refused:
        export_case(casefile, ["csv"], stick / "exports")
    said = str(refused.value).replace("\u202f", " ").replace("\u00a0", " ")
    assert "n'existe pas (une clé USB débranchée ?)" in said
    assert str(stick) in str(refused.value)
    assert not (tmp_path / "media").exists()
    [written] = export_case(casefile, ["csv"], tmp_path / "exports")  # one new folder: fine
    assert written.path.parent == tmp_path / "exports"
