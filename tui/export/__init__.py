"""Exports: what the victim carries to the gendarmerie, the police or a lawyer.

One entry point, :func:`export_case`, used by the CLI (``abri export``) and the
export screen alike.  Formats:

- ``docx``: Word dossier, A4 landscape, the 4-column table with the screenshots;
- ``pdf``: the same dossier rendered from HTML by headless Chromium;
- ``html``: that HTML as one self-contained file;
- ``xlsx``: the spreadsheet for people: every ID and URL a text cell, intact;
- ``csv``: one row per entry for programs (UTF-8 with BOM, formulas made inert;
  spreadsheets turn long IDs into floats: people get the .xlsx);
- ``pharos``: texts to paste into the PHAROS form (public messages only), and a
  one-page summary;
- ``complaint``: a complaint draft (plainte contre X, letter to the procureur);
- ``zip``: the case file, its evidence folder, the other exports of the run and a
  ``SHA256SUMS`` file that ``sha256sum -c`` accepts.

Every file is written under a temporary name in the destination folder and renamed
at the end, so a cancelled or failed export leaves nothing under a final name.
Each file written is recorded in the case journal (``export-written``).
No Textual or rich here; python-docx and Playwright are imported only when used.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.i18n import t
from tui.export.common import (
    CaseSource,
    Dossier,
    ExportCancelled,
    ExportError,
    Progress,
    Scope,
    bordereau_text,
    export_name,
    make_dossier,
    sha256_path,
    temp_path,
)
from tui.export.pdf_writer import WORK_PREFIX, find_chromium, no_chromium_message

if TYPE_CHECKING:
    from tui.export.html_writer import HtmlDossier, Stream

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "ExportCancelled",
    "ExportError",
    "PartialExport",
    "Scope",
    "Written",
    "default_output_dir",
    "describe_formats",
    "export_case",
    "find_chromium",
    "missing_chromium",
    "no_chromium_message",
    "parse_formats",
]

FORMATS: tuple[str, ...] = ("docx", "pdf", "html", "xlsx", "csv", "pharos", "complaint", "zip")
"""Every format, in the order they are produced (the bundle last: it holds the others)."""

SUFFIXES = {
    "docx": ".docx",
    "pdf": ".pdf",
    "html": ".html",
    "xlsx": ".xlsx",
    "csv": ".csv",
    "pharos": "-pharos.txt",
    "complaint": "-plainte.docx",
    "zip": "-bundle.zip",
}


class PartialExport(ExportError):
    """Some formats could not be written; ``written`` lists those that were.

    ``str(e)`` gives the reason for each failed format (one sentence each).
    """

    def __init__(self, message: str, written: list[Written]) -> None:
        super().__init__(message)
        self.written = written


@dataclass(frozen=True)
class Written:
    """One file an export produced."""

    path: Path
    sha256: str
    format: str


Journal = Callable[[str, str], None]
"""``journal(action, detail)``: records a line in the case journal (and saves)."""


def default_output_dir(case_path: Path) -> Path:
    """``exports/`` beside the case file (never the system temp folder)."""
    return case_path.parent / "exports"


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """``"docx,pdf"`` -> ``["docx", "pdf"]`` in production order.

    Raises ValueError whose message is the first unknown format."""
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = {item.strip().lower() for item in items if item.strip()}
    if "all" in wanted:
        wanted = set(FORMATS)
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(unknown[0])
    return [fmt for fmt in FORMATS if fmt in wanted]


def _journal_of(casefile: CaseSource) -> Journal | None:
    record = getattr(casefile, "record", None)
    return record if callable(record) else None


def export_case(
    casefile: CaseSource,
    formats: Iterable[str],
    output_dir: Path | None = None,
    *,
    scope: Scope | None = None,
    lang: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    chromium: str | None = None,
    journal: Journal | None = None,
    now: datetime | None = None,
) -> list[Written]:
    """Write the asked formats into ``output_dir`` and return what was written.

    ``lang`` defaults to the case's language.  ``progress(done, total, what)`` is
    called from this thread.  ``journal`` defaults to ``casefile.record``; the TUI
    passes its own (the app journals and saves).  Raises :class:`ExportCancelled`
    when ``cancel`` is set (files already finished stay, nothing half-written does),
    :class:`ExportError` (one clear sentence) when the folder cannot be made, and
    :class:`PartialExport` after the run when some formats failed (no Chromium for
    the PDF...): the others are still written, journalled and listed in ``written``.
    """
    wanted = parse_formats(formats)
    when = now or datetime.now(UTC)
    dossier = make_dossier(casefile, scope, lang, when)
    tr = dossier.tr
    folder = output_dir if output_dir is not None else default_output_dir(casefile.path)
    if not folder.parent.is_dir():
        # Only the last folder is ever made: a missing one above it is most likely a
        # USB stick not plugged in, whose path would otherwise be made on this disk.
        raise ExportError(tr("export.error.no_parent", folder=str(folder.parent)))
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise ExportError(
            tr("export.error.folder", folder=str(folder), reason=error.strerror)
        ) from error
    remove_leftovers(folder)
    record = journal if journal is not None else _journal_of(casefile)
    report = progress or (lambda done, total, what: None)
    written: list[Written] = []
    html_cache: list[HtmlDossier] = []
    writing = ["html"]

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(tr("export.cancelled"))

    def html(stream: Stream | None = None) -> HtmlDossier:
        """The dossier's HTML, built once (``stream`` is used only by the build)."""
        if not html_cache:
            from tui.export.html_writer import build_dossier

            # Reported as the format being written (the PDF's pages are built first).
            def building(done: int, total: int, what: str) -> None:
                report(done, total, writing[0])

            built = build_dossier(dossier, progress=building, cancel=cancel, stream=stream)
            html_cache.append(built)
        return html_cache[0]

    failures: list[str] = []
    for fmt in wanted:
        check_cancel()
        final = folder / export_name(casefile.path, when, SUFFIXES[fmt])
        part = temp_path(final)
        report(0, len(dossier.entries), fmt)
        writing[0] = fmt
        try:
            _write_format(fmt, dossier, casefile, part, written, html, report, cancel, chromium)
            check_cancel()
            _fsync(part)
            with contextlib.suppress(OSError):  # 0600 like the case file (not on FAT)
                os.chmod(part, 0o600)
            os.replace(part, final)
        except ExportCancelled as error:
            _remove(part)
            error.written = list(written)  # finished before the cancel: they stay
            raise
        except ExportError as error:
            # One format failing (no Chromium for the PDF...) must not cost the others.
            _remove(part)
            failures.append(str(error))
            continue
        except OSError as error:
            _remove(part)
            failures.append(
                tr("export.error.write", name=final.name, reason=error.strerror or str(error))
            )
            continue
        except BaseException:
            _remove(part)
            raise
        result = Written(final, sha256_path(final), fmt)
        written.append(result)
        report(len(dossier.entries), len(dossier.entries), fmt)
        if record is not None:
            record("export-written", f"{fmt} {final.name} {result.sha256}")
    if failures:
        raise PartialExport(" ".join(failures), written)
    return written


