"""The Word (.docx) dossier: A4 landscape, the 4-column complaint table, then details.

Layout follows the gendarmerie method (FACTS.md): a landscape page with a table
*Date & heure* | *Capture d'écran* | *URL* | *ID du compte*, one row per message in
chronological order, the header row repeated on every page.  After the table: one
section per entry with everything recorded, a table of accounts, and what the
SHA-256 values prove and do not prove.

Linear time: python-docx's ``add_picture`` looks for an identical image by scanning
every image part, finds a free part name and relationship ID by scanning again,
and computes a shape ID with an XPath over the whole document: 1,000 pictures take
~20 s, 2,000 ~80 s.  :class:`_Pictures` adds each image part once (keyed by the
attachment's SHA-256), names parts and relationships from its own counters, and
builds the inline drawing itself, so each picture costs the same whatever the
size of the document.

python-docx is imported here only, and this module is imported only when a
.docx is asked for (start-up stays fast).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import _Body
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Emu, Mm, Pt
from lxml import etree  # type: ignore[import-untyped]

from tui.export.common import (
    Dossier,
    ExportCancelled,
    Progress,
    ResolvedFile,
    category_label,
    entry_time_line,
    image_kind,
    platform_name,
    resolve,
    safe,
    source_label,
)

PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN = Mm(12)
COLUMNS = (Mm(45), Mm(95), Mm(80), Mm(53))
"""Date, screenshot, URL, account: 273 mm = the page width less both margins."""
PICTURE_MAX_HEIGHT = Mm(80)
"""A tall phone screenshot is scaled down so two rows fit on a landscape page."""
CELL_PADDING = Mm(4)

_DOCX_KINDS = {"png", "jpeg", "gif", "bmp"}
"""Formats Word embeds (webp and others are listed, not embedded)."""


class _Pictures:
    """Adds pictures to the document in constant time each (see the module docstring)."""

    def __init__(self, document: Any) -> None:
        self.part = document.part
        self.package = self.part.package
        self.by_sha: dict[str, tuple[str, Image]] = {}
        self.count = len(self.package.image_parts)
        # Shape IDs must be unique in the document; the template's own are small.
        self.shape_id = 100_000

    def inline(self, data: bytes, sha256: str, max_width: int, max_height: int) -> CT_Inline:
        """A ``wp:inline`` drawing of ``data`` scaled to fit ``max_width`` x ``max_height``."""
        known = self.by_sha.get(sha256)
        if known is None:
            image = Image.from_blob(data)
            self.count += 1
            partname = PackURI(f"/word/media/abri{self.count}.{image.ext}")
            image_part = ImagePart.from_image(image, partname)
            self.package.image_parts.append(image_part)
            rid = f"rIdAbri{self.count}"
            self.part.rels.add_relationship(RT.IMAGE, image_part, rid)
            known = self.by_sha[sha256] = (rid, image)
        rid, image = known
        px_w, px_h = max(image.px_width, 1), max(image.px_height, 1)
        # Always set the size: pictures without DPI come out huge otherwise.
        width = max_width
        height = int(width * px_h / px_w)
        if height > max_height:
            height = max_height
            width = int(height * px_w / px_h)
        self.shape_id += 1
        return CT_Inline.new_pic_inline(
            self.shape_id, rid, f"image{self.count}.{image.ext}", Emu(width), Emu(height)
        )


def _set_repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_row_together(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    tr_pr.append(cant_split)


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_W_P, _W_PPR, _W_PSTYLE, _W_SPACING = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:spacing")
_W_R, _W_RPR, _W_B, _W_I = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:i")
_W_T, _W_BR, _W_VAL, _W_AFTER = qn("w:t"), qn("w:br"), qn("w:val"), qn("w:after")
_W_DRAWING = qn("w:drawing")

# Paragraphs and runs are built with lxml directly: python-docx's setters look for
# the right place of each property among dozens of possible siblings, which made
# them most of the export time for 1,000 entries (still linear, just slow).


def _paragraph(parent: Any, style_id: str = "", space_after: int | None = None) -> Any:
    """Append a ``w:p`` to ``parent`` (a body or a table cell) and return it."""
    p = etree.SubElement(parent, _W_P)
    if style_id or space_after is not None:
        ppr = etree.SubElement(p, _W_PPR)
        if style_id:
            etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
        if space_after is not None:
            etree.SubElement(ppr, _W_SPACING).set(_W_AFTER, str(space_after))
    return p


def _run(p: Any, text: str, *, bold: bool = False, italic: bool = False) -> Any:
    """Append a run of (document-safe) text; newlines become line breaks."""
    r = etree.SubElement(p, _W_R)
    if bold or italic:
        rpr = etree.SubElement(r, _W_RPR)
        if bold:
            etree.SubElement(rpr, _W_B)
        if italic:
            etree.SubElement(rpr, _W_I)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if index:
            etree.SubElement(r, _W_BR)
        if line:
            t = etree.SubElement(r, _W_T)
            t.text = line
            t.set(_XML_SPACE, "preserve")
    return r


def _cell_paragraph(cell: Any, first: bool) -> Any:
    """The cell's existing empty paragraph for the first line, a new one after."""
    tc = cell._tc
    return tc.p_lst[0] if first else _paragraph(tc)


