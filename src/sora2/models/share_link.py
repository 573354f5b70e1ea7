from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime


class ShareLink(TimestampMixin, Base):
    """A public, read-only link to one video or one collection. The token is the secret in the URL (256 random
    bits, stored as is: a link must be shown again to its owner); revoking stamps revoked_at, so the owner's list
    still says what existed while the link answers 404 from that moment on."""

    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    video_id: Mapped[str | None] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), default=None,
                                                 index=True)
    collection_id: Mapped[str | None] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"),
                                                      default=None, index=True)
    title: Mapped[str | None] = mapped_column(String(120), default=None)
    show_prompt: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
