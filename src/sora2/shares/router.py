from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from sora2 import web
from sora2.auth.ratelimit_window import WindowLimiter
from sora2.http.bodies import read_model
from sora2.context import AppContext
from sora2.db.base import epoch, utcnow
from sora2.deps import AdminUser, CtxDep, CurrentUser, SessionDep
from sora2.errors import AppError, NotFound, TooManyRequests
from sora2.models import ShareLink, Video
from sora2.shares.page import meta_tags, render
from sora2.shares.schemas import PublicMedia, PublicShareOut, PublicVideo, ShareIn, ShareList, ShareOut
from sora2.shares.service import ShareService, share_state
from sora2.media.store.keys import video_file_key
from sora2.videos.files import media_response
from sora2.videos.money import is_simulated
from sora2.videos.schemas import SuccessOut

router = APIRouter(tags=["shares"])
MIME = {"video": "video/mp4", "thumbnail": "image/webp"}


def _out(link: ShareLink, username: str | None, prompt: str | None, collection: str | None) -> ShareOut:
    target = collection if link.collection_id else (prompt or "")[:80]
    return ShareOut(id=link.id, url=f"/s/{link.token}", kind="collection" if link.collection_id else "video",
                    video_id=link.video_id, collection_id=link.collection_id, target=target or "", title=link.title,
                    show_prompt=link.show_prompt, state=share_state(link, utcnow()), expires_at=epoch(link.expires_at),
                    revoked_at=epoch(link.revoked_at), view_count=link.view_count,
                    last_viewed_at=epoch(link.last_viewed_at), created_at=epoch(link.created_at) or 0,
                    username=username)


async def _listed(session, user_id: str | None, with_owner: bool) -> ShareList:  # noqa: ANN001
    rows = await ShareService(session).repo.listed(user_id)
    return ShareList(shares=[_out(link, name if with_owner else None, prompt, coll)
                             for link, name, prompt, coll in rows])


# --- the owner's links ------------------------------------------------------------------------------------

@router.post("/api/shares", response_model=ShareOut, status_code=201, openapi_extra=read_model.openapi(ShareIn))
async def create_share(request: Request, user: CurrentUser, session: SessionDep) -> ShareOut:
    """Make a public, read-only link to one of your finished videos or one of your collections."""
    body = await read_model(request, ShareIn)
    link = await ShareService(session).create(user, body)
    listed = [row for row in await ShareService(session).repo.listed(user.id) if row[0].id == link.id]
    _, _, prompt, collection = listed[0]
    return _out(link, None, prompt, collection)


@router.get("/api/shares", response_model=ShareList)
async def list_shares(user: CurrentUser, session: SessionDep) -> ShareList:
    """Your share links, newest first, with their state and view counts."""
    return await _listed(session, user.id, with_owner=False)


@router.delete("/api/shares/{share_id}", response_model=SuccessOut)
async def revoke_share(share_id: str, user: CurrentUser, session: SessionDep) -> SuccessOut:
    """Revoke one of your share links: it answers 404 from the next request on."""
    await ShareService(session).revoke(user, share_id)
    return SuccessOut()


@router.get("/api/admin/shares", response_model=ShareList, tags=["users"])
async def list_all_shares(_admin: AdminUser, session: SessionDep) -> ShareList:
    """Every user's share links (admin only)."""
    return await _listed(session, None, with_owner=True)


@router.delete("/api/admin/shares/{share_id}", response_model=SuccessOut, tags=["users"])
async def revoke_any_share(share_id: str, admin: AdminUser, session: SessionDep) -> SuccessOut:
    """Revoke any user's share link (admin only)."""
    await ShareService(session).revoke(admin, share_id, as_admin=True)
    return SuccessOut()


# --- what anyone holding a link sees -------------------------------------------------------------------

def _limit(ctx: AppContext, request: Request, limiter: WindowLimiter) -> None:
    address = request.client.host if request.client else "unknown"
    wait = limiter.hit(address)
    if wait:
        raise TooManyRequests("Too many requests for shared videos; try again shortly",
                              headers={"Retry-After": str(wait)})


def _media_url(token: str, video: Video, variant: str) -> str:
    return f"/api/public/shares/{token}/videos/{video.id}/{variant}"


