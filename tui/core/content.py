"""The calm steps, help contacts and platform guides, loaded from data files.

The words a person reads in the calm steps are not in the code: they live in
``tui/content/<lang>/steps.toml``, ``contacts.toml`` and ``platforms.toml``, so
someone who is not a programmer can correct a sentence by editing one file.
This module reads those files, checks them (a missing or misspelt key is a
:class:`ContentError` naming the file and the entry), and caches the result.

Every fact that can go stale (a phone number, opening hours, a settings menu)
carries its ``source`` and a ``verified_on`` date; an empty ``verified_on``
means "not verified", and the screens say so.

No Textual here: the CLI and the tests read the same content.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from tui.core import tomlparse
from tui.core.case import LANGUAGES
from tui.core.i18n import french_typography

STEP_KINDS: tuple[str, ...] = ("plain", "platforms", "lock", "secure", "evidence", "complaint")
"""What a step does besides being read.

``platforms`` shows the platform picker; ``lock`` is followed by one step per
picked platform (who can reach you there), ``secure`` by one step per picked
platform that has a two-step verification path (its ``platform_title`` and
``platform_text`` with ``{name}``); ``evidence`` and ``complaint`` offer a key to
the evidence table / the export.
"""

COUNTRIES: tuple[str, ...] = ("fr", "be", "ch", "lu", "ca")
"""Countries whose help contacts ship (France first: the steps follow French law)."""

LOCK_PREFIX = "lock-"
"""A per-platform locking step's id is ``lock-<platform id>``."""

SECURE_PREFIX = "secure-"
"""A per-platform two-step verification step's id is ``secure-<platform id>``."""

FINISHED = "end"
"""Value of ``Case.current_step`` once the last step is behind the person."""


class ContentError(Exception):
    """A content file is missing, is not valid TOML, or lacks a key.

    ``str(e)`` names the file and what is wrong, so whoever edited it can fix it.
    """


@dataclass(frozen=True)
class Contact:
    """A help contact (France), shown in the help panel (f1) and the welcome screen."""

    short: str
    """What help shows first: the number ("3018") or one word ("PHAROS")."""
    line: str
    """The one line help shows for it (the details are one key further)."""
    service: str
    how: str
    """A number to call / text, or an address."""
    when: str
    """Opening hours."""
    note: str
    """What it is for."""
    source: str
    verified_on: str
    """ISO date (``2026-11-23``) the fact was last checked, or ``""`` if never."""
    id: str = ""
    emergency: bool = False
    """True for immediate-danger numbers (17, 112, 114), listed on the welcome screen."""
    country: str = "fr"
    """Where the contact works: ``fr``, ``be``, ``ch``, ``lu`` or ``ca`` (see COUNTRIES)."""


@dataclass(frozen=True)
class Step:
    """One calm step: one thing to do, in a few short sentences."""

    id: str
    kind: str
    """One of :data:`STEP_KINDS` (or ``lock-platform`` for a per-platform step)."""
    title: str
    text: str
    """Two to five short sentences."""
    phone: str = ""
    """What to do on the phone, when it is the same on iPhone and Android."""
    iphone: str = ""
    android: str = ""
    why: str = ""
    """Why it helps."""
    approximate: bool = False
    """The menu paths are approximate (they vary between phones and versions)."""
    source: str = ""
    verified_on: str = ""
    platform: str = ""
    """For a per-platform step: the platform id."""
    names_apps: bool = False
    """The screen names the apps the person picked (``names_apps = true``)."""
    platform_title: str = ""
    platform_text: str = ""
    """For a ``secure`` step: the title and text of each per-platform step (``{name}``)."""


@dataclass(frozen=True)
class PlatformGuide:
    """How to protect one's account on one platform."""

    id: str
    name: str
    title: str
    text: str
    where: str
    """Where the settings usually are (honestly worded: "usually under ...")."""
    two_factor: str
    """Where two-step verification is usually turned on ("" when the platform has none)."""
    approximate: bool
    source: str
    verified_on: str


@dataclass(frozen=True)
class Page:
    """A screen of text outside the numbered steps (welcome, closing)."""

    title: str
    text: str


