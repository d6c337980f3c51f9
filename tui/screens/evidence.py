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
  ``f`` adds one entry per screenshot of a folder, ``c`` shows the accounts view.

Every change replaces :class:`~tui.core.case.Evidence` objects in ``app.case`` (never
mutates them) and goes through ``app.case_changed(action, detail)``, which journals
it and saves it atomically off the event loop.

The table is virtual (:class:`~tui.widgets.evidence_table.EvidenceTable`): it only
renders the visible rows, so 50,000 entries scroll as smoothly as 50.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.core.case import Case, Evidence
from tui.core.platforms import PLATFORMS, UrlError, parse_url
from tui.core.text import one_line, visible
from tui.core.timeparse import format_datetime
from tui.screens.evidence_dialogs import (
    BulkAddDialog,
    ConfirmDialog,
    FilePicker,
    MessageDialog,
)
from tui.screens.evidence_form import EvidenceForm, FormResult
from tui.widgets.evidence_rows import (
    SORT_KEYS,
    EvidenceRows,
    category_label,
    entry_time,
)
from tui.widgets.evidence_table import EvidenceTable, VirtualTable
from tui.widgets.status import KeysFooter, StatusLine

if TYPE_CHECKING:
    from tui.app import AbriApp

UNDO_LEVELS = 100
"""How many changes ``ctrl+z`` can take back."""

WARM_SLICE = 500
"""Entries whose search text is prepared per slice (a few milliseconds each)."""

CONTENT_PREVIEW = 600
"""Characters of a message shown in the detail pane (the export has all of it)."""


@dataclass
class UndoStep:
    """How to take one change back: each entry ID with its state before the change.

    ``before[id] is None`` means the entry did not exist (it was added); otherwise
    the old entry object and its old position in ``case.evidence``.
    """

    kind: str
    """``added`` | ``edited`` | ``deleted``."""
    before: dict[str, tuple[int, Evidence] | None] = field(default_factory=dict)


def normalised_url(url: str) -> str:
    """The key two URLs of the same post share (tracking removed, canonical host)."""
    text = url.strip()
    if not text:
        return ""
    try:
        return parse_url(text, lang="en").url.rstrip("/").lower()
    except UrlError:
        return text.rstrip("/").lower()


def new_entry_from_url(entry_id: str, text: str, lang: str) -> Evidence:
    """An entry for one pasted URL, with what the URL says (raises UrlError)."""
    info = parse_url(text, lang=lang)
    return Evidence(
        id=entry_id,
        url=info.url,
        url_original=info.url_original,
        platform=info.platform,
        post_id=info.post_id,
        account_handle=info.handle,
        account_id=info.account_id,
        posted_at=info.posted_at,
        posted_at_source="post-id" if info.posted_at is not None else "",
    )


def new_ids(case: Case) -> Iterator[str]:
    """Fresh entry IDs for a batch: ``case.next_evidence_id()``, then the following ones."""
    number = int(case.next_evidence_id()[1:])
    while True:
        yield f"E{number:04d}"
        number += 1


