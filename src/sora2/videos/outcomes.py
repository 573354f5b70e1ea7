"""What an owner decides about a job: cancel it, dismiss an unconfirmed one, or make it again (retry, edit &
retry, resubmit). Each is an explicit request; nothing here happens on its own. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sora2.auth.principal import Principal as User
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest
from sora2.events import JobsChanged, LibraryChanged, VideoUpdated
from sora2.media import MediaNotFound
from sora2.media.store.keys import reference_key
from sora2.models import Video
from sora2.models.video import FAILED, SUBMIT_DISMISSED, SUBMIT_PENDING, SUBMIT_UNCONFIRMED
from sora2.tracker.jobs import reference_frames
from sora2.videos.money import is_simulated
from sora2.videos.service import CreateParams, VideoService
from sora2.videos.states import (
    CANCELLABLE_STATES, RETRYABLE_STATES, billing, compat_status, public_state,
)

NOT_SENT_CANCEL = "Cancelled before it was sent to the provider: nothing was charged."
ACCEPTED_CANCEL = "Cancelled. The provider had already accepted this job, so it may still charge for it."
EMULATED_CANCEL = "Cancelled. The emulator simulated this job: nothing was charged."
UNKNOWN_CANCEL = ("Cancelled. The create request may have reached the provider; if it did, the job is stopped as "
                  "soon as it is found, and the provider may charge for it.")
DISMISSED = ("Dismissed. The provider never confirmed this job, so it may have been charged; it was not "
             "resubmitted.")
RESUBMITTED = ("Resubmitted as a new video. The provider never confirmed this one, so it may have been charged "
               "too.")
EDITABLE = ("prompt", "model", "size", "seconds", "aspect_ratio", "resolution", "seed", "negative_prompt",
            "generate_audio")


@dataclass
class RetryChanges:
    """Fields an edit & retry may change; None keeps the old video's value."""

    prompt: object = None
    model: str | None = None
    size: str | None = None
    seconds: object = None
    aspect_ratio: object = None
    resolution: object = None
    seed: object = None
    negative_prompt: object = None
    generate_audio: object = None

    def changed(self) -> dict:
        return {name: getattr(self, name) for name in EDITABLE if getattr(self, name) is not None}


