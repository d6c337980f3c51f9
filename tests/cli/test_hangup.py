"""An SSH link that drops (SIGHUP) or a system shutdown (SIGTERM) loses nothing typed.

Python's default for both signals ended the app on the spot: the last keystrokes of a
form (its draft is written 0.7 s after the last key) were lost, and the "open" marker
stayed behind, so the next opening spoke of another Abri.  The app runs in a real
pseudo-terminal, as over SSH; the signal comes right after a burst of keys.
"""

from __future__ import annotations

import os
import signal
import time
import tomllib
from pathlib import Path

import pytest

from tests.cli.conftest import app_in_pty
from tests.cli.test_open_app import _read_until
from tui.cli import main

URL = "https://x.com/calm/status/2124858508309552666"


def _draft(case: Path) -> dict[str, object]:
    data = tomllib.loads(case.read_text(encoding="utf-8"))
    draft = data.get("drafts", {}).get("new", {})
    return dict(draft.get("fields", {})) if isinstance(draft, dict) else {}


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hang_up_keeps_the_form_just_typed_and_releases_the_case(
    tmp_path: Path, number: signal.Signals
) -> None:
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    marker = tmp_path / ".c.toml.open"
    with app_in_pty(case) as (master, process):
        assert b"All actions" in _read_until(master, b"All actions", timeout=30)
        assert marker.exists()
        os.write(master, b"\x1bOR")  # f3
        _read_until(master, b"add", timeout=10)
        os.write(master, b"a")
        _read_until(master, b"URL", timeout=10)
        os.write(master, URL.encode() + b"\t\t\t\t\tpseudo_rapide")  # one burst
        _read_until(master, b"rapide", timeout=10)  # on screen: typed, no draft yet
        assert _draft(case) == {}
        os.kill(process.pid, number)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            _read_until(master, b"\x00", timeout=0.2)  # keep the terminal drained
        assert process.poll() is not None, "the app did not leave"
    draft = _draft(case)
    assert draft.get("url") == URL
    assert draft.get("handle") == "pseudo_rapide"
    assert not marker.exists()
