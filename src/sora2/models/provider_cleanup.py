from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, UTCDateTime, utcnow


class ProviderCleanup(Base):
    """A tombstone: a video row was deleted while the provider may still hold (or be making) its paid job.

    The tracker works through these like jobs (leased, retried with backoff): once the job id is known it deletes
    or cancels the job at the provider; while it is not (the create was in flight or its answer was lost), it
    reconciles the create from `request` first. A tombstone is removed when the provider side is settled.
    """

    __tablename__ = "provider_cleanups"
    __table_args__ = (Index("ix_provider_cleanups_due", "next_check_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    video_id: Mapped[str] = mapped_column(String(36), index=True)  # no foreign key: the row is gone
    provider: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[str | None] = mapped_column(Text, default=None)
    # What the create sent (model, prompt, size, seconds, idempotency key, remix source): enough to find the job.
    request: Mapped[dict | None] = mapped_column(JSON, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(128), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
