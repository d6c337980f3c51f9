"""The calm steps driven from the keyboard, checked on the case file written to disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tui.screens.calm as calm_module
from tests.calm.conftest import on_disk, screen_text
from tests.conftest import HOSTILE, LONG_LINE
from tui.app import AbriApp
from tui.core.content import load_calm, parse_steps
from tui.core.text import one_line
from tui.screens.calm import CalmScreen

STEP_IDS = [step.id for step in load_calm("en").steps]
SIZE = (80, 24)


def _progress(app: AbriApp) -> str:
    return str(app.screen.query_one("#calm-progress").render())


async def test_enter_alone_goes_through_every_step_and_each_is_recorded_with_its_time(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    started = datetime.now(UTC)
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CalmScreen)
        assert "You are not alone." in screen_text(app)
        await pilot.press("f2")  # the documented way in: already there, harmless
        # Welcome, then every step, platform picker included, with enter only.
        for _ in range(len(STEP_IDS) + 1):
            await pilot.press("enter")
        await pilot.pause()
        assert "That is enough for now." in screen_text(app)
        await pilot.press("ctrl+q")
    finished = datetime.now(UTC)
    saved = on_disk(path)
    assert list(saved["steps"]) == STEP_IDS
    for step_id, progress in saved["steps"].items():
        assert progress["status"] == "done", step_id
        assert started <= progress["at"] <= finished, step_id
    assert saved["current_step"] == "end"
    journal = [(line["action"], line["detail"]) for line in saved["journal"]]
    assert [("step-done", step_id) for step_id in STEP_IDS] == [
        line for line in journal if line[0] == "step-done"
    ]

    # Reopened (on any machine): straight to the closing page, nothing re-asked.
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "That is enough for now." in screen_text(app)
        assert "15 of 15" in _progress(app)


async def test_done_and_skip_are_saved_at_once_and_reopening_resumes_there(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "s")
        await pilot.pause()
        assert _progress(app).startswith("Step 3 of 15")
        await pilot.press("ctrl+q")
    saved = on_disk(path)
    assert saved["steps"]["airplane"]["status"] == "done"
    assert saved["steps"]["platforms"]["status"] == "skipped"
    assert isinstance(saved["steps"]["platforms"]["at"], datetime)
    assert saved["current_step"] == "notifications"

    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _progress(app) == "Step 3 of 15"
        assert "Turn off these apps' notifications" in screen_text(app)
        # Going back shows the earlier step with what was recorded, without changing it.
        await pilot.press("left")
        await pilot.pause()
        assert "Step 2 of 15 · skipped" in _progress(app)
        await pilot.press("right", "right")
        await pilot.pause()
        await pilot.press("ctrl+q")
    saved = on_disk(path)
    assert set(saved["steps"]) == {"airplane", "platforms"}
    assert saved["current_step"] == "block-numbers"


async def test_picked_platforms_are_saved_and_only_their_lock_steps_follow(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(current_step="platforms")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Where do the messages come in?" in screen_text(app)
        # Instagram is the second entry, Mastodon the last (15th).
        await pilot.press("down", "space")
        await pilot.pause()
        picker = app.screen.query_one("#calm-platforms")
        # The tick shows as a mark, not only as a colour (NO_COLOR, 16 colours).
        marks = [picker.render_line(row).text[:4] for row in range(3)]
        assert marks[1].strip(" ▐▌") == "X" and marks[2].strip(" ▐▌") == ""
        await pilot.press(*["down"] * 13, "space")
        await pilot.pause()
        # left/right still move between steps while the list has the focus.
        await pilot.press("left")
        await pilot.pause()
        assert "Cut the flood: airplane mode" in screen_text(app)
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.query_one("#calm-platforms").has_focus
        await pilot.press("enter")  # platforms step done
        await pilot.pause()
        # The next step names the apps picked.
        assert "Turn off these apps' notifications" in screen_text(app)
        assert "Your apps: Instagram, Mastodon." in screen_text(app)
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert "Limit who can reach you" in screen_text(app)
        assert "Instagram, Mastodon" in screen_text(app)
        for title in (
            "Instagram: private account",
            "Mastodon: approve followers",
            "Change a password someone knows",
            "Turn on two-step verification",
            "Instagram: two-step verification",
            "Mastodon: two-step verification",
            "You can get help",
        ):
            await pilot.press("enter")
            await pilot.pause()
            assert title in screen_text(app)
        assert "of 19" in _progress(app)
        await pilot.press("ctrl+q")
    saved = on_disk(path)
    assert saved["platforms"] == ["instagram", "mastodon"]
    assert {"lock-instagram", "lock-mastodon", "secure-instagram", "secure-mastodon"} <= set(
        saved["steps"]
    )
    assert not any(
        step.startswith("lock-") and step not in ("lock-instagram", "lock-mastodon")
        for step in saved["steps"]
    )
    assert saved["current_step"] == "get-help"


async def test_the_evidence_step_opens_the_evidence_table_and_complaint_opens_export(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(current_step="evidence")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Keep the evidence" in screen_text(app)
        await pilot.press("x")  # not the export step: does nothing
        await pilot.pause()
        assert app.current_mode == "calm"
        await pilot.press("e")
        await pilot.pause()
        assert app.current_mode == "evidence"
        await pilot.press("f2", "enter")  # back; the evidence step is done
        await pilot.pause()
        assert app.current_mode == "calm"
        assert "File a complaint" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert app.current_mode == "export"
        await pilot.press("ctrl+q")
    assert on_disk(path)["steps"]["evidence"]["status"] == "done"


async def test_hostile_title_and_platform_ids_show_literally_and_nothing_breaks(
    make_case: Callable[..., Path],
) -> None:
    tampered = ["x", HOSTILE, "[@click=app.quit]x[/]", "x", LONG_LINE]
    # A tampered current_step too: the app starts from the welcome page instead.
    path = make_case(title=HOSTILE, platforms=tampered, current_step=HOSTILE)
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert one_line(HOSTILE, 60) in text  # the title, markers for ESC / bidi / NUL
        assert "\x1b" not in text and "\u202e" not in text
        await pilot.press(*["right"] * 2)  # to the platform picker, marking nothing
        await pilot.pause()
        assert "Where do the messages come in?" in screen_text(app)
        picker = app.screen.query_one("#calm-platforms")
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert "[@click=app.quit]x[/] (no guide)" in prompts
        assert any(p.startswith("[/foo] [b]bold?[/b]") for p in prompts)
        await pilot.press("right")  # the notifications step names them, literally
        await pilot.pause()
        assert "X (Twitter), " in screen_text(app)
        assert "[@click=app.quit]x[/] (no guide)" in screen_text(app)
        await pilot.press(*["right"] * 4)  # the lock step lists them too
        await pilot.pause()
        assert "Limit who can reach you" in screen_text(app)
        assert "[@click=app.quit]x[/] (no guide)" in screen_text(app)
        await pilot.press("enter", "enter")  # lock, lock-x: nothing crashes, no quit
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
    saved = on_disk(path)
    assert saved["title"] == HOSTILE
    assert saved["platforms"] == tampered  # untouched until the person changes them
    assert saved["steps"]["lock-x"]["status"] == "done"


async def test_switching_language_redraws_the_step_in_french(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(current_step="airplane")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _progress(app) == "Step 1 of 15"
        app.set_language("fr")
        await pilot.pause()
        await pilot.pause()
        assert _progress(app) == "Étape 1 sur 15"
        # French spacing: a non-breaking space before ":" and "?".
        assert "Couper le flot\u00a0: le mode avion" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "Où les messages arrivent-ils\u00a0?" in screen_text(app)
        await pilot.press("ctrl+q")
    assert on_disk(path)["steps"]["airplane"]["status"] == "done"


async def test_a_broken_content_file_is_named_on_screen_and_the_app_keeps_working(
    make_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a volunteer's typo in steps.toml does: the real parser, a broken text.
    broken = '[welcome]\ntitle = "Hi"\n[[step]]\nid = "airplane"\n'

    def load_broken(lang: str) -> object:
        parse_steps(broken, f"tui/content/{lang}/steps.toml")
        raise AssertionError("the broken file was accepted")

    monkeypatch.setattr(calm_module, "load_calm", load_broken)
    path = make_case(current_step="airplane")
    app = AbriApp(case_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "tui/content/en/steps.toml" in text and 'has no "kind"' in text
        await pilot.press("enter", "s", "right")  # nothing to mark, nothing breaks
        await pilot.press("f1")
        await pilot.pause()
        assert "3018" in screen_text(app)  # help contacts still one key away
        await pilot.press("ctrl+q")
    assert "steps" not in on_disk(path)


async def test_a_step_scrolls_with_the_arrow_keys_when_the_terminal_is_short(
    make_case: Callable[..., Path],
) -> None:
    # At 80×24 every step now fits; a shorter terminal (a split pane) still scrolls.
    path = make_case(language="fr", current_step="airplane")
    app = AbriApp(case_path=path)
    async with app.run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#calm-body")
        assert body.has_focus and body.max_scroll_y > 0  # longer than the screen
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("ctrl+q")
