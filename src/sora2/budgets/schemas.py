from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class BudgetIn(BaseModel):
    amount: float = Field(ge=0, le=1_000_000, description="USD per period")
    period: Literal["month", "days"] = "month"
    period_days: int | None = Field(None, ge=1, le=366, description="with period=days: the period's length")


class BudgetOut(BaseModel):
    scope: Literal["user", "instance"]
    user_id: str | None
    username: str | None = None
    amount: float
    period: str
    period_days: int | None
    period_label: str = Field(description="monthly, weekly, daily or N-day")
    used: float = Field(description="spent plus reserved by jobs in flight, this period (USD)")
    reserved: float = Field(description="the part of `used` that jobs in flight reserve at their estimate")
    remaining: float
    percent: float
    window_start: int
    resets_at: int = Field(description="epoch seconds when this period ends and spending starts from zero")


class MyBudgetOut(BaseModel):
    """The caller's limits: their own budget and the instance's shared one (null where none is set)."""

    user: BudgetOut | None
    instance: BudgetOut | None


class BudgetNoticeOut(BaseModel):
    id: int
    user_id: str
    username: str
    used: float
    amount: float
    percent: float
    created_at: int


class BudgetsOut(BaseModel):
    budgets: list[BudgetOut]
    notices: list[BudgetNoticeOut]
