"""One entry's capture: its page (and X's embed rendering), then the platform look-up.

:func:`capture_entry` writes everything into a *staging* folder, a hidden
``.capture-<random>`` folder inside the case's evidence folder (same disk as the
evidence, never the system's temp folder; hidden, so a bundle never includes it), and
returns a :class:`CaptureOutcome`.  It does not touch the case:
:func:`tui.capture.apply.apply_capture` moves the files in and records them, or
:func:`discard` removes the folder.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tui.capture.browser import CaptureError, PageCapture, capture_page
from tui.capture.fetch import Fetcher, Throttle, base_for
from tui.capture.lookup import Lookup, lookup_entry
from tui.capture.proxy import FilteringProxy
from tui.core.case import Evidence

X_EMBED_BASE = "https://platform.twitter.com"
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
"""Browser locale for a case's language."""


@dataclass(frozen=True)
class CaptureOutcome:
    """Everything one entry's capture produced, still in ``staging``."""

    entry_id: str
    staging: Path
    pages: tuple[PageCapture, ...] = ()
    lookup: Lookup | None = None
    error: str = ""
    """Why nothing could be captured (refused address, no browser...), else ``""``."""


def page_url(url: str) -> str:
    """The address to load: ``url``, or its path on the ``page=`` base of ABRI_LOOKUP_BASE."""
    base = base_for("page", "")
    if not base:
        return url
    parts = urlsplit(url)
    return base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def new_staging(evidence_dir: Path) -> Path:
    """A fresh hidden staging folder inside the evidence folder (created)."""
    folder = evidence_dir / f".capture-{secrets.token_hex(6)}"
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def discard(outcome: CaptureOutcome) -> None:
    """Remove an outcome's staging folder (nothing of it goes into the case)."""
    shutil.rmtree(outcome.staging, ignore_errors=True)


def capture_entry(
    evidence: Evidence,
    evidence_dir: Path,
    *,
    chromium: str,
    language: str = "fr",
    timezone: str = "Europe/Paris",
    lookups: bool = True,
    throttle: Throttle | None = None,
    cancel: threading.Event | None = None,
) -> CaptureOutcome:
    """Capture one entry's page (and, for X, the embed page), then look the post up.

    Raises :class:`~tui.capture.browser.CaptureCancelled` (the staging folder is
    removed first); every other failure is in the outcome.
    """
    from tui.capture.browser import CaptureCancelled

    evidence_dir.mkdir(parents=True, exist_ok=True)
    staging = new_staging(evidence_dir)
    pages: list[PageCapture] = []
    lookup: Lookup | None = None
    locale = LOCALES.get(language, "en-GB")
    try:
        try:
            pages.append(
                capture_page(
                    page_url(evidence.url),
                    staging,
                    chromium=chromium,
                    locale=locale,
                    timezone=timezone,
                    cancel=cancel,
                )
            )
            if evidence.platform == "x" and evidence.post_id.isdigit():
                embed = (
                    f"{base_for('x-embed', X_EMBED_BASE)}/embed/Tweet.html?id={evidence.post_id}"
                )
                pages.append(
                    capture_page(
                        embed,
                        staging,
                        chromium=chromium,
                        locale=locale,
                        timezone=timezone,
                        label="embed",
                        cancel=cancel,
                    )
                )
        except CaptureError as error:
            return CaptureOutcome(
                evidence.id, staging, tuple(pages), None, f"{error.reason}: {error}"
            )
        if lookups:
            with FilteringProxy() as proxy:
                fetcher = Fetcher(proxy, throttle, cancel)
                with contextlib.suppress(InterruptedError):
                    lookup = lookup_entry(
                        evidence.platform, evidence.url, evidence.post_id,
                        evidence.account_handle, evidence.account_id, fetcher, staging,
                    )  # fmt: skip
        if cancel is not None and cancel.is_set():
            raise CaptureCancelled
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return CaptureOutcome(evidence.id, staging, tuple(pages), lookup)
