"""After an add, an edit, a delete or an undo the table shows what a full rebuild shows.

:meth:`EvidenceRows.rebuild` patches the shown rows for a small change (no sort of
50,000 entries on the UI thread); random sequences of changes, under every order and
with and without a filter, are compared with a fresh rebuild.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest

from tui.core.case import Evidence
from tui.core.platforms import PLATFORMS
from tui.widgets.evidence_rows import SORT_KEYS, EvidenceRows

START = datetime(2026, 1, 1, tzinfo=UTC)


def entry(rng: random.Random, number: int) -> Evidence:
    when = START + timedelta(minutes=rng.randrange(0, 500)) if rng.random() < 0.9 else None
    return Evidence(
        id=f"E{number:04d}",
        platform=rng.choice(("x", "instagram", "")),
        account_handle=rng.choice(("alice", "bob", "Bob", "")),
        account_id=rng.choice(("", "42", "7")),
        content=rng.choice(("menace", "insulte", "hello", "")),
        posted_at=when,
        categories=[rng.choice(("threat", "insult"))],
    )


def fresh(entries: list[Evidence], sort: str, text: str) -> list[str]:
    rows = EvidenceRows("fr", PLATFORMS)
    rows.sort, rows.filter = sort, text
    rows.rebuild(entries, version=object())
    return [e.id for e in rows.shown]


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("text", ["", "bob", "menace x"])
def test_small_changes_give_what_a_full_rebuild_gives(sort: str, text: str) -> None:
    rng = random.Random(f"{sort}-{text}")
    entries = [entry(rng, n) for n in range(1, 200)]
    rows = EvidenceRows("fr", PLATFORMS)
    rows.sort, rows.filter = sort, text
    rows.rebuild(entries, version=0)
    number = len(entries)
    for step in range(1, 120):
        roll = rng.random()
        if roll < 0.35:
            number += 1
            entries.insert(rng.randrange(len(entries) + 1), entry(rng, number))
        elif roll < 0.7 and entries:
            at = rng.randrange(len(entries))
            other = entry(rng, 0)
            entries[at] = dataclasses.replace(
                entries[at], posted_at=other.posted_at, account_handle=other.account_handle
            )
        elif entries:
            del entries[rng.randrange(len(entries))]
        if rng.random() < 0.05:  # a bulk change (an import): too large to patch
            for _ in range(80):
                number += 1
                entries.append(entry(rng, number))
        rows.rebuild(entries, version=step)
        assert [e.id for e in rows.shown] == fresh(entries, sort, text), step
        assert rows.total == len(entries)


def test_old_rows_of_edited_entries_are_forgotten() -> None:
    rng = random.Random(3)
    entries = [entry(rng, n) for n in range(1, 50)]
    rows = EvidenceRows("fr", PLATFORMS)
    rows.rebuild(entries, version=0)
    for step in range(1, 500):
        entries[step % 49] = dataclasses.replace(entries[step % 49], notes=str(step))
        rows.rebuild(entries, version=step)
    # Nothing of the replaced versions is kept: the table holds exactly the case.
    current = {id(e) for e in entries}
    for held in (rows._sorted, rows._source, rows.shown):
        assert {id(e) for e in held} == current
