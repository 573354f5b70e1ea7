"""Video use cases: create, remix, continue, delete, retry, stats. Services flush; the caller commits."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.budgets.service import reserve
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.events import JobsChanged, LibraryChanged, VideoUpdated
from sora2.media import MediaError, MediaStore, StoreUnavailable
from sora2.media.store.keys import reference_key, reference_name, video_key
from sora2.auth.principal import Principal as User
from sora2.models import Video
from sora2.models.video import (
    COMPLETED, DL_DONE, DL_EXPIRED, DL_FAILED, DL_PENDING, OUTCOME_UNKNOWN, SUBMIT_SUBMITTING, SUBMIT_CONFIRMING,
)
from sora2.providers.aliases import substitute
from sora2.providers.base import ModelCapabilities, Provider
from sora2.providers.registry import ProviderRegistry
from sora2.tracker.jobs import request_snapshot
from sora2.tracker.repository import CleanupRepository
from sora2.videos.options import Shape, generation_options, resolve_shape, stored_options
from sora2.videos.substitution import fitted_request
from sora2.videos.repository import VideoRepository

DEFAULT_MODEL = "sora-2"  # the original's default; sora-2 itself defaults to 1280x720 and "8" seconds
MAX_PROMPT = 10_000
# A create in flight when its video is deleted may still answer until the provider call times out; its tombstone
# searches the provider only after that, and a little more (lease renewals, clocks).
IN_FLIGHT_MARGIN_SECONDS = 15.0


@dataclass
class CreateParams:
    prompt: object
    model: str | None = None
    size: str | None = None
    seconds: object = None
    provider: str | None = None
    image: bytes | None = None
    image_fit: str = "pad"
    idempotency_key: str | None = None
    aspect_ratio: object = None  # with resolution: the shape for models described that way (see videos.options)
    resolution: object = None
    last_image: bytes | None = None  # pins the last frame (models whose frame_images include last_frame)
    seed: object = None
    negative_prompt: object = None
    generate_audio: object = None
    preset_id: str | None = None  # fills the fields not given and wraps the prompt (see presets.service)
    count: object = None  # variations, for POST /api/videos/batch only


@dataclass(frozen=True)
class CreatePlan:
    provider: Provider
    capabilities: ModelCapabilities
    shape: Shape
    seconds: str
    options: dict
    substitution: dict | None = None  # how one of the original's model ids was fitted to the configured one

    @property
    def cost(self) -> float:
        return self.capabilities.price(self.shape.size, self.seconds, self.shape.resolution)


def _clean_prompt(prompt: object) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise BadRequest("Prompt is required", code="prompt_required")
    if len(prompt) > MAX_PROMPT:
        raise BadRequest(f"Prompt is too long ({len(prompt)} characters; at most {MAX_PROMPT})")
    return prompt.strip()


def _clean_seconds(seconds: object, default: str) -> str:
    if seconds is None or seconds == "":
        return default
    if isinstance(seconds, bool) or not isinstance(seconds, int | str):
        raise BadRequest("seconds must be a string such as \"8\"", code="invalid_seconds")
    return str(seconds).strip()


def validate_against(capabilities: ModelCapabilities, size: str, seconds: str) -> None:
    if size not in capabilities.sizes:
        raise BadRequest(f"Size {size!r} is not supported by {capabilities.id}. Allowed: "
                         f"{', '.join(capabilities.sizes)}", code="invalid_size")
    if seconds not in capabilities.durations:
        raise BadRequest(f"Duration {seconds!r} is not supported by {capabilities.id}. Allowed: "
                         f"{', '.join(capabilities.durations)}", code="invalid_seconds")


def dimensions(size: str) -> tuple[int, int]:
    width, height = size.lower().split("x")
    return int(width), int(height)


class VideoService:
    def __init__(self, session: AsyncSession, providers: ProviderRegistry, storage: MediaStore) -> None:
        self.session = session
        self.repo = VideoRepository(session)
        self.providers = providers
        self.storage = storage

    # --- reads ---------------------------------------------------------------------------------------

    async def get_owned(self, user: User, video_id: str) -> Video:
        video = await self.repo.get(video_id)
        if video is None:
            raise NotFound("Video not found")
        if video.user_id != user.id:
            raise Forbidden("Not authorized")
        return video

    # --- create --------------------------------------------------------------------------------------

    async def create(self, user: User, params: CreateParams) -> Video:
        if params.idempotency_key:
            existing = await self.repo.by_idempotency_key(user.id, params.idempotency_key)
            if existing is not None:
                return existing
        return await self._enqueue(await self.prepare(user, await self.with_preset(user, params)))

    async def with_preset(self, user: User, params: CreateParams) -> CreateParams:
        if not params.preset_id:
            return params
        from sora2.presets.service import PresetService  # presets build on videos, not the other way round

        return await PresetService(self.session, self.providers).apply(user, params.preset_id, params)

    async def prepare(self, user: User, params: CreateParams) -> Video:
        """A checked, not yet stored video for `params`, with its reference images written."""
        prompt = _clean_prompt(params.prompt)
        plan = self.plan(params)
        capabilities = plan.capabilities
        if params.last_image is not None and "last_frame" not in capabilities.frame_images:
            if plan.substitution is None:
                raise BadRequest(f"{capabilities.id} does not take a last frame", code="no_last_frame")
            params.last_image = None  # the stand-in model takes no last frame: recorded, not refused
            plan.substitution["dropped"] = [*plan.substitution.get("dropped", []), "last_frame"]
        video = self._new_video(user, plan.provider, capabilities, prompt, plan.shape.size, plan.seconds,
                                params.idempotency_key)
        self._apply_options(video, capabilities, plan.shape, plan.options)
        if plan.substitution is not None:
            video.provider_metadata = {**(video.provider_metadata or {}), "substitution": plan.substitution}
            video.requested_model = params.model
        if params.image is not None:
            await self._attach_reference(video, capabilities, params.image, params.image_fit)
        if params.last_image is not None:
            await self._attach_reference(video, capabilities, params.last_image, params.image_fit, kind="last")
        return video

    def plan(self, params: CreateParams) -> CreatePlan:
        """Which provider and model a create goes to, with its checked shape, duration and options. One of the
        original's model ids stands in for its nearest configured model, with its size and duration fitted."""
        provider, capabilities, substituted = self._pick_model(params.provider, params.model)
        size, seconds, knobs = params.size, params.seconds, {
            "aspect_ratio": params.aspect_ratio, "resolution": params.resolution, "seed": params.seed,
            "negative_prompt": params.negative_prompt, "generate_audio": params.generate_audio}
        record = None
        if substituted:
            size, seconds, knobs, record = fitted_request(capabilities, params.model or "", size, seconds, knobs)
        shape = resolve_shape(capabilities, size, knobs.get("aspect_ratio"), knobs.get("resolution"))
        seconds = _clean_seconds(seconds, capabilities.default_duration)
        validate_against(capabilities, shape.size, seconds)
        options = generation_options(capabilities, seed=knobs.get("seed"), negative_prompt=knobs.get("negative_prompt"),
                                     generate_audio=knobs.get("generate_audio"))
        return CreatePlan(provider, capabilities, shape, seconds, options, record)

    @staticmethod
    def _apply_options(video: Video, capabilities: ModelCapabilities, shape: Shape, options: dict) -> None:
        stored = stored_options(shape, options)
        if stored:
            video.provider_metadata = {**(video.provider_metadata or {}), "options": stored}
        video.cost = capabilities.price(shape.size, video.seconds, shape.resolution)
        if options.get("generate_audio") is False:
            video.has_audio = False

    def _pick_model(self, provider_id: str | None,
                    model: str | None) -> tuple[Provider, ModelCapabilities, bool]:
        """The provider and model, and whether the model stands in for one of the original's model ids."""
        if model is None:
            if self.providers.default_choice is None:
                # The original defaulted to sora-2; keep that where a provider offers it.
                try:
                    return *self.providers.resolve(provider_id, DEFAULT_MODEL), False
                except BadRequest:
                    pass
            return *self.providers.resolve(provider_id, None), False
        try:
            return *self.providers.resolve(provider_id, model), False
        except BadRequest as exc:
            stand_in = substitute(self.providers, provider_id, model) if exc.code == "unknown_model" else None
            if stand_in is None:
                raise
            return *stand_in, True

    def _new_video(self, user: User, provider: Provider, capabilities: ModelCapabilities, prompt: str,
                   size: str, seconds: str, idempotency_key: str | None) -> Video:
        return Video(
            id=str(uuid.uuid4()), user_id=user.id, provider=provider.info.id, model=capabilities.id,
            prompt=prompt, size=size, seconds=seconds, status="queued", progress=0,
            cost=capabilities.price(size, seconds), has_audio=capabilities.audio,
            idempotency_key=idempotency_key, created_at=utcnow(),
        )

    async def _attach_reference(self, video: Video, capabilities: ModelCapabilities, image: bytes,
                                fit: str, kind: Literal["first", "last"] = "first") -> None:
        if kind == "first" and not capabilities.image_reference:
            raise BadRequest(f"{capabilities.id} does not accept an image reference", code="no_image_reference")
        if fit not in ("pad", "crop", "none"):
            raise BadRequest("image_fit must be 'pad', 'crop' or 'none'", code="invalid_image_fit")
        width, height = dimensions(video.size)
        from sora2.media import fit_image, image_size  # Pillow and numpy load on first use (sora2.media)

        try:
            if fit == "none" and (actual := image_size(image)) != (width, height):
                raise BadRequest(f"Reference image is {actual[0]}x{actual[1]} but the video is {video.size}; "
                                 "send an image of exactly that size, or use image_fit=pad or crop",
                                 code="image_size_mismatch")
            fitted = await asyncio.to_thread(fit_image, image, width, height, "pad" if fit == "none" else fit)
        except MediaError as exc:
            raise BadRequest(str(exc), code="invalid_image") from None
        name = reference_name(video.id, kind)
        await self.storage.put_bytes(reference_key(name), fitted)
        video.reference_images = [*(video.reference_images or []), name]
        video.has_input_reference = True

    async def enqueue(self, video: Video) -> Video:
        return await self._enqueue(video)

    async def _enqueue(self, video: Video) -> Video:
        emulated = self.providers.get(video.provider).info.emulated
        await reserve(self.session, video.user_id, 0.0 if emulated else video.cost)  # the last step before insert
        video.next_check_at = utcnow()
        stored = await self.repo.add_once(video)
        if stored is not video:  # lost a race to a concurrent request with the same Idempotency-Key
            await self.storage.delete_video(video.id)
            return stored
        queue_event(self.session, JobsChanged())
        queue_event(self.session, LibraryChanged(user_id=video.user_id))
        return video

    # --- derived videos ------------------------------------------------------------------------------

    async def remix(self, user: User, video_id: str, prompt: object, idempotency_key: str | None) -> Video:
        prompt = _clean_prompt(prompt)
        if idempotency_key and (existing := await self.repo.by_idempotency_key(user.id, idempotency_key)):
            return existing
        original = await self._completed_original(user, video_id, "remix")
        provider = self.providers.offered(original.provider)  # a remix is a new paid video
        capabilities = provider.info.model(original.model)
        if capabilities is None or not capabilities.remix:
            raise BadRequest(f"{provider.info.name} cannot remix {original.model} videos; use continue instead",
                             code="remix_unsupported")
        video = self._new_video(user, provider, capabilities, prompt, original.size, original.seconds,
                                idempotency_key)
        video.remix_of = original.id
        video.provider_metadata = {"remix_source": original.provider_video_id}
        return await self._enqueue(video)

    async def continue_from(self, user: User, video_id: str, prompt: object, model: str | None,
                            seconds: object, idempotency_key: str | None) -> Video:
        prompt = _clean_prompt(prompt)
        if idempotency_key and (existing := await self.repo.by_idempotency_key(user.id, idempotency_key)):
            return existing
        original = await self._completed_original(user, video_id, "continue from")
        offered = original.provider in self.providers and original.provider not in self.providers.disabled
        same_provider = original.provider if offered and not model else None
        provider, capabilities, substituted = self._pick_model(same_provider, model or original.model)
        size, record = original.size, None
        if substituted:
            size, seconds, _, record = fitted_request(capabilities, model or original.model, size,
                                                      seconds or original.seconds, {})
        seconds = _clean_seconds(seconds, original.seconds)
        shape = resolve_shape(capabilities, size, None, None)
        validate_against(capabilities, size, seconds)
        if original.download_state != DL_DONE or not original.file_name:
            raise BadRequest("The original video's file is not downloaded yet", code="not_downloaded")
        video = self._new_video(user, provider, capabilities, prompt, size, seconds, idempotency_key)
        video.continued_from = original.id
        self._apply_options(video, capabilities, shape, {})
        if record is not None:
            video.provider_metadata = {**(video.provider_metadata or {}), "substitution": record}
            video.requested_model = model
        if self._extends_natively(original, provider, capabilities):
            video.extend_of_provider_id = original.provider_video_id
            return await self._enqueue(video)
        # Otherwise continue from the original's last frame.
        from sora2.media import extract_last_frame  # PyAV loads on first use (sora2.media)

        try:
            async with self.storage.local_copy(video_key(original.id)) as mp4:
                frame = await asyncio.to_thread(extract_last_frame, mp4)
        except StoreUnavailable:
            raise
        except MediaError as exc:
            raise BadRequest(f"Could not read the original's last frame: {exc}", code="no_last_frame") from None
        await self._attach_reference(video, capabilities, frame, "pad")
        return await self._enqueue(video)

    @staticmethod
    def _extends_natively(original: Video, provider: Provider, capabilities: ModelCapabilities) -> bool:
        """The provider continues its own finished job (same model), while it still has it."""
        still_there = original.expires_at is None or original.expires_at > utcnow()
        return (capabilities.extend and original.provider == provider.info.id and original.model == capabilities.id
                and bool(original.provider_video_id) and still_there)

    async def _completed_original(self, user: User, video_id: str, action: str) -> Video:
        original = await self.repo.get(video_id)
        if original is None:
            raise NotFound("Original video not found")
        if original.user_id != user.id:
            raise Forbidden(f"Not authorized to {action} this video")
        if original.status != COMPLETED:
            raise BadRequest("Original video must be completed", code="not_completed")
        return original

    # --- organising ----------------------------------------------------------------------------------

    async def get_mine(self, user: User, video_id: str) -> Video:
        """Like get_owned, but another user's video is simply not found (new routes never tell it exists)."""
        video = await self.repo.get(video_id)
        if video is None or video.user_id != user.id:
            raise NotFound("Video not found")
        return video

    async def set_favourite(self, user: User, video_id: str, favourite: bool) -> Video:
        video = await self.get_mine(user, video_id)
        self.mark_favourite(video, favourite)
        await self.session.flush()
        return video

    def mark_favourite(self, video: Video, favourite: bool) -> None:
        if video.favourite != favourite:
            video.favourite = favourite
            # Other tabs and the owner's cached lists hear it like any other change of the record.
            queue_event(self.session, VideoUpdated(user_id=video.user_id, video_id=video.id,
                                                   updates={"favourite": favourite}))

    # --- maintenance ---------------------------------------------------------------------------------

    async def delete(self, user: User, video_id: str) -> int:
        video = await self.repo.get(video_id)
        if video is None or video.user_id != user.id:
            raise NotFound("Video not found or not authorized")
        await self._leave_tombstone(video)
        await self.repo.delete(video)
        freed = await self.storage.delete_video(video.id)
        queue_event(self.session, LibraryChanged(user_id=video.user_id))
        return freed

    async def _leave_tombstone(self, video: Video) -> None:
        """The provider's job outlives the row: delete it there (durably, by the tracker of any instance) — at once
        when its id is known, else once reconciliation finds it."""
        now = utcnow()
        if video.provider_video_id:
            due, request = now, None
        elif video.submit_state in OUTCOME_UNKNOWN:
            in_flight = self._request_timeout(video.provider) + IN_FLIGHT_MARGIN_SECONDS
            due = {SUBMIT_SUBMITTING: now + timedelta(seconds=in_flight), SUBMIT_CONFIRMING: now}.get(
                video.submit_state)  # an unconfirmed one waits for a webhook naming its job
            request = request_snapshot(video)
        else:
            return  # never sent: nothing at the provider
        await CleanupRepository(self.session).add(video_id=video.id, provider=video.provider,
                                                  job_id=video.provider_video_id, request=request,
                                                  sent_at=video.create_sent_at, due_at=due)
        queue_event(self.session, JobsChanged())

    def _request_timeout(self, provider_id: str) -> float:
        known = provider_id in self.providers
        return self.providers.get(provider_id).info.request_timeout if known else 60.0

    async def retry_download(self, user: User, video_id: str) -> Video:
        video = await self.get_owned(user, video_id)
        if video.status != COMPLETED or video.download_state not in (DL_FAILED, DL_EXPIRED, DL_PENDING):
            raise BadRequest("Only a completed video whose download failed can be retried", code="no_retry")
        video.download_state, video.download_error = DL_PENDING, None
        video.download_attempts, video.next_check_at = 0, utcnow()
        queue_event(self.session, JobsChanged())
        queue_event(self.session, LibraryChanged(user_id=video.user_id))
        return video

    async def check_now(self, user: User, video_id: str) -> Video:
        video = await self.get_owned(user, video_id)
        if video.status in ("queued", "in_progress") and video.provider_video_id:
            video.next_check_at = utcnow()
            queue_event(self.session, JobsChanged())
        return video
