"""Open markers that cannot lie: a reused PID, a reboot or another machine of the same
name is recognised, and the stale marker is cleared with a note.

Real processes throughout: a sleeping ``python`` stands for "some other program that
now has the PID"; its real start time comes from ``/proc``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.case import Case
from tui.core.store import CaseFile

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="process start times from /proc"
)


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, Case(title="x")).close()
    return path


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not an Abri (it holds a PID a stale marker may name)."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield sleeper
    sleeper.kill()
    sleeper.wait()


def boot_id() -> str:
    return Path("/proc/sys/kernel/random/boot_id").read_text().strip()


def start_ticks(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_bytes()
    return stat[stat.rindex(b")") + 2 :].split()[19].decode()


def write_marker(case_path: Path, **fields: object) -> Path:
    marker = case_path.parent / f".{case_path.name}.open"
    payload = {"host": socket.gethostname(), "at": "2026-11-23T10:00:00+00:00", **fields}
    marker.write_text(json.dumps(payload), encoding="utf-8")
    return marker


def test_our_marker_records_host_boot_and_process_start(case_path: Path) -> None:
    casefile = CaseFile.open(case_path)
    marker = json.loads(casefile.marker_path.read_text(encoding="utf-8"))
    assert marker["host"] == socket.gethostname()
    assert marker["pid"] == os.getpid()
    assert marker["boot"] == boot_id()
    assert marker["started"] == start_ticks(os.getpid())
    casefile.close()
    assert not casefile.marker_path.exists()


def test_a_reused_pid_is_recognised_and_the_marker_cleared_with_a_note(
    case_path: Path, other_process: subprocess.Popen[bytes]
) -> None:
    # An Abri that died long ago had this PID; another program has it now.
    pid = other_process.pid
    marker = write_marker(case_path, pid=pid, boot=boot_id(), started="12345")
    casefile = CaseFile.open(case_path)
    assert not casefile.held_elsewhere
    assert len(casefile.notices) == 1
    assert str(pid) in casefile.notices[0] and "no longer running" in casefile.notices[0]
    assert json.loads(marker.read_text())["pid"] == os.getpid()  # ours now
    casefile.close()
    assert not marker.exists()
    again = CaseFile.open(case_path)  # and the next opening is quiet
    assert again.notices == []
    again.close()


def test_a_marker_from_before_a_reboot_or_a_same_named_machine_is_stale(
    case_path: Path,
) -> None:
    # PID 1 always runs; but that marker was written during another boot.
    write_marker(case_path, pid=1, boot="00000000-0000-0000-0000-000000000000", started="1")
    casefile = CaseFile.open(case_path)
    assert not casefile.held_elsewhere
    assert any("no longer running" in n for n in casefile.notices)
    casefile.close()


def test_a_live_abri_with_the_same_start_time_is_still_believed(
    case_path: Path, other_process: subprocess.Popen[bytes]
) -> None:
    pid = other_process.pid
    marker = write_marker(case_path, pid=pid, boot=boot_id(), started=start_ticks(pid))
    casefile = CaseFile.open(case_path)
    assert casefile.held_elsewhere
    assert any(str(pid) in n and "Another Abri" in n for n in casefile.notices)
    casefile.close()
    assert json.loads(marker.read_text())["pid"] == pid  # left for the next one to see


def test_a_marker_that_is_a_fifo_does_not_block_opening(case_path: Path) -> None:
    marker = case_path.parent / f".{case_path.name}.open"
    os.mkfifo(marker)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tui.core.store import CaseFile; CaseFile.open({str(case_path)!r})",
        ],
        cwd=Path(__file__).resolve().parents[2],
        timeout=30,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_an_older_abris_marker_whose_pid_was_reused_since_is_stale(
    case_path: Path, other_process: subprocess.Popen[bytes]
) -> None:
    # No boot or start time (written by an older Abri), an hour before the process
    # that now has this PID started: that process cannot have written it.
    from datetime import UTC, datetime, timedelta

    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    write_marker(case_path, pid=other_process.pid, at=earlier)
    casefile = CaseFile.open(case_path)
    assert not casefile.held_elsewhere
    assert any("no longer running" in n for n in casefile.notices)
    casefile.close()

    # Written after that process started: it may be an Abri, so it is believed.
    write_marker(case_path, pid=other_process.pid, at=datetime.now(UTC).isoformat())
    casefile = CaseFile.open(case_path)
    assert casefile.held_elsewhere
    casefile.close()
