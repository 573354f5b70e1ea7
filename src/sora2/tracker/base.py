"""What every tracker step shares: the context, the lease it works under, and how it writes and publishes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sora2.context import AppContext
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.events import VideoUpdated
from sora2.media.store.keys import reference_key
from sora2.models import Video
from sora2.models.video import FAILED
from sora2.providers.base import Provider, ProviderError
from sora2.tracker.jobs import assign
from sora2.tracker.policy import DurationHistory, PollPolicy
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import is_terminal, video_out


class StepBase:
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
            terminal = "state" in changed and is_terminal(after["state"])
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
        assign(video, self._released(video.id, delay))

    def _fail(self, video: Video, message: str) -> None:
        video.status, video.error_message = FAILED, message
        self._release(video, None)

    def _provider(self, provider_id: str) -> Provider | None:
        return self.ctx.providers.get(provider_id) if provider_id in self.ctx.providers else None

    def _count(self, provider: str, operation: str, error: ProviderError | None = None) -> None:
        self.ctx.metrics.provider_requests.labels(provider, operation).inc()
        if error is not None:
            self.ctx.metrics.provider_errors.labels(provider, operation, error.kind).inc()

    async def _reference_bytes(self, name: str | None) -> bytes | None:
        if not name:
            return None
        return await self.ctx.storage.read_bytes(reference_key(name))
