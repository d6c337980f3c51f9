"""Pictures for the documents: upright, legible, small, and never the evidence itself.

A screenshot is only useful in a dossier if its text can be read on paper.  This
module decides the printed size of each capture and makes the copy that is
embedded (Word, HTML, PDF):

- **Orientation**: the EXIF orientation is applied (a phone photo taken sideways
  comes out upright in every format, not only in the browser).
- **Size**: a capture is printed as large as its box allows, but a phone capture
  (or anything narrower) is printed at least as wide as a phone screenshot that
  fills the box's height, so its text stays at body size; it is never enlarged
  past :data:`MAX_ENLARGE_DPI` (a 200×120 capture stays small and sharp).
- **Tall captures** (a scroll capture of 1080×12000) are cut into slices of one
  box height each, printed one after another with "suite" marks.
- **Weight**: the embedded copy is resampled to about :data:`TARGET_DPI` at its
  largest printed size, and cached by the original's SHA-256, so a dossier weighs
  far less than its screenshots.
- **Formats** Word cannot show (WebP, HEIC when ``pillow-heif`` is installed) are
  converted; the document then says the picture is a rendering and the original
  file, with its SHA-256, stays the evidence.
- **Hostile files** (a truncated PNG, a garbage ``.bmp``, text named ``.png``, a
  decompression bomb) never stop an export: :func:`prepare` returns a problem and
  the writer prints a sentence instead of the picture.

Pillow is imported only when a picture is prepared.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

MAX_ENLARGE_DPI = 150
"""Printed resolution below which a small capture is never enlarged."""
TARGET_DPI = 180
"""Resolution of the embedded copy at its largest printed size."""
PHONE_RATIO = 20 / 9
"""Height / width of a typical phone screenshot (1080×2400)."""
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Slice:
    """One embedded picture: the whole capture, or one slice of a tall one."""

    data: bytes
    kind: str
    """``png`` or ``jpeg`` (what Word and browsers both show)."""
    width_px: int
    """Width in the oriented original's pixels (before resampling)."""
    height_px: int
    """Height of this slice in the oriented original's pixels."""
    index: int
    count: int


@dataclass
class Prepared:
    """What the writers need to show one capture, or why it cannot be shown."""

    slices: list[Slice] = field(default_factory=list)
    problem: str = ""
    """``""`` when shown; else ``unreadable`` or ``unsupported`` (HEIC without its decoder)."""
    converted_from: str = ""
    """``webp``, ``heic``... when the embedded copy is a conversion of another format."""
    rotated: bool = False
    """True when the EXIF orientation was applied."""
    width_px: int = 0
    height_px: int = 0
    wide: bool = False
    """True for a capture wider than tall: its annex page is landscape."""
    recognised: bool = False
    """True when the bytes start like a picture (a broken one is still "a picture")."""

    @property
    def ok(self) -> bool:
        """True when there is something to show."""
        return bool(self.slices)


def scale_for(
    width_px: int, height_px: int, box_w_mm: float, box_h_mm: float, *, legible: bool = True
) -> float:
    """Millimetres per pixel for a capture printed in a box (see the module docstring).

    With ``legible``, a capture narrower than a phone screenshot filling the box's
    height is printed at that phone width (its height may then exceed the box: the
    writer slices it).  Never enlarged past :data:`MAX_ENLARGE_DPI`.
    """
    width_px, height_px = max(width_px, 1), max(height_px, 1)
    fit_width = box_w_mm / width_px
    fit_height = box_h_mm / height_px
    if legible:
        phone = box_h_mm / (width_px * PHONE_RATIO)
        fit_height = max(fit_height, phone)
    return min(fit_width, fit_height, MM_PER_INCH / MAX_ENLARGE_DPI)


def slice_height_px(width_px: int, height_px: int, box_w_mm: float, box_h_mm: float) -> int:
    """How many original pixels of height fit in one box at the legible scale."""
    scale = scale_for(width_px, height_px, box_w_mm, box_h_mm)
    return max(1, math.floor(box_h_mm / scale))


def image_kind(data: bytes) -> str | None:
    """The picture format from its first bytes, or None when it is not a picture we know."""
    from tui.core.attachments import picture_format

    known = picture_format(data)
    if known is not None:
        return known
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "heic"
    return None


def _heif_opener() -> bool:
    """Register the HEIC decoder when ``pillow-heif`` is installed (optional)."""
    try:
        import pillow_heif  # type: ignore[import-not-found]
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


_OVERLAP = 0.03
"""Share of a slice repeated at the top of the next, so no line of text is lost in a cut."""


