"""The CSV table: one row per entry, UTF-8 with a BOM so Excel reads the accents.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return, which some programs skip before looking) as a formula: a
harasser's ``=HYPERLINK(...)`` would become a live link.  Such cells are prefixed
with an apostrophe, which spreadsheets show as text.  Invisible and control
characters become visible markers like everywhere else.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from tui.export.common import Dossier, category_label, platform_name, safe, source_label, zone

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    """A cell value a spreadsheet will never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _iso(dossier: Dossier, value: datetime | None) -> str:
    """ISO 8601 in the case's zone (with its offset), so spreadsheets sort it right."""
    return value.astimezone(zone(dossier.case)).isoformat() if value is not None else ""


def build_csv(dossier: Dossier) -> bytes:
    """The CSV file's bytes (BOM, CRLF line ends as RFC 4180 says)."""
    tr = dossier.tr
    lang = dossier.lang
    columns = (
        "id",
        "posted_at",
        "posted_at_source",
        "observed_at",
        "platform",
        "url",
        "account_handle",
        "account_id",
        "post_id",
        "categories",
        "content",
        "notes",
        "files",
        "sha256",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([tr(f"export.csv.{name}") for name in columns])
    for entry in dossier.entries:
        row = [
            entry.id,
            _iso(dossier, entry.posted_at),
            source_label(entry.posted_at_source, lang) if entry.posted_at else "",
            _iso(dossier, entry.observed_at),
            platform_name(entry.platform),
            entry.url or entry.url_original,
            entry.account_handle,
            entry.account_id,
            entry.post_id,
            ", ".join(category_label(c, lang) for c in entry.categories),
            entry.content,
            entry.notes,
            " | ".join(att.path for att in entry.attachments),
            " | ".join(att.sha256 for att in entry.attachments),
        ]
        writer.writerow([inert(safe(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
