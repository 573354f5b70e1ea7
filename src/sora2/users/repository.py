"""All SQL about users."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: str) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_username(self, username: str) -> User | None:
        result = await self.session.execute(select(User).where(func.lower(User.username) == username.lower()))
        return result.scalar_one_or_none()

    async def list(self) -> list[User]:
        result = await self.session.execute(select(User).order_by(User.created_at, User.id))
        return list(result.scalars())

    async def count(self) -> int:
        return (await self.session.execute(select(func.count()).select_from(User))).scalar_one()

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user
