"""The app shell driven from the keyboard: opening cases, areas, help, language, saving."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.app.conftest import screen_text, wait_for
from tui.app import AbriApp
from tui.core.store import CaseFile, ReadOnlyError
from tui.screens.dialogs import ConfirmDialog
from tui.screens.help import HelpScreen
from tui.screens.start import CaseProblemScreen, StartScreen
from tui.settings import Settings
from tui.widgets.status import StatusLine

SIZE = (80, 24)


def read_case(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


async def test_f2_f3_f4_switch_areas_and_f1_shows_contacts_everywhere(
    make_case: Callable[..., Path],
) -> None:
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "calm"
        for key, mode in (("f3", "evidence"), ("f4", "export"), ("f2", "calm")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "17" in text and "112" in text and "3018" in text
            await pilot.press("d")  # the details, one key further
            await pilot.pause()
            assert "verified on" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)


async def test_area_key_from_help_goes_to_that_area(make_case: Callable[..., Path]) -> None:
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1", "f3")
        await pilot.pause()
        assert app.current_mode == "evidence"
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1", "f1")  # f1 again closes help
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_switching_language_is_recorded_in_the_case(make_case: Callable[..., Path]) -> None:
    path = make_case(language="en")
    app = AbriApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lang == "en"
        await pilot.press("f1", "l")
        await pilot.pause()
        await pilot.pause()
        assert app.lang == "fr"
        assert "De l'aide, maintenant" in screen_text(app)
        await pilot.press("ctrl+q")
    data = read_case(path)
    assert data["language"] == "fr"
    # Reopening without --lang uses the case's language.
    again = AbriApp(path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.lang == "fr"


async def test_lang_option_wins_over_the_case(make_case: Callable[..., Path]) -> None:
    app = AbriApp(make_case(language="fr"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lang == "en"


async def test_unreadable_case_shows_every_problem_and_is_left_byte_identical(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.toml"
    original = b'schema = 1\ntitle = "x"\nlanguage = "klingon"\ntimezone = "Mars/Olympus"\n'
    path.write_bytes(original)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseProblemScreen)
        text = screen_text(app)
        assert "cannot be opened" in text
        assert "language" in text and "timezone" in text
        await pilot.press("f2", "f3", "ctrl+q")
    assert path.read_bytes() == original
    assert sorted(item.name for item in tmp_path.iterdir()) == ["broken.toml"]


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", ("ne peut pas", "ligne 2")), ("en", ("cannot", "line 2"))]
)
async def test_a_broken_file_is_explained_in_one_language(
    tmp_path: Path, lang: str, words: tuple[str, str]
) -> None:
    """The trial: the screen in English, its problem line in French ("ligne 2: TOML
    non valide"): the problems were worded before the app had chosen its language."""
    path = tmp_path / "broken.toml"
    path.write_bytes(b'schema = 1\ntitle = "unterminated\n')
    app = AbriApp(path, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseProblemScreen)
        text = screen_text(app)
        assert all(word in text for word in words), text
        await pilot.press("ctrl+q")


async def test_not_toml_at_all_is_explained_too(tmp_path: Path) -> None:
    path = tmp_path / "garbage.toml"
    original = b"title = [/foo] [@click=app.quit]x[/]\x1b[2J"
    path.write_bytes(original)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseProblemScreen)
        assert app.is_running
    assert path.read_bytes() == original


async def test_missing_path_offers_to_create_it(tmp_path: Path) -> None:
    path = tmp_path / "new-case.toml"
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert str(path) in screen_text(app)
        await pilot.press(*"Bob", "enter")
        await pilot.pause()
        assert app.current_mode == "calm"
        await pilot.press("ctrl+q")
    data = read_case(path)
    assert data["title"] == "Bob"
    assert data["language"] == "en"


