"""The log file, --debug, the terminal refusal: useful to a helper, never case content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import HOSTILE
from tui import diagnostics
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
SECRET = "tu vas voir ce qui t'arrive, rue des Lilas"


def _log() -> str:
    return (Path(os.environ["ABRI_STATE_DIR"]) / "abri.log").read_text(encoding="utf-8")


def test_commands_are_logged_without_the_case_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "Alice Martin.toml"
    assert main(["new", str(case), "--title", SECRET, "--lang", "en"]) == 0
    code = main(["add", str(case), "--url", "https://x.com/someone/status/1382350606417817604",
                 "--content", SECRET + HOSTILE, "--handle", "[b]harceleur"])  # fmt: skip
    assert code == 0
    assert main(["add", str(case), "--url", "not a url " + SECRET]) != 0
    log = _log()
    assert "command new" in log and "command add" in log and "exit 0" in log
    for text in (SECRET, "harceleur", "Alice", "someone", "1382350606417817604", "\x1b"):
        assert text not in log
    assert Path(os.environ["ABRI_STATE_DIR"]).stat().st_mode & 0o077 == 0


def test_a_traceback_keeps_the_code_and_drops_the_text_and_the_locals() -> None:
    def parse(entry: str) -> None:
        handle = entry.split("@")[1]  # a local variable holding case text
        raise ValueError(f"cannot read {handle!r} in {entry!r}")

    where = "/home/alice/" + SECRET
    try:
        try:
            parse("@" + SECRET)
        except ValueError as inner:
            raise OSError(28, "No space left on device", where) from inner
    except OSError as error:
        text = diagnostics.format_exception(error)
    assert SECRET not in text and "alice" not in text
    assert "in parse" in text and "raise ValueError" in text  # where, and the code line
    assert "ValueError: <message redacted: " in text
    assert "OSError: [Errno 28] No space left on device" in text
    assert "direct cause" in text


def test_the_log_is_rotated() -> None:
    diagnostics.setup(debug=True)
    for index in range(20_000):
        diagnostics.log_action(f"action_{index}")
    folder = Path(os.environ["ABRI_STATE_DIR"])
    sizes = sorted(path.stat().st_size for path in folder.glob("abri.log*"))
    assert len(sizes) == 1 + diagnostics.BACKUPS
    assert max(sizes) <= diagnostics.MAX_BYTES


def test_an_unwritable_state_folder_means_no_log_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("ABRI_STATE_DIR", str(blocked / "state"))
    assert main(["--debug", "new", str(tmp_path / "c.toml")]) == 0
    assert "No log file" in capsys.readouterr().err


def test_debug_says_where_the_log_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path / "c.toml"), "--debug", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert f"Log file (no case content): {Path(os.environ['ABRI_STATE_DIR']) / 'abri.log'}" in err


def test_the_app_refuses_to_start_into_a_file(tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "tui", str(case)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""  # nothing of a full-screen app went into the file
    assert "needs a terminal" in done.stderr and "abri --help" in done.stderr
