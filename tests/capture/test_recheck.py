"""``abri recheck``: the fixture's sequence online -> tombstone -> 404 -> 429, and page phrases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.capture import fixtures as F
from tests.capture.servers import html, json_reply, serve
from tui.capture.fetch import Fetcher, Throttle
from tui.capture.proxy import FilteringProxy
from tui.capture.recheck import recheck_entry
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile


def _abri(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_recheck_records_online_then_tombstone_then_404_then_429(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    entry = Evidence(id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID)
    path = tmp_path / "c.toml"
    CaseFile.create(path, Case(title="t", language="en", evidence=[entry])).close()
    sequence = [
        json_reply(F.X_FOUND),
        json_reply(F.X_TOMBSTONE),
        json_reply("", 404),
        json_reply("{}", 429),
    ]
    with serve({"/tweet-result": sequence}) as site:
        env = dict(os.environ, ABRI_CAPTURE_ALLOW=site.pair, ABRI_LOOKUP_BASE=f"x={site.base}")
        outputs = [_abri("recheck", str(path), env=env) for _ in range(4)]
    assert [out.returncode for out in outputs] == [0, 0, 0, 0]
    assert "ABRI_CAPTURE_ALLOW is set" in outputs[0].stderr
    # Said in words; the raw method and field ("x-syndication", "post") stay in the record.
    assert "1/1 E0001: online, according to X's answer\n" in outputs[0].stdout
    assert "1/1 E0001: removed, according to X's answer\n" in outputs[1].stdout
    assert "1/1 E0001: removed, according to X's answer (HTTP 404)\n" in outputs[2].stdout
    checks = CaseFile.open(path).case.evidence[0].checks
    assert [(c.result, c.http_status, c.indicator) for c in checks] == [
        ("online", 200, "post"),
        ("removed", 200, "tombstone"),
        ("removed", 404, "HTTP 404"),
        ("rate-limited", 429, "HTTP 429"),
    ]
    assert all(c.method == "x-syndication" for c in checks)
    assert checks[0].at < checks[1].at < checks[2].at < checks[3].at


def test_a_french_recheck_says_where_the_answer_came_from_in_french(tmp_path: Path) -> None:
    import os

    entry = Evidence(id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID)
    path = tmp_path / "c.toml"
    CaseFile.create(path, Case(title="t", language="fr", evidence=[entry])).close()
    with serve({"/tweet-result": json_reply(F.X_FOUND)}) as site:
        env = dict(os.environ, ABRI_CAPTURE_ALLOW=site.pair, ABRI_LOOKUP_BASE=f"x={site.base}")
        out = _abri("recheck", str(path), env=env)
    assert out.returncode == 0, out.stderr
    assert "1/1 E0001\u00a0: en ligne, d’après la réponse de X\n" in out.stdout
    assert "x-syndication" not in out.stdout and "(post)" not in out.stdout


@pytest.mark.parametrize(
    ("reply", "result"),
    [
        (html("<title>Post</title><p>hello</p>"), "online"),
        (html("<title>Instagram</title><p>Log in to see photos</p>"), "login-wall"),
        (html("<title>Just a moment...</title>"), "bot-check"),
        (html("<p>Sorry, this page isn't available.</p>"), "removed"),
        (html("<p>Ce compte a été suspendu.</p>"), "account-suspended"),
        (html("gone", 410), "removed"),
        (html("slow", 429), "rate-limited"),
    ],
)
def test_page_check_uses_status_then_phrases(
    reply: tuple[int, dict[str, str], bytes], result: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve({"/p/ABCDEF": reply}) as site:
        monkeypatch.setenv("ABRI_CAPTURE_ALLOW", site.pair)
        monkeypatch.setenv("ABRI_LOOKUP_BASE", f"page={site.base}")
        entry = Evidence(id="E0001", url="https://example.org/p/ABCDEF", platform="")
        with FilteringProxy() as proxy:
            check = recheck_entry(entry, Fetcher(proxy, Throttle(0)))
    assert check.result == result
    assert check.method == "page"


def test_unreachable_is_a_network_error_not_a_removal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABRI_LOOKUP_BASE", "page=http://127.0.0.1:9")
    monkeypatch.setenv("ABRI_CAPTURE_ALLOW", "127.0.0.1:9")
    entry = Evidence(id="E0001", url="https://example.org/p/1")
    with FilteringProxy() as proxy:
        check = recheck_entry(entry, Fetcher(proxy, Throttle(0)))
    assert check.result == "network-error"


def test_a_network_error_does_not_claim_the_platform_answered(tmp_path: Path) -> None:
    import os
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = Evidence(id="E0001", url=F.X_URL, platform="x", post_id=F.X_ID)
    path = tmp_path / "c.toml"
    CaseFile.create(path, Case(title="t", language="fr", evidence=[entry])).close()
    env = dict(
        os.environ,
        ABRI_CAPTURE_ALLOW=f"127.0.0.1:{port}",
        ABRI_LOOKUP_BASE=f"x=http://127.0.0.1:{port}",
    )
    out = _abri("recheck", str(path), env=env)
    assert out.returncode == 0, out.stderr
    assert "1/1 E0001\u00a0: erreur réseau, sans réponse de la plateforme" in out.stdout, out.stdout
    assert "d’après la réponse" not in out.stdout
