"""Editing, deleting, undoing, filtering and sorting, keyboard only, checked on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input, TextArea

from tests.evidence.conftest import SIZE, evidence_on_disk, read_case
from tui.app import AbriApp
from tui.core.case import Evidence
from tui.screens.evidence import EvidenceScreen
from tui.screens.evidence_accounts import AccountsScreen
from tui.screens.evidence_dialogs import ConfirmDialog
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.evidence_table import EvidenceTable


def entries() -> list[Evidence]:
    """Three entries by two accounts (one of which changed its handle)."""
    return [
        Evidence(
            id="E0001",
            url="https://x.com/alice_h/status/1382350606417817604",
            platform="x",
            post_id="1382350606417817604",
            account_handle="alice_h",
            account_id="111",
            posted_at=datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC),
            posted_at_source="post-id",
            content="first insult",
            categories=["insult"],
        ),
        Evidence(
            id="E0002",
            url="https://www.instagram.com/p/CNmBqQ1Hx5b/",
            platform="instagram",
            account_handle="bob",
            account_id="222",
            posted_at=datetime(2021, 3, 1, 12, 0, tzinfo=UTC),
            posted_at_source="typed",
            content="a threat",
            categories=["threat"],
        ),
        Evidence(
            id="E0003",
            url="https://x.com/alice_new/status/1482350606417817604",
            platform="x",
            account_handle="alice_new",
            account_id="111",
            posted_at=datetime(2022, 1, 15, 8, 0, tzinfo=UTC),
            posted_at_source="post-id",
        ),
    ]


def table(app: AbriApp) -> EvidenceTable:
    return app.screen.query_one(EvidenceTable)


async def test_edit_delete_and_undo_several_levels(make_case: Callable[..., Path]) -> None:
    path = make_case(entries())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        # Sorted by date: E0002 (March 2021) first.
        assert [e.id for e in table(app).rows.shown] == ["E0002", "E0001", "E0003"]
        await pilot.press("down", "enter")  # edit E0001
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EvidenceForm) and form.entry.id == "E0001"
        form.query_one("#handle", Input).value = "alice_renamed"
        form.query_one("#content", TextArea).text = "edited text"
        await pilot.press("ctrl+s")
        await pilot.pause()
        edited = {e["id"]: e for e in evidence_on_disk(path)}["E0001"]
        # Fields that were not touched keep their exact value and source.
        assert edited["account_handle"] == "alice_renamed"
        assert edited["content"] == "edited text"
        assert edited["posted_at"] == datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)
        assert edited["posted_at_source"] == "post-id"
        assert edited["categories"] == ["insult"]
        assert table(app).current().id == "E0001"  # type: ignore[union-attr]

        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # not deleted
        await pilot.pause()
        assert len(evidence_on_disk(path)) == 3
        await pilot.press("delete", "y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert [e["id"] for e in evidence_on_disk(path)] == ["E0002", "E0003"]

        await pilot.press("ctrl+z")  # the deleted entry comes back, edited
        await pilot.pause()
        await app.workers.wait_for_complete()
        back = {e["id"]: e for e in evidence_on_disk(path)}
        assert back["E0001"]["account_handle"] == "alice_renamed"
        await pilot.press("ctrl+z")  # the edit is undone
        await pilot.pause()
        await pilot.press("ctrl+q")
    final = {e["id"]: e for e in evidence_on_disk(path)}
    assert final["E0001"]["account_handle"] == "alice_h"
    assert final["E0001"]["content"] == "first insult"
    assert [e["id"] for e in evidence_on_disk(path)] == ["E0001", "E0002", "E0003"]
    actions = [j["action"] for j in read_case(path)["journal"]]
    assert actions[-4:] == [
        "evidence-edited",
        "evidence-deleted",
        "evidence-undone",
        "evidence-undone",
    ]


async def test_undo_of_an_add_removes_it(make_case: Callable[..., Path]) -> None:
    path = make_case(entries())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        app.screen.query_one("#url", Input).value = "https://x.com/c/status/1582350606417817604"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(table(app).rows.shown) == 4
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(table(app).rows.shown) == 3
        await pilot.press("a")  # the ID of an undone add is never reused
        await pilot.pause()
        assert app.screen.entry.id == "E0005"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert [e["id"] for e in evidence_on_disk(path)] == ["E0001", "E0002", "E0003"]


async def test_filter_sort_and_reveal(make_case: Callable[..., Path]) -> None:
    path = make_case(entries())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "slash", *"threat")
        await pilot.pause()
        assert [e.id for e in table(app).rows.shown] == ["E0002"]
        # Categories are found in both languages, platforms by name, accounts by ID.
        for text, expected in (
            ("menace", ["E0002"]),
            ("instagram", ["E0002"]),
            ("111", ["E0001", "E0003"]),
            ("@alice_new", ["E0003"]),
            ("x alice", ["E0001", "E0003"]),
            ("nothing-matches", []),
        ):
            app.screen.query_one("#evidence-filter", Input).value = text
            await pilot.pause()
            assert [e.id for e in table(app).rows.shown] == expected, text
        app.screen.query_one("#evidence-filter", Input).value = "bob"
        await pilot.press("enter")  # back to the table, filter kept
        await pilot.pause()
        assert app.focused is table(app)
        await pilot.press("enter")  # edits the filtered entry
        await pilot.pause()
        assert app.screen.entry.id == "E0002"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len(table(app).rows.shown) == 3

        detail = app.screen.query_one("#evidence-content")
        assert "a threat" not in str(detail.render()), "content is hidden by default"
        await pilot.press("v")
        assert "a threat" in str(detail.render())
        await pilot.press("V")
        await pilot.pause()
        assert "Content" in table(app).render_line(0).text
        assert "a threat" in table(app).render_line(1).text

        await pilot.press("s")  # by account
        await pilot.pause()
        assert [e.id for e in table(app).rows.shown] == ["E0001", "E0003", "E0002"]
        await pilot.press("s")  # by platform
        await pilot.pause()
        assert [e.id for e in table(app).rows.shown] == ["E0002", "E0001", "E0003"]


async def test_filtering_goes_to_the_first_match_unless_the_entry_is_still_shown(
    make_case: Callable[..., Path],
) -> None:
    """The entry under the cursor hidden by the filter: the cursor goes to the first
    match (not to whatever entry now has the old row's number)."""
    words = ["keep one", "keep two", "other", "keep four"]
    path = make_case(
        [
            Evidence(
                id=f"E000{n}",
                url=f"https://x.com/a{n}/status/{n}",
                content=word,
                posted_at=datetime(2021, 4, n, tzinfo=UTC),
                posted_at_source="typed",
            )
            for n, word in enumerate(words, 1)
        ]
    )
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "end", "up", "up")
        await pilot.pause()
        assert table(app).current().id == "E0002"  # type: ignore[union-attr]
        await pilot.press("slash", *"keep")  # E0002 still matches: it stays under the cursor
        await pilot.pause()
        assert [e.id for e in table(app).rows.shown] == ["E0001", "E0002", "E0004"]
        assert table(app).current().id == "E0002"  # type: ignore[union-attr]
        await pilot.press("escape", "end", "up")  # E0003, then a filter without it
        await pilot.pause()
        assert table(app).current().id == "E0003"  # type: ignore[union-attr]
        await pilot.press("slash", *"keep", "enter", "enter")
        await pilot.pause()
        assert app.screen.entry.id == "E0001"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_accounts_view_groups_handles_by_id(make_case: Callable[..., Path]) -> None:
    path = make_case(entries())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("f3", "c")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        first = app.screen.accounts[0]
        assert first.account_id == "111"
        assert first.handles == ["alice_h", "alice_new"]
        assert first.count == 2
        line = app.screen.query_one("#accounts-table").render_line(1).text  # type: ignore[attr-defined]
        assert "@alice_h @alice_new" in line and "2" in line
        await pilot.press("enter")  # back to the table, filtered on that account
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert [e.id for e in table(app).rows.shown] == ["E0001", "E0003"]


