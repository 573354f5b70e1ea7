"""Variations: one submit, 1 to 4 videos from the same settings, each its own job with its own idempotency key,
all stored in one transaction with one batch id so they can be compared side by side (and a budget check can
weigh the whole batch before any of it is sent)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sora2.auth.principal import Principal
from sora2.errors import BadRequest
from sora2.models import Video
from sora2.videos.options import MAX_SEED
from sora2.videos.service import CreateParams, VideoService

MAX_VARIATIONS = 4


def variation_count(raw: object) -> int:
    if raw is None or raw == "":
        return 1
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit():
        raise BadRequest(f"count must be a whole number from 1 to {MAX_VARIATIONS}", code="invalid_count")
    count = int(raw)
    if not 1 <= count <= MAX_VARIATIONS:
        raise BadRequest(f"count must be from 1 to {MAX_VARIATIONS}", code="invalid_count")
    return count


def variation_key(batch_key: str | None, batch_id: str, index: int) -> str:
    """Variation i's own key: derived from the batch's key, so resending the batch finds every one of them."""
    return f"{batch_key or batch_id}#{index + 1}"


def seed_for(seed: object, index: int) -> object:
    """A given seed would make identical variations: variation i uses seed + i."""
    if seed is None or seed == "" or isinstance(seed, bool) or not str(seed).strip().isdigit():
        return seed  # nothing to vary, or invalid (reported by the create checks)
    return (int(str(seed).strip()) + index) % (MAX_SEED + 1)


async def create_batch(service: VideoService, user: Principal, params: CreateParams) -> tuple[str, list[Video]]:
    count = variation_count(params.count)
    params = await service.with_preset(user, params)
    params = replace(params, preset_id=None)  # applied once: the variations share the composed prompt
    batch_key = params.idempotency_key
    if batch_key and (first := await service.repo.by_idempotency_key(user.id, variation_key(batch_key, "", 0))):
        batch_id = first.batch_id or str(uuid.uuid4())
    else:
        batch_id = str(uuid.uuid4())
    videos = []
    for index in range(count):
        key = variation_key(batch_key, batch_id, index)
        existing = await service.repo.by_idempotency_key(user.id, key)
        if existing is not None:
            videos.append(existing)
            continue
        video = await service.prepare(user, replace(params, idempotency_key=key, seed=seed_for(params.seed, index)))
        video.batch_id = batch_id
        videos.append(await service.enqueue(video))
    return batch_id, videos
