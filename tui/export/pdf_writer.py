"""The PDF dossier: the HTML dossier printed by headless Chromium through Playwright.

Chromium runs with JavaScript disabled, every network request aborted (each page
is given with ``set_content`` and its pictures are ``data:`` URIs, which never
reach the network), a fresh profile folder created inside the destination folder
(never the system temp folder of a helper's machine) and deleted afterwards, and
the flags that keep it quiet offline.

**Speed.**  Chromium's cost per printed page grows with the page count of the
document (a 2,500-page dossier spent over half its time painting), and its
header/footer template is laid out again for every page.  So the dossier comes
in chunks of a few hundred pages (:meth:`HtmlDossier.chunks`), printed without
Chromium's footer by two tabs of one browser at once, then joined with pikepdf
(qpdf), which also writes the "page N / M" footer of the whole document on every
page.  The work overlaps: Chromium starts while the dossier is being built, the
first chunk prints while the next ones are written, and each printed chunk is
copied into the whole while the tabs print the next (:class:`_Printer`,
:class:`_Joiner`).  The PDF never exists on disk in pieces: Playwright hands
each chunk back as bytes.

**Pictures.**  Chromium decodes every picture it prints and compresses it
again (a PNG as raw pixels), once per chunk it appears in: for a dossier of
1,000 captures that was most of the time left.  So Chromium prints a tiny
*stand-in* in each picture's place (:func:`stand_in`, a JPEG it copies as it
is, naming the picture in a comment); the join then points each stand-in at
the picture itself, stored once, its own PNG or JPEG bytes moved into the PDF
without decoding (:func:`picture_object`).  Chromium still lays out and draws
every caption, so any text a harasser typed prints exactly as in the HTML.

Playwright's **async** API runs in a thread of its own with its own event loop,
so the same code runs from the CLI, from a Textual thread worker and from a test
that already runs a loop.  Playwright and pikepdf are imported only here, only
when a PDF is asked for.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import glob
import io
import os
import queue
import re
import secrets
import shutil
import threading
import time
import zlib
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.i18n import t
from tui.export.common import ExportCancelled, ExportError, Progress
from tui.export.images import Slice, png_layout

if TYPE_CHECKING:
    from tui.export.html_writer import HtmlDossier, Stream

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


def join_pdfs(
    parts: Sequence[bytes],
    target: Path,
    label: str,
    pictures: Sequence[Slice] = (),
    token: str = "",
) -> int:
    """Write ``parts`` (PDFs, in order) to ``target`` as one, "page N / M" on each page.

    Each stand-in drawn by Chromium (:func:`stand_in` with ``token``) is replaced
    by its picture of ``pictures``, stored once however many pages show it;
    a picture whose stand-in is not found fails the PDF rather than go missing.
    The document properties (title, creator) are those of the first part.
    Returns the page count.
    """
    joiner = _Joiner()
    try:
        for index, data in enumerate(parts):
            joiner.add(index, data)
        return joiner.save(len(parts), target, label, pictures, token)
    finally:
        joiner.close()


class _Joiner:
    """The printed parts copied into one PDF as they come back, in document order.

    Copying a part's pages into the whole (qpdf) is most of a join's work: it
    is done in a thread of its own while the tabs print the next parts, so
    that only the footers, the pictures and the save are left once the last
    part is back.  Parts may arrive in any order; each is copied once every
    part before it is in.
    """

    def __init__(self) -> None:
        import pikepdf

        self._out = pikepdf.new()
        self._sources: list[Any] = []  # kept open: qpdf reads their streams at the save
        self._waiting: dict[int, bytes] = {}
        self._queue: queue.SimpleQueue[tuple[int, bytes] | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="abri-pdf-join", daemon=True)
        self._thread.start()

    def add(self, index: int, data: bytes) -> None:
        """Part ``index`` (0 for the first) is printed (any thread may call this)."""
        self._queue.put((index, data))

    def _run(self) -> None:
        import pikepdf

        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            index, data = item
            self._waiting[index] = data
            try:
                while len(self._sources) in self._waiting:
                    part = self._waiting.pop(len(self._sources))
                    source = pikepdf.open(io.BytesIO(part))
                    self._sources.append(source)
                    self._out.pages.extend(source.pages)
            except Exception as error:  # pikepdf raises its own types for a bad part
                self._error = error

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def save(
        self,
        count: int,
        target: Path,
        label: str,
        pictures: Sequence[Slice],
        token: str,
    ) -> int:
        """Write the ``count`` parts given as one PDF (see :func:`join_pdfs`)."""
        import pikepdf

        self._stop()
        if self._error is not None:
            raise self._error
        if len(self._sources) != count or self._waiting:
            raise RuntimeError(f"{count - len(self._sources)} printed parts are missing")
        out = self._out
        first = self._sources[0]
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
        # Chromium's own drawing is wrapped in q/Q so its graphics state (a
        # flipped matrix, a clip) cannot move or hide the footer; one "q" for all.
        save_state = out.make_indirect(pikepdf.Stream(out, b"q\n"))
        total = len(out.pages)
        for number, page in enumerate(out.pages, 1):
            box = [float(value) for value in page.mediabox]
            text = footer_text(label, number, total)
            left = (box[0] + box[2] - _text_width(text, FOOTER_POINTS)) / 2
            name = page.add_resource(font, pikepdf.Name.Font, pikepdf.Name(_FONT))
            page.contents_add(save_state, prepend=True)
            footer = b"\nQ\nq 0 g BT %s %.1f Tf %.2f %.2f Td %s Tj ET Q\n" % (
                bytes(name),
                FOOTER_POINTS,
                left,
                box[1] + FOOTER_BASELINE,
                _pdf_string(text),
            )
            page.contents_add(pikepdf.Stream(out, footer))
        if pictures:
            _put_pictures(out, pictures, token)
        out.save(target)
        return total

    def close(self) -> None:
        """Stop copying and let go of every part (idempotent)."""
        self._stop()
        self._out.close()
        for source in self._sources:
            source.close()
        self._sources.clear()


_STAND_IN_BASE: list[bytes] = []


def stand_in(token: str, number: int) -> bytes:
    """The stand-in of picture ``number``: an 8×8 grey JPEG naming it in a comment.

    Chromium copies a JPEG into the PDF byte for byte, so the comment comes
    out as written and :func:`join_pdfs` finds which picture goes there; the
    drawing (size, place, clipping) is Chromium's, the pixels are the
    picture's own.  The comment holds only ASCII made here (``token`` is
    random per export), never case text.
    """
    if not _STAND_IN_BASE:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("L", (8, 8), 200).save(buffer, "JPEG", quality=50)
        _STAND_IN_BASE.append(buffer.getvalue())
    base = _STAND_IN_BASE[0]
    comment = f"abri-picture-{token}:{number};".encode("ascii")
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return base[:2] + segment + base[2:]


def stand_in_uri(token: str, number: int) -> str:
    """:func:`stand_in` as a ``data:`` URL (it never reaches the network)."""
    return "data:image/jpeg;base64," + base64.b64encode(stand_in(token, number)).decode("ascii")


def _put_pictures(pdf: Any, pictures: Sequence[Slice], token: str) -> None:
    """Point every stand-in Chromium drew at its picture (one object per picture)."""
    import pikepdf

    pattern = re.compile(rb"abri-picture-" + re.escape(token.encode("ascii")) + rb":(\d+);")
    made: dict[int, Any] = {}
    numbers: dict[tuple[int, int], int | None] = {}
    forms: set[tuple[int, int]] = set()

    def visit(resources: Any) -> None:
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return
        for name in list(xobjects.keys()):
            drawn = xobjects[name]
            if not isinstance(drawn, pikepdf.Stream):
                continue
            kind = drawn.get("/Subtype")
            if kind == "/Form" and drawn.objgen not in forms:
                forms.add(drawn.objgen)  # Chromium may nest drawing in a form
                visit(drawn.get("/Resources"))
            if kind != "/Image":
                continue
            key = drawn.objgen
            if key not in numbers:
                raw = drawn.read_raw_bytes() if drawn.get("/Width") == 8 else b""
                found = pattern.search(raw)
                numbers[key] = int(found[1]) if found else None
            number = numbers[key]
            if number is None or number >= len(pictures):
                continue
            if number not in made:
                made[number] = picture_object(pdf, pictures[number])
            xobjects[name] = made[number]

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    missing = len(pictures) - len(made)
    if missing:
        raise RuntimeError(f"{missing} pictures were not found in the printed pages")


def picture_object(pdf: Any, piece: Slice) -> Any:
    """``piece`` as a PDF image: its own compressed bytes whenever PDF can take them.

    A baseline or progressive JPEG (grey or colour) goes in as it is
    (``DCTDecode``); a PNG without transparency, not interlaced, grey, colour
    or palette, goes in as its compressed rows (``FlateDecode`` with the PNG
    predictors: the same bytes, no decoding).  Anything else (transparency,
    16 bits, CMYK) is decoded once, laid on white paper and stored as such;
    what cannot be decoded is a blank box.  A PNG's rows were checked when the
    picture was prepared (:func:`tui.export.images.png_rows_sound`).
    """
    import pikepdf

    data = piece.data
    if piece.kind == "jpeg":
        jpeg = _jpeg_header(data)
        if jpeg is not None:
            width, height, components, adobe = jpeg
            stream = pikepdf.Stream(pdf, b"")
            parms = pikepdf.Dictionary(ColorTransform=0) if adobe == 0 and components == 3 else None
            stream.write(data, filter=pikepdf.Name.DCTDecode, decode_parms=parms)
            grey = components == 1
            return _image(stream, width, height, pikepdf.Name.DeviceGray if grey else None, 8)
    png = png_layout(data) if piece.kind == "png" else None
    if png is None:
        flat = _flat_png(data)
        png = png_layout(flat) if flat else None
        if png is None:
            # Undecodable (prepared pictures never are): a blank box, as
            # Chromium printed it; the pages keep its SHA-256.
            png = (1, 1, 8, 0, b"", zlib.compress(b"\x00\xf0"))
    width, height, depth, colour_type, palette, rows = png
    channels = 3 if colour_type == 2 else 1
    stream = pikepdf.Stream(pdf, b"")
    parms = pikepdf.Dictionary(Predictor=15, Colors=channels, BitsPerComponent=depth, Columns=width)
    stream.write(rows, filter=pikepdf.Name.FlateDecode, decode_parms=parms)
    colours: Any = None  # DeviceRGB
    if colour_type == 3:
        colours = pikepdf.Array(
            [
                pikepdf.Name.Indexed,
                pikepdf.Name.DeviceRGB,
                len(palette) // 3 - 1,
                pikepdf.String(palette),
            ]
        )
    elif colour_type == 0:
        colours = pikepdf.Name.DeviceGray
    return _image(stream, width, height, colours, depth)


def _image(stream: Any, width: int, height: int, colours: Any, depth: int) -> Any:
    import pikepdf

    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = width
    stream.Height = height
    stream.ColorSpace = pikepdf.Name.DeviceRGB if colours is None else colours
    stream.BitsPerComponent = depth
    return stream


_JPEG_FRAMES = (0xC0, 0xC1, 0xC2)
"""Baseline, extended and progressive Huffman JPEG: what PDF readers decode."""


def _jpeg_header(data: bytes) -> tuple[int, int, int, int | None] | None:
    """(width, height, components, Adobe transform) of a JPEG PDF can show as it is."""
    if data[:2] != b"\xff\xd8":
        return None
    at, adobe = 2, None
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        body = data[at + 4 : at + 2 + length]
        if marker == 0xEE and body[:5] == b"Adobe" and len(body) >= 12:
            adobe = body[11]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if marker not in _JPEG_FRAMES or len(body) < 6 or body[0] != 8:
                return None
            height = int.from_bytes(body[1:3], "big")
            width = int.from_bytes(body[3:5], "big")
            components = body[5]
            if width < 1 or height < 1 or components not in (1, 3):
                return None
            return width, height, components, adobe
        if marker == 0xDA or length < 2:
            return None
        at += 2 + length
    return None


def _flat_png(data: bytes) -> bytes:
    """A plain 8-bit PNG of ``data`` (see-through laid on white paper), or b"" when undecodable."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if transparent:
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = image.convert("L" if image.mode in ("1", "L", "I;16") else "RGB")
        buffer = io.BytesIO()
        flat.save(buffer, "PNG", compress_level=6)
    except Exception:  # Pillow raises many types for broken files
        return b""
    return buffer.getvalue()


