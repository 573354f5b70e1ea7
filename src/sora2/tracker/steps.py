"""One step of one job: submit, poll, or download. Network calls happen outside transactions."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sora2.context import AppContext
from sora2.db.base import epoch, utcnow
from sora2.db.session import queue_event
from sora2.events import VideoUpdated
from sora2.models import Video
from sora2.models.video import (
    ACTIVE_STATUSES, COMPLETED, DL_DONE, DL_EXPIRED, DL_FAILED, DL_PENDING, FAILED, IN_PROGRESS, QUEUED,
    SUBMIT_PENDING, SUBMIT_SUBMITTED, SUBMIT_SUBMITTING,
)
from sora2.providers.base import GenerationRequest, JobStatus, Provider, ProviderError
from sora2.tracker.downloads import DownloadError, download_assets
from sora2.tracker.policy import DurationHistory, PollPolicy
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import video_out

log = logging.getLogger(__name__)
REQUEST_OPTIONS = frozenset({"aspect_ratio", "resolution", "generate_audio", "seed", "negative_prompt"})
MAX_SUBMIT_ATTEMPTS = 12
MAX_DOWNLOAD_ATTEMPTS = 10
PROMPT_POLL_SECONDS = 1.0  # a poll this close to when it was due vouches for that time
HISTORY_SEED = 500  # finished jobs read at start, so a restarted tracker still knows how long jobs take
INTERRUPTED = "Interrupted before submission; not resubmitted automatically to avoid paying twice"
AMBIGUOUS = ("The provider did not confirm the submission ({}); not resubmitted automatically to avoid paying "
             "twice")


@dataclass
class JobView:
    """What a step needs from the row, read in one short transaction."""

    id: str
    provider: str
    model: str
    prompt: str
    size: str
    seconds: str
    job_id: str | None
    remix_source: str | None
    reference: str | None
    options: dict | None = None  # shape and generation options stored with the row (see videos.options)
    last_frame: str | None = None
    extend_source: str | None = None


@dataclass(frozen=True)
class Tracking:
    """A job's tracking fields as leased: all a poll of a running job reads before it writes them back."""

    user_id: str
    status: str
    progress: int
    expires_at: datetime | None
    submitted_at: datetime | None
    ref_at: datetime | None
    ref_value: int | None
    kind: tuple
    due_at: datetime | None  # when this poll was scheduled
    expected_at: datetime | None

    @classmethod
    def of(cls, video: Video) -> Tracking:
        return cls(user_id=video.user_id, status=video.status, progress=video.progress, expires_at=video.expires_at,
                   submitted_at=video.submitted_at, ref_at=video.progress_ref_at, ref_value=video.progress_ref_value,
                   kind=_kind(video), due_at=video.next_check_at, expected_at=video.expected_at)

    def finished_by(self, job: JobStatus) -> datetime:
        """The earliest time a job this poll found finished is known to have been finished: now, or when the poll
        was due if it ran promptly (our delay in looking is not the provider's), or what the provider's own
        timestamps allow; never before submission. Estimating later than that would make the duration history
        creep later with every job."""
        now = utcnow()
        candidates = [now]
        if self.due_at is not None and (now - self.due_at).total_seconds() <= PROMPT_POLL_SECONDS:
            candidates.append(self.due_at)
        if job.took_at_most is not None and self.submitted_at is not None:
            candidates.append(self.submitted_at + timedelta(seconds=job.took_at_most))
        finished = min(candidates)
        return finished if self.submitted_at is None else max(finished, self.submitted_at)

    def public_changes(self, values: dict) -> dict:
        """The owner-visible fields a running poll can change (as `video_out` shows them), where they changed."""
        before = {"status": self.status, "progress": self.progress, "expires_at": epoch(self.expires_at),
                  "estimated_completion_at": epoch(self.expected_at)}
        after = {"status": values["status"], "progress": values["progress"], "expires_at": epoch(values["expires_at"]),
                 "estimated_completion_at": epoch(values["expected_at"])}
        return {key: value for key, value in after.items() if before[key] != value}


@dataclass(frozen=True)
class Claim:
    view: JobView
    tracking: Tracking
    downloading: bool
    polling: bool


