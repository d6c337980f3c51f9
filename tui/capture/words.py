"""How capture and "still online?" results are said to the person, in their language.

The record and ``capture.json`` keep the raw method (``bluesky-appview``) and the raw
indicator (``threadViewPost``, ``tombstone``); what a person reads says the same in
words: "d’après la réponse de Bluesky", "(HTTP 404)", "(la page dit « … »)".
"""

from __future__ import annotations

import re
from datetime import datetime

from tui.core.case import Evidence
from tui.core.i18n import message, t
from tui.core.platforms import decode_id_time
from tui.core.timeparse import format_datetime

_HTTP = re.compile(r"HTTP \d{3}")
_PHRASE = re.compile(r'phrase: "(.*)"', re.S)


def source_words(method: str, lang: str, *, answered: bool = True) -> str:
    """Where a result came from, in words (``according to Bluesky's answer``); when no
    answer came (a network error), says so instead."""
    if not answered:
        return t("capture.source.none", lang)
    if message(f"capture.source.{method}", lang) is None:
        return t("capture.source.other", lang)
    return t(f"capture.source.{method}", lang)


def indicator_words(indicator: str | None, lang: str) -> str:
    """``" (HTTP 404)"``, ``" (the page says "…")"`` or ``""``: the part of a raw
    indicator a person can read (the rest is a platform's field name, kept in the record)."""
    if not indicator:
        return ""
    if _HTTP.fullmatch(indicator):
        return f" ({indicator})"
    found = _PHRASE.fullmatch(indicator)
    if found:
        return t("capture.detail.phrase", lang, phrase=found.group(1))
    return ""


def seconds_words(seconds: float, lang: str) -> str:
    """A duration in seconds with one decimal, with the decimal comma in French."""
    text = f"{seconds:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def mismatch_times(evidence: Evidence, stated: datetime | None, lang: str) -> dict[str, str]:
    """``stated`` (the platform's creation time) and ``decoded`` (the post ID's), shown
    in UTC, for the "times disagree" warning; empty when either is unknown."""
    if stated is None or not evidence.post_id:
        return {}
    decoded, _warning = decode_id_time(evidence.platform, evidence.post_id, lang=lang)
    if decoded is None:
        return {}
    return {
        "stated": format_datetime(stated, "UTC", lang, seconds=True),
        "decoded": format_datetime(decoded, "UTC", lang, seconds=True),
    }


def failure_words(error: str, lang: str) -> str:
    """Why an entry was not captured, in words (``"browser: …"`` from the capture is
    "the browser could not start: …"); a reason Abri has no words for is shown as is."""
    code, sep, detail = error.partition(": ")
    if not sep or message(f"capture.reason.{code}", lang) is None:
        return error
    if message(f"capture.url.{detail}", lang) is not None:
        detail = t(f"capture.url.{detail}", lang)
    return t(f"capture.reason.{code}", lang, detail=detail)


def refusal_words(refused: str, lang: str) -> str:
    """One refused request (``"10.0.0.1:80 not-public-address"`` in the record) in words:
    ``10.0.0.1:80 (not a public internet address)``."""
    target, _, code = refused.rpartition(" ")
    if not target or message(f"capture.refusal.{code}", lang) is None:
        return refused
    return f"{target} ({t(f'capture.refusal.{code}', lang)})"
