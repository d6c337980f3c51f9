"""The Word (.docx) dossier: the method's 4-column table, the exhibits, page numbers.

Layout follows the gendarmerie method (FACTS.md): a landscape A4 page with a table
*Date & heure* | *Capture d'écran* | *URL* | *ID du compte*, one row per message in
chronological order, the header row repeated on every page.  Each message is a
numbered exhibit (*pièce* P1, P2… with its stable entry ID beside).  Then:

1. the table, each capture printed large enough to read (a phone capture is about
   150 mm high, one row per page);
2. the *bordereau de pièces* (number, date, platform, account, file, SHA-256);
3. the accounts (profile links, creation time when the ID tells it);
4. the details of each exhibit (both URLs, both kinds of time, every file);
5. what the SHA-256 values prove, and the signature block ("Fait à …, le …");
6. the annex: one exhibit per portrait page at the largest legible size, tall
   captures continued on the next pages with "suite" marks.

Every page has "page N / M" (PAGE and NUMPAGES fields) in its footer.  URLs and
profiles are real hyperlinks.  Document properties are set from the case
(author, language, created now); no trace of the template is left.

Linear time: python-docx's ``add_picture`` and ``relate_to`` scan every part and
relationship for each new one, and computing shape IDs scans the whole document,
so 1,000 pictures took ~20 s and 2,000 ~80 s.  :class:`_Parts` adds each image
part once (keyed by SHA-256 and slice), names parts and relationships from its
own counters and builds the drawing itself; paragraphs are built with lxml into
detached bodies moved in front of the section properties found once.

python-docx is imported here only, and this module is imported only when a
.docx is asked for (start-up stays fast).
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
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

from tui.core.case import Evidence
from tui.export.common import (
    Dossier,
    ExportCancelled,
    Progress,
    ResolvedFile,
    account_created,
    annex_box,
    capture_times,
    category_label,
    entry_time_line,
    file_note,
    format_day,
    link_target,
    platform_name,
    profile_url,
    publication,
    resolve,
    safe,
    source_label,
)
from tui.export.images import Prepared, Slice, scale_for

PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN = Mm(12)
BOTTOM_MARGIN = Mm(17)
"""Room for the footer ("page N / M") under the text."""
COLUMNS = (Mm(42), Mm(112), Mm(68), Mm(51))
"""Date, screenshot, URL, account: 273 mm = the page width less both margins."""
TABLE_BOX_MM = (108.0, 150.0)
"""Largest picture in a table cell: a phone capture fills the height (≈ 67 mm wide)."""
TABLE_MIN_HEIGHT_MM = 60.0
"""Smallest picture height in a row holding several captures."""
_MM = 36_000
"""EMU per millimetre."""


class _Parts:
    """Pictures and hyperlinks added in constant time each (see the module docstring)."""

    def __init__(self, document: Any) -> None:
        self.part = document.part
        self.package = self.part.package
        self.by_key: dict[tuple[str, int], tuple[str, str]] = {}
        self.count = len(self.package.image_parts)
        self.links: dict[str, str] = {}
        # Shape IDs must be unique in the document; the template's own are small.
        self.shape_id = 100_000

    def image(self, sha256: str, piece: Slice) -> tuple[str, str] | None:
        """(relationship ID, file name) of the slice's image part; None if Word cannot read it."""
        key = (sha256, piece.index)
        known = self.by_key.get(key)
        if known is None:
            try:
                image = Image.from_blob(piece.data)
            except Exception:
                # python-docx's own header parser can refuse what Pillow wrote or
                # accepted; the cell then says the picture could not be shown.
                return None
            self.count += 1
            partname = PackURI(f"/word/media/abri{self.count}.{image.ext}")
            image_part = ImagePart.from_image(image, partname)
            self.package.image_parts.append(image_part)
            rid = f"rIdAbri{self.count}"
            self.part.rels.add_relationship(RT.IMAGE, image_part, rid)
            known = self.by_key[key] = (rid, f"image{self.count}.{image.ext}")
        return known

    def inline(self, rid: str, name: str, width_mm: float, height_mm: float) -> CT_Inline:
        """A ``wp:inline`` drawing of that size (always set: no DPI means huge)."""
        self.shape_id += 1
        return CT_Inline.new_pic_inline(
            self.shape_id, rid, name, Emu(int(width_mm * _MM)), Emu(int(height_mm * _MM))
        )

    def link(self, url: str) -> str:
        """Relationship ID of an external hyperlink to ``url`` (one per distinct URL)."""
        rid = self.links.get(url)
        if rid is None:
            rid = self.links[url] = f"rIdAbriLink{len(self.links) + 1}"
            self.part.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
        return rid


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_W_P, _W_PPR, _W_PSTYLE, _W_SPACING = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:spacing")
_W_R, _W_RPR, _W_B, _W_I = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:i")
_W_T, _W_BR, _W_VAL, _W_AFTER = qn("w:t"), qn("w:br"), qn("w:val"), qn("w:after")
_W_DRAWING, _W_HYPERLINK, _R_ID = qn("w:drawing"), qn("w:hyperlink"), qn("r:id")
_W_COLOR, _W_U, _W_SZ, _W_KEEP = qn("w:color"), qn("w:u"), qn("w:sz"), qn("w:keepNext")
_W_PAGE_BREAK_BEFORE = qn("w:pageBreakBefore")
_W_TC = qn("w:tc")

