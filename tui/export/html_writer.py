"""The HTML dossier: one self-contained file, and the source of the PDF.

Same content and order as the Word file (table, bordereau, accounts, details,
signature, annex of exhibits on portrait pages).  URLs and profiles are links
(only http(s) targets of printable ASCII; the text shown is the URL as copied).
Every value from the case is made visible (``xml_safe``) then HTML-escaped;
pictures are embedded as ``data:`` URIs so the
file needs nothing else and the PDF renderer never touches the network.  A strict
Content-Security-Policy forbids scripts and any outside resource, in case a
browser opens the file with JavaScript on.

The dossier is built as :class:`HtmlDossier`: a sequence of *runs* (a table's
rows, the details' sections, the annex pages) that :meth:`HtmlDossier.text` joins
into the one ``.html`` file and :meth:`HtmlDossier.chunks` cuts into several
complete documents of a few hundred pages each, for the PDF: Chromium's cost per
printed page grows with the document's page count (2,500 pages in one document
spend most of their time painting), so the PDF writer prints the chunks one by
one and joins them.  A table cut between two chunks is closed and opened again
with its header; a cut starts a new page.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

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
    safe,
    source_label,
)
from tui.export.images import Prepared, Slice, scale_for

TABLE_BOX_MM = (100.0, 140.0)
"""Largest picture in a table cell (a phone capture fills the height)."""

_CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 16mm 12mm; }
@page annex { size: A4 portrait; margin: 12mm 15mm 16mm 15mm; }
@page annexwide { size: A4 landscape; margin: 12mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt;
       color: #111; margin: 0; overflow-wrap: anywhere; }
h1 { font-size: 17pt; margin: 0 0 6pt 0; }
h2 { font-size: 13pt; margin: 14pt 0 6pt 0; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 3pt 0; page-break-after: avoid; }
dl.head { display: grid; grid-template-columns: max-content auto; gap: 1pt 10pt; margin: 0 0 8pt; }
dl.head dt { font-weight: bold; } dl.head dd { margin: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 0.6pt solid #444; padding: 3pt 4pt; vertical-align: top;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #e8e8e8; text-align: left; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.shot img, .annex img { display: block; margin: 0 0 3pt 0; }
a { color: #0b4f9c; }
.note { font-style: italic; color: #333; font-size: 8pt; }
.piece { font-weight: bold; font-size: 12pt; }
.id { font-weight: bold; }
.content { white-space: pre-wrap; border-left: 2pt solid #999; padding-left: 6pt; margin: 2pt 0; }
section.entry { page-break-inside: auto; border-top: 0.5pt solid #bbb; }
p.kv { margin: 1pt 0; break-after: avoid; } p.kv b { margin-right: 4pt; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; }
.pagebreak { page-break-before: always; }
.annex section { page: annex; page-break-before: always; }
.annex section.wide { page: annexwide; }
.annex section.cells { line-height: 0; font-size: 0; orphans: 1; widows: 1; }
.annex section.cells.first { page-break-before: auto; }
.cell { display: inline-block; vertical-align: top; width: 87mm; margin: 0 0 6mm 0;
        font-size: 9.5pt; line-height: normal; break-inside: avoid; }
.cell:nth-child(odd) { margin-right: 6mm; }
.cell h3 { margin-top: 0; }
.cell .hash { overflow-wrap: anywhere; }
.sign p { font-weight: bold; margin: 3pt 0; }
"""

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_PRINT_ONLY = "@media screen { body { display: none; } }"
"""In the PDF's chunks only: Chromium lays a page out for the screen when it opens it,
then again for print; nothing shown on screen halves the cost of opening a chunk."""


def _e(text: str) -> str:
    """Case text -> HTML: markers for invisible characters, then escaping."""
    return escape(safe(text), quote=True)


def _a(text: str, url: str) -> str:
    """Escaped ``text`` as a link to ``url`` when it is a safe target."""
    target = link_target(url)
    if not target:
        return escape(text)
    return f'<a href="{escape(target, quote=True)}">{escape(text)}</a>'


