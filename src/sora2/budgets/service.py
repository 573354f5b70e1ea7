"""Budget use cases: setting limits, reporting spend, and `reserve`, which every paid create goes through.

`reserve(session, user_id, amount, count=1)` is the one call a new kind of paid job (retry, variation batch…)
needs: call it in the request's transaction right before inserting the video rows (their `cost` is the
reservation); it raises BudgetExceeded, or holds the budgets' row locks until the transaction ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.budgets.errors import BudgetExceeded
from sora2.budgets.periods import current_window, describe_period
from sora2.budgets.repository import BudgetRepository
from sora2.db.base import epoch, utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest, NotFound
from sora2.events import BudgetNoticeRaised
from sora2.models import Budget, BudgetNotice
from sora2.models.budget import DAYS, INSTANCE_BUDGET, MONTH, user_budget_id

NOTICE_SHARE = 0.8  # admins hear when a user's spending passes this share of their budget
CENT = 0.005  # money is compared to the cent: float sums must not refuse a job that fits exactly
MAX_AMOUNT = 1_000_000.0


@dataclass
class BudgetStatus:
    scope: str  # "user" or "instance"
    user_id: str | None
    amount: float
    period: str
    period_days: int | None
    window_start: datetime
    resets_at: datetime
    used: float
    reserved: float

    @property
    def remaining(self) -> float:
        return max(0.0, round(self.amount - self.used, 2))

    @property
    def label(self) -> str:
        return describe_period(self.period, self.period_days)

    def public(self) -> dict:
        return {"scope": self.scope, "user_id": self.user_id, "amount": round(self.amount, 2),
                "period": self.period, "period_days": self.period_days, "period_label": self.label,
                "used": round(self.used, 2), "reserved": round(self.reserved, 2), "remaining": self.remaining,
                "percent": round(100 * self.used / self.amount, 1) if self.amount else 100.0,
                "window_start": epoch(self.window_start), "resets_at": epoch(self.resets_at)}


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _refusal(status: BudgetStatus, total: float, count: int) -> BudgetExceeded:
    what = "This video is" if count == 1 else f"These {count} videos are"
    whose = "your" if status.scope == "user" else "the studio's shared"
    resets = status.resets_at.strftime("%Y-%m-%d %H:%M UTC")
    message = (f"Budget exceeded: {what} estimated at {_money(total)}, but only {_money(status.remaining)} of "
               f"{whose} {status.label} budget of {_money(status.amount)} is left. It resets on {resets}.")
    return BudgetExceeded(message, {**status.public(), "requested": round(total, 2)})


class BudgetService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = BudgetRepository(session)

    # --- reading ---------------------------------------------------------------------------------------

    async def status(self, budget: Budget, now: datetime | None = None) -> BudgetStatus:
        now = now or utcnow()
        start, end = current_window(budget, now)
        used, reserved = await self.repo.usage(budget.user_id, start, end)
        return BudgetStatus(scope="instance" if budget.user_id is None else "user", user_id=budget.user_id,
                            amount=budget.amount, period=budget.period, period_days=budget.period_days,
                            window_start=start, resets_at=end, used=used, reserved=reserved)

    async def statuses_for(self, user_id: str) -> tuple[BudgetStatus | None, BudgetStatus | None]:
        """(the user's own budget, the instance's), each None when not set."""
        mine = await self.repo.get(user_budget_id(user_id))
        shared = await self.repo.get(INSTANCE_BUDGET)
        return (await self.status(mine) if mine else None), (await self.status(shared) if shared else None)

    async def all_statuses(self) -> list[BudgetStatus]:
        now = utcnow()
        return [await self.status(budget, now) for budget in await self.repo.all()]

    # --- setting ---------------------------------------------------------------------------------------

    async def set(self, user_id: str | None, amount: float, period: str = MONTH,
                  period_days: int | None = None) -> Budget:
        """Set (or replace) a user's budget, or the instance's when user_id is None. A new custom period starts
        counting now; changing only the amount keeps the period where it is."""
        amount, period_days = _validated(amount, period, period_days)
        budget_id = INSTANCE_BUDGET if user_id is None else user_budget_id(user_id)
        budget = await self.repo.get(budget_id)
        if budget is None:
            budget = Budget(id=budget_id, user_id=user_id, anchor_at=utcnow())
            self.session.add(budget)
        elif (budget.period, budget.period_days) != (period, period_days):
            budget.anchor_at = utcnow()
        budget.amount, budget.period, budget.period_days = amount, period, period_days
        await self.session.flush()
        return budget

    async def remove(self, user_id: str | None) -> None:
        budget_id = INSTANCE_BUDGET if user_id is None else user_budget_id(user_id)
        if not await self.repo.remove(budget_id):
            raise NotFound("No budget is set there")

    # --- reserving -------------------------------------------------------------------------------------

    async def reserve(self, user_id: str, amount: float, count: int = 1) -> None:
        total = round(max(0.0, amount) * max(1, count), 4)
        if total <= 0:
            return  # free jobs (the emulator) never need a lock
        now = utcnow()
        # Always instance first, then the user: two reservations never wait on each other in opposite orders.
        for budget_id in (INSTANCE_BUDGET, user_budget_id(user_id)):
            budget = await self.repo.get(budget_id)
            if budget is None:
                continue
            await self.repo.lock(budget_id, now)
            await self.session.refresh(budget)  # the limit as committed by whoever held the lock before us
            status = await self.status(budget, now)
            if status.used + total > budget.amount + CENT:
                raise _refusal(status, total, count)
            if budget.user_id is not None:
                await self._maybe_notice(budget, status, status.used + total)

    async def _maybe_notice(self, budget: Budget, status: BudgetStatus, used_after: float) -> None:
        if used_after < NOTICE_SHARE * budget.amount:
            return
        notice = BudgetNotice(user_id=budget.user_id, window_start=status.window_start, used=round(used_after, 2),
                              amount=budget.amount, created_at=utcnow())
        if await self.repo.add_notice_once(notice):
            names = await self.repo.usernames([budget.user_id])
            queue_event(self.session, BudgetNoticeRaised(
                user_id=budget.user_id, username=names.get(budget.user_id, budget.user_id),
                used=notice.used, amount=budget.amount, resets_at=epoch(status.resets_at) or 0))


def _validated(amount: object, period: str, period_days: int | None) -> tuple[float, int | None]:
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not 0 <= amount <= MAX_AMOUNT:
        raise BadRequest(f"A budget is an amount in USD between 0 and {MAX_AMOUNT:,.0f}", code="invalid_budget")
    if period == MONTH:
        return round(float(amount), 2), None
    if period != DAYS:
        raise BadRequest("period must be 'month' or 'days'", code="invalid_budget")
    if not isinstance(period_days, int) or not 1 <= period_days <= 366:
        raise BadRequest("period_days must be between 1 and 366", code="invalid_budget")
    return round(float(amount), 2), period_days


async def reserve(session: AsyncSession, user_id: str, amount: float, count: int = 1) -> None:
    """Refuse (BudgetExceeded, 402 `budget_exceeded`) unless `count` jobs estimated at `amount` USD each fit in
    what is left of the user's and the instance's budgets; else hold their locks until the transaction ends."""
    await BudgetService(session).reserve(user_id, amount, count)
