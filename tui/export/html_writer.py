"""The HTML dossier: one self-contained file, and the source of the PDF.

Same content as the Word file.  Every value from the case is made visible
(``xml_safe``) then HTML-escaped; pictures are embedded as ``data:`` URIs so the
file needs nothing else and the PDF renderer never touches the network.  A strict
Content-Security-Policy forbids scripts and any outside resource, in case a
browser opens the file with JavaScript on.
"""

from __future__ import annotations

import base64
import threading
from html import escape

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

_CSS = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt;
       color: #111; margin: 0; }
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
td.shot img { display: block; width: 100%; height: auto; max-height: 80mm;
           object-fit: contain; object-position: left top; margin: 0 0 3pt 0; }
.note { font-style: italic; color: #333; }
.id { font-weight: bold; }
.content { white-space: pre-wrap; border-left: 2pt solid #999; padding-left: 6pt; margin: 2pt 0; }
section.entry { page-break-inside: auto; border-top: 0.5pt solid #bbb; }
p.kv { margin: 1pt 0; } p.kv b { margin-right: 4pt; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }
.pagebreak { page-break-before: always; }
"""

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _e(text: str) -> str:
    """Case text -> HTML: markers for invisible characters, then escaping."""
    return escape(safe(text), quote=True)


def _kv(label: str, value: str, *, raw: bool = False, cls: str = "") -> str:
    body = value if raw else escape(value)
    css = f' class="{cls}"' if cls else ""
    return f'<p class="kv"><b>{escape(label)}</b><span{css}>{body}</span></p>'


def build_html(
    dossier: Dossier,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> str:
    """The whole dossier as one HTML string (pictures inline)."""
    tr = dossier.tr
    lang = dossier.lang
    out: list[str] = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>{_e(dossier.case.title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{escape(tr("export.title"))}</h1><dl class="head">',
    ]
    for label, value in dossier.header_lines():
        out.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
    out.append("</dl><table><colgroup>")
    for width in ("16%", "35%", "29%", "20%"):
        out.append(f'<col style="width:{width}">')
    out.append("</colgroup><thead><tr>")
    out.extend(f"<th>{escape(h)}</th>" for h in dossier.headings())
    out.append("</tr></thead><tbody>")

    total = len(dossier.entries)
    resolved: dict[str, list[ResolvedFile]] = {}
    for done, entry in enumerate(dossier.entries):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))
        files = [resolve(dossier.source, att) for att in entry.attachments]
        resolved[entry.id] = files
        out.append("<tr><td>")
        out.append(f"<div>{escape(entry_time_line(dossier, entry))}</div>")
        if entry.posted_at is not None and entry.posted_at_source:
            out.append(
                f'<div class="note">{escape(source_label(entry.posted_at_source, lang))}</div>'
            )
        out.append(f'<div class="id">{escape(entry.id)}</div></td><td class="shot">')
        for file in files:
            out.append(_picture(dossier, file))
        if not files:
            out.append(f'<div class="note">{escape(tr("export.file.none"))}</div>')
        url = entry.url or entry.url_original
        out.append(f"</td><td><div>{_e(url) if url else escape(tr('export.no_url'))}</div>")
        if entry.account_handle:
            out.append(f"<div>@{_e(entry.account_handle.lstrip('@'))}</div>")
        account = _e(entry.account_id) if entry.account_id else escape(tr("export.no_account_id"))
        out.append(f'</td><td><div class="id">{account}</div>')
        if entry.platform:
            out.append(f"<div>{_e(platform_name(entry.platform))}</div>")
        out.append("</td></tr>")
        if progress is not None and (done % 25 == 0 or done + 1 == total):
            progress(done + 1, total, "html")
    out.append("</tbody></table>")
    out.append(_details(dossier, resolved))
    out.append(_accounts(dossier))
    out.append(f"<h2>{escape(tr('export.statement.title'))}</h2>")
    out.extend(f"<p>{escape(line)}</p>" for line in dossier.statement())
    out.append("</body></html>")
    return "".join(out)


def _picture(dossier: Dossier, file: ResolvedFile) -> str:
    tr = dossier.tr
    name = _e(file.attachment.original_name or file.attachment.path)
    if file.data is not None and file.status in ("ok", "altered"):
        kind = image_kind(file.data)
        if kind is not None:
            encoded = base64.b64encode(file.data).decode("ascii")
            file.data = None  # embedded; do not keep every picture twice in memory
            tag = f'<img alt="{name}" src="data:image/{kind};base64,{encoded}">'
            if file.status == "altered":
                tag += f'<div class="note"><b>{escape(tr("export.file.altered"))}</b></div>'
            return tag
        return f'<div class="note">{escape(tr("export.file.not_image", name=""))}{name}</div>'
    key = "export.file.outside" if file.status == "outside" else "export.file.missing"
    return f'<div class="note">{escape(tr(key, name=""))}{name}</div>'


def _details(dossier: Dossier, resolved: dict[str, list[ResolvedFile]]) -> str:
    tr = dossier.tr
    lang = dossier.lang
    out = [f'<h2 class="pagebreak">{escape(tr("export.details.title"))}</h2>']
    for entry in dossier.entries:
        out.append(f'<section class="entry"><h3>{escape(entry.id)} — ')
        out.append(f"{escape(entry_time_line(dossier, entry))}</h3>")
        if entry.posted_at is not None:
            when = f"{dossier.time(entry.posted_at)} — {source_label(entry.posted_at_source, lang)}"
            out.append(_kv(tr("export.details.posted"), when))
        if entry.observed_at is not None:
            out.append(_kv(tr("export.details.observed"), dossier.time(entry.observed_at)))
        out.append(_kv(tr("export.details.platform"), safe(platform_name(entry.platform))))
        out.append(_kv(tr("export.details.url"), safe(entry.url)))
        if entry.url_original and entry.url_original != entry.url:
            out.append(_kv(tr("export.details.url_original"), safe(entry.url_original)))
        out.append(_kv(tr("export.details.handle"), safe(entry.account_handle)))
        out.append(_kv(tr("export.details.account_id"), safe(entry.account_id)))
        if entry.post_id:
            out.append(_kv(tr("export.details.post_id"), safe(entry.post_id)))
        if entry.categories:
            labels = ", ".join(category_label(c, lang) for c in entry.categories)
            out.append(_kv(tr("export.details.categories"), labels))
        out.append(_kv(tr("export.details.content"), ""))
        content = _e(entry.content) if entry.content else escape(tr("export.details.empty"))
        out.append(f'<div class="content">{content}</div>')
        if entry.notes:
            out.append(_kv(tr("export.details.notes"), ""))
            out.append(f'<div class="content">{_e(entry.notes)}</div>')
        for report in entry.reports:
            place = tr(f"export.place.{report.place}")
            parts = [place if not place.startswith("export.") else safe(report.place)]
            if report.date is not None:
                parts.append(dossier.time(report.date))
            if report.reference:
                parts.append(safe(report.reference))
            out.append(_kv(tr("export.details.report"), " — ".join(parts)))
        for file in resolved.get(entry.id, []):
            att = file.attachment
            value = tr(
                "export.details.file_value",
                name=safe(att.path),
                original=safe(att.original_name),
                bytes=att.bytes,
                added=dossier.time(att.added_at),
            )
            out.append(_kv(tr("export.details.file"), value))
            out.append(_kv("SHA-256", safe(att.sha256), cls="hash"))
            if file.status == "altered":
                out.append(_kv(tr("export.details.check"), tr("export.file.altered")))
            elif file.status != "ok":
                key = "export.file.outside" if file.status == "outside" else "export.file.missing"
                out.append(_kv(tr("export.details.check"), tr(key, name=safe(att.path))))
        out.append("</section>")
    return "".join(out)


def _accounts(dossier: Dossier) -> str:
    tr = dossier.tr
    accounts = dossier.accounts()
    out = [f"<h2>{escape(tr('export.accounts.title'))}</h2>"]
    if not accounts:
        out.append(f"<p>{escape(tr('export.accounts.none'))}</p>")
        return "".join(out)
    out.append("<table><thead><tr>")
    for key in ("id", "platform", "handles", "count", "span"):
        out.append(f"<th>{escape(tr('export.accounts.' + key))}</th>")
    out.append("</tr></thead><tbody>")
    for account in accounts:
        span = (
            f"{dossier.time(account.first)} → {dossier.time(account.last)}" if account.first else ""
        )
        out.append(
            "<tr>"
            f"<td>{_e(account.account_id) or escape(tr('export.no_account_id'))}</td>"
            f"<td>{_e(platform_name(account.platform))}</td>"
            f"<td>{', '.join('@' + _e(h) for h in account.handles)}</td>"
            f"<td>{account.count}</td><td>{escape(span)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)
