"""All SQL about presets."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import Preset


class PresetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, preset: Preset) -> Preset:
        self.session.add(preset)
        await self.session.flush()
        return preset

    async def get(self, preset_id: str) -> Preset | None:
        return await self.session.get(Preset, preset_id)

    async def visible_to(self, user_id: str) -> list[Preset]:
        """The user's own presets and every shared one; shared first, then by name."""
        stmt = (select(Preset).where(or_(Preset.user_id == user_id, Preset.shared.is_(True)))
                .order_by(Preset.shared.desc(), func.lower(Preset.name), Preset.id))
        return list((await self.session.execute(stmt)).scalars().all())

    async def count_for_user(self, user_id: str) -> int:
        stmt = select(func.count()).select_from(Preset).where(Preset.user_id == user_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def delete(self, preset: Preset) -> None:
        await self.session.delete(preset)
        await self.session.flush()
