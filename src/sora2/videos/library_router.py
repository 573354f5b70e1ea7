"""Library routes beyond one video: variations, stars, bulk actions on a selection, ZIP downloads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from sora2.http.bodies import read_model
from sora2.collections.service import clean_ids
from sora2.deps import CtxDep, CurrentUser, SessionDep
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.models.video import DL_DONE
from sora2.videos.archive import (
    MAX_ARCHIVE_VIDEOS, build_zip, signed_archive_url, stored_entries, stream, verify_archive,
)
from sora2.videos.batch import MAX_VARIATIONS, create_batch
from sora2.videos.bulk import run_bulk
from sora2.videos.library_schemas import ArchiveIn, ArchiveOut, BatchOut, BulkIn, BulkOut
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import VideoOut, video_out
from sora2.videos.service import VideoService
from sora2.videos.uploads import create_openapi, read_create_params

router = APIRouter(prefix="/api", tags=["videos"])
COUNT_FIELD = {"count": {"type": "integer", "minimum": 1, "maximum": MAX_VARIATIONS,
                         "description": "How many variations (default 1)"}}


def _service(ctx, session) -> VideoService:  # noqa: ANN001
    return VideoService(session, ctx.providers, ctx.storage)


@router.post("/videos/batch", response_model=BatchOut, openapi_extra=create_openapi(COUNT_FIELD))
async def create_variations(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Create 1-4 variations of one request (the same fields as POST /api/videos, plus count). Each is its own
    job with its own idempotency key (the batch's Idempotency-Key + "#1", "#2", …); a given seed varies as seed+i."""
    params = await read_create_params(request, ctx.settings)
    batch_id, videos = await create_batch(_service(ctx, session), user, params)
    return {"batch_id": batch_id, "videos": [video_out(v, ctx.signer) for v in videos],
            "estimated_total": round(sum(v.cost for v in videos), 2)}


@router.put("/videos/{video_id}/favourite", response_model=VideoOut)
async def star(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Star a video (a favourite)."""
    return video_out(await _service(ctx, session).set_favourite(user, video_id, True), ctx.signer)


@router.delete("/videos/{video_id}/favourite", response_model=VideoOut)
async def unstar(video_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Take the star off a video."""
    return video_out(await _service(ctx, session).set_favourite(user, video_id, False), ctx.signer)


@router.post("/videos/bulk", response_model=BulkOut, openapi_extra=read_model.openapi(BulkIn))
async def bulk(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> BulkOut:
    """Apply one action to several of your videos: delete, favourite, unfavourite, add_to_collection,
    remove_from_collection (with collection_id)."""
    body = await read_model(request, BulkIn)
    done, not_found = await run_bulk(_service(ctx, session), user, body.action, body.video_ids, body.collection_id)
    return BulkOut(action=body.action, done=done, not_found=not_found)


@router.post("/videos/archive", response_model=ArchiveOut, openapi_extra=read_model.openapi(ArchiveIn))
async def prepare_archive(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> ArchiveOut:
    """A signed URL for one ZIP of several of your finished videos (streamed; nothing is built ahead)."""
    body = await read_model(request, ArchiveIn)
    ids = clean_ids(body.video_ids)
    if len(ids) > MAX_ARCHIVE_VIDEOS:
        raise BadRequest(f"At most {MAX_ARCHIVE_VIDEOS} videos per ZIP", code="too_many_videos")
    owned = {v.id: v for v in await VideoRepository(session).owned(user.id, ids)}
    if len(owned) < len(ids):
        raise NotFound(f"Video not found: {next(v for v in ids if v not in owned)}")
    ready = [vid for vid in ids if owned[vid].download_state == DL_DONE and owned[vid].file_name]
    if not ready:
        raise BadRequest("None of these videos has a stored MP4 yet", code="not_ready")
    entries = await stored_entries(ctx.storage, [owned[vid] for vid in ready])
    return ArchiveOut(url=signed_archive_url(ctx.signer, user.id, ready), count=len(ready),
                      bytes=len(build_zip(ctx.storage, entries)), skipped=[vid for vid in ids if vid not in ready])


@router.get("/archives/videos.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
async def download_archive(ctx: CtxDep, session: SessionDep, u: str = "", ids: str = "", exp: str | None = None,
                           sig: str | None = None) -> Response:
    """The ZIP behind a signed URL from POST /api/videos/archive; needs no token."""
    video_ids = verify_archive(ctx.signer, u, ids, exp, sig)
    if not video_ids:
        raise Forbidden("This download link is invalid or has expired", code="bad_signature")
    owned = {v.id: v for v in await VideoRepository(session).owned(u, video_ids)}
    entries = await stored_entries(ctx.storage, [owned[vid] for vid in video_ids
                                                 if vid in owned and owned[vid].download_state == DL_DONE])
    if not entries:
        raise NotFound("None of these videos is stored any more")
    archive = build_zip(ctx.storage, entries)
    headers = {"Content-Length": str(len(archive)), "Cache-Control": "no-store",
               "Content-Disposition": f'attachment; filename="sora2-videos-{len(entries)}.zip"'}
    return StreamingResponse(stream(archive), media_type="application/zip", headers=headers)
