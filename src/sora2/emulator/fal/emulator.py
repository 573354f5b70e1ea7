"""FalEmulator: fal's queue API over the shared renderer: requests, persistence, fault knobs, webhooks.

Every mutation happens on the event loop under one lock and reaches disk before a client hears of it; a restarted
emulator reloads its requests, re-queues unfinished renders and undelivered webhooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from sora2.emulator.config import EmulatorConfig
from sora2.emulator.fal.catalog import ENDPOINTS, Endpoint
from sora2.emulator.fal.faults import OPERATIONS, FalFaults
from sora2.emulator.fal.jobs import (
    MODERATION_MESSAGE, RENDER_FAILED_MESSAGE, FalJob, error_of, new_request_id, outcome_at, result_view,
)
from sora2.emulator.fal.validation import SubmitInput
from sora2.emulator.fal.webhooks import Signer, WebhookSender
from sora2.emulator.openrouter.inputs import continuation_frame, render_fps
from sora2.emulator.render import RenderAborted, RenderOutputs, RenderSpec, render_clip
from sora2.emulator.renderpool import RenderPool
from sora2.emulator.store import JobStore, write_atomic
from sora2.media import fit_image

log = logging.getLogger(__name__)
FLAVOR_DIR = "fal"
LAST_FRAME_FILE = "last-frame.img"
WATCH_SECONDS = 0.05


class RequestNotFound(Exception):
    pass


class FalEmulator:
    def __init__(self, config: EmulatorConfig, *, webhook_transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        from sora2.emulator.fal.app import build_app  # the app module needs this class for its types

        self.config = config
        self.clock = clock
        self.root = Path(config.data_dir) / FLAVOR_DIR
        self.store: JobStore[FalJob] = JobStore(self.root / "jobs", self.root / "media", FalJob)
        self.faults = FalFaults()
        self.signer: Signer | None = None
        self.webhook_transport = webhook_transport
        self.webhooks: WebhookSender | None = None
        self.requests: dict[str, int] = {operation: 0 for operation in OPERATIONS}
        self._jobs: dict[str, FalJob] = {}
        self._lock = asyncio.Lock()
        self._pool = RenderPool(config.render_workers, self._render)
        self._next_seq = 1
        self._delivering: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self.started = False
        self.app = build_app(self)

    # lifecycle

    async def start(self) -> None:
        if self.started:
            return
        await asyncio.to_thread(self.store.ensure_dirs)
        self.signer = await asyncio.to_thread(Signer.load_or_create, self.root)
        self.webhooks = WebhookSender(self.signer, self.webhook_transport, self.clock)
        jobs = await asyncio.to_thread(self.store.load_all)
        self._jobs = {job.id: job for job in jobs}
        self._next_seq = max((job.seq for job in jobs), default=0) + 1
        await self.webhooks.start()
        self._pool.start()
        self.started = True
        for job in jobs:
            if job.needs_render:
                self._pool.submit(job.id)
        self._watcher = asyncio.create_task(self._watch_webhooks(), name="fal-emulator-webhooks")

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        tasks = [t for t in (self._watcher, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._pool.stop()
        if self.webhooks is not None:
            await self.webhooks.stop()

    # reads

    def now(self) -> float:
        return self.clock()

    def get(self, app: str, request_id: str) -> FalJob:
        job = self._jobs.get(request_id)
        if job is None or job.app != app:
            raise RequestNotFound(request_id)
        return job

    def result(self, job: FalJob) -> dict[str, Any]:
        path = self.store.media_path(job.id, "video")
        return result_view(job, path.stat().st_size if path.exists() else 0)

    def video_path(self, request_id: str) -> Path | None:
        job = self._jobs.get(request_id)
        path = self.store.media_path(request_id, "video")
        return path if job is not None and outcome_at(job, self.now()) == "OK" and path.exists() else None

    def stats(self) -> dict[str, Any]:
        sender = self.webhooks
        return {"requests": dict(self.requests), "faults_injected": dict(self.faults.injected),
                "jobs_created": len(self._jobs), "renders_queued": self._pool.pending,
                "webhooks_sent": sender.sent if sender else 0, "webhooks_failed": sender.failed if sender else 0,
                "webhooks_pending": sum(1 for j in self._jobs.values() if j.webhook_url and j.webhook_status is None)}

    # writes

    async def submit(self, endpoint: Endpoint, data: SubmitInput, base_url: str, webhook_url: str | None) -> FalJob:
        if data.previous is not None and self.video_path(data.previous) is None:
            raise RequestNotFound(data.previous)
        first = await asyncio.to_thread(self._fit, data.first, data.width, data.height)
        last = await asyncio.to_thread(self._fit, data.last, data.width, data.height)
        now = self.now()
        async with self._lock:
            job = FalJob(id=new_request_id(), seq=self._next_seq, endpoint=endpoint.id, prompt=data.prompt,
                         seconds=data.seconds, width=data.width, height=data.height, created_at=now,
                         job_seconds=self.faults.settings.job_seconds or self.config.job_seconds,
                         cost=round(endpoint.price_per_second * data.seconds, 4),
                         gateway_request_id=new_request_id(), base_url=base_url, webhook_url=webhook_url,
                         has_first=first is not None, has_last=last is not None, previous=data.previous)
            if self.faults.draw_job_failure():
                job.fail_message = MODERATION_MESSAGE
            self._next_seq += 1
            if first is not None:
                await asyncio.to_thread(self.store.save_reference, job.id, first)
            if last is not None:
                await asyncio.to_thread(write_atomic, self.store.media_folder(job.id) / LAST_FRAME_FILE, last)
            await asyncio.to_thread(self.store.save, job)
            self._jobs[job.id] = job
            if job.needs_render:
                self._pool.submit(job.id)
        return job

    @staticmethod
    def _fit(image: bytes | None, width: int, height: int) -> bytes | None:
        return fit_image(image, width, height, mode="crop") if image is not None else None

    async def cancel(self, job: FalJob) -> bool:
        """False when the request already finished (fal answers ALREADY_COMPLETED)."""
        async with self._lock:
            if outcome_at(job, self.now()) is not None:
                return False
            job.cancelled_at = self.now()
            await asyncio.to_thread(self.store.save, job)
            await asyncio.to_thread(self.store.remove_rendered_media, job.id)
        return True

    # rendering

    def _render_spec(self, job: FalJob) -> RenderSpec:
        first = self.store.load_reference(job.id) if job.has_first else None
        if first is None and job.previous:
            first = continuation_frame(self.store.media_path(job.previous, "video"))
        last_path = self.store.media_folder(job.id) / LAST_FRAME_FILE
        last = last_path.read_bytes() if job.has_last and last_path.exists() else None
        return RenderSpec(width=job.width, height=job.height, seconds=job.seconds,
                          fps=render_fps(self.config.fps, job.width, job.height), prompt=job.prompt,
                          caption=f"EMULATED · fal · {job.endpoint} · {job.width}x{job.height} · {job.seconds}s",
                          reference=first, last_reference=last)

    async def _render(self, request_id: str) -> None:
        job = self._jobs.get(request_id)
        if job is None or not job.needs_render:
            return
        outputs = RenderOutputs(*(self.store.media_path(job.id, v) for v in ("video", "thumbnail", "spritesheet")))
        crashed = False
        try:
            await self._pool.run_blocking(lambda: render_clip(self._render_spec(job), outputs, should_abort=lambda: (
                self._pool.stopping.is_set() or job.cancelled_at is not None)))
        except RenderAborted:
            return
        except Exception:  # noqa: BLE001  a renderer bug becomes a failed request, as fal would report
            log.exception("fal emulator: render of %s failed", job.id)
            crashed = True
        async with self._lock:
            if job.cancelled_at is not None:
                await asyncio.to_thread(self.store.remove_rendered_media, job.id)
                return
            job.fail_message, job.rendered_at = (RENDER_FAILED_MESSAGE, None) if crashed else (None, self.now())
            await asyncio.to_thread(self.store.save, job)

    # webhooks

    async def _watch_webhooks(self) -> None:
        while True:
            now = self.now()
            for job in list(self._jobs.values()):
                if job.webhook_url and job.webhook_status is None and job.id not in self._delivering:
                    outcome = outcome_at(job, now)
                    if outcome is not None:
                        self._delivering.add(job.id)
                        task = asyncio.create_task(self._notify(job, outcome))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(WATCH_SECONDS)

    def webhook_event(self, job: FalJob, outcome: str) -> dict[str, Any]:
        event: dict[str, Any] = {"request_id": job.id, "gateway_request_id": job.gateway_request_id,
                                 "status": outcome}
        if outcome == "OK":
            event["payload"] = self.result(job)
        else:
            message, kind = error_of(job) or ("error", "internal_error")
            event["error"] = message
            event["payload"] = {"detail": [{"msg": message, "type": kind}]}
        return event

    async def _notify(self, job: FalJob, outcome: str) -> None:
        assert self.webhooks is not None and job.webhook_url is not None
        try:
            self.webhooks.forge = self.faults.knobs.webhook_forged
            event = self.webhook_event(job, outcome)
            delivered = await self.webhooks.deliver(job.webhook_url, job.id, event)
            if delivered and self.faults.knobs.webhook_duplicate:
                await self.webhooks.deliver(job.webhook_url, job.id, event)
            async with self._lock:
                job.webhook_status = outcome
                await asyncio.to_thread(self.store.save, job)
        finally:
            self._delivering.discard(job.id)
