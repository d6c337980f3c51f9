"""The command line and the app are two doors to the same case session.

The same operations — one entry typed with its handle, content and category, a
pasted list of URLs (with duplicates and two Instagram codes that differ only in
case), a folder of screenshots (with the same image twice) — done with ``abri``
commands and with the keyboard in the app give the same case file, apart from
the times at which things were done.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events

from tests.cli.conftest import Result, make_png, read_case
from tui.app import AbriApp
from tui.screens.evidence_dialogs import BulkAddDialog, FilePicker, MessageDialog
from tui.screens.evidence_form import EvidenceForm

X_URL = "https://x.com/someone/status/1382350606417817604"
URLS = [
    "https://www.instagram.com/p/CxAbC/",
    "https://www.instagram.com/p/CXabc/",
    "https://twitter.com/someone/status/1382350606417817604?s=20",  # X_URL again
    "https://x.com/other/status/1382350606417817699",
    "https://www.instagram.com/p/CxAbC/?igsh=zz",  # the first one again
]
TIMES = {"created", "at", "added_at"}


def without_times(value: Any) -> Any:
    """The case data with the times of *doing* removed (what was recorded stays).

    A screenshot of an entry with no time of its own is named after when it was
    added: that part of its file name is a time of doing too.
    """
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"-\d{8}T\d{6}Z-", "-<time>-", value)
    return value


def shots(root: Path) -> Path:
    folder = root / "shots"
    folder.mkdir()
    make_png(folder / "Screenshot_20261120-101500.png", (200, 0, 0))
    make_png(folder / "b.png", (0, 200, 0))
    make_png(folder / "copy-of-b.png", (0, 200, 0))
    return folder


def by_cli(abri: Callable[..., Result], root: Path) -> Path:
    case = root / "cli" / "c.toml"
    case.parent.mkdir()
    assert abri("new", case, "--title", "parity", "--lang", "en").code == 0
    added = abri(
        "add",
        case,
        "--url",
        X_URL,
        "--handle",
        "@someone_else",
        "--content",
        "tu vas voir",
        "--category",
        "threat",
    )
    assert added.code == 0, added.all
    urls = root / "urls.txt"
    urls.write_text("\n".join(URLS) + "\n", encoding="utf-8")
    assert abri("import", case, urls).code == 0
    assert abri("import", case, shots(root / "cli")).code == 0
    return case


async def by_keys(abri: Callable[..., Result], root: Path) -> Path:
    case = root / "tui" / "c.toml"
    case.parent.mkdir()
    assert abri("new", case, "--title", "parity", "--lang", "en").code == 0
    folder = shots(root / "tui")
    app = AbriApp(case, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceForm)
        app.post_message(events.Paste(X_URL))  # a terminal paste
        await pilot.pause()
        # url -> platform -> post ID -> time -> account ID -> handle
        await pilot.press("tab", "tab", "tab", "tab", "tab", "ctrl+u", *"@someone_else")
        await pilot.press("tab", *"tu vas voir", "tab", "space", "ctrl+s")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BulkAddDialog)
        app.post_message(events.Paste("\n".join(URLS)))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)  # the duplicates are reported
        await pilot.press("escape", "f")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        await pilot.press("ctrl+u", *str(folder), "ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)  # the same image twice is reported
        await pilot.press("escape", "ctrl+q")
    return case


async def test_the_cli_and_the_app_write_the_same_case(
    abri: Callable[..., Result], tmp_path: Path
) -> None:
    from_cli = read_case(by_cli(abri, tmp_path))
    from_keys = read_case(await by_keys(abri, tmp_path))
    assert len(from_cli["evidence"]) == 6  # 1 typed + 3 new URLs + 2 distinct images
    codes = [e.get("post_id") for e in from_cli["evidence"]]
    assert "CxAbC" in codes and "CXabc" in codes
    assert without_times(from_keys["evidence"]) == without_times(from_cli["evidence"])
    assert from_keys["last_evidence_number"] == from_cli["last_evidence_number"] == 6
    journal = [(j["action"], j.get("entries", [])) for j in from_cli["journal"]]
    assert [(j["action"], j.get("entries", [])) for j in from_keys["journal"]] == journal
