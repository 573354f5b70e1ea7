"""Webhook use cases: a verified delivery makes the tracker poll its job now. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest
from sora2.events import JobsChanged, VideoUpdated
from sora2.models import Video
from sora2.models.video import ACTIVE_STATUSES, FAILED, OUTCOME_UNKNOWN, QUEUED, SUBMIT_SUBMITTED
from sora2.tracker.repository import CleanupRepository
from sora2.videos.repository import VideoRepository
from sora2.videos.states import billing, compat_status, public_state
from sora2.webhooks.repository import WebhookRepository

KEEP_DELIVERIES = timedelta(days=7)


@dataclass(frozen=True)
class DeliveryOutcome:
    duplicate: bool = False
    video_id: str | None = None  # the video whose job the tracker should poll now


def job_of(payload: Any) -> tuple[str, str]:
    """(job id, status) from `{"type": "video.generation.…", "data": {"id", "status", …}}`."""
    data = payload.get("data") if isinstance(payload, dict) else None
    job_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(job_id, str) or not job_id:
        raise BadRequest("Webhook payload has no data.id", code="invalid_webhook")
    status = data.get("status")
    return job_id, status if isinstance(status, str) else ""


class WebhookService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.deliveries = WebhookRepository(session)
        self.videos = VideoRepository(session)

    async def job_finished(self, provider: str, payload: Any, idempotency_key: str | None,
                           video_ref: str | None = None) -> DeliveryOutcome:
        """The provider says a job reached a terminal state. The payload is only a hint: the tracker polls the
        job for the authoritative status, cost and expiry, exactly as it would have on its own schedule.
        `video_ref` is the video id our callback URL carried: a job no video holds yet is adopted by it."""
        job_id, status = job_of(payload)
        if not await self._first_delivery(provider, idempotency_key or f"{job_id}-{status}"):
            return DeliveryOutcome(duplicate=True)
        video = await self.videos.by_provider_job(provider, job_id)
        if video is None and video_ref:
            video = await self._adopt(provider, job_id, video_ref)
        return self._poll_now(video)

    async def fal_request_finished(self, request_id: str, status: str, video_hint: str | None) -> DeliveryOutcome:
        """fal's webhook names only its request id; our video id rides in the webhook URL (`?video=`). fal job
        ids are `<owner>/<alias>/<request id>` (see providers.fal), under whichever fal provider made them."""
        if not await self._first_delivery("fal", f"{request_id}-{status}"):
            return DeliveryOutcome(duplicate=True)
        video = await self.videos.get(video_hint) if video_hint else None
        if video is None or not (video.provider_video_id or "").endswith("/" + request_id):
            video = await self.videos.by_provider_job_suffix("/" + request_id)
        return self._poll_now(video)

    async def _first_delivery(self, source: str, key: str) -> bool:
        now = utcnow()
        if not await self.deliveries.record_once(source, key, now):
            return False
        await self.deliveries.prune(now - KEEP_DELIVERIES)
        return True

    def _poll_now(self, video: Video | None) -> DeliveryOutcome:
        if video is None or video.status not in ACTIVE_STATUSES or video.submit_state != SUBMIT_SUBMITTED:
            return DeliveryOutcome()  # not ours, deleted, or already finished: nothing to do
        video.next_check_at = utcnow()
        queue_event(self.session, JobsChanged())  # wakes the tracker once this commits
        return DeliveryOutcome(video_id=video.id)

    async def _adopt(self, provider: str, job_id: str, video_id: str) -> Video | None:
        """The webhook of a job whose create answer was lost: its video (or the tombstone of a deleted one)
        learns the job id, and the tracker takes it from there."""
        video = await self.videos.get(video_id)
        if video is None:
            cleanup = await CleanupRepository(self.session).for_video(video_id)
            if cleanup is not None and cleanup.provider == provider:
                cleanup.job_id, cleanup.next_check_at = job_id, utcnow()
                queue_event(self.session, JobsChanged())
            return None
        if video.provider != provider or video.provider_video_id or video.submit_state not in OUTCOME_UNKNOWN:
            return None
        video.provider_video_id, video.submit_state, video.check_errors = job_id, SUBMIT_SUBMITTED, 0
        if video.status == FAILED and video.cancelled_at is None:  # it was unconfirmed: tracked again
            video.status, video.error_message = QUEUED, None
        state = public_state(video)
        queue_event(self.session, VideoUpdated(user_id=video.user_id, video_id=video.id, updates={
            "provider_video_id": job_id, "openai_video_id": job_id, "state": state, "status": compat_status(state),
            "billing": billing(video), "error_message": video.error_message}))
        return video
