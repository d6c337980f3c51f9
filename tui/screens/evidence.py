"""The evidence area (``f3``): the table of hostile messages, keyboard only.

What a helper does here, while the victim dictates:

* ``a`` adds an entry (:class:`~tui.screens.evidence_form.EvidenceForm`, cursor in
  the URL field), ``enter`` edits the highlighted one, ``delete`` deletes it after
  asking, ``ctrl+z`` undoes the last changes (several levels, including bulk adds);
* ``/`` filters as one types (any text, account, platform, category), ``s`` cycles
  the order (date, account, platform);
* ``v`` shows the highlighted message's content, ``V`` shows every message's
  content: content is hidden by default ("safe view") so the victim does not have to
  reread the insults;
* ``b`` adds many URLs at once (one entry per line, duplicates reported and skipped),
  ``f`` adds one entry per screenshot of a folder, ``c`` shows the accounts view;
* ``p`` captures the highlighted entry's page and looks its account up, ``P`` checks
  whether it is still online (the only keys that go online, after asking once:
  :mod:`tui.screens.evidence_capture`).

Every change is a call to the case session (:mod:`tui.core.session`): it validates,
journals, keeps what undo needs and tells the app, which saves atomically off the
event loop.  Copying screenshots (a whole folder of them) runs in a worker thread
behind a progress dialog that ``escape`` stops; nothing is left behind when it does.

The table is virtual (:class:`~tui.widgets.evidence_table.EvidenceTable`): it only
renders the visible rows, so 50,000 entries scroll as smoothly as 50.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.core.case import Case, Evidence
from tui.core.platforms import PLATFORMS
from tui.core.session import ChangeReport, StageReport
from tui.core.text import one_line, visible
from tui.core.timeparse import format_datetime
from tui.screens.evidence_capture import CAPTURE, RECHECK, CaptureRun, online_dialog
from tui.screens.evidence_dialogs import (
    BulkAddDialog,
    ConfirmDialog,
    FilePicker,
    MessageDialog,
    ProgressDialog,
)
from tui.screens.evidence_form import EvidenceForm, FormResult
from tui.shell import shell
from tui.widgets.evidence_rows import (
    SORT_KEYS,
    EvidenceRows,
    category_label,
    entry_time,
)
from tui.widgets.evidence_table import EvidenceTable, VirtualTable
from tui.widgets.status import KeysFooter, StatusLine

if TYPE_CHECKING:
    from tui.shell import Shell

WARM_SLICE = 500
"""Entries whose search text is prepared per slice (a few milliseconds each)."""

CONTENT_PREVIEW = 600
"""Characters of a message shown in the detail pane (the export has all of it)."""


class EvidenceScreen(Screen[None]):
    """The evidence table and its keys (see the module docstring)."""

    RECOMPOSE_ON_LANGUAGE = False
    """This screen keeps state (filter, cursor, undo); it relabels itself instead."""
    HELP_TOPICS: ClassVar[tuple[str, ...]] = ("capture.help.x_id_by_hand",)
    """How-tos help (f1) shows after this screen's keys (with their source and date)."""
    CSS_PATH = "../styles/evidence.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "evidence.key.add", id="evidence-add"),
        Binding("enter", "edit", "evidence.key.edit", id="evidence-edit"),
        Binding("delete", "delete", "evidence.key.delete", id="evidence-delete"),
        Binding("ctrl+z", "undo", "evidence.key.undo", id="evidence-undo"),
        Binding("ctrl+y", "redo", "evidence.key.redo", id="evidence-redo", show=False),
        Binding("slash", "filter", "evidence.key.filter", id="evidence-filter"),
        Binding("s", "sort", "evidence.key.sort", id="evidence-sort", show=False),
        Binding("v", "reveal", "evidence.key.reveal", id="evidence-reveal"),
        Binding("V", "reveal_all", "evidence.key.reveal-all", id="evidence-reveal-all", show=False),
        Binding("b", "bulk_add", "evidence.key.bulk", id="evidence-bulk"),
        Binding("f", "import_folder", "evidence.key.folder", id="evidence-folder", show=False),
        Binding("c", "accounts", "evidence.key.accounts", id="evidence-accounts"),
        Binding("p", "capture", "capture.tui.key.capture", id="evidence-capture"),
        Binding("P", "recheck", "capture.tui.key.recheck", id="evidence-recheck", show=False),
        # While a capture runs, escape stops it (otherwise it clears the filter).
        Binding("escape", "stop_capture", "capture.tui.key.stop", id="evidence-capture-stop"),
        Binding("escape", "clear_filter", "evidence.key.clear-filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="evidence-screen")
        self._key_state: tuple[bool, bool, bool] | None = None
        self._shown_token: tuple[object, ...] | None = None
        self._warmed = 0
        self.rows = EvidenceRows("en", PLATFORMS)
        self.capture_run: CaptureRun | None = None
        """The capture or re-check under way (``p``, ``P``), if any."""
        self._online_ok: int | None = None
        """``id`` of the session for which going online was confirmed."""

    # -- access to the app -----------------------------------------------------------

    @property
    def abri(self) -> Shell:
        """The app, typed."""
        return shell(self.app)

    @property
    def case(self) -> Case:
        """The open case."""
        return self.abri.case

    @property
    def lang(self) -> str:
        """The current language."""
        return self.abri.lang

    def tr(self, key: str, **params: Any) -> str:
        """A message in the current language."""
        return self.abri.tr(key, **params)

    @property
    def table(self) -> EvidenceTable:
        """The table widget."""
        return self.query_one("#evidence-table", EvidenceTable)

    def format_time(self, entry: Evidence) -> str:
        """An entry's time in the case's zone and language."""
        when = entry_time(entry)
        return format_datetime(when, self.case.timezone, self.lang) if when else ""

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Static("", id="evidence-title")
        filter_input = Input(
            id="evidence-filter", placeholder=self.tr("evidence.filter.placeholder")
        )
        filter_input.display = False
        yield filter_input
        yield EvidenceTable(self.rows, self.format_time, id="evidence-table")
        yield Static("", id="evidence-detail")
        yield Static("", id="evidence-content")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.abri.case_updated.subscribe(self, self._case_updated)
        self.abri.language_changed.subscribe(self, self._language_changed)
        self.reload()
        self.table.focus()
        self.set_timer(0.2, self._warm_search)

    def _warm_search(self) -> None:
        """Prepare every entry's search text in small slices between keystrokes."""
        if self.abri.session is None:
            return
        entries = self.case.evidence
        self._warmed = self.rows.warm(entries, self._warmed, WARM_SLICE)
        if self._warmed < len(entries):
            self.set_timer(0.01, self._warm_search)

    def on_screen_resume(self) -> None:
        """Coming back (f3 or a closed dialog): show what changed meanwhile."""
        self.reload()

    def _case_updated(self, action: str) -> None:
        if self.is_mounted:
            self.reload()

    def _language_changed(self, lang: str) -> None:
        self.rows.lang = lang
        self.query_one("#evidence-filter", Input).placeholder = self.tr(
            "evidence.filter.placeholder"
        )
        self.table.set_reveal_all(self.table.reveal_all)
        self.reload()

    # -- refreshing ----------------------------------------------------------------------

    def _token(self) -> tuple[object, ...]:
        """Changes whenever what the table shows may have changed.

        Every change goes through the session, whose ``version`` grows with each one.
        """
        session = self.abri.open_session
        rows = self.rows
        checks = id(getattr(session, "file_checks", None))  # the files were verified again
        return (id(session), session.version, rows.filter, rows.sort, self.lang, checks)

    def reload(self, select: str | None = None) -> None:
        """Rebuild the shown rows from the case, keep (or move) the cursor, repaint.

        Cheap when nothing changed (a dialog closed): the rows are rebuilt only when
        the case, the filter, the order or the language changed.
        """
        if self.abri.session is None:
            return
        table = self.table
        token = self._token()
        if token == self._shown_token:
            if select is not None:
                index = self.rows.index_of(select)
                if index is not None:
                    table.cursor = index
            return
        current = select
        held = table.current()
        if current is None:
            current = held.id if held is not None else None
        self.rows.lang = self.lang
        session = self.abri.open_session
        self.rows.file_check = session.file_check
        self.rows.rebuild(session.case.evidence, version=(id(session), session.version))
        filtered = self._shown_token is not None and self._shown_token[2] != token[2]
        self._shown_token = token
        rows = self.rows
        deleted = (
            select is None
            and held is not None
            and any(entry is held for entry in rows.removed)
            and not any(entry.id == held.id for entry in rows.added)
        )
        # A deleted entry is nowhere to be found: not looked for among 50,000 rows.
        index = rows.index_of(current) if current and not deleted else None
        if index is None and filtered:
            index = 0  # the filter hid the entry under the cursor: its first match
        # Nothing shown: no entry yet, or none the filter matches (saying "no entry yet,
        # press a" to someone whose case holds 5,000 was wrong).
        if rows.filter and session.case.evidence:
            table.empty_text = self.tr(
                "evidence.no-match", filter=visible(one_line(rows.filter, 40))
            )
        else:
            table.empty_text = self.tr("evidence.empty")
        table.rows_changed(keep_cursor=index)
        self.update_title()
        self.update_detail()
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Refresh the footer only when a key's availability changed (it recomposes)."""
        session = self.abri.open_session
        state = (self.table.current() is not None, session.can_undo, bool(self.rows.filter))
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

    def update_title(self) -> None:
        """The line above the table: counts, order, filter."""
        rows = self.rows
        text = self.tr(
            "evidence.title",
            shown=len(rows.shown),
            total=rows.total,
            sort=self.tr(f"evidence.sort.{rows.sort}"),
        )
        if rows.filter:
            text += " · " + self.tr("evidence.title-filter", filter=one_line(rows.filter, 40))
        if not self.table.reveal_all:
            text += " · " + self.tr("evidence.safe-view")
        if self.capture_run is not None:
            # The progress replaces the counts and order while it runs: the line is cut
            # at 80 columns and the progress must show whole.
            text = self.capture_run.progress_text()
        self.query_one("#evidence-title", Static).update(Content(text))

    def update_detail(self) -> None:
        """The pane under the table: the highlighted entry in full (content if revealed)."""
        entry = self.table.current()
        detail = self.query_one("#evidence-detail", Static)
        if entry is None:
            detail.update(Content(self.tr("evidence.detail.none")))
            self.query_one("#evidence-content", Static).update("")
            return
        lines = []
        when = entry_time(entry)
        if when is not None:
            source = entry.posted_at_source if entry.posted_at is not None else "capture"
            lines.append(
                self.tr(
                    "evidence.detail.time",
                    id=entry.id,
                    time=self.format_time(entry),
                    source=self.tr(f"evidence.time.source.{source or 'unknown'}"),
                )
            )
        else:
            lines.append(self.tr("evidence.detail.no-time", id=entry.id))
        url = one_line(entry.url or entry.url_original, 300)
        lines.append(url or self.tr("evidence.detail.no-url"))
        account = []
        if entry.account_handle:
            account.append("@" + one_line(entry.account_handle, 80))
        if entry.account_id:
            account.append(self.tr("evidence.detail.account-id", id=one_line(entry.account_id, 80)))
        if entry.categories:
            account.append(", ".join(category_label(c, self.lang) for c in entry.categories))
        lines.append(" · ".join(account) or self.tr("evidence.detail.no-account"))
        if self.table.reveal_all or entry.id in self.table.revealed:
            text = entry.content[:CONTENT_PREVIEW]
            shown = one_line(text) if text else self.tr("evidence.detail.no-content")
            if len(entry.content) > CONTENT_PREVIEW:
                shown += "…"
        else:
            shown = self.tr("evidence.detail.hidden")
        check = self.abri.open_session.file_check(entry)
        if check is not None:
            paths = ", ".join(one_line(path, 120) for path in check.paths)
            lines.insert(0, self.tr(f"evidence.detail.file-{check.status}", path=paths))
        detail.styles.height = 4 if check is not None else 3
        # Content(...) is literal text: nothing typed by a harasser is parsed as markup.
        detail.update(Content(visible("\n".join(lines))))
        self.query_one("#evidence-content", Static).update(Content(visible(shown)))

    @on(VirtualTable.Highlighted)
    def highlighted(self, event: VirtualTable.Highlighted) -> None:
        self.update_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need an entry (edit, delete, reveal) are dimmed when there is none."""
        if not self.is_mounted:
            return True
        if self.abri.session is None:
            return False  # between two cases: this screen is on its way out
        if action in ("edit", "delete", "reveal"):
            return self.table.current() is not None
        if action in ("capture", "recheck"):
            return self.table.current() is not None and self.capture_run is None
        if action == "stop_capture":
            return self.capture_run is not None
        if action == "undo":
            return self.abri.open_session.can_undo or None
        if action == "redo":
            return self.abri.open_session.can_redo or None
        if action == "clear_filter":
            return bool(self.rows.filter)
        return True

    # -- changing the case -------------------------------------------------------------

    def applied(self, report: ChangeReport) -> None:
        """Show what a change did: the table, the cursor on the entry, its notes."""
        select = report.added[-1] if report.added else (report.changed or (None,))[-1]
        self.reload(select=select)
        for note in report.notes[:3]:
            self.notify(one_line(note, 300), markup=False, timeout=6)

    def delete_entry(self, entry_id: str) -> None:
        """Remove one entry (its screenshots stay in the evidence folder: undo brings it back)."""
        self.applied(self.abri.open_session.delete_entries([entry_id]))

    def action_undo(self) -> None:
        """Take the last change back (add, edit, delete, bulk add), one level per press."""
        session = self.abri.open_session
        if not session.can_undo:
            self.notify(self.tr("evidence.undo.nothing"), markup=False, timeout=3)
            return
        if self._read_only():
            return
        report = session.undo()
        self.notify(self.tr("evidence.undo.done", entries=_ids(report)), markup=False, timeout=3)
        self.applied(report)

    def action_redo(self) -> None:
        """Do again what ``ctrl+z`` took back."""
        session = self.abri.open_session
        if not session.can_redo or self._read_only():
            return
        report = session.redo()
        self.notify(self.tr("evidence.redo.done", entries=_ids(report)), markup=False, timeout=3)
        self.applied(report)

    # -- actions ------------------------------------------------------------------------

    def _read_only(self) -> bool:
        reason = self.abri.read_only
        if reason:
            self.notify(
                one_line(self.tr("evidence.read-only", reason=str(reason)), 300),
                markup=False,
                severity="warning",
            )
            return True
        return False

    def action_add(self) -> None:
        """Open the form for a new entry (cursor in the URL field)."""
        if self._read_only():
            return
        entry = Evidence(id=self.abri.open_session.new_id())
        self._open_form(entry, is_new=True)

    def action_edit(self) -> None:
        """Open the form on the highlighted entry."""
        entry = self.table.current()
        if entry is None or self._read_only():
            return
        self._open_form(entry, is_new=False)

    def _open_form(self, entry: Evidence, *, is_new: bool) -> None:
        draft = self.case.drafts.get("new" if is_new else entry.id)
        if draft is not None:
            self.notify(self.tr("evidence.draft.restored"), markup=False, timeout=5)

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.applied(result.report)
                if result.capture:
                    self.capture([result.entry_id])

        form = EvidenceForm(
            entry,
            is_new=is_new,
            timezone=self.case.timezone,
            lang=self.lang,
            session=self.abri.open_session,
            draft=draft,
        )
        self.app.push_screen(form, done)

    def action_delete(self) -> None:
        """Delete the highlighted entry after asking."""
        entry = self.table.current()
        if entry is None or self._read_only():
            return
        summary = " · ".join(
            part for part in (entry.id, self.format_time(entry), one_line(entry.url, 60)) if part
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_entry(entry.id)

        self.app.push_screen(
            ConfirmDialog(self.tr("evidence.confirm.delete"), summary, lang=self.lang), answered
        )

    def action_filter(self) -> None:
        """Show the filter field and put the cursor in it."""
        field = self.query_one("#evidence-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#evidence-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.rows.filter = event.value
        self.reload()

    @on(Input.Submitted, "#evidence-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#evidence-filter", Input)
        field.display = bool(field.value)
        self.table.focus()

    def action_clear_filter(self) -> None:
        """Escape: empty the filter and go back to the table."""
        field = self.query_one("#evidence-filter", Input)
        field.value = ""
        field.display = False
        self.rows.filter = ""
        self.reload()
        self.table.focus()

    def action_sort(self) -> None:
        """Cycle the order: date, account, platform."""
        rows = self.rows
        rows.sort = SORT_KEYS[(SORT_KEYS.index(rows.sort) + 1) % len(SORT_KEYS)]
        self.reload()

    def action_reveal(self) -> None:
        """Show (or hide again) the highlighted entry's content in the detail pane."""
        entry = self.table.current()
        if entry is None:
            return
        self.table.revealed ^= {entry.id}
        self.update_detail()

    def action_reveal_all(self) -> None:
        """Show (or hide) every entry's content, as a column of the table."""
        self.table.set_reveal_all(not self.table.reveal_all)
        if not self.table.reveal_all:
            self.table.revealed.clear()
        self.update_title()
        self.update_detail()

    def action_accounts(self) -> None:
        """Show the accounts view; choosing an account filters the table by it."""
        from tui.screens.evidence_accounts import AccountsScreen

        def chosen(account: str | None) -> None:
            if account:
                field = self.query_one("#evidence-filter", Input)
                field.display = True
                field.value = account  # Input.Changed filters the table.
                self.table.focus()

        self.app.push_screen(
            AccountsScreen(self.case.evidence, lang=self.lang, timezone=self.case.timezone), chosen
        )

    # -- capture and "still online?" (issue 11; see tui.screens.evidence_capture) -------

    def action_capture(self) -> None:
        """Capture the highlighted entry's page (asks once per session before going online)."""
        entry = self.table.current()
        if entry is not None:
            self.capture([entry.id])

    def action_recheck(self) -> None:
        """Check whether the highlighted entry's post is still online."""
        entry = self.table.current()
        if entry is not None:
            self.capture([entry.id], kind=RECHECK)

    def on_unmount(self) -> None:
        """Leaving (quit, quick exit, another case): stop a capture under way at once."""
        if self.capture_run is not None:
            self.capture_run.cancel.set()

    def action_stop_capture(self) -> None:
        """Escape while a capture runs: stop it (what was captured stays)."""
        if self.capture_run is not None:
            self.capture_run.stop()

    def capture(self, entry_ids: list[str], *, kind: str = CAPTURE) -> None:
        """Capture (or re-check) these entries in a worker, after one confirmation."""
        if self._read_only():
            return
        if self.capture_run is not None:
            self.notify(self.tr("capture.tui.busy"), markup=False, timeout=4)
            return
        case = self.case
        chosen = [e for e in case.evidence if e.id in set(entry_ids)]
        with_url = [e for e in chosen if e.url]
        if not with_url:
            self.notify(self.tr("capture.tui.no_url"), markup=False, severity="warning")
            return
        session = self.abri.open_session

        def go(yes: bool | None = True) -> None:
            if not yes or self.capture_run is not None:
                return
            self._online_ok = id(session)
            self.capture_run = CaptureRun(self, kind, [e.id for e in with_url])
            self.capture_run.start()
            self.refresh_bindings()

        if self._online_ok == id(session):
            go()
            return
        self.app.push_screen(online_dialog(self, kind, [e.url for e in with_url]), go)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Key-less palette actions: capture every entry never captured yet."""
        yield SystemCommand(
            self.tr("capture.tui.cmd.missing"),
            self.tr("capture.tui.cmd.missing-help"),
            self._capture_missing,
        )

    def _capture_missing(self) -> None:
        missing = [e.id for e in self.case.evidence if e.url and not e.captures]
        if not missing:
            self.notify(self.tr("capture.tui.none_missing"), markup=False, timeout=4)
            return
        self.capture(missing)

    # -- bulk add ------------------------------------------------------------------------

    def action_bulk_add(self) -> None:
        """Paste many URLs, one per line: one entry each, duplicates skipped and reported."""
        if self._read_only():
            return

        def pasted(text: str | None) -> None:
            if text:
                self.bulk_add(text)

        self.app.push_screen(BulkAddDialog(lang=self.lang), pasted)

    def bulk_add(self, text: str) -> ChangeReport:
        """Add one entry per URL line of ``text``; report duplicates and unreadable lines."""
        report = self.abri.open_session.import_urls(text, skip_comments=False)
        self.applied(report)
        self._tell(report, "evidence.bulk")
        return report

    def _tell(self, report: ChangeReport, area: str) -> None:
        """Sum a batch up: a short notice, or a dialog listing what was skipped and why."""
        lines = [self.tr(f"{area}.added", count=len(report.added))]
        if report.duplicates:
            lines.append(self.tr("evidence.batch.duplicates", count=len(report.duplicates)))
            lines.extend(f"{item.item} — {item.reason}" for item in report.duplicates)
        if report.refused:
            lines.append(self.tr("evidence.batch.refused", count=len(report.refused)))
            lines.extend(f"{item.item} — {item.reason}" for item in report.refused)
        if report.notes:
            lines.extend(report.notes)
        if report.duplicates or report.refused or len(report.notes) > 3:
            self.app.push_screen(
                MessageDialog(self.tr(f"{area}.report"), "\n".join(lines), lang=self.lang)
            )
        else:
            self.notify(lines[0], markup=False, timeout=4)

    # -- a folder of screenshots ---------------------------------------------------------

    def action_import_folder(self) -> None:
        """Pick a folder: one entry per image in it, the screenshot attached to each."""
        if self._read_only():
            return

        def picked(folder: Path | None) -> None:
            if folder is not None:
                self.import_folder(folder)

        session = self.abri.session
        start = FilePicker.start_near(session.path if session else None)
        self.app.push_screen(FilePicker(start, folder=True, lang=self.lang), picked)

    def import_folder(self, folder: Path) -> None:
        """Copy every image of ``folder`` in a worker (progress, ``escape`` stops), then add
        one entry per image (its time from the image when it says)."""
        dialog = ProgressDialog(self.tr("evidence.folder.copying"), lang=self.lang)
        self.app.push_screen(dialog)
        self._stage_folder(folder, dialog)

    @work(thread=True, exclusive=True, group="evidence-folder", exit_on_error=False)
    def _stage_folder(self, folder: Path, dialog: ProgressDialog) -> None:
        session = self.abri.open_session
        stage = session.stage_folder(
            folder, progress=dialog.progress_from_thread, cancelled=dialog.stop.is_set
        )
        self.app.call_from_thread(self._folder_staged, stage, dialog)

    def _folder_staged(self, stage: StageReport, dialog: ProgressDialog) -> None:
        if dialog.is_attached:
            dialog.dismiss(None)
        if stage.cancelled:
            self.notify(self.tr("evidence.folder.cancelled"), markup=False, timeout=5)
            return
        try:
            report = self.abri.open_session.add_images(stage)
        except Exception as error:  # ReadOnlyError: the case became read-only meanwhile
            self.notify(one_line(str(error), 300), markup=False, severity="warning")
            return
        self.applied(report)
        self._tell(report, "evidence.folder")


def _ids(report: ChangeReport) -> str:
    entries = report.entries
    if not entries:
        return ""
    return entries[0] if len(entries) == 1 else f"{entries[0]}–{entries[-1]}"
