from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, UTCDateTime, utcnow


class WebhookDelivery(Base):
    """A verified webhook delivery already handled: providers retry deliveries, and a replay must not act twice.

    The key is the provider's idempotency key (OpenRouter: `<job_id>-<status>`); rows older than a week are pruned.
    """

    __tablename__ = "webhook_deliveries"

    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(Text, primary_key=True)  # holds a provider job id
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
