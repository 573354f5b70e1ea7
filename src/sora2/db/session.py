"""Units of work: the caller owns the transaction; events queued during it are released only after commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

PENDING_EVENTS = "pending_events"


def queue_event(session: AsyncSession, event: Any) -> None:
    """Remember an event to publish once this session's transaction commits (dropped on rollback)."""
    session.info.setdefault(PENDING_EVENTS, []).append(event)


class SessionFactory:
    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self._maker = maker
        self.publish: Callable[[Any], None] = lambda _event: None

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """Open a session, commit on success, roll back on error, then publish queued events."""
        async with self._maker() as session:
            try:
                yield session
                if session.in_transaction():
                    await session.commit()
            except BaseException:
                await session.rollback()
                session.info.pop(PENDING_EVENTS, None)
                raise
            for event in session.info.pop(PENDING_EVENTS, []):
                self.publish(event)
