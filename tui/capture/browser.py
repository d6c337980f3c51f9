"""Capturing one web page with the system's headless Chromium, through the filtering proxy.

What one capture promises (see ``docs/capture.md``):

* The URL is refused before any browser starts unless it is ``http(s)://`` with a
  host (:func:`tui.capture.policy.url_problem`).
* A fresh browser profile and context: no cookies, no login, downloads refused,
  service workers blocked, the case's locale and time zone, a timeout.  Chromium
  reaches the network only through :class:`~tui.capture.proxy.FilteringProxy`
  (``--proxy-server``, with ``--proxy-bypass-list=<-loopback>`` so that loopback is
  *not* exempted; its own resolver is disabled and WebRTC may not use UDP).
* Artefacts written in ``staging`` (a folder the caller made, normally a hidden
  temporary folder inside the case's evidence folder): ``viewport.png`` (the page as
  loaded, banners included), ``full-page.png`` (cookie banners hidden, clipped at
  :data:`FULL_PAGE_LIMIT_PX`), ``page.mhtml`` (CDP ``Page.captureSnapshot``) and
  ``capture.json`` (times, server ``Date`` and clock skew, redirect chain, main
  response headers, TLS leaf SHA-256, IP connected, browser version, user agent, the
  SHA-256 of every other artefact).
* Walls are named (``login-wall``, ``bot-check``) and the screenshot kept as what
  was seen; nothing here concludes that a post was deleted.

Playwright is imported only when a capture runs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import hashlib
import json
import shutil
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tui import __version__
from tui.capture.policy import allowed_pairs, url_problem
from tui.capture.proxy import FilteringProxy, leaf_sha256
from tui.capture.signals import COOKIE_BANNER_SELECTORS, read_page
from tui.core.blocking import run_to_completion

FULL_PAGE_LIMIT_PX = 15_000
"""The full-page screenshot stops here (about 19 screens): taller pages are clipped, and
``capture.json`` says so.  Chromium cannot paint much more than 16,384 px at once."""

VIEWPORT = {"width": 1280, "height": 800}
"""The window size of every capture (a common laptop screen)."""

DEFAULT_TIMEOUT_S = 45.0
"""How long a page may take to load before the capture gives up on waiting."""

SETTLE_MS = 1500
"""After ``load``: time left for scripts (JS redirects, late content) before shooting."""

T = TypeVar("T")


class CaptureError(Exception):
    """A capture could not be made at all; ``reason`` is a short word, ``str()`` the detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class CaptureCancelled(Exception):
    """The person cancelled; nothing of this capture is kept."""


@dataclass(frozen=True)
class StagedFile:
    """One artefact written in the staging folder, with its hash."""

    role: str
    """``viewport``, ``full-page``, ``archive``, ``manifest`` or ``lookup``."""
    path: Path
    sha256: str
    bytes: int


@dataclass(frozen=True)
class PageCapture:
    """What one capture produced (files are still in the staging folder)."""

    label: str
    """``page`` (the post's own address) or ``embed`` (X's official embed rendering)."""
    requested_url: str
    final_url: str
    started_at: datetime
    finished_at: datetime
    http_status: int | None
    verdict: str
    """``loaded``, ``login-wall``, ``bot-check``, ``removed``, ``account-suspended``,
    ``http-error``, ``refused``, ``download`` or ``failed``."""
    indicator: str
    """What decided the verdict (``HTTP 404``, ``phrase: "just a moment..."``...)."""
    address: str
    """The IP address connected to for the final page."""
    files: tuple[StagedFile, ...] = ()
    error: str = ""
    refused: tuple[str, ...] = field(default=())
    """``host:port reason`` of every request the proxy refused during the capture."""

    def file(self, role: str) -> StagedFile | None:
        """The artefact with this role, if it was made."""
        for item in self.files:
            if item.role == role:
                return item
        return None


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _staged(role: str, path: Path) -> StagedFile:
    digest, size = _hash(path)
    return StagedFile(role, path, digest, size)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def launch_flags(proxy_url: str) -> list[str]:
    """Chromium's flags for a capture: the shared quiet ones, then the network lock-down."""
    from tui.export.pdf_writer import chromium_flags

    return [
        *chromium_flags(),
        f"--proxy-server={proxy_url}",
        # Chromium exempts loopback from proxies by default; "<-loopback>" removes that
        # exemption, so http://127.0.0.1/ goes to the proxy (and is refused) too.
        "--proxy-bypass-list=<-loopback>",
        # Belt and braces: should anything bypass the proxy, Chromium cannot resolve names.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--disable-quic",
        "--disable-features=ServiceWorker,PrefetchPrivacyChanges,NetworkPrediction",
        "--dns-prefetch-disable",
    ]