class _Lines:
    """Label/value lines of one paragraph (``<br>`` between them), then a block.

    One paragraph of lines rather than a paragraph and two elements per line:
    Chromium lays a dossier's text out twice to print it, and the details of
    1,000 entries were a third of its elements (measured: a third less of its
    time for these pages).
    """

    def __init__(self, out: list[str]) -> None:
        self._lines: list[str] = []
        self._out = out

    def __call__(self, label: str, value: str, *, raw: bool = False, cls: str = "") -> None:
        body = value if raw else escape(value)
        if cls:
            body = f'<span class="{cls}">{body}</span>'
        self._lines.append(f"<b>{escape(label)}</b>{body}")

    def block(self, html: str) -> None:
        """The lines so far as one paragraph, then ``html``."""
        if self._lines:
            self._out.append('<p class="kv">' + "<br>".join(self._lines) + "</p>")
            self._lines.clear()
        self._out.append(html)


_TAIL = "</body></html>"

PAGES_PER_CHUNK = 200.0
"""Estimated printed pages in one chunk of the PDF (see the module docstring)."""

_PAGES_ROW_PICTURE = 1.0
"""A table row with a capture: the capture fills most of a landscape page."""
_PAGES_ROW_TEXT = 0.15
"""A row of text only (table without picture, accounts)."""
_PAGES_ROW_BORDEREAU = 0.06
"""A row of the bordereau (about 17 to a page)."""
_PAGES_DETAILS = 0.4
"""One entry of the details (about 2.5 to a page)."""


@dataclass
class _Run:
    """HTML that may be cut between its items: ``lead``, ``open``, the items, ``close``.

    ``lead`` (a title) is written once, just before the first item, so it never
    ends a chunk alone; ``open`` and ``close`` are written around the items of
    every chunk the run spans (a table and its header, the annex's wrapper).
    Each item carries an estimate of the pages it prints on.
    """

    lead: str = ""
    open: str = ""
    close: str = ""
    items: list[tuple[str, float]] = field(default_factory=list)
    sink: _Cutter | None = None
    """Where each item also goes as soon as it is added (the PDF's chunks, while building)."""

    def add(self, html: str, pages: float) -> None:
        """Append one item (a row, a section) and its estimated printed pages."""
        self.items.append((html, pages))
        if self.sink is not None:
            self.sink.item(self, html, pages)


class _Cutter:
    """Cuts runs into complete documents of about ``pages`` printed pages, as they come.

    A document is handed to ``done`` as soon as the next item would not fit in
    it (or at :meth:`finish`), so the PDF writer can print the first while the
    dossier's next rows are still being written.  A table cut between two
    documents is closed and opened again with its header; a cut starts a page.
    """

    def __init__(self, head: str, tail: str, pages: float, done: Callable[[str], None]) -> None:
        self._head, self._tail, self._pages, self._done = head, tail, pages, done
        self._body: list[str] = []
        self._weight = 0.0
        self._run: _Run | None = None
        self._opened = False
        self._empty = True

    def begin(self, run: _Run) -> None:
        """Items of ``run`` follow (through :meth:`item`)."""
        self.end()
        self._run, self._opened, self._empty = run, False, True

    def item(self, run: _Run, html: str, cost: float) -> None:
        """One item of ``run`` (the run :meth:`begin` named)."""
        if run is not self._run:
            self.begin(run)
        if self._weight > 0 and self._weight + cost > self._pages:
            if self._opened:
                self._body.append(run.close)
            self._flush()
            self._opened = False
        if self._empty:
            self._body.append(run.lead)
            self._empty = False
        if not self._opened:
            self._body.append(run.open)
            self._opened = True
        self._body.append(html)
        self._weight += cost

    def end(self) -> None:
        """The current run is complete (a run without items still prints its lead)."""
        run, self._run = self._run, None
        if run is None:
            return
        if self._empty:
            self._body.append(run.lead + run.open + run.close)
        else:
            self._body.append(run.close)

    def feed(self, run: _Run) -> None:
        """A whole run, already complete."""
        self.begin(run)
        for html, cost in run.items:
            self.item(run, html, cost)
        self.end()

    def finish(self) -> None:
        """Hand out what is left."""
        self.end()
        self._flush()

    def _flush(self) -> None:
        if self._body:
            self._done(self._head + "".join(self._body) + self._tail)
        self._body, self._weight = [], 0.0


