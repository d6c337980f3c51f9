"""Command line: ``abri [CASE]``, ``abri new|add|import|check|export``.

Every operation on a case can be done without the full-screen app, so a helper
can script it and the tests can drive it.  What this module promises:

* Output is for people: short sentences in the case's language (``--lang``
  forces one), the help texts too.  Everything that came from a case (titles,
  handles, URLs, problems quoted from the file) goes through
  :mod:`tui.core.text` first, so no escape sequence reaches the terminal.
* User mistakes (bad path, unreadable case, unknown URL, missing screenshot,
  a file changed on disk) are one clear sentence on stderr and a non-zero
  exit, never a traceback.  Exit codes: 0 done, 1 problems, 2 the case cannot
  be read or the command line itself is wrong.
* Start-up stays fast: ``abri --version`` imports neither Textual nor the
  exporters; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from tui import __version__
from tui.core.case import CATEGORIES, LANGUAGES
from tui.core.i18n import pick_language, set_language, t
from tui.core.text import one_line, visible

if TYPE_CHECKING:
    from datetime import datetime

    from tui.core.attachments import AttachmentProblem
    from tui.core.case import Case, Evidence
    from tui.core.store import CaseFile

OK = 0
"""Exit code: done, nothing to report."""
PROBLEMS = 1
"""Exit code: the command ran but found or met problems (they were printed)."""
UNREADABLE = 2
"""Exit code: the case cannot be read, or the command line is wrong."""

COMMANDS = ("new", "add", "import", "check", "export", "set")
"""Sub-commands; any other first word is the case to open in the app."""

EXPORT_FORMATS = ("docx", "pdf", "html", "xlsx", "csv", "pharos", "complaint", "zip")
"""What ``abri export --format`` accepts (comma-separated)."""

_OPEN = "open"
"""Hidden sub-command standing for ``abri [CASE]``."""

_TEXT_LIMIT = 300
"""Longest piece of case text echoed on one line (a 100 KB line is cut, never printed)."""

_TAKES_VALUE = frozenset({"--lang", "--theme"})
"""Options that may come before the command and take a value (skipped when routing)."""


# --------------------------------------------------------------------------- output


class Output:
    """Where the command line speaks: translated sentences on stdout, errors on stderr.

    Every string parameter is passed through :func:`tui.core.text.one_line`, so
    text from a case can never send a control character to the terminal, even if
    a caller forgets to clean it.
    """

    def __init__(self, lang: str, out: IO[str] | None = None, err: IO[str] | None = None):
        self.lang = lang
        self._out = out
        self._err = err

    @property
    def out(self) -> IO[str]:
        """Standard output (looked up late so pytest's capture sees it)."""
        return self._out or sys.stdout

    @property
    def err(self) -> IO[str]:
        """Standard error."""
        return self._err or sys.stderr

    def tr(self, key: str, **params: Any) -> str:
        """The message ``key`` in this output's language, parameters made safe."""
        safe = {
            name: one_line(value, _TEXT_LIMIT) if isinstance(value, str) else value
            for name, value in params.items()
        }
        return t(key, self.lang, **safe)

    def say(self, key: str, **params: Any) -> None:
        """Print one translated line (or several, if the message has several) on stdout."""
        print(self.tr(key, **params), file=self.out)

    def fail(self, key: str, **params: Any) -> None:
        """Print one translated line on stderr."""
        print(self.tr(key, **params), file=self.err)

    def raw_fail(self, text: str) -> None:
        """Print a sentence written by the core (already translated) on stderr, made safe."""
        print(visible(text), file=self.err)


def _safe_streams() -> None:
    """Never crash on printing: a terminal without UTF-8 gets escapes, not an exception."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A closed or exotic stream keeps its settings.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


# --------------------------------------------------------------------------- parser


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter with a translated "usage:" prefix and kept line breaks.

    Descriptions are wrapped line by line (so they fit 80 columns), and indented
    lines (the examples) are kept as written.
    """

    lang = "en"

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        lines: list[str] = []
        for line in text.splitlines():
            if not line.strip() or line.startswith(" "):
                lines.append(indent + line)
            else:
                lines.extend(
                    textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n".join(lines)

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = t("cli.help.usage", self.lang) + " "
        super().add_usage(usage, actions, groups, prefix)


def _translate_argparse(message: str, lang: str) -> str:
    """argparse's own error sentences (English, gettext-only) in our language."""
    patterns: list[tuple[str, str]] = [
        (r"the following arguments are required: (?P<names>.+)", "cli.usage.required"),
        (r"unrecognized arguments: (?P<names>.+)", "cli.usage.unrecognized"),
        (r"argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
         "cli.usage.invalid_choice"),
        (r"argument (?P<name>\S+): expected one argument", "cli.usage.expected_value"),
        (r"argument (?P<name>\S+): invalid (?P<kind>\S+) value: (?P<value>.+)",
         "cli.usage.invalid_value"),
    ]  # fmt: skip
    for pattern, key in patterns:
        match = re.fullmatch(pattern, message)
        if match:
            return t(key, lang, **match.groupdict())
    return message


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are translated and end with a hint, not a trace."""

    lang = "en"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        message = visible(_translate_argparse(message, self.lang))
        text = t("cli.usage.error", self.lang, prog=self.prog, message=message)
        hint = t("cli.usage.hint", self.lang)
        self.exit(UNREADABLE, f"{text}\n{hint}\n")


def _dress(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Translate argparse's fixed parts (section titles, -h) on one parser."""
    if isinstance(parser, _Parser):
        parser.lang = lang
    parser._positionals.title = t("cli.help.positionals", lang)
    parser._optionals.title = t("cli.help.options", lang)
    parser.add_argument("-h", "--help", action="help", help=t("cli.help.help", lang))
    return parser


def build_parser(lang: str) -> argparse.ArgumentParser:
    """The whole command line, its help written in ``lang``."""
    formatter = type("Formatter", (_Formatter,), {"lang": lang})
    common: dict[str, Any] = {
        "formatter_class": formatter,
        "add_help": False,
        "allow_abbrev": False,
    }
    parser = _dress(
        _Parser(
            prog="abri",
            usage=t("cli.help.main_usage", lang),
            description=t("cli.help.description", lang),
            epilog=t("cli.help.epilog", lang),
            **common,
        ),
        lang,
    )
    parser.add_argument(
        "--version", action="version", version=f"abri {__version__}",
        help=t("cli.help.version", lang),
    )  # fmt: skip
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.help.lang", lang))
    commands = parser.add_subparsers(
        dest="command", metavar=t("cli.help.command_metavar", lang),
        title=t("cli.help.commands", lang), parser_class=_Parser,
    )  # fmt: skip

    def command(name: str, summary: str | None, **kwargs: Any) -> argparse.ArgumentParser:
        if summary is not None:
            # Only commands given a help text are listed: ``open`` stays hidden.
            kwargs["help"] = summary
        kwargs.setdefault("prog", f"abri {name}")
        sub = _dress(commands.add_parser(name, **common, **kwargs), lang)
        # SUPPRESS: a sub-parser default would overwrite a --lang given before the command.
        sub.add_argument(
            "--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
            help=t("cli.help.lang", lang),
        )  # fmt: skip
        return sub

    case_help = t("cli.help.case", lang)

    sub = command("new", t("cli.help.new", lang), description=t("cli.help.new_description", lang))
    sub.add_argument("case", type=Path, metavar="CASE", help=t("cli.help.new_case", lang))
    sub.add_argument("--title", help=t("cli.help.title", lang))
    sub.add_argument(
        "--timezone", default="Europe/Paris", metavar="ZONE", help=t("cli.help.timezone", lang)
    )
    from tui.cli_set import add_detail_options, add_set_command

    add_detail_options(sub, lang, with_title=False)

    sub = command("add", t("cli.help.add", lang), description=t("cli.help.add_description", lang))
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    sub.add_argument("--url", help=t("cli.help.url", lang))
    sub.add_argument("--date", metavar="DATE", help=t("cli.help.date", lang))
    sub.add_argument("--account-id", metavar="ID", help=t("cli.help.account_id", lang))
    sub.add_argument("--handle", help=t("cli.help.handle", lang))
    sub.add_argument("--content", metavar="TEXT", help=t("cli.help.content", lang))
    sub.add_argument(
        "--category", action="append", choices=CATEGORIES, default=[],
        help=t("cli.help.category", lang),
    )  # fmt: skip
    sub.add_argument(
        "--screenshot", action="append", type=Path, default=[], metavar="FILE",
        help=t("cli.help.screenshot", lang),
    )  # fmt: skip

    sub = command(
        "import", t("cli.help.import", lang), description=t("cli.help.import_description", lang)
    )
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    sub.add_argument(
        "source", type=Path, metavar="FILE_OR_FOLDER", help=t("cli.help.import_source", lang)
    )

    sub = command(
        "check", t("cli.help.check", lang), description=t("cli.help.check_description", lang)
    )
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)

    sub = command(
        "export", t("cli.help.export", lang), description=t("cli.help.export_description", lang)
    )
    sub.add_argument("case", type=Path, metavar="CASE", help=case_help)
    sub.add_argument(
        "--format", default="all", metavar="FORMATS",
        help=t("cli.help.format", lang, formats=",".join(EXPORT_FORMATS)),
    )  # fmt: skip
    sub.add_argument("--output", type=Path, metavar="DIR", help=t("cli.help.output", lang))
    sub.add_argument("--chromium", type=Path, metavar="PATH", help=t("cli.help.chromium", lang))
    for option in ("from", "to", "account", "entries"):
        sub.add_argument(
            f"--{option}", default="", metavar=t(f"export.cli.metavar.{option}", lang),
            help=t(f"export.cli.{option}", lang),
        )  # fmt: skip
    add_set_command(command, lang, case_help)

    # ``abri [CASE]``: routed here by main(); not listed among the commands.
    sub = command(_OPEN, None, prog="abri", description=t("cli.help.open_description", lang))
    sub.add_argument("case", type=Path, nargs="?", metavar="CASE", help=case_help)
    sub.add_argument("--theme", metavar="NAME", help=t("cli.help.theme", lang))
    return parser


def _forced_language(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` if given anywhere, read before the parser exists.

    The help texts themselves must be in that language, so it is needed first.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1] if argv[index + 1] in LANGUAGES else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGUAGES else None
    return None


_LANGUAGE_LINE = re.compile(rb'^language\s*=\s*"(fr|en)"\s*(?:#.*)?$', re.MULTILINE)


def _peek_language(path: Path) -> str | None:
    """The case's language read from the top of its file, cheaply (None if unsure).

    Top-level keys come before any table in TOML, so the first few KB say it;
    parsing a 10 MB case only to choose the language of an error would be waste.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return None
    head = head.split(b"\n[", 1)[0]
    match = _LANGUAGE_LINE.search(head)
    return match.group(1).decode() if match else None


def _route(argv: list[str]) -> list[str]:
    """Insert the hidden ``open`` command when the first word is not a command."""
    first: str | None = None
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--":
            first = argv[index + 1] if index + 1 < len(argv) else None
            break
        if arg in _TAKES_VALUE:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        first = arg
        break
    if first in COMMANDS:
        return argv
    if first is None and any(arg in ("-h", "--help", "--version") for arg in argv):
        return argv
    return [_OPEN, *argv]


def _plain_open(argv: list[str]) -> argparse.Namespace | None:
    """``abri [CASE] [--lang L] [--theme NAME]`` read without building the parser.

    What the parser would give for it, or None for anything else (a command, help,
    ``--``, an option it would reject...), which then goes through the parser.  The
    translated parser, with every command's help, takes longer to build than the
    rest of the start-up before the app; opening a case needs none of it.
    """
    if _route(argv)[:1] != [_OPEN]:
        return None
    values: dict[str, Any] = {"lang": None, "command": _OPEN, "case": None, "theme": None}
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in _TAKES_VALUE:
            if index + 1 >= len(argv) or argv[index + 1].startswith("-"):
                return None
            name, value = arg, argv[index + 1]
            index += 2
        elif arg.startswith(("--lang=", "--theme=")):
            name, value = arg.split("=", 1)
            index += 1
        elif arg.startswith("-") or values["case"] is not None:
            return None
        else:
            values["case"] = Path(arg)
            index += 1
            continue
        if name == "--lang" and value not in LANGUAGES:
            return None
        values[name[2:]] = value
    return argparse.Namespace(**values)


# --------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def _case_for_command(path: Path, forced: str | None, say: Output) -> Iterator[CaseFile | None]:
    """The open case for a command (None if it cannot be read: the reasons are printed).

    Output switches to the case's language and its notices (backup loaded, open in
    another Abri) are printed first; the case is always released at the end.
    """
    casefile = _open_case(path, say)
    if casefile is None:
        yield None
        return
    try:
        say.lang = _case_language(forced, casefile)
        _print_notices(casefile, say)
        yield casefile
    finally:
        casefile.close()


def _open_case(path: Path, say: Output) -> CaseFile | None:
    """Open a case for a command, or print why it cannot be (and return None).

    A case that cannot be read is reported problem by problem, each with its
    location, and is never written to.
    """
    from tui.core.store import CaseError, CaseFile

    shown = str(path)
    if not path.exists():
        say.fail("cli.case.missing", path=shown)
        return None
    if path.is_dir():
        say.fail("cli.case.is_folder", path=shown)
        return None
    try:
        casefile = CaseFile.open(path)
    except CaseError as error:
        problems = list(error.problems)
        say.fail("cli.case.unreadable", path=shown, count=len(problems))
        for problem in problems:
            say.fail("cli.case.problem", location=problem.location, message=problem.message)
        if not problems:
            say.raw_fail(str(error))
        say.fail("cli.case.untouched")
        return None
    except (OSError, UnicodeError) as error:
        say.fail("cli.case.os_error", path=shown, reason=_os_reason(error))
        return None
    return casefile


def _os_reason(error: BaseException) -> str:
    """A short reason for a system error, without Python's class names."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _case_language(forced: str | None, casefile: CaseFile) -> str:
    """The language to speak once the case is open: forced, else the case's."""
    lang = pick_language(forced, casefile.case.language)
    set_language(lang)
    return lang


def _print_notices(casefile: CaseFile, say: Output) -> None:
    """What the store wants the person to know (backup loaded, open elsewhere...)."""
    for notice in casefile.notices:
        say.fail("cli.notice", text=str(notice))
    if casefile.read_only:
        say.fail("cli.read_only", reason=str(casefile.read_only))


def _when(dt: datetime | None, source: str, case: Case, say: Output) -> str:
    """A time as people read it, with its zone and where it came from."""
    if dt is None:
        return say.tr("cli.time.unknown")
    from tui.core.timeparse import format_datetime, time_source_label

    shown = format_datetime(dt, case.timezone, say.lang)
    label = time_source_label(source, say.lang)
    return say.tr("cli.time.with_source", time=shown, zone=case.timezone, source=label)


def _describe(evidence: Evidence, case: Case, say: Output) -> None:
    """Print what was recorded for one entry: platform, account, post, time, files."""
    from tui.core.platforms import platform_name

    say.say("cli.entry.platform", platform=platform_name(evidence.platform, say.lang))
    if evidence.account_handle or evidence.account_id:
        handle = f"@{evidence.account_handle}" if evidence.account_handle else "—"
        if evidence.account_id:
            say.say("cli.entry.account_with_id", handle=handle, account_id=evidence.account_id)
        else:
            say.say("cli.entry.account", handle=handle)
    if evidence.post_id:
        say.say("cli.entry.post_id", post_id=evidence.post_id)
    if evidence.url:
        say.say("cli.entry.url", url=evidence.url)
    say.say(
        "cli.entry.posted_at",
        when=_when(evidence.posted_at, evidence.posted_at_source, case, say),
    )
    for attachment in evidence.attachments:
        say.say(
            "cli.entry.attachment",
            path=attachment.path,
            sha256=attachment.sha256,
            name=attachment.original_name,
        )


def _save(casefile: CaseFile, action: str, detail: str, say: Output) -> bool:
    """Journal and save; on failure print the store's sentence and return False."""
    from tui.core.store import SaveError

    try:
        casefile.record(action, detail)
    except SaveError as error:
        say.raw_fail(str(error))
        return False
    except OSError as error:
        say.fail("cli.save.os_error", reason=_os_reason(error))
        return False
    return True


def _attach_all(
    casefile: CaseFile, evidence: Evidence, files: Sequence[Path], say: Output
) -> Evidence:
    """Copy each file into the case's evidence folder; the entry comes back with them.

    The entry is replaced, never mutated, so a snapshot taken elsewhere stays whole.
    An image already in the case is not copied twice (the person is told).
    Raises the store's AttachError on the first file that cannot be taken.
    """
    from tui.core.attachments import attach_file

    for source in files:
        result = attach_file(casefile, evidence, source)
        attachment = result.attachment
        if result.reused and result.existing_id != evidence.id:
            say.say("cli.add.reused", name=source.name, entry=result.existing_id)
        if all(existing.path != attachment.path for existing in evidence.attachments):
            evidence = replace(evidence, attachments=[*evidence.attachments, attachment])
        _put(casefile.case, evidence)
    return evidence


def _put(case: Case, evidence: Evidence) -> None:
    """Put ``evidence`` in the case, replacing the entry with the same ID if there is one."""
    for index, existing in enumerate(case.evidence):
        if existing.id == evidence.id:
            case.evidence[index] = evidence
            return
    case.evidence.append(evidence)


def _known_urls(case: Case) -> dict[str, str]:
    """Normalised URL -> entry ID, for spotting duplicates."""
    from tui.core.text import normalise

    return {normalise(entry.url): entry.id for entry in case.evidence if entry.url}


def _known_hashes(case: Case) -> dict[str, str]:
    """SHA-256 of every attached file -> the entry holding it."""
    return {
        attachment.sha256: entry.id for entry in case.evidence for attachment in entry.attachments
    }


# --------------------------------------------------------------------------- commands


def cmd_new(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri new CASE``: create a case file; never overwrites an existing file."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from tui.core.case import Case
    from tui.core.store import CaseFile, SaveError

    path: Path = args.case
    if not path.suffix and not path.is_dir():
        # "abri new alice" means alice.toml: the app and the file choosers look for .toml.
        path = path.with_name(path.name + ".toml")
    if path.exists():
        say.fail("cli.new.exists", path=str(path))
        return PROBLEMS
    if not path.parent.is_dir():
        say.fail("cli.new.no_folder", folder=str(path.parent))
        return PROBLEMS
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        say.fail("cli.new.bad_timezone", zone=args.timezone)
        return PROBLEMS
    lang = pick_language(forced)
    title = args.title if args.title is not None and args.title.strip() else path.stem
    from tui.cli_set import apply_details, check_details, given_details

    details = given_details(args, with_title=False)
    problem = check_details(details, lang)
    if problem is not None:
        say.raw_fail(problem)
        return PROBLEMS
    case = Case(title=title, language=lang, timezone=args.timezone)
    apply_details(case, details)
    case.log("case-created", title)
    try:
        casefile = CaseFile.create(path, case)
    except FileExistsError:
        say.fail("cli.new.exists", path=str(path))
        return PROBLEMS
    except SaveError as error:
        say.raw_fail(str(error))
        return PROBLEMS
    except OSError as error:
        say.fail("cli.save.os_error", reason=_os_reason(error))
        return PROBLEMS
    try:
        say.say("cli.new.done", path=str(path), title=title)
        say.say("cli.new.details", lang=lang, zone=args.timezone)
        say.say("cli.new.folder", folder=str(casefile.evidence_dir))
        say.say("cli.new.next", path=str(path))
    finally:
        casefile.close()
    return OK


def cmd_add(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri add CASE --url URL ...``: one new entry, its screenshots copied in."""
    if not args.url and not args.screenshot and not args.content:
        say.fail("cli.add.nothing")
        return UNREADABLE
    for shot in args.screenshot:
        if not shot.is_file():
            say.fail("cli.add.no_screenshot", path=str(shot))
            return PROBLEMS
    with _case_for_command(args.case, forced, say) as casefile:
        if casefile is None:
            return UNREADABLE
        return _add(args, casefile, say)


def _add(args: argparse.Namespace, casefile: CaseFile, say: Output) -> int:
    from tui.core.case import Evidence
    from tui.core.platforms import UrlError, check_account_id, parse_url
    from tui.core.text import normalise
    from tui.core.timeparse import TimeParseError, format_datetime, parse_time_detail

    case = casefile.case
    evidence = Evidence(id=case.next_evidence_id(), content=args.content or "")
    if args.url:
        try:
            info = parse_url(args.url, lang=say.lang)
        except UrlError as error:
            say.fail("cli.add.bad_url", url=args.url, reason=str(error))
            return PROBLEMS
        known = _known_urls(case).get(normalise(info.url))
        if known is not None:
            say.fail("cli.add.duplicate", entry=known, url=info.url)
            return PROBLEMS
        evidence = replace(
            evidence,
            url=info.url,
            url_original=info.url_original if info.url_original != info.url else "",
            platform=info.platform,
            post_id=info.post_id,
            account_handle=info.handle,
            account_id=info.account_id,
            posted_at=info.posted_at,
            posted_at_source=info.posted_at_source if info.posted_at else "",  # type: ignore[arg-type]
        )
        if info.warning:
            say.fail("cli.notice", text=info.warning)
    if args.handle:
        evidence = replace(evidence, account_handle=args.handle.strip().lstrip("@"))
    if args.account_id:
        account_id = args.account_id.strip()
        problem = check_account_id(evidence.platform, account_id, say.lang)
        if problem:
            say.fail("cli.add.bad_account_id", account_id=account_id, reason=problem)
            return PROBLEMS
        evidence = replace(evidence, account_id=account_id)
    if args.date:
        try:
            parsed = parse_time_detail(args.date, case.timezone, lang=say.lang)
        except TimeParseError as error:
            say.fail("cli.add.bad_date", date=args.date, reason=str(error))
            return PROBLEMS
        if parsed.ambiguous:
            day, clock = format_datetime(parsed.value, case.timezone, say.lang).split(" ", 1)
            say.fail("cli.notice", text=t("time.ambiguous", say.lang, date=day, time=clock))
        evidence = replace(evidence, posted_at=parsed.value, posted_at_source="typed")
    if args.category:
        evidence = replace(evidence, categories=list(dict.fromkeys(args.category)))
    _put(case, evidence)
    if args.screenshot:
        from tui.core.attachments import AttachError

        try:
            evidence = _attach_all(casefile, evidence, args.screenshot, say)
        except AttachError as error:
            say.raw_fail(str(error))
            say.fail("cli.add.not_added")
            return PROBLEMS
    if evidence.posted_at is None:
        # No time in the URL and none typed: a screenshot's own time is the next best clue.
        for attachment in evidence.attachments:
            if attachment.taken_at is not None:
                evidence = replace(
                    evidence,
                    posted_at=attachment.taken_at,
                    posted_at_source=attachment.taken_at_source or "file-metadata",
                )
                _put(case, evidence)
                break
    if not _save(casefile, "evidence-added", evidence.id, say):
        return PROBLEMS
    say.say("cli.add.done", entry=evidence.id)
    _describe(evidence, case, say)
    return OK


def cmd_import(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri import CASE FILE_OR_FOLDER``: a list of URLs, or a folder of screenshots."""
    source: Path = args.source
    if not source.exists():
        say.fail("cli.import.missing", path=str(source))
        return PROBLEMS
    with _case_for_command(args.case, forced, say) as casefile:
        if casefile is None:
            return UNREADABLE
        if source.is_dir():
            return _import_folder(source, casefile, say)
        return _import_urls(source, casefile, say)


def _import_urls(source: Path, casefile: CaseFile, say: Output) -> int:
    from tui.core.case import Evidence
    from tui.core.platforms import UrlError, parse_url
    from tui.core.text import normalise

    try:
        raw = source.read_bytes()
    except OSError as error:
        say.fail("cli.import.unreadable", path=str(source), reason=_os_reason(error))
        return PROBLEMS
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        say.fail("cli.import.not_text", path=str(source))
        return PROBLEMS
    if "\x00" in text:
        say.fail("cli.import.not_text", path=str(source))
        return PROBLEMS
    case = casefile.case
    known = _known_urls(case)
    added: list[Evidence] = []
    duplicates = failures = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            info = parse_url(line, lang=say.lang)
        except UrlError as error:
            failures += 1
            say.fail("cli.import.bad_line", line=number, text=line, reason=str(error))
            continue
        key = normalise(info.url)
        if key in known:
            duplicates += 1
            say.say("cli.import.duplicate_url", line=number, url=info.url, entry=known[key])
            continue
        evidence = Evidence(
            id=case.next_evidence_id(),
            url=info.url,
            url_original=info.url_original if info.url_original != info.url else "",
            platform=info.platform,
            post_id=info.post_id,
            account_handle=info.handle,
            account_id=info.account_id,
            posted_at=info.posted_at,
            posted_at_source=info.posted_at_source if info.posted_at else "",  # type: ignore[arg-type]
        )
        case.evidence.append(evidence)
        case.log("evidence-added", evidence.id)
        known[key] = evidence.id
        added.append(evidence)
        say.say(
            "cli.import.added_url",
            entry=evidence.id,
            url=evidence.url,
            when=_when(evidence.posted_at, evidence.posted_at_source, case, say),
        )
        if info.warning:
            say.fail("cli.notice", text=info.warning)
    return _finish_import(casefile, source, added, duplicates, failures, say)


def _import_folder(source: Path, casefile: CaseFile, say: Output) -> int:
    from tui.core.attachments import AttachError, image_files, sha256_file, taken_time
    from tui.core.case import Evidence

    try:
        images = image_files(source)
    except AttachError as error:
        say.raw_fail(str(error))
        return PROBLEMS
    if not images:
        say.fail("cli.import.no_images", path=str(source))
        return PROBLEMS
    case = casefile.case
    known = _known_hashes(case)
    added: list[Evidence] = []
    duplicates = failures = 0
    for image in images:
        try:
            digest = sha256_file(image)
        except OSError as error:
            failures += 1
            say.fail("cli.import.unreadable", path=str(image), reason=_os_reason(error))
            continue
        if digest in known:
            duplicates += 1
            say.say("cli.import.duplicate_image", name=image.name, entry=known[digest])
            continue
        # The time the image was taken (metadata, else its name) is the only time there
        # is; known before copying, it also goes into the copy's file name.
        taken, source_label = taken_time(image, case.timezone, image.name)
        evidence = Evidence(
            id=case.next_evidence_id(),
            posted_at=taken,
            posted_at_source=source_label if taken else "",
            observed_at=taken,
        )
        _put(case, evidence)
        try:
            evidence = _attach_all(casefile, evidence, [image], say)
        except AttachError as error:
            case.evidence[:] = [entry for entry in case.evidence if entry.id != evidence.id]
            failures += 1
            say.raw_fail(str(error))
            continue
        case.log("evidence-added", evidence.id)
        known[digest] = evidence.id
        added.append(evidence)
        say.say(
            "cli.import.added_image",
            entry=evidence.id,
            name=image.name,
            when=_when(evidence.posted_at, evidence.posted_at_source, case, say),
        )
    return _finish_import(casefile, source, added, duplicates, failures, say)


def _finish_import(
    casefile: CaseFile,
    source: Path,
    added: Sequence[Evidence],
    duplicates: int,
    failures: int,
    say: Output,
) -> int:
    """Save once for the whole import and sum it up."""
    if added and not _save(casefile, "import", f"{len(added)} {source.name}", say):
        return PROBLEMS
    say.say("cli.import.summary", added=len(added), duplicates=duplicates, failures=failures)
    return PROBLEMS if failures else OK


def cmd_check(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri check CASE``: the file reads cleanly and every attachment matches its hash."""
    with _case_for_command(args.case, forced, say) as casefile:
        if casefile is None:
            return UNREADABLE
        return _check(args, casefile, say)


def _check(args: argparse.Namespace, casefile: CaseFile, say: Output) -> int:
    """Check an open case: its file, then every attachment's hash; journal the result."""
    from tui.core.attachments import verify

    if casefile.read_only and _main_file_problems(casefile.path, say):
        # The store fell back to a backup: the file itself is what check must judge.
        return UNREADABLE
    case = casefile.case
    files = sum(len(entry.attachments) for entry in case.evidence)
    say.say(
        "cli.check.summary",
        path=str(args.case),
        title=case.title,
        entries=len(case.evidence),
        files=files,
    )
    problems = verify(casefile)
    for problem in problems:
        say.fail("cli.check.problem", text=_problem_text(problem))
    if problems:
        say.fail("cli.check.bad", count=len(problems))
        detail = f"{len(problems)} problem(s)"
    else:
        say.say("cli.check.good", files=files)
        detail = "ok"
    if casefile.held_elsewhere:
        # Journalling now would make the running Abri's next save a conflict.
        say.say("cli.check.not_journalled")
    elif not casefile.read_only:
        _save(casefile, "check", detail, say)
    return PROBLEMS if problems else OK


def _main_file_problems(path: Path, say: Output) -> bool:
    """Print the problems of the case file itself, if it does not load on its own.

    :meth:`CaseFile.open` falls back to the newest readable backup (read-only) when
    the file is broken; ``check`` must still say that the file is broken.
    """
    from tui.core.store import CaseError, decode, symlink_problems

    try:
        decoded = decode(path.read_bytes().decode("utf-8"), f"{path.stem}-files")
        problems = symlink_problems(decoded.case, path)
    except CaseError as error:
        problems = list(error.problems)
    except (OSError, UnicodeError) as error:
        say.fail("cli.case.os_error", path=str(path), reason=_os_reason(error))
        return True
    if not problems:
        return False
    say.fail("cli.case.unreadable", path=str(path), count=len(problems))
    for problem in problems:
        say.fail("cli.case.problem", location=problem.location, message=problem.message)
    say.fail("cli.case.untouched")
    return True


def _problem_text(problem: AttachmentProblem) -> str:
    """One line for an attachment problem: the entry, then the store's sentence."""
    return f"{problem.evidence_id} — {problem.message}"


def cmd_export(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri export CASE --format ...``: write the documents and print their SHA-256."""
    from tui.export import parse_formats

    try:
        formats = parse_formats(str(args.format))
    except ValueError as error:
        say.fail("cli.export.bad_format", formats=str(error), known=",".join(EXPORT_FORMATS))
        return UNREADABLE
    if not formats:
        say.fail("cli.export.bad_format", formats="-", known=",".join(EXPORT_FORMATS))
        return UNREADABLE
    with _case_for_command(args.case, forced, say) as casefile:
        if casefile is None:
            return UNREADABLE
        return _export(args, casefile, formats, say)


def _export(args: argparse.Namespace, casefile: CaseFile, formats: list[str], say: Output) -> int:
    from tui.core.store import SaveError
    from tui.core.timeparse import TimeParseError
    from tui.export import ExportCancelled, ExportError, PartialExport, export_case
    from tui.export.common import scope_from_text

    # A read-only case can still be exported; only its journal cannot be written.
    journal = (lambda action, detail: None) if casefile.read_only else None
    try:
        scope = scope_from_text(
            casefile.case, start=args.__dict__["from"], end=args.to,
            accounts=args.account, entries=args.entries, lang=say.lang,
        )  # fmt: skip
    except TimeParseError as error:
        say.raw_fail(error.message(say.lang))
        return UNREADABLE
    except ValueError as error:
        say.fail("export.cli.unknown_entry", entry=str(error))
        return UNREADABLE
    try:
        written = export_case(
            casefile,
            formats,
            args.output,
            scope=scope,
            lang=say.lang,
            chromium=str(args.chromium) if args.chromium else None,
            journal=journal,
        )
    except PartialExport as error:
        # Some formats were written (e.g. Word) while one failed (e.g. no Chromium for
        # the PDF): say what exists, then why the rest is missing.
        for item in error.written:
            say.say("cli.export.written", path=str(item.path), sha256=item.sha256)
        say.raw_fail(str(error))
        return PROBLEMS
    except (ExportError, ExportCancelled, SaveError) as error:
        say.raw_fail(str(error))
        return PROBLEMS
    except OSError as error:
        say.fail("cli.export.failed", reason=_os_reason(error))
        return PROBLEMS
    for item in written:
        say.say("cli.export.written", path=str(item.path), sha256=item.sha256)
    return OK


def cmd_open(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri [CASE]``: the full-screen app."""
    try:
        from tui.app import run_app
    except ModuleNotFoundError as error:
        if error.name not in ("tui.app", "textual"):
            raise
        say.fail("cli.open.unavailable")
        return PROBLEMS
    return int(run_app(args.case, forced, args.theme) or 0)


def _cmd_set(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    from tui.cli_set import cmd_set

    return cmd_set(args, forced, say)


_HANDLERS: dict[str, Callable[[argparse.Namespace, str | None, Output], int]] = {
    "new": cmd_new,
    "add": cmd_add,
    "import": cmd_import,
    "check": cmd_check,
    "export": cmd_export,
    "set": _cmd_set,
    _OPEN: cmd_open,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``abri`` command; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    if args_list == ["--version"]:
        # The one command that must answer instantly: no parser, no catalogue.
        print(f"abri {__version__}")
        return OK
    forced = _forced_language(args_list)
    lang = pick_language(forced)
    set_language(lang)
    args = _plain_open(args_list)
    if args is None:
        parser = build_parser(lang)
        try:
            args = parser.parse_args(_route(args_list))
        except SystemExit as done:
            code = done.code
            return code if isinstance(code, int) else (OK if code is None else UNREADABLE)
    case_path = getattr(args, "case", None)
    if forced is None and isinstance(case_path, Path) and args.command != "new":
        # Speak the case's language from the first message, even before it is opened.
        lang = pick_language(_peek_language(case_path))
        set_language(lang)
    say = Output(lang)
    handler = _HANDLERS[args.command]
    try:
        return handler(args, forced, say)
    except KeyboardInterrupt:
        say.fail("cli.interrupted")
        return 130
    except BrokenPipeError:
        # ``abri check c.toml | head -1``: the reader left; nothing more to say.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return PROBLEMS