@dataclass(frozen=True)
class CalmContent:
    """Everything the calm screen shows in one language."""

    welcome: Page
    closing: Page
    steps: tuple[Step, ...]
    platforms: tuple[PlatformGuide, ...]
    contacts: tuple[Contact, ...]

    def platform(self, platform_id: str) -> PlatformGuide | None:
        """The guide for this platform id, or None when there is none."""
        for guide in self.platforms:
            if guide.id == platform_id:
                return guide
        return None

    def sequence(self, chosen: Iterable[str]) -> list[Step]:
        """The steps to go through, in order, for the platforms the person chose.

        The general locking step is followed by one step per chosen platform that
        has a guide, in the order of the guides file; unknown ids (a tampered
        file) are ignored here and shown by the screen as they are.
        """
        picked = set(chosen)
        result: list[Step] = []
        for step in self.steps:
            result.append(step)
            if step.kind == "lock":
                result.extend(_lock_step(guide) for guide in self.platforms if guide.id in picked)
            elif step.kind == "secure":
                result.extend(
                    _secure_step(step, guide)
                    for guide in self.platforms
                    if guide.id in picked and guide.two_factor
                )
        return result


def _secure_step(step: Step, guide: PlatformGuide) -> Step:
    return Step(
        id=SECURE_PREFIX + guide.id,
        kind="secure-platform",
        title=step.platform_title.replace("{name}", guide.name),
        text=step.platform_text.replace("{name}", guide.name),
        phone=guide.two_factor,
        approximate=guide.approximate,
        source=guide.source,
        verified_on=guide.verified_on,
        platform=guide.id,
    )


