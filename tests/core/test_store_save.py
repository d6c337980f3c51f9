"""Saves cost what changed: an edit rewrites its entry's block and the journal line, no more.

Also: what the incremental check still refuses, the full read-back check, the layout
(the same TOML as tomli_w's), times in a repeated DST hour, entries changed in place.
"""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tomli_w

from tests.conftest import HOSTILE, HOSTILE_STRINGS
from tui.core import store
from tui.core.case import Attachment, Case, Evidence, JournalEntry, Report
from tui.core.store import CaseFile, SaveError

WHEN = datetime(2026, 11, 23, 14, 32, tzinfo=UTC)
HEADER = b"\n[[evidence]]\n"


def make_case(entries: int, folder: str = "alice-files") -> Case:
    case = Case(title=f"Alice {HOSTILE}", created=WHEN, concerns=HOSTILE)
    for n in range(1, entries + 1):
        text = HOSTILE_STRINGS[n % len(HOSTILE_STRINGS)]
        case.evidence.append(
            Evidence(
                id=f"E{n:04d}",
                url=f"https://x.com/someone/status/{1382350606417817604 + n}",
                platform="x",
                account_handle=f"someone{n % 7}",
                posted_at=WHEN + timedelta(minutes=n),
                posted_at_source="post-id",
                content=f"{text} message {n}\r\nline two",
                categories=["threat", "insult"][: 1 + n % 2],
                attachments=[
                    Attachment(
                        path=f"{folder}/E{n:04d}-1.png",
                        sha256=f"{n:064x}",
                        bytes=1000 + n,
                        original_name=text,
                        added_at=WHEN,
                        taken_at=WHEN if n % 2 else None,
                        taken_at_source="file-name" if n % 2 else "",
                    )
                ],
                reports=[Report(place="pharos", date=WHEN, reference=text)] if n % 3 == 0 else [],
                added_at=WHEN,
            )
        )
        case.journal.append(JournalEntry(at=WHEN, action="evidence-added", detail=f"E{n:04d}"))
    return case


def blocks(data: bytes) -> tuple[bytes, list[bytes]]:
    head, *entries = data.split(HEADER)
    return head, entries


def journal_lines(head: bytes) -> list[bytes]:
    start = head.index(b"journal = [\n") + len(b"journal = [\n")
    return head[start : head.index(b"\n]\n", start) + 1].splitlines(keepends=True)


def edit_and_save(casefile: CaseFile, index: int, notes: str) -> None:
    case = casefile.case
    case.evidence[index] = dataclasses.replace(case.evidence[index], notes=notes)
    case.log("evidence-edited", case.evidence[index].id)
    casefile.save()


@pytest.mark.parametrize("reopen", [True, False], ids=["first save after opening", "next save"])
def test_an_edit_changes_exactly_its_entry_block_and_one_journal_line(
    tmp_path: Path, reopen: bool
) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(40)).close()
    casefile = CaseFile.open(path)
    if not reopen:
        edit_and_save(casefile, 3, "a first edit, already saved")
    before = path.read_bytes()

    edit_and_save(casefile, 17, f"edited {HOSTILE}")
    after = path.read_bytes()

    old_head, old_entries = blocks(before)
    new_head, new_entries = blocks(after)
    assert len(new_entries) == len(old_entries) == 40
    changed = [n for n, (a, b) in enumerate(zip(old_entries, new_entries, strict=True)) if a != b]
    assert changed == [17]
    assert b"notes = " in new_entries[17] and b"notes = " not in old_entries[17]
    # The head differs by one added journal line, and by nothing else.
    old_lines, new_lines = journal_lines(old_head), journal_lines(new_head)
    assert new_lines[:-1] == old_lines
    assert b'action = "evidence-edited", detail = "E0018"' in new_lines[-1]
    assert new_head.replace(new_lines[-1], b"", 1) == old_head
    # And the file reads back as the case in memory.
    assert CaseFile.open(path).case == casefile.case


