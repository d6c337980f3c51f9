"""Abri's benchmarks (``make bench`` = ``python -m bench``): figures, never pass/fail tests.

Every figure is the median of several runs and is compared with a *reference
point measured in the same run on the same machine* (bare Python, ``tomllib``,
a bare Textual app...), so the ratio means something on a slow laptop and on a
fast server alike.  The budgets come from DESIGN.md.

Each bench module (``bench_core``, ``bench_table``, ``bench_export``) exposes
``run(quick: bool = False) -> list[Row]``; the runner in ``__main__`` calls the
ones that exist and prints one table.  This module holds what they share.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The checkout (the folder holding ``tui/`` and ``bench/``)."""


@dataclass
class Row:
    """One line of the bench table.

    ``median`` and ``reference`` are in ``unit`` (seconds unless told otherwise).
    A budget is either a ratio to the reference (``max_ratio``), an absolute
    ``limit`` in ``unit``, or both; without one the row is information only.
    """

    what: str
    median: float | None
    reference: float | None = None
    reference_what: str = ""
    max_ratio: float | None = None
    limit: float | None = None
    unit: str = "s"
    note: str = ""
    runs: int = 0

    @property
    def ratio(self) -> float | None:
        """median / reference, when both were measured."""
        if self.median is None or not self.reference:
            return None
        return self.median / self.reference

    @property
    def ok(self) -> bool | None:
        """True within budget, False over, None when there is no budget or no figure."""
        if self.median is None:
            return None
        verdicts: list[bool] = []
        if self.max_ratio is not None and self.ratio is not None:
            verdicts.append(self.ratio <= self.max_ratio)
        if self.limit is not None:
            verdicts.append(self.median <= self.limit)
        return all(verdicts) if verdicts else None

    @property
    def budget(self) -> str:
        """The budget as people read it: ``≤ 1.3×``, ``≤ 10 s``..."""
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        if self.limit is not None:
            parts.append(f"≤ {self.limit:g} {self.unit}")
        return ", ".join(parts) or "—"


def median_time(action: Callable[[], object], runs: int, *, warmup: int = 0) -> float:
    """Median wall time of ``action`` in seconds (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    actions: Sequence[Callable[[], object]], runs: int, *, warmup: int = 1
) -> list[float]:
    """Medians of several actions timed in turn (A B A B...), so drift hits them alike.

    The machine is shared: timing all of A then all of B would put a burst of
    load on one side only.
    """
    for _ in range(warmup):
        for action in actions:
            action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(series) for series in times]


def run_process(command: Sequence[str], *, env: dict[str, str] | None = None) -> None:
    """Run a command to the end, quietly; raise if it fails (a failed start is no figure)."""
    subprocess.run(
        list(command),
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def python() -> str:
    """The interpreter running the bench (the project's virtual env)."""
    return sys.executable


def script(name: str) -> str:
    """Path of an executable installed beside the interpreter (``abri``)."""
    return str(Path(sys.executable).with_name(name))


def bench_env() -> dict[str, str]:
    """Environment for child processes: the user's, minus what would slow or colour them."""
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.setdefault("LANG", "C.UTF-8")
    return env


def sample_case(
    entries: int, *, folder: str = "case-files", attachments: bool = True, seed: int = 7
) -> object:
    """A realistic case with ``entries`` evidence entries (a ``tui.core.case.Case``).

    Each entry has a URL, handle, account and post IDs, a decoded time, a few
    hundred characters of content (with accents, emoji and a little hostile text)
    and, when ``attachments``, one attachment record under ``folder`` (the case's
    evidence folder name, ``<stem>-files``; no file is written).
    """
    import random

    from tui.core.case import Attachment, Case, Evidence

    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    case = Case(title="Bench case", created=start, language="fr", timezone="Europe/Paris")
    phrase = (
        "tu vas voir ce qui va t'arriver on sait où tu habites dégage de là "
        "personne ne te croira [b]bold[/b] \u202eevil émoji 😡 encore une fois"
    )
    words = phrase.split(" ")
    for number in range(1, entries + 1):
        posted = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        post_id = str(((int(posted.timestamp() * 1000) - 1288834974657) << 22) + number)
        handle = f"account_{rng.randrange(10_000):04d}"
        content = " ".join(rng.choice(words) for _ in range(rng.randrange(10, 60)))
        files = []
        if attachments:
            files.append(
                Attachment(
                    path=f"{folder}/E{number:04d}-{posted:%Y%m%dT%H%M%SZ}-1.png",
                    sha256=f"{rng.getrandbits(256):064x}",
                    bytes=rng.randrange(50_000, 900_000),
                    original_name=f"Screenshot_{posted:%Y%m%d-%H%M%S}.png",
                    added_at=posted + timedelta(hours=2),
                    taken_at=posted + timedelta(minutes=5),
                    taken_at_source="file-name",
                )
            )
        case.evidence.append(
            Evidence(
                id=f"E{number:04d}",
                url=f"https://x.com/{handle}/status/{post_id}",
                platform="x",
                post_id=post_id,
                account_handle=handle,
                account_id=str(rng.randrange(10**9, 10**18)),
                posted_at=posted,
                posted_at_source="post-id",
                observed_at=posted + timedelta(hours=1),
                content=content,
                categories=[rng.choice(("threat", "insult", "doxxing"))],
                notes="",
                attachments=files,
                added_at=posted + timedelta(hours=2),
            )
        )
        case.log("evidence-added", f"E{number:04d}")
    return case
