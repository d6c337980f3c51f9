"""Keys sent in one burst (a laggy SSH link) land where they were typed.

Each test posts every key to the app at once, without waiting between them — as a
terminal does when a burst of bytes arrives — and looks at the case file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events

from tests.evidence.conftest import SIZE, evidence_on_disk
from tui.app import AbriApp

URL = "https://x.com/calm/status/2124858508309552666"


def burst(app: AbriApp, *keys: str) -> None:
    """Post every key at once (no pause, no waiting for the app in between)."""
    for key in keys:
        if len(key) == 1:
            name = {" ": "space", "@": "at", "_": "underscore", "/": "slash"}.get(key, key)
            app.post_message(events.Key(name, key))
        else:
            app.post_message(events.Key(key, None))


async def test_a_burst_of_tabs_and_text_fills_each_field(make_case: Callable[..., Path]) -> None:
    """The reproduction: Tab Tab Tab Tab 4455 Tab pseudo_rapide Tab contenu, in one burst."""
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(URL))
        await pilot.pause()
        burst(app, "tab", "tab", "tab", "tab", *"4455", "tab", *"pseudo_rapide", "tab", *"contenu")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["url"] == URL
    assert entry["post_id"] == "2124858508309552666"
    assert entry["account_id"] == "4455"
    assert entry["account_handle"] == "pseudo_rapide"
    assert entry["content"] == "contenu"


async def test_keys_typed_before_the_form_opens_go_into_it(make_case: Callable[..., Path]) -> None:
    """f3, a and the first characters arrive together: they wait for the form."""
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "f3", "a", *"https://x.com/u/status/1382350606417817604", "ctrl+s")
        await pilot.pause()
        for _ in range(100):  # the burst is handled key by key: give it time
            if app.session is not None and app.session.case.evidence:
                break
            await pilot.pause(0.05)
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["url"] == "https://x.com/u/status/1382350606417817604"
    assert entry["account_handle"] == "u"


async def test_a_burst_in_the_category_list_ticks_what_was_ticked(
    make_case: Callable[..., Path],
) -> None:
    path = make_case()
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.post_message(events.Paste(URL))
        await pilot.pause()
        # url -> platform -> post ID -> time -> account ID -> handle -> content -> categories
        burst(app, *["tab"] * 7, "space", "down", "space", "down", "space")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    [entry] = evidence_on_disk(path)
    assert entry["categories"] == ["threat", "insult", "sexual"]


async def test_two_entries_typed_in_one_burst_are_two_entries(
    make_case: Callable[..., Path],
) -> None:
    """ctrl+s (which closes the form a moment later) then a and the next URL, at once."""
    path = make_case()
    app = AbriApp(path, lang="en")
    first = "https://www.instagram.com/p/CxAbC/"
    second = "https://www.instagram.com/p/CXabc/"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        burst(app, "a", *first, *["tab"] * 5, *"ig_one", "tab", *"burst two", "ctrl+s")
        burst(app, "a", *second, *["tab"] * 5, *"ig_two", "tab", *"burst three", "ctrl+s")
        for _ in range(200):
            if app.session is not None and len(app.session.case.evidence) == 2:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.press("ctrl+q")
    entries = evidence_on_disk(path)
    assert [(e["post_id"], e["account_handle"], e["content"]) for e in entries] == [
        ("CxAbC", "ig_one", "burst two"),
        ("CXabc", "ig_two", "burst three"),
    ]


async def test_a_title_typed_in_the_same_burst_as_the_place_is_kept_whole(
    isolated_user_dirs: Path,
) -> None:
    """First run: enter picks the place and moves the focus to the title; "Sam" follows."""
    from tests.app.test_app import read_case

    app = AbriApp(None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "enter", *"Sam", "enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if app.current_mode == "calm":
                break
        await pilot.press("ctrl+q")
    assert read_case(isolated_user_dirs / "data" / "sam.toml")["title"] == "Sam"
