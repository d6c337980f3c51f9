"""The case-details form: who the case concerns, the helper, the place for "Fait à".

A standalone ``ModalScreen`` that returns the details to set and writes nothing:
the caller (the app, through the case session) validates, saves and journals.
The values are printed in the dossier's header, the complaint draft and the
signature block; every field is optional.

Keys: ``tab`` / ``shift+tab`` move between fields, ``ctrl+s`` returns the changed
values, ``escape`` cancels (asking first when something was typed).  Case text is
shown through :class:`~textual.content.Content` / ``Input`` values, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.core.case import Case
from tui.core.i18n import t
from tui.core.text import visible

FIELDS: tuple[str, ...] = (
    "concerns",
    "concerns_birth",
    "concerns_contact",
    "helper",
    "place",
)
"""The :class:`~tui.core.case.Case` fields this form edits, in the order shown."""

MAX_LENGTH = 500
"""Longest value a field takes (a name, an address line)."""


class CaseDetailsScreen(ModalScreen[dict[str, str] | None]):
    """Edit the case details; dismisses with ``{field: new value}`` (changed ones only)
    on ``ctrl+s``, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save", priority=True, id="case-details-save"),
        Binding("escape", "cancel", "cancel", id="case-details-cancel"),
    ]

    DEFAULT_CSS = """
    CaseDetailsScreen {
        align: center middle;
    }
    CaseDetailsScreen > #case-details-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    CaseDetailsScreen #case-details-fields {
        height: auto;
        max-height: 16;
    }
    CaseDetailsScreen Label {
        margin: 0;
    }
    CaseDetailsScreen Input {
        margin: 0 0 0 0;
    }
    CaseDetailsScreen .case-details-hint {
        color: $text-muted;
    }
    """

    def __init__(self, case: Case, *, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.initial = {name: str(getattr(case, name, "") or "") for name in FIELDS}
        # What the fields start with: control and bidi characters made visible, so
        # the terminal never receives them; an untouched field is not "changed".
        self.shown = {name: visible(value) for name, value in self.initial.items()}

    def compose(self) -> ComposeResult:
        with Vertical(id="case-details-box"):
            yield Static(
                Content(t("casedetails.screen.title", self.lang)), classes="dialog-question"
            )
            yield Static(
                Content(t("casedetails.screen.intro", self.lang)), classes="case-details-hint"
            )
            with VerticalScroll(id="case-details-fields"):
                for name in FIELDS:
                    yield Label(Content(t(f"casedetails.field.{name}", self.lang)))
                    yield Input(
                        value=self.shown[name],
                        max_length=MAX_LENGTH,
                        id=f"case-details-{name.replace('_', '-')}",
                    )
            yield Static(
                Content(t("casedetails.screen.hint", self.lang)), classes="case-details-hint"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def values(self) -> dict[str, str]:
        """What the fields hold now (spaces at the ends removed)."""
        return {
            name: self.query_one(f"#case-details-{name.replace('_', '-')}", Input).value.strip()
            for name in FIELDS
        }

    def changed(self) -> dict[str, str]:
        """The fields whose value differs from the case's."""
        return {
            name: value
            for name, value in self.values().items()
            if value != self.shown[name].strip()
        }

    def action_save(self) -> None:
        """Return the changed values (an empty dict when nothing changed)."""
        self.dismiss(self.changed())

    def action_cancel(self) -> None:
        """Close without changes; asks first when something was typed."""
        if not self.changed():
            self.dismiss(None)
            return
        from tui.screens.evidence_dialogs import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(t("casedetails.screen.discard", self.lang), lang=self.lang), answered
        )
