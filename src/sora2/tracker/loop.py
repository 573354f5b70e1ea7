"""The job loop: one asyncio task per instance drives every user's jobs from the database.

submit (within each provider's concurrency limit) → poll (adaptive) → download → notify, plus reconciling creates
whose outcome is unknown, stopping cancelled jobs and settling deleted videos' provider jobs (tombstones).
Rows are leased while a step runs, and the leases are renewed while it does, so several instances share the table
without double work and a dead instance's rows move on as soon as its leases lapse.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import datetime, timedelta

from sora2.context import AppContext
from sora2.db.base import utcnow
from sora2.events import JobsChanged
from sora2.tracker.policy import PollPolicy
from sora2.tracker.cancellation import KEEP_UNSETTLED
from sora2.tracker.jobs import Claim
from sora2.tracker.repository import CleanupRepository
from sora2.tracker.steps import JobSteps
from sora2.videos.repository import VideoRepository

log = logging.getLogger(__name__)
MAX_IDLE_SLEEP = 1.0
PRUNE_EVERY = timedelta(hours=1)
MIN_TICK_GAP = 0.1


class Tracker:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        settings = ctx.settings
        self.owner = settings.resolved_instance_id
        self.policy = PollPolicy(settings.poll_min_seconds, settings.poll_max_seconds, settings.poll_idle_max_seconds)
        self.steps = JobSteps(ctx, self.owner, self.policy)
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._heartbeat: asyncio.Task | None = None
        self._next_prune = utcnow()
        self._workers: set[asyncio.Task] = set()
        self._active: set[str] = set()
        self._handlers = asyncio.Semaphore(64)
        self._stopping = False

    async def start(self) -> None:
        await self.steps.recover_after_restart()
        self.ctx.bus.subscribe(self._on_event)
        self._task = asyncio.create_task(self._run(), name="sora2-tracker")
        self._heartbeat = asyncio.create_task(self._renew_leases(), name="sora2-tracker-leases")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        tasks = [t for t in (self._task, self._heartbeat, *self._workers) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def wake(self) -> None:
        self._wake.set()

    def nudge(self, video_id: str) -> None:
        """A webhook says this job changed. It is already due (the caller set next_check_at); if a step is
        running on it right now, that step's own reschedule would push the check out, so make it immediate."""
        if video_id in self._active:
            self.steps.nudged.add(video_id)
        self.wake()

    def _on_event(self, event: object) -> None:
        if isinstance(event, JobsChanged):
            self.wake()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            started = loop.time()
            try:
                await self._tick()
                sleep = await self._sleep_budget()
            except Exception:  # the loop must survive a bad tick (e.g. the database briefly unavailable)
                log.exception("tracker tick failed")
                sleep = MAX_IDLE_SLEEP
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=sleep)
            except TimeoutError:
                pass
            # Wake-ups come with every finished step; with thousands of jobs, ticking on each would spend the CPU
            # on claim queries. One tick per MIN_TICK_GAP serves them all in a batch.
            await asyncio.sleep(max(0.0, started + MIN_TICK_GAP - loop.time()))

    async def _sleep_budget(self) -> float:
        async with self.ctx.sessions.begin() as session:
            next_due = await VideoRepository(session).next_due_at()
        if next_due is None:
            return MAX_IDLE_SLEEP
        wait = (next_due - utcnow()).total_seconds()
        return min(MAX_IDLE_SLEEP, max(self.ctx.settings.tracker_tick_seconds / 5, wait))

    def _lease_until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.ctx.settings.lease_seconds)

    async def _renew_leases(self) -> None:
        """Every row a step of this instance runs on stays leased while it does: a long download or a slow create
        never looks abandoned, and a dead instance's rows (or a crashed step's) lapse within one lease."""
        interval = self.ctx.settings.lease_seconds / 3
        while not self._stopping:
            await asyncio.sleep(interval)
            active = list(self._active)
            if not active:
                continue
            try:
                until = self._lease_until(utcnow())
                async with self.ctx.sessions.begin() as session:
                    await VideoRepository(session).renew_leases(self.owner, active, until)
                    await CleanupRepository(session).renew_leases(self.owner, active, until)
            except Exception:  # the next beat tries again; a lease lapses only after three misses
                log.exception("renewing leases failed")

    async def _tick(self) -> None:
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            repo = VideoRepository(session)
            submissions: list[str] = []
            for provider in self.ctx.providers.all:
                slots = provider.info.concurrency - await repo.in_flight_count(provider.info.id)
                if slots > 0:
                    submissions += await repo.claim_submissions(provider.info.id, slots, now, self.owner,
                                                                self._lease_until(now))
            due = [Claim.of(video) for video in
                   await repo.claim_due(now, self.owner, self._lease_until(now), self.ctx.settings.tracker_batch_size)]
            cleanups = CleanupRepository(session)
            tombstones = [cleanup.id for cleanup in await cleanups.claim_due(
                now, self.owner, self._lease_until(now), self.ctx.settings.tracker_batch_size)]
            if now >= self._next_prune:
                await cleanups.prune_abandoned(now - KEEP_UNSETTLED)
                self._next_prune = now + PRUNE_EVERY
        for video_id in submissions:
            self._spawn(video_id, self.steps.submit)
        for claim in due:
            self._spawn(claim.view.id, functools.partial(self.steps.advance, claim=claim))
        for cleanup_id in tombstones:
            self._spawn(cleanup_id, self.steps.settle_tombstone, crash=None)

    def _spawn(self, video_id: str, step, crash="default") -> None:  # noqa: ANN001
        """Run `step(video_id)` unless one runs on that row already; `crash` handles a step that raised (None:
        the lease lapses and the row is retried then)."""
        if video_id in self._active:
            return
        self._active.add(video_id)
        on_crash = self.steps.release_after_crash if crash == "default" else crash

        async def run() -> None:
            try:
                async with self._handlers:
                    await step(video_id)
            except Exception:
                log.exception("tracker step failed for %s", video_id)
                if on_crash is not None:
                    await on_crash(video_id)
            finally:
                self._active.discard(video_id)
                self.wake()

        task = asyncio.create_task(run(), name=f"sora2-job-{video_id}")
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)
