"""Which event a video's committed state announces, and what the event says."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sora2.db.base import epoch
from sora2.models import Video
from sora2.models.video import DL_PENDING
from sora2.videos.states import billing, compat_status, public_state

COMPLETED, FAILED, CANCELLED = "video.completed", "video.failed", "video.cancelled"
EVENT_TYPES = (COMPLETED, FAILED, CANCELLED)
# `state` tells a cancelled job from a failed one; an unconfirmed one announces nothing until its owner decides.
_BY_STATE = {"completed": COMPLETED, "failed": FAILED, "cancelled": CANCELLED}
TERMINAL_STATUSES = ("completed", "failed")  # every announced state reads as one of these in `status`


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def event_type(video: Video) -> str | None:
    """The event this row announces now, or None while it is not final: a completed job is announced once its
    download settled (done, failed or expired), so a receiver told "completed" can fetch the file."""
    state = public_state(video)
    if state == "completed" and video.download_state == DL_PENDING:
        return None
    return _BY_STATE.get(state)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def event_payload(video: Video, kind: str, username: str, public_url: str | None, now: datetime) -> dict:
    """Standard Webhooks' envelope: type, timestamp, data (the video without signed media links, which expire)."""
    data = {
        "id": video.id, "user_id": video.user_id, "username": username,
        "status": compat_status(public_state(video)), "state": public_state(video), "billing": billing(video),
        "provider": video.provider, "model": video.model,
        "prompt": video.prompt, "size": video.size, "seconds": video.seconds, "estimated_cost": video.cost,
        "actual_cost": video.actual_cost, "error_message": video.error_message,
        "created_at": epoch(video.created_at), "completed_at": epoch(video.completed_at),
        "download_state": video.download_state, "remix_of": video.remix_of, "continued_from": video.continued_from,
    }
    if public_url:
        data["url"] = f"{public_url.rstrip('/')}/videos/{video.id}"
    return {"type": kind, "timestamp": _iso(now), "data": data}


def body_of(payload: dict) -> bytes:
    """The exact bytes signed and sent: the same for every attempt of one event."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
