"""The calm steps (panic mode): one thing to do at a time, in plain words.

A welcome page ("You are not alone", the emergency numbers), then the steps of
the method one by one, then a calm closing page.  ``enter`` marks a step done and
goes on, ``s`` skips it, ``left`` / ``right`` move without marking.  Each step's
state (done / skipped, with the time) and the step to resume at are written into
the case at once through the case session (``set_step``, ``show_step``), so a
person who stops halfway on one machine picks up on another where they left off.

The words come from :mod:`tui.core.content` (data files per language); this
module only lays them out.  Text from the case (its title, the platform ids of a
possibly tampered file) goes through :mod:`tui.core.text` and is shown as
``Content``, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.core.case import Case, StepStatus
from tui.core.content import FINISHED, CalmContent, ContentError, Step, load_calm
from tui.core.i18n import format_day, t
from tui.core.text import one_line
from tui.shell import shell
from tui.widgets.status import KeysFooter, StatusLine

if TYPE_CHECKING:
    from textual.widgets import SelectionList

    from tui.shell import Shell
    from tui.widgets.platform_list import PlatformList

WELCOME = ""
"""Position of the welcome page (also the value of ``current_step`` before step one)."""

NAMES_SHOWN = 3
"""Apps named on a step before "and N others"."""

NAME_LIMIT = 50
"""Characters shown of a platform id that has no guide (a tampered file may hold 100 KB)."""


def format_moment(moment: datetime, timezone: str, lang: str) -> str:
    """A step's time in the case's zone: ``23/11/2026 14:32`` (fr), ``2026-11-23 14:32`` (en)."""
    try:
        zone: Any = ZoneInfo(timezone)
    except (ValueError, OSError, KeyError):
        zone = UTC  # a bad zone name in a tampered file must not hide the time
    local = moment.astimezone(zone)
    return local.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


class StepBody(VerticalScroll, inherit_bindings=False):
    """The scrolling text of a step: up/down scroll it, left/right stay free for moving
    between steps (and so show in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "scroll_end", show=False),
    ]


