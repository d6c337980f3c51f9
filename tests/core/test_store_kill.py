"""A save killed at any moment (SIGKILL, like a crash) leaves the old or the new version
of the case file, never a torn one.

A forked child saves two versions of a ~200 KB case alternately, as fast as it can; the
parent kills it at a random moment spread over a bit more than one save cycle (so the kill lands
in every phase: serializing, checking, writing the temporary file, the backup, the
rename) and checks that the file on disk is byte for byte one of the two versions.
200 rounds.  The child inherits an already-open CaseFile through fork(), so a round
costs a fork and a few tens of milliseconds, not a new interpreter.
"""

from __future__ import annotations

import os
import random
import select
import signal
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.case import Attachment, Case, Evidence
from tui.core.store import CaseFile, dumps

ROUNDS = 200


def sized_case(label: str, entries: int = 160) -> Case:
    """A case of about 200 KB whose every entry says which version it belongs to."""
    when = datetime(2026, 11, 23, 14, 32, tzinfo=UTC)
    case = Case(title=f"version {label} [/foo] \x1b[2J \u202e\r\n", created=when)
    threat = "Tu vas voir ce qui va t'arriver, on sait où tu habites. "
    for n in range(1, entries + 1):
        case.evidence.append(
            Evidence(
                id=f"E{n:04d}",
                url=f"https://x.com/someone/status/{1382350606417817604 + n}",
                platform="x",
                post_id=str(1382350606417817604 + n),
                account_handle="someone",
                account_id="1234567890",
                posted_at=when,
                posted_at_source="post-id",
                content=f"{label} {n} " + threat * 12,
                categories=["threat"],
                attachments=[
                    Attachment(
                        path=f"alice-files/E{n:04d}-20261123T143200Z-1.png",
                        sha256=f"{n:064x}",
                        bytes=1000 + n,
                        original_name="Screenshot_20261123-143201.png",
                        added_at=when,
                    )
                ],
                added_at=when,
            )
        )
    return case


def _child(casefile: CaseFile, versions: tuple[Case, Case], ready: int) -> None:
    """Runs in the forked child: say it started, then save forever until killed."""
    try:
        os.write(ready, b"x")
        n = 0
        while True:
            casefile.save(versions[n % 2])
            n += 1
    finally:
        os._exit(3)  # never return into pytest's code in the child


def _save_time(tmp_path: Path, versions: tuple[Case, Case]) -> float:
    """How long one save takes in the child's loop (each save writes the other version)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    casefile = CaseFile.create(scratch / "alice.toml", versions[1])
    times = []
    for n in range(4):
        started = time.perf_counter()
        casefile.save(versions[n % 2])
        times.append(time.perf_counter() - started)
    casefile.close()
    return statistics.median(times)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_sigkill_at_random_points_leaves_the_old_or_the_new_version(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    path = folder / "alice.toml"
    old, new = sized_case("A"), sized_case("B")
    expected = {dumps(old).encode("utf-8"): "A", dumps(new).encode("utf-8"): "B"}
    assert 150_000 < min(len(k) for k in expected) < 400_000
    window = min(1.25 * _save_time(tmp_path, (old, new)), 0.5)

    # One open CaseFile per version on disk: the child inherits the one whose known
    # content matches the file, exactly as if it had just opened it.
    CaseFile.create(path, old).close()
    holders = {"A": CaseFile.open(path)}
    CaseFile.open(path).save(new)
    holders["B"] = CaseFile.open(path)
    current = "B"

    rng = random.Random(20261123)
    seen = {"A": 0, "B": 0}
    killed_mid_write = 0
    started = time.monotonic()
    for _ in range(ROUNDS):
        for name in os.listdir(folder):  # the previous round's leftovers (the last stay)
            if ".tmp-" in name:
                os.unlink(folder / name)
        casefile = holders[current]
        versions = (old, new) if current == "B" else (new, old)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_end)
            _child(casefile, versions, write_end)
        os.close(write_end)
        try:
            ready, _, _ = select.select([read_end], [], [], 30)
            assert ready, "the child did not start saving"
            time.sleep(rng.uniform(0, window))
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
        data = path.read_bytes()
        assert data in expected, "torn or unexpected file after SIGKILL"
        current = expected[data]
        seen[current] += 1
        if any(".tmp-" in name for name in os.listdir(folder)):
            killed_mid_write += 1  # the kill landed between writing and renaming
    elapsed = time.monotonic() - started
    # Both outcomes happened, and kills landed inside the dangerous window itself.
    assert seen["A"] > 0 and seen["B"] > 0, seen
    assert killed_mid_write > 0
    # The survivor opens normally and the leftovers of killed saves are cleaned up.
    for holder in holders.values():
        holder.close()
    casefile = CaseFile.open(path)
    assert casefile.read_only is None and casefile.notices == []
    assert casefile.case == (old if current == "A" else new)
    assert not [name for name in os.listdir(folder) if ".tmp-" in name]
    casefile.close()
    print(
        f"{ROUNDS} kills in {elapsed:.1f}s (window {window * 1000:.0f} ms): {seen}, "
        f"mid-write {killed_mid_write}",
        file=sys.stderr,
    )
