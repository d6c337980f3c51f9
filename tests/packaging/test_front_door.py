"""The package and the front door: metadata, completion, the make scripts' refusals."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tui.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- metadata


def test_check_tools_are_pinned_exactly_and_not_installed_by_make_run() -> None:
    project = PYPROJECT["project"]
    tools = project["optional-dependencies"]["check"]
    names = {re.split(r"[=<>!~ ;]", spec, maxsplit=1)[0] for spec in tools}
    assert {"ruff", "mypy", "import-linter", "pytest", "pytest-xdist"} <= names
    assert all("==" in spec for spec in tools), tools
    runtime = " ".join(project["dependencies"])
    assert not names & set(re.findall(r"[a-z][a-z0-9_-]*", runtime))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run: \$\(APP\)$", makefile, re.MULTILINE)
    assert "make-venv $(VENV) $(PYTHON) app" in makefile


def test_metadata_an_index_can_show() -> None:
    project = PYPROJECT["project"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["license"] == "MIT"
    classifiers = project["classifiers"]
    for minor in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {minor}" in classifiers
    assert project["requires-python"] == ">=3.11"
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft tests" in manifest


def test_readme_links_work_on_a_package_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]+)\)", readme)
    assert targets, "the README links to its docs"
    source = PYPROJECT["project"]["urls"]["Source"]
    for target in targets:
        assert target.startswith(("https://", "#")), f"relative link {target!r}"
        if "/blob/" in target:
            assert target.startswith(source), target
            relative = target.split("/blob/main/", 1)[1].split("#", 1)[0]
            assert (ROOT / relative).is_file(), f"{target} names no file of the project"


# --------------------------------------------------------------------------- completion


def _complete(script: str, *words: str) -> list[str]:
    """What bash's completion of ``words`` (the last one being typed) offers."""
    line = " ".join(f"'{word}'" for word in words)
    program = (
        f"{script}\n"
        f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
        "_abri; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_offers_commands_options_and_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--completion", "bash"]) == 0
    script = capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alice.toml").write_text("")
    (tmp_path / "out").mkdir()
    assert _complete(script, "abri", "ex") == ["export"]
    assert _complete(script, "abri", "al") == ["alice.toml"]
    assert _complete(script, "abri", "--la") == ["--lang"]
    assert _complete(script, "abri", "add", "alice.toml", "--scr") == ["--screenshot"]
    assert _complete(script, "abri", "add", "alice.toml", "--category", "th") == ["threat"]
    assert _complete(script, "abri", "export", "alice.toml", "--output", "") == ["out"]
    assert _complete(script, "abri", "--lang", "") == ["fr", "en"]
    assert _complete(script, "abri", "add", "alice.toml", "--url", "") == []
    # Every option of every command is offered (the script is built from the parser).
    parser = build_parser("en")
    offered = _complete(script, "abri", "export", "c.toml", "--")
    assert "--chromium" in offered and "--format" in offered
    assert "--debug" in _complete(script, "abri", "--")
    assert parser.prog == "abri"


def test_zsh_completion_uses_the_same_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--completion", "zsh"]) == 0
    script = capsys.readouterr().out
    assert "bashcompinit" in script and "complete -o filenames -F _abri abri" in script
    assert main(["--lang", "fr", "--completion=bash"]) == 0
    assert "complete -o filenames -F _abri abri" in capsys.readouterr().out
    assert main(["--completion", "fish"]) == 2
    assert "abri --completion bash" in capsys.readouterr().err


# --------------------------------------------------------------------------- make scripts


def _older_python(tmp_path: Path) -> str:
    """A real Python older than 3.11 if there is one, else 3.11+ saying it is 3.10.0."""
    for name in ("python3.10", "python3.9", "python3.8"):
        path = shutil.which(name)
        if path and subprocess.run([path, "-c", "pass"], capture_output=True).returncode == 0:
            return path
    fake = tmp_path / "python3.10"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "Python 3.10.0"; exit 0; fi\n'
        'if [ "$1" = -c ]; then\n'
        f"  exec {sys.executable} -c 'import sys; sys.version_info = (3, 10, 0)\n'\"$2\"\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    fake.chmod(0o755)
    return str(fake)


def test_an_old_python_is_refused_before_pip_runs(tmp_path: Path) -> None:
    old = _older_python(tmp_path)
    done = subprocess.run(
        ["bash", "scripts/make-venv", str(tmp_path / "venv"), old, "app"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Abri needs Python 3.11 or newer; " in done.stderr and "3.10" in done.stderr
    assert not (tmp_path / "venv").exists()  # refused before anything was made


def test_a_mistyped_abri_chromium_stops_the_browser_check(tmp_path: Path) -> None:
    env = dict(os.environ, ABRI_CHROMIUM=str(tmp_path / "no-such-chromium"))
    env.pop("CI", None)
    done = subprocess.run(
        ["bash", "scripts/ensure-browser", "--optional", sys.executable],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "not an executable file" in done.stderr


def _run_marked_test(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_needs_it.py"
    test.write_text(
        "from tests.chromium import needs_chromium\n\n"
        "@needs_chromium\ndef test_prints_a_pdf():\n    pass\n"
    )
    env = dict(os.environ, ABRI_CHROMIUM=str(tmp_path / "no-such-chromium"))
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", ROOT,
         "-c", ROOT / "pyproject.toml", str(test)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip


def test_without_chromium_its_tests_are_skipped_with_one_line_saying_how(tmp_path: Path) -> None:
    done = _run_marked_test(tmp_path, ci=None)
    assert done.returncode == 0, done.stdout
    [line] = [line for line in done.stdout.splitlines() if "no headless Chromium" in line]
    assert line.startswith("SKIPPED [1]")
    for way in ("apt-get install chromium-headless-shell", "playwright install", "ABRI_CHROMIUM"):
        assert way in line


def test_on_ci_a_missing_chromium_fails_the_run(tmp_path: Path) -> None:
    done = _run_marked_test(tmp_path, ci="true")
    assert done.returncode == 1
    assert "CI must run every test" in done.stdout
