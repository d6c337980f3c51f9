"""Opening a case: the start screen (create one, asking only for a title) and the
"cannot be opened" screen.

``begin(app, path)`` decides what the person sees first:

* a path that exists: open it; if it cannot be read, :class:`CaseProblemScreen`
  lists every problem literally and the file is never touched;
* a path that does not exist: :class:`StartScreen` offers to create it there;
* no path: reopen the last case from the user settings, else :class:`StartScreen`
  creates a new case in the default folder, its file name derived from the title
  (ASCII, legal on FAT, never overwriting an existing file).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.core.case import Case
from tui.core.text import one_line, visible
from tui.settings import default_cases_dir
from tui.shell import shell
from tui.widgets.status import KeysFooter

if TYPE_CHECKING:
    pass

_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
MAX_STEM = 40
"""Characters of the title kept in a file name (paths on Windows stay short)."""


def file_stem(title: str) -> str:
    """An ASCII, FAT-safe file stem from a case title (``"Élise M."`` -> ``"elise-m"``)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_STEM].strip("-")
    if not stem or stem in _RESERVED:
        stem = f"case-{stem}" if stem else "case"
    return stem


def new_case_path(folder: Path, title: str) -> Path:
    """A path in ``folder`` for a new case named after ``title`` that does not exist yet.

    Neither the file nor its evidence folder (``<stem>-files``) may exist: a new case
    never adopts someone else's files.
    """
    stem = file_stem(title)
    candidate = stem
    number = 1
    while (folder / f"{candidate}.toml").exists() or (folder / f"{candidate}-files").exists():
        number += 1
        candidate = f"{stem}-{number}"
    return folder / f"{candidate}.toml"


def begin(app: App[Any], path: Path | None) -> None:
    """Open ``path`` (or the last case), or show the screen that explains what to do."""
    note = ""
    if path is None:
        last = shell(app).settings.last_case
        if last and Path(last).is_file():
            path = Path(last)
        elif last:
            note = shell(app).tr("app.start.last-missing", path=one_line(last, 200))
    if path is None:
        app.push_screen(StartScreen(None, note=note))
        return
    if not path.exists():
        app.push_screen(StartScreen(path))
        return
    open_case(app, path)


OPEN_IN_BACKGROUND_BYTES = 512 * 1024
"""Case files larger than this (about 500 entries) are read in a worker thread, with a
calm "opening" line on screen: a 50,000-entry case takes seconds to read, and a blank
terminal meanwhile looks like a crash.  Smaller ones open at once (no extra frame)."""


def open_case(app: App[Any], path: Path) -> bool:
    """Open an existing case; on failure show why (and leave the file as it is).

    Returns False when the case could not be opened, or is still being read in the
    background (large files: :class:`OpeningScreen` finishes the job).
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > OPEN_IN_BACKGROUND_BYTES:
        app.push_screen(OpeningScreen(path, size))
        return False
    result = _read_case(path)
    return _opened(app, path, result)


def _read_case(path: Path) -> Any:
    """The open case session, or the error that explains why it cannot be opened."""
    from tui.core.session import CaseError, CaseSession

    try:
        return CaseSession.open(path, save_now=False)
    except (CaseError, OSError) as error:
        return error


def _opened(app: App[Any], path: Path, result: Any) -> bool:
    if isinstance(result, Exception):
        app.push_screen(CaseProblemScreen(path, result))
        return False
    shell(app).case_opened(result)
    return True


class OpeningScreen(Screen[None]):
    """Shown while a large case file is read in a worker thread (ctrl+q still quits)."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self.path = path
        self.file_size = size

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        megabytes = f"{self.file_size / 1024**2:.1f}"
        with VerticalScroll(id="start"):
            yield Static(Content(app.tr("app.start.title")), id="start-title")
            yield Static(Content(app.tr("app.start.opening", size=megabytes)), classes="start-text")
            yield Static(Content(visible(str(self.path))), classes="start-path")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.run_worker(self._read, thread=True, exit_on_error=False)

    def _read(self) -> None:
        result = _read_case(self.path)
        try:
            self.app.call_from_thread(self._done, result)
        except RuntimeError:
            # The app quit while the file was being read: release it at once.
            if not isinstance(result, Exception):
                result.close()

    def _done(self, result: Any) -> None:
        app = self.app
        # Quitting started while the file was read (Textual sets _exit in App.exit).
        if app._exit or not self.is_attached:
            if not isinstance(result, Exception):
                result.close()
            return
        self.dismiss(None)
        _opened(app, self.path, result)


