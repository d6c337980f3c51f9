"""A small case is read before the app's first frame and the app starts in its calm steps.

Before, the app started on Textual's blank default screen, opened the case from its
``on_mount`` and switched modes: the switch restyled every widget of the calm screen
twice more (a third of the time to the first usable screen, measured by
``make bench``).  These tests hold what must not change with it: the same case
opens (given or remembered), the areas switch back and forth to the same calm
screen, and a case that cannot be read is explained and left untouched (switching
to another case from one opened this way: ``test_where.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tui.app import AbriApp
from tui.screens.calm import CalmScreen
from tui.screens.start import CaseProblemScreen, _leave_then, _open_fresh, read_first_case

SIZE = (80, 24)


async def test_the_app_starts_in_the_calm_steps_of_the_case(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(title="Alice")
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "calm"
        calm = app.screen
        assert isinstance(calm, CalmScreen)
        assert app.case.title == "Alice"
        for key in ("f3", "f4", "f2"):
            await pilot.press(key)
            await pilot.pause()
        assert app.screen is calm  # back to the same screen, not a second one
        await pilot.press("ctrl+q")


async def test_the_last_case_is_reopened_before_the_first_frame_too(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    first = AbriApp(path, lang="en")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
    again = AbriApp(None, lang="en")  # `make run` with no argument: the last case
    assert again.session is not None and again.session.path == path
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, CalmScreen)
        await pilot.press("ctrl+q")
    assert not path.with_name(f".{path.name}.open").exists()


async def test_a_small_case_that_cannot_be_read_is_explained_and_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('title = "unterminated\n', encoding="utf-8")
    before = path.read_bytes()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseProblemScreen)
        assert app.session is None
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before
    assert not (tmp_path / ".broken.toml.open").exists()


def test_what_is_left_to_the_start_screens(tmp_path: Path) -> None:
    """No case, a missing one, a remembered one that is gone: ``begin`` decides."""
    assert read_first_case(None, "") is None
    assert read_first_case(tmp_path / "new.toml", "") is None
    assert read_first_case(None, str(tmp_path / "gone.toml")) is None


@pytest.mark.parametrize("where", ["a step", "the evidence table"])
async def test_opening_another_case_from_a_step_or_the_table_does_not_crash(
    make_case: Callable[..., Path], where: str
) -> None:
    """The trial: on a calm step (not the welcome) or in the table, opening another
    case (or making a new one) stopped the app with "no case is open": the old
    screens' footers asked their keys of a case just closed."""
    first = make_case(title="First", name="first.toml")
    second = make_case(title="Second", name="second.toml")
    app = AbriApp(first, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # welcome -> step 1
        await pilot.pause()
        if where == "the evidence table":
            await pilot.press("f3")
            await pilot.pause()
        # What "open another case" does once the file is picked (test_where.py picks
        # it with the keys): leave this case, then open that one.
        _leave_then(app, lambda: _open_fresh(app, second))
        await wait_for(pilot, lambda: app.session is not None and app.session.path == second)
        await pilot.pause(0.3)
        assert isinstance(app.screen, CalmScreen)
        assert app.case.title == "Second"
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "evidence"
        await pilot.press("ctrl+q")
    assert app.return_code == 0