def _write_cell(cell: Any, lines: list[tuple[str, bool]]) -> None:
    """Fill a cell with (text, bold) lines; the first goes in the existing paragraph."""
    for index, (text, bold) in enumerate(lines):
        _run(_cell_paragraph(cell, index == 0), text, bold=bold)


def _fixed_table(document: Any, rows: int, widths: tuple[int, ...]) -> Any:
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # LibreOffice ignores column widths unless autofit is off and every cell has one.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


class _Chunk:
    """A detached body to write one entry's details into, then moved into the document.

    python-docx inserts each new paragraph before the body's ``w:sectPr``, which it
    finds by scanning every child of the body: 10,000 paragraphs cost 50 million
    comparisons.  Writing into a small detached body and moving its children in
    front of ``w:sectPr`` at the end keeps every step constant-time.
    """

    def __init__(self, document: Any, section: Any) -> None:
        self.document = document
        self.section = section
        """The body's ``w:sectPr``, found once (looking it up again scans the body)."""
        self.body = _Body(OxmlElement("w:body"), document)

    def heading(self, text: str, style_id: str) -> None:
        """A heading paragraph; the style is set by its ID because looking a style up
        by name scans every relationship of the document (one per picture)."""
        _run(_paragraph(self.body._element, style_id), text)

    def text(self, text: str) -> None:
        """A plain paragraph."""
        _run(_paragraph(self.body._element), text)

    def line(self, label: str, value: str, sep: str) -> None:
        """``Label : value`` with the label in bold."""
        p = _paragraph(self.body._element, space_after=40)
        _run(p, label + sep, bold=True)
        if value:
            _run(p, value)

    def flush(self) -> None:
        """Move what was written into the document, before its section properties."""
        for child in list(self.body._element):
            self.section.addprevious(child)


def _label_line(document: Any, label: str, value: str, sep: str = ": ") -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(label + sep).bold = True
    paragraph.add_run(value)


