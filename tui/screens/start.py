"""Opening a case: the start screen (create one, asking only for a title) and the
"cannot be opened" screen.

``begin(app, path)`` decides what the person sees first:

* a path that exists: open it; if it cannot be read, :class:`CaseProblemScreen`
  lists every problem literally and the file is never touched;
* a path that does not exist: :class:`StartScreen` offers to create it there (in a
  folder that exists: Abri never creates the folder of a case somebody typed);
* no path: reopen the last case from the user settings; if it is not there (the
  USB stick is not plugged in), :class:`MissingCaseScreen` says where it was
  expected and offers retry, open another case, new case - never a new case on
  this computer behind the person's back; with no last case, :class:`StartScreen`
  asks where the new case lives (removable media first) and its title, the file
  name derived from the title (ASCII, legal on FAT, never overwriting a file).

A small case (given, or the last one) is read before the app's first frame
(:func:`read_first_case`, called by the app's constructor) so that the first frame is
already its calm steps; ``begin`` then only shows what was read.

The palette offers the same from anywhere (:func:`open_another`, :func:`new_case`,
:func:`save_copy_elsewhere`); the open case is saved and closed first.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.case import Case
from tui.core.text import one_line, visible
from tui.screens.files import FilePicker, places
from tui.shell import shell
from tui.widgets.status import KeysFooter

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
    if path is None:
        last = shell(app).settings.last_case
        if last and Path(last).is_file():
            path = Path(last)
        elif last:
            # Most often the USB stick is not plugged in: never a new case on this disk.
            app.push_screen(MissingCaseScreen(Path(last)))
            return
    if path is None:
        app.push_screen(StartScreen(None))
        return
    if not path.exists():
        app.push_screen(StartScreen(path))
        return
    open_case(app, path)


def _leave_then(app: App[Any], then: Callable[[], object]) -> None:
    """Close the open case (if any, everything saved first), then call ``then``."""

    async def run() -> None:
        if shell(app).session is not None and not await shell(app).leave_case():
            return
        then()

    app.run_worker(run(), group="switch-case", exclusive=True)


def open_another(app: App[Any]) -> None:
    """Palette and "o": pick a case file (removable media first) and open it."""

    def chosen(path: Path | None) -> None:
        if path is not None:
            _leave_then(app, lambda: _open_fresh(app, path))

    app.push_screen(FilePicker("open"), chosen)


def _open_fresh(app: App[Any], path: Path) -> None:
    _clear_stack(app)
    open_case(app, path)


def new_case(app: App[Any]) -> None:
    """Palette and "n": create a new case, asking where (removable media first)."""
    app.push_screen(StartScreen(None, can_go_back=True))


def _clear_stack(app: App[Any]) -> None:
    """Pop every screen above the bottom one of the current stack (start screens)."""
    while len(app.screen_stack) > 1:
        app.pop_screen()


def save_copy_elsewhere(app: App[Any]) -> None:
    """Palette: copy the case file and its evidence folder into a folder chosen here."""

    def chosen(folder: Path | None) -> None:
        session = shell(app).session
        if folder is None or session is None:
            return
        shell(app).flush_saves()
        try:
            copy = session.save_copy_to(folder)
        except Exception as error:  # SaveError, OSError: one sentence, nothing half-done
            app.notify(one_line(str(error), 300), markup=False, timeout=10, severity="warning")
            return
        message = shell(app).tr("app.copy.done", path=visible(str(copy)))
        app.notify(message, markup=False, timeout=10)

    app.push_screen(FilePicker("folder"), chosen)


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
    return opened(app, path, result)


def read_first_case(path: Path | None, last_case: str) -> tuple[Path, Any] | None:
    """The case the app opens first, read before its first frame: ``(path, session or
    the error that explains why it cannot be opened)``.

    ``path`` is the case given on the command line, else the last case opened (when
    that file is there).  None when :func:`begin` has a screen to show instead: no case
    at all, a file that does not exist (yet), or one large enough to be read in the
    background with a calm line on screen.
    """
    if path is None and last_case and Path(last_case).is_file():
        path = Path(last_case)
    if path is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size > OPEN_IN_BACKGROUND_BYTES:
        return None
    return path, _read_case(path)


def _read_case(path: Path) -> Any:
    """The open case session, or the error that explains why it cannot be opened."""
    from tui.core.session import CaseError, CaseSession

    try:
        return CaseSession.open(path, save_now=False)
    except (CaseError, OSError) as error:
        return error


def opened(app: App[Any], path: Path, result: Any) -> bool:
    """Show the case just read (``result``: its session), or why it cannot be opened."""
    if isinstance(result, Exception):
        app.push_screen(CaseProblemScreen(path, result))
        return False
    shell(app).case_opened(result)
    return True


class OpeningScreen(Screen[None]):
    """Shown while a large case file is read in a worker thread (ctrl+q still quits).

    Keys typed meanwhile are kept and replayed, in order, once the case is open: the
    helper who presses f3 during "Opening..." lands in the evidence table.  (Before,
    they reached this screen while no case was open, the area keys were disabled,
    and each key was dropped.)  ctrl+q is a priority binding of the app: it never
    gets here and quits at once.
    """

    MAX_QUEUED = 200
    """Keys kept while the case opens (a cat on the keyboard does not fill memory)."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self.path = path
        self.file_size = size
        self.queued: list[tuple[str, str | None]] = []
        """(key, character) typed while the case was being read."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if len(self.queued) < self.MAX_QUEUED:
            self.queued.append((event.key, event.character))

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
        if app._exit or getattr(app, "leaving", False) or not self.is_attached:
            if not isinstance(result, Exception):
                result.close()
            return
        # Not dismiss(): that pops the top screen, which may be help (f1 meanwhile).
        _clear_stack(app)
        if opened(app, self.path, result):
            _replay(app, self.queued)


def _replay(app: App[Any], keys: list[tuple[str, str | None]]) -> None:
    """Post the keys typed while the case opened, in order, as if typed now.

    They go through the app's own key handling (priority bindings first, then the
    focused widget) after the messages already queued, so after the switch to the
    first area.
    """
    for key, character in keys:
        app.post_message(events.Key(key, character))


OTHER_FOLDER = "\x00other"


class StartScreen(Screen[None]):
    """Creates a case: at a given path, or asking where (removable media first) and a title.

    Nothing is created until the person chose a place: ``enter`` on a place picks it
    (the title field gets the focus), ``enter`` in the title field creates.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "create", "app.key.create", id="start-create", show=True),
        Binding("escape", "back", "app.key.back", id="start-back"),
    ]
    RECOMPOSE_ON_LANGUAGE = True
    """Redrawn in a new language; the typed title is kept in ``typed``, the place
    chosen in ``folder``, and the field that had the keys gets them back."""
    LANGUAGE_OF_OPEN_CASE = False
    """A language switch made here is for the case being created (it is created in
    the language shown), not a change of the case that is open behind this screen."""

    def __init__(self, path: Path | None, note: str = "", *, can_go_back: bool = False) -> None:
        super().__init__()
        self.target = path
        """The exact path to create, or None: a new file in the folder chosen here."""
        self.note = note
        self.can_go_back = can_go_back
        """Pushed over another screen (the palette): escape goes back to it."""
        self.folder: Path | None = None
        """The folder the person chose (None: not chosen yet)."""
        self.typed = ""
        """What was typed so far (kept when the screen is redrawn in another language)."""

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        # Not a stop for tab: from the title field, tab went to this container, where
        # the title then typed went nowhere and enter created "Mon dossier" (a trial).
        # The screen still scrolls to whichever field has the keys.
        with VerticalScroll(id="start", can_focus=False):
            yield Static(Content(app.tr("app.start.title")), id="start-title")
            yield Static(Content(app.tr("app.start.intro")), classes="start-text")
            if self.note:
                yield Static(Content(self.note), classes="start-text")
            if self.target is not None:
                yield Static(Content(app.tr("app.start.missing")), classes="start-text")
                yield Static(Content(visible(str(self.target))), classes="start-path")
            else:
                yield Static(Content(app.tr("app.start.ask-where")), classes="start-text")
                options = [
                    Option(
                        Content(app.tr(f"app.picker.place-{kind}", path=visible(str(path)))),
                        id=str(path),
                    )
                    for kind, path in places()
                    if kind in ("media", "cases")  # the others: "another folder…"
                ]
                options.append(Option(Content(app.tr("app.start.other-folder")), id=OTHER_FOLDER))
                yield OptionList(*options, id="start-places")
                yield Static(Content(self._chosen_text()), id="start-chosen", classes="start-path")
            yield Static(Content(app.tr("app.start.ask-title")), classes="start-text")
            yield Input(
                placeholder=app.tr("app.start.title-placeholder"),
                id="start-title-input",
                max_length=200,
                value=self.typed,
                # Coming back to the title (after choosing the place) goes on typing
                # it; selecting it all let the next letter replace it.
                select_on_focus=False,
            )
            yield Static("", id="start-error", markup=False)
        yield KeysFooter()

    def _chosen_text(self) -> str:
        app = shell(self.app)
        if self.folder is None:
            return app.tr("app.start.not-chosen")
        return app.tr("app.start.chosen", path=visible(str(self.folder)))

    def on_mount(self) -> None:
        if self.target is None and self.folder is None:
            self.query_one(OptionList).focus()
        else:
            self.query_one(Input).focus()

    def _focus_field(self, id: str | None) -> None:
        """Give the keys to the widget ``id``, or to the step the person is at."""
        widget: Widget | None = None
        if id:
            with contextlib.suppress(NoMatches):
                widget = self.query_one(f"#{id}")
        if widget is None:
            if self.target is None and self.folder is None:
                widget = self.query_one(OptionList)
            else:
                widget = self.query_one(Input)
        # The screen's own focus, not the app's: the palette that switched the
        # language may still be on top while this screen is redrawn.
        self.set_focus(widget)

    async def recompose(self) -> None:
        """Redraw (a language switch) and keep working: the widgets that had the keys
        were replaced, so the new ones get them (before, the folder list and the title
        field stopped answering until escape), and the title cursor stays at its end."""
        focused = self.focused.id if self.focused is not None else None
        highlighted = self.query(OptionList).first().highlighted if self.target is None else None
        await super().recompose()
        if highlighted is not None:
            self.query_one(OptionList).highlighted = highlighted
        self._focus_field(focused)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == OTHER_FOLDER:
            self.app.push_screen(FilePicker("folder"), self._picked)
        elif event.option.id:
            self._picked(Path(event.option.id))

    def _picked(self, folder: Path | None) -> None:
        if folder is None:
            return
        self.folder = folder
        self.query_one("#start-chosen", Static).update(Content(self._chosen_text()))
        self.query_one("#start-error", Static).update("")
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.typed = event.value

    def on_key(self, event: events.Key) -> None:
        """Letters typed on the list of places go to the title (the list has no use for
        them: they were dropped, and the title looked typed but was not)."""
        if event.is_printable and event.character and isinstance(self.focused, OptionList):
            field = self.query_one(Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_create()

    def action_back(self) -> None:
        """Back to the screen this one was opened from (the palette's "new case")."""
        if self.can_go_back:
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back
        return True

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
            if not path.parent.is_dir():
                # Like ``abri new``: a folder that is not there is a stick not plugged in
                # or a typing mistake; creating it would put the case on this disk.
                error_line.update(
                    Content(app.tr("cli.new.no_folder", folder=visible(str(path.parent))))
                )
                return
        elif self.folder is None:
            error_line.update(Content(app.tr("app.start.choose-first")))
            self.query_one(OptionList).focus()
            return
        else:
            path = new_case_path(self.folder, title)
        try:
            if self.target is None:
                path.parent.mkdir(parents=True, exist_ok=True)  # the folder the person chose
            session = CaseSession.create(path, Case(title=title, language=app.lang), save_now=False)
        except FileExistsError:
            error_line.update(Content(app.tr("app.start.exists")))
            return
        except Exception as error:  # SaveError, OSError: say it, stay here
            message = one_line(str(error) or type(error).__name__, 300)
            error_line.update(Content(app.tr("app.start.cannot-create", error=message)))
            return

        def opened() -> None:
            _clear_stack(self.app)
            app.case_opened(session)

        if app.session is not None:
            _leave_then(self.app, opened)
        else:
            opened()


class MissingCaseScreen(Screen[None]):
    """The last case is not where it was (a USB stick not plugged in): say where it was
    expected; offer retry, open another case, new case.  ``enter`` does nothing here:
    a reflex key never creates a case on this computer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "app.key.retry", id="missing-retry"),
        Binding("o", "open_other", "app.key.open-other", id="missing-open"),
        Binding("n", "new_case", "app.key.new-case", id="missing-new"),
    ]
    RECOMPOSE_ON_LANGUAGE = True

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.tries = 0

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        with VerticalScroll(id="start"):
            yield Static(Content(app.tr("app.missing.title")), id="start-title")
            yield Static(Content(app.tr("app.missing.expected")), classes="start-text")
            yield Static(Content(visible(one_line(str(self.path), 400))), classes="start-path")
            yield Static(Content(app.tr("app.missing.what-to-do")), classes="start-text")
            yield Static("", id="start-error", markup=False)
        yield KeysFooter()

    def action_retry(self) -> None:
        """Look again (the stick may be plugged in now)."""
        if self.path.is_file():
            self.app.pop_screen()
            open_case(self.app, self.path)
            return
        self.tries += 1
        self.query_one("#start-error", Static).update(
            Content(shell(self.app).tr("app.missing.still", count=self.tries))
        )

    def action_open_other(self) -> None:
        """A file picker starting at removable media."""
        open_another(self.app)

    def action_new_case(self) -> None:
        """A new case, asking where."""
        new_case(self.app)


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
        """Leave the unreadable file alone and create a new case, asking where."""
        self.app.switch_screen(StartScreen(None))
