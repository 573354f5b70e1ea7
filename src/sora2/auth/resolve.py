"""One answer to "who is this bearer token?" for REST, Socket.IO and MCP alike: a sign-in JWT or a personal API
token."""

from __future__ import annotations

from sora2.apitokens.service import ApiTokenService, is_api_token
from sora2.auth.principal import Principal
from sora2.auth.service import AuthService
from sora2.context import AppContext
from sora2.errors import Unauthorized
from sora2.inputs import text_problem

MAX_TOKEN_LENGTH = 4096  # a sign-in JWT is a few hundred characters, an API token 47


async def resolve_principal(ctx: AppContext, token: str | None) -> Principal:
    if not token:
        raise Unauthorized("No token provided", code="no_token")
    if len(token) > MAX_TOKEN_LENGTH or text_problem(token):  # Socket.IO's JSON auth can carry anything
        raise Unauthorized("Invalid token", code="invalid_token")
    if is_api_token(token):
        # Never cached: a revoked token must fail on its very next request, on every instance.
        async with ctx.sessions.begin() as session:
            return await ApiTokenService(session).authenticate(token)
    principal = ctx.principals.get_for_token(token, ctx.tokens)
    if principal is not None:
        return principal  # the common case needs no database session at all
    async with ctx.sessions.begin() as session:
        return await AuthService(session, ctx.tokens, ctx.principals).user_for_token(token)
