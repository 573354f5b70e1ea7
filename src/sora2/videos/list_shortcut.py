"""The library list answered from its cache before FastAPI routes the request.

A cached page needs no database and no serialisation; what was left of a cached list request's cost was the
framework around it: matching routes, FastAPI's dependency solving, a Response object (docs/performance.md).
So a `GET /api/videos` whose sign-in token this instance already knows and whose page is cached gets the very
bytes the route would send, from this pure-ASGI layer. Everything else (a miss, an API token, an unknown or bad
token, a bad query) goes on to the route, the one place that builds pages and explains errors. The layer sits
inside the access log, security headers, CORS and the input guard, so those treat both answers alike.
"""

from __future__ import annotations

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from sora2.auth.bearer import bearer_value
from sora2.auth.resolve import cached_principal
from sora2.errors import BadRequest
from sora2.http.handlers import AnsweredRoute
from sora2.videos.listing import page_key

LIST_PATH = "/api/videos"
LIST_ROUTE = AnsweredRoute(LIST_PATH)


class CachedListShortcut:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = cached_page(scope) if scope["type"] == "http" and scope["path"] == LIST_PATH else None
        if page is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = LIST_ROUTE
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(page)).encode()), (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": page})


def cached_page(scope: Scope) -> bytes | None:
    """The cached list page this request asks for, or None when the route must answer."""
    if scope["method"] != "GET":
        return None
    headers = Headers(scope=scope)
    token = bearer_value(headers.get("authorization"))
    if token is None:
        return None
    ctx = scope["app"].state.ctx
    principal = cached_principal(ctx, token)
    if principal is None:
        return None
    try:
        key = page_key(QueryParams(scope["query_string"]), headers)
    except BadRequest:
        return None  # the route says what is wrong with the query
    return ctx.list_cache.get(principal.id, key)
