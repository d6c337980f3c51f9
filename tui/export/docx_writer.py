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
own counters and builds the drawing itself.

Fast: the body (paragraphs, runs, table rows, drawings) is written as XML text,
every value escaped and made XML-safe by :func:`_esc`.  Building the same elements
one ``SubElement`` at a time cost about 6 µs each, half of a 1,000-entry export.
The tree python-docx saves holds the document's skeleton (styles, sections, the
tables' properties and header rows) and one placeholder per batch of text, which
:class:`_Text` replaces with the text in the serialized document.  Other writers
(the complaint draft) parse their text into the tree (:func:`_fragment`).

python-docx is imported here only, and this module is imported only when a
.docx is asked for (start-up stays fast).
"""

from __future__ import annotations

import copy
import re
import threading
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PACKAGE_URI, PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.parts.image import ImagePart
from docx.shared import Length, Mm, Pt
from lxml import etree  # type: ignore[import-untyped]

from tui.core.case import Evidence
from tui.core.text import xml_safe
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


# ---------------------------------------------------------------- XML as text

_DECLARATIONS = " ".join(f'xmlns:{prefix}="{nsmap[prefix]}"' for prefix in ("w", "r", "wp"))
_WRAPPER = f"<w:body {_DECLARATIONS}>"
"""The detached body fragments are parsed in (the document's root declares the same
prefixes, so the moved elements need no declarations of their own)."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
"""No blank-text removal (a run of spaces is case text); ``huge_tree`` because one
fragment holds a whole table and a field may hold a 100 KB line."""
_BATCH = 250
"""Rows (ten times as many paragraphs) per piece of body text (placeholder, or parse)."""
_XMLNS = re.compile(r' xmlns:[A-Za-z0-9]+="[^"]*"')


