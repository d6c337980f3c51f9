"""A realistic French case for the dossier tests and for looking at rendered pages.

Captures of every shape a victim brings: a phone screenshot (1080×2400, text drawn
at phone size), a desktop one (1920×1080), a tiny crop (200×120), a scroll capture
(1080×12000), a phone photo stored sideways with EXIF orientation 6, a WebP; and
broken files (a truncated PNG, a garbage ``.bmp``, text named ``.png``).  Times
that are typed, decoded from post IDs, and read from file names; an account that
changed its handle; a private Discord message; "Retire ta plainte".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tui.core.attachments import attach
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile

X_POST = 1382350606417817604
"""Decodes to 2021-04-14T15:10:42Z."""
X_ACCOUNT = "1523847561029384756"
"""A 19-digit X account ID (created 2022-05-10 by its snowflake)."""


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def screenshot(
    size: tuple[int, int], lines: list[str], *, text_px: int = 40, fmt: str = "PNG"
) -> bytes:
    """A capture with readable text lines of ``text_px`` pixels (a phone draws ~40 at 1080)."""
    image = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(image)
    font = _font(text_px)
    y = text_px
    index = 0
    while y < size[1] - text_px:
        line = lines[index % len(lines)]
        draw.text((text_px, y), f"{line} [{index + 1}]", fill=(20, 20, 20), font=font)
        y += int(text_px * 1.6)
        index += 1
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def rotated_photo() -> bytes:
    """A JPEG stored sideways (landscape pixels) whose EXIF says: rotate 90° (orientation 6).

    Upright it is a portrait 600×1000 with the word HAUT at the top.
    """
    upright = Image.new("RGB", (600, 1000), (255, 255, 255))
    draw = ImageDraw.Draw(upright)
    draw.rectangle((0, 0, 600, 200), fill=(200, 30, 30))
    draw.text((40, 60), "HAUT", fill=(255, 255, 255), font=_font(80))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the sensor wrote
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


@dataclass
class Files:
    """Where the realistic source pictures were written."""

    phone: Path
    desktop: Path
    tiny: Path
    tall: Path
    rotated: Path
    webp: Path
    truncated: Path
    garbage_bmp: Path
    text_png: Path


def make_files(folder: Path) -> Files:
    """Write every source picture into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    phone_lines = [
        "@raid_bot_22 : t'es finie, on sait où tu habites",
        "Retire ta plainte ou ça va mal finir",
        "14/04/2021 17:10 · Twitter for Android",
    ]
    files = Files(
        phone=folder / "Screenshot_20210414-173012.png",
        desktop=folder / "Capture d'écran 2021-04-15 à 09.12.44.png",
        tiny=folder / "crop.png",
        tall=folder / "Screenshot_20210416-220501_long.png",
        rotated=folder / "IMG_20210417_101500.jpg",
        webp=folder / "story.webp",
        truncated=folder / "Screenshot_truncated.png",
        garbage_bmp=folder / "export.bmp",
        text_png=folder / "notes.png",
    )
    files.phone.write_bytes(screenshot((1080, 2400), phone_lines))
    files.desktop.write_bytes(
        screenshot((1920, 1080), ["Discord — #général : @alice on va te retrouver"], text_px=18)
    )
    files.tiny.write_bytes(screenshot((200, 120), ["sale ***"], text_px=16))
    files.tall.write_bytes(
        screenshot((1080, 12000), ["fil de réponses : tous contre elle"], text_px=40)
    )
    files.rotated.write_bytes(rotated_photo())
    files.webp.write_bytes(screenshot((720, 1280), ["story instagram"], text_px=30, fmt="WEBP"))
    files.truncated.write_bytes(files.phone.read_bytes()[:5000])
    files.garbage_bmp.write_bytes(b"BM" + b"\xff" * 300)
    files.text_png.write_bytes(b"this is not a picture at all\n")
    return files


