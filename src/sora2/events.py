"""Typed domain events and the in-process bus they travel on (published only after commit)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

log = logging.getLogger(__name__)


class VideoUpdated(BaseModel):
    """A change to a video that its owner should see: `updates` holds only the changed public fields."""

    user_id: str
    video_id: str
    updates: dict[str, Any]
    terminal: bool = False  # the video just completed or failed


class UserChanged(BaseModel):
    """A user's account changed (role, password, disabled): cached principals must be dropped."""

    user_id: str


class LibraryChanged(BaseModel):
    """A user's list of videos changed in a way no VideoUpdated reports (created, deleted)."""

    user_id: str


class JobsChanged(BaseModel):
    """New or rescheduled work for the tracker: wake it instead of waiting for its next tick."""


class ProvidersChanged(BaseModel):
    """An admin added, changed, enabled, disabled or removed a provider, or chose the default model: every
    instance reloads its providers from the database."""


class WebhooksQueued(BaseModel):
    """Outbound webhook deliveries became due (a resend): wake this instance's dispatcher after the commit."""


Handler = Callable[[Any], Awaitable[None] | None]


class EventBus:
    """Delivers each event to every subscriber. Events that arrived from another instance (over Redis, see
    sora2.events_redis) are marked `remote` and skip subscribers that act only on this instance's own changes."""

    def __init__(self) -> None:
        self._handlers: list[tuple[Handler, bool]] = []
        self._tasks: set[Any] = set()

    def subscribe(self, handler: Handler, *, remote: bool = True) -> None:
        """`remote=False`: the handler sees only events published by this instance."""
        self._handlers.append((handler, remote))

    def publish(self, event: Any, *, remote: bool = False) -> None:
        for handler, wants_remote in self._handlers:
            if remote and not wants_remote:
                continue
            try:
                result = handler(event)
            except Exception:  # a broken subscriber must not break the committed transaction's caller
                log.exception("event handler failed")
                continue
            if result is not None:
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)


class BudgetNoticeRaised(BaseModel):
    """A user passed 80 % of their budget in the current period: every admin online hears it."""

    user_id: str
    username: str
    used: float
    amount: float
    resets_at: int  # epoch seconds
