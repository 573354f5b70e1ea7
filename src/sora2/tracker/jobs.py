"""What one tracker step knows about a job: read from the row in one short transaction, or as it was leased."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sora2.db.base import epoch, utcnow
from sora2.models import Video
from sora2.models.video import (
    ACTIVE_STATUSES, COMPLETED, DL_PENDING, SUBMIT_CONFIRMING, SUBMIT_SUBMITTED, SUBMIT_SUBMITTING,
)
from sora2.providers.base import GenerationRequest, JobStatus

PROMPT_POLL_SECONDS = 1.0  # a poll this close to when it was due vouches for that time
# Fields of the stored options that go to the provider with a create (see videos.options).
REQUEST_OPTIONS = frozenset({"aspect_ratio", "resolution", "generate_audio", "seed", "negative_prompt"})


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
    sent_at: datetime | None = None  # when the latest create request started (or the row was made)

    @property
    def operation(self) -> str:
        return "remix" if self.remix_source else "create"

    @property
    def idempotency_key(self) -> str:
        return f"sora2-{self.id}"  # stable per video: a replayed submission can never become a second job

    def request(self, image: bytes | None = None, last_frame: bytes | None = None) -> GenerationRequest:
        """The create exactly as it is (or was) sent; `find` matches a provider's jobs against it."""
        options = {k: v for k, v in (self.options or {}).items() if k in REQUEST_OPTIONS}
        return GenerationRequest(model=self.model, prompt=self.prompt, size=self.size, seconds=self.seconds,
                                 image_jpeg=image, idempotency_key=self.idempotency_key, last_frame_jpeg=last_frame,
                                 previous_job_id=self.extend_source, remix_of_job=self.remix_source,
                                 video_id=self.id, **options)

    @classmethod
    def of(cls, video: Video) -> JobView:
        metadata = video.provider_metadata or {}
        first, last = reference_frames(video.reference_images)
        return cls(id=video.id, provider=video.provider, model=video.model, prompt=video.prompt, size=video.size,
                   seconds=video.seconds, job_id=video.provider_video_id, remix_source=metadata.get("remix_source"),
                   reference=first, options=metadata.get("options"), last_frame=last,
                   extend_source=video.extend_of_provider_id,
                   sent_at=video.create_sent_at or video.created_at)


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
                   kind=kind_of(video), due_at=video.next_check_at, expected_at=video.expected_at)

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
        """The owner-visible fields a running poll can change (as `video_out` shows them), where they changed.
        A running poll never touches a cancelled row (its UPDATE excludes them), so `state` follows `status`."""
        before = {"status": self.status, "state": self.status, "progress": self.progress,
                  "expires_at": epoch(self.expires_at), "estimated_completion_at": epoch(self.expected_at)}
        after = {"status": values["status"], "state": values["status"], "progress": values["progress"],
                 "expires_at": epoch(values["expires_at"]), "estimated_completion_at": epoch(values["expected_at"])}
        return {key: value for key, value in after.items() if before[key] != value}


@dataclass(frozen=True)
class Claim:
    """A leased row and the step it is due for."""

    view: JobView
    tracking: Tracking
    step: str  # "poll", "download", "reconcile", "cancel" or "check" (read the row again first)

    @classmethod
    def of(cls, video: Video) -> Claim:
        return cls(view=JobView.of(video), tracking=Tracking.of(video), step=step_for(video))


def step_for(video: Video) -> str:
    """Which step a leased row needs next."""
    if video.status == COMPLETED and video.download_state == DL_PENDING:
        return "download"
    if video.status not in ACTIVE_STATUSES:
        return "check"
    if video.submit_state in (SUBMIT_SUBMITTING, SUBMIT_CONFIRMING):
        return "reconcile"  # the create's outcome is unknown (its instance died, or its answer was lost)
    if video.submit_state == SUBMIT_SUBMITTED:
        return "cancel" if video.cancelled_at is not None else "poll"
    return "check"


def request_snapshot(video: Video) -> dict:
    """What a deleted video's tombstone keeps to find its job at the provider (JobView fields, JSON-safe)."""
    fields = dataclasses.asdict(JobView.of(video))
    fields.pop("sent_at")
    return fields


def kind_of(video: Video) -> tuple:
    """Jobs expected to take about as long as each other."""
    return video.provider, video.model, video.size, video.seconds, bool(video.remix_of)


def reference_frames(names: list[str] | None) -> tuple[str | None, str | None]:
    """(first frame, last frame) reference names; the seed's naming marks the kind (`_first`, `_last`)."""
    names = names or []
    last = next((n for n in names if n.endswith("_last.jpg")), None)
    first = next((n for n in names if n != last), None)
    return first, last


def assign(video: Video, values: dict) -> None:
    for column, value in values.items():
        setattr(video, column, value)
