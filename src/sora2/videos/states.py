"""How a video's stored lifecycle reads to its owner: `state` (ours, precise), `status` (the original's four
values, for its clients) and `billing` (whether a provider may have charged for it)."""

from __future__ import annotations

from sora2.models.video import (
    FAILED, OUTCOME_UNKNOWN, QUEUED, SUBMIT_CONFIRMING, SUBMIT_UNCONFIRMED,
)

CANCELLED, CONFIRMING, UNCONFIRMED = "cancelled", "confirming", "unconfirmed"
TERMINAL_STATES = frozenset({"completed", "failed", CANCELLED, UNCONFIRMED})
# What the owner can do next, by state.
RETRYABLE_STATES = frozenset({"failed", CANCELLED, UNCONFIRMED})
CANCELLABLE_STATES = frozenset({"queued", CONFIRMING, "in_progress"})


def public_state(video) -> str:  # noqa: ANN001  (a Video or a row with its attribute names)
    """queued | confirming | in_progress | completed | failed | cancelled | unconfirmed."""
    return state_of(video.status, video.submit_state, cancelled=video.cancelled_at is not None)


def state_of(status: str, submit_state: str, *, cancelled: bool) -> str:
    if cancelled:
        return CANCELLED
    if submit_state == SUBMIT_CONFIRMING:
        return CONFIRMING
    if submit_state == SUBMIT_UNCONFIRMED:
        return UNCONFIRMED
    return status


def compat_status(state: str) -> str:
    """The original's clients know four statuses; ours read `state`."""
    if state == CONFIRMING:
        return QUEUED
    if state in (CANCELLED, UNCONFIRMED):
        return FAILED
    return state


def billing(video) -> str:  # noqa: ANN001
    """none: no provider ever accepted it; possible: a create was sent and its outcome is unknown; charged: a
    provider accepted it (an emulated job costs nothing all the same)."""
    if video.provider_video_id:
        return "charged"
    return "possible" if video.submit_state in OUTCOME_UNKNOWN else "none"


def is_terminal(state: str) -> bool:
    return state in TERMINAL_STATES
