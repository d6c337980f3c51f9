"""Fixtures for the calm-step tests: real case files on disk, a fixed clock, screen text."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

import tui.app
from tui.app import AbriApp
from tui.core.case import Case
from tui.core.store import CaseFile

FIXED_NOW = datetime(2026, 11, 23, 14, 32, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The status line always says "saved 14:32": snapshots stay byte-stable."""
    # The app shell's clock hook (module function; older drafts had a class attribute).
    monkeypatch.setattr(tui.app, "_clock", lambda: FIXED_NOW, raising=False)
    if hasattr(AbriApp, "clock"):
        monkeypatch.setattr(AbriApp, "clock", staticmethod(lambda: FIXED_NOW))
    return FIXED_NOW


@pytest.fixture
def make_case(tmp_path: Path) -> Callable[..., Path]:
    """Create a real case file (closed again) with the given fields; return its path."""

    def make(title: str = "Alice", language: str = "en", **fields: Any) -> Path:
        path = tmp_path / "cases" / "alice.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        case = Case(title=title, language=language, **fields)  # type: ignore[arg-type]
        CaseFile.create(path, case).close()
        return path

    return make


def on_disk(path: Path) -> dict[str, Any]:
    """The case file as TOML on disk (what another machine would read)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def screen_text(app: App[object]) -> str:
    """The text of the current screen's visible Static widgets, one per line."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static) if widget.display)
