"""``abri capture`` and ``abri recheck``: the command-line side of :mod:`tui.capture`.

Registered from :mod:`tui.cli` (parsers and handlers); kept apart so the capture's
options and messages live with the capture.  Nothing here goes online unless the
person ran one of these two commands.  Both print progress with counts, save after
each entry (an interrupted run keeps what was done) and speak through
:class:`tui.cli.Output`, so no text from a page or a case reaches the terminal raw.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.cli import Output
    from tui.core.case import Evidence
    from tui.core.session import CaseSession

COMMANDS = ("capture", "recheck")


def add_parsers(command: Callable[..., argparse.ArgumentParser], lang: str) -> None:
    """Add the two sub-commands through :func:`tui.cli.build_parser`'s ``command`` helper."""
    from tui.core.i18n import t

    case_help = t("cli.help.case", lang)
    sub = command(
        "capture", t("capture.help.capture", lang),
        description=t("capture.help.capture_description", lang),
    )  # fmt: skip
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    sub.add_argument("entries", nargs="*", metavar="ENTRY", help=t("capture.help.entries", lang))
    which = sub.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help=t("capture.help.all", lang))
    which.add_argument("--missing", action="store_true", help=t("capture.help.missing", lang))
    sub.add_argument("--chromium", type=Path, metavar="PATH", help=t("capture.help.chromium", lang))
    sub.add_argument("--no-lookup", action="store_true", help=t("capture.help.no_lookup", lang))
    sub = command(
        "recheck", t("capture.help.recheck", lang),
        description=t("capture.help.recheck_description", lang),
    )  # fmt: skip
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    sub.add_argument("entries", nargs="*", metavar="ENTRY", help=t("capture.help.entries", lang))
    sub.add_argument("--snapshot", action="store_true", help=t("capture.help.snapshot", lang))
    sub.add_argument("--chromium", type=Path, metavar="PATH", help=t("capture.help.chromium", lang))


def _pick(
    session: CaseSession, names: list[str], every: bool, missing: bool, say: Output
) -> list[Evidence] | None:
    """The entries to work on, in table order; None (after saying why) when names are wrong."""
    case = session.case
    if names:
        wanted = [name.strip().upper() for name in names]
        unknown = [name for name in wanted if case.find(name) is None]
        if unknown:
            say.fail("capture.unknown_entries", entries=", ".join(unknown))
            return None
        chosen = [entry for entry in case.evidence if entry.id in wanted]
    elif every or missing:
        chosen = list(case.evidence)
        if missing:
            chosen = [entry for entry in chosen if not entry.captures]
    else:
        chosen = list(case.evidence)
    without = [entry.id for entry in chosen if not entry.url]
    if without:
        say.say("capture.no_url", entries=", ".join(without))
    return [entry for entry in chosen if entry.url]


def _warn_allow(say: Output) -> None:
    from tui.capture.policy import allow_warning

    warning = allow_warning(say.lang)
    if warning:
        say.fail("cli.notice", text=warning)


