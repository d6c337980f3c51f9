"""The quick exit (ctrl+q): one key from every screen, text fields and dialogs included.

Each test drives the app as a person would and checks what they would notice: the
app is gone, what was done is in the case file, every footer offers the key, and
(in a real terminal, tmux) nothing of the case is left on screen or in the scrollback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from tests.calm.conftest import on_disk
from tui.app import AbriApp
from tui.screens.evidence_form import EvidenceForm
from tui.screens.export import ExportScreen
from tui.screens.help import HelpScreen
from tui.widgets.status import KeysFooter

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]


def footer_text(app: AbriApp) -> str:
    footer = app.screen.query_one(KeysFooter)
    return " ".join(str(getattr(key, "description", "")) for key in footer.children)


async def test_from_the_calm_steps_ctrl_q_saves_and_leaves(make_case: Callable[..., Path]) -> None:
    path = make_case(language="fr")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Vite, je quitte" in footer_text(app)
        await pilot.press("enter", "enter")  # begin, airplane done
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running and app.quick_exited and app.return_code == 0
    saved = on_disk(path)
    assert saved["steps"]["airplane"]["status"] == "done"
    assert saved["current_step"] == "platforms"


async def test_from_the_evidence_form_with_text_typed(make_case: Callable[..., Path]) -> None:
    path = make_case(language="fr")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        assert isinstance(app.focused, Input)
        # "?" and digits are typed in a text field, not taken as keys.
        await pilot.press("?", "3", "q")
        await pilot.pause()
        assert app.focused.value == "?3q"
        assert isinstance(app.screen, EvidenceForm)
        assert "Vite, je quitte" in footer_text(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running and app.quick_exited
    assert on_disk(path)["title"] == "Alice"  # the case file is whole and readable


async def test_the_typed_draft_is_in_the_case_file_after_the_quick_exit(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(language="en")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press(*"https://x.com/a/status/1382350606417817604")
        await pilot.press("ctrl+q")
        await pilot.pause()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["drafts"]["new"]["fields"]["url"] == "https://x.com/a/status/1382350606417817604"


@pytest.mark.parametrize("where", ["export", "help", "palette", "dialog"])
async def test_from_the_export_screen_help_a_dialog_and_the_palette(
    make_case: Callable[..., Path], where: str
) -> None:
    path = make_case(language="en")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if where == "export":
            await pilot.press("f4")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            assert "Quick exit" in footer_text(app)
        elif where == "help":
            await pilot.press("?")  # the plain key for f1
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "Quick exit" in footer_text(app)
        elif where == "palette":
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert CommandPalette.is_open(app)
        else:
            from tui.screens.dialogs import ConfirmDialog

            app.push_screen(ConfirmDialog("Delete this?"))
            await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running and app.quick_exited, where


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", ["vite", "cacher", "masquer"]), ("en", ["hide", "quick"])]
)
async def test_the_palette_finds_the_quick_exit_under_the_words_people_type(
    make_case: Callable[..., Path], lang: str, words: list[str]
) -> None:
    path = make_case(language=lang)
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for word in words:
            assert any(word in title.lower() for title in titles), (word, titles)
        await pilot.press("ctrl+p", *words[0])
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
    assert not app.is_running and app.quick_exited


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_a_real_terminal_nothing_of_the_case_stays_on_screen_or_in_the_scrollback(
    tmp_path: Path,
) -> None:
    case = tmp_path / "secret-name.toml"
    env = dict(os.environ, ABRI_CONFIG_DIR=str(tmp_path / "cfg"), ABRI_DATA_DIR=str(tmp_path))
    subprocess.run(
        [sys.executable, "-m", "tui", "new", str(case), "--lang", "fr", "--title", "Titre Secret"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    session = f"abri-quick-exit-{os.getpid()}"
    socket = str(tmp_path / "tmux.sock")
    tmux = ["tmux", "-S", socket]
    command = f"{sys.executable} -m tui {case}; echo ABRI-EXITED-$?; exec sh"
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        check=True,
        env=env,
        cwd=ROOT,
    )

    def pane(history: bool = False) -> str:
        args = [*tmux, "capture-pane", "-p", "-t", session] + (["-S", "-"] if history else [])
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    def wait_for(text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in pane():
                return
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared:\n{pane()}")

    try:
        wait_for("Titre Secret")
        subprocess.run([*tmux, "send-keys", "-t", session, "3"], check=True)
        time.sleep(1)
        subprocess.run([*tmux, "send-keys", "-t", session, "a"], check=True)
        wait_for("E0001")
        time.sleep(0.5)
        subprocess.run([*tmux, "send-keys", "-t", session, "-l", "message-tape"], check=True)
        wait_for("message-tape")
        subprocess.run([*tmux, "send-keys", "-t", session, "C-q"], check=True)
        wait_for("ABRI-EXITED-0")
        everything = pane(history=True)
        for secret in ("Titre Secret", "message-tape", "secret-name", "Vite"):
            assert secret not in everything, everything
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    assert on_disk(case)["title"] == "Titre Secret"
