"""``python -m bench [--quick] [--only core,table,export]``: run the benches, print one table.

Figures, not tests: the exit code is 0 even when a figure is over budget (the
table says so); it is 1 only when a bench module itself crashed.  The bench
modules written by other parts of the team (``bench_table``, ``bench_export``)
are run when they exist.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import platform
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from typing import Any

from bench import Row

MODULES = ("core", "table", "export")
"""Bench modules, in the order they run: ``bench.bench_<name>``."""


def _as_row(item: Any) -> Row:
    """Accept a Row, or a dict with Row's field names (modules may return either)."""
    if isinstance(item, Row):
        return item
    if isinstance(item, dict):
        return Row(**item)
    raise TypeError(f"not a bench row: {item!r}")


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"
    if float(value).is_integer():
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}"


def print_table(rows: Sequence[Row], out: Any = None) -> None:
    """The bench table: what, median, reference, ratio, budget, verdict (+ notes below)."""
    out = out or sys.stdout
    header = ("what", "median", "reference", "ratio", "budget", "")
    lines: list[tuple[str, ...]] = []
    notes: list[str] = []
    for row in rows:
        reference = _figure(row.reference, row.unit)
        if row.reference is not None and row.reference_what:
            reference = f"{reference} ({row.reference_what})"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        verdict = {True: "ok", False: "OVER", None: ""}[row.ok]
        lines.append(
            (row.what, _figure(row.median, row.unit), reference, ratio, row.budget, verdict)
        )
        if row.note:
            notes.append(f"  {row.what}: {row.note}")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def show(cells: Iterable[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    print(show(header).rstrip(), file=out)
    print("  ".join("-" * width for width in widths), file=out)
    for line in lines:
        print(show(line).rstrip(), file=out)
    if notes:
        print("\nnotes:", file=out)
        print("\n".join(notes), file=out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benches asked for and print the table; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (a rough figure)")
    parser.add_argument(
        "--only", default=",".join(MODULES), help="comma-separated: " + ",".join(MODULES)
    )
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    print(
        f"Abri bench — Python {platform.python_version()} on {platform.machine()}, "
        f"{'quick' if args.quick else 'full'} run; medians, references measured in this run.\n",
        flush=True,
    )
    started = time.perf_counter()
    rows: list[Row] = []
    crashed = False
    for name in wanted:
        module_name = f"bench.bench_{name}"
        if importlib.util.find_spec(module_name) is None:
            rows.append(Row(f"[{name}]", None, note="no bench module yet"))
            continue
        print(f"running {module_name}...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(module_name)
            rows.extend(_as_row(item) for item in module.run(quick=args.quick))
        except Exception:
            crashed = True
            traceback.print_exc()
            rows.append(Row(f"[{name}]", None, note="crashed (traceback above)"))
    print_table(rows)
    print(f"\ntotal bench time: {time.perf_counter() - started:.0f} s")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
