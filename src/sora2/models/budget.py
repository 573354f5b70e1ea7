from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime

INSTANCE_BUDGET = "instance"
MONTH, DAYS = "month", "days"


def user_budget_id(user_id: str) -> str:
    return f"user:{user_id}"


class Budget(TimestampMixin, Base):
    """A spending limit in USD per period: one for the whole instance (id "instance"), one per user at most.

    Spending is never stored here: it is summed from the videos themselves, so it cannot drift. The row is the
    lock that serialises reservations (see budgets.repository.lock)."""

    __tablename__ = "budgets"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), default=None,
                                                index=True)
    amount: Mapped[float] = mapped_column(Float)
    period: Mapped[str] = mapped_column(String(16), default=MONTH)  # month: calendar month (UTC); days: every N days
    period_days: Mapped[int | None] = mapped_column(Integer, default=None)
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime())  # custom periods count from here
    last_reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class BudgetNotice(Base):
    """A user passed 80 % of their budget in one period: admins see it until they dismiss it."""

    __tablename__ = "budget_notices"
    __table_args__ = (UniqueConstraint("user_id", "window_start", name="uq_budget_notices_user_window"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    used: Mapped[float] = mapped_column(Float)
    amount: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
