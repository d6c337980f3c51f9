"""Small HTTP fetches for look-ups and re-checks: through the filtering proxy, throttled.

* Every request goes through :class:`~tui.capture.proxy.FilteringProxy`, redirects
  included (urllib follows them, each hop is a new request the proxy checks).
* At most one request every :data:`MIN_INTERVAL_S` seconds per host
  (:class:`Throttle`); nothing runs in the background.
* Bodies are read up to a limit (:data:`MAX_BODY`); a larger body is reported as
  such, not half-parsed.
* ``ABRI_LOOKUP_BASE`` (``platform=base-url,...``) replaces the base address of a
  provider, so tests and anyone checking the tool can point them at a loopback
  fixture (:func:`base_for`).
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from tui import __version__
from tui.capture.proxy import FilteringProxy

LOOKUP_ENV = "ABRI_LOOKUP_BASE"
"""Environment variable: ``platform=base-url`` overrides, comma-separated."""

MIN_INTERVAL_S = 2.0
"""At most one request per host in this many seconds."""

MAX_BODY = 2 * 1024 * 1024
"""Look-up answers are small; anything larger than 2 MiB is not what was asked for."""

TIMEOUT_S = 20.0

USER_AGENT = f"Abri/{__version__} (evidence look-up; +https://github.com/abri)"


def lookup_bases(raw: str | None = None) -> dict[str, str]:
    """The ``platform -> base URL`` overrides of ``ABRI_LOOKUP_BASE`` (or ``raw``)."""
    text = os.environ.get(LOOKUP_ENV, "") if raw is None else raw
    out: dict[str, str] = {}
    for item in text.split(","):
        name, sep, base = item.partition("=")
        if sep and name.strip() and base.strip():
            out[name.strip().lower()] = base.strip().rstrip("/")
    return out


def base_for(name: str, default: str) -> str:
    """The base URL for provider ``name`` (``x``, ``x-embed``, ``bluesky``, ``mastodon``,
    ``page``): the override if one is set, else ``default``."""
    return lookup_bases().get(name, default.rstrip("/"))


@dataclass(frozen=True)
class Fetched:
    """One answer: status, headers (lowercased names), body (``b""`` when too large)."""

    url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    too_large: bool = False
    error: str = ""
    """Set when no HTTP answer came (refused, unreachable, timeout)."""
    refused: bool = False
    """True when the filtering proxy refused the address."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class Throttle:
    """Waits so that one host gets at most one request per ``interval`` seconds."""

    def __init__(self, interval: float = MIN_INTERVAL_S) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, cancel: threading.Event | None = None) -> None:
        """Block until ``host`` may be asked again, then mark it as asked now."""
        while True:
            with self._lock:
                now = time.monotonic()
                last = self._last.get(host)
                if last is None or now - last >= self.interval:
                    self._last[host] = now
                    return
                delay = self.interval - (now - last)
            if cancel is not None and cancel.wait(min(delay, 0.2)):
                raise InterruptedError("cancelled")
            if cancel is None:
                time.sleep(delay)


class Fetcher:
    """GET requests through a filtering proxy, throttled per host."""

    def __init__(
        self,
        proxy: FilteringProxy,
        throttle: Throttle | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.proxy = proxy
        self.throttle = throttle or Throttle()
        self.cancel = cancel
        handler = urllib.request.ProxyHandler({"http": proxy.url, "https": proxy.url})
        self._opener = urllib.request.build_opener(handler)

    def get(self, url: str, *, accept: str = "application/json") -> Fetched:
        """GET ``url``; never raises for HTTP or network trouble (see :class:`Fetched`)."""
        host = (urlsplit(url).hostname or "").lower()
        self.throttle.wait(host, self.cancel)
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": accept}, method="GET"
        )
        before = len(self.proxy.log.refusals)
        try:
            response = self._opener.open(request, timeout=TIMEOUT_S)
        except urllib.error.HTTPError as error:
            refused = (
                error.headers.get("x-abri-proxy") == "refused"
                and len(self.proxy.log.refusals) > before
            )
            if refused:
                last = self.proxy.log.refusals[-1]
                return Fetched(url, None, {}, b"", error=last.reason, refused=True)
            if error.headers.get("x-abri-proxy") == "unreachable":
                return Fetched(url, None, {}, b"", error="unreachable")
            return _read(url, error.code, error.headers, error)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            refused = len(self.proxy.log.refusals) > before
            text = self.proxy.log.refusals[-1].reason if refused else str(reason)
            return Fetched(url, None, {}, b"", error=text[:200], refused=refused)
        with response:
            return _read(response.geturl(), response.status, response.headers, response)


def _read(url: str, status: int, headers: object, stream: object) -> Fetched:
    names = {k.lower(): v for k, v in headers.items()}  # type: ignore[attr-defined]
    try:
        body = stream.read(MAX_BODY + 1)  # type: ignore[attr-defined]
    except (OSError, ValueError) as error:
        return Fetched(url, status, names, b"", error=str(error)[:200])
    if len(body) > MAX_BODY:
        return Fetched(url, status, names, b"", too_large=True)
    return Fetched(url, status, names, body)
