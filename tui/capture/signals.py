"""What a fetched page *indicates*: a login wall, a bot check, a removed post...

Structured signals (an API's "tombstone", a 404) come first and live with each
platform's lookup; this module holds the second-best clues, phrases a page shows,
in French and English.  A phrase only *indicates*: a page saying "this post is
unavailable" may be a temporary error, and a login wall says nothing about
whether the post still exists.  Walls are never mistaken for deletion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOGIN_WALL = (
    "log in to continue",
    "log in to see",
    "sign in to continue",
    "sign in to see",
    "you must log in",
    "login required",
    "se connecter pour continuer",
    "connectez-vous pour",
    "connecte-toi pour",
    "identifiez-vous pour",
    "don’t miss what’s happening",
    "don't miss what's happening",
)
BOT_CHECK = (
    "just a moment...",
    "just a moment…",
    "checking your browser",
    "verify you are human",
    "attention required! | cloudflare",
    "are you a robot",
    "vérification que vous êtes humain",
    "un instant…",
    "un instant...",
    "cf-challenge",
)
SUSPENDED = (
    "account suspended",
    "this account has been suspended",
    "account has been banned",
    "compte suspendu",
    "ce compte a été suspendu",
    "a été suspendu",
)
REMOVED = (
    "this post is unavailable",
    "this post was deleted",
    "this tweet was deleted",
    "this page doesn’t exist",
    "this page doesn't exist",
    "sorry, this page isn't available",
    "post not found",
    "content unavailable",
    "ce post n’est pas disponible",
    "ce post n'est pas disponible",
    "cette page n’existe pas",
    "cette page n'existe pas",
    "cette publication n’est pas disponible",
    "cette publication a été supprimée",
    "contenu indisponible",
)
"""Phrases (lowercased) that indicate each situation, French and English."""

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PageSignal:
    """What a page's text indicates, and the phrase that decided it."""

    verdict: str
    """``login-wall``, ``bot-check``, ``account-suspended``, ``removed`` or ``""`` (nothing)."""
    indicator: str
    """The phrase found (``'phrase: "just a moment..."'``), or ``""``."""


def read_page(title: str, text: str) -> PageSignal:
    """The first wall or removal phrase in a page's title and text (bot checks first)."""
    haystack = _SPACE.sub(" ", f"{title}\n{text[:50_000]}").lower()
    for verdict, phrases in (
        ("bot-check", BOT_CHECK),
        ("account-suspended", SUSPENDED),
        ("removed", REMOVED),
        ("login-wall", LOGIN_WALL),
    ):
        for phrase in phrases:
            if phrase in haystack:
                return PageSignal(verdict, f'phrase: "{phrase}"')
    return PageSignal("", "")


COOKIE_BANNER_SELECTORS = (
    "#onetrust-banner-sdk",
    "#onetrust-consent-sdk",
    "#CybotCookiebotDialog",
    "#didomi-host",
    "#usercentrics-root",
    ".qc-cmp2-container",
    ".fc-consent-root",
    "#cookie-banner",
    ".cookie-banner",
    "[id*='cookie-consent' i]",
    "[class*='cookie-consent' i]",
    "[id*='cookiebanner' i]",
    "[class*='cookiebanner' i]",
    "[aria-label*='cookie' i][role='dialog']",
    "[data-testid='BottomBar']",
)
"""Cookie banners hidden for the clean full-page shot (the as-loaded shot keeps them)."""
