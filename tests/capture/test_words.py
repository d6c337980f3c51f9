"""What a person reads of a capture says it in words, in their language (raw codes stay
in the record)."""

from __future__ import annotations

from tui.capture.words import failure_words, indicator_words, refusal_words, source_words

NBSP = "\u00a0"


def test_a_refused_request_names_the_address_and_why_in_words() -> None:
    assert refusal_words("10.0.0.1:80 not-public-address", "fr") == (
        "10.0.0.1:80 (pas une adresse publique d’internet)"
    )
    assert (
        refusal_words("example.org:8080 port", "en")
        == "example.org:8080 (a port other than 80 or 443)"
    )
    assert refusal_words("odd text", "en") == "odd text"  # unknown: shown as it is


def test_a_refused_address_says_what_is_wrong_with_it() -> None:
    assert failure_words("refused-url: scheme", "fr") == (
        f"adresse refusée{NBSP}: elle ne commence pas par http:// ou https://"
    )
    assert failure_words("something else", "en") == "something else"


def test_raw_field_names_are_not_shown_but_statuses_and_phrases_are() -> None:
    assert indicator_words("threadViewPost", "en") == ""
    assert indicator_words("HTTP 404", "fr") == " (HTTP 404)"
    assert indicator_words('phrase: "compte suspendu"', "fr") == (
        f" (la page dit «{NBSP}compte suspendu{NBSP}»)"
    )
    assert source_words("mastodon-api", "fr") == "d’après la réponse du serveur Mastodon"
    assert source_words("some-new-method", "en") == "according to the platform's answer"


def test_a_network_error_does_not_claim_an_answer() -> None:
    assert source_words("x-syndication", "fr", answered=False) == "sans réponse de la plateforme"


def test_the_time_mismatch_warning_is_in_the_persons_language() -> None:
    from datetime import UTC, datetime

    from tests.capture import fixtures as F
    from tui.capture.words import mismatch_times
    from tui.core.case import Evidence
    from tui.core.i18n import t

    entry = Evidence(id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID)
    stated = datetime(2021, 4, 14, 17, 10, 42, tzinfo=UTC)
    text = t("capture.tui.time_mismatch", "fr", **mismatch_times(entry, stated, "fr"))
    assert text == (
        f"Attention{NBSP}: selon la plateforme, la publication date du 14/04/2021 17:10:42 "
        "(UTC), mais son identifiant indique le 14/04/2021 15:10:42 (UTC)."
    )
    assert mismatch_times(entry, None, "fr") == {}
