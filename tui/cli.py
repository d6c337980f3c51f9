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
import gc
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
    from tui.core.session import CaseSession, ChangeReport
    from tui.core.store import CaseFile

OK = 0
"""Exit code: done, nothing to report."""
PROBLEMS = 1
"""Exit code: the command ran but found or met problems (they were printed)."""
UNREADABLE = 2
"""Exit code: the case cannot be read, or the command line is wrong."""

COMMANDS = ("new", "add", "import", "check", "export", "set", "capture", "recheck")
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
    # Read by main() before parsing (anywhere on the line); listed here for --help
    # and the completion script.
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help=t("diag.help.debug", lang),
    )  # fmt: skip
    parser.add_argument(
        "--completion", choices=("bash", "zsh"), metavar="SHELL", default=argparse.SUPPRESS,
        help=t("diag.help.completion", lang),
    )  # fmt: skip
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

    from tui.cli_capture import add_parsers  # capture, recheck (tui/capture)

    add_parsers(command, lang)

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
def _case_for_command(path: Path, forced: str | None, say: Output) -> Iterator[CaseSession | None]:
    """The open case for a command (None if it cannot be read: the reasons are printed).

    Output switches to the case's language and its notices (backup loaded, open in
    another Abri) are printed first; the case is always released at the end.  Every
    change goes through the session, which saves before it returns.
    """
    from tui.core.session import CaseSession

    casefile = _open_case(path, say)
    if casefile is None:
        yield None
        return
    session = CaseSession(casefile, save_now=True)
    try:
        say.lang = _case_language(forced, casefile)
        session.lang = say.lang
        _print_notices(session, say)
        yield session
    finally:
        session.close()


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


def _print_notices(session: CaseSession, say: Output) -> None:
    """What the store wants the person to know (backup loaded, open elsewhere...)."""
    for notice in session.notices:
        say.fail("cli.notice", text=str(notice))
    if session.read_only:
        say.fail("cli.read_only", reason=str(session.read_only))


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


def _change(say: Output, operation: Callable[[], ChangeReport]) -> ChangeReport | None:
    """Run one session operation; on a failed save print the store's sentence, return None.

    The session has already put the case back as it was and removed any copied file.
    """
    from tui.core.store import SaveError

    try:
        return operation()
    except SaveError as error:
        say.raw_fail(str(error))
    except OSError as error:
        say.fail("cli.save.os_error", reason=_os_reason(error))
    return None


def _print_skipped(report: ChangeReport, say: Output) -> None:
    """Each duplicate (on stdout: nothing is wrong) and each refusal (on stderr)."""
    for item in report.duplicates:
        say.say("cli.skipped", item=item.item, reason=item.reason)
    for item in report.refused:
        say.fail("cli.skipped", item=item.item, reason=item.reason)
    for note in report.notes:
        say.fail("cli.notice", text=note)


# --------------------------------------------------------------------------- commands


