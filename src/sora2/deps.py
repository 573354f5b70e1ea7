"""Annotated FastAPI dependencies: the only place besides routers that knows about FastAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.bearer import bearer_value
from sora2.auth.resolve import resolve_principal
from sora2.context import AppContext
from sora2.errors import Forbidden, Unauthorized
from sora2.auth.principal import Principal


async def get_ctx(request: Request) -> AppContext:
    # async, though it awaits nothing: FastAPI runs a plain `def` dependency in its thread pool, a thread hop on
    # every request for an attribute read.
    return request.app.state.ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


async def get_session(ctx: CtxDep) -> AsyncIterator[AsyncSession]:
    # The request owns the transaction: commit after the handler returns, before the response is sent.
    async with ctx.sessions.begin() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def client_address(request: Request) -> str:
    """The caller's address as uvicorn resolved it (X-Forwarded-For only from SORA2_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    token = bearer_value(header)
    if token is None:
        raise Unauthorized("No token provided", code="no_token")
    return token


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _checked(request: Request, principal: Principal) -> Principal:
    if request.method not in SAFE_METHODS and not principal.can_write:
        raise Forbidden("This API token is read-only; this request needs the write scope", code="insufficient_scope")
    return principal


async def current_user(request: Request, ctx: CtxDep) -> Principal:
    return _checked(request, await resolve_principal(ctx, bearer_token(request)))


async def current_user_any_scope(request: Request, ctx: CtxDep) -> Principal:
    """For the few writes any token may make about itself (revoking itself); the route checks the rest."""
    return await resolve_principal(ctx, bearer_token(request))


async def current_user_or_query_token(request: Request, ctx: CtxDep) -> Principal:
    """For content routes only: the original's clients put the token in `?token=` for <video src>."""
    token = bearer_token(request)
    if token is None:
        token = request.query_params.get("token")
    return _checked(request, await resolve_principal(ctx, token))


async def admin_user(user: Annotated[Principal, Depends(current_user)]) -> Principal:
    if not user.is_admin:
        raise Forbidden("Admin role required")
    return user


CurrentUser = Annotated[Principal, Depends(current_user)]
AnyScopeUser = Annotated[Principal, Depends(current_user_any_scope)]
MediaUser = Annotated[Principal, Depends(current_user_or_query_token)]
AdminUser = Annotated[Principal, Depends(admin_user)]
