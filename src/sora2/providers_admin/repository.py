"""All SQL about runtime-configured providers and platform settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import AppSetting, ProviderConfig, Video
from sora2.models.video import ACTIVE_STATUSES

DEFAULT_KEY = "providers.default"
DISABLED_KEY = "providers.disabled"
VERSION_KEY = "providers.version"


class ProviderConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self) -> list[ProviderConfig]:
        return list((await self.session.scalars(select(ProviderConfig).order_by(ProviderConfig.created_at))).all())

    async def get(self, provider_id: str) -> ProviderConfig | None:
        return await self.session.get(ProviderConfig, provider_id)

    async def add(self, config: ProviderConfig) -> None:
        self.session.add(config)
        await self.session.flush()

    async def delete(self, config: ProviderConfig) -> None:
        await self.session.delete(config)
        await self.session.flush()

    async def setting(self, key: str, default: Any = None) -> Any:
        row = await self.session.get(AppSetting, key)
        return default if row is None else row.value

    async def set_setting(self, key: str, value: Any) -> None:
        row = await self.session.get(AppSetting, key)
        if row is None:
            self.session.add(AppSetting(key=key, value=value))
        else:
            row.value = value
        await self.session.flush()

    async def bump_version(self) -> int:
        """Every change bumps it, so an instance that missed the event still notices on its next check."""
        version = int(await self.setting(VERSION_KEY, 0) or 0) + 1
        await self.set_setting(VERSION_KEY, version)
        return version

    async def version(self) -> int:
        return int(await self.setting(VERSION_KEY, 0) or 0)

    async def active_videos(self, provider_id: str) -> int:
        """Videos still generating at this provider (removing it would orphan paid jobs)."""
        query = select(func.count()).select_from(Video).where(Video.provider == provider_id,
                                                             Video.status.in_(ACTIVE_STATUSES))
        return int((await self.session.execute(query)).scalar_one())
