"""Stopping paid jobs nobody wants any more: cancelled videos, and deleted ones (their tombstones).

A cancelled video's job is cancelled at the provider where its API can, else deleted there; a deleted video's job
likewise, once its id is known — found by reconciliation when the create was in flight or its answer lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sora2.db.base import utcnow
from sora2.models.video import FAILED
from sora2.providers.base import Provider, ProviderError
from sora2.tracker.base import StepBase
from sora2.tracker.jobs import JobView
from sora2.tracker.repository import CleanupRepository
from sora2.videos.repository import VideoRepository

log = logging.getLogger(__name__)
MAX_STOP_ATTEMPTS = 10
MAX_TOMBSTONE_SEARCHES = 6
KEEP_UNSETTLED = timedelta(days=1)  # a tombstone with no job found waits this long for a provider webhook
GONE = ("not_found", "expired", "rejected")  # the job is gone or past stopping: nothing more to do


async def stop_job(provider: Provider, job_id: str) -> None:
    """Cancel the job where the provider can, else delete it (which stops it at providers that have no cancel)."""
    cancel = getattr(provider, "cancel", None)
    if cancel is not None:
        try:
            await cancel(job_id)
            return
        except ProviderError as exc:
            if exc.kind not in GONE:
                raise
    try:
        await provider.delete(job_id)
    except ProviderError as exc:
        if exc.kind not in GONE:
            raise


class CancellationSteps(StepBase):
    # --- a cancelled video ---------------------------------------------------------------------------

    async def stop_cancelled(self, view: JobView) -> None:
        provider = self.ctx.providers.get(view.provider)
        error: ProviderError | None = None
        try:
            await stop_job(provider, view.job_id or "")
            self._count(view.provider, "cancel")
        except ProviderError as exc:
            self._count(view.provider, "cancel", exc)
            error = exc
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, view.id)
            if video is None:
                return
            video.check_errors += 1
            if error is not None and video.check_errors < MAX_STOP_ATTEMPTS:
                self._release(video, self.policy.backoff(video.check_errors, error.retry_after))
                return
            if error is not None:
                log.warning("could not stop provider job %s of cancelled video %s: %s", view.job_id, view.id,
                            error.message)
            before = self._snapshot(video)
            video.status = FAILED  # tracked no more; `state` already says cancelled
            self._release(video, None)
            self._publish_changes(session, video, before)

    # --- tombstones ----------------------------------------------------------------------------------

    async def settle_tombstone(self, cleanup_id: str) -> None:
        async with self.ctx.sessions.begin() as session:
            cleanup = await CleanupRepository(session).get(cleanup_id)
            if cleanup is None or cleanup.lease_owner != self.owner:
                return
            snapshot = (cleanup.provider, cleanup.job_id, cleanup.request, cleanup.sent_at)
        provider_id, job_id, request, sent_at = snapshot
        provider = self._provider(provider_id)
        if provider is None:
            log.warning("provider %s is no longer configured: its job for deleted video %s stays", provider_id,
                        cleanup_id)
            await self._finish_tombstone(cleanup_id, None, settled=True)
            return
        try:
            if job_id is None:
                job_id = await self._find_for_tombstone(provider, request, sent_at)
                if job_id is None:
                    await self._finish_tombstone(cleanup_id, None, settled=False)
                    return
            await stop_job(provider, job_id)
            self._count(provider_id, "cleanup")
        except ProviderError as exc:
            self._count(provider_id, "cleanup", exc)
            await self._finish_tombstone(cleanup_id, exc, settled=False, job_id=job_id)
            return
        await self._finish_tombstone(cleanup_id, None, settled=True)

    async def _find_for_tombstone(self, provider: Provider, request: dict | None, sent_at) -> str | None:  # noqa: ANN001
        """Search the provider for the deleted video's job (never replay its create: that could make one)."""
        find = getattr(provider, "find", None)
        if find is None or not request or sent_at is None:
            return None
        view = JobView(**request)
        candidates = await find(view.request(), sent_at)
        ids = [job.job_id for job in candidates]
        async with self.ctx.sessions.begin() as session:
            held = (await VideoRepository(session).held_jobs(provider.info.id, ids)
                    | await CleanupRepository(session).held_jobs(provider.info.id, ids))
        return next((i for i in ids if i not in held), None)

    async def _finish_tombstone(self, cleanup_id: str, error: ProviderError | None, *, settled: bool,
                                job_id: str | None = None) -> None:
        async with self.ctx.sessions.begin() as session:
            cleanups = CleanupRepository(session)
            cleanup = await cleanups.get(cleanup_id)
            if cleanup is None or cleanup.lease_owner != self.owner:
                return
            if settled:
                await cleanups.remove(cleanup)
                return
            cleanup.job_id = job_id or cleanup.job_id
            cleanup.attempts += 1
            cleanup.last_error = error.message if error is not None else "no matching job at the provider yet"
            cleanup.lease_owner = cleanup.lease_until = None
            limit = MAX_STOP_ATTEMPTS if cleanup.job_id else MAX_TOMBSTONE_SEARCHES
            if cleanup.attempts >= limit:
                # Kept a while with nothing scheduled: a provider webhook naming the job can still settle it.
                cleanup.next_check_at = None
                log.warning("gave up on the provider job of deleted video %s: %s", cleanup.video_id,
                            cleanup.last_error)
                return
            delay = self.policy.backoff(cleanup.attempts, error.retry_after if error else None)
            cleanup.next_check_at = utcnow() + timedelta(seconds=delay)