def _public_video(link: ShareLink, video: Video) -> PublicVideo:
    return PublicVideo(id=video.id, prompt=video.prompt if link.show_prompt else None, seconds=video.seconds,
                       size=video.size, has_audio=video.has_audio, simulated=is_simulated(video),
                       media=PublicMedia(video=_media_url(link.token, video, "video"),
                                         thumbnail=_media_url(link.token, video, "thumbnail")
                                         if video.thumbnail_name else None))


@router.get("/api/public/shares/{token}", response_model=PublicShareOut, tags=["public"])
async def open_share(token: str, request: Request, ctx: CtxDep, session: SessionDep) -> PublicShareOut:
    """What a share link shows (no sign-in): its video(s), the prompt if the owner chose so. Counts a view."""
    _limit(ctx, request, ctx.share_limiter)
    service = ShareService(session)
    link = await service.open(token)
    videos = await service.videos(link)
    await service.count_view(link)
    return PublicShareOut(kind="collection" if link.collection_id else "video", title=link.title,
                          show_prompt=link.show_prompt, videos=[_public_video(link, v) for v in videos],
                          expires_at=epoch(link.expires_at))


@router.head("/api/public/shares/{token}/videos/{video_id}/{variant}", include_in_schema=False)
@router.get("/api/public/shares/{token}/videos/{video_id}/{variant}", response_class=Response, tags=["public"],
            responses={200: {"content": {"video/mp4": {}, "image/webp": {}}}, 206: {"description": "Range"}})
async def shared_media(token: str, video_id: str, variant: Literal["video", "thumbnail"], request: Request,
                       ctx: CtxDep, session: SessionDep) -> Response:
    """A shared video's MP4 (with ranges) or thumbnail; 404 as soon as the link is revoked or expired."""
    _limit(ctx, request, ctx.share_media_limiter)
    _, video = await ShareService(session).shared_video(token, video_id)
    name = video.file_name if variant == "video" else video.thumbnail_name
    if not name:
        raise NotFound("File not found")
    # Streamed, never redirected to the store: a revoked link must stop at once, not live on in a presigned URL.
    response = await media_response(request, ctx.storage, video_file_key(name), MIME[variant], redirect=False,
                                    accel_prefix=ctx.settings.media_accel_redirect)
    response.headers["Cache-Control"] = "no-store"  # nor in caches
    return response


def _absolute(ctx: AppContext, request: Request, path: str) -> str:
    base = (ctx.settings.public_url or str(request.base_url)).rstrip("/")
    return base + path


@router.get("/s/{token}", response_class=HTMLResponse, include_in_schema=False)
async def share_page(token: str, request: Request, ctx: CtxDep, session: SessionDep) -> HTMLResponse:
    """The public share page: the web UI, with a head that link previews read."""
    index = web.DIST_DIR / "index.html"
    try:
        _limit(ctx, request, ctx.share_limiter)
        service = ShareService(session)
        link = await service.open(token)
        videos = await service.videos(link)
    except AppError as exc:
        busy = exc.status_code == 429
        head = meta_tags(title="Try again shortly" if busy else "Not shared", description=exc.message,
                         page_url=_absolute(ctx, request, f"/s/{token}"), image_url=None, video_url=None,
                         width=None, height=None)
        title = "Try again shortly" if busy else "Not shared"
        return HTMLResponse(render(index, title=f"{title} · Sora2 Studio", head=head, video_url=None),
                            status_code=exc.status_code, headers={"Cache-Control": "no-store"})
    first = videos[0] if videos else None
    title = link.title or ("A video" if link.video_id else f"{len(videos)} videos") + " shared from Sora2 Studio"
    description = (first.prompt[:200] if first and link.show_prompt else
                   "Watch it in the browser; no account needed.")
    width, _, height = (first.size.partition("x") if first else ("", "", ""))
    video_url = _absolute(ctx, request, _media_url(token, first, "video")) if first else None
    image_url = (_absolute(ctx, request, _media_url(token, first, "thumbnail"))
                 if first and first.thumbnail_name else None)
    head = meta_tags(title=title, description=description, page_url=_absolute(ctx, request, f"/s/{token}"),
                     image_url=image_url, video_url=video_url, width=int(width) if width.isdigit() else None,
                     height=int(height) if height.isdigit() else None)
    return HTMLResponse(render(index, title=title, head=head, video_url=video_url),
                        headers={"Cache-Control": "no-store"})
