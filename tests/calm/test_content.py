"""The calm-step texts, platform guides and help contacts: complete in both languages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tui.core.content import (
    FINISHED,
    ContentError,
    load_calm,
    load_contacts,
    parse_contacts,
    parse_platforms,
    parse_steps,
)
from tui.core.i18n import catalog

PLATFORMS_REQUIRED = (
    "x", "instagram", "tiktok", "facebook", "snapchat",
    "youtube", "discord", "twitch", "bluesky", "mastodon",
    "whatsapp", "telegram", "linkedin", "reddit", "threads",
)  # fmt: skip


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text.strip()))


def test_french_and_english_have_the_same_steps_platforms_and_contacts() -> None:
    fr, en = load_calm("fr"), load_calm("en")
    assert [(s.id, s.kind) for s in fr.steps] == [(s.id, s.kind) for s in en.steps]
    assert [p.id for p in fr.platforms] == [p.id for p in en.platforms]
    assert [(c.id, c.emergency) for c in fr.contacts] == [(c.id, c.emergency) for c in en.contacts]
    # A fact checked in one language is checked in the other.
    assert [s.verified_on for s in fr.steps] == [s.verified_on for s in en.steps]
    assert [c.verified_on for c in fr.contacts] == [c.verified_on for c in en.contacts]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_step_is_short_and_says_why_and_where_it_comes_from(lang: str) -> None:
    calm = load_calm(lang)
    kinds = {step.kind for step in calm.steps}
    assert {"platforms", "lock", "evidence", "complaint"} <= kinds
    for step in calm.steps:
        assert 1 <= _sentences(step.text) <= 5, (lang, step.id, step.text)
        assert step.source, step.id
        if step.iphone or step.android or step.phone:
            # Phone menus are never claimed as verified.
            assert step.approximate or not (step.iphone or step.android), step.id
    assert calm.welcome.title and calm.closing.title


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lock_guides_exist_for_the_main_platforms_and_are_honest(lang: str) -> None:
    calm = load_calm(lang)
    assert set(PLATFORMS_REQUIRED) <= {p.id for p in calm.platforms}
    for guide in calm.platforms:
        assert 1 <= _sentences(guide.text) <= 3, (lang, guide.id)
        assert guide.approximate and guide.verified_on == "", guide.id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_contacts_carry_source_and_verified_date_and_list_emergency_numbers(lang: str) -> None:
    contacts = load_contacts(lang)
    for contact in contacts:
        assert contact.service and contact.how and contact.when and contact.source
        date.fromisoformat(contact.verified_on)
    emergency = " ".join(c.how for c in contacts if c.emergency)
    for number in ("17", "112", "114"):
        assert number in emergency
    everything = " ".join(c.how for c in contacts)
    assert "3018" in everything and "internet-signalement.gouv.fr" in everything


def test_the_sequence_shows_only_the_chosen_platforms_after_the_lock_step() -> None:
    calm = load_calm("en")
    ids = [step.id for step in calm.sequence(["mastodon", "x", "no-such-platform"])]
    lock = ids.index("lock")
    assert ids[lock + 1 : lock + 3] == ["lock-x", "lock-mastodon"]
    assert not any(i.startswith("lock-") for i in ids[lock + 3 :])
    assert [s.id for s in calm.sequence([])] == [s.id for s in calm.steps]
    assert FINISHED not in ids


def test_calm_messages_exist_in_both_languages_with_the_same_placeholders() -> None:
    fr = {k: v for k, v in catalog("fr").items() if k.startswith("calm.")}
    en = {k: v for k, v in catalog("en").items() if k.startswith("calm.")}
    assert fr.keys() == en.keys() and fr

    def names(text: object) -> set[str]:
        forms = text.values() if isinstance(text, dict) else [text]
        return {name for form in forms for name in re.findall(r"\{(\w+)\}", str(form))}

    assert {k: names(v) for k, v in fr.items()} == {k: names(v) for k, v in en.items()}


GOOD_STEP = """
[welcome]
title = "Hi"
text = "One. Two."
[closing]
title = "Bye"
text = "One. Two."
[[step]]
id = "airplane"
kind = "plain"
title = "T"
text = "One. Two."
source = "S"
verified_on = ""
"""


def test_a_good_file_parses() -> None:
    welcome, steps, closing = parse_steps(GOOD_STEP, "fr/steps.toml")
    assert welcome.title == "Hi" and steps[0].id == "airplane" and closing.title == "Bye"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GOOD_STEP.replace('title = "T"\n', ""), 'step "airplane" has no "title"'),
        (GOOD_STEP.replace('kind = "plain"', 'kind = "fancy"'), '"kind" must be one of'),
        (GOOD_STEP.replace('verified_on = ""', 'verified_on = "yesterday"'), "verified_on"),
        (GOOD_STEP.replace("[closing]", "[closed]"), "no [closing] table"),
        (GOOD_STEP + '[[step]]\nid = "airplane"\n', "airplane"),
        (GOOD_STEP.replace('id = "airplane"', 'id = "lock-x"'), "reserved"),
        (GOOD_STEP.replace('title = "Hi"', 'title = "Hi'), "not valid TOML"),
    ],
)
def test_a_broken_steps_file_names_the_file_and_the_problem(broken: str, expected: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_steps(broken, "tui/content/fr/steps.toml")
    assert "tui/content/fr/steps.toml" in str(caught.value)
    assert expected in str(caught.value)


def test_broken_contacts_and_platforms_name_their_file() -> None:
    with pytest.raises(ContentError, match=r"fr/contacts\.toml.*no \"how\""):
        parse_contacts(
            '[[contact]]\nid = "a"\nshort = "1"\nline = "L"\nservice = "S"\nwhen = "24/7"\n'
            'source = "x"\n',
            "tui/content/fr/contacts.toml",
        )
    with pytest.raises(ContentError, match=r"en/platforms\.toml.*approximate"):
        parse_platforms(
            '[[platform]]\nid = "x"\nname = "X"\ntitle = "T"\ntext = "A. B."\nwhere = "W"\n'
            'approximate = "yes"\nsource = "S"\n',
            "tui/content/en/platforms.toml",
        )
