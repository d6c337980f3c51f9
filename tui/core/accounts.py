"""Accounts: the one rule that says which entries come from the same account.

The accounts view, every export and the CLI group with :func:`account_key`, so they
can never disagree.  The account's stable ID decides when it is known (handles
change, IDs do not); otherwise the handle does, compared without ``@``, in Unicode
normal form and case-folded (handles are case-insensitive on every platform Abri
knows).  The platform is always part of the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tui.core.case import Evidence
from tui.core.rules import entry_time
from tui.core.text import normalise


def handle_key(handle: str) -> str:
    """A handle as compared: ``@Kevin_du_92`` and ``kevin_du_92`` are the same."""
    return normalise(handle.strip()).lstrip("@").casefold()


def account_key(platform: str, account_id: str, handle: str) -> str:
    """The grouping key of an account; ``""`` when neither an ID nor a handle is known."""
    if account_id.strip():
        return f"{platform}|id:{account_id.strip()}"
    name = handle_key(handle)
    if name:
        return f"{platform}|@{name}"
    return ""


def entry_account_key(entry: Evidence) -> str:
    """:func:`account_key` of the account that posted ``entry``."""
    return account_key(entry.platform, entry.account_id, entry.account_handle)


@dataclass
class AccountSummary:
    """One account and what the case holds from it."""

    key: str
    """:func:`account_key`."""
    platform: str
    account_id: str
    handles: list[str] = field(default_factory=list)
    """Every handle seen for it, in order of appearance (a renamed account has several)."""
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    ids: list[str] = field(default_factory=list)
    """The entries, in case order."""

    @property
    def label(self) -> str:
        """What a person filters or searches by: the ID, else ``@handle``."""
        return self.account_id or ("@" + self.handles[0] if self.handles else "")


def group_accounts(entries: Iterable[Evidence]) -> list[AccountSummary]:
    """Entries grouped by :func:`account_key`, most messages first.

    Entries with neither an account ID nor a handle are left out.
    """
    groups: dict[str, AccountSummary] = {}
    for entry in entries:
        key = entry_account_key(entry)
        if not key:
            continue
        summary = groups.get(key)
        if summary is None:
            summary = AccountSummary(key=key, platform=entry.platform, account_id=entry.account_id)
            groups[key] = summary
        summary.count += 1
        summary.ids.append(entry.id)
        handle = entry.account_handle.strip().lstrip("@")
        if handle and handle not in summary.handles:
            summary.handles.append(handle)
        when = entry_time(entry)
        if when is not None:
            if summary.first is None or when < summary.first:
                summary.first = when
            if summary.last is None or when > summary.last:
                summary.last = when
    return sorted(groups.values(), key=lambda s: (-s.count, s.platform, s.key))
