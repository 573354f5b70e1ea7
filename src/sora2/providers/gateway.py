"""An OpenAI-shaped gateway (LiteLLM proxy, new-api, relays, legacy Sora) whose models are discovered.

Model ids come from the gateway's `GET /v1/models`; capabilities from the operator's model table, the model's
family, or conservative defaults (gateway_models.py). Without a usable model list the table's models are offered,
else Sora 2 and Sora 2 Pro, as before discovery existed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from sora2.providers.base import ProviderError, ProviderInfo
from sora2.providers.gateway_models import describe, video_model_ids
from sora2.providers.openai_compat import OpenAICompatProvider

log = logging.getLogger(__name__)
FALLBACK_MODELS = ("sora-2", "sora-2-pro")
FIRST_RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class CheckResult:
    """What `check` found: the models offered and what the operator should look at."""

    models: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


class GatewayProvider(OpenAICompatProvider):
    def __init__(self, info: ProviderInfo, client: httpx.AsyncClient, *, timeout: float = 60.0,
                 table: dict[str, dict[str, Any]] | None = None, discover: bool = True, remix: bool = True,
                 refresh_seconds: float = 3600.0, startup_timeout: float = 10.0) -> None:
        super().__init__(info, client, timeout=timeout)
        self.table = table or {}
        self.discover = discover
        self.can_remix = remix
        self.warnings: tuple[str, ...] = ()
        self._refresh_seconds = refresh_seconds
        self._startup_timeout = startup_timeout
        self._refresher: asyncio.Task | None = None
        self._apply(list(self.table) or list(FALLBACK_MODELS))

    def _apply(self, model_ids: list[str]) -> None:
        described = [describe(m, self.table.get(m), remix=self.can_remix) for m in model_ids]
        self.warnings = tuple(d.warning for d in described if d.warning)
        self.info = dataclasses.replace(self.info, models=tuple(d.capabilities for d in described))

    async def list_model_ids(self) -> list[str]:
        """The gateway's video models (raises ProviderError when it does not answer with a model list)."""
        response = await self._request("GET", "models")
        try:
            listing = response.json()
        except ValueError:
            raise ProviderError("transient", "the gateway's /models answer is not JSON") from None
        return video_model_ids(listing, self.table)

    async def refresh_models(self) -> int:
        model_ids = await self.list_model_ids()
        if not model_ids:
            log.warning("gateway %s lists no video models; keeping %d known ones", self.info.id,
                        len(self.info.models))
            return len(self.info.models)
        self._apply(model_ids)
        for warning in self.warnings:
            log.warning("gateway %s: %s", self.info.id, warning)
        return len(self.info.models)

    async def check(self) -> CheckResult:
        """Ask the gateway for its models (proves the URL and key); used by `providers check` and the admin page."""
        if not self.discover:
            await self._request("GET", "models")
            return CheckResult(tuple(m.id for m in self.info.models), self.warnings,
                               ("model discovery is off: the model table is offered",))
        count = await self.refresh_models()
        notes = () if count else ("the gateway lists no video models",)
        return CheckResult(tuple(m.id for m in self.info.models), self.warnings, notes)

    async def start(self) -> None:
        if not self.discover:
            return
        delay = self._refresh_seconds
        try:
            async with asyncio.timeout(self._startup_timeout):
                count = await self.refresh_models()
            log.info("gateway %s: %d video models", self.info.id, count)
        except (ProviderError, TimeoutError) as exc:
            log.warning("gateway %s: model discovery failed (%s); offering %s until it succeeds", self.info.id,
                        getattr(exc, "message", type(exc).__name__), ", ".join(m.id for m in self.info.models))
            delay = FIRST_RETRY_SECONDS
        self._refresher = asyncio.create_task(self._refresh_loop(delay), name=f"sora2-models-{self.info.id}")

    async def _refresh_loop(self, delay: float) -> None:
        while True:
            await asyncio.sleep(delay)
            try:
                await self.refresh_models()
                delay = self._refresh_seconds
            except Exception as exc:  # noqa: BLE001  the loop must outlive a bad answer
                delay = min(self._refresh_seconds, delay * 2)
                log.warning("gateway %s: model refresh failed (%s)", self.info.id,
                            getattr(exc, "message", type(exc).__name__))

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)
        await super().close()
