"""Loopback fixture servers for the capture tests: a "public" site and a "private" one.

The "public" site stands for the internet (its ``127.0.0.1:port`` is put in
``ABRI_CAPTURE_ALLOW``); the "private" one stands for the helper's router or
printer: every trick in the public site's pages aims at it, and its hit counter
must stay at zero.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[["FixtureServer", str], Reply]


@dataclass
class FixtureServer:
    """A running loopback HTTP server: its port, its routes and what it was asked."""

    port: int = 0
    routes: dict[str, Route | Reply | list[Reply]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pair(self) -> str:
        return f"127.0.0.1:{self.port}"

    def reply(self, path: str) -> Reply:
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is None:
            return 404, {"Content-Type": "text/html"}, b"<h1>not here</h1>"
        if isinstance(route, list):
            # A sequence: one reply per request, the last one repeated.
            return route.pop(0) if len(route) > 1 else route[0]
        if isinstance(route, tuple):
            return route
        return route(self, path)


@contextmanager
def serve(routes: dict[str, Route | Reply | list[Reply]] | None = None) -> Iterator[FixtureServer]:
    """Start a fixture server on 127.0.0.1 (a free port) for the duration of the block."""
    fixture = FixtureServer(routes=dict(routes or {}))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            fixture.hits.append(self.path)
            status, headers, body = fixture.reply(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET
        do_HEAD = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fixture.server = server
    fixture.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fixture
    finally:
        server.shutdown()
        server.server_close()


def html(body: str, status: int = 200, **headers: str) -> Reply:
    """An HTML reply."""
    return status, {"Content-Type": "text/html; charset=utf-8", **headers}, body.encode()


def json_reply(text: str | bytes, status: int = 200) -> Reply:
    """A JSON reply (the text is sent as is, so big integers stay exact)."""
    body = text.encode() if isinstance(text, str) else text
    return status, {"Content-Type": "application/json"}, body
