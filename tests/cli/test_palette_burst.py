"""A command picked in the palette gets the keys typed after it, in one burst.

A trial typed ``ctrl+p``, "open another", enter, enter quickly over a real terminal
from a calm step: the first enter picked the command, the second reached the
palette's input while the palette was closing, came back to the app as a binding
of the screen behind, and marked the calm step done (journalled).  The app runs in
a pseudo-terminal and gets the whole burst in one write.
"""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path

import pytest

from tests.cli.conftest import app_in_pty
from tests.cli.test_open_app import _read_until
from tui.cli import main


def test_enter_after_a_palette_command_goes_to_the_screen_it_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CONFIG", "DATA", "STATE", "MEDIA"):
        folder = "MEDIA_DIRS" if name == "MEDIA" else f"{name}_DIR"
        monkeypatch.setenv(f"ABRI_{folder}", str(tmp_path / name.lower()))
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    with app_in_pty(case) as (master, process):
        assert b"Quick exit" in _read_until(master, b"Quick exit", timeout=30)
        os.write(master, b"\r")  # welcome -> the first step
        assert b"Step 1" in _read_until(master, b"Step 1", timeout=10)
        time.sleep(0.3)
        os.write(master, b"\x10open another\r\r")  # ctrl+p ... in one burst
        shown = _read_until(master, b"Open a case", timeout=10)
        assert b"Open a case" in shown
        _read_until(master, b"\x00", timeout=1.0)  # whatever the second enter did
        os.write(master, b"\x1b")  # escape: back to the steps
        _read_until(master, b"\x00", timeout=0.5)
        os.write(master, b"\x11")  # ctrl+q
        process.wait(timeout=20)
    data = tomllib.loads(case.read_text(encoding="utf-8"))
    actions = [line["action"] for line in data.get("journal", [])]
    assert "step-done" not in actions, actions
    assert not data.get("steps"), data.get("steps")
