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
from typing import TYPE_CHECKING, Any

from tui.core.case import LANGUAGES, Language

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT: Language = "en"
_current: Language | None = None


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, merged from its files (cached)."""
    messages: dict[str, str] = {}
    folder = resources.files("tui.content").joinpath(lang, "messages")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            messages.update(_read_messages(item))
    return messages


def _read_messages(item: Traversable) -> dict[str, str]:
    data = tomllib.loads(item.read_text(encoding="utf-8"))
    return {key: str(value) for key, value in data.items()}


@cache
def _area_messages(lang: str, area: str) -> dict[str, str]:
    """The messages of one area (``<lang>/messages/<area>.toml``), or {} if it has no file.

    Reading one area's file, not the whole catalogue, keeps start-up quick: the
    app's first screen needs two small files of one language, not all of both.
    """
    item = resources.files("tui.content").joinpath(lang, "messages", f"{area}.toml")
    try:
        return _read_messages(item)
    except (FileNotFoundError, NotADirectoryError):
        return {}


def message(key: str, lang: str) -> str | None:
    """The text of ``key`` in ``lang`` exactly as written (None if that language lacks it).

    Looked up in the file of the key's area (``"calm.key.skip"`` -> ``calm.toml``),
    then in the whole catalogue of the language.
    """
    area = key.split(".", 1)[0]
    text = None
    if area != key and area.isascii() and area.isalpha() and lang in LANGUAGES:
        text = _area_messages(lang, area).get(key)
    if text is None and lang in LANGUAGES:
        text = catalog(lang).get(key)
    return text


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
        for lang in LANGUAGES:
            if candidate == lang:
                return lang
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
    text = message(key, lang or current_language())
    if text is None:
        text = message(key, DEFAULT) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
