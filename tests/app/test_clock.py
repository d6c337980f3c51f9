"""One clock: the status line's "saved HH:MM" is in the case's time zone, not the machine's."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import wait_for
from tui.app import AbriApp
from tui.core.case import Case
from tui.core.store import CaseFile
from tui.widgets.status import StatusLine


async def test_saved_time_is_in_the_case_zone(tmp_path: Path) -> None:
    # The fixed clock says 14:32 at +01:00, i.e. 08:32 in New York that day.
    path = tmp_path / "ny.toml"
    CaseFile.create(path, Case(title="NY", language="en", timezone="America/New_York")).close()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1", "l", "escape", "f1", "l", "escape")  # two changes: two saves
        await wait_for(pilot, lambda: app.save_state == "saved")
        await pilot.pause()
        status = str(app.screen.query_one(StatusLine).render())
        assert "saved 08:32" in status, status
        await pilot.press("ctrl+q")