def _esc(text: str) -> str:
    """``text`` as XML character data (and attribute values: quotes escaped too).

    A character XML cannot hold becomes a visible marker (:func:`safe` has made the
    case's text so already; this keeps the document well-formed whatever comes in).
    """
    text = xml_safe(text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _fragment(xml: str) -> list[Any]:
    """The elements written in ``xml`` (body-level paragraphs, table rows...)."""
    return list(etree.fromstring(_WRAPPER + xml + "</w:body>", _PARSER))


def _bare(element: Any) -> str:
    """An element of the document as XML text without namespace declarations
    (it is put back where the document's root declares them)."""
    return _XMLNS.sub("", etree.tostring(element, encoding="unicode"))


class _Text:
    """The body's XML text, held in the tree by placeholders until the document is saved.

    Parsing the text into elements only for lxml to serialize them again at the save
    was a fifth of a big export: the tree holds one small placeholder per batch and
    :meth:`splice` puts the text in its place in the serialized document.  The text is
    well-formed by construction (every value through :func:`_esc`).
    """

    _MARK = re.compile(rb'<w:abriText w:n="([0-9]+)"/>')

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def hold(self, xml: str) -> Any:
        """A placeholder element standing for ``xml`` (put it where the text goes)."""
        marker = OxmlElement("w:abriText")
        marker.set(qn("w:n"), str(len(self.pieces)))
        self.pieces.append(xml)
        return marker

    def splice(self, document_xml: bytes) -> bytes:
        """The serialized document with every placeholder replaced by its text."""
        used: list[int] = []

        def text(match: re.Match[bytes]) -> bytes:
            used.append(int(match.group(1)))
            return self.pieces[used[-1]].encode("utf-8")

        spliced = self._MARK.sub(text, document_xml)
        # Each placeholder exactly once, or the document would lose (or repeat) text.
        if sorted(used) != list(range(len(self.pieces))):
            raise RuntimeError("docx: body text placeholders lost")
        return spliced


_LINK_PROPS = '<w:color w:val="0B4F9C"/><w:u w:val="single"/>'


def _r(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    link: bool = False,
    size: int = 0,
) -> str:
    """A run of (document-safe) text; newlines become line breaks."""
    props = ""
    if bold or italic or link or size:
        props = (
            "<w:rPr>"
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + (_LINK_PROPS if link else "")
            + (f'<w:sz w:val="{size}"/>' if size else "")
            + "</w:rPr>"
        )
    if "\n" in text or "\r" in text:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        body = "<w:br/>".join(
            f'<w:t xml:space="preserve">{_esc(line)}</w:t>' if line else "" for line in lines
        )
    elif text:
        body = f'<w:t xml:space="preserve">{_esc(text)}</w:t>'
    else:
        body = ""
    return f"<w:r>{props}{body}</w:r>"


def _p(
    content: str = "",
    style_id: str = "",
    space_after: int | None = None,
    *,
    keep_next: bool = False,
    page_break: bool = False,
) -> str:
    """A ``w:p`` holding ``content`` (runs, hyperlinks, drawings as XML text)."""
    props = ""
    if style_id or space_after is not None or keep_next or page_break:
        props = (
            "<w:pPr>"
            + (f'<w:pStyle w:val="{style_id}"/>' if style_id else "")
            + ("<w:keepNext/>" if keep_next else "")
            + ("<w:pageBreakBefore/>" if page_break else "")
            + (f'<w:spacing w:after="{space_after}"/>' if space_after is not None else "")
            + "</w:pPr>"
        )
    return f"<w:p>{props}{content}</w:p>"


def _link(parts: _Parts, text: str, url: str, *, size: int = 0) -> str:
    """``text`` as a hyperlink to ``url`` when it is a safe target, plain text otherwise."""
    target = link_target(url)
    if not target:
        return _r(text, size=size)
    rid = parts.link(target)
    return f'<w:hyperlink r:id="{rid}">{_r(text, link=True, size=size)}</w:hyperlink>'


_INLINE = (
    '<w:r><w:drawing><wp:inline xmlns:a="{a}" xmlns:pic="{pic}">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="Picture {id}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic><a:graphicData uri="{pic}"><pic:pic><pic:nvPicPr>'
    '<pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    "</wp:inline></w:drawing></w:r>"
)
"""The run python-docx's ``CT_Inline.new_pic_inline`` builds (parsed twice per picture
there), as text."""


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
        self.held = _Text()
        """The body's text until the save (see :class:`_Text`)."""

    def image(self, sha256: str, piece: Slice) -> tuple[str, str] | None:
        """(relationship ID, file name) of the slice's image part; None if Word cannot read it.

        A picture used by several entries (or in the table and the annex) is stored once.
        """
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

    def drawing(self, rid: str, name: str, width_mm: float, height_mm: float) -> str:
        """A run holding a ``wp:inline`` picture of that size (always set: no DPI means huge)."""
        self.shape_id += 1
        return _INLINE.format(
            a=nsmap["a"],
            pic=nsmap["pic"],
            cx=int(width_mm * _MM),
            cy=int(height_mm * _MM),
            id=self.shape_id,
            name=_esc(name),
            rid=_esc(rid),
        )

    def link(self, url: str) -> str:
        """Relationship ID of an external hyperlink to ``url`` (one per distinct URL)."""
        rid = self.links.get(url)
        if rid is None:
            rid = self.links[url] = f"rIdAbriLink{len(self.links) + 1}"
            self.part.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
        return rid


# ---------------------------------------------------------------- tables


def _set_repeat_header(row: Any) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


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
    """Table rows written as XML text and added to the table in one parse (:meth:`flush`).

    Each row's cells carry their widths (LibreOffice needs them); rows of the main
    table are kept whole on a page (``cantSplit``).
    """

    def __init__(
        self, table: Any, widths: tuple[int, ...], *, keep_together: bool, held: _Text | None
    ) -> None:
        self.tbl = table._tbl
        self.held = held
        self.start = (
            '<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>' if keep_together else "<w:tr>"
        )
        self.cells = [
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{Length(width).twips}"/></w:tcPr>'
            for width in widths
        ]
        self.rows: list[str] = []

    def add(self, cells: list[list[str]]) -> None:
        """A row whose cells hold these paragraphs (an empty cell gets an empty one)."""
        self.rows.append(
            self.start
            + "".join(
                f"{start}{''.join(paragraphs) or '<w:p/>'}</w:tc>"
                for start, paragraphs in zip(self.cells, cells, strict=True)
            )
            + "</w:tr>"
        )
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Append the rows written so far to the table."""
        if self.rows:
            xml = "".join(self.rows)
            if self.held is not None:
                self.tbl.append(self.held.hold(xml))
            else:
                self.tbl.extend(_fragment(xml))
            self.rows = []


def _header_row(table: Any, headings: list[str], widths: tuple[int, ...]) -> None:
    header = table.rows[0]
    _set_repeat_header(header)
    for cell, text, width in zip(header.cells, headings, widths, strict=True):
        cell.width = width
        cell._tc.remove(cell._tc.find(qn("w:p")))
        cell._tc.extend(_fragment(_p(_r(text, bold=True))))


class _Chunk:
    """Body paragraphs written as XML text, then moved into the document in one go.

    python-docx inserts each new paragraph before the body's ``w:sectPr``, which it
    finds by scanning every child of the body: 10,000 paragraphs cost 50 million
    comparisons.  The chunk's paragraphs are parsed together and moved in front of
    ``w:sectPr`` (found once) at the end: every step is constant-time.
    """

    def __init__(self, section: Any, sep: str, held: _Text | None = None) -> None:
        self.section = section
        """The body's ``w:sectPr``, found once (looking it up again scans the body)."""
        self.sep = sep
        self.held = held
        """Where the text waits for the save (None: parsed into the tree at once)."""
        self.xml: list[str] = []

    def add(self, paragraph: str) -> None:
        """A paragraph (or section break) written with :func:`_p`."""
        self.xml.append(paragraph)
        if len(self.xml) >= _BATCH * 10:
            self.flush()

    def heading(self, text: str, style_id: str, *, page_break: bool = False) -> None:
        """A heading paragraph; the style is set by its ID because looking a style up
        by name scans every relationship of the document (one per picture)."""
        self.add(_p(_r(text), style_id, keep_next=True, page_break=page_break))

    def text(self, text: str, *, italic: bool = False, bold: bool = False) -> None:
        """A plain paragraph."""
        self.add(_p(_r(text, italic=italic, bold=bold)))

    def line(self, label: str, value: str = "", more: str = "") -> None:
        """``Label : value`` with the label in bold, then ``more`` (runs as XML text)."""
        runs = _r(label + self.sep, bold=True) + (_r(value) if value else "") + more
        self.add(_p(runs, space_after=40))

    def flush(self) -> None:
        """Move what was written into the document, before its section properties."""
        if self.xml:
            xml = "".join(self.xml)
            if self.held is not None:
                self.section.addprevious(self.held.hold(xml))
            else:
                for child in _fragment(xml):
                    self.section.addprevious(child)
            self.xml = []


def _add_page_field(paragraph: Any, instruction: str) -> None:
    """A PAGE / NUMPAGES field (Word and LibreOffice compute it when laying out)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} \\* MERGEFORMAT ")
    run = etree.SubElement(field, qn("w:r"))
    t = etree.SubElement(run, qn("w:t"))
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
    parts = _Parts(document)
    head = _Chunk(sect_pr, sep, parts.held)
    for label, value in dossier.header_lines():
        head.line(label, value)
    head.text(tr("export.table.intro"), italic=True)
    head.flush()

    resolved = _write_table(document, dossier, parts, progress, cancel)
    _write_bordereau(document, dossier, resolved, parts)
    _write_accounts(document, dossier, parts)
    _write_details(document, dossier, resolved, parts, cancel)
    end = _Chunk(sect_pr, sep, parts.held)
    end.heading(tr("export.statement.title"), "Heading1")
    for line in dossier.statement():
        end.text(line)
    _signature(end, dossier)
    end.flush()
    _write_annex(document, dossier, resolved, parts, cancel)
    _save(document, target, parts.held)


_RELS = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)


def _target_ref(rel: Any) -> str:
    """``rel.target_ref``; for a part in the folder of the part that refers to it (every
    picture: ``/word/media/…`` from ``/word``) by slicing, not ``os.path.relpath``
    (two ``abspath`` per picture, a tenth of the save of a 2,000-picture dossier)."""
    if not rel.is_external:
        name = str(rel.target_part.partname)
        base = rel._baseURI.rstrip("/") + "/"
        if name.startswith(base) and "/." not in name:
            return name[len(base) :]
    return str(rel.target_ref)


def _rels_xml(rels: Any) -> bytes:
    """A part's relationships as python-docx writes them, built as text (python-docx
    parses a small document per relationship: one per picture and per link)."""
    lines = [_RELS]
    for rel in rels.values():
        mode = ' TargetMode="External"' if rel.is_external else ""
        lines.append(
            f'<Relationship Id="{_esc(rel.rId)}" Type="{_esc(rel.reltype)}"'
            f' Target="{_esc(_target_ref(rel))}"{mode}/>'
        )
    lines.append("</Relationships>")
    return "".join(lines).encode("utf-8")


class _Zip:
    """The interface python-docx's ``PackageWriter`` writes members to, over a zip file
    deflated as python-docx's own (deflating the pictures again still saves a little:
    the dossier is often sent by e-mail)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def write(self, pack_uri: Any, blob: bytes) -> None:
        """Add one member."""
        self.archive.writestr(pack_uri.membername, blob)


