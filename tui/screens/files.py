"""A keyboard file picker: choose a case file to open, or a folder for a new case.

It starts where a case usually lives: mounted removable media first (USB sticks,
see :func:`tui.settings.removable_media`), then this computer's case folder and
the home folder, then the folders disks are mounted under (``/media``,
``/run/media``, ``/mnt``: a stick mounted by hand, or for another user, is not in
the first list) and the whole computer (``/``).  Arrows move, ``enter`` opens a
folder or picks the case file, ``backspace`` goes up — above the home folder too,
up to ``/``, and from ``/`` back to the starting places — ``escape`` goes back
without choosing.  Any folder the person may read can be reached; one that cannot
be read says why.  In folder mode the first line of every folder is "create the
case here".

Names on a stick were written by anybody: they are shown literally (control and
bidi characters made visible), never as markup.  A folder is listed once, up to
:data:`MAX_ITEMS` names, so a huge folder does not freeze the screen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.text import one_line, visible
from tui.settings import default_cases_dir, removable_media
from tui.shell import shell
from tui.widgets.status import KeysFooter

Mode = Literal["open", "folder"]

MAX_ITEMS = 500
"""Names listed per folder (the rest is said, not shown)."""

HERE = "\x00here"
UP = "\x00up"
ROOTS = "\x00roots"


MOUNT_FOLDERS = (Path("/media"), Path("/run/media"), Path("/mnt"))
"""Where disks are mounted on Linux, listed when they exist (after the sticks found)."""


def places() -> list[tuple[str, Path]]:
    """The starting places, removable media first: (kind, folder), kind ``media``,
    ``cases`` (this computer's case folder), ``home``, ``mounts`` (a folder disks
    are mounted under) or ``root`` (the whole computer, last)."""
    found: list[tuple[str, Path]] = [("media", path) for path in removable_media()]
    found.append(("cases", default_cases_dir()))
    home = Path.home()
    if home.is_dir():
        found.append(("home", home))
    for folder in MOUNT_FOLDERS:
        try:
            if folder.is_dir():
                found.append(("mounts", folder))
        except OSError:
            continue
    root = Path(home.anchor or os.sep)
    if root not in {path for _kind, path in found}:
        found.append(("root", root))
    return found


def _label(path: Path) -> str:
    return visible(one_line(str(path), 200))


class FilePicker(Screen[Path | None]):
    """Pick a case file (``mode="open"``) or a folder (``mode="folder"``).

    Dismisses with the chosen path, or None when the person went back.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "app.key.back", id="picker-back"),
        Binding("backspace", "up", "app.key.up", id="picker-up"),
    ]
    RECOMPOSE_ON_LANGUAGE = True

    def __init__(self, mode: Mode = "open", start: Path | None = None) -> None:
        super().__init__()
        self.mode: Mode = mode
        self.folder: Path | None = start
        """The folder listed, or None for the starting places."""

    def compose(self) -> ComposeResult:
        app = shell(self.app)
        with Vertical(id="picker"):
            yield Static(Content(app.tr(f"app.picker.title-{self.mode}")), id="picker-title")
            yield Static("", id="picker-where", markup=False)
            yield OptionList(id="picker-list")
            yield Static("", id="picker-note", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show(self.folder)

    def _show(self, folder: Path | None) -> None:
        app = shell(self.app)
        self.folder = folder
        options: list[Option] = []
        note = ""
        where = self.query_one("#picker-where", Static)
        if folder is None:
            where.update(Content(app.tr(f"app.picker.places-{self.mode}")))
            for kind, path in places():
                label = app.tr(f"app.picker.place-{kind}", path=_label(path))
                options.append(Option(Content(label), id=str(path)))
        else:
            where.update(Content(app.tr("app.picker.in", path=_label(folder))))
            if self.mode == "folder":
                options.append(Option(Content(app.tr("app.picker.here")), id=HERE))
            options.append(Option(Content(app.tr("app.picker.up")), id=UP))
            folders, cases, more = self._list(folder)
            for path in folders:
                options.append(Option(Content(visible(path.name) + "/"), id=str(path)))
            for path in cases:
                options.append(Option(Content(visible(path.name)), id=str(path)))
            if more:
                note = app.tr("app.picker.more", count=more)
            elif not folders and not cases and self.mode == "open":
                note = app.tr("app.picker.no-case")
        self.query_one("#picker-note", Static).update(Content(note))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        listing.highlighted = 0 if options else None
        listing.focus()

    def _list(self, folder: Path) -> tuple[list[Path], list[Path], int]:
        """Sub-folders and (open mode) ``.toml`` files of ``folder``, and how many more."""
        folders: list[Path] = []
        cases: list[Path] = []
        try:
            with os.scandir(folder) as entries:
                names = sorted(entries, key=lambda entry: entry.name.casefold())
        except FileNotFoundError:
            return [], [], 0  # this computer's case folder before the first case
        except OSError as error:
            self.notify(one_line(str(error), 300), markup=False, timeout=6)
            return [], [], 0
        for entry in names:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                # An evidence folder is part of its case, never where a case is chosen.
                stem = entry.name.removesuffix("-files")
                if (
                    self.mode == "open"
                    and stem != entry.name
                    and (folder / f"{stem}.toml").is_file()
                ):
                    continue
                folders.append(Path(entry.path))
            elif self.mode == "open" and entry.name.endswith(".toml"):
                cases.append(Path(entry.path))
        total = len(folders) + len(cases)
        keep_folders = folders[:MAX_ITEMS]
        keep_cases = cases[: max(MAX_ITEMS - len(keep_folders), 0)]
        return keep_folders, keep_cases, total - len(keep_folders) - len(keep_cases)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or ""
        if choice == HERE and self.folder is not None:
            self.dismiss(self.folder)
        elif choice == UP:
            self.action_up()
        elif choice:
            path = Path(choice)
            if path.is_dir() or (self.folder is None and self.mode == "folder"):
                self._show(path)
            elif path.is_file():
                self.dismiss(path)
            else:
                self.notify(
                    shell(self.app).tr("app.picker.gone", path=_label(path)),
                    markup=False,
                    timeout=6,
                )
                self._show(self.folder)

    def action_up(self) -> None:
        """The parent folder, above the starting places too (a stick mounted under
        ``/mnt`` is above home); from ``/``, back to the starting places."""
        if self.folder is None:
            return
        parent = self.folder.parent
        self._show(None if parent == self.folder else parent)

    def action_back(self) -> None:
        """Go back without choosing anything."""
        self.dismiss(None)
