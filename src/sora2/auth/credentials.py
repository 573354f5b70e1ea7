"""Proving who you are with a password: signing in, and changing the password (which needs the current one).

Both go through the sign-in throttle (sora2.auth.throttle) with the account and the client's address, and both
leave an audit entry; a failure is recorded in a transaction of its own, since the request's rolls back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.audit.service import (
    PASSWORD_CHANGE_FAILED, PASSWORD_CHANGED, SIGN_IN, SIGN_IN_FAILED, AuditService, FailedSignIns, record,
    record_now,
)
from sora2.auth.passwords import burn_time, verify_password
from sora2.auth.principal import Principal
from sora2.auth.throttle import LoginThrottle
from sora2.auth.tokens import TokenCodec
from sora2.db.session import SessionFactory
from sora2.errors import BadRequest, Forbidden, NotFound, Unauthorized
from sora2.models import User
from sora2.users.repository import UserRepository
from sora2.users.service import UserService, require_password

INVALID_CREDENTIALS = "Invalid credentials"
MAX_USERNAME = 256  # longer than any real username (64): refused before it is hashed into a throttle key


@dataclass(frozen=True)
class SignedIn:
    token: str
    user: User
    failed: FailedSignIns  # failed attempts on the account since its previous sign-in


class CredentialService:
    def __init__(self, session: AsyncSession, sessions: SessionFactory, throttle: LoginThrottle,
                 tokens: TokenCodec | None = None, retention_days: int = 0) -> None:
        self.session = session
        self.sessions = sessions  # for audit entries that must outlive a failing request
        self.users = UserRepository(session)
        self.throttle = throttle
        self.tokens = tokens
        self.retention_days = retention_days

    async def sign_in(self, username: object, password: object, address: str) -> SignedIn:
        if not username or not password:
            raise BadRequest("Username and password required")
        if not isinstance(username, str) or not isinstance(password, str):
            raise BadRequest("Username and password must be strings")
        if len(username) > MAX_USERNAME:
            raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
        attempt = await self.throttle.attempt(username, address)
        await asyncio.sleep(attempt.delay)
        user = await self.users.get_by_username(username)
        if user is None:
            await asyncio.to_thread(burn_time, password)  # same cost as a real check: no hint the user is missing
            await self._failed_sign_in(f"username:{username[:64]}", "unknown account", address)
        ok, upgraded = await asyncio.to_thread(verify_password, password, user.password_hash)
        if not ok or user.disabled:
            await self._failed_sign_in(user, "disabled" if ok else "wrong password", address)
        if upgraded:
            user.password_hash = upgraded  # bcrypt from the original → argon2id
        await self.throttle.succeeded(attempt)
        audit = AuditService(self.session)
        failed = await audit.failed_sign_ins(user.id, signed_in_now=False)
        await record(self.session, user, SIGN_IN, user, address=address)
        await audit.prune_if_due(self.retention_days)
        assert self.tokens is not None
        return SignedIn(self.tokens.issue(user.id, user.username), user, failed)

    async def _failed_sign_in(self, target: User | str, reason: str, address: str) -> NoReturn:
        await record_now(self.sessions, None, SIGN_IN_FAILED, target, {"reason": reason}, address=address)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")

    async def change_password(self, caller: Principal, current: object, new: object, address: str,
                              keep_session: str | None) -> None:
        """The caller's own password; the current one is required and guessing it is throttled like sign-in.
        Every other sign-in of this user ends; `keep_session` (the caller's own sign-in token) stays valid."""
        if caller.token_id is not None:
            raise Forbidden("API tokens cannot change passwords; sign in with your password to do it",
                            code="password_login_required")
        if not current or not new:
            raise BadRequest("Current and new password required")
        require_password(new, "New password")
        if not isinstance(current, str):
            raise BadRequest("Current password must be a string")
        attempt = await self.throttle.attempt(caller.username, address)
        await asyncio.sleep(attempt.delay)
        user = await self.users.get(caller.id)
        if user is None:
            raise NotFound("User not found")
        ok, _ = await asyncio.to_thread(verify_password, current, user.password_hash)
        if not ok:
            await record_now(self.sessions, caller, PASSWORD_CHANGE_FAILED, user, {"reason": "wrong password"},
                             address=address)
            raise Unauthorized("Current password is incorrect", code="wrong_password")
        await self.throttle.succeeded(attempt)
        await UserService(self.session).apply_password(user, new, keep_session)  # type: ignore[arg-type]
        await record(self.session, caller, PASSWORD_CHANGED, user, address=address)
