"""Command line: ``abri [CASE]``, ``abri new|add|import|check|export``.

(Placeholder: the full command line is being built.)
"""

from __future__ import annotations

import sys

from tui import __version__


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``abri`` command; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:
        print(f"abri {__version__}")
        return 0
    return 0
