"""TOML parsing for case files: a compiled parser on the common path, ``tomllib`` as the judge.

:func:`loads` promises exactly what :func:`tomllib.loads` does — the same document,
value for value and type for type, or a :class:`tomllib.TOMLDecodeError` with
tomllib's own message and location — only faster (about 14× on a 10,000-entry case).

How: the text goes to ``toml_rs`` (a Rust TOML parser, asked for TOML 1.0, the version
``tomllib`` implements) when three conditions hold; otherwise, and whenever ``toml_rs``
refuses the text, ``tomllib`` parses it and has the last word:

* ``toml_rs`` is installed (it is optional: without it everything still works, slower);
* the text has no byte-order mark (``toml_rs`` accepts one, ``tomllib`` does not);
* its arrays and inline tables are nested at most :data:`MAX_FAST_DEPTH` deep.  The
  Rust parser recurses without a limit and a hostile file nested 10,000 deep would
  overflow the thread's stack and kill the process; ``tomllib`` raises a Python error
  instead.  The depth is measured on the text with strings and comments removed
  (C-speed regular expressions, about 10 % of the parse).

The differential tests (``tests/core/test_store_parser.py``) run the toml-test corpus
and generated documents through both parsers and require identical results.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import cache
from typing import Any

MAX_FAST_DEPTH = 32
"""Deepest nesting of ``[``/``{`` (outside strings) handed to the compiled parser.

A case file written by Abri nests 2 deep (``[[evidence]]``, ``reports = [{...}]``);
``toml_rs`` copes with thousands, so the margin is wide even on a thread's small stack."""

# TOML 1.0 strings and comments, in the order a parser tries them at a quote.  Only the
# text outside them can open an array or a table.  Multi-line strings may hold one or two
# quotes in a row and end with up to two extra quotes; single-line ones stop at a newline
# (an unterminated one is left in place: the parser stops there with an error anyway).
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|""?(?!"))*"{3,5}'
    r"|'''(?:[^']|''?(?!'))*'{3,5}"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
)
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")


def nesting_within(text: str, limit: int = MAX_FAST_DEPTH) -> bool:
    """True when no array or inline table in ``text`` (strings aside) nests deeper than ``limit``.

    Conservative: unbalanced brackets (an invalid file) count as too deep.
    """
    skeleton = _STRINGS_AND_COMMENTS.sub("", text)
    brackets = skeleton.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    # Each round removes every innermost pair; a structure d deep needs d rounds.
    for _ in range(limit):
        if not brackets:
            return True
        before = len(brackets)
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(brackets) == before:
            return False
    return not brackets


@cache
def _compiled() -> Callable[[str], dict[str, Any]] | None:
    """``toml_rs.loads`` for TOML 1.0, or None when it is not installed (imported on first use)."""
    try:
        import toml_rs
    except ImportError:
        return None

    def parse(text: str) -> dict[str, Any]:
        document: dict[str, Any] = toml_rs.loads(text, toml_version="1.0.0")
        return document

    return parse


def fast_available() -> bool:
    """Whether the compiled parser is installed (for ``abri --version`` style reports)."""
    return _compiled() is not None


def loads(text: str) -> dict[str, Any]:
    """The document ``tomllib.loads(text)`` returns; raises its ``TOMLDecodeError`` likewise."""
    parse = _compiled()
    if parse is not None and not text.startswith("\ufeff") and nesting_within(text):
        try:
            return parse(text)
        except Exception:  # any refusal: tomllib decides, and words it with its location
            pass
    return tomllib.loads(text)
