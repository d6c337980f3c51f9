"""Abri's filtering proxy: the browser and the lookups reach the web only through it.

Playwright's ``route()`` does not see redirect hops, sub-resources started by a
service worker, or hosts resolved by Chromium itself, so the rule "only public
internet addresses" is enforced *below* the browser: Chromium is started with
``--proxy-server`` pointing at this proxy on loopback (and with its loopback
bypass switched off), and this proxy

* reads the target of every request (``GET http://host/...`` or ``CONNECT host:443``),
* resolves the name itself and keeps only public addresses
  (:func:`tui.capture.policy.resolve_checked`),
* connects to **the address it checked** (no second resolution, so no DNS rebinding),
* refuses anything else with ``403`` and remembers the refusal (host, port, reason),
  which goes into ``capture.json``.

Plain HTTP requests are forwarded one per connection (``Connection: close``), so a
kept-alive connection can never carry a second request to another host unchecked.
HTTPS is tunnelled (``CONNECT``); the proxy never sees inside it.  For the record,
:meth:`FilteringProxy.tls_leaf` opens its own TLS handshake to the same checked
address and returns the certificate it was given.

The proxy runs an asyncio loop in one daemon thread, so it works the same under the
CLI, a Textual worker thread and pytest.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.capture.policy import Refused, Target, resolve_checked

_HEADER_LIMIT = 64 * 1024
_CONNECT_TIMEOUT = 15.0
_IDLE_TIMEOUT = 60.0


@dataclass(frozen=True)
class Connection:
    """One connection the proxy made on the browser's behalf."""

    host: str
    port: int
    address: str
    """The IP address actually connected to (the checked one)."""
    method: str
    """``CONNECT`` for HTTPS tunnels, else the HTTP method."""
    at: float
    """``time.time()`` when it was opened."""


@dataclass(frozen=True)
class Refusal:
    """One request the proxy refused."""

    host: str
    port: int
    reason: str
    """``not-public-address``, ``port``, ``numeric-host-form``, ``bad-host``, ``unresolvable``..."""
    detail: str
    at: float


@dataclass
class ProxyLog:
    """What went through (and what did not), in order."""

    connections: list[Connection] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    def address_for(self, host: str, port: int) -> str:
        """The last address connected to for ``host:port`` ("" if none)."""
        host = host.lower()
        for item in reversed(self.connections):
            if item.host == host and item.port == port:
                return item.address
        return ""


