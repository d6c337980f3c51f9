"""Fixtures shared by every test: isolated user folders and the hostile-text fixture."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from tui.core import i18n

HOSTILE_STRINGS: tuple[str, ...] = (
    "[/foo]",
    "[b]bold?[/b]",
    "[@click=app.quit]x[/]",
    "trailing backslash \\",
    "\x1b[2J\x1b[31mcleared?\x1b[0m",
    "\u202egnp.exe\u202c bidi override",
    "nul\x00byte",
    "C1 \x9b31m control",
    "<script>alert(1)</script> & \"quotes\" 'single'",
    '=HYPERLINK("http://evil")',
    "emoji 😡🔪 and CRLF\r\nsecond line",
    "../../etc/passwd",
)
"""Every string a harasser might type that has broken a program somewhere."""

HOSTILE = " ".join(HOSTILE_STRINGS)
"""All of the above in one string, for fields that take one value."""

LONG_LINE = "x" * 100_000
"""A 100 KB line."""


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests with asyncio.run (Textual pilots need no more)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Abri's config and data folders at tmp_path so no test touches the user's."""
    home = tmp_path / "user-dirs"
    monkeypatch.setenv("ABRI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("ABRI_DATA_DIR", str(home / "data"))
    # No real USB stick of the machine running the tests shows up in a picker.
    monkeypatch.setenv("ABRI_MEDIA_DIRS", str(home / "media"))
    monkeypatch.setenv("ABRI_STATE_DIR", str(home / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    # The current language is process-wide: a test that opened a French case must not
    # leave the next test (same worker) speaking French.
    monkeypatch.setattr(i18n, "_current", None)
    return home


@pytest.fixture
def hostile() -> str:
    """The hostile-text fixture as one string."""
    return HOSTILE
