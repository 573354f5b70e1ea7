"""Render worker(s): a queue of job ids drained by N asyncio tasks, each rendering in a dedicated thread pool.

A dedicated pool (not asyncio's default executor) keeps long renders from starving other `to_thread` users
in the main server, and lets `stop()` wait for exactly the renders it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class RenderPool:
    def __init__(self, workers: int, handle: Callable[[str], Awaitable[None]]) -> None:
        self._worker_count = workers
        self._handle = handle
        self._queue: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._executor: ThreadPoolExecutor | None = None
        self.stopping = threading.Event()  # read by render threads between frames

    def start(self) -> None:
        self.stopping.clear()
        self._queue = asyncio.Queue()
        self._executor = ThreadPoolExecutor(self._worker_count, thread_name_prefix="emulator-render")
        self._tasks = [asyncio.create_task(self._work(), name=f"emulator-render-{n}")
                       for n in range(self._worker_count)]

    async def stop(self) -> None:
        self.stopping.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._executor is not None:
            # Renders in flight see `stopping` at their next frame and return; wait so no thread outlives us.
            await asyncio.to_thread(self._executor.shutdown, True)
            self._executor = None

    def submit(self, job_id: str) -> None:
        if self._queue is None:
            raise RuntimeError("the emulator is not started")
        self._queue.put_nowait(job_id)

    @property
    def pending(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    async def run_blocking(self, function: Callable[[], T]) -> T:
        if self._executor is None:
            raise RuntimeError("the emulator is not started")
        return await asyncio.get_running_loop().run_in_executor(self._executor, function)

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            job_id = await self._queue.get()
            try:
                await self._handle(job_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  one bad job must not kill the worker
                log.exception("emulator: render of %s crashed", job_id)
