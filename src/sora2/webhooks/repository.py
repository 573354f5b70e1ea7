"""All SQL about webhook deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import WebhookDelivery


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_once(self, provider: str, key: str, now: datetime) -> bool:
        """Remember a delivery; False when it was seen before (also when a concurrent request just stored it)."""
        if await self.session.get(WebhookDelivery, (provider, key)) is not None:
            return False
        try:
            async with self.session.begin_nested():  # a savepoint: a conflict must not doom the transaction
                self.session.add(WebhookDelivery(provider=provider, idempotency_key=key, received_at=now))
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(delete(WebhookDelivery).where(WebhookDelivery.received_at < before))
        return result.rowcount or 0
