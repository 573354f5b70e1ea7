"""One step of one job: submit, reconcile, poll, cancel or download. Network calls happen outside transactions."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.events import VideoUpdated
from sora2.models import Video
from sora2.models.video import (
    COMPLETED, DL_DONE, DL_EXPIRED, DL_FAILED, DL_PENDING, FAILED, IN_PROGRESS, QUEUED, SUBMIT_CONFIRMING,
    SUBMIT_SUBMITTING,
)
from sora2.providers.base import JobStatus, ProviderError
from sora2.tracker.base import StepBase
from sora2.tracker.cancellation import CancellationSteps
from sora2.tracker.downloads import DownloadError, download_assets
from sora2.tracker.jobs import Claim, JobView, Tracking, assign, kind_of, step_for
from sora2.tracker.repository import CleanupRepository
from sora2.tracker.submission import SubmissionSteps
from sora2.videos.repository import VideoRepository

log = logging.getLogger(__name__)
MAX_DOWNLOAD_ATTEMPTS = 10
HISTORY_SEED = 500  # finished jobs read at start, so a restarted tracker still knows how long jobs take
# Partial files younger than this may belong to another instance's download in a shared folder.
PARTIAL_SAFE_AGE_SECONDS = 3600.0

_TERMINAL_MESSAGES = {
    "failed": "Video generation failed",
    "cancelled": "The provider cancelled this job",
    "expired": "The provider expired this job before it finished",
}


class PollingSteps(StepBase):
    def _running(self, video_id: str, tracking: Tracking, job: JobStatus) -> dict:
        """The columns a running job's status reading sets, its next poll scheduled."""
        now = utcnow()
        submitted = tracking.submitted_at or now
        values = {"status": IN_PROGRESS if job.status == "in_progress" or job.progress > 0 else QUEUED,
                  "progress": max(tracking.progress, min(99, job.progress)),
                  "expires_at": job.expires_at or tracking.expires_at, "submitted_at": submitted}
        prior, elapsed = self.history.expected(tracking.kind), (now - submitted).total_seconds()
        delay, remaining = self.policy.plan(now, job.progress, tracking.ref_at, tracking.ref_value,
                                            job.poll_after_seconds, prior, elapsed)
        values["expected_at"] = None if remaining is None else now + timedelta(seconds=remaining)
        # The reference is the submission itself: the longest baseline gives the most precise rate (time a job
        # spends queued slows the estimated rate a little; the final-approach steps absorb that).
        if tracking.ref_at is None:
            values["progress_ref_at"], values["progress_ref_value"] = now, job.progress
        return values | self._released(video_id, delay)

    def _start_tracking(self, video: Video, job: JobStatus) -> None:
        """A job just linked to its video, under our lease: schedule its first poll (or its cancel at once)."""
        if video.cancelled_at is not None:
            self._release(video, 0.0)
            return
        assign(video, self._running(video.id, Tracking.of(video), job))

    async def _record_running(self, claim: Claim, job: JobStatus) -> None:
        """The common poll (still running) as one UPDATE under the lease: no read, no ORM object, and an event
        only when something the owner sees changed."""
        values = self._running(claim.view.id, claim.tracking, job)
        async with self.ctx.sessions.begin() as session:
            repo = VideoRepository(session)
            if not await repo.update_leased(claim.view.id, self.owner, values):
                # Deleted, cancelled or taken over meanwhile: a cancelled row of ours is due at once.
                await repo.release_lease(claim.view.id, self.owner, utcnow())
                return
            updates = claim.tracking.public_changes(values)
            if updates:
                queue_event(session, VideoUpdated(user_id=claim.tracking.user_id, video_id=claim.view.id,
                                                  updates=updates))

    async def _poll(self, claim: Claim) -> None:
        view = claim.view
        provider = self.ctx.providers.get(view.provider)
        try:
            job = await provider.get(view.job_id or "")
            self._count(view.provider, "retrieve")
        except ProviderError as exc:
            self._count(view.provider, "retrieve", exc)
            await self._poll_failed(view.id, exc)
            return
        if job.status == "completed":
            await self._download(view, job, claim.tracking.finished_by(job))
            return
        if job.status not in _TERMINAL_MESSAGES:
            await self._record_running(claim, job)
            return
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, view.id)
            if video is None:
                return
            before = self._snapshot(video)
            self._fail(video, job.error_message or _TERMINAL_MESSAGES[job.status])
            self._publish_changes(session, video, before)

    async def _poll_failed(self, video_id: str, exc: ProviderError) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            before = self._snapshot(video)
            if exc.kind == "not_found":
                self._fail(video, "The provider no longer knows this job")
            else:
                video.check_errors += 1
                self._release(video, self.policy.backoff(video.check_errors, exc.retry_after))
            self._publish_changes(session, video, before)

    # --- download ------------------------------------------------------------------------------------------

    async def _download(self, view: JobView, job: JobStatus | None, finished_by: datetime | None) -> None:
        provider = self.ctx.providers.get(view.provider)
        async with self._downloads:
            try:
                # A size named by aspect ratio + resolution is nominal: only the shape is checked. A native
                # extension may hold the original's footage too, so its length is not checked.
                assets = await download_assets(provider, view.job_id or "", view.id, view.size, view.seconds,
                                               self.ctx.storage, exact_size=not (view.options or {}).get(
                                                   "aspect_ratio"), check_duration=not view.extend_source)
                self._count(view.provider, "content")
                self.ctx.metrics.downloads.labels("done").inc()
            except DownloadError as exc:
                self.ctx.metrics.downloads.labels("expired" if exc.expired else "error").inc()
                await self._download_failed(view.id, job, exc, finished_by)
                return
        await self._downloaded(view.id, job, assets, finished_by)

    def _mark_completed(self, video: Video, job: JobStatus | None, finished_by: datetime | None) -> None:
        now = utcnow()
        video.status, video.progress, video.error_message = COMPLETED, 100, None
        video.completed_at = video.completed_at or now
        if video.provider_finished_at is None:
            video.provider_finished_at = finished_by or now
            if video.submitted_at is not None:
                self.history.record(kind_of(video), (video.provider_finished_at - video.submitted_at).total_seconds())
        if job is not None:
            video.expires_at = job.expires_at or video.expires_at
            video.actual_cost = job.actual_cost if job.actual_cost is not None else video.actual_cost

    async def _downloaded(self, video_id: str, job: JobStatus | None, assets,  # noqa: ANN001
                          finished_by: datetime | None) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await VideoRepository(session).get(video_id)
            if video is None:  # deleted during the download: leave nothing behind
                await self.ctx.storage.delete_video(video_id)
                return
            if video.lease_owner != self.owner:
                return  # another instance took the job over (and writes the same files)
            before = self._snapshot(video)
            if video.cancelled_at is not None:  # cancelled while its file was on the way: the owner said stop
                video.status = FAILED
                self._release(video, None)
                self._publish_changes(session, video, before)
                await self.ctx.storage.delete_video(video_id)
                return
            self._mark_completed(video, job, finished_by)
            video.download_state, video.download_error = DL_DONE, None
            video.file_name, video.thumbnail_name = assets.file_name, assets.thumbnail_name
            video.spritesheet_name, video.sprite, video.file_size = (assets.spritesheet_name, assets.sprite,
                                                                     assets.file_size)
            video.has_audio = assets.has_audio  # what the verified file holds, not what the model promised
            video.notified_at = utcnow()
            self._release(video, None)
            self._publish_changes(session, video, before)
        latency = (video.notified_at - video.provider_finished_at).total_seconds()
        self.ctx.metrics.notify_latency.observe(max(0.0, latency))

    async def _download_failed(self, video_id: str, job: JobStatus | None, exc: DownloadError,
                               finished_by: datetime | None) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            before = self._snapshot(video)
            self._mark_completed(video, job, finished_by)
            video.download_attempts += 1
            video.download_error = str(exc)
            expired = exc.expired or (video.expires_at is not None and utcnow() >= video.expires_at)
            if expired:
                video.download_state = DL_EXPIRED
                self._release(video, None)
            elif exc.retryable and video.download_attempts < MAX_DOWNLOAD_ATTEMPTS:
                video.download_state = DL_PENDING
                self._release(video, self.policy.backoff(video.download_attempts, exc.retry_after,
                                                         cap=self.ctx.settings.download_retry_max_seconds))
            else:
                video.download_state = DL_FAILED
                self._release(video, None)
            self._publish_changes(session, video, before)


