"""Every text exists in French and English, with the same placeholders.

Walks every TOML file under ``tui/content/fr`` and ``tui/content/en`` (messages and
content data: steps, contacts, platform guides...), compares the key sets
recursively (tables, arrays of tables) and the ``{placeholders}`` of every string.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "tui" / "content"
LANGS = ("fr", "en")


def toml_files(lang: str) -> set[Path]:
    root = CONTENT / lang
    return {path.relative_to(root) for path in root.rglob("*.toml")}


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


PLURAL_FORMS = {"fr": {"one", "many", "other"}, "en": {"one", "other"}}
"""The CLDR plural categories each language may use in a counted message."""


def is_plural(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"one", "many", "other"}


def forms_text(value: Any) -> str:
    return " ".join(value.values()) if isinstance(value, dict) else str(value)


def compare(fr: Any, en: Any, where: str, problems: list[str]) -> None:
    """Append a readable line to ``problems`` for every difference in shape or placeholders.

    A counted message (a table of plural forms) may use different forms in each
    language (French has ``many``; either may be a plain text when no word changes
    with the number); every form must carry the placeholders of the other language.
    """
    if is_plural(fr) or is_plural(en):
        for lang, value in (("French", fr), ("English", en)):
            if isinstance(value, dict) and not {"one", "other"} <= set(value):
                problems.append(f"{where}: {lang} plural table needs one and other")
        wanted = placeholders(forms_text(fr)) | placeholders(forms_text(en))
        for lang, value in (("French", fr), ("English", en)):
            for form in value.values() if isinstance(value, dict) else [value]:
                # The "one" form may leave the number out ("a single message...").
                missing = wanted - placeholders(str(form)) - {"count"}
                if missing:
                    problems.append(f"{where}: {lang} form lacks {sorted(missing)}")
        return
    if isinstance(fr, dict) and isinstance(en, dict):
        for key in sorted(set(fr) - set(en)):
            problems.append(f"{where}.{key}: in French only")
        for key in sorted(set(en) - set(fr)):
            problems.append(f"{where}.{key}: in English only")
        for key in sorted(set(fr) & set(en)):
            compare(fr[key], en[key], f"{where}.{key}", problems)
    elif isinstance(fr, list) and isinstance(en, list):
        if len(fr) != len(en):
            problems.append(f"{where}: {len(fr)} items in French, {len(en)} in English")
        for index, (one, other) in enumerate(zip(fr, en, strict=False)):
            compare(one, other, f"{where}[{index}]", problems)
    elif isinstance(fr, str) and isinstance(en, str):
        if placeholders(fr) != placeholders(en):
            problems.append(
                f"{where}: placeholders differ, French {sorted(placeholders(fr))}, "
                f"English {sorted(placeholders(en))}"
            )
        if bool(fr.strip()) != bool(en.strip()):
            problems.append(f"{where}: empty in one language only")
    elif type(fr) is not type(en):
        problems.append(f"{where}: {type(fr).__name__} in French, {type(en).__name__} in English")


def test_both_languages_have_the_same_files() -> None:
    assert toml_files("fr") == toml_files("en")
    assert toml_files("fr"), "no content files found"


@pytest.mark.parametrize("relative", sorted(toml_files("fr") | toml_files("en")), ids=str)
def test_every_text_is_translated_with_the_same_placeholders(relative: Path) -> None:
    missing = [lang for lang in LANGS if not (CONTENT / lang / relative).is_file()]
    assert not missing, f"{relative} is missing in {missing}"
    data = {
        lang: tomllib.loads((CONTENT / lang / relative).read_text(encoding="utf-8"))
        for lang in LANGS
    }
    problems: list[str] = []
    compare(data["fr"], data["en"], str(relative), problems)
    assert not problems, "\n".join(problems)


def test_message_keys_are_unique_across_files() -> None:
    for lang in LANGS:
        seen: dict[str, Path] = {}
        for path in sorted((CONTENT / lang / "messages").glob("*.toml")):
            for key in tomllib.loads(path.read_text(encoding="utf-8")):
                assert key not in seen, f"{lang}: {key} in both {seen[key].name} and {path.name}"
                seen[key] = path
