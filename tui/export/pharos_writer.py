"""Texts for the reporting form (PHAROS) and a one-page factual summary for a complaint.

PHAROS (internet-signalement.gouv.fr) asks, for each content: a category from its
own list, the date and time of publication, where it was seen, the URL and an
optional comment.  Our categories are mapped to the closest PHAROS category; the
text says when the choice is the person's to make.  PHAROS takes only public
content and is not a complaint: the file says so at the top.

The summary gives the facts a complaint for harassment rests on (art. 222-33-2-2
code pénal): the period, how many messages, which accounts, which categories,
the repetition, and whether several accounts acted (a "raid").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tui.core.case import Evidence
from tui.export.common import (
    Dossier,
    category_label,
    entry_time,
    is_private,
    platform_name,
    publication,
    safe,
    source_label,
    split_time,
    unique,
    zone,
)

PHAROS_CATEGORIES = {
    "threat": "threats",
    "insult": "insult",
}
"""Our category -> key of the PHAROS category (``export.pharos.cat.<key>``).

The form's list (masecurite.interieur.gouv.fr, "Pharos se modernise", updated
2025-05-12): Terrorisme; Menaces ou incitation à la violence; Pédophilie ou
corruption de mineur sur internet; Trafic illicite; Incitation à commettre des
infractions; Escroquerie; Injure ou diffamation; Spam.  Sexual content,
doxxing and impersonation have no direct match: the block says which category
may fit and when (``export.pharos.hint.<category>``) instead of guessing.
Impersonation is not a scam (art. 226-4-1 code pénal); online scams go to THESEE.
"""

_HINTS = ("sexual", "doxxing", "impersonation")

COMMENT_LIMIT = 1000
"""Longest comment Abri writes in a block (the form's own limit is not published)."""


def _line(text: str, limit: int = 2000) -> str:
    """One line of a plain text block: visible markers, newlines as spaces, bounded."""
    flat = " ".join(safe(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def pharos_category(dossier: Dossier, categories: Iterable[str]) -> str:
    """The PHAROS category to choose for an entry, in the form's own words."""
    categories = list(categories)
    keys = unique(PHAROS_CATEGORIES[c] for c in categories if c in PHAROS_CATEGORIES)
    hints = [dossier.tr(f"export.pharos.hint.{c}") for c in categories if c in _HINTS]
    if not keys:
        if not hints:  # nothing more to say than "choose the closest"
            return dossier.tr("export.pharos.cat.closest")
        return " ".join([dossier.tr("export.pharos.cat.choose"), *hints]).strip()
    chosen = " / ".join(dossier.tr(f"export.pharos.cat.{key}") for key in keys)
    return " ".join([chosen, *hints]).strip()


def build_pharos(dossier: Dossier) -> str:
    """The reporting blocks (public messages only), then the summary, as plain UTF-8 text."""
    tr = dossier.tr
    lang = dossier.lang
    sep = dossier.sep
    out = [tr("export.pharos.title"), "=" * 60, tr("export.pharos.intro"), ""]
    private = [entry for entry in dossier.entries if is_private(entry)]
    for entry in dossier.entries:
        if entry in private:
            continue
        out.append(f"--- {dossier.piece(entry)} ({entry.id}) " + "-" * 40)
        out.append(tr("export.pharos.category") + sep + pharos_category(dossier, entry.categories))
        found = publication(entry)
        if found is not None:
            day, hour = split_time(found[0], dossier.case, lang, found[1])
            offset = dossier.time(found[0], found[1]).rsplit("(", 1)[-1].rstrip(")")
            out.append(f"{tr('export.pharos.date')}{sep}{day}")
            out.append(f"{tr('export.pharos.hour')}{sep}{hour}")
            out.append(
                "  "
                + tr(
                    "export.pharos.time_note",
                    zone=safe(dossier.case.timezone),
                    offset=offset,
                    source=source_label(found[1], lang),
                )
            )
        else:
            out.append(f"{tr('export.pharos.date')}{sep}{tr('export.pharos.unknown_time')}")
            out.append(f"{tr('export.pharos.hour')}{sep}{tr('export.pharos.unknown_time')}")
            for line in dossier.capture_lines(entry):
                out.append("  " + line + " " + tr("export.pharos.not_publication"))
        where = platform_name(entry.platform) if entry.platform else tr("export.pharos.unknown")
        out.append(f"{tr('export.pharos.where')}{sep}{_line(where)}")
        out.append(f"{tr('export.pharos.url')}{sep}{_line(entry.url_original or entry.url)}")
        out.append(f"{tr('export.pharos.comment')}{sep.rstrip()}")
        out.append(_comment(dossier, entry))
        out.append("")
    if private:
        out.append(tr("export.pharos.private_title"))
        out.append(tr("export.pharos.private_why"))
        for entry in private:
            where = platform_name(entry.platform) if entry.platform else "?"
            out.append(f"  - {dossier.piece(entry)} ({entry.id}), {_line(where, 60)}")
        out.append("")
    out.append("")
    out.append(build_summary(dossier))
    return "\n".join(out) + "\n"


def _comment(dossier: Dossier, entry: Evidence) -> str:
    """A short factual comment: who, what kind, the words, part of a series."""
    tr = dossier.tr
    author = entry.account_handle.lstrip("@")
    parts = []
    handle = _line("@" + author, 200) if author else ""
    account_id = _line(entry.account_id, 100)
    if handle and account_id:
        parts.append(tr("export.pharos.comment_author", handle=handle, account_id=account_id))
    elif handle:  # the form's reader is told the ID is missing, not shown "ID ?"
        parts.append(tr("export.pharos.comment_author_no_id", handle=handle))
    elif account_id:
        parts.append(tr("export.pharos.comment_author_id_only", account_id=account_id))
    if entry.categories:
        labels = ", ".join(category_label(c, dossier.lang) for c in entry.categories)
        parts.append(tr("export.pharos.comment_kind", kinds=labels))
    if entry.content:
        parts.append(tr("export.pharos.comment_content", content=_line(entry.content, 500)))
    parts.append(tr("export.pharos.comment_series", count=len(dossier.entries)))
    return _line(" ".join(parts), COMMENT_LIMIT)


def build_summary(dossier: Dossier) -> str:
    """One page of facts for a complaint: period, count, accounts, categories, repetition."""
    tr = dossier.tr
    lang = dossier.lang
    case = dossier.case
    entries = dossier.entries
    accounts = dossier.accounts()
    sep = dossier.sep
    out = [tr("export.summary.title"), "=" * 60]
    out.append(f"{tr('export.header.case')}{sep}{_line(case.title)}")
    if case.concerns:
        out.append(f"{tr('export.header.concerns')}{sep}{_line(case.concerns)}")
    out.append(f"{tr('export.header.period')}{sep}{dossier.period_text()}")
    out.append(tr("export.summary.count", count=len(entries)))
    out.append(tr("export.summary.accounts", count=len(accounts)))
    for account in accounts[:15]:
        handles = ", ".join("@" + _line(h, 80) for h in account.handles) or "-"
        out.append(
            "  - "
            + dossier.trn(
                "export.summary.account_line",
                account.count,
                account_id=_line(account.account_id, 100) or tr("export.summary.no_id"),
                platform=_line(platform_name(account.platform), 60),
                handles=handles,
                names=max(len(account.handles), 1),
            )
        )
    if len(accounts) > 15:
        out.append("  " + dossier.trn("export.summary.more_accounts", len(accounts) - 15))
    categories = Counter(c for e in entries for c in e.categories)
    if categories:
        listed = ", ".join(f"{category_label(c, lang)} ({n})" for c, n in categories.most_common())
        out.append(tr("export.summary.categories", categories=listed))
    days: Counter[date] = Counter()
    accounts_per_day: dict[date, set[str]] = {}
    tz = zone(case)
    for entry in entries:
        when = entry_time(entry)
        if when is None:
            continue
        day = when.astimezone(tz).date()
        days[day] += 1
        who = entry.account_id or entry.account_handle.lstrip("@").casefold()
        if who:
            accounts_per_day.setdefault(day, set()).add(who)

    def show(day: date) -> str:
        return day.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")

    if days:
        busiest, most = max(days.items(), key=lambda item: (item[1], -item[0].toordinal()))
        most_text = (
            dossier.trn("export.summary.repetition_most", most, busiest=show(busiest))
            if most > 1
            else tr("export.summary.repetition_one_a_day")  # not "up to 1 message on ..."
        )
        out.append(dossier.trn("export.summary.repetition_days", len(days)) + " " + most_text)
    # Sorted as dates, not as text (01/09 after 30/08, not before 02/08).
    together = sorted(day for day, who in accounts_per_day.items() if len(who) > 1)
    if len(accounts) > 1:
        several = tr("export.summary.several", count=len(accounts))
        if together:  # else the line ended on a colon with nothing after it
            several += " " + dossier.trn("export.summary.several_days", len(together))
        out.append(several)
        if together:
            listed_days = ", ".join(show(day) for day in together[:20])
            out.append("  " + listed_days + (" …" if len(together) > 20 else ""))
    out.append("")
    out.append(tr("export.summary.note"))
    return "\n".join(out)
