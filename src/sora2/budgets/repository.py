"""All SQL about budgets: the rows, the lock that serialises reservations, and spending summed from videos."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import Budget, BudgetNotice, User, Video
from sora2.models.video import ACTIVE_STATUSES, FAILED, SUBMIT_DISMISSED, SUBMIT_UNCONFIRMED
from sora2.providers.registry import EMULATOR_ID


def charge() -> ColumnElement[float]:
    """What one video counts against a budget: emulated jobs nothing; the provider's actual cost once known;
    otherwise our estimate — reserved while in flight, and kept for jobs that may have been charged (cancelled after
    the provider accepted them, or a create the provider never confirmed); a failed job no provider charged for,
    or one never accepted, nothing."""
    maybe_charged = or_(and_(Video.cancelled_at.is_not(None), Video.provider_video_id.is_not(None)),
                        Video.submit_state.in_((SUBMIT_UNCONFIRMED, SUBMIT_DISMISSED)))
    return case((Video.provider == EMULATOR_ID, 0.0),
                (Video.actual_cost.is_not(None), Video.actual_cost),
                (Video.status == FAILED, case((maybe_charged, Video.cost), else_=0.0)),
                else_=Video.cost)


class BudgetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, budget_id: str) -> Budget | None:
        return await self.session.get(Budget, budget_id)

    async def all(self) -> Sequence[Budget]:
        return (await self.session.execute(select(Budget).order_by(Budget.id))).scalars().all()

    async def save(self, budget: Budget) -> Budget:
        merged = await self.session.merge(budget)
        await self.session.flush()
        return merged

    async def remove(self, budget_id: str) -> bool:
        result = await self.session.execute(delete(Budget).where(Budget.id == budget_id))
        return bool(result.rowcount)

    async def lock(self, budget_id: str, now: datetime) -> None:
        """Take the budget's row lock until commit. An UPDATE rather than SELECT … FOR UPDATE: it also takes
        SQLite's database write lock (waiting for it, busy_timeout), so reservations queue on every backend and
        each one sums what the previous one committed."""
        await self.session.execute(update(Budget).where(Budget.id == budget_id).values(last_reserved_at=now)
                                   .execution_options(synchronize_session=False))

    async def usage(self, user_id: str | None, start: datetime, end: datetime) -> tuple[float, float]:
        """(used, of which still reserved by jobs in flight) for a user, or everyone, in [start, end)."""
        in_flight = case((Video.status.in_(ACTIVE_STATUSES), charge()), else_=0.0)
        stmt = select(func.coalesce(func.sum(charge()), 0.0), func.coalesce(func.sum(in_flight), 0.0)).where(
            Video.created_at >= start, Video.created_at < end)
        if user_id is not None:
            stmt = stmt.where(Video.user_id == user_id)
        used, reserved = (await self.session.execute(stmt)).one()
        return float(used), float(reserved)

    async def usernames(self, user_ids: list[str]) -> dict[str, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(select(User.id, User.username).where(User.id.in_(user_ids)))
        return dict(rows.all())

    # --- notices -----------------------------------------------------------------------------------------

    async def add_notice_once(self, notice: BudgetNotice) -> bool:
        """False when this user already has a notice for this period."""
        try:
            async with self.session.begin_nested():
                self.session.add(notice)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def open_notices(self, limit: int = 50) -> Sequence[tuple[BudgetNotice, str]]:
        stmt = (select(BudgetNotice, User.username).join(User, User.id == BudgetNotice.user_id)
                .where(BudgetNotice.dismissed_at.is_(None)).order_by(BudgetNotice.created_at.desc()).limit(limit))
        return [(notice, name) for notice, name in (await self.session.execute(stmt)).all()]

    async def dismiss_notice(self, notice_id: int, now: datetime) -> bool:
        result = await self.session.execute(update(BudgetNotice).where(BudgetNotice.id == notice_id)
                                            .values(dismissed_at=now))
        return bool(result.rowcount)
