"""``abri capture c.toml --all`` against the loopback "internet": the issue's "done when"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.capture import fixtures as F
from tests.capture.servers import html, json_reply, serve
from tui.core.store import CaseFile
from tui.export.pdf_writer import find_chromium


def _abri(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_capture_without_entries_says_which(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    env = dict(os.environ)
    assert _abri("new", str(path), "--lang", "en", env=env).returncode == 0
    done = _abri("capture", str(path), env=env)
    assert done.returncode == 2
    assert "Say which entries to capture" in done.stderr
    done = _abri("capture", str(path), "E0042", env=env)
    assert done.returncode == 2 and "No such entry in this case: E0042." in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (chromium-headless-shell)")
def test_capture_all_fills_screenshots_archive_capture_time_and_account_ids(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.toml"
    page = F.POST_PAGE.format
    routes = {
        f"/someone/status/{F.X_ID}": html(page(title="X post", text="you will regret this")),
        f"/profile/alice.bsky.social/post/{F.BSKY_RKEY}": html(page(title="B", text="insult")),
        f"/@bob/{F.MASTO_ID}": html(page(title="M", text="toot")),
        "/embed/Tweet.html": html("<blockquote>embedded: you will regret this</blockquote>"),
        "/tweet-result": json_reply(F.X_FOUND),
        "/xrpc/app.bsky.feed.getPostThread": json_reply(F.BSKY_FOUND),
        f"/api/v1/statuses/{F.MASTO_ID}": json_reply(F.MASTO_FOUND),
    }
    with serve({"/": html("private")}) as private, serve(routes) as site:
        bases = ",".join(
            f"{k}={site.base}" for k in ("page", "x", "x-embed", "bluesky", "mastodon")
        )
        env = dict(os.environ, ABRI_CAPTURE_ALLOW=site.pair, ABRI_LOOKUP_BASE=bases)
        assert _abri("new", str(path), "--lang", "en", env=env).returncode == 0
        for url in (F.X_URL, F.BSKY_URL, F.MASTO_URL):
            assert _abri("add", str(path), "--url", url, env=env).returncode == 0
        done = _abri("capture", str(path), "--all", env=env)
        # A re-check that finds the post online can add a fresh snapshot.
        again = _abri("recheck", str(path), "E0002", "--snapshot", env=env)
        assert private.hits == []
    assert again.returncode == 0, again.stderr
    # No asyncio traceback from the proxy's shutdown (it came one run in two).
    assert "Traceback" not in done.stderr and "Traceback" not in again.stderr
    assert "CancelledError" not in done.stderr + again.stderr
    assert "E0002: online, according to Bluesky's answer" in again.stdout
    assert "threadViewPost" not in again.stdout  # the platform's field name stays in the record
    assert done.returncode == 0, done.stderr
    assert "3 entries captured, of 3." in done.stdout
    assert "ABRI_CAPTURE_ALLOW is set" in done.stderr
    case = CaseFile.open(path).case
    x, bsky, masto = case.evidence
    assert (x.account_id, bsky.account_id, masto.account_id) == (
        F.X_USER_ID,
        F.BSKY_DID,
        F.MASTO_ACCOUNT,
    )
    assert [c.label for c in x.captures] == ["page", "embed"]
    assert len(bsky.captures) == 2 and [c.result for c in bsky.checks] == ["online"]
    assert len(bsky.lookups) == 1  # the snapshot does not look the post up again
    for entry in case.evidence:
        assert entry.posted_at_source == "post-id"  # never replaced by the capture time
        capture = entry.captures[0]
        assert capture.verdict == "loaded" and capture.http_status == 200
        names = {a.original_name for a in entry.attachments}
        assert {"viewport.png", "full-page.png", "page.mhtml", "capture.json"} <= names
        by_hash = {a.sha256: a for a in entry.attachments}
        for record in entry.captures:
            for name in record.files:
                attachment = by_hash[name]
                if attachment.path.endswith((".png", ".mhtml")):
                    # A later capture with identical bytes reuses the file (first seen).
                    assert attachment.taken_at is not None and attachment.taken_at <= record.at
                    assert attachment.taken_at_source == "capture"
        first = entry.captures[0]
        shots = [by_hash[n] for n in first.files if by_hash[n].path.endswith(".png")]
        assert len(shots) == 2 and all(a.taken_at == first.at for a in shots)
        assert entry.lookups[0].outcome == "found" and entry.lookups[0].raw
    # Every artefact is checked by abri check and listed in the bundle's SHA256SUMS.
    assert _abri("check", str(path), env=env).returncode == 0
    out = tmp_path / "out"
    exported = _abri("export", str(path), "--format", "zip", "--output", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    [bundle] = out.glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        sums = archive.read("SHA256SUMS").decode()
        names = archive.namelist()
    for entry in case.evidence:
        for attachment in entry.attachments:
            assert f"{attachment.sha256}  {attachment.path}\n" in sums
    assert not any("/.capture-" in name for name in names)
    assert not [p for p in (tmp_path / "c-files").iterdir() if p.name.startswith(".capture-")]


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (chromium-headless-shell)")
def test_a_french_capture_reports_in_french_words_and_typography(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    routes = {
        f"/someone/status/{F.X_ID}": html(F.POST_PAGE.format(title="X", text="menace")),
        "/embed/Tweet.html": html("<blockquote>menace</blockquote>"),
        "/tweet-result": json_reply(F.X_FOUND),
    }
    with serve(routes) as site:
        bases = ",".join(f"{k}={site.base}" for k in ("page", "x", "x-embed"))
        env = dict(os.environ, ABRI_CAPTURE_ALLOW=site.pair, ABRI_LOOKUP_BASE=bases)
        assert _abri("new", str(path), "--lang", "fr", env=env).returncode == 0
        assert _abri("add", str(path), "--url", F.X_URL, env=env).returncode == 0
        done = _abri("capture", str(path), "--all", env=env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    nbsp = "\u00a0"
    # "version intégrée : chargée": French words, French spacing, and the genders agree.
    assert f"  version intégrée{nbsp}: chargée (HTTP 200), capturée le " in out, out
    assert "(embed)" not in out and "(-)" not in out
    assert re.search(r" en \d+,\d s\n", out), out  # the decimal comma
    assert f"  interrogation de la plateforme{nbsp}: trouvée, d’après la réponse de X\n" in out
    assert "x-syndication" not in out
    assert "Traceback" not in done.stderr


def test_a_browser_that_cannot_start_is_said_in_french(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    env = dict(os.environ)
    assert _abri("new", str(path), "--lang", "fr", env=env).returncode == 0
    assert _abri("add", str(path), "--url", F.X_URL, env=env).returncode == 0
    done = _abri("capture", str(path), "--all", "--chromium", "/bin/false", env=env)
    assert done.returncode == 1
    assert "E0001\u00a0: pas capturée (le navigateur n’a pas pu démarrer\u00a0: " in done.stderr
    assert "browser:" not in done.stderr and "Traceback" not in done.stderr