class JobSteps(PollingSteps, SubmissionSteps, CancellationSteps):
    """Every step the tracker runs, with the restart and crash handling they share."""

    async def recover_after_restart(self) -> None:
        removed = await self.ctx.storage.cleanup_partials(PARTIAL_SAFE_AGE_SECONDS)
        if removed:
            log.info("removed %d partial files left by an earlier crash", removed)
        async with self.ctx.sessions.begin() as session:
            repo = VideoRepository(session)
            for video in await repo.recently_finished(HISTORY_SEED):
                self.history.record(kind_of(video), (video.provider_finished_at - video.submitted_at).total_seconds())
            # Only this instance's own rows: another instance's work goes on under its own, renewed leases. A
            # create of ours cut off mid-call is reconciled by the next tick (it is due at once).
            resumed = await repo.release_own_leases(self.owner, utcnow())
            await CleanupRepository(session).release_own_leases(self.owner, utcnow())
            if resumed:
                log.info("resuming %d jobs whose steps were cut off by the restart", resumed)

    async def release_after_crash(self, video_id: str) -> None:
        """A step raised (a bug, or the database briefly gone): never lose what its create may have done."""
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            if video.submit_state == SUBMIT_SUBMITTING:
                video.submit_state = SUBMIT_CONFIRMING
            video.check_errors += 1
            self._release(video, self.policy.backoff(video.check_errors, None))

    async def advance(self, video_id: str, claim: Claim | None = None) -> None:
        """Run the step a leased row is due for. A poll goes straight to the provider with the row as leased
        (its write re-reads under the lease); every other step reads the row again first."""
        if claim is None or claim.step != "poll":
            async with self.ctx.sessions.begin() as session:
                video = await self._load(session, video_id)
                if video is None:
                    return
                claim = Claim.of(video)
                if claim.step == "check":
                    self._release(video, None)
                    return
        if claim.step == "download":
            await self._download(claim.view, None, None)
        elif claim.step == "reconcile":
            await self.reconcile(video_id)
        elif claim.step == "cancel":
            await self.stop_cancelled(claim.view)
        else:
            await self._poll(claim)


__all__ = ["Claim", "JobSteps", "step_for"]
