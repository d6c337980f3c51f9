"""The language command is found by the words a person types, in either language.

In the French UI, "langue" and "lang" found nothing: the command's only title was
"Switch to English".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tests.app.test_themes import run_palette
from tests.evidence.conftest import read_case
from tui.app import AbriApp

SIZE = (80, 24)


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("fr", "langue"),
        ("fr", "lang"),
        ("fr", "language"),
        ("fr", "anglais"),
        ("en", "lang"),
        ("en", "langue"),
        ("en", "french"),
    ],
)
async def test_the_language_command_is_found_by_its_words(
    make_case: Callable[..., Path], lang: str, query: str
) -> None:
    path = make_case(language=lang)
    other = "en" if lang == "fr" else "fr"
    app = AbriApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lang == lang
        await run_palette(app, pilot, query)
        await wait_for(pilot, lambda: app.lang == other)
        await pilot.press("ctrl+q")
    assert read_case(path)["language"] == other