def prepare(
    data: bytes,
    box_w_mm: float,
    box_h_mm: float,
    wide_box: tuple[float, float] | None = None,
) -> Prepared:
    """The embedded copy (or slices) of a capture for its largest box, or a problem.

    ``wide_box`` is the box of a capture wider than tall (a landscape page), when
    the writer has one.  Never raises for a bad file: any decoding error gives
    ``problem="unreadable"``.
    """
    kind = image_kind(data)
    if kind is None:
        return Prepared(problem="unreadable")
    if kind == "heic" and not _heif_opener():
        return Prepared(problem="unsupported", converted_from="heic", recognised=True)
    try:
        return _prepare(data, kind, (box_w_mm, box_h_mm), wide_box)
    except Exception:
        # Pillow raises many types (OSError, SyntaxError, ValueError, its bomb
        # error...) for broken or hostile files; none may stop the document.
        return Prepared(problem="unreadable", recognised=True)


def _prepare(
    data: bytes, kind: str, tall_box: tuple[float, float], wide_box: tuple[float, float] | None
) -> Prepared:
    from PIL import Image, ImageOps

    quick = _embed_as_is(data, kind, tall_box, wide_box)
    if quick is not None:
        return quick
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        rotated = _orientation(opened) not in (0, 1)
        image = ImageOps.exif_transpose(opened) if rotated else opened.copy()
    width, height = image.size
    if width < 1 or height < 1:
        return Prepared(problem="unreadable")
    wide = wide_box is not None and width > height
    box_w_mm, box_h_mm = wide_box if wide_box is not None and wide else tall_box
    _, bounds, factor = _layout(width, height, (box_w_mm, box_h_mm))
    lossy = kind in ("jpeg", "webp", "heic")
    unchanged = len(bounds) == 1 and factor > 0.9 and not rotated and kind in ("png", "jpeg")
    slices: list[Slice] = []
    for index, (top, bottom) in enumerate(bounds):
        if unchanged:
            payload, out_kind = data, kind
        else:
            part = image if len(bounds) == 1 else image.crop((0, top, width, bottom))
            if factor < 0.9:
                size = (max(1, round(width * factor)), max(1, round((bottom - top) * factor)))
                part = part.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
            payload, out_kind = _encode(part, lossy)
            lighter = len(payload) >= len(data)
            if lighter and len(bounds) == 1 and not rotated and kind in ("png", "jpeg"):
                payload, out_kind = data, kind  # the original is already lighter
        slices.append(Slice(payload, out_kind, width, bottom - top, index, len(bounds)))
    return Prepared(
        slices=slices,
        converted_from=kind if kind in ("webp", "heic", "bmp", "gif") else "",
        rotated=rotated,
        wide=wide,
        width_px=width,
        height_px=height,
        recognised=True,
    )


def _layout(
    width: int, height: int, box: tuple[float, float]
) -> tuple[float, list[tuple[int, int]], float]:
    """(scale, slice bounds in pixels, resampling factor) of a capture in its box."""
    box_w_mm, box_h_mm = box
    scale = scale_for(width, height, box_w_mm, box_h_mm)
    per_slice = max(1, math.floor(box_h_mm / scale))
    if height <= per_slice * 1.02:
        bounds = [(0, height)]
    else:
        step = max(1, int(per_slice * (1 - _OVERLAP)))
        bounds = []
        top = 0
        while True:
            bottom = min(height, top + per_slice)
            bounds.append((top, bottom))
            if bottom >= height:
                break
            top += step
    target_w = max(1, math.ceil(width * scale / MM_PER_INCH * TARGET_DPI))
    return scale, bounds, min(1.0, target_w / width)


def _embed_as_is(
    data: bytes, kind: str, tall_box: tuple[float, float], wide_box: tuple[float, float] | None
) -> Prepared | None:
    """The original bytes when they can be embedded unchanged, checked without a full decode.

    Most captures of a big case are small PNG or JPEG files already at (or under)
    their printed resolution: decoding every pixel of 1,000 of them would triple
    the Word export's time.  A PNG's chunks are checked (``verify``: a truncated
    file fails) and its pixels inflated (:func:`png_rows_sound`), a JPEG is
    decoded at 1/8 scale (``draft``); anything else takes the full path.
    """
    if kind not in ("png", "jpeg"):
        return None
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
        if width < 1 or height < 1 or _orientation(opened) not in (0, 1):
            return None
        wide = wide_box is not None and width > height
        box = wide_box if wide_box is not None and wide else tall_box
        _, bounds, factor = _layout(width, height, box)
        if len(bounds) != 1 or factor <= 0.9:
            return None
    with Image.open(io.BytesIO(data)) as checked:
        # verify() must come first after open (reading the EXIF above does not count).
        if kind == "png":
            checked.verify()
            if not png_rows_sound(data):
                raise ValueError("the pixels do not inflate")  # prepare(): unreadable
        else:
            checked.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            checked.load()
    return Prepared(
        slices=[Slice(data, kind, width, height, 0, 1)],
        wide=wide,
        width_px=width,
        height_px=height,
        recognised=True,
    )


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
"""Samples per pixel for each PNG colour type (grey, RGB, palette, grey+alpha, RGBA)."""


