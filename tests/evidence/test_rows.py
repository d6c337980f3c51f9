"""What the table computes from the case, without a terminal: URLs, widths, accounts, filter."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import HOSTILE
from tui.core.case import Evidence
from tui.core.platforms import PLATFORMS
from tui.widgets.evidence_rows import Column, EvidenceRows, group_accounts, layout, short_url
from tui.widgets.evidence_table import fit


def test_short_url_keeps_host_and_tail() -> None:
    url = "https://x.com/someone/status/1382350606417817604"
    assert short_url(url, 80) == "x.com/someone/status/1382350606417817604"
    short = short_url(url, 20)
    assert len(short) == 20 and short.startswith("x.com…") and short.endswith("17817604")
    assert short_url("https://www.instagram.com/p/Cx/", 40) == "instagram.com/p/Cx"
    assert len(short_url("\x1b[2J" * 50, 12)) <= 12
    assert "\x1b" not in short_url("https://evil.example/\x1b[2J", 60)


def test_layout_fills_the_width_exactly() -> None:
    columns = [Column("a", 5), Column("b", 10, flex=3), Column("c", 4), Column("d", 6, flex=1)]
    for total in (40, 80, 81, 200):
        widths = layout(columns, total)
        assert sum(widths) + 3 == total
    assert layout(columns, 10)[1] == 10  # narrower than the fixed columns: minimums


def test_fit_makes_one_line_of_the_exact_width() -> None:
    for text in (HOSTILE, "x" * 100_000, "emoji 😡🔪", ""):
        cell = fit(text, 17)
        assert "\n" not in cell and "\x1b" not in cell
        from rich.cells import cell_len

        assert cell_len(cell) == 17


def test_accounts_group_by_id_and_keep_every_handle() -> None:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    entries = [
        Evidence(id="E1", platform="x", account_id="9", account_handle="old", posted_at=when),
        Evidence(id="E2", platform="x", account_id="9", account_handle="new"),
        Evidence(id="E3", platform="x", account_handle="NoId"),
        Evidence(id="E4", platform="x", account_handle="noid", posted_at=when),
        Evidence(id="E5"),
    ]
    groups = {g.key: g for g in group_accounts(entries)}
    first, second = groups["x|id:9"], groups["x|@noid"]
    assert (first.account_id, first.handles, first.count) == ("9", ["old", "new"], 2)
    assert first.first == first.last == when
    assert (second.key, second.count, second.handles) == ("x|@noid", 2, ["NoId", "noid"])
    assert (first.label, second.label) == ("9", "@NoId")


def test_filter_needs_every_word_and_keeps_the_order() -> None:
    rows = EvidenceRows("en", PLATFORMS)
    entries = [
        Evidence(id="E1", account_handle="alice", categories=["threat"]),
        Evidence(id="E2", account_handle="bob", content="Alice again", categories=["insult"]),
    ]
    rows.filter = "alice"
    rows.rebuild(entries)
    assert [e.id for e in rows.shown] == ["E1", "E2"]
    rows.filter = "alice injure"  # the French name of a category works too
    rows.rebuild(entries)
    assert [e.id for e in rows.shown] == ["E2"]


def test_typing_more_letters_refines_and_erasing_widens_again() -> None:
    rows = EvidenceRows("en", PLATFORMS)
    entries = [Evidence(id=f"E{n}", account_handle=f"user{n}") for n in range(30)]
    for text, expected in (("user1", 11), ("user12", 1), ("user1", 11), ("", 30), ("user2", 11)):
        rows.filter = text
        rows.rebuild(entries, version=1)
        assert len(rows.shown) == expected, text
    entries.append(Evidence(id="E99", account_handle="user21x"))
    rows.filter = "user21"
    rows.rebuild(entries, version=2)  # the case changed: everything is searched again
    assert [e.id for e in rows.shown] == ["E21", "E99"]
