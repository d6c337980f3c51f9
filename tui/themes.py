"""Themes: shipped ones (``themes/``, packaged as ``tui/themes_data``) and the user's own.

A theme is a small TOML file::

    name = "abri-dark"                 # unique id, used by --theme and the settings
    dark = true
    [label]                            # what the palette shows, per language
    fr = "Abri sombre (calme)"
    en = "Abri dark (calm)"
    [colors]                           # Textual theme colours; primary is required
    primary = "#7fa7c9"
    background = "#1d2126"
    [variables]                        # optional Textual theme variables
    footer-key-foreground = "#e6c07b"

Every colour is checked with ``textual.color.Color.parse`` when the file is read:
Textual would otherwise crash at the next repaint.  A file with any bad value is
not loaded; the problem names the file and the value, and the app falls back to
the default theme.  Users drop their own files into ``<config>/themes/``; a user
theme with the name of a shipped one replaces it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from tui.settings import user_themes_dir

DEFAULT_THEME = "abri-dark"
"""The calm dark theme every case opens with unless the user chose another."""

COLOR_KEYS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)

MAX_THEME_BYTES = 64 * 1024
"""A theme file is a few lines; anything bigger is not a theme."""


@dataclass
class ThemeProblem:
    """Why one theme file was not loaded (shown to the user, translated by the app)."""

    file: str
    detail: str


@dataclass
class LoadedThemes:
    """The themes that passed validation, their labels, and the files that did not."""

    themes: dict[str, Theme] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[ThemeProblem] = field(default_factory=list)

    def label(self, name: str, lang: str) -> str:
        """The name to show for a theme in ``lang`` (falls back to its id)."""
        labels = self.labels.get(name, {})
        return labels.get(lang) or labels.get("en") or name


def _check_color(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: not a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{where} = {value!r} is not a colour") from None
    return value


def parse_theme(text: str) -> tuple[Theme, dict[str, str]]:
    """A validated Textual ``Theme`` and its labels, from a theme file's text.

    Raises ValueError (one readable sentence) on any missing or invalid value.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"not valid TOML ({error})") from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        raise ValueError("missing or invalid 'name'")
    colors = data.get("colors", {})
    if not isinstance(colors, dict) or "primary" not in colors:
        raise ValueError("[colors] needs at least 'primary'")
    checked: dict[str, str] = {}
    for key, value in colors.items():
        if key not in COLOR_KEYS:
            raise ValueError(f"unknown colour '{key}'")
        checked[key] = _check_color(value, key)
    variables: dict[str, str] = {}
    raw_variables = data.get("variables", {})
    if not isinstance(raw_variables, dict):
        raise ValueError("[variables] must be a table")
    for key, value in raw_variables.items():
        if not isinstance(value, str):
            raise ValueError(f"variable '{key}' must be a string")
        # A few Textual variables are text styles ("bold"), the rest are colours.
        variables[key] = value if key.endswith("text-style") else _check_color(value, key)
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("'dark' must be true or false")
    labels_raw = data.get("label", {})
    labels = (
        {str(k): str(v) for k, v in labels_raw.items() if isinstance(v, str)}
        if isinstance(labels_raw, dict)
        else {}
    )
    theme = Theme(
        name=name.strip(),
        primary=checked["primary"],
        secondary=checked.get("secondary"),
        warning=checked.get("warning"),
        error=checked.get("error"),
        success=checked.get("success"),
        accent=checked.get("accent"),
        foreground=checked.get("foreground"),
        background=checked.get("background"),
        surface=checked.get("surface"),
        panel=checked.get("panel"),
        boost=checked.get("boost"),
        dark=dark,
        variables=variables,
    )
    return theme, labels


def _theme_sources() -> list[tuple[str, str]]:
    """(file name, text) of every theme file: shipped first, then the user's."""
    sources: list[tuple[str, str]] = []
    shipped = resources.files("tui").joinpath("themes_data")
    for item in sorted(shipped.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            sources.append((item.name, item.read_text(encoding="utf-8")))
    folder = user_themes_dir()
    try:
        user_files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    except OSError:
        user_files = []
    for path in user_files:
        sources.append((str(path), _read_small(path)))
    return sources


def _read_small(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_THEME_BYTES + 1)
    except OSError as error:
        return f"\x00unreadable: {error.strerror or error}"
    if len(raw) > MAX_THEME_BYTES:
        return "\x00too big to be a theme"
    return raw.decode("utf-8", errors="replace")


def load_themes() -> LoadedThemes:
    """Every valid theme (shipped, then user files), and a problem per rejected file."""
    loaded = LoadedThemes()
    for file_name, text in _theme_sources():
        if text.startswith("\x00"):
            loaded.problems.append(ThemeProblem(file_name, text[1:]))
            continue
        try:
            theme, labels = parse_theme(text)
        except ValueError as error:
            loaded.problems.append(ThemeProblem(file_name, str(error)))
            continue
        loaded.themes[theme.name] = theme
        loaded.labels[theme.name] = labels
    return loaded
