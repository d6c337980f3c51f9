"""SIGKILL during a folder import of 200 screenshots leaves a case that opens, and no
file in the evidence folder that the case does not reference.

A forked child imports the folder through the case session (copy and hash into
``.staging/``, one save, then the move into place); the parent kills it at a random
moment spread over a little more than one import, then opens the case as the next
person would and looks at the disk.
"""

from __future__ import annotations

import hashlib
import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tui.core.case import Case
from tui.core.session import CaseSession, unreferenced_files

ROUNDS = 8
IMAGES = 200


def _folder(root: Path) -> Path:
    folder = root / "shots"
    folder.mkdir()
    for n in range(IMAGES):
        Image.new("RGB", (16, 12), (n % 256, (n * 7) % 256, 90)).save(folder / f"s{n:03d}.png")
    return folder


def _child(case_path: Path, folder: Path, ready: int) -> None:
    try:
        session = CaseSession.open(case_path)
        os.write(ready, b"x")
        session.import_folder(folder)
        session.close()
    finally:
        os._exit(3)  # never return into pytest's code in the child


def _import_time(root: Path, folder: Path) -> float:
    path = root / "scratch.toml"
    CaseSession.create(path, Case(title="s", timezone="UTC")).close()
    session = CaseSession.open(path)
    started = time.perf_counter()
    session.import_folder(folder)
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_sigkill_during_a_folder_import_leaves_no_orphan(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    window = 1.2 * _import_time(tmp_path, folder)
    rng = random.Random(20261201)
    outcomes = {"nothing": 0, "all": 0, "finished on open": 0}
    for round_number in range(ROUNDS):
        path = tmp_path / f"case{round_number}.toml"
        CaseSession.create(path, Case(title="k", timezone="UTC")).close()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_end)
            _child(path, folder, write_end)
        os.close(write_end)
        try:
            ready, _, _ = select.select([read_end], [], [], 30)
            assert ready, "the child did not start"
            time.sleep(rng.uniform(0, window))
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)

        session = CaseSession.open(path)  # what the next person does
        assert session.read_only is None
        entries = session.case.evidence
        assert len(entries) in (0, IMAGES), "an import is one change: all or nothing"
        if session.notices:
            outcomes["finished on open"] += 1
        outcomes["all" if entries else "nothing"] += 1
        for entry in entries:
            [shot] = entry.attachments
            data = (path.parent / shot.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == shot.sha256
        assert unreferenced_files(session) == []
        session.close()
        assert not (session.evidence_dir / ".staging").exists()
    assert outcomes["nothing"] > 0 and outcomes["all"] > 0, outcomes
    print(f"{ROUNDS} kills (window {window:.2f} s): {outcomes}", file=sys.stderr)
