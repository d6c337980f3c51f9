"""User settings: a small TOML file in the user's config folder.

It holds only preferences and where the last case was: the last case's path and
the theme.  Never any case content - a helper's machine must not keep a copy of
what a victim typed.  ``ABRI_CONFIG_DIR`` and ``ABRI_DATA_DIR`` override the
platformdirs folders (tests and portable installs use them).

Reading never fails: a missing or broken settings file gives the defaults (and a
broken one is left untouched until the next explicit change).  Writing is atomic.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs
import tomli_w

APP_NAME = "abri"
SETTINGS_FILE = "settings.toml"


def config_dir() -> Path:
    """The folder of the settings file and of user themes (``ABRI_CONFIG_DIR`` wins)."""
    override = os.environ.get("ABRI_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_themes_dir() -> Path:
    """Where a user can drop their own theme files (``<config>/themes``)."""
    return config_dir() / "themes"


def default_cases_dir() -> Path:
    """Where ``abri`` alone creates a new case: ``ABRI_DATA_DIR``, else Documents/Abri.

    Falls back to the platformdirs data folder when there is no documents folder
    (servers reached over SSH often have none).
    """
    override = os.environ.get("ABRI_DATA_DIR")
    if override:
        return Path(override)
    documents = Path(platformdirs.user_documents_dir())
    if documents.is_dir():
        return documents / "Abri"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def removable_media() -> list[Path]:
    """Mounted removable media (USB sticks), the places a case usually lives.

    ``/media/$USER/*``, ``/run/media/$USER/*`` (Linux desktops) and ``/Volumes/*``
    (macOS), sorted, folders only.  ``ABRI_MEDIA_DIRS`` (folders separated by
    ``os.pathsep``) replaces those three parents: tests and portable installs use it.
    Never fails: an unreadable parent gives nothing.
    """
    override = os.environ.get("ABRI_MEDIA_DIRS")
    if override is not None:
        parents = [Path(part) for part in override.split(os.pathsep) if part]
    else:
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
        parents = [Path("/Volumes")]
        if user:
            parents[:0] = [Path("/media") / user, Path("/run/media") / user]
    found: list[Path] = []
    for parent in parents:
        try:
            children = sorted(parent.iterdir())
        except OSError:
            continue
        for child in children:
            with contextlib.suppress(OSError):
                # /Volumes also lists the system disk as a link to "/": not removable.
                if child.is_dir() and not (child.is_symlink() and child.resolve() == Path("/")):
                    found.append(child)
    return found


@dataclass
class Settings:
    """Preferences kept between runs (never case content)."""

    last_case: str = ""
    """Absolute path of the case opened last, reopened by ``abri`` alone."""
    theme: str = ""
    """Name of the chosen theme; empty means the default calm dark theme."""

    @classmethod
    def load(cls) -> Settings:
        """The saved settings, or the defaults if the file is missing or unreadable."""
        path = config_dir() / SETTINGS_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return cls()
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        return cls(**{key: value for key, value in values.items() if isinstance(value, str)})

    def save(self) -> None:
        """Write the settings atomically (temp file in the same folder, then replace).

        Raises OSError when the folder cannot be written; callers treat that as a
        non-fatal inconvenience (the app works without remembered settings).
        """
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / SETTINGS_FILE
        text = tomli_w.dumps({field.name: getattr(self, field.name) for field in fields(self)})
        temp = folder / f".{SETTINGS_FILE}.{os.getpid()}.tmp"
        # 0600 like the case file: the last case's path says who is being helped.
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with contextlib.suppress(OSError):
            os.fchmod(descriptor, 0o600)  # an older temp file may have had other rights
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)

    def update(self, **values: str) -> None:
        """Change some settings and save them; a failure to save is ignored."""
        for key, value in values.items():
            setattr(self, key, value)
        with contextlib.suppress(OSError):
            self.save()
