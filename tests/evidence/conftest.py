"""Fixtures for the evidence-table tests: real case files on disk, read back with tomllib."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tui.core.case import Case, Evidence
from tui.core.store import CaseFile

FIXED_NOW = datetime(2026, 11, 23, 14, 32, tzinfo=timezone(timedelta(hours=1)))
SIZE = (80, 24)
X_URL = "https://x.com/someone/status/1382350606417817604"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The status line always says "saved 14:32": snapshots stay byte-stable."""
    import tui.app

    # The app shell reads the time of the last save from this function.
    monkeypatch.setattr(tui.app, "_clock", lambda: FIXED_NOW, raising=False)
    return FIXED_NOW


@pytest.fixture
def make_case(tmp_path: Path) -> Callable[..., Path]:
    """Create a real case file (closed again), optionally with entries; return its path."""

    def make(
        entries: list[Evidence] | None = None, language: str = "en", name: str = "case.toml"
    ) -> Path:
        path = tmp_path / "cases" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        case = Case(title="Test case", language=language, timezone="Europe/Paris")  # type: ignore[arg-type]
        case.evidence = list(entries or [])
        casefile = CaseFile.create(path, case)
        casefile.close()
        return path

    return make


def read_case(path: Path) -> dict[str, Any]:
    """The case file as it is on disk."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def evidence_on_disk(path: Path) -> list[dict[str, Any]]:
    """The ``[[evidence]]`` tables of the case file on disk."""
    return list(read_case(path).get("evidence", []))
