"""The audit log: `record` is the one call every feature makes; the rest serves admins and account owners.

    await record(session, actor, "token.revoked", f"token:{token.id}", {"name": token.name})

`actor` is whoever acted (a Principal or User; None for the system, the CLI or an unknown caller); `target` is a
user (anything with `id` and `username`), a string "kind:id", or ("kind:id", name) where name is the username the
thing belongs to (so filtering by that user finds it); `details` a small JSON object. The entry is
written with the caller's transaction, so an action that is rolled back leaves no entry; `record_now` writes in
a transaction of its own, for events about a request that fails (a wrong password).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.audit.repository import AuditFilter, AuditRepository
from sora2.db.base import utcnow
from sora2.db.session import SessionFactory
from sora2.models import AuditEntry

SIGN_IN, SIGN_IN_FAILED = "auth.sign_in", "auth.sign_in_failed"
PASSWORD_CHANGED, PASSWORD_CHANGE_FAILED = "auth.password_changed", "auth.password_change_failed"
ACTIONS = (
    SIGN_IN, SIGN_IN_FAILED, PASSWORD_CHANGED, PASSWORD_CHANGE_FAILED,
    "user.created", "user.imported", "user.role_changed", "user.disabled", "user.enabled", "user.password_reset",
    "token.created", "token.revoked", "audit.exported",
)
PRUNE_EVERY_SECONDS = 3600.0
_last_prune = 0.0


class Named(Protocol):
    id: str
    username: str


Target = Named | str | tuple[str, str | None] | None


async def record(session: AsyncSession, actor: Named | None, action: str, target: Target = None,
                 details: dict[str, Any] | None = None, *, address: str | None = None) -> AuditEntry:
    """Add one entry to the caller's unit of work (see the module docstring)."""
    target_key, target_name = _target(target)
    entry = AuditEntry(at=utcnow(), action=action, actor_id=actor.id if actor else None,
                       actor_name=actor.username if actor else None, target=target_key, target_name=target_name,
                       address=(address or None) and address[:64], details=details or None)
    AuditRepository(session).add(entry)
    return entry


async def record_now(sessions: SessionFactory, actor: Named | None, action: str, target: Target = None,
                     details: dict[str, Any] | None = None, *, address: str | None = None) -> None:
    """`record` in a transaction of its own: for an event whose request is about to fail."""
    async with sessions.begin() as session:
        await record(session, actor, action, target, details, address=address)


def _target(target: Target) -> tuple[str | None, str | None]:
    if not target:
        return None, None
    if isinstance(target, tuple):
        key, name = target
        return key[:160], name[:160] if name else None
    if isinstance(target, str):
        # "username:<name>": a sign-in to an account that does not exist; the name is what filters find.
        name = target.partition(":")[2] if target.startswith("username:") else None
        return target[:160], name
    return f"user:{target.id}", target.username[:160]


@dataclass(frozen=True)
class FailedSignIns:
    """Failed sign-ins on an account after its previous successful one (what the owner is told)."""

    count: int
    last_at: datetime | None
    since: datetime | None  # the previous successful sign-in; None when there was none


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = AuditRepository(session)

    async def page(self, where: AuditFilter, before_id: int | None, limit: int) -> list[AuditEntry]:
        return await self.repo.page(where, before_id, limit)

    def stream(self, where: AuditFilter, limit: int) -> AsyncIterator[AuditEntry]:
        return self.repo.stream(where, limit)

    async def account_activity(self, user_id: str, limit: int = 50) -> list[AuditEntry]:
        return await self.repo.for_account(user_id, limit)

    async def failed_sign_ins(self, user_id: str, signed_in_now: bool) -> FailedSignIns:
        """Failures since the sign-in before this one. `signed_in_now`: this request's own sign-in is already
        recorded (then "the previous" is the one before it)."""
        target = f"user:{user_id}"
        since = await self.repo.nth_latest_at(target, SIGN_IN, 1 if signed_in_now else 0)
        count, last = await self.repo.count_since(target, SIGN_IN_FAILED, since)
        return FailedSignIns(count=count, last_at=last, since=since)

    async def prune_if_due(self, retention_days: int) -> None:
        """Delete entries past the retention, at most once an hour per process."""
        global _last_prune
        if retention_days <= 0 or time.monotonic() - _last_prune < PRUNE_EVERY_SECONDS:
            return
        _last_prune = time.monotonic()
        await self.repo.delete_before(utcnow() - timedelta(days=retention_days))
