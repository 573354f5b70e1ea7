"""Create, list, revoke and authenticate personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.apitokens.repository import ApiTokenRepository
from sora2.audit.service import record
from sora2.auth.principal import READ, WRITE, Principal
from sora2.db.session import queue_event
from sora2.errors import BadRequest, Forbidden, NotFound, Unauthorized
from sora2.events import UserChanged
from sora2.models import ApiToken, User

TOKEN_PREFIX = "s2p_"
SCOPES = (READ, WRITE)
MAX_TOKENS_PER_USER = 100
MAX_EXPIRY_DAYS = 3650
# last_used_at is written at most this often per token, so reads do not turn into writes on every request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def is_api_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_scopes(scopes: list[str] | None) -> list[str]:
    """Default read+write; write implies read. Unknown scopes are a clear 400."""
    if scopes is None:
        return list(SCOPES)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise BadRequest(f"Invalid scopes {unknown or scopes}. Allowed: read, write", code="invalid_scopes")
    return [s for s in SCOPES if s in scopes or (s == READ and WRITE in scopes)]


class ApiTokenService:
    def __init__(self, session: AsyncSession, address: str | None = None) -> None:
        self.repo = ApiTokenRepository(session)
        self.address = address  # the caller's, for the audit log

    async def create(self, owner: Principal, name: str, scopes: list[str] | None,
                     expires_in_days: int | None) -> tuple[str, ApiToken]:
        if owner.token_id is not None:
            raise Forbidden("API tokens cannot create other tokens; sign in with your password to create one",
                            code="password_login_required")
        name = name.strip()
        if not 1 <= len(name) <= 64:
            raise BadRequest("Token name must be 1 to 64 characters", code="invalid_name")
        if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise BadRequest(f"expires_in_days must be between 1 and {MAX_EXPIRY_DAYS}, or null for no expiry",
                             code="invalid_expiry")
        if await self.repo.count(owner.id) >= MAX_TOKENS_PER_USER:
            raise BadRequest(f"You already have {MAX_TOKENS_PER_USER} tokens; revoke some first",
                             code="too_many_tokens")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        token = ApiToken(id=str(uuid.uuid4()), user_id=owner.id, name=name, prefix=secret[:12], created_at=now,
                         token_hash=hash_token(secret), scopes=normalize_scopes(scopes),
                         expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
        await self.repo.add(token)
        await record(self.repo.session, owner, "token.created", (f"token:{token.id}", owner.username),
                     {"name": token.name, "scopes": token.scopes, "expires_in_days": expires_in_days},
                     address=self.address)
        return secret, token

    async def list(self, user_id: str | None) -> list[tuple[ApiToken, User]]:
        return await self.repo.list(user_id)

    async def revoke(self, caller: Principal, token_id: str, *, as_admin: bool = False) -> None:
        token = await self.repo.get(token_id)
        if token is None or (token.user_id != caller.id and not as_admin):
            raise NotFound("Token not found")
        if not caller.can_write and token_id != caller.token_id:
            raise Forbidden("This API token is read-only; it can revoke only itself", code="insufficient_scope")
        owner = caller.username if token.user_id == caller.id else await self.repo.owner_name(token.user_id)
        await self.repo.delete(token_id)
        details = {"name": token.name, "owner_id": token.user_id}
        await record(self.repo.session, caller, "token.revoked", (f"token:{token_id}", owner),
                     details if token.user_id == caller.id else {**details, "as_admin": True}, address=self.address)
        queue_event(self.repo.session, UserChanged(user_id=token.user_id))  # its open sockets are checked again

    async def authenticate(self, secret: str) -> Principal:
        """The principal a token stands for. Always read from the database, so revocation applies at once."""
        found = await self.repo.find_with_user(hash_token(secret))
        if found is None or found[1].disabled:
            raise Unauthorized("Invalid token", code="invalid_token")
        token, user = found
        now = datetime.now(UTC)
        if token.expires_at is not None and token.expires_at <= now:
            raise Unauthorized("This API token has expired", code="token_expired")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            await self.repo.touch(token.id, now)
        return replace(Principal.of(user), token_id=token.id, scopes=frozenset(token.scopes))
