from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime

# Generation status as the original clients know it.
QUEUED, IN_PROGRESS, COMPLETED, FAILED = "queued", "in_progress", "completed", "failed"
ACTIVE_STATUSES = (QUEUED, IN_PROGRESS)

# Submission state: a paid job is recorded as intent (pending) before the provider call, marked
# submitting while the call is in flight, and submitted once the provider's job id is stored.
SUBMIT_PENDING, SUBMIT_SUBMITTING, SUBMIT_SUBMITTED = "pending", "submitting", "submitted"

# Download state is separate from generation: a failed download never fails a completed generation.
DL_PENDING, DL_DONE, DL_FAILED, DL_EXPIRED = "pending", "done", "failed", "expired"


class Video(TimestampMixin, Base):
    __tablename__ = "videos"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_videos_user_idempotency"),
        Index("ix_videos_user_created", "user_id", "created_at"),
        Index("ix_videos_due", "status", "next_check_at"),
        Index("ix_videos_provider_job", "provider", "provider_video_id"),  # webhooks find jobs by provider id
        Index("ix_videos_user_favourite", "user_id", "favourite"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    provider_video_id: Mapped[str | None] = mapped_column(String(255), default=None)
    model: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[str] = mapped_column(Text)
    size: Mapped[str] = mapped_column(String(32))
    seconds: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    has_input_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    has_audio: Mapped[bool] = mapped_column(Boolean, default=False)
    remix_of: Mapped[str | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"), default=None)
    continued_from: Mapped[str | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"), default=None)
    # Provider-side id of the video to extend natively (when the provider can), else None.
    extend_of_provider_id: Mapped[str | None] = mapped_column(String(255), default=None)
    reference_images: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    actual_cost: Mapped[float | None] = mapped_column(Float, default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), default=None)
    provider_metadata: Mapped[dict | None] = mapped_column(JSON, default=None)

    # organising (issue #11): the owner's star, and the variations submitted together share a batch id
    favourite: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    batch_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)

    # job bookkeeping
    submit_state: Mapped[str] = mapped_column(String(16), default=SUBMIT_PENDING)
    submit_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    check_errors: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The last poll at which progress moved: the completion estimate extrapolates from it.
    progress_ref_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    progress_ref_value: Mapped[int | None] = mapped_column(Integer, default=None)
    provider_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # When the tracker expects a running job to finish (its estimate, or how long such jobs take): clients move
    # the progress bar between provider readings, which can be far apart.
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(128), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    # files
    download_state: Mapped[str | None] = mapped_column(String(16), default=None)
    download_attempts: Mapped[int] = mapped_column(Integer, default=0)
    download_error: Mapped[str | None] = mapped_column(Text, default=None)
    file_name: Mapped[str | None] = mapped_column(String(255), default=None)
    thumbnail_name: Mapped[str | None] = mapped_column(String(255), default=None)
    spritesheet_name: Mapped[str | None] = mapped_column(String(255), default=None)
    sprite: Mapped[dict | None] = mapped_column(JSON, default=None)
    file_size: Mapped[int | None] = mapped_column(Integer, default=None)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
