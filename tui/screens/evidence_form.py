"""The form that adds or edits one evidence entry, keyboard only.

It opens with the cursor in the URL field.  Pasting a post's URL fills the
platform, post ID, handle and the publication time decoded from the ID; the time
is shown as a *suggestion with its source* ("decoded from the post ID") that the
person may overwrite, and then it is recorded as typed.  ``tab`` walks through the
fields, ``ctrl+s`` saves, ``escape`` asks before throwing typed data away.

Invalid input (a bad URL, an impossible date, a non-numeric X account ID, an
unreadable screenshot path, a post already in the case) gets one sentence under its
field and the form stays open with everything typed.

Saving hands the entry to the case session (:mod:`tui.core.session`), which
validates, journals and saves it; screenshots are first copied into the staging
folder in a worker thread (``escape`` stops the copy; nothing is left behind), so
the screen never freezes on a large file.  The form closes with a
:class:`FormResult` only once the session has accepted the entry.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from tui.core.case import CATEGORIES, Draft, Evidence, Report, now
from tui.core.i18n import t
from tui.core.platforms import (
    PLATFORMS,
    PostInfo,
    UrlError,
    check_account_id,
    decode_id_time,
    parse_url,
)
from tui.core.text import one_line
from tui.core.textedit import EditableText
from tui.core.timeparse import TimeParseError, format_datetime, parse_datetime
from tui.screens.evidence_dialogs import ConfirmDialog, FilePicker, PathSuggester, plain
from tui.widgets.evidence_rows import category_label
from tui.widgets.status import KeysFooter
from tui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from tui.core.session import CaseSession, ChangeReport, StageReport

FAT_LIMIT = 4 * 1024**3 - 1
"""Largest file a FAT32 stick can hold."""

FORM_REPORT_PLACES: tuple[str, ...] = ("platform", "pharos", "police")
"""Where an entry may already have been reported, one line each in the form."""

DRAFT_DELAY = 0.7
"""Seconds after the last key before the draft is written into the case."""

MULTILINE = frozenset(("content", "notes"))

ID_TIME_TOLERANCE = timedelta(minutes=10)
"""A typed publication time further than this from the post ID's is pointed out (IDs
are exact to the second or the millisecond; a typed time is to the minute, and
TikTok and Threads IDs are minted a little before publication)."""
"""Fields that keep their newlines (the others show them as ↵)."""


def typed_format_character(event: events.Key) -> str | None:
    """The character of a typed key that is text Textual would drop, else None.

    Textual inserts only keys whose character ``str.isprintable()``, which is False
    for Unicode format characters (category Cf): a typed RIGHT-TO-LEFT OVERRIDE
    vanished, and an emoji picker's family 👩‍👩‍👧 lost its ZERO WIDTH JOINERs, while
    a paste kept them.  Evidence is stored as typed, so those are text.  Control
    characters (Cc) are never returned: they are keys (enter, tab, ctrl+…).
    """
    char = event.character
    if char is not None and len(char) == 1 and unicodedata.category(char) == "Cf":
        return char
    return None


UNDO_PAUSE = 1.0
"""Seconds without typing after which the next change in a one-line field is a new
``ctrl+z`` step (typing a word is one step, not one per letter)."""

UNDO_STEPS = 100
"""``ctrl+z`` steps each one-line field remembers."""


def _taken_away(old: str, new: str) -> int:
    """How many characters of ``old`` a change to ``new`` removed or replaced (the text
    before and after the change kept as it was)."""
    if new.startswith(old):
        return 0  # typed at the end
    if old.startswith(new):
        return len(old) - len(new)  # erased at the end
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return len(old) - start - end


class FieldInput(Input):
    """A one-line field of the form that keeps the whole of a paste, and typed text,
    and gives back what one key replaced (``ctrl+z``).

    Textual's ``Input`` keeps only the first line of a pasted text: "Regardez ce
    post" + newline + the address, as a phone's share sheet copies it, lost the
    address without a word.  The form shows each line break kept this way as ↵ and
    stores it exactly (see ``EvidenceForm._keep_input_exact``).  A typed format
    character is inserted too (:func:`typed_format_character`), shown as a marker.

    Tab into a filled field selects its text (as in a browser, and Textual's
    default): the next key replaces it.  A decoded post ID or a long handle could
    go to one stray key with no way back; ``ctrl+z`` now undoes the field's last
    change (several steps; a pasted or replaced text is always its own step), as it
    does in the form's multi-line fields.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "evidence.key.undo", show=False, id="evidence-field-undo"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set first: Input's constructor sets the initial value, which is no change
        # to undo (``_undoing`` keeps it out of the steps).
        self._undo_steps: list[str] = []
        """Earlier values of this field, the latest last."""
        self._last_change = 0.0
        self._undoing = True
        super().__init__(*args, **kwargs)
        self._undoing = False

    def watch_value(self, old: str, new: str) -> None:
        """Remember what the field held before a change (a new step after a pause, or
        when the change removed more than one character: a replaced selection)."""
        if self._undoing or old == new:
            return
        now = time.monotonic()
        removed = _taken_away(old, new)
        if not self._undo_steps or now - self._last_change > UNDO_PAUSE or removed > 1:
            self._undo_steps.append(old)
            del self._undo_steps[:-UNDO_STEPS]
        self._last_change = now

    def action_undo(self) -> None:
        """Put back what the field held before its last change."""
        if not self._undo_steps:
            return
        value = self._undo_steps.pop()
        self._undoing = True
        try:
            self.value = value
        finally:
            self._undoing = False
        self.cursor_position = len(value)  # at its end, as when it was typed
        self._last_change = 0.0  # the next change is a step of its own

    async def _on_key(self, event: events.Key) -> None:
        # Runs before Input's own handler, which prevent_default() skips.
        char = typed_format_character(event)
        if char is None:
            return
        event.stop()
        event.prevent_default()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(char)
        else:
            self.replace(char, *selection)

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(event.text)
            else:
                self.replace(event.text, *selection)
        event.prevent_default()  # not Input's own handler too (it would add the first line)
        event.stop()


