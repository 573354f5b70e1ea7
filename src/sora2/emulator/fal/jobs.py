"""One emulated fal request: its stored record, its status at a given time, and what the queue API shows.

Status is a function of the clock and a few recorded facts (as in the other flavors): IN_QUEUE for the first tenth
of the job time, then IN_PROGRESS (its logs count the percent up), then COMPLETED once the time is over and the
render is on disk, or at once when cancelled; a moderation failure completes with an error halfway through.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

QUEUED_SHARE = 0.1
FAIL_AT_SHARE = 0.5
MODERATION_MESSAGE = "The content could not be processed because it was flagged by a content checker."
RENDER_FAILED_MESSAGE = "Internal error while generating the video."
CANCELLED_MESSAGE = "Request was cancelled by the user."


def new_request_id() -> str:
    return str(uuid.uuid4())


@dataclass
class FalJob:
    id: str  # fal's request_id
    seq: int
    endpoint: str
    prompt: str
    seconds: int
    width: int
    height: int
    created_at: float
    job_seconds: float
    cost: float
    gateway_request_id: str
    base_url: str  # how the client reached us: result and file URLs are built from it
    webhook_url: str | None = None
    has_first: bool = False
    has_last: bool = False
    previous: str | None = None  # the job an extension continues
    fail_message: str | None = None
    rendered_at: float | None = None
    cancelled_at: float | None = None
    webhook_status: str | None = None  # OK / ERROR once delivered (or given up on)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FalJob:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def app(self) -> str:
        return "/".join(self.endpoint.split("/")[:2])

    @property
    def needs_render(self) -> bool:
        return self.fail_message is None and self.rendered_at is None and self.cancelled_at is None

    def finished_at(self) -> float | None:
        if self.cancelled_at is not None:
            return self.cancelled_at
        if self.fail_message is not None:
            return self.created_at + self.job_seconds * FAIL_AT_SHARE
        if self.rendered_at is None:
            return None
        return max(self.created_at + self.job_seconds, self.rendered_at)


def outcome_at(job: FalJob, now: float) -> str | None:
    """"OK" / "ERROR" once the request finished at or before `now` (what its webhook reports), else None."""
    finished = job.finished_at()
    if finished is None or finished > now:
        return None
    return "OK" if job.cancelled_at is None and job.fail_message is None else "ERROR"


def error_of(job: FalJob) -> tuple[str, str] | None:
    if job.cancelled_at is not None:
        return CANCELLED_MESSAGE, "request_cancelled"
    if job.fail_message is not None:
        return job.fail_message, "content_policy_violation" if job.fail_message == MODERATION_MESSAGE else \
            "internal_error"
    return None


def _percent(job: FalJob, now: float) -> int:
    share = (now - job.created_at - job.job_seconds * QUEUED_SHARE) / (job.job_seconds * (1 - QUEUED_SHARE))
    return max(0, min(99, int(share * 100)))


def _logs(job: FalJob, now: float) -> list[dict[str, Any]]:
    stamp = datetime.fromtimestamp(now, UTC).isoformat()
    return [{"message": f"Generating video: {_percent(job, now)}%", "level": "INFO", "source": "user",
             "timestamp": stamp}]


def status_view(job: FalJob, now: float, with_logs: bool) -> dict[str, Any]:
    outcome = outcome_at(job, now)
    if outcome is None:
        if now - job.created_at < job.job_seconds * QUEUED_SHARE:
            return {"status": "IN_QUEUE", "queue_position": 0, "request_id": job.id}
        return {"status": "IN_PROGRESS", "logs": _logs(job, now) if with_logs else None, "request_id": job.id}
    body: dict[str, Any] = {"status": "COMPLETED", "logs": _logs(job, now) if with_logs else None,
                            "metrics": {"inference_time": round((job.finished_at() or now) - job.created_at, 3)},
                            "request_id": job.id}
    error = error_of(job)
    if error is not None:
        body["error"], body["error_type"] = error
    return body


def file_url(job: FalJob) -> str:
    return f"{job.base_url.rstrip('/')}/files/{job.id}/video.mp4"


def result_view(job: FalJob, file_size: int) -> dict[str, Any]:
    return {"video": {"url": file_url(job), "content_type": "video/mp4", "file_name": "video.mp4",
                      "file_size": file_size}, "seed": job.seq}
