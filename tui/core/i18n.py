"""Translated messages, French first, English too.

Messages live in data files, not in code: ``tui/content/<lang>/messages/*.toml``,
one file per area of the program (``cli.toml``, ``store.toml``, ``app.toml``...), each
a flat table of ``"area.key" = "text with {placeholders}"``.  Someone who is not a
programmer can correct a sentence by editing one file.

Counted messages: a message whose value is a table of CLDR plural forms
(``{ one = "{count} entrée ajoutée", other = "{count} entrées ajoutées" }``, plus
``many`` in French where CLDR has it) is chosen by its ``count`` parameter, so a
caller just passes ``count=n``.  A message holding several numbers picks a word
inline: ``{files} {files:fichier|fichiers}`` (forms in the order of
:data:`PLURAL_FORMS` for the language, ``one|other`` or ``one|many|other``).  The
rules are CLDR's, for the two languages we ship (:func:`plural_form`); Babel would
cost its import at start-up for two one-line rules.

French typography is applied by one function, :func:`french_typography` (a
non-breaking space before ``: ; ! ?`` and inside « »), to the French message
templates and content texts; never to the values filled in, which may be case text.

A test checks that both languages hold exactly the same keys and placeholders.
"""

from __future__ import annotations

import locale
import os
import re
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from tui.core import tomlparse
from tui.core.case import LANGUAGES, Language

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT: Language = "en"
_current: Language | None = None

Message = str | dict[str, str]
"""A message: a text, or a table of plural forms (``one``, ``many``, ``other``)."""

PLURAL_FORMS: dict[str, tuple[str, ...]] = {
    "fr": ("one", "many", "other"),
    "en": ("one", "other"),
}
"""The CLDR plural categories of each language, in the order inline forms use."""

NBSP = "\u00a0"
"""The non-breaking space French typography puts before ``: ; ! ?`` and inside « ».

The plain one (U+00A0) rather than the narrow one (U+202F): every terminal font has it.
"""


@cache
def catalog(lang: str) -> dict[str, Message]:
    """Every message of one language, merged from its files (cached)."""
    messages: dict[str, Message] = {}
    folder = resources.files("tui.content").joinpath(lang, "messages")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            messages.update(_read_messages(item))
    return messages


def _read_messages(item: Traversable) -> dict[str, Message]:
    # The compiled parser when installed (same documents as tomllib, tested): the
    # first screen reads several of these files.
    data = tomlparse.loads(item.read_text(encoding="utf-8"))
    result: dict[str, Message] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            result[key] = {str(form): str(text) for form, text in value.items()}
        else:
            result[key] = str(value)
    return result


@cache
def _area_messages(lang: str, area: str) -> dict[str, Message]:
    """The messages of one area (``<lang>/messages/<area>.toml``), or {} if it has no file.

    Reading one area's file, not the whole catalogue, keeps start-up quick: the
    app's first screen needs two small files of one language, not all of both.
    """
    item = resources.files("tui.content").joinpath(lang, "messages", f"{area}.toml")
    try:
        return _read_messages(item)
    except (FileNotFoundError, NotADirectoryError):
        return {}


def _lookup(key: str, lang: str) -> Message | None:
    area = key.split(".", 1)[0]
    text = None
    if area != key and area.isascii() and area.isalpha() and lang in LANGUAGES:
        text = _area_messages(lang, area).get(key)
    if text is None and lang in LANGUAGES:
        text = catalog(lang).get(key)
    return text


def message(key: str, lang: str) -> str | None:
    """The text of ``key`` in ``lang`` exactly as written (None if that language lacks it).

    Looked up in the file of the key's area (``"calm.key.skip"`` -> ``calm.toml``),
    then in the whole catalogue of the language.  For a counted message (a table of
    plural forms) this is its ``other`` form.
    """
    text = _lookup(key, lang)
    if isinstance(text, dict):
        return text.get("other") or next(iter(text.values()), None)
    return text


def counted_message(key: str, lang: str, count: object) -> str | None:
    """Like :func:`message`, but a counted message in the plural form ``count`` takes."""
    text = _lookup(key, lang)
    if isinstance(text, dict):
        return _pick(text, lang, count) or None
    return text


