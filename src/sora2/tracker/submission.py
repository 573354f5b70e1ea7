"""Submitting a paid job, and reconciling one whose outcome is unknown (docs/architecture.md, "Submission").

The intent is committed before the provider call and the provider's job id right after it. A failure before
anything was sent is retried automatically; a create that may have reached the provider is never simply sent
again: the same Idempotency-Key is replayed where the provider honours one, else the provider's jobs are searched
for it, else (or when nothing is found) the owner is told it may have been charged and decides.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm.exc import StaleDataError

from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.events import JobsChanged
from sora2.models import Video
from sora2.models.video import (
    FAILED, QUEUED, SUBMIT_CONFIRMING, SUBMIT_PENDING, SUBMIT_SUBMITTED, SUBMIT_SUBMITTING, SUBMIT_UNCONFIRMED,
)
from sora2.providers.base import JobStatus, Provider, ProviderError
from sora2.tracker.base import StepBase
from sora2.tracker.jobs import JobView
from sora2.tracker.repository import CleanupRepository
from sora2.videos.repository import VideoRepository

log = logging.getLogger(__name__)
MAX_SUBMIT_ATTEMPTS = 12
MAX_REPLAYS = 12  # idempotent replays of a create whose answer was lost
MAX_SEARCHES = 6  # searches of the provider's jobs (2, 4, 8, 16, 32 s apart: about a minute)
SETTLE_SECONDS = 2.0  # a provider may list a new job only a moment after making it
NOT_CHARGED = " Nothing was charged."
NOTHING_SENT = ("Couldn't reach the provider: nothing was sent, nothing was charged. Retry when it is reachable "
                "again.")
# Plain words for the owner; the technical reason goes to the log and stays in provider_metadata.
UNCONFIRMED = ("The provider never confirmed this job and it could not be found there, so it may have been "
               "charged. Resubmit to make it again, or dismiss this.")
CANCELLED_UNCONFIRMED = ("Cancelled. The provider never confirmed whether the request reached it; if it did, it may "
                         "charge for it.")
NO_LOOKUP = "the provider offers no way to look a job up"


class SubmissionSteps(StepBase):
    # --- submit ----------------------------------------------------------------------------------------

    async def submit(self, video_id: str) -> None:
        view = await self._begin_submission(video_id)
        if view is None:
            return
        provider = self.ctx.providers.get(view.provider)
        try:
            job = await self._send_create(provider, view)
        except ProviderError as exc:
            self._count(view.provider, view.operation, exc)
            if exc.kind == "network":
                await self._outcome_unknown(video_id, exc.message)
            else:
                await self._not_created(video_id, exc)
            return
        self._count(view.provider, view.operation)
        await self._created(video_id, provider, job)

    async def _begin_submission(self, video_id: str) -> JobView | None:
        """Commit the intent (submitting, when it was sent) before the paid call."""
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return None
            if video.cancelled_at is not None or video.status != QUEUED or video.submit_state != SUBMIT_PENDING:
                self._release(video, None)
                return None
            video.submit_state, video.create_sent_at = SUBMIT_SUBMITTING, utcnow()
            video.submit_attempts += 1
            return JobView.of(video)

    async def _send_create(self, provider: Provider, view: JobView) -> JobStatus:
        if view.remix_source:
            return await provider.remix(view.remix_source, view.prompt, view.idempotency_key)
        request = view.request(await self._reference_bytes(view.reference),
                               await self._reference_bytes(view.last_frame))
        return await provider.create(request)

    async def _created(self, video_id: str, provider: Provider, job: JobStatus) -> None:
        """The provider made `job` for this video. Its id is a fact worth keeping whoever holds the lease now: a
        deleted video's tombstone gets it, and a video that already holds another job hands this duplicate over
        to be deleted. A delete committed between our read and our write is read again, not lost."""
        try:
            await self._record_created(video_id, provider.info.id, job)
        except StaleDataError:
            await self._record_created(video_id, provider.info.id, job)

    async def _record_created(self, video_id: str, provider_id: str, job: JobStatus) -> None:
        async with self.ctx.sessions.begin() as session:
            repo = VideoRepository(session)
            video = await repo.get(video_id)
            if video is None:
                await self._tombstone_job(session, video_id, provider_id, job.job_id)
                return
            holder = await repo.holder_of(provider_id, job.job_id)
            if holder not in (None, video.id):
                if video.provider_video_id is None:
                    self._search_again(session, video)
                return
            if video.provider_video_id not in (None, job.job_id):
                await self._duplicate(session, video, job.job_id)
                return
            before = self._snapshot(video)
            self._link(video, job.job_id)
            if video.lease_owner == self.owner:
                self._start_tracking(video, job)
            else:
                video.next_check_at = utcnow()  # whoever holds the lease finds the job submitted
            self._publish_changes(session, video, before)

    def _link(self, video: Video, job_id: str) -> None:
        video.provider_video_id, video.submit_state, video.check_errors = job_id, SUBMIT_SUBMITTED, 0
        if video.status == FAILED and video.cancelled_at is None:  # it was unconfirmed: tracked again
            video.status, video.error_message = QUEUED, None

    async def _tombstone_job(self, session, video_id: str, provider: str, job_id: str) -> None:  # noqa: ANN001
        """The video was deleted while its create was in flight: its tombstone now knows what to delete."""
        cleanups = CleanupRepository(session)
        cleanup = await cleanups.for_video(video_id)
        if cleanup is None:
            await cleanups.add(video_id=video_id, provider=provider, job_id=job_id, request=None, sent_at=None,
                               due_at=utcnow())
        else:
            cleanup.job_id, cleanup.next_check_at = job_id, utcnow()
        queue_event(session, JobsChanged())

    def _search_again(self, session, video: Video) -> None:  # noqa: ANN001
        """An identical request's reconciliation adopted the job made for this one: ours is one of the others it
        could have adopted, so look for it the same way."""
        before = self._snapshot(video)
        video.submit_state, video.next_check_at = SUBMIT_CONFIRMING, utcnow()
        self._publish_changes(session, video, before)

    async def _duplicate(self, session, video: Video, job_id: str) -> None:  # noqa: ANN001
        """The video already holds another job (a reconciliation adopted it first): this one is surplus."""
        log.warning("video %s already holds a provider job; deleting the duplicate %s", video.id, job_id)
        await CleanupRepository(session).add(video_id=video.id, provider=video.provider, job_id=job_id,
                                             request=None, sent_at=None, due_at=utcnow())
        queue_event(session, JobsChanged())

    async def _not_created(self, video_id: str, exc: ProviderError) -> None:
        """The provider answered that it made nothing (or nothing was sent): retry what may succeed later."""
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            before = self._snapshot(video)
            video.submit_state = SUBMIT_PENDING
            retryable = exc.kind in ("unreachable", "rate_limited", "transient")
            if video.cancelled_at is not None:
                self._fail(video, video.error_message or "Cancelled")
            elif retryable and video.submit_attempts < MAX_SUBMIT_ATTEMPTS:
                video.check_errors += 1
                self._release(video, self.policy.backoff(video.check_errors, exc.retry_after))
            elif exc.kind == "unreachable":
                log.warning("video %s: gave up reaching %s (%s)", video.id, video.provider, exc.message)
                self._fail(video, NOTHING_SENT)
            else:
                self._fail(video, exc.message.rstrip(".") + "." + NOT_CHARGED)
            self._publish_changes(session, video, before)

    async def _outcome_unknown(self, video_id: str, reason: str) -> None:
        """The create may have reached the provider: reconcile it, never resend it blindly."""
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:  # deleted (its tombstone reconciles instead) or taken over by another instance
                return
            before = self._snapshot(video)
            video.submit_state, video.check_errors = SUBMIT_CONFIRMING, 0
            video.provider_metadata = {**(video.provider_metadata or {}), "unconfirmed_reason": reason}
            self._release(video, SETTLE_SECONDS)
            self._publish_changes(session, video, before)

    # --- reconcile ---------------------------------------------------------------------------------------

    async def reconcile(self, video_id: str) -> None:
        """A create whose answer never came (lost, or its instance died during the call): find its job."""
        begun = await self._begin_reconcile(video_id)
        if begun is None:
            return
        view, cancelled = begun
        provider = self.ctx.providers.get(view.provider)
        find = getattr(provider, "find", None)
        try:
            if provider.info.idempotent_create and not cancelled:
                # Same Idempotency-Key: the provider answers with the job it made, or makes it now (wanted).
                await self._created(video_id, provider, await self._send_create(provider, view))
            elif find is not None:
                await self._search(video_id, provider, view)
            else:
                await self._give_up(video_id, NO_LOOKUP)
        except ProviderError as exc:
            self._count(view.provider, "reconcile", exc)
            if exc.kind in ("rejected", "not_found", "expired"):
                await self._give_up(video_id, exc.message)
            else:
                await self._try_again(video_id, exc)

    async def _begin_reconcile(self, video_id: str) -> tuple[JobView, bool] | None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return None
            if video.submit_state not in (SUBMIT_SUBMITTING, SUBMIT_CONFIRMING) or video.provider_video_id:
                self._release(video, 0.0 if video.provider_video_id else None)
                return None
            if video.submit_state == SUBMIT_SUBMITTING:  # its instance died during the call
                before = self._snapshot(video)
                video.submit_state, video.check_errors = SUBMIT_CONFIRMING, 0
                video.provider_metadata = {**(video.provider_metadata or {}),
                                           "unconfirmed_reason": "the server stopped during the request"}
                self._publish_changes(session, video, before)
            return JobView.of(video), video.cancelled_at is not None

    async def _search(self, video_id: str, provider: Provider, view: JobView) -> None:
        candidates = await provider.find(view.request(), view.sent_at or utcnow())  # type: ignore[attr-defined]
        self._count(view.provider, "find")
        ids = [job.job_id for job in candidates]
        async with self.ctx.sessions.begin() as session:
            held = (await VideoRepository(session).held_jobs(view.provider, ids)
                    | await CleanupRepository(session).held_jobs(view.provider, ids))
        free = [job for job in candidates if job.job_id not in held]
        if free:
            log.info("reconciled video %s with provider job %s", video_id, free[0].job_id)
            await self._created(video_id, provider, free[0])
            return
        await self._try_again(video_id, None)

    async def _try_again(self, video_id: str, exc: ProviderError | None) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is None:
                return
            video.check_errors += 1
            provider = self._provider(video.provider)
            limit = MAX_REPLAYS if provider is not None and provider.info.idempotent_create else MAX_SEARCHES
            if video.check_errors >= limit:
                reason = exc.message if exc is not None else "no matching job at the provider"
                await self._unconfirmed(session, video, reason)
                return
            retry_after = exc.retry_after if exc is not None else None
            self._release(video, self.policy.backoff(video.check_errors, retry_after))

    async def _give_up(self, video_id: str, reason: str) -> None:
        async with self.ctx.sessions.begin() as session:
            video = await self._load(session, video_id)
            if video is not None:
                await self._unconfirmed(session, video, reason)

    async def _unconfirmed(self, session, video: Video, reason: str) -> None:  # noqa: ANN001
        """Shown to its owner (and admins): it may have been charged; only a person decides what happens next.
        A provider webhook naming the job may still adopt it later."""
        if video.provider_video_id:  # a webhook adopted its job meanwhile: it is tracked like any other
            self._release(video, 0.0)
            return
        before = self._snapshot(video)
        first = (video.provider_metadata or {}).get("unconfirmed_reason")
        detail = f"{first}; {reason}" if first and first != reason else reason
        video.submit_state = SUBMIT_UNCONFIRMED
        video.provider_metadata = {**(video.provider_metadata or {}), "unconfirmed_reason": detail}
        self._fail(video, CANCELLED_UNCONFIRMED if video.cancelled_at is not None else UNCONFIRMED)
        self._publish_changes(session, video, before)
        log.warning("video %s: create not confirmed by %s (%s)", video.id, video.provider, detail)
