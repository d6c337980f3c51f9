"""Choosing the language: option, then case, then the system locale."""

from __future__ import annotations

import pytest

from tui.core.i18n import pick_language, system_language


def test_an_explicit_choice_wins_over_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert pick_language("en", "fr") == "en"


def test_unknown_values_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert pick_language("klingon", None, "fr") == "fr"


@pytest.mark.parametrize(
    ("lang", "expected"), [("fr_FR.UTF-8", "fr"), ("fr_CA", "fr"), ("de_DE", "en")]
)
def test_system_locale_french_only_for_fr(
    monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    assert system_language() == expected
    assert pick_language(None, None) == expected
