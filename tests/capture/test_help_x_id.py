"""f1 in the evidence screens explains how to find an X account's numeric ID by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tui.app import AbriApp
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile
from tui.screens.help import HelpScreen


def _case(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / "c.toml"
    case = Case(title="t", language=lang, evidence=[Evidence(id="E0001", url="https://x.com/a")])  # type: ignore[arg-type]
    CaseFile.create(path, case).close()
    return path


@pytest.mark.parametrize(
    ("lang", "title", "words", "verified"),
    [
        ("fr", "Trouver à la main", "Si l’interrogation échoue", "vérifié le 01/12/2026"),
        (
            "en",
            "Finding an X account's numeric ID by hand",
            "When the look-up fails",
            "verified on",
        ),
    ],
)
@pytest.mark.parametrize("where", ["table", "form"])
async def test_f1_shows_how_to_find_an_x_id_by_hand_with_its_source(
    tmp_path: Path, lang: str, title: str, words: str, verified: str, where: str
) -> None:
    app = AbriApp(_case(tmp_path, lang), lang=lang)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        if where == "form":
            await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        texts = [(w, str(w.render())) for w in help_screen.query(Static)]
        [heading] = [w for w, text in texts if text.startswith(title)]
        [body] = [w for w, text in texts if text.startswith(words) and "rest_id" in text]
        [source] = [
            w for w, text in texts if text.startswith(verified) and "UserByScreenName" in text
        ]
        assert "x.com/intent/user?user_id=" in str(body.render())
        # It fits at 80 columns (wrapped, not cut) and scrolling brings it into view.
        help_screen.query_one("#help-body").scroll_to_widget(source, animate=False)
        await pilot.pause()
        for widget in (heading, body, source):
            assert widget.size.width <= 80 and widget.size.height >= 1
        assert body.size.height >= 4  # several wrapped lines, nothing cut off
        assert app.screen.region.contains_region(source.region)
