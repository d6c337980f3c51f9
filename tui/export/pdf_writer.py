"""The PDF dossier: the HTML dossier printed by headless Chromium through Playwright.

Chromium runs with JavaScript disabled, every network request aborted (each page
is given with ``set_content`` and its pictures are ``data:`` URIs, which never
reach the network), a fresh profile folder created inside the destination folder
(never the system temp folder of a helper's machine) and deleted afterwards, and
the flags that keep it quiet offline.

**Speed.** Chromium's cost per printed page grows with the page count of the
document (a 2,500-page dossier spent over half its time painting), and its
header/footer template is laid out again for every page.  So the dossier comes
in chunks of a few hundred pages (:meth:`HtmlDossier.chunks`), printed without
Chromium's footer by two tabs of one browser at once, then joined with pikepdf
(qpdf), which also writes the "page N / M" footer of the whole document on every
page.  The PDF never exists on disk in pieces: Playwright hands each chunk back
as bytes.

Playwright's **async** API is used, so the same code runs from the CLI (in
``asyncio.run``) and from a Textual thread worker (which has no running loop).
Playwright and pikepdf are imported only here, only when a PDF is asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import hashlib
import io
import os
import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.blocking import run_to_completion
from tui.core.i18n import t
from tui.export.common import ExportCancelled, ExportError

if TYPE_CHECKING:
    from tui.export.html_writer import HtmlDossier

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


WORKERS = 2
"""Tabs printing chunks at once: each has its own renderer process (two cores)."""

FOOTER_POINTS = 8.0
"""Size of the "page N / M" footer."""
FOOTER_BASELINE = 18.0
"""Height of its baseline above the bottom edge, in points (inside the 16 mm margin)."""
_FONT = "/AbriPageNumber"

# Helvetica's advance widths (thousandths of the font size) for printable ASCII,
# from the standard AFM: the footer is centred without embedding a font.
_HELVETICA = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]  # fmt: skip


def footer_text(label: str, number: int, total: int) -> str:
    """The footer of one page: ``page 3 / 41``."""
    return f"{label} {number} / {total}"


def _text_width(text: str, points: float) -> float:
    widths = (_HELVETICA[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text)
    return sum(widths) * points / 1000


def _pdf_string(text: str) -> bytes:
    """``text`` as a PDF literal string in WinAnsi (Helvetica's encoding)."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def join_pdfs(parts: Sequence[bytes], target: Path, label: str) -> int:
    """Write ``parts`` (PDFs, in order) to ``target`` as one, "page N / M" on each page.

    The document properties (title, creator) are those of the first part.
    Returns the page count.
    """
    import pikepdf

    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in parts]
    try:
        for source in sources:
            out.pages.extend(source.pages)
        first = sources[0]
        # copy_foreign takes indirect objects only (Chromium writes these direct).
        if "/Info" in first.trailer:
            out.trailer.Info = out.copy_foreign(first.make_indirect(first.trailer.Info))
        if "/ViewerPreferences" in first.Root:
            preferences = first.make_indirect(first.Root.ViewerPreferences)
            out.Root.ViewerPreferences = out.copy_foreign(preferences)
        font = out.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        total = len(out.pages)
        for number, page in enumerate(out.pages, 1):
            box = [float(value) for value in page.mediabox]
            text = footer_text(label, number, total)
            left = (box[0] + box[2] - _text_width(text, FOOTER_POINTS)) / 2
            name = page.add_resource(font, pikepdf.Name.Font, pikepdf.Name(_FONT))
            # Chromium's own drawing is wrapped in q/Q so its graphics state
            # (a flipped matrix, a clip) cannot move or hide the footer.
            page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
            footer = b"\nQ\nq 0 g BT %s %.1f Tf %.2f %.2f Td %s Tj ET Q\n" % (
                bytes(name),
                FOOTER_POINTS,
                left,
                box[1] + FOOTER_BASELINE,
                _pdf_string(text),
            )
            page.contents_add(pikepdf.Stream(out, footer))
        _share_pictures(out)
        out.save(target)
        return total
    finally:
        out.close()
        for source in sources:
            source.close()


