"""The export area (f4): choose formats, entries and folder; export; see each file's SHA-256.

Everything runs from the keyboard at 80x24: ``tab`` moves between the format list
(``space`` ticks a format), the scope fields, the destination folder and the
Export button; ``ctrl+s`` exports from anywhere on the screen.  The export itself
runs in a thread worker on a snapshot of the case (so typing elsewhere never
races it); progress comes back through ``call_from_thread``; ``escape`` cancels
and leaves no half-written file under a final name.  Each file written is
journalled through the case session (``session.record("export-written", ...)``).

Scope: all entries, optionally only those the evidence table's filter shows (when
one is active), a date range typed in the forgiving format of the rest of the
app, and some accounts (IDs or handles, separated by commas).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, ProgressBar, SelectionList, Static
from textual.worker import Worker, WorkerState

from tui.core.case import Case
from tui.core.text import one_line, visible
from tui.core.timeparse import TimeParseError, parse_datetime
from tui.export import (
    FORMATS,
    ExportCancelled,
    ExportError,
    PartialExport,
    Scope,
    Written,
    default_output_dir,
    export_case,
    find_chromium,
)
from tui.shell import shell
from tui.widgets.status import KeysFooter, StatusLine
from tui.widgets.tick_list import TickBox, TickList

if TYPE_CHECKING:
    from tui.shell import Shell

DEFAULT_FORMATS = ("docx", "pdf", "pharos", "zip")


@dataclass
class _Snapshot:
    """What the worker exports: a copy of the case taken on the UI thread."""

    path: Path
    case: Case
    evidence_dir: Path


class ExportScreen(Screen[None]):
    """Formats, scope, destination, a progress bar, then the files written and their hashes."""

    RECOMPOSE_ON_LANGUAGE = False
    CSS_PATH = "../styles/export.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "export.key.export", id="export-start", priority=True),
        Binding("escape", "cancel", "export.key.cancel", id="export-cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event: threading.Event | None = None
        self.results: list[Written] = []

    @property
    def abri(self) -> Shell:
        """The app, typed."""
        return shell(self.app)

    def tr(self, key: str, **params: Any) -> str:
        """A message in the app's language."""
        return self.abri.tr(key, **params)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with VerticalScroll(id="export-body"):
            yield Static(Content(self.tr("export.screen.formats")), classes="export-label")
            yield TickList(*self._format_items(), id="export-formats")
            yield Static(Content(self.tr("export.screen.scope")), classes="export-label")
            yield TickBox(Content(self.tr("export.screen.filtered")), False, id="export-filtered")
            with Horizontal(classes="export-row"):
                yield Input(placeholder=self.tr("export.screen.from"), id="export-from")
                yield Input(placeholder=self.tr("export.screen.to"), id="export-to")
            yield Input(placeholder=self.tr("export.screen.accounts"), id="export-accounts")
            yield Static(Content(self.tr("export.screen.folder")), classes="export-label")
            yield Input(id="export-folder")
            yield Button(Content(self.tr("export.screen.start")), id="export-go", variant="primary")
            yield ProgressBar(total=100, show_eta=False, id="export-progress")
            yield Static("", id="export-status", markup=False)
            yield Static("", id="export-results", markup=False)
        yield KeysFooter()

    def _format_items(self) -> list[tuple[Content, str, bool]]:
        pdf_ok = find_chromium() is not None
        items = []
        for fmt in FORMATS:
            label = self.tr(f"export.format.{fmt}")
            if fmt == "pdf" and not pdf_ok:
                label += " — " + self.tr("export.screen.no_chromium_short")
            items.append((Content(label), fmt, fmt in DEFAULT_FORMATS and (fmt != "pdf" or pdf_ok)))
        return items

    def on_mount(self) -> None:
        self.query_one("#export-progress", ProgressBar).display = False
        self._refresh_defaults()
        self.abri.case_updated.subscribe(self, self._on_case_updated)
        self.query_one("#export-formats", SelectionList).focus()

    def on_screen_resume(self) -> None:
        self._refresh_filter_choice()

    def _on_case_updated(self, _action: str) -> None:
        self._refresh_filter_choice()

    def _refresh_defaults(self) -> None:
        folder = self.query_one("#export-folder", Input)
        session = self.abri.session
        if session is not None and not folder.value:
            folder.value = str(default_output_dir(Path(session.path)))
        self._refresh_filter_choice()

    def _evidence_filter(self) -> tuple[str, list[str]] | None:
        """The evidence table's current filter and the IDs it shows, when one is active."""
        try:
            stack = self.app.get_screen_stack("evidence")
        except Exception:  # the evidence area was never opened
            return None
        for screen in stack:
            rows = getattr(screen, "rows", None)
            text = getattr(rows, "filter", "")
            if rows is not None and text:
                return text, [entry.id for entry in getattr(rows, "shown", [])]
        return None

    def _refresh_filter_choice(self) -> None:
        box = self.query_one("#export-filtered", Checkbox)
        active = self._evidence_filter()
        box.disabled = active is None
        if active is None:
            box.value = False
            box.label = Content(self.tr("export.screen.filtered_none"))
        else:
            box.label = Content(
                self.tr(
                    "export.screen.filtered", filter=one_line(active[0], 30), count=len(active[1])
                )
            )

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.cancel_event is not None
        if action == "export":
            return None if running else True  # dimmed while an export runs
        if action == "cancel":
            return running  # hidden when there is nothing to cancel
        return True

    @on(Button.Pressed, "#export-go")
    def _pressed(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        """Read the choices, then export in a thread worker."""
        if self.cancel_event is not None or self.abri.session is None:
            return
        formats = list(self.query_one("#export-formats", SelectionList).selected)
        if not formats:
            self._status(self.tr("export.screen.pick_format"))
            return
        try:
            scope = self._scope()
        except TimeParseError as error:
            self._status(str(error))
            return
        folder_text = self.query_one("#export-folder", Input).value.strip()
        session = self.abri.session
        folder = Path(folder_text).expanduser() if folder_text else None
        if folder is not None and not folder.is_absolute():
            folder = Path(session.path).parent / folder
        # The bundle holds the case file as on disk: write pending changes first.
        flush = getattr(self.abri, "flush_saves", None)
        if callable(flush):
            flush()
        snapshot = _Snapshot(Path(session.path), session.snapshot()[0], session.evidence_dir)
        self.cancel_event = threading.Event()
        self.results = []
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(len(snapshot.case.evidence), 1), progress=0)
        self.query_one("#export-results", Static).update("")
        self._status(self.tr("export.screen.running"))
        # The bar and its line are below the choices: at 80x24 they must come into view.
        self.call_after_refresh(self.query_one("#export-body").scroll_end, animate=False)
        self.refresh_bindings()
        self._run_export(snapshot, formats, folder, scope, self.cancel_event)

    def action_cancel(self) -> None:
        """Stop the running export (files already finished stay, nothing half-written)."""
        if self.cancel_event is not None:
            self.cancel_event.set()
            self._status(self.tr("export.screen.cancelling"))

    def _scope(self) -> Scope:
        case = self.abri.case
        scope = Scope()
        active = self._evidence_filter()
        if self.query_one("#export-filtered", Checkbox).value and active is not None:
            scope.ids = active[1]
        start = self.query_one("#export-from", Input).value.strip()
        end = self.query_one("#export-to", Input).value.strip()
        if start:
            scope.start = parse_datetime(start, case.timezone)
        if end:
            until = parse_datetime(end, case.timezone)
            if until.time() == time(0, 0):
                # A day without a time means "until the end of that day".
                until = datetime.combine(until.date(), time.max, tzinfo=until.tzinfo)
            scope.end = until
        accounts = self.query_one("#export-accounts", Input).value
        names = [name.strip() for name in accounts.split(",") if name.strip()]
        if names:
            scope.accounts = names
        return scope

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _run_export(
        self,
        snapshot: _Snapshot,
        formats: list[str],
        folder: Path | None,
        scope: Scope,
        cancel: threading.Event,
    ) -> list[Written]:
        app = self.app

        def progress(done: int, total: int, what: str) -> None:
            app.call_from_thread(self._progress, done, total, what)

        def journal(action: str, detail: str) -> None:
            session = self.abri.session
            if session is not None and not session.read_only:
                app.call_from_thread(session.record, action, detail)

        return export_case(
            snapshot,
            formats,
            folder,
            scope=scope,
            lang=self.abri.lang,
            progress=progress,
            cancel=cancel,
            journal=journal,
        )

    def _progress(self, done: int, total: int, what: str) -> None:
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self._status(
            self.tr(
                "export.screen.progress",
                what=self.tr(f"export.short.{what}"),
                done=done,
                total=total,
            )
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export":
            return
        state = event.state
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.cancel_event = None
        self.refresh_bindings()
        self.query_one("#export-progress", ProgressBar).display = False
        if state == WorkerState.SUCCESS:
            written: list[Written] = event.worker.result or []
            self.results = written
            self._status(self.tr("export.screen.done", count=len(written)))
            self._show_results(written)
        elif isinstance(event.worker.error, ExportCancelled):
            kept: list[Written] = event.worker.error.written
            if kept:  # finished before the cancel: they stay, and are said to
                self.results = kept
                self._status(self.tr("export.cancelled_kept", count=len(kept)))
                self._show_results(kept)
            else:
                self._status(self.tr("export.cancelled"))
        elif isinstance(event.worker.error, PartialExport):
            self.results = event.worker.error.written
            self._status(str(event.worker.error))
            self._show_results(self.results)
        elif isinstance(event.worker.error, ExportError):
            self._status(str(event.worker.error))
        else:
            self._status(self.tr("export.screen.failed", reason=str(event.worker.error)))

    def _show_results(self, written: list[Written]) -> None:
        lines = []
        for item in written:
            lines.append(visible(str(item.path)))
            lines.append(f"  SHA-256 {item.sha256}")
        results = self.query_one("#export-results", Static)
        results.update(Content("\n".join(lines)))
        # After the next layout, when the results have their full height.
        self.call_after_refresh(self.query_one("#export-body").scroll_end, animate=False)

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Content(visible(text)))
