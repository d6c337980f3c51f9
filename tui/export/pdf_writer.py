"""The PDF dossier: the HTML dossier printed by headless Chromium through Playwright.

Chromium runs with JavaScript disabled, every network request aborted (the page
is given with ``set_content`` and its pictures are ``data:`` URIs, which never
reach the network), a fresh profile folder created inside the destination folder
(never the system temp folder of a helper's machine) and deleted afterwards, and
the flags that keep it quiet offline.

Playwright's **async** API is used, so the same code runs from the CLI (in
``asyncio.run``) and from a Textual thread worker (which has no running loop).
Playwright is imported only here, only when a PDF is asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import threading
from pathlib import Path

from tui.core.i18n import t
from tui.export.common import ExportCancelled, ExportError

DEBIAN_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
)
"""Real binaries (not the /usr/bin shell wrappers), most suitable first."""

_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]


def _playwright_browsers() -> list[str]:
    """Browsers downloaded by ``playwright install`` (headless shell first)."""
    roots = []
    if os.environ.get("PLAYWRIGHT_BROWSERS_PATH"):
        roots.append(Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"]))
    home = Path.home()
    roots += [
        home / ".cache" / "ms-playwright",
        home / "Library" / "Caches" / "ms-playwright",
        home / "AppData" / "Local" / "ms-playwright",
    ]
    patterns = (
        "chromium_headless_shell-*/chrome-*/headless_shell",
        "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-win*/chrome.exe",
    )
    found: list[str] = []
    for root in roots:
        for pattern in patterns:
            found += sorted(glob.glob(str(root / pattern)), reverse=True)
    return found


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium binary to print PDFs with, or None when there is none.

    Looks at, in order: ``explicit`` (the ``--chromium`` option), ``$ABRI_CHROMIUM``,
    Playwright's own browsers, then the usual system locations.  A path given
    explicitly (option or environment) that does not exist yields None rather than
    a silent fallback, so a typo is noticed.
    """
    for given in (explicit, os.environ.get("ABRI_CHROMIUM")):
        if given:
            path = Path(given).expanduser()
            return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    for candidate in [*_playwright_browsers(), *DEBIAN_CANDIDATES]:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def no_chromium_message(lang: str) -> str:
    """How to get a Chromium, for the person (one or two sentences)."""
    return t("export.pdf.no_chromium", lang)


def chromium_flags() -> list[str]:
    """The flags Abri starts Chromium with: quiet offline, and no sandbox when root.

    Shared by the PDF printer and the page capture (:mod:`tui.capture.browser`).
    """
    args = list(_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root otherwise
    return args


def footer_template(label: str) -> str:
    """Chromium's footer: ``page N / M`` on every page (its own classes fill the numbers)."""
    from html import escape

    return (
        '<div style="font-size:8pt;width:100%;text-align:center;font-family:sans-serif">'
        f'{escape(label)} <span class="pageNumber"></span> / <span class="totalPages"></span></div>'
    )


async def _render(
    html: str,
    target: Path,
    chromium: str,
    profile: Path,
    cancel: threading.Event | None,
    page_word: str = "page",
) -> None:
    from playwright.async_api import Route, async_playwright

    args = chromium_flags()

    async def refuse(route: Route) -> None:
        await route.abort("blockedbyclient")

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=args,
            java_script_enabled=False,
            offline=True,
            accept_downloads=False,
        )
        try:
            await context.route("**/*", refuse)
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(300_000)
            await page.set_content(html, wait_until="load")
            job = asyncio.ensure_future(
                page.pdf(
                    path=str(target),
                    format="A4",
                    landscape=True,
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=True,
                    header_template="<div></div>",
                    footer_template=footer_template(page_word),
                )
            )
            while not job.done():
                if cancel is not None and cancel.is_set():
                    job.cancel()
                    with contextlib.suppress(BaseException):
                        await job
                    raise ExportCancelled("cancelled")
                await asyncio.wait({job}, timeout=0.1)
            job.result()
        finally:
            await context.close()


def write_pdf(
    html: str,
    target: Path,
    *,
    chromium: str | None,
    lang: str,
    cancel: threading.Event | None = None,
) -> None:
    """Print ``html`` to ``target`` as A4 landscape; raises ExportError when impossible."""
    binary = find_chromium(chromium)
    if binary is None:
        raise ExportError(no_chromium_message(lang))
    profile = target.parent / f".abri-chromium-{os.getpid()}-{threading.get_ident()}"
    profile.mkdir(parents=True, exist_ok=True)
    try:
        coro = _render(html, target, binary, profile, cancel, t("export.page.word", lang))
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(coro)
        else:
            # Called from inside a running loop (a test, an async caller): use a thread.
            _run_in_thread(coro)
    except ExportCancelled:
        raise ExportCancelled(t("export.cancelled", lang)) from None
    except ExportError:
        raise
    except Exception as error:  # Playwright raises its own error types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(t("export.pdf.failed", lang, reason=first[:300])) from error
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _run_in_thread(coro: object) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coro)  # type: ignore[arg-type]
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=run, name="abri-pdf")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