class StartScreen(Screen[None]):
    """Creates a case, asking only for a title (at a given path, or in the default folder)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "create", "app.key.create", id="start-create", show=True),
    ]
    RECOMPOSE_ON_LANGUAGE = True
    """Redrawn in a new language; the typed title is kept in ``typed``."""

    def __init__(self, path: Path | None, note: str = "") -> None:
        super().__init__()
        self.target = path
        """The exact path to create, or None for a new file in the default folder."""
        self.note = note
        self.typed = ""
        """What was typed so far (kept when the screen is redrawn in another language)."""

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        with VerticalScroll(id="start"):
            yield Static(Content(app.tr("app.start.title")), id="start-title")
            yield Static(Content(app.tr("app.start.intro")), classes="start-text")
            if self.note:
                yield Static(Content(self.note), classes="start-text")
            if self.target is not None:
                where = app.tr("app.start.missing")
                place = str(self.target)
            else:
                where = app.tr("app.start.new-here")
                place = str(default_cases_dir())
            yield Static(Content(where), classes="start-text")
            yield Static(Content(visible(place)), classes="start-path")
            yield Static(Content(app.tr("app.start.ask-title")), classes="start-text")
            yield Input(
                placeholder=app.tr("app.start.title-placeholder"),
                id="start-title-input",
                max_length=200,
                value=self.typed,
            )
            yield Static("", id="start-error", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.typed = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> None:
        """Create the case and open it; an error is shown, nothing is overwritten."""
        from tui.core.session import CaseSession

        app = shell(self.app)
        title = self.query_one(Input).value.strip() or app.tr("app.start.default-title")
        error_line = self.query_one("#start-error", Static)
        if self.target is not None:
            path = self.target
            if path.exists():
                error_line.update(Content(app.tr("app.start.exists")))
                return
        else:
            folder = default_cases_dir()
            path = new_case_path(folder, title)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            session = CaseSession.create(path, Case(title=title, language=app.lang), save_now=False)
        except FileExistsError:
            error_line.update(Content(app.tr("app.start.exists")))
            return
        except Exception as error:  # SaveError, OSError: say it, stay here
            message = one_line(str(error) or type(error).__name__, 300)
            error_line.update(Content(app.tr("app.start.cannot-create", error=message)))
            return
        self.app.pop_screen()
        app.case_opened(session)


class CaseProblemScreen(Screen[None]):
    """Why a case file cannot be opened: every problem, shown literally. The file is untouched."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "app.key.new-case", id="problem-new-case"),
    ]
    RECOMPOSE_ON_LANGUAGE = True

    def __init__(self, path: Path, error: Exception) -> None:
        super().__init__()
        self.path = path
        self.error = error

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        problems: list[Any] = list(getattr(self.error, "problems", []))
        with VerticalScroll(id="problem"):
            yield Static(Content(app.tr("app.problem.title")), id="problem-title")
            yield Static(Content(app.tr("app.problem.intro")), classes="start-text")
            yield Static(
                Content(app.tr("app.problem.file", path=visible(str(self.path)))),
                classes="start-path",
            )
            with Vertical(id="problem-list"):
                if problems:
                    for problem in problems[:200]:
                        location = one_line(str(getattr(problem, "location", "")), 80)
                        message = one_line(str(getattr(problem, "message", problem)), 400)
                        line = f"• {location}: {message}" if location else f"• {message}"
                        yield Static(Content(line), classes="problem")
                else:
                    yield Static(Content("• " + one_line(str(self.error), 400)), classes="problem")
            yield Static(Content(app.tr("app.problem.what-to-do")), classes="start-text")
        yield KeysFooter()

    def action_new_case(self) -> None:
        """Leave the unreadable file alone and create a new case in the default folder."""
        self.app.switch_screen(StartScreen(None))
