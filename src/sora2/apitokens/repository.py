"""All SQL about personal API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import ApiToken, User


class ApiTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def get(self, token_id: str) -> ApiToken | None:
        return await self.session.get(ApiToken, token_id)

    async def find_with_user(self, token_hash: str) -> tuple[ApiToken, User] | None:
        result = await self.session.execute(
            select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == token_hash))
        row = result.first()
        return (row[0], row[1]) if row else None

    async def list(self, user_id: str | None = None) -> list[tuple[ApiToken, User]]:
        query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        if user_id is not None:
            query = query.where(ApiToken.user_id == user_id)
        result = await self.session.execute(query.order_by(ApiToken.created_at.desc(), ApiToken.id))
        return [(row[0], row[1]) for row in result]

    async def owner_name(self, user_id: str) -> str | None:
        return (await self.session.execute(select(User.username).where(User.id == user_id))).scalar_one_or_none()

    async def count(self, user_id: str) -> int:
        query = select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user_id)
        return (await self.session.execute(query)).scalar_one()

    async def touch(self, token_id: str, when: datetime) -> None:
        await self.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))

    async def delete(self, token_id: str) -> bool:
        result = await self.session.execute(delete(ApiToken).where(ApiToken.id == token_id))
        return result.rowcount > 0
