"""What a media request gets, once for both ways it arrives: the routes of sora2.videos.read_router, and the pure-ASGI
shortcut in front of them (sora2.videos.media_shortcut) that answers a player's seeks without FastAPI. Both call
these; errors are raised as AppError for the routes to explain (the shortcut leaves those requests to them)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response

from sora2.context import AppContext
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.models.video import COMPLETED
from sora2.videos.files import grant_for, link_grant_seconds, media_response
from sora2.videos.media_access import MediaRecord

MIME = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg", "reference": "image/jpeg"}
CONTENT_VARIANTS = ("video", "thumbnail", "spritesheet")


async def content_answer(request: Request, ctx: AppContext, video_id: str, user_id: str, variant: str,
                         download: bool) -> Response:
    """`/api/videos/{id}/content` for a signed-in user: their own completed video's file."""
    video = await ctx.media_records.get(video_id)
    if video is None:
        raise NotFound("Video not found")
    if video.user_id != user_id:
        raise Forbidden("Not authorized")
    if video.status != COMPLETED:
        raise BadRequest("Video is not ready yet", code="not_ready")
    if variant not in CONTENT_VARIANTS:
        raise BadRequest("Invalid variant. Use video, thumbnail or spritesheet", code="invalid_variant")
    return grant_for(await _serve(request, ctx, video, variant, download), ctx.settings.media_token_grant_seconds)


async def signed_answer(request: Request, ctx: AppContext, video_id: str, variant: str, exp: str | None,
                        sig: str | None, download: bool) -> Response:
    """`/api/media/{id}/{variant}?exp=&sig=`: whoever holds a valid signed link (`variant` one of MIME's)."""
    now = time.time()
    if not ctx.signer.verify(video_id, variant, exp, sig, now):
        raise Forbidden("This media link is invalid or has expired", code="bad_signature")
    video = await ctx.media_records.get(video_id)
    if video is None:
        raise NotFound("Video not found")
    return grant_for(await _serve(request, ctx, video, variant, download), link_grant_seconds(int(exp), now))


async def _serve(request: Request, ctx: AppContext, record: MediaRecord, variant: str, download: bool) -> Response:
    return await media_response(request, ctx.storage, record.key(variant), MIME[variant],
                                redirect=ctx.settings.s3_delivery == "redirect",
                                download_name=f"{record.id}.mp4" if download and variant == "video" else None,
                                accel_prefix=ctx.settings.media_accel_redirect)
