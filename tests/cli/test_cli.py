"""The ``abri`` command line: new, add, check, errors, languages, help, hostile text."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, Result, make_png, read_case, run_program
from tests.conftest import HOSTILE
from tui.core.case import SCHEMA_VERSION

X_URL = "https://x.com/someone/status/1382350606417817604"

Abri = Callable[..., Result]


def _no_terminal_controls(text: str) -> None:
    """Nothing that a terminal would act on, or that would disguise text."""
    for char in ("\x1b", "\x9b", "\x00", "\u202e", "\r"):
        assert char not in text, f"{char!r} reached the terminal"


# --------------------------------------------------------------------------- done when


def test_new_add_check_records_an_x_post_with_its_decoded_time(tmp_path: Path) -> None:
    """The issue's done-when, run as real programs, checked on the file on disk."""
    case = tmp_path / "c.toml"
    assert run_program("new", case, cwd=tmp_path).code == 0
    added = run_program("add", case, "--url", X_URL, cwd=tmp_path)
    assert added.code == 0, added.err
    checked = run_program("check", case, cwd=tmp_path)
    assert checked.code == 0, checked.err
    assert "Traceback" not in added.err + checked.err

    data = read_case(case)
    [entry] = data["evidence"]
    assert entry["platform"] == "x"
    assert entry["account_handle"] == "someone"
    assert entry["post_id"] == "1382350606417817604"
    assert entry["posted_at"].replace(microsecond=0) == datetime(
        2021, 4, 14, 15, 10, 42, tzinfo=UTC
    )
    assert entry["posted_at_source"] == "post-id"
    assert [line["action"] for line in data["journal"]][-2:] == ["evidence-added", "check"]
    # What the person reads says the same, with where the time came from.
    assert "E0001" in added.out and "@someone" in added.out
    assert "1382350606417817604" in added.out
    assert "2021-04-14 17:10 (Europe/Paris)" in added.out
    assert "post ID" in added.out.split("Published:")[1]


