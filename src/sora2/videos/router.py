from __future__ import annotations

import asyncio
import base64
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from sora2.deps import CtxDep, CurrentUser, MediaUser, SessionDep
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.bodies import read_model
from sora2.media import MediaError, extract_frames
from sora2.models import Video
from sora2.models.video import COMPLETED, DL_DONE
from sora2.videos.files import file_response
from sora2.videos.schemas import (
    CheckStatusOut, ContinueIn, CostStats, Frame, Lineage, ReferenceImage, ReferenceImages, RemixIn,
    Screenshots, SuccessOut, VideoList, VideoOut, video_out,
)
from sora2.videos.service import VideoService
from sora2.videos.uploads import CREATE_OPENAPI, read_create_params

router = APIRouter(prefix="/api", tags=["videos"])
Variant = Literal["video", "thumbnail", "spritesheet", "reference"]
MIME = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg", "reference": "image/jpeg"}


def _service(ctx: CtxDep, session: SessionDep) -> VideoService:
    return VideoService(session, ctx.providers, ctx.storage)


def _out(ctx, video: Video) -> dict:  # noqa: ANN001
    return video_out(video, ctx.signer)


@router.post("/videos", response_model=VideoOut, openapi_extra=CREATE_OPENAPI)
async def create_video(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Create a video from a prompt and an optional reference image (multipart or JSON)."""
    params = await read_create_params(request, ctx.settings)
    service = _service(ctx, session)
    return _out(ctx, await service.create(user, params))


@router.get("/videos", response_model=VideoList)
async def list_videos(user: CurrentUser, ctx: CtxDep,
                      limit: Annotated[str | None, Query()] = None, offset: Annotated[str | None, Query()] = None,
                      status: str | None = None, model: str | None = None,
                      q: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The caller's videos, newest first; filter by status, model or prompt text."""
    size = _int_param(limit, 50, 1, 200)
    start = _int_param(offset, 0, 0, 10_000_000)
    params = (size, start, status, model, q)
    cached = ctx.list_cache.get(user.id, params)
    if cached is None:
        version = ctx.list_cache.version(user.id)
        async with ctx.sessions.begin() as session:  # opened only on a cache miss
            service = _service(ctx, session)
            videos, total = await service.repo.list_for_user(user.id, limit=size, offset=start, status=status,
                                                             model=model, query=q)
        # Serialised directly: validating 50 records through the response model would triple this route's cost.
        body = {"videos": [_out(ctx, v) for v in videos], "limit": size, "offset": start, "total": total}
        cached = json.dumps(body, separators=(",", ":")).encode()
        ctx.list_cache.put(user.id, params, version, cached)
    return Response(cached, media_type="application/json")


def _int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise BadRequest(f"Expected an integer, got {raw!r}", code="invalid_integer") from None
    return default if value <= 0 and low > 0 else min(max(value, low), high)


@router.get("/videos/stats/costs", response_model=CostStats)
async def cost_stats(user: CurrentUser, ctx: CtxDep, session: SessionDep) -> CostStats:
    """Spending on completed videos: the caller's, and the platform's (admins; others see their own)."""
    repo = _service(ctx, session).repo
    user_total, user_count = await repo.cost_totals(user.id)
    platform_total, platform_count = (await repo.cost_totals(None)) if user.is_admin else (user_total, user_count)
    return CostStats(user_total=user_total, user_count=user_count, platform_total=platform_total,
                     platform_count=platform_count)


@router.get("/videos/{video_id}", response_model=VideoOut)
async def get_video(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """One video record."""
    service = _service(ctx, session)
    return _out(ctx, await service.get_owned(user, video_id))


@router.delete("/videos/{video_id}", response_model=SuccessOut)
async def delete_video(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> SuccessOut:
    """Delete a video and every file it has on disk."""
    await _service(ctx, session).delete(user, video_id)
    return SuccessOut()


@router.post("/videos/{video_id}/remix", response_model=VideoOut, openapi_extra=read_model.openapi(RemixIn))
async def remix_video(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                      session: SessionDep) -> dict:
    """Remix a completed video with a new prompt (where the provider can remix)."""
    body = await read_model(request, RemixIn)
    service = _service(ctx, session)
    video = await service.remix(user, video_id, body.prompt, request.headers.get("idempotency-key"))
    return _out(ctx, video)


@router.post("/videos/{video_id}/continue", response_model=VideoOut, openapi_extra=read_model.openapi(ContinueIn))
async def continue_video(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                         session: SessionDep) -> dict:
    """Continue a completed video: a new clip that starts from its last frame."""
    body = await read_model(request, ContinueIn)
    service = _service(ctx, session)
    video = await service.continue_from(user, video_id, body.prompt, body.model, body.seconds,
                                        request.headers.get("idempotency-key"))
    return _out(ctx, video)


@router.post("/videos/{video_id}/check-status", response_model=CheckStatusOut)
async def check_status(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> CheckStatusOut:
    """Ask the tracker to poll this video's provider job now."""
    service = _service(ctx, session)
    video = await service.check_now(user, video_id)
    return CheckStatusOut(message="Status check triggered", video=_out(ctx, video))


@router.post("/videos/{video_id}/retry-download", response_model=VideoOut)
async def retry_download(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Try again to download a completed video whose download failed."""
    service = _service(ctx, session)
    return _out(ctx, await service.retry_download(user, video_id))


@router.get("/videos/{video_id}/lineage", response_model=Lineage)
async def lineage(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> Lineage:
    """The video this one was remixed or continued from, and the videos made from it."""
    service = _service(ctx, session)
    video = await service.get_owned(user, video_id)
    parent_id = video.remix_of or video.continued_from
    parent = await service.repo.get(parent_id) if parent_id else None
    children = [c for c in await service.repo.children(video.id) if c.user_id == user.id]
    return Lineage(parent=_out(ctx, parent) if parent and parent.user_id == user.id else None,
                   children=[_out(ctx, c) for c in children])


@router.get("/videos/{video_id}/screenshots", response_model=Screenshots)
async def screenshots(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep,
                      count: Annotated[int, Query(ge=1, le=10, description="How many frames, 1 to 10")] = 3
                      ) -> Screenshots:
    """A few frames of a completed video as base64 JPEGs (the last one is the final frame)."""
    service = _service(ctx, session)
    video = await service.get_owned(user, video_id)
    if video.status != COMPLETED or video.download_state != DL_DONE:
        raise BadRequest("Video is not ready yet", code="not_ready")
    try:
        frames = await asyncio.to_thread(extract_frames, ctx.storage.video_path(video.id), count)
    except MediaError as exc:
        raise NotFound(f"Video file not found or unreadable: {exc}") from None
    return Screenshots(video_id=video.id, prompt=video.prompt, frame_count=len(frames), frames=[
        Frame(frame_number=i + 1, is_final_frame=f.is_final_frame, data=base64.b64encode(f.jpeg).decode())
        for i, f in enumerate(frames)])


@router.get("/videos/{video_id}/reference-images", response_model=ReferenceImages)
async def reference_images(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> ReferenceImages:
    """The (fitted) reference images a video was made from, as base64."""
    video = await _service(ctx, session).get_owned(user, video_id)
    images = []
    for index, name in enumerate(video.reference_images or []):
        path = ctx.storage.references_dir / name
        if path.exists():
            data = await asyncio.to_thread(path.read_bytes)
            images.append(ReferenceImage(index=index, filename=name, data=base64.b64encode(data).decode(),
                                         mimeType="image/jpeg"))
    return ReferenceImages(images=images)


def _media_path(ctx, video: Video, variant: str):  # noqa: ANN001, ANN202
    names = {"video": video.file_name, "thumbnail": video.thumbnail_name, "spritesheet": video.spritesheet_name,
             "reference": (video.reference_images or [None])[0]}
    name = names.get(variant)
    if name is None:
        raise NotFound("File not found")
    folder = ctx.storage.references_dir if variant == "reference" else ctx.storage.videos_dir
    return folder / name


MEDIA_RESPONSES = {200: {"content": {"video/mp4": {}, "image/webp": {}, "image/jpeg": {}}},
                   206: {"description": "Partial content (Range)"}, 416: {"description": "Range not satisfiable"}}


@router.head("/videos/{video_id}/content", include_in_schema=False)
@router.get("/videos/{video_id}/content", response_class=Response, responses=MEDIA_RESPONSES)
async def content(video_id: str, request: Request, user: MediaUser, ctx: CtxDep, session: SessionDep,
                  variant: str = "video", download: bool = False) -> Response:
    """Stream a video's MP4, thumbnail or sprite sheet with ranges (Bearer header, or ?token= for old clients)."""
    video = await _service(ctx, session).get_owned(user, video_id)
    if video.status != COMPLETED:
        raise BadRequest("Video is not ready yet", code="not_ready")
    if variant not in ("video", "thumbnail", "spritesheet"):
        raise BadRequest("Invalid variant. Use video, thumbnail or spritesheet", code="invalid_variant")
    return file_response(request, _media_path(ctx, video, variant), MIME[variant],
                         download_name=f"{video.id}.mp4" if download and variant == "video" else None)


@router.head("/media/{video_id}/{variant}", include_in_schema=False)
@router.get("/media/{video_id}/{variant}", response_class=Response, responses=MEDIA_RESPONSES)
async def signed_media(video_id: str, variant: Variant, request: Request, ctx: CtxDep, session: SessionDep,
                       exp: str | None = None, sig: str | None = None, download: bool = False) -> Response:
    """Media through a short-lived signed URL (from a video record's `media`); no token needed."""
    if not ctx.signer.verify(video_id, variant, exp, sig):
        raise Forbidden("This media link is invalid or has expired", code="bad_signature")
    video = await _service(ctx, session).repo.get(video_id)
    if video is None:
        raise NotFound("Video not found")
    return file_response(request, _media_path(ctx, video, variant), MIME[variant],
                         download_name=f"{video.id}.mp4" if download and variant == "video" else None)