class OutcomeService:
    def __init__(self, videos: VideoService) -> None:
        self.videos = videos
        self.session = videos.session

    def _announce(self, video: Video, fields: dict) -> None:
        queue_event(self.session, VideoUpdated(user_id=video.user_id, video_id=video.id, updates=fields,
                                               terminal=True))
        queue_event(self.session, LibraryChanged(user_id=video.user_id))

    async def cancel(self, user: User, video_id: str) -> Video:
        """Stop a queued or running job. What was sent decides what the owner is told it may cost."""
        video = await self.videos.get_owned(user, video_id)
        state = public_state(video)
        if state not in CANCELLABLE_STATES:
            raise BadRequest(f"Only a queued or running video can be cancelled; this one is {state}",
                             code="not_cancellable")
        now = utcnow()
        video.cancelled_at = now
        if video.submit_state == SUBMIT_PENDING:  # a create racing with this is stopped by the tracker
            video.status, video.error_message, video.next_check_at = FAILED, NOT_SENT_CANCEL, None
        else:  # the tracker stops the provider job (once its id is known), then tracks it no more
            video.error_message = _cancelled_after_sending(video)
            video.next_check_at = now
            queue_event(self.session, JobsChanged())
        self._announce(video, {"state": "cancelled", "status": compat_status("cancelled"), "billing": billing(video),
                               "error_message": video.error_message, "estimated_completion_at": None})
        return video

    async def dismiss(self, user: User, video_id: str) -> Video:
        """The owner accepts that an unconfirmed job may have been charged and wants nothing resubmitted."""
        video = await self.videos.get_owned(user, video_id)
        if video.submit_state != SUBMIT_UNCONFIRMED:
            raise BadRequest("Only an unconfirmed video can be dismissed", code="not_unconfirmed")
        video.submit_state, video.error_message = SUBMIT_DISMISSED, DISMISSED
        self._announce(video, {"state": public_state(video), "status": video.status,
                               "error_message": video.error_message})
        return video

    async def retry(self, user: User, video_id: str, changes: RetryChanges, idempotency_key: str | None) -> Video:
        """A new job made from an old one (failed, cancelled or unconfirmed), with any edited fields, linked to it.
        A remix or a continuation is made again from its original."""
        old = await self.videos.get_owned(user, video_id)
        state = public_state(old)
        if state not in RETRYABLE_STATES:
            raise BadRequest(f"Only a failed, cancelled or unconfirmed video can be retried; this one is {state}",
                             code="not_retryable")
        if idempotency_key and (existing := await self.videos.repo.by_idempotency_key(user.id, idempotency_key)):
            return existing
        edits = changes.changed()
        prompt = edits.get("prompt", old.prompt)
        if (old.provider_metadata or {}).get("remix_source") is not None:
            self._only(edits, ("prompt",), "a remix")
            if old.remix_of is None:
                raise BadRequest("The video this remix was made from no longer exists", code="original_gone")
            video = await self.videos.remix(user, old.remix_of, prompt, idempotency_key)
        elif old.continued_from is not None:
            self._only(edits, ("prompt", "model", "seconds"), "a continuation")
            video = await self.videos.continue_from(user, old.continued_from, prompt, edits.get("model"),
                                                    edits.get("seconds", old.seconds), idempotency_key)
        else:
            video = await self.videos.create(user, await self._create_params(old, edits, idempotency_key))
        video.retry_of = old.id
        if old.submit_state == SUBMIT_UNCONFIRMED:  # the owner decided: resubmitted, so no longer an open question
            old.submit_state, old.error_message = SUBMIT_DISMISSED, RESUBMITTED
            self._announce(old, {"state": public_state(old), "error_message": old.error_message})
        return video

    @staticmethod
    def _only(edits: dict, allowed: tuple[str, ...], what: str) -> None:
        extra = sorted(set(edits) - set(allowed))
        if extra:
            raise BadRequest(f"Retrying {what} can change only {', '.join(allowed)}; not {', '.join(extra)}",
                             code="invalid_field")

    async def _create_params(self, old: Video, edits: dict, idempotency_key: str | None) -> CreateParams:
        options = (old.provider_metadata or {}).get("options") or {}
        shape_edited = any(name in edits for name in ("size", "aspect_ratio", "resolution", "model"))
        base = CreateParams(
            prompt=old.prompt, model=old.model,
            provider=old.provider if "model" not in edits and old.provider in self.videos.providers else None,
            size=None if shape_edited else old.size, seconds=old.seconds, idempotency_key=idempotency_key,
            aspect_ratio=None if shape_edited else options.get("aspect_ratio"),
            resolution=None if shape_edited else options.get("resolution"), seed=options.get("seed"),
            negative_prompt=options.get("negative_prompt"), generate_audio=options.get("generate_audio"))
        params = replace(base, **edits)
        first, last = await self._references(old)
        # The stored references were fitted to the old size: pad them again if the shape changed.
        return replace(params, image=first, last_image=last, image_fit="pad" if shape_edited else "none")

    async def _references(self, old: Video) -> tuple[bytes | None, bytes | None]:
        first, last = reference_frames(old.reference_images)
        store = self.videos.storage

        async def read(name: str | None) -> bytes | None:
            if name is None:
                return None
            try:
                return await store.read_bytes(reference_key(name))
            except MediaNotFound:
                return None  # the file is gone: retry without it rather than refuse

        return await read(first), await read(last)


def _cancelled_after_sending(video: Video) -> str:
    if is_simulated(video):
        return EMULATED_CANCEL
    return ACCEPTED_CANCEL if video.provider_video_id else UNKNOWN_CANCEL
