"""Running a coroutine to completion from blocking code, whoever calls.

Playwright is driven with asyncio, but capture and PDF export are called from
blocking code: the CLI, a worker thread of the app, a test that already runs an
event loop.  :func:`run_to_completion` runs the coroutine in a fresh loop, in its
own thread when the calling thread already runs one (``asyncio.run`` refuses to
nest), and gives back its result or raises its exception.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_to_completion(coro: Coroutine[Any, Any, T], name: str = "abri-async") -> T:
    """The result of ``coro``, run in a new event loop (in a thread named ``name`` if
    this thread already runs one); its exception, if it raised."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    out: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(asyncio.run(coro))
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=run, name=name)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return out[0]
