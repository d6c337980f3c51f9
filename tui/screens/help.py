"""Help (f1 or ``?``, from anywhere): help contacts first, one line each, then the
keys of the screen it was opened from and the keys that work everywhere.

At 80×24 the contacts ("De l'aide, maintenant": 3018, 17, 112, 114, the Brigade
numérique, PHAROS, 119) fit without scrolling, one line per contact: the number
first, then what it is for.  ``d`` shows the details one key further: hours, what
each is for, "verified on" and the source.

The contacts come from ``tui.core.content.load_contacts(lang)`` (data files, one
per language), for the country of the system locale (``fr_BE`` -> Belgium); ``p``
shows the next country's.  If they cannot be read the help still opens and says why.
A screen may name how-tos to add after its keys (``HELP_TOPICS``, message keys): the
evidence screens explain how to find an X account's numeric ID by hand, with the
source and the date it was checked, like the contacts.  ``l``
switches the language of the whole app from here; ``escape``, ``f1`` or ``?`` closes.
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

from tui.core.i18n import format_day, key_display
from tui.core.text import one_line, visible
from tui.shell import Shell, shell
from tui.widgets.status import KeysFooter

if TYPE_CHECKING:
    from tui.core.content import Contact

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+q", "app.help.ctrl-q"),
    ("f1 / ?", "app.help.f1"),
    ("f2 / 2", "app.help.f2"),
    ("f3 / 3", "app.help.f3"),
    ("f4 / 4", "app.help.f4"),
    ("ctrl+p", "app.help.ctrl-p"),
    ("escape", "app.help.escape"),
    ("ctrl+c", "app.help.ctrl-c"),
)
"""The keys that work everywhere (DESIGN.md), in the order the help lists them.

The plain keys (``?``, ``2``, ``3``, ``4``) work outside text fields, for terminals
that take the F-keys (GNOME Terminal keeps f1; macOS laptops need fn).
"""

KEY_WIDTH = 10
SHORT_WIDTH = 8
"""Columns of the first part of a contact's line (the number, or one word)."""


MARK_LEGEND: tuple[tuple[str, str], ...] = (
    ("#", "app.help.mark-decoded"),
    ("*", "app.help.mark-typed"),
    ("+", "app.help.mark-file"),
    ("^", "app.help.mark-capture"),
    ("?", "app.help.mark-unknown"),
    ("!", "app.help.mark-file-problem"),
)
"""The evidence table's marks (time sources, files on disk) and their messages."""

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
    """``key`` (``"f1 / ?"``: the F-key, then its plain alternative) as the keymap set it."""
    main, _, rest = key.partition(" / ")
    keys = keymap.get(_GLOBAL_IDS.get(main, ""))
    if not keys:
        return key
    shown = keys.replace(",", " / ")
    return f"{shown} / {rest}" if rest else shown


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


def _key_names(keys: str, lang: str) -> str:
    """ "f1 / ?" or "escape" with each key named in ``lang`` ("échap")."""
    return " / ".join(key_display(key, lang) for key in keys.split(" / "))


def contact_line(contact: Contact) -> Content:
    """One contact on one line: its number (or name) in bold, then what it is for."""
    short = one_line(contact.short, SHORT_WIDTH - 1)
    return Content.from_markup(
        "[b]$short[/b]$line", short=short.ljust(SHORT_WIDTH), line=one_line(contact.line, 200)
    )


