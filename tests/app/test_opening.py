"""A large case is read in the background with a calm line on screen; quitting meanwhile is safe."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.app import ComposeResult

from tests.app.conftest import screen_text, wait_for
from tui.app import AbriApp
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile
from tui.screens.start import OPEN_IN_BACKGROUND_BYTES, OpeningScreen


def large_case(folder: Path) -> Path:
    path = folder / "raid.toml"
    case = Case(title="Raid", language="en")
    case.evidence = [
        Evidence(
            id=f"E{n:04d}",
            url=f"https://x.com/a{n}/status/{1382350606417817604 + n}",
            content="insult " * 40,
        )
        for n in range(1, 2001)
    ]
    CaseFile.create(path, case).close()
    assert path.stat().st_size > OPEN_IN_BACKGROUND_BYTES
    return path


async def test_a_large_case_says_it_is_opening_then_shows_the_calm_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = large_case(tmp_path)
    # The case may be read before the first look at the screen (the parser is fast):
    # record that the opening screen was put up at all.
    composed: list[OpeningScreen] = []
    compose = OpeningScreen.compose

    def recording(self: OpeningScreen) -> ComposeResult:
        composed.append(self)
        yield from compose(self)

    monkeypatch.setattr(OpeningScreen, "compose", recording)
    app = AbriApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        seen_opening = bool(composed)
        if isinstance(app.screen, OpeningScreen):
            assert "Opening the case" in screen_text(app)
        await wait_for(pilot, lambda: app.session is not None)
        await pilot.pause()
        assert app.current_mode == "calm"
        assert len(app.case.evidence) == 2000
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert seen_opening
    assert not (tmp_path / ".raid.toml.open").exists()


async def test_quitting_while_a_large_case_opens_leaves_no_marker(tmp_path: Path) -> None:
    path = large_case(tmp_path)
    before = path.read_bytes()
    app = AbriApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        await pilot.press("ctrl+q")
    # The reading thread finishes on its own, then releases the case.
    deadline = time.monotonic() + 15
    while (tmp_path / ".raid.toml.open").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (tmp_path / ".raid.toml.open").exists()
    assert path.read_bytes() == before


def ten_thousand(folder: Path) -> Path:
    """A real 10,000-entry case written by the benchmark's generator."""
    from bench import sample_case

    path = folder / "bench.toml"
    case = sample_case(10_000, folder="bench-files", attachments=False)
    CaseFile.create(path, case).close()  # type: ignore[arg-type]
    return path


async def test_f3_pressed_while_a_10k_case_opens_lands_in_the_evidence_table(
    tmp_path: Path,
) -> None:
    path = ten_thousand(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        await pilot.press("f3")  # while "Opening the case…" is on screen: kept, not dropped
        await wait_for(pilot, lambda: app.session is not None, seconds=60)
        await wait_for(pilot, lambda: app.current_mode == "evidence", seconds=20)
        from tui.screens.evidence import EvidenceScreen

        await wait_for(pilot, lambda: isinstance(app.screen, EvidenceScreen))
        await pilot.press("ctrl+q")


async def test_ctrl_q_while_a_10k_case_opens_quits_at_once(tmp_path: Path) -> None:
    path = ten_thousand(tmp_path)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        await pilot.press("f3", "ctrl+q")
        # Quitting began at once, without waiting for the file (nor replaying f3).
        assert app.return_code == 0
        # The case was never opened, or (a fast disk read it first) is closed again.
        assert app.session is None or app._case_released
