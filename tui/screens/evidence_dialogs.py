"""Small dialogs of the evidence table: confirm, message, bulk add, file picker.

Each is a typed ``ModalScreen[T]`` closed with ``dismiss(value)``; the caller passes
a callback.  Every text shown here is either a translated message or case text
passed as :class:`~textual.content.Content` (never parsed as markup) after
:mod:`tui.core.text` made it visible.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import ClassVar

from rich.text import Text, TextType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, ProgressBar, Static, TextArea

from tui.core.i18n import t
from tui.core.text import one_line, visible
from tui.screens.dialogs import ConfirmDialog as ConfirmDialog
from tui.widgets.status import KeysFooter


def plain(text: str) -> Content:
    """Untrusted or translated text as a Content that no markup parser will touch."""
    return Content(visible(text))


class PathSuggester(Suggester):
    """Completes a file path from what exists on disk (the Input's grey suggestion).

    The right arrow accepts the suggestion, as tab does in a shell.
    """

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first existing path that starts with ``value`` (folders end with ``/``)."""
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, _, start = expanded.rpartition(os.sep)
        base = Path(folder or ("/" if expanded.startswith(os.sep) else "."))
        try:
            names = sorted(entry.name for entry in os.scandir(base) if entry.name.startswith(start))
        except OSError:
            return None
        for name in names:
            if name.startswith(".") and not start.startswith("."):
                continue
            candidate = base / name
            completion = name + (os.sep if candidate.is_dir() else "")
            # Keep what the person typed (e.g. "~/") and add the rest of the name.
            return value + completion[len(start) :]
        return None


class SafeDirectoryTree(DirectoryTree):
    """A DirectoryTree whose file names cannot send control codes to the terminal.

    A downloaded file's name is chosen by whoever made it: it may hold ESC or bidi
    characters, which :func:`one_line` makes visible.
    """

    def process_label(self, label: TextType) -> Text:
        if isinstance(label, str):
            return Text(one_line(label, 200), no_wrap=True)
        return super().process_label(label)


class MessageDialog(ModalScreen[None]):
    """A report to read (e.g. what a bulk add did); any of enter/escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "app.key.close", show=False)
    ]

    def __init__(self, title: str, body: str, *, lang: str) -> None:
        super().__init__(classes="evidence-dialog")
        self.title_text = title
        self.body = body
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self.title_text), classes="dialog-question")
            area = TextArea(visible(self.body), read_only=True, id="message-body")
            yield area
            yield Static(plain(t("evidence.message.keys", self.lang)), classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class ProgressDialog(ModalScreen[None]):
    """Work running in a worker thread (copying a folder of screenshots): a bar, and
    ``escape`` to stop it.  The worker reads :attr:`stop` and reports with
    :meth:`progress_from_thread`; the caller dismisses the dialog when it is done."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "stop", id="progress-stop", priority=True),
    ]

    def __init__(self, title: str, *, lang: str) -> None:
        super().__init__(classes="evidence-dialog")
        self.title_text = title
        self.lang = lang
        self.stop = threading.Event()
        """Set when the person asked to stop (the worker checks it between chunks)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self.title_text), classes="dialog-question")
            yield ProgressBar(total=None, show_eta=False, id="progress-bar")
            yield Static("", id="progress-count", classes="dialog-detail")
            yield Static(plain(t("evidence.progress.keys", self.lang)), classes="dialog-keys")

    def progress_from_thread(self, done: int, total: int) -> None:
        """Called from the worker thread: show ``done`` of ``total``."""
        # RuntimeError: the app is closing; nobody is left to show it to.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._show, done, total)

    def _show(self, done: int, total: int) -> None:
        if not self.is_mounted:
            return
        self.query_one("#progress-bar", ProgressBar).update(total=max(total, 1), progress=done)
        count = t("evidence.progress.count", self.lang, done=done, total=total)
        self.query_one("#progress-count", Static).update(plain(count))

    def action_stop(self) -> None:
        self.stop.set()


class BulkAddDialog(ModalScreen[str | None]):
    """A box where one pastes many URLs, one per line; ``ctrl+s`` adds them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "add", "evidence.key.bulk-add", priority=True, id="evidence-bulk-save"),
        Binding("escape", "cancel", "evidence.key.cancel", id="evidence-bulk-cancel"),
    ]

    def __init__(self, *, lang: str) -> None:
        super().__init__(classes="evidence-dialog")
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box dialog-wide"):
            yield Static(plain(t("evidence.bulk.title", self.lang)), classes="dialog-question")
            yield Static(plain(t("evidence.bulk.help", self.lang)), classes="dialog-detail")
            yield TextArea(id="bulk-urls", soft_wrap=False)
            yield Static(plain(t("evidence.bulk.keys", self.lang)), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#bulk-urls", TextArea).focus()

    def action_add(self) -> None:
        self.dismiss(self.query_one("#bulk-urls", TextArea).text)

    def action_cancel(self) -> None:
        text = self.query_one("#bulk-urls", TextArea).text
        if not text.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(t("evidence.confirm.discard", self.lang), lang=self.lang), answered
        )


