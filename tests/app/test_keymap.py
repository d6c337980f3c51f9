"""The settings file's [keymap] changes keys: applied, validated, shown in help."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from tests.app.conftest import screen_text
from tui.app import AbriApp
from tui.keymap import bindings
from tui.screens.help import HelpScreen
from tui.settings import Settings, check_keymap, key_problem

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]


def _write_settings(data: dict[str, object]) -> Path:
    folder = Path(os.environ["ABRI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "settings.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


async def test_a_remapped_key_works_and_help_lists_it_with_what_was_ignored(
    make_case: Callable[..., Path],
) -> None:
    _write_settings(
        {
            "keymap": {
                "app-help": "f5",
                "app-evidence": "ctrl+e,f6",
                "no-such-binding": "f7",
                "app-quit": "ctr+q",
            }
        }
    )
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert re.search(r"f5 Help\s*$", screen_text(app), re.MULTILINE)  # the status line
        await pilot.press("f6")
        await pilot.pause()
        assert app.current_mode == "evidence"
        await pilot.press("f2", "f1")  # f1 is no longer help
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys changed in the settings file" in text
        assert "app-help → f5" in text and "app-evidence → ctrl+e,f6" in text
        assert "'no-such-binding' is not a binding of Abri" in text
        assert "unknown modifier 'ctr'" in text
        # The global keys are listed with the keys that now work.
        assert re.search(r"f5( / \?)?\s+this help", text)
        # The palette names the keys in force too.
        offered = {command.help for command in app.get_system_commands(app.screen)}
        assert {"key: f5", "key: ctrl+e", "key: ctrl+q"} <= offered and "key: f1" not in offered
        # The bad entry changed nothing: ctrl+q still quits.
        await pilot.press("escape", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


def test_saving_another_setting_keeps_the_keymap_as_written() -> None:
    path = _write_settings({"theme": "", "keymap": {"app-quit": "f10", "typo": "ctr+x"}})
    settings = Settings.load()
    settings.update(theme="abri-light")
    assert Settings.load().keymap == {"app-quit": "f10", "typo": "ctr+x"}
    assert "[keymap]" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("keys", "wrong"),
    [
        ("ctrl+q", False),
        ("ctrl+q, f10", False),
        ("question_mark", False),
        ("?", False),
        ("shift+ctrl+x", False),
        ("", True),
        ("ctrl+", True),
        ("a,,b", True),
        ("ctr+q", True),
        ("hello world", True),
        ("\x1b[2J", True),
    ],
)
def test_key_lists_are_checked(keys: str, wrong: bool) -> None:
    assert (key_problem(keys) is not None) == wrong


def test_hostile_ids_are_refused_and_not_quoted_at_length() -> None:
    applied, problems = check_keymap({"[b]x" * 1000: "a", "app-quit": "f10"}, bindings())
    assert applied == {"app-quit": "f10"}
    assert len(problems) == 1 and len(problems[0]) < 100


def test_docs_list_every_binding_id_with_its_default_keys() -> None:
    documented = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| `([^`]*)` \|", documented, re.MULTILINE))
    assert rows == {info.id: info.keys for info in bindings().values()}
