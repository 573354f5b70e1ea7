"""Who a sign-in token stands for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.principal import Principal, PrincipalCache
from sora2.auth.tokens import TokenCodec
from sora2.errors import Unauthorized
from sora2.users.repository import UserRepository


class AuthService:
    def __init__(self, session: AsyncSession, tokens: TokenCodec, principals: PrincipalCache | None = None) -> None:
        self.users = UserRepository(session)
        self.tokens = tokens
        self.principals = principals or PrincipalCache(ttl_seconds=0)

    async def user_for_token(self, token: str) -> Principal:
        claims = self.tokens.decode(token)
        if claims is None:
            raise Unauthorized("Invalid token", code="invalid_token")
        principal = self.principals.get(claims.user_id)
        if principal is None:
            generation = self.principals.generation
            user = await self.users.get(claims.user_id)
            if user is None:
                raise Unauthorized("Invalid token", code="invalid_token")
            principal = Principal.of(user)
            self.principals.put(principal, generation)
        if principal.disabled:
            raise Unauthorized("Invalid token", code="invalid_token")
        if not principal.accepts(claims, token):
            raise Unauthorized("Signed out: the password was changed. Sign in again.", code="session_ended")
        return principal
