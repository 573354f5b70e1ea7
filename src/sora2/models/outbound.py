"""Outbound webhooks: endpoints people register, the events they hear (an outbox), deliveries and attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class OutboundEndpoint(TimestampMixin, Base):
    """An HTTPS URL that hears video events: its owner's, or everyone's when an admin made it instance-wide."""

    __tablename__ = "outbound_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instance_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(80))  # whsec_…: Standard Webhooks signing key
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboundEvent(Base):
    """One event about one video, written once (unique per video and type): its id is the `webhook-id` every
    endpoint and every retry sees, so receivers can drop repeats."""

    __tablename__ = "outbound_events"
    __table_args__ = (UniqueConstraint("video_id", "type", name="uq_outbound_events_video_type"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    video_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class OutboundDelivery(Base):
    """One event to one endpoint: retried with backoff until acknowledged (2xx) or a day has passed. Leased while
    an instance sends it, so two instances never send the same attempt."""

    __tablename__ = "outbound_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id", name="uq_outbound_deliveries_event_endpoint"),
        Index("ix_outbound_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("outbound_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("outbound_endpoints.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(128), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    resend: Mapped[bool] = mapped_column(Boolean, default=False)  # the next attempt is a "resend" someone asked for
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboundAttempt(Base):
    """The delivery log: every request sent, with what came back."""

    __tablename__ = "outbound_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("outbound_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)  # a "resend" someone asked for