def test_saves_in_a_row_cut_unchanged_entries_from_the_file_each_one_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unchanged entries are not kept twice in memory: a save copies their bytes from
    the file it just checked (the one the previous save wrote), so every save must still
    read back as the case, and an entry's bytes must stay as they were."""
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(30)).close()
    casefile = CaseFile.open(path)
    made: list[str] = []
    entry_text = store._entry_text

    def counting(entry: Evidence, where: str) -> str:
        made.append(entry.id)
        return entry_text(entry, where)

    monkeypatch.setattr(store, "_entry_text", counting)
    touched: set[str] = set()
    for round_ in range(6):
        made.clear()
        before = dict(
            zip((e.id for e in casefile.case.evidence), blocks(path.read_bytes())[1], strict=True)
        )
        edited = casefile.case.evidence[(round_ * 7) % len(casefile.case.evidence)].id
        index = next(i for i, e in enumerate(casefile.case.evidence) if e.id == edited)
        if round_ == 3:
            del casefile.case.evidence[0]
        if round_ == 4:
            casefile.case.evidence.append(dataclasses.replace(make_case(1).evidence[0], id="E0099"))
        edit_and_save(casefile, index - (round_ == 3), f"round {round_} {HOSTILE}")
        after = dict(
            zip((e.id for e in casefile.case.evidence), blocks(path.read_bytes())[1], strict=True)
        )
        changed = {i for i in after if after[i] != before.get(i)}
        assert changed == ({edited, "E0099"} if round_ == 4 else {edited})
        # Only what changed was serialized (and read back once to check it).
        assert sorted(made) == sorted(2 * list(changed))
        reopened = CaseFile.open(path)
        assert reopened.case == casefile.case
        reopened.close()
        # What the memory saving is: the text of entries read from the file is not held
        # beside it (only entries made in this session are).
        touched.update(changed)
        ours = {id(e): e.id for e in casefile.case.evidence}
        held = {ours[k] for k, p in store._PIECES.pieces.items() if k in ours and p.data}
        assert held <= touched
    casefile.close()


def test_unchanged_entries_keep_their_bytes_even_when_laid_out_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(5)).close()
    text = path.read_text(encoding="utf-8")
    marked = text.replace('id = "E0002"\n', 'id = "E0002"\n# checked with the lawyer\n', 1)
    path.write_text(marked, encoding="utf-8")
    casefile = CaseFile.open(path)
    edit_and_save(casefile, 3, "edited")
    assert "# checked with the lawyer" in path.read_text(encoding="utf-8")
    assert CaseFile.open(path).case == casefile.case


def test_a_file_laid_out_differently_still_saves_everything(tmp_path: Path) -> None:
    # An older Abri (or a person) wrote the journal as [[journal]] blocks after the entries.
    case = make_case(4)
    document = store.to_document(case)
    document["journal"] = [
        {**line, "detail": line.get("detail", "") + " " + "x" * 120} for line in document["journal"]
    ]
    path = tmp_path / "alice.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    assert "[[journal]]" in path.read_text(encoding="utf-8")
    casefile = CaseFile.open(path)
    edit_and_save(casefile, 1, "edited")
    again = CaseFile.open(path).case
    assert again == casefile.case
    assert again.journal[0].detail.endswith("x" * 120)


def test_an_entry_cannot_be_changed_in_place_so_a_cached_text_never_goes_stale(
    tmp_path: Path,
) -> None:
    """Entries are values: a save reuses an entry's cached text only for that very object."""
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(3)).close()
    casefile = CaseFile.open(path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        casefile.case.evidence[1].notes = "changed in place"  # type: ignore[misc]
    casefile.case.evidence[1] = dataclasses.replace(casefile.case.evidence[1], notes="replaced")
    casefile.save()
    again = CaseFile.open(path).case
    assert again.evidence[1].notes == "replaced"


def test_times_in_the_repeated_dst_hour_save_as_their_own_instants(tmp_path: Path) -> None:
    paris = ZoneInfo("Europe/Paris")
    first = datetime(2025, 10, 26, 2, 30, tzinfo=paris, fold=0)  # 00:30 UTC, summer time
    second = datetime(2025, 10, 26, 2, 30, tzinfo=paris, fold=1)  # 01:30 UTC, winter time
    case = make_case(2)
    case.evidence[0] = dataclasses.replace(case.evidence[0], posted_at=first)
    case.evidence[1] = dataclasses.replace(case.evidence[1], posted_at=second)
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, case)
    text = path.read_text(encoding="utf-8")
    assert "posted_at = 2025-10-26T00:30:00Z" in text
    assert "posted_at = 2025-10-26T01:30:00Z" in text
    # Only the fold changes: still a different instant, so the entry is written again.
    casefile.case.evidence[0] = dataclasses.replace(
        casefile.case.evidence[0],
        notes="n",
        posted_at=datetime(2025, 10, 26, 2, 30, tzinfo=paris, fold=1),
    )
    casefile.save()
    times = [e.posted_at for e in CaseFile.open(path).case.evidence]
    assert times == [second.astimezone(UTC), second.astimezone(UTC)]
    assert store.encode_verified(casefile.case, "alice-files")