def _write_format(
    fmt: str,
    dossier: Dossier,
    casefile: CaseSource,
    part: Path,
    written: list[Written],
    html: Callable[[Stream | None], HtmlDossier],
    report: Progress,
    cancel: threading.Event | None,
    chromium: str | None,
) -> None:
    """Write one format under its temporary name (imports its writer only now)."""
    if fmt == "docx":
        from tui.core.store import gc_paused
        from tui.export.docx_writer import write_docx

        # Hundreds of thousands of short-lived objects and no cycles: from ~1,500
        # entries a full collection came mid-export (250 ms on 2,000, holding the
        # interpreter against the screen too) and the time grew faster than the case.
        with gc_paused():
            write_docx(dossier, part, progress=report, cancel=cancel)
    elif fmt == "html":
        part.write_text(html(None).text(), encoding="utf-8")
    elif fmt == "pdf":
        from tui.export.pdf_writer import write_pdf

        write_pdf(html, part, chromium=chromium, lang=dossier.lang, cancel=cancel, progress=report)
    elif fmt == "xlsx":
        from tui.export.xlsx_writer import write_xlsx

        write_xlsx(dossier, part)
    elif fmt == "complaint":
        from tui.core.store import gc_paused
        from tui.export.complaint_writer import write_complaint

        with gc_paused():
            write_complaint(dossier, part)
    elif fmt == "csv":
        from tui.export.csv_writer import build_csv

        part.write_bytes(build_csv(dossier))
    elif fmt == "pharos":
        from tui.export.pharos_writer import build_pharos

        part.write_text(build_pharos(dossier), encoding="utf-8")
    elif fmt == "zip":
        from tui.export.bundle import write_bundle

        write_bundle(
            casefile,
            [w.path for w in written],
            part,
            cancel=cancel,
            cancel_message=dossier.tr("export.cancelled"),
            bordereau=bordereau_text(dossier),
        )


_LEFTOVER = re.compile(
    "^(?:" + re.escape(WORK_PREFIX) + r"(\d+)-\d+|\..+\.(\d+)\.part)$", re.DOTALL
)


def remove_leftovers(folder: Path) -> list[str]:
    """Remove what an export killed mid-way left in ``folder``; returns the names removed.

    A half-written file (``.<name>.<pid>.part``) and the folder of the pages given
    to Chromium (copies of the case's words) are removed in every case by the
    export that made them, unless its process was killed.  Here they go once
    that process is gone (a process of that number still running keeps them).
    """
    if os.name != "posix":
        return []  # os.kill(pid, 0) would end the process on Windows
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        found = _LEFTOVER.match(name)
        if found is None:
            continue
        pid = int(found[1] or found[2])
        if pid == os.getpid() or _running(pid):
            continue
        path = folder / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(name)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


def _fsync(path: Path) -> None:
    """Push the file to the disk before its rename (USB sticks get pulled)."""
    with contextlib.suppress(OSError), path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def describe_formats(lang: str) -> list[tuple[str, str]]:
    """(format, label) pairs for a chooser, in production order."""
    return [(fmt, t(f"export.format.{fmt}", lang)) for fmt in FORMATS]


def missing_chromium(chromium: str | None = None) -> bool:
    """True when no Chromium can print PDFs here (the screen greys the PDF choice)."""
    return find_chromium(chromium) is None
