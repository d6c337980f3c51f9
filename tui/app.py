"""The Textual app: three areas as modes, global keys, saving, language and themes.

``AbriApp`` holds the open case as a :class:`~tui.core.session.CaseSession`
(``app.session``).  Screens change the case only by calling the session's typed
operations (``app.session.add_entry(...)``, ``set_step(...)``...); the session
validates, journals and tells the app, which schedules a coalesced atomic save
off the event loop and publishes ``case_updated``.  Screens never write files.

Areas are Textual modes: ``calm`` (f2), ``evidence`` (f3), ``export`` (f4).  Their
screens are imported lazily, so start-up only pays for the first one.

Language: ``app.lang``; switching recomposes every area screen (bottom of a mode's
stack; one that keeps state and refreshes itself sets ``RECOMPOSE_ON_LANGUAGE =
False``), and screens pushed on top only if they set ``RECOMPOSE_ON_LANGUAGE =
True`` (a form must not lose what was typed); then ``language_changed`` is
published.  Binding descriptions are message keys (``"calm.key.skip"``): the
footer (``KeysFooter``), the help screen and the palette translate them; bindings
with a plain description (Textual's own) stay out of help and palette.  A screen
can add key-less palette actions with ``palette_commands()``.

``ctrl+c``: copies the selection in text inputs (Textual's own binding there);
anywhere else it does nothing but show a calm hint that ``ctrl+q`` quits - never an
abrupt quit that loses typed text.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import signal
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.stylesheet import Stylesheet
from textual.markup import escape as escape_markup
from textual.screen import Screen
from textual.signal import Signal

from tui.core.case import Case, Language
from tui.core.i18n import pick_language, set_language, system_country, t
from tui.core.text import one_line, visible
from tui.keygate import KeyGate, gated
from tui.settings import Settings, check_keymap
from tui.themes import DEFAULT_THEME, LoadedThemes, load_themes
from tui.widgets.status import translate

if TYPE_CHECKING:
    from tui.core.session import CaseSession, ChangeReport

STYLES = Path(__file__).parent / "styles"
AREAS: dict[str, tuple[str, str]] = {
    "calm": ("tui.screens.calm", "CalmScreen"),
    "evidence": ("tui.screens.evidence", "EvidenceScreen"),
    "export": ("tui.screens.export", "ExportScreen"),
}
"""Mode name -> (module, class) of its screen, imported when first shown."""

AREA_KEYS = {"calm": "f2", "evidence": "f3", "export": "f4"}


def _area_factory(mode: str) -> Callable[[], Screen[Any]]:
    module_name, class_name = AREAS[mode]

    def make() -> Screen[Any]:
        screen_class = getattr(importlib.import_module(module_name), class_name)
        screen: Screen[Any] = screen_class()
        return screen

    return make


def _commands_provider() -> type[Any]:
    """The palette's commands (imported when the palette first opens)."""
    from tui.widgets.palette import AbriCommands

    return AbriCommands


def _css_paths() -> list[str | PurePath]:
    """The stylesheets needed for the first screen: app.tcss and the calm steps'.

    The evidence and export areas bring their own (``CSS_PATH`` on their screens),
    parsed the first time they are shown: parsing every stylesheet at start-up
    delayed the first screen for areas the person may never open.
    """
    return [STYLES / "app.tcss", STYLES / "calm.tcss"]


class _Stylesheet(Stylesheet):
    """Textual's stylesheet, re-parsed only when the theme's colours actually changed.

    Textual refreshes the CSS when the theme is set and twice when a mode is first
    shown; each refresh re-parsed every rule of every widget and emptied the parse
    cache, so the next new widget class parsed them all once more: all the CSS was
    parsed several times over before the first screen.  The rules depend only on
    their text and the theme variables: with the same variables the rules already
    parsed are kept and only new stylesheets are parsed; a new theme still re-parses
    everything.
    """

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:
            super().set_variables(variables)

    def reparse(self) -> None:
        # Same result as Textual's (``parse`` keeps the rules if a stylesheet is broken),
        # with the parse cache kept when the variables did not change.
        self.parse()


def _clock() -> datetime:
    """Now, as an aware time (a fixture replaces it in snapshot tests)."""
    return datetime.now().astimezone()


