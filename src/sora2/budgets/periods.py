"""Budget periods: a calendar month in UTC, or every N days counted from the budget's anchor."""

from __future__ import annotations

from datetime import datetime, timedelta

from sora2.models.budget import MONTH, Budget


def current_window(budget: Budget, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the period `now` falls in; spending resets at `end`."""
    if budget.period == MONTH:
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=32)).replace(day=1)
        return start, end
    length = timedelta(days=budget.period_days or 30)
    elapsed = now - budget.anchor_at
    start = budget.anchor_at + length * (elapsed // length)
    return start, start + length


def describe_period(period: str, period_days: int | None) -> str:
    if period == MONTH:
        return "monthly"
    days = period_days or 30
    return "daily" if days == 1 else "weekly" if days == 7 else f"{days}-day"
