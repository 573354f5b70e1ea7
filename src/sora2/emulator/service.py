"""EmulatorService: the jobs, their persistence, the fault knobs, counters and render workers.

Every mutation happens on the event loop under one asyncio lock and is written to disk before it is visible, so
a crash loses nothing a client was told about. A deleted job stays on disk as a tombstone (no prompt, no media):
that keeps `jobs_created` and idempotency keys exact across restarts.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sora2.emulator.config import EmulatorConfig, parse_size
from sora2.emulator.errors import EmulatorError, video_not_found
from sora2.emulator.faults import OPERATIONS, FaultInjector
from sora2.emulator.jobs import (
    MODERATION_CODE,
    MODERATION_MESSAGE,
    RENDER_FAILED_CODE,
    Job,
    poll_hint_ms,
    status_at,
    video_object,
)
from sora2.emulator.render import RenderAborted, RenderOutputs, RenderSpec, render_clip
from sora2.emulator.renderpool import RenderPool
from sora2.emulator.store import JobStore
from sora2.emulator.validation import CreateParams

log = logging.getLogger(__name__)
STATUSES = ("queued", "in_progress", "completed", "failed", "expired")
LIST_DEFAULT_LIMIT = 20
LIST_MAX_LIMIT = 100


class EmulatorService:
    def __init__(self, config: EmulatorConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.store = JobStore(config.jobs_dir, config.media_dir)
        self.faults = FaultInjector()
        self.requests: dict[str, int] = {operation: 0 for operation in OPERATIONS}
        self._jobs: dict[str, Job] = {}
        self._idempotency: dict[tuple[str, str], str] = {}
        self._lock = asyncio.Lock()
        self._pool = RenderPool(config.render_workers, self._render)
        self._next_seq = 1
        self.started = False

    # lifecycle

    async def start(self) -> None:
        """Loads persisted jobs, re-queues unfinished renders, starts the workers."""
        if self.started:
            return
        await asyncio.to_thread(self.store.ensure_dirs)
        jobs = await asyncio.to_thread(self.store.load_all)
        self._jobs = {job.id: job for job in jobs}
        self._idempotency = {(job.idempotency_scope, job.idempotency_key): job.id for job in jobs
                             if job.idempotency_scope and job.idempotency_key}
        self._next_seq = max((job.seq for job in jobs), default=0) + 1
        self._pool.start()
        self.started = True
        for job in jobs:
            if job.needs_render:
                self._pool.submit(job.id)
        log.info("emulator: %d jobs loaded from %s", len(jobs), self.config.data_dir)

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        await self._pool.stop()

    # reads

    def now(self) -> float:
        return self.clock()

    def status(self, job: Job, now: float | None = None) -> str:
        return status_at(job, self.now() if now is None else now, self.faults.settings.expire_after_seconds)[0]

    def view(self, job: Job, now: float | None = None) -> dict[str, Any]:
        return video_object(job, self.now() if now is None else now, self.faults.settings.expire_after_seconds)

    def poll_hint_ms(self, job: Job) -> int | None:
        return poll_hint_ms(job, self.now())

    async def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.deleted:
            raise video_not_found(job_id)
        await self._purge_if_expired(job)
        return job

    async def list(self, after: str | None, limit: int, order: str) -> tuple[list[Job], bool]:
        jobs = sorted((job for job in self._jobs.values() if not job.deleted), key=lambda job: job.seq,
                      reverse=order == "desc")
        if after is not None:
            positions = [index for index, job in enumerate(jobs) if job.id == after]
            jobs = jobs[positions[0] + 1:] if positions else []
        page = jobs[:limit]
        for job in page:
            await self._purge_if_expired(job)
        return page, len(jobs) > limit

    async def content_path(self, job_id: str, variant: str) -> Path:
        job = await self.get(job_id)
        status = self.status(job)
        if status != "completed":
            message = ("The video's content has expired and is no longer available." if status == "expired" else
                       f"Video is not ready yet (status: {status}). Wait until its status is 'completed'.")
            raise EmulatorError(404, message, param="video_id", code="not_found")
        return self.store.media_path(job.id, variant)

    # writes

    async def create(self, params: CreateParams, idempotency_key: str | None = None) -> tuple[Job, bool]:
        """The new job, or (with a known Idempotency-Key) the job that key made before, and whether it is a replay."""
        async with self._lock:
            replay = await self._replay("create", idempotency_key)
            if replay is not None:
                return replay, True
            job = self._new_job(params.model, params.prompt, params.seconds, params.size, ("create", idempotency_key))
            job.has_reference = params.reference is not None
            if params.reference is not None:
                await asyncio.to_thread(self.store.save_reference, job.id, params.reference)
            await self._admit(job)
        return job, False

    async def remix(self, source_id: str, prompt: str, idempotency_key: str | None = None) -> tuple[Job, bool]:
        async with self._lock:
            replay = await self._replay(f"remix:{source_id}", idempotency_key)
            if replay is not None:
                return replay, True
            source = await self.get(source_id)
            status = self.status(source)
            if status != "completed":
                raise EmulatorError(400, f"Video '{source_id}' cannot be remixed: its status is '{status}'; "
                                         "only completed videos can be remixed.", param="video_id")
            job = self._new_job(source.model, prompt, source.seconds, source.size,
                                (f"remix:{source_id}", idempotency_key))
            job.remixed_from = source.id
            await self._admit(job)
        return job, False

    async def delete(self, job_id: str) -> Job:
        async with self._lock:
            job = await self.get(job_id)
            job.deleted_at, job.prompt = self.now(), None
            await asyncio.to_thread(self.store.save, job)
            await asyncio.to_thread(self.store.remove_all_media, job.id)
        return job

    # internals

    def _new_job(self, model: str, prompt: str, seconds: str, size: str, idempotency: tuple[str, str | None]) -> Job:
        knobs = self.faults.settings
        job_id = f"video_{secrets.token_urlsafe(195) if knobs.long_ids else secrets.token_hex(24)}"
        job = Job(id=job_id, seq=self._next_seq, model=model, prompt=prompt,
                  seconds=seconds, size=size, created_at=self.now(),
                  job_seconds=knobs.job_seconds or self.config.job_seconds,
                  expire_after=self.config.expires_after_seconds,
                  idempotency_scope=idempotency[0] if idempotency[1] else None, idempotency_key=idempotency[1])
        if self.faults.draw_job_failure():
            job.fail_code, job.fail_message = MODERATION_CODE, MODERATION_MESSAGE
        self._next_seq += 1
        return job

    async def _admit(self, job: Job) -> None:
        """Persists a new job, then makes it visible and queues its render."""
        await asyncio.to_thread(self.store.save, job)
        self._jobs[job.id] = job
        if job.idempotency_scope and job.idempotency_key:
            self._idempotency[(job.idempotency_scope, job.idempotency_key)] = job.id
        if job.needs_render:
            self._pool.submit(job.id)

    async def _replay(self, scope: str, key: str | None) -> Job | None:
        job_id = self._idempotency.get((scope, key)) if key else None
        if job_id is None:
            return None
        job = self._jobs[job_id]
        if job.deleted:
            raise EmulatorError(409, f"The Idempotency-Key '{key}' was used for video '{job_id}', which has "
                                     "since been deleted.", param="Idempotency-Key", code="idempotency_key_reused")
        job.replays += 1
        await asyncio.to_thread(self.store.save, job)
        return job

    async def _purge_if_expired(self, job: Job) -> None:
        """Expired media is deleted once seen; the job itself stays listable with status `expired`."""
        if job.media_purged or self.status(job) != "expired":
            return
        job.media_purged = True
        await asyncio.to_thread(self.store.save, job)
        await asyncio.to_thread(self.store.remove_rendered_media, job.id)

    def _render_spec(self, job: Job, reference: bytes | None) -> RenderSpec:
        width, height = parse_size(job.size)
        caption = f"EMULATED · {job.model} · {job.size} · {job.seconds}s"
        if job.remixed_from:
            caption += f" · remix of {job.remixed_from[:14]}…"
        return RenderSpec(width=width, height=height, seconds=int(job.seconds), fps=self.config.fps,
                          prompt=job.prompt or "", caption=caption, reference=reference)

    def _render_blocking(self, job: Job) -> None:
        reference = self.store.load_reference(job.id) if job.has_reference else None
        outputs = RenderOutputs(*(self.store.media_path(job.id, variant)
                                  for variant in ("video", "thumbnail", "spritesheet")))
        render_clip(self._render_spec(job, reference), outputs,
                    should_abort=lambda: self._pool.stopping.is_set() or job.deleted)

    async def _render(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or not job.needs_render:
            return
        crashed = False
        try:
            await self._pool.run_blocking(lambda: self._render_blocking(job))
        except RenderAborted:
            return
        except Exception:  # noqa: BLE001  a renderer bug becomes a failed job, as a real provider would report
            log.exception("emulator: render of %s failed", job.id)
            crashed = True
        async with self._lock:
            if job.deleted:  # deleted while rendering: the files just renamed into place must go too
                await asyncio.to_thread(self.store.remove_all_media, job.id)
                return
            if crashed:
                job.fail_code, job.fail_message = RENDER_FAILED_CODE, "Video generation failed (internal error)."
            else:
                job.rendered_at = self.now()
            await asyncio.to_thread(self.store.save, job)

    def stats(self) -> dict[str, Any]:
        now = self.now()
        live = [job for job in self._jobs.values() if not job.deleted]
        by_status = {status: 0 for status in STATUSES}
        for job in live:
            by_status[self.status(job, now)] += 1
        return {
            "requests": dict(self.requests), "faults_injected": dict(self.faults.injected),
            "jobs_created": len(self._jobs), "jobs_deleted": len(self._jobs) - len(live),
            "idempotent_replays": sum(job.replays for job in self._jobs.values()),
            "jobs": by_status, "renders_queued": self._pool.pending,
        }
