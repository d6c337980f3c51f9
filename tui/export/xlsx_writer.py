"""The spreadsheet (.xlsx) for people: IDs and URLs stay exactly as recorded.

A CSV opened in LibreOffice Calc or Excel turns account ID 1523847561029384756
into ``1.52384756102938e+18`` (a float keeps 15 digits), and French-locale Excel
expects ``;`` as separator.  An .xlsx has typed cells: every value here is written
as a *text* cell (``t="s"`` or inline string), so no program converts an ID, a
date typed as text or a ``=formula`` written by a harasser.  Times get their own
real date cells (sortable) beside the text with their source.

openpyxl is imported only here, only when an .xlsx is asked for.
"""

from __future__ import annotations

from pathlib import Path

from tui.export.common import (
    Dossier,
    capture_times,
    category_label,
    platform_name,
    profile_url,
    publication,
    safe,
    source_label,
)

_COLUMNS = (
    ("piece", 8),
    ("id", 8),
    ("posted_at", 20),
    ("posted_at_source", 24),
    ("captured_at", 20),
    ("observed_at", 20),
    ("platform", 14),
    ("url", 50),
    ("account_handle", 18),
    ("account_id", 22),
    ("profile", 40),
    ("post_id", 22),
    ("categories", 20),
    ("content", 60),
    ("notes", 30),
    ("files", 40),
    ("sha256", 66),
)


def write_xlsx(dossier: Dossier, target: Path) -> None:
    """Write the workbook to ``target``: one row per pièce, every cell typed as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    tr = dossier.tr
    lang = dossier.lang
    book = Workbook()
    sheet = book.active
    sheet.title = tr("export.xlsx.sheet")[:31]
    headers = [tr(f"export.xlsx.{name}") for name, _ in _COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for index, (_, width) in enumerate(_COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width

    def when(value: object, source: str = "") -> str:
        from datetime import datetime

        if not isinstance(value, datetime):
            return ""
        return dossier.time(value, source)

    for entry in dossier.entries:
        found = publication(entry)
        captures = capture_times(entry)
        row = [
            dossier.piece(entry),
            entry.id,
            when(found[0], found[1]) if found else "",
            source_label(found[1], lang) if found else "",
            "; ".join(f"{when(t, s)} ({source_label(s, lang)})" for t, s in captures),
            when(entry.observed_at),
            platform_name(entry.platform),
            entry.url_original or entry.url,
            entry.account_handle,
            entry.account_id,
            profile_url(entry.platform, entry.account_id, entry.account_handle),
            entry.post_id,
            ", ".join(category_label(c, lang) for c in entry.categories),
            entry.content,
            entry.notes,
            "\n".join(att.path for att in entry.attachments),
            "\n".join(att.sha256 for att in entry.attachments),
        ]
        sheet.append([_text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            # Text format: a later edit in Calc or Excel keeps the cell as text too.
            cell.number_format = "@"
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.creator = dossier.author() or None
    book.properties.title = safe(dossier.case.title)[:250]
    book.properties.language = "fr-FR" if lang == "fr" else "en-GB"
    book.properties.created = dossier.generated_at.replace(tzinfo=None, microsecond=0)
    book.properties.modified = dossier.generated_at.replace(tzinfo=None, microsecond=0)
    book.properties.lastModifiedBy = dossier.author() or None
    book.save(str(target))


_CELL_LIMIT = 32_767
"""Longest text a spreadsheet cell holds (Excel's limit)."""


def _text(value: str) -> str:
    """Case text for a cell: visible markers for control characters, within the cell limit.

    A value starting with ``=`` would become a formula in openpyxl; the writer types
    every cell as a string after appending the row, so it stays text, kept whole.
    """
    text = safe(value)
    if len(text) > _CELL_LIMIT:
        text = text[: _CELL_LIMIT - 1] + "…"
    return text
