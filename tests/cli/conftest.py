"""Helpers for the command-line tests: run ``abri`` in-process or as a real program."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def app_in_pty(case: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``abri CASE`` in a real 80×24 pseudo-terminal, as over SSH: yields the terminal's
    side (write keys to it, read the screen from it) and the process; afterwards the
    process is killed if it still runs, and the terminal closed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", str(case)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(os.environ, TERM="xterm-256color"),
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    try:
        yield master, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


@dataclass
class Result:
    """What one run of ``abri`` left: exit code and the two output streams."""

    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        """Both streams, for assertions that do not care which one."""
        return self.out + self.err


@pytest.fixture(autouse=True)
def _keep_the_language() -> Iterator[None]:
    """``main()`` sets the process's message language; give other tests theirs back."""
    from tui.core import i18n

    saved = i18n._current
    yield
    i18n._current = saved


@pytest.fixture
def abri(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``abri(*args)``: run the command line in this process (fast) and capture it."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_program(*args: str | Path, cwd: Path | None = None) -> Result:
    """Run the real ``python -m tui`` as a separate program."""
    done = subprocess.run(
        [sys.executable, "-m", "tui", *[str(arg) for arg in args]],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or ROOT,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def read_case(path: Path) -> dict[str, Any]:
    """The case file as TOML data, read straight from disk."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def make_png(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> Path:
    """A real (small) PNG image."""
    from PIL import Image

    Image.new("RGB", (48, 32), colour).save(path, format="PNG")
    return path
