"""Random sequences of changes: an ID is never given twice, no file is left unreferenced,
a post already in the case is always found (and one deleted or edited away is not).

Hypothesis drives the case session through adds (with and without screenshots),
bulk adds, folder imports, deletes, undos and redos, then closes it and looks at the
disk: every file in the evidence folder belongs to an entry (files of deleted entries
are set aside in ``.deleted/``, staging is empty) and the file reads back as the
session's case.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tui.core.case import Case, Evidence
from tui.core.rules import PostIndex
from tui.core.session import CaseSession, unreferenced_files
from tui.core.store import CaseFile

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 30)),
        st.tuples(st.just("add-shot"), st.integers(0, 5)),
        st.tuples(st.just("bulk"), st.lists(st.integers(0, 30), min_size=1, max_size=4)),
        st.tuples(st.just("folder"), st.integers(0, 3)),
        st.tuples(st.just("delete"), st.integers(0, 10)),
        st.tuples(st.just("edit"), st.tuples(st.integers(0, 10), st.integers(0, 30))),
        st.tuples(st.just("undo"), st.just(0)),
        st.tuples(st.just("redo"), st.just(0)),
    ),
    min_size=1,
    max_size=14,
)


def url(n: int) -> str:
    return f"https://x.com/u{n}/status/{1382350606417817604 + n}"


def image(folder: Path, n: int) -> Path:
    path = folder / f"shot-{n}.png"
    if not path.exists():
        Image.new("RGB", (4, 4), (n * 40 % 256, 10, 200)).save(path)
    return path


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(OPERATIONS)
def test_no_id_is_given_twice_and_no_file_is_left_behind(operations: list[tuple]) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        run(root, operations)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(root: Path, operations: list[tuple]) -> None:
    shots = root / "shots"
    shots.mkdir()
    session = CaseSession.create(root / "c.toml", Case(title="p", timezone="UTC"))
    given_ids: list[str] = []
    for kind, arg in operations:
        if kind == "add":
            report = session.add_entry(Evidence(id="", url=url(arg), platform="x"))
        elif kind == "add-shot":
            stage = session.stage_files([image(shots, arg)])
            report = session.add_entry(Evidence(id="", content=f"shot {arg}"), stage.files)
        elif kind == "bulk":
            report = session.import_urls("\n".join(url(n) for n in arg))
        elif kind == "folder":
            folder = root / f"folder-{arg}"
            folder.mkdir(exist_ok=True)
            for n in range(arg + 1):
                shutil.copy(image(shots, 10 + n), folder / f"f{n}.png")
            report = session.import_folder(folder)
        elif kind == "delete":
            ids = [e.id for e in session.case.evidence]
            report = session.delete_entries(ids[arg : arg + 1])
        elif kind == "edit":
            at, n = arg
            if at < len(session.case.evidence):
                old = session.case.evidence[at]
                session.edit_entry(replace(old, url=url(n), platform="x", post_id=""))
            continue
        elif kind == "undo":
            report = session.undo()
        else:
            report = session.redo()
        if kind not in ("undo", "redo"):
            for entry_id in report.added:
                assert entry_id not in given_ids, f"{entry_id} given twice"
                given_ids.append(entry_id)
        ids = [e.id for e in session.case.evidence]
        assert len(ids) == len(set(ids))
        # The index kept up to date change by change names what a rebuild would.
        fresh = PostIndex(session.case.evidence)
        for n in range(31):
            probe = Evidence(id="", url=url(n), platform="x")
            assert session._posts().same_post(probe) == fresh.same_post(probe), n
        for entry in session.case.evidence:  # every attachment can be read now
            for attachment in entry.attachments:
                assert session.file_path(attachment).is_file()
    case = session.case
    session.close()
    reopened = CaseFile.open(root / "c.toml")
    assert reopened.case == case
    assert unreferenced_files(reopened) == []
    assert not (reopened.evidence_dir / ".staging").exists()
    for entry in reopened.case.evidence:
        for attachment in entry.attachments:
            assert (root / attachment.path).is_file()
    reopened.close()
