"""How the shell's screens look at 80×24, in both languages (SVG snapshots).

Update after an intended change with ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.app import AbriApp

SIZE = (80, 24)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_help_at_80x24(snap_compare: Any, make_case: Callable[..., Path], lang: str) -> None:
    app = AbriApp(make_case(title="Alice", language=lang), lang=lang)
    assert snap_compare(app, press=["f1"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_start_screen_at_80x24(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    app = AbriApp(Path("/cases/alice.toml"), lang=lang)
    assert snap_compare(app, terminal_size=SIZE)


def test_problem_screen_at_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative path: tmp_path differs on every run, the snapshot must not.
    monkeypatch.chdir(tmp_path)
    Path("broken.toml").write_text('schema = 1\ntitle = "x"\nlanguage = "klingon"\n', "utf-8")
    app = AbriApp(Path("broken.toml"), lang="en")
    assert snap_compare(app, terminal_size=SIZE)


FIXED_PLACES = [
    ("media", Path("/media/helper/CLE-USB")),
    ("cases", Path("/home/helper/Documents/Abri")),
    ("home", Path("/home/helper")),
]


@pytest.fixture
def fixed_places(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same places on every machine (the snapshot must not show tmp paths)."""
    import tui.screens.files
    import tui.screens.start

    monkeypatch.setattr(tui.screens.files, "places", lambda: list(FIXED_PLACES))
    monkeypatch.setattr(tui.screens.start, "places", lambda: list(FIXED_PLACES))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_missing_last_case_at_80x24(snap_compare: Any, fixed_places: None, lang: str) -> None:
    from tui.settings import Settings

    Settings(last_case="/media/helper/CLE-USB/alice.toml").save()
    app = AbriApp(None, lang=lang)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_new_case_asks_where_at_80x24(snap_compare: Any, fixed_places: None, lang: str) -> None:
    app = AbriApp(None, lang=lang)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_open_another_picker_at_80x24(snap_compare: Any, fixed_places: None, lang: str) -> None:
    from tui.settings import Settings

    Settings(last_case="/media/helper/CLE-USB/alice.toml").save()
    app = AbriApp(None, lang=lang)
    assert snap_compare(app, press=["o"], terminal_size=SIZE)
