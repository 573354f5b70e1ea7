from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin


class Preset(TimestampMixin, Base):
    """A named set of create settings and an optional prompt prefix/suffix (a "style").

    Each user has their own; a preset with `shared` set was published by an admin and is offered to everyone.
    `settings` holds the create fields it fixes (provider, model, size, seconds, aspect_ratio, resolution, seed,
    negative_prompt, generate_audio), only those given.
    """

    __tablename__ = "presets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    shared: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    prompt_prefix: Mapped[str | None] = mapped_column(Text, default=None)
    prompt_suffix: Mapped[str | None] = mapped_column(Text, default=None)