async def test_abri_alone_creates_a_case_in_the_default_folder_then_reopens_it(
    isolated_user_dirs: Path,
) -> None:
    data_dir = isolated_user_dirs / "data"
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        # Nothing is created before a place is chosen: enter picks "this computer".
        await pilot.press("enter", *"Élise: CON?", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
    created = data_dir / "elise-con.toml"
    assert read_case(created)["title"] == "Élise: CON?"
    assert Settings.load().last_case == str(created.resolve())
    # The settings file holds a path and a theme, never case content.
    settings_text = (isolated_user_dirs / "config" / "settings.toml").read_text(encoding="utf-8")
    assert "Élise" not in settings_text

    again = AbriApp(None, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.current_mode == "calm"
        assert again.case.title == "Élise: CON?"


async def test_a_new_case_never_overwrites_an_existing_file(isolated_user_dirs: Path) -> None:
    data_dir = isolated_user_dirs / "data"
    data_dir.mkdir(parents=True)
    existing = data_dir / "alice.toml"
    existing.write_text("not mine", encoding="utf-8")
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"Alice", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert existing.read_text(encoding="utf-8") == "not mine"
    assert read_case(data_dir / "alice-2.toml")["title"] == "Alice"


@pytest.mark.parametrize(
    "keys",
    [
        ("enter", "tab", *"Zoe", "enter"),  # the trial: place, tab, the title, enter
        (*"Zoe", "enter", "enter", "enter"),  # the title typed before the place
    ],
    ids=["tab-away-then-type", "title-first"],
)
async def test_the_title_typed_on_the_start_screen_is_never_dropped(
    isolated_user_dirs: Path, keys: tuple[str, ...]
) -> None:
    """The trial: tab from the title field went to a container where the typed title
    went nowhere, and enter created "My case"; letters typed on the list of places
    were dropped too.  Now they are the title."""
    data_dir = isolated_user_dirs / "data"
    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await wait_for(pilot, lambda: app.session is not None)
        assert app.case.title == "Zoe"
        await pilot.press("ctrl+q")
    assert read_case(data_dir / "zoe.toml")["title"] == "Zoe"


async def test_hostile_title_shows_literally_and_click_markup_does_not_quit(
    make_case: Callable[..., Path], hostile: str
) -> None:
    app = AbriApp(make_case(title=hostile), lang="en")
    async with app.run_test(size=(200, 24)) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one(StatusLine).render())
        assert "[@click=app.quit]x[/]" in status
        assert "[/foo]" in status
        assert "\x1b" not in status and "\u202e" not in status
        await pilot.click(StatusLine)
        for key in ("f3", "f4", "f1", "escape", "f2"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running


async def test_hostile_title_typed_on_the_start_screen(tmp_path: Path, hostile: str) -> None:
    path = tmp_path / "typed.toml"
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(Input).value = hostile[:200]
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "calm"
        assert app.is_running
    assert read_case(path)["title"] == hostile[:200].strip()


async def test_ctrl_c_never_quits(make_case: Callable[..., Path], tmp_path: Path) -> None:
    app = AbriApp(make_case(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        for key in ("f2", "ctrl+c", "f3", "ctrl+c", "f4", "ctrl+c", "f1", "ctrl+c"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
    start = AbriApp(tmp_path / "x.toml", lang="en")
    async with start.run_test(size=SIZE) as pilot:
        await pilot.press(*"typed", "ctrl+c")
        await pilot.pause()
        assert start.is_running
        assert start.screen.query_one(Input).value == "typed"
        # Calm: nothing blinks, nothing slides.
        assert start.screen.query_one(Input).cursor_blink is False
        assert start.animation_level == "none"


async def test_status_line_says_saved_with_the_time(make_case: Callable[..., Path]) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_session.set_details(concerns="Alice M.")
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "saved 14:32" in str(status.render()))
        # Saved at once, before quitting.
        assert read_case(path)["concerns"] == "Alice M."


async def test_a_failed_save_is_shown_and_nothing_is_lost(make_case: Callable[..., Path]) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Another machine changed the file meanwhile: Abri must not overwrite it.
        other = CaseFile.open(path)
        other.case = replace(other.case, concerns="changed elsewhere")
        other.save()
        other.close()
        app.open_session.set_details(concerns="typed here")
        line = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "changed on disk" in str(line.render()))
        assert app.case.concerns == "typed here"
        assert app.is_running
        # Nothing would be lost (the copy holds this version): the quick exit leaves at once.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert read_case(path)["concerns"] == "changed elsewhere"
    # Neither version is lost: what was typed here is kept whole, in a dated copy.
    assert app.conflict_copy
    assert read_case(Path(app.conflict_copy))["concerns"] == "typed here"


async def _conflict(app: AbriApp, pilot: Any, path: Path) -> None:
    """Another program changes the case file, then the app saves a change: a conflict
    (the app's version goes to a dated copy)."""
    other = CaseFile.open(path)
    other.case = replace(other.case, concerns="changed elsewhere")
    other.save()
    other.close()
    app.open_session.set_details(concerns="typed here")
    await wait_for(pilot, lambda: bool(app.conflict_copy))


async def test_a_conflict_says_where_the_copy_is_whole_at_80x24_and_quitting_says_so(
    make_case: Callable[..., Path],
) -> None:
    """The trial: the status line was cut before the copy's path, and quitting said the
    changes would be lost although they were kept in the copy."""
    from textual.geometry import Size

    path = make_case(language="fr", name="un-nom-de-dossier-assez-long-pour-la-cle.toml")
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _conflict(app, pilot, path)
        await pilot.pause()
        line = app.screen.query_one(StatusLine)
        kept = Path(app.conflict_copy).relative_to(path.parent)
        assert str(kept) in str(line.render())
        needed = line.get_content_height(Size(80, 24), Size(80, 24), line.content_region.width)
        assert needed <= line.content_region.height, "the status line is cut"
        # "Save again" keeps saying where the version is.
        app.action_save_again()
        await wait_for(pilot, lambda: app.save_state == "error")
        await pilot.pause(0.3)
        assert str(kept) in str(line.render())
        # Quitting the ordinary way says it is kept, not lost.
        await app.action_quit()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = screen_text(app).replace("\n", " ")
        assert "gardées entières" in question and "perdre" not in question
        await pilot.press("y")
        await pilot.pause()
    assert read_case(path)["concerns"] == "changed elsewhere"
    assert read_case(Path(app.conflict_copy))["concerns"] == "typed here"


async def test_reopening_after_a_conflict_points_to_the_copy_until_the_case_is_saved(
    make_case: Callable[..., Path],
) -> None:
    """The trial: after a conflict the person's version was whole in the copy, but on
    reopening nothing said so: what they had typed looked lost."""
    path = make_case(language="en")
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _conflict(app, pilot, path)
        await app.action_quit()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    kept = Path(app.conflict_copy).relative_to(path.parent)
    again = AbriApp(path, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        toasts = " ".join(str(n.message) for n in again._notifications)
        assert str(kept) in toasts and "not in this case" in toasts, toasts
        # Something done now is saved: the copy is older than the case from then on.
        again.open_session.set_details(concerns="typed again")
        await wait_for(pilot, lambda: again.save_state == "saved")
        await pilot.press("ctrl+q")
    third = AbriApp(path, lang="en")
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not any("kept apart" in notice for notice in third.notices)
        assert not any("kept apart" in str(n.message) for n in third._notifications)
        await pilot.press("ctrl+q")


async def test_a_case_saved_from_a_backup_is_read_only_and_says_so(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    casefile = CaseFile.open(path)
    casefile.case = replace(casefile.case, concerns="kept in the backup")
    casefile.save()
    casefile.case = replace(casefile.case, concerns="second version")
    casefile.save()
    casefile.close()
    damaged = b"title = [unfinished"
    path.write_bytes(damaged)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "calm"
        assert any("read-only" in notice for notice in app.notices)
        assert "read-only" in str(app.screen.query_one(StatusLine).render())
        with pytest.raises(ReadOnlyError):
            app.open_session.set_details(concerns="typed while read-only")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert path.read_bytes() == damaged


async def test_a_case_open_in_another_abri_is_announced(make_case: Callable[..., Path]) -> None:
    path = make_case()
    # What another machine's Abri leaves beside the case on the USB stick.
    marker = CaseFile.open(path).marker_path
    marker.write_text(
        json.dumps({"host": "laptop-[b]of[/b]-helper", "pid": 1, "at": "2026-11-23T10:00:00Z"}),
        encoding="utf-8",
    )
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "calm"
        assert any("laptop-[b]of[/b]-helper" in notice for notice in app.notices)
        # The time the other Abri opened it, for people, in the case's zone (Paris).
        assert any("2026-11-23 11:00" in notice for notice in app.notices), app.notices
        assert not any("10:00:00Z" in notice for notice in app.notices)
        assert app.is_running


async def test_language_switch_on_the_start_screen_keeps_what_was_typed(tmp_path: Path) -> None:
    app = AbriApp(tmp_path / "c.toml", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Alice", "f1", "l", "escape")
        await pilot.pause()
        assert app.lang == "fr"
        assert "Donnez un titre" in screen_text(app)
        assert app.screen.query_one(Input).value == "Alice"


async def test_a_folder_given_as_case_is_explained_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-case.toml"
    folder.mkdir()
    app = AbriApp(folder, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseProblemScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
    assert list(folder.iterdir()) == []


async def test_case_details_from_the_palette_are_saved_through_the_session(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Case details")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Alice Martin", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    data = read_case(path)
    assert data["concerns"] == "Alice Martin"
    assert data["journal"][-1]["action"] == "details-changed"
    assert "Alice" not in data["journal"][-1].get("detail", "")  # field names, not values