async def _render(
    folder: Path,
    chromium: str,
    todo: _Chunks,
    stop: Callable[[], bool],
    printed: Callable[[int, bytes], None],
) -> None:
    """Start Chromium, print each chunk of ``todo`` as it comes and hand it to ``printed``.

    Chromium starts before the first chunk exists (the dossier is being
    built); two tabs take the chunks in order, the second opened only when
    there is a second chunk.  ``stop`` is asked every few hundredths of a
    second, while waiting and while printing, and ends everything with
    :class:`ExportCancelled`.
    """
    from playwright.async_api import Page, Route, async_playwright

    async def refuse(route: Route) -> None:
        await route.abort("blockedbyclient")

    async def wait_for(count: int) -> bool:
        """True once ``count`` chunks exist, False when there will never be that many."""
        while len(todo.paths) < count and not todo.complete:
            if stop():
                raise ExportCancelled("cancelled")
            await asyncio.sleep(0.02)
        return len(todo.paths) >= count

    async def work(page: Page) -> None:
        page.set_default_timeout(300_000)
        while await wait_for(todo.taken + 1):
            index = todo.taken
            todo.taken += 1  # no await since the check: the other tab cannot take it too
            await page.goto(todo.paths[index].resolve().as_uri(), wait_until="load")
            data = await page.pdf(
                format="A4",
                landscape=True,
                print_background=True,
                prefer_css_page_size=True,
            )
            printed(index, data)

    async with async_playwright() as playwright:
        try:
            context = await playwright.chromium.launch_persistent_context(
                str(folder / "profile"),
                executable_path=chromium,
                headless=True,
                args=chromium_flags(),
                java_script_enabled=False,
                offline=True,
                accept_downloads=False,
            )
        except Exception as error:  # Playwright's own type, its text is its internals
            raise _NoStart(chromium) from error
        try:
            # Every request is refused but the chunks' own files (matched by
            # Playwright itself: a regular expression, not a Python callback).
            inside = re.escape(folder.resolve().as_uri() + "/")
            await context.route(re.compile(f"^(?!{inside})"), refuse)
            first = context.pages[0] if context.pages else await context.new_page()

            async def second() -> None:
                if WORKERS > 1 and await wait_for(2):
                    await work(await context.new_page())

            job = asyncio.gather(work(first), second())
            while not job.done():
                if stop():
                    job.cancel()
                    with contextlib.suppress(BaseException):
                        await job
                    raise ExportCancelled("cancelled")
                await asyncio.wait({job}, timeout=0.05)
            job.result()
        finally:
            await context.close()


