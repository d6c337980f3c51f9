"""The status line (case title + save state) and the translated keys footer.

Every area screen yields both::

    yield StatusLine()      # docked at the top: case title, save state
    ...
    yield KeysFooter()      # docked at the bottom: the keys that work now

``KeysFooter`` is Textual's ``Footer`` whose descriptions are translated: a
binding's ``description`` may be a message key (``"calm.key.skip"``), shown as
``t(key)`` in the app's current language.  Plain descriptions are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tui.core.i18n import message, t
from tui.core.text import one_line
from tui.shell import shell

if TYPE_CHECKING:
    from textual.screen import Screen


TITLE_LIMIT = 60
"""Characters of the case title shown (a 100 KB title must not slow the status line)."""


_TEXTUAL_LABELS = {
    "Dismiss menu": "app.key.dismiss-menu",  # an open Select's list
    "Exit the command palette": "app.key.exit-palette",
}
"""Textual's own footer labels (English only), by the message key that says them here."""


def translate(text: str, lang: str) -> str:
    """``text`` translated if it is a message key (or one of Textual's labels), else unchanged."""
    if text in _TEXTUAL_LABELS:
        return t(_TEXTUAL_LABELS[text], lang)
    if text and "." in text and " " not in text and message(text, lang) is not None:
        return t(text, lang)
    return text


