"""Every calm step asks one thing, in at most 60 words on screen, in both languages.

The count is taken from the screen itself (the app driven step by step, every
platform ticked, so every per-platform step is shown): the title, the text, what
to do on the phone (iPhone / Android), "why it helps" and every line the step
shows.  Left out: the source line and the key hint at the bottom (the same on
every step, references rather than something to read under stress).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from tui.app import AbriApp
from tui.core.content import FINISHED, load_calm
from tui.screens.calm import StepBody

SIZE = (80, 24)
LIMIT = 60
NOT_COUNTED = {"calm-hint", "calm-source"}


def words(text: str) -> int:
    """Words as a reader counts them: tokens with a letter or a digit ("›", "·" are not)."""
    return sum(1 for token in text.split() if re.search(r"\w", token))


def shown_words(app: AbriApp) -> int:
    body = app.screen.query_one(StepBody)
    return sum(
        words(str(widget.render()))
        for widget in body.query(Static)
        if widget.display and widget.id not in NOT_COUNTED
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_every_step_on_screen_is_at_most_60_words(
    make_case: Callable[..., Path], lang: str
) -> None:
    every = [guide.id for guide in load_calm(lang).platforms]
    path = make_case(language=lang, platforms=every, current_step="airplane")
    app = AbriApp(case_path=path)
    seen: dict[str, int] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(200):
            position = screen._at  # type: ignore[attr-defined]
            if position == FINISHED:
                break
            seen[position] = shown_words(app)
            await pilot.press("right")
            await pilot.pause()
        await pilot.press("ctrl+q")
    expected = [step.id for step in load_calm(lang).sequence(every)]
    assert list(seen) == expected, "the walk did not show every step"
    too_long = {step: count for step, count in seen.items() if count > LIMIT}
    assert not too_long, f"{lang}: steps over {LIMIT} words on screen: {too_long}"


def _actions(text: str) -> int:
    """Sentences that tell the person to do something (imperative verbs we use)."""
    return len(
        re.findall(
            r"\b(?:activez|changez|cochez|coupez|bloquez|quittez|passez|faites|notez|"
            r"turn|change|tick|block|make|take|note)\b",
            text,
            flags=re.IGNORECASE,
        )
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_steps_that_asked_several_things_are_split(lang: str) -> None:
    calm = load_calm(lang)
    ids = [step.id for step in calm.steps]
    # "Protect your accounts" asked five things; each is now its own step, in order.
    for first, then in (
        ("airplane-off", "lock"),
        ("lock", "password"),
        ("password", "two-factor"),
        ("complaint", "pharos"),
    ):
        assert ids.index(first) < ids.index(then), (first, then)
    # The picker comes before the notifications step, which names the apps.
    assert ids.index("platforms") < ids.index("notifications")
    assert calm.steps[ids.index("notifications")].names_apps
    for step in calm.steps:
        assert "PHAROS" not in step.text or step.id == "pharos", step.id
        assert _actions(step.text) <= 3, (step.id, step.text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_airplane_step_says_it_cuts_calls_and_how_to_call_for_help(lang: str) -> None:
    step = load_calm(lang).steps[0]
    assert step.id == "airplane"
    text = step.text.lower()
    if lang == "fr":
        assert "appels" in text and "sms" in text and "quittez-le" in text
    else:
        assert "calls" in text and "texts" in text and "turn it off" in text
    assert "AOSP" in step.source and step.verified_on == "2026-12-01"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_phone_steps_have_iphone_and_android_and_every_platform_a_two_step_path(
    lang: str,
) -> None:
    calm = load_calm(lang)
    for step in calm.steps:
        if step.id in ("airplane", "notifications", "block-numbers", "airdrop", "evidence"):
            assert step.iphone and step.android, step.id
    for name in ("whatsapp", "telegram", "linkedin", "reddit", "threads"):
        assert calm.platform(name) is not None, name
    for guide in calm.platforms:
        assert guide.two_factor, guide.id
    secure = [s for s in calm.sequence(["x", "whatsapp"]) if s.kind == "secure-platform"]
    assert [s.id for s in secure] == ["secure-x", "secure-whatsapp"]
    assert all("{name}" not in s.title + s.text for s in secure)
    assert "WhatsApp" in secure[1].title
