"""The bench runner's table: figures, ratios against the same-run reference, verdicts."""

from __future__ import annotations

import io

from bench import Row
from bench.__main__ import print_table


def test_table_shows_ratio_budget_and_verdict() -> None:
    rows = [
        Row("load", 1.2, 1.0, "tomllib.loads", max_ratio=1.5),
        Row("first screen", 0.65, 0.4, "hello app", max_ratio=1.3),
        Row("memory", 250.0, limit=200, unit="MB"),
        Row("serialize", 0.5, 0.4, "tomli_w.dumps"),
        Row("[table]", None, note="no bench module yet"),
    ]
    out = io.StringIO()
    print_table(rows, out)
    lines = out.getvalue().splitlines()
    load = next(line for line in lines if line.startswith("load"))
    assert "1.20 s" in load and "1.20×" in load and "≤ 1.5×" in load and load.endswith("ok")
    screen = next(line for line in lines if line.startswith("first screen"))
    assert "650 ms" in screen and "1.62×" in screen and screen.endswith("OVER")
    memory = next(line for line in lines if line.startswith("memory"))
    assert "250 MB" in memory and memory.endswith("OVER")
    serialize = next(line for line in lines if line.startswith("serialize"))
    assert serialize.endswith("—")  # information only: no budget, no verdict
    assert "  [table]: no bench module yet" in lines