def capture_page(
    url: str,
    staging: Path,
    *,
    chromium: str,
    locale: str = "fr-FR",
    timezone: str = "Europe/Paris",
    label: str = "page",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    cancel: threading.Event | None = None,
) -> PageCapture:
    """Capture ``url`` into ``staging`` (which must exist); blocking, thread-safe.

    Raises :class:`CaptureError` when the URL is refused before starting or Chromium
    cannot start, :class:`CaptureCancelled` when ``cancel`` is set.  A page that loads
    badly (404, a wall, a refused redirect) is *not* an error: it is captured as seen
    and its verdict says what it indicates.
    """
    problem = url_problem(url)
    if problem is not None:
        raise CaptureError("refused-url", problem)
    coro = _capture(url, staging, chromium, locale, timezone, label, timeout_s, cancel)
    return run_to_completion(coro, "abri-capture")


async def _guard(job: Awaitable[T], cancel: threading.Event | None) -> T:
    """Await ``job``, giving up at once when ``cancel`` is set."""
    task = asyncio.ensure_future(job)
    while not task.done():
        if cancel is not None and cancel.is_set():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            raise CaptureCancelled
        await asyncio.wait({task}, timeout=0.1)
    return task.result()


_HIDE_BANNERS = """(selectors) => {
  let hidden = 0;
  for (const selector of selectors) {
    let found = [];
    try { found = document.querySelectorAll(selector); } catch (e) { continue; }
    for (const element of found) {
      element.style.setProperty('display', 'none', 'important');
      hidden += 1;
    }
  }
  return hidden;
}"""

_PAGE_FACTS = """() => ({
  title: document.title || '',
  text: (document.body && document.body.innerText || '').slice(0, 50000),
  height: Math.max(document.documentElement.scrollHeight,
                   document.body ? document.body.scrollHeight : 0),
  width: Math.max(document.documentElement.scrollWidth,
                  document.body ? document.body.scrollWidth : 0),
  userAgent: navigator.userAgent,
})"""


