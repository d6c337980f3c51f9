"""Opening, creating, choosing where: a USB stick that is not plugged in never leads to
a case on this computer's disk without the person choosing it (issue 9)."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

from tests.app.conftest import screen_text, wait_for
from tui.app import AbriApp
from tui.cli import main
from tui.core.case import Case
from tui.core.store import CaseFile
from tui.screens.files import FilePicker
from tui.screens.start import MissingCaseScreen, StartScreen
from tui.settings import Settings

SIZE = (80, 24)


def _cases_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.toml")) if folder.exists() else []


def _remember(path: Path) -> None:
    Settings(last_case=str(path)).save()


def _make(path: Path, title: str = "Alice") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    CaseFile.create(path, Case(title=title, language="en")).close()
    return path


async def test_missing_stick_says_where_and_reflex_keys_create_nothing(
    isolated_user_dirs: Path, tmp_path: Path
) -> None:
    stick = isolated_user_dirs / "media" / "STICK"
    expected = stick / "alice.toml"
    _remember(expected)
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MissingCaseScreen)
        assert str(expected) in screen_text(app)
        # The reflex that used to create a new empty case on the helper's disk.
        await pilot.press("enter", "enter", "escape", "enter", "y")
        await pilot.pause()
        assert isinstance(app.screen, MissingCaseScreen)
        assert app.session is None
        await pilot.press("r")
        await pilot.pause()
        assert "Still not there" in screen_text(app)
        # The stick is plugged in now: r opens the case.
        _make(expected)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session is not None)
        assert app.current_mode == "calm"
        assert app.case.title == "Alice"
        await pilot.press("ctrl+q")
    # The only case file anywhere is the one on the stick.
    cases = [p for p in _cases_under(tmp_path) if "config" not in p.parts]
    assert cases == [expected]


async def test_missing_case_open_another_starts_at_the_stick(isolated_user_dirs: Path) -> None:
    _remember(isolated_user_dirs / "media" / "GONE" / "old.toml")
    other = _make(isolated_user_dirs / "media" / "KEY" / "cases" / "bob.toml", title="Bob")
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        text = screen_text(app)
        # The stick is listed before this computer.
        listing = app.screen.query_one("#picker-list")
        first = str(listing.get_option_at_index(0).prompt)  # type: ignore[attr-defined]
        assert "KEY" in first and "USB" in first, text
        await pilot.press("enter")  # into KEY
        await pilot.pause()
        # "↑ Up" first, then the cases/ folder (the evidence folder is not listed).
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # bob.toml
        await wait_for(pilot, lambda: app.session is not None)
        assert app.case.title == "Bob"
        assert app.current_mode == "calm"
        await pilot.press("ctrl+q")
    assert Settings.load().last_case == str(other.resolve())


async def test_missing_case_new_case_asks_where_and_lists_the_stick_first(
    isolated_user_dirs: Path,
) -> None:
    stick = isolated_user_dirs / "media" / "STICK"
    stick.mkdir(parents=True)
    _remember(stick / "gone.toml")
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        # Typing a title and enter before choosing creates nothing.
        await pilot.press("tab", *"Carol", "enter")
        await pilot.pause()
        assert "Choose first where" in screen_text(app)
        assert app.session is None
        await pilot.press("enter")  # the first place: the stick
        await pilot.press("enter")  # the title was kept
        await wait_for(pilot, lambda: app.session is not None)
        await pilot.press("ctrl+q")
    created = stick / "carol.toml"
    assert tomllib.loads(created.read_text(encoding="utf-8"))["title"] == "Carol"
    assert _cases_under(isolated_user_dirs / "data") == []


async def test_a_typed_path_in_a_missing_folder_is_refused_in_the_app(tmp_path: Path) -> None:
    path = tmp_path / "stick" / "nope" / "alice.toml"
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"Alice", "enter")
        await pilot.pause()
        assert "does not exist" in screen_text(app)
        assert app.session is None
    assert not (tmp_path / "stick").exists()


def test_abri_case_in_a_missing_folder_refuses_like_abri_new(
    tmp_path: Path, capsys: object
) -> None:
    path = tmp_path / "stick" / "nope" / "alice.toml"
    assert main([str(path), "--lang", "en"]) == main(["new", str(path), "--lang", "en"])
    assert not (tmp_path / "stick").exists()
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    sentence = f"The folder {path.parent} does not exist."
    assert err.count(sentence) == 2, err


async def test_palette_save_copy_elsewhere_then_open_another_case(
    isolated_user_dirs: Path, tmp_path: Path
) -> None:
    case = _make(tmp_path / "cases" / "alice.toml")
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG fake but real bytes")
    added = main(["add", str(case), "--url", "https://x.com/a/status/1", "--screenshot", str(shot)])
    assert added == 0
    stick = isolated_user_dirs / "media" / "STICK"
    stick.mkdir(parents=True)
    other = _make(isolated_user_dirs / "media" / "STICK2" / "bob.toml", title="Bob")
    app = AbriApp(case, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from tui.screens import start

        start.save_copy_elsewhere(app)
        await pilot.pause()
        await pilot.press("enter", "enter")  # STICK, then "✓ Choose this folder"
        await wait_for(pilot, lambda: (stick / "alice.toml").exists())
        start.open_another(app)
        await pilot.pause()
        await pilot.press("down", "enter")  # STICK2
        await pilot.pause()
        await pilot.press("down", "enter")  # bob.toml
        await wait_for(pilot, lambda: app.session is not None and app.case.title == "Bob")
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "evidence"
        await pilot.press("ctrl+q")
    copy = tomllib.loads((stick / "alice.toml").read_text(encoding="utf-8"))
    assert copy["title"] == "Alice"
    files = list((stick / "alice-files").iterdir())
    assert [f.read_bytes() for f in files if f.is_file()] == [shot.read_bytes()]
    assert stat.S_IMODE(os.stat(stick / "alice.toml").st_mode) == 0o600
    assert Settings.load().last_case == str(other.resolve())


async def test_the_screens_before_a_case_is_open_speak_the_last_cases_language(
    isolated_user_dirs: Path,
) -> None:
    """The trial, over SSH with LANG=C: a French case, then the stick unplugged: "The
    last case is not here" in English (also the opening line and a broken file's
    screen).  The language of the last case is remembered with it."""
    stick = isolated_user_dirs / "media" / "STICK"
    path = stick / "lea.toml"
    path.parent.mkdir(parents=True)
    CaseFile.create(path, Case(title="Léa", language="fr")).close()
    first = AbriApp(path)  # no --lang: the case's language
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first.lang == "fr"
        await pilot.press("ctrl+q")
    assert os.environ["LANG"] == "C.UTF-8"  # the fixture: not a French system
    assert Settings.load().language == "fr"
    moved = stick.with_name("STICK-away")
    stick.rename(moved)  # the stick is unplugged
    app = AbriApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MissingCaseScreen)
        assert "Le dernier dossier n'est pas là" in screen_text(app)
        await pilot.press("ctrl+q")