def cmd_new(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri new CASE``: create a case file; never overwrites an existing file."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from tui.core.case import Case
    from tui.core.session import CaseSession
    from tui.core.store import SaveError

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
    try:
        session = CaseSession.create(path, case)
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
        say.say("cli.new.folder", folder=str(session.evidence_dir))
        say.say("cli.new.next", path=str(path))
    finally:
        session.close()
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
    with _case_for_command(args.case, forced, say) as session:
        if session is None:
            return UNREADABLE
        return _add(args, session, say)


def _add(args: argparse.Namespace, session: CaseSession, say: Output) -> int:
    from tui.core.case import Evidence
    from tui.core.platforms import UrlError, check_account_id
    from tui.core.rules import entry_from_url
    from tui.core.timeparse import TimeParseError, format_datetime, parse_time_detail

    case = session.case
    draft = Evidence(id="", content=args.content or "")
    if args.url:
        try:
            draft, info = entry_from_url(args.url, say.lang)
        except UrlError as error:
            say.fail("cli.add.bad_url", url=args.url, reason=str(error))
            return PROBLEMS
        draft = replace(draft, content=args.content or "")
        if info.warning:
            say.fail("cli.notice", text=info.warning)
    if args.handle:
        draft = replace(draft, account_handle=args.handle.strip().lstrip("@"))
    if args.account_id:
        account_id = args.account_id.strip()
        problem = check_account_id(draft.platform, account_id, say.lang)
        if problem:
            say.fail("cli.add.bad_account_id", account_id=account_id, reason=problem)
            return PROBLEMS
        draft = replace(draft, account_id=account_id)
    if args.date:
        try:
            parsed = parse_time_detail(args.date, case.timezone, lang=say.lang)
        except TimeParseError as error:
            say.fail("cli.add.bad_date", date=args.date, reason=str(error))
            return PROBLEMS
        if parsed.ambiguous:
            day, clock = format_datetime(parsed.value, case.timezone, say.lang).split(" ", 1)
            say.fail("cli.notice", text=t("time.ambiguous", say.lang, date=day, time=clock))
        draft = replace(draft, posted_at=parsed.value, posted_at_source="typed")
    if args.category:
        draft = replace(draft, categories=tuple(dict.fromkeys(args.category)))
    if session.read_only:
        say.fail("cli.add.not_added")
        return PROBLEMS
    stage = session.stage_files(args.screenshot)
    if stage.refused:
        session.discard(stage)
        for item in stage.refused:
            say.raw_fail(item.reason)
        say.fail("cli.add.not_added")
        return PROBLEMS
    report = _change(say, lambda: session.add_entry(draft, stage.files))
    if report is None:
        say.fail("cli.add.not_added")
        return PROBLEMS
    if report.duplicates:
        item = report.duplicates[0]
        say.fail("cli.add.duplicate", entry=item.existing, url=draft.url)
        return PROBLEMS
    if report.refused:
        say.fail("cli.add.refused", reason=report.refused[0].reason)
        return PROBLEMS
    for note in report.notes:
        say.say("cli.notice", text=note)
    entry = session.case.find(report.added[0])
    assert entry is not None
    say.say("cli.add.done", entry=entry.id)
    _describe(entry, session.case, say)
    return OK


def cmd_import(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri import CASE FILE_OR_FOLDER``: a list of URLs, or a folder of screenshots."""
    source: Path = args.source
    if not source.exists():
        say.fail("cli.import.missing", path=str(source))
        return PROBLEMS
    with _case_for_command(args.case, forced, say) as session:
        if session is None:
            return UNREADABLE
        if source.is_dir():
            return _import_folder(source, session, say)
        return _import_urls(source, session, say)


def _import_urls(source: Path, session: CaseSession, say: Output) -> int:
    from tui.core.attachments import URL_LIST_MAX_BYTES, read_regular

    try:  # never a FIFO (would block) or a link to /dev/zero (would never end)
        raw = read_regular(source, max_bytes=URL_LIST_MAX_BYTES)
    except OSError as error:
        reason = _os_reason(error).rstrip(".")
        say.fail("cli.import.unreadable", path=str(source), reason=reason)
        return PROBLEMS
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        say.fail("cli.import.not_text", path=str(source))
        return PROBLEMS
    if "\x00" in text:
        say.fail("cli.import.not_text", path=str(source))
        return PROBLEMS
    report = _change(say, lambda: session.import_urls(text))
    if report is None:
        return PROBLEMS
    case = session.case
    for entry_id in report.added:
        entry = case.find(entry_id)
        assert entry is not None
        say.say(
            "cli.import.added_url",
            entry=entry.id,
            url=entry.url,
            when=_when(entry.posted_at, entry.posted_at_source, case, say),
        )
    return _finish_import(report, say)


def _import_folder(source: Path, session: CaseSession, say: Output) -> int:
    report = _change(say, lambda: session.import_folder(source))
    if report is None:
        return PROBLEMS
    if not report.added and not report.duplicates and len(report.refused) == 1:
        say.raw_fail(report.refused[0].reason)  # no images, or the folder cannot be read
        return PROBLEMS
    case = session.case
    for entry_id in report.added:
        entry = case.find(entry_id)
        assert entry is not None
        shot = entry.attachments[0]
        say.say(
            "cli.import.added_image",
            entry=entry.id,
            name=shot.original_name,
            when=_when(shot.taken_at, shot.taken_at_source, case, say),
        )
    return _finish_import(report, say)


def _finish_import(report: ChangeReport, say: Output) -> int:
    """List what was skipped and why, then sum the import up."""
    _print_skipped(report, say)
    say.say(
        "cli.import.summary",
        added=len(report.added),
        duplicates=len(report.duplicates),
        failures=len(report.refused),
    )
    return PROBLEMS if report.refused else OK


def cmd_check(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri check CASE``: the file reads cleanly and every attachment matches its hash."""
    with _case_for_command(args.case, forced, say) as session:
        if session is None:
            return UNREADABLE
        return _check(args, session, say)


def _check(args: argparse.Namespace, session: CaseSession, say: Output) -> int:
    """Check an open case: its file, then every attachment's hash; journal the result.

    Files in the evidence folder that no entry references are listed apart: they
    are not evidence of this case (nothing in the dossier cites them).
    """
    from tui.core.attachments import verify
    from tui.core.session import unreferenced_files

    casefile = session.casefile
    if casefile.read_only and _main_file_problems(casefile.path, say):
        # The store fell back to a backup: the file itself is what check must judge.
        return UNREADABLE
    case = casefile.case
    # Files on disk, not attachment records: a picture kept once is shared by every
    # record of it (the same capture bytes for two entries, a page and its embed).
    files = len({a.path for entry in case.evidence for a in entry.attachments})
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
    extra = unreferenced_files(session)
    if problems:
        say.fail("cli.check.bad", count=len(problems))
    elif extra:
        # Not "all is well": the attached files are, but something else is in the folder.
        say.say("cli.check.files_good", files=files)
    else:
        say.say("cli.check.good", files=files)
    if extra:
        say.fail("cli.check.unreferenced", count=len(extra))
        for name in extra:
            say.fail("cli.check.unreferenced_file", path=name)
    if casefile.held_elsewhere:
        # Journalling now would make the running Abri's next save a conflict.
        say.say("cli.check.not_journalled")
    elif not casefile.read_only:
        _change(say, lambda: session.record_check(len(problems) + len(extra)))
    return PROBLEMS if problems or extra else OK


def _main_file_problems(path: Path, say: Output) -> bool:
    """Print the problems of the case file itself, if it does not load on its own.

    :meth:`CaseFile.open` falls back to the newest readable backup (read-only) when
    the file is broken; ``check`` must still say that the file is broken.
    """
    from tui.core.store import CaseError, decode, read_case_bytes, symlink_problems

    try:
        decoded = decode(read_case_bytes(path).decode("utf-8"), f"{path.stem}-files")
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
    with _case_for_command(args.case, forced, say) as session:
        if session is None:
            return UNREADABLE
        return _export(args, session, formats, say)


def _export(args: argparse.Namespace, session: CaseSession, formats: list[str], say: Output) -> int:
    from tui.core.store import SaveError
    from tui.core.timeparse import TimeParseError
    from tui.export import ExportCancelled, ExportError, PartialExport, export_case
    from tui.export.common import scope_from_text

    held_elsewhere = bool(getattr(session.casefile, "held_elsewhere", False))

    def journal(action: str, detail: str) -> None:
        # A read-only case can still be exported; only its journal cannot be written.
        # Nor while another Abri has it open: that Abri's next save would be refused
        # as a conflict (its new entry then only in a copy), for a line of journal.
        if not session.read_only and not held_elsewhere:
            session.record(action, detail)

    try:
        scope = scope_from_text(
            session.case, start=args.__dict__["from"], end=args.to,
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
            session.casefile,
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
    if held_elsewhere:
        say.say("cli.export.not_journalled")
    return OK


def cmd_open(args: argparse.Namespace, forced: str | None, say: Output) -> int:
    """``abri [CASE]``: the full-screen app."""
    case: Path | None = args.case
    if case is not None and not case.exists() and not case.parent.is_dir():
        # Exactly like ``abri new``: a missing folder is a stick not plugged in or a typo;
        # creating it would put the evidence on this computer's disk.
        say.fail("cli.new.no_folder", folder=str(case.parent))
        return PROBLEMS
    if not (_is_terminal(sys.stdout) and _is_terminal(sys.stdin)):
        from tui import diagnostics

        diagnostics.log.info("refused: the full-screen app needs a terminal")
        say.fail("diag.not_a_terminal")
        return PROBLEMS
    # Importing Textual and the app makes ~100,000 objects that live as long as the
    # process, and no garbage: the collector would scan them dozens of times over
    # (~20 ms of the start-up).  ``run_app`` freezes them once the app is built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from tui.app import run_app
    except ModuleNotFoundError as error:
        if error.name not in ("tui.app", "textual"):
            raise
        say.fail("cli.open.unavailable")
        return PROBLEMS
    finally:
        if collecting:
            gc.enable()
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
    "capture": lambda args, forced, say: _capture_cli().cmd_capture(args, forced, say),
    "recheck": lambda args, forced, say: _capture_cli().cmd_recheck(args, forced, say),
    "set": _cmd_set,
    _OPEN: cmd_open,
}


def _is_terminal(stream: IO[str] | None) -> bool:
    """True for a terminal (a closed stream, or none at all under pythonw, is not one)."""
    try:
        return stream is not None and stream.isatty()
    except ValueError:
        return False


def _debug_line(lang: str, log_file: Path | None) -> str:
    """``--debug``: where the log is (or that there is none)."""
    if log_file is None:
        from tui.diagnostics import log_path

        return t("diag.no_log", lang, path=str(log_path()))
    return t("diag.log_file", lang, path=str(log_file))


def _print_completion(argv: list[str], lang: str) -> int:
    """``abri --completion bash|zsh``: the completion script, from the parser itself."""
    from tui.completion import SHELLS, script

    shell = argv[0].split("=", 1)[1] if "=" in argv[0] else (argv[1:2] or [""])[0]
    if shell not in SHELLS or len(argv) > (1 if "=" in argv[0] else 2):
        Output(lang).fail("diag.completion_usage", shells=", ".join(SHELLS))
        return UNREADABLE
    sys.stdout.write(script(shell, build_parser(lang)))
    return OK


def _capture_cli() -> Any:
    """:mod:`tui.cli_capture`, imported only when one of its commands runs."""
    import tui.cli_capture

    return tui.cli_capture


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``abri`` command; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    if args_list == ["--version"]:
        # The one command that must answer instantly: no parser, no catalogue.
        print(f"abri {__version__}")
        return OK
    debug = "--debug" in args_list[: args_list.index("--") if "--" in args_list else None]
    # (``abri --debug`` is read here, anywhere before ``--``, so it works with every command.)
    if debug:
        args_list.remove("--debug")
    forced = _forced_language(args_list)
    lang = pick_language(forced)
    set_language(lang)
    before_dashes = args_list[: args_list.index("--") if "--" in args_list else None]
    asked = [
        index for index, arg in enumerate(before_dashes) if arg.split("=")[0] == "--completion"
    ]
    if asked:
        return _print_completion(args_list[asked[0] :], lang)
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
    from tui import diagnostics

    log_file = diagnostics.setup(debug)
    diagnostics.log_start(args.command)
    if debug:
        # Before the full-screen app takes the terminal, and shown again after it.
        say.raw_fail(_debug_line(lang, log_file))
    handler = _HANDLERS[args.command]
    try:
        code = handler(args, forced, say)
        diagnostics.log.info("exit %s", code)
        if debug and args.command == _OPEN:
            say.raw_fail(_debug_line(lang, log_file))
        return code
    except KeyboardInterrupt:
        diagnostics.log.info("interrupted")
        say.fail("cli.interrupted")
        return 130
    except Exception as error:
        diagnostics.log_error(f"command {args.command} stopped on an unexpected error", error)
        raise
    except BrokenPipeError:
        # ``abri check c.toml | head -1``: the reader left; nothing more to say.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return PROBLEMS