def _png_chunks(data: bytes) -> tuple[bytes, bytes, bytes, bool] | None:
    """(IHDR, PLTE, the IDAT rows joined, has tRNS) of a PNG whose chunks are whole."""
    if data[:8] != PNG_SIGNATURE:
        return None
    at, header, palette, rows, transparent = 8, b"", b"", [], False
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
            transparent = True
        elif kind == b"IDAT":
            rows.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if len(header) != 13 or not rows:
        return None
    return header, palette, b"".join(rows), transparent


def png_layout(data: bytes) -> tuple[int, int, int, int, bytes, bytes] | None:
    """(width, height, depth, colour type, palette, compressed rows) of a PNG a PDF takes as is.

    None for anything a PDF cannot take without decoding: transparency, 16 bits,
    interlacing, an unknown method.
    """
    chunks = _png_chunks(data)
    if chunks is None or chunks[3]:
        return None  # transparency: laid on white paper by the PDF writer
    header, palette, rows, _ = chunks
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
    return width, height, depth, colour_type, palette, rows


def png_rows_sound(data: bytes) -> bool:
    """True when a PNG's compressed pixels inflate whole (their Adler-32 right) to its size.

    A PNG embedded unchanged had only its chunks checked (their CRCs), which a
    crafted file can keep right over pixels that do not inflate: Word would show
    a broken picture, a PDF reader an error.  zlib-ng inflates a 1080×2400
    screenshot in ~3 ms (the standard zlib ~20 ms), in pieces that stay in cache.
    """
    from zlib_ng import zlib_ng

    chunks = _png_chunks(data)
    if chunks is None:
        return False
    header, _, rows, _ = chunks
    width = int.from_bytes(header[0:4], "big")
    height = int.from_bytes(header[4:8], "big")
    depth, colour_type, interlace = header[8], header[9], header[12]
    channels = _CHANNELS.get(colour_type)
    if channels is None:
        return False
    # Interlaced rows come in seven passes of their own sizes: the stream's end
    # and checksum are checked, its size is bounded by twice the plain one.
    expected = height * (1 + (width * channels * depth + 7) // 8)
    limit = expected if not interlace else 2 * expected
    inflate = zlib_ng.decompressobj()
    size = 0
    try:
        while not inflate.eof and size <= limit:
            piece = inflate.decompress(rows, 1 << 16)
            rows = inflate.unconsumed_tail
            size += len(piece)
            if not piece and not rows:
                break
    except Exception:  # zlib_ng.error (its stub calls it an instance, not a class)
        return False
    return inflate.eof and (size == expected if not interlace else size <= limit)


def _orientation(image: object) -> int:
    """The EXIF orientation (1 = upright), read without decoding the pixels.

    A PNG's ``getexif()`` decodes the whole image to look for an ``eXIf`` chunk
    after the pixels; screenshots put it (if at all) before them, in ``info``.
    """
    from PIL import Image

    try:
        if getattr(image, "format", "") == "PNG":
            raw = image.info.get("exif")  # type: ignore[attr-defined]
            if not raw:
                return 1
            exif = Image.Exif()
            exif.load(raw)
            return int(exif.get(0x0112, 1))
        return int(image.getexif().get(0x0112, 1))  # type: ignore[attr-defined]
    except Exception:
        return 1


def _encode(image: object, lossy: bool) -> tuple[bytes, str]:
    """PNG for screenshots (sharp text), JPEG for photos; alpha kept only in PNG."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    buffer = io.BytesIO()
    if lossy:
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
        return buffer.getvalue(), "jpeg"
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    if image.mode in ("RGB", "RGBA"):
        # 256 colours keep a screenshot's text crisp and divide its weight by ~5
        # (resampling adds shades that plain PNG compresses badly).
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    image.save(buffer, "PNG", compress_level=4)
    return buffer.getvalue(), "png"


class PictureCache:
    """Prepared pictures by the original's SHA-256, shared by every writer of one export."""

    def __init__(
        self, box_w_mm: float, box_h_mm: float, wide_box: tuple[float, float] | None = None
    ) -> None:
        self.box = (box_w_mm, box_h_mm)
        self.wide_box = wide_box
        self._done: dict[str, Prepared] = {}

    def get(self, sha256: str, data: bytes) -> Prepared:
        """The prepared picture of ``data`` (computed once per SHA-256)."""
        known = self._done.get(sha256)
        if known is None:
            known = self._done[sha256] = prepare(data, *self.box, self.wide_box)
        return known

    def peek(self, sha256: str) -> Prepared | None:
        """The picture already prepared for this SHA-256, if any."""
        return self._done.get(sha256)

    def forget(self, sha256: str) -> None:
        """Drop a picture once every writer that needs it has used it (memory)."""
        self._done.pop(sha256, None)