# Paragraphs and runs are built with lxml directly: python-docx's setters look for
# the right place of each property among dozens of possible siblings, which made
# them most of the export time for 1,000 entries (still linear, just slow).


def _paragraph(
    parent: Any,
    style_id: str = "",
    space_after: int | None = None,
    *,
    keep_next: bool = False,
    page_break: bool = False,
) -> Any:
    """Append a ``w:p`` to ``parent`` (a body or a table cell) and return it."""
    p = etree.SubElement(parent, _W_P)
    if style_id or space_after is not None or keep_next or page_break:
        ppr = etree.SubElement(p, _W_PPR)
        if style_id:
            etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
        if keep_next:
            etree.SubElement(ppr, _W_KEEP)
        if page_break:
            etree.SubElement(ppr, _W_PAGE_BREAK_BEFORE)
        if space_after is not None:
            etree.SubElement(ppr, _W_SPACING).set(_W_AFTER, str(space_after))
    return p


def _run(
    p: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    link: bool = False,
    size: int = 0,
) -> Any:
    """Append a run of (document-safe) text; newlines become line breaks."""
    r = etree.SubElement(p, _W_R)
    if bold or italic or link or size:
        rpr = etree.SubElement(r, _W_RPR)
        if bold:
            etree.SubElement(rpr, _W_B)
        if italic:
            etree.SubElement(rpr, _W_I)
        if link:
            etree.SubElement(rpr, _W_COLOR).set(_W_VAL, "0B4F9C")
            etree.SubElement(rpr, _W_U).set(_W_VAL, "single")
        if size:
            etree.SubElement(rpr, _W_SZ).set(_W_VAL, str(size))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if index:
            etree.SubElement(r, _W_BR)
        if line:
            t = etree.SubElement(r, _W_T)
            t.text = line
            t.set(_XML_SPACE, "preserve")
    return r


def _link(p: Any, parts: _Parts, text: str, url: str, *, size: int = 0) -> None:
    """``text`` as a hyperlink to ``url`` when it is a safe target, plain text otherwise."""
    target = link_target(url)
    if not target:
        _run(p, text, size=size)
        return
    hyperlink = etree.SubElement(p, _W_HYPERLINK)
    hyperlink.set(_R_ID, parts.link(target))
    _run(hyperlink, text, link=True, size=size)


def _cell_paragraph(cell: Any, first: bool) -> Any:
    """The cell's existing empty paragraph for the first line, a new one after."""
    tc = cell._tc
    return tc.find(_W_P) if first else _paragraph(tc)