def cmd_capture(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri capture CASE [ENTRY …|--all|--missing]``: screenshots, archive, look-ups."""
    from tui.cli import OK, PROBLEMS, UNREADABLE, _case_for_command

    if not args.entries and not args.all and not args.missing:
        say.fail("capture.which")
        return UNREADABLE
    with _case_for_command(args.case, forced, say) as opened:
        if opened is None:
            return UNREADABLE
        session = opened
        if session.read_only:
            return PROBLEMS
        entries = _pick(session, args.entries, args.all, args.missing, say)
        if entries is None:
            return UNREADABLE
        if not entries:
            say.say("capture.nothing")
            return OK
        from tui.export.pdf_writer import find_chromium

        chromium = find_chromium(str(args.chromium) if args.chromium else None)
        if chromium is None:
            say.fail("capture.no_chromium")
            return PROBLEMS
        _warn_allow(say)
        return _capture_all(session, entries, chromium, not args.no_lookup, say)


def _capture_all(
    session: CaseSession, entries: list[Evidence], chromium: str, lookups: bool, say: Output
) -> int:
    from tui.capture.browser import CaptureCancelled
    from tui.capture.run import Done, capture_entries
    from tui.cli import OK, PROBLEMS

    urls = {entry.id: entry.url for entry in entries}
    total = len(entries)
    finished: list[Done] = []

    def progress(number: int, count: int, entry_id: str) -> None:
        say.say("capture.progress", n=number, total=count, entry=entry_id, url=urls[entry_id])

    def done(item: Done) -> None:
        finished.append(item)
        if item.applied is None or item.outcome is None:
            from tui.capture.words import failure_words

            reason = failure_words(item.error, say.lang)
            say.fail("capture.failed", entry=item.entry_id, reason=reason)
        else:
            _report(item.applied, item.outcome, say)

    cancel = threading.Event()
    try:
        capture_entries(
            session, [entry.id for entry in entries], chromium=chromium, lookups=lookups,
            cancel=cancel, progress=progress, done=done,
        )  # fmt: skip
    except (KeyboardInterrupt, CaptureCancelled):
        cancel.set()
        say.fail("capture.cancelled", done=len(finished), total=total)
        return PROBLEMS
    failures = sum(1 for item in finished if item.applied is None)
    say.say("capture.summary", done=total - failures, total=total)
    return PROBLEMS if failures else OK


def _report(applied: Any, outcome: Any, say: Output) -> None:
    """What one capture recorded: verdict and time per page, every file with its hash."""
    from tui.capture.words import (
        indicator_words,
        mismatch_times,
        refusal_words,
        seconds_words,
        source_words,
    )
    from tui.core.timeparse import format_datetime

    evidence = applied.evidence
    for page in outcome.pages:
        when = format_datetime(page.started_at, "UTC", say.lang, seconds=True) + " UTC"
        seconds = (page.finished_at - page.started_at).total_seconds()
        say.say(
            "capture.page", label=say.tr(f"capture.label.{page.label}"),
            verdict=say.tr(f"capture.verdict.{page.verdict}"),
            detail=indicator_words(page.indicator, say.lang), when=when,
            seconds=seconds_words(seconds, say.lang),
        )  # fmt: skip
        if page.refused:
            first = refusal_words(page.refused[0], say.lang)
            say.say("capture.refused", count=len(page.refused), first=first)
    for role, attachment in applied.attachments:
        label, _, kind = role.rpartition(" ")
        shown = say.tr(f"capture.role.{kind}")
        if label == "embed":
            shown = f"{say.tr('capture.label.embed')}, {shown}"
        say.say("capture.file", role=shown, path=attachment.path, sha256=attachment.sha256)
    lookup = outcome.lookup
    if lookup is not None:
        say.say(
            "capture.lookup", outcome=say.tr(f"capture.outcome.{lookup.outcome}"),
            source=source_words(lookup.method, say.lang, answered=lookup.outcome != "error"),
            detail=indicator_words(lookup.indicator, say.lang),
        )  # fmt: skip
        if "account_id" in applied.filled:
            say.say("capture.account_filled", account_id=evidence.account_id)
        if applied.offered_account_id:
            say.say(
                "capture.account_offered", found=applied.offered_account_id,
                typed=evidence.account_id, entry=evidence.id,
            )  # fmt: skip
        times = mismatch_times(evidence, lookup.created_at, say.lang)
        if applied.time_mismatch and times:
            say.say("capture.time_mismatch", **times)
        if lookup.created_at is not None:
            shown = format_datetime(lookup.created_at, "UTC", say.lang)
            say.say("capture.created_at", when=shown)


def cmd_recheck(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri recheck CASE [ENTRY …]``: one "still online?" record per entry."""
    from tui.cli import OK, PROBLEMS, UNREADABLE, _case_for_command

    with _case_for_command(args.case, forced, say) as opened:
        if opened is None:
            return UNREADABLE
        session = opened
        if session.read_only:
            return PROBLEMS
        entries = _pick(session, args.entries, True, False, say)
        if entries is None:
            return UNREADABLE
        if not entries:
            say.say("capture.nothing")
            return OK
        chromium = None
        if args.snapshot:
            from tui.export.pdf_writer import find_chromium

            chromium = find_chromium(str(args.chromium) if args.chromium else None)
            if chromium is None:
                say.fail("capture.no_chromium")
                return PROBLEMS
        _warn_allow(say)
        code = _recheck_all(session, entries, say)
        if chromium is None or code != OK:
            return code
        # A post still online gets a fresh snapshot (asked for with --snapshot).
        online = [
            entry
            for entry in entries
            if (found := session.case.find(entry.id)) is not None
            and found.checks
            and found.checks[-1].result == "online"
        ]
        if not online:
            return code
        return _capture_all(session, online, chromium, False, say)


def _recheck_all(session: CaseSession, entries: list[Evidence], say: Output) -> int:
    from tui.capture.browser import CaptureCancelled
    from tui.capture.run import recheck_entries
    from tui.capture.words import indicator_words, source_words
    from tui.cli import OK, PROBLEMS
    from tui.core.case import OnlineCheck
    from tui.core.session import SaveError

    total = len(entries)
    numbers = {entry.id: n for n, entry in enumerate(entries, 1)}
    recorded: list[str] = []

    def done(entry_id: str, check: OnlineCheck) -> None:
        recorded.append(entry_id)
        say.say(
            "capture.recheck_line", n=numbers[entry_id], total=total, entry=entry_id,
            result=say.tr(f"capture.result.{check.result}"),
            source=source_words(
                check.method, say.lang, answered=check.result != "network-error"
            ),
            detail=indicator_words(check.indicator, say.lang),
        )  # fmt: skip

    try:
        results = recheck_entries(session, [entry.id for entry in entries], done=done)
    except (KeyboardInterrupt, CaptureCancelled):
        say.fail("capture.cancelled", done=len(recorded), total=total)
        return PROBLEMS
    except SaveError as error:
        say.raw_fail(str(error))
        return PROBLEMS
    say.say("capture.recheck_summary", total=len(results))
    return OK
