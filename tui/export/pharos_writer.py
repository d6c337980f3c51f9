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
from collections.abc import Sequence

from tui.core.case import Evidence
from tui.export.common import (
    Dossier,
    category_label,
    entry_time,
    format_day,
    platform_name,
    safe,
    source_label,
    unique,
)

PHAROS_CATEGORIES = {
    "threat": "threats",
    "insult": "insult",
    "sexual": "insult",
    "doxxing": "threats",
    "impersonation": "fraud",
}
"""Our category -> key of the PHAROS category (``export.pharos.cat.<key>``)."""


def _line(text: str, limit: int = 2000) -> str:
    """One line of a plain text block: visible markers, newlines as spaces, bounded."""
    flat = " ".join(safe(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def pharos_category(dossier: Dossier, categories: Sequence[str]) -> str:
    """The PHAROS category to choose for an entry, in the form's own words."""
    keys = unique(PHAROS_CATEGORIES[c] for c in categories if c in PHAROS_CATEGORIES)
    if not keys:
        return dossier.tr("export.pharos.cat.choose")
    return " / ".join(dossier.tr(f"export.pharos.cat.{key}") for key in keys)


def build_pharos(dossier: Dossier) -> str:
    """The reporting blocks, then the summary, as plain UTF-8 text."""
    tr = dossier.tr
    lang = dossier.lang
    sep = tr("export.sep")
    out = [tr("export.pharos.title"), "=" * 60, tr("export.pharos.intro"), ""]
    for entry in dossier.entries:
        out.append(f"--- {entry.id} " + "-" * 40)
        out.append(tr("export.pharos.category") + sep + pharos_category(dossier, entry.categories))
        if entry.posted_at is not None:
            when = dossier.time(entry.posted_at)
            out.append(
                f"{tr('export.pharos.published')}{sep}{when} "
                f"({source_label(entry.posted_at_source, lang)})"
            )
        else:
            out.append(f"{tr('export.pharos.published')}{sep}{tr('export.pharos.unknown_time')}")
        where = platform_name(entry.platform) if entry.platform else tr("export.pharos.unknown")
        out.append(f"{tr('export.pharos.where')}{sep}{_line(where)}")
        out.append(f"{tr('export.pharos.url')}{sep}{_line(entry.url or entry.url_original)}")
        out.append(f"{tr('export.pharos.comment')}{sep.rstrip()}")
        out.append(_comment(dossier, entry))
        out.append("")
    out.append("")
    out.append(build_summary(dossier))
    return "\n".join(out) + "\n"


def _comment(dossier: Dossier, entry: Evidence) -> str:
    """A short factual comment: who, what kind, the words, part of a series."""
    tr = dossier.tr
    author = entry.account_handle.lstrip("@")
    parts = []
    if author or entry.account_id:
        parts.append(
            tr(
                "export.pharos.comment_author",
                handle=_line("@" + author if author else "?", 200),
                account_id=_line(entry.account_id or "?", 100),
            )
        )
    if entry.categories:
        labels = ", ".join(category_label(c, dossier.lang) for c in entry.categories)
        parts.append(tr("export.pharos.comment_kind", kinds=labels))
    if entry.content:
        parts.append(tr("export.pharos.comment_content", content=_line(entry.content, 600)))
    parts.append(tr("export.pharos.comment_series", count=len(dossier.entries)))
    return " ".join(parts)


def build_summary(dossier: Dossier) -> str:
    """One page of facts for a complaint: period, count, accounts, categories, repetition."""
    tr = dossier.tr
    lang = dossier.lang
    case = dossier.case
    entries = dossier.entries
    accounts = dossier.accounts()
    sep = tr("export.sep")
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
            + tr(
                "export.summary.account_line",
                account_id=_line(account.account_id, 100) or "?",
                platform=_line(platform_name(account.platform), 60),
                handles=handles,
                count=account.count,
            )
        )
    if len(accounts) > 15:
        out.append("  " + tr("export.summary.more_accounts", count=len(accounts) - 15))
    categories = Counter(c for e in entries for c in e.categories)
    if categories:
        listed = ", ".join(f"{category_label(c, lang)} ({n})" for c, n in categories.most_common())
        out.append(tr("export.summary.categories", categories=listed))
    days: Counter[str] = Counter()
    accounts_per_day: dict[str, set[str]] = {}
    for entry in entries:
        when = entry_time(entry)
        if when is None:
            continue
        day = format_day(when, case, lang)
        days[day] += 1
        who = entry.account_id or entry.account_handle.lstrip("@").casefold()
        if who:
            accounts_per_day.setdefault(day, set()).add(who)
    if days:
        busiest, most = days.most_common(1)[0]
        out.append(tr("export.summary.repetition", days=len(days), busiest=busiest, most=most))
    together = sorted(day for day, who in accounts_per_day.items() if len(who) > 1)
    if len(accounts) > 1:
        out.append(tr("export.summary.several", count=len(accounts), days=len(together)))
        if together:
            out.append("  " + ", ".join(together[:20]) + (" …" if len(together) > 20 else ""))
    out.append("")
    out.append(tr("export.summary.note"))
    return "\n".join(out)
