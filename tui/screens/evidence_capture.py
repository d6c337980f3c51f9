"""Capturing and re-checking entries from the evidence table: the only keys that go online.

``p`` captures the highlighted entry's page (screenshots, archive, look-up of the
account's stable ID), ``P`` asks whether its post is still online; the palette also
offers "capture every entry never captured".  Nothing leaves the machine unless the
person asks: the first capture or check of a session asks once, with the confirm
dialog (only ``y``/``o`` says yes), what will be contacted.

A :class:`CaptureRun` does the work in a Textual worker thread (Playwright and the
network block; the event loop never does).  Every change of the case is made by the
case session *on the event loop* (``on_owner=app.call_from_thread``), so the table,
undo and the coalesced saves see it like any other change.  The title line under the
status line shows the progress with counts; ``escape`` sets the cancel event: what
was applied stays, the capture under way leaves nothing (its folder and staged copies
are removed).  Each finished entry shows at once (screenshot mark, account ID); an
account ID that differs from the typed one is offered in one sentence, never written.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui.capture.words import failure_words, indicator_words, mismatch_times, source_words
from tui.core.text import one_line

if TYPE_CHECKING:
    from tui.capture.run import Done
    from tui.core.case import OnlineCheck
    from tui.screens.dialogs import ConfirmDialog
    from tui.screens.evidence import EvidenceScreen

CAPTURE = "capture"
RECHECK = "recheck"


class CaptureRun:
    """One run over some entries (captures or re-checks), driven from the evidence screen."""

    def __init__(self, screen: EvidenceScreen, kind: str, entry_ids: Sequence[str]) -> None:
        self.screen = screen
        self.kind = kind
        self.entry_ids = list(entry_ids)
        self.cancel = threading.Event()
        """Set by ``escape``: stops between and during captures."""
        self.number = 0
        self.current = ""
        self.finished = 0
        self.failed = 0
        self.running = True

    # -- on the event loop ---------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread (returns at once)."""
        self.screen.run_worker(
            self._work, thread=True, group="evidence-capture", exclusive=True, exit_on_error=False
        )
        self.screen.update_title()

    def stop(self) -> None:
        """``escape``: ask the worker to stop (it says so when it has)."""
        if not self.cancel.is_set():
            self.cancel.set()
            self.screen.update_title()

    def progress_text(self) -> str:
        """``capture 2/5: E0007 · escape stops`` (the title line while running)."""
        screen = self.screen
        if self.cancel.is_set():
            return screen.tr("capture.tui.stopping")
        return screen.tr(
            f"capture.tui.progress.{self.kind}",
            n=max(self.number, 1),
            total=len(self.entry_ids),
            entry=self.current or self.entry_ids[0],
        )

    def _progress(self, number: int, total: int, entry_id: str) -> None:
        self.number, self.current = number, entry_id
        self.screen.update_title()

    def _entry_done(self, item: Done) -> None:
        screen = self.screen
        self.finished += 1
        if item.applied is None:
            self.failed += 1
            reason = one_line(failure_words(item.error, screen.lang), 200)
            screen.notify(
                screen.tr("capture.failed", entry=item.entry_id, reason=reason),
                markup=False,
                severity="warning",
                timeout=8,
            )
            return
        applied = item.applied
        screen.reload()  # the cursor stays where the person put it meanwhile
        verdicts = ", ".join(
            screen.tr(
                "capture.tui.verdict",
                label=screen.tr(f"capture.label.{page.label}"),
                verdict=screen.tr(f"capture.verdict.{page.verdict}"),
            )
            for page in (item.outcome.pages if item.outcome else ())
        )
        lines = [screen.tr("capture.tui.entry_done", entry=item.entry_id, verdicts=verdicts)]
        if "account_id" in applied.filled:
            lines.append(
                screen.tr("capture.tui.account_filled", account_id=applied.evidence.account_id)
            )
        if applied.offered_account_id:
            lines.append(
                screen.tr(
                    "capture.tui.account_offered",
                    found=applied.offered_account_id,
                    typed=applied.evidence.account_id,
                    entry=item.entry_id,
                )
            )
        lookup = item.outcome.lookup if item.outcome else None
        times = mismatch_times(applied.evidence, lookup.created_at if lookup else None, screen.lang)
        if applied.time_mismatch and times:
            lines.append(screen.tr("capture.tui.time_mismatch", **times))
        screen.notify(one_line(" ".join(lines), 400), markup=False, timeout=10)

    def _checked(self, entry_id: str, check: OnlineCheck) -> None:
        self.finished += 1
        screen = self.screen
        screen.notify(
            screen.tr(
                "capture.tui.checked",
                entry=entry_id,
                result=screen.tr(f"capture.result.{check.result}"),
                source=source_words(
                    check.method, screen.lang, answered=check.result != "network-error"
                ),
                detail=one_line(indicator_words(check.indicator, screen.lang), 120),
            ),
            markup=False,
            timeout=6,
        )

    def _finish(self, how: str, detail: str = "") -> None:
        """Back on the event loop once the worker has ended (``how`` says how)."""
        self.running = False
        screen = self.screen
        if screen.capture_run is self:
            screen.capture_run = None
        screen.reload()
        screen.update_title()
        total = len(self.entry_ids)
        severity = "warning"
        if how == "no-chromium":
            text = screen.tr("capture.tui.no_chromium")
        elif how == "cancelled":
            text = screen.tr("capture.cancelled", done=self.finished, total=total)
        elif how == "error":
            text, severity = screen.tr("capture.tui.error", reason=one_line(detail, 200)), "error"
        elif self.kind == RECHECK:
            if total == 1 and self.finished == 1:
                return  # its one result was just shown, with the same caution
            severity = "information"
            text = screen.tr("capture.recheck_summary", total=self.finished)
        else:
            severity = "warning" if self.failed else "information"
            text = screen.tr("capture.summary", done=self.finished - self.failed, total=total)
        screen.notify(one_line(text, 400), markup=False, severity=severity, timeout=8)  # type: ignore[arg-type]

    # -- in the worker thread ------------------------------------------------------------

    def _work(self) -> None:
        app = self.screen.app
        session = self.screen.abri.open_session

        def call(function: Callable[..., Any], *args: Any) -> Any:
            return app.call_from_thread(function, *args)

        from tui.capture.browser import CaptureCancelled
        from tui.capture.run import capture_entries, recheck_entries

        try:
            if self.kind == CAPTURE:
                from tui.export.pdf_writer import find_chromium

                chromium = find_chromium(None)
                if chromium is None:
                    call(self._finish, "no-chromium")
                    return
                capture_entries(
                    session, self.entry_ids, chromium=chromium, cancel=self.cancel,
                    progress=lambda n, total, entry: call(self._progress, n, total, entry),
                    done=lambda item: call(self._entry_done, item), on_owner=call,
                )  # fmt: skip
            else:
                recheck_entries(
                    session, self.entry_ids, cancel=self.cancel,
                    progress=lambda n, total, entry: call(self._progress, n, total, entry),
                    done=lambda entry, check: call(self._checked, entry, check), on_owner=call,
                )  # fmt: skip
        except CaptureCancelled:
            self._end("cancelled")
            return
        except Exception as error:  # a save refused, a read-only case, the app closing...
            self._end("error", str(error))
            return
        self._end("cancelled" if self.cancel.is_set() else "done")

    def _end(self, how: str, detail: str = "") -> None:
        with contextlib.suppress(RuntimeError):  # the app has closed: nothing left to tell
            self.screen.app.call_from_thread(self._finish, how, detail)


def online_question(screen: EvidenceScreen, kind: str, urls: Sequence[str]) -> tuple[str, str]:
    """The confirm dialog's question and detail before the first run of a session."""
    shown = ", ".join(one_line(url, 60) for url in urls[:3])
    if len(urls) > 3:
        shown += " …"
    return (
        screen.tr(f"capture.tui.confirm.{kind}"),
        screen.tr("capture.tui.confirm.detail", count=len(urls), urls=shown),
    )


def online_dialog(screen: EvidenceScreen, kind: str, urls: Sequence[str]) -> ConfirmDialog:
    """The "go online?" dialog: its buttons and keys line say "stay offline", not "keep"."""
    from tui.screens.dialogs import ConfirmDialog

    question, detail = online_question(screen, kind, urls)
    return ConfirmDialog(
        question,
        detail,
        yes=screen.tr("capture.tui.confirm.yes"),
        no=screen.tr("capture.tui.confirm.no"),
        keys=screen.tr("capture.tui.confirm.keys"),
        lang=screen.lang,
    )