async def _capture(
    url: str,
    staging: Path,
    chromium: str,
    locale: str,
    timezone: str,
    label: str,
    timeout_s: float,
    cancel: threading.Event | None,
) -> PageCapture:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    # Interrupted captures leave Playwright futures failing after nobody awaits them
    # ("Future exception was never retrieved"): every error that matters is handled
    # below, so the loop's own reports would only be tracebacks on the person's screen.
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
    started = datetime.now(UTC)
    profile = staging / f".profile-{label}"
    profile.mkdir(parents=True, exist_ok=True)
    prefix = "" if label == "page" else f"{label}-"
    files: list[StagedFile] = []
    facts: dict[str, Any] = {}
    manifest: dict[str, Any] = {
        "abri_version": __version__,
        "label": label,
        "requested_url": url,
        "started_at_utc": _iso(started),
        "locale": locale,
        "timezone": timezone,
        "viewport": VIEWPORT,
    }
    status: int | None = None
    final_url = url
    verdict, indicator, error = "loaded", "", ""
    received: dict[str, float] = {}
    held: list[str] = []
    proxy = FilteringProxy()
    proxy.start()
    try:
        async with async_playwright() as playwright:
            try:
                context = await playwright.chromium.launch_persistent_context(
                    str(profile),
                    executable_path=chromium,
                    headless=True,
                    args=launch_flags(proxy.url),
                    locale=locale,
                    timezone_id=timezone,
                    accept_downloads=False,
                    service_workers="block",
                    viewport=VIEWPORT,  # type: ignore[arg-type]
                    # Only when test fixtures are allowed through (self-signed HTTPS);
                    # the certificate seen is recorded either way.
                    ignore_https_errors=bool(allowed_pairs()),
                )
            except PlaywrightError as failure:
                raise CaptureError("browser", _first_line(failure)) from None
            try:
                page = context.pages[0] if context.pages else await context.new_page()
                page.set_default_timeout(timeout_s * 1000)

                main_responses: list[Any] = []

                def on_response(response: Any) -> None:
                    if response.request.is_navigation_request():
                        received[response.url] = time.time()
                        if response.frame == page.main_frame:
                            main_responses.append(response)

                page.on("response", on_response)
                # The page is the evidence: a script or a meta refresh may not take the
                # browser to another site (the attempt is recorded instead).
                await page.route("**/*", _hold_main_frame(page, held))
                response = None
                try:
                    response = await _guard(
                        page.goto(url, wait_until="load", timeout=timeout_s * 1000), cancel
                    )
                except PlaywrightError as failure:
                    text = _first_line(failure)
                    if "Download is starting" in text or "download" in text.lower():
                        verdict, indicator = "download", "the address starts a download"
                    elif "ERR_TUNNEL_CONNECTION_FAILED" in text or "ERR_PROXY" in text:
                        verdict, indicator = "refused", text
                    elif "Timeout" in text:
                        verdict, indicator = "failed", "timeout"
                    else:
                        verdict, indicator = "failed", text
                    error = text
                    if held and main_responses and verdict == "failed":
                        # A held navigation (another site) interrupted the wait for
                        # "load": the page asked for is there, capture it as loaded.
                        response = next(
                            (r for r in main_responses if not 300 <= r.status < 400),
                            main_responses[0],
                        )
                        verdict, indicator = "loaded", ""
                        with contextlib.suppress(PlaywrightError):
                            await _guard(page.wait_for_load_state("load", timeout=10_000), cancel)
                if response is not None:
                    with contextlib.suppress(PlaywrightError):
                        await _guard(page.wait_for_timeout(SETTLE_MS), cancel)
                    with contextlib.suppress(PlaywrightError):
                        await _guard(page.wait_for_load_state("load", timeout=10_000), cancel)
                    status = response.status
                    mark = response.headers.get("x-abri-proxy")
                    if mark == "refused":
                        verdict = "refused"
                    elif mark == "unreachable":
                        verdict, indicator = "failed", "unreachable"
                    manifest["redirect_chain"] = await _redirects(response)
                    manifest["main_response"] = {
                        "url": response.url,
                        "status": response.status,
                        "status_text": response.status_text,
                        "headers": await response.all_headers(),
                    }
                    _server_clock(manifest, response.headers.get("date"), received, response.url)
                    manifest["tls"] = await _tls(response, proxy)
                    # The final page: a JS redirect or meta refresh may have moved on.
                    final_url = page.url
                    if final_url != response.url:
                        manifest["moved_after_load_to"] = final_url
                if verdict not in ("download",):
                    facts = await _shoot(page, context, staging, prefix, files, cancel)
                version = await _browser_version(context, page)
                manifest["browser"] = version
            finally:
                with contextlib.suppress(Exception):
                    await context.close()
    finally:
        proxy.stop()
        shutil.rmtree(profile, ignore_errors=True)

    if verdict == "loaded":
        signal = read_page(facts.get("title", ""), facts.get("text", ""))
        if status is not None and status in (404, 410):
            verdict, indicator = "removed", f"HTTP {status}"
        elif signal.verdict:
            verdict, indicator = signal.verdict, signal.indicator
        elif status is not None and status >= 400:
            verdict, indicator = "http-error", f"HTTP {status}"
        else:
            indicator = f"HTTP {status}" if status is not None else ""
    if verdict == "refused" and proxy.log.refusals and not indicator:
        last = proxy.log.refusals[-1]
        indicator = f"refused by Abri: {last.host}:{last.port} ({last.reason})"
    host_port = _host_port(final_url)
    address = proxy.log.address_for(*host_port) if host_port else ""
    if not address and proxy.log.connections:
        address = proxy.log.connections[-1].address
    finished = datetime.now(UTC)
    refused = tuple(f"{r.host}:{r.port} {r.reason}" for r in proxy.log.refusals)
    manifest.update(
        {
            "final_url": final_url,
            "finished_at_utc": _iso(finished),
            "verdict": verdict,
            "indicator": indicator,
            "error": error,
            "ip_connected": address,
            "navigations_held": held,
            "connections": [
                {"host": c.host, "port": c.port, "address": c.address, "method": c.method}
                for c in proxy.log.connections
            ],
            "refused": [
                {"host": r.host, "port": r.port, "reason": r.reason, "detail": r.detail}
                for r in proxy.log.refusals
            ],
            "page": {
                "title": facts.get("title", ""),
                "height_px": facts.get("height"),
                "full_page_limit_px": FULL_PAGE_LIMIT_PX,
                "clipped": bool(facts.get("clipped")),
                "cookie_banners_hidden": facts.get("hidden", 0),
            },
            "artefacts": {
                item.path.name: {"role": item.role, "sha256": item.sha256, "bytes": item.bytes}
                for item in files
            },
            "notes": [
                "Times are this machine's clock in UTC; clock_skew_seconds is the server's "
                "Date header minus this clock when the page arrived (Date has 1 s resolution).",
                "viewport.png is the page as loaded; full-page.png has cookie banners hidden.",
                "A SHA-256 proves a file has not changed since the capture, not that the page "
                "was authentic.",
            ],
        }
    )
    manifest_path = staging / f"{prefix}capture.json"
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    files.append(_staged("manifest", manifest_path))
    return PageCapture(
        label=label,
        requested_url=url,
        final_url=final_url,
        started_at=started,
        finished_at=finished,
        http_status=status,
        verdict=verdict,
        indicator=indicator,
        address=address,
        files=tuple(files),
        error=error,
        refused=refused,
    )


