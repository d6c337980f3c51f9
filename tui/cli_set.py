"""``abri set CASE --concerns … --helper … --place …``: the case details the documents print.

Who the case concerns (name, date of birth, address or contact), who helped, and
the town for "Fait à …, le …" appear in the dossier's header, the complaint draft
and the signature block.  ``abri new`` takes the same options.  An empty value
(``--helper ""``) clears a detail.  Each change is journalled (``case-details-set``
with the names of the fields changed, never their values: the journal may be
shown to others) and saved atomically.

The parser part (:func:`add_detail_options`, :func:`add_set_command`) is called
by :func:`tui.cli.build_parser`; :func:`cmd_set` by its handler table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.i18n import t

if TYPE_CHECKING:
    from tui.cli import Output
    from tui.core.case import Case

DETAILS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("concerns", "concerns"),
    ("born", "concerns_birth"),
    ("contact", "concerns_contact"),
    ("helper", "helper"),
    ("place", "place"),
)
"""(option name, Case field) of every detail ``abri set`` can change."""

DETAIL_LIMIT = 500
"""Longest value accepted for a detail (a name, an address line)."""


def add_detail_options(sub: argparse.ArgumentParser, lang: str, *, with_title: bool) -> None:
    """``--concerns --born --contact --helper --place`` (and ``--title`` for ``set``)."""
    for option, _field in DETAILS:
        if option == "title" and not with_title:
            continue
        sub.add_argument(
            f"--{option}",
            default=None,
            metavar=t(f"casedetails.metavar.{option}", lang),
            help=t(f"casedetails.help.{option}", lang),
        )


def add_set_command(
    command: Callable[..., argparse.ArgumentParser], lang: str, case_help: str
) -> None:
    """Register ``abri set`` through ``build_parser``'s own ``command`` helper."""
    sub = command(
        "set",
        t("casedetails.help.set", lang),
        description=t("casedetails.help.set_description", lang),
    )
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    add_detail_options(sub, lang, with_title=True)


def given_details(args: argparse.Namespace, *, with_title: bool = True) -> dict[str, str]:
    """Case field -> new value for every detail option given on the command line.

    ``abri new`` passes ``with_title=False``: its ``--title`` is its own (the file
    name when empty).
    """
    found = {}
    for option, field in DETAILS:
        if option == "title" and not with_title:
            continue
        value = getattr(args, option, None)
        if value is not None:
            found[field] = " ".join(str(value).split()) if field != "concerns_contact" else value
    return found


def check_details(details: dict[str, str], lang: str) -> str | None:
    """One sentence when a value cannot be taken (too long, control characters), else None."""
    for field, value in details.items():
        label = t(f"casedetails.field.{field}", lang)
        if len(value) > DETAIL_LIMIT:
            return t("casedetails.too_long", lang, field=label, limit=DETAIL_LIMIT)
        if any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) < 0xA0 for ch in value):
            return t("casedetails.control", lang, field=label)
        if field == "title" and not value.strip():
            return t("casedetails.empty_title", lang)
    return None


def apply_details(case: Case, details: dict[str, str]) -> list[str]:
    """Set the details on ``case``; returns the names of the fields that changed."""
    changed = []
    for field, value in details.items():
        if getattr(case, field) != value:
            setattr(case, field, value)
            changed.append(field)
    return changed


def cmd_set(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri set CASE --concerns …``: change the case details and save."""
    from tui.cli import OK, PROBLEMS, UNREADABLE, _case_for_command, _change

    details = given_details(args)
    if not details:
        say.fail("casedetails.nothing")
        return UNREADABLE
    with _case_for_command(args.case, forced, say) as session:
        if session is None:
            return UNREADABLE
        problem = check_details(details, say.lang)
        if problem is not None:
            say.raw_fail(problem)
            return UNREADABLE
        if session.read_only:
            return PROBLEMS
        changed = [name for name, value in details.items() if getattr(session.case, name) != value]
        if not changed:
            say.say("casedetails.unchanged")
            return OK
        # The case session validates, journals (the names of the fields, never their
        # values) and saves.
        if _change(say, lambda: session.set_details(**{n: details[n] for n in changed})) is None:
            return PROBLEMS
        for field in changed:
            value = getattr(session.case, field)
            say.say(
                "casedetails.set" if value else "casedetails.cleared",
                field=say.tr(f"casedetails.field.{field}"),
                value=value,
            )
    return OK