def _write_cell(cell: Any, lines: list[tuple[str, bool]]) -> None:
    """Fill a cell with (text, bold) lines; the first goes in the existing paragraph."""
    for index, (text, bold) in enumerate(lines):
        _run(_cell_paragraph(cell, index == 0), text, bold=bold)


def _set_repeat_header(row: Any) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _keep_row_together(row: Any) -> None:
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(cant_split)


def _fixed_table(document: Any, rows: int, widths: tuple[int, ...]) -> Any:
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # LibreOffice ignores column widths unless autofit is off and every cell has one.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


class _Rows:
    """New table rows in constant time: copies of one empty row whose cells have their widths.

    ``table.add_row()`` plus ``cell.width = …`` walk python-docx's property machinery
    for every cell (most of a 1,000-row export); a deep copy of a prepared ``w:tr``
    costs a fraction of that.
    """

    def __init__(self, table: Any, widths: tuple[int, ...], *, keep_together: bool) -> None:
        row = table.add_row()
        if keep_together:
            _keep_row_together(row)
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
        self.template = row._tr
        self.tbl = table._tbl
        self.tbl.remove(self.template)

    def add(self) -> list[Any]:
        """Append a new row; returns its ``w:tc`` cells."""
        tr = copy.deepcopy(self.template)
        self.tbl.append(tr)
        return list(tr.iterchildren(_W_TC))


class _Cell:
    """The little of python-docx's cell interface the writers use, over a bare ``w:tc``."""

    __slots__ = ("_tc",)

    def __init__(self, tc: Any) -> None:
        self._tc = tc


def _header_row(table: Any, headings: list[str], widths: tuple[int, ...]) -> None:
    header = table.rows[0]
    _set_repeat_header(header)
    for cell, text, width in zip(header.cells, headings, widths, strict=True):
        cell.width = width
        _write_cell(cell, [(text, True)])


class _Chunk:
    """A detached body to write into, then moved into the document in one go.

    python-docx inserts each new paragraph before the body's ``w:sectPr``, which it
    finds by scanning every child of the body: 10,000 paragraphs cost 50 million
    comparisons.  Writing into a small detached body and moving its children in
    front of ``w:sectPr`` at the end keeps every step constant-time.
    """

    def __init__(self, document: Any, section: Any, sep: str) -> None:
        self.document = document
        self.section = section
        """The body's ``w:sectPr``, found once (looking it up again scans the body)."""
        self.sep = sep
        self.body = _Body(OxmlElement("w:body"), document)

    @property
    def element(self) -> Any:
        """The detached ``w:body`` to append paragraphs to."""
        return self.body._element

    def heading(self, text: str, style_id: str, *, page_break: bool = False) -> None:
        """A heading paragraph; the style is set by its ID because looking a style up
        by name scans every relationship of the document (one per picture)."""
        _run(_paragraph(self.element, style_id, keep_next=True, page_break=page_break), text)

    def text(self, text: str, *, italic: bool = False, bold: bool = False) -> Any:
        """A plain paragraph."""
        p = _paragraph(self.element)
        _run(p, text, italic=italic, bold=bold)
        return p

    def line(self, label: str, value: str) -> Any:
        """``Label : value`` with the label in bold; returns the paragraph."""
        p = _paragraph(self.element, space_after=40)
        _run(p, label + self.sep, bold=True)
        if value:
            _run(p, value)
        return p

    def flush(self) -> None:
        """Move what was written into the document, before its section properties."""
        for child in list(self.element):
            self.section.addprevious(child)