class FilteringProxy:
    """An HTTP/HTTPS proxy on ``127.0.0.1`` that lets only public destinations through.

    Use as a context manager::

        with FilteringProxy() as proxy:
            ... proxy.url ...   # "http://127.0.0.1:<port>"

    ``allow`` overrides ``ABRI_CAPTURE_ALLOW`` (a set of ``(host, port)``).
    """

    def __init__(self, allow: Iterable[tuple[str, int]] | None = None) -> None:
        self.allow = None if allow is None else frozenset(allow)
        self.log = ProxyLog()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._targets: dict[tuple[str, int], Target] = {}
        self.port = 0

    # -- life cycle ----------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, for ``--proxy-server`` and urllib."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FilteringProxy:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on a free loopback port (returns once listening)."""
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._handle, "127.0.0.1", 0, limit=_HEADER_LIMIT)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as error:  # reported to the starting thread
                errors.append(error)
                self._ready.set()
                return
            self._ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                with contextlib.suppress(Exception):
                    loop.run_until_complete(self._server.wait_closed())
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                with contextlib.suppress(Exception):
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, name="abri-proxy", daemon=True)
        self._thread.start()
        self._ready.wait()
        if errors:
            raise errors[0]

    def stop(self) -> None:
        """Stop listening and close every tunnel."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop = None

    # -- checks --------------------------------------------------------------

    def check(self, host: str, port: int) -> Target:
        """Resolve and check ``host:port`` (raises :class:`Refused`); remember the result."""
        target = resolve_checked(host, port, allow=self.allow)
        with self._lock:
            self._targets[(target.host, port)] = target
        return target

    def _refuse(self, host: str, port: int, error: Refused) -> None:
        with self._lock:
            self.log.refusals.append(Refusal(host, port, error.reason, error.detail, time.time()))

    def _connected(self, target: Target, address: str, method: str) -> None:
        with self._lock:
            self.log.connections.append(
                Connection(target.host, target.port, address, method, time.time())
            )

    def tls_leaf(self, host: str, port: int = 443) -> tuple[bytes, str] | None:
        """The leaf certificate (DER) that ``host:port`` presents, and the address asked.

        Connects to the address checked and used for the capture (never a fresh DNS
        answer).  The certificate is *not* verified: it is recorded as it was seen,
        whatever it is.  None when no TLS handshake could be made.
        """
        address = self.log.address_for(host, port)
        if not address:
            try:
                address = self.check(host, port).addresses[0]
            except Refused:
                return None
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            with (
                socket.create_connection((address, port), timeout=_CONNECT_TIMEOUT) as raw,
                context.wrap_socket(raw, server_hostname=host) as tls,
            ):
                der = tls.getpeercert(binary_form=True)
        except (OSError, ssl.SSLError):
            return None
        return (der, address) if der else None

    # -- the protocol ----------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Only :meth:`stop` cancels a connection's task, and for it that is the normal end,
        # wherever it lands (a pipe, the close below).  The task must not end *cancelled*:
        # Python 3.11's start_server callback calls ``task.exception()`` on it, which
        # raises, and asyncio printed that as a "CancelledError" traceback on stderr (one
        # run in two, when a tunnel's answer had just ended as the capture finished).
        try:
            await self._serve_then_close(reader, writer)
        except asyncio.CancelledError:
            writer.close()

    async def _serve_then_close(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await self._serve(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _IDLE_TIMEOUT)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            await _answer(writer, 400, "bad request line")
            return
        method, target_text, version = parts
        if method.upper() == "CONNECT":
            host, port = _split_host_port(target_text, 443)
            upstream = await self._open(host, port, writer, "CONNECT")
            if upstream is None:
                return
            up_reader, up_writer = upstream
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await _pipe_both(reader, writer, up_reader, up_writer)
            return
        if not target_text.lower().startswith("http://"):
            # Only absolute http:// targets: a proxy is never asked for a path alone.
            await _answer(writer, 400, "absolute http URL expected")
            return
        rest = target_text[len("http://") :]
        authority, slash, path = rest.partition("/")
        authority = authority.rsplit("@", 1)[-1]
        host, port = _split_host_port(authority, 80)
        path = "/" + path if slash else "/"
        upstream = await self._open(host, port, writer, method)
        if upstream is None:
            return
        up_reader, up_writer = upstream
        headers = [
            line
            for line in lines[1:]
            if line
            and line.split(":", 1)[0].strip().lower()
            not in ("proxy-connection", "connection", "keep-alive", "proxy-authorization")
        ]
        request = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
        up_writer.write(request.encode("latin-1"))
        await up_writer.drain()
        await _pipe_both(reader, writer, up_reader, up_writer)

    async def _open(
        self, host: str, port: int, writer: asyncio.StreamWriter, method: str
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        loop = asyncio.get_running_loop()
        try:
            target = await loop.run_in_executor(None, self.check, host, port)
        except Refused as error:
            self._refuse(host, port, error)
            await _answer(writer, 403, f"refused by Abri: {error.reason}")
            return None
        last: OSError | None = None
        for address in target.addresses:
            try:
                opened = await asyncio.wait_for(
                    asyncio.open_connection(address, port, limit=_HEADER_LIMIT), _CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError) as error:
                last = error if isinstance(error, OSError) else OSError(str(error))
                continue
            self._connected(target, address, method)
            return opened
        await _answer(writer, 502, f"cannot connect: {last}")
        return None


def _split_host_port(authority: str, default: int) -> tuple[str, int]:
    """``host:port`` / ``[v6]:port`` / ``host`` -> (host, port); a bad port is -1."""
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif authority.count(":") == 1:
        host, port_text = authority.split(":")
    else:
        host, port_text = authority, ""
    if not port_text:
        return host, default
    return host, int(port_text) if port_text.isdigit() and int(port_text) < 65536 else -1


async def _answer(writer: asyncio.StreamWriter, status: int, text: str) -> None:
    """Abri's own answer, marked ``X-Abri-Proxy: refused`` (403) or ``unreachable`` (502)."""
    mark = "unreachable" if status == 502 else "refused"
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}.get(status, "Error")
    body = (text + "\n").encode("utf-8", "replace")
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nX-Abri-Proxy: {mark}\r\n"
        "Connection: close\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(OSError):
        await writer.drain()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), _IDLE_TIMEOUT)
            if not chunk:
                break
            writer.write(chunk)
            await writer.drain()
    except (OSError, TimeoutError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        down = asyncio.ensure_future(_pipe(up_reader, writer))
        up = asyncio.ensure_future(_pipe(reader, up_writer))
        # The response ending (server closed) ends the exchange; the browser's side may
        # stay open forever on a kept-alive connection.
        await down
        up.cancel()
        with contextlib.suppress(BaseException):
            await up
    finally:
        up_writer.close()
        with contextlib.suppress(Exception):
            await up_writer.wait_closed()


def leaf_sha256(der: bytes) -> str:
    """SHA-256 (hex) of a DER certificate, the fingerprint browsers show."""
    return hashlib.sha256(der).hexdigest()
