"""A complaint draft (.docx): *plainte contre X*, as a letter to the procureur de la République.

What a complaint for online harassment needs, in the order a prosecutor reads it:
who complains (identity, contact), against whom (X, and the holders of the
accounts listed), the facts in chronological order generated from the entries
(each with its *pièce* number), the offences the facts may constitute —
**suggestions** with their articles, computed from the categories and a few
content markers, for the investigator or the lawyer to confirm —, the harm
(fields to fill: health, medical certificate, ITT), earlier reports (PHAROS
reference, main courante, platform), the list of exhibits, and the signature.

The text is a draft to read, correct and sign; it says so at the top.  Legal
references are data in the message catalogue with the date they were checked.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt

from tui.core.case import Evidence
from tui.export.common import (
    Dossier,
    category_label,
    entry_time,
    entry_time_line,
    format_day,
    platform_name,
    publication,
    safe,
)
from tui.export.docx_writer import _Chunk, _footer, _link, _p, _Parts, _properties, _r

NARRATIVE_LIMIT = 200
"""Entries told one by one; beyond, the narrative refers to the bordereau."""
QUOTE_LIMIT = 300
"""Characters of each message quoted in the narrative."""

_WITHDRAW = re.compile(
    r"(retir\w*|enl[eè]v\w*|annul\w*|laiss\w* tomber|porte[rz]? pas|d[ée]pos\w* pas)"
    r"[^.!?\n]{0,40}plainte|plainte[^.!?\n]{0,40}(retir\w*|regrett\w*)"
    r"|withdraw\w*[^.!?\n]{0,30}complaint|drop\w*[^.!?\n]{0,30}(complaint|charges)",
    re.IGNORECASE,
)
"""Words of intimidation to withdraw (or not file) a complaint (art. 434-5)."""
_DEEPFAKE = re.compile(r"deep ?fake|montage|photomontage|\bIA\b|\bAI\b|faux nude|fake nude", re.I)
_DEATH = re.compile(r"\b(tuer|crever|mort|buter|égorg\w*|kill|dead|die)\b", re.IGNORECASE)


def qualifications(dossier: Dossier) -> list[str]:
    """Offences the facts may constitute, as sentences with articles (suggestions only)."""
    entries = dossier.entries
    categories = Counter(c for e in entries for c in e.categories)
    texts = [e.content for e in entries]
    keys: list[str] = []
    accounts = len(dossier.accounts())
    if len(entries) >= 2 or accounts >= 2:
        keys.append("harassment")
        if accounts >= 2:
            keys.append("raid")
    if categories["threat"]:
        keys.append("threat_death" if any(_DEATH.search(t) for t in texts) else "threat")
    if any(_WITHDRAW.search(t) for t in texts):
        keys.append("intimidation")
    if categories["doxxing"]:
        keys.append("doxxing")
    if categories["sexual"]:
        sexual = [e.content + " " + e.notes for e in entries if "sexual" in e.categories]
        keys.append("deepfake" if any(_DEEPFAKE.search(t) for t in sexual) else "sexual")
    if categories["impersonation"]:
        keys.append("impersonation")
    if categories["insult"]:
        keys.append("insult")
    return [dossier.tr(f"export.complaint.qual.{key}") for key in keys]


def _quote(text: str) -> str:
    flat = " ".join(safe(text).split())
    return flat if len(flat) <= QUOTE_LIMIT else flat[: QUOTE_LIMIT - 1] + "…"


def _who(entry: Evidence, dossier: Dossier) -> str:
    """``@handle (ID 123, Instagram)``: the account, then what identifies it, in brackets
    (a bare list read "le compte @x, Instagram a publié", as if Instagram had posted)."""
    handle = entry.account_handle.lstrip("@")
    account_id = dossier.tr("export.complaint.id", id=safe(entry.account_id))
    name = ""
    details = []
    if handle:
        name = "@" + safe(handle)
        if entry.account_id:
            details.append(account_id)
    elif entry.account_id:
        name = account_id
    else:
        name = dossier.tr("export.complaint.unknown_account")
    if entry.platform:
        details.append(safe(platform_name(entry.platform)))
    return f"{name} ({', '.join(details)})" if details else name


def write_complaint(dossier: Dossier, target: Path) -> None:
    """Write the complaint draft to ``target`` (the caller renames it into place)."""
    tr = dossier.tr
    case = dossier.case
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    _properties(document, dossier)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, not the template's Letter
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, Mm(20))
    section.bottom_margin = Mm(22)
    _footer(section, dossier)
    parts = _Parts(document)
    body = _Chunk(document.element.body.sectPr, dossier.sep)
    blank = "…………………………"

    body.text(tr("export.complaint.draft"), italic=True)
    for label, value in (
        ("name", safe(case.concerns) or blank),
        ("born", safe(case.concerns_birth) or blank),
        ("contact", safe(case.concerns_contact) or blank),
    ):
        body.line(tr(f"export.complaint.identity.{label}"), value)
    body.add(_p())
    body.text(tr("export.complaint.to"), bold=True)
    body.text(tr("export.complaint.court", blank=blank))
    body.add(_p())
    body.line(tr("export.complaint.object_label"), tr("export.complaint.object"))
    body.add(_p())
    body.text(tr("export.complaint.salutation"))
    body.text(tr("export.complaint.opening"))
    accounts = dossier.accounts()
    for account in accounts:
        handles = ", ".join("@" + safe(h) for h in account.handles) or "—"
        line = tr(
            "export.complaint.account" if account.account_id else "export.complaint.account_no_id",
            handles=handles,
            platform=safe(platform_name(account.platform)),
            id=safe(account.account_id),
        )
        body.text("– " + line + " " + dossier.trn("export.complaint.messages", account.count))

    body.heading(tr("export.complaint.facts_title"), "Heading1")
    first, last = dossier.period()
    if first is not None and last is not None:
        count = len(dossier.entries)
        start = format_day(first, case, dossier.lang)
        if count == 1:
            body.text(dossier.tr("export.complaint.facts_intro_one", start=start))
        else:
            end = format_day(last, case, dossier.lang)
            body.text(dossier.tr("export.complaint.facts_intro", count=count, start=start, end=end))
    current_day = ""
    for index, entry in enumerate(dossier.entries):
        if index >= NARRATIVE_LIMIT:
            body.text(
                dossier.trn("export.complaint.more", len(dossier.entries) - NARRATIVE_LIMIT),
                italic=True,
            )
            break
        when = entry_time(entry)
        day = format_day(when, case, dossier.lang) if when is not None else ""
        if day and day != current_day:
            current_day = day
            body.text(tr("export.complaint.day", day=day), bold=True)
        kinds = ", ".join(category_label(c, dossier.lang) for c in entry.categories)
        found = publication(entry)
        if found is not None:
            told = dossier.time(*found)
        else:
            # Never tell a capture time as the time the message was posted.
            told = tr("export.complaint.when_unknown", seen=entry_time_line(dossier, entry))
        runs = _r(
            tr(
                "export.complaint.fact",
                when=told,
                who=_who(entry, dossier),
                piece=dossier.piece(entry),
            ),
        )
        if entry.content:
            runs += _r(" " + tr("export.complaint.quote", text=_quote(entry.content)))
        if kinds:
            runs += _r(" " + tr("export.complaint.kinds", kinds=kinds), italic=True)
        if entry.content or kinds:
            runs += _r(".")  # the quote (and its kind) is a sentence; the address follows
        copied = entry.url_original or entry.url
        if copied:
            runs += _r(" " + tr("export.complaint.address") + " ")
            runs += _link(parts, safe(copied), copied, size=18)
        body.add(_p(runs, space_after=80))

    body.heading(tr("export.complaint.qual_title"), "Heading1")
    body.text(tr("export.complaint.qual_intro"), italic=True)
    suggestions = qualifications(dossier)
    for text in suggestions or [tr("export.complaint.qual.none")]:
        body.text("– " + text)
    body.text(tr("export.complaint.qual_verified"), italic=True)

    body.heading(tr("export.complaint.harm_title"), "Heading1")
    for key in ("health", "certificate", "itt", "work", "other"):
        body.line(tr(f"export.complaint.harm.{key}"), blank)

    body.heading(tr("export.complaint.reports_title"), "Heading1")
    reports = [(entry, report) for entry in dossier.entries for report in entry.reports]
    if not reports:
        body.text(tr("export.complaint.reports_none"))
    for entry, report in reports:
        place = tr(f"export.place.{report.place}")
        place = place if not place.startswith("export.") else safe(report.place)
        bits = [place]
        if report.date is not None:
            bits.append(format_day(report.date, case, dossier.lang))
        if report.reference:
            bits.append(tr("export.complaint.reference", ref=safe(report.reference)))
        body.text(f"– {dossier.piece(entry)} ({entry.id}) : " + ", ".join(bits))
    body.line(tr("export.complaint.main_courante"), blank)

    body.heading(tr("export.complaint.pieces_title"), "Heading1")
    body.text(dossier.trn("export.bordereau.count", len(dossier.entries)))
    for entry in dossier.entries:
        files = ", ".join(safe(a.path.rsplit("/", 1)[-1]) for a in entry.attachments)
        body.text(
            f"{dossier.piece(entry)} ({entry.id}) — {entry_time_line(dossier, entry)} — "
            f"{_who(entry, dossier)}" + (f" — {files}" if files else "")
        )
    body.text(tr("export.complaint.dossier_ref"), italic=True)

    body.add(_p())
    body.text(tr("export.complaint.closing"))
    body.add(_p())
    for line in dossier.signature_lines():
        body.text(line, bold=True)

    # For the person, not the procureur: after the signature, on a page of its own
    # that says to take it out (it sat inside the letter, before the closing).
    body.heading(tr("export.complaint.where_title"), "Heading1", page_break=True)
    body.text(tr("export.complaint.where_note"), italic=True)
    for key in ("where.letter", "where.online", "where.preplainte", "where.verified"):
        body.text(tr(f"export.complaint.{key}"))
    body.text(tr("export.complaint.prescription"))
    body.flush()
    document.save(str(target))
