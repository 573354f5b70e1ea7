"""The hottest reads: the library list and media (a player sends a Range request per seek).

Included before every other router: FastAPI tries routes in order, and these answer most requests, so they are
found after a comparison or two rather than fifty. Their paths overlap no other route's.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from sora2.collections.service import CollectionService
from sora2.deps import CtxDep, CurrentUser, MediaUser
from sora2.videos.compat import record_out
from sora2.videos.listing import LIST_OPENAPI, page_key
from sora2.videos.media_answers import content_answer, signed_answer
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import VideoList

router = APIRouter(prefix="/api", tags=["videos"])
Variant = Literal["video", "thumbnail", "spritesheet", "reference"]


@router.get("/videos", response_model=VideoList, openapi_extra=LIST_OPENAPI)
async def list_videos(request: Request, user: CurrentUser, ctx: CtxDep) -> Response:
    """The caller's videos; filter by status, model, prompt text, star, collection, batch and date; sort."""
    key = page_key(request.query_params, request.headers)
    query = key[0]

    async def build() -> bytes:
        async with ctx.sessions.begin() as session:  # opened only on a cache miss
            if query.collection_id:
                await CollectionService(session).get_owned(user, query.collection_id)  # 404 for others' ids
            videos, total = await VideoRepository(session).list_for_user(user.id, query)
        # Serialised directly: validating 50 records through the response model would triple this route's cost.
        records = [record_out(v, ctx.signer, ctx.providers, request.headers) for v in videos]
        body = {"videos": records, "limit": query.limit, "offset": query.offset, "total": total}
        return json.dumps(body, separators=(",", ":")).encode()

    # A page already cached is usually answered before routing (sora2.videos.list_shortcut); this is the rest.
    cached = await ctx.list_cache.get_or_build(user.id, key, build)
    return Response(cached, media_type="application/json")


MEDIA_RESPONSES = {200: {"content": {"video/mp4": {}, "image/webp": {}, "image/jpeg": {}}},
                   206: {"description": "Partial content (Range)"},
                   307: {"description": "From an S3 store: a short-lived link to the object"},
                   416: {"description": "Range not satisfiable"}}


@router.head("/videos/{video_id}/content", include_in_schema=False)
@router.get("/videos/{video_id}/content", response_class=Response, responses=MEDIA_RESPONSES)
async def content(video_id: str, request: Request, user: MediaUser, ctx: CtxDep,
                  variant: str = "video", download: bool = False) -> Response:
    """A video's MP4, thumbnail or sprite sheet with ranges (Bearer header, or ?token= for old clients); from an
    S3 store, a redirect to a short-lived link (SORA2_S3_DELIVERY=redirect, the default)."""
    return await content_answer(request, ctx, video_id, user.id, variant, download)


@router.head("/media/{video_id}/{variant}", include_in_schema=False)
@router.get("/media/{video_id}/{variant}", response_class=Response, responses=MEDIA_RESPONSES)
async def signed_media(video_id: str, variant: Variant, request: Request, ctx: CtxDep,
                       exp: str | None = None, sig: str | None = None, download: bool = False) -> Response:
    """Media through a short-lived signed URL (from a video record's `media`); no token needed."""
    return await signed_answer(request, ctx, video_id, variant, exp, sig, download)
