"""All SQL about the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # exact ("auth.sign_in") or a family ending in a dot ("auth.")
    user: str | None = None  # a username, as actor or as target
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select, where: AuditFilter) -> Select:
    if where.action:
        if where.action.endswith("."):
            query = query.where(AuditEntry.action.startswith(where.action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == where.action)
    if where.user:
        name = where.user.lower()
        query = query.where(or_(func.lower(AuditEntry.actor_name) == name, func.lower(AuditEntry.target_name) == name))
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    return query


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)  # flushed with the rest of the unit of work: an undone action leaves no entry

    async def page(self, where: AuditFilter, before_id: int | None, limit: int) -> list[AuditEntry]:
        """Newest first; `before_id` continues a previous page."""
        query = _filtered(select(AuditEntry), where)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        result = await self.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
        return list(result.scalars())

    async def stream(self, where: AuditFilter, limit: int, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        """Up to `limit` entries, newest first, read in batches so an export never holds the whole log."""
        before_id, sent = None, 0
        while sent < limit:
            rows = await self.page(where, before_id, min(batch, limit - sent))
            for row in rows:
                yield row
            if len(rows) < batch:
                return
            sent += len(rows)
            before_id = rows[-1].id

    async def for_account(self, user_id: str, limit: int) -> list[AuditEntry]:
        """What happened to or by one account, newest first."""
        query = select(AuditEntry).where(or_(AuditEntry.target == f"user:{user_id}", AuditEntry.actor_id == user_id))
        result = await self.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
        return list(result.scalars())

    async def nth_latest_at(self, target: str, action: str, n: int) -> datetime | None:
        """When `action` happened to `target` for the n-th most recent time (0 = the latest)."""
        query = (select(AuditEntry.at).where(AuditEntry.target == target, AuditEntry.action == action)
                 .order_by(AuditEntry.at.desc()).offset(n).limit(1))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def count_since(self, target: str, action: str, since: datetime | None) -> tuple[int, datetime | None]:
        """How often `action` happened to `target` after `since`, and when last."""
        query = select(func.count(), func.max(AuditEntry.at)).where(AuditEntry.target == target,
                                                                    AuditEntry.action == action)
        if since is not None:
            query = query.where(AuditEntry.at > since)
        count, last = (await self.session.execute(query)).one()
        return count, last

    async def delete_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
        return result.rowcount or 0
