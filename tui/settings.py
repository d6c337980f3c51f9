"""User settings: a small TOML file in the user's config folder.

It holds only preferences and where the last case was: the last case's path,
the theme and the keymap.  Never any case content - a helper's machine must not keep a copy of
what a victim typed.  ``ABRI_CONFIG_DIR`` and ``ABRI_DATA_DIR`` override the
platformdirs folders (tests and portable installs use them).

Reading never fails: a missing or broken settings file gives the defaults (and a
broken one is left untouched until the next explicit change).  Writing is atomic.

The keymap (``[keymap]`` table: binding id -> keys) changes the keys of the app::

    [keymap]
    app-quit = "ctrl+q,f10"      # several keys: comma-separated
    evidence-add = "insert"

Every binding id is listed in ``docs/keys.md``.  :func:`check_keymap` sorts the
entries into those applied (with Textual's ``App.set_keymap``) and the problems,
which help (f1) shows; a wrong entry never stops the app.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

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
    language: str = ""
    """The language last used (the last case's, or the one switched to): the screens
    shown before a case is open speak it rather than the system's (often C over SSH)."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, as written in the ``[keymap]`` table (checked when applied)."""

    @classmethod
    def load(cls) -> Settings:
        """The saved settings, or the defaults if the file is missing or unreadable."""
        path = config_dir() / SETTINGS_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return cls()
        values: dict[str, Any] = {}
        for item in fields(cls):
            value = data.get(item.name)
            if item.name == "keymap":
                if isinstance(value, dict):
                    # Kept as written (strings only), so that saving the theme later
                    # does not drop an entry; check_keymap says what is wrong with it.
                    values["keymap"] = {
                        str(key): keys for key, keys in value.items() if isinstance(keys, str)
                    }
            elif isinstance(value, str):
                values[item.name] = value
        return cls(**values)

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

    def update(self, **values: Any) -> None:
        """Change some settings and save them; a failure to save is ignored."""
        for key, value in values.items():
            setattr(self, key, value)
        with contextlib.suppress(OSError):
            self.save()


# --------------------------------------------------------------------------- keymap

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")
_BINDING_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def key_problem(keys: str) -> str | None:
    """Why ``keys`` (``"ctrl+q,f10"``) is not a valid key list, or None if it is.

    Each key is ``[modifier+]...name``: modifiers ctrl, shift, alt, meta, super,
    hyper; a name like ``a``, ``f10``, ``delete``, ``question_mark``, ``plus``, or
    one printable character (``?``).
    """
    if not keys.strip():
        return "no key given"
    for key in keys.split(","):
        key = key.strip()
        *modifiers, name = key.split("+")
        if "" in modifiers or (not name and modifiers):
            return f"{key!r}: a key is missing around '+' (the + key itself is written plus)"
        bad = [modifier for modifier in modifiers if modifier not in _MODIFIERS]
        if bad:
            return f"{key!r}: unknown modifier {bad[0]!r} (known: {', '.join(_MODIFIERS)})"
        if not name:
            return "an empty key between commas"
        printable = len(name) == 1 and name.isprintable() and not name.isspace()
        if not (printable or _KEY_NAME.match(name)):
            return f"{key!r}: not a key name (examples: a, f10, delete, ctrl+n)"
    return None


def check_keymap(
    keymap: Mapping[str, str], known_ids: Collection[str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Split a keymap into what can be applied and one sentence per problem.

    An entry is applied when its id looks like a binding id (and, if ``known_ids``
    is given, is one of them) and its keys are valid; keys are kept as written,
    without spaces around the commas.
    """
    applied: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if not _BINDING_ID.match(binding_id):
            problems.append(f"{binding_id[:40]!r} is not a binding id")
            continue
        if known_ids is not None and binding_id not in known_ids:
            problems.append(f"{binding_id!r} is not a binding of Abri (see docs/keys.md)")
            continue
        problem = key_problem(keys)
        if problem:
            problems.append(f"{binding_id}: {problem}")
            continue
        applied[binding_id] = ",".join(key.strip() for key in keys.split(","))
    return applied, problems
