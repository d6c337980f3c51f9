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
page.  The PDF never exists on disk in pieces: Playwright hands each chunk back
as bytes.

**Pictures.**  Chromium decodes every picture it prints and compresses it
again (a PNG as raw pixels), once per chunk it appears in: for a dossier of
1,000 captures that was most of the time left.  So Chromium prints a tiny
*stand-in* in each picture's place (:func:`stand_in`, a JPEG it copies as it
is, naming the picture in a comment); the join then points each stand-in at
the picture itself, stored once, its own PNG or JPEG bytes moved into the PDF
without decoding (:func:`picture_object`).  Chromium still lays out and draws
every caption, so any text a harasser typed prints exactly as in the HTML.

Playwright's **async** API is used, so the same code runs from the CLI (in
``asyncio.run``) and from a Textual thread worker (which has no running loop).
Playwright and pikepdf are imported only here, only when a PDF is asked for.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import glob
import io
import os
import re
import secrets
import shutil
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.blocking import run_to_completion
from tui.core.i18n import t
from tui.export.common import ExportCancelled, ExportError
from tui.export.images import Slice

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


def join_pdfs(
    parts: Sequence[bytes],
    target: Path,
    label: str,
    pictures: Sequence[Slice] = (),
    token: str = "",
    sound: Sequence[bool] | None = None,
) -> int:
    """Write ``parts`` (PDFs, in order) to ``target`` as one, "page N / M" on each page.

    Each stand-in drawn by Chromium (:func:`stand_in` with ``token``) is replaced
    by its picture of ``pictures``, stored once however many pages show it;
    a picture whose stand-in is not found fails the PDF rather than go missing.
    ``sound`` is :func:`sound_pictures` of ``pictures`` when already known.
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
        if pictures:
            _put_pictures(out, pictures, token, sound)
        out.save(target)
        return total
    finally:
        out.close()
        for source in sources:
            source.close()


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


def _put_pictures(
    pdf: Any, pictures: Sequence[Slice], token: str, sound: Sequence[bool] | None
) -> None:
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
                checked = sound[number] if sound is not None else None
                made[number] = picture_object(pdf, pictures[number], checked)
            xobjects[name] = made[number]

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    missing = len(pictures) - len(made)
    if missing:
        raise RuntimeError(f"{missing} pictures were not found in the printed pages")


def sound_pictures(pictures: Sequence[Slice], cancel: threading.Event | None = None) -> list[bool]:
    """For each picture, whether its PNG rows inflate to its size (True for any other kind).

    A PNG embedded unchanged had only its chunks checked (their CRCs), not its
    compressed pixels; inflating 1,000 of them takes seconds, so the writer
    runs this beside Chromium's printing.
    """
    out = []
    for piece in pictures:
        if cancel is not None and cancel.is_set():
            break
        header = _png_header(piece.data) if piece.kind == "png" else None
        out.append(header is None or _rows_complete(*header))
    return out


def picture_object(pdf: Any, piece: Slice, sound: bool | None = None) -> Any:
    """``piece`` as a PDF image: its own compressed bytes whenever PDF can take them.

    A baseline or progressive JPEG (grey or colour) goes in as it is
    (``DCTDecode``); a PNG without transparency, not interlaced, grey, colour
    or palette, goes in as its compressed rows (``FlateDecode`` with the PNG
    predictors: the same bytes, no decoding).  Anything else (transparency,
    16 bits, CMYK) is decoded once, laid on white paper and stored as such;
    what cannot be decoded is a blank box.  ``sound`` is :func:`sound_pictures`'s
    answer for ``piece`` when known (else the PNG is checked here).
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
    png = _png_header(data) if piece.kind == "png" else None
    if png is None or not (sound if sound is not None else _rows_complete(*png)):
        flat = _flat_png(data)
        png = _png_header(flat) if flat else None
        if png is None:
            # Undecodable (its chunks were sound, its pixels are not): a blank
            # box, as Chromium printed it; the pages keep its SHA-256.
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


def _png_header(data: bytes) -> tuple[int, int, int, int, bytes, bytes] | None:
    """(width, height, depth, colour type, palette, compressed rows) of a PNG PDF takes as is."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    at, header, palette, rows = 8, b"", b"", []
    while at + 8 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if len(body) != length:
            return None
        if kind == b"IHDR":
            header = body
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            return None  # transparency: laid on white by _flat_png
        elif kind == b"IDAT":
            rows.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if len(header) != 13 or not rows:
        return None
    width = int.from_bytes(header[0:4], "big")
    height = int.from_bytes(header[4:8], "big")
    depth, colour_type, method, filtering, interlace = header[8:13]
    if width < 1 or height < 1 or method or filtering or interlace:
        return None
    if colour_type == 2 and depth != 8:
        return None
    if colour_type in (0, 3) and depth not in (1, 2, 4, 8):
        return None
    if colour_type not in (0, 2, 3) or (colour_type == 3 and not 3 <= len(palette) <= 768):
        return None
    return width, height, depth, colour_type, palette, b"".join(rows)


def _rows_complete(
    width: int, height: int, depth: int, colour_type: int, palette: bytes, rows: bytes
) -> bool:
    """True when a PNG's compressed rows inflate to exactly its size (its CRCs may lie)."""
    channels = 3 if colour_type == 2 else 1
    expected = height * (1 + (width * channels * depth + 7) // 8)
    inflate = zlib.decompressobj()
    try:
        out = len(inflate.decompress(rows, expected + 1))
    except zlib.error:
        return False
    return out == expected and not inflate.unconsumed_tail


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
    # Shared by the tabs: each takes the next chunk, the heaviest first (Chromium's
    # cost follows the text it lays out), so neither tab is left alone at the end.
    sizes = [chunk.stat().st_size for chunk in chunks]
    todo = iter(sorted(range(len(chunks)), key=lambda index: -sizes[index]))

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
        token = secrets.token_hex(8)
        pictures = [] if isinstance(html, str) else html.pictures
        sources = [stand_in_uri(token, number) for number in range(len(pictures))]
        texts = [html] if isinstance(html, str) else html.chunks(sources)
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        pages = []
        for number, text in enumerate(texts):
            page = work / f"chunk-{number}.html"
            page.write_text(text, encoding="utf-8")
            pages.append(page)
        with ThreadPoolExecutor(1, thread_name_prefix="abri-pdf-check") as pool:
            checking = pool.submit(sound_pictures, pictures, cancel)  # while Chromium prints
            parts = run_to_completion(_render(pages, binary, work / "profile", cancel), "abri-pdf")
            sound = checking.result()
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("cancelled")
        join_pdfs(parts, target, t("export.page.word", lang), pictures, token, sound)
    except ExportCancelled:
        raise ExportCancelled(t("export.cancelled", lang)) from None
    except ExportError:
        raise
    except Exception as error:  # Playwright and pikepdf raise their own error types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(t("export.pdf.failed", lang, reason=first[:300])) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