class HelpScreen(ModalScreen[None]):
    """Help contacts (one line each; ``d`` for details), this screen's keys, global keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "app.key.close", id="help-close"),
        # The app's plain "?" does not reach a modal screen: help closes it itself.
        Binding("question_mark", "close", "app.key.close", id="help-close-plain", show=False),
        Binding("d", "details", "app.key.details", id="help-details"),
        Binding("p", "country", "app.key.country", id="help-country"),
        Binding("l", "app.language", "app.key.language", id="help-language"),
    ]

    RECOMPOSE_ON_LANGUAGE = True
    """Help holds nothing typed: redraw it in the new language."""

    def __init__(self, origin: Screen[Any] | None = None) -> None:
        super().__init__(id="help")
        self.origin = origin
        """The screen help was opened from (its keys are listed after the contacts)."""
        self.details = False
        """Whether the contacts are shown with their details (``d``)."""

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        tr = app.tr
        yield Static(Content(f"{tr('app.help.title')} — {tr('app.help.close')}"), id="help-title")
        with VerticalScroll(id="help-body"):
            heading = f"{tr('app.help.contacts')} · {tr('app.country.' + self._country())}"
            yield Static(Content(heading), classes="help-heading -first")
            yield from self._contacts()
            yield Static(Content(tr("app.help.global")), classes="help-heading")
            for key, message in GLOBAL_KEYS:
                shown = _remapped(self.app._keymap, key)
                yield Static(
                    _key_line(_key_names(shown, app.lang), tr(message)), classes="help-key"
                )
            yield Static(Content(tr("app.help.this-screen")), classes="help-heading")
            lines = self._screen_keys()
            if lines:
                for key, text in lines:
                    yield Static(_key_line(key, text), classes="help-key")
            else:
                yield Static(Content(tr("app.help.none")), classes="help-text")
            yield Static(Content(tr("app.help.language")), classes="help-text")
            yield from self._topics()
            # What the one-character marks after a time, and the Shots words, mean.
            yield Static(Content(tr("app.help.marks")), classes="help-heading")
            for mark, message in MARK_LEGEND:
                yield Static(_key_line(mark, tr(message)), classes="help-key")
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

    def _topics(self) -> ComposeResult:
        """The origin screen's how-tos (``HELP_TOPICS``): heading, text, source and date.

        Like the contacts, each can go stale, so it says where it comes from and when
        that was checked (message keys ``<topic>``, ``.title``, ``.source``,
        ``.verified_on``)."""
        app = shell(self.app)
        tr = app.tr
        for topic in getattr(self.origin, "HELP_TOPICS", ()):
            yield Static(Content(tr(f"{topic}.title")), classes="help-heading")
            yield Static(Content(tr(topic)), classes="help-text")
            day = tr(f"{topic}.verified_on")
            verified = (
                tr("app.help.verified", date=format_day(one_line(day, 20), app.lang))
                if day
                else tr("app.help.not-verified")
            )
            source = tr("app.help.source", source=one_line(tr(f"{topic}.source"), 300))
            yield Static(Content(f"{verified} · {source}"), classes="help-contact-source")

    def _contacts(self) -> ComposeResult:
        app = shell(self.app)
        tr = app.tr
        try:
            from tui.core.content import load_contacts

            contacts = load_contacts(app.lang, self._country())
        except Exception as error:  # a broken data file must not take help away
            message = one_line(str(error) or type(error).__name__, 300)
            yield Static(
                Content(tr("app.help.contacts-missing", error=message)), classes="help-text"
            )
            return
        if not self.details:
            for contact in contacts:
                yield Static(contact_line(contact), classes="help-contact-line")
            yield Static(Content(tr("app.help.details-hint")), classes="help-hint")
            return
        for contact in contacts:
            how = one_line(contact.how, 200)
            service = one_line(contact.service, 70)
            yield Static(
                Content.from_markup("[b]$service[/b] · $how", how=how, service=service),
                classes="help-contact",
            )
            details = " — ".join(
                part for part in (one_line(contact.when, 60), one_line(contact.note, 200)) if part
            )
            if details:
                yield Static(Content(visible(details)), classes="help-contact-detail")
            verified = (
                tr(
                    "app.help.verified",
                    date=format_day(one_line(contact.verified_on, 20), app.lang),
                )
                if contact.verified_on
                else tr("app.help.not-verified")
            )
            source = tr("app.help.source", source=one_line(contact.source, 120))
            yield Static(Content(f"{verified} · {source}"), classes="help-contact-source")
        yield Static(Content(tr("app.help.summary-hint")), classes="help-hint")

    def _country(self) -> str:
        from tui.core.content import COUNTRIES

        country = str(getattr(self.app, "help_country", "fr"))
        return country if country in COUNTRIES else "fr"

    async def action_country(self) -> None:
        """Show the next country's contacts (France, Belgium, Switzerland, Luxembourg, Canada)."""
        from tui.core.content import COUNTRIES

        app = shell(self.app)
        app.help_country = COUNTRIES[(COUNTRIES.index(self._country()) + 1) % len(COUNTRIES)]
        await self.recompose()
        self.query_one("#help-body").focus()

    async def action_details(self) -> None:
        """Show the contacts' details (hours, what for, source, "verified on"), or hide them."""
        self.details = not self.details
        await self.recompose()
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Close help, back to where it was opened."""
        self.dismiss(None)
