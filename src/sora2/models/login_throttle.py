from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, UTCDateTime


class LoginThrottle(Base):
    """Sign-in attempts counted per key (a hash of account + client address, or of the address) in a window that
    starts at the first attempt. Shared by every instance when Redis is not configured (sora2.auth.throttle)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