def write_docx(
    dossier: Dossier,
    target: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Write the Word dossier to ``target`` (the caller renames it into place).

    Raises :class:`ExportCancelled` as soon as ``cancel`` is set.
    """
    tr = dossier.tr
    document = Document()
    styles = document.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10)

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    # Setting the orientation does not swap the page size: do it.
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)

    document.core_properties.title = safe(dossier.case.title)[:250]
    document.core_properties.author = "Abri"
    document.add_heading(tr("export.title"), level=0)
    for label, value in dossier.header_lines():
        _label_line(document, label, value, tr("export.sep"))

    entries = dossier.entries
    total = len(entries)
    pictures = _Pictures(document)
    table = _fixed_table(document, 1, COLUMNS)
    header = table.rows[0]
    _set_repeat_header(header)
    for cell, heading, width in zip(header.cells, dossier.headings(), COLUMNS, strict=True):
        cell.width = width
        _write_cell(cell, [(heading, True)])

    picture_width = COLUMNS[1] - CELL_PADDING
    resolved: dict[str, list[ResolvedFile]] = {}
    for done, entry in enumerate(entries):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        files = [resolve(dossier.source, att) for att in entry.attachments]
        resolved[entry.id] = files
        row = table.add_row()
        _keep_row_together(row)
        cells = row.cells
        for cell, width in zip(cells, COLUMNS, strict=True):
            cell.width = width

        time_lines = [(entry_time_line(dossier, entry), False)]
        if entry.posted_at is not None and entry.posted_at_source:
            time_lines.append((source_label(entry.posted_at_source, dossier.lang), False))
        time_lines.append((entry.id, True))
        _write_cell(cells[0], time_lines)

        shot = cells[1]
        first = True
        for file in files:
            paragraph = _cell_paragraph(shot, first)
            first = False
            if file.data is not None and (file.status == "ok" or file.status == "altered"):
                kind = image_kind(file.data)
                if kind in _DOCX_KINDS:
                    drawing = etree.SubElement(etree.SubElement(paragraph, _W_R), _W_DRAWING)
                    drawing.append(
                        pictures.inline(
                            file.data, file.attachment.sha256, picture_width, PICTURE_MAX_HEIGHT
                        )
                    )
                    file.data = None  # embedded; do not keep every picture in memory
                    if file.status == "altered":
                        _run(_paragraph(shot._tc), tr("export.file.altered"), bold=True)
                    continue
            note = _file_note(dossier, file)
            if file.data is not None and image_kind(file.data) is not None:
                name = safe(file.attachment.original_name or file.attachment.path)
                note = tr("export.file.not_embeddable", name=name)
            _run(paragraph, note, italic=True)
        if first:
            _run(_cell_paragraph(shot, True), tr("export.file.none"), italic=True)

        url_lines = [(safe(entry.url or entry.url_original) or tr("export.no_url"), False)]
        if entry.account_handle:
            url_lines.append(("@" + safe(entry.account_handle.lstrip("@")), False))
        _write_cell(cells[2], url_lines)

        id_lines = [(safe(entry.account_id) or tr("export.no_account_id"), bool(entry.account_id))]
        if entry.platform:
            id_lines.append((safe(platform_name(entry.platform)), False))
        _write_cell(cells[3], id_lines)
        if progress is not None and (done % 25 == 0 or done + 1 == total):
            progress(done + 1, total, "docx")

    _write_details(document, dossier, resolved, cancel)
    _write_accounts(document, dossier)
    document.add_heading(tr("export.statement.title"), level=1)
    for line in dossier.statement():
        document.add_paragraph(line)
    document.save(str(target))


def _file_note(dossier: Dossier, file: ResolvedFile) -> str:
    name = safe(file.attachment.original_name or file.attachment.path)
    if file.status == "missing":
        return dossier.tr("export.file.missing", name=name)
    if file.status == "outside":
        return dossier.tr("export.file.outside", name=name)
    return dossier.tr("export.file.not_image", name=name)


def _write_details(
    document: Any,
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    cancel: threading.Event | None,
) -> None:
    tr = dossier.tr
    lang = dossier.lang
    sep = tr("export.sep")

    document.add_page_break()
    document.add_heading(tr("export.details.title"), level=1)
    section = document.element.body.sectPr
    for entry in dossier.entries:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        chunk = _Chunk(document, section)

        def line(label: str, value: str, chunk: _Chunk = chunk) -> None:
            chunk.line(label, value, sep)

        chunk.heading(f"{entry.id} — {entry_time_line(dossier, entry)}", "Heading2")
        if entry.posted_at is not None:
            line(
                tr("export.details.posted"),
                f"{dossier.time(entry.posted_at)} — {source_label(entry.posted_at_source, lang)}",
            )
        if entry.observed_at is not None:
            line(tr("export.details.observed"), dossier.time(entry.observed_at))
        line(tr("export.details.platform"), safe(platform_name(entry.platform)))
        line(tr("export.details.url"), safe(entry.url))
        if entry.url_original and entry.url_original != entry.url:
            line(tr("export.details.url_original"), safe(entry.url_original))
        line(tr("export.details.handle"), safe(entry.account_handle))
        line(tr("export.details.account_id"), safe(entry.account_id))
        if entry.post_id:
            line(tr("export.details.post_id"), safe(entry.post_id))
        if entry.categories:
            line(
                tr("export.details.categories"),
                ", ".join(category_label(c, lang) for c in entry.categories),
            )
        line(tr("export.details.content"), "")
        chunk.text(safe(entry.content) or tr("export.details.empty"))
        if entry.notes:
            line(tr("export.details.notes"), "")
            chunk.text(safe(entry.notes))
        for report in entry.reports:
            parts = [category_label_place(report.place, dossier)]
            if report.date is not None:
                parts.append(dossier.time(report.date))
            if report.reference:
                parts.append(safe(report.reference))
            line(tr("export.details.report"), " — ".join(parts))
        for file in resolved.get(entry.id, []):
            att = file.attachment
            line(
                tr("export.details.file"),
                tr(
                    "export.details.file_value",
                    name=safe(att.path),
                    original=safe(att.original_name),
                    bytes=att.bytes,
                    added=dossier.time(att.added_at),
                ),
            )
            line("SHA-256", att.sha256)
            if file.status != "ok":
                line(tr("export.details.check"), _file_note_status(dossier, file))
        chunk.flush()


def category_label_place(place: str, dossier: Dossier) -> str:
    """Where a report was made, in words."""
    label = dossier.tr(f"export.place.{place}")
    return label if not label.startswith("export.place.") else safe(place)


def _file_note_status(dossier: Dossier, file: ResolvedFile) -> str:
    if file.status == "altered":
        return dossier.tr("export.file.altered")
    return _file_note(dossier, file)


def _write_accounts(document: Any, dossier: Dossier) -> None:
    tr = dossier.tr
    accounts = dossier.accounts()
    document.add_heading(tr("export.accounts.title"), level=1)
    if not accounts:
        document.add_paragraph(tr("export.accounts.none"))
        return
    widths = (Mm(60), Mm(40), Mm(75), Mm(20), Mm(78))
    table = _fixed_table(document, 1, widths)
    header = table.rows[0]
    _set_repeat_header(header)
    headings = (
        tr("export.accounts.id"),
        tr("export.accounts.platform"),
        tr("export.accounts.handles"),
        tr("export.accounts.count"),
        tr("export.accounts.span"),
    )
    for cell, text, width in zip(header.cells, headings, widths, strict=True):
        cell.width = width
        _write_cell(cell, [(text, True)])
    for account in accounts:
        cells = table.add_row().cells
        values = (
            safe(account.account_id) or tr("export.no_account_id"),
            safe(platform_name(account.platform)),
            ", ".join("@" + safe(h) for h in account.handles),
            str(account.count),
            f"{dossier.time(account.first)} → {dossier.time(account.last)}"
            if account.first
            else "",
        )
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            _write_cell(cell, [(text, False)])