class JobSteps:
    def __init__(self, ctx: AppContext, owner: str, policy: PollPolicy) -> None:
        self.ctx = ctx
        self.owner = owner
        self.policy = policy
        self._downloads = asyncio.Semaphore(4)
        self.history = DurationHistory()
        self.nudged: set[str] = set()  # jobs a webhook flagged while a step ran on them (see Tracker.nudge)

    # --- transactions and events -----------------------------------------------------------------------

    def _snapshot(self, video: Video) -> dict:
        return video_out(video, self.ctx.signer)

    def _publish_changes(self, session, video: Video, before: dict) -> None:  # noqa: ANN001
        after = self._snapshot(video)
        # Signed URLs change with the clock; send them only when the files behind them changed.
        changed = {k: v for k, v in after.items() if k != "media" and before.get(k) != v}
        if {"file_path", "thumbnail_path", "download_state"} & changed.keys():
            changed["media"] = after["media"]
        if changed:
            terminal = "status" in changed and video.status in (COMPLETED, FAILED)
            queue_event(session, VideoUpdated(user_id=video.user_id, video_id=video.id, updates=changed,
                                              terminal=terminal))

    async def _load(self, session, video_id: str) -> Video | None:  # noqa: ANN001
        video = await VideoRepository(session).get(video_id)
        if video is None or video.lease_owner != self.owner:
            return None  # deleted meanwhile, or another instance took the lease over
        return video

    def _released(self, video_id: str, delay: float | None) -> dict:
        """Columns that give up the lease and schedule the next step (`delay` None: nothing more to do)."""
        if delay is not None and video_id in self.nudged:
            self.nudged.discard(video_id)
            delay = 0.0
        return {"lease_owner": None, "lease_until": None,
                "next_check_at": None if delay is None else utcnow() + timedelta(seconds=delay)}

    def _release(self, video: Video, delay: float | None) -> None:
        _assign(video, self._released(video.id, delay))

    def _fail(self, video: Video, message: str) -> None:
        video.status, video.error_message = FAILED, message
        self._release(video, None)

    def _provider(self, provider_id: str) -> Provider | None:
        return self.ctx.providers.get(provider_id) if provider_id in self.ctx.providers else None

    def _count(self, provider: str, operation: str, error: ProviderError | None = None) -> None:
        self.ctx.metrics.provider_requests.labels(provider, operation).inc()
        if error is not None:
            self.ctx.metrics.provider_errors.labels(provider, operation, error.kind).inc()

    # --- restart -----------------------------------------------------------------------------------------

    async def recover_after_restart(self) -> None:
        removed = await asyncio.to_thread(self.ctx.storage.cleanup_partials)
        if removed:
            log.info("removed %d partial files left by an earlier crash", removed)
        async with self.ctx.sessions.begin() as session:
            repo = VideoRepository(session)
            for video in await repo.recently_finished(HISTORY_SEED):
                self.history.record(_kind(video), (video.provider_finished_at - video.submitted_at).total_seconds())
            resumed = await repo.release_own_leases(self.owner, utcnow())
            if resumed:
                log.info("resuming %d jobs whose steps were cut off by the restart", resumed)
            for video in await repo.interrupted_submissions():
                before = self._snapshot(video)
                provider = self._provider(video.provider)
                if provider is not None and provider.info.idempotent_create:
                    # Same Idempotency-Key: the provider returns the job it may already have; no second job.
                    video.submit_state, video.next_check_at = SUBMIT_PENDING, utcnow()
                    video.lease_owner = video.lease_until = None
                else:
                    self._fail(video, INTERRUPTED)
                self._publish_changes(session, video, before)

    async def release_after_crash(self, video_id: str) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is not None:
                video.check_errors += 1
                self._release(video, self.policy.backoff(video.check_errors, None))

    # --- submit --------------------------------------------------------------------------------------------

    async def _view(self, video_id: str, *, submitting: bool = False) -> JobView | None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return None
            if submitting:
                if video.status != QUEUED or video.submit_state != SUBMIT_PENDING:
                    self._release(video, None)
                    return None
                video.submit_state = SUBMIT_SUBMITTING  # committed before the paid call
                video.submit_attempts += 1
            metadata = video.provider_metadata or {}
            first, last = _frames(video.reference_images)
            return JobView(id=video.id, provider=video.provider, model=video.model, prompt=video.prompt,
                           size=video.size, seconds=video.seconds, job_id=video.provider_video_id,
                           remix_source=metadata.get("remix_source"), reference=first,
                           options=metadata.get("options"), last_frame=last,
                           extend_source=video.extend_of_provider_id)

    async def submit(self, video_id: str) -> None:
        view = await self._view(video_id, submitting=True)
        if view is None:
            return
        provider = self.ctx.providers.get(view.provider)
        operation = "remix" if view.remix_source else "create"
        try:
            job = await self._call_create(provider, view)
            self._count(view.provider, operation)
        except ProviderError as exc:
            self._count(view.provider, operation, exc)
            await self._submit_failed(video_id, provider, exc)
            return
        await self._submitted(video_id, provider, job)

    async def _call_create(self, provider: Provider, view: JobView) -> JobStatus:
        key = f"sora2-{view.id}"  # stable per video: a retried submission can never become a second job
        if view.remix_source:
            return await provider.remix(view.remix_source, view.prompt, key)
        image = await self._reference_bytes(view.reference)
        options = {k: v for k, v in (view.options or {}).items() if k in REQUEST_OPTIONS}
        return await provider.create(GenerationRequest(
            model=view.model, prompt=view.prompt, size=view.size, seconds=view.seconds, image_jpeg=image,
            idempotency_key=key, last_frame_jpeg=await self._reference_bytes(view.last_frame),
            previous_job_id=view.extend_source, video_id=view.id, **options))

    async def _reference_bytes(self, name: str | None) -> bytes | None:
        if not name:
            return None
        return await asyncio.to_thread((self.ctx.storage.references_dir / name).read_bytes)

    async def _submitted(self, video_id: str, provider: Provider, job: JobStatus) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await VideoRepository(session).get(video_id)
            if video is None:  # deleted while the call was in flight: do not leave an orphan paid job running
                asyncio.create_task(self._delete_remote(provider, job.job_id))
                return
            before = self._snapshot(video)
            video.provider_video_id, video.submit_state = job.job_id, SUBMIT_SUBMITTED
            video.check_errors = 0
            _assign(video, self._running(video.id, Tracking.of(video), job))
            self._publish_changes(session, video, before)

    async def _delete_remote(self, provider: Provider, job_id: str) -> None:
        try:
            await provider.delete(job_id)
        except ProviderError as exc:
            log.info("could not delete provider job %s: %s", job_id, exc.kind)

    async def _submit_failed(self, video_id: str, provider: Provider, exc: ProviderError) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            before = self._snapshot(video)
            retryable = exc.kind in ("rate_limited", "transient") or (
                exc.kind == "network" and provider.info.idempotent_create)
            if retryable and video.submit_attempts < MAX_SUBMIT_ATTEMPTS:
                video.submit_state = SUBMIT_PENDING
                video.check_errors += 1
                self._release(video, self.policy.backoff(video.check_errors, exc.retry_after))
            elif exc.kind == "network":
                self._fail(video, AMBIGUOUS.format(exc.message))
            else:
                self._fail(video, exc.message)
            self._publish_changes(session, video, before)

    # --- poll ----------------------------------------------------------------------------------------------

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

    async def _record_running(self, claim: Claim, job: JobStatus) -> None:
        """The common poll (still running) as one UPDATE under the lease: no read, no ORM object, and an event
        only when something the owner sees changed."""
        values = self._running(claim.view.id, claim.tracking, job)
        async with self.ctx.sessions.begin() as session:
            if not await VideoRepository(session).update_leased(claim.view.id, self.owner, values):
                return  # deleted meanwhile, or another instance took the lease over
            updates = claim.tracking.public_changes(values)
            if updates:
                queue_event(session, VideoUpdated(user_id=claim.tracking.user_id, video_id=claim.view.id,
                                                  updates=updates))

    @staticmethod
    def claimed(video: Video) -> Claim:
        """What one step needs to know about a row, read while leasing it."""
        return Claim(view=JobView(id=video.id, provider=video.provider, model=video.model, prompt=video.prompt,
                                  size=video.size, seconds=video.seconds, job_id=video.provider_video_id,
                                  remix_source=None, reference=None,
                                  options=(video.provider_metadata or {}).get("options"),
                                  extend_source=video.extend_of_provider_id),
                     tracking=Tracking.of(video),
                     downloading=video.status == COMPLETED and video.download_state == DL_PENDING,
                     polling=video.status in ACTIVE_STATUSES and video.submit_state == SUBMIT_SUBMITTED)

    async def advance(self, video_id: str, claim: Claim | None = None) -> None:
        """Poll or download one leased job. A poll goes straight to the provider with the row as leased (the
        write afterwards re-reads it under the lease); a download re-reads first, since it writes files."""
        if claim is None or not claim.polling:
            async with self.ctx.sessions.begin() as session:
                video = await self._load(session, video_id)
                if video is None:
                    return
                claim = self.claimed(video)
                if not (claim.downloading or claim.polling):
                    self._release(video, None)
                    return
        if claim.downloading:
            await self._download(claim.view, None, None)
        else:
            await self._poll(claim)

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
                self.history.record(_kind(video), (video.provider_finished_at - video.submitted_at).total_seconds())
        if job is not None:
            video.expires_at = job.expires_at or video.expires_at
            video.actual_cost = job.actual_cost if job.actual_cost is not None else video.actual_cost

    async def _downloaded(self, video_id: str, job: JobStatus | None, assets,  # noqa: ANN001
                          finished_by: datetime | None) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await VideoRepository(session).get(video_id)
            if video is None:  # deleted during the download: leave nothing behind
                await asyncio.to_thread(self.ctx.storage.delete_video_files, video_id)
                return
            before = self._snapshot(video)
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


def _frames(names: list[str] | None) -> tuple[str | None, str | None]:
    """(first frame, last frame) reference names; the seed's naming marks the kind (`_first`, `_last`)."""
    names = names or []
    last = next((n for n in names if n.endswith("_last.jpg")), None)
    first = next((n for n in names if n != last), None)
    return first, last


def _assign(video: Video, values: dict) -> None:
    for column, value in values.items():
        setattr(video, column, value)


def _kind(video: Video) -> tuple:
    """Jobs expected to take about as long as each other."""
    return video.provider, video.model, video.size, video.seconds, bool(video.remix_of)



_TERMINAL_MESSAGES = {
    "failed": "Video generation failed",
    "cancelled": "The provider cancelled this job",
    "expired": "The provider expired this job before it finished",
}
