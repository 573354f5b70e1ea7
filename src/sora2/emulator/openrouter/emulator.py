"""OpenRouterEmulator: the OpenRouter flavor's jobs, persistence, fault knobs, counters, renders and webhooks.

It shares the OpenAI flavor's machinery (`JobStore`, `FaultInjector`, `RenderPool`, the PyAV renderer); what
differs is the wire contract, the model catalogue and the webhooks. Every mutation happens on the event loop
under one asyncio lock and reaches disk before a client is told about it.
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
from sora2.emulator.openrouter.catalog import VideoModelSpec
from sora2.emulator.openrouter.faults import OPERATIONS, OpenRouterFaults
from sora2.emulator.openrouter.inputs import FittedFrames, continuation_frame, fit_frames, render_fps
from sora2.emulator.openrouter.jobs import (
    MODERATION_MESSAGE,
    RENDER_FAILED_MESSAGE,
    STATUSES,
    TERMINAL,
    VideoJob,
    job_view,
    new_generation_id,
    new_job_id,
    outcome_at,
    status_at,
    webhook_event,
)
from sora2.emulator.openrouter.validation import SubmitRequest, resolve_output
from sora2.emulator.openrouter.webhooks import WebhookSender
from sora2.emulator.openrouter.wire import ApiError
from sora2.emulator.render import RenderAborted, RenderOutputs, RenderSpec, render_clip
from sora2.emulator.renderpool import RenderPool
from sora2.emulator.store import JobStore, write_atomic

log = logging.getLogger(__name__)
FLAVOR_DIR = "openrouter"  # under config.data_dir, so both flavors can share one data dir
LAST_FRAME_FILE = "last-frame.img"
WEBHOOK_WATCH_SECONDS = 0.05


class OpenRouterEmulator:
    def __init__(self, config: EmulatorConfig, *, webhook_secret: str | None = None,
                 webhook_transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        from sora2.emulator.openrouter.app import build_app  # the app module needs this class for its types

        self.config = config
        self.clock = clock
        root = Path(config.data_dir) / FLAVOR_DIR
        self.store: JobStore[VideoJob] = JobStore(root / "jobs", root / "media", VideoJob)
        self.faults = OpenRouterFaults()
        self.webhooks = WebhookSender(webhook_secret, webhook_transport, clock)
        self.requests: dict[str, int] = {operation: 0 for operation in OPERATIONS}
        self._jobs: dict[str, VideoJob] = {}
        self._lock = asyncio.Lock()
        self._pool = RenderPool(config.render_workers, self._render)
        self._next_seq = 1
        self._awaiting_webhook: set[str] = set()
        self._delivering: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self.started = False
        self.app = build_app(self)

    # lifecycle

    async def start(self) -> None:
        """Loads persisted jobs, re-queues unfinished renders and undelivered webhooks, starts the workers."""
        if self.started:
            return
        await asyncio.to_thread(self.store.ensure_dirs)
        jobs = await asyncio.to_thread(self.store.load_all)
        self._jobs = {job.id: job for job in jobs}
        self._next_seq = max((job.seq for job in jobs), default=0) + 1
        self._awaiting_webhook = {job.id for job in jobs if job.callback_url and job.webhook_status is None}
        await self.webhooks.start()
        self._pool.start()
        self.started = True
        for job in jobs:
            if job.needs_render:
                self._pool.submit(job.id)
        self._watcher = asyncio.create_task(self._watch_webhooks(), name="openrouter-emulator-webhooks")
        log.info("openrouter emulator: %d jobs loaded from %s", len(jobs), self.store.jobs_dir)

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        tasks = [task for task in (self._watcher, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._watcher = None
        await self._pool.stop()
        await self.webhooks.stop()

    # reads

    def now(self) -> float:
        return self.clock()

    def status(self, job: VideoJob, now: float | None = None) -> str:
        return status_at(job, self.now() if now is None else now, self.faults.settings.expire_after_seconds)

    def view(self, job: VideoJob, base_url: str) -> dict[str, Any]:
        return job_view(job, self.now(), base_url, self.faults.settings.expire_after_seconds)

    async def get(self, job_id: str) -> VideoJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"Video generation job '{job_id}' not found")
        await self._purge_if_expired(job)
        return job

    async def content_path(self, job_id: str, index: int) -> Path:
        job = await self.get(job_id)
        status = self.status(job)
        if status == "expired":
            raise ApiError(410, "The generated video has expired and is no longer available")
        if status != "completed":
            raise ApiError(404, f"Video content is not available: the job is {status}"
                                + ("" if status in TERMINAL else "; poll until it is completed"))
        if index != 0:
            raise ApiError(400, f"Invalid index {index}: this job produced 1 video (index 0)")
        path = self.store.media_path(job.id, "video")
        if not path.exists():  # purged between the status check and now
            raise ApiError(410, "The generated video has expired and is no longer available")
        return path

    def stats(self) -> dict[str, Any]:
        now = self.now()
        by_status = {status: 0 for status in STATUSES}
        for job in self._jobs.values():
            by_status[self.status(job, now)] += 1
        return {
            "requests": dict(self.requests), "faults_injected": dict(self.faults.injected),
            "jobs_created": len(self._jobs), "jobs": by_status, "renders_queued": self._pool.pending,
            "webhooks_sent": self.webhooks.sent, "webhooks_failed": self.webhooks.failed,
            "webhooks_abandoned": self.webhooks.abandoned, "webhooks_pending": len(self._awaiting_webhook),
        }

    # writes

    async def submit(self, request: SubmitRequest, base_url: str) -> VideoJob:
        """Checks the continuation rules, fits the frame images, then records and queues the new job."""
        previous = self._previous(request)
        resolution, ratio, size = resolve_output(
            request, (previous.resolution, previous.aspect_ratio, previous.size) if previous else None)
        width, height = (int(part) for part in size.split("x"))
        frames = await asyncio.to_thread(fit_frames, request.frames, width, height)
        async with self._lock:
            job = self._new_job(request, base_url, previous, resolution, ratio, width, height)
            job.has_first_frame, job.has_last_frame = frames.first is not None, frames.last is not None
            await asyncio.to_thread(self._save_frames, job.id, frames)
            await asyncio.to_thread(self.store.save, job)
            self._jobs[job.id] = job
            if job.callback_url:
                self._awaiting_webhook.add(job.id)
            if job.needs_render:
                self._pool.submit(job.id)
        return job

    async def cancel(self, job_id: str) -> VideoJob:
        """The emulator's stand-in for a job cancelled upstream (OpenRouter has no public cancel call)."""
        async with self._lock:
            job = await self.get(job_id)
            status = self.status(job)
            if status in TERMINAL:
                raise ApiError(409, f"Job '{job_id}' is already {status} and cannot be cancelled")
            job.cancelled_at = self.now()
            await asyncio.to_thread(self.store.save, job)
            await asyncio.to_thread(self.store.remove_rendered_media, job.id)  # rendered early: never shown
        return job

    async def expire(self, job_id: str) -> VideoJob:
        """Expires a job now: an unfinished one exceeds its time to live, a completed one loses its output."""
        async with self._lock:
            job = await self.get(job_id)
            status = self.status(job)
            if status in ("failed", "cancelled"):
                raise ApiError(409, f"Job '{job_id}' is {status} and cannot expire")
            if status != "expired":
                job.expired_at, job.media_purged = self.now(), True
                await asyncio.to_thread(self.store.save, job)
                await asyncio.to_thread(self.store.remove_rendered_media, job.id)
        return job

    # internals

    def _previous(self, request: SubmitRequest) -> VideoJob | None:
        job_id = request.previous_job_id
        if job_id is None:
            return None
        previous = self._jobs.get(job_id)
        if previous is None:
            raise ApiError(404, f"previous_job_id '{job_id}' not found")
        if previous.model != request.spec.id:
            raise ApiError(400, f"previous_job_id '{job_id}' was generated by {previous.model}; a "
                                f"continuation must use the same model, not {request.spec.id}")
        if not request.spec.continuation:
            raise ApiError(400, f"previous_job_id is not supported by model {request.spec.id}")
        status = self.status(previous)
        if status != "completed":
            raise ApiError(409, f"previous_job_id '{job_id}' is {status}; only a completed job can be "
                                "continued")
        return previous

    def _new_job(self, request: SubmitRequest, base_url: str, previous: VideoJob | None, resolution: str,
                 ratio: str, width: int, height: int) -> VideoJob:
        spec, now = request.spec, self.now()
        duration = _duration(request, spec, previous)
        wants_audio = spec.generate_audio if request.generate_audio is None else request.generate_audio
        job = VideoJob(
            id=new_job_id(now), seq=self._next_seq, model=spec.id, prompt=request.prompt, duration=duration,
            width=width, height=height, resolution=resolution, aspect_ratio=ratio, created_at=now,
            job_seconds=self.faults.settings.job_seconds or self.config.job_seconds,
            expire_after=self.config.expires_after_seconds, generation_id=new_generation_id(now),
            cost=spec.cost(resolution, duration) * self.faults.knobs.cost_multiplier, base_url=base_url, callback_url=request.callback_url,
            seed=request.seed, generate_audio=wants_audio and spec.generate_audio,
            previous_job_id=previous.id if previous else None)
        if self.faults.draw_job_failure():
            job.fail_message = MODERATION_MESSAGE
        self._next_seq += 1
        return job

    def _save_frames(self, job_id: str, frames: FittedFrames) -> None:
        if frames.first is not None:
            self.store.save_reference(job_id, frames.first)
        if frames.last is not None:
            write_atomic(self.store.media_folder(job_id) / LAST_FRAME_FILE, frames.last)

    async def _purge_if_expired(self, job: VideoJob) -> None:
        """A completed job's output is deleted once it is seen expired; the job itself keeps answering."""
        if job.media_purged or outcome_at(job, self.now()) != "completed" or self.status(job) != "expired":
            return
        job.media_purged = True
        await asyncio.to_thread(self.store.save, job)
        await asyncio.to_thread(self.store.remove_rendered_media, job.id)

    # rendering

    def _render_spec(self, job: VideoJob) -> RenderSpec:
        first = self.store.load_reference(job.id) if job.has_first_frame else None
        if first is None and job.previous_job_id:
            first = continuation_frame(self.store.media_path(job.previous_job_id, "video"))
        last_path = self.store.media_folder(job.id) / LAST_FRAME_FILE
        last = last_path.read_bytes() if job.has_last_frame and last_path.exists() else None
        caption = f"EMULATED · {job.model} · {job.size} · {job.duration}s"
        if job.previous_job_id:
            caption += f" · continues {job.previous_job_id[:22]}…"
        return RenderSpec(width=job.width, height=job.height, seconds=job.duration,
                          fps=render_fps(self.config.fps, job.width, job.height), prompt=job.prompt or "",
                          caption=caption, reference=first, last_reference=last)

    def _render_blocking(self, job: VideoJob) -> None:
        outputs = RenderOutputs(*(self.store.media_path(job.id, variant)
                                  for variant in ("video", "thumbnail", "spritesheet")))
        render_clip(self._render_spec(job), outputs, should_abort=lambda: (
            self._pool.stopping.is_set() or job.cancelled_at is not None or job.expired_at is not None))

    async def _render(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or not job.needs_render:
            return
        crashed = False
        try:
            await self._pool.run_blocking(lambda: self._render_blocking(job))
        except RenderAborted:
            return
        except Exception:  # noqa: BLE001  a renderer bug becomes a failed job, as a provider would report
            log.exception("openrouter emulator: render of %s failed", job.id)
            crashed = True
        async with self._lock:
            if job.cancelled_at is not None or job.expired_at is not None:
                await asyncio.to_thread(self.store.remove_rendered_media, job.id)
                return
            if crashed:
                job.fail_message = RENDER_FAILED_MESSAGE
            else:
                job.rendered_at = self.now()
            await asyncio.to_thread(self.store.save, job)

    # webhooks

    async def _watch_webhooks(self) -> None:
        """Starts one delivery per job whose outcome is known and not yet delivered."""
        while True:
            now = self.now()
            for job_id in list(self._awaiting_webhook - self._delivering):
                job = self._jobs[job_id]
                outcome = outcome_at(job, now)
                if outcome is not None:
                    self._delivering.add(job_id)
                    task = asyncio.create_task(self._notify(job, outcome), name=f"webhook-{job_id}")
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(WEBHOOK_WATCH_SECONDS)

    async def _notify(self, job: VideoJob, outcome: str) -> None:
        try:
            assert job.callback_url is not None
            event, key = webhook_event(job, outcome, self.now()), f"{job.id}-{outcome}"
            delivered = await self.webhooks.deliver(job.callback_url, event, key)
            if delivered and self.faults.knobs.webhook_duplicate:
                await self.webhooks.deliver(job.callback_url, event, key)
            async with self._lock:
                job.webhook_status = outcome
                await asyncio.to_thread(self.store.save, job)
            self._awaiting_webhook.discard(job.id)
        finally:
            self._delivering.discard(job.id)


def _duration(request: SubmitRequest, spec: VideoModelSpec, previous: VideoJob | None) -> int:
    if request.duration is not None:
        return request.duration
    if previous is not None and previous.duration in spec.durations:
        return previous.duration
    return spec.default_duration
