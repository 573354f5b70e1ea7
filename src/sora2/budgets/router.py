"""Budgets over REST: the caller's spend and limits; admins set limits per user and for the instance.

A create whose estimate does not fit is refused with 402 and code `budget_exceeded` (see budgets.errors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sora2.budgets.schemas import BudgetIn, BudgetNoticeOut, BudgetOut, BudgetsOut, MyBudgetOut
from sora2.budgets.service import BudgetService, BudgetStatus
from sora2.db.base import INTEGER_ID_MAX, epoch, utcnow
from sora2.deps import AdminUser, CurrentUser, SessionDep
from sora2.errors import NotFound
from sora2.users.repository import UserRepository
from sora2.users.schemas import SuccessMessage

router = APIRouter(prefix="/api", tags=["budgets"])
NoticeId = Annotated[int, Path(ge=1, le=INTEGER_ID_MAX)]


def _out(status: BudgetStatus | None, names: dict[str, str] | None = None) -> BudgetOut | None:
    if status is None:
        return None
    return BudgetOut(**status.public(), username=(names or {}).get(status.user_id or ""))


@router.get("/budget", response_model=MyBudgetOut)
async def my_budget(user: CurrentUser, session: SessionDep) -> MyBudgetOut:
    """The caller's spend this period against their own budget and the instance's."""
    mine, shared = await BudgetService(session).statuses_for(user.id)
    return MyBudgetOut(user=_out(mine), instance=_out(shared))


@router.get("/admin/budgets", response_model=BudgetsOut)
async def all_budgets(_admin: AdminUser, session: SessionDep) -> BudgetsOut:
    """Every budget with this period's spend, and the open 80 % notices (admin only)."""
    service = BudgetService(session)
    statuses = await service.all_statuses()
    names = await service.repo.usernames([s.user_id for s in statuses if s.user_id])
    notices = [BudgetNoticeOut(id=n.id, user_id=n.user_id, username=name, used=n.used, amount=n.amount,
                               percent=round(100 * n.used / n.amount, 1) if n.amount else 100.0,
                               created_at=epoch(n.created_at) or 0)
               for n, name in await service.repo.open_notices()]
    return BudgetsOut(budgets=[_out(s, names) for s in statuses], notices=notices)


@router.put("/admin/budgets/instance", response_model=BudgetOut)
async def set_instance_budget(body: BudgetIn, _admin: AdminUser, session: SessionDep) -> BudgetOut:
    """Set the whole instance's budget (admin only)."""
    service = BudgetService(session)
    budget = await service.set(None, body.amount, body.period, body.period_days)
    return _out(await service.status(budget))


@router.delete("/admin/budgets/instance", response_model=SuccessMessage)
async def remove_instance_budget(_admin: AdminUser, session: SessionDep) -> SuccessMessage:
    """Remove the instance's budget: no shared limit any more (admin only)."""
    await BudgetService(session).remove(None)
    return SuccessMessage(message="Instance budget removed")


@router.put("/admin/users/{user_id}/budget", response_model=BudgetOut)
async def set_user_budget(user_id: str, body: BudgetIn, _admin: AdminUser, session: SessionDep) -> BudgetOut:
    """Set one user's budget (admin only)."""
    user = await UserRepository(session).get(user_id)
    if user is None:
        raise NotFound("User not found")
    service = BudgetService(session)
    budget = await service.set(user.id, body.amount, body.period, body.period_days)
    return _out(await service.status(budget), {user.id: user.username})


@router.delete("/admin/users/{user_id}/budget", response_model=SuccessMessage)
async def remove_user_budget(user_id: str, _admin: AdminUser, session: SessionDep) -> SuccessMessage:
    """Remove one user's budget (admin only)."""
    await BudgetService(session).remove(user_id)
    return SuccessMessage(message="Budget removed")


@router.post("/admin/budget-notices/{notice_id}/dismiss", response_model=SuccessMessage)
async def dismiss_notice(notice_id: NoticeId, _admin: AdminUser, session: SessionDep) -> SuccessMessage:
    """Mark an 80 % notice as seen (admin only)."""
    if not await BudgetService(session).repo.dismiss_notice(notice_id, utcnow()):
        raise NotFound("Notice not found")
    return SuccessMessage(message="Notice dismissed")
