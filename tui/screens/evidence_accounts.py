"""The accounts view (``c`` in the evidence table): entries grouped by account ID.

A handle can change; the account ID does not.  This view shows, for each account,
how many entries it has, when it was first and last seen, and every handle seen
for that ID, which is how a helper notices that ``@a`` and ``@b`` are one person.
``enter`` goes back to the table filtered on that account; ``escape`` goes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.case import Evidence
from tui.core.i18n import t
from tui.core.platforms import PLATFORMS
from tui.core.timeparse import format_datetime
from tui.widgets.evidence_rows import AccountSummary, Column, group_accounts, platform_label
from tui.widgets.evidence_table import VirtualTable
from tui.widgets.status import KeysFooter, StatusLine

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("account-id", 12, flex=2),
    Column("handles", 12, flex=3),
    Column("count", 5),
    Column("first", 16),
    Column("last", 16),
    Column("platform", 9),
)


class AccountsTable(VirtualTable):
    """One row per account (virtual: thousands of accounts stay fast)."""

    def __init__(self, accounts: list[AccountSummary], lang: str, timezone: str) -> None:
        super().__init__(ACCOUNT_COLUMNS, id="accounts-table")
        self.accounts = accounts
        self.lang = lang
        self.tz = timezone

    def row_count(self) -> int:
        return len(self.accounts)

    def header_cells(self) -> Sequence[str]:
        return [t(f"evidence.accounts.column.{c.key}", self.lang) for c in self.columns]

    def _time(self, when: datetime | None) -> str:
        return format_datetime(when, self.tz, self.lang) if when is not None else ""

    def row_cells(self, index: int, widths: Sequence[int]) -> Sequence[str]:
        account = self.accounts[index]
        return [
            account.account_id or t("evidence.accounts.no-id", self.lang),
            " ".join("@" + handle for handle in account.handles),
            str(account.count),
            self._time(account.first),
            self._time(account.last),
            platform_label(account.platform, PLATFORMS),
        ]


class AccountsScreen(ModalScreen[str | None]):
    """Entries grouped by account; dismisses with a filter text for the chosen account."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "evidence.key.accounts-filter", id="evidence-accounts-choose"),
        Binding("escape", "back", "evidence.key.back", id="evidence-accounts-back"),
    ]

    def __init__(self, entries: Sequence[Evidence], *, lang: str, timezone: str) -> None:
        super().__init__(id="evidence-accounts")
        self.lang = lang
        self.accounts = group_accounts(entries)
        self.tz = timezone

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Static(
            Content(t("evidence.accounts.title", self.lang, count=len(self.accounts))),
            id="accounts-title",
        )
        table = AccountsTable(self.accounts, self.lang, self.tz)
        table.empty_text = t("evidence.accounts.empty", self.lang)
        yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(AccountsTable)
        table.rows_changed()
        table.focus()

    def action_choose(self) -> None:
        """Back to the table, filtered on the highlighted account (ID, else handle)."""
        table = self.query_one(AccountsTable)
        if not self.accounts:
            self.dismiss(None)
            return
        account = self.accounts[table.cursor]
        if account.account_id:
            self.dismiss(account.account_id)
        else:
            self.dismiss(account.label)

    def action_back(self) -> None:
        """Back to the table, unchanged."""
        self.dismiss(None)