@dataclass
class HtmlDossier:
    """The dossier as HTML: one document (:meth:`text`) or chunks of it (:meth:`chunks`)."""

    head: str
    """From the doctype to ``<body>`` (the style sheet, the CSP, the title)."""
    runs: list[_Run]
    pictures: list[Slice] = field(default_factory=list)
    """The pictures the runs name (``src="abri-picture:N"``) until written in."""
    tail: str = _TAIL

    def text(self) -> str:
        """The whole dossier as one self-contained HTML document (pictures as prepared)."""
        out = [self.head]
        for run in self.runs:
            out.append(run.lead)
            out.append(run.open)
            out.extend(html for html, _ in run.items)
            out.append(run.close)
        out.append(self.tail)
        uris = [_data_uri(piece) for piece in self.pictures]
        return _PICTURE_SRC.sub(lambda found: uris[int(found[1])], "".join(out))

    def chunks(self, sources: Sequence[str], pages: float | None = None) -> list[str]:
        """Documents of about ``pages`` (:data:`PAGES_PER_CHUNK`) printed pages each, for the PDF.

        Printed one after another they give the same content as :meth:`text`
        (a cut starts a new page; a table cut in two repeats its header).
        Picture ``N`` of :attr:`pictures` is drawn from ``sources[N]`` (a URL),
        at exactly the size and place it has in :meth:`text`: the PDF writer
        gives tiny stand-ins that it swaps for the pictures afterwards, so
        Chromium never decodes nor compresses a capture again.
        """
        if len(sources) != len(self.pictures):
            raise ValueError("one source per picture")
        out: list[str] = []
        cutter = _Cutter(self.head, self.tail, pages or PAGES_PER_CHUNK, out.append)
        for run in self.runs:
            cutter.feed(run)
        cutter.finish()
        return [for_print(text, sources.__getitem__) for text in out]


@dataclass
class Stream:
    """The PDF's chunks handed out while the dossier is built (:func:`build_dossier`)."""

    source: Callable[[int], str]
    """The URL that draws picture ``N`` (see :meth:`HtmlDossier.chunks`)."""
    ready: Callable[[str], None]
    """Called with each chunk, a complete document, in order."""
    pages: float = 0.0
    """Printed pages in a chunk (0: :data:`PAGES_PER_CHUNK`)."""


def for_print(text: str, source: Callable[[int], str]) -> str:
    """A chunk as Chromium gets it: each picture drawn from ``source(N)``, no screen layout."""
    text = _PICTURE_SRC.sub(
        lambda found: f'src="{escape(source(int(found[1])), quote=True)}"', text
    )
    return text.replace("</style>", _PRINT_ONLY + "</style>", 1)


