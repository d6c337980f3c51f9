"""Core figures: start-up, case load/save against tomllib / tomli-w, first screen.

* ``abri --version`` and the core import, as fresh processes, against a bare
  ``python -c pass``;
* loading and saving generated cases of 1,000 and 10,000 entries against
  ``tomllib.loads`` and ``tomli_w.dumps`` of the very same document (a save is one
  edit: one entry replaced and one journal line), and ``abri add`` as a whole process;
* the import cost of the compiled TOML parser;
* memory after opening the 10,000-entry case (a fresh process);
* start to first usable screen of the app against a bare Textual "hello" app,
  both in an 80×24 pseudo-terminal (see ``bench/first_paint.py``).
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tomllib
from pathlib import Path

from bench import ROOT, Row, bench_env, interleaved, python, run_process, script

PASS = [python(), "-c", "pass"]


def _startup(quick: bool) -> list[Row]:
    runs = 3 if quick else 7
    env = bench_env()
    abri = script("abri")
    version = [abri, "--version"] if Path(abri).exists() else [python(), "-m", "tui", "--version"]
    core = [python(), "-c", "import tui.core.store, tui.core.platforms, tui.core.timeparse"]
    bare, with_version, with_core = interleaved(
        [
            lambda: run_process(PASS, env=env),
            lambda: run_process(version, env=env),
            lambda: run_process(core, env=env),
        ],
        runs,
    )
    heavy = _heavy_modules_after_version()
    parser = [python(), "-c", "import toml_rs"]
    (with_parser,) = interleaved([lambda: run_process(parser, env=env)], runs)
    return [
        Row("abri --version (process start)", with_version, bare, "python -c pass", runs=runs),
        Row(
            "heavy modules imported by abri --version",
            float(len(heavy)),
            limit=0,
            unit="modules",
            note=", ".join(heavy) or "none of textual, rich, docx, playwright, PIL",
            runs=1,
        ),
        Row(
            "import tui.core (store, platforms, timeparse)",
            with_core,
            bare,
            "python -c pass",
            runs=runs,
        ),
        Row(
            "import toml_rs (the compiled parser)",
            with_parser,
            bare,
            "python -c pass",
            runs=runs,
            note="imported on the first case opened, never by abri --version",
        ),
    ]


def _heavy_modules_after_version() -> list[str]:
    """Which heavy modules ``abri --version`` drags in (should be none)."""
    code = (
        "import sys, io, contextlib\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--version'])\n"
        "heavy = ('textual', 'rich', 'docx', 'playwright', 'PIL')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [python(), "-c", code], capture_output=True, text=True, cwd=ROOT, env=bench_env()
    )
    return [name for name in result.stdout.strip().split(",") if name]


def _load_save(entries: int, quick: bool, folder: Path) -> list[Row]:
    import dataclasses

    import tomli_w

    from bench import sample_case
    from tui.core import store
    from tui.core.case import Case

    path = folder / f"bench-{entries}.toml"
    case = sample_case(entries, folder=f"{path.stem}-files")
    assert isinstance(case, Case)
    text = store.dumps(case)
    document = tomllib.loads(text)
    size_mb = len(text.encode("utf-8")) / 1e6
    runs = (2 if entries >= 10_000 else 3) if quick else (3 if entries >= 10_000 else 5)

    casefile = store.CaseFile.create(path, case)
    edits = iter(range(10**9))

    def edit_and_save() -> None:
        # What a person does: one entry replaced, one journal line, one save.
        n = next(edits)
        index = (n * 7919) % len(casefile.case.evidence)
        entry = casefile.case.evidence[index]
        casefile.case.evidence[index] = dataclasses.replace(entry, notes=f"edit {n}")
        casefile.case.log("evidence-edited", entry.id)
        casefile.save()

    try:
        load, parse, dump, reference_dump, save, full = interleaved(
            [
                lambda: store.loads(text),
                lambda: tomllib.loads(text),
                lambda: store.dumps(case),
                lambda: tomli_w.dumps(document),
                edit_and_save,
                lambda: store.encode_verified(case, f"{path.stem}-files"),
            ],
            runs,
            warmup=1,
        )
    finally:
        casefile.close()
    label = f"{entries:,} entries, {size_mb:.1f} MB"
    big = entries >= 10_000
    rows = [
        Row(
            f"load case ({label})",
            load,
            parse,
            "tomllib.loads",
            max_ratio=0.6 if big else None,
            runs=runs,
            note="parse (toml-rs, tomllib as judge) + validation into the model",
        ),
        Row(
            f"serialize case ({label})",
            dump,
            reference_dump,
            "tomli_w.dumps",
            runs=runs,
            note="pieces cached from earlier calls: what a save reuses",
        ),
        Row(
            f"one edit saved ({label})",
            save,
            reference_dump,
            "tomli_w.dumps",
            max_ratio=0.15 if big else None,
            note="replace one entry + journal line; serialize + check + write + fsync + backup",
            runs=runs,
        ),
        Row(
            f"full read-back check ({label})",
            full,
            reference_dump,
            "tomli_w.dumps",
            note="encode_verified: what tests and abri check use, not every save",
            runs=runs,
        ),
    ]
    if big:
        rows.append(_abri_add(path, parse, quick))
    return rows


def _abri_add(path: Path, parse: float, quick: bool) -> Row:
    """``abri add`` on the case: a whole process (start, open, add, save, exit)."""
    abri = script("abri")
    command = [abri] if Path(abri).exists() else [python(), "-m", "tui"]
    env = bench_env()
    counter = iter(range(10**6))

    def add() -> None:
        post = 1382350606417817604 + next(counter)
        run_process(
            [*command, "add", str(path), "--url", f"https://x.com/bench/status/{post}"], env=env
        )

    runs = 3 if quick else 5
    (figure,) = interleaved([add], runs, warmup=1)
    return Row(
        "abri add on the 10,000-entry case (whole process)",
        figure,
        parse,
        "tomllib.loads",
        max_ratio=0.6,
        runs=runs,
    )


_PEAK = (
    "def peak():\n"
    "    # VmHWM is per address space: unlike ru_maxrss it does not inherit the parent's.\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1]) / 1024\n"
    "    import resource\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
)


def _memory(folder: Path) -> list[Row]:
    """Peak memory of a fresh process that opens the 10,000-entry case."""
    path = folder / "bench-10000.toml"
    opened = (
        f"{_PEAK}from pathlib import Path\n"
        "from tui.core.store import CaseFile\n"
        f"CaseFile.open(Path({str(path)!r})).close()\n"
        "print(peak())\n"
    )
    bare = f"{_PEAK}print(peak())\n"
    figures = []
    for program in (opened, bare):
        result = subprocess.run(
            [python(), "-c", program], capture_output=True, text=True, cwd=ROOT, env=bench_env()
        )
        figures.append(float(result.stdout.strip() or "nan"))
    return [
        Row(
            "memory: open a 10,000-entry case (peak)",
            figures[0],
            figures[1],
            "bare python",
            limit=200,
            unit="MB",
            runs=1,
        )
    ]


def run_in_pty(
    command: list[str], *, timeout: float = 60, env: dict[str, str] | None = None
) -> float:
    """Wall time of ``command`` run in an 80×24 pseudo-terminal (its output is drained)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(env or bench_env())
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
    env.pop("NO_COLOR", None)

    def drain() -> None:
        while True:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break

    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    finally:
        elapsed = time.perf_counter() - start
        reader.join(timeout=2)
        os.close(master)
    if code != 0:
        raise RuntimeError(f"{command[-1]} exited with {code}")
    return elapsed


