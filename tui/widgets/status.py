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

from textual.app import ComposeResult
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


def translate(text: str, lang: str) -> str:
    """``text`` translated if it is a message key, else ``text`` unchanged."""
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
        max-height: 4;
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
        for widget in super().compose():
            self._prepare(widget, lang)
            yield widget

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
        return (getattr(self.app, "lang", "en"), self.compact, keys, palette_key)

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

    async def _redraw(self) -> None:
        self._redraw_pending = False
        if not self.is_attached or self._shown() == self._drawn:
            return
        await self.recompose()
