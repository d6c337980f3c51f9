"""At 80×24, in both languages, no footer key is cut in half or hidden under the palette key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets._footer import FooterKey

from tui.app import AbriApp
from tui.core.store import CaseFile
from tui.widgets.status import KeysFooter


def _footer_problems(app: App[object]) -> list[str]:
    problems = []
    for footer in app.screen.query(KeysFooter):
        keys = list(footer.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        limit = palette[0].region.x if palette else app.size.width
        # Textual leaves the last column to the footer itself: no key may reach it
        # (a key underneath showed its last letter there, "All actionsr").
        if palette and palette[0].region.right < app.size.width - 1:
            problems.append(f"palette key ends at {palette[0].region.right}")
        for key in keys:
            if key in palette:
                continue
            text = f"{key.key_display} {key.description}"
            if key.region.right > limit or key.region.width < len(text):
                problems.append(f"{text!r} at {key.region}")
    return problems


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_no_key_is_cut_on_any_area_at_80x24(tmp_path: Path, lang: str) -> None:
    from bench import sample_case

    path = tmp_path / "few.toml"
    CaseFile.create(path, sample_case(30, folder="few-files")).close()  # type: ignore[arg-type]
    app = AbriApp(path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = {}
        for key in ("f3", "f4", "f2", "f3", "f1", "escape", "f2"):
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            seen[f"{key} {type(app.screen).__name__}"] = _footer_problems(app)
        assert seen == {name: [] for name in seen}
        # The keys left out are still one ctrl+p away.
        await pilot.press("f3")
        await pilot.pause()
        titles = [command.title for command in app._palette_commands(app.screen)]
        assert any("URL" in title for title in titles)
        await pilot.press("ctrl+q")
