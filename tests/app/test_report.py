"""'About / report a problem' in the palette, and the crash report without locals."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App
from textual.binding import Binding, BindingType

from tests.conftest import HOSTILE
from tui import diagnostics
from tui.app import AbriApp
from tui.core.store import CaseFile

SIZE = (80, 24)
SECRET = "je sais où tu habites, 12 rue des Lilas"


async def test_the_palette_writes_a_report_without_case_content(
    make_case: Callable[..., Path],
) -> None:
    config = Path(os.environ["ABRI_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[keymap]\napp-quit = "ctrl+q,f10"\ntypo = "x"\n')
    path = make_case(title=SECRET + HOSTILE)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"report a problem")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        shown = [str(notification.message) for notification in app._notifications]
    state = Path(os.environ["ABRI_STATE_DIR"])
    [report] = state.glob("abri-report-*.txt")
    assert any(str(report) in message and "no case content" in message for message in shown)
    text = report.read_text(encoding="utf-8")
    assert "abri: 0.1.0" in text and "textual: 8.2.8" in text and "case open: yes" in text
    assert "terminal size: 80x24" in text
    assert "keymap: app-quit=ctrl+q,f10" in text and "keymap entries ignored: 1" in text
    assert SECRET not in text and "Lilas" not in text and "alice" not in text
    assert "\x1b" not in text


class _Crashes(AbriApp):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "crash", "crash")]

    def action_crash(self) -> None:
        entry_text = SECRET  # a local holding case text, as any handler would have
        raise RuntimeError("broken on " + entry_text[:3])


async def test_a_crash_report_shows_no_local_variables(
    make_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    diagnostics.setup()  # as the command line does
    printed: list[str] = []
    app = _Crashes(make_case(), lang="en")

    def keep(self: App[object]) -> None:
        for renderable in self._exit_renderables:
            with self.console.capture() as capture:
                self.console.print(renderable)
            printed.append(capture.get())

    monkeypatch.setattr(App, "_print_error_renderables", keep)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
    report = "".join(printed)
    assert "RuntimeError" in report and "action_crash" in report
    # Rich lists locals as "name = value"; the source line "entry_text = SECRET" is code.
    assert SECRET not in report and "'je sais" not in report
    log = (Path(os.environ["ABRI_STATE_DIR"]) / "abri.log").read_text(encoding="utf-8")
    assert "the full-screen app stopped on an unexpected error" in log
    assert "RuntimeError: <message redacted" in log and SECRET not in log
    # The case was released on the way out: it opens again, not "open in another Abri".
    reopened = CaseFile.open(app.case_path)
    assert not getattr(reopened, "notices", [])
    reopened.close()
