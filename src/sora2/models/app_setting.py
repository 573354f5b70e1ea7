from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, UTCDateTime, utcnow


class AppSetting(Base):
    """A platform setting an admin changes at runtime (shared by every instance through the database).

    Keys in use: `providers.default` ({"provider", "model"}), `providers.disabled` (ids of providers configured
    by environment that an admin turned off), `providers.version` (bumped on every provider change, so every
    instance notices it even without Redis).
    """

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
