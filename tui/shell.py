"""What screens and widgets may know of the app: a typed interface, not the app itself.

Screens and widgets never import :mod:`tui.app` (an import-linter contract says so):
the app imports them, so importing it back would make a circle.  They see the
running app through :class:`Shell` (``shell(self.app)``): the open case session,
the language and messages, the signals, the save state.  Textual's own methods
(``push_screen``, ``call_from_thread``...) stay on ``self.app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding
    from textual.signal import Signal

    from tui.core.case import Case, Language
    from tui.core.session import CaseSession
    from tui.settings import Settings


class Shell(Protocol):
    """The parts of :class:`tui.app.AbriApp` the screens use."""

    lang: Language
    session: CaseSession | None
    settings: Settings
    save_state: str
    notices: list[str]
    case_updated: Signal[str]
    language_changed: Signal[str]
    status_changed: Signal[str]

    @property
    def case(self) -> Case: ...

    @property
    def open_session(self) -> CaseSession: ...

    @property
    def read_only(self) -> str | None: ...

    def tr(self, key: str, /, **params: Any) -> str: ...

    def case_opened(self, session: CaseSession) -> None: ...

    def save_state_text(self) -> str: ...

    def binding_label(self, binding: Binding) -> str: ...

    def flush_saves(self) -> None: ...


def shell(app: App[Any]) -> Shell:
    """The running Abri app seen through :class:`Shell`."""
    return cast("Shell", app)