def plural_form(lang: str, count: int | float | str) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``one``, ``many`` or ``other``.

    French (CLDR): ``one`` for an integer part of 0 or 1 (0, 1, 1.5); ``many`` for
    exact multiples of a million (``1 000 000 de ...``); ``other`` otherwise.
    English: ``one`` for exactly 1 (not 1.0), ``other`` otherwise.  A count that is
    not a number is ``other``.
    """
    text = str(count).strip().replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return "other"
    whole, _, decimals = text.lstrip("-").partition(".")
    integer = int(whole)
    if lang == "fr":
        if integer in (0, 1):
            return "one"
        if not decimals and integer % 1_000_000 == 0:
            return "many"
        return "other"
    return "one" if integer == 1 and not decimals else "other"


def _pick(forms: Mapping[str, str], lang: str, count: object) -> str:
    category = plural_form(lang, count) if isinstance(count, int | float | str) else "other"
    return forms.get(category) or forms.get("other") or next(iter(forms.values()), "")


class _Formatter(string.Formatter):
    """``str.format`` plus inline plural choices: ``{n:fichier|fichiers}``."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" in format_spec:
            words = format_spec.split("|")
            names = PLURAL_FORMS.get(self.lang, PLURAL_FORMS[DEFAULT])
            if len(words) == 2:
                names = ("one", "other")
            return _pick(dict(zip(names, words, strict=False)), self.lang, value)
        return super().format_field(value, format_spec)


_SPACE_BEFORE = re.compile(r"[ \u202f]*([:;!?»])")
_SPACE_AFTER = re.compile(r"«[ \u202f]*")


def french_typography(text: str) -> str:
    """``text`` with French spacing: a non-breaking space before ``: ; ! ?`` and ``»``,
    and after ``«`` (so a line never starts with ":" or ends with "«").

    Only where a space belongs: "https://", "14:32", "ctrl+s", "?" at the start of a
    placeholder-free key name ("?" alone) and "{count:a|b}" are left alone.
    """

    def before(match: re.Match[str]) -> str:
        start = match.start()
        mark = match.group(1)
        if start == 0:
            return match.group(0)
        previous = text[start - 1]
        if previous.isspace() and previous != " " and previous != "\u202f":
            return match.group(0)  # a mark at the start of a line stays there
        has_space = match.group(0) != mark
        if not has_space and mark != "»":
            # "14:32", "https://", "{n:a|b}", "?q=": no space was meant here; a word
            # glued to "; ! ?" before a space or the end ("vraiment?") gets one.
            after = text[match.end() : match.end() + 1]
            if mark == ":" or not previous.isalpha() or (after and not after.isspace()):
                return match.group(0)
        return NBSP + mark

    text = _SPACE_BEFORE.sub(before, text)
    return _SPACE_AFTER.sub("«" + NBSP, text)


def format_day(iso_day: str, lang: str) -> str:
    """A ``verified on`` date the same way on every screen: ``23/11/2026`` in French,
    ``2026-11-23`` in English (an unexpected value is shown as it is)."""
    if lang == "fr" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso_day):
        return f"{iso_day[8:10]}/{iso_day[5:7]}/{iso_day[0:4]}"
    return iso_day


def key_display(display: str, lang: str) -> str:
    """A key as Textual displays it (``space``, ``esc``, ``shift+tab``...) named in
    ``lang`` (``espace``, ``échap``, ``maj+tab``), from the ``app.keyname.*`` messages."""
    parts = display.split("+")
    named = []
    # Only app.toml names keys: most keys have no name there, and looking them up in
    # the whole catalogue read every message file of the language before the first screen.
    names = _area_messages(lang, "app") if lang in LANGUAGES else {}
    for part in parts:
        text = names.get(f"app.keyname.{part}") if part.isascii() and part.isalnum() else None
        named.append(text if isinstance(text, str) else part)
    return "+".join(named)


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


def system_country() -> str:
    """The country of the system locale, lower case (``fr_BE.UTF-8`` -> ``be``), or "".

    Chooses the help contacts: a French speaker in Belgium, Switzerland, Luxembourg or
    Canada needs their own emergency numbers, not France's.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            match = re.match(r"[a-zA-Z]{2,3}_([a-zA-Z]{2})", value)
            return match.group(1).lower() if match else ""
    return ""


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
    text, never markup.  A counted message picks its plural form from ``count``;
    ``{n:one|other}`` picks a word by ``n``.  French texts get French spacing (the
    template only, not the values).  An unknown key returns the key itself so a gap
    is visible (and the catalogue test fails).
    """
    lang = lang or current_language()
    found = _lookup(key, lang)
    if found is None:
        lang = DEFAULT
        found = _lookup(key, DEFAULT)
    if found is None:
        return key
    text = _pick(found, lang, params.get("count")) if isinstance(found, dict) else found
    if lang == "fr":
        text = french_typography(text)
    return fill(text, lang, **params)


def fill(text: str, lang: str, /, **params: Any) -> str:
    """A message's text with its parameters, and its inline plurals (``{n:one|other}``).

    Used by :func:`t` and by whatever reads a message's text itself (the dossier,
    whose typography differs): ``str.format`` alone fails on an inline plural.
    """
    if params or "|" in text:
        try:
            return _Formatter(lang).format(text, **params)
        except (KeyError, IndexError, ValueError, AttributeError):
            return text
    return text