def build_html(
    dossier: Dossier,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> str:
    """The whole dossier as one HTML string (pictures inline)."""
    return build_dossier(dossier, progress=progress, cancel=cancel).text()


def build_dossier(
    dossier: Dossier,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    stream: Stream | None = None,
) -> HtmlDossier:
    """The dossier as :class:`HtmlDossier` (one file for the .html, chunks for the PDF).

    With ``stream``, the PDF's chunks are also handed out as they are complete
    (the first while the table's later rows are still being written), exactly
    those :meth:`HtmlDossier.chunks` gives.
    """
    tr = dossier.tr
    lang = dossier.lang
    head = "".join(
        [
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            f'<meta name="author" content="{escape(dossier.author(), quote=True)}">',
            f"<title>{_e(dossier.case.title)}</title><style>{_CSS}</style></head><body>",
        ]
    )
    lead = [f'<h1>{escape(tr("export.title"))}</h1><dl class="head">']
    for label, value in dossier.header_lines():
        lead.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
    lead.append(f'</dl><p class="note">{escape(tr("export.table.intro_rows"))}</p>')
    opening = ["<table><colgroup>"]
    for width in ("15%", "40%", "26%", "19%"):
        opening.append(f'<col style="width:{width}">')
    opening.append("</colgroup><thead><tr>")
    opening.extend(f"<th>{escape(h)}</th>" for h in dossier.headings())
    opening.append("</tr></thead><tbody>")
    table = _Run("".join(lead), "".join(opening), "</tbody></table>")
    cutter: _Cutter | None = None
    if stream is not None:
        source = stream.source

        def ready(text: str) -> None:
            stream.ready(for_print(text, source))

        cutter = _Cutter(head, _TAIL, stream.pages or PAGES_PER_CHUNK, ready)
        table.sink = cutter

    total = len(dossier.entries)
    shelf = _Shelf()
    resolved: dict[str, list[ResolvedFile]] = {}
    prepared: dict[str, Prepared | None] = {}
    for done, entry in enumerate(dossier.entries):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        files = [dossier.resolve(att) for att in entry.attachments]
        resolved[entry.id] = files
        out: list[str] = ["<tr><td>"]
        out.append(
            f'<div><span class="piece">{dossier.piece(entry)}</span> {escape(entry.id)}</div>'
        )
        found = publication(entry)
        if found is not None:
            out.append(f"<div>{escape(dossier.time(*found))}</div>")
            out.append(f'<div class="note">{escape(source_label(found[1], lang))}</div>')
        else:
            out.append(f'<div class="note">{escape(tr("export.time.no_publication"))}</div>')
            if entry.observed_at is not None:
                seen = tr("export.seen_at", when=dossier.time(entry.observed_at))
                out.append(f"<div>{escape(seen)}</div>")
        for line in dossier.capture_lines(entry):
            out.append(f'<div class="note">{escape(line)}</div>')
        out.append('</td><td class="shot">')
        shown = False
        for file in files:
            picture = _prepare(dossier, file, prepared)
            shown = shown or (picture is not None and picture.ok)
            out.append(_table_picture(dossier, entry, file, picture, len(files), shelf))
        if not files:
            out.append(f'<div class="note">{escape(tr("export.file.none"))}</div>')
        copied = entry.url_original or entry.url
        link = _a(safe(copied), copied) if copied else escape(tr("export.no_url"))
        out.append(f"</td><td><div>{link}</div>")
        if entry.account_handle:
            handle = "@" + safe(entry.account_handle.lstrip("@"))
            out.append(
                f"<div>{_a(handle, profile_url(entry.platform, '', entry.account_handle))}</div>"
            )
        account = _e(entry.account_id) if entry.account_id else escape(tr("export.no_account_id"))
        out.append(f'</td><td><div class="id">{account}</div>')
        if entry.platform:
            out.append(f"<div>{_e(platform_name(entry.platform))}</div>")
        out.append(_account_extra(dossier, entry.platform, entry.account_id, entry.account_handle))
        out.append("</td></tr>")
        table.add("".join(out), _PAGES_ROW_PICTURE if shown else _PAGES_ROW_TEXT)
        if progress is not None and (done % 25 == 0 or done + 1 == total):
            progress(done + 1, total, "html")
    closing = [f"<h2>{escape(tr('export.statement.title'))}</h2>"]
    closing.extend(f"<p>{escape(line)}</p>" for line in dossier.statement())
    closing.append('<div class="sign">')
    closing.extend(f"<p>{escape(line)}</p>" for line in dossier.signature_lines())
    closing.append("</div>")
    statement = _Run()
    statement.add("".join(closing), 0.5)
    runs = [
        table,
        _bordereau(dossier, resolved),
        _accounts(dossier),
        _details(dossier, resolved, prepared),
        statement,
        *_annex(dossier, resolved, prepared, shelf),
    ]
    if cutter is not None:
        table.sink = None
        cutter.end()
        for run in runs[1:]:
            cutter.feed(run)
        cutter.finish()
    return HtmlDossier(head, runs, shelf.pieces)


def _prepare(
    dossier: Dossier, file: ResolvedFile, prepared: dict[str, Prepared | None]
) -> Prepared | None:
    """The picture of a readable file, kept for the annex; the original bytes are dropped."""
    if file.status not in ("ok", "altered") or file.data is None:
        return None
    sha = file.attachment.sha256
    if sha not in prepared:
        prepared[sha] = dossier.pictures.get(sha, file.data)
    file.data = None
    return prepared[sha]


class _Shelf:
    """The pictures of one dossier; the HTML names them until the data is written in."""

    def __init__(self) -> None:
        self.pieces: list[Slice] = []
        self._numbers: dict[int, int] = {}

    def src(self, piece: Slice) -> str:
        """A ``src`` attribute standing for ``piece`` (the same piece, the same name)."""
        number = self._numbers.get(id(piece))
        if number is None:
            number = self._numbers[id(piece)] = len(self.pieces)
            self.pieces.append(piece)
        return f'src="{_PICTURE}{number}"'


_PICTURE = "abri-picture:"
# Case text never writes a raw double quote (it is escaped), so this is ours alone.
_PICTURE_SRC = re.compile(r'src="abri-picture:(\d+)"')


def _data_uri(piece: Slice) -> str:
    return f'src="data:image/{piece.kind};base64,{base64.b64encode(piece.data).decode("ascii")}"'


def _img(piece: Slice, width_mm: float, height_mm: float, alt: str, shelf: _Shelf) -> str:
    return (
        f'<img alt="{alt}" style="width:{width_mm:.1f}mm;height:{height_mm:.1f}mm" '
        f"{shelf.src(piece)}>"
    )


def _notes(dossier: Dossier, file: ResolvedFile, picture: Prepared) -> list[str]:
    tr = dossier.tr
    notes = []
    if file.status == "altered":
        notes.append(f"<b>{escape(tr('export.file.altered'))}</b>")
    if picture.converted_from in ("webp", "heic"):
        notes.append(escape(tr("export.file.rendering", kind=picture.converted_from.upper())))
    if picture.rotated:
        notes.append(escape(tr("export.file.rotated")))
    return notes


def _table_picture(
    dossier: Dossier,
    entry: Evidence,
    file: ResolvedFile,
    picture: Prepared | None,
    count: int,
    shelf: _Shelf,
) -> str:
    tr = dossier.tr
    name = _e(file.attachment.original_name or file.attachment.path)
    if picture is not None and picture.ok:
        piece = picture.slices[0]
        box_w, box_h = TABLE_BOX_MM
        box_h = max(60.0, (box_h - 12 * (count - 1)) / max(1, count))
        scale = scale_for(picture.width_px, picture.height_px, box_w, box_h)
        scale = min(scale, box_h / max(piece.height_px, 1))
        parts = [_img(piece, piece.width_px * scale, piece.height_px * scale, name, shelf)]
        notes = _notes(dossier, file, picture)
        if len(picture.slices) > 1:
            notes.append(
                escape(
                    tr("export.file.tall", piece=dossier.piece(entry), count=len(picture.slices))
                )
            )
        else:
            notes.append(escape(tr("export.file.annex", piece=dossier.piece(entry))))
        parts.extend(f'<div class="note">{note}</div>' for note in notes)
        return "".join(parts)
    return f'<div class="note">{escape(_problem(dossier, file, picture))}</div>'


def _problem(dossier: Dossier, file: ResolvedFile, picture: Prepared | None) -> str:
    return file_note(dossier, file, picture)


def _account_extra(dossier: Dossier, platform: str, account_id: str, handle: str) -> str:
    tr = dossier.tr
    out = []
    profile = profile_url(platform, account_id, handle)
    if profile:
        out.append(f'<div class="note">{_a(tr("export.account.profile"), profile)}</div>')
    created = account_created(platform, account_id)
    if created is not None:
        day = format_day(created, dossier.case, dossier.lang)
        out.append(f'<div class="note">{escape(tr("export.account.created", date=day))}</div>')
    return "".join(out)


def _bordereau(dossier: Dossier, resolved: dict[str, list[ResolvedFile]]) -> _Run:
    tr = dossier.tr
    lead = (
        f'<h2 class="pagebreak">{escape(tr("export.bordereau.title"))}</h2>'
        f"<p>{escape(dossier.trn('export.bordereau.count', len(dossier.entries)))}</p>"
    )
    out = ['<table class="bordereau"><colgroup>']
    for width in ("6%", "19%", "11%", "17%", "21%", "26%"):
        out.append(f'<col style="width:{width}">')
    out.append("</colgroup><thead><tr>")
    for key in ("number", "date", "platform", "account", "file"):
        out.append(f"<th>{escape(tr('export.bordereau.' + key))}</th>")
    out.append("<th>SHA-256</th></tr></thead><tbody>")
    run = _Run(lead, "".join(out), "</tbody></table>")
    for entry in dossier.entries:
        files = resolved.get(entry.id, [])
        account = _e(entry.account_id) if entry.account_id else escape(tr("export.no_account_id"))
        if entry.account_handle:
            account += " (@" + _e(entry.account_handle.lstrip("@")) + ")"
        names = "<br>".join(_e(f.attachment.path) for f in files) or escape(tr("export.file.none"))
        hashes = "<br>".join(_e(f.attachment.sha256) for f in files)
        run.add(
            f'<tr><td class="id">{dossier.piece(entry)}<br>{escape(entry.id)}</td>'
            f"<td>{escape(entry_time_line(dossier, entry))}</td>"
            f"<td>{_e(platform_name(entry.platform))}</td><td>{account}</td>"
            f'<td>{names}</td><td class="hash">{hashes}</td></tr>',
            _PAGES_ROW_BORDEREAU,
        )
    return run


def _details(
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    prepared: dict[str, Prepared | None],
) -> _Run:
    tr = dossier.tr
    lang = dossier.lang
    run = _Run(f'<h2 class="pagebreak">{escape(tr("export.details.title"))}</h2>')
    for entry in dossier.entries:
        out = [f'<section class="entry"><h3>{dossier.piece(entry)} ({escape(entry.id)}) — ']
        out.append(f"{escape(entry_time_line(dossier, entry))}</h3>")
        kv = _Lines(out)
        kv(tr("export.details.posted"), dossier.publication_line(entry))
        for when, source in capture_times(entry):
            value = f"{dossier.time(when, source)} — {source_label(source, lang)}"
            kv(tr("export.details.captured"), value)
        if entry.observed_at is not None:
            kv(tr("export.details.observed"), dossier.time(entry.observed_at))
        if online := dossier.online_line(entry):
            kv(tr("capture.timeline.label"), online)
        kv(tr("export.details.platform"), safe(platform_name(entry.platform)))
        copied = entry.url_original or entry.url
        kv(tr("export.details.url_original"), _a(safe(copied), copied), raw=True)
        if entry.url and entry.url != copied:
            kv(tr("export.details.url"), _a(safe(entry.url), entry.url), raw=True)
        kv(tr("export.details.handle"), safe(entry.account_handle))
        kv(tr("export.details.account_id"), safe(entry.account_id))
        if entry.post_id:
            kv(tr("export.details.post_id"), safe(entry.post_id))
        if entry.categories:
            labels = ", ".join(category_label(c, lang) for c in entry.categories)
            kv(tr("export.details.categories"), labels)
        kv(tr("export.details.content"), "")
        content = _e(entry.content) if entry.content else escape(tr("export.details.empty"))
        kv.block(f'<div class="content">{content}</div>')
        if entry.notes:
            kv(tr("export.details.notes"), "")
            kv.block(f'<div class="content">{_e(entry.notes)}</div>')
        for report in entry.reports:
            place = tr(f"export.place.{report.place}")
            parts = [place if not place.startswith("export.") else safe(report.place)]
            if report.date is not None:
                parts.append(dossier.time(report.date))
            if report.reference:
                parts.append(safe(report.reference))
            kv(tr("export.details.report"), " — ".join(parts))
        for file in resolved.get(entry.id, []):
            att = file.attachment
            value = tr(
                "export.details.file_value",
                name=safe(att.path),
                original=safe(att.original_name),
                bytes=att.bytes,
                added=dossier.time(att.added_at),
            )
            kv(tr("export.details.file"), value)
            kv("SHA-256", safe(att.sha256), cls="hash")
            if file.status == "altered":
                kv(tr("export.details.check"), tr("export.file.altered"))
            elif file.status != "ok":
                key = "export.file.outside" if file.status == "outside" else "export.file.missing"
                kv(tr("export.details.check"), tr(key, name=safe(att.path)))
            picture = prepared.get(att.sha256)
            if file.status in ("ok", "altered") and picture is not None and not picture.ok:
                kv(tr("export.details.check"), file_note(dossier, file, picture))
        kv.block("</section>")
        run.add("".join(out), _PAGES_DETAILS)
    return run


def _accounts(dossier: Dossier) -> _Run:
    tr = dossier.tr
    accounts = dossier.accounts()
    title = f"<h2>{escape(tr('export.accounts.title'))}</h2>"
    if not accounts:
        run = _Run()
        run.add(title + f"<p>{escape(tr('export.accounts.none'))}</p>", _PAGES_ROW_TEXT)
        return run
    out = ["<table><thead><tr>"]
    for key in ("id", "platform", "handles", "count", "span"):
        out.append(f"<th>{escape(tr('export.accounts.' + key))}</th>")
    out.append("</tr></thead><tbody>")
    run = _Run(title, "".join(out), "</tbody></table>")
    for account in accounts:
        span = (
            f"{dossier.time(account.first)} → {dossier.time(account.last)}" if account.first else ""
        )
        handle = account.handles[-1] if account.handles else ""
        handles = ", ".join("@" + _e(h) for h in account.handles)
        if len(account.handles) > 1:
            handles += f'<div class="note">{escape(tr("export.accounts.renamed"))}</div>'
        run.add(
            "<tr>"
            f"<td><b>{_e(account.account_id) or escape(tr('export.no_account_id'))}</b>"
            f"{_account_extra(dossier, account.platform, account.account_id, handle)}</td>"
            f"<td>{_e(platform_name(account.platform))}</td>"
            f"<td>{handles}</td>"
            f"<td>{account.count}</td><td>{escape(span)}</td></tr>",
            _PAGES_ROW_TEXT,
        )
    return run


def _cells_run(*, first: bool) -> _Run:
    """Annex cells two to a row; the first ones share the annex title's page."""
    css = "cells first" if first else "cells"
    return _Run(open=f'<div class="annex"><section class="{css}">', close="</section></div>")


def _file_caption(dossier: Dossier, entry: Evidence, file: ResolvedFile) -> list[str]:
    """Under an annex cell's title: the file's times and name, then its SHA-256."""
    out = [
        f'<div class="note">{escape(line)}</div>'
        for line in dossier.file_lines(entry, file.attachment)
    ]
    # Cut in halves when the cell is too narrow for 64 digits on a line.
    digest = file.attachment.sha256
    out.append(f'<div class="hash">SHA-256{escape(dossier.sep)}')
    out.append(f"{_e(digest[:32])}<wbr>{_e(digest[32:])}</div>")
    return out


ANNEX_CELL_MM = (87.0, 220.0)
"""Box of a capture in the annex: half the portrait page's width (two to a row; the
``.cell`` rule of the style sheet has the same width), and the page's height less a
caption wrapped to that width.

A phone screenshot (1080×2400) prints 87 mm wide, about a third wider than on
the phone's own screen and wider than in the table; a small capture keeps the
size it has alone (never past 150 dpi), so more of them share a page.
"""


def _annex(
    dossier: Dossier,
    resolved: dict[str, list[ResolvedFile]],
    prepared: dict[str, Prepared | None],
    shelf: _Shelf,
) -> list[_Run]:
    """The annex: captures two to a row on portrait pages, a wide one alone on a landscape page.

    Each capture (or part of a tall one) is one cell with its caption above it
    (pièce, entry, capture and publication times labelled apart, SHA-256) and
    its notes below; a row of cells never breaks across pages.  Consecutive
    cells are one run, so a chunk of the PDF may cut between two of them.
    """
    tr = dossier.tr
    runs = [_Run(open='<div class="annex">', close="</div>")]
    runs[0].add(
        f'<section class="tall"><h2>{escape(tr("export.annex.title"))}</h2>'
        f"<p>{escape(tr('export.annex.intro_rows'))}</p></section>",
        0.1,
    )
    cells: _Run | None = None
    shown = 0
    for entry in dossier.entries:
        files = resolved.get(entry.id, [])
        for number, file in enumerate(files, 1):
            picture = prepared.get(file.attachment.sha256)
            title = tr("export.annex.caption", piece=dossier.piece(entry), id=entry.id)
            if len(files) > 1:
                title += tr("export.annex.capture_n", n=number, total=len(files))
            if file.status not in ("ok", "altered") or picture is None or not picture.ok:
                # Not shown: said here too, so that no pièce goes missing from the annex.
                out = [f"<h3>{escape(title)}</h3>", *_file_caption(dossier, entry, file)]
                out.append(f'<div class="note">{escape(file_note(dossier, file, picture))}</div>')
                if cells is None:
                    cells = _cells_run(first=len(runs) == 1)
                    runs.append(cells)
                cells.add('<div class="cell">' + "".join(out) + "</div>", 0.25)
                shown += 1
                continue
            box_w, box_h = annex_box(True) if picture.wide else ANNEX_CELL_MM
            scale = scale_for(picture.width_px, picture.height_px, box_w, box_h)
            # A small wide capture (a crop) keeps its size and joins the cells.
            alone = picture.wide and picture.width_px * scale > ANNEX_CELL_MM[0]
            if not alone:
                # Slices were cut for a full page: the tallest one, with a caption
                # wrapped to the cell's width, must still fit one page.
                tallest = max(piece.height_px for piece in picture.slices)
                scale = min(scale, ANNEX_CELL_MM[1] / max(tallest, 1))
            name = _e(file.attachment.original_name or file.attachment.path)
            for piece in picture.slices:
                caption = title
                if piece.count > 1:
                    key = "export.annex.suite" if piece.index else "export.annex.part"
                    caption += tr(key, n=piece.index + 1, total=piece.count)
                out = [f"<h3>{escape(caption)}</h3>", *_file_caption(dossier, entry, file)]
                shown += 1
                height = min(piece.height_px * scale, box_h)
                out.append(_img(piece, piece.width_px * scale, height, name, shelf))
                out.extend(f'<div class="note">{n}</div>' for n in _notes(dossier, file, picture))
                if alone:
                    cells = None
                    runs.append(_Run(open='<div class="annex">', close="</div>"))
                    runs[-1].add('<section class="wide">' + "".join(out) + "</section>", 1.0)
                    continue
                if cells is None:
                    cells = _cells_run(first=len(runs) == 1)
                    runs.append(cells)
                cells.add('<div class="cell">' + "".join(out) + "</div>", 0.5)
    if shown == 0:
        runs[0].add(
            f'<section class="tall"><p class="note">{escape(tr("export.annex.none"))}</p>'
            "</section>",
            1.0,
        )
    return runs
