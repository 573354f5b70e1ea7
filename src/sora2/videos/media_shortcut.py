"""A player's seeks answered before FastAPI routes them.

A media request is mostly I/O: read a MiB, hand it to the server. What the framework adds around that — route
matching, dependency solving, the exception and exit-stack layers — cost more than the I/O itself (the same
uvicorn sends 2.3× the ranges for a bare ASGI app doing the same reads; docs/performance.md). So a signed media
link, or a content request whose sign-in token this instance already knows, is answered from this pure-ASGI layer
with the very functions the routes call (sora2.videos.media_answers). Anything else — an API token, an unknown or
bad token, a query FastAPI would have to explain, any error — goes on to the routes, the one place that explains
errors. The layer sits inside the access log, security headers, CORS and the input guard, as the list's does.
"""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sora2.auth.bearer import bearer_value
from sora2.auth.resolve import cached_principal
from sora2.context import AppContext
from sora2.errors import AppError
from sora2.http.handlers import AnsweredRoute
from sora2.videos.media_answers import MIME, content_answer, signed_answer

SIGNED = re.compile(r"/api/media/([^/]+)/([^/]+)")
SIGNED_ROUTE = AnsweredRoute("/api/media/{video_id}/{variant}")
CONTENT = re.compile(r"/api/videos/([^/]+)/content")
CONTENT_ROUTE = AnsweredRoute("/api/videos/{video_id}/content")
# How FastAPI reads a bool query parameter; any other value is the route's 400, so the route answers those.
BOOLEANS = {"1": True, "true": True, "on": True, "yes": True, "t": True, "y": True,
            "0": False, "false": False, "off": False, "no": False, "f": False, "n": False}


class MediaShortcut:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = None
        if scope["type"] == "http" and _media_path(scope["path"]) and scope["method"] in ("GET", "HEAD"):
            response = await shortcut_answer(scope)
        if response is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = SIGNED_ROUTE if scope["path"].startswith("/api/media/") else CONTENT_ROUTE
        await response(scope, receive, send)


def _media_path(path: str) -> bool:
    """Cheap enough for every request (the list's pass here first): the regular expressions decide."""
    return path.startswith("/api/media/") or path.endswith("/content")


async def shortcut_answer(scope: Scope) -> Response | None:
    """The media answer for this request when it needs nothing the routes alone do, else None."""
    signed = SIGNED.fullmatch(scope["path"])
    content = None if signed else CONTENT.fullmatch(scope["path"])
    if signed is None and content is None:
        return None
    request = Request(scope)
    query = QueryParams(scope["query_string"])
    download = BOOLEANS.get(query.get("download", "false").lower())
    if download is None:
        return None
    ctx = scope["app"].state.ctx
    try:
        if signed is not None:
            video_id, variant = signed.groups()
            if variant not in MIME:
                return None
            return await signed_answer(request, ctx, video_id, variant, query.get("exp"), query.get("sig"), download)
        user_id = _known_user(request, query, ctx)
        if user_id is None:
            return None
        return await content_answer(request, ctx, content.group(1), user_id, query.get("variant", "video"), download)
    except AppError:
        return None  # the route answers again, and explains


def _known_user(request: Request, query: QueryParams, ctx: AppContext) -> str | None:
    """The signed-in user a header or `?token=` names, when this instance knows the token without the database."""
    header = request.headers.get("authorization")
    token = bearer_value(header) if header is not None else query.get("token")
    principal = cached_principal(ctx, token) if token else None
    return principal.id if principal is not None else None
