"""French as a French speaker writes it: plurals, spacing, one word per meaning, no English.

Walks every message catalogue and content file (both languages where a rule applies
to both), then walks the screens of a French session and reads what is shown.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tui.app import AbriApp
from tui.core.i18n import NBSP, french_typography, plural_form, t
from tui.widgets.status import KeysFooter

CONTENT = Path(__file__).resolve().parents[2] / "tui" / "content"
SIZE = (80, 24)

COUNTED = ("count", "added", "duplicates", "failures", "files", "entries", "days", "most",
           "total", "done", "shown")  # fmt: skip
"""Placeholders that hold a number of things."""

FOLDER_AS_DOSSIER = (
    "dossier des preuves", "dossier de captures", "est un dossier", "pas un dossier",
    "dossier de destination", "un autre dossier", "créé dans ce dossier", "le dossier {",
)  # fmt: skip
"""A folder of the computer written "dossier": in Abri, "dossier" is the case."""

ENGLISH = re.compile(
    r"\b(?:the|and|with|cancel|choose|close|quit|please|found|matches|file|files|saved|"
    r"escape|space|delete|del|esc|shift|yes|no|add|back|help|search|focus)\b",
    re.IGNORECASE,
)


def texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string of a TOML value, with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, f"{where}[{index}]")


def catalogue(lang: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted((CONTENT / lang).rglob("*.toml")):
        yield path, tomllib.loads(path.read_text(encoding="utf-8"))


ENGLISH_NOUNS = r"(?:entries|lines|files|messages|duplicates|problems|days|steps|settings|accounts)"
"""English words that change with the number (participles such as "added" do not)."""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_plural_written_with_brackets_and_every_count_picks_its_form(lang: str) -> None:
    # In French nouns, adjectives and participles agree with the number; "sur" and
    # "de" ("3 sur 15") do not.  In English only the nouns change.
    follows = r"(?!sur\b|de\b)[^\W\d_]" if lang == "fr" else ENGLISH_NOUNS
    problems = []
    for path, data in catalogue(lang):
        for key, value in data.items():
            for where, text in texts(value, f"{path.name}:{key}"):
                if re.search(r"\w\((?:s|es|e)\)", text):
                    problems.append(f"{where}: plural in brackets: {text!r}")
                if isinstance(value, dict) and set(value) <= {"one", "many", "other"}:
                    continue  # a plural table: each form is right for its number
                for name in COUNTED:
                    # "{count} entrées" needs a form per number; "Comptes : {count}" does not.
                    if re.search(r"\{" + name + r"\}\s+" + follows, text) and (
                        "{" + name + ":" not in text
                    ):
                        problems.append(f"{where}: {{{name}}} followed by a word: {text!r}")
    assert not problems, "\n".join(problems)


def test_cldr_plural_rules_for_french_and_english() -> None:
    assert [plural_form("fr", n) for n in (0, 1, 2, 1_000_000)] == ["one", "one", "other", "many"]
    assert plural_form("fr", "1,5") == "one"
    assert [plural_form("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert plural_form("en", "1.0") == "other"
    assert t("evidence.bulk.added", "fr", count=0) == "0 entrée ajoutée."
    assert (
        t("evidence.batch.duplicates", "fr", count=1)
        == f"1 doublon ignoré (déjà dans le dossier){NBSP}:"
    )
    assert t("evidence.bulk.added", "fr", count=2) == "2 entrées ajoutées."
    assert t("evidence.bulk.added", "en", count=1) == "1 entry added."
    assert t("export.screen.done", "fr", count=1).startswith("Terminé\u00a0: 1 fichier écrit.")
    summary = t("cli.import.summary", "fr", added=1, duplicates=2, failures=0)
    assert summary == (f"Terminé{NBSP}: 1 ajoutée, 2 déjà présentes (ignorées), 0 illisible.")


def test_french_spacing_is_applied_to_templates_and_never_to_case_text() -> None:
    assert french_typography("Fichier : « x » ; vraiment ? oui !") == (
        f"Fichier{NBSP}: «{NBSP}x{NBSP}»{NBSP}; vraiment{NBSP}? oui{NBSP}!"
    )
    # Times, addresses and key names keep their colons and marks.
    kept = "14:32 https://x.com/a?b=c ctrl+s {n:a|b}"
    assert french_typography(kept) == kept
    # A value filled in (typed by whoever wrote the case) is left exactly as it was.
    title = "Alice : « test » ?"
    assert title in t("cli.new.done", "fr", path="a.toml", title=title)


def test_every_french_text_is_spaced_the_french_way() -> None:
    problems = []
    for path, data in catalogue("fr"):
        for where, text in texts(data, path.name):
            shown = french_typography(text)
            if text.strip() in (":", ";", "!", "?"):
                continue  # a separator (" : " between a label and its value)
            for line in shown.splitlines():
                if re.match(r"\s*[:;!?»]", line) and not re.match(r"\s*[?!]\s*$", line):
                    problems.append(f"{where}: a line starts with a mark: {line!r}")
                if line.rstrip().endswith("«"):
                    problems.append(f"{where}: a line ends with «: {line!r}")
            # A word glued to ":" before a space ("Thème: x") is an English habit.
            if re.search(r"[^\W\d_]:\s", re.sub(r"\w+:\w+:", "", text)) and "http" not in text:
                problems.append(f"{where}: no space before ':': {text!r}")
    assert not problems, "\n".join(problems)


def test_dossier_means_the_case_and_repertoire_a_folder() -> None:
    problems = []
    for path, data in catalogue("fr"):
        for where, text in texts(data, path.name):
            for phrase in FOLDER_AS_DOSSIER:
                if phrase in text.lower():
                    problems.append(f"{where}: {phrase!r} means a folder: {text!r}")
    assert not problems, "\n".join(problems)


def test_no_doubled_labels_in_steps_and_contacts() -> None:
    for lang in ("fr", "en"):
        steps = tomllib.loads((CONTENT / lang / "steps.toml").read_text(encoding="utf-8"))
        for step in steps["step"]:
            for field, label in (("iphone", "iphone"), ("android", "android")):
                value = step.get(field, "").strip().lower()
                assert not value.startswith(label), (lang, step["id"], value)
                assert not re.match(r"^[^.]{0,30}\s:\s", value), (lang, step["id"], value)
        contacts = tomllib.loads((CONTENT / lang / "contacts.toml").read_text(encoding="utf-8"))
        for contact in contacts["contact"]:
            numbers = re.findall(r"\b\d{2,4}\b", contact["how"])
            for number in numbers:
                # "Appelez le 119 · 119 (Allô ...)" said the number twice.
                assert number not in contact["service"], (lang, contact["id"])


def test_no_english_word_in_a_french_message() -> None:
    problems = []
    for path, data in catalogue("fr"):
        for where, text in texts(data, path.name):
            if where.endswith(("language-en", "app.key.language", "app.help.language")):
                continue  # "Switch to English", "l : read in English" are meant
            if where.rsplit(".", 1)[-1] in ("source", "id"):
                continue  # source names ("Help Center"), ids ("get-help")
            # Commands, options and paths are typed as they are: "abri add", "--help".
            bare = re.sub(r"\{[^}]*\}|https?://\S+|«[^»]*»|abri \w+|--\w+|\S+/\S*", "", text)
            found = ENGLISH.findall(bare)
            if found:
                problems.append(f"{where}: {found} in {text!r}")
    assert not problems, "\n".join(problems)


def visible_text(app: AbriApp) -> str:
    parts = [str(widget.render()) for widget in app.screen.query(Static) if widget.display]
    for footer in app.screen.query(KeysFooter):
        for key in footer.query("FooterKey"):
            parts.append(f"{getattr(key, 'key_display', '')} {getattr(key, 'description', '')}")
    return "\n".join(parts)


async def test_a_french_session_shows_no_english_on_any_screen(
    make_case: Callable[..., Path],
) -> None:
    path = make_case(language="fr", platforms=["x", "whatsapp"])
    app = AbriApp(case_path=path)
    shown: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown["welcome"] = visible_text(app)
        await pilot.press("enter", "right")  # airplane, then the platform picker
        await pilot.pause()
        shown["platforms"] = visible_text(app)
        await pilot.press("f1")
        await pilot.pause()
        shown["help"] = visible_text(app)
        await pilot.press("d")
        await pilot.pause()
        shown["help details"] = visible_text(app)
        await pilot.press("escape", "f3")
        await pilot.pause()
        shown["evidence"] = visible_text(app)
        await pilot.press("a")
        await pilot.pause()
        shown["form"] = visible_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        shown["bulk"] = visible_text(app)
        await pilot.press("escape", "f4")
        await pilot.pause()
        shown["export"] = visible_text(app)
        await pilot.press("ctrl+p", *"zzqqxx")
        await pilot.pause(1.0)
        palette = app.screen.query("OptionList").first()
        shown["palette"] = str(palette.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    problems = []
    for name, text in shown.items():
        bare = re.sub(r"https?://\S+|contacterlagendarmerie\.fr|\bAlice\b", "", text)
        words = set(ENGLISH.findall(bare)) - {"no"}  # "N°", "nº" never; "no" alone is
        if "No matches" in text or words:
            problems.append(f"{name}: {sorted(words)}")
    assert not problems, "\n".join(problems)
