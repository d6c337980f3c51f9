"""The look of the evidence table at 80×24 in safe view (content hidden)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HOSTILE
from tests.evidence.conftest import SIZE
from tui.app import AbriApp
from tui.core.case import Attachment, Evidence

WHEN = datetime(2021, 4, 14, 15, 10, 42, tzinfo=UTC)


def sample() -> list[Evidence]:
    shot = Attachment(
        path="case-files/E0001-20210414T151042Z-1.png",
        sha256="a" * 64,
        bytes=1000,
        original_name="Screenshot.png",
        added_at=WHEN,
    )
    return [
        Evidence(
            id="E0001",
            url="https://x.com/someone/status/1382350606417817604",
            platform="x",
            post_id="1382350606417817604",
            account_handle="someone",
            account_id="1234567890",
            posted_at=WHEN,
            posted_at_source="post-id",
            content="hidden insult",
            categories=["insult", "threat"],
            attachments=[shot],
            added_at=WHEN,
        ),
        Evidence(
            id="E0002",
            url="https://www.instagram.com/p/CNmBqQ1Hx5b/",
            platform="instagram",
            account_handle=HOSTILE,
            posted_at=datetime(2021, 5, 1, 20, 0, tzinfo=UTC),
            posted_at_source="typed",
            content=HOSTILE,
            categories=["doxxing"],
            added_at=WHEN,
        ),
        Evidence(id="E0003", content="no date yet", added_at=WHEN),
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_table_at_80x24_in_safe_view(
    snap_compare: Any, make_case: Callable[..., Path], lang: str
) -> None:
    app = AbriApp(make_case(sample(), language=lang), lang=lang)

    async def checked(pilot: Any) -> None:
        # The file check starts just after the first screen: wait for its marks.
        for _ in range(200):
            if app.session is not None and app.files_checking is None:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app, press=["f3"], terminal_size=SIZE, run_before=checked)
