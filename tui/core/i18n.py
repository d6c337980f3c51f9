"""Translated messages, French first, English too.

Messages live in data files, not in code: ``tui/content/<lang>/messages/*.toml``,
one file per area of the program (``cli.toml``, ``store.toml``, ``app.toml``...), each
a flat table of ``"area.key" = "text with {placeholders}"``.  Someone who is not a
programmer can correct a sentence by editing one file.

A test checks that both languages hold exactly the same keys and placeholders.
"""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from tui.core.case import LANGUAGES, Language

DEFAULT: Language = "en"
_current: Language | None = None


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, merged from its files (cached)."""
    messages: dict[str, str] = {}
    folder = resources.files("tui.content").joinpath(lang, "messages")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            for key, value in data.items():
                messages[key] = str(value)
    return messages


def system_language() -> Language:
    """French when the system locale is French (``fr_*``), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "fr" if loc.lower().startswith("fr") else DEFAULT


def pick_language(*candidates: str | None) -> Language:
    """The first valid language among the candidates (option, case...), else the system's."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    return system_language()


def set_language(lang: Language) -> None:
    """Set the language used by :func:`t` when none is given."""
    global _current
    _current = lang


def current_language() -> Language:
    """The language :func:`t` uses by default."""
    return _current or system_language()


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` (default: the current language), filled in.

    Parameters are inserted as plain text with ``str.format``; the result is plain
    text, never markup.  An unknown key returns the key itself so a gap is visible
    (and the catalogue test fails).
    """
    text = catalog(lang or current_language()).get(key)
    if text is None:
        text = catalog(DEFAULT).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
