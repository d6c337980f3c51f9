"""The command palette's commands, with a translated line when nothing matches.

Textual 8.2.8 writes "No matches found" in English when no command matches what
was typed, and offers no setting for it.  Through its public provider API this
provider, which gives the same commands as Textual's system commands
(``App.get_system_commands``), adds one last line when nothing matched: "nothing
matches « … »: enter opens help and contacts", in the app's language.  The
palette then has a hit and never shows its English text.
"""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.content import Content
from textual.system_commands import SystemCommandsProvider

from tui.core.i18n import t
from tui.core.text import one_line

QUERY_LIMIT = 40
"""Characters of the typed text quoted back."""


class AbriCommands(SystemCommandsProvider):
    """Every action by name (translated by the app), and a translated "no match" line."""

    async def search(self, query: str) -> Hits:
        """The matching commands; if none matches, one line that opens help."""
        found = False
        async for hit in super().search(query):
            found = True
            yield hit
        if found or not query.strip():
            return
        lang = str(getattr(self.app, "lang", "en"))
        text = t("app.palette.no-match", lang, query=one_line(query, QUERY_LIMIT))
        action = getattr(self.app, "action_help", None)
        if callable(action):
            yield Hit(
                0.01, Content(text), action, text=text, help=t("app.palette.no-match-help", lang)
            )
