"""A half-typed entry survives kill -9, and keys sent in one burst over a real
terminal land in their fields.

The app runs in a pseudo-terminal as a helper's SSH session would; the keys of the
issue's reproduction are written in one write (one burst of bytes); then the process
is killed with SIGKILL and the case file is read: the draft holds every field.  The
app, opened again, offers the draft back in the form and saves it as an entry.
"""

from __future__ import annotations

import os
import signal
import time
import tomllib
from pathlib import Path

from textual.widgets import Input, TextArea

from tests.cli.conftest import app_in_pty
from tests.cli.test_open_app import _read_until
from tui.app import AbriApp
from tui.cli import main
from tui.screens.evidence_form import EvidenceForm

URL = "https://x.com/calm/status/2124858508309552666"


def _drafts(case: Path) -> dict[str, object]:
    data = tomllib.loads(case.read_text(encoding="utf-8"))
    return dict(data.get("drafts", {}))


async def test_a_draft_survives_kill_9_and_comes_back_in_the_form(tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    assert main(["new", str(case), "--lang", "en"]) == 0
    with app_in_pty(case) as (master, process):
        assert b"All actions" in _read_until(master, b"All actions", timeout=30)
        os.write(master, b"\x1bOR")  # f3
        _read_until(master, b"add", timeout=10)
        os.write(master, b"a")
        _read_until(master, b"URL", timeout=10)
        os.write(master, b"\x1b[200~" + URL.encode() + b"\x1b[201~")  # a bracketed paste
        time.sleep(1.0)
        os.write(master, b"\t\t\t\t4455\tpseudo_rapide\tcontenu")  # one burst
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            _read_until(master, b"\x00", timeout=0.5)  # keep the terminal drained
            draft = _drafts(case).get("new", {})
            if isinstance(draft, dict) and draft.get("fields", {}).get("content") == "contenu":
                break
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    kept = _drafts(case)["new"]
    assert isinstance(kept, dict)
    draft = kept
    assert draft["fields"]["url"] == URL
    assert draft["fields"]["account-id"] == "4455"
    assert draft["fields"]["handle"] == "pseudo_rapide"
    assert draft["fields"]["content"] == "contenu"

    app = AbriApp(case, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EvidenceForm)
        assert form.query_one("#url", Input).value == URL
        assert form.query_one("#handle", Input).value == "pseudo_rapide"
        assert form.query_one("#content", TextArea).text == "contenu"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    data = tomllib.loads(case.read_text(encoding="utf-8"))
    [entry] = data["evidence"]
    assert (entry["url"], entry["account_id"], entry["account_handle"]) == (
        URL,
        "4455",
        "pseudo_rapide",
    )
    assert entry["posted_at_source"] == "post-id"
    assert "drafts" not in data  # saved: the draft is gone