async def test_switching_language_relabels_the_table_and_keeps_the_filter(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(entries())
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "slash", *"bob", "enter")
        await pilot.pause()
        assert "Date & time" in table(app).render_line(0).text
        app.set_language("fr")
        await pilot.pause()
        await pilot.pause()
        assert "Date et heure" in table(app).render_line(0).text
        assert [e.id for e in table(app).rows.shown] == ["E0002"]


async def test_entry_numbers_past_e9999_are_shown_whole(make_case: Callable[..., Path]) -> None:
    """After a raid, E50000 and E50001 must be told apart at 80 columns."""
    entries = [
        Evidence(id=f"E{n}", url=f"https://x.com/a/status/{1382350606417817604 + n}", platform="x")
        for n in (50000, 50001, 123456)
    ]
    app = AbriApp(make_case(entries), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        lines = [table(app).render_line(y).text for y in range(1, 4)]
        for number in ("E50000", "E50001", "E123456"):
            assert any(number in line for line in lines), lines
        await pilot.press("V")  # with every message shown too
        await pilot.pause()
        lines = [table(app).render_line(y).text for y in range(1, 4)]
        assert any("E123456" in line for line in lines), lines
        await pilot.press("ctrl+q")


async def test_a_filter_that_matches_nothing_says_so_not_no_entry_yet(
    make_case: Callable[..., Path],
) -> None:
    """The trial: a filter matching nothing in a 10,000-entry case showed "No entry
    yet. Press a to add one…"."""
    path = make_case(
        [Evidence(id="E0001", url="https://x.com/a/status/1", content="insult", posted_at=None)]
    )
    app = AbriApp(path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "slash", *"zzz[b]")
        await pilot.pause()
        line = table(app).render_line(1).text
        assert "No entry matches" in line and "zzz[b]" in line, line
        assert "No entry yet" not in line
        await pilot.press("escape")
        await pilot.pause()
        assert table(app).current().id == "E0001"  # type: ignore[union-attr]
        await pilot.press("ctrl+q")
