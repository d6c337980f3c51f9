"""``abri CASE`` starts the full-screen app in a real terminal and quits cleanly on ctrl+q."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

from tests.cli.conftest import app_in_pty
from tui.cli import main


def _read_until(master: int, wanted: bytes, timeout: float) -> bytes:
    """Everything the program wrote until ``wanted`` appears (or the time is up)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


def test_abri_case_opens_the_app_and_ctrl_q_quits(tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    with app_in_pty(case) as (master, process):
        # The calm steps are the first screen; its footer offers "^q Quick exit".
        shown = _read_until(master, b"Quick exit", timeout=30)
        assert b"Quick exit" in shown, shown[-500:]
        os.write(master, b"\x11")  # ctrl+q
        code = process.wait(timeout=30)
    assert code == 0
    # Quitting saved nothing unexpected and left the case readable.
    assert main(["check", str(case)]) == 0