def _package_parts(package: Any) -> list[Any]:
    """``package.parts`` in the same order (depth-first over the relationships), without
    python-docx's scan of a list of the parts already seen for each part (quadratic in
    the number of pictures)."""
    seen: set[int] = set()
    found: list[Any] = []
    pending = [iter(package.rels.values())]
    while pending:
        rel = next(pending[-1], None)
        if rel is None:
            pending.pop()
            continue
        if rel.is_external or id(rel.target_part) in seen:
            continue
        part = rel.target_part
        seen.add(id(part))
        found.append(part)
        pending.append(iter(part.rels.values()))
    return found


def _save(document: Any, target: Path, held: _Text) -> None:
    """``document.save(target)``, the body's text spliced in (:class:`_Text`) and the
    relationships written by :func:`_rels_xml`."""
    package = document.part.package
    parts = _package_parts(package)
    for part in parts:
        part.before_marshal()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Zip(archive)
        PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
        writer.write(PACKAGE_URI.rels_uri, _rels_xml(package.rels))
        for part in parts:
            blob = part.blob
            writer.write(part.partname, held.splice(blob) if part is document.part else blob)
            if len(part.rels):
                writer.write(part.partname.rels_uri, _rels_xml(part.rels))


def _signature(chunk: _Chunk, dossier: Dossier) -> None:
    """ "Fait à …, le …", "Certifié exact", "Signature" with room to sign."""
    chunk.add(_p())
    for line in dossier.signature_lines():
        chunk.text(line, bold=True)
    for _ in range(3):
        chunk.add(_p())


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
    rows = _Rows(table, COLUMNS, keep_together=True, held=parts.held)
    for done, entry in enumerate(entries):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        files = [dossier.resolve(att) for att in entry.attachments]
        resolved[entry.id] = files
        rows.add(
            [
                _time_cell(dossier, entry),
                _shot_cell(dossier, entry, files, parts),
                _url_cell(dossier, entry, parts),
                _account_cell(dossier, entry, parts),
            ]
        )
        if progress is not None and (done % 25 == 0 or done + 1 == total):
            progress(done + 1, total, "docx")
    rows.flush()
    return resolved