def _hold_main_frame(page: Any, held: list[str]) -> Any:
    """A route handler that keeps the main frame on the site it was sent to.

    The first navigation (the address asked for, with its HTTP redirects, which
    routes do not see) goes ahead; later ones stay on the same origin (a login wall
    on the same site is part of what the page shows) or are answered ``204 No
    Content``, which leaves the page where it is (aborting would show an error page).
    """
    seen: list[str] = []

    async def handler(route: Any) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame == page.main_frame:
            if seen and _origin(request.url) != _origin(page.url):
                held.append(request.url[:2000])
                await route.fulfill(status=204, body="")
                return
            seen.append(request.url)
        await route.continue_()

    return handler


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return (parts.scheme, (parts.hostname or "").lower(), parts.port)
    except ValueError:
        return ("", url, None)


async def _shoot(
    page: Any,
    context: Any,
    staging: Path,
    prefix: str,
    files: list[StagedFile],
    cancel: threading.Event | None,
) -> dict[str, Any]:
    """Viewport shot, MHTML, then banners hidden and the (clipped) full page."""
    from playwright.async_api import Error as PlaywrightError

    facts: dict[str, Any] = {}
    with contextlib.suppress(PlaywrightError):
        facts = await _guard(page.evaluate(_PAGE_FACTS), cancel)
    viewport = staging / f"{prefix}viewport.png"
    with contextlib.suppress(PlaywrightError):
        await _guard(page.screenshot(path=str(viewport), animations="disabled"), cancel)
        files.append(_staged("viewport", viewport))
    archive = staging / f"{prefix}page.mhtml"
    with contextlib.suppress(PlaywrightError):
        session = await context.new_cdp_session(page)
        snapshot = await _guard(session.send("Page.captureSnapshot", {"format": "mhtml"}), cancel)
        archive.write_text(snapshot["data"], encoding="utf-8", newline="")
        files.append(_staged("archive", archive))
    with contextlib.suppress(PlaywrightError):
        facts["hidden"] = await page.evaluate(_HIDE_BANNERS, list(COOKIE_BANNER_SELECTORS))
    height = int(facts.get("height") or VIEWPORT["height"])
    width = max(int(facts.get("width") or VIEWPORT["width"]), VIEWPORT["width"])
    facts["clipped"] = height > FULL_PAGE_LIMIT_PX
    full = staging / f"{prefix}full-page.png"
    with contextlib.suppress(PlaywrightError):
        clip = {
            "x": 0,
            "y": 0,
            "width": min(width, 4000),
            "height": min(height, FULL_PAGE_LIMIT_PX),
        }
        await _guard(
            page.screenshot(path=str(full), full_page=True, clip=clip, animations="disabled"),
            cancel,
        )
        files.append(_staged("full-page", full))
    return facts


