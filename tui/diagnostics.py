"""Diagnostics: the log file, redaction, and the report a helper can send.

What this module promises:

* **Never case content.**  The log holds what Abri did (command, action names,
  exit codes, timings) and what went wrong (exception types, where in the code,
  the system's own error text).  An exception's message can quote a URL, a handle
  or a pasted threat, so it is replaced by its length; tracebacks carry file,
  line, function and source line, never local variables.  Paths under the home
  folder are written ``~/...``, and case files are never named.
* **Where.**  ``abri.log`` in platformdirs' *state* folder (``ABRI_STATE_DIR``
  wins; tests use it), rotated at 512 KB with two older files kept, readable by
  the user only.  ``abri --debug`` prints where it is and logs every action.
* **Never in the way.**  A folder that cannot be written means no log file,
  not an error: the app works the same.
* **A report.**  :func:`write_report` writes a small text file a helper can send:
  versions, terminal, settings without paths, the last lines of the log.

Importing this module costs only :mod:`logging`; the rest is imported when used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
import traceback
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

APP_NAME = "abri"
LOGGER_NAME = "abri"
LOG_FILE = "abri.log"
MAX_BYTES = 512 * 1024
"""Size at which the log is rotated."""
BACKUPS = 2
"""Older log files kept (``abri.log.1``, ``abri.log.2``)."""
REPORT_LOG_LINES = 200
"""Lines of the log copied into a report."""

log = logging.getLogger(LOGGER_NAME)
"""The one logger Abri writes to (messages are Abri's own words, never case text)."""

_handler: logging.Handler | None = None


def state_dir() -> Path:
    """The folder of the log and of the reports (``ABRI_STATE_DIR`` wins)."""
    override = os.environ.get("ABRI_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    """Where the log file is (or would be)."""
    return state_dir() / LOG_FILE


# --------------------------------------------------------------------------- redaction


def redact_path(text: str) -> str:
    """``text`` with the home folder written ``~`` (a user name often is a real name)."""
    home = str(Path.home())
    if home and home != "/":
        text = text.replace(home, "~")
    return text


def redacted_message(error: BaseException) -> str:
    """What may be said of an exception's message without quoting case text.

    The system's own words for an OSError (``[Errno 28] No space left on device``)
    are kept, without the file name; any other message is replaced by its length.
    """
    if isinstance(error, OSError) and error.errno is not None:
        return f"[Errno {error.errno}] {error.strerror or ''}".rstrip()
    message = str(error)
    return f"<message redacted: {len(message)} characters>" if message else ""


def _exception_lines(error: BaseException, seen: set[int]) -> Iterator[str]:
    seen.add(id(error))
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None and id(cause) not in seen:
        yield from _exception_lines(cause, seen)
        yield (
            "The above exception was the direct cause of the following exception:"
            if error.__cause__ is not None
            else "During handling of the above exception, another exception occurred:"
        )
    yield "Traceback (most recent call last):"
    # FrameSummary keeps file, line, function and source line; locals are never captured.
    for frame in traceback.format_list(traceback.extract_tb(error.__traceback__)):
        yield redact_path(frame.rstrip("\n"))
    kind = type(error)
    name = kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}"
    )  # fmt: skip
    message = redacted_message(error)
    yield f"{name}: {message}" if message else name


def format_exception(error: BaseException) -> str:
    """A traceback of ``error`` (and what caused it) with no case text and no locals."""
    return "\n".join(_exception_lines(error, set()))


class _Formatter(logging.Formatter):
    """Log lines in UTC; tracebacks through :func:`format_exception`."""

    converter = staticmethod(time.gmtime)

    def formatException(self, ei: Any) -> str:
        error = ei[1]
        return format_exception(error) if error is not None else ""

    def formatStack(self, stack_info: str) -> str:
        return redact_path(stack_info)


# --------------------------------------------------------------------------- the log


def setup(debug: bool = False) -> Path | None:
    """Start logging to the log file; returns its path, or None if it cannot be written.

    Called once per run by the command line; calling again (tests do) replaces the
    previous file handler.  ``debug`` logs every action, not only the start, the
    end and the errors.
    """
    global _handler
    from logging.handlers import RotatingFileHandler

    log.setLevel(logging.DEBUG if debug else logging.INFO)
    log.propagate = False
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, delay=True)
        # Open it now: a read-only folder is found here, not at the first message.
        handler.stream = handler._open()
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    except OSError:
        log.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(_Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    log.addHandler(handler)
    _handler = handler
    return path


def log_start(command: str) -> None:
    """One line when a run starts: version, Python, platform, command name."""
    import platform

    from tui import __version__

    log.info(
        "start abri %s, command %s, Python %s, %s",
        __version__,
        command,
        platform.python_version(),
        # Not platform.platform(): it reads the Python binary to find the C library's
        # version, 20-40 ms of every start (uname alone says what a report needs).
        f"{platform.system()}-{platform.release()}-{platform.machine()}",
    )


def log_action(action: str) -> None:
    """An action the person triggered (debug only): its name, without parameters."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("action %s", action.split("(", 1)[0][:60])


def log_error(what: str, error: BaseException) -> None:
    """An unexpected error: ``what`` (Abri's own words) and the redacted traceback."""
    log.error("%s", what, exc_info=(type(error), error, error.__traceback__))


# --------------------------------------------------------------------------- crash report


def fatal_error(app: Any) -> None:
    """Textual's crash report without the local variables of every frame.

    Textual 8.2.8 builds its report with ``show_locals=True`` and has no switch for
    it (``App._fatal_error``); the locals hold the case's text.  This is the same
    report (``AbriApp._fatal_error`` calls it) with ``show_locals=False``, and the
    redacted traceback goes to the log.  The exception's message is still shown:
    it is on the person's own screen, not in a file.
    """
    import rich
    from rich.console import Group
    from rich.segment import Segments
    from rich.text import Text
    from rich.traceback import Traceback

    error = sys.exc_info()[1]
    if error is not None:
        log_error("the full-screen app stopped on an unexpected error", error)
    app.bell()
    parts: list[Any] = [Traceback(show_locals=False, width=None, suppress=[rich])]
    if _handler is not None:
        parts.append(
            Text(
                f"Abri stopped on an unexpected error. A copy without the case's text is in "
                f"{redact_path(str(log_path()))}"
            )
        )
    app._exit_renderables.append(Segments(app.console.render(Group(*parts), app.console.options)))
    app._close_messages_no_wait()


# --------------------------------------------------------------------------- report


def report_text(facts: Mapping[str, str] | None = None) -> str:
    """The diagnostic report: versions, terminal, the given facts, the log's last lines.

    ``facts`` are added as ``name: value`` lines (the app passes its theme,
    language, keymap problems...; never case text).
    """
    import platform

    from tui import __version__

    lines = [
        "Abri diagnostic report (no case content: versions, settings, recent log lines)",
        f"written: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC",
        f"abri: {__version__}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform(terse=True)}",
        f"textual: {_version_of('textual')}",
        f"playwright: {_version_of('playwright')}",
        f"TERM: {os.environ.get('TERM', '')}  COLORTERM: {os.environ.get('COLORTERM', '')}",
        f"NO_COLOR: {'set' if os.environ.get('NO_COLOR') else 'not set'}",
        f"over SSH: {'yes' if os.environ.get('SSH_CONNECTION') else 'no'}",
        f"LANG: {os.environ.get('LANG', '')}",
        f"log file: {redact_path(str(log_path()))}",
    ]
    for name, value in (facts or {}).items():
        lines.append(f"{name}: {redact_path(value)}")
    lines.append("")
    lines.append(f"--- last {REPORT_LOG_LINES} lines of the log ---")
    lines.extend(_log_tail(REPORT_LOG_LINES))
    return "\n".join(lines) + "\n"


def write_report(facts: Mapping[str, str] | None = None) -> Path:
    """Write the report into the state folder; returns its path (raises OSError)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"abri-report-{stamp}.txt"
    temp = folder / f".{path.name}.{os.getpid()}.tmp"
    temp.write_text(report_text(facts), encoding="utf-8")
    os.replace(temp, path)
    log.info("diagnostic report written")
    return path


def _version_of(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _log_tail(count: int) -> list[str]:
    if _handler is not None:
        _handler.flush()
    try:
        with open(log_path(), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return ["(no log file)"]
    return lines[-count:]


def report_from_app(app: Any) -> str:
    """Write the report with what the app knows (no case text); the sentence to show."""
    from tui import __version__

    session = getattr(app, "session", None)
    facts = {
        "language": str(getattr(app, "lang", "")),
        "theme": str(getattr(app, "theme", "")),
        "screen": type(app.screen).__name__ if getattr(app, "is_running", False) else "",
        "terminal size": f"{app.size.width}x{app.size.height}",
        "case open": "yes" if session is not None else "no",
        "entries": str(len(app.case.evidence)) if session is not None else "",
        "read-only": "yes" if getattr(app, "read_only", None) else "no",
        "save state": str(getattr(app, "save_state", "")),
    }
    settings = getattr(app, "settings", None)
    if settings is not None:
        from tui.keymap import bindings
        from tui.settings import check_keymap

        applied, problems = check_keymap(settings.keymap, bindings())
        facts["keymap"] = ", ".join(f"{k}={v}" for k, v in applied.items()) or "-"
        facts["keymap entries ignored"] = str(len(problems))
    tr = app.tr
    try:
        path = write_report(facts)
    except OSError as error:
        return str(tr("diag.report.failed", version=__version__, reason=redacted_message(error)))
    return str(tr("diag.report.written", version=__version__, path=str(path)))