def build_case(folder: Path, *, name: str = "alice.toml", lang: str = "fr") -> CaseFile:
    """The realistic case on disk (saved), with its evidence folder filled."""
    files = make_files(folder / "sources")
    case = Case(title="Alice — raid d'avril 2021", language=lang)  # type: ignore[arg-type]
    case.concerns = "Alice Martin"
    case.concerns_birth = "02/03/1994"
    case.concerns_contact = "12 rue des Lilas, 69003 Lyon — alice@example.org"
    case.helper = "Camille Durand (association)"
    case.place = "Lyon"
    casefile = CaseFile.create(folder / name, case)
    base = datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)

    def entry(number: int, **fields: object) -> Evidence:
        item = Evidence(id=f"E{number:04d}", **fields)  # type: ignore[arg-type]
        return item

    entries: list[tuple[Evidence, list[Path]]] = [
        (
            entry(
                9,
                url=f"https://x.com/raid_bot_22/status/{X_POST}",
                url_original=f"https://twitter.com/raid_bot_22/status/{X_POST}?s=20&t=abc",
                platform="x",
                post_id=str(X_POST),
                account_handle="raid_bot_22",
                account_id=X_ACCOUNT,
                posted_at=base,
                posted_at_source="post-id",
                observed_at=base + timedelta(hours=2),
                content="t'es finie, on sait où tu habites. Retire ta plainte ou ça va mal finir",
                categories=["threat"],
            ),
            [files.phone],
        ),
        (
            entry(
                26,
                url="https://discord.com/channels/81384788765712384/81384788765712384/175928847299117063",
                platform="discord",
                post_id="175928847299117063",
                account_handle="nuit_noire",
                account_id="80351110224678912",
                posted_at=datetime(2021, 4, 15, 7, 12, 44, tzinfo=UTC),
                posted_at_source="file-name",
                content="@alice on va te retrouver",
                categories=["threat", "doxxing"],
            ),
            [files.desktop],
        ),
        (
            entry(
                10,
                url=f"https://x.com/raid_bot_22_/status/{X_POST + 10**15}",
                platform="x",
                account_handle="raid_bot_22_",
                account_id=X_ACCOUNT,
                posted_at=datetime(2021, 4, 15, 18, 30, tzinfo=UTC),
                posted_at_source="typed",
                content="sale ***",
                categories=["insult"],
            ),
            [files.tiny],
        ),
        (
            entry(
                11,
                url="https://x.com/meute_7/status/1383200000000000000",
                platform="x",
                account_handle="meute_7",
                account_id="987654321",
                observed_at=datetime(2021, 4, 16, 20, 5, tzinfo=UTC),
                content="fil de réponses : tous contre elle",
                categories=["insult", "sexual"],
                notes="montage photo sexuel (deepfake) en réponse",
            ),
            [files.tall],
        ),
        (
            entry(
                12,
                url="https://www.instagram.com/faux.alice.martin/",
                platform="instagram",
                account_handle="faux.alice.martin",
                observed_at=datetime(2021, 4, 17, 8, 15, tzinfo=UTC),
                content="Faux compte à mon nom avec mes photos",
                categories=["impersonation"],
            ),
            [files.rotated, files.webp],
        ),
        (
            entry(
                13,
                url="https://www.instagram.com/direct/t/340282366841710300949128/",
                platform="instagram",
                account_handle="anon_4421",
                observed_at=datetime(2021, 4, 18, 9, 0, tzinfo=UTC),
                content="message privé",
                categories=["insult"],
            ),
            [files.truncated, files.garbage_bmp, files.text_png],
        ),
    ]
    for item, sources in entries:
        for source in sources:
            shot = attach(casefile, item, source)
            item = replace(item, attachments=(*item.attachments, shot))
        casefile.case.evidence.append(item)
    casefile.save()
    return casefile


def garbled_pixels(png: bytes) -> bytes:
    """``png`` with its compressed pixels replaced by noise, every chunk's CRC still right."""
    import struct
    import zlib

    at = png.index(b"IDAT") - 4
    length = int.from_bytes(png[at : at + 4], "big")
    noise = bytes((n * 37) & 255 for n in range(length))
    chunk = png[at : at + 4] + b"IDAT" + noise + struct.pack(">I", zlib.crc32(b"IDAT" + noise))
    return png[:at] + chunk + png[at + 12 + length :]
