"""Small typed dialogs: yes/no confirmation and a message to acknowledge.

Both are ``ModalScreen``s that return their answer through ``dismiss``::

    def after(answer: bool | None) -> None: ...
    self.app.push_screen(ConfirmDialog(app.tr("evidence.delete-ask")), after)

Texts are shown with ``Content(...)`` (never parsed as markup) after going through
``tui.core.text.visible``: a question may quote what a harasser wrote.

:class:`ConfirmDialog` is the one confirmation of the whole app (delete, discard,
quit without saving...).  The destructive answer needs a deliberate key: ``y`` (or
``o``, *oui*).  ``enter`` and ``escape`` always keep things as they are: the focus
starts on the safe button, so a reflex ``enter`` never throws anything away.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.core.i18n import t
from tui.core.text import visible

DIALOG_TEXT_LIMIT = 2000
"""Characters of a question shown (a quoted 100 KB message must not fill the screen)."""


def _clip(text: str) -> str:
    text = visible(text[: DIALOG_TEXT_LIMIT * 4])
    return text if len(text) <= DIALOG_TEXT_LIMIT else text[: DIALOG_TEXT_LIMIT - 1] + "\u2026"


def _lang(dialog: ModalScreen[Any]) -> str:
    return str(getattr(dialog.app, "lang", "en"))


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with True (yes) or False (no / escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # enter means "keep" whichever button has the focus: the dialog says so.
        Binding("enter", "answer(False)", show=False, id="dialog-enter", priority=True),
        Binding("escape", "answer(False)", "app.key.no", id="dialog-no"),
        Binding("n", "answer(False)", show=False, id="dialog-n"),
        Binding("y", "answer(True)", show=False, id="dialog-y"),
        Binding("o", "answer(True)", show=False, id="dialog-o"),
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        yes: str = "",
        no: str = "",
        lang: str | None = None,
        keys: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.lang = lang
        self.keys = keys  # the keys line, when "no, keep everything" does not fit

    def compose(self) -> ComposeResult:
        lang = self.lang or _lang(self)
        with Vertical(classes="dialog-box"):
            yield Static(Content(_clip(self.question)), classes="dialog-text")
            if self.detail:
                yield Static(Content(_clip(self.detail)), classes="dialog-detail")
            keys = self.keys or t("app.dialog.keys", lang)
            yield Static(Content(keys), classes="dialog-keys")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(self.no_label or t("app.dialog.no", lang)), id="dialog-no-button"
                )
                yield Button(
                    Content(self.yes_label or t("app.dialog.yes", lang)), id="dialog-yes-button"
                )

    def on_mount(self) -> None:
        # The safe answer has the focus: enter on a reflex keeps things as they are.
        self.query_one("#dialog-no-button", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "dialog-yes-button")

    def action_answer(self, answer: bool) -> None:
        """Close with this answer."""
        self.dismiss(answer)


class MessageDialog(ModalScreen[None]):
    """Shows a message until enter or escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "app.key.close", id="dialog-close"),
    ]

    def __init__(self, message: str, title: str = "") -> None:
        super().__init__(classes="dialog")
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            if self.title_text:
                yield Static(Content(_clip(self.title_text)), classes="dialog-title")
            yield Static(Content(_clip(self.message)), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("app.dialog.ok", _lang(self))), id="dialog-ok-button")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the message."""
        self.dismiss(None)