class FieldArea(TextArea):
    """A multi-line field of the form (content, notes) that inserts typed format
    characters (:func:`typed_format_character`) instead of dropping them."""

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea's own handler, which prevent_default() skips.
        char = typed_format_character(event)
        if char is None or self.read_only:
            return
        event.stop()
        event.prevent_default()
        self._replace_via_keyboard(char, *self.selection)


@dataclass
class FormResult:
    """What saving the form did: the session's report (the entry is in the case)."""

    report: ChangeReport
    capture: bool = False
    """Saved with "save and capture": the evidence table captures the entry next."""
    entry_id: str = ""


def check_file(path: Path, lang: str) -> str | None:
    """None when ``path`` can be attached, else one sentence saying why not."""
    try:
        if not path.exists():
            return t("evidence.shot.missing", lang, path=str(path))
        if not path.is_file():
            return t("evidence.shot.not-file", lang, path=str(path))
        size = path.stat().st_size
        if not os.access(path, os.R_OK):
            return t("evidence.shot.unreadable", lang, path=str(path))
    except OSError:
        return t("evidence.shot.unreadable", lang, path=str(path))
    if size > FAT_LIMIT:
        return t("evidence.shot.too-big", lang, path=str(path))
    return None


class EvidenceForm(ModalScreen[FormResult | None]):
    """Add or edit one entry (see the module docstring for the keys)."""

    AUTO_FOCUS = "#url"
    """The form opens with the cursor in the URL field (keys typed ahead go there)."""
    HELP_TOPICS: ClassVar[tuple[str, ...]] = ("capture.help.x_id_by_hand",)
    """How-tos help (f1) shows after this screen's keys (with their source and date)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "evidence.key.save", priority=True, id="evidence-form-save"),
        Binding("escape", "cancel", "evidence.key.cancel", id="evidence-form-cancel"),
        Binding("ctrl+o", "browse", "evidence.key.browse", id="evidence-form-browse"),
        Binding(
            "ctrl+g", "save_capture", "capture.tui.key.save-capture", id="evidence-form-capture"
        ),
    ]

    def __init__(
        self,
        entry: Evidence,
        *,
        is_new: bool,
        timezone: str,
        lang: str,
        session: CaseSession | None,
        draft: Draft | None = None,
    ) -> None:
        super().__init__(id="evidence-form")
        self.draft = draft
        """What was typed in this form before (kept in the case), offered back."""
        self.draft_key = "new" if is_new else entry.id
        self._decided = False
        self._draft_timer: Timer | None = None
        self._kept: Draft | None = draft
        self._latest: Draft | None = None
        """What the fields held after the last change (kept if the form is taken down)."""
        self.entry = entry
        self.is_new = is_new
        self.tz = timezone
        self.lang = lang
        self.session = session
        self._then_capture = False
        """Saving was asked with ``ctrl+g``: capture the entry once it is saved."""
        self._url_before = ""
        self._url_arrived = ""
        """The URL field's text as it last arrived whole (pasted, restored)."""
        self._copying: threading.Event | None = None
        """Set while screenshots are being copied in (``escape`` stops the copy)."""
        self.pending: list[Path] = []
        """Screenshots chosen in this form, copied in when it is saved."""
        self._info: PostInfo | None = None
        # What the form filled in by itself, so typing over it is noticed and kept.
        self._auto: dict[str, str] = {}
        self._auto_time: datetime | None = entry.posted_at
        self._auto_time_source: str = entry.posted_at_source
        self._auto_time_text = self._fmt(entry.posted_at) if entry.posted_at else ""
        self._initial: dict[str, Any] = {}
        self._fields: dict[str, EditableText] = {}
        """Each text field's exact stored text behind what it shows (see textedit)."""
        self._given: dict[str, str] = {}
        """The stored value each field opened with."""

    # -- helpers -------------------------------------------------------------------

    def _fmt(self, when: datetime | None) -> str:
        return format_datetime(when, self.tz, self.lang) if when is not None else ""

    def _tr(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def _label(self, key: str) -> Static:
        return Static(plain(self._tr(key)), classes="field-label")

    def _note(self, id: str) -> Static:
        return Static("", id=id, classes="field-note")

    def _set_note(self, id: str, text: str, *, error: bool = False) -> None:
        note = self.query_one(f"#{id}", Static)
        note.update(plain(one_line(text, 400)) if text else "")
        note.set_class(error, "-error")

    def _shown(self, id: str, original: str) -> str:
        """What a field shows for a stored value: control codes made visible.

        Input and TextArea would send ESC or bidi characters to the terminal as they
        are; the field shows the visible form and :class:`EditableText` keeps the
        exact characters behind it, edit after edit (:meth:`_typed` gives them back).
        """
        field = EditableText(original, one_line=id not in MULTILINE)
        self._fields[id] = field
        self._given[id] = original
        return field.shown

    def _typed(self, id: str, *, strip: bool = True) -> str:
        """A text field's exact value: what was stored, with the person's edits."""
        field = self._fields.get(id)
        if field is None:
            widget = self.query_one(f"#{id}")
            return str(
                widget.text if isinstance(widget, TextArea) else getattr(widget, "value", "")
            )
        widget = self.query_one(f"#{id}")
        current = widget.text if isinstance(widget, TextArea) else getattr(widget, "value", "")
        if current != field.shown:
            field.edit(current)  # its Changed message has not reached the form yet
        value = field.stored
        if strip and value != self._given.get(id):
            value = value.strip()
        return value

    def _field(self, id: str) -> EditableText:
        field = self._fields.get(id)
        if field is None:
            field = self._fields[id] = EditableText("", one_line=id not in MULTILINE)
            self._given[id] = ""
        return field

    @on(Input.Changed)
    def _keep_input_exact(self, event: Input.Changed) -> None:
        # A paste may carry control codes: they are kept, shown as visible markers.
        if not event.input.id:
            return
        shown, cursor = self._field(event.input.id).edit(event.value)
        if shown != event.value:
            event.input.value = shown
            event.input.cursor_position = cursor

    @on(TextArea.Changed)
    def _keep_text_exact(self, event: TextArea.Changed) -> None:
        area = event.text_area
        if not area.id:
            return
        text = area.text
        shown, cursor = self._field(area.id).edit(text)
        if shown != text:
            area.text = shown
            row = shown.count("\n", 0, cursor)
            area.cursor_location = (row, cursor - (shown.rfind("\n", 0, cursor) + 1))

    def _value(self, id: str) -> str:
        return self.query_one(f"#{id}", Input).value

    def _set_value(self, id: str, value: str) -> None:
        self.query_one(f"#{id}", Input).value = value

    def _report(self, place: str) -> Report | None:
        for report in self.entry.reports:
            if report.place == place:
                return report
        return None

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        entry = self.entry
        title = "evidence.form.title-new" if self.is_new else "evidence.form.title-edit"
        platforms: list[tuple[Text, str]] = [(Text(name), key) for key, name in PLATFORMS.items()]
        platforms.append((Text(self._tr("evidence.form.platform-other")), ""))
        if entry.platform and entry.platform not in PLATFORMS:
            platforms.append((Text(one_line(entry.platform, 40)), entry.platform))
        with VerticalScroll(id="form-body"):
            yield Static(plain(self._tr(title, id=entry.id)), classes="form-title")
            yield self._label("evidence.field.url")
            yield FieldInput(
                self._shown("url", entry.url_original or entry.url),
                id="url",
                placeholder=self._tr("evidence.field.url-placeholder"),
                compact=True,
            )
            yield self._note("url-note")
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield self._label("evidence.field.platform")
                    # No type-to-search: the URL fills this choice, and words typed by
                    # someone who thought they were in the next field picked another
                    # platform without a word ("th…" made an X post a Threads one).
                    yield Select(
                        platforms,
                        id="platform",
                        allow_blank=False,
                        value=entry.platform,
                        compact=True,
                        type_to_search=False,
                    )
                with Vertical(classes="form-cell"):
                    yield self._label("evidence.field.post-id")
                    yield FieldInput(
                        self._shown("post-id", entry.post_id), id="post-id", compact=True
                    )
            yield self._label("evidence.field.posted-at")
            yield FieldInput(
                self._auto_time_text,
                id="posted-at",
                placeholder=self._tr("evidence.field.posted-at-placeholder"),
                compact=True,
            )
            yield self._note("posted-at-note")
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield self._label("evidence.field.account-id")
                    yield FieldInput(
                        self._shown("account-id", entry.account_id), id="account-id", compact=True
                    )
                with Vertical(classes="form-cell"):
                    yield self._label("evidence.field.handle")
                    yield FieldInput(
                        self._shown("handle", entry.account_handle),
                        id="handle",
                        placeholder="@",
                        compact=True,
                    )
            yield self._note("account-id-note")
            yield self._label("evidence.field.content")
            yield FieldArea(self._shown("content", entry.content), id="content", soft_wrap=True)
            yield self._label("evidence.field.categories")
            yield TickList(
                *[(category_label(c, self.lang), c, c in entry.categories) for c in CATEGORIES],
                id="categories",
            )
            yield self._label("evidence.field.screenshots")
            yield Static("", id="shots-list", classes="field-note")
            yield FieldInput(
                "",
                id="shot-path",
                suggester=PathSuggester(),
                placeholder=self._tr("evidence.field.shot-placeholder"),
                compact=True,
            )
            yield self._note("shot-note")
            yield self._label("evidence.field.notes")
            yield FieldArea(self._shown("notes", entry.notes), id="notes", soft_wrap=True)
            yield self._label("evidence.field.reports")
            for place in FORM_REPORT_PLACES:
                report = self._report(place)
                with Horizontal(classes="form-row report-row"):
                    yield Static(
                        plain(self._tr(f"evidence.report.{place}")), classes="report-place"
                    )
                    yield FieldInput(
                        self._fmt(report.date) if report and report.date else "",
                        id=f"report-{place}-date",
                        placeholder=self._tr("evidence.field.report-date"),
                        compact=True,
                    )
                    yield FieldInput(
                        self._shown(f"report-{place}-ref", report.reference if report else ""),
                        id=f"report-{place}-ref",
                        placeholder=self._tr("evidence.field.report-ref"),
                        compact=True,
                    )
                yield self._note(f"report-{place}-note")
            yield Static(plain(self._tr("evidence.form.keys")), classes="form-keys")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show_shots()
        self._show_time_note()
        if self.entry.url or self.entry.url_original:
            try:
                self._info = parse_url(self.entry.url_original or self.entry.url, lang=self.lang)
            except UrlError:
                self._info = None
        self._initial = self._values()
        if self.draft is not None:
            self._restore(self.draft)
        self.query_one("#url", Input).focus()
        # The title (with the entry's ID) stays in sight above the URL field.
        body = self.query_one("#form-body", VerticalScroll)
        self.call_after_refresh(body.scroll_home, animate=False)

    # -- drafts: nothing typed is lost (another area, quitting, a crash) ------------------

    def current_draft(self) -> Draft:
        """Everything typed or chosen in the form now, exactly."""
        texts = {
            widget.id: self._typed(widget.id, strip=False)
            for widget in self.query(Input)
            if widget.id
        }
        for id in MULTILINE:
            texts[id] = self._typed(id, strip=False)
        return Draft(
            at=now(),
            fields={id: value for id, value in texts.items() if id and value},
            categories=tuple(sorted(self.query_one("#categories", SelectionList).selected)),
            platform=self._platform(),
            pending=tuple(str(path) for path in self.pending),
        )

    def keep_draft_now(self) -> None:
        """Write what was typed into the case (as a draft), if anything was typed."""
        if self._decided or self.session is None or self.session.read_only:
            return
        try:
            draft = self.current_draft() if self.is_dirty() else None
        except NoMatches:  # the form is being taken down: what was typed last is kept
            draft = self._latest
        if draft is None or not self._initial:
            return
        if self._kept is not None and replace(self._kept, at=draft.at) == draft:
            return
        self._kept = draft
        self.session.set_draft(self.draft_key, draft)

    def _restore(self, draft: Draft) -> None:
        """Put a kept draft back in the fields (exact texts, ticks, platform, files)."""
        for widget in self.query(Input):
            if widget.id and widget.id in draft.fields:
                widget.value = self._shown(widget.id, draft.fields[widget.id])
        for id in MULTILINE:
            if id in draft.fields:
                area = self.query_one(f"#{id}", TextArea)
                area.text = self._shown(id, draft.fields[id])
                # Going on typing continues the text (the cursor was at its start: a
                # trial's next words landed before what had been kept).
                area.move_cursor(area.document.end)
        categories = self.query_one("#categories", SelectionList)
        categories.deselect_all()
        for value in draft.categories:
            categories.select(value)
        self.query_one("#platform", Select).value = draft.platform
        self.pending = [Path(path) for path in draft.pending]
        self._show_shots()
        self._mark_auto()

    def _mark_auto(self) -> None:
        """Fields whose text is what the URL gives count as filled from it (they follow it)."""
        try:
            info = parse_url(self._typed("url"), lang=self.lang)
        except UrlError:
            return
        self._info = info
        self._auto["platform"] = info.platform
        if info.posted_at is not None and self._value("posted-at") == self._fmt(info.posted_at):
            self._auto_time = info.posted_at
            self._auto_time_source = info.posted_at_source or "post-id"
            self._auto_time_text = self._fmt(info.posted_at)
        for id, value in (
            ("post-id", info.post_id),
            ("handle", info.handle),
            ("account-id", info.account_id),
        ):
            if value and self._value(id) == value:
                self._auto[id] = value

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _remember_typing(self) -> None:
        """Keep a draft a moment after the last key (a crash loses seconds, not an entry)."""
        if not self.is_mounted or not self._initial or self.session is None:
            return
        with contextlib.suppress(NoMatches):
            self._latest = self.current_draft() if self.is_dirty() else None
        # A new timer each time: a one-shot timer that already fired cannot be reset
        # (Textual's reset() only restarts a running one), and the draft must follow
        # every pause, not only the first.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft_now)

    def on_unmount(self) -> None:
        """Closed without save or cancel (another area, the palette): keep the draft."""
        self.keep_draft_now()

    def dismiss(self, result: FormResult | None = None) -> Any:
        """Close with a decision (saved, or thrown away after asking): the draft goes."""
        self._decided = True
        if self.session is not None and not self.session.read_only:
            self.session.set_draft(self.draft_key, None)
        return super().dismiss(result)

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            widget.id: widget.value for widget in self.query(Input) if widget.id
        }
        values["content"] = self.query_one("#content", TextArea).text
        values["notes"] = self.query_one("#notes", TextArea).text
        values["categories"] = sorted(self.query_one("#categories", SelectionList).selected)
        values["platform"] = self.query_one("#platform", Select).value
        values["pending"] = list(self.pending)
        return values

    def is_dirty(self) -> bool:
        """True when something was typed or chosen since the form opened."""
        return self._values() != self._initial

    # -- reacting to typing ----------------------------------------------------------

    def _autofill(self, id: str, value: str) -> None:
        """Fill a field from the URL (or empty it) unless the person typed something else."""
        current = self._value(id)
        if not current or current == self._auto.get(id):
            if current != value:
                self._set_value(id, value)
            self._auto[id] = value

    def _follow_url(self, info: PostInfo | None) -> None:
        """Every field the URL decides follows it: filled from the new URL, emptied when
        the URL is cleared or not a web address — unless the person typed it by hand."""
        platform = self.query_one("#platform", Select)
        if platform.value == self._auto.get("platform", "") or "platform" not in self._auto:
            wanted = info.platform if info is not None else ""
            if platform.value != wanted and (info is not None or "platform" in self._auto):
                platform.value = wanted
            self._auto["platform"] = wanted
        self._autofill("post-id", info.post_id if info is not None else "")
        self._autofill("handle", info.handle if info is not None else "")
        self._autofill("account-id", info.account_id if info is not None else "")
        current = self._value("posted-at")
        if not current or current == self._auto_time_text:
            when = info.posted_at if info is not None else None
            self._auto_time = when
            self._auto_time_source = (
                (info.posted_at_source or "post-id") if info is not None and when else ""
            )
            self._auto_time_text = self._fmt(when)
            if current != self._auto_time_text:
                self._set_value("posted-at", self._auto_time_text)

    @on(Input.Changed, "#url")
    def url_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        # Text that arrived whole (a paste, a restored draft) rather than key by key:
        # share-sheet words around the address may be left out of it (the note says
        # so); words typed afterwards may not (see build).
        if len(event.value) - len(self._url_before) > 1:
            self._url_arrived = text
        self._url_before = event.value
        # Opening the form on an existing entry must not overwrite what was recorded:
        # fields follow the URL only once the person changes it.
        # (A field filled from an earlier URL follows it even back to empty: ctrl+u.)
        changed = text != (self.entry.url_original or self.entry.url).strip() or any(
            self._auto.values()
        )
        if not text:
            self._info = None
            if changed:
                self._follow_url(None)
            self._set_note("url-note", "")
            self._show_time_note()
            return
        try:
            info = parse_url(text, lang=self.lang)
        except UrlError as error:
            self._info = None
            if changed:
                self._follow_url(None)
            self._set_note("url-note", str(error), error=True)
            self._show_time_note()
            return
        self._info = info
        if changed:
            self._follow_url(info)
        self._set_note("url-note", self._describe(info))
        self._show_time_note()

    def _describe(self, info: PostInfo) -> str:
        parts = [PLATFORMS.get(info.platform, self._tr("evidence.form.platform-other"))]
        if info.post_id:
            parts.append(self._tr("evidence.form.post", id=info.post_id))
        if info.handle:
            parts.append("@" + info.handle)
        note = " · ".join(parts)
        typed = self._value("handle").strip().lstrip("@")
        if info.handle and typed and typed != info.handle and typed != self._auto.get("handle"):
            # Typed by hand: kept, and the difference is pointed out (a renamed account?).
            note += " — " + self._tr("evidence.form.handle-differs", typed=typed, url=info.handle)
        if info.warning:
            note += " — " + info.warning
        return note

    @on(Input.Changed, "#posted-at")
    @on(Input.Changed, "#post-id")
    def time_changed(self, event: Input.Changed) -> None:
        self._show_time_note()

    def _show_time_note(self) -> None:
        text = self._value("posted-at").strip() if self.is_mounted else ""
        if not text:
            self._set_note("posted-at-note", self._tr("evidence.time.empty"))
            return
        if text == self._auto_time_text and self._auto_time is not None:
            source = self._auto_time_source or "typed"
            exact = format_datetime(self._auto_time, self.tz, self.lang, seconds=True)
            self._set_note(
                "posted-at-note",
                self._tr(f"evidence.time.source.{source or 'typed'}")
                + " — "
                + self._tr("evidence.time.suggestion", exact=exact, zone=self.tz),
            )
            return
        try:
            when = parse_datetime(text, self.tz, lang=self.lang)
        except (TimeParseError, ValueError) as error:
            self._set_note("posted-at-note", str(error), error=True)
            return
        note = self._tr("evidence.time.typed", when=format_datetime(when, self.tz, self.lang))
        decoded = self._id_time()
        differs = decoded is not None and abs(when - decoded) > ID_TIME_TOLERANCE
        if differs and decoded is not None:
            # Not refused (the person may know better), but said where it is typed: a
            # dossier stating one date beside an ID that decodes to another is doubted.
            shown = format_datetime(decoded, self.tz, self.lang, seconds=True)
            note += " — " + self._tr("evidence.time.differs-from-id", id_time=shown, zone=self.tz)
        self._set_note("posted-at-note", note, error=differs)

    def _id_time(self) -> datetime | None:
        """The publication time the post ID in the form carries, if it carries one."""
        post_id = self._value("post-id").strip() if self.is_mounted else ""
        if not post_id:
            return None
        decoded, _warning = decode_id_time(self._platform(), post_id, lang=self.lang)
        return decoded

    @on(Input.Changed, "#account-id")
    @on(Select.Changed, "#platform")
    def account_changed(self) -> None:
        problem = check_account_id(self._platform(), self._value("account-id").strip(), self.lang)
        self._set_note("account-id-note", problem or "", error=problem is not None)

    def _platform(self) -> str:
        value = self.query_one("#platform", Select).value
        return value if isinstance(value, str) else ""

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on (as tab does); in the screenshot path it adds the file."""
        event.stop()
        if event.input.id == "shot-path":
            self._add_path(event.value)
            return
        self.focus_next()

    def _add_path(self, value: str) -> bool:
        text = value.strip()
        if not text:
            return True
        path = Path(os.path.expanduser(text))
        problem = check_file(path, self.lang)
        if problem:
            self._set_note("shot-note", problem, error=True)
            return False
        if path not in self.pending:
            self.pending.append(path)
        self._set_value("shot-path", "")
        self._set_note("shot-note", "")
        self._show_shots()
        return True

    def _show_shots(self) -> None:
        names = [one_line(a.original_name or a.path, 60) for a in self.entry.attachments]
        pending = self._tr("evidence.shot.pending")
        names += [f"{one_line(p.name, 60)} {pending}" for p in self.pending]
        text = ", ".join(names) if names else self._tr("evidence.shot.none")
        self.query_one("#shots-list", Static).update(plain(text))

    def action_browse(self) -> None:
        """Pick a screenshot with the keyboard file browser."""
        typed = self._value("shot-path").strip()
        near = FilePicker.start_near(self.session.path if self.session else None)
        start = Path(os.path.expanduser(typed)) if typed else near
        if not start.is_dir():
            start = start.parent if start.parent.is_dir() else near

        def picked(path: Path | None) -> None:
            if path is not None:
                self._add_path(str(path))
            self.query_one("#shot-path", Input).focus()

        self.app.push_screen(FilePicker(start, folder=False, lang=self.lang), picked)

    # -- saving ------------------------------------------------------------------------

    def _fail(self, note: str, message: str, focus: str) -> None:
        """A refused save, said where the person looks: the sentence under the field,
        the field marked and focused, and "Not saved" with the reason in the status.

        (The note alone was often there already, written while typing: ctrl+s then
        seemed to do nothing.)
        """
        self._set_note(note, message, error=True)
        widget = self.query_one(f"#{focus}")
        widget.add_class("-refused")
        widget.focus()
        widget.scroll_visible(animate=False)
        self.notify(
            self._tr("evidence.form.not-saved", problem=one_line(message, 300)),
            severity="warning",
            timeout=5,  # it covers part of the form at 80×24; the note under the field stays
            markup=False,
        )

    @on(Input.Changed)
    def _edited_since_refusal(self, event: Input.Changed) -> None:
        event.input.remove_class("-refused")

    def build(self) -> Evidence | None:
        """The entry as typed, or None after pointing at the first invalid field."""
        entry = self.entry
        url_text = self._typed("url")
        url, url_original = entry.url, entry.url_original
        comment_id, approximate = entry.comment_id, entry.posted_at_approximate
        if url_text != (entry.url_original or entry.url):
            url, url_original, comment_id, approximate = "", "", "", False
            if url_text:
                try:
                    info = parse_url(url_text, lang=self.lang)
                except UrlError as error:
                    self._fail("url-note", str(error), "url")
                    return None
                if info.ignored_text and url_text.strip() != self._url_arrived:
                    # Typed words (or a second address) must not vanish on save.
                    extra = one_line(info.ignored_text, 80)
                    self._fail("url-note", self._tr("evidence.url.extra_text", text=extra), "url")
                    return None
                url, url_original = info.url, info.url_original
                if url_original == url:
                    url_original = ""
                comment_id, approximate = info.comment_id, info.posted_at_approximate
        time_text = self._value("posted-at").strip()
        posted_at: datetime | None = None
        source = ""
        if time_text:
            if time_text == self._auto_time_text and self._auto_time is not None:
                posted_at, source = self._auto_time, self._auto_time_source or "typed"
                if source != "post-id":
                    approximate = False
            else:
                try:
                    posted_at = parse_datetime(time_text, self.tz, lang=self.lang)
                except (TimeParseError, ValueError) as error:
                    self._fail("posted-at-note", str(error), "posted-at")
                    return None
                source = "typed"
                approximate = False
        else:
            approximate = False
        platform = self._platform()
        account_id = self._typed("account-id")
        problem = check_account_id(platform, account_id, self.lang)
        if problem:
            self._fail("account-id-note", problem, "account-id")
            return None
        reports = [r for r in entry.reports if r.place not in FORM_REPORT_PLACES]
        for place in FORM_REPORT_PLACES:
            date_text = self._value(f"report-{place}-date").strip()
            reference = self._typed(f"report-{place}-ref")
            if not date_text and not reference:
                continue
            old = self._report(place)
            date = None
            if date_text:
                if old is not None and old.date is not None and date_text == self._fmt(old.date):
                    date = old.date
                else:
                    try:
                        date = parse_datetime(date_text, self.tz, lang=self.lang)
                    except (TimeParseError, ValueError) as error:
                        self._fail(f"report-{place}-note", str(error), f"report-{place}-date")
                        return None
            reports.append(Report(place=place, date=date, reference=reference))
        if not self._add_path(self._value("shot-path")):
            self.query_one("#shot-path").focus()
            return None
        handle = self._typed("handle")
        if handle != entry.account_handle:
            handle = handle.removeprefix("@")
        categories = list(self.query_one("#categories", SelectionList).selected)
        categories += [c for c in entry.categories if c not in CATEGORIES]
        return replace(
            entry,
            url=url,
            url_original=url_original,
            comment_id=comment_id,
            posted_at_approximate=approximate,
            platform=platform,
            post_id=self._typed("post-id"),
            account_handle=handle,
            account_id=account_id,
            posted_at=posted_at,
            posted_at_source=source if posted_at is not None else "",  # type: ignore[arg-type]
            content=self._typed("content", strip=False),
            categories=tuple(
                [c for c in CATEGORIES if c in categories]
                + [c for c in categories if c not in CATEGORIES]
            ),
            notes=self._typed("notes", strip=False),
            reports=tuple(reports),
            attachments=entry.attachments,
        )

    def action_save(self) -> None:
        """Check every field; hand the entry to the session, or point at the problem.

        Screenshots are copied in a worker first; the form stays open (everything
        typed kept) until the session has accepted the entry.
        """
        if self._copying is not None:
            return
        entry = self.build()
        if entry is None:
            return
        if self.session is None:
            self._fail("shot-note", self._tr("evidence.shot.no-case"), "shot-path")
            return
        if self.pending:
            self._copying = threading.Event()
            self._set_note("shot-note", self._tr("evidence.shot.copying"))
            self._stage(entry, list(self.pending), self._copying)
            return
        from tui.core.session import StageReport

        self._commit(entry, StageReport())

    @work(thread=True, exclusive=True, group="form-copy", exit_on_error=False)
    def _stage(self, entry: Evidence, paths: list[Path], stop: threading.Event) -> None:
        assert self.session is not None
        stage = self.session.stage_files(paths, cancelled=stop.is_set)
        try:
            self.app.call_from_thread(self._commit, entry, stage)
        except RuntimeError:
            self.session.discard(stage)  # the app is closing

    def _commit(self, entry: Evidence, stage: StageReport) -> None:
        """Back on the UI thread: give the entry and its copied files to the session."""
        self._copying = None
        then_capture, self._then_capture = self._then_capture, False
        session = self.session
        assert session is not None
        if stage.cancelled:
            self._set_note("shot-note", self._tr("evidence.shot.cancelled"))
            return
        if stage.refused:
            session.discard(stage)
            self._fail("shot-note", stage.refused[0].reason, "shot-path")
            return
        try:
            if self.is_new:
                report = session.add_entry(entry, stage.files)
            else:
                report = session.edit_entry(entry, stage.files)
        except Exception as error:  # ReadOnlyError: the case cannot be changed
            self._fail("url-note", str(error), "url")
            return
        problems = report.duplicates or report.refused
        if problems:
            self._fail("url-note", problems[0].reason, "url")
            return
        self.pending = []
        entry_id = (report.added or report.changed or (entry.id,))[-1]
        self.dismiss(FormResult(report, then_capture, entry_id))

    def action_save_capture(self) -> None:
        """Save, then capture the entry's page (the table asks before going online)."""
        self._then_capture = True
        try:
            self.action_save()
        finally:
            if self._copying is None:
                self._then_capture = False  # refused at once: a later ctrl+s only saves

    def action_cancel(self) -> None:
        """Close without saving; asks first when something was typed.

        While screenshots are being copied, ``escape`` stops the copy instead.
        """
        if self._copying is not None:
            self._copying.set()
            return
        if not self.is_dirty():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(self._tr("evidence.confirm.discard"), lang=self.lang), answered
        )
