"""Help (f1, from anywhere): the keys of the screen it was opened from, the global
keys, and the help contacts (number or address, hours, what for, "verified on").

The contacts come from ``tui.core.content.load_contacts(lang)`` (data files, one
per language); if they cannot be read the help still opens and says why.  ``l``
switches the language of the whole app from here, ``escape`` or ``f1`` closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.core.text import one_line, visible
from tui.shell import Shell, shell
from tui.widgets.status import KeysFooter

if TYPE_CHECKING:
    pass

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("f1", "app.help.f1"),
    ("f2", "app.help.f2"),
    ("f3", "app.help.f3"),
    ("f4", "app.help.f4"),
    ("ctrl+p", "app.help.ctrl-p"),
    ("ctrl+q", "app.help.ctrl-q"),
    ("escape", "app.help.escape"),
    ("ctrl+c", "app.help.ctrl-c"),
)
"""The keys that work everywhere (DESIGN.md), in the order the help lists them."""

KEY_WIDTH = 10

_GLOBAL_IDS = {
    "f1": "app-help",
    "f2": "app-calm",
    "f3": "app-evidence",
    "f4": "app-export",
    "ctrl+p": "app-palette",
    "ctrl+q": "app-quit",
}
"""The binding id of each global key, to show it as the settings' keymap changed it."""


def _remapped(keymap: Mapping[str, str], key: str) -> str:
    keys = keymap.get(_GLOBAL_IDS.get(key, ""))
    return keys.replace(",", " / ") if keys else key


def _keymap_lines(app: Shell) -> ComposeResult:
    """The settings' ``[keymap]``: what was changed, and every entry that was ignored."""
    from tui.keymap import bindings
    from tui.settings import check_keymap

    applied, problems = check_keymap(app.settings.keymap, bindings())
    if not (applied or problems):
        return
    yield Static(Content(app.tr("diag.keymap.heading")), classes="help-heading")
    for binding_id, keys in applied.items():
        text = app.tr("diag.keymap.line", id=binding_id, keys=keys)
        yield Static(Content(one_line(text, 200)), classes="help-text")
    for problem in problems:
        text = app.tr("diag.keymap.problem", problem=problem)
        yield Static(Content(one_line(text, 200)), classes="help-text")


def _key_line(key: str, text: str) -> Content:
    return Content.from_markup("[b]$key[/b] $text", key=key.ljust(KEY_WIDTH), text=text)


class HelpScreen(ModalScreen[None]):
    """Keys of the current screen, global keys and help contacts, in a scrollable page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "app.key.close", id="help-close"),
        Binding("l", "app.language", "app.key.language", id="help-language"),
    ]

    RECOMPOSE_ON_LANGUAGE = True
    """Help holds nothing typed: redraw it in the new language."""

    def __init__(self, origin: Screen[Any] | None = None) -> None:
        super().__init__(id="help")
        self.origin = origin
        """The screen help was opened from (its keys are listed first)."""

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        tr = app.tr
        yield Static(Content(f"{tr('app.help.title')} — {tr('app.help.close')}"), id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(Content(tr("app.help.contacts")), classes="help-heading")
            yield Static(Content(tr("app.help.contacts-intro")), classes="help-text")
            yield from self._contacts()
            yield Static(Content(tr("app.help.this-screen")), classes="help-heading")
            lines = self._screen_keys()
            if lines:
                for key, text in lines:
                    yield Static(_key_line(key, text), classes="help-key")
            else:
                yield Static(Content(tr("app.help.none")), classes="help-text")
            yield Static(Content(tr("app.help.global")), classes="help-heading")
            for key, message in GLOBAL_KEYS:
                shown = _remapped(self.app._keymap, key)
                yield Static(_key_line(shown, tr(message)), classes="help-key")
            yield Static(Content(tr("app.help.language")), classes="help-text")
            yield from _keymap_lines(app)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def _screen_keys(self) -> list[tuple[str, str]]:
        """(key, description) of the origin screen's own keys that work now."""
        app = shell(self.app)
        origin = self.origin
        if origin is None or not origin.is_attached:
            return []
        lines: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for _key, active in origin.active_bindings.items():
            binding = active.binding
            if active.node is self.app or binding.system or not binding.description:
                continue
            label = app.binding_label(binding)
            if label == binding.description:
                continue  # Textual's own untranslated keys (tab: "Focus Next") stay out
            key = self.app.get_key_display(binding)
            if (key, label) in seen:
                continue
            seen.add((key, label))
            lines.append((key, label))
        return lines

    def _contacts(self) -> ComposeResult:
        app = shell(self.app)
        tr = app.tr
        try:
            from tui.core.content import load_contacts

            contacts = load_contacts(app.lang)
        except Exception as error:  # a broken data file must not take help away
            message = one_line(str(error) or type(error).__name__, 300)
            yield Static(
                Content(tr("app.help.contacts-missing", error=message)), classes="help-text"
            )
            return
        for contact in contacts:
            how = one_line(contact.how, 200)
            service = one_line(contact.service, 70)
            yield Static(
                Content.from_markup("[b]$how[/b] · $service", how=how, service=service),
                classes="help-contact",
            )
            details = " — ".join(
                part for part in (one_line(contact.when, 60), one_line(contact.note, 200)) if part
            )
            if details:
                yield Static(Content(visible(details)), classes="help-contact-detail")
            verified = (
                tr("app.help.verified", date=one_line(contact.verified_on, 20))
                if contact.verified_on
                else tr("app.help.not-verified")
            )
            source = tr("app.help.source", source=one_line(contact.source, 120))
            yield Static(Content(f"{verified} · {source}"), classes="help-contact-source")

    def action_close(self) -> None:
        """Close help, back to where it was opened."""
        self.dismiss(None)
