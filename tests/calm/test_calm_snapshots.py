"""How the calm steps look at 80×24, in French and English (sync ``snap_compare``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.app import AbriApp

SIZE = (80, 24)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_welcome_screen(snap_compare: Any, make_case: Callable[..., Path], lang: str) -> None:
    path = make_case(title="Alice", language=lang)
    assert snap_compare(AbriApp(case_path=path), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_airplane_step(snap_compare: Any, make_case: Callable[..., Path], lang: str) -> None:
    path = make_case(title="Alice", language=lang, current_step="airplane")
    assert snap_compare(AbriApp(case_path=path), terminal_size=SIZE)
