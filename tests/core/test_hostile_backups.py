"""Backups are written like the case file: a SIGKILL never leaves a torn one.

Two kinds of kill, as in ``test_store_kill.py`` (a forked child inherits an open
CaseFile and works until the parent kills it):

* backups alone: the child writes multi-megabyte backups in a loop; the parent kills
  it at a random moment or the instant a new name appears in the backup folder (the
  moment an unprotected write is half done);
* whole saves of a large case, killed the same two ways.

After every kill, every file named like a backup must be byte for byte a version
that was really saved.  The loader skips a torn backup (from an older Abri) and says so.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.store import CaseFile, encode, loads

# Against the old code (backups written under their final name) 40 and 12 rounds
# found torn backups in every run; set these to 200 for the full exercise.
BACKUP_ROUNDS = int(os.environ.get("ABRI_BACKUP_KILL_ROUNDS", "60"))
SAVE_ROUNDS = int(os.environ.get("ABRI_SAVE_KILL_ROUNDS", "12"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def case_text(label: str, entries: int) -> str:
    """A case file's text whose every entry says which version it belongs to."""
    lines = ["schema = 1", f'title = "version {label}"', "created = 2026-11-23T14:32:00Z", ""]
    threat = "Tu vas voir ce qui va t'arriver, on sait où tu habites. " * 4
    for n in range(1, entries + 1):
        post = 1382350606417817604 + n
        lines += [
            "[[evidence]]",
            f'id = "E{n:04d}"',
            f'url = "https://x.com/someone/status/{post}"',
            'platform = "x"',
            f'post_id = "{post}"',
            'account_handle = "someone"',
            "posted_at = 2026-11-23T14:32:00Z",
            'posted_at_source = "post-id"',
            f'content = "{label} {n} {threat}"',
            'categories = ["threat"]',
            "added_at = 2026-11-23T14:32:00Z",
            "",
        ]
    return "\n".join(lines)


def backup_names(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def kill_rounds(
    rounds: int,
    work: Callable[[], None],
    watch: Path,
    window: float,
    after_kill: Callable[[], None],
) -> dict[str, int]:
    """Fork ``work`` ``rounds`` times; kill it at random or as a new name appears in ``watch``."""
    rng = random.Random(20261201)
    landed = {"random": 0, "on-new-name": 0}
    for n in range(rounds):
        read_end, write_end = os.pipe()
        before = backup_names(watch)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_end)
                os.write(write_end, b"x")
                while True:
                    work()
            finally:
                os._exit(3)
        os.close(write_end)
        try:
            ready, _, _ = select.select([read_end], [], [], 30)
            assert ready, "the child did not start"
            if n % 2:
                landed["random"] += 1
                time.sleep(rng.uniform(0, window))
            else:
                deadline = time.monotonic() + 30
                while backup_names(watch) <= before and time.monotonic() < deadline:
                    pass  # spin: the kill must land while the new file is being written
                landed["on-new-name"] += 1
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
        after_kill()
    return landed


def torn(folder: Path, versions: set[bytes]) -> list[str]:
    """Backup files (by their name) whose bytes are not exactly a saved version."""
    return [
        name
        for name in sorted(backup_names(folder))
        if name.startswith("backup-") and (folder / name).read_bytes() not in versions
    ]  # a name may come back in later rounds: it is the same torn file


def test_backups_killed_while_written_are_never_torn(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    casefile = CaseFile.create(folder / "alice.toml", loads(case_text("A", 3)))
    blob = encode(loads(case_text("A", 5000)))  # about 2.6 MB
    assert len(blob) > 2_000_000
    # What a kill can tear is a backup written as a copy (FAT and exFAT sticks, which
    # have no hard links; elsewhere the replaced file itself is kept by a second name).
    casefile._link_backup = lambda prefix, size: False  # type: ignore[method-assign]

    def work() -> None:
        casefile._backup(blob)
        casefile._rotate_backups()

    problems: list[str] = []
    landed = kill_rounds(
        BACKUP_ROUNDS,
        work,
        casefile.backup_dir,
        0.1,
        lambda: problems.extend(torn(casefile.backup_dir, {blob})),
    )
    assert problems == [], f"torn backups after SIGKILL: {problems[:5]} ({landed})"
    assert any(n.startswith("backup-") for n in backup_names(casefile.backup_dir))
    casefile.close()


def test_saves_of_a_large_case_killed_at_any_moment_leave_no_torn_backup(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    path = folder / "alice.toml"
    size = int(os.environ.get("ABRI_SAVE_KILL_ENTRIES", "800"))
    old, new = loads(case_text("A", size)), loads(case_text("B", size))
    versions = {encode(old), encode(new)}
    CaseFile.create(path, old).close()
    holders = {"A": CaseFile.open(path)}
    CaseFile.open(path).save(new)
    holders["B"] = CaseFile.open(path)
    state = {"current": "B"}
    backups = holders["A"].backup_dir
    problems: list[str] = []

    started = time.perf_counter()
    holders["B"].save(new)  # how long one save takes (same content: no conflict)
    window = time.perf_counter() - started

    def work() -> None:
        casefile = holders[state["current"]]
        versions_now = (old, new) if state["current"] == "B" else (new, old)
        casefile.save(versions_now[0])
        casefile.save(versions_now[1])
        while True:
            casefile.save(versions_now[0])
            casefile.save(versions_now[1])

    def after_kill() -> None:
        data = path.read_bytes()
        assert data in versions, "torn case file"
        state["current"] = "A" if data == encode(old) else "B"
        problems.extend(torn(backups, versions))

    landed = kill_rounds(SAVE_ROUNDS, work, backups, window * 2.5, after_kill)
    assert problems == [], f"torn backups after SIGKILL: {problems[:5]} ({landed})"
    for holder in holders.values():
        holder.close()
    # The survivor opens cleanly, and the leftovers of killed backups are swept away.
    casefile = CaseFile.open(path)
    assert casefile.read_only is None and casefile.notices == []
    assert casefile.torn_backups() == []
    assert not [n for n in backup_names(backups) if ".tmp-" in n]
    casefile.close()


def test_the_loader_skips_a_torn_backup_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, loads(case_text("A", 20)))
    casefile.save(loads(case_text("B", 20)))
    casefile.save(loads(case_text("C", 20)))
    casefile.close()
    newest, older = casefile.backups()[:2]
    whole = newest.read_bytes()
    newest.write_bytes(whole[: len(whole) // 2])  # what an older Abri left after a kill
    path.write_bytes(b"\x00garbage")  # and the case file itself is unreadable

    opened = CaseFile.open(path)
    assert opened.read_only is not None
    assert opened.case.title == "version A"  # the older, whole backup
    notices = "\n".join(opened.notices)
    assert older.name in notices
    assert newest.name in notices and "damaged" in notices
    assert opened.torn_backups() == [newest]
    opened.close()