def _time_cell(dossier: Dossier, entry: Evidence) -> list[str]:
    tr = dossier.tr
    cell = [_p(_r(dossier.piece(entry), bold=True, size=24) + _r(f"  {entry.id}", size=16))]
    found = publication(entry)
    if found is not None:
        cell.append(_p(_r(dossier.time(*found))))
        cell.append(_p(_r(source_label(found[1], dossier.lang), italic=True, size=16)))
    else:
        cell.append(_p(_r(tr("export.time.no_publication"), italic=True)))
        if entry.observed_at is not None:
            cell.append(_p(_r(tr("export.seen_at", when=dossier.time(entry.observed_at)))))
    for line in dossier.capture_lines(entry):
        cell.append(_p(_r(line, italic=True, size=16)))
    return cell


def _shot_cell(
    dossier: Dossier, entry: Evidence, files: list[ResolvedFile], parts: _Parts
) -> list[str]:
    tr = dossier.tr
    cell: list[str] = []
    for file in files:
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
                width, height = piece.width_px * scale, piece.height_px * scale
                cell.append(_p(parts.drawing(*known, width, height)))
                for note in _picture_notes(dossier, entry, file, prepared, in_table=True):
                    cell.append(_p(_r(note, italic=True, size=16)))
                continue
            prepared = None
        cell.append(_p(_r(file_note(dossier, file, prepared), italic=True)))
    if not cell:
        cell.append(_p(_r(tr("export.file.none"), italic=True)))
    return cell


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


