"""Fixtures for the app-shell tests: real case files on disk, a fixed clock, screen text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

import tui.app
from tui.core.case import Case
from tui.core.store import CaseFile

FIXED_NOW = datetime(2026, 11, 23, 14, 32, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The status line always says "saved 14:32": snapshots stay byte-stable."""
    monkeypatch.setattr(tui.app, "_clock", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def make_case(tmp_path: Path) -> Callable[..., Path]:
    """Create a real case file (closed again) and return its path."""

    def make(title: str = "Alice", language: str = "en", name: str = "alice.toml") -> Path:
        path = tmp_path / "cases" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        casefile = CaseFile.create(path, Case(title=title, language=language))  # type: ignore[arg-type]
        casefile.close()
        return path

    return make


def screen_text(app: App[object]) -> str:
    """All the text of the current screen's Static widgets, one per line."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def wait_for(pilot: Any, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (saves run in a thread), or fail."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "timed out waiting for the app"
