from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime


class User(TimestampMixin, Base):
    __tablename__ = "users"

    # String ids keep the original's `user_1` style ids valid after an import of users.json.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sign-ins issued before this instant are over (set when the password changes), except the one session that
    # made the change: the SHA-256 of its token.
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    kept_session: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