def test_a_new_entry_that_would_not_read_back_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "alice.toml"
    casefile = CaseFile.create(path, make_case(3))
    before = path.read_bytes()
    casefile.case.evidence.append(Evidence(id="E0009", url="javascript:alert(1)", added_at=WHEN))
    with pytest.raises(SaveError, match=r"evidence\[4\]\.url"):
        casefile.save()
    casefile.case.evidence[-1] = Evidence(id="E0001", added_at=WHEN)
    with pytest.raises(SaveError, match=r"evidence\[4\]\.id"):
        casefile.save()
    assert path.read_bytes() == before


def test_a_cached_entry_is_checked_again_for_another_evidence_folder(tmp_path: Path) -> None:
    case = make_case(2, folder="alice-files")
    store.encode(case, "alice-files")
    with pytest.raises(SaveError, match=r"evidence\[1\]\.attachments\[1\]\.path"):
        store.encode(case, "bob-files")


def test_the_top_of_the_file_is_checked_on_every_save(tmp_path: Path) -> None:
    casefile = CaseFile.create(tmp_path / "alice.toml", make_case(2))
    casefile.case.timezone = "Mars/Olympus_Mons"
    with pytest.raises(SaveError, match="timezone"):
        casefile.save()
    casefile.case.timezone = "Europe/Paris"
    casefile.case.created = datetime(2026, 1, 1)  # naive
    with pytest.raises(SaveError):
        casefile.save()


def test_the_text_is_the_same_toml_as_tomli_w_would_write() -> None:
    case = make_case(30)
    case.platforms = ["x", "instagram"]
    case.current_step = "airplane"
    case.journal.append(JournalEntry(at=WHEN, action="import", detail="y" * 300))
    text = store.dumps(case)
    reference = tomli_w.dumps(store.to_document(case), multiline_strings=False)
    assert tomllib.loads(text) == tomllib.loads(reference)
    # Safe to cat: no raw control, bidi or C1 character anywhere in the file.
    assert not any(ch in text for ch in "\x1b\x00\u202e\x9b\r")


def test_the_full_read_back_check_accepts_what_saves_write() -> None:
    case = make_case(25)
    assert store.encode_verified(case, "alice-files") == store.encode(case, "alice-files")
    assert store.loads(store.dumps(case)) == case


def test_an_entry_deleted_then_put_back_is_written_from_its_old_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undo of a delete: the entry comes back byte for byte, with no serialization
    (the delete's save kept its bytes), and every save reads back as the case."""
    path = tmp_path / "alice.toml"
    CaseFile.create(path, make_case(20)).close()
    original = path.read_bytes()
    casefile = CaseFile.open(path)
    made: list[str] = []
    entry_text = store._entry_text

    def counting(entry: Evidence, where: str) -> str:
        made.append(entry.id)
        return entry_text(entry, where)

    monkeypatch.setattr(store, "_entry_text", counting)
    every = list(casefile.case.evidence)
    casefile.case.evidence = every[:7] + every[8:]
    casefile.save()
    assert b'id = "E0008"' not in path.read_bytes()
    assert CaseFile.open(path).case == casefile.case
    casefile.case.evidence = list(every)  # the very same object back in its place
    casefile.save()
    assert made == []
    assert path.read_bytes() == original
    casefile.close()