async def _redirects(response: Any) -> list[dict[str, Any]]:
    """Every hop before the final response: URL, status, ``Location``."""
    hops: list[dict[str, Any]] = []
    request = response.request.redirected_from
    while request is not None:
        hop = await request.response()
        hops.append(
            {
                "url": request.url,
                "status": hop.status if hop else None,
                "location": (hop.headers.get("location", "") if hop else ""),
            }
        )
        request = request.redirected_from
    hops.reverse()
    hops.append({"url": response.url, "status": response.status, "location": ""})
    return hops


def _server_clock(
    manifest: dict[str, Any], date: str | None, received: dict[str, float], url: str
) -> None:
    if not date:
        manifest["server_date"] = None
        return
    manifest["server_date"] = date
    try:
        server = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return
    local = received.get(url)
    if local is not None and server.tzinfo is not None:
        manifest["clock_skew_seconds"] = round(server.timestamp() - local, 1)


async def _tls(response: Any, proxy: FilteringProxy) -> dict[str, Any] | None:
    """The TLS facts: Chromium's view of the connection and the leaf certificate's SHA-256."""
    parts = urlsplit(response.url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    info: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        details = await response.security_details()
        if details:
            info.update(details)
    leaf = await asyncio.get_running_loop().run_in_executor(
        None, proxy.tls_leaf, parts.hostname, parts.port or 443
    )
    if leaf is not None:
        der, address = leaf
        info["leaf_sha256"] = leaf_sha256(der)
        info["leaf_der_base64"] = base64.b64encode(der).decode()
        info["leaf_from_address"] = address
        info["chain_note"] = (
            "Leaf certificate only, from a second handshake Abri made to the same address "
            "(not verified; recorded as presented)."
        )
    return info


async def _browser_version(context: Any, page: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    with contextlib.suppress(Exception):
        session = await context.new_cdp_session(page)
        version = await session.send("Browser.getVersion")
        out = {
            "product": str(version.get("product", "")),
            "revision": str(version.get("revision", "")),
            "user_agent": str(version.get("userAgent", "")),
        }
    if not out.get("user_agent"):
        with contextlib.suppress(Exception):
            out["user_agent"] = str(await page.evaluate("navigator.userAgent"))
    return out


def _host_port(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return (parts.hostname or "", port) if parts.hostname else None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:300]