def _url_cell(dossier: Dossier, entry: Evidence, parts: _Parts) -> list[str]:
    tr = dossier.tr
    copied = entry.url_original or entry.url
    if copied:
        cell = [_p(_link(parts, safe(copied), copied))]
    else:
        cell = [_p(_r(tr("export.no_url"), italic=True))]
    if entry.account_handle:
        handle = "@" + safe(entry.account_handle.lstrip("@"))
        profile = profile_url(entry.platform, "", entry.account_handle)
        cell.append(_p(_link(parts, handle, profile)))
    return cell


def _account_cell(dossier: Dossier, entry: Evidence, parts: _Parts) -> list[str]:
    tr = dossier.tr
    if entry.account_id:
        cell = [_p(_r(safe(entry.account_id), bold=True))]
    else:
        cell = [_p(_r(tr("export.no_account_id"), italic=True))]
    if entry.platform:
        cell.append(_p(_r(safe(platform_name(entry.platform)))))
    profile = profile_url(entry.platform, entry.account_id, entry.account_handle)
    if profile:
        cell.append(_p(_link(parts, tr("export.account.profile"), profile, size=16)))
    created = account_created(entry.platform, entry.account_id)
    if created is not None:
        day = format_day(created, dossier.case, dossier.lang)
        cell.append(_p(_r(tr("export.account.created", date=day), italic=True, size=16)))
    return cell


def _write_bordereau(
    document: Any, dossier: Dossier, resolved: dict[str, list[ResolvedFile]], parts: _Parts
) -> None:
    """The numbered list of exhibits: one row per pièce."""
    tr = dossier.tr
    chunk = _Chunk(document.element.body.sectPr, dossier.sep, parts.held)
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
    rows = _Rows(table, widths, keep_together=False, held=parts.held)
    for entry in dossier.entries:
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
        rows.add(
            [
                [_p(_r(text, bold=index == 0, size=14 if index == 5 else 0))]
                for index, text in enumerate(values)
            ]
        )
    rows.flush()


def _write_details(
    document: Any,
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    parts: _Parts,
    cancel: threading.Event | None,
) -> None:
    tr = dossier.tr
    lang = dossier.lang
    chunk = _Chunk(document.element.body.sectPr, dossier.sep, parts.held)
    line = chunk.line
    chunk.heading(tr("export.details.title"), "Heading1", page_break=True)
    for entry in dossier.entries:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
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
        line(
            tr("export.details.url_original"),
            more=_link(parts, safe(copied), copied) if copied else "",
        )
        if entry.url and entry.url != copied:
            line(tr("export.details.url"), more=_link(parts, safe(entry.url), entry.url))
        line(tr("export.details.handle"), safe(entry.account_handle))
        line(tr("export.details.account_id"), safe(entry.account_id))
        if entry.post_id:
            line(tr("export.details.post_id"), safe(entry.post_id))
        if entry.categories:
            line(
                tr("export.details.categories"),
                ", ".join(category_label(c, lang) for c in entry.categories),
            )
        line(tr("export.details.content"))
        chunk.text(safe(entry.content) or tr("export.details.empty"))
        if entry.notes:
            line(tr("export.details.notes"))
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
            picture = _prepared(dossier, file)
            if picture is not None and not picture.ok:
                line(tr("export.details.check"), file_note(dossier, file, picture))
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
    chunk = _Chunk(document.element.body.sectPr, dossier.sep, parts.held)
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
    rows = _Rows(table, widths, keep_together=False, held=parts.held)
    for account in accounts:
        first = [_p(_r(safe(account.account_id) or tr("export.no_account_id"), bold=True))]
        handle = account.handles[-1] if account.handles else ""
        profile = profile_url(account.platform, account.account_id, handle)
        if profile:
            first.append(_p(_link(parts, tr("export.account.profile"), profile, size=16)))
        created = account_created(account.platform, account.account_id)
        if created is not None:
            day = format_day(created, dossier.case, dossier.lang)
            first.append(_p(_r(tr("export.account.created", date=day), italic=True, size=16)))
        handles = ", ".join("@" + safe(h) for h in account.handles)
        if len(account.handles) > 1:
            handles += "\n" + tr("export.accounts.renamed")
        span = (
            f"{dossier.time(account.first)} → {dossier.time(account.last)}" if account.first else ""
        )
        rows.add(
            [
                first,
                [_p(_r(safe(platform_name(account.platform))))],
                [_p(_r(handles))],
                [_p(_r(str(account.count)))],
                [_p(_r(span))],
            ]
        )
    rows.flush()


