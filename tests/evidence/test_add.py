"""Adding entries from the keyboard: a pasted URL, invalid input, discarding, reopening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Select, Static

from tests.evidence.conftest import SIZE, X_URL, evidence_on_disk, read_case
from tui.app import AbriApp
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_dialogs import ConfirmDialog
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.evidence_table import EvidenceTable


def note(app: AbriApp, id: str) -> str:
    """The text under a form field."""
    return str(app.screen.query_one(f"#{id}", Static).render())


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_pasted_x_url_is_decoded_and_saved(make_case: Callable[..., Path], lang: str) -> None:
    """The done-when path: f3, a, paste the URL, ctrl+s, ctrl+q."""
    path = make_case(language=lang)
    app = AbriApp(path, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        assert isinstance(app.focused, Input) and app.focused.id == "url"
        app.post_message(events.Paste(X_URL))  # what a terminal paste is
        await pilot.pause()
        # The decoded time is offered as a suggestion that says where it came from.
        assert app.screen.query_one("#posted-at", Input).value
        source = "decoded from the post ID" if lang == "en" else "déduite de l'ID"
        assert source in note(app, "posted-at-note")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["id"] == "E0001"
    assert entry["url"] == X_URL
    assert entry["platform"] == "x"
    assert entry["account_handle"] == "someone"
    assert entry["post_id"] == "1382350606417817604"
    assert entry["posted_at"].replace(microsecond=0) == datetime(
        2021, 4, 14, 15, 10, 42, tzinfo=UTC
    )
    assert entry["posted_at_source"] == "post-id"
    journal = read_case(path)["journal"]
    assert [j["action"] for j in journal][-1] == "evidence-added"
    assert journal[-1]["detail"].startswith("E0001")


async def test_typed_time_overrides_the_decoded_one(make_case: Callable[..., Path]) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.screen.query_one("#url", Input).value = X_URL
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")  # platform, post ID, date
        assert app.focused is not None and app.focused.id == "posted-at"
        app.focused.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"15/04/2021 09:30")
        await pilot.press("tab", *"12345", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["posted_at_source"] == "typed"
    # 09:30 in Paris (summer time) is 07:30 UTC.
    assert entry["posted_at"] == datetime(2021, 4, 15, 7, 30, tzinfo=UTC)
    assert entry["account_id"] == "12345"


async def test_invalid_input_is_explained_and_nothing_typed_is_lost(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#url", Input).value = "javascript:alert(1)"
        await pilot.pause()
        assert note(app, "url-note")  # one sentence right away
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form, "an invalid URL must not be saved"
        assert app.focused is form.query_one("#url")
        form.query_one("#url", Input).value = X_URL
        form.query_one("#account-id", Input).value = "not-digits"
        form.query_one("#posted-at", Input).value = "31/02/2021 10:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert note(app, "posted-at-note"), "an impossible date is explained"
        assert app.focused is form.query_one("#posted-at")
        form.query_one("#posted-at", Input).value = "28/02/2021 10:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "digit" in note(app, "account-id-note").lower()
        assert form.query_one("#account-id", Input).value == "not-digits"
        form.query_one("#shot-path", Input).value = str(path.parent / "nothing-here.png")
        form.query_one("#account-id", Input).value = "42"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "nothing-here.png" in note(app, "shot-note")
        form.query_one("#shot-path", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_id"] == "42"
    assert entry["posted_at"] == datetime(2021, 2, 28, 9, 0, tzinfo=UTC)


async def test_escape_asks_before_throwing_typed_text_away(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("a", *"x.com/a/status/1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        assert app.screen.query_one("#url", Input).value == "x.com/a/status/1"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    assert evidence_on_disk(path) == []


async def test_entries_are_there_after_quitting_and_reopening(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        for number in (1, 2, 3):
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one(
                "#url", Input
            ).value = f"https://x.com/user{number}/status/1{number}82350606417817604"
            await pilot.press("ctrl+s")
            await pilot.pause()
        await pilot.press("ctrl+q")
    assert [e["id"] for e in evidence_on_disk(path)] == ["E0001", "E0002", "E0003"]
    again = AbriApp(path, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        table = again.screen.query_one(EvidenceTable)
        assert [e.account_handle for e in table.rows.shown] == ["user1", "user2", "user3"]
        header = table.render_line(0).text
        assert "Date & time" in header and "URL" in header
        assert "@user1" in table.render_line(1).text


async def test_leaving_the_area_keeps_what_was_typed(make_case: Callable[..., Path]) -> None:
    """f2 closes the form (the app pops dialogs); a comes back to the typed values."""
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(X_URL))
        await pilot.pause()
        app.screen.query_one("#account-id", Input).value = "777"
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert app.current_mode == "calm"
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EvidenceForm)
        assert form.query_one("#url", Input).value == X_URL
        assert form.query_one("#account-id", Input).value == "777"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_id"] == "777"
    assert entry["posted_at_source"] == "post-id"


async def test_a_large_screenshot_is_copied_off_screen_and_escape_stops_it(
    make_case: Callable[..., Path], tmp_path: Path
) -> None:
    """The copy runs in a worker: the form answers keys meanwhile, escape stops it,
    nothing is left in the evidence folder and everything typed is still there."""
    path = make_case()
    big = tmp_path / "huge.png"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GiB (sparse: instant to make, slow to copy)
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EvidenceForm)
        app.post_message(events.Paste(X_URL))
        await pilot.pause()
        form.query_one("#shot-path", Input).value = str(big)
        await pilot.press("ctrl+s")
        assert app.screen is form  # still answering keys while the copy runs
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form
        assert "Stopped" in note(app, "shot-note")
        assert form.query_one("#url", Input).value == X_URL
        await pilot.press("ctrl+q")
    folder = path.parent / "case-files"
    left = [p for p in folder.rglob("*") if p.is_file() and ".backups" not in p.parts]
    assert left == []
    assert evidence_on_disk(path) == []


async def test_a_share_sheet_paste_on_two_lines_keeps_the_address(
    make_case: Callable[..., Path],
) -> None:
    """A phone copies "words + newline + address": the address must not be dropped."""
    path = make_case(language="fr")
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(f"Regardez ce post de @someone\r\n{X_URL}\n"))
        await pilot.pause()
        shown = app.screen.query_one("#url", Input).value
        assert X_URL in shown and "↵" in shown  # the whole paste, line breaks visible
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["url"] == X_URL


async def _new_entry_with_url(app: AbriApp, pilot: Any) -> None:
    """The table, a new entry, the X URL pasted into its first field."""
    await pilot.press("f3", "a")
    await pilot.pause()
    app.post_message(events.Paste(X_URL))
    await pilot.pause()


async def test_a_paste_on_several_lines_in_a_one_line_field_is_kept_whole(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(language="en")
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _new_entry_with_url(app, pilot)
        app.screen.query_one("#handle", Input).focus()
        await pilot.pause()
        app.post_message(events.Paste("first line\nsecond line"))
        await pilot.pause()
        assert app.screen.query_one("#handle", Input).value == "first line↵second line"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["account_handle"] == "first line\nsecond line"


async def test_the_open_platform_list_says_how_to_close_it_in_french(
    make_case: Callable[..., Path],
) -> None:
    """Textual names the key of an open list in English ("Dismiss menu"): not here."""
    from textual.widgets._footer import FooterKey

    path = make_case(language="fr")
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await _new_entry_with_url(app, pilot)
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.pause()
        shown = [key.description for key in app.screen.query(FooterKey)]
        assert "Fermer la liste" in shown and "Dismiss menu" not in shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape", "ctrl+q")


async def test_words_typed_on_the_platform_choice_do_not_change_the_platform(
    make_case: Callable[..., Path],
) -> None:
    """Tab after the URL lands on the platform choice: typing there must not pick another."""
    path = make_case(language="fr")
    app = AbriApp(path, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await _new_entry_with_url(app, pilot)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "platform"
        await pilot.press(*"threat here", "enter")
        await pilot.pause()
        if app.focused is not None and app.focused.id != "platform":
            await pilot.press("escape")  # a list left open closes without choosing
            await pilot.pause()
        assert app.screen.query_one("#platform", Select).value == "x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["platform"] == "x"
