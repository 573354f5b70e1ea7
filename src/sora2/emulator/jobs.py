"""One emulated job: its stored record and the `Video` object computed from it and the clock.

Status is a function of time, not a stored field, so a restarted emulator reports exactly what it would have
reported had it kept running: queued for the first tenth of the job time, then in_progress with progress rising
to 99, then completed once the job time is over AND the render is on disk, then expired after `expires_at`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

QUEUED_SHARE = 0.1  # share of the job time spent "queued"
FAIL_AT_SHARE = 0.5  # moderation failures surface halfway through, like a blocked output frame
MODERATION_CODE = "moderation_blocked"
MODERATION_MESSAGE = "Your request was blocked by our moderation system."
RENDER_FAILED_CODE = "video_generation_failed"
POLL_HINT_MIN_MS = 500
POLL_HINT_MAX_MS = 5000


@dataclass
class Job:
    id: str
    seq: int  # creation order, kept across restarts: ties on created_at stay ordered
    model: str
    prompt: str | None
    seconds: str
    size: str
    created_at: float
    job_seconds: float
    expire_after: float
    fail_code: str | None = None  # decided at create time (fail_rate) so the outcome survives a restart
    fail_message: str | None = None
    remixed_from: str | None = None
    has_reference: bool = False
    idempotency_scope: str | None = None
    idempotency_key: str | None = None
    replays: int = 0
    rendered_at: float | None = None
    media_purged: bool = False
    deleted_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def needs_render(self) -> bool:
        return not self.deleted and self.fail_code is None and self.rendered_at is None

    @property
    def due_at(self) -> float:
        return self.created_at + self.job_seconds

    def completed_at(self) -> float | None:
        if self.fail_code is not None or self.rendered_at is None:
            return None
        return max(self.due_at, self.rendered_at)

    def expires_at(self, expire_after_override: float | None) -> float | None:
        done = self.completed_at()
        if done is None:
            return None
        return done + (self.expire_after if expire_after_override is None else expire_after_override)


def status_at(job: Job, now: float, expire_after_override: float | None = None) -> tuple[str, int]:
    """(status, progress) of `job` at time `now`."""
    elapsed = now - job.created_at
    if job.fail_code is not None and elapsed >= job.job_seconds * FAIL_AT_SHARE:
        return "failed", 0
    completed_at = job.completed_at()
    if completed_at is not None and now >= completed_at:
        expires_at = job.expires_at(expire_after_override)
        if job.media_purged or (expires_at is not None and now >= expires_at):
            return "expired", 100
        return "completed", 100
    if elapsed < job.job_seconds * QUEUED_SHARE:
        return "queued", 0
    # A finished clock with the render still running stays at 99, as the real service did.
    return "in_progress", max(1, min(99, int(100 * elapsed / job.job_seconds)))


def video_object(job: Job, now: float, expire_after_override: float | None = None) -> dict[str, Any]:
    """The `Video` object of openai-videos.md §4.1, field for field."""
    status, progress = status_at(job, now, expire_after_override)
    finished = status in ("completed", "expired")
    completed_at = job.completed_at() if finished else None
    expires_at = job.expires_at(expire_after_override) if finished else None
    error = {"code": job.fail_code, "message": job.fail_message} if status == "failed" else None
    return {
        "id": job.id, "object": "video", "model": job.model, "status": status, "progress": progress,
        "created_at": int(job.created_at),
        "completed_at": int(completed_at) if completed_at is not None else None,
        "expires_at": int(expires_at) if expires_at is not None else None,
        "prompt": job.prompt, "seconds": job.seconds, "size": job.size,
        "remixed_from_video_id": job.remixed_from, "error": error, "quality": "standard",
    }


def poll_hint_ms(job: Job, now: float) -> int | None:
    """`openai-poll-after-ms`: a quarter of the remaining time, clamped; None once the job is terminal."""
    status, _ = status_at(job, now)
    if status not in ("queued", "in_progress"):
        return None
    remaining_ms = max(0.0, job.due_at - now) * 1000
    return int(min(POLL_HINT_MAX_MS, max(POLL_HINT_MIN_MS, remaining_ms / 4)))
