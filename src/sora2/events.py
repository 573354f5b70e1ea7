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


class VideoDeleted(BaseModel):
    """A video row is gone; its provider-side job may be deleted too (best effort)."""

    provider: str
    job_id: str


Handler = Callable[[Any], Awaitable[None] | None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._tasks: set[Any] = set()

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def publish(self, event: Any) -> None:
        for handler in self._handlers:
            try:
                result = handler(event)
            except Exception:  # a broken subscriber must not break the committed transaction's caller
                log.exception("event handler failed")
                continue
            if result is not None:
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