class FilePicker(ModalScreen[Path | None]):
    """Choose a file (or, with ``folder=True``, a folder) with the keyboard.

    A path field with completion on top, a folder tree below: ``enter`` on a file
    picks it; ``ctrl+s`` picks what the path field or the tree's cursor shows.
    """

    last_folder: ClassVar[Path | None] = None
    """Where the last pick was, so the next one opens there (screenshots come in series)."""

    @classmethod
    def start_near(cls, case_path: Path | None) -> Path:
        """Where a picker opens: the last pick's folder, else the case's folder, else here."""
        for candidate in (cls.last_folder, case_path.parent if case_path else None):
            if candidate is not None and candidate.is_dir():
                return candidate
        return Path.cwd()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "choose", "evidence.key.choose", priority=True, id="evidence-picker-choose"
        ),
        Binding("escape", "cancel", "evidence.key.cancel", id="evidence-picker-cancel"),
    ]

    def __init__(self, start: Path, *, folder: bool, lang: str) -> None:
        super().__init__(classes="evidence-dialog")
        self.start = start
        self.folder = folder
        self.lang = lang

    def compose(self) -> ComposeResult:
        key = "evidence.picker.folder" if self.folder else "evidence.picker.file"
        with Vertical(classes="dialog-box dialog-wide"):
            yield Static(plain(t(key, self.lang)), classes="dialog-question")
            with Horizontal(classes="picker-path"):
                yield Input(
                    str(self.start) + os.sep,
                    id="picker-path",
                    suggester=PathSuggester(),
                    placeholder=t("evidence.picker.placeholder", self.lang),
                )
            yield Static("", id="picker-error", classes="field-error")
            yield SafeDirectoryTree(self.start, id="picker-tree")
            yield Static(plain(t("evidence.picker.keys", self.lang)), classes="dialog-keys")
        yield KeysFooter()  # translated keys, and the quick exit

    def on_mount(self) -> None:
        self.query_one("#picker-path", Input).focus()

    def _pick(self, path: Path) -> None:
        error = self.query_one("#picker-error", Static)
        if self.folder and not path.is_dir():
            error.update(plain(t("evidence.picker.not-folder", self.lang, path=str(path))))
            return
        if not self.folder and not path.is_file():
            error.update(plain(t("evidence.picker.not-file", self.lang, path=str(path))))
            return
        FilePicker.last_folder = path.parent
        self.dismiss(path)

    @on(Input.Submitted, "#picker-path")
    def submitted(self, event: Input.Submitted) -> None:
        path = Path(os.path.expanduser(event.value.strip()))
        if path.is_dir() and not self.folder:
            # Enter on a folder: show it in the tree, so the person can walk down into it.
            self.query_one("#picker-tree", DirectoryTree).path = path
            self.query_one("#picker-tree", DirectoryTree).focus()
            return
        self._pick(path)

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        if not self.folder:
            self._pick(Path(event.path))

    @on(DirectoryTree.DirectorySelected)
    def directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#picker-path", Input).value = str(event.path) + os.sep

    @on(DirectoryTree.NodeHighlighted)
    def highlighted(self, event: DirectoryTree.NodeHighlighted[object]) -> None:
        data = event.node.data
        path = getattr(data, "path", None)
        if path is not None:
            self.query_one("#picker-path", Input).value = str(path)

    def action_choose(self) -> None:
        value = self.query_one("#picker-path", Input).value.strip()
        self._pick(Path(os.path.expanduser(value.rstrip(os.sep) or os.sep)))

    def action_cancel(self) -> None:
        self.dismiss(None)
