from __future__ import annotations

import asyncio
import base64
from typing import Annotated

from fastapi import APIRouter, Query, Request

from sora2.deps import AdminUser, CtxDep, CurrentUser, SessionDep
from sora2.errors import BadRequest, NotFound
from sora2.http.bodies import read_model
from sora2.media import MediaError, StoreUnavailable
from sora2.media.store.keys import reference_key, video_key
from sora2.models import Video
from sora2.models.video import COMPLETED, DL_DONE
from sora2.videos.compat import record_out
from sora2.videos.outcomes import OutcomeService, RetryChanges
from sora2.videos.schemas import (
    CheckStatusOut, ContinueIn, CostStats, Estimate, Frame, Lineage, ReferenceImage, ReferenceImages, RemixIn,
    RetryIn, Screenshots, SuccessOut, UnconfirmedList, VideoOut,
)
from sora2.videos.service import VideoService
from sora2.videos.uploads import CREATE_OPENAPI, ESTIMATE_OPENAPI, read_create_params

router = APIRouter(prefix="/api", tags=["videos"])


def _service(ctx: CtxDep, session: SessionDep) -> VideoService:
    return VideoService(session, ctx.providers, ctx.storage)


def _out(ctx, video: Video, request: Request | None = None) -> dict:  # noqa: ANN001
    return record_out(video, ctx.signer, ctx.providers, request.headers if request is not None else None)


@router.post("/videos", response_model=VideoOut, openapi_extra=CREATE_OPENAPI)
async def create_video(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Create a video from a prompt and an optional reference image (multipart or JSON)."""
    params = await read_create_params(request, ctx.settings)
    service = _service(ctx, session)
    return _out(ctx, await service.create(user, params), request)


@router.post("/videos/estimate", response_model=Estimate, openapi_extra=ESTIMATE_OPENAPI)
async def estimate(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> Estimate:
    """What a create with these fields would cost, and where it would go; nothing is created."""
    params = await read_create_params(request, ctx.settings)
    plan = _service(ctx, session).plan(params)
    return Estimate(cost=plan.cost, provider=plan.provider.info.id, model=plan.capabilities.id,
                    size=plan.shape.size, seconds=plan.seconds, emulated=plan.provider.info.emulated)


@router.get("/videos/stats/costs", response_model=CostStats)
async def cost_stats(user: CurrentUser, ctx: CtxDep, session: SessionDep) -> CostStats:
    """Estimates and charges, told apart: the caller's, and the platform's (admins; others see their own)."""
    repo = _service(ctx, session).repo
    mine = await repo.cost_totals(user.id)
    everyone = (await repo.cost_totals(None)) if user.is_admin else mine
    return CostStats(user_total=mine["charged"], user_count=mine["completed"], platform_total=everyone["charged"],
                     platform_count=everyone["completed"], user_estimated=mine["estimated"],
                     user_charged=mine["charged"], user_videos=mine["videos"], user_simulated=mine["simulated"],
                     platform_estimated=everyone["estimated"], platform_charged=everyone["charged"])


@router.get("/admin/videos/unconfirmed", response_model=UnconfirmedList)
async def unconfirmed_videos(_admin: AdminUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Every user's videos whose create no provider confirmed: they may have been charged (admin only)."""
    rows = await _service(ctx, session).repo.unconfirmed(200)
    return {"videos": [_out(ctx, row) for row in rows]}


@router.get("/videos/{video_id}", response_model=VideoOut)
async def get_video(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """One video record."""
    service = _service(ctx, session)
    return _out(ctx, await service.get_owned(user, video_id), request)


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
    return _out(ctx, video, request)


@router.post("/videos/{video_id}/continue", response_model=VideoOut, openapi_extra=read_model.openapi(ContinueIn))
async def continue_video(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                         session: SessionDep) -> dict:
    """Continue a completed video: a new clip that starts from its last frame."""
    body = await read_model(request, ContinueIn)
    service = _service(ctx, session)
    video = await service.continue_from(user, video_id, body.prompt, body.model, body.seconds,
                                        request.headers.get("idempotency-key"))
    return _out(ctx, video, request)


@router.post("/videos/{video_id}/cancel", response_model=VideoOut)
async def cancel_video(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Cancel a queued or running video: the provider job is stopped where its API can, and tracked no more."""
    return _out(ctx, await OutcomeService(_service(ctx, session)).cancel(user, video_id))


@router.post("/videos/{video_id}/retry", response_model=VideoOut, openapi_extra=read_model.openapi(RetryIn))
async def retry_video(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Make a failed, cancelled or unconfirmed video again, optionally with changed fields: a new video linked
    to the old one by retry_of (Idempotency-Key makes a repeated request return it)."""
    body = await read_model(request, RetryIn)
    outcomes = OutcomeService(_service(ctx, session))
    video = await outcomes.retry(user, video_id, RetryChanges(**body.model_dump()),
                                 request.headers.get("idempotency-key") or None)
    return _out(ctx, video)


@router.post("/videos/{video_id}/dismiss", response_model=VideoOut)
async def dismiss_video(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Dismiss an unconfirmed video: it may have been charged, and nothing is resubmitted."""
    return _out(ctx, await OutcomeService(_service(ctx, session)).dismiss(user, video_id))


@router.post("/videos/{video_id}/check-status", response_model=CheckStatusOut)
async def check_status(video_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                       session: SessionDep) -> CheckStatusOut:
    """Ask the tracker to poll this video's provider job now."""
    service = _service(ctx, session)
    video = await service.check_now(user, video_id)
    return CheckStatusOut(message="Status check triggered", video=_out(ctx, video, request))


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
    from sora2.media import extract_frames  # PyAV and Pillow load on first use (sora2.media)

    try:
        async with ctx.storage.local_copy(video_key(video.id)) as mp4:
            frames = await asyncio.to_thread(extract_frames, mp4, count)
    except StoreUnavailable:
        raise
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
        try:
            data = await ctx.storage.read_bytes(reference_key(name))
        except StoreUnavailable:
            raise
        except MediaError:
            continue  # gone (or a name from elsewhere): listed images are the ones that exist
        images.append(ReferenceImage(index=index, filename=name, data=base64.b64encode(data).decode(),
                                     mimeType="image/jpeg"))
    return ReferenceImages(images=images)
