"""One answer to "who is this bearer token?" for REST, Socket.IO and MCP alike: a sign-in JWT or a personal API
token."""

from __future__ import annotations

from sora2.apitokens.service import ApiTokenService, is_api_token
from sora2.auth.principal import Principal
from sora2.auth.service import AuthService
from sora2.context import AppContext
from sora2.errors import Unauthorized
from sora2.http.inputs import text_problem

MAX_TOKEN_LENGTH = 4096  # a sign-in JWT is a few hundred characters, an API token 47


def _well_formed(token: str) -> bool:
    return len(token) <= MAX_TOKEN_LENGTH and text_problem(token) is None  # Socket.IO's JSON auth can carry anything


def cached_principal(ctx: AppContext, token: str) -> Principal | None:
    """Who a sign-in token names, when this instance already knows without the database; else None.

    API tokens are never answered here: a revoked one must fail on its very next request, on every instance.
    """
    if not _well_formed(token) or is_api_token(token):
        return None
    return ctx.principals.get_for_token(token, ctx.tokens)


async def resolve_principal(ctx: AppContext, token: str | None) -> Principal:
    if not token:
        raise Unauthorized("No token provided", code="no_token")
    if not _well_formed(token):
        raise Unauthorized("Invalid token", code="invalid_token")
    principal = cached_principal(ctx, token)
    if principal is not None:
        return principal  # the common case needs no database session at all
    if is_api_token(token):
        async with ctx.sessions.begin() as session:
            return await ApiTokenService(session).authenticate(token)
    async with ctx.sessions.begin() as session:
        return await AuthService(session, ctx.tokens, ctx.principals).user_for_token(token)