def case_time(moment: datetime, zone: str) -> datetime:
    """``moment`` in the case's time zone (one clock for every time shown); the
    machine's zone if the case's is unknown here."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return moment.astimezone()


class _CheckStopped(Exception):
    """The file check was stopped (the app is quitting or another case is open)."""


class AbriApp(App[int]):
    """Abri's full-screen app: calm steps, evidence table, export, help always on f1."""

    TITLE = "Abri"
    CSS_PATH = _css_paths()
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        **{mode: _area_factory(mode) for mode in AREAS},
        # An empty screen to stand on while one case is closed and another opened.
        "start": Screen,
    }
    COMMANDS: ClassVar[set[Any]] = {_commands_provider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # The quick exit (see ``action_quick_exit`` for why ctrl+q).
        Binding("ctrl+q", "quick_exit", "app.key.quit", id="app-quit", priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "app.key.palette",
            id="app-palette",
            priority=True,
            show=False,
        ),
        Binding("f1", "help", "app.key.help", id="app-help", priority=True),
        Binding("f2", "area('calm')", "app.key.calm", id="app-calm", priority=True),
        Binding("f3", "area('evidence')", "app.key.evidence", id="app-evidence", priority=True),
        Binding("f4", "area('export')", "app.key.export", id="app-export", priority=True),
        Binding("ctrl+c", "ctrl_c_hint", show=False, id="app-ctrl-c", system=True),
        # Plain keys for the F-keys some terminals take (GNOME Terminal keeps f1, macOS
        # laptops need fn): not priority, so a text field still types "?" and digits.
        Binding("question_mark", "help", "app.key.help", id="app-help-plain", show=False),
        Binding("2", "area('calm')", "app.key.calm", id="app-calm-plain", show=False),
        Binding("3", "area('evidence')", "app.key.evidence", id="app-evidence-plain", show=False),
        Binding("4", "area('export')", "app.key.export", id="app-export-plain", show=False),
    ]

    def __init__(
        self,
        case_path: Path | None = None,
        lang: str | None = None,
        theme: str | None = None,
    ) -> None:
        from tui.screens.start import read_first_case

        settings = Settings.load()
        # Before a case is open (the start screens, "the stick is not plugged in", a
        # broken file and its problems, read just below) the language of the last
        # case: over SSH the locale is often C.
        language = pick_language(lang, settings.language)
        set_language(language)
        first = read_first_case(case_path, settings.last_case)
        if first is not None and not isinstance(first[1], Exception):
            # The case is open before the first frame: start in its calm steps rather
            # than on Textual's blank screen and then switch (the switch re-styled
            # every widget twice more: a third of the time to the first usable
            # screen).  DEFAULT_MODE is Textual's name for the mode an app starts in,
            # read once by App.__init__.
            self.DEFAULT_MODE = "calm"  # type: ignore[misc]
        super().__init__()
        self.case_path = case_path
        self.session: CaseSession | None = None
        """The open case, or None before a case is open: the only way to change it."""
        self.settings = settings
        self._first = first
        """A small case read before the app started: (path, session or why not), or None
        (no case given or remembered, a missing one, a large one: ``begin`` decides)."""
        self.keymap_problems: list[str]
        """Entries of the settings' ``[keymap]`` that were not applied (help lists them)."""
        keymap, self.keymap_problems = check_keymap(self.settings.keymap)
        self.set_keymap(keymap)
        self._lang_option = lang
        self.lang: Language = language
        self.help_country: str = system_country()
        """Whose help contacts to show (from the locale; ``p`` in help changes it)."""
        self.case_updated: Signal[str] = Signal(self, "case-updated")
        """Published (with the action name) after each change to the case, and with
        ``files-checked`` once the evidence files were verified (nothing changed)."""
        self.language_changed: Signal[str] = Signal(self, "language-changed")
        """Published (with the new language) after the language was switched."""
        self.status_changed: Signal[str] = Signal(self, "status-changed")
        """Published when the save state changes (the status line listens)."""
        self.save_state: str = "idle"
        """``idle`` | ``saving`` | ``saved`` | ``error``."""
        self.saved_at: datetime | None = None
        self.save_error: str = ""
        self._save_lock = threading.Lock()
        self._pending: tuple[Case, int] | None = None
        self._unsaved = False
        self._save_scheduled = False
        self._copied_version = -1
        self.conflict_copy = ""
        """Where this session's version was kept when the file changed on disk meanwhile."""
        self._case_released = False
        """True once the case was saved and released on the way out: no more saves.
        (Not ``_closed``: that is Textual's flag for a message pump that has stopped.)"""
        self.notices: list[str] = []
        self._keys = KeyGate(self)
        """Keys typed in a burst land where they were typed (see tui/keygate.py)."""
        self.files_checking: tuple[int, int] | None = None
        """(entries done, total) while the evidence files are being verified."""
        self.files_problems = 0
        """Entries whose file is missing or altered (the last check)."""
        self._settings_pending = False
        """The last case changed and is not written to the settings yet."""
        self.themes: LoadedThemes = load_themes()
        self._register_themes(theme)
        self.stylesheet = _Stylesheet(variables=self.get_css_variables())
        # Calm: no animation, no blinking cursor (also honoured by Textual's own widgets).
        self.animation_level = "none"
        if first is not None and not isinstance(first[1], Exception):
            self._take_session(first[1])

    # --- the case ---------------------------------------------------------------

    @property
    def case(self) -> Case:
        """The open case (raises if none is open yet: screens exist only once it is)."""
        return self.open_session.case

    @property
    def open_session(self) -> CaseSession:
        """The session of the open case (raises if none is open yet)."""
        if self.session is None:
            raise RuntimeError("no case is open")
        return self.session

    @property
    def read_only(self) -> str | None:
        """Why the open case cannot be changed (None: it can, or none is open)."""
        return self.session.read_only if self.session is not None else None

    def tr(self, key: str, /, **params: Any) -> str:
        """The message ``key`` in the app's current language (plain text, never markup)."""
        return t(key, self.lang, **params)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes are handed over one at a time (see :mod:`tui.keygate`)."""
        if not gated(event):
            await super().on_event(event)
            return
        if not self._keys.admit(event):
            return
        try:
            await super().on_event(event)
        finally:
            self._keys.handled(event)

    handle_hangup = False
    """Set by :func:`run_app`: leave calmly on SIGHUP and SIGTERM (not in tests, whose
    process must keep its own handlers)."""

    def on_load(self) -> None:
        if not self.handle_hangup:
            return
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            # Not on Windows (no SIGHUP, no loop signal handlers): the default stays.
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, self._hang_up)

    def _hang_up(self) -> None:
        """The terminal went away (an SSH link dropped: SIGHUP) or the system asks the
        app to stop (SIGTERM, a shutdown): keep what is typed, save, release the case.

        Python's default for both signals ends the process on the spot: the last
        keystrokes of a form (its draft is written 0.7 s after the last key) and a
        change not saved yet were lost, and the "open" marker stayed behind.
        """
        self.leaving = True
        self._close_case()
        self.exit(0)

    def on_mount(self) -> None:
        from tui.screens.start import begin, opened

        self._show_notices(self.notices)
        if self._first is not None:
            path, result = self._first
            self._first = None
            if isinstance(result, Exception):
                opened(self, path, result)  # the screen that says why it cannot be opened
            else:
                self._announce_opened(result)
            return
        begin(self, self.case_path)

    def _show_notices(self, notices: list[str]) -> None:
        """Calm, lasting notifications (a backup loaded, a bad theme file...), never markup."""
        for notice in notices:
            self.notify(one_line(notice, 300), timeout=15, markup=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """No blinking cursor anywhere (calm, and snapshot tests stay stable)."""
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def case_opened(self, session: CaseSession) -> None:
        """Called once a case file is open: remember it, apply its language, show calm steps."""
        self._take_session(session)
        self._announce_opened(session)

    def _take_session(self, session: CaseSession) -> None:
        """Make ``session`` the open case and its language the app's (nothing shown yet)."""
        self.session = session
        session.lang = None
        session.subscribe(self._case_changed)
        self.case_path = Path(session.path)
        self.lang = pick_language(self._lang_option, session.case.language)
        set_language(self.lang)

    def _announce_opened(self, session: CaseSession) -> None:
        """Remember the case, show its calm steps and notices, start checking its files."""
        self._remember(last_case=str(Path(session.path).resolve()), language=self.lang)
        # The case's objects live as long as the app: keep the garbage collector from
        # scanning them again on every collection. At 10,000 entries this halves the
        # time to an interactive table and shortens the pauses while a save runs.
        gc.freeze()
        fresh = [str(notice) for notice in session.notices]
        if session.case.drafts:
            fresh.append(self.tr("app.drafts-kept", count=len(session.case.drafts)))
        reason = session.read_only
        if reason:
            fresh.insert(0, self.tr("app.read-only", reason=str(reason)))
        self.notices.extend(fresh)
        self.switch_mode("calm")
        self._show_notices(fresh)
        self.status_changed.publish("opened")
        self._check_files(session)

    # --- files that went missing or changed ---------------------------------------

    FILES_PROGRESS_FROM = 500
    """Entries from which the status line counts the check ("checking files 1200/10000")."""

    FILES_CHECK_DELAY = 0.5
    """Seconds after opening before the files are checked: the first screen (and the
    table, for a helper who presses f3 at once) is drawn before the check competes
    with it for the interpreter."""

    def _check_files(self, session: CaseSession) -> None:
        """Verify the attachments in a worker thread: the table stays usable meanwhile."""
        self.files_checking = (0, len(session.case.evidence))
        self.files_problems = 0
        self.set_timer(self.FILES_CHECK_DELAY, partial(self._start_check_files, session))

    def _start_check_files(self, session: CaseSession) -> None:
        if session is not self.session:
            return
        self.run_worker(
            partial(self._check_files_thread, session),
            thread=True,
            group="check-files",
            exclusive=True,
            exit_on_error=False,
        )

    FILES_CHECK_SHARE = (0.005, 0.015)
    """The check works this long (seconds), then sleeps that long: one interpreter
    runs both it and the screen, and a check holding it half the time doubled every
    freeze of the table while it ran (15 s at 50,000 entries)."""

    def _check_files_thread(self, session: CaseSession) -> None:
        import time

        from textual.worker import get_current_worker

        worker = get_current_worker()
        last = [0.0]
        work, rest = self.FILES_CHECK_SHARE
        awake = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled or session is not self.session:
                # Quitting (or another case opened): stop between two files.  Hashing
                # 50,000 files went on for seconds after ctrl+q emptied the screen.
                raise _CheckStopped
            moment = time.monotonic()
            if moment - awake[0] > work:
                time.sleep(rest)
                awake[0] = moment = time.monotonic()
            if total >= self.FILES_PROGRESS_FROM and moment - last[0] > 0.25:
                last[0] = moment
                with contextlib.suppress(RuntimeError):
                    self.call_from_thread(self._files_progress, session, done, total)

        try:
            # What the first add needs, built here rather than frozen for on that add.
            session.prepare()
            # A quick pass first (stat only): a missing file shows its ⚠ within
            # seconds; reading and hashing every file (gigabytes on a USB stick) after.
            found = session.check_files(progress, hash_files=False)
            if found:
                with contextlib.suppress(RuntimeError):
                    self.call_from_thread(self._files_checked, session, len(found), True)
            found = session.check_files(progress)
        except _CheckStopped:
            return  # nothing to report: the check did not finish
        except Exception:  # never crash for a check; the next open tries again
            found = {}
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._files_checked, session, len(found))

    def _files_progress(self, session: CaseSession, done: int, total: int) -> None:
        if session is self.session:
            self.files_checking = (done, total)
            self.status_changed.publish("files")

    def _files_checked(self, session: CaseSession, problems: int, quick: bool = False) -> None:
        """The check found ``problems`` (``quick``: the stat pass; hashing goes on)."""
        if session is not self.session:
            return
        if not quick:
            self.files_checking = None
            # The check's results (one per entry with a problem: 50,000 when a case was
            # copied without its folder) live as long as the case: like the case itself
            # (see case_opened), keep the collector from rescanning them on every pass.
            gc.freeze()
        self.files_problems = problems
        self.status_changed.publish("files")
        self.case_updated.publish("files-checked")

    def files_state_text(self) -> str:
        """The status line's word on the evidence files: checking, or how many have a problem."""
        checking = self.files_checking
        if checking is not None and checking[1] >= self.FILES_PROGRESS_FROM:
            return self.tr("app.status.files-checking", done=checking[0], total=checking[1])
        problems = self.files_problems
        if problems:
            return self.tr("app.status.files-problems", count=problems)
        return ""

    # --- changing case -------------------------------------------------------------

    async def leave_case(self) -> bool:
        """Save and close the open case, ready to open another; False if it could not
        be saved (then nothing is closed and the person is told)."""
        if self.session is None:
            return True
        self.flush_saves()
        if self._pending is not None:
            self._set_save_state("error")
            self.notify(
                self.tr("app.switch-unsaved", error=one_line(self.save_error, 300)),
                markup=False,
                timeout=10,
                severity="warning",
            )
            return False
        self._close_case()
        self.session = None
        self._case_released = False
        self.saved_at = None
        self.save_state = "idle"
        self.files_checking = None
        self.files_problems = 0
        await self.switch_mode("start")
        # Fresh area screens for the next case (the old ones showed the old case).
        for mode in AREAS:
            with contextlib.suppress(Exception):
                await self.remove_mode(mode)
            self.add_mode(mode, _area_factory(mode))
        return True

    def _remember(self, **values: str) -> None:
        """Keep settings for next time (``last_case``: reopen this case; ``language``: the
        screens before a case is open speak it), written after the first paint.

        Nothing is written when nothing changed; if the app quits before the screen
        was drawn, ``_close_case`` writes it.
        """
        if all(getattr(self.settings, key) == value for key, value in values.items()):
            return
        for key, value in values.items():
            setattr(self.settings, key, value)
        if not self._settings_pending:
            self._settings_pending = True
            self.call_after_refresh(self._write_settings)

    def _write_settings(self) -> None:
        if self._settings_pending:
            self._settings_pending = False
            self.settings.update()

    def _case_changed(self, report: ChangeReport) -> None:
        """The session changed the case: schedule a coalesced save, tell every screen.

        Never raises: a failed save shows in the status line and is retried on the
        next change (or with "save again" in the palette).
        """
        if self._case_released:
            return
        self._unsaved = True
        self._schedule_save()
        self.case_updated.publish(report.action)

    def _schedule_save(self) -> None:
        if self._save_scheduled:
            return
        self._save_scheduled = True
        # Several changes in the same burst of events become one snapshot and one save.
        # After the next refresh: the table shows the change first, then the save's
        # thread starts competing with the screen for the interpreter.
        self.call_after_refresh(self._start_save)

    def _start_save(self) -> None:
        self._save_scheduled = False
        if self.session is None or self._case_released or self.session.read_only:
            return
        self._pending = self.session.snapshot()
        self._unsaved = False
        self._set_save_state("saving")
        self.run_worker(
            self._save_pending, thread=True, exclusive=True, group="save", exit_on_error=False
        )

    def _save_pending(self) -> None:
        """Worker thread: save the newest snapshot (the lock keeps saves in order)."""
        with self._save_lock:
            snapshot, self._pending = self._pending, None
            if snapshot is None:
                return
            error = self._save_snapshot(snapshot)
        # RuntimeError: the app is closing; nobody is left to show the result to.
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._save_finished, error)

    def _save_snapshot(self, snapshot: tuple[Case, int]) -> str:
        """Save one snapshot; returns "" or the readable reason it failed."""
        from tui.core.session import ConflictError

        try:
            self.open_session.save_snapshot(*snapshot)
        except Exception as error:  # SaveError, ConflictError, OSError: never crash
            self._unsaved = True
            if self._pending is None:
                self._pending = snapshot
            reason = str(error) or type(error).__name__
            if (
                isinstance(error, ConflictError)
                and self.conflict_copy
                and snapshot[1] <= self._copied_version
            ):
                # Tried again ("save again"): the copy made for this version still holds it.
                name = self.open_session.path.name
                copy_text = self._beside_case(Path(self.conflict_copy))
                return self.tr("app.conflict-kept", name=name, path=copy_text)
            if isinstance(error, ConflictError) and snapshot[1] > self._copied_version:
                # Another program changed the file: this version is kept apart, not lost.
                try:
                    copy = self.open_session.keep_copy(snapshot[0])
                except Exception:  # the copy failed too: the error says what to do
                    return reason
                self._copied_version = snapshot[1]
                self.conflict_copy = str(copy)
                name = self.open_session.path.name
                return self.tr("app.conflict-kept", name=name, path=self._beside_case(copy))
            return reason
        return ""

    def _save_finished(self, error: str) -> None:
        if error:
            self.save_error = error
            self._set_save_state("error")
        elif self._pending is None and not self._unsaved:
            self.saved_at = _clock()
            self._set_save_state("saved")
            self._settle_memory()

    def _settle_memory(self) -> None:
        """Once a change is saved (and shown): collect what it left behind.

        A change leaves mostly cyclic garbage (a closed form: some 20,000 Textual
        objects).  Left to itself the collector's full pass comes at any moment: between
        a key and its repaint, or in the save's thread, holding the interpreter lock
        against the screen.  Here it runs when the change is on screen and the save is
        done, and the next automatic pass finds little to do.  Nothing is frozen here:
        freezing what is alive then kept about 6,000 objects per save that died in
        cycles later (a leak, measured), unlike the case's own objects frozen on opening.
        """
        if self._case_released or self.session is None:
            return
        if self._pending is not None or self._unsaved or self._save_scheduled:
            return  # another save follows: collect after it
        gc.collect()

    def _set_save_state(self, state: str) -> None:
        self.save_state = state
        self.status_changed.publish(state)

    def save_state_text(self) -> str:
        """What the status line says about saving, in the current language."""
        if self.read_only:
            return self.tr("app.status.read-only")
        if self.save_state == "saving":
            return self.tr("app.status.saving")
        if self.save_state == "error":
            return self.tr("app.status.error", error=one_line(self.save_error, 300))
        files = self.files_state_text()
        if self.save_state == "saved" and self.saved_at is not None:
            zone = self.session.case.timezone if self.session is not None else ""
            saved = self.tr(
                "app.status.saved", time=case_time(self.saved_at, zone).strftime("%H:%M")
            )
            return f"{files} · {saved}" if files else saved
        return files

    def flush_saves(self) -> None:
        """Save whatever is not saved yet, now, on this thread (used when quitting)."""
        if self.session is None or self._case_released or self.session.read_only:
            return
        if self._unsaved or self._pending is not None or self._save_scheduled:
            self._save_scheduled = False
            self._pending = self.session.snapshot()
            self._unsaved = False
        with self._save_lock:
            snapshot, self._pending = self._pending, None
            if snapshot is not None:
                self.save_error = self._save_snapshot(snapshot)

    def keep_drafts(self) -> None:
        """Every open form writes what was typed into the case as a draft (quitting...)."""
        for stack in list(self._screen_stacks.values()):
            for screen in list(stack):
                keep = getattr(screen, "keep_draft_now", None)
                if callable(keep):
                    with contextlib.suppress(Exception):  # never block quitting
                        keep()

    def action_use_backup(self) -> None:
        """Make a case opened from a backup writable again (the person chose to keep it)."""
        if self.session is None:
            return
        try:
            self.session.make_writable()
        except Exception as error:  # ReadOnlyError: newer schema, unknown keys
            self.notify(one_line(str(error), 300), timeout=10, markup=False)
            return
        self.notify(self.tr("app.backup-kept"), timeout=8, markup=False)
        self.status_changed.publish("writable")

    def action_case_details(self) -> None:
        """Who the case concerns, the helper, the place for "Fait à" (palette)."""
        from tui.screens.case_details import CaseDetailsScreen

        session = self.session
        if session is None or session.read_only:
            return

        def chosen(changes: dict[str, str] | None) -> None:
            if not changes or self.session is not session:
                return
            try:
                session.set_details(**changes)
            except ValueError as error:
                self.notify(one_line(str(error), 300), markup=False, severity="warning")
                return
            self.notify(self.tr("app.case-details-saved"), markup=False, timeout=4)

        self.push_screen(CaseDetailsScreen(session.case, lang=self.lang), chosen)

    def action_save_again(self) -> None:
        """Retry a save that failed (palette: "save again")."""
        if self.session is not None:
            self._unsaved = True
            self._schedule_save()

    async def action_quit(self) -> None:
        """Quit: everything is saved first (synchronously), then the case is released.

        If that last save fails, the person is asked before anything is thrown away.
        A form with typed text keeps it as a draft in the case first.
        """
        self.keep_drafts()
        self.flush_saves()
        if self.session is not None and self._pending is not None:
            from tui.screens.dialogs import ConfirmDialog

            self._set_save_state("error")
            question = self._quit_question()

            def answered(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self._close_case()
                    self.exit(0)

            self.push_screen(ConfirmDialog(question), answered)
            return
        self._close_case()
        self.exit(0)

    def _beside_case(self, path: Path) -> str:
        """``path`` as seen from the case's folder when it is in it (short enough to be
        read whole at 80 columns: ``case-files/.backups/copy-….toml``), else in full."""
        if self.session is not None:
            with contextlib.suppress(ValueError):
                return str(path.relative_to(self.session.path.parent))
        return str(path)

    def _all_kept_in_copy(self) -> bool:
        """True when what could not be saved is, whole, in the dated conflict copy."""
        pending = self._pending
        return (
            bool(self.conflict_copy)
            and pending is not None
            and (pending[1] <= self._copied_version)
        )

    def _quit_question(self) -> str:
        """What quitting with an unsaved change would lose, said truthfully."""
        if self._all_kept_in_copy():
            # Nothing is lost: the whole version is in the dated copy.
            return self.tr("app.quit-conflict", path=self._beside_case(Path(self.conflict_copy)))
        return self.tr("app.quit-unsaved", error=one_line(self.save_error, 300))

    # --- quick exit -----------------------------------------------------------------

    leaving = False
    """True from the moment the person asked to leave (a case still opening stays closed)."""

    quick_exited = False
    """True once the app left by the quick exit: ``run_app`` then wipes the terminal."""

    def action_quick_exit(self) -> None:
        """ctrl+q from anywhere, text fields and dialogs included: hide, save, leave.

        The screen is covered at once (before saving, which can take a second on a
        large case), then everything is saved as on any quit and the app exits;
        ``run_app`` clears the terminal and its scrollback. Why ctrl+q: it reaches the
        app in every terminal and over SSH (Textual turns off XON/XOFF, which would
        otherwise eat it), no common terminal or SSH client takes it, it is one
        chord on AZERTY and QWERTY, Textual apps already quit with it, and it is
        none of the keys that do something else here (F-keys are taken by some
        terminals, ``ctrl+c`` copies in text fields, ``escape`` means "back").

        If that last save fails, the question is asked on the blank cover (no case
        text behind it); ``ctrl+q`` again, or "yes", leaves anyway.
        """
        from tui.screens.dialogs import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.has_class("-quick-exit"):
            self.screen.dismiss(True)  # ctrl+q twice: leave even without the last save
            return
        self.leaving = True
        if not isinstance(self.screen, _Cover):
            self.push_screen(_Cover())
        # Save once the cover is drawn. The extra hop through call_later: in Textual
        # 8.2.8 an exit() called straight from an after-refresh callback never ends
        # the app (seen in run_test).
        self.call_after_refresh(self.call_later, self._quick_exit_saved)

    def _quick_exit_saved(self) -> None:
        from tui.screens.dialogs import ConfirmDialog

        self.keep_drafts()  # a form with typed text keeps it in the case
        self.flush_saves()
        # A quick exit does not stop to ask when nothing would be lost: after a
        # conflict, this session's version is whole in the dated copy.
        if self.session is not None and self._pending is not None and not self._all_kept_in_copy():
            self._set_save_state("error")
            question = self._quit_question()

            def answered(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self._leave_quickly()
                elif isinstance(self.screen, _Cover):
                    self.pop_screen()

            dialog = ConfirmDialog(question)
            dialog.add_class("-quick-exit")
            self.push_screen(dialog, answered)
            return
        self._leave_quickly()

    def _leave_quickly(self) -> None:
        self._close_case()
        self.quick_exited = True
        self.exit(0)

    def on_unmount(self) -> None:
        self._close_case()

    def _close_case(self) -> None:
        """Save what is left and release the case (once); ``app.case`` stays readable
        for screens that still repaint while the app exits."""
        self._write_settings()
        if self.session is None or self._case_released:
            return
        self.keep_drafts()
        self.flush_saves()
        self._case_released = True
        # Releasing the "open in another Abri" marker must never block quitting.
        with contextlib.suppress(Exception):
            self.session.close()

    # --- diagnostics ----------------------------------------------------------------

    def _fatal_error(self) -> None:
        # Textual's crash report would list every frame's local variables (case text).
        from tui.diagnostics import fatal_error

        fatal_error(self)

    async def run_action(self, action: Any, *args: Any, **kwargs: Any) -> bool:
        """Textual's, with the action's name in the log (``--debug`` only; no parameters)."""
        from tui.diagnostics import log_action

        log_action(str(action[1] if isinstance(action, tuple) else action))
        return await super().run_action(action, *args, **kwargs)

    def key_of(self, binding_id: str, default: str) -> str:
        """The first key of an app binding, as the settings' ``[keymap]`` may have changed it."""
        return self._keymap.get(binding_id, default).split(",")[0]

    def action_report(self) -> None:
        """Palette "About / report a problem": write the diagnostic file, say where it is."""
        from tui.diagnostics import report_from_app

        self.notify(report_from_app(self), timeout=30, markup=False)

    # --- areas, help, keys --------------------------------------------------------

    def action_area(self, mode: str) -> None:
        """Show one of the three areas (f2 / f3 / f4)."""
        if mode not in AREAS or self.session is None:
            return
        # Close help or dialogs first: the key means "take me there".
        while len(self.screen_stack) > 1 and self.screen.is_modal:
            self.pop_screen()
        if self.current_mode != mode:
            self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Area keys work once a case is open; the current area's key is hidden (does nothing)."""
        if action == "area":
            if self.session is None:
                return False
            return not (parameters and parameters[0] == self.current_mode)
        if action == "save_again":
            return self.session is not None
        return True

    def action_help(self) -> None:
        """Show help: keys of the current screen, global keys, help contacts."""
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # f1 again closes help
            return
        self.push_screen(HelpScreen(self.screen))

    def action_ctrl_c_hint(self) -> None:
        """ctrl+c outside text inputs: a calm hint, never an abrupt quit."""
        self.notify(self.tr("app.ctrl-c-hint"), timeout=4, markup=False)

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer and help show it, named in the current language."""
        from tui.core.i18n import key_display

        return key_display(super().get_key_display(binding), self.lang)

    def binding_label(self, binding: Binding) -> str:
        """A binding's description in the current language."""
        return translate(binding.description, self.lang)

    # --- language -----------------------------------------------------------------

    def action_language(self, lang: str = "") -> None:
        """Switch language (the other one if none given); remembered in the case."""
        if not lang:
            lang = "en" if self.lang == "fr" else "fr"
        self.set_language(lang)

    def set_language(self, lang: str) -> None:
        """Switch every screen to ``lang`` and record it in the open case.

        Not in the open case when the switch is made on a screen that says the
        language is not the open case's (``LANGUAGE_OF_OPEN_CASE = False``: the
        new-case screen, whose case is created in the language shown).
        """
        lang = pick_language(lang)
        if lang == self.lang:
            return
        self.lang = lang
        self._lang_option = None
        set_language(lang)
        self._remember(language=lang)
        for_open_case = all(
            getattr(screen, "LANGUAGE_OF_OPEN_CASE", True) for screen in self.screen_stack
        )
        if self.session is not None and not self.session.read_only and for_open_case:
            self.session.set_details(language=lang)
        self.run_worker(self._relabel_screens(), group="language", exclusive=True)

    async def _relabel_screens(self) -> None:
        for stack in list(self._screen_stacks.values()):
            for index, screen in enumerate(list(stack)):
                # Area screens (bottom of a stack) are recomposed unless they opt out; screens
                # pushed on top (forms, dialogs) only if they opt in: recomposing a form would
                # throw away what the person typed.
                if getattr(screen, "RECOMPOSE_ON_LANGUAGE", index == 0) and screen.is_mounted:
                    await screen.recompose()
                screen.refresh_bindings()
        self.language_changed.publish(self.lang)
        self.status_changed.publish("language")

    # --- themes -------------------------------------------------------------------

    def _register_themes(self, wanted: str | None) -> None:
        for theme in self.themes.themes.values():
            self.register_theme(theme)
        for problem in self.themes.problems:
            self.notices.append(
                t("app.theme.bad-file", self.lang, file=problem.file, detail=problem.detail)
            )
        name = wanted or self.settings.theme or DEFAULT_THEME
        if name not in self.available_themes:
            if wanted:
                self.notices.append(t("app.theme.unknown", self.lang, name=wanted))
            name = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = name

    def set_theme(self, name: str) -> None:
        """Use theme ``name`` and remember it in the user settings."""
        if name not in self.available_themes:
            return
        self.theme = name
        self.settings.update(theme=name)
        self.notify(self.tr("app.theme.changed", name=self.theme_label(name)), markup=False)

    def theme_label(self, name: str) -> str:
        """A theme's display name in the current language."""
        return one_line(self.themes.label(name, self.lang), 60)

    # --- palette ------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """ctrl+p: every action by name, with a translated prompt."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                CommandPalette(placeholder=self.tr("app.palette.prompt"), id="--command-palette")
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action by name, translated: global ones, then the current screen's keys.

        Textual's palette parses titles and help as markup: every text is escaped here
        (a theme label or a screen's command may quote text nobody here wrote).
        """
        for command in self._palette_commands(screen):
            yield SystemCommand(
                escape_markup(visible(command.title)),
                escape_markup(visible(command.help)),
                command.callback,
                command.discover,
            )

    def _palette_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        tr = self.tr
        if self.session is not None:
            for mode in AREAS:
                yield SystemCommand(
                    tr(f"app.cmd.{mode}"),
                    tr("app.cmd.key", key=self.key_of(f"app-{mode}", AREA_KEYS[mode])),
                    partial(self.action_area, mode),
                )
        yield SystemCommand(
            tr("app.cmd.help"),
            tr("app.cmd.key", key=self.key_of("app-help", "f1")),
            self.action_help,
        )
        other = "en" if self.lang == "fr" else "fr"
        yield SystemCommand(
            tr(f"app.cmd.language-{other}"), tr("app.cmd.language-help"), self.action_language
        )
        # Found by the words a person types in either language ("langue", "lang",
        # "language", "anglais", "French"...): the title above alone matched none of
        # them in the French UI.  Not listed when nothing is typed (no duplicate).
        yield SystemCommand(
            tr(f"app.cmd.find-language-{other}"),
            tr("app.cmd.language-help"),
            self.action_language,
            discover=False,
        )
        for name in sorted(self.themes.themes):
            yield SystemCommand(
                tr("app.cmd.theme", name=self.theme_label(name)),
                tr("app.cmd.theme-help"),
                partial(self.set_theme, name),
            )
        yield from self._case_commands()
        if self.session is not None:
            if not self.session.read_only:
                yield SystemCommand(
                    tr("app.cmd.case-details"),
                    tr("app.cmd.case-details-help"),
                    self.action_case_details,
                )
            yield SystemCommand(
                tr("app.cmd.save-again"), tr("app.cmd.save-help"), self.action_save_again
            )
            if self.session.read_only:
                yield SystemCommand(
                    tr("app.cmd.use-backup"), tr("app.cmd.use-backup-help"), self.action_use_backup
                )
        yield SystemCommand(tr("diag.cmd.report"), tr("diag.cmd.report-help"), self.action_report)
        # The quick exit under the words a person in a hurry may type ("hide", "vite"...).
        quit_key = tr("app.cmd.key", key=self.key_of("app-quit", "ctrl+q"))
        yield SystemCommand(tr("app.cmd.quit"), quit_key, self.action_quick_exit)
        for name in ("app.cmd.quick-exit", "app.cmd.hide"):
            yield SystemCommand(tr(name), tr("app.cmd.quit-help"), self.action_quick_exit)
        # A screen may offer actions that have no key: ``def palette_commands(self)``
        # yielding SystemCommand(title, help, callback), titles already translated.
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()
        global_actions = {binding.action for _key, binding in self._bindings}
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.action in global_actions or binding.action in seen or not active.enabled:
                continue
            label = self.binding_label(binding)
            if binding.system or label == binding.description:
                continue  # only our own, translated actions (not Textual's "Focus Next")
            seen.add(binding.action)
            yield SystemCommand(
                label,
                tr("app.cmd.key", key=self.get_key_display(binding)),
                partial(self.run_action, binding.action, active.node),
            )

    def _case_commands(self) -> Iterable[SystemCommand]:
        """Open another case, new case, save a copy elsewhere (removable media first)."""
        from tui.screens import start

        tr = self.tr
        yield SystemCommand(
            tr("app.cmd.open-other"),
            tr("app.cmd.open-other-help"),
            partial(start.open_another, self),
        )
        yield SystemCommand(
            tr("app.cmd.new-case"), tr("app.cmd.new-case-help"), partial(start.new_case, self)
        )
        if self.session is not None:
            yield SystemCommand(
                tr("app.cmd.save-copy"),
                tr("app.cmd.save-copy-help"),
                partial(start.save_copy_elsewhere, self),
            )


class _Cover(Screen[None]):
    """An empty screen put over everything by the quick exit while the case is saved."""

    DEFAULT_CSS = "_Cover { background: black; }"

    def compose(self) -> ComposeResult:
        yield from ()


WIPE_TERMINAL = "\x1b[H\x1b[2J\x1b[3J"
"""Cursor home, clear the screen, clear the scrollback (what ``clear`` sends)."""


def wipe_terminal() -> None:
    """Leave the terminal as a plain prompt: screen and scrollback cleared.

    Textual drew in the alternate screen, which most terminals keep out of the
    scrollback; this also clears what was on the main screen (the ``abri
    alice.toml`` command line names the case) and terminals or multiplexers that
    keep the alternate screen in their history.
    """
    import sys

    for stream in (sys.__stderr__, sys.__stdout__):
        if stream is not None and stream.isatty():
            with contextlib.suppress(OSError, ValueError):
                stream.write(WIPE_TERMINAL)
                stream.flush()
            return


def run_app(case_path: Path | None, lang: str | None = None, theme: str | None = None) -> int:
    """Run the full-screen app (used by the ``abri`` command); returns the exit code."""
    from tui.paste import install

    install()  # pastes read whole, ESC included (Textual's parser splits them)
    app = AbriApp(case_path, lang=lang, theme=theme)
    app.handle_hangup = True
    # Everything built so far (modules, the case, the app) lives as long as the app:
    # the garbage collector need not scan it again and again while the first screen
    # is built (thousands of new objects: widgets, styles, CSS rules).
    gc.freeze()
    result = app.run()
    if app.quick_exited:
        wipe_terminal()
    return result if isinstance(result, int) else (app.return_code or 0)