class CalmScreen(Screen[None]):
    """The calm steps: welcome, one step per screen, closing; progress saved at once."""

    RECOMPOSE_ON_LANGUAGE = False
    """The screen keeps its position and redraws itself when the language changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "begin", "calm.key.begin", id="calm-begin"),
        # On the welcome page "right" begins too (its own "next" key stays out of the footer).
        Binding("right", "begin", "calm.key.begin", id="calm-begin-right", show=False),
        Binding("enter", "step_done", "calm.key.done", id="calm-done"),
        Binding("s", "step_skip", "calm.key.skip", id="calm-skip"),
        Binding("left", "step_previous", "calm.key.previous", id="calm-previous"),
        Binding("right", "step_next", "calm.key.next", id="calm-next"),
        Binding("e", "open_evidence", "calm.key.evidence", id="calm-evidence"),
        Binding("x", "open_export", "calm.key.export", id="calm-export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._at: str = WELCOME
        """Where the person is: WELCOME, a step id, or FINISHED."""
        self._platform_options: tuple[str, ...] | None = None
        """The (lang, ids...) the platform list was last filled for."""
        self._broken = ""
        """Why the content files could not be loaded ("" when they could)."""
        self._platforms: PlatformList | None = None
        """The platform picker, created the first time the platforms step is shown."""
        self._away = False
        """Another screen was shown over or instead of this one since it was last drawn."""

    # --- access to the app ----------------------------------------------------------

    @property
    def abri(self) -> Shell:
        """The app, typed."""
        return shell(self.app)

    @property
    def lang(self) -> str:
        """The app's current language."""
        return str(getattr(self.app, "lang", "en"))

    def tr(self, key: str, **params: Any) -> str:
        """A message of the ``calm`` area in the current language (plain text)."""
        return t(key, self.lang, **params)

    def case(self) -> Case:
        """The open case."""
        return self.abri.case

    def content(self) -> CalmContent:
        """The calm-step texts of the current language (cached by the loader)."""
        return load_calm(self.lang)

    def _loaded(self) -> CalmContent | None:
        """The texts, or None (and the reason in ``_broken``) if a content file is broken."""
        try:
            content = self.content()
        except ContentError as error:
            self._broken = str(error)
            return None
        self._broken = ""
        return content

    def sequence(self) -> list[Step]:
        """The steps in order, with one locking step per chosen platform."""
        return self.content().sequence(self.case().platforms)

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Status line, progress line, the step's scrolling text, the keys."""
        yield StatusLine()
        yield Static(id="calm-progress", markup=False)
        with StepBody(id="calm-body"):
            yield Static(id="calm-title", markup=False)
            yield Static(id="calm-text", markup=False)
            yield Static(id="calm-extra", markup=False)
            # The platform picker (#calm-platforms) comes here, once it is needed.
            yield Static(id="calm-phone", markup=False)
            yield Static(id="calm-why", markup=False)
            yield Static(id="calm-hint", markup=False)
            yield Static(id="calm-source", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        """Listen for changes, then show where the person stopped last time."""
        self.abri.case_updated.subscribe(self, self._case_updated)
        language_changed = getattr(self.app, "language_changed", None)
        if language_changed is not None:
            language_changed.subscribe(self, self._language_changed)
        # Compact keys: the calm keys and the global ones must fit in 80 columns.
        self.query_one(KeysFooter).compact = True
        if self._loaded() is not None:
            self._at = self._resume_position()
        self.show()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        # Back from the evidence table, export or help: the platforms may not have
        # changed, but the title or the language may have; redraw from the case.  Not
        # when the screen was never left (Textual resumes a new mode's screen twice,
        # right after ``on_mount`` drew it).
        if self._away and self.is_mounted and self.app.screen is self:
            self._away = False
            self.show()

    def _case_updated(self, _action: str) -> None:
        if self._loaded() is not None:
            self._show_progress()

    def _language_changed(self, _lang: str) -> None:
        self.show()

    def _resume_position(self) -> str:
        """Where to start: the recorded step, else the first step not done yet."""
        case = self.case()
        ids = [step.id for step in self.sequence()]
        if case.current_step == FINISHED or case.current_step in ids:
            return case.current_step
        if not case.steps:
            return WELCOME
        # The recorded step is gone (platform unticked elsewhere, tampered file).
        for step_id in ids:
            if step_id not in case.steps:
                return step_id
        return FINISHED

    # --- drawing --------------------------------------------------------------------

    def _step(self) -> Step | None:
        for step in self.sequence():
            if step.id == self._at:
                return step
        return None

    def show(self) -> None:
        """Draw the current position (welcome, a step, or closing) from scratch."""
        content = self._loaded()
        if content is None:
            # Someone edited a content file and broke it: say which file and what,
            # keep every other key (help, other areas, quit) working.
            for selector in ("#calm-progress", "#calm-extra", "#calm-phone", "#calm-why"):
                self._put(selector, "")
            self._put("#calm-title", self.tr("calm.content-error"))
            self._put("#calm-text", self._broken)
            self._put("#calm-hint", self.tr("calm.content-error-hint"))
            self._put("#calm-source", "")
            if self._platforms is not None:
                self._platforms.display = False
            self.query_one(StepBody).focus()
            self.refresh_bindings()
            return
        step = self._step()
        if self._at not in (WELCOME, FINISHED) and step is None:
            self._at = self._resume_position()
            step = self._step()
        for selector in ("#calm-extra", "#calm-phone", "#calm-why", "#calm-hint", "#calm-source"):
            self._put(selector, "")
        on_platforms = step is not None and step.kind == "platforms"
        platforms = self._platform_list() if on_platforms else self._platforms
        if platforms is not None:
            platforms.display = on_platforms
        if self._at == WELCOME:
            self._show_welcome(content)
        elif step is None:
            self._put("#calm-title", content.closing.title)
            self._put("#calm-text", content.closing.text)
            self._put("#calm-hint", self.tr("calm.closing-hint"))
        else:
            self._show_step(step, content)
        self._show_progress()
        body = self.query_one(StepBody)
        body.scroll_home(animate=False)
        if platforms is not None and on_platforms:
            platforms.focus()
        else:
            body.focus()
        self.refresh_bindings()

    def _platform_list(self) -> PlatformList:
        """The platform picker, mounted after ``#calm-extra`` the first time it is needed.

        The welcome page and most steps never show it: not building it (nor importing
        Textual's selection list) keeps the first screen quick.
        """
        if self._platforms is None:
            from tui.widgets.platform_list import PlatformList

            self._platforms = PlatformList(id="calm-platforms")
            self.query_one(StepBody).mount(self._platforms, after="#calm-extra")
        return self._platforms

    def _put(self, selector: str, text: str | Content) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text if isinstance(text, Content) else Content(text))
        widget.display = bool(text)

    def _show_welcome(self, content: CalmContent) -> None:
        self._put("#calm-title", content.welcome.title)
        self._put("#calm-text", content.welcome.text)
        lines = [Content.styled(self.tr("calm.danger"), "bold")]
        from tui.core.content import load_contacts

        country = str(getattr(self.app, "help_country", "fr"))
        for contact in load_contacts(self.lang, country):
            if contact.emergency:
                lines.append(
                    Content(self.tr("calm.danger-line", how=contact.how, service=contact.service))
                )
        case = self.case()
        lines.append(Content(""))
        lines.append(Content(self.tr("calm.case-title", title=one_line(case.title, 60))))
        self._put("#calm-extra", Content("\n").join(lines))
        self._put("#calm-hint", self.tr("calm.begin-hint"))

    def _show_step(self, step: Step, content: CalmContent) -> None:
        self._put("#calm-title", step.title)
        self._put("#calm-text", step.text)
        if step.kind == "platforms":
            self._fill_platforms(content)
            self._put("#calm-hint", self.tr("calm.platforms-hint"))
        elif step.kind == "lock":
            names = [self._platform_name(content, p) for p in _unique(self.case().platforms)]
            if names:
                self._put("#calm-extra", self.tr("calm.your-platforms", names=self._names(names)))
            else:
                self._put("#calm-extra", self.tr("calm.no-platforms"))
        elif step.names_apps and self.case().platforms:
            names = [self._platform_name(content, p) for p in _unique(self.case().platforms)]
            self._put("#calm-extra", self.tr("calm.apps-line", names=self._names(names)))
        if step.kind == "evidence":
            self._put("#calm-hint", self.tr("calm.evidence-hint"))
        elif step.kind == "complaint":
            self._put("#calm-hint", self.tr("calm.complaint-hint"))
        self._put("#calm-phone", self._phone(step))
        if step.why:
            self._put(
                "#calm-why",
                Content.assemble((self.tr("calm.why"), "bold"), "\n", step.why),
            )
        self._put("#calm-source", self._source(step))

    def _names(self, names: list[str]) -> str:
        """The apps' names, the first three then "and 12 others" (the step stays short)."""
        if len(names) <= NAMES_SHOWN + 1:
            return ", ".join(names)
        return self.tr(
            "calm.more-names", names=", ".join(names[:NAMES_SHOWN]), count=len(names) - NAMES_SHOWN
        )

    def _phone(self, step: Step) -> Content:
        parts: list[str | tuple[str, str]] = []
        if step.phone:
            parts += [(self.tr("calm.on-phone"), "bold"), "\n", step.phone]
        if step.iphone or step.android:
            if parts:
                parts.append("\n")
            parts += [(self.tr("calm.on-phone"), "bold")]
            if step.iphone:
                parts += ["\n", (self.tr("calm.iphone"), "bold"), " ", step.iphone]
            if step.android:
                parts += ["\n", (self.tr("calm.android"), "bold"), " ", step.android]
        if parts and step.approximate:
            parts += ["\n", (self.tr("calm.approximate"), "italic")]
        return Content.assemble(*parts)

    def _source(self, step: Step) -> str:
        if step.verified_on:
            return self.tr(
                "calm.source-verified",
                source=step.source,
                date=format_day(step.verified_on, self.lang),
            )
        return self.tr("calm.source-unverified", source=step.source)

    def _platform_name(self, content: CalmContent, platform_id: str) -> str:
        guide = content.platform(platform_id)
        if guide is not None:
            return guide.name
        return self.tr("calm.unknown-platform", name=one_line(platform_id, NAME_LIMIT))

    def _fill_platforms(self, content: CalmContent) -> None:
        """Fill the picker: every platform with a guide, then unknown ids from the file."""
        chosen = _unique(self.case().platforms)
        key = (self.lang, *chosen)
        if key == self._platform_options:
            return
        from textual.widgets.selection_list import Selection

        self._platform_options = key
        widget = self._platform_list()
        highlighted = widget.highlighted
        options = [
            Selection(Content(guide.name), guide.id, guide.id in chosen)
            for guide in content.platforms
        ]
        known = {guide.id for guide in content.platforms}
        options += [
            Selection(Content(self._platform_name(content, p)), p, True)
            for p in chosen
            if p not in known
        ]
        widget.clear_options()
        widget.add_options(options)
        widget.highlighted = highlighted if highlighted is not None else 0

    def _show_progress(self) -> None:
        sequence = self.sequence()
        ids = [step.id for step in sequence]
        if self._at == WELCOME:
            line = self.tr("calm.progress-welcome", total=len(ids))
        elif self._at in ids:
            line = self.tr("calm.progress", n=ids.index(self._at) + 1, total=len(ids))
            state = self.case().steps.get(self._at)
            if state is not None:
                when = format_moment(state.at, self.case().timezone, self.lang)
                line += " · " + self.tr(f"calm.state-{state.status}", time=when)
        else:
            done = sum(1 for i in ids if i in self.case().steps)
            line = self.tr("calm.progress-end", done=done, total=len(ids))
        self._put("#calm-progress", line)

    # --- keys -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something here are active (and shown in the footer)."""
        if self.abri.session is None or self._loaded() is None:
            # No case (one closed, the next being opened: this screen is on its way
            # out but its footer may still be redrawn): nothing here acts.
            return False
        on_step = self._at not in (WELCOME, FINISHED)
        step = self._step() if on_step else None
        if action == "begin":
            return self._at == WELCOME
        if action in ("step_done", "step_skip"):
            return on_step
        if action == "step_next":
            return self._at not in (WELCOME, FINISHED)
        if action == "step_previous":
            return self._at != WELCOME
        if action == "open_evidence":
            return self._at == FINISHED or (step is not None and step.kind == "evidence")
        if action == "open_export":
            return self._at == FINISHED or (step is not None and step.kind == "complaint")
        return True

    def _go(self, position: str, status: StepStatus | None = None, step_id: str = "") -> None:
        """Move to ``position``, record it in the case (saved at once), redraw.

        ``status``: what the person did with ``step_id`` before moving on.  A
        read-only case (a newer format, a backup not kept yet) is not written: the
        steps still show.
        """
        self._at = position
        session = self.abri.session
        if session is not None and not session.read_only:
            if status is not None:
                session.set_step(step_id, status, then=position)
            else:
                session.show_step(position)
        self.show()

    def _following(self) -> str:
        ids = [step.id for step in self.sequence()]
        if self._at == WELCOME:
            return ids[0] if ids else FINISHED
        index = ids.index(self._at) if self._at in ids else len(ids) - 1
        return ids[index + 1] if index + 1 < len(ids) else FINISHED

    def _mark(self, status: StepStatus) -> None:
        step_id = self._at
        if step_id in (WELCOME, FINISHED):
            return
        self._go(self._following(), status, step_id)

    def action_begin(self) -> None:
        """From the welcome page to the first step."""
        self._go(self._following())

    def action_step_done(self) -> None:
        """This step is done: record it with the time, go to the next one."""
        self._mark("done")

    def action_step_skip(self) -> None:
        """Skip this step (recorded as skipped, with the time), go to the next one."""
        self._mark("skipped")

    def action_step_next(self) -> None:
        """Look at the next step without marking this one."""
        self._go(self._following())

    def action_step_previous(self) -> None:
        """Back to the previous step (or to the welcome page)."""
        ids = [step.id for step in self.sequence()]
        if self._at == FINISHED:
            previous = ids[-1] if ids else WELCOME
        elif self._at in ids and ids.index(self._at) > 0:
            previous = ids[ids.index(self._at) - 1]
        else:
            previous = WELCOME
        self._go(previous)

    def action_open_evidence(self) -> None:
        """Open the evidence table (from the "keep the evidence" step)."""
        self.app.switch_mode("evidence")

    def action_open_export(self) -> None:
        """Open the export (from the "file a complaint" step)."""
        self.app.switch_mode("export")

    def on_selection_list_selection_toggled(
        self, event: SelectionList.SelectionToggled[str]
    ) -> None:
        """A platform was ticked or unticked: save the choice at once."""
        event.stop()
        widget = self._platform_list()
        selected = set(widget.selected)
        # In the list's order (the widget's own order is the order of ticking).
        chosen = [
            option.value
            for option in (widget.get_option_at_index(i) for i in range(widget.option_count))
            if option.value in selected
        ]
        session = self.abri.session
        if session is None or chosen == session.case.platforms or session.read_only:
            return
        session.set_platforms(chosen)
        self._platform_options = (self.lang, *_unique(chosen))
        self._show_progress()


def _unique(values: Iterable[str]) -> list[str]:
    """The values in order, without repeats (a tampered file may repeat an id)."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result