def _share_pictures(pdf: Any) -> None:
    """Point every page at one copy of each picture (a capture is in the table and the annex).

    Chromium writes the same picture identically in every chunk; two pictures
    are the same here only when their bytes and every entry of their
    dictionaries (size, colours, mask...) are.  The copies left unused are not saved.
    """
    import pikepdf

    prints: dict[tuple[int, int], bytes] = {}

    def fingerprint(value: Any) -> bytes:
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            known = prints.get(value.objgen)
            if known is not None:
                return known
        digest = hashlib.sha256()
        if isinstance(value, pikepdf.Stream):
            digest.update(b"stream" + value.read_raw_bytes())
            entries: dict[str, Any] = dict(value.stream_dict.items())
            entries.pop("/Length", None)
            for key in sorted(entries):
                digest.update(key.encode() + fingerprint(entries[key]))
        elif isinstance(value, pikepdf.Dictionary):
            entries = dict(value.items())
            for key in sorted(entries):
                digest.update(key.encode() + fingerprint(entries[key]))
        elif isinstance(value, pikepdf.Array):
            for item in value:
                digest.update(b"[" + fingerprint(item))
        else:
            digest.update(repr(value).encode())
        result = digest.digest()
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            prints[value.objgen] = result
        return result

    first: dict[bytes, Any] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        pictures = resources.get("/XObject") if resources is not None else None
        if pictures is None:
            continue
        for name in list(pictures.keys()):
            picture = pictures[name]
            if not isinstance(picture, pikepdf.Stream) or picture.get("/Subtype") != "/Image":
                continue
            key = fingerprint(picture)
            kept = first.setdefault(key, picture)
            if kept.objgen != picture.objgen:
                pictures[name] = kept


async def _render(
    chunks: Sequence[Path],
    chromium: str,
    profile: Path,
    cancel: threading.Event | None,
) -> list[bytes]:
    from playwright.async_api import Page, Route, async_playwright

    args = chromium_flags()

    async def refuse(route: Route) -> None:
        await route.abort("blockedbyclient")

    results: list[bytes] = [b""] * len(chunks)
    todo = iter(range(len(chunks)))  # shared by the tabs: each takes the next chunk

    async def work(page: Page) -> None:
        page.set_default_timeout(300_000)
        for index in todo:
            await page.goto(chunks[index].resolve().as_uri(), wait_until="load")
            results[index] = await page.pdf(
                format="A4",
                landscape=True,
                print_background=True,
                prefer_css_page_size=True,
            )

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
            # Every request is refused but the chunks' own files (matched by
            # Playwright itself: a regular expression, not a Python callback).
            folder = re.escape(chunks[0].parent.resolve().as_uri() + "/")
            await context.route(re.compile(f"^(?!{folder})"), refuse)
            pages = [context.pages[0] if context.pages else await context.new_page()]
            while len(pages) < min(WORKERS, len(chunks)):
                pages.append(await context.new_page())
            job = asyncio.gather(*(work(page) for page in pages))
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
    return results


def write_pdf(
    html: str | HtmlDossier,
    target: Path,
    *,
    chromium: str | None,
    lang: str,
    cancel: threading.Event | None = None,
) -> None:
    """Print ``html`` (a document, or the dossier in chunks) to ``target`` as one PDF.

    A4 landscape unless the CSS names other pages (the annex is portrait), with
    "page N / M" counted over the whole document.  The pages and pictures given
    to Chromium, and its profile, live in one folder beside ``target`` that is
    removed in every case (done, failed, cancelled).  Raises ExportError (one
    sentence) when it is impossible and ExportCancelled when ``cancel`` is set.
    """
    binary = find_chromium(chromium)
    if binary is None:
        raise ExportError(no_chromium_message(lang))
    work = target.parent / f".abri-chromium-{os.getpid()}-{threading.get_ident()}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        texts = [html] if isinstance(html, str) else html.chunks(work / "pictures")
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        pages = []
        for number, text in enumerate(texts):
            page = work / f"chunk-{number}.html"
            page.write_text(text, encoding="utf-8")
            pages.append(page)
        parts = run_to_completion(_render(pages, binary, work / "profile", cancel), "abri-pdf")
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        join_pdfs(parts, target, t("export.page.word", lang))
    except ExportCancelled:
        raise ExportCancelled(t("export.cancelled", lang)) from None
    except ExportError:
        raise
    except Exception as error:  # Playwright and pikepdf raise their own error types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(t("export.pdf.failed", lang, reason=first[:300])) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
