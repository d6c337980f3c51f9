"""Real case files for the export tests: small PNGs (Pillow) attached through the core."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import HOSTILE
from tui.core.attachments import attach
from tui.core.case import Case, Evidence
from tui.core.store import CaseFile

BASE_TIME = datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)


def png(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (90, 160)) -> Path:
    """A small real PNG (a phone-shaped screenshot) with a visible band of colour."""
    image = Image.new("RGB", size, (245, 245, 245))
    for y in range(size[1] // 4, size[1] // 2):
        for x in range(size[0]):
            image.putpixel((x, y), colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


CaseFactory = Callable[..., CaseFile]


@pytest.fixture
def make_case(tmp_path: Path) -> CaseFactory:
    """``make_case(n=20, lang="fr", hostile=False, shots=1)`` -> an open CaseFile on disk.

    Entries are added newest first, so a test can see that exports sort them.
    Two accounts alternate; the last entry of three has no screenshot.
    """

    def build(
        n: int = 20,
        *,
        lang: str = "fr",
        hostile: bool = False,
        shots: int = 1,
        name: str = "alice.toml",
    ) -> CaseFile:
        path = tmp_path / name
        case = Case(title=HOSTILE if hostile else "Alice — raid juin", language=lang)  # type: ignore[arg-type]
        if hostile:
            case.concerns = HOSTILE
        casefile = CaseFile.create(path, case)
        sources = tmp_path / "phone"
        sources.mkdir(exist_ok=True)
        for index in reversed(range(n)):
            account = "1234567890" if index % 2 else "987654321"
            entry = Evidence(
                id=f"E{index + 1:04d}",
                url=f"https://x.com/someone{index % 2}/status/{1382350606417817604 + index}",
                platform="x",
                post_id=str(1382350606417817604 + index),
                account_handle=f"someone{index % 2}",
                account_id=account,
                posted_at=BASE_TIME + timedelta(hours=index * 5),
                posted_at_source="post-id",
                observed_at=BASE_TIME + timedelta(hours=index * 5 + 2),
                content=f"message {index + 1}",
                categories=["threat"] if index % 3 == 0 else ["insult"],
            )
            if hostile:
                entry = replace(
                    entry,
                    content=HOSTILE,
                    notes=HOSTILE,
                    account_handle="[@click=app.quit]x[/]\x1b[2J",
                    url_original=HOSTILE,
                    categories=("threat", "other"),
                )
            if index % 3 != 2:
                for shot in range(shots):
                    colour = ((index * 40) % 256, (shot * 90) % 256, 128)
                    source = png(sources / f"Screenshot_{index}_{shot}.png", colour)
                    shot_file = attach(casefile, entry, source)
                    entry = replace(entry, attachments=(*entry.attachments, shot_file))
            casefile.case.evidence.append(entry)
        casefile.save()
        return casefile

    return build
