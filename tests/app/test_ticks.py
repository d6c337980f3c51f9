"""Ticked and unticked options differ by more than colour (NO_COLOR, 16 colours, tmux copies)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.tick_list import TickBox, TickList


class Ticks(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList(("Word", "docx", True), ("CSV", "csv", False), id="list")
        yield TickBox("Only the filtered ones", False, id="box")


async def test_only_ticked_options_show_a_tick_and_space_toggles_it() -> None:
    app = Ticks()
    async with app.run_test(size=(40, 6)) as pilot:
        ticks = app.query_one(TickList)
        lines = [ticks.render_line(y).text for y in range(2)]
        assert "X" in lines[0] and "Word" in lines[0]
        assert "X" not in lines[1] and "CSV" in lines[1]
        ticks.focus()
        await pilot.press("down", "space")
        assert set(ticks.selected) == {"docx", "csv"}
        assert "X" in ticks.render_line(1).text


async def test_the_tick_box_shows_its_state_without_colour() -> None:
    app = Ticks()
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.query_one(TickBox)
        assert "X" not in box.render().plain  # type: ignore[union-attr]
        box.focus()
        await pilot.press("space")
        assert box.value is True
        assert "X" in box.render().plain  # type: ignore[union-attr]