class _NoStart(Exception):
    """Chromium (the path given) did not start."""


class _Chunks:
    """The chunk files to print, in order, as they are written (shared with Chromium's thread)."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.complete = False
        self.taken = 0
        """Chunks a tab has started printing (only Chromium's thread reads or moves it)."""


class _Printer:
    """Chromium, in a thread of its own, printing chunks as the dossier's builder writes them.

    Starting Playwright's driver and Chromium takes about as long as writing
    a big dossier's first pages: :func:`write_pdf` starts the printer, then
    builds the dossier, giving each chunk (:meth:`add`) as soon as it is
    complete, then waits (:meth:`finish`).  Each printed part goes to
    ``printed`` as soon as it is back.
    """

    def __init__(
        self,
        folder: Path,
        chromium: str,
        cancel: threading.Event | None,
        printed: Callable[[int, bytes], None],
    ) -> None:
        self._folder = folder
        self._todo = _Chunks()
        self._printed = 0
        self._quit = threading.Event()
        self._cancel = cancel
        self._error: BaseException | None = None

        def counted(index: int, data: bytes) -> None:
            printed(index, data)
            self._printed += 1  # only Chromium's thread writes it

        coroutine = _render(folder, chromium, self._todo, self._stop, counted)
        self._thread = threading.Thread(
            target=self._run, args=(coroutine,), name="abri-pdf", daemon=True
        )
        self._thread.start()

    def _stop(self) -> bool:
        return self._quit.is_set() or (self._cancel is not None and self._cancel.is_set())

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # handed to the thread that waits in finish()
            self._error = error

    @property
    def count(self) -> int:
        """Chunks given so far."""
        return len(self._todo.paths)

    def add(self, text: str) -> None:
        """The next chunk, a complete HTML document: written to a file, then printed.

        Raises at once what stopped Chromium (it could not start...), so the
        rest of the dossier is not built for nothing.
        """
        if self._error is not None:
            raise self._error
        page = self._folder / f"chunk-{len(self._todo.paths)}.html"
        # The case's words: readable by its owner only, like the case file.
        handle = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(handle, "w", encoding="utf-8") as out:
            out.write(text)
        self._todo.paths.append(page)  # list.append is atomic: the tabs see it whole

    def finish(self, progress: Progress | None = None) -> None:
        """Every chunk is given: wait until all are printed.

        ``progress(printed, chunks, "pdf-parts")`` is called from this thread
        each time a chunk is back.
        """
        self._todo.complete = True
        total, shown = len(self._todo.paths), -1
        while self._thread.is_alive():
            self._thread.join(0.1)
            if progress is not None and self._printed != shown:
                shown = self._printed
                progress(shown, total, "pdf-parts")
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Stop printing (if still at it) and wait until Chromium is closed."""
        self._quit.set()
        self._thread.join()


def write_pdf(
    html: str | HtmlDossier | Callable[[Stream | None], HtmlDossier],
    target: Path,
    *,
    chromium: str | None,
    lang: str,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> None:
    """Print ``html`` (a document, or the dossier in chunks) to ``target`` as one PDF.

    ``html`` may be the function that builds the dossier (given a
    :class:`~tui.export.html_writer.Stream`): Chromium then starts at once and
    prints the first chunks while the next ones are written.  A4 landscape
    unless the CSS names other pages (the annex is portrait), with "page N / M"
    counted over the whole document.  The pages and pictures given to Chromium,
    and its profile, live in one folder beside ``target`` that is removed in
    every case (done, failed, cancelled).  ``progress`` hears of each printed
    chunk (:meth:`_Printer.finish`).  Raises ExportError (one sentence)
    when it is impossible and ExportCancelled when ``cancel`` is set.
    """
    from tui.export.html_writer import Stream

    binary = find_chromium(chromium)
    if binary is None:
        given = chromium or os.environ.get("ABRI_CHROMIUM")
        if given:  # the person named one: say that one is not usable, not "none found"
            raise ExportError(t("export.pdf.bad_chromium", lang, path=given))
        raise ExportError(no_chromium_message(lang))
    work = target.parent / f"{WORK_PREFIX}{os.getpid()}-{threading.get_ident()}"
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    joiner: _Joiner | None = None
    printer: _Printer | None = None
    try:
        token = secrets.token_hex(8)
        joiner = _Joiner()
        printer = _Printer(work, binary, cancel, joiner.add)
        if callable(html):
            built: str | HtmlDossier = html(Stream(lambda n: stand_in_uri(token, n), printer.add))
        else:
            built = html
        pictures = [] if isinstance(built, str) else built.pictures
        if printer.count == 0:  # built before (for the .html), or a plain document
            sources = [stand_in_uri(token, number) for number in range(len(pictures))]
            for text in [built] if isinstance(built, str) else built.chunks(sources):
                printer.add(text)
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        printer.finish(progress)
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        label = t("export.page.word", lang)
        joiner.save(printer.count, target, label, pictures, token)
    except ExportCancelled:
        raise ExportCancelled(t("export.cancelled", lang)) from None
    except ExportError:
        raise
    except _NoStart as error:
        raise ExportError(t("export.pdf.no_start", lang, path=binary)) from error
    except Exception as error:  # Playwright and pikepdf raise their own error types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(t("export.pdf.failed", lang, reason=first[:300])) from error
    finally:
        # Each step even if the one before was interrupted (ctrl+c in a terminal).
        try:
            if printer is not None:
                printer.close()
        finally:
            try:
                if joiner is not None:
                    joiner.close()
            finally:
                _remove_tree(work)


WORK_PREFIX = ".abri-chromium-"
"""Name of the folder of an export's pages, followed by ``<pid>-<thread>``."""


def _remove_tree(folder: Path) -> None:
    """Remove ``folder``, again for a moment if Chromium was still writing its profile."""
    for _ in range(10):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return
        time.sleep(0.05)
