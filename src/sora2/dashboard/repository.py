"""All SQL for the admin dashboard. Every figure is summed from the videos table, as budgets are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, func, select

from sora2.budgets.repository import charge
from sora2.models import User, Video


class DashboardRepository:
    def __init__(self, session) -> None:  # noqa: ANN001
        self.session = session

    def _in(self, start: datetime, end: datetime):  # noqa: ANN202
        return (Video.created_at >= start, Video.created_at < end)

    async def spend_by(self, column, start: datetime, end: datetime) -> Sequence[Row]:  # noqa: ANN001
        """(key, spend, videos) per value of `column` in [start, end)."""
        stmt = (select(column.label("key"), func.coalesce(func.sum(charge()), 0.0), func.count())
                .where(*self._in(start, end)).group_by(column))
        return (await self.session.execute(stmt)).all()

    async def spend_by_day(self, start: datetime, end: datetime) -> Sequence[Row]:
        # date() exists on SQLite (a 'YYYY-MM-DD' string) and PostgreSQL (a date): the caller formats both.
        return await self.spend_by(func.date(Video.created_at), start, end)

    async def status_counts(self, start: datetime, end: datetime) -> Sequence[Row]:
        """(provider, status, submit_state, cancelled, count) for jobs created in [start, end)."""
        cancelled = Video.cancelled_at.is_not(None)
        stmt = (select(Video.provider, Video.status, Video.submit_state, cancelled, func.count())
                .where(*self._in(start, end)).group_by(Video.provider, Video.status, Video.submit_state, cancelled))
        return (await self.session.execute(stmt)).all()

    async def ready_times(self, start: datetime, end: datetime) -> Sequence[Row]:
        """(provider, created_at, notified_at) of jobs ready (downloaded) — medians are computed in Python, the
        portable way."""
        stmt = (select(Video.provider, Video.created_at, Video.notified_at)
                .where(*self._in(start, end), Video.notified_at.is_not(None)))
        return (await self.session.execute(stmt)).all()

    async def storage_by_user(self) -> Sequence[Row]:
        """(user_id, username, bytes, files) of downloaded videos, now, largest first."""
        stmt = (select(User.id, User.username, func.coalesce(func.sum(Video.file_size), 0), func.count(Video.id))
                .join(Video, Video.user_id == User.id).where(Video.file_size.is_not(None))
                .group_by(User.id, User.username).order_by(func.sum(Video.file_size).desc()))
        return (await self.session.execute(stmt)).all()

    async def ledger(self, start: datetime, end: datetime) -> Sequence[Row]:
        stmt = (select(Video.id, Video.created_at, User.username, Video.provider, Video.model, Video.seconds,
                       Video.status, Video.cost, Video.actual_cost, charge().label("charged"))
                .join(User, User.id == Video.user_id).where(*self._in(start, end))
                .order_by(Video.created_at, Video.id))
        return (await self.session.execute(stmt)).all()

    async def usernames(self) -> dict[str, str]:
        return dict((await self.session.execute(select(User.id, User.username))).all())

    async def videos_of(self, user_id: str, limit: int, offset: int) -> tuple[Sequence[Video], int]:
        total = (await self.session.execute(
            select(func.count()).select_from(Video).where(Video.user_id == user_id))).scalar_one()
        stmt = (select(Video).where(Video.user_id == user_id).order_by(Video.created_at.desc(), Video.id.desc())
                .limit(limit).offset(offset))
        return (await self.session.execute(stmt)).scalars().all(), total
