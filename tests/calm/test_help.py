"""Help at 80×24: the contacts that matter most are visible at once, details one key away."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from tui.app import AbriApp
from tui.core.content import load_contacts
from tui.screens.help import SHORT_WIDTH, HelpScreen

SIZE = (80, 24)


def visible_lines(app: AbriApp) -> list[str]:
    """The text of every Static of the help that lies entirely on screen (no scrolling)."""
    height = app.screen.size.height
    lines = []
    for widget in app.screen.query(Static):
        region = widget.region
        if widget.display and region.height and region.y >= 0 and region.bottom <= height - 1:
            lines.append(str(widget.render()))
    return lines


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_f1_shows_3018_17_112_and_114_without_scrolling(
    make_case: Callable[..., Path], lang: str
) -> None:
    app = AbriApp(make_case(language=lang), lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "f1")  # from the evidence table, the busiest screen
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = visible_lines(app)
        heading = "De l'aide, maintenant" if lang == "fr" else "Help, now"
        assert lines[1].startswith(heading)  # first, right under the title
        starts = [line.split()[0] for line in lines if line.split()]
        for number in ("3018", "17", "112", "114"):
            assert number in starts, (number, lines)
        # 3018, the number for online violence, comes first.
        assert lines[2].startswith("3018")
        # Details are one key further: "verified on" only after d.
        assert not any("vérifié" in line or "verified" in line for line in lines)
        await pilot.press("d")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert ("vérifié le 23/11/2026" if lang == "fr" else "verified on 2026-11-23") in text
        await pilot.press("d", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_contact_fits_on_one_line_at_80_columns(lang: str) -> None:
    # 80 columns, less the help's padding (1 each side) and its scroll bar (1).
    from tui.core.content import COUNTRIES

    room = 80 - 3
    for contact in (c for country in COUNTRIES for c in load_contacts(lang, country)):
        assert len(contact.short) < SHORT_WIDTH, contact.id
        assert SHORT_WIDTH + len(contact.line) <= room, (contact.id, len(contact.line))


async def test_plain_keys_stand_for_the_f_keys_outside_text_fields(
    make_case: Callable[..., Path],
) -> None:
    app = AbriApp(make_case(language="en"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, mode in (("3", "evidence"), ("4", "export"), ("2", "calm")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode, key
        await pilot.press("?")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("?")  # ? again closes, like f1
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize(
    ("locale", "country"),
    [
        ("fr_BE.UTF-8", "be"),
        ("fr_CH", "ch"),
        ("fr_LU.utf8", "lu"),
        ("fr_CA", "ca"),
        ("C.UTF-8", ""),
    ],
)
def test_the_country_comes_from_the_locale(
    monkeypatch: pytest.MonkeyPatch, locale: str, country: str
) -> None:
    from tui.core.i18n import system_country

    monkeypatch.setenv("LANG", locale)
    assert system_country() == country


async def test_a_french_speaker_in_belgium_gets_belgian_numbers_and_p_changes_country(
    make_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    app = AbriApp(make_case(language="fr"), lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        welcome = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Appelez le 101" in welcome and "Appelez le 17" not in welcome
        await pilot.press("f1")
        await pilot.pause()
        lines = visible_lines(app)
        assert lines[1].endswith("Belgique")
        starts = [line.split()[0] for line in lines if line.split()]
        assert "101" in starts and "112" in starts and "3018" not in starts
        for _ in range(4):  # be -> ch -> lu -> ca -> fr
            await pilot.press("p")
            await pilot.pause()
        lines = visible_lines(app)
        assert lines[1].endswith("France") and lines[2].startswith("3018")
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_country_has_emergency_numbers_with_a_source_and_a_date(lang: str) -> None:
    from tui.core.content import COUNTRIES

    for country in COUNTRIES:
        contacts = load_contacts(lang, country)
        assert any(c.emergency for c in contacts), country
        for contact in contacts:
            assert contact.source and contact.verified_on, contact.id