def _add_page_field(paragraph: Any, instruction: str) -> None:
    """A PAGE / NUMPAGES field (Word and LibreOffice compute it when laying out)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} \\* MERGEFORMAT ")
    run = etree.SubElement(field, _W_R)
    t = etree.SubElement(run, _W_T)
    t.text = "1"
    paragraph._p.append(field)


def _footer(section: Any, dossier: Dossier) -> None:
    """``<title> — page N / M`` at the bottom of every page."""
    section.footer_distance = Mm(7)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = 1  # centred
    title = safe(dossier.case.title)
    title = title if len(title) <= 80 else title[:79] + "…"
    paragraph.add_run(f"{title} — {dossier.tr('export.page.word')} ").font.size = Pt(8)
    _add_page_field(paragraph, "PAGE")
    paragraph.add_run(" / ").font.size = Pt(8)
    _add_page_field(paragraph, "NUMPAGES")


def _properties(document: Any, dossier: Dossier) -> None:
    """Core properties from the case, the language, and no trace of the template."""
    language = "fr-FR" if dossier.lang == "fr" else "en-GB"
    props = document.core_properties
    props.title = safe(dossier.case.title)[:250]
    props.subject = dossier.tr("export.title")[:250]
    props.author = dossier.author()
    props.last_modified_by = dossier.author()
    props.comments = dossier.tr("export.header.generated_value", when="", version="").strip()
    props.comments = f"Abri {dossier.version}"
    props.keywords = ""
    props.category = ""
    props.created = dossier.generated_at.replace(microsecond=0)
    props.modified = dossier.generated_at.replace(microsecond=0)
    props.revision = 1
    props.language = language
    # Spell-checking language: the defaults of every run, and the Normal style.
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets = []
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            targets.append(rpr_default.find(qn("w:rPr")))
    targets.append(document.styles["Normal"].element.get_or_add_rPr())
    for rpr in targets:
        if rpr is None:
            continue
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
        lang.set(qn("w:bidi"), "ar-SA")
        rpr.append(lang)
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        # The template's thumbnail shows an empty page from 2013: drop it.
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rid]
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = _APP_XML.encode("utf-8")


_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Abri</Application><DocSecurity>0</DocSecurity>'
    "</Properties>"
)


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
    _properties(document, dossier)

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    # Setting the orientation does not swap the page size: do it.
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, MARGIN)
    section.bottom_margin = BOTTOM_MARGIN
    _footer(section, dossier)

    document.add_heading(tr("export.title"), level=0)
    sect_pr = document.element.body.sectPr
    sep = dossier.sep
    head = _Chunk(document, sect_pr, sep)
    for label, value in dossier.header_lines():
        head.line(label, value)
    head.text(tr("export.table.intro"), italic=True)
    head.flush()

    parts = _Parts(document)
    resolved = _write_table(document, dossier, parts, progress, cancel)
    _write_bordereau(document, dossier, resolved)
    _write_accounts(document, dossier, parts)
    _write_details(document, dossier, resolved, parts, cancel)
    end = _Chunk(document, sect_pr, sep)
    end.heading(tr("export.statement.title"), "Heading1")
    for line in dossier.statement():
        end.text(line)
    _signature(end, dossier)
    end.flush()
    _write_annex(document, dossier, resolved, parts, cancel)
    document.save(str(target))


def _signature(chunk: _Chunk, dossier: Dossier) -> None:
    """ "Fait à …, le …", "Certifié exact", "Signature" with room to sign."""
    _paragraph(chunk.element)
    for line in dossier.signature_lines():
        chunk.text(line, bold=True)
    for _ in range(3):
        _paragraph(chunk.element)


def _write_table(
    document: Any,
    dossier: Dossier,
    parts: _Parts,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> dict[str, list[ResolvedFile]]:
    """The 4-column table, one legible capture per row; returns the files checked."""
    tr = dossier.tr
    entries = dossier.entries
    total = len(entries)
    table = _fixed_table(document, 1, COLUMNS)
    _header_row(table, dossier.headings(), COLUMNS)
    resolved: dict[str, list[ResolvedFile]] = {}
    rows = _Rows(table, COLUMNS, keep_together=True)
    for done, entry in enumerate(entries):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        files = [resolve(dossier.source, att) for att in entry.attachments]
        resolved[entry.id] = files
        cells = [_Cell(tc) for tc in rows.add()]
        _time_cell(cells[0], dossier, entry)
        _shot_cell(cells[1], dossier, entry, files, parts)
        _url_cell(cells[2], dossier, entry, parts)
        _account_cell(cells[3], dossier, entry, parts)
        if progress is not None and (done % 25 == 0 or done + 1 == total):
            progress(done + 1, total, "docx")
    return resolved


def _time_cell(cell: Any, dossier: Dossier, entry: Evidence) -> None:
    tr = dossier.tr
    p = _cell_paragraph(cell, True)
    _run(p, dossier.piece(entry), bold=True, size=24)
    _run(p, f"  {entry.id}", size=16)
    found = publication(entry)
    p = _paragraph(cell._tc)
    if found is not None:
        _run(p, dossier.time(*found))
        _run(_paragraph(cell._tc), source_label(found[1], dossier.lang), italic=True, size=16)
    else:
        _run(p, tr("export.time.no_publication"), italic=True)
        if entry.observed_at is not None:
            _run(_paragraph(cell._tc), tr("export.seen_at", when=dossier.time(entry.observed_at)))
    for line in dossier.capture_lines(entry):
        _run(_paragraph(cell._tc), line, italic=True, size=16)


def _shot_cell(
    cell: Any, dossier: Dossier, entry: Evidence, files: list[ResolvedFile], parts: _Parts
) -> None:
    tr = dossier.tr
    first = True
    for file in files:
        paragraph = _cell_paragraph(cell, first)
        first = False
        prepared = _prepared(dossier, file)
        if prepared is not None and prepared.ok:
            piece = prepared.slices[0]
            box_w, box_h = TABLE_BOX_MM
            # Several captures share the row's page: each gets its part of the height
            # (all of them are full size in the annex).
            count = max(1, len(files))
            box_h = max(TABLE_MIN_HEIGHT_MM, (box_h - 12 * (count - 1)) / count)
            scale = scale_for(prepared.width_px, prepared.height_px, box_w, box_h)
            scale = min(scale, box_h / max(piece.height_px, 1))
            known = parts.image(file.attachment.sha256, piece)
            if known is not None:
                drawing = etree.SubElement(etree.SubElement(paragraph, _W_R), _W_DRAWING)
                drawing.append(
                    parts.inline(*known, piece.width_px * scale, piece.height_px * scale)
                )
                for note in _picture_notes(dossier, entry, file, prepared, in_table=True):
                    _run(_paragraph(cell._tc), note, italic=True, size=16)
                continue
            prepared = None
        _run(paragraph, file_note(dossier, file, prepared), italic=True)
    if first:
        _run(_cell_paragraph(cell, True), tr("export.file.none"), italic=True)


def _prepared(dossier: Dossier, file: ResolvedFile) -> Prepared | None:
    """The picture of a readable file (ok or altered), or None when there is no file.

    The file's bytes are dropped once prepared (the copy to embed is cached by
    SHA-256): a 1,000-entry case must not hold every original in memory.
    """
    if file.status not in ("ok", "altered"):
        return None
    if file.data is None:
        return dossier.pictures.peek(file.attachment.sha256)
    prepared = dossier.pictures.get(file.attachment.sha256, file.data)
    file.data = None
    return prepared


def _picture_notes(
    dossier: Dossier, entry: Evidence, file: ResolvedFile, prepared: Prepared, *, in_table: bool
) -> list[str]:
    """What a reader must know about the picture shown: altered, converted, continued."""
    tr = dossier.tr
    notes = []
    if file.status == "altered":
        notes.append(tr("export.file.altered"))
    if prepared.converted_from in ("webp", "heic"):
        notes.append(tr("export.file.rendering", kind=prepared.converted_from.upper()))
    if prepared.rotated:
        notes.append(tr("export.file.rotated"))
    count = len(prepared.slices)
    if in_table and count > 1:
        notes.append(tr("export.file.tall", piece=dossier.piece(entry), count=count))
    elif in_table:
        notes.append(tr("export.file.annex", piece=dossier.piece(entry)))
    return notes


def _url_cell(cell: Any, dossier: Dossier, entry: Evidence, parts: _Parts) -> None:
    tr = dossier.tr
    copied = entry.url_original or entry.url
    p = _cell_paragraph(cell, True)
    if copied:
        _link(p, parts, safe(copied), copied)
    else:
        _run(p, tr("export.no_url"), italic=True)
    if entry.account_handle:
        handle = "@" + safe(entry.account_handle.lstrip("@"))
        profile = profile_url(entry.platform, "", entry.account_handle)
        _link(_paragraph(cell._tc), parts, handle, profile)


def _account_cell(cell: Any, dossier: Dossier, entry: Evidence, parts: _Parts) -> None:
    tr = dossier.tr
    p = _cell_paragraph(cell, True)
    if entry.account_id:
        _run(p, safe(entry.account_id), bold=True)
    else:
        _run(p, tr("export.no_account_id"), italic=True)
    if entry.platform:
        _run(_paragraph(cell._tc), safe(platform_name(entry.platform)))
    profile = profile_url(entry.platform, entry.account_id, entry.account_handle)
    if profile:
        _link(_paragraph(cell._tc), parts, tr("export.account.profile"), profile, size=16)
    created = account_created(entry.platform, entry.account_id)
    if created is not None:
        day = format_day(created, dossier.case, dossier.lang)
        _run(_paragraph(cell._tc), tr("export.account.created", date=day), italic=True, size=16)


def _write_bordereau(
    document: Any, dossier: Dossier, resolved: dict[str, list[ResolvedFile]]
) -> None:
    """The numbered list of exhibits: one row per pièce."""
    tr = dossier.tr
    chunk = _Chunk(document, document.element.body.sectPr, dossier.sep)
    chunk.heading(tr("export.bordereau.title"), "Heading1", page_break=True)
    chunk.text(dossier.trn("export.bordereau.count", len(dossier.entries)))
    chunk.flush()
    widths = (Mm(20), Mm(48), Mm(30), Mm(47), Mm(58), Mm(70))
    table = _fixed_table(document, 1, widths)
    _header_row(
        table,
        [tr(f"export.bordereau.{key}") for key in ("number", "date", "platform", "account", "file")]
        + ["SHA-256"],
        widths,
    )
    rows = _Rows(table, widths, keep_together=False)
    for entry in dossier.entries:
        cells = [_Cell(tc) for tc in rows.add()]
        files = resolved.get(entry.id, [])
        account = safe(entry.account_id) or tr("export.no_account_id")
        if entry.account_handle:
            account += " (@" + safe(entry.account_handle.lstrip("@")) + ")"
        values = (
            f"{dossier.piece(entry)}\n{entry.id}",
            entry_time_line(dossier, entry),
            safe(platform_name(entry.platform)),
            account,
            "\n".join(safe(f.attachment.path) for f in files) or tr("export.file.none"),
            "\n".join(safe(f.attachment.sha256) for f in files),
        )
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _run(_cell_paragraph(cell, True), text, bold=index == 0, size=14 if index == 5 else 0)


def _write_details(
    document: Any,
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    parts: _Parts,
    cancel: threading.Event | None,
) -> None:
    tr = dossier.tr
    lang = dossier.lang
    section = document.element.body.sectPr
    first = True
    for entry in dossier.entries:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        chunk = _Chunk(document, section, dossier.sep)
        if first:
            chunk.heading(tr("export.details.title"), "Heading1", page_break=True)
            first = False
        line = chunk.line
        chunk.heading(
            f"{dossier.piece(entry)} ({entry.id}) — {entry_time_line(dossier, entry)}", "Heading2"
        )
        line(tr("export.details.posted"), dossier.publication_line(entry))
        for when, source in capture_times(entry):
            line(
                tr("export.details.captured"),
                f"{dossier.time(when, source)} — {source_label(source, lang)}",
            )
        if entry.observed_at is not None:
            line(tr("export.details.observed"), dossier.time(entry.observed_at))
        if online := dossier.online_line(entry):
            line(tr("capture.timeline.label"), online)
        line(tr("export.details.platform"), safe(platform_name(entry.platform)))
        copied = entry.url_original or entry.url
        p = line(tr("export.details.url_original"), "")
        if copied:
            _link(p, parts, safe(copied), copied)
        if entry.url and entry.url != copied:
            _link(line(tr("export.details.url"), ""), parts, safe(entry.url), entry.url)
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
            parts_text = [category_label_place(report.place, dossier)]
            if report.date is not None:
                parts_text.append(dossier.time(report.date))
            if report.reference:
                parts_text.append(safe(report.reference))
            line(tr("export.details.report"), " — ".join(parts_text))
        for file in resolved.get(entry.id, []):
            att = file.attachment
            line(
                tr("export.details.file"),
                tr(
                    "export.details.file_value",
                    name=safe(att.path),
                    original=safe(att.original_name),
                    bytes=f"{att.bytes:,}".replace(",", "\u202f" if lang == "fr" else ","),
                    added=dossier.time(att.added_at),
                ),
            )
            line("SHA-256", safe(att.sha256))
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
    return file_note(dossier, file, None)


def _write_accounts(document: Any, dossier: Dossier, parts: _Parts) -> None:
    tr = dossier.tr
    accounts = dossier.accounts()
    chunk = _Chunk(document, document.element.body.sectPr, dossier.sep)
    chunk.heading(tr("export.accounts.title"), "Heading1")
    if not accounts:
        chunk.text(tr("export.accounts.none"))
        chunk.flush()
        return
    chunk.flush()
    widths = (Mm(55), Mm(35), Mm(68), Mm(24), Mm(91))
    table = _fixed_table(document, 1, widths)
    _header_row(
        table,
        [tr(f"export.accounts.{key}") for key in ("id", "platform", "handles", "count", "span")],
        widths,
    )
    rows = _Rows(table, widths, keep_together=False)
    for account in accounts:
        cells = [_Cell(tc) for tc in rows.add()]
        p = _cell_paragraph(cells[0], True)
        _run(p, safe(account.account_id) or tr("export.no_account_id"), bold=True)
        handle = account.handles[-1] if account.handles else ""
        profile = profile_url(account.platform, account.account_id, handle)
        if profile:
            _link(_paragraph(cells[0]._tc), parts, tr("export.account.profile"), profile, size=16)
        created = account_created(account.platform, account.account_id)
        if created is not None:
            day = format_day(created, dossier.case, dossier.lang)
            _run(
                _paragraph(cells[0]._tc),
                tr("export.account.created", date=day),
                italic=True,
                size=16,
            )
        _run(_cell_paragraph(cells[1], True), safe(platform_name(account.platform)))
        handles = ", ".join("@" + safe(h) for h in account.handles)
        if len(account.handles) > 1:
            handles += "\n" + tr("export.accounts.renamed")
        _run(_cell_paragraph(cells[2], True), handles)
        _run(_cell_paragraph(cells[3], True), str(account.count))
        span = (
            f"{dossier.time(account.first)} → {dossier.time(account.last)}" if account.first else ""
        )
        _run(_cell_paragraph(cells[4], True), span)


def _section_break(template: Any, wide: bool) -> Any:
    """A paragraph ending a section of A4 pages, landscape when ``wide``.

    In WordprocessingML a section's properties sit in the last paragraph of the
    section (the body's own ``w:sectPr`` describes the last section).
    """
    p = _paragraph(OxmlElement("w:body"))
    ppr = etree.SubElement(p, _W_PPR)
    ppr.append(_orient(copy.deepcopy(template), wide))
    return p


def _orient(sect_pr: Any, wide: bool) -> Any:
    """Set ``sect_pr``'s page to A4 landscape (``wide``) or portrait; returns it."""
    size = sect_pr.find(qn("w:pgSz"))
    long_side, short_side = str(int(PAGE_WIDTH.twips)), str(int(PAGE_HEIGHT.twips))
    size.set(qn("w:w"), long_side if wide else short_side)
    size.set(qn("w:h"), short_side if wide else long_side)
    if wide:
        size.set(qn("w:orient"), "landscape")
    elif size.get(qn("w:orient")) is not None:
        del size.attrib[qn("w:orient")]
    return sect_pr


def _write_annex(
    document: Any,
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    parts: _Parts,
    cancel: threading.Event | None,
) -> None:
    """One capture per page at the largest legible size (landscape pages for wide
    captures, portrait for the others); tall captures continued with "suite" marks."""
    tr = dossier.tr
    body_sect = document.element.body.sectPr
    template = copy.deepcopy(body_sect)  # the landscape section of the table
    # End the table's landscape section here.
    body_sect.addprevious(_section_break(template, True))
    chunk = _Chunk(document, body_sect, dossier.sep)
    uses = Counter(f.attachment.sha256 for files in resolved.values() for f in files)
    pages: list[tuple[Evidence, ResolvedFile, Prepared, int, int]] = []
    for entry in dossier.entries:
        usable = []
        for file in resolved.get(entry.id, []):
            prepared = _prepared(dossier, file)
            if prepared is not None and prepared.ok:
                usable.append((file, prepared))
        for number, (file, prepared) in enumerate(usable, 1):
            pages.append((entry, file, prepared, number, len(usable)))
    current_wide = False  # the annex's title page is portrait
    chunk.heading(tr("export.annex.title"), "Heading1")
    chunk.text(tr("export.annex.intro"))
    shown = 0
    for entry, file, prepared, number, total in pages:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        if prepared.wide != current_wide:
            # Close the current section (its orientation) and start the other one.
            chunk.element.append(_section_break(template, current_wide))
            current_wide = prepared.wide
            shown = -1  # a new section starts on a new page by itself
        box_w, box_h = annex_box(prepared.wide)
        scale = scale_for(prepared.width_px, prepared.height_px, box_w, box_h)
        for piece in prepared.slices:
            known = parts.image(file.attachment.sha256, piece)
            if known is None:
                break
            caption = tr("export.annex.caption", piece=dossier.piece(entry), id=entry.id)
            if total > 1:
                caption += tr("export.annex.capture_n", n=number, total=total)
            if piece.count > 1:
                key = "export.annex.suite" if piece.index else "export.annex.part"
                caption += tr(key, n=piece.index + 1, total=piece.count)
            # Every exhibit starts a page (the first one after the annex's title page).
            p = _paragraph(chunk.element, "Heading3", keep_next=True, page_break=shown >= 0)
            shown = 1
            _run(p, caption)
            small = _paragraph(chunk.element, space_after=60, keep_next=True)
            _run(small, "\n".join(dossier.file_lines(entry, file.attachment)), size=16)
            _run(small, f"\nSHA-256{dossier.sep}{safe(file.attachment.sha256)}", size=14)
            p = _paragraph(chunk.element)
            drawing = etree.SubElement(etree.SubElement(p, _W_R), _W_DRAWING)
            height = min(piece.height_px * scale, box_h)
            drawing.append(parts.inline(*known, piece.width_px * scale, height))
            for note in _picture_notes(dossier, entry, file, prepared, in_table=False):
                _run(_paragraph(chunk.element), note, italic=True, size=16)
        # Each picture is prepared once for the table and the annex: free it after
        # its last use.
        uses[file.attachment.sha256] -= 1
        if uses[file.attachment.sha256] <= 0:
            dossier.pictures.forget(file.attachment.sha256)
        chunk.flush()
        chunk = _Chunk(document, body_sect, dossier.sep)
    if not pages:
        chunk.text(tr("export.annex.none"), italic=True)
    chunk.flush()
    # The body's own section properties describe the last annex section.
    _orient(body_sect, current_wide)
