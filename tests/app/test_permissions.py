"""Files Abri writes (exports, settings, the case file) are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui.cli import main
from tui.settings import Settings, config_dir


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exports_settings_and_the_case_are_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: without care, files would be 0644
    try:
        case = tmp_path / "alice.toml"
        assert main(["new", str(case), "--lang", "en"]) == 0
        assert main(["add", str(case), "--url", "https://x.com/a/status/1"]) == 0
        out = tmp_path / "out"
        for fmt in ("html", "csv", "pharos", "docx", "zip"):
            assert main(["export", str(case), "--format", fmt, "--output", str(out)]) == 0
        Settings(last_case=str(case)).save()
    finally:
        os.umask(old)
    written = sorted(out.iterdir())
    assert len(written) == 5
    assert {path.name: _mode(path) for path in written} == {path.name: 0o600 for path in written}
    assert _mode(case) == 0o600
    assert _mode(config_dir() / "settings.toml") == 0o600
