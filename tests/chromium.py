"""Tests that need a real headless Chromium: skipped without one, never silently on CI.

A pytest plugin (loaded with ``-p tests.chromium`` from pyproject.toml).  Mark a test
``@needs_chromium`` (or ``@pytest.mark.chromium``).  Without a Chromium where the app
looks for one (``ABRI_CHROMIUM``, Playwright's cache, the system packages) those
tests are skipped, and the summary has one line saying how to get one.  With ``CI``
set they fail instead: a CI machine must run every test (``make test`` installs the
browser there first).
"""

from __future__ import annotations

import os
from functools import cache

import pytest

HOW_TO_GET_ONE = (
    "sudo apt-get install chromium-headless-shell (Debian, Ubuntu), "
    "or .venv/bin/playwright install --only-shell chromium (Playwright's cache), "
    "or ABRI_CHROMIUM=/path/to/chromium"
)
"""The three ways, in the order most people can use them."""

SKIP_REASON = f"no headless Chromium; to run the tests that need one: {HOW_TO_GET_ONE}"
"""One line in the summary (pytest groups the skips: they all come from here)."""

needs_chromium = pytest.mark.chromium
"""Marks a test that starts a real headless Chromium."""


@cache
def _chromium() -> str | None:
    from tui.export import find_chromium

    return find_chromium()


def on_ci() -> bool:
    """True when the ``CI`` variable says this is a CI run (``CI=true``, ``CI=1``...)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "chromium: starts a real headless Chromium (skipped without one, not on CI)"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("chromium") is None or _chromium() is not None:
        return
    if on_ci():
        pytest.fail(f"CI must run every test, and no headless Chromium was found: {HOW_TO_GET_ONE}")
    pytest.skip(SKIP_REASON)