def _first_screen(quick: bool, folder: Path) -> list[Row]:
    from tui.core import store
    from tui.core.case import Case

    try:
        import tui.app  # noqa: F401 - only checking the app is there
    except ImportError as error:
        return [Row("start to first usable screen", None, note=f"skipped: {error}")]
    path = folder / "first-screen.toml"
    if not path.exists():
        store.CaseFile.create(path, Case(title="bench", language="fr")).close()
    painter = str(ROOT / "bench" / "first_paint.py")
    hello = [python(), painter, "hello"]
    abri = [python(), painter, "abri", str(path)]
    runs = 3 if quick else 7
    # The app remembers the last case in its settings: keep the user's own untouched.
    env = bench_env()
    env.update(ABRI_CONFIG_DIR=str(folder / "config"), ABRI_DATA_DIR=str(folder / "data"))
    try:
        reference, figure = interleaved(
            [lambda: run_in_pty(hello, env=env), lambda: run_in_pty(abri, env=env)],
            runs,
            warmup=1,
        )
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return [Row("start to first usable screen", None, note=f"failed: {error}")]
    return [
        Row(
            "start to first usable screen (80×24 pty)",
            figure,
            reference,
            "bare Textual hello app",
            max_ratio=1.3,
            runs=runs,
        )
    ]


def run(quick: bool = False) -> list[Row]:
    """Every core figure (``quick``: fewer runs, same sizes)."""
    rows = _startup(quick)
    with tempfile.TemporaryDirectory(prefix="abri-bench-") as name:
        folder = Path(name)
        for entries in (1_000, 10_000):
            rows += _load_save(entries, quick, folder)
        rows += _memory(folder)
        rows += _first_screen(quick, folder)
    return rows


if __name__ == "__main__":  # pragma: no cover - python -m bench.bench_core
    from bench.__main__ import print_table

    print_table(run("--quick" in sys.argv))