def test_new_never_overwrites_and_uses_the_file_name_as_title(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "alice.toml"
    assert abri("new", case, "--timezone", "America/Montreal").code == 0
    data = read_case(case)
    assert data["title"] == "alice"
    assert data["timezone"] == "America/Montreal"
    before = case.read_bytes()

    again = abri("new", case, "--title", "other")
    assert again.code == 1
    assert "already exists" in again.err
    assert case.read_bytes() == before


def test_new_without_extension_creates_a_toml_file(abri: Abri, tmp_path: Path) -> None:
    result = abri("new", tmp_path / "alice")
    assert result.code == 0, result.err
    assert (tmp_path / "alice.toml").is_file()
    assert "alice.toml" in result.out


def test_new_refuses_an_unknown_time_zone(abri: Abri, tmp_path: Path) -> None:
    result = abri("new", tmp_path / "c.toml", "--timezone", "Mars/Olympus")
    assert result.code == 1
    assert "Mars/Olympus" in result.err
    assert not (tmp_path / "c.toml").exists()


# --------------------------------------------------------------------------- add


def test_add_with_typed_date_handle_account_and_category(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    result = abri(
        "add", case, "--url", "https://www.tiktok.com/@someone/video/7090483393586089222?is_from_webapp=1",
        "--date", "2022-04-25T14:00", "--account-id", "6801234567890123456",
        "--category", "threat", "--category", "insult", "--content", "tu vas voir",
    )  # fmt: skip
    assert result.code == 0, result.err
    [entry] = read_case(case)["evidence"]
    assert entry["platform"] == "tiktok"
    assert entry["account_id"] == "6801234567890123456"
    # The typed time wins over the decoded one, and says so.
    assert entry["posted_at"] == datetime(2022, 4, 25, 12, 0, tzinfo=UTC)
    assert entry["posted_at_source"] == "typed"
    assert entry["categories"] == ["threat", "insult"]
    assert entry["content"] == "tu vas voir"


def test_add_the_same_post_twice_is_refused(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", X_URL)
    again = abri(
        "add", case, "--url", "https://twitter.com/someone/status/1382350606417817604?s=20"
    )
    assert again.code == 1
    assert "E0001" in again.err
    assert len(read_case(case)["evidence"]) == 1


def test_add_screenshot_then_alter_it_check_names_the_file(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    shot = make_png(tmp_path / "Screenshot_20261123-143201.png")
    abri("new", case)
    added = abri("add", case, "--url", X_URL, "--screenshot", shot)
    assert added.code == 0, added.err

    [entry] = read_case(case)["evidence"]
    [attachment] = entry["attachments"]
    copy = tmp_path / attachment["path"]
    assert copy.parent == tmp_path / "c-files"
    assert attachment["sha256"] == hashlib.sha256(shot.read_bytes()).hexdigest()
    assert attachment["original_name"] == shot.name
    assert attachment["sha256"] in added.out
    assert abri("check", case).code == 0

    with copy.open("ab") as handle:
        handle.write(b"edited")
    result = abri("check", case)
    assert result.code == 1
    assert attachment["path"] in result.err
    assert "E0001" in result.err
    assert read_case(case)["journal"][-1]["action"] == "check"

    copy.unlink()
    missing = abri("check", case)
    assert missing.code == 1
    assert attachment["path"] in missing.err


def test_the_same_screenshot_on_two_entries_is_stored_once(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    shot = make_png(tmp_path / "shot.png")
    abri("new", case)
    abri("add", case, "--url", X_URL, "--screenshot", shot)
    second = abri("add", case, "--content", "same picture, other post", "--screenshot", shot)
    assert second.code == 0, second.err
    assert "the same image is already attached to E0001" in second.out
    first, other = read_case(case)["evidence"]
    assert first["attachments"][0]["path"] == other["attachments"][0]["path"]
    assert len(list((tmp_path / "c-files").glob("*.png"))) == 1
    checked = abri("check", case)
    assert checked.code == 0, checked.err
    assert "2 entries, 1 attached file." in checked.out  # one file on disk, not two


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--url", "not a url at all"], "could not be read"),
        (["--url", X_URL, "--date", "31/02/2026 10:00"], "31/02/2026"),
        (["--url", X_URL, "--account-id", "abc"], "abc"),
        (["--url", X_URL, "--screenshot", "missing.png"], "missing.png"),
        (["--url", X_URL, "--category", "nonsense"], "nonsense"),
        ([], "--url"),
    ],
)
def test_user_mistakes_are_one_clear_sentence_and_change_nothing(
    abri: Abri, tmp_path: Path, args: list[str], expected: str
) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    before = case.read_bytes()
    result = abri("add", case, *args)
    assert result.code != 0
    assert expected in result.err
    assert "Traceback" not in result.all
    assert case.read_bytes() == before


def test_missing_case_and_folder_as_case_are_explained(abri: Abri, tmp_path: Path) -> None:
    missing = abri("check", tmp_path / "nowhere.toml")
    assert missing.code == 2
    assert "abri new" in missing.err
    folder = abri("add", tmp_path, "--url", X_URL)
    assert folder.code == 2
    assert "folder" in folder.err


# --------------------------------------------------------------------------- unreadable


@pytest.mark.parametrize(
    "content",
    [
        b'schema = 1\ntitle = "broken\n',
        b'\xef\xbb\xbfschema = 1\ntitle = "bom"\n',
        b'schema = 1\ntitle = 12\nlanguage = "en"\ntimezone = "Europe/Paris"\n'
        b"created = 2026-01-01T00:00:00Z\n",
    ],
    ids=["not-toml", "bom", "wrong-type"],
)
def test_unreadable_case_exit_2_with_locations_and_file_untouched(
    abri: Abri, tmp_path: Path, content: bytes
) -> None:
    case = tmp_path / "c.toml"
    case.write_bytes(content)
    runs = [
        lambda: run_program("check", case, cwd=tmp_path),  # the real program, once
        lambda: abri("add", case, "--url", X_URL),
        lambda: abri("import", case, tmp_path),
    ]
    for command in runs:
        result = command()
        assert result.code == 2, result
        assert "cannot be read" in result.err
        assert ":" in result.err.splitlines()[1]  # "  location: problem"
        assert "Traceback" not in result.all
        assert case.read_bytes() == content
    assert not (tmp_path / "c-files" / ".backups").exists()


def test_check_on_a_broken_file_with_a_backup_still_says_it_is_broken(
    abri: Abri, tmp_path: Path
) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", X_URL)  # the save keeps the previous version as a backup
    case.write_bytes(b"schema = 1\ntitle = [oops\n")
    result = abri("check", case)
    assert result.code == 2
    assert "cannot be read" in result.err
    assert case.read_bytes() == b"schema = 1\ntitle = [oops\n"


# --------------------------------------------------------------------------- languages


def test_output_follows_the_case_language_and_lang_forces_one(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    created = abri("new", case, "--lang", "fr")
    assert "Dossier créé" in created.out
    assert read_case(case)["language"] == "fr"

    added = abri("add", case, "--url", X_URL)  # no --lang: the case speaks French
    assert "Preuve E0001 ajoutée" in added.out
    assert "14/04/2021 17:10" in added.out
    assert "tirée du numéro du message" in added.out

    english = abri("check", case, "--lang", "en")
    assert "All is well" in english.out
    french_error = abri("add", case, "--url", "pas une adresse")
    assert "n'a pas pu être lue" in french_error.err


def test_system_language_when_there_is_no_case(
    abri: Abri, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    result = abri("check", tmp_path / "absent.toml")
    assert "Il n'y a pas de dossier" in result.err


def test_help_is_translated_and_version_is_printed(abri: Abri) -> None:
    english = abri("--help", "--lang", "en")
    assert english.code == 0
    assert "usage:" in english.out
    for command in ("new", "add", "import", "check", "export"):
        assert command in english.out
    french = abri("add", "--help", "--lang", "fr")
    assert french.code == 0
    assert "utilisation\u00a0:" in french.out  # French spacing
    assert "capture d'écran" in french.out

    version = run_program("--version")
    assert version.code == 0
    assert version.out.startswith("abri ")


def test_version_imports_no_heavy_module() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--version']) == 0\n"
        "names = ('textual', 'rich', 'docx', 'playwright', 'PIL')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_command_line_mistakes_exit_2_with_a_hint(abri: Abri, tmp_path: Path) -> None:
    result = abri("add", tmp_path / "c.toml", "--bogus")
    assert result.code == 2
    assert "--bogus" in result.err
    assert "abri --help" in result.err
    french = abri("new", "--lang", "fr")
    assert french.code == 2
    assert "il manque" in french.err


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_round_trips_and_never_reaches_the_terminal(
    abri: Abri, tmp_path: Path
) -> None:
    case = tmp_path / "c.toml"
    title = HOSTILE[:200]
    assert abri("new", case, "--title", title).code == 0
    added = abri(
        "add", case, "--url", X_URL, "--content", HOSTILE, "--handle", "\x1b[31mred\u202e",
    )  # fmt: skip
    assert added.code == 0, added.err
    checked = abri("check", case)
    assert checked.code == 0, checked.err
    for result in (added, checked):
        _no_terminal_controls(result.all)
    data = read_case(case)
    assert data["title"] == title
    assert data["evidence"][0]["content"] == HOSTILE
    # A URL made of escape sequences is refused, and its echo is made harmless too.
    bad = abri("add", case, "--url", "https://x.com/\x1b[2J/status/1")
    assert bad.code == 1
    _no_terminal_controls(bad.all)


# --------------------------------------------------------------------------- export


def test_export_prints_each_file_with_its_sha256(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", X_URL, "--content", HOSTILE)
    out = tmp_path / "out"
    result = abri("export", case, "--format", "csv,html,pharos", "--output", out)
    assert result.code == 0, result.err
    written = sorted(out.iterdir())
    assert sorted(path.suffix for path in written) == [".csv", ".html", ".txt"]
    for path in written:
        assert str(path) in result.out
        assert hashlib.sha256(path.read_bytes()).hexdigest() in result.out
    _no_terminal_controls(result.all)
    assert "export-written" in [line["action"] for line in read_case(case)["journal"]]


def test_export_without_a_browser_still_writes_and_lists_the_other_formats(
    abri: Abri, tmp_path: Path
) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", X_URL)
    out = tmp_path / "out"
    missing = tmp_path / "no-such-chromium"
    result = abri("export", case, "--format", "csv,pdf", "--output", out, "--chromium", missing)
    assert result.code == 1
    csv_file = next(out.glob("*.csv"))
    assert str(csv_file) in result.out
    assert not list(out.glob("*.pdf"))
    assert "Traceback" not in result.err and result.err.strip()


def test_export_unknown_format_is_a_usage_error(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    result = abri("export", case, "--format", "docx,odt")
    assert result.code == 2
    assert "odt" in result.err
    assert not (tmp_path / "exports").exists()


# --------------------------------------------------------------------------- plumbing


def test_a_case_path_alone_opens_the_app_and_commands_stay_commands() -> None:
    from tui.cli import _route

    assert _route(["alice.toml"]) == ["open", "alice.toml"]
    assert _route(["--lang", "fr", "alice.toml"]) == ["open", "--lang", "fr", "alice.toml"]
    assert _route([]) == ["open"]
    assert _route(["--help"]) == ["--help"]
    assert _route(["--lang", "en", "check", "a.toml"]) == ["--lang", "en", "check", "a.toml"]
    # A case file that happens to be called like a command still opens: "./new".
    assert _route(["./new"]) == ["open", "./new"]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["a.toml"],
        ["--lang", "fr", "a.toml"],
        ["a.toml", "--lang=en", "--theme", "abri-light"],
        ["--theme=", "./new"],
        ["--lang", "fr", "--lang", "en", ""],
        ["a", "b"],
        ["--lang", "de", "a"],
        ["a", "--help"],
        ["a", "--version"],
        ["--", "-a"],
        ["check", "a"],
        ["--theme"],
        ["a", "--theme", "-x"],
        ["a", "--the", "x"],
    ],
)
def test_opening_a_case_skips_the_parser_but_reads_the_same(argv: list[str]) -> None:
    """``abri [CASE]`` is read without building the parser (start-up), to the same result."""
    from tui.cli import _plain_open, _route, build_parser

    try:
        expected: object = vars(build_parser("en").parse_args(_route(argv)))
    except SystemExit:
        expected = None  # help, version or a mistake: left to the parser
    plain = _plain_open(argv)
    if plain is not None:
        assert vars(plain) == expected
    elif expected is not None:
        assert expected["command"] != "open" or argv[:1] == ["--"]


def test_export_formats_offered_are_the_exporters_formats() -> None:
    from tui.cli import EXPORT_FORMATS
    from tui.export import FORMATS

    assert EXPORT_FORMATS == FORMATS


def test_every_message_the_command_line_uses_exists_in_both_languages() -> None:
    import re

    from tui.core.i18n import catalog

    source = (ROOT / "tui" / "cli.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(cli\.[a-z_.-]+)"', source))
    assert len(keys) > 50
    for lang in ("fr", "en"):
        missing = sorted(key for key in keys if key not in catalog(lang))
        assert not missing, (lang, missing)
    unused = sorted(key for key in catalog("en") if key.startswith("cli.") and key not in keys)
    assert not unused


def test_a_case_from_a_newer_abri_is_checked_but_never_written(abri: Abri, tmp_path: Path) -> None:
    case = tmp_path / "c.toml"
    abri("new", case)
    current = f"schema = {SCHEMA_VERSION}"
    newer = case.read_text(encoding="utf-8").replace(current, "schema = 99", 1)
    case.write_text(newer, encoding="utf-8")
    before = case.read_bytes()

    checked = abri("check", case)
    assert checked.code == 0, checked.err
    assert "read-only" in checked.err
    added = abri("add", case, "--url", X_URL)
    assert added.code == 1
    assert "Traceback" not in added.all
    assert case.read_bytes() == before


def test_check_while_the_app_has_the_case_open_leaves_the_file_alone(
    abri: Abri, tmp_path: Path
) -> None:
    import json
    import socket

    case = tmp_path / "c.toml"
    abri("new", case)
    before = case.read_bytes()
    marker = tmp_path / ".c.toml.open"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        marker.write_text(
            json.dumps({"host": socket.gethostname(), "pid": running.pid, "at": "now"}),
            encoding="utf-8",
        )
        checked = abri("check", case)
        # Verified and reported, but nothing written: the running Abri's next save
        # must not meet a file changed behind its back.
        assert checked.code == 0, checked.err
        assert "journal" in checked.all
        assert case.read_bytes() == before
        assert json.loads(marker.read_text(encoding="utf-8"))["pid"] == running.pid
    finally:
        running.kill()
        running.wait()


def test_export_while_the_app_has_the_case_open_leaves_the_file_alone(
    abri: Abri, tmp_path: Path
) -> None:
    """Trial: journalling the export made the running app's next save a conflict; the
    entry the person had just added went to a copy, and was gone on reopening."""
    import json
    import socket

    case = tmp_path / "c.toml"
    abri("new", case)
    abri("add", case, "--url", X_URL)
    before = case.read_bytes()
    marker = tmp_path / ".c.toml.open"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        marker.write_text(
            json.dumps({"host": socket.gethostname(), "pid": running.pid, "at": "now"}),
            encoding="utf-8",
        )
        exported = abri("export", case, "--format", "csv", "--output", str(tmp_path / "out"))
        assert exported.code == 0, exported.err
        assert list((tmp_path / "out").glob("*.csv"))
        assert "journal" in exported.all
        assert case.read_bytes() == before
    finally:
        running.kill()
        running.wait()


def test_a_time_in_the_repeated_hour_with_a_screenshot_is_added_and_checks_out(
    abri: Abri, tmp_path: Path
) -> None:
    """Clocks go back at 03:00 on 25/10/2026 in Paris: 02:30 happens twice."""
    case = tmp_path / "t.toml"
    abri("new", case, "--timezone", "Europe/Paris")
    shot = make_png(tmp_path / "x.png")
    added = abri(
        "add",
        case,
        "--url",
        "https://www.facebook.com/someone/posts/123",
        "--date",
        "25/10/2026 02:30",
        "--screenshot",
        shot,
    )
    assert added.code == 0, added.all
    assert "happened twice" in added.err  # the person is told which one was kept
    [entry] = read_case(case)["evidence"]
    # The first 02:30 (summer time, UTC+2) is kept, to the second.
    assert entry["posted_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    folder = tmp_path / "t-files"
    on_disk = {p.name for p in folder.iterdir() if p.is_file()}
    assert on_disk == {entry["attachments"][0]["path"].split("/", 1)[1]}
    checked = abri("check", case)
    assert checked.code == 0, checked.all