class StatusLine(Static):
    """One line: the case title (shown literally, sanitized) and the save state."""

    DEFAULT_CSS = """
    StatusLine {
        dock: top;
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    StatusLine.-error {
        color: $warning;
        text-style: bold;
        height: auto;
        max-height: 6;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)

    def on_mount(self) -> None:
        app = shell(self.app)
        app.status_changed.subscribe(self, self._status_changed)
        app.language_changed.subscribe(self, self._status_changed)
        self.refresh_status()

    def _status_changed(self, _value: object) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        """Redraw: case title on the left; save state and "f1 Help" on the right."""
        app = shell(self.app)
        title = ""
        if app.session is not None:
            title = one_line(app.session.case.title, TITLE_LIMIT)
        state = app.save_state_text()
        self.set_class(app.save_state == "error", "-error")
        # Help stays one key away even when a screen's own keys crowd the footer out.
        help_label = translate("app.key.help", app.lang)
        # The settings' [keymap] may have moved help to another key.
        help_key = self.app._keymap.get("app-help", "f1").split(",")[0]
        right = f"{state}   " if state else ""
        right_width = len(right) + len(help_key) + 1 + len(help_label)
        width = max(self.size.width - 2, 20)
        room = max(width - right_width - 2, 10)
        if len(title) > room:
            title = title[: room - 1] + "\u2026"
        gap = " " * max(width - len(title) - right_width, 2)
        # $variables are inserted as plain text: the title was typed by whoever wrote the case.
        self.update(
            Content.from_markup(
                "$title$gap$right[b]$key[/b] $help",
                title=title,
                key=help_key,
                gap=gap,
                right=right,
                help=help_label,
            )
        )

    def on_resize(self) -> None:
        self.refresh_status()


def _is_quick_exit(widget: Widget) -> bool:
    return str(getattr(widget, "action", "")).endswith("quick_exit")


def _key_width(widget: Widget) -> int:
    """Columns a compact footer key takes: key, a space, description."""
    if isinstance(widget, FooterKey):
        description = f" {widget.description}" if widget.description else ""
        return cell_len(f"{widget.key_display}{description}")
    return 12  # a group of keys (not used by Abri): a fair guess


class KeysFooter(Footer):
    """Textual's footer with translated key descriptions (message keys are translated).

    Compact by default: French labels are longer and every key must fit in 80 columns.

    Drawn with the screen, and redrawn only when the keys it shows change.  Textual's
    footer draws no key until the screen first reports its keys, then rebuilds every
    key each time the screen's keys *may* have changed (every focus change, every
    step), one refresh later: the first screen was drawn twice, the second time
    with its keys.  Here the keys are drawn at once; a burst of changes is looked
    at once, and the keys are rebuilt only if what they show differs.  The keys get
    their ``-compact`` class before they are mounted (Textual adds it afterwards,
    restyling the footer once per key).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        # The screen's keys are known when the footer is composed (with the screen).
        self.set_reactive(Footer._bindings_ready, True)
        self._redraw_pending = False
        self._drawn: tuple[object, ...] | None = None
        """What the keys showed when last composed (see ``_shown``)."""

    def compose(self) -> ComposeResult:
        self._drawn = self._shown()
        lang = getattr(self.app, "lang", "en")
        widgets = list(super().compose())
        if self._bindings_ready and not any(_is_quick_exit(widget) for widget in widgets):
            # Textual leaves the app's keys out of a modal screen's footer (the form,
            # help...); the quick exit works there too (a priority key), so it shows.
            quick = self._quick_exit_key()
            if quick is not None:
                widgets.insert(0, quick)
        # The quick exit comes first, so that a crowded footer never pushes it off screen.
        widgets.sort(key=lambda widget: not _is_quick_exit(widget))
        for widget in widgets:
            self._prepare(widget, lang)
        yield from self._fitting(widgets)

    def _fitting(self, widgets: list[Widget]) -> list[Widget]:
        """The keys that fit whole beside the palette key; the rest stay in the palette.

        Textual draws every key and docks the palette key over the right end: at 80
        columns a key was cut in half under it, and the one column the palette key
        leaves free showed the last letter of the key underneath ("All actionsr").
        Keys are kept in order (the screen's own first) while they fit.
        """
        width = self.app.size.width or 80
        palette = [w for w in widgets if w.has_class("-command-palette")]
        room = width - sum(_key_width(w) + 1 for w in palette)
        kept: list[Widget] = []
        used = 0
        for widget in widgets:
            if widget in palette:
                continue
            needed = _key_width(widget)
            if used + needed > room:
                break  # in order: a later, shorter key would look like a gap in the row
            kept.append(widget)
            used += needed + 1  # one blank between keys
        return [*kept, *palette]

    def _quick_exit_key(self) -> FooterKey | None:
        for binding in getattr(self.app, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.action == "quick_exit":
                return FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    "app.quick_exit",
                ).data_bind(compact=Footer.compact)
        return None

    def _shown(self) -> tuple[object, ...]:
        """Everything the keys show: the screen's visible keys, the palette key, language."""
        active = self.screen.active_bindings
        keys = tuple(
            (key, item.binding, item.enabled, item.tooltip)
            for key, item in active.items()
            if item.binding.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        palette_key = None
        if palette is not None and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette_key = (palette.binding, palette.enabled, palette.tooltip)
        lang = getattr(self.app, "lang", "en")
        return (lang, self.compact, keys, palette_key, self.app.size.width)

    def _prepare(self, widget: Widget, lang: str) -> None:
        if isinstance(widget, FooterKey):
            widget.description = translate(widget.description, lang)
            if widget.tooltip and isinstance(widget.tooltip, str):
                widget.tooltip = translate(widget.tooltip, lang)
            # The keys follow the footer's ``compact`` (data-bound); the palette key stays
            # compact (Textual's default).
            if self.compact or widget.has_class("-command-palette"):
                widget.add_class("-compact", update=False)
        children: Iterable[Widget] = getattr(widget, "_pending_children", ())
        for child in children:
            self._prepare(child, lang)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The screen's keys may have changed: look once this burst of changes is over.

        Same conditions as Textual's ``Footer.bindings_changed``.
        """
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._redraw_pending:
            self._redraw_pending = True
            self.call_after_refresh(self._redraw)

    def on_resize(self) -> None:
        """Another terminal width: other keys may fit."""
        if self.is_attached and not self._redraw_pending and self._shown() != self._drawn:
            self._redraw_pending = True
            self.call_after_refresh(self._redraw)

    async def _redraw(self) -> None:
        self._redraw_pending = False
        if not self.is_attached or self._shown() == self._drawn:
            return
        await self.recompose()
