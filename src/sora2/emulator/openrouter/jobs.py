"""One emulated OpenRouter video job: its stored record, its status at a given time, and what the API shows.

As in the OpenAI flavor, status is a function of the clock and a few recorded facts (render finished,
cancelled, forced expiry), never a stored field, so a restarted emulator answers exactly as if it had kept
running: pending for the first tenth of the job time, then in_progress, then completed once the job time is
over AND the render is on disk, then expired once the output's retention ends.
"""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

PENDING_SHARE = 0.1  # share of the job time spent "pending"
FAIL_AT_SHARE = 0.5  # moderation failures surface halfway through
MODERATION_MESSAGE = ("Content policy violation: the provider's safety system flagged this request and no "
                      "video was generated. You were not charged.")
RENDER_FAILED_MESSAGE = "Provider returned error: video generation failed (internal error)."
CANCELLED_MESSAGE = "Job was cancelled"
EXPIRED_MESSAGE = "Job exceeded maximum time to live"
CONTENT_EXPIRED_MESSAGE = "The generated video has expired and is no longer available."
STATUSES = ("pending", "in_progress", "completed", "failed", "cancelled", "expired")
TERMINAL = ("completed", "failed", "cancelled", "expired")
_ALPHANUMERIC = string.ascii_letters + string.digits


def _random_suffix(length: int = 20) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def new_job_id(now: float) -> str:
    return f"gen-vid-{int(now)}-{_random_suffix()}"


def new_generation_id(now: float) -> str:
    return f"gen-{int(now)}-{_random_suffix()}"


@dataclass
class VideoJob:
    id: str
    seq: int  # creation order, kept across restarts
    model: str
    prompt: str | None
    duration: int
    width: int
    height: int
    resolution: str  # the pricing tier (derived from `size` when one was given)
    aspect_ratio: str
    created_at: float
    job_seconds: float
    expire_after: float
    generation_id: str
    cost: float
    base_url: str  # ".../api/v1" as the client reached us at submit time: webhooks carry URLs built from it
    callback_url: str | None = None
    seed: int | None = None
    generate_audio: bool = False
    has_first_frame: bool = False
    has_last_frame: bool = False
    previous_job_id: str | None = None
    fail_message: str | None = None  # decided at submit (fail_rate) so the outcome survives a restart
    rendered_at: float | None = None
    cancelled_at: float | None = None
    expired_at: float | None = None  # forced expiry (the emulator's expire knob)
    media_purged: bool = False
    webhook_status: str | None = None  # the outcome whose webhook was delivered (or given up on)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VideoJob:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def needs_render(self) -> bool:
        return (self.fail_message is None and self.rendered_at is None and self.cancelled_at is None
                and self.expired_at is None)

    def completed_at(self) -> float | None:
        if self.fail_message is not None or self.rendered_at is None:
            return None
        return max(self.created_at + self.job_seconds, self.rendered_at)

    def expires_at(self, expire_after_override: float | None) -> float | None:
        done = self.completed_at()
        if done is None:
            return None
        return done + (self.expire_after if expire_after_override is None else expire_after_override)


def outcome_at(job: VideoJob, now: float) -> str | None:
    """The first terminal status the job reached at or before `now` (what its webhook reports), else None."""
    reached = []
    if job.cancelled_at is not None:
        reached.append((job.cancelled_at, "cancelled"))
    if job.expired_at is not None:
        reached.append((job.expired_at, "expired"))
    if job.fail_message is not None:
        reached.append((job.created_at + job.job_seconds * FAIL_AT_SHARE, "failed"))
    completed_at = job.completed_at()
    if completed_at is not None:
        reached.append((completed_at, "completed"))
    reached = [item for item in reached if item[0] <= now]
    return min(reached)[1] if reached else None


def status_at(job: VideoJob, now: float, expire_after_override: float | None = None) -> str:
    outcome = outcome_at(job, now)
    if outcome == "completed" and _output_gone(job, now, expire_after_override):
        return "expired"
    if outcome is not None:
        return outcome
    return "pending" if now - job.created_at < job.job_seconds * PENDING_SHARE else "in_progress"


def _output_gone(job: VideoJob, now: float, expire_after_override: float | None) -> bool:
    expires_at = job.expires_at(expire_after_override)
    return (job.media_purged or (job.expired_at is not None and now >= job.expired_at)
            or (expires_at is not None and now >= expires_at))


def urls(base_url: str, job_id: str) -> dict[str, str]:
    return {"polling_url": f"{base_url}/videos/{job_id}",
            "content_url": f"{base_url}/videos/{job_id}/content?index=0"}


def _usage(job: VideoJob) -> dict[str, Any]:
    return {"cost": job.cost, "is_byok": False}


def _error(job: VideoJob, status: str, outcome: str | None) -> str | None:
    if status == "failed":
        return job.fail_message
    if status == "cancelled":
        return CANCELLED_MESSAGE
    if status == "expired":
        return CONTENT_EXPIRED_MESSAGE if outcome == "completed" else EXPIRED_MESSAGE
    return None


def job_view(job: VideoJob, now: float, base_url: str,
             expire_after_override: float | None = None) -> dict[str, Any]:
    """The `VideoGenerationResponse` a poll returns; optional fields appear only when they have a value."""
    status = status_at(job, now, expire_after_override)
    outcome = outcome_at(job, now)
    links = urls(base_url, job.id)
    body: dict[str, Any] = {"id": job.id, "polling_url": links["polling_url"], "status": status}
    if status != "pending":
        body["generation_id"] = job.generation_id
    if status == "completed":
        body["unsigned_urls"] = [links["content_url"]]
        body["expires_at"] = int(job.expires_at(expire_after_override) or 0)
    if outcome == "completed":  # charged once completed, even if the output has expired since
        body["usage"] = _usage(job)
    error = _error(job, status, outcome)
    if error is not None:
        body["error"] = error
    return body


def webhook_event(job: VideoJob, outcome: str, now: float | None = None) -> dict[str, Any]:
    """The `video.generation.<outcome>` envelope OpenRouter POSTs to the callback URL."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    data: dict[str, Any] = {"id": job.id, "status": outcome, "generation_id": job.generation_id,
                            "model": job.model}
    if outcome == "completed":
        data["unsigned_urls"] = [urls(job.base_url, job.id)["content_url"]]
        data["usage"] = _usage(job)
    else:
        data["error"] = _error(job, outcome, outcome)
    return {"type": f"video.generation.{outcome}",
            "created_at": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "data": data}