class EvidenceScreen(Screen[None]):
    """The evidence table and its keys (see the module docstring)."""

    RECOMPOSE_ON_LANGUAGE = False
    """This screen keeps state (filter, cursor, undo); it relabels itself instead."""
    CSS_PATH = "../styles/evidence.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "evidence.key.add", id="evidence-add"),
        Binding("enter", "edit", "evidence.key.edit", id="evidence-edit"),
        Binding("delete", "delete", "evidence.key.delete", id="evidence-delete"),
        Binding("ctrl+z", "undo", "evidence.key.undo", id="evidence-undo"),
        Binding("slash", "filter", "evidence.key.filter", id="evidence-filter"),
        Binding("s", "sort", "evidence.key.sort", id="evidence-sort", show=False),
        Binding("v", "reveal", "evidence.key.reveal", id="evidence-reveal"),
        Binding("V", "reveal_all", "evidence.key.reveal-all", id="evidence-reveal-all", show=False),
        Binding("b", "bulk_add", "evidence.key.bulk", id="evidence-bulk"),
        Binding("f", "import_folder", "evidence.key.folder", id="evidence-folder", show=False),
        Binding("c", "accounts", "evidence.key.accounts", id="evidence-accounts"),
        Binding("escape", "clear_filter", "evidence.key.clear-filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="evidence-screen")
        self.undo_stack: list[UndoStep] = []
        self._key_state: tuple[bool, bool, bool] | None = None
        self._shown_token: tuple[object, ...] | None = None
        self._warmed = 0
        self.drafts: dict[str, dict[str, Any]] = {}
        """Typed values of forms closed by leaving the area ("new" or an entry ID)."""
        self.rows = EvidenceRows("en", PLATFORMS)

    # -- access to the app -----------------------------------------------------------

    @property
    def abri(self) -> AbriApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

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
        self.table.empty_text = self.tr("evidence.empty")
        self.reload()
        self.table.focus()
        self.set_timer(0.2, self._warm_search)

    def _warm_search(self) -> None:
        """Prepare every entry's search text in small slices between keystrokes."""
        if self.abri.casefile is None:
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
        self.table.empty_text = self.tr("evidence.empty")
        self.table.set_reveal_all(self.table.reveal_all)
        self.reload()

    # -- refreshing ----------------------------------------------------------------------

    def _token(self) -> tuple[object, ...]:
        """Changes whenever what the table shows may have changed.

        Every change to the case goes through ``app.case_changed``, which adds a
        journal line, so the journal's length is a cheap "version" of the case.
        """
        case = self.case
        rows = self.rows
        return (id(case), len(case.journal), len(case.evidence), rows.filter, rows.sort, self.lang)

    def reload(self, select: str | None = None) -> None:
        """Rebuild the shown rows from the case, keep (or move) the cursor, repaint.

        Cheap when nothing changed (a dialog closed): the rows are rebuilt only when
        the case, the filter, the order or the language changed.
        """
        if self.abri.casefile is None:
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
        if current is None:
            entry = table.current()
            current = entry.id if entry is not None else None
        self.rows.lang = self.lang
        case = self.case
        self.rows.rebuild(case.evidence, version=(id(case), len(case.journal), len(case.evidence)))
        self._shown_token = token
        index = self.rows.index_of(current) if current else None
        table.rows_changed(keep_cursor=index)
        self.update_title()
        self.update_detail()
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Refresh the footer only when a key's availability changed (it recomposes)."""
        state = (self.table.current() is not None, bool(self.undo_stack), bool(self.rows.filter))
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
        if action in ("edit", "delete", "reveal"):
            return self.table.current() is not None
        if action == "undo":
            return bool(self.undo_stack) or None
        if action == "clear_filter":
            return bool(self.rows.filter)
        return True

    # -- changing the case -------------------------------------------------------------

    def _position(self, entry_id: str) -> int | None:
        for index, entry in enumerate(self.case.evidence):
            if entry.id == entry_id:
                return index
        return None

    def _remember(self, step: UndoStep) -> None:
        self.undo_stack.append(step)
        del self.undo_stack[:-UNDO_LEVELS]

    def add_entries(
        self, entries: list[Evidence], detail: str = "", *, appended: bool = False
    ) -> None:
        """Append new entries as one change (one undo step, one journal line).

        ``appended``: the caller already put them in ``case.evidence`` (a folder import
        does, so that the same image twice is recognised by its hash).
        """
        if not entries:
            return
        if not appended:
            self.case.evidence.extend(entries)
        self._remember(UndoStep("added", {e.id: None for e in entries}))
        if not detail:
            detail = entries[0].id if len(entries) == 1 else f"{entries[0].id}-{entries[-1].id}"
        self.abri.case_changed("evidence-added", detail)
        self.reload(select=entries[-1].id)

    def replace_entry(self, entry: Evidence) -> None:
        """Store an edited entry in place of the one with the same ID."""
        index = self._position(entry.id)
        if index is None:
            self.add_entries([entry])
            return
        old = self.case.evidence[index]
        self.case.evidence[index] = entry
        self._remember(UndoStep("edited", {entry.id: (index, old)}))
        self.abri.case_changed("evidence-edited", entry.id)
        self.reload(select=entry.id)

    def delete_entry(self, entry_id: str) -> None:
        """Remove one entry (its screenshots stay in the evidence folder: undo brings it back)."""
        index = self._position(entry_id)
        if index is None:
            return
        old = self.case.evidence.pop(index)
        self._remember(UndoStep("deleted", {entry_id: (index, old)}))
        self.abri.case_changed("evidence-deleted", entry_id)
        self.reload()

    def action_undo(self) -> None:
        """Take the last change back (add, edit, delete, bulk add), one level per press."""
        if not self.undo_stack:
            self.notify(self.tr("evidence.undo.nothing"), markup=False, timeout=3)
            return
        step = self.undo_stack.pop()
        evidence = self.case.evidence
        select = None
        if step.kind == "added":
            gone = set(step.before)
            evidence[:] = [e for e in evidence if e.id not in gone]
            ids = sorted(gone)
            detail = ids[0] if len(ids) == 1 else f"{ids[0]}-{ids[-1]}"
            self.abri.case_changed("evidence-deleted", f"{detail} (undo)")
        elif step.kind == "edited":
            for entry_id, before in step.before.items():
                index = self._position(entry_id)
                if before is not None and index is not None:
                    evidence[index] = before[1]
                    select = entry_id
            self.abri.case_changed("evidence-edited", f"{select} (undo)")
        else:
            for entry_id, before in step.before.items():
                if before is not None and self._position(entry_id) is None:
                    evidence.insert(min(before[0], len(evidence)), before[1])
                    select = entry_id
            self.abri.case_changed("evidence-restored", str(select))
        self.notify(self.tr(f"evidence.undo.{step.kind}"), markup=False, timeout=3)
        self.reload(select=select)

    # -- actions ------------------------------------------------------------------------

    def _read_only(self) -> bool:
        reason = getattr(self.abri.casefile, "read_only", None)
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
        entry = Evidence(id=self.case.next_evidence_id())
        self._open_form(entry, is_new=True)

    def action_edit(self) -> None:
        """Open the form on the highlighted entry."""
        entry = self.table.current()
        if entry is None or self._read_only():
            return
        self._open_form(entry, is_new=False)

    def _open_form(self, entry: Evidence, *, is_new: bool) -> None:
        draft_key = "new" if is_new else entry.id
        draft = self.drafts.pop(draft_key, None)
        if draft is not None:
            self.notify(self.tr("evidence.draft.restored"), markup=False, timeout=5)

        def keep(kept: Evidence, values: dict[str, Any]) -> None:
            self.drafts[draft_key] = values

        def done(result: FormResult | None) -> None:
            if result is None:
                return
            if is_new:
                self.add_entries([result.entry])
            else:
                self.replace_entry(result.entry)

        form = EvidenceForm(
            entry,
            is_new=is_new,
            timezone=self.case.timezone,
            lang=self.lang,
            casefile=self.abri.casefile,
            draft=draft,
            keep_draft=keep,
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

    # -- bulk add ------------------------------------------------------------------------

    def action_bulk_add(self) -> None:
        """Paste many URLs, one per line: one entry each, duplicates skipped and reported."""
        if self._read_only():
            return

        def pasted(text: str | None) -> None:
            if text:
                self.bulk_add(text)

        self.app.push_screen(BulkAddDialog(lang=self.lang), pasted)

    def bulk_add(self, text: str) -> list[Evidence]:
        """Add one entry per URL line of ``text``; report duplicates and unreadable lines."""
        known: dict[str, str] = {}
        for entry in self.case.evidence:
            for url in (entry.url, entry.url_original):
                key = normalised_url(url)
                if key:
                    known.setdefault(key, entry.id)
        added: list[Evidence] = []
        ids = new_ids(self.case)
        next_id = next(ids)
        duplicates: list[str] = []
        problems: list[str] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            shown = one_line(line, 80)
            try:
                entry = new_entry_from_url(next_id, line, self.lang)
            except UrlError as error:
                problems.append(
                    self.tr("evidence.bulk.bad", line=number, url=shown, error=str(error))
                )
                continue
            key = normalised_url(entry.url)
            if key in known:
                duplicates.append(
                    self.tr("evidence.bulk.duplicate", line=number, url=shown, id=known[key])
                )
                continue
            known[key] = entry.id
            added.append(entry)
            next_id = next(ids)
        self.add_entries(added, detail=self._bulk_detail(added))
        report = [self.tr("evidence.bulk.added", count=len(added))]
        if duplicates:
            report.append(self.tr("evidence.bulk.duplicates", count=len(duplicates)))
            report.extend(duplicates)
        if problems:
            report.append(self.tr("evidence.bulk.problems", count=len(problems)))
            report.extend(problems)
        if duplicates or problems:
            self.app.push_screen(
                MessageDialog(self.tr("evidence.bulk.report"), "\n".join(report), lang=self.lang)
            )
        else:
            self.notify(report[0], markup=False, timeout=4)
        return added

    def _bulk_detail(self, added: list[Evidence]) -> str:
        if not added:
            return ""
        if len(added) == 1:
            return added[0].id
        return f"{added[0].id}-{added[-1].id} ({len(added)})"

    # -- a folder of screenshots ---------------------------------------------------------

    def action_import_folder(self) -> None:
        """Pick a folder: one entry per image in it, the screenshot attached to each."""
        if self._read_only():
            return

        def picked(folder: Path | None) -> None:
            if folder is not None:
                self.import_folder(folder)

        self.app.push_screen(FilePicker(Path.cwd(), folder=True, lang=self.lang), picked)

    def import_folder(self, folder: Path) -> list[Evidence]:
        """Add one entry per image of ``folder`` (time from the image when it says)."""
        from tui.core.attachments import AttachError, attach_file, image_files

        casefile = self.abri.casefile
        added: list[Evidence] = []
        problems: list[str] = []
        ids = new_ids(self.case)
        next_id = next(ids)
        try:
            images = image_files(folder)
        except AttachError as error:
            self.notify(one_line(str(error), 300), markup=False, severity="warning")
            return []
        for path in images:
            entry = Evidence(id=next_id)
            try:
                result = attach_file(casefile, entry, path)
            except (AttachError, OSError) as error:
                problems.append(f"{one_line(path.name, 80)}: {error}")
                continue
            if result.reused:
                # Same content as a file already in the case: nothing copied, no new entry.
                problems.append(self.tr("evidence.folder.duplicate", name=one_line(path.name, 80)))
                continue
            attachment = result.attachment
            next_id = next(ids)
            entry = replace(
                entry,
                attachments=[attachment],
                posted_at=attachment.taken_at,
                posted_at_source=attachment.taken_at_source if attachment.taken_at else "",
            )
            # In the case at once, so the next image with the same content is recognised.
            self.case.evidence.append(entry)
            added.append(entry)
        self.add_entries(added, detail=self._bulk_detail(added), appended=True)
        summary = self.tr("evidence.folder.added", count=len(added))
        if problems:
            self.app.push_screen(
                MessageDialog(
                    self.tr("evidence.folder.report"),
                    "\n".join([summary, *problems]),
                    lang=self.lang,
                )
            )
        else:
            self.notify(summary, markup=False, timeout=4)
        return added
