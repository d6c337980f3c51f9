"""Real captures with the system's headless Chromium against loopback fixture servers.

The "public" fixture is let through with ``ABRI_CAPTURE_ALLOW``; the "private" one
stands for the helper's router: every trick below aims at it and its hit counter
must stay at zero.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from tests.capture.servers import FixtureServer, html, serve
from tui.capture.browser import FULL_PAGE_LIMIT_PX, CaptureError, PageCapture, capture_page
from tui.export.pdf_writer import find_chromium

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (chromium-headless-shell)"),
]

BANNER = (
    '<div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;'
    'height:150px;background:rgb(255,200,0)">We use cookies</div>'
)


@pytest.fixture
def sites(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FixtureServer, FixtureServer]]:
    with serve({"/": html("private")}) as private, serve() as public:
        monkeypatch.setenv("ABRI_CAPTURE_ALLOW", public.pair)
        yield public, private


def _capture(url: str, tmp_path: Path, name: str) -> tuple[PageCapture, dict]:
    staging = tmp_path / name
    staging.mkdir()
    assert CHROMIUM is not None
    result = capture_page(url, staging, chromium=CHROMIUM, timeout_s=20)
    manifest = json.loads((staging / "capture.json").read_text())
    return result, manifest


def test_the_private_server_sees_nothing_through_any_trick(
    sites: tuple[FixtureServer, FixtureServer], tmp_path: Path
) -> None:
    public, private = sites
    q = private.port
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-7731")
    public.routes["/tricks"] = html(
        f"""<title>tricks</title><h1>post</h1>
        <img src="http://127.0.0.1:{q}/img">
        <img src="http://2130706433:{q}/decimal"> <img src="http://0x7f000001:{q}/hex">
        <img src="http://[::ffff:127.0.0.1]:{q}/mapped"> <img src="http://localhost:{q}/name">
        <iframe src="file://{secret}"></iframe> <iframe src="http://127.0.0.1:{q}/frame"></iframe>
        <link rel="prefetch" href="http://127.0.0.1:{q}/prefetch">
        <script>
          fetch("http://127.0.0.1:{q}/fetch").catch(() => {{}});
          try {{ new WebSocket("ws://127.0.0.1:{q}/ws"); }} catch (e) {{}}
          navigator.sendBeacon("http://127.0.0.1:{q}/beacon", "x");
          setTimeout(() => {{ location.href = "http://127.0.0.1:{q}/js-redirect"; }}, 200);
        </script>"""
    )
    public.routes["/302"] = (302, {"Location": f"http://127.0.0.1:{q}/302"}, b"")
    public.routes["/meta"] = html(
        f'<meta http-equiv="refresh" content="0;url=http://127.0.0.1:{q}/meta"><p>moving</p>'
    )
    tricks, manifest = _capture(f"{public.base}/tricks", tmp_path, "tricks")
    redirect, redirect_manifest = _capture(f"{public.base}/302", tmp_path, "302")
    meta, meta_manifest = _capture(f"{public.base}/meta", tmp_path, "meta")
    assert private.hits == []
    assert "SECRET-MARKER" not in (tmp_path / "tricks" / "page.mhtml").read_text()
    # Chromium writes 2130706433 and 0x7f000001 as 127.0.0.1 before asking the proxy,
    # so every trick arrives as a loopback address and is refused as such.
    assert {item["reason"] for item in manifest["refused"]} == {"not-public-address"}
    # The script's redirect was held: the capture shows the post, not where it wanted to go.
    assert tricks.final_url == f"{public.base}/tricks", manifest["error"]
    assert tricks.verdict == "loaded", manifest["error"]
    assert manifest["navigations_held"] == [f"http://127.0.0.1:{q}/js-redirect"]
    assert redirect.verdict == "refused"
    assert [hop["status"] for hop in redirect_manifest["redirect_chain"]] == [302, 403]
    assert redirect.refused
    assert meta_manifest["navigations_held"] == [f"http://127.0.0.1:{q}/meta"]
    assert meta.final_url == f"{public.base}/meta"


def test_artefacts_banner_hidden_only_in_the_clean_shot_and_tall_page_clipped(
    sites: tuple[FixtureServer, FixtureServer], tmp_path: Path
) -> None:
    public, _ = sites
    public.routes["/tall"] = html(
        f'<title>A post</title><body style="margin:0">{BANNER}'
        '<div style="height:40000px;background:linear-gradient(white,rgb(0,0,255))">'
        "<h1>hostile text</h1></div></body>"
    )
    result, manifest = _capture(f"{public.base}/tall", tmp_path, "tall")
    folder = tmp_path / "tall"
    assert result.verdict == "loaded" and result.http_status == 200
    assert {f.role for f in result.files} == {"viewport", "full-page", "archive", "manifest"}
    for name, facts in manifest["artefacts"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == facts["sha256"]
    with Image.open(folder / "viewport.png") as shot:
        assert shot.size == (1280, 800)
        assert shot.convert("RGB").getpixel((640, 760)) == (255, 200, 0)  # banner as loaded
    with Image.open(folder / "full-page.png") as full:
        assert full.size[1] == FULL_PAGE_LIMIT_PX
        assert full.convert("RGB").getpixel((640, 760))[:2] != (255, 200)  # banner hidden
    assert manifest["page"]["clipped"] is True and manifest["page"]["height_px"] >= 40000
    assert manifest["page"]["cookie_banners_hidden"] >= 1
    assert manifest["main_response"]["headers"]["content-type"].startswith("text/html")
    assert manifest["server_date"] and -3 < manifest["clock_skew_seconds"] < 3
    assert manifest["ip_connected"] == "127.0.0.1"
    assert manifest["browser"]["product"].startswith("HeadlessChrome/")
    assert manifest["started_at_utc"].endswith("Z") and manifest["timezone"] == "Europe/Paris"
    assert "Content-Location" in (folder / "page.mhtml").read_text()[:2000]


def test_walls_gone_pages_and_downloads_are_named(
    sites: tuple[FixtureServer, FixtureServer], tmp_path: Path
) -> None:
    public, _ = sites
    public.routes["/login"] = html("<title>Log in</title><p>Log in to see this post.</p>")
    public.routes["/bot"] = html("<title>Just a moment...</title><p>Checking your browser</p>")
    public.routes["/gone"] = html("<p>Hmm... this page doesn't exist.</p>", 404)
    public.routes["/file"] = (
        200,
        {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; x.exe"},
        b"MZ" * 1000,
    )
    public.routes["/post"] = html('<script>location.replace("/login")</script><p>wait</p>')
    login, _ = _capture(f"{public.base}/post", tmp_path, "login")
    bot, _ = _capture(f"{public.base}/bot", tmp_path, "bot")
    gone, _ = _capture(f"{public.base}/gone", tmp_path, "gone")
    download, _ = _capture(f"{public.base}/file", tmp_path, "file")
    assert (login.verdict, bot.verdict) == ("login-wall", "bot-check")
    # A same-site redirect to a login page is followed: the wall is what the page shows.
    assert login.final_url == f"{public.base}/login"
    assert login.file("viewport") is not None  # what was seen is kept
    assert (gone.verdict, gone.indicator) == ("removed", "HTTP 404")
    assert download.verdict == "download"
    assert sorted(p.name for p in (tmp_path / "file").iterdir()) == ["capture.json"]


def test_other_schemes_are_refused_before_any_browser_starts(tmp_path: Path) -> None:
    for url in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,x"):
        with pytest.raises(CaptureError):
            capture_page(url, tmp_path, chromium="/nonexistent/chromium")


def test_self_signed_https_records_the_leaf_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=fixture.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = b"<title>tls</title><p>over TLS</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv("ABRI_CAPTURE_ALLOW", f"127.0.0.1:{port}")
    try:
        result, manifest = _capture(f"https://127.0.0.1:{port}/", tmp_path, "tls")
    finally:
        server.shutdown()
        server.server_close()
    assert result.verdict == "loaded"
    assert manifest["tls"]["leaf_sha256"] == hashlib.sha256(der).hexdigest()
    assert manifest["tls"]["leaf_from_address"] == "127.0.0.1"
    assert manifest["connections"][0]["method"] == "CONNECT"
