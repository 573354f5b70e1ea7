"""Login and token resolution."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.passwords import burn_time, verify_password
from sora2.auth.principal import Principal, PrincipalCache
from sora2.auth.ratelimit import LoginLimiter
from sora2.auth.tokens import TokenCodec
from sora2.errors import BadRequest, TooManyRequests, Unauthorized
from sora2.models import User
from sora2.users.repository import UserRepository

INVALID_CREDENTIALS = "Invalid credentials"


class AuthService:
    def __init__(self, session: AsyncSession, tokens: TokenCodec, limiter: LoginLimiter,
                 principals: PrincipalCache | None = None) -> None:
        self.users = UserRepository(session)
        self.tokens = tokens
        self.limiter = limiter
        self.principals = principals or PrincipalCache(ttl_seconds=0)

    async def login(self, username: object, password: object, address: str) -> tuple[str, User]:
        if not username or not password:
            raise BadRequest("Username and password required")
        if not isinstance(username, str) or not isinstance(password, str):
            raise BadRequest("Username and password must be strings")
        wait = self.limiter.retry_after(username, address)
        if wait:
            raise TooManyRequests(f"Too many failed logins; try again in {wait} s",
                                  headers={"Retry-After": str(wait)})
        user = await self.users.get_by_username(username)
        if user is None:
            burn_time(password)  # same cost as a real check: the reply never tells whether the user exists
            return self._fail(username, address)
        ok, upgraded = verify_password(password, user.password_hash)
        if not ok or user.disabled:
            return self._fail(username, address)
        if upgraded:
            user.password_hash = upgraded  # bcrypt from the original → argon2id
        self.limiter.record_success(username)
        return self.tokens.issue(user.id, user.username), user

    def _fail(self, username: str, address: str):  # noqa: ANN202
        self.limiter.record_failure(username, address)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")

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
