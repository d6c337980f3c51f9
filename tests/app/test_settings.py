"""User settings and new-case file names: never case content, never a crash, FAT-safe names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.screens.start import file_stem, new_case_path
from tui.settings import Settings, config_dir, default_cases_dir


def test_settings_round_trip_in_the_config_folder(isolated_user_dirs: Path) -> None:
    Settings(last_case="/media/usb/alice.toml", theme="abri-light").save()
    assert config_dir() == isolated_user_dirs / "config"
    assert Settings.load() == Settings(last_case="/media/usb/alice.toml", theme="abri-light")
    assert default_cases_dir() == isolated_user_dirs / "data"


@pytest.mark.parametrize(
    "content",
    [b"theme = [", b"\xff\xfe not utf-8", b'theme = 3\nlast_case = ["x"]\nunknown = "y"\n'],
)
def test_a_broken_settings_file_gives_the_defaults(
    isolated_user_dirs: Path, content: bytes
) -> None:
    folder = isolated_user_dirs / "config"
    folder.mkdir(parents=True)
    (folder / "settings.toml").write_bytes(content)
    assert Settings.load() == Settings()


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Alice", "alice"),
        ("Élise M.", "elise-m"),
        ("CON", "case-con"),
        ("com1", "case-com1"),
        ("???", "case"),
        ("", "case"),
        ("[@click=app.quit]x[/] \x1b[2J ../../etc", "click-app-quit-x-2j-etc"),
        ("😡" * 50 + "z" * 100, "z" * 40),
    ],
)
def test_file_names_from_titles_are_ascii_and_fat_safe(title: str, stem: str) -> None:
    assert file_stem(title) == stem


def test_a_new_case_path_never_reuses_a_file_or_an_evidence_folder(tmp_path: Path) -> None:
    (tmp_path / "alice.toml").write_text("x", encoding="utf-8")
    (tmp_path / "alice-2-files").mkdir()
    assert new_case_path(tmp_path, "Alice") == tmp_path / "alice-3.toml"