def _section_break(sect_pr: str) -> str:
    """A paragraph ending a section of A4 pages (``sect_pr``: its properties as XML text).

    In WordprocessingML a section's properties sit in the last paragraph of the
    section (the body's own ``w:sectPr`` describes the last section).
    """
    return f"<w:p><w:pPr>{sect_pr}</w:pPr></w:p>"


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
    # The section properties of the table's landscape section, and a portrait copy.
    sections = {wide: _bare(_orient(copy.deepcopy(body_sect), wide)) for wide in (True, False)}
    chunk = _Chunk(body_sect, dossier.sep, parts.held)
    # End the table's landscape section here.
    chunk.add(_section_break(sections[True]))
    uses = Counter(f.attachment.sha256 for files in resolved.values() for f in files)
    pages: list[tuple[Evidence, ResolvedFile, Prepared | None, int, int]] = []
    for entry in dossier.entries:
        files = resolved.get(entry.id, [])
        for number, file in enumerate(files, 1):
            pages.append((entry, file, _prepared(dossier, file), number, len(files)))
    current_wide = False  # the annex's title page is portrait
    chunk.heading(tr("export.annex.title"), "Heading1")
    chunk.text(tr("export.annex.intro"))
    shown = 0
    for entry, file, prepared, number, total in pages:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        title = tr("export.annex.caption", piece=dossier.piece(entry), id=entry.id)
        if total > 1:
            title += tr("export.annex.capture_n", n=number, total=total)
        if prepared is None or not prepared.ok:
            # Not shown: said here too, so that no pièce goes missing from the annex.
            chunk.add(_p(_r(title), "Heading3", keep_next=True, page_break=shown >= 0))
            shown = 1
            small = _r("\n".join(dossier.file_lines(entry, file.attachment)), size=16) + _r(
                f"\nSHA-256{dossier.sep}{safe(file.attachment.sha256)}", size=14
            )
            chunk.add(_p(small, space_after=60, keep_next=True))
            chunk.add(_p(_r(file_note(dossier, file, prepared), italic=True)))
            continue
        if prepared.wide != current_wide:
            # Close the current section (its orientation) and start the other one.
            chunk.add(_section_break(sections[current_wide]))
            current_wide = prepared.wide
            shown = -1  # a new section starts on a new page by itself
        box_w, box_h = annex_box(prepared.wide)
        scale = scale_for(prepared.width_px, prepared.height_px, box_w, box_h)
        for piece in prepared.slices:
            known = parts.image(file.attachment.sha256, piece)
            if known is None:
                break
            caption = title
            if piece.count > 1:
                key = "export.annex.suite" if piece.index else "export.annex.part"
                caption += tr(key, n=piece.index + 1, total=piece.count)
            # Every exhibit starts a page (the first one after the annex's title page).
            chunk.add(_p(_r(caption), "Heading3", keep_next=True, page_break=shown >= 0))
            shown = 1
            small = _r("\n".join(dossier.file_lines(entry, file.attachment)), size=16) + _r(
                f"\nSHA-256{dossier.sep}{safe(file.attachment.sha256)}", size=14
            )
            chunk.add(_p(small, space_after=60, keep_next=True))
            height = min(piece.height_px * scale, box_h)
            chunk.add(_p(parts.drawing(*known, piece.width_px * scale, height)))
            for note in _picture_notes(dossier, entry, file, prepared, in_table=False):
                chunk.add(_p(_r(note, italic=True, size=16)))
        # Each picture is prepared once for the table and the annex: free it after
        # its last use.
        uses[file.attachment.sha256] -= 1
        if uses[file.attachment.sha256] <= 0:
            dossier.pictures.forget(file.attachment.sha256)
    if not pages:
        chunk.text(tr("export.annex.none"), italic=True)
    chunk.flush()
    # The body's own section properties describe the last annex section.
    _orient(body_sect, current_wide)
