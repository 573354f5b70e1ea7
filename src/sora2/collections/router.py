from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.http.bodies import read_model
from sora2.collections.repository import CollectionRepository
from sora2.collections.schemas import CollectionIn, CollectionList, CollectionOut, CollectionVideosIn, MembershipOut
from sora2.collections.service import CollectionService
from sora2.context import AppContext
from sora2.db.base import epoch
from sora2.deps import CtxDep, CurrentUser, SessionDep
from sora2.models import Collection
from sora2.videos.schemas import SuccessOut

router = APIRouter(prefix="/api", tags=["collections"])


async def _outs(ctx: AppContext, repo: CollectionRepository, collections: list[Collection],
                video_id: str | None = None) -> list[CollectionOut]:
    ids = [c.id for c in collections]
    counts, covers = await repo.video_counts(ids), await repo.covers(ids)
    containing = await repo.containing(video_id, ids) if video_id else set()
    return [CollectionOut(id=c.id, name=c.name, video_count=counts.get(c.id, 0), created_at=epoch(c.created_at) or 0,
                          updated_at=epoch(c.updated_at) or 0,
                          cover=ctx.signer.sign(covers[c.id], "thumbnail") if c.id in covers else None,
                          contains=(c.id in containing) if video_id else None)
            for c in collections]


async def _out(ctx: AppContext, service: CollectionService, collection: Collection) -> CollectionOut:
    return (await _outs(ctx, service.repo, [collection]))[0]


@router.get("/collections", response_model=CollectionList)
async def list_collections(user: CurrentUser, ctx: CtxDep, session: SessionDep,
                           video_id: str | None = None) -> CollectionList:
    """Your collections by name; with ?video_id=, each says whether that video is in it."""
    repo = CollectionRepository(session)
    return CollectionList(collections=await _outs(ctx, repo, await repo.list_for_user(user.id), video_id))


@router.post("/collections", response_model=CollectionOut, status_code=201,
             openapi_extra=read_model.openapi(CollectionIn))
async def create_collection(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> CollectionOut:
    """Create an empty collection."""
    body = await read_model(request, CollectionIn)
    service = CollectionService(session)
    return await _out(ctx, service, await service.create(user, body.name))


@router.get("/collections/{collection_id}", response_model=CollectionOut)
async def get_collection(collection_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> CollectionOut:
    """One of your collections (its videos: GET /api/videos?collection=ID)."""
    service = CollectionService(session)
    return await _out(ctx, service, await service.get_owned(user, collection_id))


@router.patch("/collections/{collection_id}", response_model=CollectionOut,
              openapi_extra=read_model.openapi(CollectionIn))
async def rename_collection(collection_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                            session: SessionDep) -> CollectionOut:
    """Rename a collection."""
    body = await read_model(request, CollectionIn)
    service = CollectionService(session)
    return await _out(ctx, service, await service.rename(user, collection_id, body.name))


@router.delete("/collections/{collection_id}", response_model=SuccessOut)
async def delete_collection(collection_id: str, user: CurrentUser, session: SessionDep) -> SuccessOut:
    """Delete a collection; its videos stay in your library."""
    await CollectionService(session).delete(user, collection_id)
    return SuccessOut()


@router.post("/collections/{collection_id}/videos", response_model=MembershipOut,
             openapi_extra=read_model.openapi(CollectionVideosIn))
async def add_videos(collection_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                     session: SessionDep) -> MembershipOut:
    """Add videos to a collection (those already in it are left as they are)."""
    body = await read_model(request, CollectionVideosIn)
    service = CollectionService(session)
    collection, added = await service.add_videos(user, collection_id, body.video_ids)
    return MembershipOut(collection=await _out(ctx, service, collection), changed=added)


@router.delete("/collections/{collection_id}/videos/{video_id}", response_model=MembershipOut)
async def remove_video(collection_id: str, video_id: str, user: CurrentUser, ctx: CtxDep,
                       session: SessionDep) -> MembershipOut:
    """Take a video out of a collection (the video itself stays)."""
    service = CollectionService(session)
    collection, removed = await service.remove_videos(user, collection_id, [video_id])
    return MembershipOut(collection=await _out(ctx, service, collection), changed=removed)
