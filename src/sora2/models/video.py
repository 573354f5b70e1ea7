from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin, UTCDateTime

# Generation status as the original clients know it.
QUEUED, IN_PROGRESS, COMPLETED, FAILED = "queued", "in_progress", "completed", "failed"
ACTIVE_STATUSES = (QUEUED, IN_PROGRESS)

# Submission state (docs/architecture.md has the diagram): a paid job is recorded as intent (pending) before the
# provider call, marked submitting while the call is in flight, and submitted once the provider's job id is stored.
# A create whose outcome is unknown (sent, then no answer; or the instance died during the call) is confirming while
# the tracker reconciles it with the provider, and unconfirmed when that failed: it may have been charged, and only
# its owner decides what happens next (resubmit, or dismiss).
SUBMIT_PENDING, SUBMIT_SUBMITTING, SUBMIT_SUBMITTED = "pending", "submitting", "submitted"
SUBMIT_CONFIRMING, SUBMIT_UNCONFIRMED, SUBMIT_DISMISSED = "confirming", "unconfirmed", "dismissed"
# A create may have reached the provider, but no job id is known.
OUTCOME_UNKNOWN = (SUBMIT_SUBMITTING, SUBMIT_CONFIRMING, SUBMIT_UNCONFIRMED, SUBMIT_DISMISSED)

# Download state is separate from generation: a failed download never fails a completed generation.
DL_PENDING, DL_DONE, DL_FAILED, DL_EXPIRED = "pending", "done", "failed", "expired"


class Video(TimestampMixin, Base):
    __tablename__ = "videos"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_videos_user_idempotency"),
        Index("ix_videos_user_created", "user_id", "created_at"),
        Index("ix_videos_due", "status", "next_check_at"),
        # Webhooks find jobs by provider id; unique, so two rows can never adopt the same paid job.
        Index("ix_videos_provider_job", "provider", "provider_video_id", unique=True),
        Index("ix_videos_user_favourite", "user_id", "favourite"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    # Provider ids are opaque and can be long (LiteLLM's run to hundreds of characters): unbounded text.
    provider_video_id: Mapped[str | None] = mapped_column(Text, default=None)
    model: Mapped[str] = mapped_column(String(128))
    # The original's model id a request named when `model` stood in for it (providers.aliases), else None.
    requested_model: Mapped[str | None] = mapped_column(String(128), default=None)
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
    # The failed, cancelled or unconfirmed video this one was made again from (an explicit retry).
    retry_of: Mapped[str | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"), default=None)
    # Provider-side id of the video to extend natively (when the provider can), else None.
    extend_of_provider_id: Mapped[str | None] = mapped_column(Text, default=None)
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
    # When the latest create request started: reconciliation looks for a job made after it.
    create_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The owner cancelled: the tracker stops the provider job (once its id is known) and tracks nothing more.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
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
