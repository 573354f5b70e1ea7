"""Builds the configured providers from settings and resolves which one serves a model."""

from __future__ import annotations

import logging
from dataclasses import replace

import httpx

from sora2.config import Settings
from sora2.errors import BadRequest
from sora2.providers.base import ModelCapabilities, Provider, ProviderInfo
from sora2.providers.catalog import openai_video_models
from sora2.providers.openai_compat import OpenAICompatProvider

log = logging.getLogger(__name__)

EMULATOR_ID = "emulator"
OPENAI_ID = "openai"
OPENROUTER_ID = "openrouter"


class ProviderRegistry:
    """The providers this instance runs. Every built provider keeps serving its jobs (`all`, `get`); only the
    enabled ones take new videos (`enabled`, `resolve`). Providers added, changed or disabled at runtime are
    swapped in by `replace` (see providers.runtime), so the tracker and the routes see them at once."""

    def __init__(self, providers: list[Provider], *, disabled: set[str] | None = None,
                 default: tuple[str, str] | None = None) -> None:
        self._providers = {p.info.id: p for p in providers}
        self.disabled: frozenset[str] = frozenset(disabled or ())
        self.default_choice = default  # (provider id, model id) an admin chose, if any

    def __contains__(self, provider_id: str) -> bool:
        return provider_id in self._providers

    @property
    def all(self) -> list[Provider]:
        return list(self._providers.values())

    @property
    def enabled(self) -> list[Provider]:
        return [p for p in self._providers.values() if p.info.id not in self.disabled]

    @property
    def default(self) -> Provider | None:
        chosen = self.default_model()
        return chosen[0] if chosen else next(iter(self.enabled), None)

    def default_model(self) -> tuple[Provider, ModelCapabilities] | None:
        """The admin's choice while it is offered, else the first enabled provider's first model."""
        if self.default_choice is not None:
            provider_id, model_id = self.default_choice
            provider = self._providers.get(provider_id)
            capabilities = provider.info.model(model_id) if provider and provider_id not in self.disabled else None
            if capabilities is not None:
                return provider, capabilities
        provider = next((p for p in self.enabled if p.info.models), None)
        return (provider, provider.info.models[0]) if provider else None

    def get(self, provider_id: str) -> Provider:
        provider = self._providers.get(provider_id)
        if provider is None:
            raise BadRequest(f"Provider {provider_id!r} is not configured; available: "
                             f"{', '.join(p.info.id for p in self.enabled)}", code="unknown_provider")
        return provider

    def offered(self, provider_id: str) -> Provider:
        """An enabled provider (for new videos)."""
        provider = self.get(provider_id)
        if provider_id in self.disabled:
            raise BadRequest(f"Provider {provider_id!r} is disabled; available: "
                             f"{', '.join(p.info.id for p in self.enabled)}", code="provider_disabled")
        return provider

    def resolve(self, provider_id: str | None, model: str | None) -> tuple[Provider, ModelCapabilities]:
        """Pick the provider and model for a request: explicit provider, else the first one offering the model."""
        candidates = [self.offered(provider_id)] if provider_id else self.enabled
        if not candidates:
            raise BadRequest("No video provider is configured", code="no_provider")
        if model is None:
            default = self.default_model()
            if default is not None and default[0] in candidates:
                return default
            # A provider whose models are not discovered yet (OpenRouter offline at startup) offers none.
            provider = next((p for p in candidates if p.info.models), None)
            if provider is None:
                raise BadRequest("No models are available yet; try again shortly", code="no_models")
            return provider, provider.info.models[0]
        for provider in candidates:
            capabilities = provider.info.model(model)
            if capabilities:
                return provider, capabilities
        allowed = sorted({m.id for p in candidates for m in p.info.models})
        raise BadRequest(f"Unknown model {model!r}. Allowed: {', '.join(allowed)}", code="unknown_model")

    def replace(self, providers: list[Provider], *, disabled: set[str],
                default: tuple[str, str] | None) -> list[Provider]:
        """Swap in a new set of providers; returns the ones no longer in it (the caller closes them later)."""
        fresh = {p.info.id: p for p in providers}
        removed = [p for pid, p in self._providers.items() if fresh.get(pid) is not p]
        self._providers, self.disabled, self.default_choice = fresh, frozenset(disabled), default
        return removed

    async def start(self) -> None:
        for provider in self._providers.values():
            start = getattr(provider, "start", None)
            if start is not None:
                await start()

    async def close(self) -> None:
        for provider in self._providers.values():
            await provider.close()


def _free(model: ModelCapabilities) -> ModelCapabilities:
    """A simulated render costs nothing: the emulator's models carry a price of $0, so every estimate says so."""
    return replace(model, price_per_second={size: 0.0 for size in model.price_per_second},
                   price_per_second_by_resolution={res: 0.0 for res in model.price_per_second_by_resolution})


def emulator_info(settings: Settings) -> ProviderInfo:
    return ProviderInfo(id=EMULATOR_ID, name="Built-in emulator (offline, simulated)",
                        models=tuple(_free(m) for m in openai_video_models(remix=True)), emulated=True,
                        concurrency=settings.emulator_concurrency, idempotent_create=True,
                        request_timeout=settings.emulator_timeout_seconds)


def build_openai_provider(settings: Settings) -> Provider:
    """The gateway SORA2_OPENAI_* configure (models discovered from its /v1/models)."""
    from sora2.providers.factory import build
    from sora2.providers.specs import env_specs

    return build(next(s for s in env_specs(settings) if s.id == OPENAI_ID), settings)


def build_emulator_provider(settings: Settings, emulator_asgi_app, api_key: str) -> OpenAICompatProvider:  # noqa: ANN001
    """The in-process emulator, reached through an ASGI transport: no socket, no port to know."""
    transport = httpx.ASGITransport(app=emulator_asgi_app)
    client = httpx.AsyncClient(transport=transport, base_url="http://emulator.internal/v1/",
                               headers={"Authorization": f"Bearer {api_key}"})
    return OpenAICompatProvider(emulator_info(settings), client, timeout=settings.emulator_timeout_seconds)


def build_openrouter_provider(settings: Settings, *, async_client: httpx.AsyncClient | None = None):  # noqa: ANN201
    """OpenRouter's /api/v1/videos through its official SDK; models come from discovery (see openrouter_models)."""
    from sora2.providers.openrouter import OpenRouterProvider

    return OpenRouterProvider.from_settings(settings, provider_id=OPENROUTER_ID, async_client=async_client)