def _lock_step(guide: PlatformGuide) -> Step:
    return Step(
        id=LOCK_PREFIX + guide.id,
        kind="lock-platform",
        title=guide.title,
        text=guide.text,
        phone=guide.where,
        approximate=guide.approximate,
        source=guide.source,
        verified_on=guide.verified_on,
        platform=guide.id,
    )


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _read(lang: str, name: str) -> tuple[str, str]:
    """The text of one packaged content file and its name for error messages."""
    label = f"tui/content/{lang}/{name}"
    try:
        text = resources.files("tui.content").joinpath(lang, name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{label}: cannot be read ({error}).") from error
    if lang == "fr":
        # French spacing, applied once to the whole file: ":;!?" and « » only occur in
        # strings and comments, never in the TOML syntax itself.
        text = french_typography(text)
    return label, text


def _parse(label: str, text: str) -> dict[str, Any]:
    try:
        # The compiled parser when installed: the calm steps are the first screen, and
        # their files are the largest read for it (tomllib still words any error).
        return tomlparse.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{label}: not valid TOML ({error}).") from error


def _text(
    label: str, where: str, table: Mapping[str, Any], key: str, *, required: bool = True
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise ContentError(f'{label}: {where} has no "{key}".')
        return ""
    if not isinstance(value, str):
        raise ContentError(f'{label}: {where}: "{key}" must be text in quotes.')
    if required and not value.strip():
        raise ContentError(f'{label}: {where}: "{key}" is empty.')
    return value.strip()


def _flag(label: str, where: str, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ContentError(f'{label}: {where}: "{key}" must be true or false.')
    return value


def _verified_on(label: str, where: str, table: Mapping[str, Any]) -> str:
    value = _text(label, where, table, "verified_on", required=False)
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ContentError(
                f'{label}: {where}: "verified_on" must be a date like 2026-11-23, or "".'
            ) from None
    return value


def _tables(label: str, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ContentError(f"{label}: no [[{key}]] entries.")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ContentError(f"{label}: [[{key}]] number {index} is not a table.")
    return items


def _check_ids(label: str, kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ContentError(f'{label}: two [[{kind}]] entries have the id "{item_id}".')
        if not item_id.replace("-", "").isalnum() or not item_id.isascii():
            raise ContentError(
                f'{label}: [[{kind}]] id "{item_id}" must use only a-z, 0-9 and "-".'
            )
        seen.add(item_id)


def _page(label: str, data: Mapping[str, Any], key: str) -> Page:
    table = data.get(key)
    if not isinstance(table, dict):
        raise ContentError(f"{label}: no [{key}] table.")
    return Page(
        title=_text(label, f"[{key}]", table, "title"),
        text=_text(label, f"[{key}]", table, "text"),
    )


def parse_steps(text: str, label: str = "steps.toml") -> tuple[Page, tuple[Step, ...], Page]:
    """The welcome page, the steps and the closing page of a ``steps.toml`` text.

    Raises :class:`ContentError` naming ``label`` and the entry at fault.
    """
    data = _parse(label, text)
    steps: list[Step] = []
    for index, table in enumerate(_tables(label, data, "step"), start=1):
        where = f"[[step]] number {index}"
        step_id = _text(label, where, table, "id")
        where = f'step "{step_id}"'
        kind = _text(label, where, table, "kind")
        if kind not in STEP_KINDS:
            raise ContentError(f'{label}: {where}: "kind" must be one of {", ".join(STEP_KINDS)}.')
        steps.append(
            Step(
                id=step_id,
                kind=kind,
                title=_text(label, where, table, "title"),
                text=_text(label, where, table, "text"),
                phone=_text(label, where, table, "phone", required=False),
                iphone=_text(label, where, table, "iphone", required=False),
                android=_text(label, where, table, "android", required=False),
                why=_text(label, where, table, "why", required=False),
                approximate=_flag(label, where, table, "approximate"),
                source=_text(label, where, table, "source"),
                verified_on=_verified_on(label, where, table),
                names_apps=_flag(label, where, table, "names_apps"),
                platform_title=_text(
                    label, where, table, "platform_title", required=kind == "secure"
                ),
                platform_text=_text(
                    label, where, table, "platform_text", required=kind == "secure"
                ),
            )
        )
    _check_ids(label, "step", [step.id for step in steps])
    for step in steps:
        if step.id.startswith((LOCK_PREFIX, SECURE_PREFIX)) or step.id == FINISHED:
            raise ContentError(f'{label}: step id "{step.id}" is reserved; choose another.')
    return _page(label, data, "welcome"), tuple(steps), _page(label, data, "closing")


@cache
def load_steps(lang: str) -> tuple[Page, tuple[Step, ...], Page]:
    """The welcome page, steps and closing page of ``lang`` (cached)."""
    label, text = _read(_language(lang), "steps.toml")
    return parse_steps(text, label)


def parse_platforms(text: str, label: str = "platforms.toml") -> tuple[PlatformGuide, ...]:
    """The platform guides of a ``platforms.toml`` text; raises :class:`ContentError`."""
    data = _parse(label, text)
    guides: list[PlatformGuide] = []
    for index, table in enumerate(_tables(label, data, "platform"), start=1):
        where = f"[[platform]] number {index}"
        platform_id = _text(label, where, table, "id")
        where = f'platform "{platform_id}"'
        guides.append(
            PlatformGuide(
                id=platform_id,
                name=_text(label, where, table, "name"),
                title=_text(label, where, table, "title"),
                text=_text(label, where, table, "text"),
                where=_text(label, where, table, "where"),
                two_factor=_text(label, where, table, "two_factor", required=False),
                approximate=_flag(label, where, table, "approximate"),
                source=_text(label, where, table, "source"),
                verified_on=_verified_on(label, where, table),
            )
        )
    _check_ids(label, "platform", [guide.id for guide in guides])
    return tuple(guides)


@cache
def load_platforms(lang: str) -> tuple[PlatformGuide, ...]:
    """The account-protection guide of each platform, in ``lang`` (cached)."""
    label, text = _read(_language(lang), "platforms.toml")
    return parse_platforms(text, label)


def parse_contacts(text: str, label: str = "contacts.toml") -> tuple[Contact, ...]:
    """The help contacts of a ``contacts.toml`` text; raises :class:`ContentError`."""
    data = _parse(label, text)
    contacts: list[Contact] = []
    for index, table in enumerate(_tables(label, data, "contact"), start=1):
        where = f"[[contact]] number {index}"
        contact_id = _text(label, where, table, "id")
        where = f'contact "{contact_id}"'
        contacts.append(
            Contact(
                short=_text(label, where, table, "short"),
                line=_text(label, where, table, "line"),
                service=_text(label, where, table, "service"),
                how=_text(label, where, table, "how"),
                when=_text(label, where, table, "when"),
                note=_text(label, where, table, "note", required=False),
                source=_text(label, where, table, "source"),
                verified_on=_verified_on(label, where, table),
                id=contact_id,
                emergency=_flag(label, where, table, "emergency"),
                country=_country(label, where, table),
            )
        )
    _check_ids(label, "contact", [contact.id for contact in contacts])
    return tuple(contacts)


@cache
def _contacts(lang: str) -> tuple[Contact, ...]:
    label, text = _read(lang, "contacts.toml")
    return parse_contacts(text, label)


def load_contacts(lang: str, country: str = "fr") -> list[Contact]:
    """The help contacts of one country, in the file's order (a fresh list).

    An unknown country gives France's (the steps and the law they cite are French).
    """
    country = country if country in COUNTRIES else "fr"
    return [c for c in _contacts(_language(lang)) if c.country == country]


def _country(label: str, where: str, table: Mapping[str, Any]) -> str:
    value = _text(label, where, table, "country", required=False) or "fr"
    if value not in COUNTRIES:
        raise ContentError(f'{label}: {where}: "country" must be one of {", ".join(COUNTRIES)}.')
    return value


@cache
def load_calm(lang: str) -> CalmContent:
    """All the calm-step content of one language (cached); raises :class:`ContentError`."""
    lang = _language(lang)
    welcome, steps, closing = load_steps(lang)
    return CalmContent(
        welcome=welcome,
        closing=closing,
        steps=steps,
        platforms=load_platforms(lang),
        contacts=_contacts(lang),
    )
