from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One security-relevant event. No foreign keys: entries outlive the users and tokens they name, so names are
    copied in. Written through sora2.audit.record only."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target_at", "target", "at"),  # "failed sign-ins on my account since …"
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    actor_name: Mapped[str | None] = mapped_column(String(64), default=None)
    # "user:<id>", "token:<id>", "video:<id>", or "username:<name>" for a sign-in to an account that does not exist
    target: Mapped[str | None] = mapped_column(String(160), default=None)
    target_name: Mapped[str | None] = mapped_column(String(160), default=None)
    address: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[dict | None] = mapped_column(JSON, default=None)
